"""GNU linker scripts (``.ld``, ``.lds``) → memory regions, output sections, symbol assignments.

* ``MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 512K }`` → ``variable`` symbols with
  ``type="memory_region"``, ``int_value`` the origin and ``size`` the length (``K``/``M`` suffixes);
* ``.text : { … }`` output sections → ``node`` symbols (``type="section"``);
* ``_estack = 0x20020000;`` / ``PROVIDE(name = …)`` → ``variable`` symbols (``type="symbol"``),
  ``int_value`` when constant; ``ENTRY(x)`` → ``variable`` with ``type="entry"``;
* ``INCLUDE file`` → includes.
"""

from __future__ import annotations

import re

from firmcorpus.parsers.cexpr import Evaluator, to_int64
from firmcorpus.parsers.models import CodeFile, Symbol

_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_REGION_RE = re.compile(
    r"^[ \t]*([A-Za-z_][\w.]*)[ \t]*(?:\(([^)]*)\))?[ \t]*:[ \t]*(?:ORIGIN|org|o)[ \t]*=[ \t]*([^,\n]+),[ \t]*"
    r"(?:LENGTH|len|l)[ \t]*=[ \t]*([^\n;]+)", re.M)
_SECTION_RE = re.compile(r"^[ \t]*(\.[\w.$]+|[A-Za-z_][\w.]*)[ \t]*(?:\(?[^:\n={]*\)?)?[ \t]*:[ \t]*(?:AT[ \t]*\([^)]*\)[ \t]*)?"
                         r"(?:ALIGN[ \t]*\([^)]*\)[ \t]*)?(?:SUBALIGN[ \t]*\([^)]*\)[ \t]*)?\{?[ \t]*$", re.M)
_ASSIGN_RE = re.compile(r"(?:^|[;{\s])(?:PROVIDE(?:_HIDDEN)?\s*\(\s*)?([A-Za-z_][\w.]*)\s*=\s*([^;\n{}]+?)\s*\)?\s*;")
_ENTRY_RE = re.compile(r"\bENTRY\s*\(\s*([\w.$]+)\s*\)")
_INCLUDE_RE = re.compile(r"^[ \t]*INCLUDE[ \t]+\"?([^\s\"]+)\"?", re.M)
_SIZE_RE = re.compile(r"\b(\d+|0[xX][0-9a-fA-F]+)\s*([KkMm])\b")


def _expr(text: str, ev: Evaluator) -> int | None:
    t = _SIZE_RE.sub(lambda m: f"({m.group(1)}*{1024 if m.group(2) in 'Kk' else 1048576})", text.strip())
    v = ev.value(t)
    return to_int64(v.value) if v is not None else None


def parse_linker(cf: CodeFile, text: str) -> None:
    clean = _COMMENT_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)  # keep offsets and lines
    ev = Evaluator({})
    symbols: list[Symbol] = []

    def line_of(pos: int) -> int:
        return clean.count("\n", 0, pos) + 1

    region_spans = []
    for m in _REGION_RE.finditer(clean):
        ln = line_of(m.start())
        symbols.append(Symbol(kind="variable", name=m.group(1), start_line=ln, end_line=ln, type="memory_region",
                              value=m.group(3).strip(), int_value=_expr(m.group(3), ev),
                              size=_expr(m.group(4), ev), role="base"))
        region_spans.append((m.start(), m.end()))
    for m in _SECTION_RE.finditer(clean):
        name = m.group(1)
        if name in ("MEMORY", "SECTIONS") or any(a <= m.start() < b for a, b in region_spans):
            continue
        ln = line_of(m.start())
        symbols.append(Symbol(kind="node", name=name, start_line=ln, end_line=ln, type="section"))
    for m in _ASSIGN_RE.finditer(clean):
        name = m.group(1)
        if name in ("ORIGIN", "LENGTH", "org", "len"):
            continue
        ln = line_of(m.start(1))
        symbols.append(Symbol(kind="variable", name=name, start_line=ln, end_line=ln, type="symbol",
                              value=m.group(2).strip()[:300], int_value=_expr(m.group(2), ev)))
    for m in _ENTRY_RE.finditer(clean):
        ln = line_of(m.start())
        symbols.append(Symbol(kind="variable", name=m.group(1), start_line=ln, end_line=ln, type="entry"))
    cf.includes.extend(m.group(1) for m in _INCLUDE_RE.finditer(clean))
    symbols.sort(key=lambda s: (s.start_line, s.end_line, s.name))
    cf.symbols = symbols
