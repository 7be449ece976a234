"""Secret scan speed: ``find_secrets`` with its literal prefilter beside the same scan without it
(every regex over every file), in the same process and run; the results must be identical.

    python bench/secrets_speed.py [--rounds 3]

Files: the C/C++ files of the development set (``bench/devset/cache``, materialised by
``bench/devset/materialise.py``), split by sorted position into a dev half (even) and an aside
half (odd), reported separately. Rates are MB per CPU-second (``time.process_time``), best of
``--rounds``; the ratio is prefiltered / unfiltered rate (higher is better).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from firmcorpus.corpus.secrets import find_secrets

DEVSET = Path(__file__).resolve().parent / "devset" / "cache"


def _rate(texts: list[str], prefilter: bool, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for t in texts:
            find_secrets(t, prefilter=prefilter)
        best = min(best, time.process_time() - t0)
    return sum(len(t.encode()) for t in texts) / 1e6 / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    files = sorted(p for p in DEVSET.rglob("*") if p.suffix in (".c", ".h", ".cpp", ".hpp", ".ino") and p.is_file())
    if not files:
        raise SystemExit(f"no code files under {DEVSET}; run bench/devset/materialise.py first")
    halves = {"dev": files[0::2], "aside": files[1::2]}
    print(f"{'half':6} {'files':>5} {'MB':>6} {'non-ASCII':>9} {'unfiltered MB/s':>15} {'prefilter MB/s':>14} {'ratio':>6}")
    for name, part in halves.items():
        texts = [p.read_text("utf-8", "replace") for p in part]
        same = all(find_secrets(t) == find_secrets(t, prefilter=False) for t in texts)
        base, fast = _rate(texts, False, args.rounds), _rate(texts, True, args.rounds)
        mb = sum(len(t.encode()) for t in texts) / 1e6
        print(f"{name:6} {len(texts):5d} {mb:6.2f} {sum(not t.isascii() for t in texts):9d} {base:15.2f} "
              f"{fast:14.2f} {fast / base:6.2f}" + ("" if same else "  OUTPUT DIFFERS"))


if __name__ == "__main__":
    main()
