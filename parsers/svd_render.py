"""Render a ``Datasheet`` (usually from an SVD) as a datasheet-like PDF: ground truth at any scale.

Two layouts, so the PDF extractor is checked against both families of real datasheets:

* ``"st"``: an ST reference-manual chapter per peripheral. A memory-map table
  (``Boundary address | Peripheral | Bus``) comes first; each register is a block with a
  numbered heading ``N.M Description (NAME)``, ``Address offset: 0x04``,
  ``Reset value: 0x0000 00C0``, a bit diagram (bit numbers, field names in merged cells,
  access) and ``Bits 7:5 NAME: description`` lines. The PDF has an outline.
* ``"summary"``: TI/NXP/sensor style. Per peripheral a heading ``NAME register map``,
  ``Base address: 0x…`` and a summary table ``Address | Name | Width | Reset | Access |
  Description`` with absolute addresses, followed by one ``Bit | Field | Type |
  Description`` table per register with fields. No outline.

Output is deterministic: the same datasheet gives the same bytes (no dates, fixed ids).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from firmcorpus.core.io import atomic_path
from firmcorpus.parsers.models import Datasheet, Register

PAGE_W, PAGE_H = 595.0, 842.0  # A4 points
MARGIN_X, TOP, BOTTOM = 50.0, 60.0, 790.0
FONT, BOLD = "helv", "hebo"


def _hex_grouped(v: int, digits: int = 8) -> str:
    s = f"{v:0{digits}X}"
    return "0x" + (s[:4] + " " + s[4:] if digits == 8 else s)


_FONTS: dict[str, object] = {}


def _font(name: str):
    if name not in _FONTS:
        _FONTS[name] = pymupdf.Font(name)
    return _FONTS[name]


_ADVANCE: dict[tuple[str, str], float] = {}


def _width(s: str, size: float, font: str = FONT) -> float:
    """Text width from cached per-character advances (``Font.text_length`` costs ~0.5 ms a call)."""
    total = 0.0
    for ch in s:
        adv = _ADVANCE.get((font, ch))
        if adv is None:
            adv = _ADVANCE[(font, ch)] = _font(font).text_length(ch, fontsize=1)
        total += adv
    return total * size


def _clip(text: str, width: float, size: float, font: str = FONT) -> str:
    text = " ".join((text or "").split())
    if _width(text, size, font) <= width:
        return text
    lo, hi = 0, len(text)  # longest prefix that fits with an ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid] + "...", size, font) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "..."


def _pdf_string(s: str) -> str:
    b = s.encode("cp1252", "replace").decode("latin-1")
    return "(" + b.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


class _Writer:
    """A cursor over pages of a new PDF; starts a page when the next item does not fit.

    Each page's text and boxes are collected as PDF content-stream operators and written
    once per page: PyMuPDF's ``insert_text``/``TextWriter.append`` cost about a millisecond
    per string, and a bit diagram has a few hundred strings.
    """

    def __init__(self, title: str):
        self.doc = pymupdf.open()
        self.title = title
        self.page = None
        self.ops: list[str] = []
        self.y = TOP
        self.toc: list[list] = []
        self.new_page()

    def _flush(self) -> None:
        if self.page is None:
            return
        xref = self.page.get_contents()[0]
        self.doc.update_stream(xref, ("q\n" + "\n".join(self.ops) + "\nQ\n").encode("latin-1"))
        self.ops = []

    def new_page(self) -> None:
        self._flush()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        # register both fonts as page resources named /helv and /hebo (text replaced at flush)
        self.page.insert_text((0, 0), " ", fontname=FONT, fontsize=1)
        self.page.insert_text((0, 0), " ", fontname=BOLD, fontsize=1)
        self.y = TOP
        self.text(MARGIN_X, 36, self.title, 8, FONT)
        self.text(PAGE_W - MARGIN_X - 40, 820, f"{self.doc.page_count}", 8, FONT)

    def need(self, h: float) -> None:
        if self.y + h > BOTTOM:
            self.new_page()

    def text(self, x: float, y: float, s: str, size: float = 9, font: str = FONT) -> None:
        self.ops.append(f"BT /{font} {size:.2f} Tf 1 0 0 1 {x:.2f} {PAGE_H - y:.2f} Tm {_pdf_string(s)} Tj ET")

    def line(self, s: str, size: float = 9, font: str = FONT, gap: float = 4) -> None:
        self.need(size + gap)
        self.y += size
        self.text(MARGIN_X, self.y, s, size, font)
        self.y += gap

    def heading(self, s: str, level: int, size: float) -> None:
        self.need(size + 40)
        self.y += 8
        self.line(s, size, BOLD, gap=6)
        self.toc.append([level, s, self.doc.page_count])

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.ops.append(f"0.5 w {x0:.2f} {PAGE_H - y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re S")

    def cell(self, x0: float, y0: float, x1: float, y1: float, s: str, size: float = 7, font: str = FONT,
             box: bool = True) -> None:
        """Centred text in a box, font shrunk to fit (never overflowing into the neighbours)."""
        if box:
            self.rect(x0, y0, x1, y1)
        if not s:
            return
        w = x1 - x0 - 2
        fs = size
        tw = _width(s, fs, font)
        if tw > w:
            fs = max(3.0, fs * w / tw)
        s = _clip(s, w, fs, font)
        tw = _width(s, fs, font)
        self.text(x0 + (x1 - x0 - tw) / 2, (y0 + y1) / 2 + fs * 0.35, s, fs, font)

    def save(self, out: Path, outline: bool) -> Path:
        self._flush()
        self.page = None
        if outline and self.toc:
            self.doc.set_toc(self.toc)
        self.doc.set_metadata({"title": self.title, "producer": "firmcorpus svd_render", "creator": "firmcorpus",
                               "creationDate": "", "modDate": ""})
        with atomic_path(out) as tmp:
            self.doc.save(tmp, garbage=3, deflate=True, no_new_id=True)
            self.doc.close()
        return out


def _by_peripheral(ds: Datasheet) -> list[tuple[str, int | None, str, list[Register]]]:
    regs: dict[str, list[Register]] = {}
    for r in ds.registers:
        regs.setdefault(r.peripheral or "", []).append(r)
    out = []
    seen = set()
    for p in ds.peripherals:
        if p.name in seen:
            continue
        seen.add(p.name)
        base = int(p.base_address, 16) if p.base_address else None
        out.append((p.name, base, p.description, regs.get(p.name, [])))
    for name, rs in regs.items():
        if name not in seen:
            out.append((name, None, "", rs))
    return out


def render_pdf(datasheet: Datasheet, out_path: str | Path, layout: str = "st") -> Path:
    """Write ``datasheet`` as a PDF in ``layout`` ("st" with outline, "summary" without)."""
    if layout not in ("st", "summary"):
        raise ValueError(f"layout must be 'st' or 'summary', not {layout!r}")
    title = f"{datasheet.title or Path(datasheet.source).stem} reference manual"
    w = _Writer(title)
    periphs = _by_peripheral(datasheet)
    if layout == "st":
        _render_st(w, periphs)
    else:
        _render_summary(w, periphs)
    return w.save(Path(out_path), outline=(layout == "st"))


# --------------------------------------------------------------------------- ST style


def _render_st(w: _Writer, periphs) -> None:
    w.heading("1 Memory map", 1, 14)
    w.line("Table 1. Peripheral register boundary addresses", 9, BOLD)
    cols = [(MARGIN_X, 200.0, "Boundary address"), (200.0, 330.0, "Peripheral"), (330.0, 420.0, "Bus")]

    def header():
        w.need(16)
        for x0, x1, s in cols:
            w.cell(x0, w.y, x1, w.y + 14, s, 8, BOLD)
        w.y += 14

    header()
    for name, base, _desc, regs in periphs:
        if base is None:
            continue
        if w.y + 14 > BOTTOM:
            w.new_page()
            header()
        last = max([int(r.address, 16) for r in regs] + [base]) | 0x3FF
        vals = [f"{_hex_grouped(base)} - {_hex_grouped(last)}", name, "AHB" if base >= 0x50000000 else "APB"]
        for (x0, x1, _), s in zip(cols, vals):
            w.cell(x0, w.y, x1, w.y + 14, s, 8)
        w.y += 14
    for ch, (name, base, desc, regs) in enumerate(periphs, start=2):
        w.new_page()
        w.heading(f"{ch} {name} registers", 1, 14)
        if desc:
            w.line(_clip(desc, PAGE_W - 2 * MARGIN_X, 9), 9)
        for k, r in enumerate(regs, start=1):
            _st_register(w, ch, k, r, base)


def _st_register(w: _Writer, ch: int, k: int, r: Register, base: int | None) -> None:
    width = r.width_bits or 32
    rows = [(hi, max(hi - 15, 0)) for hi in range(width - 1, -1, -16)]
    fields_h = 11 * min(len(r.fields), 6)
    w.need(70 + 42 * len(rows) + fields_h)
    desc = (r.description or r.name).replace("(", "").replace(")", "")
    desc = _clip(desc.split(". ")[0], 300, 11, BOLD)
    w.heading(f"{ch}.{k} {desc} ({r.name})", 2, 11)
    addr = int(r.address, 16)
    off = addr - base if base is not None else addr
    w.line(f"Address offset: 0x{off:02X}", 9)
    reset = int(r.reset, 16) if r.reset else 0
    w.line(f"Reset value: {_hex_grouped(reset, 8 if width > 16 else width // 4)}", 9)
    w.y += 4
    cw = (PAGE_W - 2 * MARGIN_X) / 16
    for hi, lo in rows:
        w.need(42)
        y0 = w.y
        for b in range(hi, lo - 1, -1):
            x0 = MARGIN_X + (hi - b) * cw
            w.cell(x0, y0, x0 + cw, y0 + 10, str(b), 6, FONT, box=False)
        bits_of: dict[int, tuple] = {}
        for f in r.fields:
            msb, lsb = (int(x) for x in (f.bits.split(":") * 2)[:2])
            m, l_ = min(msb, hi), max(lsb, lo)
            if m < l_:
                continue
            bits_of[m] = (m, l_, f)
        b = hi
        while b >= lo:
            if b in bits_of:
                m, l_, f = bits_of[b]
                x0, x1 = MARGIN_X + (hi - m) * cw, MARGIN_X + (hi - l_ + 1) * cw
                w.cell(x0, y0 + 10, x1, y0 + 26, f.name, 7)
                w.cell(x0, y0 + 26, x1, y0 + 36, f.access or "rw", 6)
                b = l_ - 1
            else:
                x0 = MARGIN_X + (hi - b) * cw
                w.cell(x0, y0 + 10, x0 + cw, y0 + 26, "Res.", 6)
                w.cell(x0, y0 + 26, x0 + cw, y0 + 36, "", 6)
                b -= 1
        w.y = y0 + 42
    for f in r.fields:
        w.line(_clip(f"Bits {f.bits} {f.name}: {f.description or f.name}", PAGE_W - 2 * MARGIN_X, 8), 8, gap=3)
    w.y += 6


# --------------------------------------------------------------------------- summary style

_SUM_COLS = [(50.0, 130.0, "Address"), (130.0, 270.0, "Name"), (270.0, 310.0, "Width"),
             (310.0, 385.0, "Reset"), (385.0, 425.0, "Access"), (425.0, 545.0, "Description")]
_FIELD_COLS = [(50.0, 100.0, "Bit"), (100.0, 240.0, "Field"), (240.0, 280.0, "Type"), (280.0, 545.0, "Description")]


def _table_header(w: _Writer, cols) -> None:
    w.need(30)
    for x0, _x1, s in cols:
        w.text(x0 + 2, w.y + 10, s, 8, BOLD)
    w.y += 16


def _render_summary(w: _Writer, periphs) -> None:
    sec = 0
    for name, base, desc, regs in periphs:
        sec += 1
        w.need(120)
        w.y += 10
        w.line(f"{sec} {name} register map", 12, BOLD, gap=6)
        if base is not None:
            w.line(f"Base address: 0x{base:08X}", 9)
        if desc:
            w.line(_clip(desc, PAGE_W - 2 * MARGIN_X, 9), 9)
        w.line(f"Table {sec}. {name} registers", 9, BOLD)
        _table_header(w, _SUM_COLS)
        for r in regs:
            if w.y + 12 > BOTTOM:
                w.new_page()
                _table_header(w, _SUM_COLS)
            vals = [f"0x{int(r.address, 16):08X}", r.name, str(r.width_bits or 32),
                    f"0x{int(r.reset, 16):0{max((r.width_bits or 32) // 4, 2)}X}" if r.reset else "-",
                    (r.access or "").upper().replace("RW", "R/W") or "-", r.description]
            for (x0, x1, _), s in zip(_SUM_COLS, vals):
                w.text(x0 + 2, w.y + 9, _clip(s, x1 - x0 - 6, 7.5), 7.5)
            w.y += 12
        w.y += 8
        for r in regs:
            if not r.fields:
                continue
            w.need(60)
            w.y += 6
            w.line(f"{r.name} register (address = 0x{int(r.address, 16):08X})", 9, BOLD)
            _table_header(w, _FIELD_COLS)
            for f in r.fields:
                if w.y + 12 > BOTTOM:
                    w.new_page()
                    _table_header(w, _FIELD_COLS)
                vals = [f.bits, f.name, (f.access or "").upper().replace("RW", "R/W") or "-", f.description]
                for (x0, x1, _), s in zip(_FIELD_COLS, vals):
                    w.text(x0 + 2, w.y + 9, _clip(s, x1 - x0 - 6, 7.5), 7.5)
                w.y += 12
