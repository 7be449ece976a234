"""Manufacturer normalisation: raw manifest spellings → one canonical company.

The table lives in ``manufacturers.yaml`` beside this module (data, not code). A raw
name resolves through its *key* (case-folded, punctuation collapsed, trailing legal
suffixes such as "Inc." or "N.V." removed), so "STMicroelectronics N.V." and
"STMicroelectronics" meet without listing every variant. Acquired companies are
*brands* of their owner: "Atmel" → canonical "Microchip Technology", brand "Atmel",
parent "Microchip Technology". Unknown names pass through unchanged (``known=False``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

TABLE_FILE = "manufacturers.yaml"


@dataclass(frozen=True)
class ManufacturerName:
    canonical: str  # the company the corpus groups by
    raw: str  # the spelling found in the manifest
    parent: str | None = None  # the owner, when ``raw`` names an acquired brand
    brand: str | None = None  # the acquired brand/product line the raw name refers to
    known: bool = True  # False: not in the table, passed through unchanged

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ManufacturerTableError(ValueError):
    """The canonical table itself is inconsistent (two entries claim the same spelling)."""


_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_PAREN = re.compile(r"\(([^()]*)\)")


def _words(text: str) -> list[str]:
    return [w for w in _PUNCT.split(text.casefold().replace("&", " and ")) if w]


class ManufacturerTable:
    """Alias lookup built from the YAML table; use :func:`default_table` for the shipped one."""

    def __init__(self, data: dict[str, Any], source: str = "<dict>"):
        self.source = source
        self.legal_suffixes = frozenset(s.casefold() for s in data.get("legal_suffixes", []))
        self.canonical_names: list[str] = []
        # key -> (canonical, brand or None)
        self._index: dict[str, tuple[str, str | None]] = {}
        for entry in data.get("manufacturers", []):
            canonical = str(entry["canonical"]).strip()
            self.canonical_names.append(canonical)
            for name in [canonical, *(entry.get("aliases") or [])]:
                self._add(str(name), canonical, None)
            for brand in (entry.get("brands") or []):
                bname = str(brand["brand"]).strip()
                for name in [bname, *(brand.get("aliases") or [])]:
                    self._add(str(name), canonical, bname)

    def key(self, name: str) -> str:
        """Matching key: case-folded words without trailing legal suffixes."""
        words = _words(name)
        while len(words) > 1 and words[-1] in self.legal_suffixes:
            words.pop()
        return " ".join(words)

    def _add(self, name: str, canonical: str, brand: str | None) -> None:
        k = self.key(name)
        if not k:
            raise ManufacturerTableError(f"{self.source}: empty spelling under {canonical!r}")
        old = self._index.get(k)
        if old is not None and old != (canonical, brand):
            raise ManufacturerTableError(
                f"{self.source}: spelling {name!r} (key {k!r}) is claimed by both {old} and {(canonical, brand)}; "
                "keep it under one entry"
            )
        self._index[k] = (canonical, brand)

    def _candidates(self, raw: str) -> Iterable[str]:
        yield raw
        inner = _PAREN.findall(raw)
        if inner:
            yield _PAREN.sub(" ", raw)  # "Texas Instruments (TI)" -> "Texas Instruments"
            yield from inner  # -> "TI"

    def lookup(self, raw: str) -> ManufacturerName:
        raw = "" if raw is None else str(raw)
        text = " ".join(raw.split())
        for cand in self._candidates(text):
            hit = self._index.get(self.key(cand))
            if hit is not None:
                canonical, brand = hit
                return ManufacturerName(canonical=canonical, raw=raw, parent=canonical if brand else None,
                                        brand=brand, known=True)
        return ManufacturerName(canonical=text, raw=raw, known=False)

    def __len__(self) -> int:
        return len(self.canonical_names)


def load_table(path: str | Path) -> ManufacturerTable:
    path = Path(path)
    return ManufacturerTable(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, source=str(path))


@functools.lru_cache(maxsize=1)
def default_table() -> ManufacturerTable:
    text = resources.files(__package__).joinpath(TABLE_FILE).read_text(encoding="utf-8")
    return ManufacturerTable(yaml.safe_load(text) or {}, source=TABLE_FILE)


def canonical_manufacturer(raw: str, table: ManufacturerTable | None = None) -> ManufacturerName:
    """Resolve a raw manufacturer name; unknown names come back unchanged with ``known=False``."""
    return (table or default_table()).lookup(raw)
