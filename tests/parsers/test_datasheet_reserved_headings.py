"""Register description tables whose address cells ("R30 (1Eh)") are read as headings (issue
17: reserved rows), on a page the test renders itself: a register whose one row is its whole
bit range ("8:0"), a default and "Reserved" is a reserved register and not listed; a register
whose first row is only a reserved *field* ("8:7 ... Reserved") and whose other fields follow
is kept.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

ROWS = [("R27 (1Bh)", "8:7", "", "00", "Reserved", None),
        ("", "6", "VROI", "0", "VREF to analogue output resistance", "Additional Control (3)"),
        ("R29 (1Dh)", "6", "DISOP", "0", "Discharges the DC-blocking capacitors", "Anti-pop 2"),
        ("R30 (1Eh)", "8:0", "", "000000000", "Reserved", None),
        ("R31 (1Fh)", "8:0", "", "000000000", "Reserved", None),
        ("R32 (20h)", "8", "LMN1", "1", "Connect LINPUT1 to inverting input", "ADCL Signal Path"),
        ("R33 (21h)", "8", "RMN1", "1", "Connect RINPUT1 to inverting input", "ADCR Signal Path")]


def test_reserved_registers_in_a_description_table(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    for x, t in ((40, "REGISTER"), (110, "BIT"), (150, "LABEL"), (210, "DEFAULT"), (290, "DESCRIPTION")):
        p.insert_text((x, 60), t, fontsize=8)
    p.insert_text((40, 70), "ADDRESS", fontsize=8)
    y = 90
    for addr, bit, lab, dflt, desc, name in ROWS:
        for x, t in ((40, addr), (110, bit), (150, lab), (210, dflt), (290, desc)):
            if t:
                p.insert_text((x, y), t, fontsize=8)
        if name:
            p.insert_text((40, y + 11), name, fontsize=8)
            p.insert_text((290, y + 11), "0 = Disabled", fontsize=8)
            p.insert_text((290, y + 22), "1 = Enabled", fontsize=8)
            y += 40
        else:
            y += 16
    path = tmp_path / "desc.pdf"
    doc.save(path)
    doc.close()
    got = {int(r.address, 16) for r in parse_pdf(str(path)).registers}
    assert {0x1B, 0x1D, 0x20, 0x21} <= got
    assert not got & {0x1E, 0x1F}
