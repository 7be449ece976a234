"""The held-out evaluation set: one definition for the training loop and ``firmcorpus eval``.

**Set.** Documents of a text split (``OUT/text/heldout``: datatrove parquet, ``id``, ``text``,
``metadata`` with ``domain``), grouped by domain; in each domain the documents are sorted by id
and shuffled with ``random.Random(f"ppl:{seed}:{split}:{domain}")``; the first ``per_domain``
are the set (``sample_documents``). Same files, ``per_domain`` and seed → the same documents,
whatever the file order.

**Scoring.** Each document is its own sequence (document masking as in training: position ids
from 0, no other document in context), tokenised without special tokens and followed by EOS (as
the token shards are); every token but the first is scored once (``score_ids``; a document longer
than ``window`` tokens is scored with strided sliding windows). ``max_doc_tokens`` keeps a prefix
(its own bytes count for bits per byte).

**Statistics.** Per document: summed NLL (nats), scored tokens, UTF-8 bytes, top-1/top-5 hits.
Per domain and over all documents: token perplexity ``exp(Σnll/Σtokens)``, bits per byte
``Σnll / ln 2 / Σbytes``, top-k = ``Σhits/Σtokens``, each with a 95 % percentile bootstrap
interval that resamples *documents* (the unit that was sampled), and paired intervals of the
difference between two models scored on the same documents (``paired_doc_deltas``).
"""

from __future__ import annotations

import contextlib
import json
import math
import random
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pyarrow.parquet as pq

LN2 = math.log(2)
KS = (1, 5)
RESERVED = ("id", "text", "media", "metadata")
STATS = ("ppl", "bpb", "top1", "top5")


# ---------------------------------------------------------------- reading and sampling

def parquet_files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise FileNotFoundError(f"{p}: no such parquet file or folder (expected OUT/text/heldout from `firmcorpus build`)")
    files = sorted(p.rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"{p}: no *.parquet files inside (expected OUT/text/heldout from `firmcorpus build`)")
    return files


def read_documents(path: str | Path, domains: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield ``{"id", "text", "metadata"}`` for every document in a parquet file or folder, in file order.

    ``metadata`` may be a struct, a JSON string, or expanded columns (datatrove's ``expand_metadata``).
    """
    wanted = set(domains) if domains else None
    for file in parquet_files(path):
        table = pq.read_table(file)
        for i, row in enumerate(table.to_pylist()):
            meta = row.get("metadata") or {}
            if isinstance(meta, str):
                try:
                    meta = json.loads(meta)
                except json.JSONDecodeError:
                    meta = {}
            meta = dict(meta)
            for key, value in row.items():
                if key not in RESERVED:
                    meta.setdefault(key, value)
            doc = {"id": str(row.get("id") or f"{file.name}/{i}"), "text": row.get("text") or "", "metadata": meta}
            if wanted is not None and meta.get("domain") not in wanted:
                continue
            yield doc


def sample_documents(docs: Sequence[dict[str, Any]], per_domain: int, seed: int,
                     split: str = "heldout") -> list[dict[str, Any]]:
    """``per_domain`` documents of each domain (seeded, independent of input order), tagged with ``split``."""
    by: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        if d["text"].strip():
            by.setdefault(d["metadata"].get("domain") or "general", []).append(d)
    out = []
    for dom in sorted(by):
        pool = sorted(by[dom], key=lambda d: d["id"])
        random.Random(f"ppl:{seed}:{split}:{dom}").shuffle(pool)
        for d in pool[:per_domain]:
            out.append({"id": d["id"], "text": d["text"], "metadata": dict(d["metadata"], split=split)})
    return out


def load_eval_set(path: str | Path, per_domain: int, seed: int, split: str = "heldout") -> list[dict[str, Any]]:
    """The evaluation set of a text split (see the module docstring)."""
    return sample_documents(list(read_documents(path)), per_domain, seed, split)


# ---------------------------------------------------------------- scoring

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


def topk_hits(logits, targets, ks: Sequence[int] = KS) -> dict[int, int]:
    """How many ``targets`` (shape [n]) are among the top-k of ``logits`` (shape [n, vocab]) for each k.

    Ties at the k-th logit are broken by ``torch.topk`` (lowest index first on CPU).
    """
    import torch

    if targets.numel() == 0:
        return {k: 0 for k in ks}
    top = torch.topk(logits, k=max(ks), dim=-1).indices  # [n, kmax], best first
    match = top == targets.unsqueeze(-1)
    return {k: int(match[:, :k].any(dim=-1).sum()) for k in ks}


def score_ids(model, ids: Sequence[int], window: int = 1024, stride: int = 512, head=None,
              autocast=None) -> dict[str, Any]:
    """NLL sum (nats), scored tokens and top-k hits of one document's token ids.

    ``head``: the LM head's weight when the model returns hidden states (the training loop's fused
    loss swaps the head for ``nn.Identity``); ``autocast``: a context-manager factory (bf16 runs).
    """
    import torch

    device = next(model.parameters()).device
    t = torch.as_tensor(list(ids), dtype=torch.long, device=device)
    nll, count = 0.0, 0
    hits = {k: 0 for k in KS}
    for begin, end, score_from in window_plan(len(t), window, stride):
        chunk = t[begin:end].unsqueeze(0)
        pos = torch.arange(end - begin, device=device).unsqueeze(0)
        with torch.no_grad(), (autocast() if autocast else contextlib.nullcontext()):
            out = model(input_ids=chunk, position_ids=pos, use_cache=False).logits[0]
        lo = score_from - begin - 1  # out[j] predicts token begin+j+1; keep targets score_from..end-1
        pred = out[lo:end - begin - 1]
        if head is not None:
            pred = pred.to(head.dtype) @ head.t()
        pred = pred.float()
        targets = t[score_from:end]
        logp = torch.log_softmax(pred, dim=-1)
        nll += float(-logp.gather(1, targets.unsqueeze(1)).sum())
        count += int(targets.numel())
        for k, v in topk_hits(pred, targets).items():
            hits[k] += v
    out_row = {"nll": nll, "n_tokens": count}
    out_row.update({f"top{k}": v for k, v in hits.items()})
    return out_row


def score_documents(model, tokenizer, docs: Iterable[dict[str, Any]], window: int = 1024, stride: int = 512,
                    max_doc_tokens: int | None = None, progress=None, head=None,
                    autocast=None) -> list[dict[str, Any]]:
    """Per-document rows: doc_id, domain, split, n_bytes, nll, n_tokens, top1, top5, truncated."""
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
        row.update(score_ids(model, ids, window=window, stride=stride, head=head, autocast=autocast))
        rows.append(row)
        if progress is not None:
            progress()
    return rows


# ---------------------------------------------------------------- statistics over documents

def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    cols = {k: np.asarray([float(r[k]) for r in rows], dtype=np.float64)
            for k in ("nll", "n_tokens", "n_bytes") + tuple(f"top{k}" for k in KS)}
    return cols


def _stats_from_sums(nll, tokens, nbytes, hits: dict[int, Any]) -> dict[str, Any]:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"ppl": np.exp(np.minimum(nll / tokens, 50.0)), "bpb": nll / LN2 / nbytes}
        for k in KS:
            out[f"top{k}"] = hits[k] / tokens
    return out


def doc_stats(rows: Sequence[dict[str, Any]], n_boot: int = 1000, seed: int = 0,
              alpha: float = 0.05) -> dict[str, Any]:
    """Pooled ppl / bpb / top-k of ``rows`` with percentile bootstrap intervals over documents.

    Each statistic is a ratio of sums (tokens or bytes weight the documents), recomputed on each
    resample of the documents. ``{stat}_lo`` / ``{stat}_hi`` hold the interval.
    """
    n = len(rows)
    if n == 0:
        return {"docs": 0, "tokens": 0, "bytes": 0, "loss": None, **{s: None for s in STATS}}
    c = _columns(rows)
    point = _stats_from_sums(c["nll"].sum(), c["n_tokens"].sum(), c["n_bytes"].sum(),
                             {k: c[f"top{k}"].sum() for k in KS})
    tokens = int(c["n_tokens"].sum())
    out: dict[str, Any] = {"docs": n, "tokens": tokens, "bytes": int(c["n_bytes"].sum()),
                           "loss": float(c["nll"].sum() / tokens) if tokens else None}
    out.update({s: float(point[s]) if tokens else None for s in STATS})
    if n_boot > 0 and tokens:
        idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
        boot = _stats_from_sums(c["nll"][idx].sum(1), c["n_tokens"][idx].sum(1), c["n_bytes"][idx].sum(1),
                                {k: c[f"top{k}"][idx].sum(1) for k in KS})
        for s in STATS:
            vals = boot[s][np.isfinite(boot[s])]
            lo, hi = np.quantile(vals, [alpha / 2, 1 - alpha / 2]) if vals.size else (np.nan, np.nan)
            out[f"{s}_lo"], out[f"{s}_hi"] = float(lo), float(hi)
    return out


def stats_by_domain(rows: Sequence[dict[str, Any]], n_boot: int = 1000, seed: int = 0) -> dict[str, dict[str, Any]]:
    """``doc_stats`` per domain and ``"all"`` (documents pooled)."""
    out = {}
    for dom in sorted({r["domain"] for r in rows}):
        out[dom] = doc_stats([r for r in rows if r["domain"] == dom], n_boot, seed)
    out["all"] = doc_stats(rows, n_boot, seed)
    return out


def paired_doc_deltas(ref_rows: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], n_boot: int = 1000,
                      seed: int = 0, alpha: float = 0.05) -> dict[str, Any]:
    """Paired change of ``rows`` vs ``ref_rows`` (same documents, matched by ``doc_id``).

    ``ppl_change`` = model ppl / reference ppl − 1 (−0.2 = 20 % lower perplexity), ``bpb_change``
    likewise, ``top1_delta``/``top5_delta`` = model − reference; each with a bootstrap interval that
    resamples documents jointly for both models (so the document-to-document spread cancels).
    """
    ref = {r["doc_id"]: r for r in ref_rows}
    pairs = [(ref[r["doc_id"]], r) for r in rows if r["doc_id"] in ref]
    if not pairs:
        return {"docs": 0}
    a, b = _columns([p[0] for p in pairs]), _columns([p[1] for p in pairs])

    def deltas(ix):
        sa = _stats_from_sums(a["nll"][ix].sum(-1), a["n_tokens"][ix].sum(-1), a["n_bytes"][ix].sum(-1),
                              {k: a[f"top{k}"][ix].sum(-1) for k in KS})
        sb = _stats_from_sums(b["nll"][ix].sum(-1), b["n_tokens"][ix].sum(-1), b["n_bytes"][ix].sum(-1),
                              {k: b[f"top{k}"][ix].sum(-1) for k in KS})
        with np.errstate(divide="ignore", invalid="ignore"):
            d = {"ppl_change": sb["ppl"] / sa["ppl"] - 1, "bpb_change": sb["bpb"] / sa["bpb"] - 1}
        d.update({f"top{k}_delta": sb[f"top{k}"] - sa[f"top{k}"] for k in KS})
        return d

    n = len(pairs)
    point = deltas(np.arange(n))
    out: dict[str, Any] = {"docs": n}
    boot = deltas(np.random.default_rng(seed).integers(0, n, size=(n_boot, n))) if n_boot > 0 else {}
    for key, v in point.items():
        out[key] = float(v)
        if boot:
            vals = boot[key][np.isfinite(boot[key])]
            lo, hi = np.quantile(vals, [alpha / 2, 1 - alpha / 2]) if vals.size else (np.nan, np.nan)
            out[f"{key}_lo"], out[f"{key}_hi"] = float(lo), float(hi)
    return out
