"""Transposed command tables: one column per command, one row per attribute.

Serial-flash datasheets often print their command set sideways::

    Command      READ            FAST READ          BE 32K
                 (normal read)   (fast read data)   (block erase 32KB)
    1st byte     03 (hex)        0B (hex)           52 (hex)
    2nd byte     ADD1(8)         ADD1(8)            ADD1
    Action       n bytes read…   …                  to erase …

The code row (``1st byte``, ``Op code``, ``Command code``) is found by its left label and a run of
hex codes; each code's column is the span between the midpoints to its neighbours; the command
row above it (left label ``Command`` / ``Instruction``, its cells centred on that label's line)
names each column: the cell's text before its first parenthesis (the mnemonic; the
parenthesised rest is a description). ``60 or C7`` and ``75/B0`` are two codes of one command.
Pure: words in, registers out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firmcorpus.parsers.pdf_layout import Line, Word

_CODE_LABEL = re.compile(r"^(?:1st|first)\s+byte$|^(?:op|command|instruction)\s*-?\s*code(?:\s*\(hex\))?$", re.I)
_NAME_LABEL = re.compile(r"^(?:commands?|instructions?)\b", re.I)
_CODE = re.compile(r"^(?:0x)?([0-9A-F]{2})[hH]?$")
_HEX_MARK = re.compile(r"^\(?hex\)?$", re.I)
MIN_COLUMNS = 3


@dataclass
class TransposedCommand:
    name: str
    code: int
    x: float


@dataclass
class TransposedTable:
    commands: list[TransposedCommand]
    bbox: tuple[float, float, float, float]


def _code_cells(words: list[Word]) -> list[tuple[float, float, list[int]]] | None:
    """The code cells of a code row right of its label: (x0, x1, codes) each; ``60 or C7`` and
    ``75/B0`` are one cell with two codes. None when a word is neither a code nor a joiner."""
    cells: list[tuple[float, float, list[int]]] = []
    join = False
    for w in words:
        t = w[4]
        if _HEX_MARK.match(t):
            if cells:
                cells[-1] = (cells[-1][0], w[2], cells[-1][2])
            continue
        if t.lower() == "or" and cells:
            join = True
            continue
        parts = t.split("/")
        codes = [m.group(1) for m in (_CODE.match(p) for p in parts) if m]
        if not parts or len(codes) != len(parts):
            return None
        values = [int(c, 16) for c in codes]
        if join:
            x0, _x1, prev = cells[-1]
            cells[-1] = (x0, w[2], prev + values)
            join = False
        else:
            cells.append((w[0], w[2], values))
    return cells


def _label_split(line: Line, pattern: re.Pattern) -> tuple[str, list[Word]] | None:
    """The left label of a row (its first one to three words) when it matches ``pattern``,
    and the words right of it."""
    ws = line.words
    for k in (3, 2, 1):
        if len(ws) > k and pattern.match(" ".join(w[4] for w in ws[:k])):
            return " ".join(w[4] for w in ws[:k]), ws[k:]
    return None


def transposed_tables(lines: list[Line]) -> list[TransposedTable]:
    """Transposed command tables on one page (usually none)."""
    out: list[TransposedTable] = []
    for i, line in enumerate(lines):
        split = _label_split(line, _CODE_LABEL)
        if split is None:
            continue
        cells = _code_cells(split[1])
        if cells is None or len(cells) < MIN_COLUMNS:
            continue
        label_x1 = split[1][0][0] if split[1] else line.x0
        centres = [(a + b) / 2 for a, b, _c in cells]
        bounds = [(centres[0] - (centres[1] - centres[0]) / 2)]
        bounds += [(a + b) / 2 for a, b in zip(centres, centres[1:])]
        bounds.append(centres[-1] + (centres[-1] - centres[-2]) / 2)
        # the command row: nearest line above with a "Command" label at the left margin
        head = None
        for j in range(i - 1, max(-1, i - 12), -1):
            w0 = lines[j].words[0]
            if w0[2] < bounds[0] and _NAME_LABEL.match(w0[4]):
                head = j
                break
            if w0[2] < bounds[0] and j < i - 1 and not re.match(r"^\(", w0[4]):
                break  # another row's label: no command row right above
        if head is None:
            continue
        # its cells are centred on the label's line: the band reaches as far above it as below
        below = line.top - lines[head].y
        top = lines[head].y - below
        for j in range(head - 1, -1, -1):
            w0 = lines[j].words[0]
            if lines[j].y < top:
                break
            if w0[2] < bounds[0]:  # a row label or heading above: the band stops below it
                top = max(top, lines[j].bottom)
                break
        band = [w for ln in lines[:i] if top <= ln.y < line.top for w in ln.words if (w[0] + w[2]) / 2 >= bounds[0]]
        cmds: list[TransposedCommand] = []
        for k, (x0, x1, codes) in enumerate(cells):
            ws = sorted((w for w in band if bounds[k] <= (w[0] + w[2]) / 2 < bounds[k + 1]),
                        key=lambda w: (round(w[1]), w[0]))
            text = " ".join(w[4] for w in ws)
            name = re.sub(r"\s+", " ", text.split("(")[0]).strip(" ,;:")
            if not name or not re.match(r"[A-Za-z0-9]", name) or len(name) > 30:
                continue
            for c in codes:
                cmds.append(TransposedCommand(name, c, centres[k]))
        if len(cmds) >= MIN_COLUMNS and len({c.name for c in cmds}) >= 0.7 * len({c.x for c in cmds}):
            x_left = min(label_x1, lines[head].x0)
            out.append(TransposedTable(cmds, (x_left, top, bounds[-1], line.bottom)))
    return out
