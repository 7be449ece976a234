"""Shared record types: the one module every top-level folder may import.

The dataclasses mirror the JSON contracts of ``docs/contracts.md`` (``Datasheet``, ``CodeFile``);
``to_dict()`` gives exactly the contract JSON (keys may be added, never renamed).
Parsers return these; mapping, corpus and catalog only pass them along.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class ParseError(Exception):
    """Input that cannot be parsed at all (the pipeline turns it into a recorded drop)."""

    reason = "unparseable"


class EncryptedPDFError(ParseError):
    reason = "encrypted_pdf"


class NotAPDFError(ParseError):
    reason = "not_a_pdf"


def hex_str(value: int | None) -> str | None:
    """Contract form of an address/reset: lower-case ``0x`` hex, or None."""
    return None if value is None else f"0x{value:x}"


# --------------------------------------------------------------------------- datasheets


@dataclass
class Field:
    name: str
    bits: str  # "n" or "msb:lsb"
    access: str | None = None
    reset: str | None = None
    description: str = ""


@dataclass
class Register:
    name: str
    address: str | None  # "0x.." lower-case
    peripheral: str | None = None
    address_kind: str = "absolute"  # "absolute" | "offset"
    width_bits: int | None = None
    reset: str | None = None
    access: str | None = None
    description: str = ""
    page: int | None = None
    section_id: str | None = None
    fields: list[Field] = field(default_factory=list)
    # added by the PDF reader (optional): how sure the reader is (0-1) and where the row came
    # from ("p12.t2": page 12, second table read there; "p12.h": a heading)
    confidence: float | None = None
    table: str | None = None


@dataclass
class Peripheral:
    name: str
    base_address: str | None = None
    description: str = ""


@dataclass
class Section:
    id: str
    title: str
    level: int
    page_start: int
    page_end: int
    text: str = ""


@dataclass
class Datasheet:
    source: str
    pages: int
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    peripherals: list[Peripheral] = field(default_factory=list)
    registers: list[Register] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not with_text:
            for s in d["sections"]:
                s.pop("text", None)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Datasheet":
        return cls(
            source=d["source"],
            pages=d["pages"],
            title=d.get("title", ""),
            sections=[Section(**s) for s in d.get("sections", [])],
            peripherals=[Peripheral(**p) for p in d.get("peripherals", [])],
            registers=[
                Register(**{**r, "fields": [Field(**f) for f in r.get("fields", [])]})
                for r in d.get("registers", [])
            ],
            warnings=list(d.get("warnings", [])),
        )


# --------------------------------------------------------------------------- code

LANGUAGES = ("c", "cpp", "asm", "devicetree", "kconfig", "linker", "other")
SYMBOL_KINDS = ("function", "macro", "struct", "union", "enum", "enumerator", "typedef", "field", "variable",
                "label", "node")


@dataclass
class Symbol:
    kind: str  # one of SYMBOL_KINDS
    name: str
    start_line: int
    end_line: int
    value: str | None = None  # raw text of a macro/enumerator value
    parent: str | None = None  # struct of a field, enum of an enumerator
    signature: str | None = None  # functions, function-like macros
    int_value: int | None = None  # value evaluated to an integer when constant (addresses, offsets, bits)
    offset: int | None = None  # byte offset of a field inside its overlay struct
    # added by the code parser (append-only):
    type: str | None = None  # struct type of a field / instance macro, declared type of a variable, sfr kind
    size: int | None = None  # byte size of a field (arrays included) or of a struct
    role: str | None = None  # register | instance | base | bit | overlay (see parsers/code.py)


@dataclass
class CodeFile:
    path: str  # relative to the repository root, '/' separated
    language: str  # one of LANGUAGES
    symbols: list[Symbol] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # generated, vendored, binary, non_utf8, minified, ...
    parse_errors: int = 0
    size_bytes: int = 0
    angle_includes: list[str] = field(default_factory=list)  # the subset of includes written <...>

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CodeFile":
        return cls(**{**d, "symbols": [Symbol(**s) for s in d.get("symbols", [])]})
