"""Register headings that end in a bracketed reset value or access ("REG0x00: Chip Revision
Register [Reset = 0x80]", "Reg 12h - Status [RO]"), from a PMIC datasheet of the development set
taken as found: registers defined only by such headings, one per register, each followed by a
bit table. The page is drawn by the test; the truth is what it prints. Failed before the
trailing bracket was allowed."""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_headings import parse_heading


@pytest.mark.parametrize("head,want", [
    ("REG0x00: Chip Revision Register [Reset = 0x80]", ("Chip Revision Register", 0x00)),
    ("REG0x0E: Enable Control Register [Reset = 0x00]", ("Enable Control Register", 0x0E)),
    ("Reg 12h - Status [RO]", ("Status", 0x12)),
    ("Register 0x05: Gain control (GAIN) [R/W]", ("GAIN", 0x05)),
])
def test_heading_with_bracketed_suffix(head, want):
    got = parse_heading(head)
    assert [(n, a) for n, a, *_ in got] == [want]


def test_registers_defined_by_reset_suffixed_headings():
    regs = [(0x00, "Chip Revision Register", "0x80"), (0x02, "Discharge Resistor Selection Register", "0x00"),
            (0x03, "DVDD1 Output Voltage Level Definition Register", "0x64"), (0x07, "Function Register", "0x00"),
            (0x0E, "Enable Control Register", "0x00"), (0x0F, "Sequence Control Register", "0x00")]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    y = 60
    for addr, name, reset in regs:
        if y > 680:
            page, y = doc.new_page(width=612, height=792), 60
        page.insert_text((50, y), f"REG0x{addr:02X}: {name} [Reset = {reset}]", fontsize=10)
        for k, row in enumerate((["BITS", "BIT NAME", "DEFAULT", "TYPE", "DESCRIPTION"],
                                 ["D[7:4]", "LEVEL", "0000", "R/W", "Output level"],
                                 ["D[3:0]", "RSVD", "0000", "R", "Reserved"])):
            for j, cell in enumerate(row):
                page.insert_text((50 + j * 90, y + 20 + k * 12), cell, fontsize=8)
        y += 100
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, a) for a, n, _ in regs}
