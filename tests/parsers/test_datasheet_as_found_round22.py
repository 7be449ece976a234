"""Forms met on datasheets of manufacturers new to the development set (the twenty-second
as-found round), on pages the test draws itself (the truth is what the test prints). Each test
failed before its mechanism:

* a ruled map whose header row is followed by a group row merged across the table's width
  ("Real-time data (read only) input register"): the group row heads no column, so the second
  table's "Address" header matches the first's and its bare addresses (3100..3107, no A-F digit)
  keep the hex base the first table's 300E showed; its names come from the "Variable name"
  column, not from the descriptions beside the addresses;
* a ruled message table whose name and code cells are merged over two sub-rows ("Send" /
  "Received") with the code centred in the lower half: the first row's upper sub-row is that
  row's, not a header line, and a "Data ID" column holds the codes;
* a table of the nodes of a bus ("Module | Address": host, display, gateway) is no register map;
* a structure layout ("Offset | Field | Size") whose field names start in lower case with a type
  prefix ("bLength", "wTotalLength") is no register map, as one of all-lower-case names was not;
* a "Register#" header over bare decimal numbers (32, 33,34, 41 .. 63) counts registers in
  decimal in the header-word reader too (round 23);
* headings "LF (OA Hex)": the base printed as a word after the code, whose digits carry a letter O
  for zero and a lower-case l for one (round 24).
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import doc_registers, put_cells, ruled_table


def _grouped_table(page, y0: float, group: str, rows: list[tuple[str, str, str]]) -> float:
    """Header row, a group row merged across all columns (no inner walls), then one row per
    (name, bare address, description)."""
    xs = [40, 210, 260, 480, 530]
    heads = ["Variable name", "Address", "Description", "Unit"]
    lines_y = [y0, y0 + 16, y0 + 32]
    for k, h in enumerate(heads):
        page.insert_text((xs[k] + 3, y0 + 11), h, fontsize=8)
    page.insert_text((xs[1] + 10, y0 + 27), group, fontsize=8)  # centred-ish, across the walls
    y = y0 + 32
    for name, addr, desc in rows:
        page.insert_text((xs[0] + 3, y + 11), name, fontsize=8)
        page.insert_text((xs[1] + 8, y + 11), addr, fontsize=8)
        page.insert_text((xs[2] + 3, y + 11), desc, fontsize=8)
        page.insert_text((xs[3] + 3, y + 11), "V", fontsize=8)
        y += 16
        lines_y.append(y)
    for ly in lines_y:
        page.draw_line((xs[0], ly), (xs[-1], ly), width=0.6)
    for k, x in enumerate(xs):
        if k in (0, len(xs) - 1):
            page.draw_line((x, y0), (x, y), width=0.6)
        else:  # inner walls stop above the group row and start again below it
            page.draw_line((x, y0), (x, y0 + 16), width=0.6)
            page.draw_line((x, y0 + 32), (x, y), width=0.6)
    return y


RATED = [("Charging equipment rated input voltage", "3000", "The rated voltage of the array"),
         ("Charging equipment rated input current", "3001", "The rated current of the array"),
         ("Charging equipment rated output voltage", "3004", "The voltage of the battery"),
         ("Charging mode", "3008", "The mode used when charging is on"),
         ("Rated output current of load", "300E", "The current of the load output")]
REAL_TIME = [("Charging equipment input voltage", "3100", "The voltage of the array now"),
             ("Charging equipment input current", "3101", "The current of the array now"),
             ("Charging equipment output voltage", "3104", "The voltage of the battery now"),
             ("Charging equipment output current", "3105", "The charging current of the battery"),
             ("Battery temperature", "3106", "The temperature of the battery"),
             ("Case temperature", "3107", "The temperature inside the case")]


def test_group_row_merged_across_a_ruled_map_heads_no_column():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Register address list (Modbus input registers)", fontsize=10)
    y = _grouped_table(page, 80, "Rated data (read only) input register", RATED)
    _grouped_table(page, y + 30, "Real-time data (read only) input register", REAL_TIME)
    got = doc_registers(doc)
    want = {(n, int(a, 16)) for n, a, _d in RATED + REAL_TIME}
    assert got >= want, sorted(want - got)
    assert not any(a == 3100 for _n, a in got)  # (0xC1C: the decimal reading)


MESSAGES = [("State of charge", "0x90"), ("Cell voltage range", "0x91"), ("Temperature range", "0x92"),
            ("MOS status", "0x93"), ("Status information", "0x94"), ("Cell voltages", "0x95")]


def test_merged_code_cells_over_send_and_received_sub_rows():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "3. Communications content information", fontsize=11)
    xs = [40, 170, 230, 300, 540]
    y0 = 70
    for k, h in enumerate(["Data Message", "Data ID", "UPPER-BMS", "Remark"]):
        page.insert_text((xs[k] + 3, y0 + 12), h, fontsize=8)
    y = y0 + 20
    hlines = [(xs[0], y0), (xs[0], y)]
    for name, code in MESSAGES:
        # upper sub-row "Send", lower sub-row "Received" over three remark lines; name and code
        # merged over both, the code centred on the whole row
        page.insert_text((xs[2] + 3, y + 11), "Send", fontsize=8)
        page.insert_text((xs[3] + 3, y + 11), "Byte0~Byte7: Reserved", fontsize=8)
        for j, remark in enumerate(["Byte0~Byte1: value (0.1 V)", "Byte2~Byte3: value (0.1 A)",
                                    "Byte4~Byte7: Reserved"]):
            page.insert_text((xs[3] + 3, y + 27 + 12 * j), remark, fontsize=8)
        page.insert_text((xs[2] + 3, y + 39), "Received", fontsize=8)
        page.insert_text((xs[0] + 3, y + 33), name, fontsize=8)
        page.insert_text((xs[1] + 8, y + 33), code, fontsize=8)
        page.draw_line((xs[2], y + 16), (xs[-1], y + 16), width=0.5)  # between the sub-rows only
        y += 56
        hlines.append((xs[0], y))
    for x0, ly in hlines:
        page.draw_line((x0, ly), (xs[-1], ly), width=0.5)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.5)
    got = doc_registers(doc)
    want = {(n, int(c, 16)) for n, c in MESSAGES}
    assert got >= want, sorted(want - got)


def test_bus_node_address_table_is_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "2.2 Address assignment", fontsize=10)
    rows = [["Module", "Address"], ["Battery master", "0x01"], ["Wireless app", "0x80"],
            ["Cellular gateway", "0x20"], ["Upper computer", "0x40"], ["Display panel", "0x10"]]
    ruled_table(page, 40, 70, [200, 120], rows)
    page.insert_text((40, 200), "Register map", fontsize=10)
    regs = [["Register", "Address"], ["CTRL", "0x00"], ["STATUS", "0x01"], ["DATA", "0x02"], ["CONFIG", "0x03"]]
    ruled_table(page, 40, 220, [200, 120], regs)
    got = doc_registers(doc)
    assert got >= {("CTRL", 0), ("STATUS", 1), ("DATA", 2), ("CONFIG", 3)}
    assert not any(n in ("Battery master", "Wireless app", "Cellular gateway", "Upper computer", "Display panel")
                   for n, _a in got), sorted(got)


def test_structure_layout_of_hungarian_field_names_is_no_register_map():
    # "Offset | Field | Size": offsets advance by each field's size, the names start in lower
    # case with a type prefix ("bLength", "wTotalLength"): a structure's fields, not registers
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Table 9-8. Standard Configuration Descriptor", fontsize=10)
    fields = [("0", "bLength", "1", "Count"), ("1", "bDescriptorType", "1", "Constant"),
              ("2", "wTotalLength", "2", "Count"), ("4", "bNumInterfaces", "1", "Count"),
              ("5", "bConfigurationValue", "1", "Count"), ("6", "iConfiguration", "1", "Ordinal"),
              ("7", "bmAttributes", "1", "Bitmap"), ("8", "MaxPower", "1", "mA")]
    rows = [["Offset", "Field", "Size", "Value", "Description"]]
    rows += [[f"0x{int(o):02X}", f, z, v, "See the text"] for o, f, z, v in fields]
    ruled_table(page, 40, 70, [50, 120, 40, 60, 180], rows)
    got = doc_registers(doc)
    assert not any(n in {f for _o, f, _z, _v in fields} for n, _a in got), sorted(got)


EEPROM_ROWS = [("32", "PROTOCOL", "Protocol number"), ("33,34", "CHKSUM", "Checksum of all cells"),
               ("41", "LOOKUP", "Identifier for the table"), ("42,43", "PTAT25", "Output in digits at 25 C"),
               ("44,45", "SLOPE", "Slope in digits per K"), ("46,47", "UZERO", "Offset of the output"),
               ("50", "TOBJ1", "Value in C for the output"), ("63", "SLAVE_ADD", "Bus address with the pin bit")]


def test_number_sign_header_counts_registers_in_decimal():
    # "Register#" over 32, 33,34, 41 ... 63 (no A-F digit, no 09 -> 10 run): decimal numbers, as
    # the drawn-table reader already read such a header; every reader types it the same way
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "Table 12: EEPROM content", fontsize=10)
    put_cells(page, 80, [(50, "Register#"), (130, "Name"), (230, "Description")])
    for i, (reg, name, desc) in enumerate(EEPROM_ROWS):
        put_cells(page, 94 + 14 * i, [(50, reg), (130, name), (230, desc)])
    got = doc_registers(doc)
    want = {(n, int(r.split(",")[0])) for r, n, _d in EEPROM_ROWS}
    assert got >= want, sorted(want - got)


CONTROL_CODES = [("LF", "OA", 0x0A), ("VTAB", "OB", 0x0B), ("CR", "OD", 0x0D), ("CAN", "18", 0x18), ("ESC", "lB", 0x1B)]


def test_control_codes_named_with_the_base_as_a_word_and_lookalike_digits():
    # "LF (OA Hex)  Causes ...": the base is a word after the digits, and the text layer carries a
    # letter O for zero and a lower-case l for one (round 24)
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((40, 50), "5 HOST PROGRAMMING", fontsize=10)
    page.insert_text((40, 70), "Codes from 00 to IF Hex are reserved for control functions as follows:", fontsize=9)
    y = 90
    for name, code, _v in CONTROL_CODES:
        page.insert_text((40, y), f"{name} ({code} Hex)", fontsize=9)
        page.insert_text((150, y), "Causes the printer to act on this code.", fontsize=9)
        y += 24
    got = doc_registers(doc)
    assert got >= {(n, v) for n, _c, v in CONTROL_CODES}, sorted(got)
