"""The cell-grid reader (``parsers.pdf_grid``) on ruled tables rendered here with PyMuPDF.

Each test draws a table in one of the layouts issue 17 found on unseen vendor PDFs (letter-first
``B0h`` and ``(04h)`` address cells under headers no vocabulary rule knows, decimal register
numbers, paged maps, names merged across undrawn row walls, a command table continued on the
next page) or one that is *not* a register map (pin table, value -> meaning table), runs the
whole ``parse_pdf`` on it and compares with the registers the test itself printed.
"""

from __future__ import annotations

import pymupdf
import pytest
from pdf_pages import text_pdf

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import AddrCell, addr_value, column_base, parse_addr_cell


def _table(page, x0: float, y0: float, widths: list[float], rows: list[list[str]], row_h: float = 18.0,
           skip_walls: set[int] = frozenset()) -> float:
    """Draw a fully ruled table; ``skip_walls`` leaves out the horizontal wall under row i in
    the last column (a cell of that column merged across two rows)."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = y0
    page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for i, row in enumerate(rows):
        for k, cell in enumerate(row):
            for j, part in enumerate(cell.split("\n")):
                page.insert_text((xs[k] + 3, y + 12 + 10 * j), part, fontsize=8)
        h = row_h * max(1, max(c.count("\n") + 1 for c in row))
        y += h
        end = xs[-1] if i not in skip_walls else xs[-2]
        page.draw_line((xs[0], y), (end, y), width=0.8)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.8)
    return y


def _pdf(tmp_path, draw) -> str:
    doc = pymupdf.open()
    draw(doc)
    path = tmp_path / "t.pdf"
    doc.save(path)
    doc.close()
    return str(path)


def _regs(path: str) -> set[tuple[str, int]]:
    return {(r.name, int(r.address, 16)) for r in parse_pdf(path).registers}


def test_address_grammar():
    assert parse_addr_cell("B0h") == AddrCell("h", "B0")
    assert parse_addr_cell("(04h)") == AddrCell("h", "04")
    assert parse_addr_cell("0x02, 0x03") == AddrCell("0x", "02", True)
    assert parse_addr_cell("00h/80h") == AddrCell("h", "00", False, ("80",))
    assert parse_addr_cell("C7h/60h").alts == ("60",)
    assert parse_addr_cell("20[4:0]") == AddrCell("bare", "20")
    c = parse_addr_cell("1001 1111B")
    assert c is not None and addr_value(c, "hex") == 0x9F
    assert parse_addr_cell("Control Register") is None
    assert parse_addr_cell("2.4 V") is None


def test_column_base_from_evidence():
    cells = [parse_addr_cell(t) for t in ("08", "09", "10", "11")]
    assert column_base(cells, "") == "dec"  # 09 -> 10 with no A-F digit: decimal numbering
    cells = [parse_addr_cell(t) for t in ("08", "09", "0A", "0B")]
    assert column_base(cells, "") == "hex"
    cells = [parse_addr_cell(t) for t in ("10", "11", "12")]
    assert column_base(cells, "Register Index (Decimal)") == "dec"
    assert column_base(cells, "Reg (hex)") == "hex"


def test_letter_first_hex_under_unknown_headers(tmp_path):
    # no "register/offset/reset" words on the page: only the grid reader looks at it
    rows = [["COMMAND CODE", "Abbrev", "Function"],
            ["(A0h)", "CFGA", "first setup"],
            ["(B0h)", "CFGB", "second setup"],
            ["(B1h)", "STAT", "status flags"],
            ["(C4h)", "TEMPL", "temperature low"],
            ["(C5h)", "TEMPH", "temperature high"]]
    path = _pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [90, 90, 200], rows))
    ds = parse_pdf(path)
    got = {(r.name, int(r.address, 16)) for r in ds.registers}
    assert got == {("CFGA", 0xA0), ("CFGB", 0xB0), ("STAT", 0xB1), ("TEMPL", 0xC4), ("TEMPH", 0xC5)}
    r = ds.registers[0]
    assert r.page == 1 and r.table == "p1.t1" and 0.5 <= r.confidence <= 1.0


def test_decimal_register_numbers_and_paged_map(tmp_path):
    rows = [["Page", "Reg", "Description", "Default"],
            ["--", "0", "Control Register", "0x3100"],
            ["--", "1", "Status Register", "0x7849"],
            ["--", "9", "Link Register", "0x0000"],
            ["--", "10", "Mode Register", "0x0000"],
            ["16", "17", "Interrupt Register", "0x0F00"],
            ["16", "18", "Monitor Register", "0x0208"],
            ["17", "17", "Wake Register", "0x0000"],
            ["17", "18", "Counter Register", "0x0000"]]
    path = _pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [50, 50, 200, 80], rows))
    got = _regs(path)
    assert ("Mode Register", 10) in got and ("Link Register", 9) in got  # decimal, not 0x10
    assert ("Wake Register", 17) in got and ("Interrupt Register", 17) in got  # same address, two pages
    assert len(got) == 8


def test_pin_and_value_tables_are_not_register_maps(tmp_path):
    pins = [["Pin", "Name", "Function"], ["1", "VDD", "supply"], ["2", "GND", "ground"],
            ["3", "SCL", "clock"], ["4", "SDA", "data"], ["5", "INT", "interrupt"]]
    values = [["MODE", "Setting"], ["00", "Sleep mode"], ["01", "Forced mode"], ["10", "Forced mode 2"],
              ["11", "Normal mode"]]

    def draw(d):
        p = d.new_page()
        y = _table(p, 60, 80, [60, 80, 200], pins)
        _table(p, 60, y + 60, [60, 200], values)
        p.insert_text((60, y + 300), "register map reset default offset 0x00 0x01 0x02 0x03", fontsize=8)

    assert _regs(_pdf(tmp_path, draw)) == set()


def test_merged_name_cell_and_continuation_page(tmp_path):
    # a command table: the name cell spans the command row and its parameter row (no wall
    # drawn under the command row in the name column); the table goes on on page 2 with one row
    head = ["R/W#", "Hex", "D7", "D6", "Command"]
    page1 = [head,
             ["0", "01", "0", "1", "Driver Output"],
             ["0", "", "A7", "A6", "control"],
             ["0", "03", "1", "1", "Gate Voltage"]]
    page2 = [head, ["0", "0C", "1", "1", "Booster Start"]]
    widths = [40, 40, 30, 30, 150]

    def draw(d):
        _table(d.new_page(), 60, 80, widths, page1, skip_walls={1})
        _table(d.new_page(), 60, 80, widths, page2)

    got = _regs(_pdf(tmp_path, draw))
    assert ("Driver Output control", 0x01) in got
    assert ("Gate Voltage", 0x03) in got
    assert ("Booster Start", 0x0C) in got


@pytest.mark.parametrize("names", [["ADC[7:0]", "ADC[15:8]", "GAIN[3:0]", "OFS[7:0]", "OFS[15:8]", "T[7:0]"]])
def test_bit_field_name_tables_rejected_with_warning(tmp_path, names):
    rows = [["Address", "Name"]] + [[f"0x{0x10 + i:02X}", n] for i, n in enumerate(names)]
    ds = parse_pdf(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [80, 200], rows)))
    assert ds.registers == []
    assert any("bit fields" in w for w in ds.warnings), ds.warnings


def test_registers_defined_by_headings(tmp_path):
    # no summary table: each command is a heading "(n) LONG NAME (MNEM) (RxxH)" over its bit table
    pages = [["(1) PANEL SETTING (PSR) (REGISTER: R00H)", "Action W/R C/D D7 D6 D5", "Setting 0 0 0 0 0"],
             ["(2) POWER SETTING (PWR) (R01H)", "Selecting Internal/External Power"],
             ["(3) POWER OFF (POF) (R02H)", "After power off command the driver will power off."],
             ["Contents", "(3) POWER OFF (POF) (R02H) ........ 3"]]
    ds = parse_pdf(text_pdf(tmp_path, pages))
    got = {(r.name, int(r.address, 16), r.page) for r in ds.registers}
    assert got == {("PSR", 0x00, 1), ("PWR", 0x01, 2), ("POF", 0x02, 3)}
    assert {r.description for r in ds.registers} == {"PANEL SETTING", "POWER SETTING", "POWER OFF"}


def test_register_names_that_are_addresses(tmp_path):
    pages = [["REG00", "BIT Name POR DESCRIPTION", "7 EN_HIZ 0 Enable HIZ mode"],
             ["REG01", "BIT Name POR DESCRIPTION", "REG0B (Read only)", "7:5 VBUS_STAT 000 status"],
             ["REG0C (Read only)", "BIT Name POR DESCRIPTION"]]
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(text_pdf(tmp_path, pages)).registers}
    assert got == {("REG00", 0), ("REG01", 1), ("REG0B", 0x0B), ("REG0C", 0x0C)}


def test_two_stray_headings_are_not_a_register_map(tmp_path):
    # (a lone "CTRL (04h)" heading is read by the older per-register block rules, on purpose)
    pages = [["Supply voltage (VDD) (0x20)", "Some prose about the device."],
             ["Reset level (RST) [0x21]", "More prose."]]
    assert parse_pdf(text_pdf(tmp_path, pages)).registers == []


def test_table_drawn_as_stacked_pieces(tmp_path):
    # each command drawn as its own grid under one header (same walls, touching pieces): the
    # header-less pieces below are read with the header's column roles; a slash pair gives
    # one register per code
    head = ["D/C#", "Hex", "D7", "D6", "Command"]
    widths = [40, 40, 30, 30, 150]

    def draw(d):
        p = d.new_page()
        y = _table(p, 60, 80, widths, [head, ["0", "81", "1", "0", "Set Contrast\nControl"]])
        y = _table(p, 60, y, widths, [["1", "", "A7", "A6", ""]])
        y = _table(p, 60, y, widths, [["0", "A4/A5", "1", "0", "Entire Display ON"]])
        _table(p, 60, y, widths, [["0", "AE/AF", "1", "0", "Set Display ON/OFF"]])

    got = _regs(_pdf(tmp_path, draw))
    assert got == {("Set Contrast Control", 0x81), ("Entire Display ON", 0xA4), ("Entire Display ON", 0xA5),
                   ("Set Display ON/OFF", 0xAE), ("Set Display ON/OFF", 0xAF)}


UNLABELLED = shared_data_dir() / "datasheets_unlabelled" if shared_data_dir() else None


@pytest.mark.skipif(not (UNLABELLED and (UNLABELLED / "maxim_max7219.pdf").exists()),
                    reason="../shared/data/datasheets_unlabelled not present")
def test_real_register_map_with_dont_care_nibble_and_value_table():
    # page 7 of the MAX7219 datasheet: a ruled map whose headers are split over four lines
    # ("REGISTER", "ADDRESS" over "D15- D12 ... D8", "HEX CODE") with addresses printed 0xX0 ..
    # 0xXF (X: don't care), and below it a decode-mode value table (HEX CODE | MODE) that is
    # not a register map. Truth written from the page.
    ds = parse_pdf(UNLABELLED / "maxim_max7219.pdf", pages=(7, 7))
    got = {(r.name, int(r.address, 16)) for r in ds.registers}
    want = {("No-Op", 0x0), ("Decode Mode", 0x9), ("Intensity", 0xA), ("Scan Limit", 0xB),
            ("Shutdown", 0xC), ("Display Test", 0xF)} | {(f"Digit {i}", i + 1) for i in range(8)}
    assert got == want
    assert any("value -> meaning" in w for w in ds.warnings)


@pytest.mark.skipif(not (UNLABELLED and (UNLABELLED / "solomon_ssd1351.pdf").exists()),
                    reason="../shared/data/datasheets_unlabelled not present")
def test_real_command_table_with_parameter_rows():
    # the command table of pages 32-37: walls drawn as one stroke per text line (hairline gaps),
    # each command a band of a code line ("15", "A4~A7", "AE~AF") and parameter lines
    # ("A[6:0]", "A63[7:0]", "." rows) that are not addresses, the name centred over them.
    # Truth written from pages 32, 33 and 35.
    ds = parse_pdf(UNLABELLED / "solomon_ssd1351.pdf", pages=(32, 37))
    got = {(r.name, int(r.address, 16)) for r in ds.registers}
    want = {("Set Column Address", 0x15), ("Set Row Address", 0x75), ("Write RAM Command", 0x5C),
            ("Read RAM Command", 0x5D), ("Set Re-map / Color Depth (Display RAM to Panel)", 0xA0),
            ("Set Display Start Line", 0xA1), ("Set Display Offset", 0xA2), ("Set Display Mode", 0xA4),
            ("Function Selection", 0xAB), ("NOP", 0xAD), ("Set Sleep mode ON/OFF", 0xAE), ("NOP", 0xB0),
            ("Set Reset (Phase 1) / Pre-charge (Phase 2) period", 0xB1),
            ("Look Up Table for Gray Scale Pulse width", 0xB8), ("Use Built-in Linear LUT", 0xB9),
            ("Set Pre-charge voltage", 0xBB), ("Set VCOMH Voltage", 0xBE)}
    assert want <= got
    # parameter bytes read as addresses ("A[6:0]" -> 0xA, "A63[7:0]" -> 0xA63) would land here
    assert not {a for _n, a in got if a < 0x15 or a > 0xFF}


def _strokes(page, x0: float, y0: float, widths: list[float], rows: list[list[str]], row_h: float = 16.0,
             rule_columns: bool = True) -> None:
    """A table whose vertical walls are drawn as one short stroke per row (0.8 pt gaps), and
    with ``rule_columns=False`` only its outer walls and row rules (columns by whitespace)."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    for i, row in enumerate(rows):
        y = y0 + i * row_h
        page.draw_line((xs[0], y), (xs[-1], y), width=0.6)
        for k, cell in enumerate(row):
            page.insert_text((xs[k] + 3, y + 11), cell, fontsize=8)
        for k, x in enumerate(xs):
            if rule_columns or k in (0, len(xs) - 1):
                page.draw_line((x, y + 0.4), (x, y + row_h - 0.4), width=0.6)
    page.draw_line((xs[0], y0 + len(rows) * row_h), (xs[-1], y0 + len(rows) * row_h), width=0.6)


@pytest.mark.parametrize("rule_columns", [True, False])
def test_walls_drawn_per_line_and_columns_by_whitespace(tmp_path, rule_columns):
    rows = [["Code", "D7", "D6", "D5", "D4", "Command"], ["2E", "0", "0", "1", "0", "Deactivate scroll"],
            ["2F", "0", "0", "1", "0", "Activate scroll"], ["A3", "1", "0", "1", "0", "Set Vertical Scroll Area"],
            ["A8", "1", "0", "1", "0", "Set Multiplex Ratio"]]
    got = _regs(_pdf(tmp_path, lambda d: _strokes(d.new_page(), 60, 100, [40, 22, 22, 22, 22, 160], rows,
                                                  rule_columns=rule_columns)))
    assert got == {("Deactivate scroll", 0x2E), ("Activate scroll", 0x2F), ("Set Vertical Scroll Area", 0xA3),
                   ("Set Multiplex Ratio", 0xA8)}


def test_bit_label_rows_are_not_addresses(tmp_path):
    # per-register bit diagrams: "0x88 | NAME" over a "B7 .. B0" row; B7..B0 parse as hex but
    # are bit labels, so the diagrams hold no address column and add no registers
    def draw(d):
        p = d.new_page()
        y = 80
        for addr, name in ((0x88, "DATA_CH1_0"), (0x89, "DATA_CH1_1")):
            y = _table(p, 60, y, [50] * 9, [[f"0x{addr:02X}", name, "", "", "", "", "", "", ""],
                                            [""] + [f"B{7 - i}" for i in range(8)]]) + 20
    got = _regs(_pdf(tmp_path, draw))
    assert not {a for _n, a in got if a not in (0x88, 0x89)}


def test_address_wrapped_mid_token_in_its_cell(tmp_path):
    # a narrow address column wraps "0x3C" as "0x3" over "C": one address, not 0x3 and 0xC
    rows = [["Address", "Name"], ["0x3A", "CTRL"], ["0x3B", "STATUS"], ["0x3\nC", "DATA_OUT"], ["0x3D", "FIFO_CFG"]]
    got = _regs(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [40, 160], rows)))
    assert got == {("CTRL", 0x3A), ("STATUS", 0x3B), ("DATA_OUT", 0x3C), ("FIFO_CFG", 0x3D)}


def test_name_centred_over_two_byte_rows(tmp_path):
    # "Temperature" is printed once, centred in a name cell merged over the rows of its two
    # bytes (no wall between them in the name column): both addresses carry it
    def draw(d):
        p = d.new_page()
        rows = [["Address", "Byte", "Register"], ["0x00", "-", "Config"], ["0x01", "MSB", ""], ["0x02", "LSB", ""],
                ["0x03", "-", "Limit"]]
        _table(p, 60, 100, [50, 50, 140], rows, skip_walls={2})
        p.insert_text((163, 100 + 18 * 3 + 3), "Temperature", fontsize=8)  # on the undrawn wall

    got = _regs(_pdf(tmp_path, draw))
    assert got == {("Config", 0x00), ("Temperature", 0x01), ("Temperature", 0x02), ("Limit", 0x03)}


@pytest.mark.parametrize("order", ["dec-hex", "name-dec-hex"])
def test_grouped_header_with_decimal_and_hex_sub_columns(tmp_path, order):
    # "Address" over two sub-columns "Dec" | "Hex": the decimal column must not be read as hex
    # (10 is 0x0A, not 0x10); "Dec" under the group is a header word, not the hex number 0xDEC
    regs = [("CTRL", 8), ("STATUS", 9), ("DATA_L", 10), ("DATA_H", 11), ("FIFO", 16)]
    if order == "dec-hex":
        rows = [["Address", "", "Register"], ["Dec", "Hex", ""]] + [[str(a), f"{a:02X}", n] for n, a in regs]
        widths = [40, 40, 160]
    else:
        rows = [["Register", "Address", ""], ["", "Dec", "Hex"]] + [[n, str(a), f"{a:02X}"] for n, a in regs]
        widths = [160, 40, 40]
    assert _regs(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, widths, rows))) == set(regs)


def test_register_map_printed_in_side_by_side_halves(tmp_path):
    # "Address | Register | Address | Register": both halves are registers
    left = [("CTRL", 0x00), ("STATUS", 0x01), ("DATA_L", 0x02), ("DATA_H", 0x03)]
    right = [("FIFO", 0x10), ("INT_EN", 0x11), ("INT_ST", 0x12), ("ID", 0x13)]
    rows = [["Address", "Register", "Address", "Register"]] + \
        [[f"{a:02X}h", n, f"{b:02X}h", m] for (n, a), (m, b) in zip(left, right)]
    got = _regs(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [50, 120, 50, 120], rows)))
    assert got == set(left) | set(right)


def test_binary_opcode_nibbles_are_one_cell_and_notes_leave_names(tmp_path):
    # columns by whitespace must not cut "1001 1111B" at its nibble gap; a "Note:" inside a
    # name cell is not part of the name
    rows = [["Name", "Description", "Op-code"], ["WREN", "Set Write Enable Latch", "0000 0110B"],
            ["WRDI", "Reset Write Enable Latch", "0000 0100B"], ["RDSR", "Read Status Register", "0000 0101B"],
            ["RDID Note: 4 bytes", "Read Device ID", "1001 1111B"]]
    got = _regs(_pdf(tmp_path, lambda d: _strokes(d.new_page(), 60, 100, [60, 150, 80], rows, rule_columns=False)))
    assert got == {("WREN", 0x06), ("WRDI", 0x04), ("RDSR", 0x05), ("RDID", 0x9F)}


def test_two_bit_pointer_codes_are_binary(tmp_path):
    # "Pointer value" 00, 01, 10, 11 counts in binary (P1 P0), not hex 0x10 / 0x11
    rows = [["Pointer value", "Register"], ["00", "Temp"], ["01", "Conf"], ["10", "Thyst"], ["11", "Tos"]]
    got = _regs(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [80, 120], rows)))
    assert got == {("Temp", 0), ("Conf", 1), ("Thyst", 2), ("Tos", 3)}


def test_phrases_of_different_lengths_are_not_cut_into_columns(tmp_path):
    # command names whose longer forms happen to leave a gap at one x on every line must stay
    # whole (the words right of such a gap do not start a column); two pointer pairs per row
    names = [("Write Enable", 0x06), ("Read From Cache", 0x03), ("Read From Cache x 2", 0x3B),
             ("Read From Cache x 4", 0x6B), ("Read From Cache Dual IO", 0xBB), ("Read From Cache Quad IO", 0xEB),
             ("Program Load", 0x02), ("Program Load Random Data", 0x84), ("Program Load Random Data x4", 0xC4),
             ("Program Load Random Data Quad IO", 0x72)]
    rows = [["Command Name", "Byte 1", "Byte 2"]] + [[n, f"{a:02X}H", "A7-A0"] for n, a in names]
    got = _regs(_pdf(tmp_path, lambda d: _table(d.new_page(), 60, 100, [150, 50, 50], rows)))
    assert got == set(names)
