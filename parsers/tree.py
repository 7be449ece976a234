"""A folder of code: which files the code parser has a language for, their texts, and the parsed
``CodeFile``s with their include graph (what ``firmcorpus code DIR`` prints).

Progress is reported through an optional ``progress(done, total)`` callback, so this layer stays
free of any terminal library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from firmcorpus.core.errors import UserError
from firmcorpus.parsers.code import detect_language, parse_code
from firmcorpus.parsers.includes import include_graph
from firmcorpus.parsers.models import CodeFile

SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"))
MAX_FILE_BYTES = 2_000_000

Progress = Callable[[int, int], None]
T = TypeVar("T")


def _tracked(items: list[T], progress: Progress | None) -> Iterable[T]:
    for i, item in enumerate(items):
        yield item
        if progress:
            progress(i + 1, len(items))


def code_files(root: str | os.PathLike) -> list[Path]:
    """Files of a tree that the code parser has a language for, sorted (deterministic output)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in sorted(filenames):
            p = Path(dirpath) / f
            if detect_language(f) != "other" and p.is_file():
                out.append(p)
    return sorted(out)


def read_texts(root: str | os.PathLike, progress: Progress | None = None) -> dict[str, str]:
    """Texts of every file of ``root`` the code parser has a language for (relative '/' paths,
    sorted, files over 2 MB and binary files left out)."""
    root = Path(root)
    texts: dict[str, str] = {}
    for p in _tracked(code_files(root), progress):
        try:
            if p.stat().st_size > MAX_FILE_BYTES:
                continue
            data = p.read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        texts[p.relative_to(root).as_posix()] = data.decode("utf-8", "replace")
    return dict(sorted(texts.items()))


def parse_selected(texts: dict[str, str], selected: set[str] | None,
                   progress: Progress | None = None) -> list[CodeFile]:
    """``CodeFile``s of the selected paths (all when ``selected`` is None)."""
    paths = [p for p in texts if selected is None or p in selected]
    return [parse_code(p, texts[p].encode("utf-8", "surrogatepass")) for p in _tracked(paths, progress)]


def inspect_code(path: str | os.PathLike, kind: str | None = None, progress: Progress | None = None) -> dict:
    """The ``--json`` object: one CodeFile dict for a file; ``{"root", "files", "include_graph"}``
    for a directory (paths relative to it). ``kind`` keeps only symbols of that kind."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{path} does not exist: give a source file or a folder of sources")

    def keep(cf: CodeFile) -> CodeFile:
        if kind:
            cf.symbols = [s for s in cf.symbols if s.kind == kind]
        return cf

    if p.is_file():
        return keep(parse_code(p.name, p.read_bytes())).to_dict()
    parsed = {}
    for f in _tracked(code_files(p), progress):
        rel = f.relative_to(p).as_posix()
        parsed[rel] = parse_code(rel, f.read_bytes())
    graph = include_graph(parsed)
    return {"root": str(p), "files": [keep(cf).to_dict() for cf in parsed.values()],
            "include_graph": {k: v for k, v in graph.items() if v}}
