"""Registers defined by headings (``parsers.pdf_headings``): one detector, many printed shapes.

Unit cases for each shape (and lines that look like headings and are not), real pages of
``../shared/data/datasheets_unlabelled`` with the truth written here from the page text, and
rendered documents without a summary table read end to end by ``parse_pdf``.
"""

from __future__ import annotations

import pymupdf
import pytest
from pdf_pages import text_pdf

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_headings import heading_registers, parse_heading


@pytest.mark.parametrize("line,want", [
    ("(2) POWER SETTING (PWR) (R01H)", [("PWR", 0x01)]),
    ("PANEL SETTING (PSR) (REGISTER: R00H)", [("PSR", 0x00)]),
    ("CTRL1 [0x20]", [("CTRL1", 0x20)]),
    ("7.5.3 MODE (04h)", [("MODE", 0x04)]),
    ("Configuration Register (address = 01h) [reset = 00h]", [("Configuration Register", 0x01)]),
    ("7.6.1.2 Temperature Register (P[1:0] = 0h)", [("Temperature Register", 0x00)]),
    ("Limit Register (pointer = 03h)", [("Limit Register", 0x03)]),
    ("ALS_CONTR Register (0x80)", [("ALS_CONTR", 0x80)]),
    ("DATA_CH1 Register (0x88 / 0x89) (Read Only)", [("DATA_CH1_0", 0x88), ("DATA_CH1_1", 0x89)]),
    ("Basic Mode Control Register (BMCR) (00h)", [("BMCR", 0x00)]),
    ("PHY_CTRL (PHY control) [R/W] [0x0010] [0x00]", [("PHY_CTRL", 0x10)]),
    ("INT_EN (Interrupt enable) [0x0A] [0x00]", [("INT_EN", 0x0A)]),
    ("4.3.1. Register 0x00 “CHIP_ID”", [("CHIP_ID", 0x00)]),
    ("Register 0x1A: IF_CONF", [("IF_CONF", 0x1A)]),
    ("Register 25 – Sample Rate Divider", [("Sample Rate Divider", 25)]),
    ("Address: 0x2A, Reset: 0x00, Name: INTMAP1", [("INTMAP1", 0x2A)]),
    ("OUTX_L (28h), OUTX_H (29h)", [("OUTX_L", 0x28), ("OUTX_H", 0x29)]),
    ("THS_L (0x32) and THS_H (0x33)", [("THS_L", 0x32), ("THS_H", 0x33)]),
    ("REG0A", [("REG0A", 0x0A)]),
    ("Configuration Register: P[1:0] = 01", [("Configuration Register", 0x01)]),  # pointer bits: binary
    ("7.5.3 Tlow Register P1P0 = 10b", [("Tlow Register", 0x02)]),
    ("THIGH Register - P[1:0] = 3h", [("THIGH Register", 0x03)]),
])
def test_heading_shapes(line, want):
    assert [(n, a) for n, a, _l, _s in parse_heading(line)] == want


@pytest.mark.parametrize("line", [
    "Table 26: Register 0x00 “CHIP_ID”",  # a caption repeats the heading
    "Register 107 (0x01) Power Management 1",  # the parenthesised number is a reset value
    "ALS_DATA_CH1_0 (default = 0x00)",  # a default value, not an address
    "Registers 0x3C, 0x3D",  # no name
    "Figure 3 (0x20)",
    "Instruction (06h)",  # a diagram label
    "CTRL1 (20h) ............................. 31",  # a table-of-contents line
    "High byte, Low byte in USR register (14h)",  # prose
    "The device powers up when 03h (Power) is written to the register at 00h.",
    "The pointer P[1:0] = 01 selects the configuration register.",
])
def test_lines_that_are_not_register_headings(line):
    assert parse_heading(line) == []


def test_two_headings_are_not_a_family():
    pages = {1: "CTRL1 (20h)\nsome text", 2: "CTRL2 (21h)\nmore text"}
    assert heading_registers(pages) == []
    pages[3] = "STATUS (27h)"
    assert [(h.name, h.address) for h in heading_registers(pages)] == [("CTRL1", 0x20), ("CTRL2", 0x21),
                                                                       ("STATUS", 0x27)]


def test_index_in_decimal_under_a_heading():
    pages = {
        1: "5.1 Basic Mode Control Register (BMCR)\nIndex (In Decimal): 0 Access: RW\nBit Name",
        2: "5.2 Basic Mode Status Register (BMSR)\nIndex (In Decimal): 1\n",
        3: "5.12 Extended Control Register (EXCR)\nIndex (In Decimal): 16\n",
        4: "Reserved\nIndex (In Decimal): 17\n",  # no name heading above: nothing
    }
    got = [(h.name, h.address) for h in heading_registers(pages)]
    assert got == [("BMCR", 0), ("BMSR", 1), ("EXCR", 16)]


def test_index_in_decimal_on_the_heading_line():
    pages = {1: "Basic Mode Control Register (BMCR) Index (In Decimal): 0", 2: "Basic Mode Status Register (BMSR) "
             "Index (In Decimal): 1", 3: "Extended Control Register (EXCR) Index (In Decimal): 16"}
    assert [(h.name, h.address) for h in heading_registers(pages)] == [("BMCR", 0), ("BMSR", 1), ("EXCR", 16)]


def test_bracket_headings_read_end_to_end(tmp_path):
    # no summary table: each register is "NAME (Long name) [access] [address] [reset]"
    pages = [["4.1 MODE_CFG (Mode configuration) [R/W] [0x0000] [0x00]", "Bit 7:4 Reserved"],
             ["4.2 INT_EN (Interrupt enable) [R/W] [0x0001] [0x00]", "Bit 0 DRDY_EN"],
             ["4.3 INT_STS (Interrupt status) [R] [0x0002] [0x00]", "Bit 0 DRDY"],
             ["4.4 DATA_OUT (Output data) [R] [0x0010] [0x00]", "Bits 7:0 sample"]]
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(text_pdf(tmp_path, pages)).registers}
    assert {("MODE_CFG", 0), ("INT_EN", 1), ("INT_STS", 2), ("DATA_OUT", 0x10)} <= got


UNLABELLED = shared_data_dir() / "datasheets_unlabelled" if shared_data_dir() else None
needs_unlabelled = pytest.mark.skipif(UNLABELLED is None or not (UNLABELLED / "bosch_bmp390.pdf").is_file(),
                                      reason="../shared/data/datasheets_unlabelled not present")


def _page_text(pdf: str) -> dict[int, str]:
    doc = pymupdf.open(UNLABELLED / pdf)
    return {i + 1: p.get_text() for i, p in enumerate(doc)}


@needs_unlabelled
def test_real_register_first_headings_with_quoted_names():
    # the register-description section (pages 31-39): "4.3.n. Register 0xNN “NAME”", each
    # repeated by a "Table n: Register ..." caption that must not count twice
    heads = {(h.name, h.address) for h in heading_registers(_page_text("bosch_bmp390.pdf"))}
    truth = {("CHIP_ID", 0x00), ("REV_ID", 0x01), ("ERR_REG", 0x02), ("STATUS", 0x03), ("EVENT", 0x10),
             ("INT_STATUS", 0x11), ("FIFO_LENGTH", 0x12), ("FIFO_DATA", 0x14), ("FIFO_CONFIG_1", 0x17),
             ("FIFO_CONFIG_2", 0x18), ("INT_CTRL", 0x19), ("IF_CONF", 0x1A), ("PWR_CTRL", 0x1B), ("OSR", 0x1C),
             ("ODR", 0x1D), ("CONFIG", 0x1F), ("CMD", 0x7E)}
    assert truth <= heads
    assert not [h for h in heads if h[1] not in {a for _n, a in truth} | {0x04, 0x07, 0x0C, 0x15, 0x30}]


@needs_unlabelled
def test_real_address_reset_name_lines():
    # register detail pages (24-31): "Address: 0xNN, Reset: 0xNN, Name: NAME"
    heads = [(h.name, h.address) for h in heading_registers(_page_text("adi_adxl362.pdf")) if h.shape == "fields"]
    for want in [("DEVID_AD", 0x00), ("PARTID", 0x02), ("STATUS", 0x0B), ("SOFT_RESET", 0x1F),
                 ("THRESH_ACT_L", 0x20), ("FIFO_SAMPLES", 0x29), ("INTMAP1", 0x2A), ("POWER_CTL", 0x2D),
                 ("SELF_TEST", 0x2E)]:
        assert want in heads
    assert len(heads) == len(set(heads)) == 34


@needs_unlabelled
def test_real_long_name_register_headings():
    # "Control Register (0h)" .. "ADC Channel Data Registers (Ch − Fh)" (a range: its first address);
    # "ID Register (Ah)": an all-capitals word before "Register" is the mnemonic
    heads = [(h.name, h.address) for h in heading_registers(_page_text("ams_tsl2561.pdf"))]
    assert heads == [("Control Register", 0x0), ("Timing Register", 0x1), ("Interrupt Threshold Register", 0x2),
                     ("Interrupt Control Register", 0x6), ("ID", 0xA), ("ADC Channel Data Registers", 0xC)]


def test_prefixed_address_headings():
    pages = {1: "7.1 MX-00h: Reset\nbits", 2: "7.2 MX-02h: Speaker Output Volume\nbits",
             3: "7.3 MX-0Ch: Record Mixer Control\n", 4: "See MX-02h: for the volume steps."}
    got = [(h.name, h.address) for h in heading_registers(pages)]
    assert got == [("Reset", 0x00), ("Speaker Output Volume", 0x02), ("Record Mixer Control", 0x0C)]


def test_address_line_in_chinese_under_a_mixed_case_name():
    """A register heading in mixed case with an underscore, then "寄存器地址=0X20" (register
    address, an upper-case X) on the line under it (found on a datasheet taken as found)."""
    pages = {
        3: "SYS_CTL0\n\n寄存器地址=0X00\nBit(s) Name Description R/W Reset\n7:6 Reserved 10",
        4: "SYS_CTL1\n寄存器地址= 0X01\nBit(s) Name\n\nCharger_CTL0\n\n寄存器地址=0x20\n",
        5: "Charger_CTL1\n寄存器地址=0X21\n\nREG_READ3\nOffset = 0X77\n",
    }
    got = [(h.name, h.address) for h in heading_registers(pages)]
    assert got == [("SYS_CTL0", 0x00), ("SYS_CTL1", 0x01), ("Charger_CTL0", 0x20), ("Charger_CTL1", 0x21),
                   ("REG_READ3", 0x77)]
