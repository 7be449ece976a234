"""Idioms of the fifth round of the mapping development set (issue 18), each in a few hand-written
lines (written for these tests, no vendor code copied), each asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.constants import parse_constants
from firmcorpus.mapping.core import map_pair
from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register


def _sheet(regs, title="ZQ4711 sensor") -> Datasheet:
    return Datasheet(source="zq4711.pdf", pages=1, title=title,
                     registers=[Register(name=n, address=a) for n, a in regs])


def _links(path: str, text: str, regs, title="ZQ4711 sensor") -> dict[str, tuple[str, str, int]]:
    f = parse_constants(path, text) if path.endswith((".py", ".rs", ".cs")) else parse_code(path, text.encode())
    res = map_pair(_sheet(regs, title), [f], {path: text})
    return {lk.register: (lk.symbol, lk.file, lk.line) for lk in res.links}


def test_a_length_constant_is_no_register_of_the_data_block():
    """``ZQ3_LEN_…_DATA UINT8_C(7)`` counts bytes: its value equals DATA_3's address, and with the
    family's ``3`` its name spells DATA_3 (a decimal literal alone would already be held for a count)."""
    regs = [("CHIP_ID", "0x00"), ("STATUS", "0x03"), ("DATA_0", "0x04"), ("DATA_1", "0x05"), ("DATA_2", "0x06"),
            ("DATA_3", "0x07"), ("FIFO_LENGTH_0", "0x12"), ("CMD", "0x7e")]
    text = """/* zq390 */
#include <stdint.h>
#define ZQ3_REG_CHIP_ID UINT8_C(0x00)
#define ZQ3_REG_STATUS UINT8_C(0x03)
#define ZQ3_REG_DATA UINT8_C(0x04)
#define ZQ3_REG_FIFO_LENGTH UINT8_C(0x12)
#define ZQ3_REG_CMD UINT8_C(0x7E)
#define ZQ3_ODR_200_HZ UINT8_C(0x00)
#define ZQ3_ODR_100_HZ UINT8_C(0x01)
#define ZQ3_ODR_50_HZ UINT8_C(0x02)
#define ZQ3_LEN_P_AND_T_HEADER_DATA UINT8_C(7)
#define ZQ3_LEN_GEN_SETT UINT8_C(7)
"""
    links = _links("zq3_defs.h", text, regs, "ZQ390 pressure sensor")
    assert links["DATA_0"] == ("ZQ3_REG_DATA", "zq3_defs.h", 5)
    assert links["FIFO_LENGTH_0"] == ("ZQ3_REG_FIFO_LENGTH", "zq3_defs.h", 6)  # its own name says length
    assert "DATA_3" not in links


def test_rust_register_structs_with_data_space_pointers_against_io_addresses():
    """One ``impl Register for NAME { const ADDRESS: *mut u8 = 0x25 as *mut u8; }`` per register; the
    datasheet prints I/O addresses (data address - 0x20) for the low registers and data addresses for
    the extended ones: the low ones fit value = address + 0x20, the others are the address itself."""
    regs = [("PINB", "0x03"), ("DDRB", "0x04"), ("PORTB", "0x05"), ("SREG", "0x3f"), ("WDTCSR", "0x60"),
            ("UCSR0A", "0xc0"), ("UDR0", "0xc6")]
    rows = [("PINB", 0x23), ("DDRB", 0x24), ("PORTB", 0x25), ("SREG", 0x5F), ("WDTCSR", 0x60), ("UCSR0A", 0xC0),
            ("UDR0", 0xC6), ("FUSELOW", 0x0)]
    text = "//! Core for the ZQ4711.\nuse crate::Register;\n"
    lines = {}
    for name, addr in rows:
        text += f"pub struct {name};\nimpl {name} {{\n    pub const BIT0: u8 = 1 << 0;\n}}\n"
        text += f"impl Register for {name} {{\n    type T = u8;\n"
        lines[name] = text.count("\n") + 1
        text += f"    const ADDRESS: *mut u8 = 0x{addr:x} as *mut u8;\n}}\n"
    links = _links("zq4711.rs", text, regs)
    assert links["PORTB"] == ("ADDRESS", "zq4711.rs", lines["PORTB"])
    assert links["SREG"] == ("ADDRESS", "zq4711.rs", lines["SREG"])
    assert links["UDR0"] == ("ADDRESS", "zq4711.rs", lines["UDR0"])
    assert len(links) == len(regs)


def test_a_file_named_for_the_exact_part_outranks_its_shorter_sibling():
    """``zq4711p.rs`` and ``zq4711.rs`` side by side, same registers: the datasheet's part is the P."""
    body = "pub enum Register {\n    CONFIG = 0x00,\n    STATUS = 0x01,\n    CHIP_ID = 0x0F,\n}\n"
    texts = {"src/cores/zq4711p.rs": "//! Core for ZQ4711P.\n" + body,
             "src/cores/zq4711.rs": "//! Core for ZQ4711.\n" + body}
    res, _ = map_repo(_sheet([("CONFIG", "0x00"), ("STATUS", "0x01"), ("CHIP_ID", "0x0f")], "ZQ4711P sensor"), texts)
    assert {(lk.register, lk.file, lk.line) for lk in res.links} == {
        ("CONFIG", "src/cores/zq4711p.rs", 3), ("STATUS", "src/cores/zq4711p.rs", 4),
        ("CHIP_ID", "src/cores/zq4711p.rs", 5)}


def test_calibration_bytes_named_by_role_in_an_unordered_block():
    """Register macros named unlike the datasheet (their role in a conversion: ``0RH_CAL_Y_H``), in no
    address order, after the family's linked registers and its mask macros."""
    regs = [("WHO_AM_I", "0x0f"), ("CTRL_REG1", "0x20"), ("STATUS_REG", "0x27"), ("HUMIDITY_OUT_L", "0x28"),
            ("H0_rH_x2", "0x30"), ("H1_rH_x2", "0x31"), ("T0_degC_x8", "0x32"), ("H0_T0_OUT", "0x36"),
            ("T0_OUT", "0x3c")]
    text = """/* zq4711 humidity */
#define ZQ_REG_WHOAMI_ADDR 0x0f
#define ZQ_REG_WHOAMI_VAL 0xbc
#define ZQ_REG_CTRL1_ADDR 0x20
#define ZQ_REG_STATUS_ADDR 0x27
#define ZQ_REG_H_OUT_L 0x28
#define ZQ_ODR_MASK 0x03
#define ZQ_BDU_MASK 0x04
#define ZQ_REG_0RH_CAL_X_H 0x36
#define ZQ_REG_0RH_CAL_Y_H 0x30
#define ZQ_REG_1RH_CAL_Y_H 0x31
#define ZQ_REG_0T_CAL_X_L 0x3c
#define ZQ_REG_0T_CAL_Y_H 0x32
"""
    links = _links("zq4711_core.c", text, regs)
    assert links["H0_T0_OUT"] == ("ZQ_REG_0RH_CAL_X_H", "zq4711_core.c", 9)
    assert links["H0_rH_x2"] == ("ZQ_REG_0RH_CAL_Y_H", "zq4711_core.c", 10)
    assert links["H1_rH_x2"] == ("ZQ_REG_1RH_CAL_Y_H", "zq4711_core.c", 11)
    assert links["T0_OUT"] == ("ZQ_REG_0T_CAL_X_L", "zq4711_core.c", 12)
    assert links["T0_degC_x8"] == ("ZQ_REG_0T_CAL_Y_H", "zq4711_core.c", 13)
    assert len(links) == len(regs)


def test_unordered_block_needs_a_register_marker_and_no_counts():
    """A block of constants whose values are unlinked register addresses, in a family without a
    register word (``ZQ_MAXCHAN``, ``ZQ_PERIOD_MIN``), or with a decimal count in it, stays unlinked."""
    regs = [("MODE1", "0x00"), ("MODE2", "0x01"), ("LED0_ON_L", "0x06"), ("LED2_OFF_L", "0x10"),
            ("LED4_OFF_H", "0x19"), ("LED5_ON_L", "0x1a"), ("PRESCALE", "0xfe")]
    text = """/* zq4711 pwm */
#define ZQ_MODE1 0x00
#define ZQ_MODE2 0x01
#define ZQ_LED0_ON_L 0x06
#define ZQ_PRESCALE 0xFE
#define ZQ_MAXCHAN 0x10
#define ZQ_PERIOD_MIN 0x1A
#define ZQ_PERIOD_MAX 0x19
"""
    links = _links("zq4711_pwm.c", text, regs)
    assert set(links) == {"MODE1", "MODE2", "LED0_ON_L", "PRESCALE"}
    text = """/* zq4711 pwm */
#define ZQ_REG_MODE1 0x00
#define ZQ_REG_MODE2 0x01
#define ZQ_REG_LED0_ON_L 0x06
#define ZQ_REG_PRESCALE 0xFE
#define ZQ_REG_CHAN_SEL 0x10
#define ZQ_REG_OSC_MHZ 25
#define ZQ_REG_FIRST_FREE 0x1A
"""
    links = _links("zq4711_pwm.c", text, regs)
    assert set(links) == {"MODE1", "MODE2", "LED0_ON_L", "PRESCALE"}
