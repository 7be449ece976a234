"""Teacher-forced next-token accuracy (top-1 / top-5).

The counts come from the same forward passes as perplexity (``eval.perplexity.score_document``
calls ``topk_hits`` on each window's scored positions); this module owns the counting and the
per-domain aggregation. Accuracy is over the model's own tokens, so unlike bits per byte it
is not comparable across tokenizers: the report says so next to the numbers.
"""

from __future__ import annotations

from typing import Any, Sequence

KS = (1, 5)


def topk_hits(logits, targets, ks: Sequence[int] = KS) -> dict[int, int]:
    """How many ``targets`` (shape [n]) are among the top-k of ``logits`` (shape [n, vocab]) for each k.

    Ties at the k-th logit are broken by ``torch.topk`` (lowest index first on CPU); a target
    tied with the k-th best counts only if topk picked it, as in the usual implementation.
    """
    import torch

    if targets.numel() == 0:
        return {k: 0 for k in ks}
    top = torch.topk(logits, k=max(ks), dim=-1).indices  # [n, kmax], best first
    match = top == targets.unsqueeze(-1)
    return {k: int(match[:, :k].any(dim=-1).sum()) for k in ks}


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
