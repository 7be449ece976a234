"""2-D register matrices: register names in a grid whose row and column labels add up to the address.

Some datasheets print the register map as a matrix rather than a list: a header row of column
offsets (``0 1 .. F``, ``0x0 .. 0xF``, ``0/8 1/9 .. 7/F``, or high nibbles ``0x 1x .. 7x`` /
``00 10 .. 70``) and a header column of row bases (``F8h F0h ..``, ``0x00 0x10 ..``) or of
low nibbles (``0 1 .. F``); each cell holds a register name, often with its reset value on the
line below. The address of a cell is *row label + column label*.

The reader is structural and cheap (it works on the page's word boxes, no table finder):

1. **column header**: a text line with a run of at least eight labels that step by one
   (offsets or high nibbles) or by 0x10 (``00 10 20 ..``); their x centres are the columns;
2. **row labels**: the lines below it whose first (or last) word, left (right) of the columns,
   parses as a number, with a constant step between consecutive labels;
3. **orientation**: offsets over row bases whose step is the number of columns (or a multiple
   of it) → ``row + column``; high-nibble columns over nibble rows → ``16 * column + row``; a
   0..F by 0..F matrix is decided by the words "high"/"low" (MSB/LSB, upper/lower) printed with
   the header row or the header column, else by which reading puts numbered names
   (``CTRL1``, ``CTRL2``) at consecutive addresses, else ``row = low nibble``;
4. **cells**: the words of a row's label line nearest to each column centre (the reset-value
   lines under it are not names); a cell must read as an identifier.

A bit table whose header happens to be ``0 1 .. 7`` lists consecutive register addresses
(step 1) and is not a matrix. Nothing here names a vendor, a part or a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from firmcorpus.parsers.pdf_layout import Line, Word, group_lines

# column labels: "off" (an offset 0..F: 0, 0h, 0x0, +0, x0, 00..0F), "hi" (a high nibble:
# 0x, 1x, 00, 10 .. F0, 0x00 .. 0xF0), "pair" (0/8 .. 7/F: offset by the row's half)
_OFF = (re.compile(r"^(?:0x|\+|x)?([0-9A-F])h?$", re.I), re.compile(r"^0([0-9A-F])h?$", re.I))
_HI = (re.compile(r"^([0-9A-F])[x_]$", re.I), re.compile(r"^(?:0x)?([0-9A-F])0h?$", re.I))
_PAIR = re.compile(r"^([0-7])\s*/\s*([89A-F])$", re.I)
_ROW = re.compile(r"^(?:0x|x|_)?([0-9A-F]{1,4})(h?)$", re.I)  # "F8h", "0x10", "x3" (a low nibble)
_ROW_HI = re.compile(r"^(?:0x)?([0-9A-F])[x_]$", re.I)  # "3x", "3_": a high nibble
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:[./][A-Za-z0-9_]+)*$")
_NOT_NAME = re.compile(r"^(?:reserved|rsvd|rsv|res|n[/.]?a\.?|none|unused|x+|[-—–]+)$", re.I)
_HIGH_WORD = re.compile(r"\b(?:high|upper|msb|ms\s*nibble|\[?7\s*:\s*4\]?|bits?\s*7\s*[-:]\s*4)\b", re.I)
_LOW_WORD = re.compile(r"\b(?:low|lower|lsb|ls\s*nibble|\[?3\s*:\s*0\]?|bits?\s*3\s*[-:]\s*0)\b", re.I)

MIN_COLS = 8
MIN_HI_COLS = 3  # high-nibble columns ("8x 9x Ax") over at least MIN_NIBBLE_ROWS low-nibble rows
MIN_NIBBLE_ROWS = 8
MIN_ROWS = 3
MIN_NAMES = 4


@dataclass
class MatrixRegister:
    name: str
    address: int
    y: float
    confidence: float = 0.75


@dataclass
class Matrix:
    bbox: tuple[float, float, float, float]
    registers: list[MatrixRegister] = field(default_factory=list)
    orientation: str = ""  # "row+col" | "col_hi+row" | "row_hi+col"


def _col_labels(tok: str) -> dict[str, int]:
    """Every reading of a column label: {kind: value}."""
    out: dict[str, int] = {}
    m = _PAIR.match(tok)
    if m and int(m.group(2), 16) == int(m.group(1), 16) + 8:
        out["pair"] = int(m.group(1), 16)
    for pat in _OFF:
        m = pat.match(tok)
        if m:
            out["off"] = int(m.group(1), 16)
            break
    for pat in _HI:
        m = pat.match(tok)
        if m:
            out["hi"] = int(m.group(1), 16)
            break
    return out


def _header_run(line: Line) -> tuple[str, list[tuple[int, float]]] | None:
    """The longest run of column labels in a line that step by one: (kind, [(value, x)])."""
    best: tuple[str, list[tuple[int, float]]] | None = None
    runs: dict[str, list[tuple[int, float]]] = {"off": [], "hi": [], "pair": []}
    for w in line.words:
        labs = _col_labels(w[4])
        xc = (w[0] + w[2]) / 2
        if not labs:
            continue  # a stray word (a watermark, a corner label) does not break the run
        for kind, run in runs.items():
            v = labs.get(kind)
            if v is None:
                run.clear()
            elif run and v == run[-1][0] + 1:
                run.append((v, xc))
            else:
                run[:] = [(v, xc)]
            # (a few high-nibble columns over a full 0..F column of low nibbles: checked by the rows)
            need = MIN_COLS // 2 if kind == "pair" else MIN_HI_COLS if kind == "hi" else MIN_COLS
            if len(run) >= need and (best is None or len(run) > len(best[1])) and _even(run):
                best = (kind, list(run))
    return best


def _even(run: list[tuple[int, float]]) -> bool:
    """Column labels are evenly spaced (within a third of the median pitch)."""
    gaps = sorted(b[1] - a[1] for a, b in zip(run, run[1:]))
    med = gaps[len(gaps) // 2]
    return med > 0 and all(abs(g - med) <= med / 3 for g in gaps)


def _row_value(tok: str) -> tuple[str, int] | None:
    m = _ROW_HI.match(tok)
    if m:
        return "hi", int(m.group(1), 16)
    m = _ROW.match(tok)
    if m:
        return "num", int(m.group(1), 16)
    return None


def find_matrices(words: list[Word], lines: list[Line] | None = None) -> list[Matrix]:
    """Register matrices on one page (usually none)."""
    if lines is None:
        lines = group_lines(words)
    lines = [Line(_merge_slashes(ln.words)) for ln in lines]
    out: list[Matrix] = []
    for hi_idx, head in enumerate(lines):
        run = _header_run(head)
        if run is None:
            continue
        kind, cols = run
        m = _read_matrix(lines, hi_idx, kind, cols)
        if m is not None:
            out.append(m)
    return out


def _merge_slashes(ws: list[Word]) -> list[Word]:
    """``0 / 8`` or ``0/ 8`` printed as separate words is one label ``0/8``."""
    out: list[Word] = []
    for w in ws:
        if out and (w[4].startswith("/") or out[-1][4].endswith("/")) and w[0] - out[-1][2] < 6:
            p = out.pop()
            w = (p[0], min(p[1], w[1]), w[2], max(p[3], w[3]), p[4] + w[4])
        out.append(w)
    return out


# reset values printed beside a name in its cell ("0000,0000", "xxxx xx00", "00H")
_RESET = re.compile(r"^(?:[01xX?uU_,.\-]{4,}[bB]?|(?=.*\d)[0-9A-F]{2}[hH])$")


def _read_matrix(lines: list[Line], hi_idx: int, kind: str, cols: list[tuple[int, float]]) -> Matrix | None:
    xs = [x for _v, x in cols]
    pitch = (xs[-1] - xs[0]) / max(1, len(xs) - 1)
    left, right = xs[0] - 0.5 * pitch, xs[-1] + 0.5 * pitch
    head = lines[hi_idx]
    # row labels: the first word left of the columns (or the last word right of them)
    rows: list[tuple[int, tuple[str, int]]] = []  # (line index, label)
    label_words: set[Word] = set()
    paired: list[bool] = []  # the row's label is printed left and right of the columns alike
    misses = 0
    for i in range(hi_idx + 1, min(len(lines), hi_idx + 80)):
        ln = lines[i]
        if ln.y - lines[i - 1].y > 4 * pitch + 40:
            break
        lab = lab_r = None
        w0, wl = ln.words[0], ln.words[-1]
        if w0[2] <= xs[0] - 0.2 * pitch:
            lab = _row_value(w0[4].rstrip(":"))
            if lab is not None:
                label_words.add(w0)
        if wl[0] >= xs[-1] + 0.2 * pitch:
            lab_r = _row_value(wl[4].rstrip(":"))
            if lab_r is not None:
                label_words.add(wl)
        both = lab is not None and lab == lab_r
        lab = lab or lab_r
        if lab is None:
            misses += 1
            if misses > 6 and not rows:
                return None
            if misses > 12:
                break
            continue
        misses = 0
        rows.append((i, lab))
        paired.append(both)
    if sum(paired) >= max(MIN_ROWS, 0.6 * len(rows)):
        # row labels printed on both sides: a number on one side only is a margin mark (a
        # revision bar's digit), not a row
        rows = [r for r, both in zip(rows, paired) if both]
    if len(rows) < MIN_ROWS:
        return None
    vals = [lab[1] for _i, lab in rows]
    steps = {b - a for a, b in zip(vals, vals[1:])}
    if len(steps) != 1:
        # a few rows may be missing (an empty row is sometimes left out): common step by gcd
        diffs = [abs(b - a) for a, b in zip(vals, vals[1:])]
        if 0 in diffs or len({1 if d > 0 else -1 for d in (b - a for a, b in zip(vals, vals[1:]))}) != 1:
            return None
        step = min(diffs)
        if any(d % step for d in diffs):
            return None
    else:
        step = abs(next(iter(steps)))
    if step == 0:
        return None
    row_kind = {lab[0] for _i, lab in rows}
    col_vals = [v for v, _x in cols]
    # orientation
    if kind in ("off", "pair") and row_kind == {"num"} and step >= len(cols) and step % len(cols) == 0 \
            and all(v % len(cols) == 0 for v in vals) and max(col_vals) < step:
        orient = "row+col"
    elif kind == "hi" and (row_kind == {"num"} and max(vals) <= 0xF and step == 1) \
            and (len(cols) >= MIN_COLS or len(rows) >= MIN_NIBBLE_ROWS):
        orient = "col_hi+row"
    elif kind == "off" and len(cols) == 16 and row_kind == {"num"} and max(vals) <= 0xF and step == 1 \
            and len(rows) >= 4:
        orient = _nibble_orientation(lines, hi_idx, rows, cols)
    elif kind == "off" and row_kind == {"hi"} and step == 1:
        orient = "row_hi+col"
    else:
        return None
    regs: list[MatrixRegister] = []
    row_lines = {i for i, _lab in rows}
    for i, lab in rows:
        ln = lines[i]
        inner = [w for w in ln.words if left <= (w[0] + w[2]) / 2 <= right and w not in label_words]
        if not any(_NAME.match(w[4]) and not _RESET.match(w[4]) for w in inner):
            # a row label centred beside a two-line cell (name over reset value) or printed on
            # the reset-value line: the names are on the line just above, else just below
            for j in (i - 1, i + 1):
                if hi_idx < j < len(lines) and j not in row_lines and abs(lines[j].y - ln.y) <= 16:
                    cand = [w for w in lines[j].words if left <= (w[0] + w[2]) / 2 <= right]
                    if any(_NAME.match(w[4]) and not _RESET.match(w[4]) for w in cand):
                        inner = cand
                        break
        cells: dict[int, list[Word]] = {}
        for w in inner:
            xc = (w[0] + w[2]) / 2
            if xc < left or xc > right:
                continue
            k = min(range(len(xs)), key=lambda j: abs(xs[j] - xc))
            if abs(xs[k] - xc) <= 0.6 * pitch:
                cells.setdefault(k, []).append(w)
        for k, ws in cells.items():
            name = " ".join(w[4] for w in sorted(ws, key=lambda w: w[0]) if not _RESET.match(w[4])).strip()
            name = re.sub(r"\s*(?:\(\d\)|\*+)$", "", name)  # footnote marks
            if not _NAME.match(name) or _NOT_NAME.match(name):
                continue
            cv = cols[k][0]
            rv = lab[1]
            if orient == "row+col":
                off = k if kind == "pair" else cv
                addr = rv + off
            elif orient == "col_hi+row":
                addr = cv * 16 + rv
            elif orient == "row_hi+col":
                addr = rv * 16 + cv
            else:  # "row_lo+col_hi" for a 0..F by 0..F matrix
                addr = cv * 16 + rv if orient == "col_hi" else rv * 16 + cv
            regs.append(MatrixRegister(name, addr, ln.y))
    if len(regs) < MIN_NAMES:
        return None
    names = [r.name.lower() for r in regs]
    if len(set(names)) < 0.8 * len(names):
        return None  # a value grid (character map, lookup table), not register names
    # numbers in cells: a value table whose cells happen to be words is rare; words that are
    # all short digit-free tokens of one letter class (A, B, C) are not names
    if sum(1 for r in regs if re.search(r"\d", r.name) or "_" in r.name or len(r.name) >= 3) < 0.5 * len(regs):
        return None
    # words of prose under a chart's axis labels ("definition", "and", "is"): lower-case words,
    # not register names
    if sum(1 for r in regs if r.name.islower()) > 0.5 * len(regs):
        return None
    y0 = head.top
    y1 = lines[rows[-1][0]].bottom
    x0 = min(w[0] for w in head.words)
    x1 = max(w[2] for w in head.words)
    return Matrix((x0, y0, x1, y1), sorted(regs, key=lambda r: r.address), orient)


def _nibble_orientation(lines: list[Line], hi_idx: int, rows, cols) -> str:
    """Which label of a 0..F by 0..F matrix is the high nibble: words printed with the header
    row ("high nibble", "MSB", "[7:4]") or in the corner, else numbered names at consecutive
    addresses, else the row is the low nibble ("col_hi")."""
    head_text = " ".join(ln.text for ln in lines[max(0, hi_idx - 2):hi_idx + 1])
    if _HIGH_WORD.search(head_text) and not _LOW_WORD.search(head_text):
        return "col_hi"
    if _LOW_WORD.search(head_text) and not _HIGH_WORD.search(head_text):
        return "row_hi"
    xs = [x for _v, x in cols]
    pitch = (xs[-1] - xs[0]) / max(1, len(xs) - 1)
    grid: dict[tuple[int, int], str] = {}
    for i, lab in rows:
        for w in lines[i].words:
            xc = (w[0] + w[2]) / 2
            k = min(range(len(xs)), key=lambda j: abs(xs[j] - xc))
            if abs(xs[k] - xc) <= 0.6 * pitch:
                grid[(lab[1], cols[k][0])] = w[4]

    def consecutive(addr_of) -> int:
        by_addr = {addr_of(r, c): n for (r, c), n in grid.items()}
        hits = 0
        for a, n in by_addr.items():
            m = re.fullmatch(r"(.*?)(\d+)", n)
            nxt = by_addr.get(a + 1)
            if m and nxt is not None and nxt == f"{m.group(1)}{int(m.group(2)) + 1}":
                hits += 1
        return hits

    col_hi = consecutive(lambda r, c: c * 16 + r)
    row_hi = consecutive(lambda r, c: r * 16 + c)
    return "row_hi" if row_hi > col_hi else "col_hi"
