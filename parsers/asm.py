"""Assembly (GNU ``.s``/``.S``, AVR/8051/MSP430 ``.asm``/``.inc``) → labels, constants, macros.

A line scanner (assemblers are line-based; no tree-sitter grammar for them ships on PyPI):

* labels ``name:`` → ``label`` symbols; a label declared ``.type name, %function``,
  ``.func name`` or preceded by ``.thumb_func`` is a ``function``; local labels (``.L…``,
  numeric) are skipped;
* a label followed by four or more ``.word``/``.long``/``.4byte`` lines (or placed in a
  ``.isr_vector``/``.vectors`` section) is a vector table: ``role="vector_table"``;
* ``.equ``/``.set``/``.equiv``/``NAME = value`` and AVR ``.equ NAME = value``/``.def`` → ``macro``
  symbols with ``int_value`` evaluated like C macros; ``.macro NAME args`` → ``macro`` with a
  signature; ``#define`` (preprocessed ``.S``) as in C;
* ``.include "file"`` and ``#include`` → includes.
"""

from __future__ import annotations

import re

from firmcorpus.parsers.cexpr import Evaluator, Macro, to_int64
from firmcorpus.parsers.directives import clean_value, scan_directives
from firmcorpus.parsers.models import CodeFile, Symbol

_LABEL_RE = re.compile(r"^[ \t]*([A-Za-z_$][\w.$]*)[ \t]*:(?!:)")
_EQU_RE = re.compile(r"^[ \t]*\.(?:equ|set|equiv|eqv)[ \t]+([A-Za-z_.$][\w.$]*)[ \t]*[,=][ \t]*([^;@\n]+)", re.I)
_ASSIGN_RE = re.compile(r"^[ \t]*([A-Za-z_][\w.$]*)[ \t]*(?:=|\.equ\b|\bequ\b|\bEQU\b|\bset\b)[ \t]*([^;@\n]+)")
_DEF_RE = re.compile(r"^[ \t]*\.def[ \t]+(\w+)[ \t]*=[ \t]*(\w+)", re.I)
_MACRO_RE = re.compile(r"^[ \t]*\.macro[ \t]+([A-Za-z_.$][\w.$]*)[ \t,]*([^;@\n]*)", re.I)
_TYPE_FUNC_RE = re.compile(r"^[ \t]*\.(?:type[ \t]+([\w.$]+)[ \t]*,[ \t]*[%@#]?function|func[ \t]+([\w.$]+))")
_THUMB_FUNC_RE = re.compile(r"^[ \t]*\.thumb_func\b")
_WORD_RE = re.compile(r"^[ \t]*\.(?:word|long|4byte|int|dc\.l|dd|dw)\b", re.I)
_SECTION_RE = re.compile(r"^[ \t]*\.section[ \t]+([\w.$]+)")
_INCLUDE_RE = re.compile(r'^[ \t]*[.#](?:include|INCLUDE)[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)')
_COMMENT_TAIL_RE = re.compile(r"\s*(?:;|@|//|/\*).*$")


def parse_asm(cf: CodeFile, text: str) -> None:
    symbols: list[Symbol] = []
    macros: dict[str, Macro] = {}
    pending: list[tuple[Symbol, str]] = []
    for name, params, body, inc, l0, l1 in scan_directives(text):
        if name is not None:
            value = clean_value(body)
            sym = Symbol(kind="macro", name=name, start_line=l0, end_line=l1, value=value[:1000])
            if params is not None:
                sym.signature = f"{name}{params}"
            else:
                macros.setdefault(name, Macro(value))
                pending.append((sym, value))
            symbols.append(sym)
    functions: set[str] = set()
    thumb_next = False
    section = ""
    lines = text.split("\n")
    labels: list[tuple[Symbol, int]] = []
    for i, line in enumerate(lines):
        if not line or line.lstrip().startswith(("#define", "# define", "//", ";", "@", "*")):
            if line.lstrip().startswith("#define"):
                continue
            if not line.strip() or not line.lstrip().startswith("#"):
                continue
        n = i + 1
        m = _INCLUDE_RE.match(line)
        if m:
            if line.lstrip().startswith("."):  # '#include' lines were read by the directive scan
                cf.includes.append(m.group(1) or m.group(2))
            continue
        m = _TYPE_FUNC_RE.match(line)
        if m:
            functions.add(m.group(1) or m.group(2))
            continue
        if _THUMB_FUNC_RE.match(line):
            thumb_next = True
            continue
        m = _SECTION_RE.match(line)
        if m:
            section = m.group(1)
            continue
        m = _MACRO_RE.match(line)
        if m:
            args = _COMMENT_TAIL_RE.sub("", m.group(2)).strip()
            symbols.append(Symbol(kind="macro", name=m.group(1), start_line=n, end_line=n,
                                  signature=f"{m.group(1)} {args}".strip()))
            continue
        m = _EQU_RE.match(line) or _ASSIGN_RE.match(line)
        if m:
            value = _COMMENT_TAIL_RE.sub("", m.group(2)).strip()
            sym = Symbol(kind="macro", name=m.group(1), start_line=n, end_line=n, value=value[:1000])
            macros.setdefault(m.group(1), Macro(value))
            pending.append((sym, value))
            symbols.append(sym)
            continue
        m = _DEF_RE.match(line)
        if m:
            symbols.append(Symbol(kind="macro", name=m.group(1), start_line=n, end_line=n, value=m.group(2),
                                  type="register_alias"))
            continue
        m = _LABEL_RE.match(line)
        if m:
            name = m.group(1)
            if name.startswith(".L"):
                continue
            kind = "function" if thumb_next else "label"
            thumb_next = False
            sym = Symbol(kind=kind, name=name, start_line=n, end_line=n)
            if section in (".isr_vector", ".vectors", ".vector_table", ".isr_vectors", ".intvecs"):
                sym.role = "vector_table"
            symbols.append(sym)
            labels.append((sym, i))
    for sym, i in labels:
        if sym.name in functions:
            sym.kind = "function"
        if sym.role is None:
            words = 0
            for line in lines[i + 1:i + 12]:
                if _WORD_RE.match(line):
                    words += 1
                elif line.strip() and not line.lstrip().startswith(("/*", "*", "//", "@", ";", "#")):
                    break
            if words >= 4:
                sym.role = "vector_table"
    ev = Evaluator(macros)
    for sym, value in pending:
        # AVR/TI assemblers write hex as $FF or 0FFh: normalise to C before evaluating
        v = re.sub(r"\$([0-9A-Fa-f]+)\b", r"0x\1", value)
        v = re.sub(r"\b([0-9][0-9A-Fa-f]*)[hH]\b", r"0x\1", v)
        r = ev.value(v)
        if r is not None:
            sym.int_value = to_int64(r.value)
    symbols.sort(key=lambda s: (s.start_line, s.end_line))
    cf.symbols = symbols
