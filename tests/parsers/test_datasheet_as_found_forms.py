"""Forms met on development datasheets taken as found (second round), each on a page the test
draws itself (the truth is what it prints); each test failed before its mechanism:

* a register table whose names are left-aligned under a "Name" header centred further right, so
  the header midpoints put the first name word into the address column ("00h ~ 11h LED");
* register headings with a hardware-description literal address, "Register 8'h04—NAME", the
  apostrophe typographic or plain;
* 16-bit command codes printed as two spaced bytes ("0x26 0x0F");
* a command table that prints each code only as bits under D7..D0, with control-line columns
  (C/D, W/R) between the name and the bits and operand bits (#) in some rows.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_headings import parse_heading

# a TrueType face with the typographic apostrophe and the em dash (the base-14 fonts have neither)
UNICODE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _got(pdf: bytes) -> set[tuple[str, int]]:
    return {(r.name, int(r.address, 16)) for r in parse_pdf(pdf).registers}


def test_names_left_of_a_centred_header():
    regs = [(0x00, "Configuration Register", "Configure the operation mode"),
            (0x01, "Picture Display Register", "Set the display frame"),
            (0x02, "Auto Play Control Register 1", "Set the way of display"),
            (0x05, "Display Option Register", "Set the display option"),
            (0x07, "Frame State Register", "Store the frame information"),
            (0x0A, "Shutdown Register", "Set software shutdown mode"),
            (0x0B, "AGC Control Register", "Set the AGC function")]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((45, 80), "Table 3 Register Function", fontsize=9)
    for x, h in ((51, "Address"), (159, "Name"), (318, "Function"), (473, "R/W")):
        page.insert_text((x, 104), h, fontsize=9)
    # a group row and three ranged rows of another block first, as the real table prints them
    page.insert_text((45, 124), "Frame Register (Page One to Page Eight)", fontsize=9)
    for i, (lo, hi, n) in enumerate(((0x00, 0x11, "LED Control Register"), (0x12, 0x23, "Blink Control Register"),
                                     (0x24, 0xB3, "PWM Register"))):
        page.insert_text((45, 140 + 16 * i), f"{lo:02X}h ~ {hi:02X}h", fontsize=9)
        page.insert_text((96, 140 + 16 * i), n, fontsize=9)
        page.insert_text((476, 140 + 16 * i), "R/W", fontsize=9)
    page.insert_text((45, 188), "Function Register (Page Nine)", fontsize=9)
    for i, (a, n, f) in enumerate(regs):
        y = 204 + 16 * i
        page.insert_text((55, y), f"{a:02X}h", fontsize=9)
        page.insert_text((96, y), n, fontsize=9)  # left of the centred "Name" header
        page.insert_text((250, y), f, fontsize=9)
        page.insert_text((476, y), "R/W", fontsize=9)
    got = _got(doc.tobytes())
    assert {(n, a) for a, n, _ in regs} <= got


@pytest.mark.parametrize("quote", ["'", "’"])
def test_hardware_literal_heading(quote):
    assert [(n, a) for n, a, *_ in parse_heading(f"Register 8{quote}h04—F0_CMD_STAT_CFG")] == [("F0_CMD_STAT_CFG", 4)]
    assert [(n, a) for n, a, *_ in parse_heading(f"Register 24{quote}h2F0004—F0_CMD_STAT_MM")] == \
        [("F0_CMD_STAT_MM", 0x2F0004)]


def test_registers_defined_by_hardware_literal_headings():
    regs = [("Vendor and Device ID", "F0_VNDR_DEV_ID", 0x00), ("Command and Status", "F0_CMD_STAT", 0x04),
            ("Revision ID and Class Code", "F0_REVID_CLASS", 0x08), ("Base Address 0", "F0_BAR0", 0x10)]
    doc = pymupdf.open()
    for long, mn, a in regs:  # one register a page, as the detail chapter prints them
        page, y = doc.new_page(width=612, height=792), 70
        page.insert_text((60, y), f"{long} Register", fontsize=11)
        for dy, line in ((16, f"Register 8’h{a:02X}—{mn}_CFG"), (28, f"Register 24’h2F00{a:02X}—{mn}_MM")):
            page.insert_text((60, y + dy), line, fontsize=9, fontname="dv", fontfile=UNICODE_FONT)
        page.insert_text((60, y + 46), "The bits of this register are described in the table below.", fontsize=8)
    want = {(f"{mn}_CFG", a) for _l, mn, a in regs} | {(f"{mn}_MM", 0x2F0000 + a) for _l, mn, a in regs}
    assert _got(doc.tobytes()) == want


def test_codes_printed_only_as_bits():
    cmds = [("Write Data Byte", "1 0", "########"), ("Set Scroll Line", "0 0", "01######"),
            ("Set Electronic Volume", "0 0", "10000001"), ("System Reset", "0 0", "11100010"), ("NOP", "0 0", "11100011"),
            ("Set Static Indicator OFF", "0 0", "10101100"), ("Set Static Indicator ON", "0 0", "10101101"),
            ("Set Booster Ratio", "0 0", "11111000"), ("Set Adv. Program Control 0", "0 0", "11111010"),
            ("Set Adv. Program Control 1", "0 0", "11111011")]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 60), "COMMAND TABLE", fontsize=11)
    xs_bits = [230 + 24 * k for k in range(8)]
    for x, h in [(60, "Command"), (180, "C/D"), (202, "W/R")] + [(x, f"D{7 - k}") for k, x in enumerate(xs_bits)] + \
            [(440, "Action")]:
        page.insert_text((x, 90), h, fontsize=8)
    for i, (name, ctl, bits) in enumerate(cmds):
        y = 108 + 14 * i
        page.insert_text((40, y), f"{i + 1}.", fontsize=8)
        page.insert_text((60, y), name, fontsize=8)
        page.insert_text((182, y), ctl.split()[0], fontsize=8)
        page.insert_text((206, y), ctl.split()[1], fontsize=8)
        for k, b in enumerate(bits):
            page.insert_text((xs_bits[k] + 2, y), b, fontsize=8)
        page.insert_text((440, y), "see below", fontsize=8)
    want = {(n, int(b, 2)) for n, _c, b in cmds if set(b) <= {"0", "1"}}
    assert _got(doc.tobytes()) == want


def test_sixteen_bit_commands_printed_as_spaced_bytes():
    """Command | Command hex. code | Parameter length | Response length: codes '0x26 0x0F'."""
    cmds = [("measure_raw_signal", 0x260F), ("execute_self_test", 0x280E), ("turn_heater_off", 0x3615),
            ("get_serial_number", 0x3682)]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((45, 70), "The available measurement commands are listed in Table 8.", fontsize=9)
    for x, h in ((45, "Command"), (190, "Command hex."), (290, "Parameter length"), (410, "Response length")):
        page.insert_text((x, 96), h, fontsize=8)
    for x, h in ((190, "code"), (290, "including CRC"), (410, "including CRC")):
        page.insert_text((x, 106), h, fontsize=8)
    for i, (n, c) in enumerate(cmds):
        y = 126 + 14 * i
        for x, cell in ((45, n), (190, f"0x{c >> 8:02X} 0x{c & 0xFF:02X}"), (290, "6" if i == 0 else "–"), (410, "3")):
            page.insert_text((x, y), cell, fontsize=8)
    page.insert_text((45, 126 + 14 * 5), "Table 8 I2C commands available.", fontsize=8)
    assert _got(doc.tobytes()) == set(cmds)
