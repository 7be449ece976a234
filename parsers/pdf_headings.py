"""Registers (and commands) defined by headings rather than by a summary table.

Some datasheets have no register map: each register or command is a heading followed by its
bit table. This module reads those headings from the plain page text (one regular-expression
pass over lines the first pass already extracted, so it costs nothing per page):

* an identifier with its address token in parentheses or brackets, after an optional long
  name and an optional item number: ``(2) POWER SETTING (PWR) (R01H)``,
  ``PANEL SETTING (PSR) (REGISTER: R00H)``, ``CTRL1 [0x20]``, ``MODE (04h)``;
* an identifier that *is* the address: ``REG0A`` (optionally followed by ``(Read only)``).

More than ``MAX_PER_PAGE`` matches on one page are cells of a table and are skipped. A
family of headings counts only when the document has at least three of them with mostly
distinct addresses (one stray line of prose is not a register map). Table-of-contents lines
(dot leaders, trailing page numbers) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADDR_TOK = r"(?:R(?P<r>[0-9A-F]{2,4})H|0x(?P<x>[0-9A-F]{1,4})|(?P<h>[0-9A-F]{2,4})h)"
_PAREN_HEAD = re.compile(
    r"^\s*(?:\(\d{1,3}\)\s*|\d{1,3}(?:\.\d{1,3})*\.?\s+)?"
    r"(?:(?P<long>[A-Z][A-Za-z0-9 &/,+\-]{2,70}?)\s*\((?P<mn>[A-Z][A-Z0-9_]{1,15}(?:\s*/\s*[A-Z][A-Z0-9_]{1,15})?)\)"
    r"|(?P<id>[A-Z][A-Z0-9_]{1,20}))\s*"
    r"[(\[]\s*(?:(?i:register|address|addr|offset|reg)\s*[:=]?\s*)?" + _ADDR_TOK + r"\s*[)\]]"
    r"(?:\s*[(\[][^()\[\]]{0,30}[)\]])*\s*$")
_REG_NAME = re.compile(r"^\s*(?P<name>REG(?P<a>[0-9A-F]{2}))\b\s*(?:\([^()]{0,20}\))?\s*$")
MAX_PER_PAGE = 6  # headings are sparse; more matches on one page are cells of a table
_TOC = re.compile(r"(\.\s?){4,}|\s\d{1,4}\s*$")


@dataclass
class HeadingRegister:
    name: str
    address: int
    page: int
    long_name: str = ""


def heading_registers(page_text: dict[int, str]) -> list[HeadingRegister]:
    """Registers named by headings, in page order; empty unless a family of headings is found."""
    fam: dict[str, list[HeadingRegister]] = {"paren": [], "regname": []}
    for pno in sorted(page_text):
        mark = {k: len(v) for k, v in fam.items()}
        for line in page_text[pno].splitlines():
            s = line.strip()
            if not s or len(s) > 120 or _TOC.search(s):
                continue
            m = _PAREN_HEAD.match(s)
            if m:
                tok = m.group("r") or m.group("x") or m.group("h")
                name = m.group("mn") or m.group("id")
                name = re.sub(r"\s*/\s*", " / ", name)
                fam["paren"].append(HeadingRegister(name, int(tok, 16), pno, (m.group("long") or "").strip()))
                continue
            m = _REG_NAME.match(s)
            if m:
                fam["regname"].append(HeadingRegister(m.group("name"), int(m.group("a"), 16), pno))
        for k, v in fam.items():
            if len(v) - mark[k] > MAX_PER_PAGE:
                del v[mark[k]:]  # a column of a table (a register map), not headings
    out: list[HeadingRegister] = []
    for regs in fam.values():
        if len(regs) < 3:
            continue
        seen: set[tuple[str, int]] = set()
        uniq = []
        for r in regs:
            if (r.name, r.address) not in seen:
                seen.add((r.name, r.address))
                uniq.append(r)
        if len({r.address for r in uniq}) < 0.7 * len(uniq):
            continue
        out.extend(uniq)
    return out
