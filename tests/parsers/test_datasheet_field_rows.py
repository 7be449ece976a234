"""Register maps whose register rows are followed by field rows in the same name column, under a
diagonal watermark (pages rendered by the test).

Layout: Address | Register Name | Bits | R/W | Reset | Description. A register line carries the
address; the lines under it without an address name its fields, each with its own Bits, R/W and
Reset cells. Those lines are fields, not a wrapped register name. A watermark drawn at a slant
across the table ("Confidential ...") is not a cell either: before the fix its words landed in
the name column (``Confidential X_Size_H``) or broke the table.
"""
from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

REGS = [(0x3000, "Chip_Version_H", [("Chip_Number", "7:4"), ("Revision", "3:0")]),
        (0x3001, "Chip_Version_L", []),
        (0x3002, "X_Size_H", [("X_Size_Hi", "2:0")]),
        (0x3003, "X_Size_L", []),
        (0x3004, "PLL_Ctrl", [("PLL_M", "5:0"), ("PLL_Rst", "7")]),
        (0x3005, "Mode_Ctrl", [("Gamma_En", "1"), ("Shading_En", "0")]),
        (0x3006, "Gain_R", []),
        (0x3007, "Gain_B", [])]


def _page(tmp_path, watermark: bool, fields: bool = True) -> str:
    doc = pymupdf.open()
    p = doc.new_page()
    xs = (50, 110, 260, 300, 340, 390)
    for x, h in zip(xs, ("Address", "Register Name", "Bits", "R/W", "Reset", "Description")):
        p.insert_text((x, 70), h, fontsize=9)
    y = 90
    for addr, name, fields_ in REGS:
        for x, t in zip(xs, (f"0x{addr:04X}", name, "7:0", "R/W", "0x00", "Control value")):
            p.insert_text((x, y), t, fontsize=9)
        y += 14
        for fname, bits in (fields_ if fields else []):
            for x, t in zip(xs[1:], (fname, bits, "R/W", "0x0", "Field")):
                p.insert_text((x, y), t, fontsize=9)
            y += 14
        y += 4
    if watermark:
        # a diagonal watermark across the table, as a rotated text line
        tw = pymupdf.TextWriter(p.rect)
        font = pymupdf.Font("helv")
        tw.append((120, 300), "Confidential Information for Customer Use Only", font=font, fontsize=26)
        tw.write_text(p, morph=(pymupdf.Point(120, 300), pymupdf.Matrix(-50)))
    path = tmp_path / f"fields{int(watermark)}{int(fields)}.pdf"
    doc.save(path)
    doc.close()
    return str(path)


def _got(path: str) -> set[tuple[str, int]]:
    return {(r.name, int(str(r.address), 16)) for r in parse_pdf(path).registers}


def test_field_rows_are_not_part_of_the_name(tmp_path):
    assert _got(_page(tmp_path, watermark=False)) == {(n, a) for a, n, _f in REGS}


def test_diagonal_watermark_is_not_a_cell(tmp_path):
    want = {(n, a) for a, n, _f in REGS}
    assert _got(_page(tmp_path, watermark=True, fields=False)) == want
    assert _got(_page(tmp_path, watermark=True)) == want
