"""The code tokenizers, in one place: three named variants tuned for three jobs.

All three split code into identifiers, numbers and single operator characters, so ``a->b`` and
``a.b`` stay apart where an English word tokenizer would erase both to ``a b``. They differ only
in how much of a number is one token, and in what they return (``tests/corpus/test_code_tokens.py``
states the differences on one line of code):

* ``signal_tokens`` — quality signals (``corpus.signals``): a number keeps its C suffix and
  decimal part (``0x1Fu``, ``1.5f``), as StarCoder's alpha-per-token counts them.
* ``ngram_tokens`` — decontamination n-grams (``corpus.ngrams``): bare hex and digit runs
  (``0x1F`` then ``u``), so a suffix change does not hide a copied line.
* ``token_hashes`` — MinHash shingles (``corpus.steps.minhash``): every maximal run of
  identifier/number bytes is one token (``8bit``, and ``1.5f`` is ``1`` ``.`` ``5f``), hashed
  in numpy without a Python object per token (~4x ``re.findall`` + xxh3).
"""

from __future__ import annotations

import re

import numpy as np

_U64 = np.uint64

# identifiers, hex/binary/decimal numbers (with C suffixes), then any other non-space char.
SIGNAL_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|0[xX][0-9A-Fa-f]+[uUlL]*|\d+(?:\.\d+)?[uUlLfF]*|[^\sA-Za-z0-9_]")
# identifiers, bare hex and digit runs, then any other non-space char.
NGRAM_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+|[^\sA-Za-z0-9_]")


def signal_tokens(text: str) -> list[str]:
    return SIGNAL_TOKEN_RE.findall(text)


def ngram_tokens(text: str) -> list[str]:
    return NGRAM_TOKEN_RE.findall(text)


# Byte classes of the code tokenizer: identifier/number bytes (non-ASCII UTF-8 bytes count as
# identifier bytes), whitespace, and everything else (one operator token per byte).
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")] = True
_WORD_BYTE[0x80:] = True
_SPACE_BYTE = np.zeros(256, dtype=bool)
_SPACE_BYTE[list(b" \t\n\r\v\f")] = True
_P = 0x100000001B3  # odd, hence invertible mod 2^64
_POW = np.ones(1, dtype=_U64)
_POW_INV = np.ones(1, dtype=_U64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P^j and P^-j mod 2^64 for j <= n (grown on demand, shared by a process)."""
    global _POW, _POW_INV
    if len(_POW) <= n:
        m = max(n + 1, 2 * len(_POW), 1 << 16)
        _POW = np.concatenate([[_U64(1)], np.cumprod(np.full(m - 1, _P, dtype=_U64))])
        _POW_INV = np.concatenate([[_U64(1)], np.cumprod(np.full(m - 1, pow(_P, -1, 2**64), dtype=_U64))])
    return _POW, _POW_INV


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place: makes the linear polynomial hashes avalanche."""
    x ^= x >> _U64(30)
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def token_hashes(text: str | bytes) -> np.ndarray:
    """64-bit hashes of the code tokens of ``text``, all in numpy (no Python object per token).

    Tokens are the maximal runs of identifier/number bytes and every other non-space byte on its
    own, i.e. ``signal_tokens`` except that ``1.5f`` is 3 tokens and ``8bit`` 1. A token
    hash is a polynomial hash read off a prefix sum: (H[end] - H[start]) * P^-start mod 2^64, then
    mixed. That is ~4x faster than ``re.findall`` + xxh3 per token string.
    """
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")  # bytes: UTF-8 already
    b = np.frombuffer(raw, dtype=np.uint8)
    n = len(b)
    if n == 0:
        return np.empty(0, dtype=_U64)
    w = _WORD_BYTE[b]
    prev_w = np.empty(n, dtype=bool)
    prev_w[0] = False
    prev_w[1:] = w[:-1]
    next_w = np.empty(n, dtype=bool)
    next_w[-1] = False
    next_w[:-1] = w[1:]
    word_start = w & ~prev_w
    starts = np.flatnonzero(word_start | ~(w | _SPACE_BYTE[b]))
    ends = starts + 1
    ends[word_start[starts]] = np.flatnonzero(w & ~next_w) + 1
    pw, pinv = _powers(n)
    h = np.empty(n + 1, dtype=_U64)
    h[0] = 0
    np.cumsum((b.astype(_U64) + _U64(1)) * pw[:n], out=h[1:])
    return mix64((h[ends] - h[starts]) * pinv[starts])
