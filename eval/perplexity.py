"""Per-document perplexity and bits per byte, per domain, in-domain vs held-out.

Masking is the training one: each document is its own sequence (document masking, position
ids restarting at 0), tokenised without special tokens and followed by the EOS token the
token shards append, and every token but the first is predicted from the document's own
prefix only. Documents longer than ``window`` tokens are scored with strided sliding windows:
windows start every ``stride`` tokens and each token is scored once, in the first window
that reaches it, with at least ``window - stride`` tokens of context (except near the start).

Per document we keep the summed negative log-likelihood (nats), the scored token count, the
UTF-8 byte count of the text and teacher-forced top-1/top-5 hits. From those:

- token perplexity ``exp(sum nll / tokens)``: tokenizer-dependent;
- bits per byte ``sum nll / ln 2 / bytes``: tokenizer-independent, so models with different
  tokenizers compare fairly (the first token of a document is not scored, as in training);
- per domain and split the token-weighted (micro) values; over domains both the micro value
  (all tokens pooled) and the macro value (mean of the per-domain values).
"""

from __future__ import annotations

from typing import Any, Sequence

from firmcorpus.train.evalset import (  # noqa: F401 - the scoring is the training loop's (one definition)
    KS,
    LN2,
    doc_stats,
    encode_document,
    score_documents,
    score_ids,
    window_plan,
)


def summarize(rows: Sequence[dict[str, Any]], n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """``{split: {"domains": {domain: stats}, "micro": stats, "macro": {ppl, bpb, top1, top5}}}``.

    ``stats`` are ``train.evalset.doc_stats``: pooled values with 95 % bootstrap intervals over documents
    (``ppl_lo``/``ppl_hi``, ``bpb_lo``/``bpb_hi``, ``top1_lo`` …).
    """
    out: dict[str, Any] = {}
    for split in sorted({r["split"] for r in rows}):
        srows = [r for r in rows if r["split"] == split]
        domains = {d: doc_stats([r for r in srows if r["domain"] == d], n_boot, seed)
                   for d in sorted({r["domain"] for r in srows})}
        macro = {}
        for key in ("ppl", "bpb") + tuple(f"top{k}" for k in KS):
            vals = [v[key] for v in domains.values() if v[key] is not None]
            macro[key] = sum(vals) / len(vals) if vals else None
        out[split] = {"domains": domains, "micro": doc_stats(srows, n_boot, seed), "macro": macro}
    return out


def relative_reduction(base: float | None, model: float | None) -> float | None:
    """``(base - model) / base``: 0.7 means the model's value is 70% lower than the base's."""
    if base in (None, 0) or model is None:
        return None
    return (base - model) / base
