"""Register maps of banks that reuse addresses, each under a section heading that names its bank
("7.1 USER BANK 0 REGISTER MAP"), on pages the test renders itself (issue 17, block context): every
bank's rows are kept and each bank is its own block (``peripheral``); and a sentence under a table
that the column walls cut into "Addresses 00h" | "to 18h," gives no address."""

from __future__ import annotations

from firmcorpus.parsers.pdf_layout import parse_address
from tests.parsers.pdf_pages import parse_drawn, ruled_table

BANK0 = [("WHO_AM_I", 0x00), ("USER_CTRL", 0x03), ("LP_CONFIG", 0x05), ("PWR_MGMT_1", 0x06), ("PWR_MGMT_2", 0x07),
         ("INT_PIN_CFG", 0x0F), ("INT_ENABLE", 0x10), ("INT_ENABLE_1", 0x11), ("INT_ENABLE_2", 0x12),
         ("INT_ENABLE_3", 0x13), ("I2C_MST_STATUS", 0x17), ("INT_STATUS", 0x19), ("INT_STATUS_1", 0x1A),
         ("INT_STATUS_2", 0x1B), ("INT_STATUS_3", 0x1C), ("DELAY_TIMEH", 0x28), ("DELAY_TIMEL", 0x29),
         ("REG_BANK_SEL", 0x7F)]
BANK2 = [("GYRO_SMPLRT_DIV", 0x00), ("GYRO_CONFIG_1", 0x01), ("GYRO_CONFIG_2", 0x02), ("XG_OFFS_USRH", 0x03),
         ("XG_OFFS_USRL", 0x04), ("YG_OFFS_USRH", 0x05), ("YG_OFFS_USRL", 0x06), ("ODR_ALIGN_EN", 0x09),
         ("ACCEL_SMPLRT_DIV_1", 0x10), ("ACCEL_SMPLRT_DIV_2", 0x11), ("ACCEL_INTEL_CTRL", 0x12),
         ("REG_BANK_SEL", 0x7F)]
HEAD = ["ADDR (HEX)", "ADDR (DEC.)", "REGISTER NAME", "SERIAL I/F", "BIT7", "BIT6"]


def _bank(page, y0: float, number: str, bank: int, rows) -> float:
    page.insert_text((50, y0), number, fontsize=10)
    page.insert_text((110, y0), f"USER BANK {bank} REGISTER MAP", fontsize=10)
    return ruled_table(page, 50, y0 + 10, [50, 50, 120, 50, 70, 70],
                       [HEAD] + [[f"{a:02X}", str(a), n, "R/W", "-", "-"] for n, a in rows], row_h=14)


def _parse(tmp_path, draw):
    return parse_drawn(tmp_path, draw, "banks.pdf")


def test_bank_maps_under_bank_headings_are_separate_blocks(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((50, 50), "7 REGISTER MAP FOR GYROSCOPE AND ACCELEROMETER", fontsize=11)
        y = _bank(p, 80, "7.1", 0, BANK0)
        _bank(p, y + 30, "7.3", 2, BANK2)

    regs = _parse(tmp_path, draw)
    got = {(r.name, int(r.address, 16)) for r in regs}
    assert got == set(BANK0) | set(BANK2)
    blocks = {r.peripheral for r in regs}
    assert len(blocks) == 2 and None not in blocks
    sel = [r for r in regs if r.name == "REG_BANK_SEL"]
    assert len(sel) == 2 and sel[0].peripheral != sel[1].peripheral


def test_range_end_cut_from_a_sentence_is_no_address():
    # "Addresses 00h to 18h, 30h to 32h are compliant ...": a note under a map whose words fall
    # into the name ("Addresses 00h") and address ("to 18h,") columns of the header reader
    assert parse_address("to 18h,") == (None, False)
    assert parse_address("- 0x10") == (None, False)
    assert parse_address("00h to 18h") == (0, True)
    assert parse_address("00 - 04") == (0, True)
