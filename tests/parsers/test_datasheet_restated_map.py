"""A register map printed again in a later section (issue 17: consistency checks), on pages
the test renders itself: most rows of the excerpt repeat the summary map; the two that
disagree with it (a name at another register's address, another name for an address) are
misprints or aliases of the same registers, not more registers.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from tests.parsers.pdf_pages import ruled_table

RESTATED_WIDTHS = [70, 130, 50, 170]  # Address | Register name | Bit | Description

MAP = [("0x40", "TSC_CTRL"), ("0x41", "TSC_CFG"), ("0x42", "WDW_TR_X"), ("0x44", "WDW_TR_Y"), ("0x46", "WDW_BL_X"),
       ("0x48", "WDW_BL_Y"), ("0x4A", "FIFO_TH"), ("0x4B", "FIFO_STA"), ("0x56", "TSC_FRACT_XYZ"), ("0x17", "GPIO_AF")]
EXCERPT = [("0x40", "TSC_CTRL"), ("0x41", "TSC_CFG"), ("0x42", "WDW_TR_X"), ("0x44", "WDW_TR_Y"),
           ("0x46", "WDW_TR_X"), ("0x48", "WDW_BL_Y"), ("0x4A", "FIFO_TH"), ("0x4B", "FIFO_STA"),
           ("0x56", "TSC_FRACT_Z")]



def test_excerpt_rows_that_disagree_with_the_map(tmp_path):
    doc = pymupdf.open()
    p1 = doc.new_page()
    p1.insert_text((60, 60), "Table 11. Register summary map", fontsize=9)
    ruled_table(p1, 60, 70, RESTATED_WIDTHS, [["Address", "Register name", "Bit", "Description"]] +
           [[a, n, "8", "Register description"] for a, n in MAP])
    doc.new_page().insert_text((60, 60), "5 General purpose I/O", fontsize=11)
    p3 = doc.new_page()
    p3.insert_text((80, 60), "Table 29. Touch screen controller registers", fontsize=9)
    ruled_table(p3, 80, 70, RESTATED_WIDTHS, [["Address", "Register name", "Bit", "Description"]] +
           [[a, n, "8", "Touch screen register"] for a, n in EXCERPT])
    path = tmp_path / "restated.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(n, int(a, 16)) for a, n in MAP}
