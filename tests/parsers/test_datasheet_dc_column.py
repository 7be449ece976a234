"""Display-controller command lists read by their data/command column, on pages the test draws
itself (the truth is what the test prints). Found on a real datasheet taken as found for the
development set; each test failed before its mechanism:

* a 0 in the ``D/CX`` column sends a command code, a 1 a parameter: when the list prints some
  codes without their ``h`` ("(FC)", "(D9)"), out of order, beside parameter values ("A5"), the
  column still tells commands from parameters;
* a parenthesised code "(D9)" is a code, not "(D" and a footnote mark "9)";
* a code column headed by an upper-case field with its bit range ("GC [7:0]") lists that field's
  values (a value -> meaning table), while "D[7:0]" is the bus a code is sent on;
* the D/CX, WRX and RDX signal columns between the name and the code do not push the name column
  away in favour of the description beside the code.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import field_headed, parse_addr_cell
from tests.parsers.pdf_pages import ruled_table

BITS = ["D7", "D6", "D5", "D4", "D3", "D2", "D1", "D0"]
# name, code, how the code is printed, parameter rows (the value printed in the Hex column or "")
COMMANDS = [
    ("WRID3", 0xD2, "({:02X}h)", ["", ""]),
    ("PWCTR6", 0xFC, "({:02X})", ["", ""]),
    ("NVCTR1", 0xD9, "({:02X})", [""]),
    ("NVCTR2", 0xDE, "({:02X}h)", ["A5"]),
    ("NVCTR3", 0xDF, "({:02X}h)", ["", "", "A5"]),
    ("GAMCTRP1", 0xE0, "({:02X}h)", ["", "", "", ""]),
]
DESCRIPTIONS = ["Customer Project code", "In partial mode", "EEPROM control status", "EEPROM Read Command",
                "EEPROM Write Command", "Set Gamma adjustment"]


def _pdf(commands) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((50, 50), "Table 10.2.3 Panel Function Command List", fontsize=9)
    widths = [60, 30, 26, 26] + [26] * 8 + [34, 90]
    y = ruled_table(page, 40, 60, widths, [["Instruction", "D/CX", "WRX", "RDX"] + BITS + ["Hex", "Function"]],
                    row_h=12, fontsize=6.5, text_dy=8.5)
    rows, names = [], []
    for (name, code, fmt, params), desc in zip(commands, DESCRIPTIONS):
        first = len(rows)
        rows.append(["", "0", "W", "1"] + list(f"{code:08b}") + [fmt.format(code), desc])
        for p in params:
            rows.append(["", "1", "W", "1"] + ["-"] * 8 + [p, "Parameter" if p else ""])
        names.append((first + (len(rows) - first) // 2, name))
    for i, name in names:
        page.insert_text((43, y + i * 12 + 8.5), name, fontsize=6.5)
    ruled_table(page, 40, y, widths, rows, row_h=12, fontsize=6.5, text_dy=8.5, merged_first_col=True)
    data = doc.tobytes()
    doc.close()
    return data


def test_data_command_column_tells_commands_from_parameters():
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(_pdf(COMMANDS)).registers}
    assert got == {(n, c) for n, c, _f, _p in COMMANDS}


@pytest.mark.parametrize("cell,value", [("(D9)", "D9"), ("(FC)", "FC"), ("(2Ah)", "2A")])
def test_parenthesised_code_is_a_code(cell, value):
    c = parse_addr_cell(cell)
    assert c is not None and c.text == value


@pytest.mark.parametrize("head,field", [("GC [7:0]", True), ("VCOMS[5:0]", True), ("D[7:0]", False),
                                        ("A[15:0]", False), ("REG[7:0]", False), ("Hex", False)])
def test_upper_case_field_header_lists_values(head, field):
    assert field_headed(["Parameter", head, "Description"], 1) is field
