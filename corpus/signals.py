"""Pure code-quality signal functions (no datatrove): text in, numbers out.

These are the per-document signals stored in metadata by ``corpus.steps.signals``
(Dolma's "tag, don't delete"); ``corpus.steps.filters`` applies thresholds to them later,
so trying another threshold never recomputes anything. Definitions follow StarCoder /
The Stack (line lengths, alphanumeric fraction, alpha-per-token, encoded data) so their
published defaults mean the same thing here.

Tokens are ``corpus.code_tokens.signal_tokens`` (identifiers, numbers with their C suffixes,
single operator characters).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from firmcorpus.corpus.code_tokens import signal_tokens

# StarCoder's encoded-data patterns (bigcode-dataset, "filtering/encoded_data"): long base64
# runs, long comma/space separated hex byte lists (firmware blobs pasted as C arrays) and long
# \\u escape runs. The hex pattern also accepts ", " between bytes: StarCoder's took "," or
# spaces only and missed the usual `0x1f, 0x20` style of firmware arrays.
_BASE64_RE = re.compile(r"[a-zA-Z0-9+/=\n]{64,}")
_HEX_RE = re.compile(r"(?:\b(?:0x|\\x)?[0-9a-fA-F]{2}(?:,\s*|\b\s*)){8,}")
_UNICODE_RE = re.compile(r"(?:\\u[0-9a-fA-F]{4}){8,}")

# Comment syntax per language (docs/contracts.md languages). C-family block + line comments; the
# string alternative is matched first so "//" inside a string literal is not a comment.
_C_COMMENT_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|(/\*.*?\*/|//[^\n]*)', re.S)
_HASH_COMMENT_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|(#[^\n]*)')
_ASM_COMMENT_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|(/\*.*?\*/|//[^\n]*|;[^\n]*|@[^\n]*|^\s*#(?!\s*(?:include|define|if|ifdef|ifndef|else|elif|endif|undef|error|pragma)\b)[^\n]*)', re.S | re.M)

_COMMENT_RE_BY_LANGUAGE = {
    "c": _C_COMMENT_RE, "cpp": _C_COMMENT_RE, "devicetree": _C_COMMENT_RE, "linker": _C_COMMENT_RE,
    "asm": _ASM_COMMENT_RE, "kconfig": _HASH_COMMENT_RE, "python": _HASH_COMMENT_RE, "shell": _HASH_COMMENT_RE,
    "makefile": _HASH_COMMENT_RE, "cmake": _HASH_COMMENT_RE, "yaml": _HASH_COMMENT_RE,
}


@dataclass
class TextSignals:
    """The numeric signals of one document (all keys are stored in metadata as is)."""

    n_chars: int
    n_lines: int
    max_line_length: int
    mean_line_length: float
    alnum_fraction: float
    alpha_per_token: float
    comment_ratio: float
    encoded_fraction: float
    encoded_longest: int

    def to_dict(self) -> dict:
        return asdict(self)


def line_lengths(text: str) -> tuple[int, float, int]:
    """(max line length, mean line length, line count); an empty text has one empty line."""
    lines = text.split("\n")
    lengths = [len(line) for line in lines]
    return max(lengths), sum(lengths) / len(lengths), len(lines)


def alnum_fraction(text: str) -> float:
    """Fraction of characters that are alphanumeric (The Stack: keep ≥ 0.25)."""
    if not text:
        return 0.0
    # map(str.isalnum) over the string stays in C; a Python loop per character is 10x slower.
    return sum(map(str.isalnum, text)) / len(text)


def alpha_per_token(text: str, tokens: list[str] | None = None) -> float:
    """Alphabetic characters per code token (StarCoder keeps data files with ≥ 1.5)."""
    tokens = signal_tokens(text) if tokens is None else tokens
    if not tokens:
        return 0.0
    return sum(map(str.isalpha, text)) / len(tokens)


def comment_ratio(text: str, language: str | None) -> float:
    """Fraction of characters inside comments, for the language's comment syntax (0 if unknown)."""
    pattern = _COMMENT_RE_BY_LANGUAGE.get(language or "")
    if pattern is None or not text:
        return 0.0
    commented = 0
    for m in pattern.finditer(text):
        if m.group(1):
            commented += len(m.group(1))
    return commented / len(text)


def encoded_data(text: str) -> tuple[float, int]:
    """(fraction of characters in encoded-data runs, longest run) per StarCoder's patterns."""
    if not text:
        return 0.0, 0
    spans: list[tuple[int, int]] = []
    for pattern in (_BASE64_RE, _HEX_RE, _UNICODE_RE):
        spans.extend(m.span() for m in pattern.finditer(text))
    if not spans:
        return 0.0, 0
    # union of overlapping spans so a run matched by two patterns counts once
    spans.sort()
    total = longest = 0
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if s <= cur_e:
            cur_e = max(cur_e, e)
        else:
            total += cur_e - cur_s
            longest = max(longest, cur_e - cur_s)
            cur_s, cur_e = s, e
    total += cur_e - cur_s
    longest = max(longest, cur_e - cur_s)
    return total / len(text), longest


def text_signals(text: str, language: str | None = None) -> TextSignals:
    """All numeric signals of one document."""
    max_len, mean_len, n_lines = line_lengths(text)
    tokens = signal_tokens(text)
    enc_frac, enc_longest = encoded_data(text)
    return TextSignals(
        n_chars=len(text),
        n_lines=n_lines,
        max_line_length=max_len,
        mean_line_length=round(mean_len, 4),
        alnum_fraction=round(alnum_fraction(text), 6),
        alpha_per_token=round(alpha_per_token(text, tokens), 6),
        comment_ratio=round(comment_ratio(text, language), 6),
        encoded_fraction=round(enc_frac, 6),
        encoded_longest=enc_longest,
    )
