"""Forms met on the fourth round of datasheets taken as found for the development set, on pages
the test draws itself or as lines (the truth is what the test prints). Each test failed before
its mechanism:

* address tokens "R0Ah" (a register prefix), "0BxH" (a stray x before the suffix), "h15" (a
  lower-case h before the digits);
* headings "REG[01h] Long Name (MNEM)" (the address in brackets after the keyword), many to a
  page when each heads its own bit table, and "R0Ah: NAME (Long name)";
* a ruled command list whose code column holds bare hex with repeated parameter values ("00",
  "XX"), told apart by its "D/C" column (printed over a line of "X" marks), with a name wrapped
  around its code line.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import parse_addr_cell
from firmcorpus.parsers.pdf_headings import heading_registers, parse_heading
from tests.parsers.pdf_pages import ruled_table


@pytest.mark.parametrize("cell,value", [("R0Ah", 0x0A), ("RB3h", 0xB3), ("0BxH", 0x0B), ("h15", 0x15), ("h0A", 0x0A)])
def test_address_token_variants(cell, value):
    c = parse_addr_cell(cell)
    assert c is not None and int(c.text, 16) == value


@pytest.mark.parametrize("line,want", [
    ("REG[01h] Power and Display Control Register (PWRR)", [("PWRR", 0x01)]),
    ("REG [C0h] Key-Scan Control Register 1 (KSCR1)", [("KSCR1", 0xC0)]),
    ("REG[C2h ~ C4h] for the key code", []),
    ("R0Ah: GET_POWER_MODE (Read Display Power Mode)", [("GET_POWER_MODE", 0x0A)]),
    ("R0Fh:RDDSDR ( Read Display Self-Diagnostic Result)(TBD)", [("RDDSDR", 0x0F)]),
])
def test_heading_shapes(line, want):
    assert [(n, a) for n, a, _l, _s in parse_heading(line)] == want


def test_many_small_registers_headed_on_one_page():
    """Eight register headings on one page, each over its own bit table: headings, not the cells of
    a table column (which stack on consecutive lines)."""
    names = ["HSAW0", "HSAW1", "VSAW0", "VSAW1", "HEAW0", "HEAW1", "VEAW0", "VEAW1"]
    text = ""
    for i, n in enumerate(names):
        text += f"REG[{0x30 + i:02X}h] Window Point {i} of Active Window ({n})\n"
        text += "Bit Description Default Access\n7-0 Window point [7:0] 0 RW\n\n\n"
    got = [(h.name, h.address) for h in heading_registers({24: text, 25: "REG[40h] Memory Write Control (MWCR0)\n"
                                                                          "Bit Description\n\n\n\n",
                                                           26: "REG[41h] Memory Write Control 1 (MWCR1)\n"})]
    assert got == [(n, 0x30 + i) for i, n in enumerate(names)] + [("MWCR0", 0x40), ("MWCR1", 0x41)]


def test_stacked_table_cells_are_not_headings():
    rows = "\n".join(f"R{n} ({n:02X}h)" for n in range(10, 30))
    assert heading_registers({67: rows}) == []


COMMANDS = [("Read Display Status", 0x09, ["XX", "00", "61", "00", "00"]), ("Sleep In", 0x10, []),
            ("Sleep OUT", 0x11, []), ("Partial Mode ON", 0x12, []), ("Normal Display Mode ON", 0x13, []),
            ("Display Inversion OFF", 0x20, []), ("Memory Access Control", 0x36, ["00"]),
            ("Pixel Format Set", 0x3A, ["66"])]


def test_command_list_told_apart_by_its_dc_column():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "6.1. Command List", fontsize=10)
    widths = [110, 30, 30, 30] + [28] * 8 + [40]
    bits = [f"D{k}" for k in range(7, -1, -1)]
    head = [["Command", "D/C", "RD", "WR"] + bits + ["HEX"], ["Function", "X", "X", "X"] + [""] * 8 + [""]]
    y = ruled_table(page, 40, 60, widths, head, row_h=12, fontsize=6.5, text_dy=8.5)
    rows = []
    for name, code, params in COMMANDS:
        rows.append(["", "0", "1", "W"] + list(f"{code:08b}") + [f"{code:02X}"])
        rows += [["", "1", "R", "1"] + ["X"] * 8 + [p] for p in params]
    ruled_table(page, 40, y, widths, rows, row_h=16, fontsize=6.5, text_dy=10, merged_first_col=True)
    r = 0
    for name, _code, params in COMMANDS:
        words = name.split()
        if not params and len(words) >= 3:  # wrapped around its code line
            page.insert_text((43, y + 16 * r + 5), " ".join(words[:2]), fontsize=6)
            page.insert_text((43, y + 16 * r + 15), " ".join(words[2:]), fontsize=6)
        else:
            page.insert_text((43, y + 16 * r + 10), name, fontsize=6.5)
        r += 1 + len(params)
    got = {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, c) for n, c, _p in COMMANDS}


def test_headings_with_a_block_prefix_over_two_maps_that_share_addresses():
    """One document, two devices: "ACC Register 0x00 (BGW_CHIPID)" and "GYR Register 0x00
    (CHIP_ID)". The prefix is the block; the same addresses in two blocks are a family."""
    acc = ["BGW_CHIPID", "ACCD_X_LSB", "ACCD_X_MSB", "ACCD_Y_LSB", "ACCD_Y_MSB", "INT_STATUS_0"]
    gyr = ["CHIP_ID", "RATE_X_LSB", "RATE_X_MSB", "RATE_Y_LSB", "RATE_Y_MSB", "INT_STATUS_0"]  # one name in both
    pages = {}
    for i, n in enumerate(acc):
        pages[50 + i] = f"ACC Register 0x{i:02X} ({n})\nBit 7 Bit 6\nRead/Write R R\n"
    pages[49] = "ACC Register 0x07 is reserved\n"
    for i, n in enumerate(gyr):
        pages[90 + i] = f"GYR Register 0x{i:02X} ({n})\nBit 7 Bit 6\nRead/Write R R\n"
    got = {(h.block, h.name, h.address) for h in heading_registers(pages)}
    assert got == {("ACC", n, i) for i, n in enumerate(acc)} | {("GYR", n, i) for i, n in enumerate(gyr)}


def test_ligature_in_a_header_and_two_offset_columns():
    """"Word Oﬀset | Byte Oﬀset | Register" (an ff ligature in the text layer): the byte offset,
    printed at a fixed width, is the address; the running word count is an index."""
    from firmcorpus.parsers.pdf_layout import clean_text
    assert clean_text("Byte Oﬀset") == "Byte Offset"
    names = ["CVR", "SR", "CR", "LCFR", "DOUT1R", "DOUT0R", "DIN1R", "DIN0R"]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    rows = [["Word Offset", "Byte Offset", "Register", "Long Name"]]
    rows += [[str(i), f"{4 * i:04X}", n, f"{n} Register"] for i, n in enumerate(names)]
    ruled_table(page, 60, 80, [70, 70, 60, 160], rows, row_h=16, fontsize=8)
    got = {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, 4 * i) for i, n in enumerate(names)}


def test_error_code_table_is_not_a_register_map():
    """"Error Code" merged over a dec and a hex sub-column, then "Meaning": the codes a device
    reports, not registers."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    rows = [["Error", "Code", "Meaning"], ["dec", "hex", ""]]
    meanings = ["No error", "Wrong data length for this command", "Unknown command", "No access right for command",
                "Illegal command parameter", "Internal function argument out of range"]
    rows += [[str(v), f"0x{v:02X}", m] for v, m in zip([0, 1, 2, 3, 4, 40], meanings)]
    ruled_table(page, 60, 80, [50, 50, 300], rows, row_h=16, fontsize=8)
    ds = parse_pdf(doc.tobytes())
    assert ds.registers == []
    assert any("outcome codes" in w for w in ds.warnings)


def test_prose_under_chart_axes_is_no_register_matrix():
    from firmcorpus.parsers.pdf_matrix import find_matrices
    words = []
    for k in range(8):
        words.append((100 + 40 * k, 60, 110 + 40 * k, 70, str(k)))
    prose = [["definition", "stated", "and", "details"], ["repeatability", "about", "is", "the"],
             ["accuracy", "for", "humidity", "refer"]]
    for r, line in enumerate(prose):
        y = 90 + 20 * r
        words.append((60, y, 75, y + 10, f"{0x10 * (r + 1):02X}h"))
        for k, w in enumerate(line):
            words.append((100 + 40 * (k + 1), y, 130 + 40 * (k + 1), y + 10, w))
    assert find_matrices(words) == []


@pytest.mark.parametrize("names,why", [
    (["5060HZ CTRL00", "5060HZ CTRL01", "5060HZ CTRL02", "LIGHT METER1 THRESHOLD"], None),
    (["50 Hz", "60 Hz", "100 ms", "1 kHz"], "quantities"),
])
def test_a_unit_inside_a_register_name_in_capitals(names, why):
    from firmcorpus.parsers.datasheet import _not_a_register_map
    got = _not_a_register_map(names)
    assert (got is None) if why is None else (why in got)


def _raw(table: str, page: int, rows):
    from firmcorpus.parsers.pdf_registers import RawRegister
    return [RawRegister(n, a, page=page, table=table) for n, a in rows]


def test_a_register_chapter_outweighs_an_earlier_excerpt_that_disagrees():
    """A functional section quotes twelve rows (one misread) before the register chapter prints the
    whole map (fourteen): the map's reading stands."""
    from firmcorpus.parsers.datasheet import _drop_restated_conflicts
    from firmcorpus.parsers.models import Datasheet
    excerpt = _raw("p56.w1", 56, [("DATA00b OTP", 0x3D00)] + [(f"OTP DATA{i:02X}", 0x3D00 + i) for i in range(1, 12)])
    chapter = _raw("p108.w1", 108, [(f"OTP DATA{i:02X}", 0x3D00 + i) for i in range(14)])
    kept = _drop_restated_conflicts(excerpt + chapter, Datasheet(source="t", pages=120))
    assert ("DATA00b OTP", 0x3D00) not in {(r.name, r.address) for r in kept}
    assert {(f"OTP DATA{i:02X}", 0x3D00 + i) for i in range(14)} <= {(r.name, r.address) for r in kept}


USER_COMMANDS = [("Read T & RH", "0000000X"), ("Read RH", "0001000X"), ("Reset", "0001111X"), ("Heater on", "0000010X"),
                 ("Heater off", "0000001X"), ("Read serial number", "0000101X")]


@pytest.mark.parametrize("title,want", [("Command Byte", True), ("Register Byte", False)])
def test_command_codes_printed_as_bits_under_bare_bit_numbers(title, want):
    """"Command Byte | 7 6 5 4 3 2 1 0" over rows of bits whose last bit, a stop bit, is X on every
    row: codes with that bit 0; a row with an operand field in its bits is left out. Bare bit
    numbers head a register's bit table unless the table says it lists commands."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    xs = [60] + [200 + 40 * k for k in range(8)]
    page.insert_text((xs[0], 80), title, fontsize=8)
    for k in range(8):
        page.insert_text((xs[k + 1], 80), str(7 - k), fontsize=8)
    page.insert_text((xs[0], 96), "Command Name" if want else "Field", fontsize=8)
    rows = [("Conversion", ["0", "1", "0", "OSRRH1", "OSRRH0", "OSRT1", "OSRT0", "X"])]
    rows += [(n, list(b)) for n, b in USER_COMMANDS]
    for r, (name, bits) in enumerate(rows):
        y = 112 + 16 * r
        page.insert_text((xs[0], y), name, fontsize=8)
        for k, b in enumerate(bits):
            page.insert_text((xs[k + 1], y), b, fontsize=8)
    got = {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}
    assert got == ({(n, int(b.replace("X", "0"), 2)) for n, b in USER_COMMANDS} if want else set())


def test_a_name_ending_in_a_number_keeps_it():
    """"PAD OUTPUT ENABLE 00 | 0x00": the one-space gap before "00" is inside the name cell, the
    gutter before "0x00" is the wall (the header "register name" is narrower than the names)."""
    names = ["PAD OUTPUT ENABLE 00", "PAD OUTPUT ENABLE 01", "PAD OUTPUT ENABLE 02", "PAD OUTPUT VALUE 00",
             "PAD OUTPUT VALUE 01", "MIPI CONTROL 00"]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((323, 80), "default", fontsize=8)
    for x, h in ((159, "address"), (208, "register name"), (323, "value"), (367, "R/W"), (402, "description")):
        page.insert_text((x, 90), h, fontsize=8)
    for i, n in enumerate(names):
        y = 110 + 24 * i
        for x, c in ((159, f"0x{0x3016 + i:04X}"), (323, "0x00"), (367, "RW"), (402, "Bit[7:0]: output enable")):
            page.insert_text((x, y), c, fontsize=8)
        # the words of the name as the real page sets them: the last one starts near the midpoint
        # of the two header labels
        *head, last = n.split()
        page.insert_text((292.3 - 2.2 - pymupdf.get_text_length(" ".join(head), fontsize=8), y), " ".join(head), fontsize=8)
        page.insert_text((292.3, y), last, fontsize=8)
    got = {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, 0x3016 + i) for i, n in enumerate(names)}
