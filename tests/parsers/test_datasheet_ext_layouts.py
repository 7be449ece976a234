"""Mechanisms found by the layout generator's extended families (``tests/parsers/layout_gen.py``,
``EXT_KINDS``), each on a page the test renders itself; the truth is what the test prints. Each
test failed before its mechanism was added:

* two to four registers named by one heading as two lists, names and addresses matched in order
  (``DATA_L, DATA_H (0x04, 0x05)``, ``Registers 0x04 and 0x05: DATA_L and DATA_H``,
  ``DATA_L/DATA_H - 0x04/0x05``), and ``Address 0Ah - NAME: Long name``;
* a table whose hex column is headed by a bus address ("Slave address", "7-bit address") or by
  "Value (hex)" / "Setting" is not a register map.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_headings import parse_heading


def _heading_pdf(heads: list[str]) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    y = 70
    for h in heads:
        page.insert_text((60, y), h, fontsize=11)
        page.insert_text((60, y + 16), "The bits of these registers are described in the table below.", fontsize=9)
        for k, row in enumerate((["Bit", "Field", "Type", "Description"], ["7:4", "HI", "RW", "Upper field"],
                                 ["3:0", "LO", "RW", "Lower field"])):
            for j, cell in enumerate(row):
                page.insert_text((60 + j * 70, y + 34 + k * 12), cell, fontsize=8)
        y += 110
    data = doc.tobytes()
    doc.close()
    return data


@pytest.mark.parametrize("fmt", ["{a}, {b} (0x{x:02X}, 0x{y:02X})", "Registers 0x{x:02X} and 0x{y:02X}: {a} and {b}",
                                 "{a}/{b} - 0x{x:02X}/0x{y:02X}"])
def test_two_registers_in_one_heading(fmt):
    pairs = [("DATA_L", "DATA_H", 0x04), ("TEMP_MSB", "TEMP_LSB", 0x06), ("CTRL1", "CTRL2", 0x20)]
    pdf = _heading_pdf([f"8.{i + 1} " + fmt.format(a=a, b=b, x=x, y=x + 1) for i, (a, b, x) in enumerate(pairs)])
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}
    want = {(a, x) for a, _b, x in pairs} | {(b, x + 1) for _a, b, x in pairs}
    assert got == want


def test_pair_heading_needs_as_many_addresses_as_names():
    assert parse_heading("DATA_L, DATA_H (0x04)") == [] or all(r[0] != "DATA_H" for r in parse_heading(
        "DATA_L, DATA_H (0x04)"))
    assert parse_heading("8.2 INT_FLAG, SEQ_CFG (0x01, 0x02)") == [("INT_FLAG", 1, "", "pairs"),
                                                                     ("SEQ_CFG", 2, "", "pairs")]


def test_address_dash_name_colon_long_name():
    heads = [f"Address {a:02X}h - {n}: {lng}" for n, a, lng in
             (("AUX", 0x0A, "Auxiliary control"), ("IRQ", 0x0B, "Interrupt status"), ("MAG_A", 0x0D, "Magnet A"))]
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(_heading_pdf(heads)).registers}
    assert got == {("AUX", 0x0A), ("IRQ", 0x0B), ("MAG_A", 0x0D)}


def _table_pdf(header: list[str], rows: list[list[str]], ruled: bool) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 70), "7.3 Register description", fontsize=12)
    page.insert_text((60, 90), "Table 3. Device address selection", fontsize=10)
    xs = [60, 150, 260, 360]
    y = 110
    for j, h in enumerate(header):
        page.insert_text((xs[j] + 3, y + 10), h, fontsize=8.5)
    y += 16
    for row in rows:
        if ruled:
            page.draw_line((60, y), (xs[len(header)], y), width=0.5)
        for j, c in enumerate(row):
            page.insert_text((xs[j] + 3, y + 10), c, fontsize=8.5)
        y += 14
    if ruled:
        page.draw_line((60, y), (xs[len(header)], y), width=0.5)
        for x in xs[:len(header) + 1]:
            page.draw_line((x, 110), (x, y), width=0.5)
    data = doc.tobytes()
    doc.close()
    return data


@pytest.mark.parametrize("ruled", [True, False])
@pytest.mark.parametrize("head", ["Slave address", "7-bit address", "I2C address (hex)"])
def test_bus_address_table_is_not_a_register_map(head, ruled):
    rows = [[p, f"0x{0x48 + i:02X}", f"{0x48 + i:07b}"] for i, p in enumerate(["GND", "VDD", "SDA", "SCL"])]
    assert parse_pdf(_table_pdf(["ADDR pin", head, "Binary"], rows, ruled)).registers == []


@pytest.mark.parametrize("head", ["Value (hex)", "Setting"])
def test_value_table_in_hex_is_not_a_register_map(head):
    modes = ["IDLE", "SLEEP", "NORMAL", "FORCED", "STANDBY", "SINGLE"]
    rows = [[f"0x{i:02X}", m, "Selects the operating mode"] for i, m in enumerate(modes)]
    assert parse_pdf(_table_pdf([head, "Mode", "Description"], rows, True)).registers == []


@pytest.mark.parametrize("rule_under_header", [True, False])
def test_name_centred_over_two_byte_rows_unruled(rule_under_header):
    """No rules: the name sits on a line of its own half way between the L and H byte rows;
    it names both bytes (as in a ruled table whose name cell is merged over the two rows)."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 70), "7.2 Register description", fontsize=12)
    for x, h in zip((60, 110, 170, 250, 300), ("Address", "Byte", "Name", "R/W", "Description")):
        page.insert_text((x, 100), h, fontsize=9)
    if rule_under_header:
        page.draw_line((60, 104), (500, 104), width=0.4)
    regs = [("TEMP", 0x10), ("PRESS", 0x12), ("HUM", 0x14), ("GAS_RES", 0x16)]
    y = 118
    for name, a in regs:
        page.insert_text((60, y), f"{a:02X}h", fontsize=9)
        page.insert_text((110, y), "LSB", fontsize=9)
        page.insert_text((60, y + 12), f"{a + 1:02X}h", fontsize=9)
        page.insert_text((110, y + 12), "MSB", fontsize=9)
        page.insert_text((170, y + 6), name, fontsize=9)
        page.insert_text((250, y + 6), "R", fontsize=9)
        page.insert_text((300, y + 6), "Measured value", fontsize=9)
        y += 30
    pdf = doc.tobytes()
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}
    assert got == {(n, a) for n, a in regs} | {(n, a + 1) for n, a in regs}


def _matrix_pdf(col_labels: list[str], row_labels: list[str], cells: dict[tuple[int, int], str],
                caption: str = "SFR map") -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=792, height=612)
    page.insert_text((40, 50), caption, fontsize=9)
    for k, lab in enumerate(col_labels):
        page.insert_text((90 + k * 44, 90), lab, fontsize=6.5)
    for r, lab in enumerate(row_labels):
        y = 106 + r * 14
        page.insert_text((44, y), lab, fontsize=6.5)
        for k in range(len(col_labels)):
            if (r, k) in cells:
                page.insert_text((82 + k * 44, y), cells[(r, k)], fontsize=6.5)
    data = doc.tobytes()
    doc.close()
    return data


@pytest.mark.parametrize("fmt", ["{h:X}x", "{h:X}0h"])
def test_matrix_high_nibble_columns_over_low_nibble_rows(fmt):
    """A few high-nibble columns (8x 9x Ax) over a 0..F column of low nibbles: address =
    16 * column + row."""
    names = ["CTRL", "STATUS", "DATA_L", "DATA_H", "MODE", "GAIN", "FIFO", "IRQ", "TEMP", "ID", "REV", "CAL"]
    cells = {(r, k): names[(3 * r + k) % len(names)] + str(r) for r in range(0, 16, 2) for k in range(3)}
    pdf = _matrix_pdf([fmt.format(h=h) for h in (8, 9, 0xA)], [f"{r:X}" for r in range(16)], cells,
                      caption="Table 11. Register map (address = column + row)")
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}
    assert got == {(nm, (8 + k) * 16 + r) for (r, k), nm in cells.items()}


def test_matrix_x_prefixed_column_labels():
    """Column labels x0 .. xF over row labels 0x .. 3x: the page is examined for a matrix."""
    words = ["CTRL", "STAT", "DATA", "MODE", "GAIN", "FIFO", "IRQ", "TEMP"]
    cells = {(r, k): f"{words[(r + k) % 8]}{r}{k:X}" for r in range(4) for k in range(0, 16, 3)}
    pdf = _matrix_pdf([f"x{k:X}" for k in range(16)], [f"{r}x" for r in range(4)], cells,
                      caption="Figure 7. Address matrix")
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}
    assert got == {(nm, r * 16 + k) for (r, k), nm in cells.items()}


def test_ruled_code_wrapped_mid_token_types_the_address_column():
    """In a narrow ruled column some codes wrap mid-token ("0x0" over "E"): the fragments are one
    cell when the column is typed, so the column still reads as unique increasing addresses."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 70), "7.2 Register description", fontsize=12)
    xs = [60, 84, 160, 190, 330]
    regs = [(0x0A, "INT_FLAG3"), (0x0B, "STATUS"), (0x0E, "SLEEP2_STAT"), (0x0F, "MODE_B"), (0x10, "TIMER_A"),
            (0x12, "GPIO1_TEST"), (0x13, "THRESH_B"), (0x14, "MODE_STAT")]
    y = 100
    for j, h in enumerate(("Reg", "Mnemonic", "R/W", "Description")):
        page.insert_text((xs[j] + 2, y + 10), h, fontsize=8)
    top = y
    y += 14
    for a, name in regs:
        page.draw_line((xs[0], y), (xs[-1], y), width=0.5)
        t = f"0x{a:02X}"
        lines = [t[:-1], t[-1]] if a in (0x0E, 0x0F, 0x10, 0x13) else [t]
        for j, ln in enumerate(lines):
            page.insert_text((xs[0] + 2, y + 9 + j * 10), ln, fontsize=8)
        page.insert_text((xs[1] + 2, y + 9), name, fontsize=8)
        page.insert_text((xs[2] + 2, y + 9), "RW", fontsize=8)
        page.insert_text((xs[3] + 2, y + 9), "Sets the mode", fontsize=8)
        y += 24
    page.draw_line((xs[0], top), (xs[-1], top), width=0.5)
    page.draw_line((xs[0], y), (xs[-1], y), width=0.5)
    for x in xs:
        page.draw_line((x, top), (x, y), width=0.5)
    pdf = doc.tobytes()
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}
    assert got == {(n, a) for a, n in regs}
