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
    def __init__(self, rng: random.Random, heldout: bool):
        self.rng, self.heldout = rng, heldout

    def __call__(self, key: str, values: list):
        extra = HELDOUT.get(key, [])
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
                rows: list[list[list[str]]], rules: str, gap: float, group: tuple[int, int, str] | None = None) -> float:
    """Draw a table; ``header`` is a list of header lines (cells may be empty), ``rows`` cells are
    lists of lines. ``group`` = (first col, last col, label) draws a grouped header cell spanning
    those columns above the header lines. Returns the y under the table."""
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
            for j, ln in enumerate(cell):
                pen.text(xs[k] + 3, y + fs + 2 + j * lh, ln)
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


def _table_sample(rng, pick, doc, dims) -> tuple[list[dict], list[tuple[int, int]]]:
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
    nbanks = 2 if banks else 1
    bank_names = rng.sample(["Bank 0", "Bank 1", "Bank 2"], 2) if banks else [None]
    bank_names.sort()
    addrs = _addresses(rng, form, n)
    n = len(addrs)
    all_names = _names(rng, n * nbanks + 4)
    width = 2
    for b in range(nbanks):
        names = all_names[b * n:(b + 1) * n]
        if bank_names[b]:
            if y > page.rect.height - 200:
                page = _page(doc, rng, dims, pick)
                pen.bind(page)
                y = margin + 20
            pen.text(margin, y, f"{bank_names[b]} register map" if rng.random() < 0.5 else bank_names[b],
                     size=fs + 2)
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
        cols += extras
        group = None
        if form == "hex-dec-sub":
            i = cols.index("addr")
            cols.insert(i + 1, "dec")
        head1 = []
        head2 = []
        for c in cols:
            label = {"addr": aw, "name": name_word, "dec": ""}.get(c, c)
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
            if wrap and (long_names or len(shown) > 6):
                if " " in shown:
                    cell = _wrap(pen, shown, max(pen.width(shown) * 0.6, pen.width("M") * 4))
                else:
                    k = max(2, len(shown) // 2)
                    cell = [shown[:k], shown[k:]]
            truth.append({"name": name, "address": a, "alt": alt + [shown]})
            rows.append(_row(cols, cell, a, form, width, rng, None, extras))
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
        if cont:
            cut = len(rows) // 2
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
            y = _draw_table(pen, margin, y, widths, header, part, rules, gap, group)
            y += fs * 3
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
        y = _draw_table(pen, margin, y + 2, [40, 90, 40, 200],
                        [["Bit", "Field", "Type", "Description"]],
                        [[["7:4"], [f"{name[:4]}_HI"], ["RW"], ["Upper field"]],
                         [["3:0"], [f"{name[:4]}_LO"], ["RW"], ["Lower field"]]], "hlines", 6)
        y += fs * 3
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


def sample(seed: int, heldout: bool = False) -> Sample:
    rng = random.Random(seed * 7919 + (1 if heldout else 0))
    pick = _Pick(rng, heldout)
    kind = rng.choice(KINDS)
    doc = pymupdf.open()
    dims: dict[str, str] = {"kind": kind}
    fn = {"table": _table_sample, "headings": _headings_sample, "matrix": _matrix_sample,
          "distractor": _distractor_sample}[kind]
    truth, uncertain = fn(rng, pick, doc, dims)
    data = doc.tobytes()
    doc.close()
    return Sample(seed, kind, data, truth, dims, uncertain)
