"""The last rows of an unruled register table carried to the top of the next page (issue 17:
multi-page tables), on pages the test renders itself: only two named rows (and reserved ones)
are left there, fewer than an unruled table needs on its own; they are read because the
previous page ended with the table and their addresses go on from its last one. Two rows that
do not go on from it stay unread.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

FIRST = [(0x32F0, "Output_Format"), (0x32F1, "Special_Effect_0"), (0x32F2, "Y_Component"),
         (0x32F3, "Chroma_Component"), (0x32F4, "Cb_Ofs"), (0x32F5, "Cr_Ofs"), (0x32F6, "Special_Effect_1")]
CARRIED = [(0x32F7, None), (0x32F8, None), (0x32F9, None), (0x32FA, None), (0x32FB, "Hue_Angle_Shift"),
           (0x32FC, "Brt_Ofs")]


def _row(p, y: float, a: int, name: str | None) -> None:
    cells = (f"0x{a:04X}", name, "7:0", "R/W", "0x00", "Register value") if name else \
        (f"0x{a:04X}", "-", "-", "-", "-", "Reserved")
    for x, c in zip((64, 106, 222, 250, 282, 316), cells):
        p.insert_text((x, y), c, fontsize=8)


def _doc(tmp_path, carried) -> set[tuple[str, int]]:
    doc = pymupdf.open()
    p1 = doc.new_page()
    p1.insert_text((60, 400), "Table 12 Special effect registers", fontsize=9)
    for i, (a, n) in enumerate(FIRST):
        _row(p1, 430 + 40 * i, a, n)
    p2 = doc.new_page()
    for i, (a, n) in enumerate(carried):
        _row(p2, 80 + 16.5 * i, a, n)
    p2.insert_text((60, 300), "7 Electrical characteristics", fontsize=11)
    path = tmp_path / "c.pdf"
    doc.save(path)
    doc.close()
    return {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}


def test_two_named_rows_carried_to_the_next_page(tmp_path):
    got = _doc(tmp_path, CARRIED)
    assert got == {(n, a) for a, n in FIRST + CARRIED if n}


def test_rows_that_do_not_go_on_from_the_table_stay_unread(tmp_path):
    got = _doc(tmp_path, [(0x10, None), (0x11, None), (0x12, "MODE"), (0x13, "STATUS")])
    assert got == {(n, a) for a, n in FIRST}
