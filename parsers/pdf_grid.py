"""Cell-grid reader for ruled register tables, with columns typed by their content.

``parsers.pdf_registers`` reads tables under a header band whose words name the columns;
many real datasheets print register maps whose headers say "Reg", "COMMAND CODE",
"Register Index" or nothing recognisable. This module reads the *drawn* table instead:

1. **Rulings** (``ruling_segments``): stroked lines and thin filled rectangles from
   ``page.get_cdrawings()`` (a few ms per page, unlike ``find_tables`` at ~0.3-0.4 s), and
   the walls of stroked cell rectangles (filled, unstroked boxes are shading: their edges
   count only on a page without rulings). Collinear strokes with hairline gaps (a wall drawn
   one stroke per text line) are joined (``join_collinear``).
2. **Grids** (``grids``): segments that touch form one table; its column walls are the
   clustered x of its vertical segments, its row bands the clustered y of its horizontal
   ones (a box with row rules and only its outer walls is a grid too). Inside a wide drawn
   column, whitespace gaps that run down every row and whose right-hand words are aligned
   become walls as well (tables ruled between rows only); a word the text layer glued across
   a drawn wall ("D/C#Hex") is cut there. Words go to the (band, column) their centre falls
   in; a band holding several text lines is split into lines later, at the lines whose
   address cell parses (an address wrapped in its cell, "0x3" over "C", is one address;
   parameter-byte lines "A[6:0]" and bit-label rows "B7 .. B0" are not addresses).
3. **Column typing by content** (``read_grid``): an address column is one whose cells
   parse under a tolerant grammar (``0x1F``, ``1Fh``, ``B0h``, ``(04h)``, ``0x02, 0x03``,
   ``00h/80h``, ``20[4:0]``, binary ``0000 0110b``, bare ``0F``), with few repeats and mostly
   monotonic values; the number base is decided per column from the evidence (a ``dec`` /
   ``index`` header; cells of equal width made of 0/1 only; a bare run that crosses 09 -> 10
   with no A-F digit is decimal, one with an A-F digit is hex). A name column holds short,
   mostly unique cells with letters, typed on row cells (a name centred or wrapped over its
   row's lines reads as one; a name in a cell merged over two byte rows names both). Header
   words only break ties (and veto the columns that hold bit numbers, reset values, sizes,
   values written to one register). A map printed in side-by-side halves reads every half.
4. **Consistency checks** reject tables that are not register maps (bit-description
   tables, value -> meaning tables, memory maps with repeated names): each rejection is
   reported as a warning with its reason.

Nothing here names a vendor, a part or a file; everything is a property of the page.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from firmcorpus.parsers.pdf_layout import (
    ARRAY_INDEX,
    CJK,
    NAME_LETTERS,
    NAME_START,
    NOT_NAME,
    Line,
    Word,
    array_indexed,
    clean_text,
    field_row_cells,
    group_lines,
    letter_count,
    name_runs,
    parse_bits,
    strip_reset_label,
)

# a code column whose header is a bit-field identifier ("acc_odr") lists that field's values
# (with or without its bit range: "fh_mode<3:0>"); a lone lower-case word as the only header
# cell of a table ("cmd") is one too
FIELD_HEAD = re.compile(r"^[a-z][a-z0-9]*(?:(?:_[a-z0-9]+)+(?:\s*[<\[]\d+(?::\d+)?[>\]])?|_?\s*[<\[]\d+(?::\d+)?[>\]])$")
LONE_FIELD_HEAD = re.compile(r"^[a-z][a-z0-9_]*$")
# an upper-case field with its bit range ("GC [7:0]", "VCOMS[5:0]") lists that field's values
# too, unless the identifier names the data or address bus a code is sent on ("D[7:0]", "A[15:0]")
UPPER_FIELD_HEAD = re.compile(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\s*[<\[]\d+:\d+[>\]]$")
_BUS_NAMES = {"d", "db", "data", "b", "bit", "bits", "cmd", "command", "code", "op", "opcode", "inst", "instr",
              "a", "ad", "hex", "value", "byte"}


_ADDR_PART = {"addr", "address", "adr", "offset", "ofs", "reg", "register", "index", "idx", "ptr", "pointer"}


def field_headed(heads: list[str], k: int) -> bool:
    """The code column ``k`` is headed by the name of a bit field: its values are listed.
    Address words as parts of the identifier ("reg_addr") keep it an address header."""
    h = heads[k].strip()
    if _ADDR_PART & set(re.split(r"[_<\[\s]", h)):
        return False
    up = UPPER_FIELD_HEAD.match(h)
    if up and up.group(1).lower() not in _BUS_NAMES | _ADDR_PART:
        return True
    return bool(FIELD_HEAD.match(h) or (LONE_FIELD_HEAD.match(h) and not any(x.strip() for i, x in enumerate(heads)
                                                                             if i != k)))

# the header of a column of outcome codes ("Error Code", "Status code", "Return value"): the
# values a command reports, each with its meaning, not addresses
OUTCOME_HEAD = re.compile(r"\b(?:error|status|return|result|fault|exception|response)\s*(?:codes?|values?)\b"
                          r"|回传|返回值|错误码|状态码", re.I)  # (reply, return value, error code, status code)

# the header of a name column that lists the nodes of a bus ("Module | Address": host, display,
# remote unit): the addresses are theirs on the bus, not registers inside one device
NODE_HEAD = re.compile(r"^(?:modules?|devices?|nodes?|slaves?|stations?|boards?|hosts?)(?:\s*(?:names?|types?))?$",
                       re.I)

# a bit's label ("bit5" over a waveform's 0/1 cells): it names no register
_BIT_NAME = re.compile(r"bit\s?\d{1,2}", re.I)

# a cell of the code column that is a truth value or a switch state: the column holds values
# of properties ("Reflect input | False", "Polynomial | 0x31"), not addresses
VALUE_WORD = re.compile(r"^(?:true|false|yes|no|on|off|enabled?|disabled?)$", re.I)
# a cell that is an address followed by a colon and nothing else ("0x5E:"): the register that
# opens a block, its offset on the next line
BLOCK_PREFIX = re.compile(r"^(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)\s*:$", re.I)
MIN_BLOCK_ROWS = 3

# --------------------------------------------------------------------------- rulings


@dataclass
class Seg:
    horiz: bool
    pos: float  # y of a horizontal segment, x of a vertical one
    a: float  # start along the segment
    b: float  # end along the segment


def ruling_segments(page) -> list[Seg]:
    """Horizontal and vertical ruling segments of a page (lines, thin rectangles, cell walls)."""
    out: list[Seg] = []
    try:
        drawings = page.get_cdrawings()
        prect = page.rect
    except Exception:
        return out
    pw, ph = prect.width, prect.height
    shades: list[Seg] = []
    for d in drawings:
        for it in d.get("items", ()):
            kind = it[0]
            if kind == "l":
                (x0, y0), (x1, y1) = it[1], it[2]
                if abs(y0 - y1) < 1.0 and abs(x1 - x0) > 3:
                    out.append(Seg(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x0 - x1) < 1.0 and abs(y1 - y0) > 3:
                    out.append(Seg(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            elif kind == "re":
                r = it[1]
                x0, y0, x1, y1 = (r[0], r[1], r[2], r[3]) if len(r) == 4 else (r.x0, r.y0, r.x1, r.y1)
                x0, x1 = min(x0, x1), max(x0, x1)
                y0, y1 = min(y0, y1), max(y0, y1)
                w, h = x1 - x0, y1 - y0
                if w > 0.9 * pw and h > 0.9 * ph:
                    continue  # page background
                if h < 2.5 and w > 3:
                    out.append(Seg(True, (y0 + y1) / 2, x0, x1))
                elif w < 2.5 and h > 3:
                    out.append(Seg(False, (x0 + x1) / 2, y0, y1))
                elif w > 3 and h > 3:
                    walls = [Seg(True, y0, x0, x1), Seg(True, y1, x0, x1), Seg(False, x0, y0, y1),
                             Seg(False, x1, y0, y1)]
                    # a filled, unstroked box is a cell's shading: its edges are walls only on
                    # a page drawn without rulings (tables made of filled cells)
                    (shades if d.get("type") == "f" else out).extend(walls)
    if len(out) < 4:
        out.extend(shades)
    return out


def count_rulings(segs: list[Seg]) -> tuple[int, int]:
    return sum(1 for s in segs if s.horiz), sum(1 for s in segs if not s.horiz)


def _cluster(vals: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(vals):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


@dataclass
class Grid:
    x0: float
    y0: float
    x1: float
    y1: float
    xs: list[float]  # column walls
    ys: list[float]  # row walls
    vsegs: list[Seg] = field(default_factory=list)
    hsegs: list[Seg] = field(default_factory=list)


def join_collinear(segs: list[Seg], gap: float = 5.0) -> list[Seg]:
    """Segments on one line with gaps of at most ``gap`` points become one segment: some
    tables draw each wall as one short stroke per text line, with hairline gaps between."""
    out: list[Seg] = []
    for horiz in (True, False):
        part = sorted((s for s in segs if s.horiz == horiz), key=lambda s: (round(s.pos), s.a))
        cur: Seg | None = None
        for s in part:
            if cur is not None and abs(s.pos - cur.pos) <= 1.0 and s.a - cur.b <= gap:
                cur.b = max(cur.b, s.b)
                continue
            if cur is not None:
                out.append(cur)
            cur = Seg(s.horiz, s.pos, s.a, s.b)
        if cur is not None:
            out.append(cur)
    return out


def grids(segs: list[Seg], tol: float = 2.0) -> list[Grid]:
    """Tables as connected sets of ruling segments with at least two columns and two rows."""
    segs = join_collinear(segs)
    hs = sorted((s for s in segs if s.horiz), key=lambda s: s.pos)
    vs = [s for s in segs if not s.horiz]
    if not hs or not vs:
        return []
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj

    hy = [s.pos for s in hs]
    for j, v in enumerate(vs):
        lo = bisect_left(hy, v.a - tol)
        hi = bisect_right(hy, v.b + tol)
        for i in range(lo, hi):
            h = hs[i]
            if h.a - tol <= v.pos <= h.b + tol:
                union(i, len(hs) + j)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(find(i), []).append(i)
    out = []
    for members in comps.values():
        ch = [hs[i] for i in members if i < len(hs)]
        cv = [vs[i - len(hs)] for i in members if i >= len(hs)]
        if len(ch) < 2 or len(cv) < 2:
            continue
        x0 = min(min(s.a for s in ch), min(s.pos for s in cv))
        x1 = max(max(s.b for s in ch), max(s.pos for s in cv))
        y0 = min(min(s.pos for s in ch), min(s.a for s in cv))
        y1 = max(max(s.pos for s in ch), max(s.b for s in cv))
        if x1 - x0 < 40 or y1 - y0 < 20:
            continue
        # double-drawn walls and per-cell rectangles put several segments within a few
        # points of one wall: no real column or row is that narrow
        xs = _cluster([s.pos for s in cv] + [x0, x1], 4.5)
        ys = _cluster([s.pos for s in ch] + [y0, y1], 4.0)
        if len(xs) < 3 and len(ys) < 4 or len(ys) < 2:  # one drawn column: ruled between rows only
            continue
        if len(xs) < 2:  # dashes a few points apart (a timing diagram) chain into one "wall"
            continue
        out.append(Grid(x0, y0, x1, y1, xs, ys, cv, ch))
    out.sort(key=lambda g: (g.y0, g.x0))
    # one table drawn as several stacked pieces (a grid per row group): pieces with the same
    # column walls that touch are one table
    merged: list[Grid] = []
    for g in out:
        m = merged[-1] if merged else None
        if m is not None and 0 <= g.y0 - m.y1 <= 4.0 and len(g.xs) == len(m.xs) \
                and all(abs(a - b) <= 3.0 for a, b in zip(g.xs, m.xs)):
            m.y1 = g.y1
            m.ys = _cluster(m.ys + g.ys, 4.0)
            m.vsegs += g.vsegs
            m.hsegs += g.hsegs
        else:
            merged.append(g)
    return merged


# --------------------------------------------------------------------------- address grammar

_FOOT = re.compile(r"\s*(?:\(\d\)|\[\d\]|\*+|\d\))$")
_BITSUFFIX = re.compile(r"\s*\[\d{1,2}(?::\d{1,2})?\]$")
_TOK_0X = re.compile(r"^0x([0-9a-f]{1,8})$", re.I)
_TOK_H = re.compile(r"^R?([0-9a-f]{1,8})x?h$", re.I)  # ("R0Ah": a register prefix; "0BxH": a stray x)
# quote-marked hex literals: Verilog "'h03" / "8'h03", and "H'7F0000" (hex prefix with a quote)
_TOK_QUOTE = re.compile(r"^(?:\d{0,2}['’‘]h|H['’‘])([0-9a-f]{1,8})$", re.I)
# one nibble of a byte address in a display-memory map: "68HL" (low four bits), "68HU" (upper)
_TOK_NIBBLE = re.compile(r"^([0-9A-F]{2})H[LU]$")
# Verilog binary and decimal literals of a register index ("2'b10", "4'd12")
_TOK_VERILOG = re.compile(r"^\d{0,2}['’‘]([bd])([0-9_]{1,16})$", re.I)
_TOK_HPFX = re.compile(r"^h([0-9A-F]{2,4})$")  # a lower-case h before the digits: "h0A", "h15"
_TOK_BIN = re.compile(r"^([01]{4}(?:[ _]?[01]{4}){0,3})\s*b?$", re.I)
_TOK_BARE = re.compile(r"^[0-9a-f]{1,4}$", re.I)
_DATE = re.compile(r"^(?:\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})$")
_DEV_DOT = re.compile(r"^[A-Za-z]{2,5}\s*\d{1,2}\.(\d{1,3})$")


@dataclass
class AddrCell:
    kind: str  # "0x" | "h" | "bin" | "bare"
    text: str  # the digits of the first value
    is_range: bool = False
    alts: tuple[str, ...] = ()  # further codes of a slash pair ("C7h/60h"): one register each
    group: str = ""  # the set code of a "(set, code)" descriptor pair ("(0x0C, 0x37)"), its digits


def parse_addr_cell(cell: str) -> AddrCell | None:
    """One address cell under the tolerant grammar; the number base of bare cells is decided
    per column (``column_base``)."""
    s = clean_text(cell)
    if not s or len(s) > 40:
        return None
    # a bit pattern with don't-care bits and the code it stands for: "101x-xxx1 (0xA1)"
    m = re.fullmatch(r"[01xX][01xX_\- ]{3,}[01xX]\s*\(\s*(0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)\s*\)", s, re.I)
    if m and re.search(r"[xX]", s[:m.start(1)]):
        s = m.group(1)
    if "$" in s:
        s = re.sub(r"(?<![\w$])\$(?=[0-9A-Fa-f])", "0x", s)  # "$3F ($5F)": the dollar sign marks hex
    if re.fullmatch(r"0x[0-9a-f]{1,4}(?:_[0-9a-f]{4})+", s, re.I):
        s = s.replace("_", "")  # "0x4000_00B8": digits grouped by fours
    if _PARAM_CELL.match(s):
        return None  # a parameter byte ("A[6:0]", "A[0]"), not an address with a bit range
    if "O" in s and re.fullmatch(r"O[0-9A-F]|[0-9A-F]O", s):
        s = s.replace("O", "0")  # a scanned page's text layer reads the zero of "0C" as the letter O
    # a decimal number with its hex value beside it, "10(0x0A)", "46[0x2E)": the two must agree
    m = re.fullmatch(r"(\d{1,5})\s*[(\[]\s*(?:0x([0-9a-f]{1,4})|([0-9a-f]{1,4})h)\s*[)\]]", s, re.I)
    if m:
        digits = m.group(2) or m.group(3)
        return AddrCell("0x", digits) if int(m.group(1)) == int(digits, 16) else None
    # a full descriptor "(0x0C, 0x37)": a code (0x37) inside a set or class of codes (0x0C);
    # where two consecutive codes are the bytes of one register instead ("(0x02, 0x03)") the
    # column decides (``descriptor_group``)
    m = re.fullmatch(r"\(\s*(?:0x([0-9a-f]{1,4})|([0-9a-f]{1,4})h)\s*,\s*(?:0x([0-9a-f]{1,4})|([0-9a-f]{1,4})h)\s*\)", s, re.I)
    if m:
        grp, code = m.group(1) or m.group(2), m.group(3) or m.group(4)
        kind = "0x" if m.group(3) else "h"
        if int(code, 16) == int(grp, 16) + 1:
            return AddrCell(kind, grp, True, group=grp.upper().zfill(2))  # read as byte pair unless its column says not
        return AddrCell(kind, code, group=grp.upper().zfill(2))
    if re.fullmatch(r"\([0-9A-Fa-f]{2,4}\)", s):
        return AddrCell("bare", s[1:-1])  # "(D9)": a parenthesised code, not "(D" and a footnote "9)"
    for _ in range(2):
        s = _FOOT.sub("", s).strip()
        s = _BITSUFFIX.sub("", s).strip()
    # a don't-care nibble printed as X ("0xX1": bits 15-12 ignored) reads as 0
    s = re.sub(r"^(0x)([xX]+)(?=[0-9a-fA-F])", lambda m: m.group(1) + "0" * len(m.group(2)), s)
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
        if not re.fullmatch(r"\S+", s):
            return None  # "(0 - 7)": a bit or clock range under a header, not an address
    # "+43H", "+10h": a marked code printed as following a prefix code (an escape sequence's
    # second byte) or as an offset from a block's base; the token is its value
    s = re.sub(r"^\+(?=0x[0-9a-f]|[0-9a-f]{1,4}h$)", "", s, flags=re.I)
    m = _TOK_VERILOG.match(s)
    if m:
        digits = m.group(2).replace("_", "")
        if m.group(1).lower() == "b" and re.fullmatch(r"[01]+", digits):
            return AddrCell("0x", f"{int(digits, 2):02X}")
        if m.group(1).lower() == "d" and digits:
            return AddrCell("0x", f"{int(digits):02X}")
        return None
    if _DATE.match(s):
        return None  # a date in a page footer ("2012/08/01"), not a list of three codes
    # a register of a named sub-device, "MMD 3.20": device 3, register 20 (the register
    # number in the column's base; the device names a block that reuses register numbers)
    m = _DEV_DOT.match(s)
    if m:
        return AddrCell("bare", m.group(1))
    m = _TOK_NIBBLE.match(s)
    if m:
        return AddrCell("h", m.group(1))
    # a binary code in hyphenated nibbles with don't-care bits ("0000-0001-X", "0000-11XX"): the
    # first eight bits, X read as 0; a ninth bit that is only X is the trailing don't-care
    m = re.fullmatch(r"[01Xx]{4}(?:-[01Xx]{1,4}){1,2}", s)
    if m and re.search(r"[01]", s):
        bits = s.replace("-", "").upper()
        if len(bits) > 8 and set(bits[8:]) == {"X"}:
            bits = bits[:8]
        if len(bits) == 8:
            return AddrCell("bin", bits.replace("X", "0"))
    # a binary code whose low bits are operand letters ("0001 zyxt", "0101 0abc"): the code
    # with its operand bits 0 (the base of the codes it stands for)
    m = re.fullmatch(r"([01]{4})[ _]?([01a-z]{4})", s)
    if m and re.search(r"[a-z]", m.group(2)):
        return AddrCell("bin", m.group(1) + re.sub(r"[a-z]", "0", m.group(2)))
    # a 5- to 7-bit binary code ("00010" under "Binary Code[4:0]"): its column's base is decided
    # from all its cells (equal-width 0/1 codes read as binary)
    if re.fullmatch(r"[01]{5,7}", s):
        return AddrCell("bare", s)
    # binary with separators first ("0000 0110b", "1001_1111")
    m = _TOK_BIN.match(s)
    if m and (len(m.group(1).replace(" ", "").replace("_", "")) >= 8 or s.lower().endswith("b")):
        return AddrCell("bin", m.group(1).replace(" ", "").replace("_", ""))
    # a 16-bit code printed as two spaced bytes, most significant first: "0x26 0x0F", "0x E0 00"
    m = re.fullmatch(r"0x\s?([0-9a-f]{2})((?:\s+(?:0x)?\s?[0-9a-f]{2}){1})", s, re.I)
    if m:
        return AddrCell("0x", m.group(1) + "".join(re.findall(r"[0-9a-f]{2}", m.group(2).replace("0x", " "), re.I)))
    # a register over a byte span, "02:03", "0E:11": padded, ascending, a few bytes (a bit range
    # runs down, "15:8"): the first byte is its address
    m = re.fullmatch(r"([0-9A-F]{2}):([0-9A-F]{2})", s)
    if m and 0 < int(m.group(2), 16) - int(m.group(1), 16) <= 7:
        return AddrCell("bare", m.group(1))
    # a slash pair sharing one suffix, "C7/60H": both codes are hex
    m = re.fullmatch(r"([0-9a-f]{2})\s*/\s*([0-9a-f]{2})h", s, re.I)
    if m:
        return AddrCell("h", m.group(1), False, (m.group(2),))
    # the first of a pair / list / range: "00h/80h", "0x02, 0x03", "00-0E", "0x01 to 0x1C", "1020+1021"
    parts = [p for p in re.split(r"\s*(?:/|,|\.\.+|…|–|—|~|-|\+|\bto\b|\band\b)\s*", s, flags=re.I) if p]
    if not parts or len(parts) > 4:
        return None
    rng = len(parts) > 1
    first = parts[0].replace(" ", "")
    # a trailing aliased form "0x3F (0x5F)": the first is the address
    first = re.sub(r"\(.*$", "", first)
    for pat, kind in ((_TOK_0X, "0x"), (_TOK_H, "h"), (_TOK_QUOTE, "0x"), (_TOK_HPFX, "h")):
        mm = pat.match(first)
        if mm:
            if any(not (_TOK_0X.match(p.replace(" ", "")) or _TOK_H.match(p.replace(" ", ""))
                        or _TOK_QUOTE.match(p.replace(" ", "")) or _TOK_BARE.match(p)) for p in parts[1:]):
                return None
            alts = _slash_alts(s, parts)
            return AddrCell(kind, mm.group(1), rng and not alts, alts)
    if _TOK_BARE.match(first) and all(_TOK_BARE.match(p) for p in parts):
        alts = _slash_alts(s, parts)
        return AddrCell("bare", first, rng and not alts, alts)
    if all(_dec5(p) for p in parts):
        # a five-digit decimal register number of a 16-bit address space ("40001", "30775-30776"),
        # as Modbus maps print them; read in decimal by its column (no A-F digit, past 9)
        return AddrCell("bare", first, rng, ())
    return None


def _dec5(t: str) -> bool:
    return len(t) == 5 and t.isdigit() and int(t) <= 0xFFFF


def listed_name(name: str) -> bool:
    """A list of identifiers ("TEMP_H, TEMP_L"), not a phrase with a comma in it ("Get analog
    value, fixed point")."""
    parts = re.split(r"\s*[,，]\s*", name.strip())
    return len(parts) >= 2 and all(p and not re.search(r"\s", p) for p in parts)


def first_clause(text: str) -> str:
    """A description's first clause, the name of a command whose table has no name column
    ("调节音量。默认最大音量" -> "调节音量"; "连码播放，顺序播放..." -> "连码播放";
    "停止当前工作（播放、连码等）" -> "停止当前工作")."""
    return re.split(r"[。，；（(]|\.\s|,\s", text.strip(), maxsplit=1)[0].strip()


def descriptor_group(c: AddrCell) -> str:
    """The set code of a full descriptor, "" for a cell that is none or that may be the two
    bytes of one register ("(0x02, 0x03)": consecutive codes)."""
    return "" if c.is_range else c.group


def descriptor_column(cells: list[AddrCell]) -> tuple[list[AddrCell], str | None]:
    """A column's cells with its full descriptors resolved, and its set code: the codes of one
    set ("(0x01, 0x02)" beside "(0x01, 0x05)": code 0x02 of set 0x01); a column of only
    consecutive pairs holds byte pairs (the first byte is the address); ``None`` when the
    sets vary (coordinates or value pairs)."""
    groups = {descriptor_group(c) for c in cells} - {""}
    if len(groups) > 1:
        return cells, None
    if not groups:
        return cells, ""
    g = groups.pop()
    return [AddrCell(c.kind, f"{int(c.text, 16) + 1:02X}", group=g) if c.is_range and c.group == g else c
            for c in cells], g


def _slash_alts(s: str, parts: list[str]) -> tuple[str, ...]:
    """The other codes of an ``A/B`` pair (two codes of one command), as digit strings."""
    if len(parts) != 2 or not re.fullmatch(r"[^/]+/[^/]+", s):
        return ()
    m = _TOK_0X.match(parts[1]) or _TOK_H.match(parts[1])
    return (m.group(1),) if m else ((parts[1],) if _TOK_BARE.match(parts[1]) else ())


def decimal_run(vals: list[int]) -> bool:
    """Numbers counting across a decimal carry: 09 -> 10, or x9 -> (x+1)0 inside a run that steps
    by one on both sides ("38, 39, 40, 41"; read as hex, 39 -> 40 would skip six)."""
    for i, (a, b) in enumerate(zip(vals, vals[1:])):
        if a == 9 and b == 10:
            return True
        if a % 10 == 9 and b == a + 1 and ((i > 0 and vals[i - 1] == a - 1) or (i + 2 < len(vals) and vals[i + 2] == b + 1)):
            return True
    return False


def column_base(cells: list[AddrCell], header: str) -> str:
    """'hex' | 'dec' | 'bin' for the bare cells of one column, from the column's evidence."""
    h = header.lower()
    kinds = {c.kind for c in cells}
    bare = [c.text for c in cells if c.kind == "bare"]
    if re.search(r"\bdec(imal)?\b|\bindex\b|\bno\.|\bnumber\b|#", h) and not re.search(r"\bhex\b", h) \
            and not _HEX_BASE_HEAD.search(h):
        if all(t.isdigit() for t in bare):
            return "dec"
    if bare and all(re.fullmatch(r"[01]+", t) for t in bare) and len({len(t) for t in bare}) == 1 \
            and (len(bare[0]) >= 3 or (len(bare) >= 3 and sorted(int(t, 2) for t in bare) == list(range(len(bare))))):
        return "bin"  # equal-width 0/1 codes; two-digit ones when they count 00, 01, 10, 11 (pointer bits)
    if kinds & {"0x", "h"} or re.search(r"\bhex\b", h) or _HEX_BASE_HEAD.search(h):
        return "hex"
    if any(re.search(r"[a-f]", t, re.I) for t in bare):
        return "hex"
    vals = [int(t) for t in bare if t.isdigit()]
    if decimal_run(vals):
        return "dec"
    if vals and max(vals) >= 10 and not any(len(t) >= 2 and t.startswith("0") for t in bare):
        return "dec"  # unpadded numbers past 9 with no A-F digit anywhere: a decimal count
    return "hex"


_RANGE_CELL = re.compile(r"\s*(0x)?([0-9a-f]{1,6})h?\s*(?:-|–|—|~|～|\.\.+|\bto\b)\s*(0x)?([0-9a-f]{1,6})h?\s*", re.I)


def range_spans(texts: list[str], base: str) -> list[int]:
    """The spans (last - first) of the two-number range cells of a column ("100-101", "0x20 to
    0x23"), the numbers read in ``base`` unless marked hex."""
    out = []
    for t in texts:
        m = _RANGE_CELL.fullmatch(t or "")
        if not m:
            continue
        marked = bool(m.group(1) or m.group(3)) or t.strip().lower().endswith("h")
        digits = (m.group(2), m.group(4))
        if base == "dec" and not marked and all(d.isdigit() for d in digits):
            a, b = int(digits[0]), int(digits[1])
        else:
            a, b = int(digits[0], 16), int(digits[1], 16)
        out.append(b - a)
    return out


def decimal_by_ranges(texts: list[str]) -> bool:
    """Bare number ranges that are one to four words wide in decimal and not all so in hex
    ("105-106", "107-108", "109-110"): the registers of several words of a decimal map (read as
    hex, "109-110" would span seven)."""
    bare = [t for t in texts if _RANGE_CELL.fullmatch(t or "") and re.fullmatch(r"[\d\s\-–—~～.to]+", t)]
    if len(bare) < 2:
        return False
    return narrow_ranges(bare, "dec") and range_spans(bare, "hex") != range_spans(bare, "dec")


def narrow_ranges(texts: list[str], base: str) -> bool:
    """Every range cell of a column spans one to three more addresses (the words or bytes of a
    wide register: "100-101", "0x10-0x13"), unlike a value scale ("0 - 50", "51 - 100")."""
    spans = range_spans(texts, base)
    return bool(spans) and all(1 <= d <= 3 for d in spans)


def single_bit_masks(vals: list[int]) -> bool:
    """Four or more values, each one bit, each twice the one before (0x10, 0x20, 0x40, 0x80 or
    0x10000, 0x20000 ..): the masks of a status or error word's bits."""
    return len(vals) >= 4 and all(v > 0 and v & (v - 1) == 0 for v in vals) \
        and all(b == 2 * a for a, b in zip(vals, vals[1:]))


def value_lanes(lane_cols: list[int], col_cells) -> bool:
    """Three or more "Byte N" columns that each hold marked numbers on most of their rows ("Byte
    4 | .. | Byte 0": 0xD3 0xD3 .. 0x33): the bytes of one value per row. A command table's "Byte
    1" column holds its codes while the other bytes hold operands ("A23-A16", "dummy")."""
    full = 0
    for k in lane_cols:
        cs = [(i, c, t) for i, c, t in col_cells[k] if re.search(r"\w", t)]  # (not the arrows between rows)
        if len(cs) >= 3 and sum(1 for _i, c, _t in cs if c is not None and c.kind in ("0x", "h")) >= 0.8 * len(cs):
            full += 1
    return full >= 3


def strong_decimal(cells: list[AddrCell], header: str) -> bool:
    """Decimal by a header word or by a run crossing 9 -> 10, not by unpadded values alone."""
    if re.search(r"\bdec(imal)?\b|\bindex\b|\bno\.|\bnumber\b|#", header.lower()):
        return True
    vals = [int(c.text) for c in cells if c.kind == "bare" and c.text.isdigit()]
    return decimal_run(vals)


def addr_value(c: AddrCell, base: str) -> int:
    if c.kind == "bin":
        return int(c.text, 2)
    if c.kind in ("0x", "h"):
        return int(c.text, 16)
    if base == "dec":
        return int(c.text) if c.text.isdigit() else int(c.text, 16)
    if base == "bin" and re.fullmatch(r"[01]+", c.text):
        return int(c.text, 2)
    return int(c.text, 16)


# --------------------------------------------------------------------------- reading a grid


@dataclass
class GridRegister:
    name: str
    address: int
    y: float
    confidence: float
    row_text: str = ""
    alts: tuple[int, ...] = ()
    alt_copy: bool = False


@dataclass
class GridTable:
    bbox: tuple[float, float, float, float]
    registers: list[GridRegister]
    addr_header: str = ""
    name_header: str = ""
    rejected: str | None = None  # why the table is not a register map
    continued: bool = False  # read with the column roles of the previous page's table


_IDENT = re.compile(r"^[A-Za-z][\w.\-/\[\]<>:]*$")
_UPPER_PIECE = re.compile(r"^[A-Z0-9_]+$")


def wrapped_ident(t: str) -> bool:
    """An identifier broken mid-token over the lines of a narrow cell ("PWR_CT RL", "ACC_SE
    LF_TES T"): upper-case pieces, one with an underscore, that join into one identifier."""
    parts = t.split()
    return len(parts) >= 2 and all(_UPPER_PIECE.match(p) for p in parts) and any("_" in p for p in parts) \
        and _IDENT.match("".join(parts)) is not None
# header words of register maps printed in German, French, Spanish, Italian or Portuguese (Modbus maps of
# European makers keep their own language): an address column, a name column, a description (which the
# grid reader, like the English "Description", may take for names), and columns that hold no names
EU_ADDR_HEAD = r"adresse|\badr\.|direcci[oó]n|indirizzo|endere[cç]o|registernummer"
EU_NAME_HEAD = r"bezeichnung|benennung|\bnom\b|désignation|libellé|\bnombre\b|\bnome\b|denominazione"
EU_DESCRIPTION_HEAD = r"beschreibung|descripci[oó]n|descrizione|descri[cç][aã]o"
EU_NO_NAME_HEAD = (r"kommentar|hinweis|bemerkung|anmerkung|\bwert|einheit|datentyp|zugriff|commentaire|remarque|"
                   r"valeur|unité|\bvalor|unidad|comentario|valore|unità|commento|observaci")
EU_NO_ADDR_HEAD = (r"datentyp|typ|einheit|wert|werte|standardwert|zugriff|länge|anzahl|bereich|valeur|unité|tipo|"
                   r"unidad|valor|valore|unità|longueur|longitud|lunghezza")
_NO_ADDR_HEAD = re.compile(r"^(bits?|bit\s*\w*|default|reset|value|values|size|width|length|len|"
                           r"page|pin|por|init\w*|data|d\d|db\d|qty|count|#\s*of.*|"
                           r"min|max|typ|unit|units|r/w|access|type|settings?|数据|數據|数值|默认|" + EU_NO_ADDR_HEAD + r")\b",
                           re.I)
_ADDR_HEAD = re.compile(EU_ADDR_HEAD + r"|addr|\badr\b|offset|pointer|index|reg\b|^reg(ister)?s?$|register\s*(#|no|num|0x|addr|index)|\bhex\b|"
                        r"地址|位址|偏移|索引|指令|命令|"  # CJK: address, offset, index, instruction, command
                        r"\bcode\b|op-?code|command|cmd|instruction|sub-?address|"
                        # the identifier of a message or command in a protocol ("Data ID", "Message ID")
                        r"\b(?:message|msg|data|command|cmd|packet|frame|object|param(?:eter)?)\s*-?\s*id\b", re.I)
RANGE_OPEN = re.compile(r"(?:~|～|–|—|-|\bto)$", re.I)  # an address range continued on the next line
RANGE_CLOSE = re.compile(r"^(?:~|～|–|—|to\s)\s*(\S+)$", re.I)  # the end of a range begun on the line above
# CJK header words of a name column ("item") and of columns that hold no names (description,
# remark, meaning, default, example): Chinese register lists head their name column 项目
CJK_NAME_HEAD = "项目|項目"
CJK_NO_NAME_HEAD = "说明|說明|描述|备注|備註|含义|默认|范例|範例|示例"
CONTENT_HEAD = re.compile(r"^(?:contents?|内容|內容)$", re.I)
# a command list with no name column names each command by its description's first clause
DESCRIPTION_HEAD = re.compile(r"^(?:说明|說明|描述)$")
_COMMAND_HEAD = re.compile(r"指令|命令|command|instruction|op-?code|\bcode\b", re.I)
_HEX_BASE_HEAD = re.compile(r"(?:16|十六)\s*[进進]制|\(\s*[hH]\s*\)")  # ("编号 (16 进制)", "地址(H)": base 16)
_NAME_HEAD = re.compile(r"name|register|symbol|mnemonic|abbrev|acronym|command|instruction|function|寄存器|名称|名稱|符号|"
                        r"description|\bmode\b|" + CJK_NAME_HEAD + "|" + EU_NAME_HEAD + "|" + EU_DESCRIPTION_HEAD, re.I)
_NO_NAME_HEAD = re.compile(r"content|value|data\s*type|default|reset|access|\bunits?\b|\bbits?\b|r/w|" + CJK_NO_NAME_HEAD
                           + "|" + EU_NO_NAME_HEAD,
                           re.I)
_VALUE_HEAD = re.compile(r"\b(?:limit|threshold|minimum|maximum|typical|temperature|voltage|current|frequency)\b",
                         re.I)  # a column of measured or limit values, not addresses
_PARAM_HEAD = re.compile(r"parameter|coefficient|variable", re.I)  # a parameter table, not a register map
_ADDR_WORD_ONLY = re.compile(r"addr|\badr\b|offset|pointer|index|\breg", re.I)  # ("Parameter Address" is an address)
_BUS_ADDR_HEAD = re.compile(r"\b(?:slave|device|i2c|i²c|bus|\d-bit)\s*(?:address|addr)\b", re.I)  # a bus address, not a register
_VALUE_CODE_HEAD = re.compile(r"^(?:values?|settings?)\s*\(?\s*hex\s*\)?$", re.I)  # values written, printed in hex
BYTE_N = re.compile(r"byte\s*\d{1,2}", re.I)  # a byte-lane header ("Byte 0" .. "Byte 4")
MASK_HEAD = re.compile(r"\bmasks?\b", re.I)  # a flag or field's bit masks ("Status Bit Mask"): values
MODE_HEAD = re.compile(r"\s*modes?\s*", re.I)  # (fullmatch) a column of a mode field's values
_HEAD_VOCAB = re.compile(_ADDR_HEAD.pattern + "|" + _NAME_HEAD.pattern + "|" + _NO_ADDR_HEAD.pattern[1:]
                         + r"|descr|r/w|\bdec(?:imal)?\b", re.I)  # "Dec" under a grouped "Address" header
_PARAM_CELL = re.compile(r"^[A-Za-z]{1,2}\d{0,2}\s?\[\d{1,2}(?::\d{1,2})?\]$")
_PROSE = re.compile(r"\b(the|is|are|be|to|of|when|this|will|shall|if)\b", re.I)


# an address printed as two byte columns ("Start Address Hex: Hi byte | Lo byte", a Modbus map)
HI_BYTE_HEAD = re.compile(r"\b(?:hi(?:gh)?|msb|upper)\b(?:\s*byte)?\s*$", re.I)
LO_BYTE_HEAD = re.compile(r"\b(?:lo(?:w)?|lsb|lower)\b(?:\s*byte)?\s*$", re.I)
_BYTE_CELL = re.compile(r"[0-9A-Fa-f]{2}")


def byte_pair_column(head: list[str], texts: list[list[str]], min_rows: int = 3) -> int | None:
    """The high-byte column of a "Hi byte | Lo byte" pair whose filled cells are all two hex
    digits, in ``min_rows`` rows or more (``texts``: the data rows' cell texts)."""
    for k in range(len(head) - 1):
        if not (HI_BYTE_HEAD.search(head[k]) and LO_BYTE_HEAD.search(head[k + 1])):
            continue
        filled = [(row[k], row[k + 1]) for row in texts if row[k] or row[k + 1]]
        if len(filled) >= min_rows and all(_BYTE_CELL.fullmatch(a) and _BYTE_CELL.fullmatch(b) for a, b in filled):
            return k
    return None


def joined_byte_head(lo_head: str) -> str:
    return (LO_BYTE_HEAD.sub("", lo_head).strip() + " address").strip()


def _cell_text(ws: list[Word]) -> str:
    if len(ws) <= 1:
        return clean_text(ws[0][4]) if ws else ""
    return clean_text(" ".join(ln.text for ln in group_lines(ws, tol=4.0)))


@dataclass
class GridContext:
    """The column roles of the last register table read, for its continuation on the next
    page (same column walls): a one-row continuation cannot be typed by its content."""

    xs: list[float] | None = None
    addr_col: int = 0
    name_col: int = 0
    base: str = "hex"
    conf: float = 0.0
    page: int = 0
    table_id: str | None = None  # the caller's id of that table (a continuation keeps it)
    addr_head: str = ""  # the header of its address column
    closed: bool = False  # a drawn table with a header of its own followed it on its page
    dc_col: int | None = None  # its data/command select column ("D/CX"), if any
    byte_pair: int | None = None  # its high-byte column, where the address is a "Hi byte | Lo byte" pair


def _norm_head(h: str) -> str:
    return re.sub(r"[^a-z]", "", h.lower())


def _same_walls(a: list[float], b: list[float]) -> bool:
    """The same column layout: as many walls, each within 3 points, or within 10 points for a
    table of the same width give or take a few points (reprinted a little narrower)."""
    if len(a) != len(b):
        return False
    tol = 10.0 if len(a) >= 4 and abs((a[-1] - a[0]) - (b[-1] - b[0])) <= 8.0 else 3.0
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def _same_frame(a: list[float], b: list[float], addr_col: int) -> bool:
    """The same drawn frame and address column, inner walls within 25 points: a few rows at
    the top of the next page place their whitespace walls by their own (shorter) cells."""
    if len(a) != len(b) or len(a) < 4:
        return False
    k = addr_col
    return all(abs(a[i] - b[i]) <= 3.0 for i in (0, len(a) - 1, k, k + 1)) \
        and all(abs(x - y) <= 25.0 for x, y in zip(a, b))


def _walls_within(a: list[float], b: list[float]) -> list[int] | None:
    """Where each wall of ``a`` is among the walls of ``b`` (within 3 points), when ``b`` only adds
    some (whitespace walls inside a wide cell, a sliver of a column at the frame's edge): the
    index in ``b`` of each wall of ``a``, else None."""
    if len(a) < 4 or not len(a) <= len(b) <= 2 * len(a):
        return None
    out, j = [], 0
    for x in a:
        while j < len(b) and b[j] < x - 3.0:
            j += 1
        if j == len(b) or abs(b[j] - x) > 3.0:
            return None
        out.append(j)
        j += 1
    return out


def _bit_head(head: str) -> bool:
    """A bit column's header ("D7", "DB3", "Bit 5", "7")."""
    return bool(re.fullmatch(r"(?:d|db|b|bit)?\s?\d{1,2}", head.split(" ")[-1] if head else "", re.I))


# a cell of a signal column of a command table: a level, an edge or a don't-care ("0", "↑", "-")
_SIGNAL_CELL = re.compile(r"[01↑↓\-–xXHL]|-{2,3}")


def _apart(k: int, addr: int, header_of: list[str], signals: set[int] = frozenset()) -> int:
    """How far a column is from the address column, bit and signal columns between them not
    counted (a command table's mnemonic column may sit eight bit columns and the D/CX, WRX, RDX
    columns away from its code column)."""
    lo, hi = sorted((k, addr))
    return 1 + sum(1 for j in range(lo + 1, hi) if not _bit_head(header_of[j]) and j not in signals)


def _moved_columns(a: list[float], b: list[float], addr_col: int, name_col: int) -> tuple[int, int] | None:
    """The address and name columns of the previous page's table in this page's walls, where the
    two pages draw the same frame but place their inner walls by their own cells (a wall more or
    less between bit columns): the first or last column stays first or last, an inner one is
    found within 8 points on both sides; else None."""
    if len(a) < 4 or len(b) < 4 or abs(a[0] - b[0]) > 3.0 or abs(a[-1] - b[-1]) > 3.0:
        return None

    def find(k: int) -> int | None:
        if k == 0 or k == len(a) - 2:  # the first or the last column: the frame's own edge
            return 0 if k == 0 else len(b) - 2
        hits = [j for j in range(len(b) - 1) if abs(b[j] - a[k]) <= 8.0 and abs(b[j + 1] - a[k + 1]) <= 8.0]
        return hits[0] if len(hits) == 1 else None
    ka, kn = find(addr_col), find(name_col)
    return None if ka is None or kn is None or ka == kn else (ka, kn)


_POINTER_HEAD = re.compile(r"addr|offset|pointer|index|\breg", re.I)  # short binary codes that do address registers


def _join_wrapped_codes(cs: list[tuple[int, AddrCell | None, str]], line_cells) -> list[tuple[int, AddrCell | None, str]]:
    """A marked code wrapped mid-token over two lines of one cell ("0x3" over "C", "1" over "Ch")
    is one cell: when some of a column's codes are split so, its fragments are joined (a short
    code followed, in the same row band, by a line holding only one or two hex digits)."""
    out: list[tuple[int, AddrCell | None, str]] = []
    full = max((len(t) for _i, c, t in cs if c is not None and c.kind == "0x"), default=0)

    def tail(j: int) -> str | None:
        """The one or two hex digits of the column's next line below code ``j``, in its row band."""
        i, c, _t = cs[j]
        if j + 1 >= len(cs) or c is None or c.kind != "0x":
            return None
        i2, _c2, t2 = cs[j + 1]
        # (the next of the column's lines in the same row band: a taller glyph in another cell
        # can put a line of its own between the two)
        ok = i2 <= i + 3 and line_cells[i2][1] == line_cells[i][1] and re.fullmatch(r"[0-9A-Fa-f]{1,2}", t2)
        return t2 if ok else None

    # a column so narrow that every code wraps at the same width ("0X300" over "1", "0X300" over
    # "a"): no code is printed whole to measure the others by
    codes = sum(1 for _i, c, _t in cs if c is not None and c.kind == "0x")
    tails = {j: t2 for j in range(len(cs)) if (t2 := tail(j)) is not None}
    all_wrapped = len(tails) >= 3 and len(tails) >= 0.6 * codes
    j = 0
    while j < len(cs):
        i, c, t = cs[j]
        t2 = tails.get(j)
        if t2 is not None and (all_wrapped or len(t) < full):
            if all_wrapped or len(t) + len(t2) == full:
                joined = parse_addr_cell(t + t2)
                if joined is not None:
                    out.append((i, joined, t + t2))
                    j += 2
                    continue
        out.append((i, c, t))
        j += 1
    return out


def _nibble_codes(cells: list[tuple[int, AddrCell | None, str]]) -> bool:
    """Four or more codes, all 0/1 strings of at most four digits ("0000" .. "1111"): the values
    of a bit field, not addresses."""
    parsed = [c for _i, c, _t in cells if c is not None]
    return len(parsed) >= 4 and all(c.kind == "bare" and re.fullmatch(r"[01]{1,4}", c.text) for c in parsed)


def _mostly_parse(cells: list[tuple[int, AddrCell | None, str]]) -> bool:
    """At least half of a column's cells (filler and parameter-byte cells aside) are addresses."""
    real = [c for _i, c, t in cells if not NOT_NAME.match(t) and not _PARAM_CELL.match(t)]
    if command_groups([t for _i, _c, t in cells], [j for j, (_i, c, _t) in enumerate(cells) if c is not None]):
        return True  # a command list's codes among its parameter values
    return bool(real) and sum(1 for c in real if c is not None) >= 0.5 * len(real)


def _join_across_open_walls(cells: list[list[Word]], xs: list[float], vsegs, y: float) -> None:
    """A phrase centred in a cell merged over two sub-columns ("Relative X" across the "HIGH
    byte | LOW byte" halves, no rule drawn at its height) is one cell: words a word space apart
    across a wall that is not drawn at the line's height join the left cell."""
    def joins(left: list[Word], right: list[Word], x: float) -> bool:
        if not left or not right or any(abs(v.pos - x) <= 2.5 and v.a - 1 <= y <= v.b + 1 for v in vsegs):
            return False
        last = max(left, key=lambda w: w[2])
        return -1.0 <= min(w[0] for w in right) - last[2] <= 0.5 * (last[3] - last[1])

    # (most lines join nothing: that is settled before any cell is parsed)
    if not any(joins(cells[j - 1], cells[j], xs[j]) for j in range(1, len(cells))):
        return
    # (only on a row's line, one with an address in another cell: header words of two columns,
    # "D/C# Hex", sit a word space apart in a header row drawn without walls)
    if not any(t and parse_addr_cell(t) is not None and not _DC_HEAD.match(t) and not _BIT_LABEL.fullmatch(t)
               for t in (_cell_text(c) for c in cells)):
        return
    into: dict[int, int] = {}  # a cell emptied by a join -> the cell its words went to
    for j in range(1, len(cells)):
        k = into.get(j - 1, j - 1)  # (a phrase over three sub-columns joins twice)
        if joins(cells[k], cells[j], xs[j]):
            cells[k].extend(cells[j])
            cells[j].clear()
            into[j] = k


def header_above(g: Grid, words: list[Word]) -> Grid:
    """``g`` grown upwards over its header row when the header is printed right above the ruled
    body with no rulings of its own (an exported sheet whose header cells are undrawn): up to three
    lines ending just above the first wall, inside the table's width, no word across a column wall,
    header words in two columns or more, while the body's own first line holds none, over a body of
    three rows or more. The header band gets the body's column walls."""
    first = [w for w in words if g.x0 - 1 <= (w[0] + w[2]) / 2 <= g.x1 + 1 and g.y0 <= (w[1] + w[3]) / 2 <= g.y0 + 14]
    if not first or len(g.xs) < 4 or len(g.ys) < 4:
        return g  # (a body of one or two rows under a line of words is a frame, not a sheet)
    top_line = min(group_lines(first), key=lambda ln: ln.y)
    if _vocab_columns(top_line.words, g.xs) >= 2:
        return g  # the body begins with its header
    above = [w for w in words if g.x0 - 1 <= (w[0] + w[2]) / 2 <= g.x1 + 1 and g.y0 - 40 <= w[1] and w[3] <= g.y0 + 1]
    if not above:
        return g
    lines = sorted(group_lines(above), key=lambda ln: -ln.y)
    block, bottom = [], g.y0
    for ln in lines[:3]:  # upwards from the body, contiguous lines only
        lo = max(w[3] for w in ln.words)
        if bottom - lo > 8:
            break
        block.append(ln)
        bottom = min(w[1] for w in ln.words)
    ws = [w for ln in block for w in ln.words]
    if not ws or any(w[0] + 2 < x < w[2] - 2 for w in ws for x in g.xs) or _PROSE.search(" ".join(w[4] for w in ws)):
        return g
    if _vocab_columns(ws, g.xs) < 2:
        return g
    top = bottom - 1
    return Grid(g.x0, top, g.x1, g.y1, g.xs, [top] + list(g.ys),
                g.vsegs + [Seg(False, x, top, g.y0) for x in g.xs], g.hsegs + [Seg(True, top, g.x0, g.x1)])


def _vocab_columns(ws: list[Word], xs: list[float]) -> int:
    """How many columns (between the walls ``xs``) hold a header word among ``ws``."""
    cols: dict[int, list[str]] = {}
    for w in ws:
        k = bisect_right(xs, (w[0] + w[2]) / 2)
        cols.setdefault(k, []).append(w[4])
    return sum(1 for t in cols.values() if _HEAD_VOCAB.search(" ".join(t)))


def read_grid(g: Grid, words: list[Word], ctx: GridContext | None = None, page: int = 0) -> GridTable:
    """Type the columns of one drawn table by content and read its register rows."""
    g = header_above(g, words)
    inside = [w for w in words if g.x0 - 1 <= (w[0] + w[2]) / 2 <= g.x1 + 1
              and g.y0 - 1 <= (w[1] + w[3]) / 2 <= g.y1 + 1]
    bbox = (g.x0, g.y0, g.x1, g.y1)
    if not inside:
        return GridTable(bbox, [], rejected="empty")
    # text lines of the table, each split at the column walls (drawn, or gaps of whitespace
    # inside a wide drawn column: tables ruled between rows only)
    lines = group_lines(inside)
    xs = _text_walls(g.xs, g.ys, lines)
    ncol = len(xs) - 1
    if ncol < 1:  # a frame whose walls collapsed into one (a drawn box, not a table)
        return GridTable(bbox, [], rejected="no columns")
    ys = g.ys
    line_cells: list[tuple[Line, int, list[list[Word]]]] = []  # line, band index, cells
    for ln in lines:
        band = max(0, min(len(ys) - 2, bisect_right(ys, ln.y) - 1))
        cells: list[list[Word]] = [[] for _ in range(ncol)]
        crossing = [w for w in ln.words if any(w[0] + 3 < x < w[2] - 3 for x in xs)]
        drawn: list[float] = []
        if crossing:  # walls drawn at this line's height (a merged title cell has none)
            yc = ln.y
            drawn = [x for x in xs if any(w[0] + 3 < x < w[2] - 3 for w in crossing)
                     and any(abs(v.pos - x) <= 2.5 and v.a - 1 <= yc <= v.b + 1 for v in g.vsegs)]
        for w0 in ln.words:
            for w in (_split_at_walls(w0, drawn) if drawn else (w0,)):
                xc = (w[0] + w[2]) / 2
                k = max(0, min(ncol - 1, bisect_right(xs, xc) - 1))
                cells[k].append(w)
        _join_across_open_walls(cells, xs, g.vsegs, ln.y)
        line_cells.append((ln, band, cells))
    # band-level cell text (a multi-line cell of one row reads as one)
    bands: dict[int, list[tuple[Line, list[list[Word]]]]] = {}
    for ln, b, cells in line_cells:
        bands.setdefault(b, []).append((ln, cells))
    # column statistics over lines (one row per line when bands hold several register lines)
    best_addr = None
    col_cells: list[list[tuple[int, AddrCell | None, str]]] = [[] for _ in range(ncol)]
    # rows drawn across the whole table (a rule under only some columns splits a row into
    # sub-rows, or a grouped header into its sub-headers)
    full = sorted(h.pos for h in g.hsegs if h.a <= g.x0 + 3 and h.b >= g.x1 - 3)
    header_of, n_head = _headers(line_cells, ncol, _group_rows(line_cells, xs, g.vsegs),
                                 [bisect_right(full, ln.y) for ln, _b, _c in line_cells] if full else None)
    joined = None
    hi_head = any(HI_BYTE_HEAD.search(h) for h in header_of)
    if hi_head or (ctx is not None and ctx.byte_pair is not None and ctx.byte_pair + 1 < ncol):
        # (cell texts only for a table that may hold the pair: most tables do not)
        texts = [[_cell_text(c) for c in cells] for _ln, _b, cells in line_cells[n_head:]]
        if hi_head:
            joined = byte_pair_column(header_of, texts)
        elif byte_pair_column(["hi", "lo"], [row[ctx.byte_pair:ctx.byte_pair + 2] for row in texts], 1) == 0:
            joined = ctx.byte_pair  # (a continuation without its header: the pair its page began)
    if joined is not None:
        # the pair is one address column, 0x + high + low, in the low byte's place
        for _ln, _b, cells in line_cells[n_head:]:
            hi, lo = cells[joined], cells[joined + 1]
            if hi and lo:
                both = hi + lo
                cells[joined + 1][:] = [(min(w[0] for w in both), min(w[1] for w in both), max(w[2] for w in both),
                                         max(w[3] for w in both), f"0x{_cell_text(hi)}{_cell_text(lo)}")]
            cells[joined][:] = []
        header_of[joined + 1] = joined_byte_head(header_of[joined + 1])
        header_of[joined] = ""
    for idx, (_ln, _b, cells) in enumerate(line_cells):
        if idx < n_head or bit_label_line([_cell_text(c) for c in cells]):
            continue
        for k in range(ncol):
            t = _cell_text(cells[k])
            if t:
                col_cells[k].append((idx, parse_addr_cell(t), t))
    for k in range(ncol):
        joined_cells = _join_wrapped_codes(col_cells[k], line_cells)
        if len(joined_cells) != len(col_cells[k]):
            # the rows read a cell's words, not this list: the fragments join there too
            tails = {i for i, _c, _t in col_cells[k]} - {i for i, _c, _t in joined_cells}
            for i, _c, txt in joined_cells:
                cell = line_cells[i][2][k]
                if cell and _cell_text(cell) != txt:
                    w = cell[0]
                    cell[:] = [(w[0], w[1], max(x[2] for x in cell), max(x[3] for x in cell), txt)]
            for i in tails:
                line_cells[i][2][k].clear()
        col_cells[k] = joined_cells
    # "Byte N" columns (by the header, or a line of such labels where no header was told apart)
    # that hold values
    lane_cols = [k for k in range(ncol) if BYTE_N.fullmatch(header_of[k].strip())]
    if len(lane_cols) < 3:
        lane_cols = next(([k for k, c in enumerate(cells) if BYTE_N.fullmatch(_cell_text(c).strip())]
                          for _ln, _b, cells in line_cells
                          if sum(1 for c in cells if BYTE_N.fullmatch(_cell_text(c).strip())) >= 3), [])
    lanes = set(lane_cols) if value_lanes(lane_cols, col_cells) else set()
    scores = []
    dc_col = _dc_column(header_of) if n_head else None
    if dc_col is not None:
        flat = [(ln, cells) for ln, _b, cells in line_cells]
        flat_band = [b for _ln, b, _cells in line_cells]
    for k in range(ncol):
        cs = col_cells[k]
        grouped = command_groups([t for _, _, t in cs], [j for j, (_, c, _) in enumerate(cs) if c is not None])
        if dc_col is not None and k != dc_col:
            # a 0 in the data/command column marks the command rows; the others are parameters
            texts = [""] * len(line_cells)
            for i, _c, t in cs:
                texts[i] = t
            opens = _dc_opens(flat, flat_band, texts, dc_col)
            if opens is not None:
                opened = set(opens)
                grouped = [j for j, (i, _c, _t) in enumerate(cs) if i in opened]
        if grouped is not None:
            cs = [cs[j] for j in grouped]  # a command list's codes, without its parameter values
        parsed = [c for _, c, _ in cs if c is not None]
        head = header_of[k]
        if len(parsed) < 2 and not (parsed and _ADDR_HEAD.search(head)):
            continue  # one row is typed by its header only
        if k in lanes:
            continue  # "Byte 4 | Byte 3 .. Byte 0": the bytes of one value per row, not addresses
        if _BUS_ADDR_HEAD.search(head) or _VALUE_CODE_HEAD.match(head.strip()) \
                or (MASK_HEAD.search(head) and not _ADDR_HEAD.search(head)) or MODE_HEAD.fullmatch(head):
            continue
        if _NO_ADDR_HEAD.match(head.strip()) and not _ADDR_HEAD.search(head):
            continue
        if re.search(r"\b(?:d|db|bit)\s?\d{1,2}\b", head, re.I) or _VALUE_HEAD.search(head):
            continue  # a bit column (D7, DB3, Bit 5) under a table title, or a value column
        if re.search(r"(?:^|\s)\d{2,5}$", head.strip()) and not re.search(r"byte|cycle|param|data|word", head, re.I) \
                and all(c.kind in ("0x", "h") for c in parsed):
            continue  # marked codes under a register's number ("Register 527"): that register's values
        if re.search(r"\bvalues?\b", head, re.I) \
                and not re.match(r"\s*(?:addr|offset|pointer|index|reg\w*\s+(?:addr|#|no))", head, re.I) \
                and not re.search(r"instruction|command|op-?code", head, re.I) \
                or re.search(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)[0-9a-f]{1,4}h\b", head, re.I) and len(head.split()) > 1:
            continue  # values written to one register ("Control register value (address 0xF4)")
        # parameter-byte rows ("A[6:0]") under a command code neither parse nor count against it
        rate = len(parsed) / max(1, len([1 for _, c, t in cs if not NOT_NAME.match(t) and not _PARAM_CELL.match(t)]))
        base = column_base(parsed, head)
        vals = [addr_value(c, base) for c in parsed]
        uniq = len(set(vals)) / len(vals)
        paged = False
        if 0.4 <= uniq < 1.0 and len(set(vals)) >= 3:
            # paged maps reuse addresses: unique together with a short block column ("Page")
            idx_val = {i: addr_value(c, base) for i, c, _t in cs if c is not None}
            for k2 in range(ncol):
                if k2 == k:
                    continue
                blk = {i: t for i, _c, t in col_cells[k2] if len(t) <= 8}
                pairs = [(blk.get(i, ""), v) for i, v in idx_val.items()]
                seq = [blk[i] for i in sorted(idx_val) if i in blk]
                changes = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
                # a block column changes rarely (a page or bank number), unlike a bit column
                if len(seq) >= 0.5 * len(idx_val) and changes <= 0.34 * len(seq):
                    if len(set(pairs)) / len(pairs) > uniq:
                        uniq, paged = len(set(pairs)) / len(pairs), True
        if uniq < 0.9 and k + 1 < ncol and len(vals) >= 4:
            # two-cycle commands ("1st CYCLE | 2nd CYCLE": 00h-30h, 00h-35h, 31h): a first code
            # repeats and a second code, printed for some rows only, makes each row unique
            first = {i: addr_value(c, base) for i, c, _t in cs if c is not None}
            second = {i: c for i, c, _t in col_cells[k + 1] if c is not None and c.kind in ("0x", "h")}
            # (a second code on all rows but one is a pair per row, a value or a coordinate, with
            # a stray line; two-cycle commands leave the second cycle out of many rows)
            if 0.3 * len(first) <= len(second) <= min(0.85 * len(first), len(first) - 2) \
                    and all(i in first for i in second):
                pairs = [(v, addr_value(second[i], "hex") if i in second else None) for i, v in first.items()]
                if len(set(pairs)) == len(pairs):
                    uniq, paged = 1.0, True
        inc = sum(1 for a, b in zip(vals, vals[1:]) if b > a)
        dec = sum(1 for a, b in zip(vals, vals[1:]) if b < a)
        mono = max(inc, dec) / max(1, len(vals) - 1)
        # bit-number columns (7, 6, 5 .. 0) describe fields, not registers
        bitlike = base != "hex" or all(c.kind == "bare" for c in parsed)
        if bitlike and vals and max(vals) <= 31 and dec > inc:
            continue
        if _nibble_codes(cs) and not _POINTER_HEAD.search(head):
            continue  # nibble codes "0000".."1111": the values of a 4-bit field (a value -> meaning table)
        if single_bit_masks(vals):
            continue  # 0x10000, 0x20000, 0x40000 ..: the masks of a flag word's bits, not addresses
        if base == "bin" or all(c.kind == "bin" or re.fullmatch(r"[01]{1,7}", c.text) for c in parsed):
            if not any(c.kind == "bin" for c in parsed) and not _ADDR_HEAD.search(head):
                continue  # short 0/1 codes: a value -> meaning table
        if sum(1 for c in parsed if c.is_range) > 0.5 * len(parsed) \
                and not narrow_ranges([t for _i, c, t in cs if c is not None and c.is_range], base):
            continue  # mostly ranges ("0 - 50", "51 - 100"): a value scale, not an address list
        marked = sum(1 for c in parsed if c.kind in ("0x", "h", "bin")) / len(parsed)
        if _HEX_BASE_HEAD.search(head):
            marked = 1.0  # bare numbers under a header that says they are base 16 ("编号 (16 进制)")
        if marked < 0.5 and not _ADDR_HEAD.search(head):
            continue  # bare numbers under no address header: pin numbers, values, counts
        s = rate * 0.4 + uniq * 0.3 + mono * 0.2 + marked * 0.1 + (0.15 if _ADDR_HEAD.search(head) else 0.0)
        # of two offset columns ("Word Offset 0..7" beside "Byte Offset 0000..001C") the one printed
        # at a fixed width of two or more digits is the address; a running count is an index
        widths = {len(c.text) for c in parsed}
        if len(widths) == 1 and min(widths) >= 2:
            s += 0.05
        if re.search(r"\bword\b|\bindex\b|\bno\.|#|\bnumber\b", head, re.I):
            s -= 0.05
        # command tables list opcodes in no order: marked, unique codes under a code header
        ordered = mono >= 0.6 or (uniq >= 0.9 and (marked >= 0.8 or _ADDR_HEAD.search(head) is not None))
        if rate >= 0.6 and uniq >= 0.75 and ordered:
            scores.append((s, -k, k, base, paged))
    carried = None
    # a table with a header of its own words, drawn lower on the same page with the same walls,
    # is another table, not the rest of the one above it
    # (when it can be typed by its own header and cells; else its rows go on under the roles above)
    headed_here = ctx is not None and ctx.page == page and n_head > 0 and bool(scores) and any(
        NAME_LETTERS.search(h) and parse_addr_cell(h) is None for h in header_of) \
        and not (ctx.addr_col < len(header_of)
                 and re.sub(r"\s+", "", header_of[ctx.addr_col]) == re.sub(r"\s+", "", ctx.addr_head))
    if ctx is not None and ctx.xs is not None and page - ctx.page <= 1 and not headed_here:
        within = _walls_within(ctx.xs, xs) if page > ctx.page else None
        if _same_walls(ctx.xs, xs) or page > ctx.page and _same_frame(ctx.xs, xs, ctx.addr_col):
            carried = (ctx.addr_col, ctx.name_col)
        elif within is not None and ctx.name_col + 1 < len(within):
            carried = (within[ctx.addr_col], within[ctx.name_col])  # the same frame, walls added
            if n_head and _norm_head(header_of[carried[0]]) != _norm_head(ctx.addr_head) \
                    and re.search(r"[a-z]{2}", header_of[carried[0]], re.I) and parse_addr_cell(header_of[carried[0]]) is None:
                carried = None  # a header of its own: another table in the same frame
        elif page > ctx.page and not ctx.closed:
            carried = _moved_columns(ctx.xs, xs, ctx.addr_col, ctx.name_col)
            if carried is not None and n_head and _norm_head(header_of[carried[0]]) != _norm_head(ctx.addr_head) \
                    and re.search(r"[a-z]{2}", header_of[carried[0]], re.I) and parse_addr_cell(header_of[carried[0]]) is None:
                carried = None  # a header of its own: another table in the same frame
    if carried is not None and not col_cells[carried[0]] and page > ctx.page \
            and any(col_cells[k] for k in range(ncol)):
        # a page of the table that holds only the field rows of a register begun above (its
        # address column empty): the table goes on, and on the next page too
        ctx.page = page
        return GridTable(bbox, [], rejected="continued, field rows only", continued=True)
    if carried is not None and _mostly_parse(col_cells[carried[0]]) \
            and not (_nibble_codes(col_cells[carried[0]]) and not _POINTER_HEAD.search(header_of[carried[0]])):
        # the table goes on from the previous page: keep its column roles
        if carried != (ctx.addr_col, ctx.name_col):
            ctx.xs, ctx.addr_col, ctx.name_col = xs, carried[0], carried[1]  # this page's walls from now on
        dc = ctx.dc_col if dc_col is None else dc_col
        regs = _rows(bands, ctx.addr_col, ctx.name_col, ctx.base, _open_below(g, xs, ctx.name_col), dc)
        if outcome_names([r.name for r in regs]):
            # the same header over a table of return codes ("VER error", "Normal"): another table
            return GridTable(bbox, [], rejected=OUTCOME_NAMES)
        for r in regs:
            r.confidence = round(ctx.conf * 0.95, 3)
        ctx.page = page
        return GridTable(bbox, regs, addr_header=header_of[ctx.addr_col], name_header=header_of[ctx.name_col],
                         continued=True)
    if ctx is not None and ctx.page == page and n_head and any(re.search(r"[a-z]{3}", h, re.I) or NAME_LETTERS.search(h)
                                                                and parse_addr_cell(h) is None for h in header_of):
        ctx.closed = True  # the table read before ends here (a headed table follows it)
    if not scores:
        if lanes:
            # (judged: no other reader takes its rows for registers)
            return GridTable(bbox, [], addr_header=" ", rejected="byte lanes (the bytes of one value per row)")
        return GridTable(bbox, [], rejected="no address column (cells that parse, unique, mostly increasing)")
    scores.sort(reverse=True)
    parallel = _parallel_columns([sc[2] for sc in scores], col_cells)
    if parallel:
        # three or more address columns that run side by side, row for row (a register's address
        # in RAM and in each of several banks): the first printed is the register's own address,
        # whichever of them a grouped header word happens to sit over
        scores.sort(key=lambda sc: (sc[2] != min(parallel), -sc[0]))
    _s, _nk, best_addr, base, paged = scores[0]
    if base == "dec" and ctx is not None and ctx.base == "hex" and ctx.addr_head \
            and _norm_head(ctx.addr_head) == _norm_head(header_of[best_addr]) \
            and not strong_decimal([c for _i, c, _t in col_cells[best_addr] if c is not None], header_of[best_addr]):
        # a few unpadded numbers past 9 ("71 72 73") under the header of a hex map read before:
        # the same map's base, not a decimal count
        base = "hex"
    run = code_matrix_run({sc[2] for sc in scores}, best_addr, header_of)
    if run:
        # three or more neighbouring columns of codes under headers that are not address words
        # ("DIG4 | DIG3 | DIG2 | DIG1" over "47H 46H 45H 44H"): a 2-D table of codes read back
        # (row label x column label), not a register list; a drawn register matrix with
        # nibble headers is the matrix reader's (parsers.pdf_matrix)
        return GridTable(bbox, [], addr_header=header_of[best_addr],
                         rejected=f"columns {run[0] + 1}-{run[-1] + 1} all hold codes (a 2-D code table)")
    # name column: short, unique text cells with letters; header words break ties. A cell
    # is a row's cell: the lines of a band with exactly one address read as one (a name centred or
    # wrapped over the parameter lines of its row), else each line
    addr_lines = {idx for idx, c, _t in col_cells[best_addr] if c is not None}
    band_idx: dict[int, list[int]] = {}
    for idx, (_ln, b, _cells) in enumerate(line_cells):
        if idx >= n_head:
            band_idx.setdefault(b, []).append(idx)

    def row_texts(k: int) -> list[tuple[AddrCell | None, str]]:
        out = []
        for idxs in band_idx.values():
            groups = [idxs] if sum(1 for i in idxs if i in addr_lines) == 1 else [[i] for i in idxs]
            for grp in groups:
                t = _cell_text([w for i in grp for w in line_cells[i][2][k]])
                if t:
                    out.append((parse_addr_cell(t), t))
        return out

    signals = {k for k in range(ncol)
               if col_cells[k] and all(_SIGNAL_CELL.fullmatch(t.strip()) for _i, _c, t in col_cells[k])}
    name_scores: list[tuple[float, int]] = []
    content_scores: list[tuple[float, int]] = []
    named_rows: dict[int, int] = {}
    for k in range(ncol):
        if k == best_addr:
            continue
        # a cell that reads as a marked number ("H'7FFFFF", "0x1F", "7Fh") is a value, not a name
        ts = [t for c, t in row_texts(k) if c is None or (c.kind == "bare" and re.search(r"[g-zG-Z]", t))]
        ts = [t for t in ts if not NOT_NAME.match(t)]
        if len(ts) < 2 and not (ts and _NAME_HEAD.search(header_of[k])):
            continue
        letters = [t for t in ts if NAME_LETTERS.search(t)]
        if len(letters) < 0.6 * len(ts):
            continue
        ident = sum(1 for t in letters if _IDENT.match(t) or wrapped_ident(t)) / len(letters)
        short = sum(1 for t in letters if len(t.split()) <= 6 and len(t) <= 48) / len(letters)
        prose = sum(1 for t in letters if _PROSE.search(t)) / len(letters)
        uniq = len(set(letters)) / len(letters)
        head = header_of[k]
        # parameter tables (but a start address spelt in two byte columns is a protocol's
        # register map, whose names are "Parameters", and a "Variable Name" column names the
        # rows); a bit column ("D7", "Bit 7", "7") holds field names, not register names
        # (a "Variable" column names the rows as a "Variable Name" one does, its unit printed
        # under the word or not: "VARIABLE ENG. UNIT")
        var_head = re.match(r"\s*variables?\b", head, re.I) is not None
        if (_PARAM_HEAD.search(head) and joined is None and not re.search(r"\bnames?\b", head, re.I) and not var_head) \
                or _bit_head(head):
            continue
        vetoed = _NO_NAME_HEAD.search(head) and not var_head \
            and not _NAME_HEAD.search(re.sub(r"register\s+content", "", head, flags=re.I))
        # (a description names the rows of a command list, or of a register list numbered in hex
        # with no name column: "编号 (16 进制) | 说明")
        if vetoed and not CONTENT_HEAD.match(head) and not (DESCRIPTION_HEAD.match(head) and (
                _COMMAND_HEAD.search(header_of[best_addr]) or _HEX_BASE_HEAD.search(header_of[best_addr]))):
            continue  # (a description names the rows of a command list only, not a value's meanings)
        if (DESCRIPTION_HEAD.match(head) or re.fullmatch(r"\s*descriptions?\s*", head, re.I)) \
                and _COMMAND_HEAD.search(header_of[best_addr]):
            # what each command does, the only name a command list prints: a sentence may run
            # longer than a name ("Drive M1 / M2 With Signed Speed, Acceleration And Distance.")
            short = sum(1 for t in letters if len(t.split()) <= 12 and len(t) <= 90) / len(letters)
        s = ident * 0.4 + short * 0.3 + uniq * 0.3 - prose * 0.5 + (0.2 if _NAME_HEAD.search(head) else 0.0) \
            - 0.06 * _apart(k, best_addr, header_of, signals)
        if short >= 0.6 and uniq >= 0.6:
            (content_scores if vetoed else name_scores).append((s, k))
            named_rows[k] = len(letters)
    # (a column that names few of the address rows, the low half of a split name cell, is not the
    # name column when another names most of them)
    most = max(named_rows.values(), default=0)
    if most >= 0.5 * len(addr_lines):
        name_scores = [(s - 0.3 if named_rows[k] < 0.5 * len(addr_lines) else s, k) for s, k in name_scores]
    # a column headed "Content" names the rows only where no other column can ("No | Content |
    # CID2 | Note": what each command does); beside a name column it holds values
    name_scores = name_scores or content_scores
    if not name_scores:
        return GridTable(bbox, [], addr_header=header_of[best_addr], rejected="no name column")
    name_scores.sort(reverse=True)
    name_col = name_scores[0][1]
    conf = max(0.0, min(1.0, 0.5 * scores[0][0] + 0.5 * name_scores[0][0]))
    regs = _rows(bands, best_addr, name_col, base, _open_below(g, xs, name_col), dc_col,
                 clause=bool(DESCRIPTION_HEAD.match(header_of[name_col])))
    regs = [r for r in regs if not _BIT_NAME.fullmatch(r.name)]
    # a map printed in side-by-side halves ("Addr | Name | Addr | Name"): every other address
    # column with a name column at the same offset and the same header words reads too
    off = name_col - best_addr
    for _s2, _nk2, k2, base2, _p2 in scores:
        n2 = k2 + off
        if k2 == best_addr or not 0 <= n2 < ncol or n2 in (best_addr, name_col) \
                or n2 in {sc[2] for sc in scores} \
                or _norm_head(header_of[k2]) != _norm_head(header_of[best_addr]) \
                or _norm_head(header_of[n2]) != _norm_head(header_of[name_col]):
            continue
        regs += _rows(bands, k2, n2, base2, _open_below(g, xs, n2))
    t = GridTable(bbox, [], addr_header=header_of[best_addr], name_header=header_of[name_col])
    if _PARAM_HEAD.search(header_of[best_addr]) and not _ADDR_WORD_ONLY.search(header_of[best_addr]):
        t.rejected = "the code column holds a parameter's values ('Pin Command Parameter': a value -> meaning table)"
        return t
    if field_headed(header_of, best_addr):
        t.rejected = "the code column is headed by a bit-field name (the values of that field)"
        return t
    # (a header merged over a decimal and a hex sub-column is split between them: "Error" | "Code")
    if OUTCOME_HEAD.search(re.sub(r"\s*\b(?:dec|hex)(?:imal|adecimal)?\b", "",
                                  " ".join(header_of[max(0, best_addr - 1):best_addr + 1]), flags=re.I)):
        t.rejected = "the code column lists outcome codes (an error or status code -> meaning table)"
        return t
    if any(VALUE_WORD.match(txt.strip()) for _i, _c, txt in col_cells[best_addr]):
        t.rejected = "the code column holds truth values (a property -> value table)"
        return t
    if NODE_HEAD.match(header_of[name_col].strip()):
        t.rejected = "the names are nodes of a bus ('Module | Address': bus addresses, not registers)"
        return t
    for k in range(best_addr):
        # "0x5E:" over "0x1D": a register and an offset into the block it opens, in a column
        # left of the one chosen; the chosen column then holds values (defaults), not addresses
        if sum(1 for _i, _c, txt in col_cells[k] if BLOCK_PREFIX.match(txt.strip())) >= MIN_BLOCK_ROWS:
            t.rejected = f"addresses are register:offset pairs in column {k + 1}; column {best_addr + 1} holds values"
            return t
    if _sized_layout(regs, col_cells, best_addr, name_col, base):
        t.rejected = "offsets advance by each row's size and names are lower-case fields (a data layout)"
        return t
    others = [k for k in range(ncol) if k not in (best_addr, name_col)]
    starts = {i: addr_value(c, base) for i, c, _t in col_cells[best_addr] if c is not None}
    names_at = {i: txt for i, _c, txt in col_cells[name_col]}
    rows_in = sorted(i for i in starts if names_at.get(i))
    at = [{i: txt for i, _c, txt in col_cells[k]} for k in others]
    why = other_columns_rejection([header_of[k] for k in others], [[txt for _i, _c, txt in col_cells[k]] for k in others],
                                  [names_at[i] for i in rows_in], [starts[i] for i in rows_in],
                                  [[cells.get(i, "") for i in rows_in] for cells in at])
    if why:
        t.rejected = why
        return t
    # consistency: unique names and unique addresses within one table
    one_row_ok = bool(_ADDR_HEAD.search(header_of[best_addr]) and _NAME_HEAD.search(header_of[name_col]))
    if len(regs) < (1 if one_row_ok else 2):
        t.rejected = f"{len(regs)} register row(s)"
        return t
    names = [r.name.lower() for r in regs if not r.alt_copy]  # a slash pair's second code repeats the name
    if len(set(names)) < 0.7 * name_runs(names, [r.address for r in regs if not r.alt_copy]):
        t.rejected = "names repeat (not a register map)"
        return t
    if sum(1 for r in regs if re.match(r"[a-z]+\s", r.name)) > 0.5 * len(regs):
        t.rejected = "names are lower-case phrases (a value -> meaning table)"
        return t
    if sum(1 for r in regs if re.search(r"\[[^\]]*[:\-][^\]]*\]", r.name) or listed_name(r.name)) > 0.4 * len(regs) \
            and not byte_registers([r.name for r in regs], [r.address for r in regs],
                                   2 if re.search(r"regist", header_of[name_col], re.I) else 3):
        t.rejected = "names are bit fields or lists (a parameter or data-layout table)"
        return t
    if not paged and len({r.address for r in regs}) < 0.8 * len(regs):
        t.rejected = "addresses repeat (a field or value table)"
        return t
    for r in regs:
        r.confidence = round(conf, 3)
    t.registers = regs
    if ctx is not None:
        ctx.xs, ctx.addr_col, ctx.name_col, ctx.base, ctx.conf, ctx.page = xs, best_addr, name_col, base, conf, page
        ctx.addr_head, ctx.closed, ctx.dc_col, ctx.byte_pair = header_of[best_addr], False, dc_col, joined
    return t


# a memory size ("4 KB", "64 Kbytes", "256 bytes", "1 MB"): the size of a region of a memory map
_MEM_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*(?:[KMG]i?B|[KMG]?bytes?|[KMG]byte|words?)$", re.I)
MEMORY_SIZES = "a column of memory sizes (a memory map of regions, not registers)"


BYTE_LANES = "each row fills a byte of a 32-bit word (bit ranges 7:0, 15:8, 23:16, 31:24 in turn): a data structure, not registers"
_BIT_RANGE = re.compile(r"^\[?(\d{1,2})\s*[:\-]\s*(\d{1,2})\]?$")


def byte_lanes(texts: list[str]) -> bool:
    """A column whose cells give, row after row, the bits of a 32-bit word each byte (or field of a
    byte) fills (``07:00``, ``15:08``, ``23:16``, ``31:24``, again): a parameter structure laid out
    byte by byte (a discoverable-parameter table), not a register map, whose fields go in tables of
    their own. (The two bytes of 16-bit registers, ``7:0`` / ``15:8`` in turn, never reach bit 16.)"""
    filled = [t.strip() for t in texts if t and t.strip()]
    ranges = [m for m in (_BIT_RANGE.match(t) for t in filled) if m]
    lanes = []
    for m in ranges:
        hi, lo = sorted((int(m.group(1)), int(m.group(2))), reverse=True)
        if hi < 32 and hi // 8 == lo // 8:
            lanes.append(lo // 8)
    if len(lanes) < 6 or len(ranges) < 0.6 * len(filled) or not {2, 3} <= set(lanes):
        return False
    steps = sum(1 for a, b in zip(lanes, lanes[1:]) if b in (a, (a + 1) % 4))
    return steps >= 0.7 * (len(lanes) - 1)


FIELD_POSITIONS = "a column of bit positions that tile one word (a register's bit-field table: its hex column holds defaults)"
_BITS_HEAD = re.compile(r"(?:^|\s)(?:bits?|bit\s*(?:position|range|field)s?|位)$", re.I)  # (the header's last line)


def field_positions(head: str, texts: list[str]) -> bool:
    """A column headed "Bits" whose cells, on the rows with a code, are distinct bit ranges or
    bit numbers that do not overlap ("0:7", "8:15"; "7", "6:0"): the fields of one register,
    whose hex column is their defaults. (A register map's width column repeats "[7:0]".)"""
    if not _BITS_HEAD.search(head.strip()):
        return False
    spans = [(lsb, msb) for msb, lsb in filter(None, (parse_bits(t) for t in texts if t))]
    if len(spans) < 2 or len(spans) < 0.6 * sum(1 for t in texts if t) or max(hi for _lo, hi in spans) > 63:
        return False
    spans.sort()
    return len(set(spans)) == len(spans) and all(b[0] > a[1] for a, b in zip(spans, spans[1:]))


OUTCOME_NAMES = "names are outcomes ('VER error', 'Invalid data', 'Normal': a return code -> meaning table)"
FRAME_FIELDS = "names are the fields of a bus message (device address, function code, check code): a frame, not registers"
FUNCTION_CODES = "names are operations on many registers or coils (a bus protocol's function codes)"
PIN_NUMBERS = "a column of pin numbers (a pin table, not a register map)"
COORDINATES = "cells are coordinate pairs ('(7E,01)': a memory or pixel layout, not registers)"
_COORD = re.compile(r"^\(\s*[0-9A-Fa-f]{1,4}h?\s*,\s*[0-9A-Fa-f]{1,4}h?\s*\)$")


def coordinate_cells(texts: list[str]) -> bool:
    """A column whose cells are mostly ``(x,y)`` pairs: the cells of a memory or pixel layout whose
    row labels are addresses, not a register map."""
    filled = [t.strip() for t in texts if t and t.strip()]
    return len(filled) >= 2 and sum(1 for t in filled if _COORD.match(t)) >= 0.6 * len(filled)


REGION_ENDS = "rows are address ranges (a start and an end address column: a memory map of regions or modules)"
_END_HEAD = re.compile(r"\b(?:end|last|top|upper|stop)\b", re.I)


def region_ends(header: str, texts: list[str], starts: list[int]) -> bool:
    """A column headed as an end address ("End Address") whose cells parse as addresses past
    each row's own: the rows are regions or module address spaces, not registers."""
    if not _END_HEAD.search(header or "") or len(starts) < 2:
        return False
    past = 0
    for t, a in zip(texts, starts):
        c = parse_addr_cell(t) if t else None
        if c is not None and addr_value(c, "hex") > a:
            past += 1
    return past >= 0.8 * len(starts)


RAM_ROWS = "rows are numbered elements each spanning consecutive addresses across columns (a display or memory RAM layout)"


def ram_rows(names: list[str], starts: list[int], texts: list[str]) -> bool:
    """Rows named by one word and a running number (``COM0``, ``COM1`` ...) whose other column
    holds the next address of each row (``00H`` | ``01H``, ``02H`` | ``03H``): the bytes of a RAM
    laid out row by row, not registers."""
    if len(names) < 4 or len(names) != len(starts) or len(texts) != len(starts):
        return False
    m = [re.fullmatch(r"([A-Za-z]+)\s*(\d+)", n.strip()) for n in names]
    if not all(m) or len({x.group(1).lower() for x in m}) != 1:
        return False
    nums = [int(x.group(2)) for x in m]
    if any(b != a + 1 for a, b in zip(nums, nums[1:])):
        return False
    nxt = 0
    for t, a in zip(texts, starts):
        c = parse_addr_cell(t) if t else None
        if c is not None and addr_value(c, "hex") == a + 1:
            nxt += 1
    return nxt >= 0.8 * len(starts)


_BYTE_SLICE = re.compile(r"^(.*?)\s*[\[<](\d+):(\d+)[\]>]$")


def byte_registers(names: list[str], addrs: list[int], min_values: int = 3) -> bool:
    """Names that slice a value (``MODEL_ID[15:8]``, ``MODEL_ID[7:0]``) where every slice has an
    address of its own and the slices of one value sit at consecutive addresses: a map of byte
    registers (camera sensors print wide values so), not a field or data-layout table."""
    if len(names) != len(addrs) or len(set(addrs)) != len(addrs):
        return False
    groups: dict[str, list[int]] = {}
    for n, a in zip(names, addrs):
        m = _BYTE_SLICE.match(n.strip())
        if m:
            hi, lo = int(m.group(2)), int(m.group(3))
            if hi - lo > 7:
                return False  # a slice wider than a byte is a field of a wider register
            groups.setdefault(m.group(1).lower(), []).append(a)
    multi = [sorted(g) for g in groups.values() if len(g) >= 2]
    # (two sliced values among a handful of rows are as likely a data frame's layout: the map
    # needs more of them, or a header that calls its names registers)
    return len(multi) >= min_values and all(all(b - a == 1 for a, b in zip(g, g[1:])) for g in multi)


def other_columns_rejection(headers: list[str], cells: list[list[str]], names: list[str], starts: list[int],
                            at_starts: list[list[str]]) -> str | None:
    """Why the columns beside a table's address and name columns make it no register map (every
    reader asks the same): ``headers`` and ``cells`` (all of a column's cells) per other column;
    ``names``, ``starts`` and ``at_starts`` (each other column's cell on those rows) for the rows
    that have an address."""
    if any(size_cells(c) for c in cells):
        return MEMORY_SIZES
    if any(region_ends(h, col, starts) for h, col in zip(headers, at_starts)):
        return REGION_ENDS
    if any(ram_rows(names, starts, col) for col in at_starts):
        return RAM_ROWS
    if any(byte_lanes(c) for c in cells):
        return BYTE_LANES
    if any(field_positions(h, c) for h, c in zip(headers, at_starts)):
        return FIELD_POSITIONS
    if sum(1 for c in cells if coordinate_cells(c)) >= 2:
        return COORDINATES
    if any(pin_numbers(h, c) for h, c in zip(headers, cells)):
        return PIN_NUMBERS
    if bus_function_codes(names):
        return FUNCTION_CODES
    if frame_fields(names):
        return FRAME_FIELDS
    if outcome_names(names):
        return OUTCOME_NAMES
    return None


def outcome_names(names: list[str]) -> bool:
    """Names that are outcomes of a request ("VER error", "CID2 invalid", "Normal"): a return
    code -> meaning table."""
    return len(names) >= 3 and sum(1 for n in names if _OUTCOME_NAME.search(n or "")) >= 0.6 * len(names)


_OUTCOME_NAME = re.compile(r"\b(?:errors?|invalid|fail(?:ed|ure)?|normal|ok|success(?:ful)?)$|^(?:normal|ok|success)\b", re.I)


_FRAME_FIELD = re.compile(r"^(?:(?:device|slave)\s+address|function\s+code|check\s*code|crc(?:\s*check)?|checksum|"
                          r"(?:start|starting)\s+address|byte\s+count|error\s+code|exception\s+code)\b", re.I)


def frame_fields(names: list[str]) -> bool:
    """The fields of one bus message ("Device address | function code | ... | Check code"), whose
    "addresses" are the values sent: two or more kinds of frame field, a function or check code
    among them."""
    kinds = {re.sub(r"\s+", " ", m.group(0).lower()) for n in names if (m := _FRAME_FIELD.match((n or "").strip()))}
    return len(kinds) >= 2 and any(k.startswith(("function", "check", "crc")) for k in kinds)


_BUS_FUNCTION = re.compile(r"\b(?:read|write|preset|force)\b.*\b(?:registers|coils?|discrete\s+inputs?)\b", re.I)


def bus_function_codes(names: list[str]) -> bool:
    """A bus protocol's function codes ("Read holding registers 03h", "Write multiple registers
    10h"): operations on many registers or coils, not registers of the device. (A command
    reading one register, "Read Status Register-1", is a device command.)"""
    return sum(1 for n in names if _BUS_FUNCTION.search(n or "")) >= max(2, 0.3 * len(names))


_PIN_HEAD = re.compile(r"^(?:\w+\s+)?pins?(?:\s*(?:numbers?|no\.?|#))?$", re.I)


def pin_numbers(header: str, texts: list[str]) -> bool:
    """A column of package pin numbers ("Module Pin Numbers": 15, 16, 17): the rows are pins,
    and what parsed as their addresses are pin functions or command mnemonics ("D5")."""
    filled = [t.strip() for t in texts if t and t.strip()]
    return bool(_PIN_HEAD.match(header.strip())) and len(filled) >= 3 \
        and sum(1 for t in filled if re.fullmatch(r"\d{1,3}", t)) >= 0.6 * len(filled)


def size_cells(texts: list[str]) -> bool:
    """A column whose cells are mostly memory sizes: the regions of a memory map (``Offset |
    Region | Size``), whose rows are no registers."""
    filled = [t.strip() for t in texts if t and t.strip()]
    return len(filled) >= 3 and sum(1 for t in filled if _MEM_SIZE.match(t)) >= 0.6 * len(filled)


def sized_rows(offs: list[int | None], names: list[str], others: list[list[str]]) -> bool:
    """A file-format or structure layout ("Offset | Field | Size": 0 bLength 1, 1 bDescriptorType
    1, 2 bcdUSB 2): field names that start in lower case ("magic", "bLength"; register names are
    mostly capitals), and a column of small sizes by which each row's offset advances to the next
    row's. ``offs`` and each of ``others`` run row by row (None: no offset on that row)."""
    if len(names) < 4 or sum(1 for n in names if n[:1].islower()) < 0.6 * len(names):
        return False
    for col in others:
        sizes = [int(x) if x.strip().isdigit() and 0 < int(x) <= 64 else None for x in col]
        pairs = [(a, b, z) for a, b, z in zip(offs, offs[1:], sizes) if a is not None and b is not None and z]
        if len(pairs) >= 3 and any(z > 1 for _a, _b, z in pairs) \
                and sum(1 for a, b, z in pairs if b - a == z) >= 0.8 * len(pairs):
            return True
    return False


def _sized_layout(regs: list[GridRegister], col_cells, addr_col: int, name_col: int, base: str) -> bool:
    """``sized_rows`` over a drawn table's lines."""
    offs = {i: addr_value(c, base) for i, c, _t in col_cells[addr_col] if c is not None}
    rows = sorted(offs)
    others = []
    for k, cells in enumerate(col_cells):
        if k not in (addr_col, name_col):
            text = {i: t for i, _c, t in cells}
            others.append([text.get(i, "") for i in rows])
    return sized_rows([offs[i] for i in rows], [r.name for r in regs], others)


# advance widths of Helvetica in 1/1000 em for the characters whose width differs most from
# the average; the rest count as 556 (digits, most lower-case letters)
_NARROW = dict.fromkeys("il.,:;'|!", 250) | dict.fromkeys("fjtI/[]()-r ", 300) | {"J": 500}
_WIDE = dict.fromkeys("mwMW", 870) | dict.fromkeys("ABCDEGHKNOQRUVXY", 720) | dict.fromkeys("FLPSTZ", 630) \
    | {"#": 556, "_": 556}


def _glyph_width(ch: str) -> int:
    return _NARROW.get(ch) or _WIDE.get(ch) or 556


def _split_at_walls(w: Word, xs: list[float]) -> list[Word]:
    """A word drawn across a column wall is two cells' words glued by the text layer
    ("D/C#Hex"): cut it at the wall, at the character boundary nearest the wall's share
    of its width (preferring a punctuation or case change)."""
    x0, y0, x1, y1, text = w[:5]
    inner = [x for x in xs if x0 + 3 < x < x1 - 3]
    if not inner or len(text) < 2:
        return [w]
    x = inner[0]
    # where the wall falls in characters, from proportional glyph widths ("D/CX" is narrower
    # than "WRX"; counting characters as equal cuts "GAMCTRN1|10.2.20" one late)
    ends = list(accumulate(_glyph_width(ch) for ch in text))
    share = (x - x0) / (x1 - x0) * ends[-1]

    def boundary(i: int) -> bool:
        a, b = text[i - 1], text[i]
        return (not a.isalnum() and b.isalnum()) or (a.islower() and b.isupper()) or (a.isalpha() != b.isalpha())

    # the cut nearest the wall; a punctuation or case change is worth a quarter of a glyph
    cut = min(range(1, len(text)), key=lambda i: abs(ends[i - 1] - share) - (150 if boundary(i) else 0))
    left = (x0, y0, x, y1, text[:cut])
    return [left] + _split_at_walls((x, y0, x1, y1, text[cut:]), xs)


_BIT_LABEL = re.compile(r"^([A-Za-z]{0,3})\s?(\d{1,2})$")


def bit_label_line(texts: list[str]) -> bool:
    """A row of bit labels (``B7 B6 .. B0``, ``D15 .. D8``, ``7 6 5 4``): consecutive numbers
    with one common prefix in at least four cells. Its cells parse as bare hex (``B7``) but
    are not addresses."""
    toks = " ".join(texts).split()
    labs = [m.groups() for m in (_BIT_LABEL.match(t) for t in toks) if m]
    if len(labs) < 4 or len(labs) < len(toks) - 1 or len({p.upper() for p, _ in labs}) != 1:
        return False
    nums = [int(n) for _, n in labs]
    steps = {b - a for a, b in zip(nums, nums[1:])}
    return steps == {-1} or steps == {1}


def _numbers_over_codes(texts: list[str], below) -> bool:
    """A line of bare decimal numbers under the header words, over columns of marked codes
    ("Register" / "527 | 528" / "0x01 | 0x00"): the numbers head the sub-columns (the
    registers whose values the columns list), they are no row."""
    filled = [k for k, t in enumerate(texts) if t]
    if len(filled) < 2 or not all(re.fullmatch(r"\d{1,5}", texts[k]) for k in filled) or not below:
        return False
    seen = 0
    for _ln, _b, cells in below:
        marks = [parse_addr_cell(t) for t in (_cell_text(cells[k]) for k in filled if k < len(cells)) if t]
        if not marks:
            continue  # a group title row between them
        if not all(c is not None and c.kind in ("0x", "h") for c in marks):
            return False
        seen += 1
    return seen > 0


def _group_rows(line_cells, xs: list[float], vsegs) -> set[int]:
    """Lines printed in a cell merged across columns ("Real-time data (read only)" centred over a
    table's width): one phrase whose words run, a word space apart, over a wall that is drawn
    elsewhere in the table but not at the line's height. Such a line groups the rows under it;
    it heads no column."""
    along = {x: [v for v in vsegs if abs(v.pos - x) <= 2.5] for x in xs[1:-1]}  # each inner wall's segments
    out: set[int] = set()
    for i, (ln, _b, _cells) in enumerate(line_cells[:6]):
        ws = sorted(ln.words, key=lambda w: w[0])
        if any(b[0] - a[2] > 0.6 * (a[3] - a[1]) for a, b in zip(ws, ws[1:])):
            continue  # (the whole line is one phrase: cells of a row stand apart)
        if any(segs and (a[0] + a[2]) / 2 < x < (b[0] + b[2]) / 2 and not any(v.a - 1 <= ln.y <= v.b + 1 for v in segs)
               for a, b in zip(ws, ws[1:]) for x, segs in along.items()):
            out.add(i)
    return out


def _headers(line_cells, ncol: int, group_rows: set[int] = frozenset(),
             row_of: list[int] | None = None) -> tuple[list[str], int]:
    """Header text per column (the lines above the first line with a parsing cell, unless the
    line is made of header words) and the number of header lines; a group row (``_group_rows``)
    counts as a header line but heads no column."""
    out = [""] * ncol
    head: list[tuple[float, int, list[str], int]] = []  # (y, header words, cell texts, drawn row)
    grouping = 0  # group rows inside the header band
    data_y = None
    row_of = row_of or [b for _ln, b, _c in line_cells]  # the drawn row of each line
    for i, (ln, _b, cells) in enumerate(line_cells):
        if i in group_rows and any(h[1] >= 2 for h in head):
            # (below the column header: a merged cell over the header itself, "Address" over
            # "Hex | Dec", is a grouped header word, not a group row)
            grouping += 1
            continue
        texts = [_cell_text(c) for c in cells]
        # (identifiers are data, and so are sentences: "播放第 Parm1 地址的声音。" holds 地址 "address")
        vocab = sum(1 for t in texts if t and "_" not in t and not re.search(r"[。，；：]", t) and _HEAD_VOCAB.search(t))
        if any(t and parse_addr_cell(t) is not None and not _DC_HEAD.match(t) for t in texts) and vocab < 2 \
                and not (head and _numbers_over_codes(texts, line_cells[i + 1:i + 4])):
            data_y, data_band = ln.y, row_of[i]
            break  # ("D/C" reads as the slash pair D, C: a header word, not codes)
        if i >= 4:
            break
        latin = sum(1 for t in texts if t and _HEAD_VOCAB.search(re.sub(f"[{CJK}]+", " ", t)))
        head.append((ln.y, latin, texts, row_of[i]))
    if data_y is not None and head:
        # lines drawn in the first data row's band (a row whose code cell is centred lower than
        # its first lines: "Send | Byte0~Byte7" over "0x90") are that row's, when a header row
        # of its own is drawn above it
        if any(h[3] < data_band for h in head):
            head = [h for h in head if h[3] < data_band]
    # the first line of a name centred on the first row's code ("获取告警" over "1 | 44H" over
    # "Get alarm info"): no header word, nearer the code line than the header line above it
    if data_y is not None and len(head) >= 2 and head[-1][1] == 0 and head[-2][1] \
            and data_y - head[-1][0] < head[-1][0] - head[-2][0]:
        head.pop()
    for _y, _v, texts, _row in head:
        for k, t in enumerate(texts):
            if t:
                out[k] = _join_header_line(out[k], t)
    return out, len(head) + grouping


def _join_header_line(above: str, line: str) -> str:
    """A header cell's next line; a word the cell's width broke ("Registe" / "r NO.") joins
    whole when the two parts make a header word and the first does not."""
    m = re.search(r"([A-Za-z]{3,})$", above)
    n = re.match(r"([a-z]{1,3})\b\s*(.*)$", line)
    if m and n and not _HEAD_VOCAB.fullmatch(m.group(1)) and _HEAD_VOCAB.fullmatch(m.group(1) + n.group(1)):
        return (above + n.group(1) + " " + n.group(2)).strip()
    return (above + " " + line).strip()


def _parallel_columns(cols: list[int], col_cells) -> list[int]:
    """Three or more address columns whose cells fill the same rows and rise together (every
    column rising by the same steps from row to row), or []."""
    if len(cols) < 3:
        return []  # (most tables: one address column)
    vals = {k: {i: addr_value(c, "hex") for i, c, _t in col_cells[k] if c is not None} for k in cols}
    for k in sorted(cols):
        group = [j for j in cols if vals[j].keys() == vals[k].keys()]
        if len(group) < 3 or len(vals[k]) < MIN_PARALLEL_ROWS:
            continue
        rows = sorted(vals[k])
        steps = {j: [vals[j][b] - vals[j][a] for a, b in zip(rows, rows[1:])] for j in group}
        if all(steps[j] == steps[k] and all(d > 0 for d in steps[j]) for j in group):
            return group
    return []


MIN_PARALLEL_ROWS = 4


def code_matrix_run(code_cols: set[int], k: int, header_of: list[str], least: int = 3) -> list[int]:
    """The run of neighbouring code columns around column ``k`` when it has ``least`` or more
    columns and none of their headers is an address word; else []."""
    if k not in code_cols:
        return []
    lo = hi = k
    while lo - 1 in code_cols:
        lo -= 1
    while hi + 1 in code_cols:
        hi += 1
    cols = list(range(lo, hi + 1))
    if len(cols) < least or any(_ADDR_HEAD.search(header_of[c]) for c in cols):
        return []
    return cols


def _text_walls(xs: list[float], ys: list[float], lines: list[Line]) -> list[float]:
    """Column walls plus the whitespace gaps that run down a drawn column: an x range of at
    least 2 points that no line covers, except lines alone in their row band with no text in
    other columns (a title, a note), that has text on both sides on at least three lines, and
    whose words right of it start a column (aligned)."""
    out = [xs[0]]
    n = len(lines)
    band_of = [bisect_right(ys, ln.y) for ln in lines]
    per_band: dict[int, int] = {}
    for b in band_of:
        per_band[b] = per_band.get(b, 0) + 1
    for lo, hi in zip(xs, xs[1:]):
        spans, weight = [], []
        for ln, b in zip(lines, band_of):
            sp = [(w[0], w[2], w[4]) for w in ln.words if lo <= (w[0] + w[2]) / 2 < hi]
            if sp:
                spans.append(sp)
                # a title or note: alone in its row band and with no text in other columns
                lone = per_band[b] == 1 and len(sp) == len(ln.words)
                weight.append(1 if lone else 3)
        if len(spans) >= 3 and hi - lo > 30:
            allowed = 2  # two lone lines may cross; any line of a multi-line band may not
            nb = int(2 * (hi - lo)) + 1  # half-point bins
            cover = [0] * nb
            for sp, wt in zip(spans, weight):
                for a, b, _t in sp:
                    for i in range(max(0, int(2 * (a - lo) + 0.5)), min(nb, int(2 * (b - lo) + 0.5))):
                        cover[i] += wt
            i = 0
            while i < nb:
                if cover[i] > allowed:
                    i += 1
                    continue
                j = i
                while j < nb and cover[j] <= allowed:
                    j += 1
                if j - i >= 3 and i > 0 and j < nb:  # at least 1.5 points clear
                    mid = lo + (i + j) / 4
                    both = [sp for sp in spans if any(b <= mid for _a, b, _t in sp) and any(a >= mid for a, _b, _t in sp)]
                    # one word left of the gap on every line ("Set Display ...", "Set Segment ...")
                    # is a common first word of names, not a column
                    left = {max((w for w in sp if w[1] <= mid), key=lambda w: w[1])[2] for sp in both}
                    firsts = [min((w for w in sp if w[0] >= mid), key=lambda w: w[0]) for sp in both]
                    right = {w[2] for w in firsts}
                    # nibble groups of one binary number ("1001 1111B") are one cell
                    nibbles = all(re.fullmatch(r"[01]{4}", t) for t in left) and \
                        all(re.fullmatch(r"[01]{4}[bB]?", t) for t in right)
                    if len(both) >= 3 and not nibbles and _aligned(firsts) and \
                            not (len(left) == 1 and re.fullmatch(r"[A-Za-z]{2,}", next(iter(left)))):
                        out.append(mid)
                i = j
        out.append(hi)
    return out if n else list(xs)


def _aligned(ws: list[tuple[float, float, str]]) -> bool:
    """The first words right of a whitespace gap start a column: most of them share a left
    edge, a centre or a right edge (not the next words of phrases cut at one x)."""
    n = len(ws)
    for key in (lambda w: w[0], lambda w: (w[0] + w[1]) / 2, lambda w: w[1]):
        vals = sorted(key(w) for w in ws)
        med = vals[n // 2]
        if sum(1 for v in vals if abs(v - med) <= 3.0) >= 0.7 * n:
            return True
    return False


def _open_below(g: Grid, xs: list[float], k: int) -> set[int]:
    """Row bands whose lower wall is not drawn across column ``k`` (the cell continues)."""
    lo, hi = xs[k], xs[k + 1]
    mid = (lo + hi) / 2
    out = set()
    for b in range(len(g.ys) - 2):
        y = g.ys[b + 1]
        if not any(abs(h.pos - y) <= 4.0 and h.a - 1 <= mid <= h.b + 1 for h in g.hsegs):
            out.add(b)
    return out


def _digit_width(bands, addr_col: int) -> int:
    """The usual number of digits of the marked address cells of a column (0 if none)."""
    widths: dict[int, int] = {}
    for lines in bands.values():
        for _ln, cells in lines:
            c = parse_addr_cell(_cell_text(cells[addr_col]))
            if c is not None and c.kind in ("0x", "h"):
                widths[len(c.text)] = widths.get(len(c.text), 0) + 1
    return max(widths, key=lambda k: (widths[k], k)) if widths else 0


MARKED_CODE = re.compile(r"\(?(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)\)?", re.I)
PLACEHOLDER = re.compile(r"[xX]{1,4}h?")


_PARAM_LABEL = re.compile(r"(?:\d{1,2}(?:st|nd|rd|th)\s+)?param(?:eter)?s?(?:\s+\d{1,2})?|[:.…]+", re.I)  # row labels


def command_groups(cells: list[str], anchors: list[int]) -> list[int] | None:
    """The anchors that open a row of a command list whose code column mixes marked codes
    (``B6h``, ``0x2A``) with the unmarked parameter values of each command below them (``0A``,
    ``3F``) and placeholders (``XX``): the marked ones, or None where the column is not of that
    kind (three or more marked codes, mostly increasing, and placeholders or unmarked values out of
    their order)."""
    marked = [i for i in anchors if MARKED_CODE.fullmatch(cells[i].strip())]
    if len(marked) < 3 or len(marked) < 0.1 * len(anchors) or len(marked) == len(anchors):
        return None

    def rising(idx: list[int]) -> float:
        vals = [addr_value(c, "hex") for c in (parse_addr_cell(cells[i]) for i in idx) if c is not None]
        return sum(1 for a, b in zip(vals, vals[1:]) if b > a) / max(1, len(vals) - 1)
    if rising(marked) < 0.8:
        return None
    # the unmarked values interleaved with the codes break their order (a register column
    # that prints some addresses with a marker and some without stays in order)
    placeholders = sum(1 for c in cells if PLACEHOLDER.fullmatch(c.strip()))
    return marked if placeholders >= 2 or rising(anchors) < 0.6 else None


# the header of a display controller's data/command select column: a 0 on a line sends a
# command code, a 1 one of its parameters ("D/CX", "D/C", "DCX", "RS", "A0")
_DC_HEAD = re.compile(r"^(?:D/?CX?|D/C#|DC|RS|A0)$", re.I)


def _dc_column(header_of: list[str]) -> int | None:
    # (a header line of don't-care marks under the header words: "D/C" over "X")
    ks = [k for k, h in enumerate(header_of) if _DC_HEAD.match(re.sub(r"(?:\s+[Xx\-↑↓])+$", "", h.strip()))]
    return ks[0] if len(ks) == 1 else None


def _dc_opens(flat, flat_band: list[int], flat_texts: list[str], dc_col: int) -> list[int] | None:
    """The code lines that send a command (0 in the data/command column) when every code line
    says 0 or 1 there and both occur: its parameters are the lines with a 1. A code printed a
    little above or below its row's other cells takes the flag nearest to it in its row."""
    anchors = [i for i, t in enumerate(flat_texts) if parse_addr_cell(t) is not None]
    flagged: dict[int, list[int]] = {}  # band -> its lines with a data/command cell
    for j, (_ln, cells) in enumerate(flat):
        if _cell_text(cells[dc_col]).strip():
            flagged.setdefault(flat_band[j], []).append(j)
    flags = {}
    for i in anchors:
        j = min(flagged.get(flat_band[i], []), key=lambda j: (abs(flat[j][0].y - flat[i][0].y), j), default=i)
        flags[i] = _cell_text(flat[j][1][dc_col]).strip()
    if len(anchors) < 3 or any(f not in ("0", "1") for f in flags.values()):
        return None
    opens = [i for i in anchors if flags[i] == "0"]
    return opens if 2 <= len(opens) < len(anchors) else None


def _rows(bands, addr_col: int, name_col: int, base: str, open_below: set[int],
          dc_col: int | None = None, clause: bool = False) -> list[GridRegister]:
    """Register rows of a drawn table (``clause``: names are descriptions, cut to their first
    clause)."""
    out: list[GridRegister] = []
    flat = [(ln, cells) for b in sorted(bands) for ln, cells in bands[b]]
    flat_band = [b for b in sorted(bands) for _ in bands[b]]
    flat_texts = [_cell_text(cells[addr_col]) for _ln, cells in flat]
    marked = _dc_opens(flat, flat_band, flat_texts, dc_col) if dc_col is not None and dc_col not in (addr_col, name_col) else None
    if marked is None:
        marked = command_groups(flat_texts, [i for i, t in enumerate(flat_texts) if parse_addr_cell(t) is not None])
    if marked is not None:
        # a command list: each marked code opens a command; the lines below it up to the next
        # one are its parameter rows, and the name printed anywhere over them is its name
        # a name line belongs to the command whose rows (ruled bands, from its code's band to
        # the next code's) hold it: a name wrapped around its code starts in the code's band,
        # above the code line
        regs: dict[int, GridRegister] = {}
        for i in sorted(marked):
            c = parse_addr_cell(flat_texts[i])
            regs[i] = GridRegister("", addr_value(c, base), flat[i][0].y, 0.0, alts=_alt_values(c, base))
            out.append(regs[i])
        starts = sorted(marked)
        start_bands = [flat_band[j] for j in starts]  # (non-decreasing: bands follow the lines)
        for i, (_ln, cells) in enumerate(flat):
            lo, hi = bisect_left(start_bands, flat_band[i]), bisect_right(start_bands, flat_band[i])
            j = min(starts[lo:hi], key=lambda j: abs(flat[j][0].y - flat[i][0].y)) if hi > lo else \
                (starts[lo - 1] if lo else None)
            t = _cell_text(cells[name_col])
            if t and j is not None and not NOT_NAME.match(t) and not _PARAM_LABEL.fullmatch(t):
                regs[j].name = (regs[j].name + " " + t).strip()
        return _named_rows(out, clause)
    last_band: int | None = None
    width = _digit_width(bands, addr_col)
    empty_named: list[tuple[int, GridRegister]] = []  # rows whose name cell is empty, by band
    named_at: dict[int, GridRegister] = {}
    for b in sorted(bands):
        lines = bands[b]
        anchors = []
        texts = [_cell_text(cells[addr_col]) for _ln, cells in lines]
        skip = -1
        for i, (ln, cells) in enumerate(lines):
            if i == skip:
                continue
            c = parse_addr_cell(texts[i])
            if c is not None and c.kind in ("0x", "h") and width and len(c.text) < width and i + 1 < len(lines):
                # an address wrapped mid-token over two lines of its cell ("0x3" over "C")
                nxt = texts[i + 1]
                if re.fullmatch(r"[0-9A-Fa-f]{1,2}h?", nxt) and len(c.text) + len(nxt.rstrip("hH")) == width:
                    joined = parse_addr_cell(texts[i] + nxt)
                    if joined is not None:
                        c, skip = joined, i + 1
            if c is not None and RANGE_OPEN.search(texts[i].strip()):
                # a range left open at the line's end ("5122~" over "5129", the name between):
                # the next address in the column closes it, one row
                nxt = next((j for j in range(i + 1, len(lines)) if texts[j].strip()), None)
                if nxt is not None and parse_addr_cell(texts[nxt]) is not None:
                    skip = nxt
            elif c is not None:
                # or closed by the next line of the cell ("0x0007" over "~0x000D", the name between)
                nxt = next((j for j in range(i + 1, len(lines)) if texts[j].strip()), None)
                m = RANGE_CLOSE.match(texts[nxt].strip()) if nxt is not None else None
                if m and parse_addr_cell(m.group(1)) is not None:
                    skip = nxt
            if c is not None and not bit_label_line([_cell_text(cl) for cl in cells]):
                anchors.append((i, c))
        if not anchors:
            # a name cell merged across row bands (no wall drawn under the previous band)
            if out and last_band is not None and (b - 1) in open_below and last_band == b - 1:
                extra = _cell_text([w for _ln, cells in lines for w in cells[name_col]])
                if extra:
                    out[-1].name = out[-1].name + " " + extra
                last_band = b
            continue
        last_band = b
        if len(anchors) == 1:
            i, c = anchors[0]
            # lines under the register line with a name and cells of their own in two or more
            # other columns (bits, access, reset) are its field rows, not a wrapped name
            # (unless the register line holds the address alone: a row whose cells are centred
            # between the lines of a two-line address cell, "0x0007" over "~0x000D")
            alone = all(not _cell_text(cl) for k, cl in enumerate(lines[i][1]) if k != addr_col)
            name = _cell_text([w for j, (_ln, cells) in enumerate(lines)
                               if j <= i or alone or not _sub_row(cells, addr_col, name_col)
                               for w in cells[name_col]])
            out.append(GridRegister(name, addr_value(c, base), lines[i][0].y, 0.0, alts=_alt_values(c, base)))
            if name:
                named_at[b] = out[-1]
            else:
                empty_named.append((b, out[-1]))
            continue
        # several register lines in one band (no rule between rows): each line joins the
        # nearest anchor line
        groups: dict[int, list[Word]] = {i: [] for i, _ in anchors}
        for j, (ln, cells) in enumerate(lines):
            near = min(anchors, key=lambda a: (abs(lines[a[0]][0].y - ln.y), a[0]))[0]
            groups[near].extend(cells[name_col])
        named = [i for i, _c in anchors if _cell_text(groups[i])]
        for i, c in anchors:
            name, copy = _cell_text(groups[i]), False
            near = min(named, key=lambda j: abs(j - i)) if named else None
            if not name and near is not None and abs(near - i) == 1:
                # codes stacked in one cell ("AE" over "AF") share the name beside them
                name, copy = _cell_text(groups[near]), True
            out.append(GridRegister(name, addr_value(c, base), lines[i][0].y, 0.0,
                                    alts=_alt_values(c, base), alt_copy=copy))
    # a name centred in a cell merged over two rows (no wall between them in the name column:
    # the high and low byte rows of one value) names both rows
    for b, r in empty_named:
        src = named_at.get(b - 1) if (b - 1) in open_below else None
        if src is None and b in open_below:
            src = named_at.get(b + 1)
        if src is not None:
            r.name, r.alt_copy = src.name, True
    return _named_rows(out, clause)


def _named_rows(out: list[GridRegister], clause: bool = False) -> list[GridRegister]:
    if clause:
        for r in out:
            r.name = first_clause(r.name)
    paired = []
    for r in out:
        paired.append(r)
        for v in r.alts:
            # read/write address pairs (00h/80h) name one register; other pairs are two codes
            if v != r.address ^ 0x80:
                paired.append(GridRegister(r.name, v, r.y, r.confidence, r.row_text, alt_copy=True))
    res = []
    indexed = array_indexed([r.name for r in paired])
    for r in paired:
        name = _clean_name(r.name, keep_index=indexed)
        if not name or NOT_NAME.match(name) or not NAME_START.match(name) or \
                re.search(r"\b(?:reserved?|rsvd)\b", name, re.I) or \
                letter_count(name) < 2 or name.lower().startswith("reserved") or len(name) > 60:
            continue
        r.name = name
        res.append(r)
    return res


def _sub_row(cells, addr_col: int, name_col: int) -> bool:
    if not _cell_text(cells[name_col]) or _cell_text(cells[addr_col]):
        return False
    return field_row_cells([_cell_text(cl) for k, cl in enumerate(cells) if k not in (addr_col, name_col)])


def _alt_values(c: AddrCell, base: str) -> tuple[int, ...]:
    return tuple(addr_value(AddrCell(c.kind if c.kind != "bin" else "bare", a), base) for a in c.alts)


def looks_like_description(s: str, prose: bool = True) -> bool:
    """A name cell that is a description or a parameter line ("A[6:0]: Start Address. [reset=0]",
    and with ``prose``, "Enable MCU to write Data into RAM"), not a register or command name."""
    return bool(re.search(r"\[[^\]]*\]\s*[:=]|[:=]\s|\[reset|\.\s|\.$", s, re.I) or (prose and _PROSE.search(s))
                or len(s) > 60)


def _clean_name(s: str, keep_index: bool = False) -> str:
    """``keep_index``: the table's trailing ``[n]`` are array indexes (``SyncWord[0]`` ...), not
    footnote marks."""
    s = clean_text(s)
    s = re.sub(r"(?<=[A-Za-z])\(\d{1,2}\)", "", s)  # footnote marks glued to a word
    s = re.sub(r"\s*\[\s*reset\s*=[^\]]*\]\s*$", "", s, flags=re.I)  # "[reset= linear]" after a name
    s = re.sub(r"\s+\(?\bnote\s*\d*\s*:.*$", "", s, flags=re.I)  # "Status/Command Note: SMBus register only"
    s = strip_reset_label(s)
    for _ in range(2):
        s = re.sub(r"\s*(\(\d+\)|\*+|\(note \d+\))$" if keep_index and ARRAY_INDEX.search(s)
                   else r"\s*(\(\d+\)|\[\d+\]|\*+|\(note \d+\))$", "", s, flags=re.I)
    # identifiers wrapped mid-token over two lines ("W_TX_PAYLO AD") join without the space
    m = re.fullmatch(r"([A-Z0-9_]{3,})\s([A-Z0-9_]{1,4})", s)
    if m and ("_" in m.group(1)):
        s = m.group(1) + m.group(2)
    return s.strip(" ,;:")
