"""Census of a build's training text: documents per kind and domain, tokens per kind, and documents
that still carry bit-diagram columns (a run of >= 3 lines holding only a number).

    python bench/train_text_census.py OUT [OUT_BEFORE]

With two builds it prints both (after, before) so a rendering change can be compared on the same set.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq


def bare_number_runs(text: str, at_least: int = 3) -> int:
    runs = n = 0
    for line in text.split("\n"):
        n = n + 1 if line.strip().isdigit() else 0
        runs += n == at_least
    return runs


def census(root: Path) -> dict:
    out = {}
    for split in ("train", "heldout"):
        kinds, tokens, docs_with_runs, runs = collections.Counter(), collections.Counter(), 0, 0
        for f in sorted((root / "text" / split).glob("*.parquet")):
            for r in pq.read_table(f).to_pylist():
                m = r["metadata"]
                m = json.loads(m) if isinstance(m, str) else m
                kinds[(m.get("kind"), m.get("domain"))] += 1
                tokens[m.get("kind")] += int(m.get("token_count") or 0)
                k = bare_number_runs(r["text"])
                docs_with_runs += k > 0
                runs += k
        out[split] = {"docs_with_bare_number_runs": docs_with_runs, "bare_number_runs": runs,
                      "tokens_by_kind": dict(tokens), "docs_by_kind": dict(collections.Counter(
                          kind for kind, _ in kinds.elements()))}
    return out


def main(argv: list[str]) -> None:
    for root in argv[1:]:
        c = census(Path(root))
        print(f"## {root}")
        print("| split | docs with bare-number runs | runs | docs by kind | tokens by kind |")
        print("| --- | ---: | ---: | --- | --- |")
        for split, v in c.items():
            print(f"| {split} | {v['docs_with_bare_number_runs']} | {v['bare_number_runs']} | "
                  f"{v['docs_by_kind']} | {v['tokens_by_kind']} |")


if __name__ == "__main__":
    main(sys.argv)
