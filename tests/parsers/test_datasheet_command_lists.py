"""Command lists of display and other command-driven chips, on pages the test draws itself (the
truth is what the test prints). Found on real datasheets taken as found for the development set;
each test failed before its mechanism:

* a ruled command list whose code column mixes marked codes (``B6h``, ``(2Ah)``) with the values
  of each command's parameter rows (``0A``, ``XX``), the command's name centred over its rows:
  one register per marked code, named by the text over its group;
* the list going on over pages whose inner walls move (bit columns drawn by their own cells):
  the first and last columns keep their roles; a headed table in the same frame does not;
* a footer with the page number ("V1.0  Page 3 of 9") is page furniture, not a cell.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from tests.parsers.pdf_pages import ruled_table

BITS = ["D7", "D6", "D5", "D4", "D3", "D2", "D1", "D0"]


def _ruled_table(page, x0: float, y0: float, widths: list[float], rows: list[list[str]],
                 merged_name_col: bool = True) -> float:
    """Small rows; with ``merged_name_col`` the name cell is merged over a command's rows (no rules
    between rows in the first column: the caller writes the name). Returns the bottom."""
    return ruled_table(page, x0, y0, widths, rows, row_h=10.5, fontsize=6.5, text_dy=7.5,
                       merged_first_col=merged_name_col)


COMMANDS = [  # name, code, parameter rows
    ("No Operation", 0x00, 0), ("Software Reset", 0x01, 0), ("Read Display Identification Information", 0x04, 3),
    ("Read Display Status", 0x09, 4), ("Enter Sleep Mode", 0x10, 0), ("Gamma Set", 0x26, 1),
    ("Column Address Set", 0x2A, 4), ("Page Address Set", 0x2B, 4), ("Memory Write", 0x2C, 1),
    ("Frame Control (In Normal Mode)", 0xB1, 2), ("Display Function Control", 0xB6, 4), ("Power Control 1", 0xC0, 1),
    ("VCOM Control 1", 0xC5, 2), ("Read ID4", 0xD3, 3), ("Positive Gamma Correction", 0xE0, 15),
    ("Interface Control", 0xF6, 3),
]


def _command_rows(cmds, code_fmt: str, *, names_on_code_row: bool = False):
    """Rows (name, D/CX, bits..., Hex) and the (row index, name) of each centred name."""
    rows, names = [], []
    for name, code, n_par in cmds:
        first = len(rows)
        rows.append(["", "0"] + list(f"{code:08b}") + [code_fmt.format(code)])
        for p in range(n_par):
            rows.append(["", "1"] + ["X"] * 8 + ["XX" if p % 2 == 0 else f"{(p * 37) & 0xFF:02X}"])
        # the name centred over the group: on the middle row of its rows
        names.append((first if names_on_code_row else first + (len(rows) - first) // 2, name))
    return rows, names


def _command_pdf(pages: list[list[tuple[str, int, int]]], code_fmt: str = "{:02X}h", *, move_walls: bool = True,
                 footer: bool = False) -> bytes:
    doc = pymupdf.open()
    for p, cmds in enumerate(pages):
        page = doc.new_page(width=612, height=792)
        y0 = 60
        if p == 0:
            page.insert_text((50, 50), "8.1 Command List", fontsize=11)
            y0 = 80
            head = ["Command Function", "D/CX"] + BITS + ["Hex"]
            widths = [140, 30] + [32] * 8 + [40]
            y0 = _ruled_table(page, 50, y0, widths, [head], merged_name_col=False)
        # a continuation page draws its bit columns a little apart (walls placed by its own cells)
        widths = [140, 30] + ([32] * 8 if (p == 0 or not move_walls) else [29, 35, 30, 34, 31, 33, 30, 34]) + [40]
        rows, names = _command_rows(cmds, code_fmt)
        for i, name in names:
            page.insert_text((54, y0 + i * 10.5 + 7.5), name, fontsize=6.5)
        _ruled_table(page, 50, y0, widths, rows)
        if footer:
            page.insert_text((50, 770), f"V1.0            Page {p + 3} of 9            2014/11", fontsize=7)
    data = doc.tobytes()
    doc.close()
    return data


def _got(pdf: bytes) -> set[tuple[str, int]]:
    return {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}


@pytest.mark.parametrize("code_fmt", ["{:02X}h", "({:02X}h)", "0x{:02X}"])
def test_command_list_with_parameter_rows(code_fmt):
    got = _got(_command_pdf([COMMANDS], code_fmt))
    assert got == {(n, c) for n, c, _ in COMMANDS}


def test_command_list_over_pages_whose_walls_move():
    pages = [COMMANDS[:8], COMMANDS[8:12], COMMANDS[12:]]
    assert _got(_command_pdf(pages)) == {(n, c) for n, c, _ in COMMANDS}


def test_page_number_footer_is_not_a_cell():
    pages = [COMMANDS[:8], COMMANDS[8:]]
    got = _got(_command_pdf(pages, footer=True))
    assert got == {(n, c) for n, c, _ in COMMANDS}


def test_headed_table_in_the_same_frame_is_not_a_continuation():
    """A value table under its own header on the next page, drawn in the same frame, is not read
    as more commands."""
    pdf = _command_pdf([COMMANDS[:8]])
    doc = pymupdf.open(stream=pdf)
    page = doc.new_page(width=612, height=792)
    head = ["Setting", "Range"] + BITS + ["Code"]
    rows = [[f"Level {k}", str(k)] + list(f"{k:08b}") + [f"{k:02X}h"] for k in range(1, 9)]
    _ruled_table(page, 50, 60, [140, 30] + [29, 35, 30, 34, 31, 33, 30, 34] + [40], [head] + rows,
                 merged_name_col=False)
    got = _got(doc.tobytes())
    assert got == {(n, c) for n, c, _ in COMMANDS[:8]}
