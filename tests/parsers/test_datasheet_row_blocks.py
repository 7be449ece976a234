"""Rows set apart by whitespace, on a page the test renders itself (issue 17, multi-line cells): a
bit-matrix map whose descriptive names wrap over three lines under the address line ("Burst" /
"Preamble PC" / "Byte 0"), with a wider gap between registers than between the lines of one. The
third name line is nearer the next address line than its own, yet belongs to its own row."""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

ROWS = [("2Ch", ["Channel B Sta-", "tus Byte 4"], "BC4"), ("2Dh", ["Burst", "Preamble PC", "Byte 0"], "PC0"),
        ("2Eh", ["Burst", "Preamble PC", "Byte 1"], "PC1"), ("2Fh", ["Burst", "Preamble Pd", "Byte 0"], "PD0"),
        ("30h", ["Burst", "Preamble PD", "Byte 1"], "PD1")]


def test_wrapped_names_stay_in_their_whitespace_block(tmp_path):
    doc = pymupdf.open()
    p = doc.new_page()
    p.insert_text((60, 60), "10. REGISTER QUICK REFERENCE", fontsize=10)
    xs = [140 + 48 * i for i in range(8)]
    p.insert_text((40, 82), "Addr", fontsize=8)
    p.insert_text((62, 82), "Function", fontsize=8)
    for x, b in zip(xs, range(7, -1, -1)):
        p.insert_text((x, 82), str(b), fontsize=8)
    y = 97.0
    for addr, name, field in ROWS:
        p.insert_text((40, y), addr, fontsize=8)
        for j, part in enumerate(name):
            p.insert_text((62, y + 10 * j), part, fontsize=8)
        for x, b in zip(xs, range(7, -1, -1)):
            p.insert_text((x, y + (5 if len(name) == 2 else 10)), f"{field}[{b}]", fontsize=7)
        y += 10 * len(name) + 3 + (10 if len(name) == 2 else 0)
    path = tmp_path / "blocks.pdf"
    doc.save(path)
    doc.close()
    got = {int(r.address, 16): r.name for r in parse_pdf(str(path)).registers}
    for addr, name, _f in ROWS[1:]:  # the three-line names
        assert got.get(int(addr[:-1], 16)) == " ".join(name)
