"""Decontamination of benchmark items against the training data.

An item is contaminated when much of its target (with the few words of prompt just before it,
so boundary n-grams count) already appears in the training split. We index only the *items'* n-grams (small) and stream the training data
through them once, so the cost is one pass over the training data:

- against text shards (parquet): whitespace-separated word 13-grams (the GPT-3 rule);
- against token shards (``.ds``): token-id 16-grams with the shards' own tokenizer, hashed
  with a vectorised polynomial rolling hash over numpy arrays (no decoding).

``overlap`` is the share of an item's n-grams found in training; items at or above the
threshold are excluded by the builder (and written to the exclusions file with the reason).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from firmcorpus.eval.heldout import read_token_array, token_shard_files

WORD_N = 13
TOKEN_N = 16
_MASK = (1 << 64) - 1
_P = 1_000_003


def item_words(item: dict[str, Any], n: int = WORD_N) -> list[str]:
    """Words whose n-grams are checked: the target's, with ``n - 1`` words of prompt before it,
    so every n-gram touches the target (a licence header shared by the prompt does not count)."""
    head = item["prompt"].split()[-(n - 1):] if n > 1 else []
    return head + item["target"].split()


def _grams(words: list[str], n: int) -> set[int]:
    if len(words) < n:
        return {hash(tuple(words))} if words else set()
    return {hash(tuple(words[i:i + n])) for i in range(len(words) - n + 1)}


def text_overlap(items: Sequence[dict[str, Any]], train_docs, n: int = WORD_N) -> list[float]:
    """Share of each item's word n-grams present in ``train_docs`` (an iterable of dicts with ``text``)."""
    grams = [_grams(item_words(it, n), n) for it in items]
    wanted = set().union(*grams) if grams else set()
    found: set[int] = set()
    for doc in train_docs:
        words = doc["text"].split()
        if len(words) < n:
            h = hash(tuple(words))
            if h in wanted:
                found.add(h)
            continue
        for i in range(len(words) - n + 1):
            h = hash(tuple(words[i:i + n]))
            if h in wanted:
                found.add(h)
    return [len(g & found) / len(g) if g else 0.0 for g in grams]


def item_tokens(item: dict[str, Any], encode: Callable[[str], list[int]], n: int = TOKEN_N) -> list[int]:
    """Token ids checked for an item: the target's tokens with ``n - 1`` tokens of prompt before them.

    Prompt tail and target are tokenised together, as the shards tokenised the document, so
    the n-grams across the boundary match; the boundary is where the tail alone ends.
    """
    tail = item["prompt"][-400:]
    joint = list(encode(tail + item["target"]))
    k = len(encode(tail)) if tail else 0
    start = max(0, min(k - (n - 1), len(joint) - n))
    return joint[start:]


def rolling_hashes(tokens, n: int = TOKEN_N):
    """uint64 polynomial hash of every length-``n`` window of a 1-D token array."""

    t = np.asarray(tokens, dtype=np.uint64)
    if t.size < n:
        return np.zeros(0, dtype=np.uint64)
    m = t.size - n + 1
    h = np.zeros(m, dtype=np.uint64)
    p = np.uint64(_P)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * p + t[k:k + m] + np.uint64(1)
    return h


def token_overlap(items: Sequence[dict[str, Any]], shard_dir: str | Path, encode: Callable[[str], list[int]],
                  n: int = TOKEN_N, chunk: int = 1 << 24) -> list[float]:
    """Share of each item's token n-grams present in the ``.ds`` shards under ``shard_dir``.

    ``encode`` must be the tokenizer that wrote the shards (see the shards' ``.metadata``).
    """

    grams = [np.unique(rolling_hashes(item_tokens(it, encode, n), n)) for it in items]
    wanted = np.unique(np.concatenate(grams)) if grams else np.zeros(0, dtype=np.uint64)
    found = np.zeros(0, dtype=np.uint64)
    if wanted.size:
        for ds in token_shard_files(shard_dir):
            tokens = read_token_array(ds)
            for start in range(0, max(len(tokens) - n + 1, 1), chunk):
                window = np.asarray(tokens[start:start + chunk + n - 1])
                h = rolling_hashes(window, n)
                found = np.union1d(found, h[np.isin(h, wanted)])
    return [float(np.isin(g, found).mean()) if g.size else 0.0 for g in grams]
