"""``map_pair``: the hierarchical mapping of one datasheet onto one repository.

repository → folders (roles, part-number pruning, lexical profiles; ``repo.py``)
→ files (BM25 + link evidence; ``files.py``) → symbols (register/field links, functions that use
them; ``symbols.py``) → per-section status (``validate.py``). Deterministic: same inputs, same
result (every ranking breaks ties by path/line/name).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from typing import Any, Mapping, Sequence

from firmcorpus.parsers.models import CodeFile, Datasheet

from . import validate
from .files import BM25, STOPWORDS, file_tokens, query_tokens, symbol_usage
from .models import STATUSES, FileScore, FolderInfo, MappingResult, SectionStatus, SymbolRef
from .ranges import expand_ranges, folded_byte_halves, rows_of_members
from .repo import SECONDARY_ROLES, folder_of, folder_role, part_numbers, prune
from .symbols import FAMILY_MIN_LINKS, link_fields, link_registers, trailing_comments

SYNTHETIC_SECTION = "registers"
MAX_FILES_PER_SECTION = 8
MAX_SYMBOLS_PER_SECTION = 40


def _assign_sections(ds: Datasheet) -> list[tuple[str, str, int, list[int]]]:
    """(section_id, title, level, register indices) in datasheet order; registers with no
    section go to their peripheral's synthetic section or to one ``registers`` section."""
    ids = {s.id: s for s in ds.sections}
    by_sec: dict[str, list[int]] = defaultdict(list)
    synthetic: dict[str, str] = {}
    for i, r in enumerate(ds.registers):
        sid = r.section_id if r.section_id in ids else None
        if sid is None and r.page is not None:
            covering = [s for s in ds.sections if s.page_start <= r.page <= s.page_end]
            if covering:
                sid = max(covering, key=lambda s: (s.level, s.page_start, -s.page_end)).id
        if sid is None:
            sid = f"{r.peripheral}" if r.peripheral else SYNTHETIC_SECTION
            synthetic[sid] = f"{r.peripheral} registers" if r.peripheral else "Register map"
        by_sec[sid].append(i)
    out = [(s.id, s.title, s.level, by_sec.get(s.id, [])) for s in ds.sections]
    for sid in sorted(synthetic):
        out.append((sid, synthetic[sid], 1, by_sec[sid]))
    return out


_WORD = re.compile(r"[A-Za-z][A-Za-z]{3,}")


def _mentioned(ds: Datasheet) -> dict[str, set[int]]:
    """Registers each section's text names (names specific enough to be found in prose:
    with ``_`` or digits, or all capitals of four letters or more)."""
    names = {}
    for i, r in enumerate(ds.registers):
        n = r.name.strip()
        if len(n) >= 3 and (("_" in n) or any(c.isdigit() for c in n) or (n.isupper() and len(n) >= 4)):
            names.setdefault(n, []).append(i)
    if not names:
        return {}
    pat = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w])")
    out: dict[str, set[int]] = {}
    for s in ds.sections:
        if s.text:
            hit = {i for m in pat.finditer(s.text) for i in names[m.group(1)]}
            if hit:
                out[s.id] = hit
    return out


def _distinctive_terms(ds: Datasheet, top: int = 15) -> dict[str, list[str]]:
    docs = {s.id: [w.lower() for w in _WORD.findall(s.text or "") if w.lower() not in STOPWORDS] for s in ds.sections}
    df: Counter[str] = Counter()
    for ws in docs.values():
        df.update(set(ws))
    n = max(1, len(docs))
    out = {}
    for sid, ws in docs.items():
        tf = Counter(ws)
        scored = sorted(tf.items(), key=lambda kv: (-(kv[1] * math.log(1 + n / df[kv[0]])), kv[0]))
        out[sid] = [w for w, _ in scored[:top]]
    return out


def secondary_copies_dropped(links: list) -> list:
    """A register linked in the implementation is not linked again in a test, example or doc
    file (a test's own copy of the register enum)."""
    secondary = {lk.file for lk in links if folder_role(folder_of(lk.file)) in SECONDARY_ROLES}
    if not secondary:
        return links
    primary = {(lk.peripheral, lk.register) for lk in links if lk.file not in secondary}
    # a secondary file most of whose registers the implementation names is a copy of its map: its
    # other links (registers the implementation spells beyond recognition) are copies too
    regs_of: dict[str, set] = {}
    for lk in links:
        if lk.file in secondary:
            regs_of.setdefault(lk.file, set()).add((lk.peripheral, lk.register))
    copies = {f for f, regs in regs_of.items() if len(regs) >= 2 and 2 * len(regs & primary) >= len(regs)}
    return [lk for lk in links if lk.file not in secondary
            or (lk.file not in copies and (lk.peripheral, lk.register) not in primary)]


def weaker_elsewhere_dropped(links: list, margin: float = 0.1) -> list:
    """A register linked by a near-exact name in one file is not linked again, in another file, by a
    symbol that only shares part of its name (``PART_CMD_RESET``, a command opcode whose value
    happens to be the RESET register's address, beside ``RESET_REG``)."""
    best: dict[tuple, tuple[float, str]] = {}
    for lk in links:
        key = (lk.peripheral, lk.register)
        if key not in best or lk.score > best[key][0]:
            best[key] = (lk.score, lk.file)
    return [lk for lk in links
            if not ((b := best[(lk.peripheral, lk.register)])[0] >= 0.95 and lk.file != b[1]
                    and lk.score < b[0] - margin)]


def stray_file_dropped(links: list, few: int = 2, ratio: int = 4) -> list:
    """A file that links at most ``few`` registers, each of them also linked in a file that carries
    ``ratio`` times as many links, is another part's map that shares a few register names and
    addresses with ours (a sibling sensor's ``PADS_DEVICE_ID_REG 0x0F`` beside our
    ``ITDS_DEVICE_ID_REG 0x0F``): its links go."""
    per_file: dict[str, set] = defaultdict(set)
    for lk in links:
        per_file[lk.file].add((lk.peripheral, lk.register))
    files_of: dict[tuple, set[str]] = defaultdict(set)
    for f, regs in per_file.items():
        for key in regs:
            files_of[key].add(f)
    stray = {f for f, regs in per_file.items() if len(regs) <= few
             and all(any(len(per_file[g]) >= max(ratio * len(regs), FAMILY_MIN_LINKS) for g in files_of[key] - {f})
                     for key in regs)}
    return [lk for lk in links if lk.file not in stray]


def map_pair(datasheet: Datasheet, files: Sequence[CodeFile], texts: Mapping[str, str] | None = None,
             **options: Any) -> MappingResult:
    """Map a datasheet onto a repository's parsed files.

    ``texts`` (path → file text) lets the mapping read comments, find part-number mentions and
    the functions that use linked symbols; without it only symbol names are used.
    Options: ``parts`` (part numbers, default: read from the datasheet), ``max_folders``,
    ``rerank`` (a ``rerank.Reranker`` for ambiguous sections; off by default)."""
    t0 = time.perf_counter()
    texts = texts or {}
    parts = list(options.get("parts") or part_numbers(datasheet))
    # a row named by a numbered range (``calib25...calib00``) stands for its members
    expanded, members = expand_ranges(datasheet)
    code_files = [f for f in files if "binary" not in f.flags]
    cands, profiles, part_score = prune(datasheet, code_files, texts, parts, options.get("max_folders", 12))
    t_prune = time.perf_counter()

    links = folded_byte_halves(stray_file_dropped(weaker_elsewhere_dropped(secondary_copies_dropped(
        link_registers(expanded, cands, parts, code_files, members,
                       comments=trailing_comments(cands, texts))))), members)
    links = rows_of_members(links, members)
    field_links = link_fields(datasheet, cands, links, parts)
    t_link = time.perf_counter()

    # files → tokens for BM25 (only the pruned candidates)
    bm = BM25({f.path: file_tokens(f, texts.get(f.path)) for f in cands})
    file_tokset = {p: set(tf) for p, tf in bm.tf.items()}
    usage = symbol_usage(cands, texts, {lk.symbol.split(".")[-1] for lk in links})
    role_w = {f.path: (0.5 if folder_role(folder_of(f.path)) in SECONDARY_ROLES else 1.0) for f in cands}

    regs = datasheet.registers
    links_by_reg: dict[int, list] = defaultdict(list)
    reg_index = {(r.peripheral, r.name): i for i, r in enumerate(regs)}
    for lk in links:
        links_by_reg[reg_index[(lk.peripheral, lk.register)]].append(lk)
    mentioned = _mentioned(datasheet)
    terms = _distinctive_terms(datasheet)
    parts_q = query_tokens(parts)

    sections: list[SectionStatus] = []
    for sid, title, _level, own in _assign_sections(datasheet):
        # a non-functional section (electrical characteristics, ordering ...) that merely names
        # registers in its prose does not take them over
        named = mentioned.get(sid, set()) if own or not validate.not_applicable(title) else set()
        reg_ids = sorted(set(own) | named)
        sec_links = [lk for i in reg_ids for lk in links_by_reg.get(i, [])]
        linked = sorted({regs[i].name for i in reg_ids if links_by_reg.get(i)})
        # file scores: share of the section's registers a file carries, then BM25 of the query
        carry: dict[str, set[int]] = defaultdict(set)
        for i in reg_ids:
            for lk in links_by_reg.get(i, []):
                carry[lk.file].add(i)
        q = query_tokens([title] + [regs[i].name for i in reg_ids] + terms.get(sid, [])[:10]) + parts_q
        bm_scores = bm.scores(q) if q else {}
        top_bm = max(bm_scores.values(), default=0.0) or 1.0
        sym_names = {lk.symbol.split(".")[-1] for lk in sec_links}
        users: dict[str, float] = defaultdict(float)
        funcs: list[SymbolRef] = []
        if sym_names:
            for (path, fn, line), used in usage.items():
                share = len(used & sym_names) / len(sym_names)
                if share:
                    users[path] = max(users[path], share)
                    funcs.append(SymbolRef(fn, "function", path, line, round(min(0.99, 0.3 + 0.7 * share), 4)))
        fscore: dict[str, float] = {}
        for path in set(carry) | set(users) | {p for p, s in bm_scores.items() if s > 0}:
            link_share = len(carry.get(path, ())) / max(1, len(reg_ids))
            s = 0.6 * link_share + 0.15 * users.get(path, 0.0) + 0.25 * bm_scores.get(path, 0.0) / top_bm
            fscore[path] = round(s * role_w.get(path, 1.0), 4)
        if reg_ids:
            keep = [p for p in fscore if p in carry or p in users]
        else:
            keep = [p for p, s in fscore.items() if s >= 0.15]
        files_ranked = sorted(keep, key=lambda p: (-fscore[p], p))[:MAX_FILES_PER_SECTION]
        # carrying files are always listed, whatever their rank
        files_ranked += sorted((p for p in carry if p not in files_ranked), key=lambda p: (-fscore[p], p))
        folders = sorted({folder_of(p) for p in files_ranked})
        symbols = [SymbolRef(lk.symbol, lk.kind, lk.file, lk.line, lk.score) for lk in sec_links]
        symbols += sorted(funcs, key=lambda s: (-s.score, s.file, s.line))
        symbols = symbols[:MAX_SYMBOLS_PER_SECTION]

        if reg_ids:
            status, cov, reason = validate.register_status(len(reg_ids), len(linked))
        else:
            tset = terms.get(sid, [])
            best = files_ranked[0] if files_ranked else None
            found = sum(1 for t in tset if best and t in file_tokset.get(best, ()))
            status, cov, reason = validate.terms_status(title, len(tset), found)
            if status == "not_applicable":
                files_ranked, folders, symbols = [], [], []
        sections.append(SectionStatus(
            section_id=sid, title=title, status=status, folders=folders,
            files=[FileScore(p, fscore.get(p, 0.0)) for p in files_ranked], symbols=symbols,
            registers=[regs[i].name for i in reg_ids], linked=linked, coverage=cov, reason=reason))

    reranker = options.get("rerank")
    if reranker is not None:
        sections = reranker.rerank(datasheet, sections, texts)

    t_end = time.perf_counter()
    status_counts = Counter(s.status for s in sections)
    linked_regs = {(lk.peripheral, lk.register) for lk in links}
    metrics = {
        "registers": len(regs),
        "linked": len(linked_regs),
        "links": len(links),
        "field_links": len(field_links),
        "fields": sum(len(r.fields) for r in regs),
        "files": len(code_files),
        "candidate_files": len(cands),
        "part_numbers": parts,
        "sections": len(sections),
        "status": {k: status_counts.get(k, 0) for k in STATUSES},
        "seconds": round(t_end - t0, 4),
        "seconds_prune": round(t_prune - t0, 4),
        "seconds_link": round(t_link - t_prune, 4),
    }
    folders = [FolderInfo(p.path, p.role, p.score, len(p.files)) for p in profiles[:50]]
    return MappingResult(sections=sections, links=links, field_links=field_links, folders=folders, metrics=metrics)

