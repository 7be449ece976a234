"""Unruled register tables found by their content: aligned address tokens and whitespace columns.

``parsers.pdf_registers`` reads tables under a header band whose words name the columns, and
``parsers.pdf_grid`` reads tables whose cells are drawn. A table printed with neither (no
rulings, headers such as "Instruction Format", "Reg", "COMMAND CODE" or no header at all) is
found here from the page's word geometry alone:

1. **Anchor tokens**: the cells of a line (words closer than a space, see ``line_labels``;
   two adjacent 4-digit binary groups join) that parse under the tolerant address grammar
   of ``parsers.pdf_grid`` (``0x1F``, ``1Fh``, ``B0h``, ``(04h)``, ``0x02, 0x03``,
   ``0010 0000``, bare ``0F``). A hex number inside prose is never a cell of its own.
2. **Address columns**: anchor tokens aligned on their left edge, centre or right edge in
   three or more lines, split into runs where a caption or a full-width paragraph
   intervenes or the rows are far apart.
3. **Column walls** from the whitespace rivers of the run's lines (x positions no data
   line covers), a few header lines above the first row kept as the header.
4. **Typing by content** (``read_unruled``): the address column is the one whose row cells
   parse, are unique and mostly ordered (the number base decided per column from its
   evidence, ``column_base``); the name column holds short, unique, identifier-like cells;
   header words only break ties (and veto columns of bit numbers, values, descriptions).
5. **Consistency checks** reject tables that are not register maps (value -> meaning tables,
   conditions, memory regions, repeated names or addresses), each with its reason.

Nothing here names a vendor, a part or a file; everything is a property of the page.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, replace

from firmcorpus.parsers.pdf_grid import (
    BYTE_N,
    CJK_NAME_HEAD,
    CJK_NO_NAME_HEAD,
    EU_ADDR_HEAD,
    EU_DESCRIPTION_HEAD,
    EU_NAME_HEAD,
    EU_NO_ADDR_HEAD,
    EU_NO_NAME_HEAD,
    FIELD_HEAD,
    MASK_HEAD,
    MODE_HEAD,
    NODE_HEAD,
    OUTCOME_HEAD,
    VALUE_WORD,
    AddrCell,
    addr_value,
    byte_pair_column,
    byte_registers,
    column_base,
    descriptor_column,
    descriptor_group,
    field_headed,
    joined_byte_head,
    listed_name,
    narrow_ranges,
    other_columns_rejection,
    parse_addr_cell,
    single_bit_masks,
    sized_rows,
)
from firmcorpus.parsers.pdf_layout import (
    NAME_LETTERS,
    NAME_START,
    NOT_NAME,
    Label,
    Line,
    field_row_cells,
    letter_count,
    line_labels,
)

_CAPTION = re.compile(r"^(table|figure|fig\.)\s*[\dA-Z]", re.I)
_BIN4 = re.compile(r"^[01]{4}$")
MAX_TOKEN_CHARS = 24
MIN_ROWS = 3


@dataclass
class Anchor:
    line: int  # index into the page's lines
    x0: float
    x1: float
    text: str
    group: str = ""  # the set code of a full descriptor ("(0x0C, 0x37)"), from ``descriptor_group``


def _cells(line: Line) -> list[Label]:
    """Cells of one line; two adjacent 4-digit binary groups ("0010 0000") are one cell."""
    labs = line_labels(line)
    out: list[Label] = []
    for lab in labs:
        if out and _BIN4.match(out[-1].text) and _BIN4.match(lab.text):
            h = max(w[3] - w[1] for w in line.words) if line.words else 10.0
            if lab.x0 - out[-1].x1 <= 1.6 * h:
                out[-1] = Label(out[-1].x0, lab.x1, out[-1].y, out[-1].text + " " + lab.text)
                continue
        out.append(Label(lab.x0, lab.x1, lab.y, lab.text))
    return out


def anchors_of(lines: list[Line]) -> list[Anchor]:
    out = []
    for i, ln in enumerate(lines):
        for lab in _cells(ln):
            t = lab.text
            if len(t) > MAX_TOKEN_CHARS or not re.search(r"\d", t):
                continue
            c = parse_addr_cell(t)
            if c is not None:
                out.append(Anchor(i, lab.x0, lab.x1, t, descriptor_group(c)))
    return out


def _align_clusters(anchors: list[Anchor], tol: float = 3.5) -> list[list[Anchor]]:
    """Groups of anchors sharing a left edge, a centre or a right edge (largest first, each
    anchor in one group)."""
    cands: list[list[Anchor]] = []
    for key in (lambda a: a.x0, lambda a: (a.x0 + a.x1) / 2, lambda a: a.x1):
        srt = sorted(anchors, key=key)
        cur: list[Anchor] = []
        for a in srt:
            if cur and key(a) - key(cur[-1]) > tol:
                cands.append(cur)
                cur = []
            cur.append(a)
        if cur:
            cands.append(cur)
    cands = [c for c in cands if len({a.line for a in c}) >= MIN_ROWS]
    cands.sort(key=lambda c: -len(c))
    used: set[int] = set()
    out = []
    for c in cands:
        free = [a for a in c if id(a) not in used]
        # one anchor per line
        by_line: dict[int, Anchor] = {}
        for a in free:
            by_line.setdefault(a.line, a)
        if len(by_line) >= MIN_ROWS:
            out.append(sorted(by_line.values(), key=lambda a: a.line))
            used.update(id(a) for a in by_line.values())
    return out


_BLOCK_END = re.compile(r"(?:^|[\s(])(?:bank|page)\s*\d{1,2}\)?(?:\s+(?:register\s*map|registers))?$", re.I)


def _breaker(ln: Line, page_w: float, col_x0: float) -> bool:
    """A line that cannot sit inside a table: a caption, or a paragraph line as wide as the
    page that starts left of the address column."""
    if _CAPTION.match(ln.text):
        return True
    if len(ln.words) <= 6 and _BLOCK_END.search(ln.text):
        return True  # "Bank 1", "REGISTER SUMMARY (Bank 1)": the heading of the next block's table
    span = max(w[2] for w in ln.words) - min(w[0] for w in ln.words)
    if span > 0.6 * page_w and ln.x0 <= col_x0 + 2:
        labs = line_labels(ln)
        return any(lab.x1 - lab.x0 > 0.5 * page_w for lab in labs)
    return False


def _runs(lines: list[Line], col: list[Anchor], page_w: float, page_h: float) -> list[list[Anchor]]:
    runs: list[list[Anchor]] = []
    cur: list[Anchor] = []
    pitches: list[float] = []
    x0 = min(a.x0 for a in col)
    run_group = ""  # the set code of the run's full descriptors, once one is met
    for a in col:
        if lines[a.line].top > 0.95 * page_h:
            continue
        if cur and a.group and run_group and a.group != run_group:
            # full descriptors of another set ("(0x0C, 0x01)" after "(0x01, 0x7E)"): the next
            # set's table, which reuses the codes
            runs.append(cur)
            cur, pitches, run_group = [], [], ""
        if cur:
            prev = cur[-1]
            gap = lines[a.line].y - lines[prev.line].y
            # (a gap several times the run's usual row pitch ends it: a code quoted in the text
            # below the table, "A5 25", is not its next row)
            far = len(pitches) >= 2 and gap > max(60.0, 3.5 * pitches[len(pitches) // 2])
            broken = gap > 160 or far or any(_breaker(lines[j], page_w, x0) for j in range(prev.line + 1, a.line))
            if broken:
                runs.append(cur)
                cur, pitches, run_group = [], [], ""
            else:
                insort(pitches, gap)  # the run's row pitches, kept sorted
        cur.append(a)
        run_group = run_group or a.group
    if cur:
        runs.append(cur)
    return [r for r in runs if len(r) >= MIN_ROWS]


def _names_registers(ln: Line) -> bool:
    """A header line whose only codes are parenthesised register addresses beside column words
    ("IC Type | Type | Voltage | (0x1A) | (0x12)": the columns below hold those registers' values)."""
    cells = _cells(ln)
    codes = [c for c in cells if parse_addr_cell(c.text) is not None]
    return all(re.fullmatch(r"\(\s*(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)\s*\)", c.text, re.I) for c in codes) \
        and sum(1 for c in cells if re.search(r"[A-Za-z]{2}", c.text)) >= 2


def _walls(lines: list[Line], lo: float, hi: float) -> list[float]:
    """Column walls: centres of the x ranges that no cell of these lines covers."""
    n = int(hi - lo) + 2
    if n <= 2:
        return []
    cover = [0] * n
    for ln in lines:
        for lab in _cells(ln):
            i0 = max(0, int(lab.x0 - lo))
            i1 = min(n - 1, int(lab.x1 - lo) + 1)
            for i in range(i0, i1):
                cover[i] += 1
    walls = []
    i = 0
    while i < n:
        if cover[i] == 0:
            j = i
            while j + 1 < n and cover[j + 1] == 0:
                j += 1
            if i > 0 and j < n - 1:
                walls.append(lo + (i + j) / 2)
            i = j + 1
        else:
            i += 1
    return walls


def _overlaps(lab: Label, x0: float, x1: float) -> bool:
    return min(lab.x1, x1) - max(lab.x0, x0) > 0.3 * min(lab.x1 - lab.x0, x1 - x0)


@dataclass
class UnruledTable:
    header: list[Line]
    rows: list[list[Line]]  # each row: its lines, the first holding the address cell
    xs: list[float]  # column walls
    bbox: tuple[float, float, float, float]


def unruled_tables(lines: list[Line], page_w: float, page_h: float) -> list[UnruledTable]:
    """Unruled tables of one page (column walls from whitespace, a row per line with a cell
    in the address column), each seeded by a column of aligned address tokens."""
    out: list[UnruledTable] = []
    anchors = anchors_of(lines)
    if len(anchors) < MIN_ROWS:
        return out
    # (top, end) -> (index into out, distinct share of its seed's anchors): where two columns
    # span the same lines, rows start at the one whose cells differ (the addresses, not a
    # column of sizes "4, 4, 4" that a wrapped cell puts on its own line)
    seen: dict[tuple[int, int], tuple[int, float]] = {}
    for col in _align_clusters(anchors):
        for run in _runs(lines, col, page_w, page_h):
            first, last = run[0].line, run[-1].line
            cx0, cx1 = min(a.x0 for a in run), max(a.x1 for a in run)
            pitch = (lines[last].y - lines[first].y) / max(1, len(run) - 1)
            # rows above the first parsing one whose address cell does not parse ("0000 AAAA",
            # "N.A."): a cell in the address column with a digit in it
            top = first
            j = first - 1
            while j >= 0 and lines[top].top - lines[j].bottom <= pitch + 4 and not _breaker(lines[j], page_w, cx0):
                cell = [c for c in _cells(lines[j]) if _overlaps(c, cx0, cx1)]
                # (the words over the column, not the whole label: "# CMD1 byte" or "CMD1 byte"
                # over it is a header, mostly letters, not a cell with a digit)
                inner = " ".join(w[4] for w in lines[j].words if w[2] > cx0 - 2 and w[0] < cx1 + 2)
                wordy = len(re.findall(r"[A-Za-z]", inner)) > len(re.findall(r"\d", inner)) + 4
                if cell and (not any(re.search(r"\d", c.text) and len(c.text) <= 12 for c in cell)
                             or not re.search(r"\d", inner) or wordy or any(FIELD_HEAD.match(c.text) for c in cell)):
                    break  # a header word over the address column (a bit field's name: "fh_mode<3:0>")
                if cell:
                    top = j
                j -= 1
            # header: up to three lines right above the first row (the lowest may sit as far
            # above it as widely spaced rows are apart; the lines above it stack closely)
            head = top
            wide = max(14.0, min(0.8 * pitch, 40.0))
            while head - 1 >= 0 and top - (head - 1) <= 3 \
                    and lines[head].top - lines[head - 1].bottom <= (wide if head == top else 14.0) \
                    and not _breaker(lines[head - 1], page_w, cx0) \
                    and (not any(parse_addr_cell(c.text) is not None for c in _cells(lines[head - 1]))
                         or _names_registers(lines[head - 1])):
                head -= 1
            # rows run on below the last anchor line as far as one row pitch
            end = last
            while end + 1 < len(lines) and lines[end + 1].y - lines[last].y <= min(pitch, 60) \
                    and lines[end + 1].top < 0.95 * page_h and not _breaker(lines[end + 1], page_w, cx0) \
                    and not any(_overlaps(c, cx0, cx1) for c in _cells(lines[end + 1])):
                end += 1
            distinct = len({a.text for a in run}) / len(run)
            if (top, end) in seen and distinct <= seen[(top, end)][1] + 0.5:
                continue
            data = lines[top:end + 1]
            lo = min(ln.x0 for ln in data)
            hi = max(max(w[2] for w in ln.words) for ln in data)
            walls = _walls(data, lo, hi)
            if not walls:
                continue
            rows: list[list[Line]] = []
            for k in range(top, end + 1):
                if not rows or any(_overlaps(c, cx0, cx1) for c in _cells(lines[k])):
                    rows.append([lines[k]])
                else:
                    rows[-1].append(lines[k])
            table = UnruledTable(lines[head:top], rows, [lo - 1.0] + walls + [hi + 1.0],
                                 (lo, lines[head].top, hi, lines[end].bottom))
            slot = seen[(top, end)][0] if (top, end) in seen else len(out)
            if slot == len(out):
                out.append(table)
            else:
                out[slot] = table
            seen[(top, end)] = (slot, distinct)
    out.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return out


# --------------------------------------------------------------------------- typing by content

_NO_ADDR_HEAD = re.compile(r"^(bits?|bit\s*\w*|default|reset|value|values|size|width|length|len|page|pin|por|"
                           r"init\w*|data|d\d|db\d|qty|count|min|max|typ|unit|units|r/w|access|type|settings?|数据|數據|数值|默认|"
                           + EU_NO_ADDR_HEAD + r")\b", re.I)
_ADDR_HEAD = re.compile(EU_ADDR_HEAD + r"|addr|\badr\b|offset|pointer|index|\breg\b|^reg(ister)?s?$|register\s*(#|no|num|0x|addr|index)|"
                        r"\bhex\b|\bcode\b|op-?code|command|cmd|instruction|sub-?address|format|地址|位址|偏移|索引|指令|命令", re.I)
_NAME_HEAD = re.compile(r"name|register|symbol|mnemonic|abbrev|acronym|command|instruction|function|寄存器|名称|名稱|符号|"
                        r"\bmode\b|" + CJK_NAME_HEAD + "|" + EU_NAME_HEAD, re.I)
_NO_NAME_HEAD = re.compile(r"descr|comment|remark|content|value|data\s*type|default|reset|access|\bunits?\b|"
                           r"\bbits?\b|r/w|operation|" + CJK_NO_NAME_HEAD + "|" + EU_NO_NAME_HEAD + "|" + EU_DESCRIPTION_HEAD,
                           re.I)
_VALUE_HEAD = re.compile(r"\b(?:limit|threshold|minimum|maximum|typical|temperature|voltage|current|frequency|"
                         r"range|min|max|typ)\b", re.I)
_ADDR_WORD = re.compile(r"addr|\badr\b|offset|pointer|index|\breg|code|command|instruction|cmd", re.I)
_PARAM_HEAD = re.compile(r"parameter|coefficient|variable|calibration", re.I)
_BUS_ADDR_HEAD = re.compile(r"\b(?:slave|device|i2c|i²c|bus|\d-bit)\s*(?:address|addr)\b", re.I)  # a bus address, not a register
# the whole data-bus byte ("D0-D7", "DB7~DB0"): beside an "Instruction" column, the code written
_BUS_BYTE_HEAD = re.compile(r"d\s?b?\s?(?:0\s*(?:[-–~:]|\.\.|to)\s*d?\s?b?\s?7|7\s*(?:[-–~:]|\.\.|to)\s*d?\s?b?\s?0)", re.I)
_VALUE_CODE_HEAD = re.compile(r"^(?:values?|settings?)\s*\(?\s*hex\s*\)?$", re.I)  # values written, printed in hex
_IDENT = re.compile(r"^[A-Za-z][\w.\-/\[\]<>:]*$")
_SOURCE_LINE = re.compile(r"#\s*(?:define|include|if|endif)\b|^\s*(?:typedef|static|const|void|u?int\d*_t)\b|;\s*$|//|/\*")
_PROSE = re.compile(r"\b(the|is|are|be|to|of|when|this|will|shall|if)\b", re.I)
# a row that is not a register: a condition or value ("Pressure (oss = 1)"), a memory region
# ("General Purpose Registers 96 Bytes"), a bank label, a header word read as a cell
_NOT_REGISTER_ROW = re.compile(r"(?i:\($|^[^(]*=|\b\d+\s*(?:k?bytes?|words?)\b|^bank\s*\d+$|\breserved\b)|"
                               r"^(?:[Ii]nstruction|[Rr]egister|[Nn]ame|[Aa]ddress|[Cc]ommand|[Dd]escription|[Ff]unction|"
                               r"[Vv]alue|[Dd]ata)s?$")
# (a header word in capitals at an address of its own is a register: "06 DATA", "0x1C COMMAND")


@dataclass
class UnruledRegister:
    name: str
    address: int
    y: float
    copy: bool = False  # named by a cell centred over this row and the one above


@dataclass
class UnruledResult:
    registers: list[UnruledRegister]
    addr_header: str = ""
    name_header: str = ""
    confidence: float = 0.0
    rejected: str | None = None
    group: str = ""  # the set code shared by the rows' full descriptors ("(0x0C, 0x37)"), if any


def _split(line: Line, xs: list[float]) -> list[list[Label]]:
    cells: list[list[Label]] = [[] for _ in range(len(xs) - 1)]
    for c in _cells(line):
        xc = (c.x0 + c.x1) / 2
        for k in range(len(xs) - 1):
            if xs[k] <= xc < xs[k + 1]:
                cells[k].append(c)
                break
    return cells


def _join(parts: list[str]) -> str:
    """Lines of one cell; an identifier wrapped mid-token ("W_TX_PAYLO" / "AD") joins without
    a space, a word hyphenated at the line end ("REG-" / "ISTER") without the hyphen."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out = p
        elif re.search(r"[A-Z0-9]_[A-Z0-9_]{2,}$", out) and re.fullmatch(r"[A-Z]{1,3}", p):
            out += p
        elif re.search(r"[A-Za-z]{2}-$", out) and re.match(r"[A-Za-z]", p):
            out = out[:-1] + p
        else:
            out += " " + p
    return out


def _clean(s: str) -> str:
    s = re.sub(r"(?<=[A-Za-z])\(\d{1,2}\)", "", s)
    # a lone symbol glyph before the name (an arrow or bullet from a symbol font: "¢ Send")
    s = re.sub(r"^[^\w\s(\[<\-]\s+(?=\w)", "", s)
    for _ in range(2):
        s = re.sub(r"\s*(\(\d+\)|\*+|\(note \d+\))$", "", s, flags=re.I)
    return s.strip(" ,;:")


_SLICE = re.compile(r"^(.*?)\s*[\[<]\d+:\d+[\]>]$")


def bit_slices(names: list[str]) -> int:
    """Names that are slices of a value sharing its stem with another row (``ADC[7:0]``,
    ``ADC[15:8]``: the bytes of one quantity in a data-layout table), or lists (``A, B``).
    A register named with its own width (``HSIZE[7:0]`` alone) does not count."""
    stems = [m.group(1).lower() if m else None for m in (_SLICE.match(n) for n in names)]
    n_stem: dict[str, int] = {}
    for st in stems:
        if st is not None:
            n_stem[st] = n_stem.get(st, 0) + 1
    return sum(1 for n, st in zip(names, stems) if (st is not None and n_stem[st] >= 2) or listed_name(n))


def _name_cell(per_line, nk: int, ak: int) -> str:
    """The name cell of one row: its lines joined, except lines without an address that carry a
    name and, in other columns, a bit position and an access code of their own: those are field
    rows of a register, not a wrapped name."""
    parts = []
    for cells in per_line:
        own = " ".join(c.text for c in cells[nk])
        if own and not cells[ak] and field_row_cells([" ".join(c.text for c in cl) for k, cl in enumerate(cells)
                                                      if k not in (nk, ak)]):
            continue
        parts.append(own)
    return _join(parts)


_BYTE_LIST = re.compile(r"(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)(?:\s*,\s*(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h))+", re.I)


def _share_centred(rows: list[list[Line]], rows_cells: list, ncol: int) -> dict[int, set[int]]:
    """A cell centred over two row lines (the name of a value printed over its low and high byte
    rows, no rules to show the merge) sits on a line of its own half way between them: it belongs
    to both rows. Only cells whose column is empty on both rows' own lines are shared (a name
    wrapped under its first line is not). Returns the columns each row received a copy in."""
    copied: dict[int, set[int]] = {}
    for i in range(len(rows) - 1):
        row, nxt = rows[i], rows[i + 1]
        if len(row) != 2 or len(nxt) != 1:
            continue
        y0, ym, y1 = row[0].y, row[1].y, nxt[0].y
        if y1 - y0 <= 0 or abs(ym - (y0 + y1) / 2) > 0.2 * (y1 - y0):
            continue
        cells0, mid, cells1 = rows_cells[i][0], rows_cells[i][1], rows_cells[i + 1][0]
        shared = [[] for _ in range(ncol)]
        for k in range(ncol):
            if mid[k] and not cells0[k] and not cells1[k]:
                shared[k] = list(mid[k])
        if any(shared):
            rows_cells[i + 1].append(shared)
            copied[i + 1] = {k for k in range(ncol) if shared[k]}
    return copied


_HEAD_WORD = re.compile(r"^(?:no\.?|#|symbol|name|default|reset|description|bits?|address|offset|r/w|access|type|"
                        r"value|field|function)$", re.I)


def _without_nested_fields(t: UnruledTable, parsed: list) -> list:
    """The rows of a field table nested under a register row are no registers: a line that
    repeats header words ("No. | Symbol | Default | Description") starts one, and its rows
    (bit numbers "12", "14") run until a row whose address cell is of the kind the table's
    rows had before it ("0x1B")."""
    heads = [i for i, row in enumerate(t.rows)
             if sum(1 for c in _cells(row[0]) if _HEAD_WORD.match(c.text.strip())) >= 3]
    if not heads:
        return parsed
    kind = {i: c.kind for i, c in parsed}
    drop: set[int] = set()
    for h in heads:
        before = [kind[i] for i in range(h) if i in kind]
        if not before:
            continue
        outer = before[-1]
        for i in range(h + 1, len(t.rows)):
            if i in heads or kind.get(i) == outer:
                break
            drop.add(i)
    return [(i, c) for i, c in parsed if i not in drop]


def _header_like(text: str) -> bool:
    return bool(text) and len(text.split()) <= 4 and not re.search(r"\d", text) \
        and bool(_NAME_HEAD.search(text) or _NO_NAME_HEAD.search(text) or _ADDR_HEAD.search(text))


def _header_row_promoted(t: UnruledTable) -> UnruledTable:
    """A first row that is column words ("Register Name | Register Description") with no code
    in it belongs to the header: a rotated or stacked header word can seat the header line
    among the rows."""
    if not t.rows:
        return t
    cells = [" ".join(c.text for c in cell).strip() for cell in _split(t.rows[0][0], t.xs)]
    if any(parse_addr_cell(c) is not None for c in cells if c) \
            or sum(1 for c in cells if _header_like(c)) < 2:
        return t
    return replace(t, header=t.header + t.rows[0], rows=t.rows[1:])


def _column_heads(t: UnruledTable) -> list[str]:
    ncol = len(t.xs) - 1
    head = [""] * ncol
    for ln in t.header:
        # a header label goes to the column it overlaps most (labels are often wider than
        # their column's data, or centred over it)
        for c in _cells(ln):
            ov = [min(c.x1, t.xs[k + 1]) - max(c.x0, t.xs[k]) for k in range(ncol)]
            k = max(range(ncol), key=lambda i: ov[i])
            if ov[k] > 0 or (c.x0 >= t.xs[-1] - 40 and k == ncol - 1):
                head[k] = (head[k] + " " + c.text).strip()
    return head


def _within(t: UnruledTable, lo: int, hi: int) -> UnruledTable:
    """Columns ``lo`` .. ``hi - 1`` of a table as a table of their own (words by their centre)."""
    x0, x1 = t.xs[lo], t.xs[hi]

    def cut(ln: Line) -> Line | None:
        ws = [w for w in ln.words if x0 <= (w[0] + w[2]) / 2 < x1]
        return Line(ws) if ws else None

    rows = [[c for c in map(cut, row) if c] for row in t.rows]
    return replace(t, header=[c for c in map(cut, t.header) if c], rows=[r for r in rows if r], xs=t.xs[lo:hi + 1])


def _repeat_split(labels: list[str]) -> int | None:
    """The column where a run of two or more labels starts over ("A | B | A | B" -> 2)."""
    norm = [re.sub(r"[^a-z0-9]", "", h.lower()) for h in labels]
    for s in range(len(norm)):
        for p in range(2, (len(norm) - s) // 2 + 1):
            if all(norm[s:s + p]) and norm[s + p:s + 2 * p] == norm[s:s + p]:
                return s + p
    return None


def _side_by_side(t: UnruledTable) -> list[UnruledTable]:
    """A table printed in side-by-side halves ("Instruction | Code | Instruction | Code"): the
    same run of two or more column labels twice in a row, in the header or in a first row that
    holds no code (a header line the header band missed); each half is a table of its own."""
    ncol = len(t.xs) - 1
    cut = _repeat_split(_column_heads(t))
    if cut is None and t.rows:
        first = [" ".join(c.text for c in cell).strip() for cell in _split(t.rows[0][0], t.xs)]
        cells = [parse_addr_cell(c) for c in first if c]
        cut = None if any(c is not None and c.kind in ("0x", "h") for c in cells) else _repeat_split(first)
        # (a run of labels: a word that is no code among them, "Instruction | D0-D7")
        if cut is not None and not any(NAME_LETTERS.search(c) and parse_addr_cell(c) is None for c in first[:cut]):
            cut = None
        if cut is not None:  # (the lines above it were a caption or another table's)
            t = replace(t, header=t.rows[0][:1], rows=t.rows[1:])
    return [] if cut is None else [_within(t, 0, cut), _within(t, cut, ncol)]


def _join_byte_halves(head: list[str], first: list[list[str]]) -> int | None:
    """An address printed as two byte columns (``pdf_grid.byte_pair_column``) is one address
    column, ``0x`` + high + low, in the low byte's place (the high column is emptied); returns
    that column."""
    k = byte_pair_column(head, [[c.strip() for c in row] for row in first], MIN_ROWS)
    if k is None:
        return None
    for row in first:
        a, b = row[k].strip(), row[k + 1].strip()
        row[k], row[k + 1] = "", (f"0x{a}{b}" if a and b else "")
    head[k + 1], head[k] = joined_byte_head(head[k + 1]), ""
    return k + 1


def read_unruled(t: UnruledTable, min_named: int = MIN_ROWS) -> UnruledResult:
    """Type the columns of one unruled table by their content and read its register rows
    (``min_named``: fewer named rows suffice for the continuation of a table whose address
    rows, reserved ones included, already number ``MIN_ROWS``)."""
    t = _header_row_promoted(t)
    halves = [_read_one(h, min_named) for h in _side_by_side(t)]
    if halves and not halves[0].rejected:
        res = halves[0]
        for h in halves[1:]:
            if not h.rejected and h.group == res.group:
                res.registers = res.registers + h.registers
                res.confidence = min(res.confidence, h.confidence)
        return res
    return _read_one(t, min_named)


def _read_one(t: UnruledTable, min_named: int) -> UnruledResult:
    ncol = len(t.xs) - 1
    t = _header_row_promoted(t)
    head = _column_heads(t)
    # per row and column: the first line's cell (address) and the whole cell (name)
    first: list[list[str]] = []
    whole: list[list[str]] = []
    rows_cells = []
    for row in t.rows:
        rows_cells.append([_split(ln, t.xs) for ln in row])
    copied = _share_centred(t.rows, rows_cells, ncol)
    for per_line in rows_cells:
        first.append([" ".join(c.text for c in per_line[0][k]) for k in range(ncol)])
        whole.append([_join([" ".join(c.text for c in pl[k]) for pl in per_line]) for k in range(ncol)])
    joined = _join_byte_halves(head, first)
    best = None
    # a command list names its code column "Value" ("Instruction | Function | Value"), and so
    # does a list of named codes ("Frame Names | Values"); a value -> meaning table heads its
    # other column with a description, not with names
    commands = [k for k in range(ncol) if re.search(r"^(?:instructions?|commands?)$|\bnames$", head[k].strip(), re.I)]
    for k in range(ncol):
        h = head[k]
        if BYTE_N.fullmatch(h.strip()) and sum(
                1 for j, x in enumerate(head) if BYTE_N.fullmatch(x.strip())
                and sum(1 for row in first if parse_addr_cell(row[j]) is not None) >= max(3, 0.8 * len(first))) >= 3:
            continue  # "Byte 4 | Byte 3 .. Byte 0" holding values: the bytes of one value per row, not addresses
        if _BUS_ADDR_HEAD.search(h) or _VALUE_CODE_HEAD.match(h.strip()) \
                or (MASK_HEAD.search(h) and not _ADDR_HEAD.search(h)) or MODE_HEAD.fullmatch(h):
            continue
        if _NO_ADDR_HEAD.match(h) and not _ADDR_HEAD.search(h) \
                and not (commands and k not in commands
                         and (re.fullmatch(r"values?", h.strip(), re.I) or _BUS_BYTE_HEAD.fullmatch(h.strip()))):
            continue
        if _VALUE_HEAD.search(h) and not re.search(r"addr|offset|reg|command|code", h, re.I):
            continue  # limits, thresholds, measured values: not addresses
        cells = [(i, parse_addr_cell(first[i][k])) for i in range(len(t.rows)) if first[i][k]]
        parsed = [(i, c) for i, c in cells if c is not None]
        if len(parsed) < MIN_ROWS:
            continue
        base = column_base([c for _, c in parsed], h)
        vals = [addr_value(c, base) for _, c in parsed]
        rate = len(parsed) / len(cells)
        uniq = len(set(vals)) / len(vals)
        inc = sum(1 for a, b in zip(vals, vals[1:]) if b > a)
        dec = sum(1 for a, b in zip(vals, vals[1:]) if b < a)
        mono = max(inc, dec) / max(1, len(vals) - 1)
        marked = sum(1 for _, c in parsed if c.kind in ("0x", "h", "bin")) / len(parsed)
        if marked < 0.5 and not _ADDR_HEAD.search(h):
            continue  # bare numbers under no address header: pin numbers, values, counts
        if marked < 0.5 and max(vals) <= 31 and dec > inc:
            continue  # bit numbers (7, 6, 5 .. 0)
        if single_bit_masks(vals):
            continue  # 0x01, 0x02, 0x04, 0x08 ..: the masks of a flag word's bits, not addresses
        # a value scale ("0 - 50", "51 - 100"), unless each range spans the few words of one wide
        # register ("100-101"); a comma list of marked codes ("0x02, 0x03", the bytes of one wider
        # register) is no range
        ranged = [first[i][k].strip() for i, c in parsed if c.is_range and not _BYTE_LIST.fullmatch(first[i][k].strip())]
        if len(ranged) > 0.5 * len(parsed) and not narrow_ranges(ranged, base):
            continue
        if all(c.kind == "bare" and re.fullmatch(r"[01]{1,4}", c.text) for _, c in parsed) \
                and not re.search(r"addr|offset|pointer|index|\breg", h, re.I):
            continue  # nibble codes "0000" .. "1111": the values of a 4-bit field, not addresses
        ordered = mono >= 0.6 or (uniq >= 0.9 and (marked >= 0.8 or _ADDR_HEAD.search(h) is not None))
        if rate < 0.6 or uniq < 0.75 or not ordered:
            continue
        s = rate * 0.4 + uniq * 0.3 + mono * 0.2 + marked * 0.1 + (0.15 if _ADDR_HEAD.search(h) else 0.0)
        if best is None or s > best[0]:
            best = (s, k, base, parsed)
    if best is None:
        return UnruledResult([], rejected="no address column (cells that parse, unique, mostly ordered)")
    a_score, ak, base, parsed = best
    parsed = _without_nested_fields(t, parsed)
    if len(parsed) < min_named:
        return UnruledResult([], addr_header=head[ak], rejected=f"{len(parsed)} register row(s) (an unruled table needs {min_named})")
    names = []
    for k in range(ncol):
        if k == ak:
            continue
        h = head[k]
        if _NO_NAME_HEAD.search(h) and not _NAME_HEAD.search(h):
            continue
        ts = [whole[i][k] for i, _c in parsed if whole[i][k] and not NOT_NAME.match(whole[i][k])
              and k not in copied.get(i, ())]  # (a name centred over two rows counts once)
        letters = [x for x in ts if NAME_LETTERS.search(x)]
        # reserved rows ("-", "Reserved") count for no column
        n_res = sum(1 for i, _c in parsed if whole[i][k] and NOT_NAME.match(whole[i][k]))
        n_copied = sum(1 for i, _c in parsed if k in copied.get(i, ()))
        if len(letters) < 2:
            continue
        ident = sum(1 for x in letters if _IDENT.match(x.split(" (")[0])) / len(letters)
        # names of multi-byte registers sit once in a cell merged over their address rows,
        # which leaves the other rows blank: a column headed for names, of identifiers, may
        # fill fewer rows
        fill = 0.4 if _NAME_HEAD.search(h) and not _NO_NAME_HEAD.search(h) and ident >= 0.8 else 0.6
        if len(letters) < fill * (len(parsed) - n_res - n_copied):
            continue
        short = sum(1 for x in letters if len(x.split()) <= 6 and len(x) <= 48) / len(letters)
        prose = sum(1 for x in letters if _PROSE.search(x)) / len(letters)
        uniq = len(set(letters)) / len(letters)
        if short < 0.6 or uniq < 0.6:
            continue
        s = ident * 0.4 + short * 0.3 + uniq * 0.3 - prose * 0.5 + (0.2 if _NAME_HEAD.search(h) else 0.0) \
            - 0.06 * abs(k - ak)
        names.append((s, -abs(k - ak), k))
    res = UnruledResult([], addr_header=head[ak])
    resolved, group = descriptor_column([c for _i, c in parsed])
    if group is None:
        res.rejected = "code pairs whose first code varies (coordinates or value pairs, not descriptors of one set)"
        return res
    parsed = [(i, c) for (i, _c), c in zip(parsed, resolved)]
    res.group = group
    if re.search(r"(?<![\w.])(?:0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h)(?![\w.])", head[ak], re.I):
        res.rejected = "the code column holds values of one register (its header names the register)"
        return res
    if field_headed(head, ak):
        res.rejected = "the code column is headed by a bit-field name (the values of that field)"
        return res
    if OUTCOME_HEAD.search(head[ak]):
        res.rejected = "the code column lists outcome codes (an error or status code -> meaning table)"
        return res
    if any(VALUE_WORD.match(first[i][ak].strip()) for i in range(len(t.rows))):
        res.rejected = "the code column holds truth values (a property -> value table)"
        return res
    vals = [addr_value(c, base) for _, c in parsed]
    steps = sorted(abs(b - a) for a, b in zip(vals, vals[1:]))
    inc = sum(1 for a, b in zip(vals, vals[1:]) if b > a)
    # (a scale is a run of numbers that keeps rising; codes that jump back down, "0x40" then
    # "0x20", are commands in the order they are described, and full descriptors are codes)
    if steps and steps[len(steps) // 2] > 16 and not _ADDR_WORD.search(head[ak]) and not res.group \
            and max(inc, len(steps) - inc) >= 0.8 * len(steps) \
            and not (all(c.kind in ("0x", "h") for _, c in parsed) and 0 < min(inc, len(steps) - inc)):
        res.rejected = f"values step by {steps[len(steps) // 2]} (a scale of values, not addresses)"
        return res
    if not names:
        res.rejected = "no name column (short, unique identifier-like cells)"
        return res
    n_score, _d, nk = max(names)
    res.name_header = head[nk]
    if NODE_HEAD.match(head[nk].strip()):
        res.rejected = "the names are nodes of a bus ('Module | Address': bus addresses, not registers)"
        return res
    others = [k for k in range(ncol) if k not in (ak, nk)]
    why = other_columns_rejection([head[k] for k in others], [[whole[i][k] for i, _c in parsed] for k in others],
                                  [whole[i][nk] for i, _c in parsed], [addr_value(c, base) for _i, c in parsed],
                                  [[first[i][k] for i, _c in parsed] for k in others])
    if why:
        res.rejected = why
        return res
    if sized_rows([addr_value(c, base) for _i, c in parsed], [whole[i][nk] for i, _c in parsed],
                   [[whole[i][k] for i, _c in parsed] for k in range(ncol) if k not in (ak, nk)]):
        res.rejected = "offsets advance by each row's size and names are lower-case fields (a data layout)"
        return res
    # (a start address spelt in high and low bytes is a protocol's register map, whose names
    # are "Parameters")
    if (_PARAM_HEAD.search(head[nk]) and ak != joined) or _PARAM_HEAD.search(head[ak]):
        res.rejected = "a parameter or coefficient table (values of one register set)"
        return res
    if sum(1 for row in t.rows if _SOURCE_LINE.search(row[0].text)) > 0.5 * len(t.rows):
        res.rejected = "rows are lines of program source (#define NAME 0x01: a listing, not a table)"
        return res
    regs = []
    for i, c in parsed:
        name = _clean(_name_cell(rows_cells[i], nk, ak))
        if not name or NOT_NAME.match(name) or not NAME_START.match(name) or len(name) > 60 \
                or letter_count(name) < 2:
            continue
        if re.sub(r"\W.*", "", name).lower() == re.sub(r"\W.*", "", first[i][ak].strip()).lower():
            continue  # the same token in both columns ("ADD1(8)" under every command): a placeholder, not a register
        y = t.rows[i][0].y
        regs.append(UnruledRegister(name, addr_value(c, base), y, nk in copied.get(i, ())))
        for alt in c.alts:  # a slash pair: two codes of one command (a read/write pair is one)
            v = addr_value(AddrCell(c.kind if c.kind != "bin" else "bare", alt), base)
            if v != regs[-1].address ^ 0x80:
                regs.append(UnruledRegister(name, v, y))
    kept = [r for r in regs if not _NOT_REGISTER_ROW.search(r.name)]
    if len(kept) < 0.6 * max(1, len(regs)):
        res.rejected = "names are values, conditions or memory regions (a value -> meaning table)"
    elif len(kept) < min_named:
        res.rejected = f"{len(kept)} register row(s) (an unruled table needs {min_named})"
    elif len({r.name.lower() for r in kept}) < 0.7 * sum(1 for r in kept if not r.copy):
        res.rejected = "names repeat (not a register map)"
    elif bit_slices([r.name for r in kept]) > 0.4 * len(kept) \
            and not byte_registers([r.name for r in kept], [r.address for r in kept]):
        res.rejected = "names are bit slices of a few values or lists (a parameter or data-layout table)"
    elif sum(1 for r in kept if re.match(r"[a-z]+\s", r.name)) > 0.5 * len(kept):
        res.rejected = "names are lower-case phrases (a value -> meaning table)"
    elif len({r.address for r in kept}) < 0.8 * len(kept):
        res.rejected = "addresses repeat (a field or value table)"
    if res.rejected:
        return res
    res.registers = kept
    res.confidence = round(max(0.0, min(1.0, 0.5 * a_score + 0.5 * n_score)), 3)
    return res
