"""Hand-written datasheet/code pairs for the mapping idiom tests: a one-page datasheet listing the
given registers, and the links ``map_repo`` finds for it in a few files of code."""

from __future__ import annotations

from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.models import Datasheet, Register


def sheet(regs, title: str) -> Datasheet:
    """``regs``: (name, address) or (name, address, block)."""
    return Datasheet(source="m.pdf", pages=1, title=title,
                     registers=[Register(name=r[0], address=r[1], peripheral=r[2] if len(r) > 2 else None)
                                for r in regs])


def repo_links(texts: dict[str, str], regs, title: str) -> set[tuple[str, str, str, int]]:
    """(register, symbol, file, line) of every link ``map_repo`` makes in ``texts`` (path → source)."""
    res, _ = map_repo(sheet(regs, title), texts)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}
