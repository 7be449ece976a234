"""An unruled register table with long runs of reserved rows (``0x3055 - - - - Reserved``)
and a dated page footer right under its last row (issue 17: reserved-range rows, page
furniture), on a page the test renders itself. The footer's date is no address, and reserved
rows count neither for nor against a column being the name column.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import parse_addr_cell

NAMED = {0x3049: "ABLC_Ofs_Gb_L", 0x304A: "ABLC_Ofs_B_H", 0x304C: "ABLC_Avg_R", 0x3050: "OB_Top_Thr",
         0x3054: "OB_OFS", 0x305B: "OB_AVG_R", 0x305C: "OB_AVG_GR", 0x305D: "OB_AVG_GB", 0x305E: "OB_AVG_B",
         0x3060: "Reg_Activate_Ctrl"}


def test_dates_are_not_addresses():
    assert parse_addr_cell("2012/08/01") is None
    assert parse_addr_cell("01/08/2012") is None
    assert parse_addr_cell("00h/80h") is not None


def test_reserved_runs_and_a_dated_footer(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    y = 70
    for a in range(0x3049, 0x3066):
        name = NAMED.get(a)
        cells = (f"0x{a:04X}", name, "7:0", "R/W", "0x00", "Register value") if name else \
            (f"0x{a:04X}", "-", "-", "-", "-", "Reserved")
        for x, c in zip((64, 106, 222, 250, 282, 316), cells):
            p.insert_text((x, y), c, fontsize=8)
        y += 16.5
    p.insert_text((57, y + 2), "2012/08/01 - 35 - Confidential. With respect to the information", fontsize=8)
    path = tmp_path / "res.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(n, a) for a, n in NAMED.items()}
