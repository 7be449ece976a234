"""Forms met on datasheets of manufacturers new to the development set (the seventeenth as-found
round), on pages the test draws itself (the truth is what the test prints). Each test failed
before its mechanism:

* a register heading of labelled fields, "Register Address : 0x00, Register Name : NAME", in
  either order, over each register's bit table;
* a command list printed in side-by-side halves ("Instruction | D0-D7 | Instruction | D0-D7")
  whose column words come out as the table's first row, a code printed as the second byte of a
  sequence ("+43H") and a symbol glyph before a name;
* a heading "Register 0 - Control 1, Default 0000 0110": the reset value closing it is neither a
  page number nor part of the name, "0 - Co" is no address range, and a bit map's rows
  ("Reg. 15 FieldA FieldB") do not rename the registers its headings name;
* a protocol map that prints each start address as two byte columns ("Hi byte | Lo byte"), its
  names headed "Parameter", one name wrapped over two lines around a cell of the size column;
* the same map drawn as a ruled table, continued on the next page without its header (high
  bytes other than 00 there);
* headings "R#3 Name" / "S#0 Name": decimal numbers in two register spaces, "R#32, R#33 Name"
  one register over both; off a contents page, "S#0 Status register 0" ends in the register's
  own number, not a page number;
* a register's bit-field table ("Bits | Field Name | Default": "0:7 | X_LSB | 0x60") is no
  register map: its hex column holds the fields' defaults;
* an unruled map whose run of rows is cut where a description wraps around a row's line: the
  reading of the whole run replaces the cut one;
* a header word broken by its narrow cell ("Registe" / "r NO.") heads an address column, and a
  column headed "Variable Name" names the rows;
* three or more address columns that run side by side (RAM and bank addresses) give the first,
  wherever a grouped header word sits.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_layout import group_lines
from tests.parsers.pdf_pages import doc_registers, put_cells, ruled_table


def _bit_table(page, y: float, fields: list[tuple[str, str, str]]) -> float:
    page.insert_text((60, y), "Bit", fontsize=8)
    page.insert_text((100, y), "Bit Name", fontsize=8)
    page.insert_text((200, y), "Default", fontsize=8)
    page.insert_text((260, y), "Type", fontsize=8)
    page.insert_text((320, y), "Description", fontsize=8)
    for bits, name, desc in fields:
        y += 14
        page.insert_text((60, y), bits, fontsize=8)
        page.insert_text((100, y), name, fontsize=8)
        page.insert_text((200, y), "0", fontsize=8)
        page.insert_text((260, y), "R/W", fontsize=8)
        page.insert_text((320, y), desc, fontsize=8)
    return y + 30


FIELD_REGS = [(0x00, "OTG_CONFIG"), (0x01, "TOP"), (0x02, "FUNCTION"), (0x03, "IBUS"), (0x04, "VBUS")]


def test_labelled_field_headings_either_order():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "Register Descriptions", fontsize=11)
    y = 80.0
    for i, (addr, name) in enumerate(FIELD_REGS):
        head = (f"Register Address : 0x{addr:02X}, Register Name : {name}" if i % 2 == 0
                else f"Register Name : {name}, Register Address : 0x{addr:02X}")
        page.insert_text((60, y), head, fontsize=9)
        y = _bit_table(page, y + 18, [("7:4", f"{name}_HI", "Upper field"), ("3:0", f"{name}_LO", "Lower field")])
    assert doc_registers(doc) >= {(n, a) for a, n in FIELD_REGS}


LEFT = [("Back Space", "08H"), ("Horizontal Tab", "09H"), ("Line Feed", "0AH"), ("Form Feed", "0CH"),
        ("Carriage Return", "0DH"), ("Clear Display", "0EH")]
RIGHT = [("International Font", "18H"), ("Katakana Font", "19H"), ("Escape", "1BH"),
         ("\u00a2 Send User Font", "+43H"), ("\u00a2 Position Cursor", "+48H"), ("\u00a2 Software Reset", "+49H")]


def test_side_by_side_command_halves():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 60), "OPTICAL SPECIFICATIONS", fontsize=9)
    page.insert_text((40, 74), "Luminance          700 cd/m2", fontsize=8)
    page.insert_text((40, 92), "SOFTWARE COMMANDS", fontsize=9)
    put_cells(page, 106, [(40, "Instruction"), (150, "D0-D7"), (200, "Instruction"), (320, "D0-D7")])
    for i, ((ln, lc), (rn, rc)) in enumerate(zip(LEFT, RIGHT)):
        put_cells(page, 120 + 12 * i, [(40, ln), (150, lc), (200, rn), (320, rc)])
    got = doc_registers(doc)
    want = {(n, int(c.strip("+H"), 16)) for n, c in LEFT} | \
           {(n.replace("\u00a2 ", ""), int(c.strip("+H"), 16)) for n, c in RIGHT}
    assert got >= want, sorted(want - got)


HEADED = [(0, "Chip Control 1", "0000 0110"), (1, "Chip Control 2", "0101 1100"), (2, "Chip Power Management", "1100 0011"),
          (3, "ADC Power Management", "1111 1100"), (4, "DAC Power Management", "1100 0000"), (5, "Chip Low Power 1", "0000 0000"),
          (6, "Chip Low Power 2", "0000 0000"), (15, "ADC Control 7", "0011 0000")]


def test_register_headings_closed_by_a_reset_value():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "5 Register Map", fontsize=11)
    # a bit map's rows: the register number, then its bit names (not names of registers)
    page.insert_text((60, 70), "Reg. 15   ADCRampRate ADCSoftRamp", fontsize=8)
    page.insert_text((60, 82), "Reg. 23   DACLRSWAP", fontsize=8)
    y = 110.0
    for i, (num, name, default) in enumerate(HEADED):
        if i == 4:
            page = doc.new_page()
            y = 60.0
        page.insert_text((60, y), f"6.1.{i + 1} Register {num} - {name}, Default {default}", fontsize=9)
        y = _bit_table(page, y + 18, [("7", "FLAG_A", "Enable"), ("6:0", "LEVEL", "Level setting")])
    got = doc_registers(doc)
    assert got >= {(n, a) for a, n, _d in HEADED}, sorted({(n, a) for a, n, _d in HEADED} - got)
    assert not any(a == 15 and n != "ADC Control 7" for n, a in got)


MODBUS = [("30001", "Voltage", "00", "00"), ("30007", "Current", "00", "06"), ("30013", "Active power", "00", "0C"),
          ("30019", "Apparent power", "00", "12"), ("30025", "Reactive power", "00", "18"),
          ("30031", "Power factor", "00", "1E"), ("30071", "Frequency", "00", "46"),
          ("30073", "Import active energy", "00", "48"), ("30077", "Import reactive energy", "00", "4C"),
          ("30079", "Export reactive energy", "00", "4E")]


def test_start_address_in_two_byte_columns():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "3 Register Map", fontsize=11)
    page.insert_text((300, 78), "Start Address Hex", fontsize=8)
    put_cells(page, 90, [(60, "Register"), (110, "Parameter"), (220, "Length"), (270, "Units"), (300, "Hi byte"),
                    (350, "Lo byte")])
    y = 106.0
    for reg, name, hi, lo in MODBUS:
        wrapped = name.endswith("reactive energy")  # a long name wraps; the size cell sits between its lines
        if wrapped:
            first, rest = name.rsplit(" ", 1)
            put_cells(page, y, [(110, first)])
            put_cells(page, y + 6, [(220, "4")])
            put_cells(page, y + 12, [(110, rest)])
        else:
            put_cells(page, y, [(110, name), (220, "4")])
        put_cells(page, y, [(60, reg), (270, "kWh"), (300, hi), (350, lo)])
        y += 26 if wrapped else 14
    got = doc_registers(doc)
    want = {(n, int(hi + lo, 16)) for _r, n, hi, lo in MODBUS}
    assert got >= want, sorted(want - got)


def test_unruled_byte_column_map_continued_without_header():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "3 Register Map", fontsize=11)
    put_cells(page, 620, [(60, "Register"), (110, "Parameter"), (220, "Units"), (300, "Hi byte"), (350, "Lo byte")])
    for i, (reg, name, hi, lo) in enumerate(MODBUS[:8]):
        put_cells(page, 636 + 14 * i, [(60, reg), (110, name), (220, "kWh"), (300, hi), (350, lo)])
    page = doc.new_page()
    put_cells(page, 50, [(110, "demand")])  # the tail of a name wrapped at the page end
    rows = [("30085", "Total system power demand", "00", "54"), ("30259", "Current demand", "01", "02"),
            ("30265", "Maximum current demand", "01", "08"), ("30343", "Total active energy", "01", "56"),
            ("30345", "Total reactive energy", "01", "58")]
    for i, (reg, name, hi, lo) in enumerate(rows):
        put_cells(page, 64 + 14 * i, [(60, reg), (110, name), (220, "kWh"), (300, hi), (350, lo)])
    got = doc_registers(doc)
    want = {(n, int(hi + lo, 16)) for _r, n, hi, lo in rows}
    assert got >= want, sorted(want - got)


HOLDING = [("40013", "Relay Pulse Width", "00", "0C"), ("40019", "Network Parity Stop", "00", "12"),
           ("40021", "Meter ID", "00", "14"), ("40029", "Baud rate", "00", "1C"), ("40087", "Pulse output mode", "00", "56")]
HOLDING_NEXT = [("463745", "Time of scroll display", "F9", "00"), ("463761", "Pulse output width", "F9", "10"),
                ("463777", "Measurement mode", "F9", "20")]


def test_ruled_byte_column_map_continued_without_header():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "Holding registers (function 03 to read, 10 to write)", fontsize=9)
    widths = [60, 130, 50, 50, 150]
    rows = [["Register", "Parameter", "Hi byte", "Lo byte", "Description"]]
    rows += [[r, n, hi, lo, "Float, kept at power-down"] for r, n, hi, lo in HOLDING]
    ruled_table(page, 60, 500, widths, rows, row_h=40)
    page = doc.new_page()
    ruled_table(page, 60, 60, widths, [[r, n, hi, lo, "Float, kept at power-down"] for r, n, hi, lo in HOLDING_NEXT],
                row_h=40)
    got = doc_registers(doc)
    want = {(n, int(hi + lo, 16)) for _r, n, hi, lo in HOLDING + HOLDING_NEXT}
    assert got >= want, sorted(want - got)
    assert not any(a in (0x00, 0x10, 0x20) for _n, a in got)


def test_hash_numbered_headings_in_two_spaces():
    doc = pymupdf.open()
    page = doc.new_page()
    y = 60.0
    heads = [("R#0 Mode0", 0), ("R#1 Mode1", 1), ("R#2 Pattern Name Table Address", 2),
             ("R#26 Horizontal Offset Register (By Character Units)", 26), ("R#32, R#33 Source X Register", 32),
             ("S#0 Status", 0), ("S#3, S#4 Column Register", 3), ("S#7 Color register", 7)]
    for text, _a in heads:
        page.insert_text((60, y), text, fontsize=10)
        page.insert_text((60, y + 16), "The bits of this register select the display mode and its options.", fontsize=8)
        y += 60
    got = parse_pdf(doc.tobytes()).registers
    pairs = {(r.name, int(r.address, 16), r.peripheral) for r in got}
    assert pairs >= {("Mode0", 0, "R"), ("Mode1", 1, "R"), ("Pattern Name Table Address", 2, "R"),
                     ("Horizontal Offset Register (By Character Units)", 26, "R"), ("Source X Register", 32, "R"),
                     ("Status", 0, "S"), ("Column Register", 3, "S"), ("Color register", 7, "S")}


def test_heading_ending_in_its_own_number_off_a_contents_page():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "Contents", fontsize=11)
    entries = ["S#0 Status register 0", "S#1 Status register 1", "S#2 Status register 2", "S#3 Column register"]
    for i, e in enumerate(entries):
        page.insert_text((60, 80 + 16 * i), f"{e} {'.' * 30} {2 + i // 2}", fontsize=9)
    page = doc.new_page()
    y = 60.0
    for e in entries:
        page.insert_text((60, y), e, fontsize=10)
        page.insert_text((60, y + 16), "The bits of this register report the state of the display engine.", fontsize=8)
        y += 60
    pairs = {(r.name, int(r.address, 16), r.peripheral, r.page) for r in parse_pdf(doc.tobytes()).registers}
    assert pairs >= {("Status register 0", 0, "S", 2), ("Status register 1", 1, "S", 2),
                     ("Status register 2", 2, "S", 2), ("Column register", 3, "S", 2)}


def test_field_table_defaults_are_not_addresses():
    doc = pymupdf.open()
    page = doc.new_page()
    y = 50.0
    for num, (name, addr, fields) in enumerate([
            ("PART_ID", 0x00, [("0:7", "PART_ID_LSB", "0x60", "read"), ("8:15", "PART_ID_MSB", "0x01", "read")]),
            ("DATA_T", 0x30, [("0:7", "DATA_T_LSB", "0x8A", "read"), ("8:15", "DATA_T_MSB", "0x4A", "read")]),
            ("DATA_RH", 0x32, [("0:7", "DATA_RH_LSB", "0x00", "read"), ("8:15", "DATA_RH_MSB", "0x64", "read")])], 1):
        page.insert_text((60, y), f"16.2.{num}  {name} (Address 0x{addr:02X})", fontsize=10)
        # (the caption row names the register in a cell merged over the others: its text over "Default")
        rows = [[f"Address 0x{addr:02X}", "", name, "", ""], ["Bits", "Field Name", "Default", "Access", "Field Description"]]
        rows += [[b, f, d, a, "Byte of the value"] for b, f, d, a in fields]
        y = ruled_table(page, 60, y + 14, [60, 110, 60, 50, 160], rows) + 40
    got = doc_registers(doc)
    assert {("PART_ID", 0x00), ("DATA_T", 0x30), ("DATA_RH", 0x32)} <= got
    assert not any(n.endswith(("_LSB", "_MSB")) for n, _a in got), sorted(got)


def test_unruled_rows_after_a_description_wrapped_around_its_row(monkeypatch):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 260), "Registers Definitions", fontsize=11)
    page.insert_text((60, 280), "Table 1      Register Function", fontsize=9)
    words = [(59, 299, "Address"), (154, 299, "Name"), (306, 299, "Function"), (437, 299, "Table"), (490, 299, "Default"),
             (68, 320, "00h"), (114, 320, "Shutdown Register"), (231, 320, "Set software shutdown mode"), (445, 320, "2"),
             (58, 338, "01h~12h"), (114, 338, "PWM Register"), (231, 338, "18 channels PWM duty cycle data register"),
             (445, 338, "3"),
             (68, 356, "13h"), (114, 356, "LED Control Register1"), (231, 356, "Channel 1 to 6 enable bit"), (445, 356, "4"),
             (68, 374, "14h"), (114, 374, "LED Control Register2"), (231, 374, "Channel 7 to 12 enable bit"), (445, 374, "5"),
             (68, 392, "15h"), (114, 392, "LED Control Register3"), (231, 392, "Channel 13 to 18 enable bit"), (445, 392, "6"),
             # a description wrapped around its row's line, a default value under it
             (231, 409, "Load PWM Register and LED Control"), (68, 415, "16h"), (114, 415, "Update Register"),
             (445, 414, "-"), (231, 421, "Register's data"), (490, 424, "xxxx xxxx"),
             (68, 440, "17h"), (114, 440, "Reset Register"), (231, 439, "Reset all registers into default"), (445, 439, "-")]
    for x, y, text in words:
        page.insert_text((x, y), text, fontsize=9)
    want = {("Shutdown Register", 0x00), ("LED Control Register3", 0x15), ("Update Register", 0x16),
            ("Reset Register", 0x17)}
    got = doc_registers(doc)
    assert want <= got, sorted(got)
    # the unruled reader alone, its cut run met first (the order its seeds come in varies with
    # the page): the whole run's reading replaces the cut one's registers
    import firmcorpus.parsers.datasheet as datasheet_module
    from firmcorpus.parsers.models import Datasheet

    tables = datasheet_module.unruled_tables(group_lines([tuple(w[:5]) for w in page.get_text("words")]),
                                             page.rect.width, page.rect.height)
    assert sorted(len(t.rows) for t in tables) == [5, 7]  # (the cut run and the whole one)
    monkeypatch.setattr(datasheet_module, "unruled_tables", lambda *a: sorted(tables, key=lambda t: len(t.rows)))
    regs = datasheet_module._unruled_registers(page, 1, [tuple(w[:5]) for w in page.get_text("words")], None, [],
                                               Datasheet(source="t.pdf", pages=1), [], None)
    assert want <= {(r.name, r.address) for r in regs}, sorted((r.name, r.address) for r in regs)


GROUP = [("00", "OnOff", "Remote on or off"), ("01", "SafetyFuncEn", "Safety functions enable"),
         ("02", "PFMemory", "Keep the power factor settings"), ("03", "ActivePRate", "Maximum output power percent"),
         ("04", "ReactivePRate", "Maximum reactive power percent"), ("05", "PowerFactor", "Power factor setting"),
         ("06", "PmaxH", "Rated power, high word"), ("07", "PmaxL", "Rated power, low word")]


def test_header_word_broken_by_its_cell_and_variable_names():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "4.1 Holding Reg", fontsize=10)
    # the first column is too narrow for its header word: "Registe" / "r NO."
    rows = [["Registe", "Variable", "Description", "Write", "Initial"], ["r NO.", "Name", "", "or not", "value"]]
    rows += [[a, n, d, "W", "0"] for a, n, d in GROUP]
    ruled_table(page, 60, 70, [36, 90, 200, 50, 50], rows)
    got = doc_registers(doc)
    want = {(n, int(a)) for a, n, _d in GROUP}
    assert want <= got, sorted(want - got)


BANKED = [(0x10, "Primary Source and Shutdown Register"), (0x11, "VCO Band Register"),
          (0x12, "Crystal X1 Load Capacitor Register"), (0x13, "Crystal X2 Load Capacitor Register"),
          (0x15, "Reference Divider Register"), (0x16, "VCO Control Register")]


def test_parallel_bank_address_columns_take_the_first():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "Table 23. RAM Configuration Registers and OTP Configuration Registers", fontsize=9)
    # the grouped header words sit over the middle columns, not over the first
    rows = [["", "", "Register", "Address", "", ""], ["RAM", "CFG0", "CFG1", "CFG2", "CFG3", "Function"]]
    rows += [[f"0x{a:02X}", f"0x{a:03X}", f"0x{a + 0x5A:03X}", f"0x{a + 0xB4:03X}", f"0x{a + 0x10E:03X}", n]
             for a, n in BANKED]
    ruled_table(page, 60, 70, [40, 45, 45, 45, 45, 200], rows)
    got = doc_registers(doc)
    want = {(n, a) for a, n in BANKED}
    assert want <= got, sorted(got)
