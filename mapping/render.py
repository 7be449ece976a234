"""Readable outputs of a mapping: the per-pair markdown report and the *mapping documents*.

A mapping document is one datasheet section followed by the code that implements it — the
register definitions that carry its registers and the functions that use them, each with its
``file:line`` — i.e. the spec-aware training text Spark builds from SpecMap's mapping.
Output is deterministic (sections in datasheet order, code in link/function order).
"""

from __future__ import annotations

import re
from typing import Mapping

from firmcorpus.parsers.models import Datasheet

from .models import MappingResult, SectionStatus

MAX_SECTION_CHARS = 6000  # datasheet text kept per section
MAX_FUNCTION_LINES = 80  # lines of one function body
MAX_CODE_LINES = 400  # code lines per section
MAX_FUNCTIONS = 6


_INT_LINE = re.compile(r"\s*(\d{1,2})\s*")
_MIN_LADDER = 8  # "7 6 5 4 3 2 1 0" is the shortest bit-number row of a register diagram


def _ladder_len(lines: list[str], i: int) -> int:
    """Length of the run of descending bit numbers (k, k-1, …) starting at line i; 0 if none."""
    m = _INT_LINE.fullmatch(lines[i])
    if not m:
        return 0
    k, n = int(m.group(1)), 1
    while i + n < len(lines) and (m := _INT_LINE.fullmatch(lines[i + n])) and int(m.group(1)) == k - n:
        n += 1
    return n if n >= _MIN_LADDER else 0


def _is_cell(line: str) -> bool:
    """A bit-diagram cell as PyMuPDF prints it: a field name, an access code, "Res.", a bit number."""
    t = line.strip()
    return len(t) <= 16 and len(t.split()) <= 2


def strip_bit_diagrams(text: str) -> tuple[str, int]:
    """Cut register bit diagrams out of a section's text; returns (text, lines removed).

    A diagram starts at a row of at least 8 descending bit numbers (31..16, 15..0, 7..0), one per
    line, and runs over the short cell lines that follow (field names, ``rw``, ``Res.``, reset
    values, the next bit-number row) up to the first line of prose. When no prose line follows
    within a diagram's plausible size, only the bit-number rows are cut: a table of short values
    is left alone. Ascending runs (pin numbers) are never touched.
    """
    lines = text.split("\n")
    out: list[str] = []
    removed = i = 0
    while i < len(lines):
        n = _ladder_len(lines, i)
        if not n:
            out.append(lines[i])
            i += 1
            continue
        j = i + n
        limit = j + 4 * n + 8  # cells, access codes, resets and a second row, at most
        while j < len(lines) and j < limit and _is_cell(lines[j]):
            j += _ladder_len(lines, j) or 1
        if j >= limit:  # no prose ends it: drop the bit numbers, keep the cells
            removed += n
            i += n
            continue
        removed += j - i
        i = j
    return "\n".join(out), removed


def _cell(value) -> str:
    """A markdown table cell: one line, pipes escaped."""
    text = " ".join(str(value if value is not None else "").split())
    return text.replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list]) -> list[str]:
    """Lines of a markdown table; columns empty in every row are left out."""
    keep = [k for k in range(len(header)) if any(_cell(r[k]) for r in rows)]
    if not keep:
        return []
    out = ["| " + " | ".join(header[k] for k in keep) + " |", "|" + "|".join(" --- " for _ in keep) + "|"]
    out += ["| " + " | ".join(_cell(r[k]) for k in keep) + " |" for r in rows]
    return out


def register_text(r) -> str:
    """One register as training text: a ``Register NAME (PERIPHERAL): …`` line with its address,
    width, reset, access and description, then its bit fields as a markdown table."""
    head = f"Register {r.name}"
    if r.peripheral:
        head += f" ({r.peripheral})"
    parts = []
    if r.address:
        parts.append(f"{'offset' if r.address_kind == 'offset' else 'address'} {r.address}")
    if r.width_bits:
        parts.append(f"{r.width_bits}-bit")
    if r.reset:
        parts.append(f"reset {r.reset}")
    if r.access:
        parts.append(f"access {r.access}")
    line = head + (": " + ", ".join(parts) if parts else "")
    if r.description:
        line += f". {' '.join(r.description.split())}"
    if not r.fields:
        return line
    table = markdown_table(["bits", "field", "access", "reset", "description"],
                           [[f.bits, f.name, f.access, f.reset, f.description] for f in r.fields])
    return "\n".join([line, "", *table])


def register_map_text(registers: list) -> str:
    """A register map as training text: a summary markdown table (when there are several
    registers), then each register with its field table."""
    out = ["Registers", ""]
    if len(registers) > 1:
        out += markdown_table(["register", "peripheral", "address", "width", "reset", "access"],
                              [[r.name, r.peripheral, r.address, f"{r.width_bits}-bit" if r.width_bits else "",
                                r.reset, r.access] for r in registers])
        out.append("")
    out.append("\n\n".join(register_text(r) for r in registers))
    return "\n".join(out)


def _lines(texts: Mapping[str, str], cache: dict[str, list[str]], path: str) -> list[str]:
    if path not in cache:
        cache[path] = (texts.get(path) or "").splitlines()
    return cache[path]


def _section_text(ds: Datasheet, sid: str) -> str:
    for s in ds.sections:
        if s.id == sid:
            return (s.text or "").strip()
    return ""


def _register_rows(ds: Datasheet, sec: SectionStatus, result: MappingResult) -> list[str]:
    by_reg: dict[str, list] = {}
    for lk in result.links:
        by_reg.setdefault(lk.register, []).append(lk)
    regs = {r.name: r for r in ds.registers}
    rows = []
    for name in sec.registers:
        r = regs.get(name)
        addr = r.address if r else ""
        links = by_reg.get(name, [])
        where = "; ".join(f"`{lk.symbol}` ({lk.file}:{lk.line})" for lk in links) or "—"
        rows.append(f"| {name} | {addr or ''} | {where} |")
    return rows


def _code_blocks(sec: SectionStatus, result: MappingResult, texts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(header, code) blocks for a section: linked definitions grouped per file, then the
    functions that use them."""
    cache: dict[str, list[str]] = {}
    names = set(sec.registers)
    defs: dict[str, list[int]] = {}
    for lk in result.links:
        if lk.register in names:
            defs.setdefault(lk.file, []).append(lk.line)
    for fl in result.field_links:
        if fl.register in names:
            defs.setdefault(fl.file, []).append(fl.line)
    blocks: list[tuple[str, str]] = []
    budget = MAX_CODE_LINES
    for path in sorted(defs):
        lines = _lines(texts, cache, path)
        if not lines:
            continue
        wanted = sorted(set(defs[path]))
        out = [f"{lines[n - 1]}" for n in wanted if 0 < n <= len(lines)][:budget]
        budget -= len(out)
        if out:
            blocks.append((f"{path}:{wanted[0]}", "\n".join(out)))
    funcs = [s for s in sec.symbols if s.kind == "function"][:MAX_FUNCTIONS]
    for fn in funcs:
        if budget <= 0:
            break
        lines = _lines(texts, cache, fn.file)
        if not lines:
            continue
        start = fn.line - 1
        end = start
        # the body runs to the first line at column 0 that closes a brace
        while end < len(lines) and end - start < MAX_FUNCTION_LINES:
            if lines[end].startswith("}"):
                break
            end += 1
        body = lines[start:end + 1][:budget]
        budget -= len(body)
        blocks.append((f"{fn.file}:{fn.line} {fn.name}()", "\n".join(body)))
    return blocks


def _lang(path: str) -> str:
    return "c" if path.split(":")[0].endswith((".c", ".h")) else ""


def render_markdown(result: MappingResult, datasheet: Datasheet, texts: Mapping[str, str] | None = None) -> str:
    """The readable mapping of one pair: summary, folders, then per section its status, datasheet
    text, registers and the implementing code with ``file:line``."""
    texts = texts or {}
    m = result.metrics
    out = [f"# Mapping: {datasheet.title or datasheet.source}", ""]
    out.append(f"Datasheet `{datasheet.source}`: {m.get('registers', 0)} registers, {m.get('linked', 0)} linked "
               f"({m.get('links', 0)} links, {m.get('field_links', 0)} field links); part numbers "
               f"{', '.join(m.get('part_numbers', [])) or '—'}; {m.get('candidate_files', 0)} candidate files "
               f"of {m.get('files', 0)}. Section status: "
               + ", ".join(f"{k} {v}" for k, v in m.get("status", {}).items()) + ".")
    out.append("")
    if result.folders:
        out += ["## Folders", "", "| folder | role | score | files |", "| --- | --- | --- | --- |"]
        out += [f"| {f.path} | {f.role} | {f.score} | {f.files} |" for f in result.folders[:20]]
        out.append("")
    for sec in result.sections:
        out.append(f"## {sec.section_id} {sec.title}".rstrip())
        out.append("")
        out.append(f"**{sec.status}** (coverage {sec.coverage:.2f}: {sec.reason})")
        out.append("")
        if sec.status == "not_applicable":
            continue
        text = _section_text(datasheet, sec.section_id)
        if text:
            out += ["> " + line for line in text[:1500].splitlines() if line.strip()]
            out.append("")
        if sec.registers:
            out += ["| register | address | code |", "| --- | --- | --- |"] + _register_rows(datasheet, sec, result)
            out.append("")
        if sec.files:
            out.append("Files: " + ", ".join(f"`{f.path}` ({f.score:.2f})" for f in sec.files))
            out.append("")
        for header, code in _code_blocks(sec, result, texts):
            out += [f"`{header}`", "", f"```{_lang(header)}", code, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def mapping_documents(result: MappingResult, datasheet: Datasheet,
                      texts: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(section_id, text) for every implemented or partial section that has code: the section's
    datasheet text (bit diagrams cut, ``strip_bit_diagrams``), its registers as a markdown table,
    then the code implementing it."""
    texts = texts or {}
    docs = []
    for sec in result.sections:
        if sec.status not in ("implemented", "partial"):
            continue
        blocks = _code_blocks(sec, result, texts)
        if not blocks:
            continue
        parts = [f"Datasheet: {datasheet.title or datasheet.source}",
                 f"Section {sec.section_id}: {sec.title}".rstrip(), ""]
        text, _ = strip_bit_diagrams(_section_text(datasheet, sec.section_id))
        if text.strip():
            parts += [text.strip()[:MAX_SECTION_CHARS], ""]
        if sec.registers:
            regs = {r.name: r for r in datasheet.registers}
            rows = [[name, regs[name].address, f"{regs[name].width_bits}-bit" if regs[name].width_bits else "",
                     ", ".join(f"{f.name} [{f.bits}]" for f in regs[name].fields)]
                    for name in sec.registers if name in regs]
            if rows:
                parts += ["Registers:", "", *markdown_table(["register", "address", "width", "fields"], rows), ""]
        parts.append("Implementation:")
        for header, code in blocks:
            parts += ["", f"// {header}", code]
        docs.append((sec.section_id, "\n".join(parts).rstrip() + "\n"))
    return docs
