"""The preprocessor scan of the code parser: ``#define``/``#include`` lines outside block comments,
and their bodies cleaned of comments and continuations. In C for ASCII text when
``parsers/_cscan.c`` is built (``directives``); ``directives_py`` is the reference."""

from __future__ import annotations

import re

from firmcorpus.parsers import _native

_cscan = _native.cscan  # parsers/_cscan.c, or None (see parsers._native)

# Directive lines are found by one regex over the text; the few directives that sit inside a
# multi-line block comment (commented-out code) are dropped afterwards, which is much cheaper
# than tokenising every comment and string of the file in Python.
# Anchored on a literal newline (the text is scanned with one prepended) so the engine jumps
# from line to line instead of testing "^" at every byte.
PP_RE = re.compile(
    r"\n[ \t]*#[ \t]*(?:define[ \t]+([A-Za-z_]\w*)(\([^)\n]*\))?|(include|include_next|import)\b)"
    r"([^\n\\/]*(?:(?:\\\r?\n|/\*.*?\*/|[\\/])[^\n\\/]*)*)", re.S)
BLOCK_COMMENT_RE = re.compile(r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/")  # unrolled: no per-character alternation
COMMENT_RE = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|/\*.*?\*/|//[^\n]*", re.S)  # strings are matched to be kept


def _uncomment(m: re.Match) -> str:
    g = m.group()
    return g if g[0] == '"' else " "
WS_RE = re.compile(r"\s+")
INCLUDE_RE = re.compile(r"\s*(?:\"([^\"\n]+)\"|<([^>\n]+)>)")


def directives(text: str) -> list[tuple]:
    """(name, params, body, include_kind, start_line, end_line, start, end) for each #define/#include
    line outside block comments; ``name`` is None for an include. ``start`` is the offset of the
    directive's line in ``text``, ``end`` the offset just past its body (its newline or the end).
    In C for ASCII text when ``parsers/_cscan.c`` is built."""
    if _cscan is not None:
        found = _cscan.directives(text)
        if found is not None:
            return found
    return directives_py(text)


def directives_py(text: str) -> list[tuple]:
    """``directives`` in Python (the reference for ``parsers/_cscan.c``)."""
    spans = []
    if "/*" in text:
        spans = [m.span() for m in BLOCK_COMMENT_RE.finditer(text) if "\n" in m.group()]
    nspans = len(spans)
    text = "\n" + text  # positions below are shifted by one: spans are compared with start - 1
    line = 1
    last = 0
    count = text.count
    si = 0
    out = []
    append = out.append
    for m in PP_RE.finditer(text):
        start = m.start()  # the newline before the directive = the directive's line start in the unshifted text
        if nspans:
            while si < nspans and spans[si][1] <= start:
                si += 1
            if si < nspans and spans[si][0] <= start:
                continue
        line += count("\n", last, start)
        last = start
        name, params, inc, body = m.groups()
        if "\n" in body:
            append((name, params, body, inc, line, line + body.count("\n"), start, m.end() - 1))
        else:
            append((name, params, body, inc, line, line, start, m.end() - 1))
    return out


def scan_directives(text: str):
    """Yield (name, params, body, include_kind, start_line, end_line) for #define/#include lines
    outside block comments; ``name`` is None for an include."""
    for d in directives(text):
        yield d[:6]


def clean_value(rest: str) -> str:
    """A directive body without comments, continuations and repeated whitespace."""
    if "/" in rest:
        i = rest.find("/*")
        if i >= 0 and rest.find("//") < 0:
            end = rest.find("*/", i + 2)
            if end >= 0 and rest.find("/*", end) < 0 and not rest[end + 2:].strip():
                rest = rest[:i]  # the common case: one trailing block comment
            else:
                rest = COMMENT_RE.sub(_uncomment, rest)
        else:
            rest = COMMENT_RE.sub(_uncomment, rest)
    if "\\" in rest:
        rest = rest.replace("\\\r\n", " ").replace("\\\n", " ")
    value = rest.strip()
    if "  " in value or "\t" in value or "\n" in value:
        value = WS_RE.sub(" ", value)
    return value
