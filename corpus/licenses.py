"""Licence detection (SPDX identifiers) and the corpus licence policy; pure functions.

``detect_license(text)`` reads an ``SPDX-License-Identifier`` tag when the file has one, and
otherwise recognises the licence texts that embedded code carries in its header (GPL/LGPL by
version, BSD 2/3-clause, MIT, Apache-2.0, ISC, Zlib, vendor licences such as ST's SLA0044
and Nordic's 5-clause). ``detect_license_file`` does the same on a LICENSE/COPYING file.

``LicensePolicy`` decides whether a document may enter the corpus: an allow-list of SPDX ids
(an ``OR`` expression passes if any side passes, ``AND`` if all do), an explicit deny-list,
what to do with files whose licence is unknown, and per-manufacturer overrides, so a vendor
EULA (e.g. ``LicenseRef-ST-SLA0044``) can be accepted for that vendor's own pairs only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SPDX_TAG_RE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-: ()]+?)\s*(?:\*/|-->|$)", re.M)

# (SPDX id, pattern over normalised lower-case text); first match wins, so specific texts
# (LGPL, "version 3") come before general ones.
_TEXT_RULES: list[tuple[str, re.Pattern]] = [
    (spdx, re.compile(pat)) for spdx, pat in [
        ("LicenseRef-ST-SLA0044", r"sla0044|ultimate liberty"),
        ("LicenseRef-ST-SLA0048", r"sla0048"),
        ("LicenseRef-Nordic-5-Clause", r"nordic semiconductor asa.{0,400}?(?:five|5)[- ]clause|"
                                         r"this software, with or without modification, must only be used with a nordic"),
        ("LicenseRef-Microchip", r"microchip (?:technology inc\. )?(?:and its subsidiaries )?\(?\"?microchip\"?\)? licenses to you"),
        ("LGPL-2.1-or-later", r"gnu lesser general public license.{0,200}?version 2\.1.{0,120}?any later version"),
        ("LGPL-2.1-only", r"gnu lesser general public license.{0,200}?version 2\.1"),
        ("LGPL-3.0-or-later", r"gnu lesser general public license.{0,200}?version 3"),
        ("LGPL-2.0-or-later", r"gnu (?:library|lesser) general public license"),
        ("GPL-3.0-or-later", r"gnu general public license.{0,200}?version 3.{0,120}?any later version"),
        ("GPL-3.0-only", r"gnu general public license.{0,200}?version 3"),
        ("GPL-2.0-or-later", r"gnu general public license.{0,200}?version 2.{0,120}?any later version"),
        ("GPL-2.0-only", r"gnu general public license.{0,200}?version 2"),
        ("GPL-2.0-only", r"gnu general public license"),
        ("Apache-2.0", r"licensed under the apache license,? version 2\.0|apache license,? version 2\.0"),
        ("MPL-2.0", r"mozilla public license,? v(?:ersion)?\.? ?2\.0"),
        ("EPL-2.0", r"eclipse public license.{0,40}?2\.0"),
        ("EPL-1.0", r"eclipse public license"),
        ("BSL-1.0", r"boost software license"),
        ("Zlib", r"this software is provided 'as-is', without any express or implied warranty"),
        ("ISC", r"permission to use, copy, modify, and(?:/or)? distribute this software for any purpose"),
        ("MIT", r"permission is hereby granted, free of charge, to any person obtaining a copy"),
        ("BSD-4-Clause", r"all advertising materials mentioning features or use of this software"),
        ("BSD-3-Clause", r"redistribution and use in source and binary forms.{0,1500}?neither the name"),
        ("BSD-3-Clause", r"redistribution and use in source and binary forms.{0,1500}?(?:may|must) not be used to endorse"),
        ("BSD-2-Clause", r"redistribution and use in source and binary forms"),
        ("Unlicense", r"this is free and unencumbered software released into the public domain"),
        ("CC0-1.0", r"cc0 1\.0|creative commons zero"),
        ("LicenseRef-public-domain", r"(?:placed|released|is) in(?:to)? the public domain"),
        ("LicenseRef-proprietary", r"proprietary and confidential|strictly confidential|"
                                    r"unauthori[sz]ed copying of this file.{0,40}?strictly prohibited"),
    ]
]

# how far into a file a licence header is looked for (headers sit at the top)
HEADER_CHARS = 6000


def _normalise(text: str) -> str:
    # comment decoration (*, //, #, ;) and line breaks split licence sentences; remove them
    text = re.sub(r"(?m)^\s*(?:/\*+|\*+/?|//+|#+|;+|--|!)", " ", text)
    return re.sub(r"\s+", " ", text).lower()


def _clean_spdx(expr: str) -> str:
    # WITH binds tighter than AND, AND tighter than OR: the parentheses embedded headers
    # use ("(GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause") carry no information.
    return re.sub(r"\s+", " ", expr.replace("(", " ").replace(")", " ")).strip()


def detect_license(text: str, header_chars: int = HEADER_CHARS) -> str | None:
    """SPDX id (or expression) of a source file from its header; None when nothing is recognised."""
    head = text[:header_chars]
    m = SPDX_TAG_RE.search(head)
    if m:
        return _clean_spdx(m.group(1))
    norm = _normalise(head)
    for spdx, pattern in _TEXT_RULES:
        if pattern.search(norm):
            return spdx
    return None


def detect_license_file(text: str) -> str | None:
    """SPDX id of a LICENSE / COPYING file (the whole text is read)."""
    return detect_license(text, header_chars=len(text))


def split_expression(expr: str) -> tuple[str, list[str]]:
    """('OR'|'AND'|'ONE', ids) of a flat SPDX expression; WITH exceptions keep their base id."""
    expr = re.sub(r"\s+WITH\s+\S+", "", expr.replace("(", " ").replace(")", " "))
    # operators are whitespace-delimited words: the "or" of "GPL-2.0-or-later" is not one
    if re.search(r"(?<!\S)OR(?!\S)", expr, re.I):
        return "OR", [p.strip() for p in re.split(r"(?<!\S)OR(?!\S)", expr, flags=re.I) if p.strip()]
    if re.search(r"(?<!\S)AND(?!\S)", expr, re.I):
        return "AND", [p.strip() for p in re.split(r"(?<!\S)AND(?!\S)", expr, flags=re.I) if p.strip()]
    return "ONE", [expr.strip()]


# Open-source licences the corpus accepts by default: permissive ones plus the copyleft ones
# the embedded world is written under (Linux, U-Boot, newlib...). The Stack kept permissive
# only; a stricter build passes its own allow-list.
DEFAULT_ALLOW = (
    "MIT", "MIT-0", "ISC", "Zlib", "BSL-1.0", "Unlicense", "CC0-1.0", "0BSD", "Apache-2.0",
    "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause",
    "X11", "NCSA", "PSF-2.0", "Python-2.0", "MPL-2.0", "EPL-1.0", "EPL-2.0", "Libpng", "curl", "HPND",
    "GPL-1.0-or-later", "GPL-2.0", "GPL-2.0+", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0+",
    "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.0", "LGPL-2.0+", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1",
    "LGPL-2.1+", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "LicenseRef-public-domain", "Linux-syscall-note",
)
DEFAULT_DENY = ("LicenseRef-proprietary",)
# Vendor EULAs that allow use with the vendor's own devices: accepted for that vendor's pairs
# (canonical names of data_catalog/manufacturers.yaml), refused for a copy inside another
# vendor's repository.
DEFAULT_MANUFACTURER_OVERRIDES = {
    "STMicroelectronics": ["LicenseRef-ST-SLA0044", "LicenseRef-ST-SLA0048"],
    "Nordic Semiconductor": ["LicenseRef-Nordic-5-Clause"],
    "Microchip Technology": ["LicenseRef-Microchip"],
}


@dataclass
class LicensePolicy:
    """Which licences enter the corpus.

    Args:
        allow: SPDX ids accepted for every manufacturer.
        deny: ids always refused (wins over ``allow`` and overrides).
        unknown: ``"keep"`` (default: most embedded files carry only the repo's licence) or
            ``"drop"`` for files where neither the file nor the pair has a licence.
        manufacturer_overrides: canonical manufacturer -> extra SPDX ids accepted for that
            manufacturer's own pairs (vendor EULAs such as ``LicenseRef-ST-SLA0044``); default
            ``DEFAULT_MANUFACTURER_OVERRIDES`` (ST, Nordic, Microchip EULAs for their own pairs).
    """

    allow: tuple[str, ...] = DEFAULT_ALLOW
    deny: tuple[str, ...] = DEFAULT_DENY
    unknown: str = "keep"
    manufacturer_overrides: dict[str, list[str]] = field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_MANUFACTURER_OVERRIDES.items()})

    def __post_init__(self):
        if self.unknown not in ("keep", "drop"):
            raise ValueError(f"LicensePolicy.unknown must be 'keep' or 'drop', got {self.unknown!r}")
        self._allow = {a.lower() for a in self.allow}
        self._deny = {d.lower() for d in self.deny}
        self._overrides = {m.lower(): {x.lower() for x in ids} for m, ids in self.manufacturer_overrides.items()}

    def _one_allowed(self, spdx: str, manufacturer: str | None) -> bool:
        s = spdx.lower()
        if s in self._deny:
            return False
        if s in self._allow:
            return True
        return bool(manufacturer) and s in self._overrides.get(manufacturer.lower(), set())

    def decide(self, license_id: str | None, manufacturer: str | None = None) -> tuple[bool, str | None]:
        """(keep, reason): reason is ``license_unknown`` / ``license_denied:<id>`` /
        ``license_not_allowed:<id>`` when the document is refused."""
        if not license_id or license_id.upper() in ("NOASSERTION", "NONE", "UNKNOWN"):
            return (True, None) if self.unknown == "keep" else (False, "license_unknown")
        op, ids = split_expression(license_id)
        verdicts = [self._one_allowed(i, manufacturer) for i in ids]
        ok = any(verdicts) if op == "OR" else all(verdicts)
        if ok:
            return True, None
        denied = [i for i in ids if i.lower() in self._deny]
        return False, (f"license_denied:{denied[0]}" if denied else f"license_not_allowed:{license_id}")

    def rank(self, license_id: str | None, manufacturer: str | None = None) -> int:
        """Preference when choosing among exact copies: 0 allowed, 1 unknown, 2 refused."""
        if not license_id:
            return 1
        return 0 if self.decide(license_id, manufacturer)[0] else 2
