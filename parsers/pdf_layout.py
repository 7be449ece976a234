"""Word-box geometry of a PDF page: lines, header labels, column assignment, value parsing.

Pure helpers for ``parsers.datasheet``. PyMuPDF's ``find_tables`` costs about a second per
page and merges rows of tables drawn without horizontal rules, so register tables are read
here from word boxes (``page.get_text("words")``, ~200 pages/s): words are grouped into
lines, a header band gives labelled columns, and each data word goes to the column whose
extent holds its centre. The same primitives serve summary tables, bit-field diagrams and
bit-description tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# (x0, y0, x1, y1, text)
Word = tuple[float, float, float, float, str]


@dataclass
class Line:
    words: list[Word]

    @property
    def y(self) -> float:
        return sum((w[1] + w[3]) / 2 for w in self.words) / len(self.words)

    @property
    def top(self) -> float:
        return min(w[1] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w[3] for w in self.words)

    @property
    def x0(self) -> float:
        return min(w[0] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)


def group_lines(words: list[Word], tol: float = 2.5) -> list[Line]:
    """Words → lines by vertical centre (sorted top to bottom, words left to right)."""
    ws = sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0]))
    lines: list[list[Word]] = []
    centres: list[float] = []
    for w in ws:
        yc = (w[1] + w[3]) / 2
        if lines and abs(centres[-1] - yc) <= tol:
            lines[-1].append(w)
        else:
            lines.append([w])
            centres.append(yc)
    return [Line(sorted(ln, key=lambda w: w[0])) for ln in lines]


@dataclass
class Label:
    """A column label: words of one header line that sit closer than a space apart."""

    x0: float
    x1: float
    y: float
    text: str
    parents: list[str] = field(default_factory=list)

    @property
    def full(self) -> str:
        return " ".join(self.parents + [self.text])


def line_labels(line: Line) -> list[Label]:
    out: list[Label] = []
    for w in line.words:
        h = max(w[3] - w[1], 1.0)
        if out and w[0] - out[-1].x1 <= 0.4 * h:
            out[-1].x1 = w[2]
            out[-1].text += " " + w[4]
        else:
            out.append(Label(w[0], w[2], (w[1] + w[3]) / 2, w[4]))
    return out


def band_columns(lines: list[Line]) -> list[Label]:
    """Finest column labels of a (possibly multi-line) header band.

    A label that spans two or more labels of another line is a group label ("Address"
    over "Hex" and "Dec"): it is dropped as a column and its text becomes a parent of the
    labels under it. Labels stacked at the same x ("POINTER" / "ADDRESS" / "HEX") merge.
    """
    per_line = [line_labels(ln) for ln in lines]
    all_labels = [lab for labs in per_line for lab in labs]

    def overlap(a: Label, b: Label) -> float:
        return min(a.x1, b.x1) - max(a.x0, b.x0)

    groups = set()
    for i, labs in enumerate(per_line):
        for a in labs:
            for j, other in enumerate(per_line):
                if j == i:
                    continue
                inside = [b for b in other if overlap(a, b) > 0.5 * min(b.x1 - b.x0, a.x1 - a.x0)]
                if len(inside) >= 2:
                    groups.add(id(a))
                    for b in inside:
                        b.parents.append(a.text)
    cols = [lab for lab in all_labels if id(lab) not in groups]
    cols.sort(key=lambda lab: lab.x0)
    merged: list[Label] = []
    for lab in cols:
        if merged and overlap(merged[-1], lab) > 0:
            m = merged[-1]
            first, second = (m, lab) if m.y <= lab.y else (lab, m)
            merged[-1] = Label(min(m.x0, lab.x0), max(m.x1, lab.x1), min(m.y, lab.y),
                               first.text + " " + second.text, m.parents + lab.parents)
        else:
            merged.append(lab)
    return merged


def column_bounds(cols: list[Label]) -> list[tuple[float, float]]:
    """Column extents: each label's span widened to the midpoint of the gap to its neighbours."""
    bounds = []
    for i, c in enumerate(cols):
        lo = -1e9 if i == 0 else (cols[i - 1].x1 + c.x0) / 2
        hi = 1e9 if i == len(cols) - 1 else (c.x1 + cols[i + 1].x0) / 2
        bounds.append((lo, hi))
    return bounds


def assign_columns(line: Line, bounds: list[tuple[float, float]]) -> list[list[Word]]:
    cells: list[list[Word]] = [[] for _ in bounds]
    for w in line.words:
        xc = (w[0] + w[2]) / 2
        for k, (lo, hi) in enumerate(bounds):
            if lo <= xc < hi:
                cells[k].append(w)
                break
    return cells


# --------------------------------------------------------------------------- values

_HEX_GROUPS = re.compile(r"\b0x([0-9a-f]{1,4})[ _']([0-9a-f]{4})\b", re.I)
_ADDR = re.compile(r"^(?:0x([0-9a-f]+)|\$([0-9a-f]+)|([0-9a-f]+)\s*h|([0-9a-f]+))$", re.I)
_RANGE_SEP = re.compile(r"\s*(?:\.\.+|…|–|—|-|\bto\b|:)\s*", re.I)


# a name's letters: Latin, or CJK ideographs / kana / hangul (a Chinese datasheet names a
# command "语音合成播放命令")
CJK = "\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af"
# (or a register numbered by its designator alone: "R0" .. "R31")
NAME_LETTERS = re.compile(rf"[A-Za-z]{{2}}|[{CJK}]{{2}}|^R\d{{1,3}}$")
# a cell that names no register: reserved rows, dashes, n/a, ellipses, placeholders, also in
# brackets ("<unused>", "(reserved)")
NOT_NAME = re.compile(r"^[<(\[]?(reserved|reserve|rsvd|rsv|res\.?|-+|—|–|n[/.]?a\.?|unused|not used|[.:·…]+|none|x|"
                      r"保留\S*)[>)\]]?$", re.I)
# (a CJK name may open with an ordinal, "0 号舵机地址": servo no. 0's register)
NAME_START = re.compile(rf"[A-Za-z_{CJK}]|\d{{1,2}}\s?号")


_BILINGUAL = re.compile(rf"^([{CJK}][{CJK}\d\s，、；（）()/]*?)\s+([A-Za-z][A-Za-z\d\s,'()/&.-]*[A-Za-z\d)])$"
                        rf"|^([A-Za-z][A-Za-z\d\s,'()/&.-]*?)\s+([{CJK}][{CJK}\d\s，、；（）()/]*)$")


def bilingual_name(s: str) -> str:
    """A name cell printed in two languages, a CJK line and its English translation
    ("获取告警 / Get alarm info" in either order): the English line, the one code spells."""
    m = _BILINGUAL.match(s)
    if not m:
        return s
    latin = m.group(2) or m.group(3)
    # (an upper-case token, "OUT0 控制", "PLL 复位", qualifies the CJK noun: no translation)
    return latin.strip() if re.search(r"[A-Za-z]{3,}", latin) and re.search(r"[a-z]", latin) else s


def letter_count(s: str) -> int:
    """Letters in ``s``; a register designator with its number ("R7") counts as a name's two."""
    return 2 if re.fullmatch(r"R\d{1,3}", s.strip()) else len(re.findall(rf"[A-Za-z{CJK}]", s))


ARRAY_INDEX = re.compile(r"\[(\d{1,3})\]$")


def array_indexed(names: list[str]) -> bool:
    """Whether a trailing ``[n]`` in one table's names is an array index (``SyncWord[0]``,
    ``SyncWord[1]``: several names carry one, with different numbers) rather than a footnote
    mark (one or two names with ``[1]``)."""
    idx = [m.group(1) for m in (ARRAY_INDEX.search(clean_text(n)) for n in names) if m]
    return len(idx) >= 2 and len(set(idx)) >= 2


def name_runs(names: list[str], addrs: list[int] | None) -> int:
    """Rows left when a multi-byte register printed once per byte ("AWB RED SUM" at 0x51A8, 0x51A9 ...,
    the same name at consecutive addresses) counts once: the repetition checks that reject value
    tables compare the distinct names with this, not with the raw row count."""
    if not addrs or len(addrs) != len(names):
        return len(names)
    lengths: list[int] = []
    for i, n in enumerate(names):
        if i and n.lower() == names[i - 1].lower() and addrs[i] == addrs[i - 1] + 1:
            lengths[-1] += 1
        else:
            lengths.append(1)
    # such a map also has one-byte registers; a table of nothing but runs is a layout (display
    # RAM pages, one label over each group of rows), not registers
    return len(lengths) if lengths.count(1) >= 2 else len(names)


_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})


def clean_text(s: str) -> str:
    s = s.replace("\u00ad", "").replace("\u200b", "")
    if any("\ufb00" <= ch <= "\ufb06" for ch in s):
        s = s.translate(_LIGATURES)  # "Oﬀset" is "Offset"
    if "\u00d7" in s:
        s = re.sub(r"(?<![\w.])0\u00d7(?=[0-9A-Fa-f])", "0x", s)  # "0×60": a multiplication sign typed for the x of 0x
    return re.sub(r"\s+", " ", s).strip()


def strip_reset_label(s: str) -> str:
    """A register name without the label of its map's reset-value sub-row merged into the cell
    ("NVIC_ISER0 Reset Value", "Reset Value MPU_RNR"): a row label, not part of the name. Only
    beside an identifier ("Reset Value Register" keeps its words)."""
    if not re.search(r"[A-Za-z0-9]_[A-Za-z0-9]|\b[A-Z][A-Z0-9]{2,}\b", s):
        return s
    out = re.sub(r"\s*\breset\s+values?\b\s*", " ", s, flags=re.I).strip()
    return out if re.search(r"[A-Za-z]{2}", out) else s


def join_hex_groups(s: str) -> str:
    """ST prints 32-bit values in groups: ``0x4001 1000`` → ``0x40011000``."""
    return _HEX_GROUPS.sub(lambda m: "0x" + m.group(1) + m.group(2), s)


def parse_hex_token(tok: str, bare_hex: bool = True) -> int | None:
    tok = tok.strip().strip(",;").replace("_", "")
    if bare_hex and "O" in tok and re.fullmatch(r"O[0-9A-F]|[0-9A-F]O", tok):
        tok = tok.replace("O", "0")  # a scanned page's text layer reads the zero of "0C" as the letter O
    m = _ADDR.match(tok)
    if not m:
        return None
    if m.group(4) is not None:
        if not bare_hex:
            return int(m.group(4)) if m.group(4).isdigit() else None
        return int(m.group(4), 16)
    return int(next(g for g in m.groups()[:3] if g is not None), 16)


def parse_address(cell: str, bare_hex: bool = True) -> tuple[int | None, bool]:
    """Address cell → (first address, is_range). ``0x01 to 0x1C``, ``00-0E``, ``0xE1…0xF0``."""
    s = join_hex_groups(clean_text(cell))
    if "$" in s:
        s = re.sub(r"(?<![\w$])\$(?=[0-9A-Fa-f])", "0x", s)  # "$3F ($5F)": the dollar sign marks hex
    s = re.sub(r"\(\d\)$", "", s).strip()
    s = re.sub(r"\s*\[\d{1,2}(?::\d{1,2})?\]$", "", s)  # "56[7:0]": bits of the register at 56
    if s.startswith("(") and s.endswith(")") and re.fullmatch(r"\(\S+\)", s):
        s = s[1:-1]  # "(04h)"
    # a byte list or a read/write pair names the first address: "0x02, 0x03", "00h/80h"
    items = re.split(r"\s*,\s*", s) if "," in s else re.split(r"\s*/\s*", s) if s.count("/") == 1 else []
    if len(items) >= 2 and all(len(it) >= 2 and parse_hex_token(it, bare_hex) is not None for it in items):
        s = items[0]
    # AVR/Microchip print the I/O address with the data-space address in parentheses:
    # "0x3F (0x5F)"; the first is the register's address in that table's address space
    s = re.sub(r"^(\S+)\s*\((?:0x)?[0-9a-f]+h?\)$", r"\1", s, flags=re.I)
    if not s or len(s) > 40:
        return None, False
    split = _RANGE_SEP.split(s)
    if not split[0].strip():
        return None, False  # "to 18h,": the end of a range in a sentence cut at a column wall
    parts = [p for p in split if p]
    if not parts or len(parts) > 2:
        return None, False
    vals = [parse_hex_token(p, bare_hex) for p in parts]
    if any(v is None for v in vals):
        return None, False
    if len(vals) == 2 and ":" in s and re.fullmatch(r"\d{1,2}\s*:\s*\d{1,2}", s) and int(parts[0]) > int(parts[1]):
        return None, False  # "15:0", "7:4": a bit range (descending), not an address range
    return vals[0], len(vals) == 2


def parse_reset(cell: str, prefer_binary: bool = False) -> int | None:
    s = join_hex_groups(clean_text(cell))
    if not s:
        return None
    if re.fullmatch(r"[01]{4,}(?: [01]{4,})*b?", s) and (prefer_binary or " " in s or len(s) >= 8):
        return int(s.replace(" ", "").rstrip("b"), 2)
    s2 = s.replace(" ", "")
    m = re.fullmatch(r"(?:0x)?([0-9a-f]+)h?", s2, re.I)
    if m and (s2.lower().startswith("0x") or s2.lower().endswith("h") or re.fullmatch(r"[0-9A-F]+", s2)):
        return int(m.group(1), 16)
    m = re.fullmatch(r"0b([01]+)", s2, re.I)
    if m:
        return int(m.group(1), 2)
    return None


def norm_access(s: str | None) -> str | None:
    if not s:
        return None
    t = s.lower().replace(" ", "")
    t = re.sub(r"\(\d\)$", "", t)
    table = {
        "r": "r", "ro": "r", "read": "r", "readonly": "r", "r-only": "r",
        "w": "w", "wo": "w", "write": "w", "writeonly": "w",
        "rw": "rw", "r/w": "rw", "read/write": "rw", "write/read": "rw", "read-write": "rw", "rw1c": "rw1c",
        "rc_w1": "rw1c", "rc_w0": "rw0c", "rc_r": "rc", "rc": "rc", "w1c": "w1c", "rs": "rs", "rt_w": "rw",
        "r/wc": "rw1c", "r/c": "rc", "w1": "w",
    }
    return table.get(t, table.get(t.rstrip("*"), None))


def bit_spec(msb: int, lsb: int) -> str:
    return str(msb) if msb == lsb else f"{msb}:{lsb}"


_BITS = re.compile(r"^(?:bits?\s*)?\[?(\d{1,2})\s*(?:[:\-–]|\.\.)\s*(\d{1,2})\]?$|^(?:bits?\s*)?\[?(\d{1,2})\]?$", re.I)


def parse_bits(s: str) -> tuple[int, int] | None:
    """``7:5``, ``7-5``, ``[7:4]``, ``Bit 15``, ``D7``… → (msb, lsb)."""
    t = clean_text(s).strip(",;")
    t = re.sub(r"^D(\d+)(?:\s*[-–:]\s*D(\d+))?$", lambda m: m.group(1) + (":" + m.group(2) if m.group(2) else ""), t)
    m = _BITS.match(t)
    if not m:
        m2 = re.fullmatch(r"(\d{1,2})\s*,\s*(\d{1,2})", t)  # "11, 12"
        if m2:
            a, b = int(m2.group(1)), int(m2.group(2))
            return max(a, b), min(a, b)
        return None
    if m.group(3) is not None:
        v = int(m.group(3))
        return v, v
    a, b = int(m.group(1)), int(m.group(2))
    return max(a, b), min(a, b)


_BITS_CELL = re.compile(r"\d{1,2}(?:\s*[:\-]\s*\d{1,2})?|\[\d{1,2}(?::\d{1,2})?\]")
_ACCESS_CELL = re.compile(r"r/?w|r|w|ro|wo|rw|w1c|rc|r/w1c|rs|wc", re.I)


def field_row_cells(texts: list[str]) -> bool:
    """The other cells of a line are those of a field row: a bit position or range ("5:0", "7")
    and an access code ("R/W", "RO") of its own."""
    ts = [t.strip() for t in texts if t and t.strip()]
    return any(_BITS_CELL.fullmatch(t) for t in ts) and any(_ACCESS_CELL.fullmatch(t) for t in ts)
