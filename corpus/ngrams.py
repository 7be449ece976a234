"""Code-token n-gram hashes, shared by decontamination and any overlap check.

Tokens are ``corpus.code_tokens.ngram_tokens`` (identifiers, numbers and single punctuation
characters); whitespace and layout do not count, so reformatted copies still match.
Each n-gram becomes one 64-bit hash, computed vectorised with numpy from per-token hashes.
"""

from __future__ import annotations

import numpy as np
import xxhash

from firmcorpus.corpus.code_tokens import ngram_tokens

_MULT = np.uint64(0x9E3779B97F4A7C15)


def ngram_hashes(text: str, n: int = 13) -> np.ndarray:
    """Unique sorted uint64 hashes of the n-grams of code tokens (empty when fewer than n tokens)."""
    toks = ngram_tokens(text)
    if len(toks) < n:
        return np.empty(0, dtype=np.uint64)
    th = np.fromiter((xxhash.xxh64_intdigest(t) for t in toks), dtype=np.uint64, count=len(toks))
    # polynomial combination h = sum_j th[i+j] * M^(n-1-j) (mod 2^64), vectorised over windows
    with np.errstate(over="ignore"):
        acc = np.zeros(len(toks) - n + 1, dtype=np.uint64)
        for j in range(n):
            acc = acc * _MULT + th[j: len(toks) - n + 1 + j]
    return np.unique(acc)


def shared_count(hashes: np.ndarray, reference_sorted: np.ndarray) -> int:
    """How many of ``hashes`` occur in the sorted array ``reference_sorted``."""
    if hashes.size == 0 or reference_sorted.size == 0:
        return 0
    idx = np.searchsorted(reference_sorted, hashes)
    idx[idx == reference_sorted.size] = 0
    return int(np.count_nonzero(reference_sorted[idx] == hashes))
