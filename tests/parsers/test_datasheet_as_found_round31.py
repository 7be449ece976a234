"""Forms met on datasheets of manufacturers new to the development set (the thirty-first as-found
round: an 8-bit MCU's special-function-register tables, one per bank), on pages the test draws itself
(the truth is what the test prints). The test failed before its mechanisms:

* a CJK title naming a bank right above a table ("特殊功能寄存器总表（特殊存储体0）") is the table's
  caption;
* two banks of one map that print a common area alike (the same registers at the same addresses) and
  their own registers at the other addresses are two blocks for the banked rows, one register for each
  common row; and rows of two blocks never count as a restated map's disagreeing rows.
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import ruled_table

CJK_FONT = "china-s"
COMMON = [(0xFF80 + i, f"CMN{i}") for i in range(24)]  # most of each bank's table: the common area
BANK0 = [(0xFFC0 + i, f"TMRA{i}") for i in range(8)]
BANK1 = [(0xFFC0 + i, f"UART{i}") for i in range(8)]


def _rows(regs):
    return [[f"{a:04X}H", n, f"{n}<7:0>", "0000 0000"] for a, n in regs]


def _page(doc, title, regs):
    page = doc.new_page()
    if title:
        page.insert_text((50, 50), title, fontsize=10, fontname=CJK_FONT)
    ruled_table(page, 50, 70, [60, 80, 200, 80], [["Address", "Name", "bit7 .. bit0", "Reset"]] + _rows(regs))


def test_two_banks_with_a_common_area_under_cjk_bank_titles():
    doc = pymupdf.open()
    _page(doc, "附录2  特殊功能寄存器总表（特殊存储体0）", COMMON)  # bank 0 over two pages
    _page(doc, "", BANK0)
    _page(doc, "附录3  特殊功能寄存器总表（特殊存储体1）", COMMON + BANK1)  # bank 1 in one table
    from firmcorpus.parsers.datasheet import parse_pdf

    regs = parse_pdf(doc.tobytes()).registers
    got = {(r.name, int(r.address, 16)) for r in regs}
    want = set((n, a) for a, n in COMMON + BANK0 + BANK1)
    assert got >= want, sorted(want - got)
    names = [r.name for r in regs]
    assert all(names.count(n) == 1 for _a, n in COMMON)  # each common register once
