"""Wall time of the whole build on the starter set with 1 and 2 workers, and each stage's share.

    python bench/build_scaling.py [--profile default] [--tasks 4] [--workers 1 2]

Both runs build the same manifest with the same task count into fresh folders in one process
run (the anchor is the 1-worker build); the fetch cache is warmed first so downloads do not count.
Prints a table and the speed-up ratio, and checks that the two builds wrote identical shards.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="default")
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    from firmcorpus.corpus.starter import fetch_profile
    from firmcorpus.workflows import build_corpus, load_build_config, load_pairs, starter_manifest

    fetch_profile(args.profile)  # warm the cache: the benchmark times building, not downloading
    manifest = starter_manifest(args.profile)
    pairs, base, _ = load_pairs(manifest)
    results = []
    with tempfile.TemporaryDirectory(prefix="fc-bench-build-") as td:
        outs = []
        for w in args.workers:
            out = Path(td) / f"w{w}"
            # the profile's build defaults (held-out choice, …), as `firmcorpus build --starter` applies them
            cfg = load_build_config(None, [f"tasks={args.tasks}", f"workers={w}"], args.profile)
            t0 = time.perf_counter()
            summary = build_corpus(pairs, out, cfg, manifest=str(manifest), base_dir=base)
            wall = time.perf_counter() - t0
            stages = {k: v.get("seconds") or 0.0 for k, v in summary["stages"].items()}
            results.append({"workers": w, "tasks": args.tasks, "wall_s": round(wall, 1), "documents": summary["documents"],
                            "tokens": summary["tokens"], "stages": stages})
            outs.append(out)
        identical = all(
            filecmp.cmp(a, outs[-1] / a.relative_to(outs[0]), shallow=False)
            for sub in ("text", "tokens") for a in sorted((outs[0] / sub).rglob("*")) if a.is_file())
    base_wall = results[0]["wall_s"]
    print(f"\nstarter profile '{args.profile}', {len(pairs)} pairs, tasks={args.tasks}")
    print(f"{'workers':>8} {'wall s':>8} {'speed-up':>9} {'documents':>10} {'tokens':>10}")
    for r in results:
        print(f"{r['workers']:>8} {r['wall_s']:>8} {base_wall / r['wall_s']:>8.2f}x {r['documents']:>10} {r['tokens']:>10}")
    print("\nper-stage share of wall time:")
    names = list(results[0]["stages"])
    print(f"{'stage':<28}" + "".join(f"{'w=' + str(r['workers']):>10}" for r in results))
    for n in names:
        print(f"{n:<28}" + "".join(f"{100 * r['stages'][n] / max(r['wall_s'], 1e-9):>9.1f}%" for r in results))
    print(f"\nshards identical across worker counts: {identical}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
