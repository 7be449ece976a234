"""Throwaway regex C reader used by the mapping tests and bench only until ``parsers.code`` lands.

Reads object-like ``#define``s (values evaluated with ``parsers.cexpr`` when present),
``#include``s and top-level function definitions (with their end line by brace counting).
"""

from __future__ import annotations

import re

from parsers.models import CodeFile, Symbol

_DEF = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\([^)]*\))?[ \t]*(.*)$")
_INC = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.M)
_FUNC = re.compile(r"^(?:static\s+|inline\s+|const\s+|unsigned\s+|struct\s+)*[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{",
                   re.M)
_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "do", "else"}


def parse_code(path: str, data: bytes, language: str | None = None) -> CodeFile:
    text = data.decode("utf-8", "replace")
    lines = text.splitlines()
    syms: list[Symbol] = []
    raw: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _DEF.match(lines[i])
        start = i
        if m:
            body = m.group(3)
            while body.endswith("\\") and i + 1 < len(lines):
                i += 1
                body = body[:-1] + " " + lines[i]
            body = re.sub(r"/\*.*?\*/|//.*$", "", body).strip()
            if m.group(2) is None:
                raw[m.group(1)] = body
            syms.append(Symbol("macro", m.group(1), start + 1, i + 1, value=body or None,
                               signature=m.group(2)))
        i += 1
    try:
        from parsers.cexpr import evaluate
    except Exception:  # pragma: no cover
        evaluate = None
    for s in syms:
        if s.signature is None and s.value:
            try:
                s.int_value = evaluate(s.value, raw) if evaluate else int(s.value, 0)
            except Exception:
                s.int_value = None
    for m in _FUNC.finditer(text):
        name = m.group(1)
        if name in _KEYWORDS:
            continue
        start_line = text.count("\n", 0, m.start()) + 1
        depth, j = 0, m.end() - 1
        while j < len(text):
            c = text[j]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        syms.append(Symbol("function", name, start_line, text.count("\n", 0, j) + 1))
    lang = "c" if path.endswith((".c", ".h")) else "other"
    return CodeFile(path=path, language=lang, symbols=syms, includes=_INC.findall(text), size_bytes=len(data))
