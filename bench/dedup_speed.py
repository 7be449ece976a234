"""Dedup speed: our code-aware MinHash vs datatrove's default, same real C corpus, one run.

Corpus: C/C++/asm files from /usr/include and the Debian packages of ``PACKAGES`` (msp430mcu,
sdcc-libraries, arduino-core-avr, openocd, newlib, ...; fetched once into the firmcorpus cache),
taken round-robin across sources in sorted order up to ``--mb`` megabytes (deterministic).

1. Signature throughput, one process: ``CodeMinhasher`` (ours, 25x10=250 permutations)
   vs ``MinhashDedupSignature.get_shingles + get_signature`` (datatrove default, 14x8=112
   permutations, spaCy English word tokenizer).
2. End to end, the 4 MinHash stages (signatures, buckets, clusters, filter+write) with
   ``LocalPipelineExecutor``, ``--workers`` workers and ``--tasks`` reading tasks for both;
   datatrove's bucket stage runs its required num_buckets tasks, ours its default single task.
   Both use the same executor settings: forkserver workers preloaded with numpy/pyarrow/datatrove
   (``corpus.stages.preload_forkserver``; ``--no-preload`` for datatrove's bare default).

    python bench/dedup_speed.py --mb 6.5 --workers 2 [--no-preload]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

# Registry packages of embedded C, named one by one: none is the packaging of a repository listed
# in ../shared/RESERVED.md (a folder of everything once unpacked by hand was read before, and held one)
PACKAGES = ("deb:msp430mcu", "deb:sdcc-libraries", "deb:arduino-core-avr", "debsrc:openocd", "deb:newlib-source",
            "debsrc:firmware-microbit-micropython", "deb:ubertooth-firmware-source", "deb:openrazer-driver-dkms",
            "deb:digimend-dkms", "deb:v4l2loopback-dkms")


def sources() -> list[str]:
    """The corpus roots: /usr/include and each package of ``PACKAGES`` (fetched into the cache once)."""
    from firmcorpus.core.sources import fetch

    return ["/usr/include"] + [str(fetch(s)) for s in PACKAGES]
EXTS = {".c", ".h", ".S", ".s", ".cpp", ".hpp", ".cc"}
MAX_FILE = 256_000  # a few generated device headers are MBs; keep the corpus file-shaped


def collect(mb: float) -> list[tuple[str, str]]:
    """(path, text) round-robin over sources until ``mb`` MB of text (files ≤ 256 KB)."""
    lists = []
    for src in sources():
        root = Path(src)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.suffix in EXTS and p.is_file() and not p.is_symlink()
                           and p.stat().st_size <= MAX_FILE)
            if files:
                lists.append(files)
    out, total, budget, i = [], 0, mb * 1e6, 0
    while total < budget and any(i < len(lst) for lst in lists):
        for lst in lists:
            if i < len(lst) and total < budget:
                text = lst[i].read_bytes().decode("utf-8", "replace")
                if text.strip():
                    out.append((str(lst[i]), text))
                    total += len(text)
        i += 1
    return out


def write_input(docs, folder: str, files: int) -> None:
    from datatrove.data import Document

    from firmcorpus.corpus.dedup import parquet_writer

    with parquet_writer(folder) as w:
        for i, (path, text) in enumerate(docs):
            w.write(Document(text=text, id=path, metadata={"path": path, "kind": "code"}), rank=i % files)


def bench_signatures(docs) -> dict:
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature

    from firmcorpus.corpus.steps.minhash import CodeMinhashConfig, CodeMinhasher

    mb = sum(len(t) for _, t in docs) / 1e6
    ours = CodeMinhasher(CodeMinhashConfig.for_threshold(0.7, 256))
    t = time.perf_counter()
    for _, text in docs:
        ours(text)
    t_ours = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        dt = MinhashDedupSignature(tmp)
        dt.get_shingles("warm up the spaCy tokenizer")
        t = time.perf_counter()
        for _, text in docs:
            sh = dt.get_shingles(text)
            if sh.size:
                dt.get_signature(sh)
        t_dt = time.perf_counter() - t
    return {"mb": mb, "ours_s": t_ours, "datatrove_s": t_dt}


def run_stages(stages, logging_dir: str, workers: int, start_method: str) -> float:
    from datatrove.executor import LocalPipelineExecutor

    t = time.perf_counter()
    walls = []
    for i, (steps, tasks) in enumerate(stages):
        t0 = time.perf_counter()
        LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=min(workers, tasks),
                              logging_dir=f"{logging_dir}/{i}", start_method=start_method).run()
        walls.append(time.perf_counter() - t0)
    print(f"{logging_dir}: stage walls " + ", ".join(f"{x:.1f}s" for x in walls), file=sys.stderr)
    return time.perf_counter() - t


def bench_end_to_end(input_dir: str, work: str, tasks: int, workers: int, start_method: str) -> dict:
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )

    from firmcorpus.corpus.dedup import parquet_reader, parquet_writer
    from firmcorpus.corpus.steps.minhash import (
        CodeMinhashBuckets,
        CodeMinhashCluster,
        CodeMinhashConfig,
        CodeMinhashFilter,
        CodeMinhashSignature,
    )

    w = Path(work)
    mh = CodeMinhashConfig.for_threshold(0.7, 256)
    ours = [
        ([parquet_reader(input_dir), CodeMinhashSignature(f"{w}/o/sigs", mh)], tasks),
        ([CodeMinhashBuckets(f"{w}/o/sigs", f"{w}/o/buckets", mh)], 1),  # DedupConfig's default bucket_tasks
        ([CodeMinhashCluster(f"{w}/o/buckets", f"{w}/o/clusters", f"{w}/o/sigs", mh)], 1),
        ([parquet_reader(input_dir), CodeMinhashFilter(f"{w}/o/clusters", f"{w}/o/sigs"),
          parquet_writer(f"{w}/o/out")], tasks),
    ]
    dc = MinhashConfig()
    theirs = [
        ([parquet_reader(input_dir), MinhashDedupSignature(f"{w}/d/sigs", dc)], tasks),
        ([MinhashDedupBuckets(f"{w}/d/sigs", f"{w}/d/buckets", config=dc)], dc.num_buckets),
        ([MinhashDedupCluster(f"{w}/d/buckets", f"{w}/d/clusters", config=dc)], 1),
        ([parquet_reader(input_dir), MinhashDedupFilter(f"{w}/d/clusters"), parquet_writer(f"{w}/d/out")], tasks),
    ]
    t_ours = run_stages(ours, f"{w}/o/logs", workers, start_method)
    t_dt = run_stages(theirs, f"{w}/d/logs", workers, start_method)
    import polars as pl

    kept_o = pl.read_parquet(f"{w}/o/out/*.parquet").height
    kept_d = pl.read_parquet(f"{w}/d/out/*.parquet").height
    return {"ours_s": t_ours, "datatrove_s": t_dt, "kept_ours": kept_o, "kept_datatrove": kept_d}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=6.5, help="corpus size in MB of text")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tasks", type=int, default=2, help="tasks of the reading stages (input parquet files)")
    ap.add_argument("--start-method", default="forkserver", choices=("fork", "forkserver", "spawn"),
                    help="worker start method of LocalPipelineExecutor, the same for both pipelines")
    ap.add_argument("--no-preload", action="store_true",
                    help="do not preload numpy/pyarrow/datatrove in the forkserver (both pipelines)")
    ap.add_argument("--skip-signatures", action="store_true")
    ap.add_argument("--skip-end-to-end", action="store_true")
    args = ap.parse_args()

    from loguru import logger

    from firmcorpus.corpus.stages import preload_forkserver

    logger.remove()  # datatrove's per-task logs would bury the table
    if not args.no_preload:
        preload_forkserver()  # same workers for both pipelines: ~0.5 s instead of ~4 s per stage
    if args.start_method == "forkserver":
        import multiprocess

        # start the forkserver now, so neither pipeline pays its start-up inside its timing
        with multiprocess.get_context("forkserver").Pool(args.workers) as pool:
            pool.map(abs, range(args.workers))
    docs = collect(args.mb)
    mb = sum(len(t) for _, t in docs) / 1e6
    print(f"corpus: {len(docs)} files, {mb:.2f} MB from {len(PACKAGES) + 1} source roots")
    rows = []
    if not args.skip_signatures:
        s = bench_signatures(docs)
        rows.append(("signatures (1 process)", s["datatrove_s"], s["ours_s"], f"{s['mb'] / s['datatrove_s']:.2f}",
                     f"{s['mb'] / s['ours_s']:.2f}"))
    if not args.skip_end_to_end:
        work = tempfile.mkdtemp(prefix="fc-dedup-bench-")
        try:
            write_input(docs, f"{work}/in", args.tasks)
            e = bench_end_to_end(f"{work}/in", work, args.tasks, args.workers, args.start_method)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows.append((f"4 stages, {args.workers} workers ({args.start_method})", e["datatrove_s"], e["ours_s"], f"{mb / e['datatrove_s']:.2f}",
                     f"{mb / e['ours_s']:.2f}"))
        print(f"documents kept: ours {e['kept_ours']}, datatrove {e['kept_datatrove']} (of {len(docs)})")
    print(f"\n{'operation':<36} {'datatrove s':>12} {'ours s':>9} {'dt MB/s':>8} {'ours MB/s':>10} {'speed-up':>9}")
    for name, td, to, md, mo in rows:
        print(f"{name:<36} {td:>12.2f} {to:>9.2f} {md:>8} {mo:>10} {td / to:>8.1f}x")


if __name__ == "__main__":
    main()
