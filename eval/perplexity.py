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

import math
from typing import Any, Iterable, Sequence

from firmcorpus.eval.teacher_forced import KS, topk_hits

LN2 = math.log(2)


def encode_document(tokenizer, text: str, add_eos: bool = True) -> list[int]:
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if add_eos and tokenizer.eos_token_id is not None:
        ids = list(ids) + [tokenizer.eos_token_id]
    return list(ids)


def window_plan(n: int, window: int, stride: int) -> list[tuple[int, int, int]]:
    """``(begin, end, score_from)`` per window: feed ``ids[begin:end]``, score targets in ``[score_from, end)``.

    Every target index 1..n-1 is scored exactly once.
    """
    if window < 2:
        raise ValueError("window must be at least 2 tokens")
    stride = max(1, min(stride, window - 1))
    plan = []
    prev_end = 1  # target index 0 (the first token) has no context and is never scored
    begin = 0
    while prev_end < n:
        end = min(begin + window, n)
        if end > prev_end:
            plan.append((begin, end, prev_end))
            prev_end = end
        begin += stride
    return plan


def score_ids(model, ids: Sequence[int], window: int = 1024, stride: int = 512) -> dict[str, Any]:
    """NLL sum (nats), scored tokens and top-k hits of one document's token ids."""
    import torch

    device = next(model.parameters()).device
    t = torch.as_tensor(list(ids), dtype=torch.long, device=device)
    nll, count = 0.0, 0
    hits = {k: 0 for k in KS}
    for begin, end, score_from in window_plan(len(t), window, stride):
        chunk = t[begin:end].unsqueeze(0)
        pos = torch.arange(end - begin, device=device).unsqueeze(0)
        with torch.no_grad():
            logits = model(input_ids=chunk, position_ids=pos, use_cache=False).logits[0]
        # logits[j] predicts token begin+j+1; keep targets score_from..end-1
        lo = score_from - begin - 1
        pred = logits[lo:end - begin - 1].float()
        targets = t[score_from:end]
        logp = torch.log_softmax(pred, dim=-1)
        nll += float(-logp.gather(1, targets.unsqueeze(1)).sum())
        count += int(targets.numel())
        for k, v in topk_hits(pred, targets).items():
            hits[k] += v
    out = {"nll": nll, "n_tokens": count}
    out.update({f"top{k}": v for k, v in hits.items()})
    return out


def score_documents(model, tokenizer, docs: Iterable[dict[str, Any]], window: int = 1024, stride: int = 512,
                    max_doc_tokens: int | None = None, progress=None) -> list[dict[str, Any]]:
    """Per-document rows: id, domain, split, n_bytes, nll, n_tokens, top1, top5 (and truncation).

    ``max_doc_tokens`` bounds the cost on CPU: a longer document is scored on its first
    ``max_doc_tokens`` tokens, and ``n_bytes`` counts only the bytes of that prefix.
    """
    rows = []
    for doc in docs:
        meta = doc.get("metadata", {})
        ids = encode_document(tokenizer, doc["text"])
        truncated = bool(max_doc_tokens and len(ids) > max_doc_tokens)
        if truncated:
            ids = ids[:max_doc_tokens]
            n_bytes = len(tokenizer.decode(ids, skip_special_tokens=True).encode("utf-8"))
        else:
            n_bytes = len(doc["text"].encode("utf-8"))
        row = {"doc_id": doc["id"], "domain": meta.get("domain") or "general", "split": meta.get("split") or "heldout",
               "n_bytes": n_bytes, "truncated": truncated}
        row.update(score_ids(model, ids, window=window, stride=stride))
        rows.append(row)
        if progress is not None:
            progress()
    return rows


def _summ(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    nll = sum(r["nll"] for r in rows)
    tokens = sum(r["n_tokens"] for r in rows)
    nbytes = sum(r["n_bytes"] for r in rows)
    out = {"docs": len(rows), "tokens": tokens, "bytes": nbytes,
           "ppl": math.exp(nll / tokens) if tokens else None,
           "bpb": nll / LN2 / nbytes if nbytes else None}
    for k in KS:
        out[f"top{k}"] = sum(r[f"top{k}"] for r in rows) / tokens if tokens else None
    return out


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``{split: {"domains": {domain: stats}, "micro": stats, "macro": {ppl, bpb, top1, top5}}}``."""
    out: dict[str, Any] = {}
    for split in sorted({r["split"] for r in rows}):
        srows = [r for r in rows if r["split"] == split]
        domains = {d: _summ([r for r in srows if r["domain"] == d]) for d in sorted({r["domain"] for r in srows})}
        macro = {}
        for key in ("ppl", "bpb") + tuple(f"top{k}" for k in KS):
            vals = [v[key] for v in domains.values() if v[key] is not None]
            macro[key] = sum(vals) / len(vals) if vals else None
        out[split] = {"domains": domains, "micro": _summ(srows), "macro": macro}
    return out


def relative_reduction(base: float | None, model: float | None) -> float | None:
    """``(base - model) / base``: 0.7 means the model's value is 70% lower than the base's."""
    if base in (None, 0) or model is None:
        return None
    return (base - model) / base
