"""Teacher-forced next-token accuracy (top-1 / top-5).

The counts come from the same forward passes as perplexity (``eval.perplexity.score_document``
calls ``topk_hits`` on each window's scored positions); this module owns the counting and the
per-domain aggregation. Accuracy is over the model's own tokens, so unlike bits per byte it
is not comparable across tokenizers: the report says so next to the numbers.
"""

from __future__ import annotations

from typing import Any, Sequence

from firmcorpus.train.evalset import KS, topk_hits  # noqa: F401 - counted where perplexity is scored


def accuracy_by(rows: Sequence[dict[str, Any]], key: str = "domain") -> dict[str, dict[str, float]]:
    """Token-weighted top-k accuracy per ``key`` value and ``"all"``, from per-document rows."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(str(r[key]), []).append(r)
    out = {}
    for name in sorted(groups) + ["all"]:
        members = list(rows) if name == "all" else groups[name]
        n = sum(r["n_tokens"] for r in members)
        out[name] = {f"top{k}": (sum(r[f"top{k}"] for r in members) / n if n else None) for k in KS}
        out[name]["n_tokens"] = n
    return out
