"""Forms met on datasheets of manufacturers new to the development set (the twenty-fifth as-found
round: field-bus maps of chargers and inverters, a motor controller's command manual), on pages
the test draws itself (the truth is what the test prints). Each test failed before its mechanism:

* "Bus-Adr." heads a column of bare decimal register numbers: "Adr." is an address header;
* a column of decimal ranges one to four numbers wide ("100-101", "107-108", "109-110": the
  words of 32-bit registers) is an address column read in decimal by the drawn-table and the
  header-word readers, not a value scale; read as hex, "109-110" would span seven;
* a column of single-bit values each twice the one before (0x10000, 0x20000, ..) lists the
  masks of a flag word's bits, and columns headed "... Bit Mask" or "Mode" hold values: no
  register map;
* a command list's "Description" column names its commands even where a description runs past
  six words;
* an address cell printed over two lines, "0x0007" over "~0x000D", with the row's other cells
  centred between them: the name is that row's, at the range's first address;
* a "Variable" column of identifiers names the rows;
* a field-bus protocol's holding-register and input-register tables (each captioned so) are two
  address spaces: the smaller is not dropped as a redescription of the larger.
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import doc_registers, put_cells, ruled_table


def test_bus_adr_header_over_decimal_register_numbers():
    rows = [["Bus-Adr.", "R/W", "Type", "Description"]]
    want = set()
    for n, desc in [(4, "Layout version"), (5, "Charging state"), (6, "Current phase one"), (7, "Current phase two"),
                    (8, "Current phase three"), (9, "Board temperature"), (10, "Voltage phase one"),
                    (11, "Voltage phase two"), (12, "Voltage phase three"), (100, "Maximal current"),
                    (101, "Minimal current")]:
        rows.append([str(n), "R", "uint16", desc])
        want.add((desc, n))
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Table Modbus Register", fontsize=10)
    ruled_table(page, 40, 70, [60, 40, 60, 200], rows)
    got = doc_registers(doc)
    assert got >= want, sorted(want - got)
    assert not any(a == 0x10 for _n, a in got)  # (10 read as hex)


RANGED = [("100-101", "32-Bit", "FIRMWARE_VERSION"), ("104", "16-Bit", "CP_STATUS"),
          ("105-106", "32-Bit", "ERROR_CODES_1"), ("107-108", "32-Bit", "ERROR_CODES_2"),
          ("109-110", "32-Bit", "ERROR_CODES_3"), ("111-112", "32-Bit", "ERROR_CODES_4"),
          ("120-121", "32-Bit", "PROTOCOL_VERSION")]


def _assert_ranged_read(doc) -> None:
    """Every register at the first number of its range, read in decimal (not 0x100, 0x109)."""
    want = {(name, int(cell.split("-")[0])) for cell, _s, name in RANGED}
    got = doc_registers(doc)
    assert got >= want, sorted(want - got)
    assert not any(a in (0x100, 0x109) for _n, a in got)


def test_decimal_ranges_of_wide_registers_in_a_ruled_map():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "General system information", fontsize=10)
    ruled_table(page, 40, 70, [80, 50, 150, 180],
                [["Register Addr.", "Size", "Name", "Description"]]
                + [[c, s, n, "See the text"] for c, s, n in RANGED])
    _assert_ranged_read(doc)


def test_decimal_ranges_of_wide_registers_in_an_unruled_map():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "General system information", fontsize=10)
    y = 90
    put_cells(page, y, [(40, "Register Addr."), (140, "Size"), (200, "Name"), (380, "Description")])
    for cell, size, name in RANGED:
        y += 16
        put_cells(page, y, [(40, cell), (140, size), (200, name), (380, "Default 0x0000")])
    _assert_ranged_read(doc)


def test_single_bit_masks_are_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Mask values for bits 16 to 21 are specified in the following table.", fontsize=9)
    ruled_table(page, 40, 70, [90, 200, 200],
                [[f"0x{1 << (16 + i):X}", name, "Error present"] for i, name in enumerate(
                    ["ERR_UNLOCKED", "ERR_TILT", "ERR_CONTROLLER", "ERR_STICK", "ERR_PHASES", "ERR_NO_POWER"])])
    assert doc_registers(doc) == set()


def test_bit_mask_and_mode_columns_hold_values():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "90 - Read Status", fontsize=10)
    page.insert_text((40, 64), "Send: [Address, 90]  Receive: [Status, CRC(2 bytes)]", fontsize=9)
    ruled_table(page, 40, 80, [200, 120],
                [["Function", "Status Bit Mask"], ["Normal", "0x0000"], ["E-Stop", "0x0001"],
                 ["Temperature Error", "0x0002"], ["Main Voltage High Error", "0x0008"],
                 ["Logic Voltage Low Error", "0x0020"], ["M1 Driver Fault Error", "0x0040"],
                 ["Speed Error", "0x0100"], ["Position Error", "0x0400"]])
    page = doc.new_page()
    page.insert_text((40, 50), "74 - Set S3, S4 and S5 Modes", fontsize=10)
    page.insert_text((40, 64), "Send: [Address, 74, S3mode, S4mode, S5mode, CRC(2 bytes)]", fontsize=9)
    ruled_table(page, 40, 80, [60, 110, 110, 110],
                [["Mode", "S3mode", "S4mode", "S5mode"], ["0x00", "Default", "Disabled", "Disabled"],
                 ["0x01", "E-Stop", "E-Stop", "E-Stop"], ["0x81", "E-Stop(Latching)", "E-Stop(Latching)", ""],
                 ["0x14", "Voltage Clamp", "Voltage Clamp", "Voltage Clamp"], ["0x04", "", "Brake", "Brake"],
                 ["0xE2", "", "Home(Auto)", ""], ["0x12", "", "Limit(Fwd)", "Limit(Fwd)"],
                 ["0x22", "", "Limit(Rev)", "Limit(Rev)"]])
    assert doc_registers(doc) == set()


COMMANDS = [(28, "Set Velocity PID Constants for M1."), (29, "Set Velocity PID Constants for M2."),
            (32, "Drive M1 With Signed Duty Cycle."), (35, "Drive M1 With Signed Speed."),
            (38, "Drive M1 With Signed Speed And Acceleration."),
            (41, "Drive M1 With Signed Speed And Distance. Buffered."),
            (44, "Drive M1 With Signed Speed, Acceleration and Distance."), (47, "Read Buffer Length."),
            (50, "Drive M1 / M2 With Individual Signed Speed and Acceleration")]


def test_long_descriptions_name_the_commands_of_a_command_list():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Advanced Motor Control Commands", fontsize=10)
    ruled_table(page, 40, 70, [80, 400], [["Command", "Description"]] + [[str(c), d] for c, d in COMMANDS])
    got = doc_registers(doc)
    want = {(d.rstrip("."), c) for c, d in COMMANDS}
    got = {(n.rstrip("."), a) for n, a in got}
    assert len(got & want) >= len(want) - 1, sorted(want - got)


def test_range_end_on_the_line_below_and_a_variable_column():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "0x03: Read Holding Register", fontsize=10)
    xs = [40, 110, 230, 270, 400, 450]
    heads = ["Register", "Variable", "R/W", "Description", "Unit"]
    y = 70
    for k, h in enumerate(heads):
        page.insert_text((xs[k] + 3, y + 11), h, fontsize=8)
    ys = [y, y + 16]
    y += 16
    rows = [("0x0000", "~0x0006", "InverterSN", "Serial number, 14 chars"),
            ("0x0007", "~0x000D", "FactoryName", "Factory name, 14 chars"),
            ("0x000E", "~0x0014", "ModuleName", "Module name, 14 chars"),
            ("0x0016", None, "TimeStart", "Launch wait time"), ("0x0017", None, "ReconnectTime", "Reconnection time"),
            ("0x0018", None, "CheckingTime", "Checking time")]
    for first, last, name, desc in rows:
        h = 30 if last else 16
        if last:
            page.insert_text((xs[0] + 3, y + 9), first, fontsize=8)
            page.insert_text((xs[0] + 3, y + 27), last, fontsize=8)
        else:
            page.insert_text((xs[0] + 3, y + 11), first, fontsize=8)
        mid = y + h / 2 + 3
        for k, text in ((1, name), (2, "R"), (3, desc), (4, "1s")):
            page.insert_text((xs[k] + 3, mid), text, fontsize=8)
        y += h
        ys.append(y)
    for ly in ys:
        page.draw_line((xs[0], ly), (xs[-1], ly), width=0.6)
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=0.6)
    got = doc_registers(doc)
    want = {(n, int(a, 16)) for a, _l, n, _d in rows}
    assert got >= want, sorted(want - got)


def test_holding_and_input_register_tables_are_two_spaces():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "0x03: Read Holding Register", fontsize=10)
    holding = ["SerialNumber", "FactoryName", "ModuleName", "TimeStart", "CheckingTime", "SafetyCode"]
    ruled_table(page, 40, 70, [80, 150, 200],
                [["Register", "Variable", "Description"]]
                + [[f"0x{i:04X}", n, "Setting"] for i, n in enumerate(holding)])
    page = doc.new_page()  # (a page of prose between the two maps)
    page.insert_text((40, 50), "Holding registers keep their values after a power failure.", fontsize=9)
    page = doc.new_page()
    page.insert_text((40, 50), "0x04: Read Input Register", fontsize=10)
    inputs = ["GridVoltage", "GridCurrent", "GridPower", "PvVoltage1", "PvVoltage2", "PvCurrent1", "PvCurrent2",
              "GridFrequency", "Temperature", "RunMode", "PowerDc1", "PowerDc2", "FaultValue", "CountDown"]
    ruled_table(page, 40, 70, [80, 150, 200],
                [["Register", "Variable", "Description"]]
                + [[f"0x{i:04X}", n, "Measured"] for i, n in enumerate(inputs)])
    got = doc_registers(doc)
    want = {(n, i) for i, n in enumerate(holding)} | {(n, i) for i, n in enumerate(inputs)}
    assert got >= want, sorted(want - got)
