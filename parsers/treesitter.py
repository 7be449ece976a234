"""tree-sitter for the code parser: one cached parser per language, and parsing a file without
the preprocessor lines the directive scan has already read (``included_ranges``)."""

from __future__ import annotations

from functools import lru_cache

import tree_sitter as ts
import tree_sitter_c
import tree_sitter_cpp
import tree_sitter_devicetree

_GRAMMARS = {"c": tree_sitter_c, "cpp": tree_sitter_cpp, "devicetree": tree_sitter_devicetree}
LANGUAGES = tuple(_GRAMMARS)


@lru_cache(maxsize=None)
def get_parser(language: str) -> ts.Parser:
    """The parser of ``language`` (c, cpp or devicetree; anything else parses as C)."""
    return ts.Parser(ts.Language(_GRAMMARS.get(language, tree_sitter_c).language()))


@lru_cache(maxsize=None)
def ranged_parser(language: str):
    """A second parser per language for ``parse_outside`` (which sets ``included_ranges``), so
    the plain one keeps parsing whole documents."""
    return ts.Parser(get_parser(language).language)


def outside_ranges(src: bytes, skips: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int, int, int]]:
    """The included ranges of ``parse_outside`` as (start row, start column, end row, end column,
    start byte, end byte): the text between the directive lines ``skips``."""
    ranges = []
    pos = row = 0
    for l0, l1, start, end in skips:
        if start > pos:
            ranges.append((row, 0, l0 - 1, 0, pos, start))
        pos = end + 1  # past the directive's newline: the next range starts at column 0
        row = l1
    if pos < len(src):
        last_nl = src.rfind(b"\n")
        ranges.append((row, 0, row + src.count(b"\n", pos), len(src) - last_nl - 1 if last_nl >= pos else len(src) - pos,
                       pos, len(src)))
    return ranges


def parse_outside(language: str, src: bytes, skips: list[tuple[int, int, int, int]]):
    """Parse ``src`` without the directive lines ``skips`` ((start line, end line, start offset,
    end offset) as ``_directives`` finds them in the same text, ASCII so character offsets are
    byte offsets), through tree-sitter's ``included_ranges``: node offsets and line numbers stay
    those of ``src``. The directive scanner has already read these lines; a header of register
    ``#define``s then costs tree-sitter about a quarter less."""
    ranges = [ts.Range((r0, c0), (r1, c1), b0, b1) for r0, c0, r1, c1, b0, b1 in outside_ranges(src, skips)]
    if not ranges:
        return get_parser(language).parse(src)
    ranged = ranged_parser(language)
    ranged.included_ranges = ranges
    return ranged.parse(src)


def ts_parse(language: str, data: bytes):
    """A bare tree-sitter parse (what the benchmark compares against)."""
    return get_parser(language).parse(data)


def count_errors(root) -> int:
    """ERROR and MISSING nodes, counted without visiting every node (subtrees without errors are skipped)."""
    if not root.has_error:
        return 0
    n = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            n += 1
        for c in node.children:
            if c.has_error or c.is_missing:
                stack.append(c)
    return n
