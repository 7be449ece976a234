"""Validation: each datasheet section's status, as SpecMap's four labels, with its coverage.

* a section with registers (its own, or registers its text names) is ``implemented`` when at
  least ``IMPLEMENTED`` of them are linked, ``partial`` when some are, ``not_implemented`` when
  none are;
* a section whose title says it is about the part's physical or commercial side (electrical
  characteristics, package, ordering, revision history …) is ``not_applicable``;
* any other section is judged by its distinctive words: the share of them that the best matching
  file spells (as identifier sub-tokens) gives the same three labels, with lower thresholds,
  because prose names far fewer code words than a register table.
"""

from __future__ import annotations

import re

IMPLEMENTED = 0.75
TERMS_IMPLEMENTED = 0.5
TERMS_PARTIAL = 0.25

_NOT_APPLICABLE = re.compile(
    r"electrical|characteristic|absolute maximum|maximum rating|package|packaging|mechanical|dimension|"
    r"ordering|order(ing)? information|revision|history|disclaimer|legal|trademark|contact|marking|soldering|"
    r"reflow|footprint|land pattern|pin ?out|pin (configuration|description|assignment)|thermal|esd|"
    r"environmental|table of contents|contents|document|glossary|abbreviation|related|reference|"
    r"typical (application|performance)|application (circuit|information|note)|layout|certification|"
    r"important notice|warranty|tape|reel|storage|handling|moisture|features|general description|overview|"
    r"introduction|product summary|block diagram|specification",
    re.IGNORECASE)


def not_applicable(title: str) -> bool:
    return bool(_NOT_APPLICABLE.search(title or ""))


def register_status(n_regs: int, n_linked: int) -> tuple[str, float, str]:
    cov = n_linked / n_regs if n_regs else 0.0
    if n_linked == 0:
        return "not_implemented", 0.0, f"none of {n_regs} registers has a symbol in the code"
    if cov >= IMPLEMENTED:
        return "implemented", round(cov, 4), f"{n_linked}/{n_regs} registers linked"
    return "partial", round(cov, 4), f"{n_linked}/{n_regs} registers linked"


def terms_status(title: str, n_terms: int, n_found: int) -> tuple[str, float, str]:
    if not_applicable(title):
        return "not_applicable", 0.0, "title names a non-functional section"
    if n_terms == 0:
        return "not_applicable", 0.0, "no registers and no distinctive terms"
    cov = n_found / n_terms
    if cov >= TERMS_IMPLEMENTED:
        return "implemented", round(cov, 4), f"{n_found}/{n_terms} distinctive terms found in the code"
    if cov >= TERMS_PARTIAL:
        return "partial", round(cov, 4), f"{n_found}/{n_terms} distinctive terms found in the code"
    return "not_implemented", round(cov, 4), f"{n_found}/{n_terms} distinctive terms found in the code"
