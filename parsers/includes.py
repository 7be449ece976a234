"""The include graph of one repository, and an include-respecting file order.

``include_graph(files, include_dirs)`` maps each repo file to the repo files it includes.
An include is resolved, in this order, against

1. the including file's folder (quoted includes only, as a C preprocessor does),
2. the repository's include folders: ``include_dirs`` when given, else every folder named
   ``include``/``inc``/``Inc``/``Include``/``includes``/``api``/``headers`` plus the root,
3. a unique path suffix among the repo's files (``#include "hal/uart.h"`` with ``-I src``
   flags we cannot see): used only when exactly one repo file ends with the include path.

Angle includes (``<stdint.h>``) go through steps 2–3 too, so a repo's own copy of a header is
found when the repo has one; system headers it does not have stay unresolved.
``resolve_includes`` gives the per-include detail (for the catalog's ``includes`` table) and
``include_order`` a deterministic order with included files before their includers;
``resolve_macro_values`` evaluates macros whose values need macros of included files.
"""

from __future__ import annotations

import hashlib
import heapq
import posixpath
from typing import AbstractSet as Set
from typing import Iterable, Mapping, Sequence

from firmcorpus.parsers.cexpr import Evaluator, Macro
from firmcorpus.parsers.code import macro_role  # role logic shared with parse_code
from firmcorpus.parsers.models import CodeFile

INCLUDE_DIR_NAMES = frozenset(("include", "inc", "Inc", "Include", "includes", "api", "headers", "Headers"))


def default_include_dirs(paths: Sequence[str]) -> list[str]:
    """The repo's include folders when none are given: conventional names, then the root."""
    dirs = set()
    for p in paths:
        parts = p.split("/")[:-1]
        for i, part in enumerate(parts):
            if part in INCLUDE_DIR_NAMES:
                dirs.add("/".join(parts[: i + 1]))
    return sorted(dirs, key=lambda d: (d.count("/"), d)) + [""]


def _norm(path: str) -> str | None:
    p = posixpath.normpath(path)
    if p.startswith("../") or p == ".." or p.startswith("/"):
        return None
    return "" if p == "." else p


def suffix_index(paths: Iterable[str]) -> dict[str, list[str]]:
    """File name → the repository paths with that name (for resolving includes by suffix)."""
    idx: dict[str, list[str]] = {}
    for p in paths:
        idx.setdefault(p.rsplit("/", 1)[-1], []).append(p)
    return idx



def resolve_include(inc: str, from_path: str, by_name: Mapping[str, Sequence[str]], paths: Set[str]) -> str | None:
    """Repository path one ``#include`` names, without include directories: relative to the
    including file first, then any file whose path ends with the include
    (``linux/iio/common/st_sensors.h`` under ``include/``); of several such files the one sharing
    the longest path prefix with the includer. ``by_name`` is ``suffix_index(paths)``."""
    inc = inc.strip().strip('"<>').replace("\\", "/")
    if not inc:
        return None
    local = _norm(posixpath.join(posixpath.dirname(from_path), inc))
    if local is not None and local in paths and local != from_path:
        return local
    tail = inc.lstrip("./") if inc.startswith("./") else inc
    hits = sorted(p for p in by_name.get(posixpath.basename(tail), ()) if (p == tail or p.endswith("/" + tail))
                  and p != from_path)
    if len(hits) == 1:
        return hits[0]
    if hits:
        return min(hits, key=lambda p: (-len(posixpath.commonprefix([p, from_path])), p))
    return None


def resolve_includes(files: Mapping[str, CodeFile], include_dirs: Sequence[str] = ()
                     ) -> dict[str, list[tuple[str, str | None]]]:
    """For each file, ``[(include as written, resolved repo path or None), …]`` in file order."""
    paths = set(files)
    dirs = [d.strip("/") for d in include_dirs] if include_dirs else default_include_dirs(sorted(paths))
    by_name = suffix_index(sorted(paths))
    out: dict[str, list[tuple[str, str | None]]] = {}
    for path in sorted(files):
        cf = files[path]
        angle = set(cf.angle_includes or ())
        here = posixpath.dirname(path)
        rows = []
        for inc in cf.includes:
            inc_n = inc.replace("\\", "/")
            found = None
            cands = [] if inc in angle else [posixpath.join(here, inc_n)]
            cands += [posixpath.join(d, inc_n) if d else inc_n for d in dirs]
            for c in cands:
                n = _norm(c)
                if n is not None and n in paths and n != path:
                    found = n
                    break
            if found is None:
                tail = inc_n.lstrip("./")
                hits = [p for p in by_name.get(tail.rsplit("/", 1)[-1], ()) if (p == tail or p.endswith("/" + tail))
                        and p != path]
                if len(hits) == 1:
                    found = hits[0]
            rows.append((inc, found))
        out[path] = rows
    return out


def include_graph(files: Mapping[str, CodeFile], include_dirs: Sequence[str] = ()) -> dict[str, list[str]]:
    """Edges from each repo file to the repo files it includes (first-include order, no duplicates)."""
    graph: dict[str, list[str]] = {}
    for path, rows in resolve_includes(files, include_dirs).items():
        seen: list[str] = []
        for _, r in rows:
            if r is not None and r not in seen:
                seen.append(r)
        graph[path] = seen
    return graph


def include_order(graph: Mapping[str, Sequence[str]], paths: Sequence[str] | None = None, seed: int = 0) -> list[str]:
    """Every file exactly once, included files before the files that include them when possible.

    DeepSeek-Coder's recipe: repeatedly emit the file with the fewest not-yet-emitted includes
    (minimum in-degree first), so an include cycle is broken at its least-dependent member
    instead of losing files. Ties go to the file more others include (headers), then to a
    seeded rank: deterministic for a seed.
    """
    nodes = sorted(set(paths) if paths is not None else set(graph))
    allowed = set(nodes)
    deps = {f: {d for d in graph.get(f, ()) if d in allowed and d != f} for f in nodes}
    remaining = {f: len(deps[f]) for f in nodes}
    dependents: dict[str, list[str]] = {f: [] for f in nodes}
    for f in nodes:
        for d in sorted(deps[f]):
            dependents[d].append(f)

    def rank(f: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{seed}:{f}".encode()).digest()[:8], "big")

    key = {f: (-len(dependents[f]), rank(f)) for f in nodes}
    heap = [(remaining[f], *key[f], f) for f in nodes]
    heapq.heapify(heap)
    done: set[str] = set()
    order: list[str] = []
    while heap:
        deg, _, _, f = heapq.heappop(heap)
        if f in done or deg != remaining[f]:
            continue  # stale heap entry
        done.add(f)
        order.append(f)
        for g in dependents[f]:
            if g not in done:
                remaining[g] -= 1
                heapq.heappush(heap, (remaining[g], *key[g], g))
    return order


def _closure(graph: Mapping[str, Sequence[str]], start: str) -> list[str]:
    """Files reachable from ``start`` through includes, nearest first (breadth-first), without start."""
    seen = {start}
    order: list[str] = []
    frontier = list(graph.get(start, ()))
    while frontier:
        nxt = []
        for f in frontier:
            if f not in seen:
                seen.add(f)
                order.append(f)
                nxt.extend(graph.get(f, ()))
        frontier = nxt
    return order


def resolve_macro_values(files: Mapping[str, CodeFile], graph: Mapping[str, Sequence[str]] | None = None) -> int:
    """Evaluate macros whose value depends on macros of included repo files; returns how many resolved.

    ``parse_code`` sees one file: ``#define USART1_BASE (APB2PERIPH_BASE + 0x1000UL)`` stays
    None when ``APB2PERIPH_BASE`` lives in an included header. Here each file's unresolved
    object-like macros are evaluated again against its own macros, then those of the files it
    includes (transitively, nearest first), and their ``int_value``/``role``/``type`` are set as
    ``parse_code`` would. Symbols are updated in place.
    """

    if graph is None:
        graph = include_graph(files)
    tables: dict[str, dict[str, Macro]] = {}

    def table(path: str) -> dict[str, Macro]:
        t = tables.get(path)
        if t is None:
            t = {}
            for s in files[path].symbols:
                if s.kind == "macro" and s.value is not None and s.name not in t:
                    params = None
                    if s.signature and s.signature.startswith(s.name + "("):
                        params = tuple(p.strip() for p in s.signature[len(s.name) + 1:-1].split(",") if p.strip())
                    t[s.name] = Macro(s.value, params)
                elif s.kind == "enumerator" and s.int_value is not None:
                    t.setdefault(s.name, Macro(str(s.int_value)))
            tables[path] = t
        return t

    resolved = 0
    for path in sorted(files):
        todo = [s for s in files[path].symbols
                if s.kind == "macro" and s.int_value is None and s.value and s.signature is None]
        if not todo or not graph.get(path):
            continue
        env: dict[str, Macro] = {}
        for p in [path] + _closure(graph, path):
            for k, m in table(p).items():
                env.setdefault(k, m)
        ev = Evaluator(env)
        for s in todo:
            v = ev.value(s.value)
            if v is None or not (-(1 << 63) <= v.value < (1 << 63)):
                continue
            s.int_value = v.value
            s.role, s.type = macro_role(s.name, s.value, v)
            resolved += 1
    return resolved
