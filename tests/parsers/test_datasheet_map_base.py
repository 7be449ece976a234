"""The number base of a short table that goes on with a hex map under the same header (issue
17: address base decided per column from evidence), on pages the test renders itself: three
rows "71 72 73" look like a decimal count on their own, but the map read before under the
same address header was hex, and nothing in these rows says decimal.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from tests.parsers.pdf_pages import ruled_table

HEAD = ["Address", "Register", "Default", "R/W"]
FIRST = [("6A", "GGAIN"), ("6B", "DBLV"), ("6C", "AWBCTR3"), ("6D", "AWBCTR2"), ("6E", "AWBCTR1"), ("6F", "AWBCTR0"),
         ("70", "SCALING_XSC")]
SECOND = [("71", "SCALING_YSC"), ("72", "SCALING_DCWCTR"), ("73", "SCALING_PCLK_DIV")]



def test_short_table_keeps_the_hex_base_of_the_map(tmp_path):
    doc = pymupdf.open()
    p1 = doc.new_page()
    p1.insert_text((60, 60), "Table 5 Register list (11/16)", fontsize=9)
    ruled_table(p1, 60, 70, [60, 110, 60, 50], [HEAD] + [[a, n, "00", "RW"] for a, n in FIRST])
    p2 = doc.new_page()
    p2.insert_text((80, 60), "Table 5 Register list (12/16)", fontsize=9)
    ruled_table(p2, 80, 70, [50, 130, 50, 40], [HEAD] + [[a, n, "00", "RW"] for a, n in SECOND])
    p2.insert_text((80, 200), "Bit 7: test pattern; bits 6-0: scaling factor.", fontsize=9)
    path = tmp_path / "base.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(n, int(a, 16)) for a, n in FIRST + SECOND}
