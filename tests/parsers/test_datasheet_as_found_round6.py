"""Forms met on the sixth round of datasheets taken as found for the development set (and on
leftovers of earlier rounds), on pages the test draws itself (the truth is what the test prints).
Each test failed before its mechanism:

* a multi-byte register printed once per byte ("SUM 50" at four consecutive addresses) among
  one-byte registers: the repeated names are one register's bytes, not a value table's repeats;
  a table of nothing but such runs (one label over each group of rows) stays rejected.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_layout import name_runs
from tests.parsers.pdf_pages import ruled_table


def _got(doc) -> set[tuple[str, int]]:
    return {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}


DETECTOR = [(0x3C09, "LIGHT METER THRESHOLD", "Bit[7:0]: threshold[7:0]"),
            (0x3C0A, "SAMPLE NUMBER", "Bit[7:0]: Sample number[15:8]"),
            (0x3C0B, "SAMPLE NUMBER", "Bit[7:0]: Sample number[7:0]"),
            (0x3C0C, "DETECT CTRL0C", "Bit[0]: Band select"),
            (0x3C0D, "SUM 50", "Bit[4:0]: Sum50[28:24]"),
            (0x3C0E, "SUM 50", "Bit[7:0]: Sum50[23:16]"),
            (0x3C0F, "SUM 50", "Bit[7:0]: Sum50[15:8]"),
            (0x3C10, "SUM 50", "Bit[7:0]: Sum50[7:0]"),
            (0x3C11, "SUM 60", "Bit[4:0]: Sum60[28:24]"),
            (0x3C12, "SUM 60", "Bit[7:0]: Sum60[23:16]"),
            (0x3C13, "SUM 60", "Bit[7:0]: Sum60[15:8]"),
            (0x3C14, "SUM 60", "Bit[7:0]: Sum60[7:0]"),
            (0x3C15, "BLOCK COUNTER", "Bit[7:0]: Block counter[15:8]"),
            (0x3C16, "BLOCK COUNTER", "Bit[7:0]: Block counter[7:0]"),
            (0x3C17, "SUM THRESHOLD", "Sum threshold")]


def test_multi_byte_registers_printed_once_per_byte():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((50, 50), "table 7-9   detector registers", fontsize=9)
    for x, h in ((250, "default"), (60, "address"), (110, "register name"), (250, "value"), (300, "R/W"),
                 (340, "description")):
        page.insert_text((x, 80 if h == "default" else 90), h, fontsize=8)
    for i, (a, n, d) in enumerate(DETECTOR):
        y = 110 + 20 * i
        for x, t in ((60, f"0x{a:04X}"), (110, n), (255, "-"), (303, "R"), (340, d)):
            page.insert_text((x, y), t, fontsize=8)
    assert _got(doc) == {(n, a) for a, n, _d in DETECTOR}


def test_runs_count_once_only_beside_one_byte_registers():
    names = ["A", "SUM", "SUM", "SUM", "B", "C"]
    assert name_runs(names, [0, 1, 2, 3, 4, 5]) == 4
    assert name_runs(names, [0, 1, 5, 9, 10, 11]) == 6  # not consecutive: not one register's bytes
    # nothing but runs: one label over each group of rows (a RAM layout), no collapse
    assert name_runs(["P0", "P0", "P0", "P1", "P1", "P1"], [2, 3, 4, 10, 11, 12]) == 6
