"""Record types of a mapping: links, per-section status, and the whole result.

``MappingResult.to_dict()`` is the **Mapping** contract of docs/contracts.md (``sections`` with
status/folders/files/symbols, ``links`` with score and evidence, ``metrics``); extra keys
(``field_links``, ``folders``, section ``coverage``/``registers``) are additions, never renames.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("implemented", "partial", "not_implemented", "not_applicable")


@dataclass
class Link:
    """A datasheet register carried by a code symbol (a macro whose value is its address, an
    overlay-struct field at its offset, an enumerator ...)."""

    register: str
    peripheral: str | None
    symbol: str
    file: str
    line: int
    score: float
    evidence: list[str] = field(default_factory=list)
    kind: str = "macro"  # the symbol's kind
    address: str | None = None  # the register's address as the datasheet prints it
    section_id: str | None = None


@dataclass
class FieldLink:
    """A register bit field carried by a bit/mask/shift macro."""

    register: str
    field: str
    bits: str
    symbol: str
    file: str
    line: int
    score: float
    evidence: list[str] = field(default_factory=list)
    peripheral: str | None = None


@dataclass
class FileScore:
    path: str
    score: float


@dataclass
class SymbolRef:
    name: str
    kind: str
    file: str
    line: int
    score: float


@dataclass
class SectionStatus:
    section_id: str
    title: str
    status: str  # one of STATUSES
    folders: list[str] = field(default_factory=list)
    files: list[FileScore] = field(default_factory=list)
    symbols: list[SymbolRef] = field(default_factory=list)
    registers: list[str] = field(default_factory=list)  # registers of (or named in) the section
    linked: list[str] = field(default_factory=list)  # those with at least one link
    coverage: float = 0.0  # share of registers linked (terms found for register-less sections)
    reason: str = ""  # why this status, in words


@dataclass
class FolderInfo:
    path: str
    role: str
    score: float
    files: int


@dataclass
class MappingResult:
    sections: list[SectionStatus] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    field_links: list[FieldLink] = field(default_factory=list)
    folders: list[FolderInfo] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sections": [asdict(s) for s in self.sections],
            "links": [asdict(lk) for lk in self.links],
            "field_links": [asdict(f) for f in self.field_links],
            "folders": [asdict(f) for f in self.folders],
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MappingResult":
        return cls(
            sections=[SectionStatus(**{**s, "files": [FileScore(**f) for f in s.get("files", [])],
                                       "symbols": [SymbolRef(**y) for y in s.get("symbols", [])]})
                      for s in d.get("sections", [])],
            links=[Link(**lk) for lk in d.get("links", [])],
            field_links=[FieldLink(**f) for f in d.get("field_links", [])],
            folders=[FolderInfo(**f) for f in d.get("folders", [])],
            metrics=dict(d.get("metrics", {})),
        )
