"""A seeded grammar of register-map page layouts (issue 17), rendered with PyMuPDF.

``sample(seed, heldout=False)`` draws one small PDF (one to three pages) from the grammar and
returns it with its own truth: the registers printed on it (name, address, alternative names) and
the value it drew for every variation dimension (header words and order, address form, rules,
fonts, wrapping, banks, distractor kind, ...). Distractor samples (pin tables, value -> meaning
tables, memory maps, ...) have no registers: whatever is read from them is a false positive.

The seed space is split: ``heldout=False`` never draws the values listed in ``HELDOUT`` (header
synonyms, an address form, a heading form, a distractor kind, a font); ``heldout=True`` draws
them half of the time. Development seeds and held-out seeds are disjoint ranges (see
``bench/datasheet_layouts.py``). Nothing here is read by the product.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

# --------------------------------------------------------------------------- grammar values

ADDR_WORDS = ["Address", "Addr", "Offset", "Index", "Reg", "Register Address", "Addr.", "Command code",
              "Pointer", "Register 0x[HEX]", "Sub-address", "Reg. Addr"]
NAME_WORDS = ["Name", "Register", "Register Name", "Mnemonic", "Abbrev", "Symbol", "Field", "Reg Name",
              "Abbreviation", "Command"]
ADDR_FORMS = ["0x", "h-suffix", "bare-hex", "bare-hex-headed", "paren-h", "verilog", "binary8", "dec-headed",
              "dec-bare", "byte-pair", "hex-dec-sub", "0x-16bit"]
RULES = ["ruled", "unruled", "zebra", "hlines"]
HEADING_FORMS = ["bracket", "regfirst", "numbered-paren", "name-paren", "index-line"]
DISTRACTORS = ["pins", "values", "memory-map", "ordering", "file-format", "electrical"]
KINDS = ["table", "table", "table", "table", "table", "table", "headings", "matrix", "distractor", "distractor"]

BASE14 = ["helv", "tiro", "cour"]
TTF_DIR = Path("/usr/share/fonts/truetype")
DEV_TTF = ["dejavu/DejaVuSans.ttf", "liberation/LiberationSerif-Regular.ttf", "dejavu/DejaVuSansCondensed.ttf",
           "liberation/LiberationSans-Regular.ttf"]

# values only the held-out seeds draw
HELDOUT = {
    "addr_word": ["Location", "Register Offset", "Adr"],
    "name_word": ["Label", "Identifier", "Register Mnemonic"],
    "addr_form": ["H-upper", "0X-upper"],
    "heading": ["offset-colon"],
    "distractor": ["revision-history", "package-dimensions"],
    "font": ["liberation/LiberationSansNarrow-Regular.ttf"],
}

WORDS = ["CTRL", "STATUS", "CONFIG", "DATA", "INT_EN", "INT_FLAG", "MODE", "GAIN", "OFFSET", "THRESH", "FIFO",
         "PWR", "CLK_DIV", "TIMER", "ALARM", "ID", "REV", "CAL", "TEMP", "PRESS", "HUM", "ACCEL", "GYRO", "MAG",
         "ADC", "DAC", "LED", "PWM", "GPIO", "IODIR", "OLAT", "SLEEP", "WAKE", "BAUD", "CRC", "SYNC", "TX", "RX",
         "BUF", "SEQ", "FILTER", "RANGE", "SCALE", "AUX", "VBAT", "CHG", "FAULT", "MASK", "IRQ", "DEV"]
LONG = {"CTRL": "Control", "STATUS": "Status", "CONFIG": "Configuration", "DATA": "Data output", "INT_EN":
        "Interrupt enable", "INT_FLAG": "Interrupt flag", "MODE": "Operating mode", "GAIN": "Gain setting",
        "OFFSET": "Offset correction", "THRESH": "Threshold", "FIFO": "FIFO data", "PWR": "Power management",
        "CLK_DIV": "Clock divider", "TIMER": "Timer period", "ALARM": "Alarm setting", "ID": "Device identification",
        "TEMP": "Temperature", "FILTER": "Digital filter"}
DESCR = ["Enables the measurement channels", "Read-only status flags", "Sets the output data rate",
         "Interrupt source selection", "Calibration coefficient", "Writing 1 clears the flag",
         "Selects the operating range", "Must be written with 0"]
# --------------------------------------------------------------------------- extended families (issue 17 list)

EXT_KINDS = ["notes", "lh-rows", "wrap-token", "stagger", "blocks", "arrays", "midpage", "command", "headings2",
             "matrix2", "distractor2"]
EXT_ADDR_WORDS = ["Register Index", "Reg Index", "Address (Hex)", "Hex Address", "Sub Address", "Register"]
EXT_NAME_WORDS = ["Abbrev[bits]", "Short Name", "Register Symbol", "Mnemonic", "Reg", "Acronym"]
EXT_BLOCKS = [("Accelerometer registers", "Gyroscope registers"), ("Common registers", "Socket 0 registers"),
              ("Page 0", "Page 1"), ("Channel A registers", "Channel B registers"),
              ("Primary register map", "Auxiliary register map")]
EXT_COMMAND_NAME = ["Instruction", "Command", "Command Name", "Function"]
EXT_COMMAND_CODE = ["Opcode", "Command Code", "Code", "Code (hex)", "Instruction Code", "Hex Code"]
EXT_COMMAND_CAPTION = ["Table 8. Command set", "Instruction Set", "COMMAND SUMMARY", "Table 4. Opcodes",
                       "Table 6-1. Command Definitions", ""]
EXT_HEADINGS = ["index-dec", "two-in-one", "pointer", "bracket-after", "address-dash"]
EXT_MATRIX = ["transposed", "ruled", "x-labels"]
EXT_DISTRACTORS = ["bitfields", "values-hex", "slave-address"]
EXT_HELDOUT = {
    "ext_block": [("Port 0 registers", "Port 1 registers"), ("Sensor hub map", "Host map")],
    "ext_addr_word": ["Reg. No.", "Word Address"],
    "ext_name_word": ["Tag", "Register Label"],
    "ext_command_name": ["Operation"],
    "ext_command_code": ["Byte Code"],
    "ext_heading": ["regnum"],
    "ext_distractor": ["timing"],
}
PROSE = ["Writing 0x{a:02X} to the key register unlocks the protected range; any other value locks it again.",
         "After power-up the device answers at address 0x{b:02X} and loads its defaults within 2 ms.",
         "The identification register reads 0x{a:02X} on every device of this family.",
         "Bits marked reserved read as 0 and must be written with 0.",
         "Multi-byte values are sent most significant byte first; the address increments after each byte.",
         "A software reset (0x{b:02X}) restores every register to its default value."]
FOOTNOTES = ["Reserved bits must be written with their reset value.", "Available in normal mode only.",
             "Cleared on read.", "The value depends on the factory trim.", "Write 0x5A first to unlock."]
COMMANDS = ["READ", "FAST_READ", "WREN", "WRDI", "RDSR", "WRSR", "PP", "SE", "BE", "DP", "RES", "RDID", "SLEEP",
            "WAKEUP", "RESET", "START", "STOP", "RDATA", "RREG", "WREG", "SYNC", "STANDBY", "PWDN", "RDATAC",
            "SDATAC", "OFFSETCAL", "GAINCAL", "NOP", "CLRFLAG", "RDCFG"]

REG_CAPTIONS = ["Table 5. Register map", "Register Summary", "Table 12. Register Map", "REGISTER SUMMARY",
                "Table 3-2. Registers", ""]


@dataclass
class Sample:
    seed: int
    kind: str
    pdf: bytes
    truth: list[dict]  # {"name", "address" (int), "alt": [..]}
    dims: dict[str, str]
    uncertain: list[tuple[int, int]] = field(default_factory=list)  # address ranges not scored


class _Pick:
    def __init__(self, rng: random.Random, heldout: bool, more: dict | None = None):
        self.rng, self.heldout = rng, heldout
        self.held = {**HELDOUT, **(more or {})}

    def __call__(self, key: str, values: list):
        extra = self.held.get(key, [])
        if self.heldout and extra and self.rng.random() < 0.5:
            return self.rng.choice(extra)
        return self.rng.choice(values)


# --------------------------------------------------------------------------- drawing


class _Pen:
    """Text in one font (base-14 name or a TTF file) with width measurement."""

    def __init__(self, page, font: str, size: float):
        self.size = size
        if font in BASE14:
            self.fontname, self.font = font, pymupdf.Font(font)
            self.fontfile = None
        else:
            self.fontname = "F" + re.sub(r"[^A-Za-z0-9]", "", Path(font).stem)
            self.font = pymupdf.Font(fontfile=str(TTF_DIR / font))
            self.fontfile = str(TTF_DIR / font)
        self.bind(page)

    def bind(self, page):
        self.page = page
        if self.fontfile:
            page.insert_font(fontname=self.fontname, fontfile=self.fontfile)

    def width(self, s: str, size: float | None = None) -> float:
        return self.font.text_length(s, fontsize=size or self.size)

    def text(self, x: float, y: float, s: str, size: float | None = None):
        if s:
            self.page.insert_text((x, y), s, fontsize=size or self.size, fontname=self.fontname)


def _draw_table(pen: _Pen, x0: float, y: float, widths: list[float], header: list[list[str]],
                rows: list[list[list[str]]], rules: str, gap: float, group: tuple[int, int, str] | None = None,
                marks: dict | None = None, merged: dict | None = None, stagger: bool = False) -> float:
    """Draw a table; ``header`` is a list of header lines (cells may be empty), ``rows`` cells are
    lists of lines. ``group`` = (first col, last col, label) draws a grouped header cell spanning
    those columns above the header lines. ``marks`` maps (row, col) to a superscript footnote mark
    drawn after the cell's first line; ``merged`` maps a row index to the columns whose single line
    is centred over the row's two lines (a register printed over its L/H byte rows), the other
    columns ruled between the two lines. ``stagger`` centres each header cell vertically in the
    header block (cells of one line sit between the lines of two-line cells). Returns the y under
    the table."""
    marks = marks or {}
    merged = merged or {}
    fs = pen.size
    lh = fs * 1.25
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w + gap)
    right = xs[-1]
    page = pen.page
    top = y
    if rules in ("ruled", "hlines"):
        page.draw_line((x0, y), (right, y), width=0.8)
    if group:
        a, b, label = group
        pen.text(xs[a] + 3, y + fs + 2, label)
        for k in range(len(widths)):
            if k < a or k > b:
                pass
        y += lh + 2
        if rules == "ruled":
            page.draw_line((xs[a], y), (xs[b + 1], y), width=0.5)
    if stagger and len(header) > 1:
        for k in range(len(widths)):
            lines = [h[k] for h in header if k < len(h) and h[k]]
            off = (len(header) - len(lines)) * lh / 2
            for j, cell in enumerate(lines):
                pen.text(xs[k] + 3, y + fs + 2 + off + j * lh, cell)
        y += lh * len(header)
    else:
        for line in header:
            for k, cell in enumerate(line):
                pen.text(xs[k] + 3, y + fs + 2, cell)
            y += lh
    y += 3
    if rules in ("ruled", "hlines", "unruled"):
        page.draw_line((x0, y), (right, y), width=0.8 if rules != "unruled" else 0.4)
    head_bottom = y
    for i, row in enumerate(rows):
        n = max(len(c) for c in row)
        h = n * lh + 4
        if rules == "zebra" and i % 2 == 0:
            page.draw_rect(pymupdf.Rect(x0, y, right, y + h), color=None, fill=(0.88, 0.9, 0.95))
        for k, cell in enumerate(row):
            off = lh / 2 if k in merged.get(i, ()) else 0
            for j, ln in enumerate(cell):
                pen.text(xs[k] + 3, y + fs + 2 + j * lh + off, ln)
            if (i, k) in marks and cell:
                pen.text(xs[k] + 3 + pen.width(cell[0]) + 0.5, y + fs - 1 + off, marks[(i, k)], size=fs * 0.6)
        if i in merged and rules == "ruled":
            for k in range(len(widths)):
                if k not in merged[i]:
                    page.draw_line((xs[k], y + lh + 2), (xs[k + 1], y + lh + 2), width=0.4)
        y += h
        if rules == "ruled":
            page.draw_line((x0, y), (right, y), width=0.6)
    if rules in ("hlines", "ruled"):
        page.draw_line((x0, y), (right, y), width=0.8)
    if rules == "ruled":
        for k, x in enumerate(xs):
            if group and group[0] < k <= group[1]:
                page.draw_line((x, top + lh + 2), (x, y), width=0.6)
            else:
                page.draw_line((x, top), (x, y), width=0.6)
    del head_bottom
    return y


def _wrap(pen: _Pen, s: str, w: float) -> list[str]:
    out, cur = [], ""
    for word in s.split():
        t = (cur + " " + word).strip()
        if cur and pen.width(t) > w:
            out.append(cur)
            cur = word
        else:
            cur = t
    if cur:
        out.append(cur)
    return out or [""]


# --------------------------------------------------------------------------- pieces


def _names(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    used = set()
    while len(out) < n:
        w = rng.choice(WORDS)
        suf = rng.choice(["", "", "1", "2", "_L", "_H", "_A", "_B", "3", "_CFG"])
        name = w + suf
        if name in used:
            continue
        used.add(name)
        out.append(name)
    return out


def _addr_text(form: str, a: int, width: int = 2) -> str:
    if form in ("0x", "hex-dec-sub"):
        return f"0x{a:0{width}X}"
    if form == "0x-16bit":
        return f"0x{a:04X}"
    if form == "h-suffix":
        return f"{a:0{width}X}h"
    if form == "H-upper":
        return f"{a:0{width}X}H"
    if form == "0X-upper":
        return f"0X{a:0{width}X}"
    if form in ("bare-hex", "bare-hex-headed"):
        return f"{a:0{width}X}"
    if form == "paren-h":
        return f"({a:0{width}X}h)"
    if form == "verilog":
        return f"'h{a:0{width}X}"
    if form == "binary8":
        return f"{a:08b}"
    if form in ("dec-headed", "dec-bare"):
        return f"{a:02d}"
    if form == "byte-pair":
        return f"0x{a:02X}, 0x{a + 1:02X}"
    raise ValueError(form)


def _addresses(rng: random.Random, form: str, n: int) -> list[int]:
    if form == "dec-bare":
        start = rng.randint(0, 3)
        return list(range(start, start + max(n, 12 - start)))[:max(n, 12 - start)]
    if form == "binary8":
        start = rng.randint(0, 4)
        return list(range(start, start + n))
    if form == "byte-pair":
        start = rng.choice([0, 2, 0x10, 0x20])
        return [start + 2 * i for i in range(n)]
    if form == "0x-16bit":
        start = rng.choice([0x3000, 0x0100, 0x1200, 0x0040])
    else:
        start = rng.choice([0x00, 0x00, 0x01, 0x0A, 0x10, 0x20, 0x3B, 0x80, 0xA0])
    out, a = [], start
    for _ in range(n):
        out.append(a)
        a += 1 if rng.random() < 0.8 else rng.randint(2, 4)
    if form in ("bare-hex",) and not any(any(c in "ABCDEF" for c in f"{x:02X}") for x in out):
        out = [x - out[0] + 0xA0 for x in out]  # (bare hex needs an A-F digit to read as hex)
    return out


def _page(doc, rng, dims, pick):
    size = rng.choice([(612, 792), (595, 842), (540, 720), (792, 612)])
    dims["page"] = f"{size[0]}x{size[1]}"
    page = doc.new_page(width=size[0], height=size[1])
    return page


def _font(pick, rng) -> str:
    return pick("font", BASE14 + DEV_TTF)


# --------------------------------------------------------------------------- samples


def _table_sample(rng, pick, doc, dims, ext: dict | None = None) -> tuple[list[dict], list[tuple[int, int]]]:
    """A register table. ``ext`` (extended families only) names one added feature and carries its
    own generator ``xr``, so the draws of ``rng`` (and the layouts of the base seeds) are the same
    with and without it."""
    ext = ext or {}
    xr = ext.get("xr")
    feat = ext.get("feature", "")
    form = pick("addr_form", ADDR_FORMS)
    addr_word = pick("addr_word", ADDR_WORDS)
    name_word = pick("name_word", NAME_WORDS)
    if "HEX" in addr_word and form in ("dec-headed", "dec-bare", "binary8"):
        addr_word = "Register"  # (a header saying hex over decimal or binary cells contradicts itself)
    if name_word == addr_word:
        name_word = "Name"
    if addr_word == "Register" and name_word == "Register":
        name_word = "Name"
    rules = rng.choice(RULES)
    order = rng.choice(["addr-name", "addr-name", "name-addr"])
    extras = [c for c in ("R/W", "Reset", "Description") if rng.random() < 0.55]
    if "Reset" in extras and rng.random() < 0.5:
        extras[extras.index("Reset")] = "Default"
    n = rng.randint(4, 14)
    long_names = rng.random() < 0.25
    wrap = rng.random() < 0.2
    reserved = rng.random() < 0.35
    two_line_header = rng.random() < 0.25
    banks = rng.random() < 0.15 and form not in ("dec-bare",)
    cont = (not banks) and rng.random() < 0.15
    caption = rng.choice(REG_CAPTIONS)
    fontname = _font(pick, rng)
    fs = rng.choice([7, 7.5, 8, 8.5, 9, 10])
    gap = rng.choice([4, 8, 14, 24])
    margin = rng.choice([36, 54, 72])
    if feat:
        if xr.random() < 0.5:
            addr_word = ext["pick"]("ext_addr_word", EXT_ADDR_WORDS)
        if xr.random() < 0.5:
            name_word = ext["pick"]("ext_name_word", EXT_NAME_WORDS)
        if form in ("dec-headed", "dec-bare", "binary8") and "hex" in addr_word.lower():
            addr_word = "Register Index"
        if name_word == addr_word or {name_word, addr_word} <= {"Register", "Register Index"}:
            name_word = "Name"
    if feat == "lh-rows":
        form = xr.choice(["0x", "h-suffix", "bare-hex-headed", "paren-h"])
        banks = cont = False
        wrap = False
    if feat == "wrap-token":
        form, rules, wrap = xr.choice(["0x", "0x", "h-suffix"]), "ruled", True
    if feat == "notes" and "Description" not in extras:
        extras.append("Description")
    if feat == "blocks":
        banks, cont = form not in ("dec-bare",), False
    if feat == "midpage":
        cont = True
        banks = False
    dims.update(addr_form=form, addr_word=addr_word, name_word=name_word, rules=rules, order=order,
                extras="+".join(extras) or "none", long_names=str(long_names), wrap=str(wrap),
                reserved=str(reserved), two_line_header=str(two_line_header), banks=str(banks),
                continued=str(cont), caption="yes" if caption else "none", font=fontname, fontsize=str(fs),
                gap=str(gap))
    truth: list[dict] = []
    uncertain: list[tuple[int, int]] = []
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    y = margin + 20
    pen.text(margin, y, "7.2 Register description", size=fs + 3)
    y += 16
    pen.text(margin, y, "The device is configured through the registers listed below. Unused addresses must not "
             "be written.")
    y += fs * 2 + 4
    if feat == "midpage":  # the table starts low on the page, after prose quoting hex values
        for _ in range(xr.randint(6, 14)):
            pen.text(margin, y, xr.choice(PROSE).format(a=xr.randint(0, 255), b=xr.randint(0, 255)))
            y += fs * 1.5
        y = max(y, page.rect.height - 140 - xr.randint(0, 120)) + 10
    nbanks = 2 if banks else 1
    bank_names = rng.sample(["Bank 0", "Bank 1", "Bank 2"], 2) if banks else [None]
    bank_names.sort()
    if feat == "blocks":
        bank_names = list(ext["pick"]("ext_block", EXT_BLOCKS))
    addrs = _addresses(rng, form, n)
    if feat == "lh-rows":
        addrs = [addrs[0] + 2 * i for i in range(len(addrs))]
        byte_words = xr.choice([("L", "H"), ("LSB", "MSB"), ("[7:0]", "[15:8]"), ("Low", "High")])
    n = len(addrs)
    all_names = _names(rng, n * nbanks + 4)
    if feat == "arrays":  # runs of indexed names: THRESH[0], THRESH[1], ...
        k0 = xr.randint(0, max(0, n - 3))
        run = xr.randint(2, min(4, n - k0))
        stem = xr.choice(["THRESH", "OFFSET", "GAIN", "COEF", "LUT", "DUTY"])
        for j in range(run):
            all_names[k0 + j] = f"{stem}[{j}]"
    if feat == "wrap-token":
        all_names = [nm if len(nm) > 7 else nm + xr.choice(["_TEST", "_CTRL", "_STAT", "_THRS"]) for nm in all_names]
    width = 2
    marks: dict = {}
    merged: dict = {}
    notes: list[str] = []
    for b in range(nbanks):
        names = all_names[b * n:(b + 1) * n]
        if bank_names[b]:
            if y > page.rect.height - 200:
                page = _page(doc, rng, dims, pick)
                pen.bind(page)
                y = margin + 20
            pen.text(margin, y, (f"{bank_names[b]} register map" if rng.random() < 0.5 else bank_names[b])
                     if feat != "blocks" else bank_names[b], size=fs + 2)
            y += fs * 2
        if caption:
            pen.text(margin, y, caption + (f" ({bank_names[b]})" if bank_names[b] else ""), size=fs + 1)
            y += fs * 1.8
        # header
        aw = addr_word
        if form == "bare-hex-headed":
            aw = aw + " (hex)"
        elif form == "dec-headed":
            aw = aw + rng.choice([" (Dec)", " (decimal)", " [dec]"])
        cols = ["addr", "name"] if order == "addr-name" else ["name", "addr"]
        if feat == "lh-rows":
            cols.insert(cols.index("addr") + 1, "byte")
        cols += extras
        group = None
        if form == "hex-dec-sub":
            i = cols.index("addr")
            cols.insert(i + 1, "dec")
        head1 = []
        head2 = []
        for c in cols:
            label = {"addr": aw, "name": name_word, "dec": "", "byte": "Byte"}.get(c, c)
            if form == "hex-dec-sub" and c in ("addr", "dec"):
                label = "Hex" if c == "addr" else "Dec"
            if two_line_header and " " in label and c not in ("dec",):
                a1, a2 = label.split(" ", 1)
                head1.append(a1)
                head2.append(a2)
            else:
                head1.append(label)
                head2.append("")
        header = [head1, head2] if any(head2) else [head1]
        if form == "hex-dec-sub":
            i = cols.index("addr")
            group = (i, i + 1, aw)
        if feat == "stagger":  # three header lines, cells centred vertically, maybe grouped
            lines = [[], [], []]
            for c, h1, h2 in zip(cols, head1, head2):
                words = (h1 + " " + h2).split()
                if c in ("R/W", "Reset", "Default") and xr.random() < 0.5:
                    words = {"R/W": ["Access", "Type"], "Reset": ["Reset", "Value"], "Default": ["Default", "(hex)"]}[c]
                if len(words) > 3:
                    words = words[:2] + [" ".join(words[2:])]
                for j in range(3):
                    lines[j].append(words[j] if j < len(words) else "")
            header = lines
            if group is None and abs(cols.index("addr") - cols.index("name")) == 1 and xr.random() < 0.5:
                i = min(cols.index("addr"), cols.index("name"))
                group = (i, i + 1, xr.choice(["Register", "Register map", "Control registers"]))
        rows: list[list[list[str]]] = []
        rwidth = pen.width("M") * 14
        for name, a in zip(names, addrs):
            if reserved and rng.random() < 0.15:
                rows.append(_row(cols, ["Reserved"], a, form, width, rng, "Reserved", extras))
                continue
            alt: list[str] = []
            shown = name
            if long_names:
                base = name.rstrip("0123456789").removesuffix("_L").removesuffix("_H").removesuffix("_A") \
                    .removesuffix("_B").removesuffix("_CFG")
                lng = LONG.get(base, base.title().replace("_", " ")) + " register"
                suffix = name[len(base):].replace("_", " ").strip()
                lng = (lng + (" " + suffix if suffix else "")).strip()
                shown = f"{lng} ({name})"
                alt.append(lng)
            cell = [shown]
            if feat == "wrap-token" and len(shown) > 5:
                k = xr.randint(max(2, len(shown) - 4), len(shown) - 1)
                cell = [shown[:k], shown[k:]]
            elif wrap and (long_names or len(shown) > 6):
                if " " in shown:
                    cell = _wrap(pen, shown, max(pen.width(shown) * 0.6, pen.width("M") * 4))
                else:
                    k = max(2, len(shown) // 2)
                    cell = [shown[:k], shown[k:]]
            truth.append({"name": name, "address": a, "alt": alt + [shown]})
            rows.append(_row(cols, cell, a, form, width, rng, None, extras))
            ri = len(rows) - 1
            if feat == "lh-rows":  # the name printed once names both byte rows (one entry per address)
                truth.append({"name": name, "address": a + 1, "alt": alt + [shown]})
                ka = cols.index("addr")
                rows[ri][ka] = [_addr_text(form, a, width), _addr_text(form, a + 1, width)]
                rows[ri][cols.index("byte")] = list(byte_words)
                for k, c in enumerate(cols):
                    if c in ("R/W", "Reset", "Default"):
                        rows[ri][k] = rows[ri][k] * 2 if c != "R/W" else rows[ri][k]
                merged[ri] = {k for k, c in enumerate(cols) if c in ("name", "R/W", "Description")}
            if feat == "wrap-token" and xr.random() < 0.4 and form == "0x":
                ka = cols.index("addr")
                t = rows[ri][ka][0]
                rows[ri][ka] = [t[:-1], t[-1]]
            if feat == "notes":
                if xr.random() < 0.25:
                    m = xr.choice(["1", "2", "(1)", "*", "3"])
                    marks[(ri, cols.index("name"))] = m
                    notes.append(m)
                if xr.random() < 0.2:
                    k = cols.index("Description")
                    rows[ri][k] = [xr.choice(["Note: bits 7:4 must be written 0.", "Note: read-only in sleep mode.",
                                              "NOTE: write 0x5A first to unlock.", "Note: see section 8.3."])]
        if reserved and rng.random() < 0.5:
            last = addrs[-1] + (2 if form == "byte-pair" else 1)
            if form not in ("dec-bare", "binary8"):
                end = last + rng.randint(2, 6)
                ra = _addr_text(form if form not in ("byte-pair", "hex-dec-sub") else "0x", last, width)
                rb = _addr_text(form if form not in ("byte-pair", "hex-dec-sub") else "0x", end, width)
                sep = rng.choice(["–", "-", " to ", "..."])
                row = []
                for c in cols:
                    row.append({"addr": [f"{ra}{sep}{rb}"], "name": ["Reserved"], "dec": [f"{last}-{end}"]}
                               .get(c, ["-"]))
                rows.append(row)
                uncertain.append((last, end))
        widths = []
        for k, c in enumerate(cols):
            w = max([pen.width(h[k]) for h in header] + [pen.width(ln) for r in rows for ln in r[k]] + [10])
            widths.append(w + 4)
        if "Description" in cols:
            k = cols.index("Description")
            avail = page.rect.width - 2 * margin - sum(widths) + widths[k] - gap * len(cols)
            if avail < widths[k]:
                widths[k] = max(avail, 40)
                for r in rows:
                    r[k] = _wrap(pen, r[k][0], widths[k] - 4)[:2] if r[k] and r[k][0] else r[k]
        del rwidth
        if cont and merged:
            cont = False
        if cont:
            cut = len(rows) // 2
            if feat == "midpage":  # as many rows as fit above the bottom margin
                room = page.rect.height - 50 - y - fs * 1.8 - (len(header) + 1) * fs * 1.25 - 6
                cut, used = 0, 0.0
                while cut < len(rows) - 1 and used + max(len(c) for c in rows[cut]) * fs * 1.25 + 4 < room:
                    used += max(len(c) for c in rows[cut]) * fs * 1.25 + 4
                    cut += 1
                cut = max(cut, 1)
            parts = [rows[:cut], rows[cut:]]
        else:
            parts = [rows]
        for pi, part in enumerate(parts):
            if pi > 0:
                page = _page(doc, rng, dims, pick)
                pen.bind(page)
                y = margin + 20
                if caption:
                    pen.text(margin, y, caption + " (continued)", size=fs + 1)
                    y += fs * 1.8
            y = _draw_table(pen, margin, y, widths, header, part, rules, gap, group,
                            {(i - (cut if pi else 0), k): m for (i, k), m in marks.items()} if cont else marks,
                            merged, feat == "stagger")
            y += fs * 1.5
            if feat == "notes" and (notes or xr.random() < 0.6):
                for m in sorted(set(notes)) or ["Note:"]:
                    lead = m if m.startswith(("(", "N")) else (m + "." if m[0].isdigit() else m)
                    pen.text(margin, y, f"{lead} {xr.choice(FOOTNOTES)}", size=fs - 1)
                    y += fs * 1.3
            elif feat == "midpage" and pi == 0:
                pen.text(margin, y, xr.choice(["(continued on next page)", "Table continues on the next page.",
                                               ""]), size=fs - 1)
            y += fs * 1.5
        addrs = list(addrs)
    return truth, uncertain


def _row(cols, namecell, a, form, width, rng, reserved, extras) -> list[list[str]]:
    out = []
    for c in cols:
        if c == "addr":
            out.append([_addr_text(form, a, width)])
        elif c == "dec":
            out.append([str(a)])
        elif c == "name":
            out.append(namecell)
        elif c == "R/W":
            out.append([rng.choice(["R/W", "R", "W", "RW", "R/W"])] if not reserved else ["-"])
        elif c in ("Reset", "Default"):
            out.append([f"0x{rng.randint(0, 255):02X}" if rng.random() < 0.7 else f"{rng.randint(0, 255):08b}"])
        else:
            out.append([rng.choice(DESCR)] if not reserved else ["Reserved"])
    return out


def _heading_register(doc, page, pen, rng, margin: float, y: float, fs: float, head: str, text2: str | None,
                      name: str):
    """One heading-defined register: the heading, an optional address line, a sentence and a
    two-row field table; a new page first when this one is nearly full. Returns (page, y)."""
    if y > page.rect.height - 140:
        page = doc.new_page(width=page.rect.width, height=page.rect.height)
        pen.bind(page)
        y = margin
    pen.text(margin, y, head, size=fs + 2)
    y += fs * 1.8
    if text2:
        pen.text(margin, y, text2)
        y += fs * 1.6
    pen.text(margin, y, rng.choice(DESCR) + ". The bits are described in the table below.")
    y += fs * 1.6
    y = _draw_table(pen, margin, y + 2, [40, 90, 40, 200], [["Bit", "Field", "Type", "Description"]],
                    [[["7:4"], [f"{name[:4]}_HI"], ["RW"], ["Upper field"]],
                     [["3:0"], [f"{name[:4]}_LO"], ["RW"], ["Lower field"]]], "hlines", 6)
    return page, y + fs * 3


def _headings_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    form = pick("heading", HEADING_FORMS)
    fontname = _font(pick, rng)
    fs = rng.choice([8, 9, 10])
    dims.update(heading=form, font=fontname, fontsize=str(fs))
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    margin = 60
    y = margin
    n = rng.randint(3, 6)
    names = _names(rng, n)
    a = rng.choice([0, 0x10, 0x20])
    truth = []
    for i, name in enumerate(names):
        lng = LONG.get(name.rstrip("0123456789_LHABCFG"), name.title().replace("_", " "))
        lng = lng + " Register"
        text2 = None
        if form == "bracket":
            head = f"{name} ({lng}) [R/W] [0x{a:04X}] [0x00]"
        elif form == "regfirst":
            head = f"Register 0x{a:02X}: {name}"
        elif form == "numbered-paren":
            head = f"8.{i + 1} {lng} ({name}) (Address {a:02X}h)"
        elif form == "name-paren":
            head = f"{name} Register (0x{a:02X})"
        elif form == "index-line":
            head = f"8.{i + 1} {name}"
            text2 = f"Address: 0x{a:02X}   Reset: 0x00"
        else:  # offset-colon (held out)
            head = f"Offset {a:02X}h: {name} - {lng}"
        page, y = _heading_register(doc, page, pen, rng, margin, y, fs, head, text2, name)
        truth.append({"name": name, "address": a, "alt": [lng]})
        a += rng.choice([1, 1, 2])
    return truth, []


def _matrix_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    ncols = rng.choice([8, 16])
    fontname = _font(pick, rng)
    fs = 6 if ncols == 16 else 7
    dims.update(matrix=f"{ncols}cols", font=fontname, fontsize=str(fs))
    page = doc.new_page(width=792, height=612)
    pen = _Pen(page, fontname, fs)
    x0, y = 40, 80
    pen.text(x0, y - 30, "Table 9. Special function register map", size=9)
    colw = 44
    nrows = rng.randint(3, 6)
    base0 = rng.choice([0x80, 0xC0, 0x00])
    labels = [f"{k:X}" for k in range(ncols)]
    for k, lab in enumerate(labels):
        pen.text(x0 + 40 + k * colw + 10, y, lab)
    y += 14
    truth = []
    names = _names(rng, nrows * ncols)
    idx = 0
    for r in range(nrows):
        base = base0 + r * ncols
        pen.text(x0, y, f"{base:02X}h")
        for k in range(ncols):
            if rng.random() < 0.25:
                continue
            nm = names[idx][:7]
            idx += 1
            if any(t["name"] == nm for t in truth):
                continue
            pen.text(x0 + 40 + k * colw + 2, y, nm)
            truth.append({"name": nm, "address": base + k, "alt": []})
        y += 22
    return truth, []


def _command_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    """An instruction table: no "register" word on the page, codes often letter-first hex."""
    name_word = pick("ext_command_name", EXT_COMMAND_NAME)
    code_word = pick("ext_command_code", EXT_COMMAND_CODE)
    form = rng.choice(["0x", "h-suffix", "bare-hex", "binary8", "paren-h"])
    rules = rng.choice(RULES)
    fontname = _font(pick, rng)
    fs = rng.choice([7.5, 8, 9, 10])
    order = rng.choice(["name-code", "name-code", "code-name"])
    extras = [c for c in ("Bytes", "Dummy", "Description") if rng.random() < 0.5]
    n = rng.randint(4, 12)
    names = rng.sample(COMMANDS, n)
    pool = list(range(0x80, 0x100)) if rng.random() < 0.6 else list(range(0x01, 0x100))
    codes = rng.sample(pool, n)
    if rng.random() < 0.5:
        codes.sort()
    caption = rng.choice(EXT_COMMAND_CAPTION)
    dims.update(cmd_form=form, cmd_name_word=name_word, cmd_code_word=code_word, rules=rules, order=order,
                extras="+".join(extras) or "none", sorted=str(codes == sorted(codes)), font=fontname, fontsize=str(fs))
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    y = 70
    pen.text(60, y, rng.choice(["6 Commands", "9.4 Instruction set", "Serial interface commands",
                                "8.2 Command Description"]), size=fs + 3)
    y += 18
    pen.text(60, y, "The host sends the instruction code first, then the address and data bytes; codes not "
             "listed are ignored.")
    y += fs * 2.5
    if caption:
        pen.text(60, y, caption, size=fs + 1)
        y += fs * 1.8
    cols = (["name", "code"] if order == "name-code" else ["code", "name"]) + extras
    header = [[{"name": name_word, "code": code_word}.get(c, c) for c in cols]]
    rows, truth = [], []
    for nm, code in zip(names, codes):
        txt = f"{code:02X}" if form == "bare-hex" else _addr_text(form, code)
        row = []
        for c in cols:
            row.append({"name": [nm], "code": [txt], "Bytes": [str(rng.randint(1, 4))],
                        "Dummy": [str(rng.choice([0, 0, 1, 8]))]}.get(c) or [rng.choice(DESCR)])
        rows.append(row)
        truth.append({"name": nm, "address": code, "alt": []})
    widths = [max([pen.width(h[k]) for h in header] + [pen.width(ln) for r in rows for ln in r[k]]) + 6
              for k in range(len(cols))]
    _draw_table(pen, 60, y, widths, header, rows, rules, rng.choice([6, 12, 20]))
    return truth, []


def _headings2_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    """Registers defined by headings, in the issue's further forms."""
    form = pick("ext_heading", EXT_HEADINGS)
    fontname = _font(pick, rng)
    fs = rng.choice([8, 9, 10])
    dims.update(heading2=form, font=fontname, fontsize=str(fs))
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    margin = 60
    y = margin
    n = rng.randint(3, 6)
    names = _names(rng, n + 1)
    a = rng.choice([0, 0x10, 0x20, 0x0A])
    truth = []
    i = 0
    while i < n:
        name = names[i]
        lng = LONG.get(name.rstrip("0123456789_LHABCFG"), name.title().replace("_", " ")) + " Register"
        text2 = None
        step = rng.choice([1, 1, 2])
        regs = [(name, a, [lng])]
        if form == "index-dec":
            head = f"8.{i + 1} {name}" if rng.random() < 0.5 else f"8.{i + 1} {lng} ({name})"
            text2 = rng.choice([f"Index (In Decimal): {a}", f"Register Index (Decimal): {a}", f"Index: {a} (decimal)"])
        elif form == "two-in-one":
            n2 = names[i + 1]
            regs.append((n2, a + 1, []))
            head = rng.choice([f"{name}, {n2} (0x{a:02X}, 0x{a + 1:02X})",
                               f"Registers 0x{a:02X} and 0x{a + 1:02X}: {name} and {n2}",
                               f"{name}/{n2} - 0x{a:02X}/0x{a + 1:02X}"])
            step = 2
            i += 1
        elif form == "pointer":
            bits = 2 if a < 4 else 4
            a = a % (1 << bits)
            if any(t["address"] == a for t in truth):
                break
            head = f"7.5.{i + 1} {lng} (P[{bits - 1}:0] = {a:0{(bits + 3) // 4}X}h)"
            regs = [(lng.removesuffix(" Register"), a, [lng])]
        elif form == "bracket-after":
            head = f"{name} [0x{a:02X}] ({rng.choice(['R/W', 'RO', 'R'])})"
        elif form == "address-dash":
            head = f"Address {a:02X}h - {name}: {lng}"
        else:  # regnum (held out)
            head = f"Register {a} ({a:02X}h) - {name}"
        page, y = _heading_register(doc, page, pen, rng, margin, y, fs, head, text2, name)
        for nm, ad, alt in regs:
            truth.append({"name": nm, "address": ad, "alt": alt})
        a += step
        i += 1
    return truth, []


def _matrix2_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    """2-D maps: rows = low nibble and columns = high nibble (transposed), a ruled grid, or
    labels like ``x0`` / ``8x``."""
    form = rng.choice(EXT_MATRIX)
    fontname = _font(pick, rng)
    fs = 6.5
    dims.update(matrix2=form, font=fontname)
    page = doc.new_page(width=792, height=612)
    pen = _Pen(page, fontname, fs)
    x0, y = 40, 90
    pen.text(x0, y - 40, rng.choice(["Table 11. Register map (address = column x 16 + row)", "SFR map",
                                     "Figure 7. Register address matrix"]), size=9)
    colw, rowh = 44, 20
    if form == "transposed":
        nhi, nlo = rng.randint(3, 6), 16
        h0 = rng.choice([0, 8, 0xA])
        his = [h0 + k for k in range(nhi)]
        fmt = rng.choice(["{h:X}x", "{h:X}0h"])
        col_labels = [fmt.format(h=h) for h in his]
        row_labels = [f"{lo:X}" for lo in range(nlo)]
        cell_addr = [[h * 16 + lo for h in his] for lo in range(nlo)]
    else:
        ncols = rng.choice([8, 16])
        nrows = rng.randint(3, 6)
        base0 = min(rng.choice([0x80, 0xC0, 0x00, 0x40]), 0x100 - nrows * ncols)
        col_labels = [(f"x{k:X}" if form == "x-labels" else f"{k:X}") for k in range(ncols)]
        row_labels = [(f"{(base0 + r * ncols) >> 4:X}x" if form == "x-labels" and ncols == 16
                       else f"0x{base0 + r * ncols:02X}") for r in range(nrows)]
        cell_addr = [[base0 + r * ncols + k for k in range(ncols)] for r in range(nrows)]
        if ncols == 16:
            fs = 6
            pen.size = fs
        if form == "x-labels" and ncols == 8:
            col_labels = [f"{k:X}" for k in range(ncols)]
    names = _names(rng, sum(len(r) for r in cell_addr))
    ncols = len(col_labels)
    for k, lab in enumerate(col_labels):
        pen.text(x0 + 40 + k * colw + 10, y, lab)
    y += 12
    grid_top = y - 10
    truth, idx = [], 0
    for r, lab in enumerate(row_labels):
        pen.text(x0 + 4, y + 4, lab)
        for k in range(ncols):
            if rng.random() < 0.3:
                continue
            nm = names[idx][:7].rstrip("_")
            idx += 1
            if any(t["name"] == nm for t in truth):
                continue
            pen.text(x0 + 40 + k * colw + 2, y + 4, nm)
            truth.append({"name": nm, "address": cell_addr[r][k], "alt": []})
        y += rowh if form != "transposed" else 14
    if form == "ruled":
        for r in range(len(row_labels) + 1):
            pen.page.draw_line((x0, grid_top + 8 + r * rowh), (x0 + 40 + ncols * colw, grid_top + 8 + r * rowh),
                               width=0.5)
        for k in range(ncols + 2):
            x = x0 if k == 0 else x0 + 40 + (k - 1) * colw
            pen.page.draw_line((x, grid_top - 4), (x, grid_top + 8 + len(row_labels) * rowh), width=0.5)
    return truth, []


def _distractor2_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    """Tables with hex cells and identifier-like names that are not register maps."""
    kind = pick("ext_distractor", EXT_DISTRACTORS)
    fontname = _font(pick, rng)
    fs = rng.choice([7.5, 8, 9])
    rules = rng.choice(RULES)
    dims.update(distractor2=kind, font=fontname, rules=rules)
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    y = 70
    pen.text(60, y, "7.3 Register description", size=fs + 3)
    y += 20
    names = _names(rng, 12)
    if kind == "bitfields":
        reg = names[0]
        pen.text(60, y, f"{reg} register (address 0x{rng.randint(0, 0x7F):02X})", size=fs + 2)
        y += fs * 2
        header = [["Bit", "Name", "Access", "Reset", "Description"]]
        rows, bit = [], 7
        for nm in names[1:rng.randint(4, 8)]:
            w = rng.choice([1, 1, 2])
            lo = max(bit - w + 1, 0)
            rows.append([[f"{bit}:{lo}" if w > 1 else str(bit)], [nm[:8]], [rng.choice(["RW", "R", "W1C"])],
                         [f"0x{rng.randint(0, 3):X}"], [rng.choice(DESCR)]])
            bit = lo - 1
            if bit < 0:
                break
    elif kind == "values-hex":
        pen.text(60, y, f"Table 15. {names[0]} settings", size=fs + 2)
        y += fs * 2
        header = [[rng.choice(["Value (hex)", "Setting", "Code"]), "Mode", "Description"]]
        modes = ["IDLE", "SLEEP", "NORMAL", "FORCED", "STANDBY", "SINGLE", "CONT", "BURST", "TEST", "LOWPWR"]
        rows = [[[f"0x{i:02X}"], [modes[i]], [rng.choice(DESCR)]] for i in range(rng.randint(4, 9))]
    elif kind == "slave-address":
        pen.text(60, y, "Table 3. Device address selection", size=fs + 2)
        y += fs * 2
        header = [["ADDR pin", rng.choice(["Slave address", "7-bit address", "I2C address (hex)"]), "Binary"]]
        pins = ["GND", "VDD", "SDA", "SCL"]
        base = rng.choice([0x48, 0x40, 0x68, 0x1C])
        rows = [[[p], [f"0x{base + i:02X}"], [f"{base + i:07b}"]] for i, p in enumerate(pins)]
    else:  # timing (held out)
        pen.text(60, y, "Table 5. Timing requirements", size=fs + 2)
        y += fs * 2
        header = [["Parameter", "Symbol", "Min", "Max", "Unit"]]
        syms = ["tSU_STA", "tHD_STA", "tSU_DAT", "tHD_DAT", "tBUF", "tLOW", "tHIGH", "tR", "tF"]
        rows = [[[rng.choice(["Setup time", "Hold time", "Bus free time"])], [s], [str(rng.randint(0, 600))],
                 [str(rng.randint(600, 1300))], ["ns"]] for s in syms[:rng.randint(4, 9)]]
    widths = [max([pen.width(h[k]) for h in header] + [pen.width(ln) for r in rows for ln in r[k]]) + 6
              for k in range(len(header[0]))]
    _draw_table(pen, 60, y, widths, header, rows, rules, rng.choice([6, 12, 20]))
    return [], []


def _distractor_sample(rng, pick, doc, dims) -> tuple[list[dict], list]:
    kind = pick("distractor", DISTRACTORS)
    fontname = _font(pick, rng)
    fs = rng.choice([7.5, 8, 9])
    rules = rng.choice(RULES)
    dims.update(distractor=kind, font=fontname, fontsize=str(fs), rules=rules)
    page = _page(doc, rng, dims, pick)
    pen = _Pen(page, fontname, fs)
    y = 70
    n = rng.randint(5, 12)
    if kind == "pins":
        header = [["Pin", "Name", "Type", "Description"]]
        pins = ["VDD", "GND", "SDA", "SCL", "INT", "CS", "MISO", "MOSI", "SCK", "RESET", "VIO", "NC", "ADDR"]
        rows = [[[str(i + 1)], [pins[i % len(pins)]], [rng.choice(["P", "I/O", "O", "I"])], [rng.choice(DESCR)]]
                for i in range(n)]
        title = "Table 1. Pin description"
    elif kind == "values":
        header = [[rng.choice(["Value", "Code", "ODR[3:0]"]), "Meaning"]]
        rows = [[[f"0x{i:X}" if rng.random() < 0.5 else f"{i:04b}"],
                 [rng.choice(["Power-down", "1 Hz", "10 Hz", "25 Hz", "50 Hz", "100 Hz", "Disabled", "Enabled"])]]
                for i in range(n)]
        title = "Table 14. Output data rate selection"
    elif kind == "memory-map":
        header = [["Offset", "Region", "Size"]]
        regs = ["Flash", "SRAM", "Boot ROM", "Peripherals", "EEPROM", "OTP", "System", "Reserved"]
        rows = [[[f"0x{i * 0x1000:08X}"], [regs[i % len(regs)]], [f"{rng.choice([4, 8, 16, 64])} KB"]]
                for i in range(n)]
        title = "Table 2. Memory map"
    elif kind == "ordering":
        header = [["Part number", "Package", "Temperature", "Marking"]]
        rows = [[[f"XY{1000 + 7 * i}-{rng.choice(['QFN', 'SO'])}"], [rng.choice(["QFN-16", "SOIC-8", "TSSOP-14"])],
                 ["-40 to 85 C"], [f"{0x1A + i:02X}"]] for i in range(n)]
        title = "Ordering information"
    elif kind == "file-format":
        header = [["Offset", "Size", "Field", "Description"]]
        off = 0
        rows = []
        for i in range(n):
            size = rng.choice([1, 2, 4])
            rows.append([[f"0x{off:02X}"], [str(size)], [rng.choice(["magic", "version", "length", "crc", "flags",
                                                                     "count", "type", "checksum"]) + str(i)],
                         [rng.choice(DESCR)]])
            off += size
        title = "Table 7. Image header format"
    elif kind == "electrical":
        header = [["Symbol", "Parameter", "Min", "Typ", "Max", "Unit"]]
        syms = ["VDD", "IDD", "VIH", "VIL", "VOH", "VOL", "fSCL", "tSU", "tHD", "IPD", "TA", "CIN"]
        rows = [[[syms[i % len(syms)]], [rng.choice(["Supply voltage", "Supply current", "Input high",
                                                     "Clock frequency", "Setup time"])],
                 [f"{rng.uniform(0, 2):.1f}"], [f"{rng.uniform(2, 3):.1f}"], [f"{rng.uniform(3, 5):.1f}"],
                 [rng.choice(["V", "mA", "kHz", "ns"])]] for i in range(n)]
        title = "Table 4. Electrical characteristics"
    elif kind == "revision-history":
        header = [["Rev", "Date", "Changes"]]
        rows = [[[f"{i // 2}.{i % 2}"], [f"2019-0{1 + i % 9}-1{i % 9}"], [rng.choice(DESCR)]] for i in range(n)]
        title = "Revision history"
    else:  # package-dimensions
        header = [["Symbol", "Min (mm)", "Nom (mm)", "Max (mm)"]]
        syms = ["A", "A1", "A2", "b", "c", "D", "E", "E1", "e", "L", "L1", "k"]
        rows = [[[syms[i % len(syms)]], [f"{rng.uniform(0, 1):.2f}"], [f"{rng.uniform(1, 2):.2f}"],
                 [f"{rng.uniform(2, 3):.2f}"]] for i in range(n)]
        title = "Package dimensions"
    pen.text(60, y, title, size=fs + 2)
    y += fs * 2
    widths = [max([pen.width(h[k]) for h in header] + [pen.width(ln) for r in rows for ln in r[k]]) + 6
              for k in range(len(header[0]))]
    _draw_table(pen, 60, y, widths, header, rows, rules, rng.choice([6, 12, 20]))
    return [], []


def sample(seed: int, heldout: bool = False, ext: bool = False) -> Sample:
    """The base grammar's sample of ``seed``, or with ``ext`` one of the extended families
    (``EXT_KINDS``, the issue's failure modes the base grammar lacks) drawn from a generator of
    its own, so base samples are the same with or without the extended families."""
    doc = pymupdf.open()
    if ext:
        rng = random.Random(seed * 104729 + 7 + (1 if heldout else 0))
        pick = _Pick(rng, heldout, EXT_HELDOUT)
        kind = rng.choice(EXT_KINDS)
        dims = {"family": kind}
        if kind in ("command", "headings2", "matrix2", "distractor2"):
            fn = {"command": _command_sample, "headings2": _headings2_sample, "matrix2": _matrix2_sample,
                  "distractor2": _distractor2_sample}[kind]
            truth, uncertain = fn(rng, pick, doc, dims)
        else:
            xr = random.Random(seed * 15485863 + 11 + (1 if heldout else 0))
            truth, uncertain = _table_sample(rng, pick, doc, dims, {"feature": kind, "xr": xr, "pick": pick})
        data = doc.tobytes()
        doc.close()
        return Sample(seed, kind, data, truth, dims, uncertain)
    rng = random.Random(seed * 7919 + (1 if heldout else 0))
    pick = _Pick(rng, heldout)
    kind = rng.choice(KINDS)
    dims: dict[str, str] = {"kind": kind}
    fn = {"table": _table_sample, "headings": _headings_sample, "matrix": _matrix_sample,
          "distractor": _distractor_sample}[kind]
    truth, uncertain = fn(rng, pick, doc, dims)
    data = doc.tobytes()
    doc.close()
    return Sample(seed, kind, data, truth, dims, uncertain)
