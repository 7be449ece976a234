"""Register maps from PDF pages: summary tables, per-register blocks, memory maps, bit fields.

Input is one page's word boxes and text blocks (see ``parsers.pdf_layout``); output is
plain ``Register``/``Field``/``Peripheral`` records. The rules are vendor-neutral:

* **Summary tables**: a header band whose labelled columns include an address column
  (``Address``/``Addr``/``Offset``/``Pointer``/``Register # (hex)``, not a decimal or binary
  one) and a name column (``Name``/``Register``/``Symbol``; else ``Function``/``Description``).
  Every line whose address cell parses is a row anchor; other lines join the nearest anchor
  (multi-line cells are centred or top-aligned around it). Bit columns (``bit7``, ``D7``,
  ``BIT 15``, ``15``) give fields.
* **Per-register blocks**: headings such as ``Register 0x1D—THRESH_TAP (Read/Write)``,
  ``5.4.3 Register 0xF2 “ctrl_hum”``, ``7.2 CTRL1 (20h)``,
  ``Configuration Register (address = 00h) [reset = 399Fh]`` and the ST reference-manual
  block ``… (USART_SR)`` / ``Address offset: 0x00`` / ``Reset value: 0x0000 00C0``.
* **Bit-field tables** (``Bit | Field/Symbol/Name | Type/Access | Reset | Description``) and
  bit diagrams (a row of bit numbers with a row of field names) under a register heading.
* **Memory maps**: tables with a peripheral column and a (boundary/base) address column.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, field

from firmcorpus.parsers.models import Field, Peripheral
from firmcorpus.parsers.pdf_grid import (
    OUTCOME_HEAD,
    PLACEHOLDER,
    RANGE_OPEN,
    addr_value,
    command_groups,
    decimal_by_ranges,
    decimal_run,
    other_columns_rejection,
    parse_addr_cell,
    sized_rows,
)
from firmcorpus.parsers.pdf_layout import (
    ARRAY_INDEX,
    NOT_NAME,
    Label,
    Line,
    Word,
    array_indexed,
    assign_columns,
    band_columns,
    bit_spec,
    clean_text,
    column_bounds,
    field_row_cells,
    join_hex_groups,
    line_labels,
    norm_access,
    parse_address,
    parse_bits,
    parse_hex_token,
    parse_reset,
    strip_reset_label,
)

# --------------------------------------------------------------------------- header roles

_STOP_FIRST = re.compile(r"^(table|figure|fig\.|note|notes|remark|legend|\(\d+\)|\[\d+\]|\*|1\.|continued)", re.I)
_ADDR_TOKEN = re.compile(r"^(?:0x[0-9a-f]+|[0-9][0-9a-f]*h|[0-9a-f]*[0-9][0-9a-f]*h)$", re.I)


@dataclass
class Column:
    label: Label
    role: str | None  # address | name | reset | access | desc | bit | peripheral | field
    qual: str | None = None  # hex | dec | bin
    bit: int | None = None


def classify_label(lab: Label) -> Column:
    t = clean_text(lab.full).lower()
    own = clean_text(lab.text).lower()
    qual = None
    if re.search(r"\bdec(imal)?\b|\(dec\.?\)|\bdec\.", t):
        qual = "dec"
    elif re.search(r"\bbin(ary)?\b", t):
        qual = "bin"
    elif re.search(r"\bhex\b|\(hex\)", t):
        qual = "hex"
    own_b = re.sub(r"\s*\b(msb|lsb)\b\s*", " ", own).strip()  # "BIT 7" over "MSB"
    t_b = re.sub(r"\s*\b(msb|lsb)\b\s*", " ", t).strip()
    m = re.fullmatch(r"(?:bit\s*|b|d)?(\d{1,2})(?:\s*\(\d\))?", own_b) or re.fullmatch(r"bit\s*(\d{1,2})", t_b)
    if m and not re.search(r"addr|name|reset|reg", t):
        return Column(lab, "bit", qual, int(m.group(1)))
    if re.search(r"\bperipheral\b|\bmodule\b|\binstance\b", t):
        return Column(lab, "peripheral", qual)
    if re.search(r"reset|default|\bpor\b|initial|power-on", t):
        return Column(lab, "reset", qual)
    if re.search(r"^bits?\s+(?:location|position|no\.?|number)s?$", t):
        return Column(lab, "bits", qual)  # "Bit Location": a bit position, not an address
    if re.search(r"\b(?:slave|device|i2c|i²c|bus|\d-bit)\s*(?:address|addr)\b", t):
        return Column(lab, "bus", qual)  # the chip's bus address, not a register's
    if re.search(r"addr|offset|pointer|location|register\s*#|reg\.?\s*#|^hex$|^\(hex\)", t):
        return Column(lab, "address", qual)
    if re.search(r"^bits?$|^bit\s*(no\.?|number|position|range)s?$|^position$", t):
        return Column(lab, "bits", qual)
    if re.search(r"\bfield\b|\bsymbol\b|\bmnemonic\b|bit\s*name", t):
        return Column(lab, "field", qual)
    if re.search(r"\bname\b|\bregister\b|\bacronym\b|\bregisters\b", t) and not re.search(r"content|value|data", t):
        return Column(lab, "name", qual)
    if re.search(r"^type|access|^r/w|^rw$|i/f|^mode$|^attr", t):
        return Column(lab, "access", qual)
    if re.search(r"descr|function|comment|remark|meaning|purpose", t):
        return Column(lab, "desc", qual)
    if re.search(r"\bbus\b", t):
        return Column(lab, "bus", qual)
    if re.search(r"^value$", t):
        return Column(lab, "value", qual)
    return Column(lab, None, qual)


_HEADER_WORD = re.compile(
    r"^(addr(ess)?|offset|pointer|hex|\(hex\)|name|register|registers|type|access|reset|default|description|"
    r"function|bit\d*|bits|field|symbol|r/w|peripheral|boundary|bus|value|mnemonic|acronym|power-on|por)\b", re.I)
_QUAL_WORD = re.compile(
    r"^([(\[]?hex[)\]]?|[(\[]?dec\.?[)\]]?|[(\[]?decimal[)\]]?|binary|bin|msb|lsb|#|i/f|serial|state|value|values|\(\d\)|"
    r"[a-z]*\(\d\)|\(hex\)\(\d\)|no\.|number|d\d{1,2}|b\d{1,2}|bit|\d{1,2}|range|size|width|content|contents|"
    r"reg\.?|type|mode|comment|remarks?|notes?|r/w|access|reset|default|description|register|name|address|"
    r"addr|offset|function|field|symbol|bits)$", re.I)


def _is_data_line(line: Line) -> bool:
    toks = [w[4] for w in line.words]
    if any(_ADDR_TOKEN.match(t) for t in toks):
        return True
    if sum(t in ("0", "1") for t in toks) >= 4:
        return True
    return False


def _header_score(line: Line) -> int:
    """Header vocabulary words in a line; 0 unless most of the line is header-like. A line that
    opens with a bit label and a colon ("Bit[7]: Reset BIST") describes a field, whatever its words."""
    if line.words and re.match(r"^bits?\s*\[?\d{1,2}(?::\d{1,2})?\]?:$", line.words[0][4], re.I):
        return 0
    n = sum(1 for w in line.words if _HEADER_WORD.match(w[4]))
    q = sum(1 for w in line.words if _HEADER_WORD.match(w[4]) or _QUAL_WORD.match(w[4]))
    return n if q >= 0.6 * len(line.words) else 0


def _header_like(line: Line) -> bool:
    q = sum(1 for w in line.words if _HEADER_WORD.match(w[4]) or _QUAL_WORD.match(w[4]))
    return q >= 0.6 * len(line.words) and not _is_data_line(line)


def find_header_bands(lines: list[Line]):
    """(first, last) line indices of header bands: vocabulary-rich, non-data lines (lazily)."""
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if _header_score(ln) >= 2 and not _is_data_line(ln) and len(ln.words) <= 40:
            lo = i
            while lo - 1 >= 0 and i - (lo - 1) <= 3 and lines[lo].top - lines[lo - 1].bottom <= 8 \
                    and _header_like(lines[lo - 1]) and not _STOP_FIRST.match(lines[lo - 1].words[0][4]):
                lo -= 1
            hi = i
            while hi + 1 < n and hi + 1 - i <= 3 and lines[hi + 1].top - lines[hi].bottom <= 8 \
                    and _header_like(lines[hi + 1]):
                hi += 1
            yield lo, hi
            i = hi + 1
        else:
            i += 1


# --------------------------------------------------------------------------- table rows


@dataclass
class Row:
    cells: dict[int, list[Word]]  # column index → words (in reading order)
    anchor_y: float
    line_cells: list[list[list[Word]]] = field(default_factory=list)  # per line: column → words

    def text(self, k: int | None) -> str:
        if k is None:
            return ""
        ws = sorted(self.cells.get(k, []), key=lambda w: (round((w[1] + w[3]) / 2), w[0]))
        return clean_text(" ".join(w[4] for w in ws))

    def name_text(self, k: int, addr_k: int | None = None) -> str:
        """A name cell; stacked alternatives with a shared prefix ("Alarm 1 Day" over
        "Alarm 1 Date") read as "Alarm 1 Day/Date". With ``addr_k``, a line of the cell beside
        no address but beside a bit position and an access code of its own (other columns) is
        a field row of the register, not part of its name."""
        ws = self.cells.get(k, [])
        if addr_k is not None and len({round((w[1] + w[3]) / 2) for w in ws}) > 1:
            ws = [w for w in ws if not self._field_line((w[1] + w[3]) / 2, k, addr_k)]
        lines: dict[int, list[Word]] = {}
        for w in ws:
            lines.setdefault(round((w[1] + w[3]) / 2), []).append(w)
        texts = [[w[4] for w in sorted(lines[y], key=lambda w: w[0])] for y in sorted(lines)]
        if len(texts) == 2 and len(texts[0]) >= 2 and len(texts[0]) == len(texts[1]):
            a, b = texts
            if a[:-1] == b[:-1] and a[-1] != b[-1]:
                return clean_text(" ".join(a[:-1]) + " " + a[-1] + "/" + b[-1])
        if len(texts) >= 2 and all(len(t) == 1 for t in texts) and _MID_TOKEN_WRAP(texts[0][0], [t[0] for t in texts[1:]]):
            return "".join(t[0] for t in texts)  # "TIMEBASE_CORRECTIO" / "N_PLL": one identifier
        return clean_text(" ".join(w[4] for w in sorted(ws, key=lambda w: (round((w[1] + w[3]) / 2), w[0]))))

    def _field_line(self, y: float, k: int, addr_k: int) -> bool:
        def beside(c: int) -> str:
            return " ".join(w[4] for w in self.cells.get(c, []) if abs((w[1] + w[3]) / 2 - y) < 2.5)
        if beside(addr_k):
            return False
        return field_row_cells([beside(c) for c in self.cells if c not in (k, addr_k)])


def _gap_blocks(data: list, heads: list[int]) -> dict[int, int] | None:
    """Line index -> the head (address line) of its block, where the gaps between lines wider
    than 1.25 times the usual line step cut the lines into blocks of exactly one head each (three
    or more blocks, one of several lines); else None."""
    if len(heads) < 3 or len(data) < 4:
        return None
    steps = sorted(data[i][0].y - data[i - 1][0].y for i in range(1, len(data)))
    usual = steps[len(steps) // 4]  # the step inside a block (most steps are)
    if usual <= 0:
        return None
    blocks: list[list[int]] = [[0]]
    for i in range(1, len(data)):
        if data[i][0].y - data[i - 1][0].y > 1.25 * usual:
            blocks.append([])
        blocks[-1].append(i)
    hs = set(heads)
    n_heads = [sum(1 for i in b if i in hs) for b in blocks]
    if len(blocks) < 3 or max(n_heads) > 1 or n_heads.count(1) < 0.8 * len(blocks) \
            or all(len(b) == 1 for b, n in zip(blocks, n_heads) if n == 1):
        return None
    # (lines of a block without an address line, a caption or a note, keep the nearest row)
    return {i: next(j for j in b if j in hs) for b, n in zip(blocks, n_heads) if n == 1 for i in b}


def _MID_TOKEN_WRAP(first: str, rest: list[str]) -> bool:
    """Lines of one narrow name cell that break an upper-case identifier mid-token: every piece
    in capitals, the first with an underscore and at least 6 characters long (cut at the cell's
    edge), the later ones shorter and not starting with a digit."""
    pieces = [first] + rest
    return "_" in first and len(first) >= 6 and not first.endswith("_") \
        and all(re.fullmatch(r"[A-Z0-9_]+", p) for p in pieces) and not any(p[0].isdigit() for p in rest) \
        and all(len(p) < len(first) for p in rest)  # (two stacked names of one row are alike in length)


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    addr_col: int | None
    name_col: int | None
    y0: float
    y1: float
    base: str | None = None  # the address column's number base decided from its cells (see column_addr_base)

    def col(self, role: str, prefer_qual: str | None = None) -> int | None:
        ks = [k for k, c in enumerate(self.columns) if c.role == role]
        if prefer_qual:
            pref = [k for k in ks if self.columns[k].qual == prefer_qual]
            if pref:
                return pref[0]
        return ks[0] if ks else None


def _refine_bounds(cols: list[Column], bounds: list[tuple[float, float]], lines: list[Line],
                   page_height: float) -> list[tuple[float, float]]:
    """Move each boundary between two labels into the nearest vertical gap of the data.

    Header labels are often centred over left-aligned data (or the reverse), so the
    midpoint between labels can cut through a column; the whitespace river between two
    columns of data is the true boundary.
    """
    data = []
    prev = None
    gaps: list[float] = []
    for ln in lines:
        if _STOP_FIRST.match(ln.words[0][4]) or ln.top > 0.94 * page_height:
            break
        if prev is not None:
            gap = ln.top - prev.bottom
            if gap > max(30.0, 4 * gaps[len(gaps) // 2] if gaps else 30.0):
                break  # a footer far below the table's last row ("PRELIMINARY SPECIFICATION")
            insort(gaps, max(gap, 0.0))  # (kept sorted: the median is read per line)
        data.extend((w[0], w[2]) for w in ln.words)
        prev = ln
    if not data:
        return bounds
    out = list(bounds)
    for k in range(len(cols) - 1):
        a, b = cols[k].label, cols[k + 1].label
        lo, hi = (a.x0 + a.x1) / 2, (b.x0 + b.x1) / 2
        if hi - lo < 4:
            continue
        cuts = bounds[k][1]
        step = 1.0
        n = int((hi - lo) / step) + 1
        busy = bytearray(n)  # 1 where some data word covers x = lo + i
        for x0, x1 in data:
            i0 = max(0, int((x0 - 0.5 - lo) // step) + 1)
            i1 = min(n - 1, int((x1 + 0.5 - lo) // step))
            if i0 <= i1:
                busy[i0:i1 + 1] = b"\x01" * (i1 - i0 + 1)
        free = [lo + step * i for i in range(n) if not busy[i]]
        if not free:
            continue
        # runs of free x; pick the run whose middle is nearest the label midpoint
        runs: list[list[float]] = []
        for x in free:
            if runs and x - runs[-1][-1] <= step + 1e-6:
                runs[-1].append(x)
            else:
                runs.append([x])
        # a gap of one space is inside a cell ("PAD OUTPUT ENABLE 00"); where the range also holds
        # a gap as wide as a column gutter, only such gaps are walls
        wide = [r for r in runs if r[-1] - r[0] >= 8.0]
        best = min(wide or runs, key=lambda r: abs((r[0] + r[-1]) / 2 - cuts))
        mid = (best[0] + best[-1]) / 2
        out[k] = (out[k][0], mid)
        out[k + 1] = (mid, out[k + 1][1])
    return out


_ADDR_CELL_WORD = re.compile(r"\(?(?:0x[0-9a-f]{1,8}|[0-9a-f]{1,8}h?)\)?[,;]?|[~\-–—/]|to|and|\.\.+|…", re.I)


def _address_cell_only(cells: list[list[Word]], addr: int) -> list[list[Word]]:
    """A line's address cell holds its address (a range, a pair, an alias in parentheses); words
    after it that are no part of one ("00h ~ 11h LED", a name left-aligned under a header
    centred further right) belong to the next column."""
    ws = sorted(cells[addr], key=lambda w: w[0])
    if addr + 1 >= len(cells) or len(ws) < 2 or not _ADDR_TOKEN.match(ws[0][4]):
        return cells
    k = 1
    while k < len(ws) and _ADDR_CELL_WORD.fullmatch(ws[k][4]):
        k += 1
    if k == len(ws) or not re.match(r"[A-Za-z_]", ws[k][4]):
        return cells
    out = list(cells)
    out[addr], out[addr + 1] = ws[:k], ws[k:] + list(cells[addr + 1])
    return out


def _pick_address_col(cols: list[Column]) -> int | None:
    cands = [k for k, c in enumerate(cols) if c.role == "address" and c.qual not in ("dec", "bin")]
    if not cands:
        # an address column whose header says decimal ("Index (Decimal)", "Pointer (Dec)") and
        # no hex one beside it: the decimal numbers are the addresses
        return next((k for k, c in enumerate(cols) if c.role == "address" and c.qual == "dec"), None)
    hexes = [k for k in cands if cols[k].qual == "hex"]
    return (hexes or cands)[0]


_IDENT_CELL = re.compile(r"[A-Za-z][A-Za-z0-9_./\[\]:-]*|.{0,60}\([A-Za-z][A-Za-z0-9_]*\)")


_BLOCK_LINE = re.compile(r"^(?:\w+\s+)?(?:bank|page)\s*\d{1,2}(?:\s+(?:register\s*map|registers))?$", re.I)


def column_addr_base(texts: list[str], header: str, bare_hex: bool) -> str | None:
    """The number base of a header-typed address column from the evidence of its cells: 'bin'
    where every cell is an equal-width binary code of eight or more digits (``00011010``),
    'dec' where no cell has an A-F digit and the header says decimal/index or the numbers run
    across 09 -> 10 (``08, 09, 10, 11``), else None (cells read as printed)."""
    filled = [t.strip() for t in texts if t.strip()]
    if len(filled) >= 3 and all(re.fullmatch(r"[1-9]\d{4}", t) for t in filled) and not re.search(r"\bhex\b|0x", header, re.I):
        return "dec"  # five unpadded digits ("20000", "40001"): decimal, as hex is padded to even widths
    cells = [c for c in (parse_addr_cell(t) for t in filled) if c is not None]
    if len(cells) < 2:
        return None
    if all(c.kind == "bin" for c in cells) and len({len(c.text) for c in cells}) == 1:
        return "bin"
    bare = [c.text for c in cells if c.kind == "bare"]
    if not bare or len(bare) < 0.8 * len(cells) or not all(t.isdigit() for t in bare) \
            or re.search(r"\bhex\b|\(h\)|0x", header, re.I):
        return None
    # (a number sign or "No." over the column counts registers in decimal, as in the drawn-table
    # reader: "Register#" over 32, 33,34, 35 .. 40, 41)
    if not bare_hex or re.search(r"\bdec(imal)?\b|\bindex\b|\bno\.|\bnumber\b|#", header, re.I):
        return "dec"
    vals = [int(t) for t in bare]
    if decimal_run(vals) or decimal_by_ranges(filled):
        return "dec"
    return None


def addr_of(text: str, bare_hex: bool, base: str | None) -> tuple[int | None, bool]:
    """An address cell of a header-typed column: the column's base where its cells are bare or
    binary codes, else the classic cell grammar, else the tolerant one of ``pdf_grid``
    (quote-marked ``'h20``)."""
    if base == "dec" and re.fullmatch(r"\d{1,6}", text.strip()):
        return int(text.strip()), False
    c = parse_addr_cell(text) if base or not text[:1].isdigit() else None
    if c is not None and base and c.kind in ("bare", "bin"):
        return addr_value(c, base), c.is_range
    val, rng = parse_address(text, bare_hex)
    if val is not None:
        return val, rng
    if c is None and base is None:
        c = parse_addr_cell(text)
    if c is not None and c.kind == "0x" and re.match(r"\d{0,2}['’‘]h|H['’‘]", text.strip()):
        return addr_value(c, "hex"), c.is_range
    return None, False


def _name_col_by_content(cols: list[Column], rows: list[Row], addr: int, fallback: int | None) -> int | None:
    """The name column of a table whose header names none ("Mnemonic", "Symbol", "Abbrev",
    "Command" or no word at all over it): among the columns no header types as an address, reset,
    access, bit or description column, the one whose row cells are identifiers (one token, or a
    long name with its mnemonic in parentheses) and mostly unique; else ``fallback`` (a
    description column)."""
    best, best_score = None, 0.0
    for k, c in enumerate(cols):
        if k == addr or c.role not in ("field", None):
            continue
        texts = [r.text(k) for r in rows]
        filled = [t for t in texts if t]
        if len(filled) < max(2, 0.6 * len(rows)):
            continue
        ident = sum(1 for t in filled if _IDENT_CELL.fullmatch(t) and re.search(r"[A-Za-z]{2}", t))
        uniq = len(set(filled)) / len(filled)
        score = ident / len(filled) * uniq
        if score >= 0.6 and score > best_score:
            best, best_score = k, score
    return best if best is not None else fallback


def read_tables(lines: list[Line], page_height: float) -> list[Table]:
    """Tables with an address column under a header band (register and memory maps)."""
    tables: list[Table] = []
    for lo, hi in find_header_bands(lines):
        labs = band_columns(lines[lo:hi + 1])
        cols = [classify_label(lab) for lab in labs]
        addr = _pick_address_col(cols)
        if addr is None:
            continue
        name = next((k for k, c in enumerate(cols) if c.role == "name" and k != addr), None)
        if name is None:
            name = next((k for k, c in enumerate(cols) if c.role == "peripheral" and k != addr), None)
        by_content = name is None  # no header names the name column: decided by the cells below
        if name is None:
            name = next((k for k, c in enumerate(cols) if c.role == "desc" and k != addr), None)
        if name is None and not any(c.role in ("field", None) for k, c in enumerate(cols) if k != addr):
            continue
        bounds = column_bounds([c.label for c in cols])
        bare_hex = cols[addr].qual != "dec"
        bounds = _refine_bounds(cols, bounds, lines[hi + 1:hi + 60], page_height)
        first_right = min(bounds[0][1], cols[0].label.x1 + 4) if len(cols) > 1 else 1e9
        # data lines below the band
        data: list[tuple[Line, list[list[Word]]]] = []
        prev_bottom = lines[hi].bottom
        gaps: list[float] = []
        for j in range(hi + 1, len(lines)):
            ln = lines[j]
            gap = ln.top - prev_bottom
            limit = max(28.0, 3.0 * (sorted(gaps)[len(gaps) // 2] if gaps else 10.0))
            # a caption or note line ends the table only where it starts at the table's left
            # edge: "Note: ..." or a footnote mark inside a cell (right of the first column)
            # belongs to that cell
            if gap > limit or ln.top > 0.94 * page_height or (
                    _STOP_FIRST.match(ln.words[0][4]) and ln.words[0][0] < first_right):
                break
            if ln.words[0][0] < first_right and _SECTION_HEAD.match(ln.text):
                break  # a numbered section heading at the table's left edge
            if _header_score(ln) >= 3 and not _is_data_line(ln) and data:
                break
            if data and ln.text == lines[lo].text and not _is_data_line(ln):
                break  # the header printed again: the next table (another bank, a continuation)
            if data and _BLOCK_LINE.match(ln.text.strip()):
                break  # "Bank 1", "Page 2 register map": the heading of the next block's table
            cells = _address_cell_only(assign_columns(ln, bounds), addr)
            data.append((ln, cells))
            gaps.append(max(gap, 0.0))
            prev_bottom = ln.bottom
        anchors: list[int] = []
        stoppers: list[int] = []  # rows whose address cell is text ("...", "reserved"): not registers
        base = column_addr_base([" ".join(w[4] for w in cells[addr]) for _ln, cells in data],
                                cols[addr].label.full, bare_hex)
        for idx, (ln, cells) in enumerate(data):
            a_text = " ".join(w[4] for w in cells[addr])
            val, _ = addr_of(a_text, bare_hex, base)
            if val is not None:
                anchors.append(idx)
            elif a_text.strip() and (idx == 0 or abs(data[idx - 1][0].y - ln.y) > 0):
                stoppers.append(idx)
        # a range left open at the line's end ("5122~" over "5129"): the next address closes it,
        # on a line with no words of its own (a row's name and values are elsewhere)
        anchors = [a for j, a in enumerate(anchors)
                   if not (j and RANGE_OPEN.search(" ".join(w[4] for w in data[anchors[j - 1]][1][addr]).strip())
                           and not any(re.search(r"[A-Za-z]{2}", w[4]) for k, ws in enumerate(data[a][1])
                                       if k != addr for w in ws))]
        grouped = command_groups([" ".join(w[4] for w in data[i][1][addr]) for i in range(len(data))], anchors)
        if grouped is not None:
            # a command list: only the marked codes ("B6h") open a row; the unmarked values under
            # them ("0A", "XX") are its parameter rows, and the name is centred over the group
            anchors = grouped
            stoppers = [i for i in stoppers if not PLACEHOLDER.fullmatch(" ".join(w[4] for w in data[i][1][addr]))]
        if len(anchors) < 1 or (len(anchors) < 2 and len(data) > 6):
            continue
        heads = sorted(anchors + stoppers)
        top_aligned = grouped is not None or (any(c.role == "bits" for c in cols) and any(c.role == "field" for c in cols))
        # rows set apart by whitespace: where the blank gaps between lines cut the table into
        # blocks of one address line each, a line belongs to its block (a name wrapped over three
        # lines under its address line cannot drift into the next row)
        block_of = None if grouped is not None else _gap_blocks(data, heads)
        rows_all = {a: Row({}, data[a][0].y) for a in heads}
        first_y = data[anchors[0]][0].y
        for idx, (ln, cells) in enumerate(data):
            y = ln.y
            if y < first_y - 14:
                continue
            if block_of is not None and not top_aligned and idx in block_of:
                best = block_of[idx]
                rows_all[best].line_cells.append(cells)
                for k, ws in enumerate(cells):
                    if ws:
                        rows_all[best].cells.setdefault(k, []).extend(ws)
                continue
            if top_aligned:
                # rows with one line per bit field hang below their address line
                before = [a for a in heads if rows_all[a].anchor_y <= y + 2]
                if not before:
                    continue
                best = before[-1]
            else:
                best = min(heads, key=lambda a: (abs(rows_all[a].anchor_y - y), a))
            rows_all[best].line_cells.append(cells)
            for k, ws in enumerate(cells):
                if ws:
                    rows_all[best].cells.setdefault(k, []).extend(ws)
        rows = [rows_all[a] for a in anchors]
        # only the anchor line's own address words count in the address cell (multi-line
        # neighbours may carry a second value such as a range end)
        for r, a in zip(rows, anchors):
            r.cells[addr] = list(data[a][1][addr])
        y1 = data[anchors[-1]][0].bottom if anchors else lines[hi].bottom
        if by_content:
            addrs = [addr_of(" ".join(w[4] for w in data[a][1][addr]), bare_hex, base)[0] for a in anchors]
            if len(set(addrs)) >= 0.9 * len(addrs):  # (a field table repeats its register's address)
                name = _name_col_by_content(cols, rows, addr, name)
            if name is None:
                continue
        tables.append(Table(cols, rows, addr, name, lines[lo].top, y1, base))
    return tables


_BIT7_LABEL = re.compile(r"\b(?:D|DB|B)7\b|(?<![\d.])7\s+6\s+5\s+4\s+3\s+2\s+1\s+0(?![\d.])", re.I)
_COMMAND_WORD = re.compile(r"\b(?:command|instruction|op-?code)s?\b", re.I)


def opcode_tables(lines: list[Line], page_height: float) -> list[tuple[list[tuple[str, int, float]], float, float]]:
    """Command tables that print each code only as bits: a header band with the eight bit
    columns D7..D0 (DB7..DB0, B7..B0) and no address column, one command per row. A row whose eight
    cells are all 0 or 1 is a code (the byte they spell); a row with an operand or don't-care bit
    (``#``, ``x``, ``-``, a field name) is left out. The name is the row's text left of the bit
    columns (a command number first is dropped). Returns ([(name, code, y)], top, bottom) per table."""
    out = []
    for hi, hl in enumerate(lines):
        if out and hl.top <= out[-1][2]:
            continue  # inside the table just read
        if not _BIT7_LABEL.search(hl.text):
            continue  # (most lines: no D7/DB7/B7 label, nothing to tokenise)
        toks = [w[4].upper() for w in sorted(hl.words, key=lambda w: w[0])]
        for pfx in ("D", "DB", "B", ""):
            seq = [f"{pfx}{b}" for b in range(7, -1, -1)]
            if all(s in toks for s in seq) and [toks.index(s) for s in seq] == sorted(toks.index(s) for s in seq):
                break
        else:
            continue
        if pfx == "" and not (_COMMAND_WORD.search(hl.text) or (hi + 1 < len(lines)
                                                               and _COMMAND_WORD.search(lines[hi + 1].text))):
            continue  # bare bit numbers head a register's bit table unless the table says "Command"
        lo = hi
        labs = band_columns(lines[lo:hi + 1])
        cols = [classify_label(lab) for lab in labs]
        if _pick_address_col(cols) is not None:
            continue
        bit_at = {c.bit: k for k, c in enumerate(cols) if c.role == "bit"}
        if any(b not in bit_at for b in range(8)) or sorted(bit_at[b] for b in range(7, -1, -1)) != \
                [bit_at[b] for b in range(7, -1, -1)]:
            continue
        bounds = column_bounds([c.label for c in cols])
        first_bit = bit_at[7]
        rows: list[tuple[str, int, float]] = []
        cand: list[tuple[str, list[str], float, float]] = []  # (name, bits, y, bottom)
        prev_bottom = lines[hi].bottom
        bottom = prev_bottom
        # line, its eight bits (None: no code), whether it is a code line, left text
        body: list[tuple[Line, list[str] | None, bool, str]] = []
        for ln in lines[hi + 1:]:
            if ln.top - prev_bottom > 40 or ln.top > 0.94 * page_height or _SECTION_HEAD.match(ln.text):
                break
            prev_bottom = ln.bottom
            cells = assign_columns(ln, bounds)
            bits = [" ".join(w[4] for w in cells[bit_at[b]]) for b in range(7, -1, -1)]
            # the name is the first column's text (control-line columns such as RS, R/W, C/D sit
            # between it and the bits); a command number before it is dropped
            # (a 0/1 under a control column's label, not a digit ending the name beside it)
            ctl = {id(w) for k in range(1, first_bit) for w in cells[k] if w[4] in ("0", "1", "↑", "↓")
                   and cols[k].label.x0 - 6 <= (w[0] + w[2]) / 2 <= cols[k].label.x1 + 6}
            left = " ".join(w[4] for w in sorted((w for k in range(first_bit) for w in cells[k] if id(w) not in ctl),
                                                 key=lambda w: w[0]))
            # (a code line: 0/1 under the control columns, or short cells under three or more bits;
            # a name line's description may run into the last bit column)
            coded_line = bool(ctl) or sum(1 for b in bits if 0 < len(b) <= 3) >= 3
            if re.fullmatch(r"[01↑↓](?:\s+[01↑↓])*", left):
                left, coded_line = "", True  # control-line values left of the bits, not a name
            body.append((ln, bits if all(b in ("0", "1", "X", "x") for b in bits) else None, coded_line, left))
        used: set[int] = set()
        for j, (ln, bits, _coded, left) in enumerate(body):
            if bits is None:
                continue
            # a name wrapped around its code line ("14. Display Offset" / bits / "Mode Set"): the
            # lines with no code just above it (not taken by the row above, up to the line that
            # numbers the row) and just below it (up to a line that heads the next code line)
            parts = [left]
            a = j - 1
            while a >= 0 and a not in used and not body[a][2] and body[a][3] \
                    and body[a + 1][0].top - body[a][0].bottom < 6 and not re.match(r"\d{1,3}[.)]?\s", parts[0]):
                parts.insert(0, body[a][3])
                used.add(a)
                a -= 1
            b = j + 1
            while b < len(body) and not body[b][2] and body[b][3] and body[b][0].top - body[b - 1][0].bottom < 6 \
                    and not re.match(r"\d{1,3}[.)]?\s", body[b][3]) \
                    and not (b + 1 < len(body) and body[b + 1][2] and not body[b + 1][3]
                             and body[b + 1][0].top - body[b][0].bottom < 6):
                parts.append(body[b][3])
                used.add(b)
                b += 1
            name = " ".join(p for p in parts if p)
            name = re.sub(r"^\d{1,3}[.)]?\s+", "", clean_text(name)).strip()
            if not re.search(r"[A-Za-z]{2}", name) or len(name) > 60:
                continue
            cand.append((name, bits, ln.y, ln.bottom))
        # a bit printed X on every row (a stop or don't-care bit of the whole list) reads as 0;
        # an X in one row only is an operand bit: that row is left out
        always_x = {i for i in range(8) if cand and all(b[i] in ("X", "x") for _n, b, _y, _b in cand)}
        for name, bits, y, bot in cand:
            if any(b in ("X", "x") and i not in always_x for i, b in enumerate(bits)):
                continue
            rows.append((name, int("".join("0" if i in always_x else b for i, b in enumerate(bits)), 2), y))
            bottom = bot
        if len(rows) >= 3 and len({c for _n, c, _y in rows}) == len(rows):
            out.append((rows, lines[lo].top, bottom))
    return out


_FOOTNOTE = re.compile(r"\s*(\(\d+\)|\[\d+\]|\*+|\(note \d+\))$", re.I)


def clean_field_name(s: str) -> str:
    """Field names keep ``[4]``/``[3:0]`` (bit indices), losing only ``(1)`` and ``*`` marks."""
    s = clean_text(s)
    s = re.sub(r"\s*(\(\d+\)|\*+)$", "", s)
    return s.strip(" ,;:")


def _clean_marks(s: str) -> str:
    """A name keeping its array index, losing ``(1)`` and ``*`` marks."""
    s = _CELL_NOTE.sub("", clean_text(s))
    s = re.sub(r"\s*(\(\d+\)|\*+|\(note \d+\))$", "", s, flags=re.I)
    return s.strip(" ,;:")


_SECTION_HEAD = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+[A-Z][A-Za-z/&\-]")
_CELL_NOTE = re.compile(r"\s+(?:note|notes)\s*\d*\s*:.*$", re.I)


def clean_name(s: str) -> str:
    s = clean_text(s)
    s = _CELL_NOTE.sub("", s)  # "Status/Command Note: SMBus register only": a note in the cell
    s = _FOOTNOTE.sub("", strip_reset_label(s))
    s = _FOOTNOTE.sub("", s)
    return s.strip(" ,;:")


@dataclass
class RawRegister:
    name: str
    address: int
    reset: int | None = None
    access: str | None = None
    description: str = ""
    width_bits: int | None = None
    page: int | None = None
    peripheral: str | None = None
    address_kind: str = "absolute"
    fields: list[Field] = field(default_factory=list)
    source: str = "table"  # table | block
    confidence: float | None = None
    table: str | None = None  # provenance: "p12.t2" (page 12, second table), "p12.h" (heading)
    region: tuple[float, float] | None = None  # y extent of the table the row came from
    replaced: bool = False  # a better reading of the same region exists
    space: str = ""  # "command" | "register" by its table's headers ("" unknown): two spaces may reuse codes


_COMMAND_HEAD = re.compile(r"instruction|command|op\s*code|\bcmd\b|指令|命令", re.I)
_REGISTER_HEAD = re.compile(r"address|offset|\baddr|\breg|register|地址|寄存器", re.I)


def address_space(addr_header: str, name_header: str) -> str:
    """Whether a table's codes are commands or register addresses, by its headers ("" when they
    do not say): an instruction table and a control-register table may reuse the same numbers."""
    if _REGISTER_HEAD.search(addr_header):
        return "register"
    if _COMMAND_HEAD.search(addr_header) or _COMMAND_HEAD.search(name_header):
        return "command"
    return "register" if _REGISTER_HEAD.search(name_header) else ""


def registers_from_table(t: Table, page_no: int, rules: list[tuple[float, float, float]] | None = None) -> list[RawRegister]:
    out = []
    cols = t.columns
    reset_col = t.col("reset", prefer_qual="hex")
    access_col = t.col("access")
    desc_col = t.col("desc") if cols[t.name_col].role != "desc" else None
    bit_cols = [k for k, c in enumerate(cols) if c.role == "bit"]
    bare_hex = cols[t.addr_col].qual != "dec"
    indexed = array_indexed([row.name_text(t.name_col) for row in t.rows])
    for row in t.rows:
        addr, is_range = addr_of(row.text(t.addr_col), bare_hex, t.base)
        raw_name = clean_text(row.name_text(t.name_col, t.addr_col))
        name = clean_name(raw_name) if not indexed or not ARRAY_INDEX.search(raw_name) else _clean_marks(raw_name)
        if addr is None or not name or NOT_NAME.match(name) or not re.search(r"[A-Za-z]", name):
            continue
        if re.search(r"\b(?:reserved|rsvd)\b", name, re.I):
            continue  # "Reserved", "Vendor reserved": not a register
        if len(name) > 48:  # a description spilled into the name column
            continue
        reg = RawRegister(name=name, address=addr, page=page_no)
        if reset_col is not None:
            reg.reset = parse_reset(row.text(reset_col), prefer_binary=cols[reset_col].qual == "bin")
        if access_col is not None:
            reg.access = norm_access(row.text(access_col))
        if desc_col is not None:
            reg.description = row.text(desc_col)
        bits_k, field_k = t.col("bits"), t.col("field")
        if bits_k is not None and field_k is not None:
            reg.fields = _fields_from_lines(row.line_cells, bits_k, field_k, t.col("access") if access_col is not None
                                            and bits_k is not None else None)
        elif bit_cols and not is_range:
            reg.fields = fields_from_bit_columns(row, t, bit_cols, rules)
            reg.width_bits = _width_from_bits(max(cols[k].bit for k in bit_cols))
        if reg.width_bits is None and reset_col is not None:
            raw = row.text(reset_col).replace(" ", "")
            if re.fullmatch(r"[01]{8}|[01]{16}|[01]{32}", raw):
                reg.width_bits = len(raw)
        out.append(reg)
    return out


def table_rejection(t: Table, regs: list[RawRegister]) -> str | None:
    """Why a header-typed table whose rows read as registers is no register map: a column of
    memory sizes (the regions of a memory map), or offsets that advance by each row's size
    under lower-case field names (a file format or structure layout)."""
    others = [k for k in range(len(t.columns)) if k not in (t.addr_col, t.name_col)]
    starts = [addr_of(r.text(t.addr_col), t.columns[t.addr_col].qual != "dec", t.base)[0] for r in t.rows]
    rows = [(r, a) for r, a in zip(t.rows, starts) if a is not None]
    why = other_columns_rejection([t.columns[k].label.full for k in others], [[r.text(k) for r in t.rows] for k in others],
                                  [r.name_text(t.name_col) for r, _a in rows], [a for _r, a in rows],
                                  [[r.text(k) for r, _a in rows] for k in others])
    if why:
        return why
    if OUTCOME_HEAD.search(t.columns[t.addr_col].label.full):
        return "the code column lists outcome codes (an error or status code -> meaning table)"
    if len(regs) >= 4 and sum(1 for r in regs if r.name.rstrip().endswith(".") and len(r.name.split()) >= 3) \
            >= 0.6 * len(regs):
        return "names are sentences (a description column: a data layout or value table)"
    offs = [addr_of(r.text(t.addr_col), t.columns[t.addr_col].qual != "dec", t.base)[0] for r in t.rows]
    if sized_rows(offs, [r.name for r in regs], [[r.text(k) for r in t.rows] for k in others]):
        return "offsets advance by each row's size and names are lower-case fields (a data layout)"
    return None


def _fields_from_lines(line_cells: list[list[list[Word]]], bits_k: int, field_k: int,
                       access_k: int | None) -> list[Field]:
    out = []
    for cells in line_cells:
        b = parse_bits(" ".join(w[4] for w in cells[bits_k]))
        name = clean_field_name(" ".join(w[4] for w in cells[field_k]))
        if not b or not name or NOT_NAME.match(name) or name.lower().startswith("reserved"):
            continue
        acc = norm_access(" ".join(w[4] for w in cells[access_k])) if access_k is not None else None
        out.append(Field(name=name, bits=bit_spec(*b), access=acc))
    return out


def _width_from_bits(top: int) -> int:
    for w in (8, 16, 32, 64):
        if top < w:
            return w
    return top + 1


_FIELD_RANGE = re.compile(r"[\[<](\d{1,2})\s*[:\-]\s*(\d{1,2})[\]>]$|[\[<](\d{1,2})[\]>]$")


def fields_from_bit_columns(row: Row, t: Table, bit_cols: list[int],
                           rules: list[tuple[float, float, float]] | None = None) -> list[Field]:
    """Field names in bit columns; a name spans the bit columns its box covers.

    A name wider than one column is usually centred in a merged cell, so when the name
    carries its own width (``osrs_t[2:0]``) that width wins around the box centre.
    """
    cols = t.columns
    centres = sorted(((cols[k].label.x0 + cols[k].label.x1) / 2, cols[k].bit) for k in bit_cols)
    pitch = (centres[-1][0] - centres[0][0]) / max(len(centres) - 1, 1) if len(centres) > 1 else 20.0
    words = [w for k in bit_cols for w in row.cells.get(k, [])]
    # join words of one line that sit closer than a space (multi-word names)
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(round((w[1] + w[3]) / 2), []).append(w)
    labels: list[Label] = []
    for y in sorted(by_line):
        labels.extend(line_labels(Line(sorted(by_line[y], key=lambda w: w[0]))))
    # stacked fragments of one name ("TEMP" over "_FIFO_EN") join when they overlap in x
    merged: list[Label] = []
    for lab in labels:
        for m in merged:
            if min(m.x1, lab.x1) - max(m.x0, lab.x0) > 0.3 * min(m.x1 - m.x0, lab.x1 - lab.x0) and abs(m.y - lab.y) < 14:
                sep = "" if lab.text.startswith("_") or m.text.endswith("_") else " "
                m.text = m.text + sep + lab.text
                m.x0, m.x1 = min(m.x0, lab.x0), max(m.x1, lab.x1)
                break
        else:
            merged.append(Label(lab.x0, lab.x1, lab.y, lab.text))
    out: list[Field] = []
    used: set[int] = set()
    for lab in sorted(merged, key=lambda lb: lb.x0):
        name = clean_field_name(lab.text)
        if not name or NOT_NAME.match(name) or re.fullmatch(r"[01x]|na|NA", name) or not re.search(r"[A-Za-z]", name):
            continue
        xc = (lab.x0 + lab.x1) / 2
        covered = [b for c, b in centres if lab.x0 - 0.15 * pitch <= c <= lab.x1 + 0.15 * pitch]
        m = _FIELD_RANGE.search(name)
        width = None
        if m:
            if m.group(3) is not None:
                width = 1
            else:
                width = abs(int(m.group(1)) - int(m.group(2))) + 1
        if width and width <= len(centres):
            nearest = sorted(centres, key=lambda cb: abs(cb[0] - xc))[:width]
            covered = [b for _, b in nearest] if len(covered) != width else covered
        walls = _cell_walls(lab, rules) if rules else None
        if walls:
            # a drawn table: the field spans the bit columns between its cell's walls
            in_cell = [b for c, b in centres if walls[0] < c < walls[1]]
            if in_cell:
                covered = in_cell
        if not covered:
            covered = [min(centres, key=lambda cb: abs(cb[0] - xc))[1]]
        msb, lsb = max(covered), min(covered)
        if any(b in used for b in range(lsb, msb + 1)):
            continue
        used.update(range(lsb, msb + 1))
        out.append(Field(name=name, bits=bit_spec(msb, lsb)))
    out.sort(key=lambda f: -int(f.bits.split(":")[0]))
    return join_bit_names(out)


def join_bit_names(fields: list[Field]) -> list[Field]:
    """Adjacent one-bit fields named ``E3 E2 E1 E0`` (or ``PG1 PG0``) are one field ``E[3:0]``."""
    out: list[Field] = []
    for f in fields:
        m = re.fullmatch(r"([A-Za-z_]+?)(\d+)", f.name)
        prev = out[-1] if out else None
        if m and prev is not None and ":" not in f.bits and getattr(prev, "_stem", None) == m.group(1):
            plsb = int(prev.bits.split(":")[-1])
            if int(f.bits) == plsb - 1 and int(m.group(2)) == prev._lo - 1:
                prev.bits = f"{prev.bits.split(':')[0]}:{f.bits}"
                prev._lo = int(m.group(2))
                prev.name = f"{m.group(1)}[{prev._hi}:{prev._lo}]"
                continue
        g = Field(name=f.name, bits=f.bits, access=f.access, reset=f.reset, description=f.description)
        if m and ":" not in f.bits:
            g._stem, g._hi, g._lo = m.group(1), int(m.group(2)), int(m.group(2))
        out.append(g)
    clean = []
    for g in out:  # drop the helper attributes: Field is a plain dataclass
        clean.append(Field(name=g.name, bits=g.bits, access=g.access, reset=g.reset, description=g.description))
    return clean


def vertical_rules(page) -> list[tuple[float, float, float]]:
    """Vertical ruling segments (x, y_top, y_bottom) of a page: the cell walls of drawn tables."""
    out = []
    try:
        drawings = page.get_cdrawings()
    except Exception:
        return out
    for d in drawings:
        for it in d.get("items", ()):
            if it[0] == "l":
                (x0, y0), (x1, y1) = it[1], it[2]
                if abs(x0 - x1) < 1.0 and abs(y1 - y0) > 4:
                    out.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            elif it[0] == "re":
                r = it[1]
                x0, y0, x1, y1 = (r[0], r[1], r[2], r[3]) if len(r) == 4 else (r.x0, r.y0, r.x1, r.y1)
                if abs(x1 - x0) < 1.5 and abs(y1 - y0) > 4:
                    out.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
                elif abs(y1 - y0) > 4:  # a cell drawn as a rectangle has two walls
                    out.append((min(x0, x1), min(y0, y1), max(y0, y1)))
                    out.append((max(x0, x1), min(y0, y1), max(y0, y1)))
    return out


def _cell_walls(lab: Label, rules: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    lefts = [x for x, y0, y1 in rules if y0 - 2 <= lab.y <= y1 + 2 and x <= lab.x0 + 1]
    rights = [x for x, y0, y1 in rules if y0 - 2 <= lab.y <= y1 + 2 and x >= lab.x1 - 1]
    if not lefts or not rights:
        return None
    return max(lefts), min(rights)


def peripherals_from_table(t: Table) -> list[Peripheral]:
    if t.columns[t.name_col].role != "peripheral":
        return []
    out = []
    for row in t.rows:
        addr, _ = parse_address(join_hex_groups(row.text(t.addr_col)))
        name = clean_name(row.text(t.name_col))
        if addr is None or not name or not re.fullmatch(r"[A-Za-z][\w]*(?:\s*/\s*[A-Za-z][\w]*)*", name):
            continue
        if NOT_NAME.match(name):
            continue
        out.append(Peripheral(name=name, base_address=f"0x{addr:x}"))
    return out


# --------------------------------------------------------------------------- blocks

_H = r"(?:\d+(?:\.\d+)*\.?\s+)?"
_REG_DASH_NAMES_ACCESS = re.compile(
    r"Register\s+((?:0x[0-9A-F]{1,8}(?:\s*(?:,|and|to|through)\s*(?:Register\s+)?)?)+)\s*[—–-]\s*"
    r"([A-Za-z_][\w]*(?:\s*(?:,|and)\s*[A-Za-z_][\w]*)*)\s*\((Read|Write)[^)]*\)", re.I)
_REG_QUOTED_NAME = re.compile(_H + r"Register\s+(0x[0-9A-F]{1,8})(?:\s*(?:…|\.\.+|-|to)\s*0x[0-9A-F]+)?\s*[“\"”]([^“”\"]{1,40})[”\"“]")
_NAME_PAREN_ADDR = re.compile(r"^" + _H + r"([A-Z][A-Z0-9_]{1,30})\s*\(\s*(?:0x([0-9A-F]{1,8})|([0-9A-F]{2,8})h)(?:\s*[-–]\s*(?:0x)?[0-9A-F]+h?)?\s*\)$")
_NAME_REGISTER_ADDR_EQ = re.compile(r"^" + _H + r"(.{1,40}?)\s+(?:Register|Reg\.?)\s*\(\s*(?:address|offset|addr|pointer)\s*=\s*"
                 r"(?:0x)?([0-9A-F]{1,8})h?\s*\)\s*(?:\[\s*reset\s*=\s*(?:0x)?([0-9A-F_]{1,9})h?\s*\])?", re.I)
_TRAILING_PAREN_MNEMONIC = re.compile(r"\(([A-Z][A-Za-z0-9_]{1,40})\)\s*$")
_OFFSET = re.compile(r"Address\s+offset\s*:\s*(0x[0-9A-F]{1,8}(?:\s[0-9A-F]{4})?)", re.I)
_RESETV = re.compile(r"Reset\s+value\s*:\s*(0x[0-9A-F]{1,8}(?:\s[0-9A-F]{4})?)", re.I)
_PERIPH_HEAD = re.compile(r"^" + _H + r"([A-Za-z][A-Za-z0-9_]*[A-Za-z0-9])\s+(?i:(registers|register map|register description))\b")


def _periph_name_ok(name: str, kind: str, known: dict) -> bool:
    """A heading "X registers" names a peripheral when X looks like an identifier (``USART1``,
    ``DUALTIMER_Secure``), is a peripheral of the memory map, or heads a "register map";
    a plain word ("Status registers", "Data registers") does not."""
    if name in known or kind.lower() == "register map":
        return name.lower() not in ("the", "memory", "device", "internal")
    return bool(re.search(r"[A-Z0-9_]", name[1:])) and not name[1:].islower()
_BASE = re.compile(r"base\s+address\s*[:=]?\s*(0x[0-9A-F]{1,8}(?:\s[0-9A-F]{4})?)", re.I)


_LEADER = re.compile(r"(\.\s?){4,}\s*\d+\s*$|\s\d{1,4}$(?<=\.\s\d)")


@dataclass
class Block:
    text: str
    y0: float
    y1: float
    x0: float


def blocks_of(page, textpage=None) -> list[Block]:
    out = []
    for b in page.get_text("blocks", sort=False, textpage=textpage):
        if b[6] != 0:
            continue
        out.append(Block(clean_text(b[4]), b[1], b[3], b[0]))
    # content-stream order is not reading order (a producer may write all bold text last);
    # headings must precede their "Address offset" lines, so order by position
    out.sort(key=lambda b: (round(b.y0), b.x0))
    return out


@dataclass
class PageContext:
    """State carried from page to page: the current peripheral and its base address."""

    peripheral: str | None = None
    base: int | None = None
    bases: dict[str, int] = field(default_factory=dict)
    heads: list[tuple[float, str]] = field(default_factory=list)  # (y, peripheral) headings on this page


def registers_from_blocks(blocks: list[Block], page_no: int, ctx: PageContext) -> list[tuple[RawRegister, float]]:
    """Per-register description headings → registers (with the heading's y for field lookup)."""
    out: list[tuple[RawRegister, float]] = []
    for i, b in enumerate(blocks):
        t = b.text
        if _LEADER.search(t):  # a table-of-contents entry, not the heading itself
            continue
        mp = _PERIPH_HEAD.match(t)
        if mp and len(t) < 80 and _periph_name_ok(mp.group(1), mp.group(2), ctx.bases):
            ctx.peripheral = mp.group(1)
            ctx.base = ctx.bases.get(ctx.peripheral)
            ctx.heads.append((b.y0, ctx.peripheral))
        mb = _BASE.search(t)
        if mb and ctx.peripheral:
            base = int(join_hex_groups(mb.group(1)).replace(" ", ""), 16)
            ctx.bases[ctx.peripheral] = base
            ctx.base = base
        for m in _REG_DASH_NAMES_ACCESS.finditer(t):
            addrs = [int(a, 16) for a in re.findall(r"0x([0-9A-F]+)", m.group(1), re.I)]
            names = [n for n in re.split(r"\s*(?:,|\band\b)\s*", m.group(2)) if n]
            if len(addrs) == len(names):
                acc = "r" if "only" in t[m.start(3):m.end()].lower() and m.group(3).lower() == "read" else None
                for a, n in zip(addrs, names):
                    out.append((RawRegister(n, a, access=acc, page=page_no, source="block",
                                            peripheral=ctx.peripheral), b.y0))
        if len(t) > 160:
            continue
        m = _REG_QUOTED_NAME.match(t)
        if m:
            out.append((RawRegister(m.group(2).strip(), int(m.group(1), 16), page=page_no, source="block",
                                    peripheral=ctx.peripheral), b.y0))
            continue
        m = _NAME_PAREN_ADDR.match(t)
        if m:
            out.append((RawRegister(m.group(1), int(m.group(2) or m.group(3), 16), page=page_no, source="block",
                                    peripheral=ctx.peripheral), b.y0))
            continue
        m = _NAME_REGISTER_ADDR_EQ.match(t)
        if m:
            name = clean_name(m.group(1))
            if name and re.search(r"[A-Za-z]", name):
                rst = int(m.group(3).replace("_", ""), 16) if m.group(3) else None
                out.append((RawRegister(name, int(m.group(2), 16), reset=rst, page=page_no, source="block",
                                        peripheral=ctx.peripheral), b.y0))
            continue
        mo = _OFFSET.search(t)
        if mo:
            # ST reference manual: the heading with "(NAME)" precedes "Address offset"
            name = None
            for back in range(i, max(i - 4, -1), -1):
                mn = _TRAILING_PAREN_MNEMONIC.search(blocks[back].text.split("Address offset")[0].strip())
                if mn:
                    name = mn.group(1)
                    break
            if not name or name.lower().startswith("reserved"):
                continue
            off = int(join_hex_groups(mo.group(1)).replace(" ", ""), 16)
            rst = None
            for look in blocks[i:i + 3]:
                mr = _RESETV.search(look.text)
                if mr:
                    rst = int(join_hex_groups(mr.group(1)).replace(" ", ""), 16)
                    break
            reg = RawRegister(name, off, reset=rst, page=page_no, source="block", peripheral=ctx.peripheral,
                              address_kind="offset")
            out.append((reg, b.y0))
    return out


# --------------------------------------------------------------------------- bit fields under a heading


def fields_from_region(lines: list[Line], y0: float, y1: float) -> list[Field]:
    """Fields of one register between its heading (y0) and the next heading (y1).

    Two forms: a bit-description table (``Bit``/``Bits`` column + ``Field``/``Symbol``/``Name``
    column) and a bit diagram (a line of descending bit numbers with names on the next line).
    """
    region = [ln for ln in lines if y0 - 1 <= ln.y < y1]
    fields = _fields_from_bit_table(region)
    if fields:
        return fields
    return _fields_from_diagram(region)


def caption_bit_tables(lines: list[Line]) -> list[tuple[str, list[Field], float]]:
    """Bit-description tables that stand alone (no address column), with the caption above.

    ``Table 5. MODE1 - Mode register 1 (address 00h) bit description`` names the register
    the table describes; the caller resolves the caption against the registers it knows.
    """
    out = []
    bands = list(find_header_bands(lines))
    for n, (lo, hi) in enumerate(bands):
        cols = [classify_label(lab) for lab in band_columns(lines[lo:hi + 1])]
        roles = {c.role for c in cols}
        if "bits" not in roles or not roles & {"field", "name"} or _pick_address_col(cols) is not None:
            continue
        top = lines[lo].top
        caption = [ln.text for ln in lines[max(0, lo - 3):lo] if top - ln.bottom <= 45]
        end = bands[n + 1][0] if n + 1 < len(bands) else len(lines)
        fields = _fields_from_bit_table(lines[lo:end])
        if fields and caption:
            out.append((clean_text(" ".join(caption)), fields, top))
    return out


_ROW_NAME = re.compile(r"^(?:[A-Za-z_][\w/\-]{0,15}|[01x](?:\(\d\))?|-|—)$")


def name_row_tables(lines: list[Line]) -> list[tuple[str, list[Field], float]]:
    """One-row register tables: 8 or 16 cells of bit names, most significant first, under a
    ``Table N. NAME register`` caption (ST sensor datasheets). Constant cells (``0``, ``1``)
    are fixed bits; a row of only constants is a reset value, not fields."""
    out = []
    for i, ln in enumerate(lines):
        labs = line_labels(ln)
        if len(labs) not in (8, 16) or not all(_ROW_NAME.match(lab.text) for lab in labs):
            continue
        named = [lab for lab in labs if re.match(r"[A-Za-z_]", lab.text)]
        if len(named) < len(labs) // 2:
            continue
        caption = [p.text for p in lines[max(0, i - 2):i] if ln.top - p.bottom <= 30 and re.match(r"(?i)table\b", p.text)]
        if not caption:
            continue
        width = len(labs)
        fields = [Field(name=clean_field_name(lab.text), bits=str(width - 1 - k)) for k, lab in enumerate(labs)
                  if re.match(r"[A-Za-z_]", lab.text) and not NOT_NAME.match(lab.text)]
        out.append((caption[-1], fields, ln.top))
    return out


def _fields_from_bit_table(region: list[Line]) -> list[Field]:
    for lo, hi in find_header_bands(region):
        cols = [classify_label(lab) for lab in band_columns(region[lo:hi + 1])]
        bits_k = next((k for k, c in enumerate(cols) if c.role == "bits"), None)
        name_k = next((k for k, c in enumerate(cols) if c.role in ("field", "name")), None)
        if bits_k is None or name_k is None:
            continue
        acc_k = next((k for k, c in enumerate(cols) if c.role == "access"), None)
        rst_k = next((k for k, c in enumerate(cols) if c.role == "reset"), None)
        desc_k = next((k for k, c in enumerate(cols) if c.role == "desc"), None)
        bounds = column_bounds([c.label for c in cols])
        out: list[Field] = []
        cur: Field | None = None
        for ln in region[hi + 1:]:
            if _STOP_FIRST.match(ln.words[0][4]) and cur is not None:
                break
            cells = assign_columns(ln, bounds)
            btxt = clean_text(" ".join(w[4] for w in cells[bits_k]))
            ntxt = clean_field_name(" ".join(w[4] for w in cells[name_k]))
            b = parse_bits(btxt) if btxt else None
            if b and ntxt:
                cur = Field(name=ntxt, bits=bit_spec(*b))
                if acc_k is not None:
                    cur.access = norm_access(" ".join(w[4] for w in cells[acc_k]))
                if rst_k is not None:
                    r = parse_reset(" ".join(w[4] for w in cells[rst_k]))
                    cur.reset = None if r is None else f"0x{r:x}"
                if desc_k is not None:
                    cur.description = clean_text(" ".join(w[4] for w in cells[desc_k]))
                if not NOT_NAME.match(ntxt):
                    out.append(cur)
            elif cur is not None and desc_k is not None and cells[desc_k]:
                cur.description = clean_text(cur.description + " " + " ".join(w[4] for w in cells[desc_k]))
        if out:
            return out
    return []


_ACCESS_CELL = re.compile(r"(r|w|rw|r/w|rc_w1|rc_w0|rs|rt_w|w1c|ro|wo)(-[0-9a-fx]+h?)?|—|-")


def _fields_from_diagram(region: list[Line]) -> list[Field]:
    out: list[Field] = []
    used: set[int] = set()
    for i, ln in enumerate(region):
        nums = [w for w in ln.words if re.fullmatch(r"(?:D|B|Bit\s?)?\d{1,2}", w[4])]
        if len(nums) < 4 or len(nums) != len(ln.words):
            continue
        nums = [(w[0], w[1], w[2], w[3], re.sub(r"\D", "", w[4])) for w in nums]
        vals = [int(w[4]) for w in nums]
        if any(vals[k] - vals[k + 1] != 1 for k in range(len(vals) - 1)):
            continue
        centres = [((w[0] + w[2]) / 2, int(w[4])) for w in nums]
        pitch = (centres[0][0] - centres[-1][0]) / max(len(centres) - 1, 1)
        pitch = abs(pitch) or 20.0
        # names: the lines below up to the access row or the next bit-number row; cells of
        # two lines ("BADC" over "4", "TAP_X" over "enable") are stacked in x and joined
        labs: list[Label] = []
        first_y = prev_y = None
        for nxt in region[i + 1:i + 5]:
            if nxt.y - ln.y > 40 or (prev_y is not None and nxt.y - prev_y > 14):
                break
            toks = [w[4] for w in nxt.words]
            if all(re.fullmatch(r"(?:D|B)?\d{1,2}", t) for t in toks):
                v = [int(re.sub(r"\D", "", t)) for t in toks]
                if len(v) >= 4 and all(v[k] - v[k + 1] == 1 for k in range(len(v) - 1)):
                    break  # the next diagram row
            if all(_ACCESS_CELL.fullmatch(t.lower()) for t in toks):
                break
            line_labs = line_labels(nxt)
            if any(len(lab.text) > 40 or lab.text.count(" ") > 4 for lab in line_labs):
                break  # prose under the diagram
            if first_y is None:
                first_y = nxt.y
            elif nxt.y - first_y > 6 and not all(
                    any(min(a.x1, b.x1) - max(a.x0, b.x0) > 0 for a in labs) for b in line_labs):
                break  # not a wrap of the names above (a heading or prose below the diagram)
            prev_y = nxt.y
            for lab2 in line_labs:
                for lab in labs:
                    if min(lab.x1, lab2.x1) - max(lab.x0, lab2.x0) > 0:
                        glue = "" if lab2.text.isdigit() and re.search(r"[A-Za-z]$", lab.text) else " "
                        lab.text += glue + lab2.text
                        lab.x0, lab.x1 = min(lab.x0, lab2.x0), max(lab.x1, lab2.x1)
                        break
                else:
                    labs.append(Label(lab2.x0, lab2.x1, lab2.y, lab2.text))
        if labs:
            for lab in labs:
                name = clean_field_name(lab.text)
                if not name or NOT_NAME.match(name) or not re.search(r"[A-Za-z]", name):
                    continue
                if re.fullmatch(r"(r|w|rw|r/w|rc_w1|rc_w0|rs|rt_w|w1c)(-\d)?", name.lower()):
                    continue
                covered = [b for c, b in centres if lab.x0 - 0.3 * pitch <= c <= lab.x1 + 0.3 * pitch]
                if lab.x1 - lab.x0 < 0.9 * pitch:
                    covered = []  # narrower than one bit cell: the bit under its centre
                if not covered:
                    xc = (lab.x0 + lab.x1) / 2
                    c, b = min(centres, key=lambda cb: abs(cb[0] - xc))
                    if abs(c - xc) > pitch:
                        continue
                    covered = [b]
                msb, lsb = max(covered), min(covered)
                if any(b in used for b in range(lsb, msb + 1)):
                    continue
                used.update(range(lsb, msb + 1))
                out.append(Field(name=name, bits=bit_spec(msb, lsb)))
    out.sort(key=lambda f: -int(f.bits.split(":")[0]))
    return join_bit_names(out)


def parse_hex(s: str) -> int | None:
    return parse_hex_token(s)
