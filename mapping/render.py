"""Readable outputs of a mapping: the per-pair markdown report and the *mapping documents*.

A mapping document is one datasheet section followed by the code that implements it — the
register definitions that carry its registers and the functions that use them, each with its
``file:line`` — i.e. the spec-aware training text Spark builds from SpecMap's mapping.
Output is deterministic (sections in datasheet order, code in link/function order).
"""

from __future__ import annotations

from typing import Mapping

from firmcorpus.parsers.models import Datasheet

from .models import MappingResult, SectionStatus

MAX_SECTION_CHARS = 6000  # datasheet text kept per section
MAX_FUNCTION_LINES = 80  # lines of one function body
MAX_CODE_LINES = 400  # code lines per section
MAX_FUNCTIONS = 6


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
    datasheet text and register table, then the code implementing it."""
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
        text = _section_text(datasheet, sec.section_id)
        if text:
            parts += [text[:MAX_SECTION_CHARS], ""]
        if sec.registers:
            regs = {r.name: r for r in datasheet.registers}
            parts.append("Registers:")
            for name in sec.registers:
                r = regs.get(name)
                if r is None:
                    continue
                fields = ", ".join(f"{f.name}[{f.bits}]" for f in r.fields)
                parts.append(f"- {name} at {r.address or '?'}" + (f" ({r.width_bits}-bit)" if r.width_bits else "")
                             + (f": {fields}" if fields else ""))
            parts.append("")
        parts.append("Implementation:")
        for header, code in blocks:
            parts += ["", f"// {header}", code]
        docs.append((sec.section_id, "\n".join(parts).rstrip() + "\n"))
    return docs
