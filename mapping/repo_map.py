"""Map one datasheet onto one repository folder, and score that against truth files.

Loading a repository is two passes: every source file's text is read (cheap), then
``mapping.repo.prefilter`` keeps the files that name the datasheet's part number, their driver
siblings and the headers they include, and only those are parsed. A whole kernel tree therefore
maps in about the time it takes to read it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from firmcorpus.core.errors import UserError
from firmcorpus.mapping.constants import language_of, parse_constants
from firmcorpus.mapping.core import map_pair
from firmcorpus.mapping.metrics import evaluate, load_truth, micro
from firmcorpus.mapping.models import MappingResult
from firmcorpus.mapping.repo import part_numbers, prefilter
from firmcorpus.parsers.datasheet import load_datasheet
from firmcorpus.parsers.includes import resolve_macro_values
from firmcorpus.parsers.models import Datasheet, ParseError
from firmcorpus.parsers.tree import MAX_FILE_BYTES, SKIP_DIRS, Progress, parse_selected, read_texts

# `#define __RW volatile  /* read-write */`: an object-like macro that is nothing but type qualifiers,
# a register struct's access tag (`__RW uint32_t CFG;`). The code parser knows the common tags; one
# it does not know reads as a type and swallows the member's name, so the repository's own
# definition is spelt out at each use before the parse (lines stay where they are).
_QUALIFIER_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(_\w+)[ \t]+((?:volatile|const)(?:[ \t]+(?:volatile|const))*)"
                               r"[ \t]*(?:/\*.*?\*/[ \t]*|//.*)?$", re.M)
_QUALIFIER_HINT = re.compile(r"define[ \t]+_\w+[ \t]+(?:volatile|const)\b")  # a literal scan first


def qualifier_macros(texts: Mapping[str, str]) -> dict[str, str]:
    """The repository's qualifier-only macros: name → qualifiers (spelling out one the code parser
    already blanks, ``__IO``, changes nothing: it reads ``volatile`` the same way)."""
    found: dict[str, str] = {}
    for text in texts.values():
        if _QUALIFIER_HINT.search(text):
            for m in _QUALIFIER_DEFINE.finditer(text):
                found.setdefault(m.group(1), m.group(2))
    return found


def spell_qualifiers(text: str, quals: Mapping[str, str], pattern: re.Pattern[str]) -> str:
    """``text`` with each use of a qualifier macro replaced by its qualifiers (definitions left alone)."""
    out = []
    for line in text.splitlines(keepends=True):
        if pattern.search(line) and not line.lstrip().startswith("#"):
            line = pattern.sub(lambda m: quals[m.group(0)], line)
        out.append(line)
    return "".join(out)


def read_repo(root: str | os.PathLike, progress: Progress | None = None) -> dict[str, str]:
    """Texts of a repository for the mapping: every file the code parser reads, plus the
    Python/Rust/C# sources whose constants ``mapping.constants`` reads (symbolic links, files over
    the parser's size limit and binary files left out; nothing outside ``root`` is read)."""
    texts = read_texts(root, progress)
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if language_of(name) is None or p.is_symlink():
                continue
            try:
                if not p.is_file() or p.stat().st_size > MAX_FILE_BYTES:
                    continue
                data = p.read_bytes()
            except OSError:
                continue
            if b"\0" not in data[:8192]:
                texts[p.relative_to(root).as_posix()] = data.decode("utf-8", "replace")
    return dict(sorted(texts.items()))


def open_datasheet(path: str | os.PathLike) -> Datasheet:
    """A PDF or CMSIS-SVD datasheet the user named; a missing or unreadable file is a ``UserError``."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path}: no such file; give a PDF datasheet or a CMSIS-SVD file")
    try:
        return load_datasheet(p)
    except ParseError as e:
        raise UserError(f"{e} — give a PDF datasheet or a CMSIS-SVD (.svd/.xml) file") from e


def map_repo(datasheet: Datasheet, texts: dict[str, str], progress: Progress | None = None,
             **options: Any) -> tuple[MappingResult, dict[str, Any]]:
    """Prefilter, parse the kept files, map. Returns (MappingResult, timing dict)."""
    t0 = time.perf_counter()
    parts = part_numbers(datasheet)
    selected = prefilter(datasheet, texts, parts)
    t1 = time.perf_counter()
    keep = [p for p in texts if selected is None or p in selected]
    c_texts = {p: texts[p] for p in keep if language_of(p) is None}
    quals = qualifier_macros(texts)
    if quals:
        used = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(quals, key=len, reverse=True))) + r")\b")
        c_texts = {p: spell_qualifiers(t, quals, used) if used.search(t) else t for p, t in c_texts.items()}
    files = parse_selected(c_texts, None, progress)
    files += [parse_constants(p, texts[p]) for p in keep if language_of(p) is not None]
    # macros whose value needs a macro of an included header (``#define MR (IO_BASE + ...)``)
    resolve_macro_values({f.path: f for f in files if f.language in ("c", "cpp")})
    t2 = time.perf_counter()
    sub_texts = {f.path: texts[f.path] for f in files}
    res = map_pair(datasheet, files, sub_texts, parts=parts, **options)
    t3 = time.perf_counter()
    res.metrics["repo_files"] = len(texts)
    timing = {"prefilter_s": round(t1 - t0, 3), "parse_s": round(t2 - t1, 3), "map_s": round(t3 - t2, 3),
              "parsed_files": len(files)}
    res.metrics.update(timing)
    return res, timing


def map_folder(datasheet: str | os.PathLike, repo: str | os.PathLike,
               progress: Progress | None = None) -> tuple[MappingResult, Datasheet, dict[str, str]]:
    """``firmcorpus map``: the mapping of a datasheet file onto a repository folder."""
    if not Path(repo).is_dir():
        raise UserError(f"{repo}: not a folder; give the repository's root folder")
    ds = open_datasheet(datasheet)
    texts = read_repo(repo, progress)
    res, _ = map_repo(ds, texts, progress)
    return res, ds, texts


def evaluate_truths(truth: str | os.PathLike, repo: str | os.PathLike,
                    progress: Progress | None = None) -> dict[str, Any]:
    """``firmcorpus map-eval``: link precision/recall and file accuracy against truth files (one JSON or
    a folder of them); each truth's datasheet is the PDF its ``datasheet.file`` names beside it."""
    truth = Path(truth)
    truths = sorted(truth.glob("*.json")) if truth.is_dir() else [truth]
    if not truths or not truths[0].is_file():
        raise UserError(f"{truth}: no *.json truth files there")
    texts = read_repo(repo, progress)
    rows = []
    for tp in truths:
        t = load_truth(tp)
        pdf = tp.parent / t.get("datasheet", {}).get("file", tp.with_suffix(".pdf").name)
        res, timing = map_repo(open_datasheet(pdf), texts)
        e = evaluate(res, t)
        e.update(pair_id=t.get("pair_id", tp.stem),
                 seconds=round(sum(v for k, v in timing.items() if k.endswith("_s")), 3))
        rows.append(e)
    return {"pairs": rows, "micro": micro(rows)}
