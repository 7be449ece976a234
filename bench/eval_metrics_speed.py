"""Speed of the completion metrics: the fixed C lexer and all per-item metrics vs tree-sitter-c parsing.

Anchor: tree-sitter-c parsing the same text (docs/contracts.md yardstick: 2-3 MB/s/core). Prints a table
and the ratio of each to the anchor measured in the same run, on real C from TI's MSP430 device
headers (msp430mcu) and the Arduino AVR core (``eval.devdata``; fetched once by corpus.sources.fetch).

    python bench/eval_metrics_speed.py [--mb 2]
"""

from __future__ import annotations

import argparse
import time
from itertools import zip_longest


def _corpus(limit_bytes: int) -> list[str]:
    from firmcorpus.eval.devdata import dev_documents

    # the domains in turn (register headers, USB stack, the rest of the Arduino core), not the first
    # package's headers alone
    by_domain: dict[str, list[str]] = {}
    for doc in dev_documents(per_domain=200):
        by_domain.setdefault(doc["metadata"]["domain"], []).append(doc["text"])
    mixed = [t for group in zip_longest(*by_domain.values()) for t in group if t is not None]
    texts, total = [], 0
    for text in mixed:
        texts.append(text)
        total += len(text.encode())
        if total >= limit_bytes:
            break
    return texts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.0, help="MB of C to process")
    args = ap.parse_args()
    from firmcorpus.eval.clexer import lex
    from firmcorpus.eval.metrics import item_metrics
    from firmcorpus.parsers.treesitter import get_parser

    texts = _corpus(int(args.mb * 1e6))
    nbytes = sum(len(t.encode()) for t in texts)
    parser = get_parser("c")

    def timed(fn):
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    t_ts = timed(lambda: [parser.parse(t.encode()) for t in texts])
    t_lex = timed(lambda: [lex(t) for t in texts])
    # item metrics on (half, half) pairs: the prediction is the reference's second half shifted by a line
    pairs = [(t[len(t) // 2:len(t) // 2 + 600], t[len(t) // 2 + 40:len(t) // 2 + 640]) for t in texts]
    pair_bytes = sum(len(a.encode()) + len(b.encode()) for a, b in pairs)
    t_met = timed(lambda: [item_metrics(a, b, language="c") for a, b in pairs])

    rows = [("tree-sitter-c parse (anchor)", nbytes, t_ts), ("fixed C lexer", nbytes, t_lex),
            ("all item metrics (600-char pairs)", pair_bytes, t_met)]
    anchor = nbytes / t_ts
    print(f"{'operation':38} {'MB':>6} {'s':>7} {'MB/s':>7} {'vs anchor':>9}")
    for name, b, t in rows:
        print(f"{name:38} {b / 1e6:6.2f} {t:7.2f} {b / 1e6 / t:7.2f} {b / t / anchor:8.2f}x")
    print(f"items/s for all metrics: {len(pairs) / t_met:.1f}")


if __name__ == "__main__":
    main()
