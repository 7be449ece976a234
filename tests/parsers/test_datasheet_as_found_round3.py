"""Forms met on the third round of datasheets taken as found for the development set, on pages the
test draws itself (the truth is what the test prints). Each test failed before its mechanism:

* an address printed as a decimal number with its hex value beside it ("10(0x0A)", "46[0x2E)"):
  one address when the two agree, none when they do not;
* a 2-D register matrix ("0/8 1/9 .. 7/F" over row bases labelled on both sides) with a stray
  digit in the right margin (a revision bar's number) between two rows;
* an instruction list ("Instruction | Function | Value", rows far apart under a header set off by
  a gap) after a control table that uses the same numbers: two numberings, both kept.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import parse_addr_cell


@pytest.mark.parametrize("cell,value", [("0(0X00)", 0x00), ("10(0x0A)", 0x0A), ("46[0x2E)", 0x2E), ("250(0xFA)", 0xFA),
                                        ("3(03h)", 0x03), ("10(0x0B)", None)])
def test_decimal_with_hex_beside_it(cell, value):
    c = parse_addr_cell(cell)
    assert (int(c.text, 16) if c is not None else None) == value


MATRIX = {  # row base -> names in columns 0..7 ("" = empty cell)
    0xF8: ["", "CH", "CCAP0H", "CCAP1H", "CCAP2H", "", "", ""],
    0xF0: ["B", "", "", "", "", "", "", ""],
    0xE8: ["", "CL", "CCAP0L", "CCAP1L", "CCAP2L", "", "", ""],
    0xE0: ["ACC", "", "", "", "", "", "", ""],
    0xD8: ["CCON", "CMOD", "CCAPM0", "CCAPM1", "CCAPM2", "", "", ""],
    0xD0: ["PSW", "PSW1", "", "", "", "", "", ""],
    0xC8: ["T2CON", "T2MOD", "RCAP2L", "RCAP2H", "TL2", "TH2", "", ""],
}


def test_matrix_with_a_margin_digit():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((180, 60), "Table 1.1. SFR Addresses and Reset Values", fontsize=9)
    xs = [110 + 55 * k for k in range(8)]
    for k, x in enumerate(xs):
        page.insert_text((x, 80), f"{k}/{k + 8:X}", fontsize=8)
    y = 100
    for base, names in MATRIX.items():
        page.insert_text((70, y), f"{base:02X}h", fontsize=8)
        page.insert_text((xs[-1] + 50, y), f"{base:02X}h", fontsize=8)
        for x, name in zip(xs, names):
            if name:
                page.insert_text((x, y), name, fontsize=8)
                page.insert_text((x - 6, y + 9), "0000 0000", fontsize=6)
        if base == 0xD8:
            page.insert_text((585, y + 12), "2", fontsize=7)  # a revision bar's number in the margin
        y += 25
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    want = {(n, base + k) for base, names in MATRIX.items() for k, n in enumerate(names) if n}
    assert got == want


CONTROL = ["Model Number(L)", "Model Number(H)", "Version of Firmware", "ID", "Baud Rate", "Return Delay Time",
           "CW Angle Limit(L)", "CW Angle Limit(H)", "CCW Angle Limit(L)", "CCW Angle Limit(H)", "Alarm LED",
           "Alarm Shutdown"]
INSTRUCTIONS = [("PING", 1, "No action. Used for obtaining a Status Packet"),
                ("READ DATA", 2, "Reading values in the Control Table"),
                ("WRITE DATA", 3, "Writing values to the Control Table"),
                ("REG WRITE", 4, "Similar to WRITE DATA, but waits for ACTION"),
                ("ACTION", 5, "Triggers the action registered by REG WRITE"),
                ("RESET", 6, "Changes the control table values to the defaults")]


def test_instruction_list_beside_a_control_table():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "3-4. Control Table", fontsize=10)
    for x, h in ((120, "Address"), (200, "Item"), (360, "Access"), (430, "Initial Value")):
        page.insert_text((x, 90), h, fontsize=8)
    for i, name in enumerate(CONTROL):
        y = 106 + 13 * i
        page.insert_text((120, y), f"{i}(0x{i:02X})", fontsize=8)
        page.insert_text((200, y), name, fontsize=8)
        page.insert_text((360, y), "RD,WR", fontsize=8)
        page.insert_text((430, y), f"{(i * 7) % 10}(0x{(i * 7) % 10:02X})", fontsize=8)
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "4. Instruction Set and Examples", fontsize=10)
    page.insert_text((440, 90), "Number of", fontsize=8)
    for x, h in ((90, "Instruction"), (200, "Function"), (390, "Value")):
        page.insert_text((x, 96), h, fontsize=8)
    page.insert_text((440, 102), "Parameter", fontsize=8)
    for i, (name, code, what) in enumerate(INSTRUCTIONS):
        y = 122 + 32 * i
        page.insert_text((90, y), name, fontsize=8)
        page.insert_text((200, y), what, fontsize=7)
        page.insert_text((390, y), f"0x{code:02X}", fontsize=8)
        page.insert_text((450, y), str(i % 3), fontsize=8)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, i) for i, n in enumerate(CONTROL)} | {(n, c) for n, c, _w in INSTRUCTIONS}


@pytest.mark.parametrize("cell,name", [("NVIC_ISER0 Reset Value", "NVIC_ISER0"), ("Reset Value MPU_RNR", "MPU_RNR"),
                                       ("Reset Value Register", "Reset Value Register"), ("Reset value", "Reset value")])
def test_reset_value_row_label_is_not_part_of_a_name(cell, name):
    from firmcorpus.parsers.pdf_layout import strip_reset_label
    assert strip_reset_label(cell) == name


SCB = [("ACTLR", 0xE000E008), ("CPUID", 0xE000ED00), ("ICSR", 0xE000ED04), ("VTOR", 0xE000ED08),
       ("AIRCR", 0xE000ED0C), ("SCR", 0xE000ED10), ("CCR", 0xE000ED14)]


def _unruled(page, y: float, head: list[str], rows: list[list[str]], xs=(80, 220, 330)) -> None:
    for x, h in zip(xs, head):
        page.insert_text((x, y), h, fontsize=8)
    for i, row in enumerate(rows):
        for x, cell in zip(xs, row):
            page.insert_text((x, y + 16 + 13 * i), cell, fontsize=8)


def test_map_restated_at_offsets_from_its_base():
    """A summary with absolute addresses, then the same registers (and one more) as offsets from
    the block's base on a later page: one register each, at its absolute address."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 37. Summary of the system control block registers", fontsize=9)
    _unruled(page, 90, ["Address", "Name", "Type"], [[f"0x{a:08X}", n, "RW"] for n, a in SCB])
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 42. SCB register map and reset values", fontsize=9)
    rows = [[f"0x{a - 0xE000ED00:03X}", n, "0x00000000"] for n, a in SCB[1:]] + [["0x01C", "SHPR1", "0x00000000"]]
    _unruled(page, 90, ["Offset", "Register", "Reset value"], rows)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == set(SCB) | {("SHPR1", 0xE000ED1C)}


@pytest.mark.parametrize("names,addrs,why", [
    (["ROM", "ROM", "RAM", "RAM", "EEPROM", "EEPROM"], [0x0, 0x3FF, 0x400, 0x7FF, 0x2400, 0x273F], "memory map"),
    (["Pixels 1…32", "Pixels 33...64", "Pixels 65…96", "Pixels 737…768"], [0x400, 0x420, 0x440, 0x6E0], "ranges"),
    (["DATA_L", "DATA_H", "CTRL", "STATUS"], [0x4, 0x5, 0x6, 0x7], None),
    (["OUT", "OUT", "CFG", "MODE"], [0x10, 0x11, 0x12, 0x13], None),  # a byte pair at consecutive addresses
])
def test_memory_regions_and_element_ranges_are_not_registers(names, addrs, why):
    from firmcorpus.parsers.datasheet import _not_a_register_map
    got = _not_a_register_map(names, addrs)
    assert (got is None) if why is None else (why in got)


@pytest.mark.parametrize("cell,bits", [("0000-0001-X", "00000001"), ("1110-0011-X", "11100011"), ("0000-11XX", "00001100"),
                                       ("010X-XXXX", "01000000"), ("2024-01-05", None)])
def test_hyphenated_binary_code_with_dont_care_bits(cell, bits):
    c = parse_addr_cell(cell)
    assert (c.text if c is not None and c.kind == "bin" else None) == bits


COMMANDS_BIN = [("SYS DIS", "0000-0000-X"), ("SYS EN", "0000-0001-X"), ("LCD OFF", "0000-0010-X"),
                ("LCD ON", "0000-0011-X"), ("TIMER DIS", "0000-0100-X"), ("WDT DIS", "0000-0101-X"),
                ("TONE OFF", "0000-1000-X"), ("TEST", "1110-0000-X"), ("NORMAL", "1110-0011-X")]


def test_command_summary_of_hyphenated_binary_codes():
    from tests.parsers.pdf_pages import ruled_table
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Command Summary", fontsize=10)
    rows = [["Name", "ID", "Command Code", "D/C", "Function"]]
    rows += [[n, "1 0 0", code, "C", f"Turn {n.split()[-1].lower()} the function"] for n, code in COMMANDS_BIN]
    ruled_table(page, 60, 80, [80, 40, 90, 30, 200], rows, row_h=14, fontsize=7.5, text_dy=10)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, int(code[:9].replace("-", ""), 2)) for n, code in COMMANDS_BIN}


@pytest.mark.parametrize("cell,bits", [("0001 zyxt", "00010000"), ("0101 0abc", "01010000"), ("1000 0000", "10000000")])
def test_binary_code_with_operand_letters(cell, bits):
    c = parse_addr_cell(cell)
    assert c is not None and c.kind == "bin" and c.text == bits


def test_command_set_with_operand_bits_in_codes():
    """An unruled command set whose code column prints the operand bits as letters ("0001 zyxt")
    for most commands: the column is still the codes (not a value scale)."""
    cmds = [("Start Burst Mode", "SB", "0001 zyxt"), ("Start Wake-up on Change Mode", "SW", "0010 zyxt"),
            ("Start Single Measurement Mode", "SM", "0011 zyxt"), ("Read Measurement", "RM", "0100 zyxt"),
            ("Read Register", "RR", "0101 0abc"), ("Write Register", "WR", "0110 0abc"), ("Exit Mode", "EX", "1000 0000"),
            ("Memory Recall", "HR", "1101 0000"), ("Memory Store", "HS", "1110 0000"), ("Reset", "RT", "1111 0000")]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((250, 60), "Command Set", fontsize=9)
    for x, h in ((44, "Command Name"), (210, "Symbol"), (262, "#"), (292, "CMD1 byte"), (362, "CMD2 byte"),
                 (430, "CMD3 byte"), (497, "CMD4 byte")):
        page.insert_text((x, 80), h, fontsize=8)
    for i, (name, sym, code) in enumerate(cmds):
        y = 100 + 26 * i
        for x, cell in ((44, name), (220, sym), (265, f"{int(code[:4], 2):X}"), (299, code), (380, "N/A"),
                        (447, "N/A"), (514, "N/A")):
            page.insert_text((x, y), cell, fontsize=8)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert {(s, int(c.replace(" ", "").translate(str.maketrans("abcxyzt", "0000000")), 2)) for _n, s, c in cmds} <= got
