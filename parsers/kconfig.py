"""Kconfig files → ``config``/``menuconfig`` entries (``macro`` symbols named as written, ``type`` the
entry kind, ``value`` its type and prompt line), ``menu``/``choice`` blocks (``node``), and
``source``/``rsource``/``osource`` files as includes. A line scanner: Kconfig is line-based."""

from __future__ import annotations

import re

from firmcorpus.parsers.models import CodeFile, Symbol

_ENTRY_RE = re.compile(r"^[ \t]*(config|menuconfig)[ \t]+(\w+)", re.M)
_MENU_RE = re.compile(r'^[ \t]*(menu|choice)\b[ \t]*(?:"([^"\n]*)"|(\w+))?', re.M)
_SOURCE_RE = re.compile(r'^[ \t]*(?:source|rsource|osource|orsource)[ \t]+"([^"\n]+)"', re.M)
_TYPE_RE = re.compile(r"^[ \t]*(bool|tristate|string|hex|int|def_bool|def_tristate)\b[ \t]*([^\n]*)", re.M)


def parse_kconfig(cf: CodeFile, text: str) -> None:
    symbols: list[Symbol] = []
    starts = [(m.start(), m) for m in _ENTRY_RE.finditer(text)]
    for idx, (pos, m) in enumerate(starts):
        line = text.count("\n", 0, pos) + 1
        end = starts[idx + 1][0] if idx + 1 < len(starts) else len(text)
        block = text[m.end():end]
        t = _TYPE_RE.search(block)
        end_line = line + block.rstrip().count("\n")
        symbols.append(Symbol(kind="macro", name=m.group(2), start_line=line, end_line=end_line, type=m.group(1),
                              value=(t.group(1) + " " + t.group(2)).strip()[:300] if t else None))
    for m in _MENU_RE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        symbols.append(Symbol(kind="node", name=m.group(2) or m.group(3) or m.group(1), start_line=line,
                              end_line=line, type=m.group(1)))
    cf.includes.extend(m.group(1) for m in _SOURCE_RE.finditer(text))
    symbols.sort(key=lambda s: (s.start_line, s.end_line))
    cf.symbols = symbols
