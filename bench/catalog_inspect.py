"""Inspection cost on a full-size catalog: ``inspect_build`` (lazy polars scans) against the anchor of
merely loading every catalog table eagerly (``pl.read_parquet``), measured in the same run.

The catalog is generated at the H2LooP scale (818 pairs of the real manifest, 86 canonical
manufacturers) with per-pair row counts drawn from a fixed seed; ``--scale`` multiplies the
row counts (1.0 ≈ 2.4M symbols, 600k documents).

    python bench/catalog_inspect.py [--scale 0.25] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import polars as pl

from firmcorpus.core.documents import DOMAINS
from firmcorpus.core.paths import shared_data_dir
from firmcorpus.data_catalog.catalog import Catalog
from firmcorpus.data_catalog.inspect import inspect_build
from firmcorpus.data_catalog.manifest import load_manifest, pairs_to_rows

PER_PAIR = {"files": 250, "symbols": 3000, "registers": 400, "links": 120, "sections": 60, "documents": 750,
            "drops": 120}


def generate(out: Path, scale: float, seed: int = 0) -> dict[str, int]:
    rng = random.Random(seed)
    cat = out / "catalog"
    cat.mkdir(parents=True)
    load = load_manifest(shared_data_dir() / "h2loop_manifest.csv")
    pl.DataFrame(pairs_to_rows(load.pairs), infer_schema_length=None).write_parquet(cat / "pairs.parquet")
    ids = [p.pair_id for p in load.pairs]
    counts = {"pairs": len(ids)}
    n = {t: [max(1, int(rng.expovariate(1 / (v * scale)))) for _ in ids] for t, v in PER_PAIR.items()}

    def col_pid(table):
        return [pid for pid, k in zip(ids, n[table]) for _ in range(k)]

    pid = col_pid("files")
    pl.DataFrame({"pair_id": pid, "path": [f"src/f{i}.c" for i in range(len(pid))],
                  "language": ["c"] * len(pid), "size_bytes": [rng.randrange(100, 90000) for _ in pid]}
                 ).write_parquet(cat / "files.parquet")
    pid = col_pid("symbols")
    pl.DataFrame({"pair_id": pid, "path": [f"src/f{i % 997}.c" for i in range(len(pid))],
                  "kind": ["macro"] * len(pid), "name": [f"REG_{i}" for i in range(len(pid))],
                  "start_line": [i % 5000 for i in range(len(pid))]}).write_parquet(cat / "symbols.parquet")
    pid = col_pid("registers")
    regs = pl.DataFrame({"pair_id": pid, "peripheral": [f"P{i % 17}" for i in range(len(pid))],
                         "name": [f"R{i}" for i in range(len(pid))]})
    regs.write_parquet(cat / "registers.parquet")
    regs.sample(fraction=0.3, seed=seed).rename({"name": "register"}).with_columns(
        pl.lit("X_REG").alias("symbol"), pl.lit(0.9).alias("score")).write_parquet(cat / "links.parquet")
    pid = col_pid("sections")
    status = ["implemented", "partial", "not_implemented", "not_applicable"]
    secs = pl.DataFrame({"pair_id": pid, "section_id": [f"{i}" for i in range(len(pid))],
                         "title": ["Register description"] * len(pid),
                         "status": [rng.choice(status) for _ in pid], "score": [rng.random() for _ in pid]})
    secs.select("pair_id", "section_id", "title").write_parquet(cat / "sections.parquet")
    secs.write_parquet(cat / "section_status.parquet")
    pl.DataFrame({"pair_id": ids, "pages": [rng.randrange(10, 3000) for _ in ids]}).write_parquet(
        cat / "datasheets.parquet")
    pid = col_pid("documents")
    man = {p.pair_id: p.manufacturer for p in load.pairs}
    pl.DataFrame({"id": [f"d{i}" for i in range(len(pid))], "pair_id": pid, "kind": ["code"] * len(pid),
                  "manufacturer": [man[p] for p in pid], "domain": [rng.choice(DOMAINS) for _ in pid],
                  "split": [rng.choice(("train",) * 9 + ("heldout",)) for _ in pid],
                  "token_count": [rng.randrange(50, 20000) for _ in pid],
                  "bytes": [rng.randrange(200, 80000) for _ in pid],
                  "dropped": [None if rng.random() > 0.05 else "too_short" for _ in pid]}
                 ).write_parquet(cat / "documents.parquet")
    pid = col_pid("drops")
    pl.DataFrame({"stage": [rng.choice(("read", "filter", "dedup")) for _ in pid], "pair_id": pid,
                  "path": ["x"] * len(pid), "reason": [rng.choice(("binary", "oversized", "exact_duplicate",
                                                                  "near_duplicate", "low_quality")) for _ in pid],
                  "detail": [""] * len(pid)}).write_parquet(cat / "drops.parquet")
    for t in Catalog(out).present():
        counts[t] = pl.scan_parquet(cat / f"{t}.parquet").select(pl.len()).collect().item()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = ap.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="fc-catalog-bench-"))
    try:
        t = time.perf_counter()
        counts = generate(out, args.scale)
        gen = time.perf_counter() - t
        size = sum(f.stat().st_size for f in (out / "catalog").glob("*.parquet"))
        print(f"catalog: {size / 1e6:.1f} MB parquet, generated in {gen:.1f} s")
        print(" | ".join(f"{k} {v:,}" for k, v in counts.items()))

        t = time.perf_counter()
        frames = {p.stem: pl.read_parquet(p) for p in sorted((out / "catalog").glob("*.parquet"))}
        eager = time.perf_counter() - t
        del frames
        t = time.perf_counter()
        res = inspect_build(out)
        lazy = time.perf_counter() - t
        t = time.perf_counter()
        inspect_build(out, manufacturer="STMicroelectronics")
        one = time.perf_counter() - t
        print()
        print("| operation | seconds | ratio vs eager load |")
        print("| --- | ---: | ---: |")
        print(f"| anchor: pl.read_parquet every table | {eager:.2f} | 1.00 |")
        print(f"| inspect_build, all {len(res['manufacturers'])} manufacturers | {lazy:.2f} | {lazy / eager:.2f} |")
        print(f"| inspect_build --manufacturer STMicroelectronics | {one:.2f} | {one / eager:.2f} |")
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
