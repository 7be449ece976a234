"""Completion metrics: per item, then per group with bootstrap confidence intervals.

Every per-item metric takes the model's completion (``pred``) and the reference
(``ref``) as text, and lies in [0, 1] except ``bleu4`` (sacrebleu's 0-100 scale):

- ``exact``: ``pred`` and ``ref`` equal after dropping trailing whitespace
  (a trailing newline left by a stop rule is not a mistake);
- ``exact_ws``: equal after removing all whitespace;
- ``edit_sim``: ``rapidfuzz.distance.Levenshtein.normalized_similarity``, i.e.
  1 - distance / max(len(pred), len(ref)) on characters;
- ``bleu4``: ``sacrebleu.sentence_bleu`` over the fixed C lexer's tokens joined by spaces,
  ``tokenize="none"`` (so sacrebleu's 13a tokenizer does not re-split C), default
  exponential smoothing; per group we also report sacrebleu's corpus BLEU;
- ``token_acc``: position-wise share of reference lexer tokens that the prediction has at the
  same position (tokens past the end of a shorter prediction count as misses);
- ``lcp``: longest common character prefix divided by ``len(ref)``;
- ``ident_f1``: F1 of the identifier multisets (lexer identifiers, keywords excluded);
- ``syntax_valid``: 1 when ``prompt + pred + suffix`` has no more tree-sitter error/missing
  nodes than ``prompt + ref + suffix`` (the reference document is the baseline, so
  macro-heavy code that tree-sitter cannot parse cleanly is not held against the model);
  ``None`` for languages without a grammar here (assembly, linker scripts).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from firmcorpus.eval.clexer import identifiers, token_texts
from firmcorpus.parsers.treesitter import LANGUAGES, count_errors, get_parser

METRICS = ("exact", "exact_ws", "edit_sim", "bleu4", "token_acc", "lcp", "ident_f1", "syntax_valid")

_WS = re.compile(r"\s+")


def exact_match(pred: str, ref: str) -> float:
    return float(pred.rstrip() == ref.rstrip())


def exact_match_ws(pred: str, ref: str) -> float:
    return float(_WS.sub("", pred) == _WS.sub("", ref))


def edit_similarity(pred: str, ref: str) -> float:
    return float(Levenshtein.normalized_similarity(pred, ref))


def bleu4(pred: str, ref: str) -> float:
    import sacrebleu

    hyp = " ".join(token_texts(pred))
    refs = " ".join(token_texts(ref))
    return float(sacrebleu.sentence_bleu(hyp, [refs], tokenize="none").score)


def corpus_bleu4(preds: Sequence[str], refs: Sequence[str]) -> float:
    import sacrebleu

    if not preds:
        return 0.0
    hyps = [" ".join(token_texts(p)) for p in preds]
    rs = [" ".join(token_texts(r)) for r in refs]
    return float(sacrebleu.corpus_bleu(hyps, [rs], tokenize="none").score)


def token_accuracy(pred: str, ref: str) -> float:
    p, r = token_texts(pred), token_texts(ref)
    if not r:
        return float(not p)
    return sum(1 for a, b in zip(p, r) if a == b) / len(r)


def longest_common_prefix(pred: str, ref: str) -> int:
    n = 0
    for a, b in zip(pred, ref):
        if a != b:
            break
        n += 1
    return n


def lcp_ratio(pred: str, ref: str) -> float:
    if not ref:
        return float(not pred)
    return longest_common_prefix(pred, ref) / len(ref)


def identifier_f1(pred: str, ref: str) -> float:
    p, r = Counter(identifiers(pred)), Counter(identifiers(ref))
    if not p and not r:
        return 1.0
    common = sum((p & r).values())
    if common == 0:
        return 0.0
    precision = common / sum(p.values())
    recall = common / sum(r.values())
    return 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------- syntax

def syntax_error_count(code: str, language: str = "c") -> int | None:
    """Number of ERROR and MISSING nodes tree-sitter finds; ``None`` without a grammar."""
    if language not in LANGUAGES:
        return None
    return count_errors(get_parser(language).parse(code.encode("utf-8", "replace")).root_node)


def syntax_valid(prompt: str, pred: str, ref: str, suffix: str = "", language: str = "c") -> float | None:
    base = syntax_error_count(prompt + ref + suffix, language)
    if base is None:
        return None
    return float(syntax_error_count(prompt + pred + suffix, language) <= base)


def item_metrics(pred: str, ref: str, prompt: str = "", suffix: str = "", language: str = "c") -> dict[str, Any]:
    """All per-item metrics (see module docstring)."""
    return {
        "exact": exact_match(pred, ref),
        "exact_ws": exact_match_ws(pred, ref),
        "edit_sim": edit_similarity(pred, ref),
        "bleu4": bleu4(pred, ref),
        "token_acc": token_accuracy(pred, ref),
        "lcp": lcp_ratio(pred, ref),
        "ident_f1": identifier_f1(pred, ref),
        "syntax_valid": syntax_valid(prompt, pred, ref, suffix, language),
    }


# ---------------------------------------------------------------- aggregation

def bootstrap_ci(values: Iterable[float | None], n_boot: int = 1000, seed: int = 0,
                 alpha: float = 0.05) -> dict[str, float | int | None]:
    """Mean with a percentile bootstrap interval; ``None`` values (not applicable) are left out."""

    xs = np.asarray([v for v in values if v is not None], dtype=np.float64)
    if xs.size == 0:
        return {"mean": None, "lo": None, "hi": None, "n": 0}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, xs.size, size=(n_boot, xs.size))
    means = xs[idx].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return {"mean": float(xs.mean()), "lo": float(lo), "hi": float(hi), "n": int(xs.size)}


def aggregate(rows: Sequence[dict[str, Any]], group_key: str = "domain", n_boot: int = 1000,
              seed: int = 0) -> dict[str, dict[str, Any]]:
    """Per-group (and ``"all"``) metric means with bootstrap CIs, plus corpus BLEU-4.

    ``rows`` are per-item records with ``pred``, ``target`` and a ``metrics`` dict.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row[group_key]), []).append(row)
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(groups) + ["all"]:
        members = list(rows) if name == "all" else groups[name]
        entry: dict[str, Any] = {"n": len(members)}
        for metric in METRICS:
            entry[metric] = bootstrap_ci((r["metrics"][metric] for r in members), n_boot=n_boot, seed=seed)
        entry["corpus_bleu4"] = corpus_bleu4([r["pred"] for r in members], [r["target"] for r in members])
        out[name] = entry
    return out
