"""Build the labelled domain set (training, calibration and held-out files) and its recipe.

Labels come only from where a file comes from (``corpus.domains.evalset.SLICES``: a registry package
or a public repository at a fixed commit, a set of subtrees, the domain and why), never from its text.
Three splits: ``train`` (training sources), ``calib`` (one file in five of the training sources, held
out of training), ``eval`` (sources never trained on; the step's decision is learned on its dev part,
the ``evalset.ASIDE_SOURCES`` repositories are only scored).

    # materialise the public repositories from bare mirrors (git cat-file; nothing checked out or run)
    python bench/build_classify_evalset.py --materialise --mirror-root /work/.mirror
    # write the recipe bench/devset/classify/SOURCES.csv (source, fetch, commit, path, domain, split,
    # sha256, bytes) and the JSONL labelled set; --check verifies materialised files against the recipe
    python bench/build_classify_evalset.py [--out FILE] [--cap-scale 1.0] [--no-fetch] [--check]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

from firmcorpus.corpus.domains.evalset import (
    SLICES,
    SOURCES,
    collect,
    default_manifest_path,
    materialise_git_source,
    write_manifest,
)

RECIPE = Path(__file__).resolve().parent / "devset" / "classify" / "SOURCES.csv"
FIELDS = ("source", "fetch", "commit", "path", "domain", "split", "sha256", "bytes")


def recipe_rows(examples) -> list[dict]:
    rows = []
    for e in examples:
        spec = SOURCES[e.source].fetch
        commit = spec.rsplit("@", 1)[1] if spec.startswith("git:") else ""
        data = Path(e.abspath).read_bytes()
        rows.append({"source": e.source, "fetch": spec, "commit": commit, "path": e.path, "domain": e.domain,
                     "split": e.split, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    rows.sort(key=lambda r: (r["split"], r["source"], r["path"]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=None, help="JSONL labelled set (default: the cache's labelled.jsonl)")
    ap.add_argument("--recipe", default=str(RECIPE))
    ap.add_argument("--cap-scale", type=float, default=1.0)
    ap.add_argument("--no-fetch", action="store_true")
    ap.add_argument("--materialise", action="store_true", help="materialise the git sources from --mirror-root")
    ap.add_argument("--mirror-root", default=None)
    ap.add_argument("--check", action="store_true", help="verify materialised files against the recipe")
    args = ap.parse_args()
    if args.materialise:
        if not args.mirror_root:
            sys.exit("--materialise needs --mirror-root (a folder of bare mirrors named owner+name)")
        for name, src in SOURCES.items():
            if src.fetch.startswith("git:"):
                try:
                    print(f"ok       {name} -> {materialise_git_source(name, args.mirror_root)}")
                except FileNotFoundError as e:
                    print(f"missing  {name}: {e}")
    skipped: dict[str, int] = {}
    splits = {s: collect(s, cap_scale=args.cap_scale, fetch=not args.no_fetch, skipped=skipped)
              for s in ("train", "calib", "eval")}
    everything = splits["train"] + splits["calib"] + splits["eval"]
    rows = recipe_rows(everything)
    if args.check:
        want = {(r["source"], r["path"]): r for r in csv.DictReader(open(args.recipe))}
        got = {(r["source"], r["path"]): r for r in rows}
        bad = [k for k, r in want.items() if k in got and got[k]["sha256"] != r["sha256"]]
        missing = [k for k in want if k not in got]
        print(f"recipe check: {len(want)} lines, {len(missing)} not materialised, {len(bad)} sha256 mismatches")
        sys.exit(1 if bad or missing else 0)
    with open(args.recipe, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    out = Path(args.out) if args.out else default_manifest_path()
    write_manifest(everything, out)
    counts = Counter((e.source, e.domain, e.split) for e in everything)
    print(f"{'role':6s} {'source':52s} {'domain':20s} {'train':>6s} {'calib':>6s} {'eval':>6s}  why")
    done = set()
    for sl in SLICES:
        key = (sl.source, sl.domain)
        if key in done:
            continue
        done.add(key)
        n = [counts.get((sl.source, sl.domain, s), 0) for s in ("train", "calib", "eval")]
        print(f"{SOURCES[sl.source].role:6s} {sl.source:52s} {sl.domain:20s} {n[0]:6d} {n[1]:6d} {n[2]:6d}  {sl.why}")
    print(f"\n{', '.join(f'{len(v)} {k}' for k, v in splits.items())} files -> {out}; recipe {args.recipe}; "
          f"skipped: {skipped}")


if __name__ == "__main__":
    main()
