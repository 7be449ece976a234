"""Build the labelled domain set (training + held-out packages) from registry sources.

Writes JSONL (one file per line: source, path, domain, split, why, sha256, abspath) and prints,
per slice, the package, subtrees, domain and the reason the label holds. Labels come only from
where a file comes from (``corpus.domains.evalset.SLICES``), never from its text.

    python bench/build_classify_evalset.py [--out FILE] [--cap-scale 1.0] [--no-fetch]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from firmcorpus.corpus.domains.evalset import SLICES, SOURCES, build_sets, default_manifest_path, write_manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=None)
    ap.add_argument("--cap-scale", type=float, default=1.0)
    ap.add_argument("--no-fetch", action="store_true")
    args = ap.parse_args()
    train, evals, skipped = build_sets(cap_scale=args.cap_scale, fetch=not args.no_fetch)
    out = Path(args.out) if args.out else default_manifest_path()
    write_manifest(train + evals, out)
    counts = Counter((e.source, e.domain) for e in train + evals)
    print(f"{'split':6s} {'source':30s} {'domain':20s} {'files':>6s}  why")
    done = set()
    for sl in SLICES:
        key = (sl.source, sl.domain)
        if key in done:
            continue
        done.add(key)
        print(f"{SOURCES[sl.source].role:6s} {sl.source:30s} {sl.domain:20s} {counts.get(key, 0):6d}  {sl.why}")
    print(f"\n{len(train)} training files, {len(evals)} held-out files -> {out}; skipped: {skipped}")


if __name__ == "__main__":
    main()
