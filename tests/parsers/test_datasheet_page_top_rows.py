"""Rows of a register table carried over to the top of the next page, above the next caption
and header, in a frame of their own (issue 17: multi-page tables), on pages the test renders
itself. The tables are ruled between rows only, so their column walls come from whitespace,
and the few short carried-over rows place the name column's right wall elsewhere.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

X = [60, 100, 200, 250, 290, 540]  # text x of: address, name, default, R/W, description; right edge


def _rows(page, y0: float, rows: list[tuple[str, str, str, str, str]], row_h: float = 15.0) -> float:
    """Rows ruled above and below, a frame at the left and right edges only."""
    y = y0
    page.draw_line((X[0] - 3, y), (X[-1], y), width=0.6)
    for row in rows:
        for k, cell in enumerate(row):
            page.insert_text((X[k], y + 11), cell, fontsize=8)
        y += row_h
        page.draw_line((X[0] - 3, y), (X[-1], y), width=0.6)
    page.draw_line((X[0] - 3, y0), (X[0] - 3, y), width=0.6)
    page.draw_line((X[-1], y0), (X[-1], y), width=0.6)
    return y


def _reg(a: int, name: str) -> tuple[str, str, str, str, str]:
    return (f"{a:02X}", name, "00", "R" if a % 3 == 1 else "RW", "Gamma curve segment end point output value")


FIRST = [(0x70, "SCALING_XSC"), (0x71, "SCALING_YSC"), (0x72, "SCALING_DCWCTR"), (0x73, "SCALING_PCLK"),
         (0x7A, "SLOP"), (0x7B, "GAM1"), (0x7C, "GAM2"), (0x7D, "GAM3"), (0x7E, "GAM4"), (0x7F, "GAM5"),
         (0x80, "GAM6"), (0x81, "GAM7"), (0x82, "GAM8"), (0x83, "GAM9")]
CARRIED = [(0x84, "GAM10"), (0x85, "GAM11"), (0x86, "GAM12"), (0x87, "GAM13")]
SECOND = [(0x88, "GAM14"), (0x89, "GAM15"), (0x8C, "RGB444"), (0x92, "DM_LNL"),
          (0x93, "DM_LNH"), (0x94, "LCC6"), (0x95, "LCC7")]


def test_rows_carried_to_the_next_page_top(tmp_path):
    doc = pymupdf.open()
    p1 = doc.new_page()
    p1.insert_text((60, 60), "Table 5 Register list (13/16)", fontsize=9)
    _rows(p1, 70, [("Address", "Register", "Default", "R/W", "Description")] + [_reg(a, n) for a, n in FIRST])
    p2 = doc.new_page()
    y = _rows(p2, 60, [_reg(a, n) for a, n in CARRIED])
    p2.insert_text((60, y + 20), "Table 5 Register list (14/16)", fontsize=9)
    _rows(p2, y + 30, [("Address", "Register", "Default", "R/W", "Description")] + [_reg(a, n) for a, n in SECOND])
    path = tmp_path / "carried.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(n, a) for a, n in FIRST + CARRIED + SECOND}
