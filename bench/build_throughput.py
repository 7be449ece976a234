"""What a build costs per MB and how that grows: the same manifest recipe at several sizes.

    python bench/build_throughput.py [--sizes 25 50 100 200] [--workers 1 2] [--mb-per-task 3.125] [--no-anchor]

Input: Linux driver subtrees of Debian's linux-source-6.1 (the ``deb:linux-source-6.1`` fetch source,
cached under ~/.cache/firmcorpus). Each ``drivers/<subsystem>`` folder is one repository and each of
its sub-folders one pair; subsystems are taken in a fixed hashed order and pairs in path order until
the size is reached, so every size is a prefix of the next. The starter set's pairs (with their
datasheets) are added to every size. The build runs with the library defaults (no profile).

Each build runs in a child process; this process samples the child's process tree (psutil, every
0.2 s) and attributes CPU seconds and the largest single-process RSS (≈ peak memory per task) to the
stage the build reports through its progress callback. Per stage it prints wall seconds, CPU seconds,
peak RSS per process, and a log-log slope over the sizes (exponent of input MB; > 1.15 is flagged as
superlinear). The anchor, run on the same code files in the same run: datatrove's plain pipeline
(parquet reader → MinhashDedupSignature/Buckets/Cluster/Filter with defaults → DocumentTokenizer).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil
import yaml

MAX_PAIR_BYTES = 8_000_000  # a pair above this (e.g. a GPU register dump) is skipped: one task must not be the build
SUPERLINEAR = 1.15


# --------------------------------------------------------------------------- input recipe


def linux_tree() -> Path:
    from firmcorpus.core.sources import fetch

    root = fetch("deb:linux-source-6.1")
    hits = sorted((p.parents[3] for p in root.rglob("drivers/iio/pressure/bmp280.h") if (p.parents[3] / "Makefile").is_file()),
                  key=lambda t: (len(t.parts), str(t)))
    if not hits:
        raise SystemExit(f"no unpacked linux source under {root}")
    return hits[0]


def _size(folder: Path) -> tuple[int, int]:
    n = b = 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            s = p.stat().st_size
            if s <= 1_000_000:
                n, b = n + 1, b + s
    return n, b


def linux_pairs(tree: Path, target_mb: float) -> tuple[list[dict], int, int]:
    """Pairs of driver sub-folders up to ``target_mb`` MB; returns (pairs, files, bytes)."""
    drivers = tree / "drivers"
    subsystems = sorted((d for d in drivers.iterdir() if d.is_dir()),
                        key=lambda d: hashlib.sha256(d.name.encode()).hexdigest())
    pairs, files, total = [], 0, 0
    for sub in subsystems:
        for child in sorted(c for c in sub.iterdir() if c.is_dir()):
            n, b = _size(child)
            if not n or b > MAX_PAIR_BYTES:
                continue
            pairs.append({"pair_id": f"linux_{sub.name}_{child.name}".replace("-", "_"), "repo": str(sub),
                          "repo_paths": [child.name], "manufacturer": "Linux", "component": child.name,
                          "license": "GPL-2.0-only"})
            files, total = files + n, total + b
            if total >= target_mb * 1e6:
                return pairs, files, total
    return pairs, files, total


def write_manifest(path: Path, target_mb: float, tree: Path) -> dict:
    from firmcorpus.corpus.starter import fetch_profile, profile_rows

    fetch_profile("default")
    pairs, files, total = linux_pairs(tree, target_mb)
    rows = pairs + profile_rows("default")
    path.write_text(yaml.safe_dump({"pairs": rows}))
    return {"pairs": len(rows), "linux_pairs": len(pairs), "linux_files": files, "linux_mb": round(total / 1e6, 1),
            "repos": len({r["repo"] for r in rows})}


# --------------------------------------------------------------------------- children


def set_stage(stage_file: str, name: str) -> None:
    """Tell the sampling parent which stage runs (atomic: it never reads a half-written name)."""
    tmp = Path(f"{stage_file}.tmp")
    tmp.write_text(name)
    os.replace(tmp, stage_file)


def child_build(out: str, manifest: str, workers: int, tasks: int, stage_file: str, result: str) -> None:
    from firmcorpus.workflows import build_corpus, load_build_config, load_pairs

    def progress(stage: str, i: int, n: int) -> None:
        set_stage(stage_file, stage)

    pairs, base, _ = load_pairs(manifest)
    cfg = load_build_config(None, [f"tasks={tasks}", f"workers={workers}"])
    summary = build_corpus(pairs, out, cfg, manifest=manifest, base_dir=base, progress=progress)
    Path(result).write_text(json.dumps(summary, default=str))


def child_anchor(manifest: str, work: str, workers: int, tasks: int, stage_file: str, result: str) -> None:
    """datatrove's plain pipeline on the manifest's code files: reader → 4 MinHash stages → DocumentTokenizer."""
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.tokens import DocumentTokenizer

    from firmcorpus.core.sources import fetch
    from firmcorpus.core.tokenizer import special_tokens, tokenizer_file
    from firmcorpus.corpus.dedup import parquet_reader, parquet_writer

    set_stage(stage_file, "anchor_input")
    rows = yaml.safe_load(Path(manifest).read_text())["pairs"]
    inp = f"{work}/input"
    with parquet_writer(inp) as w:
        i = 0
        for r in rows:
            root = Path(r["repo"]) if r["repo"].startswith("/") else fetch(r["repo"])
            for rp in r.get("repo_paths") or ["."]:
                base = root / rp
                for p in sorted([base] if base.is_file() else base.rglob("*")):
                    if p.is_file() and not p.is_symlink() and p.stat().st_size <= 1_000_000:
                        w.write(Document(text=p.read_bytes().decode("utf-8", "replace"), id=str(p), metadata={}),
                                rank=i % tasks)
                        i += 1
    tok = str(tokenizer_file("smollm2"))
    dc = MinhashConfig()
    d = f"{work}/d"
    stages = [
        ("anchor_signature", [parquet_reader(inp), MinhashDedupSignature(f"{d}/sigs", dc)], tasks),
        ("anchor_buckets", [MinhashDedupBuckets(f"{d}/sigs", f"{d}/buckets", config=dc)], dc.num_buckets),
        ("anchor_cluster", [MinhashDedupCluster(f"{d}/buckets", f"{d}/clusters", config=dc)], 1),
        ("anchor_filter", [parquet_reader(inp), MinhashDedupFilter(f"{d}/clusters"), parquet_writer(f"{d}/out")], tasks),
        ("anchor_tokenize", [parquet_reader(f"{d}/out"), DocumentTokenizer(f"{d}/tokens", tok,
                                                                          eos_token=special_tokens(Path(tok))["eos"])], tasks),
    ]
    walls = {}
    for name, steps, t in stages:
        set_stage(stage_file, name)
        t0 = time.perf_counter()
        LocalPipelineExecutor(pipeline=steps, tasks=t, workers=min(workers, t), logging_dir=f"{d}/logs/{name}",
                              start_method="forkserver").run()
        walls[name] = round(time.perf_counter() - t0, 3)
    tokens = 0
    for f in Path(f"{d}/tokens").rglob("*.ds"):
        tokens += f.stat().st_size // 2
    Path(result).write_text(json.dumps({"stages": walls, "tokens": tokens, "documents": i}))


# --------------------------------------------------------------------------- sampling


def run_sampled(cmd: list[str], stage_file: Path, timeout: float | None = None
                ) -> tuple[float, dict[str, dict[str, float]], bool]:
    """Run ``cmd``; per stage: cpu seconds (sum over the process tree) and the largest single-process RSS.
    Past ``timeout`` seconds the child's processes are ended one by one and the stages seen so far
    are returned with ``complete=False``."""
    proc = subprocess.Popen(cmd, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    ps = psutil.Process(proc.pid)
    last_cpu: dict[int, float] = {}
    stats: dict[str, dict[str, float]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            stage = (stage_file.read_text() if stage_file.exists() else "") or "start"
            st = stats.setdefault(stage, {"cpu_s": 0.0, "peak_rss_mb": 0.0, "tree_rss_mb": 0.0})
            try:
                procs = [ps, *ps.children(recursive=True)]
            except psutil.Error:
                procs = []
            tree = 0.0
            for p in procs:
                try:
                    with p.oneshot():
                        t = p.cpu_times()
                        cpu = t.user + t.system
                        rss = p.memory_info().rss / 1e6
                except psutil.Error:
                    continue
                st["cpu_s"] += max(0.0, cpu - last_cpu.get(p.pid, 0.0))
                last_cpu[p.pid] = cpu
                st["peak_rss_mb"] = max(st["peak_rss_mb"], rss)
                if p.pid != ps.pid:  # a worker (task) process, not the build's own process
                    st["worker_rss_mb"] = max(st.get("worker_rss_mb", 0.0), rss)
                tree += rss
            st["tree_rss_mb"] = max(st["tree_rss_mb"], tree)
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    th.start()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for p in reversed([ps, *ps.children(recursive=True)]):  # only the processes this bench started
            try:
                p.kill()
            except psutil.Error:
                pass
        proc.wait()
        rc = None
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    if rc not in (0, None):
        raise SystemExit(f"{' '.join(cmd[:4])} … failed with exit code {rc}")
    return wall, stats, rc == 0


TS = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \|")


def task_walls(out: str) -> dict[str, list[float]]:
    """Seconds per task of every stage, from datatrove's task logs (first to last timestamped line)."""
    walls: dict[str, list[float]] = {}
    for stage in sorted(Path(out, "logs").iterdir()) if Path(out, "logs").is_dir() else []:
        logs = sorted((stage / "logs").glob("task_*.log"))
        if not logs:
            continue
        secs = []
        for f in logs:
            stamps = [m.group(1) for line in f.read_text(errors="replace").splitlines() if (m := TS.match(line))]
            if stamps:
                t0, t1 = (datetime.strptime(x, "%Y-%m-%d %H:%M:%S.%f") for x in (stamps[0], stamps[-1]))
                secs.append(round((t1 - t0).total_seconds(), 3))
        walls[stage.name] = secs
    return walls


def modeled_speedup(walls: dict[str, list[float]], serial_s: float, workers: int) -> dict[str, float]:
    """What ``workers`` free cores give on these task times: each stage's tasks in rank order on the
    first free worker (datatrove's pool), one stage after the other, plus ``serial_s`` in process."""
    one = sum(sum(v) for v in walls.values()) + serial_s
    many = serial_s
    for secs in walls.values():
        free = [0.0] * max(1, min(workers, len(secs)))
        for t in secs:
            i = free.index(min(free))
            free[i] += t
        many += max(free)
    single_task = sum(sum(v) for v in walls.values() if len(v) == 1) + serial_s
    return {"one_worker_s": round(one, 1), "workers_s": round(many, 1), "speedup": round(one / many, 2) if many else 0.0,
            "serial_share": round(single_task / one, 3) if one else 0.0}


def slope(xs: list[float], ys: list[float]) -> float | None:
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


# --------------------------------------------------------------------------- what the defaults keep


def defaults_effect(out: str) -> dict[str, dict]:
    """The old defaults (20 % of repositories held out; raw 13-grams; ≥ 50 shared or ≥ 20 %) against the
    new ones (3 % of characters; licence blocks and n-grams of ≥ 4 repositories ignored; ≥ 50 and ≥ 5 %)
    on one build's ``work/extracted`` shards, computed directly (no build stages)."""
    from collections import Counter, defaultdict

    import numpy as np
    import polars as pl

    from firmcorpus.corpus.ngrams import lookup, ngram_hashes, strip_boilerplate
    from firmcorpus.corpus.steps.split import plan_split

    md = pl.col("metadata")
    df = pl.read_parquet(f"{out}/work/extracted/*.parquet").select(
        md.str.json_path_match("$.repo").alias("repo"), md.str.json_path_match("$.domain").fill_null("general").alias("domain"),
        "text")
    repo_domains: dict[str, Counter] = defaultdict(Counter)
    for repo, dom, text in df.iter_rows():
        repo_domains[repo][dom] += len(text)
    total = sum(sum(c.values()) for c in repo_domains.values())

    def run(plan: dict[str, str], strip: bool, idiom: int, rel: float) -> dict:
        docs = [(r, ngram_hashes(strip_boilerplate(t) if strip else t), len(t)) for r, t, in df.select("repo", "text").iter_rows()]
        held = [h for r, h, _ in docs if plan[r] == "heldout" and h.size]
        ref = np.unique(np.concatenate(held)) if held else np.empty(0, dtype=np.uint64)
        counts = np.zeros(ref.size, dtype=np.int64)
        if idiom:
            per_repo: dict[str, list] = defaultdict(list)
            for r, h, _ in docs:
                per_repo[r].append(lookup(h, ref))
            for parts in per_repo.values():
                counts[np.unique(np.concatenate(parts))] += 1
        n = chars = 0
        for r, h, length in docs:
            if plan[r] != "train" or not h.size:
                continue
            pos = lookup(h, ref)
            shared = pos.size - (int(np.count_nonzero(counts[pos] >= idiom)) if idiom else 0)
            if shared and (shared / h.size >= 0.2 or (shared >= 50 and shared >= rel * h.size)):
                n, chars = n + 1, chars + length
        held_chars = sum(sum(repo_domains[r].values()) for r, s in plan.items() if s == "heldout")
        return {"heldout_repos": sum(s == "heldout" for s in plan.values()), "repos": len(plan),
                "heldout_char_share": round(held_chars / total, 3), "contaminated_docs": n,
                "contaminated_train_char_share": round(chars / max(1, total - held_chars), 3)}

    old_plan = plan_split(repo_domains, heldout_share=0.2, heldout_unit="repos", seed=0)
    new_plan = plan_split(repo_domains, heldout_share=0.03, heldout_unit="chars", seed=0)
    rows = {"old defaults": run(old_plan, False, 0, 0.0), "old split, new decontamination": run(old_plan, True, 4, 0.05),
            "new defaults": run(new_plan, True, 4, 0.05)}
    split_json = Path(out) / "work" / "split.json"
    if split_json.exists():  # the build's own split (e.g. a starter profile's), old and new decontamination
        own = json.loads(split_json.read_text())["repos"]
        rows["build's split, old decontamination"] = run(own, False, 0, 0.0)
        rows["build's split, new decontamination"] = run(own, True, 4, 0.05)
    return rows


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[25, 50, 100, 200], help="MB of Linux driver code")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--tasks", type=int, default=None, help="tasks per stage at every size (default: from --mb-per-task)")
    ap.add_argument("--mb-per-task", type=float, default=3.125,
                    help="fixed shard size: tasks = ceil(MB / this), so 25 MB → 8 tasks, 200 MB → 64")
    ap.add_argument("--no-anchor", action="store_true", help="skip datatrove's plain pipeline")
    ap.add_argument("--anchor-sizes", type=float, nargs="+", help="run the anchor at these sizes only (default: all)")
    ap.add_argument("--keep", help="build under this folder and keep it (default: a temporary folder)")
    ap.add_argument("--json", help="write every result here")
    ap.add_argument("--timeout", type=float, default=None, help="stop a run after this many seconds (its finished "
                                                                   "stages are kept, marked incomplete)")
    ap.add_argument("--report-from", nargs="+", help="print the tables of --json files and exit")
    ap.add_argument("--defaults-effect", help="OUT of a build: old vs new split/decontamination defaults on its shards")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.defaults_effect:
        for name, row in defaults_effect(args.defaults_effect).items():
            print(f"{name:<32} {row}")
        return
    if args.report_from:
        report([r for f in args.report_from for r in json.loads(Path(f).read_text())], args)
        return
    if args.child:
        kind, *rest = args.child
        (child_build if kind == "build" else child_anchor)(rest[0], rest[1], int(rest[2]), int(rest[3]), rest[4], rest[5])
        return

    tree = linux_tree()
    td = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fc-throughput-"))
    td.mkdir(parents=True, exist_ok=True)
    results = []
    for mb in args.sizes:
        manifest = td / f"m{mb:g}.yaml"
        info = write_manifest(manifest, mb, tree)
        tasks = args.tasks or max(1, math.ceil(info["linux_mb"] / args.mb_per_task))
        anchor = not args.no_anchor and (args.anchor_sizes is None or mb in args.anchor_sizes)
        runs = [("build", w) for w in args.workers] + ([("anchor", max(args.workers))] if anchor else [])
        for kind, w in runs:
            out = td / f"{kind}-{mb:g}-w{w}"
            stage_file, result = td / f"{out.name}.stage", td / f"{out.name}.json"
            for f in (stage_file, result):
                f.unlink(missing_ok=True)
            cmd = [sys.executable, __file__, "--child", kind, str(out if kind == "build" else manifest),
                   str(manifest if kind == "build" else out), str(w), str(tasks), str(stage_file), str(result)]
            load0 = os.getloadavg()[0]
            wall, stats, complete = run_sampled(cmd, stage_file, args.timeout)
            load = round((load0 + os.getloadavg()[0]) / 2, 1)  # 1-minute load average at start and end
            if not complete:  # hung or too slow: keep the stages it finished, say so
                print(f"{kind} {mb:g} MB w={w}: stopped after {wall:.0f} s in stage "
                      f"{stage_file.read_text() if stage_file.exists() else '?'}", file=sys.stderr, flush=True)
                results.append({"kind": kind, "mb": mb, "workers": w, "tasks": tasks, **info, "complete": False, "load": load,
                                "wall_s": round(wall, 1), "cpu_s": round(sum(v["cpu_s"] for v in stats.values()), 1),
                                "peak_rss_mb": round(max((v["peak_rss_mb"] for v in stats.values()), default=0), 0),
                                "tree_rss_mb": round(max((v["tree_rss_mb"] for v in stats.values()), default=0), 0),
                                "tokens": None, "stage_wall": {},
                                "stage": {k: {kk: round(vv, 1) for kk, vv in v.items()} for k, v in stats.items()}})
                if args.json:
                    Path(args.json).write_text(json.dumps(results, indent=1))
                continue
            summary = json.loads(result.read_text())
            walls = ({k: (v.get("seconds") or 0.0) for k, v in summary["stages"].items()} if kind == "build"
                     else summary["stages"])
            if kind == "anchor":  # writing the anchor's input parquet is not part of its pipeline
                stats = {k: v for k, v in stats.items() if k not in ("start", "anchor_input")}
                wall = sum(walls.values())
            r = {"kind": kind, "mb": mb, "workers": w, "tasks": tasks, **info, "load": load, "wall_s": round(wall, 1),
                 "cpu_s": round(sum(s["cpu_s"] for s in stats.values()), 1),
                 "peak_rss_mb": round(max(s["peak_rss_mb"] for s in stats.values()), 0),
                 "tree_rss_mb": round(max(s["tree_rss_mb"] for s in stats.values()), 0),
                 "tokens": summary.get("tokens"), "stage_wall": walls,
                 "stage": {k: {kk: round(vv, 1) for kk, vv in v.items()} for k, v in stats.items()}}
            if kind == "build":
                r["task_wall"] = task_walls(str(out))
                r["one_task_in_worker"] = w > 1
                r["report_wall_s"] = round(max(0.0, wall - sum(walls.values())), 1)  # catalog merge, summary, report
                r["input_mb"] = round((summary.get("bytes_read") or 0) / 1e6, 1)  # Linux code + starter pairs
                r["documents"] = summary.get("documents")
                r["per_split"] = summary.get("per_split")
                r["drop_rates"] = summary.get("drop_rates")
                r["warnings"] = summary.get("warnings")
            results.append(r)
            print(f"{kind} {mb:g} MB w={w}: {r['wall_s']} s wall, {r['cpu_s']} CPU-s, peak RSS/process "
                  f"{r['peak_rss_mb']:.0f} MB, tokens {r['tokens']}", file=sys.stderr, flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))
    report(results, args)


def task_rss(r: dict, stage: str) -> float:
    """Peak RSS of one task of ``stage``: its worker processes' when it ran in a pool, else the
    build's own process (one-task stages and ``--workers 1`` run in process)."""
    st = r["stage"].get(stage, {})
    tasks = len((r.get("task_wall") or {}).get(stage, []))
    # since FreshWorkerExecutor a one-task stage runs in a worker too (runs recorded before: in process)
    pooled = r["workers"] > 1 and (tasks > 1 or (tasks == 1 and r.get("one_task_in_worker")))
    return (st.get("worker_rss_mb") if pooled else None) or st.get("peak_rss_mb", 0.0)


def report(results: list[dict], args) -> None:
    builds = [r for r in results if r["kind"] == "build"]
    starter = next((b["input_mb"] - b["linux_mb"] for b in builds if "input_mb" in b), 0.0)
    for b in builds:  # a stopped run has no summary: its input is its Linux part plus the starter pairs
        b.setdefault("input_mb", round(b["linux_mb"] + starter, 1))
    for r in results:  # the anchor reads the same files: give it its build's input size
        r.setdefault("input_mb", next((b.get("input_mb", b["linux_mb"]) for b in builds if b["mb"] == r["mb"]), r["linux_mb"]))
    print(f"\n{'kind':<7}{'in MB':>6}{'files':>7}{'pairs':>6}{'repos':>6}{'tasks':>6}{'w':>3}{'wall s':>8}{'CPU s':>8}"
          f"{'MB/CPU-s':>9}{'peak/proc MB':>13}{'tree MB':>8}{'tokens':>11}{'tok/B':>7}{'load':>6}")
    for r in results:
        in_mb = r["input_mb"]
        print(f"{r['kind']:<7}{in_mb:>6}{r['linux_files']:>7}{r['pairs']:>6}{r['repos']:>6}{r['tasks']:>6}{r['workers']:>3}"
              f"{r['wall_s']:>8}{r['cpu_s']:>8}{in_mb / max(r['cpu_s'], 1e-9):>9.2f}{r['peak_rss_mb']:>13.0f}"
              f"{r['tree_rss_mb']:>8.0f}{r['tokens'] or 0:>11}{(r['tokens'] or 0) / (in_mb * 1e6):>7.3f}"
              f"{r.get('load', float('nan')):>6.1f}")
    for w in sorted({r["workers"] for r in builds}):
        rs = sorted((r for r in builds if r["workers"] == w), key=lambda r: r["mb"])
        stages = [s for s in dict.fromkeys(s for r in rs for s in r["stage"]) if s != "start"]
        print(f"\nper stage, workers={w}: CPU s | peak RSS of one task MB, by input size; slope = log-log exponent; "
              f"rss x = largest / smallest size")
        print(f"{'stage':<26}" + "".join(f"{r['input_mb']:>14}" for r in rs) + f"{'cpu slope':>10}{'rss x':>7}")
        for s in stages:
            cpu = [r["stage"].get(s, {}).get("cpu_s", 0.0) for r in rs]
            rss = [task_rss(r, s) for r in rs]
            xs = [r["input_mb"] for r in rs]
            cs = slope(xs, cpu)
            grow = rss[-1] / rss[0] if rss[0] and rss[-1] else float("nan")
            flag = "  SUPERLINEAR" if cs is not None and cs > SUPERLINEAR and max(cpu) > 2 else ""
            flag += "  MEMORY GROWS" if grow > 1.2 else ""
            print(f"{s:<26}" + "".join(f"{c:>7.1f}|{m:>6.0f}" for c, m in zip(cpu, rss))
                  + f"{cs if cs is not None else float('nan'):>10.2f}{grow:>7.2f}{flag}")
        done = [r for r in rs if r.get("complete", True)]
        total = slope([r["input_mb"] for r in done], [r["cpu_s"] for r in done])
        print(f"{'whole build':<26}" + "".join(f"{r['cpu_s']:>13}" + (" " if r.get("complete", True) else "*")
                                               for r in rs) + f"{total or float('nan'):>10.2f}")
        if len(done) >= 2:
            a, b = done[-2], done[-1]
            print(f"marginal CPU-s per MB, {a['input_mb']} → {b['input_mb']} MB: "
                  f"{(b['cpu_s'] - a['cpu_s']) / (b['input_mb'] - a['input_mb']):.2f}")
        if len(done) < len(rs):
            print("* stopped before the end (see --timeout): its stages after the last one shown are missing")
    for r in builds:
        if r.get("task_wall"):
            m = modeled_speedup(r["task_wall"], r.get("report_wall_s", 0.0), 2)
            print(f"{r['mb']:g} MB w={r['workers']}: 2 free cores on these task times → {m['speedup']:.2f}x "
                  f"(one-task stages + report: {100 * m['serial_share']:.1f} % of the serial time)")
    for mb in sorted({r["mb"] for r in results}):
        b = {r["workers"]: r for r in builds if r["mb"] == mb}
        a = [r for r in results if r["kind"] == "anchor" and r["mb"] == mb]
        if len(b) >= 2 and 1 in b:
            w2 = max(b)
            print(f"{mb:g} MB: {w2} workers {b[1]['wall_s'] / b[w2]['wall_s']:.2f}x one worker (wall, measured; load "
                  f"{b[1].get('load', float('nan')):.1f} / {b[w2].get('load', float('nan')):.1f})")
        if a:
            w = a[0]["workers"]
            if w in b:
                print(f"{mb:g} MB: build / datatrove plain pipeline (same input, {w} workers): "
                      f"wall {b[w]['wall_s'] / a[0]['wall_s']:.2f}x, CPU {b[w]['cpu_s'] / a[0]['cpu_s']:.2f}x, "
                      f"peak RSS per process {b[w]['peak_rss_mb'] / a[0]['peak_rss_mb']:.2f}x")
    for r in builds:
        for w in r.get("warnings") or []:
            print(f"warning ({r['mb']:g} MB, w={r['workers']}): {w}")


if __name__ == "__main__":
    main()
