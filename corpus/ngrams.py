"""Code-token n-gram hashes, shared by decontamination and any overlap check.

Tokens are ``corpus.code_tokens.ngram_tokens`` (identifiers, numbers and single punctuation
characters); whitespace and layout do not count, so reformatted copies still match.
Each n-gram becomes one 64-bit hash, computed vectorised with numpy from per-token hashes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xxhash

from firmcorpus.core.io import atomic_path
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


# --------------------------------------------------------------------------- licence / boilerplate blocks

# A comment block (C block comment, or a run of //, # or ; line comments) that names a licence,
# a copyright or a warranty disclaimer: identical across unrelated repositories, so it is never
# evidence that a training file copied a held-out one. Removed before hashing, on both sides.
_HASH_COMMENT = r"#(?=[ \t!]|$)(?![ \t]*(?:define|include|if|ifdef|ifndef|endif|else|elif|undef|pragma|error)\b)"
_COMMENT_BLOCK_RE = re.compile(r"/\*.*?\*/|(?:^[ \t]*(?://|;|--|" + _HASH_COMMENT + r")[^\n]*\n?)+", re.S | re.M)
_BOILERPLATE_RE = re.compile(
    r"SPDX-License-Identifier|copyright|\(c\)|licen[cs]e|general public|permission is hereby granted|"
    r"without any warranty|warranties|all rights reserved|redistribution and use", re.I)


def strip_boilerplate(text: str) -> str:
    """``text`` without its licence/copyright comment blocks (every other comment is kept)."""
    return _COMMENT_BLOCK_RE.sub(lambda m: "\n" if _BOILERPLATE_RE.search(m.group(0)) else m.group(0), text)


# --------------------------------------------------------------------------- a sorted on-disk set of hashes


def lookup(hashes: np.ndarray, reference_sorted: np.ndarray) -> np.ndarray:
    """Positions in ``reference_sorted`` (sorted, unique; a memory map is fine) of the ``hashes`` found there."""
    if hashes.size == 0 or reference_sorted.size == 0:
        return np.empty(0, dtype=np.int64)
    idx = np.searchsorted(reference_sorted, hashes)
    idx[idx == reference_sorted.size] = 0
    return idx[reference_sorted[idx] == hashes].astype(np.int64)


def hash_ranges(total: int, chunk: int) -> list[tuple[int, int | None]]:
    """Split the uint64 hash space into ``ceil(total / chunk)`` equal ranges ``[lo, hi)`` (``hi=None``: to the end)."""
    parts = max(1, -(-total // max(1, chunk)))
    bounds = [i * (2**64 // parts) for i in range(parts)]
    return [(lo, bounds[i + 1] if i + 1 < parts else None) for i, lo in enumerate(bounds)]


def range_slice(arr: np.ndarray, lo: int, hi: int | None) -> slice:
    """The slice of sorted ``arr`` with ``lo <= value < hi``."""
    a = int(np.searchsorted(arr, np.uint64(lo), side="left"))
    b = arr.size if hi is None else int(np.searchsorted(arr, np.uint64(hi), side="left"))
    return slice(a, b)


def open_sorted(path: str | Path) -> np.ndarray:
    """A raw little-endian uint64 file written by ``merge_sorted_files``, memory-mapped (empty file: empty array)."""
    path = Path(path)
    if path.stat().st_size == 0:
        return np.empty(0, dtype=np.uint64)
    return np.memmap(path, dtype="<u8", mode="r")


def merge_sorted_files(files: list[Path], out: Path, chunk: int = 1 << 24) -> int:
    """Union of sorted uint64 ``.npy`` files → one sorted, unique raw uint64 file at ``out`` (``open_sorted``).

    Streams by hash range: memory holds about ``chunk`` hashes at a time, whatever the total; every
    input is memory-mapped and only its slice of the current range is read. Returns the count written."""
    arrays = [np.load(f, mmap_mode="r") for f in files]
    total = sum(a.size for a in arrays)
    n = 0
    with atomic_path(out) as tmp, open(tmp, "wb") as fh:
        for lo, hi in hash_ranges(total, chunk):
            pieces = [np.asarray(a[range_slice(a, lo, hi)]) for a in arrays]
            part = np.unique(np.concatenate(pieces)) if pieces else np.empty(0, dtype=np.uint64)
            part.astype("<u8").tofile(fh)
            n += part.size
    return n
