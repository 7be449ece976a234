"""A display-memory map printed by nibbles (issue 17: L/H rows), on a page the test renders
itself: each byte address appears as its low and upper nibble, ``68HL`` and ``68HU``, under
segment labels, with the digit the byte drives in the last column. The byte is the register
(``DIG1`` at 0x68); the nibble suffix is not part of the address.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import AddrCell, parse_addr_cell

ROWS = [("68", "DIG1"), ("6A", "DIG2"), ("6C", "DIG3"), ("6E", "DIG4")]


def test_nibble_cells():
    assert parse_addr_cell("68HL") == AddrCell("h", "68")
    assert parse_addr_cell("0EHU") == AddrCell("h", "0E")
    assert parse_addr_cell("68HX") is None


def test_display_memory_map_by_nibbles(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    p.insert_text((60, 60), "Display memory address: the register holds the data written for each digit,", fontsize=9)
    p.insert_text((60, 72), "4 bytes in all, mapped to the segment and digit pins as below.", fontsize=9)
    # a ruled figure: segment labels, the nibble halves, one row per byte with its digit
    xs = [60, 160, 260, 360, 420]
    rows = [["A/KI1 .. D/KI4", "E/KI5 .. DP/KP", "", ""], ["xxHL (low four)", "xxHU (high four)", "", ""]]
    rows += [[f"{a}HL", f"{a}HU", "", dig] for a, dig in ROWS]
    y = 90
    p.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for row in rows:
        for k, cell in enumerate(row):
            p.insert_text((xs[k] + 4, y + 11), cell, fontsize=8)
        y += 16
        p.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        p.draw_line((x, 90), (x, y), width=0.8)
    # the address command below it: the bits of each address byte, the byte in hex, no names
    p.insert_text((60, 230), "Display address command:", fontsize=9)
    for k, lab in enumerate(("B7", "B6", "B5", "B4", "B3", "B2", "B1", "B0", "Address")):
        p.insert_text((80 + 40 * k, 250), lab, fontsize=8)
    for i, (a, _dig) in enumerate(ROWS):
        for k, bit in enumerate(f"{int(a, 16):08b}"):
            p.insert_text((80 + 40 * k, 266 + 16 * i), bit, fontsize=8)
        p.insert_text((400, 266 + 16 * i), f"{a}H", fontsize=8)
    path = tmp_path / "nib.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(dig, int(a, 16)) for a, dig in ROWS}
