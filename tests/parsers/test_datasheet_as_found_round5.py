"""Forms met on the fifth round of datasheets taken as found for the development set, on pages the
test draws itself (the truth is what the test prints). Each test failed before its mechanism:

* 5-bit binary instruction codes ("00010" under "Binary Code[4:0]");
* a command list with Chinese headers ("命令名 | 值", command name | value), codes out of order,
  followed far below by a request frame that quotes a code ("A5 25");
* program source printed in a manual ("#define INST_PING 0x01") is no table;
* "Instruction Value (Hex)" heads a command list's code column.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import parse_addr_cell
from tests.parsers.pdf_pages import ruled_table


def _got(doc) -> set[tuple[str, int]]:
    return {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}


@pytest.mark.parametrize("cell", ["00010", "11111", "0000101"])
def test_short_binary_codes_parse(cell):
    c = parse_addr_cell(cell)
    assert c is not None and c.text == cell


JTAG = [("EXTEST", "00000"), ("SAMPLE", "00001"), ("USR1", "00010"), ("USR2", "00011"), ("CFG_OUT", "00100"),
        ("CFG_IN", "00101"), ("INTEST", "00111"), ("IDCODE", "01001"), ("BYPASS", "11111")]


def test_boundary_scan_instructions_in_5_bit_binary():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 60), "Table 6: Boundary-Scan Instructions", fontsize=8)
    rows = [["Boundary-Scan Command", "Binary Code[4:0]", "Description"]]
    rows += [[n, c, f"Enables boundary-scan {n} operation"] for n, c in JTAG]
    ruled_table(page, 40, 70, [90, 70, 150], rows, row_h=18, fontsize=7)
    assert _got(doc) == {(n, int(c, 2)) for n, c in JTAG}


CMDS = [("STOP", 0x25), ("RESET", 0x40), ("SCAN", 0x20), ("FORCE_SCAN", 0x21), ("GET_INFO", 0x50), ("GET_HEALTH", 0x51)]


def test_command_list_under_chinese_headers():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontname="china-s", fontsize=9)
    page.insert_text((90, 80), "请求命令总览", **font)
    for x, h in ((90, "命令名"), (185, "值"), (255, "负载数据"), (300, "应答模式"), (345, "执行操作")):
        page.insert_text((x, 110), h, **font)
    for i, (name, code) in enumerate(CMDS):
        y = 130 + 23 * i
        page.insert_text((90, y), name, fontsize=9)
        page.insert_text((185, y), f"0x{code:02X}", fontsize=9)
        page.insert_text((255, y), "无", **font)
        page.insert_text((345, y), "进入空闲状态", **font)
    page.insert_text((90, y + 58), "停止扫描(STOP)命令请求", **font)
    page.insert_text((111, y + 110), "请求报文:", **font)
    page.insert_text((193, y + 110), "A5", fontsize=9)
    page.insert_text((222, y + 110), "25", fontsize=9)
    assert _got(doc) == set(CMDS)


def test_program_listing_is_no_table():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((300, 60), "//--- Instruction ---", fontsize=8)
    for i, (name, code) in enumerate([("INST_PING", 1), ("INST_READ", 2), ("INST_WRITE", 3), ("INST_REG_WRITE", 4),
                                      ("INST_ACTION", 5), ("INST_RESET", 6)]):
        y = 72 + 11 * i
        page.insert_text((40, y), f"#define P_GOAL_{i}      ({30 + i})", fontsize=8)
        page.insert_text((300, y), f"#define {name}", fontsize=8)
        page.insert_text((420, y), f"0x{code:02X}", fontsize=8)
    assert _got(doc) == set()


FLASH = [("RDID", "Read ID (JEDEC Manufacturer ID)", 0x9F), ("RDSR1", "Read Status Register 1", 0x05),
         ("RDSR2", "Read Status Register 2", 0x07), ("RDAR", "Read Any Register", 0x65),
         ("WRR", "Write Register", 0x01), ("WRDI", "Write Disable", 0x04), ("WREN", "Write Enable", 0x06)]


def test_instruction_value_hex_heads_the_code_column():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    rows = [["Command Name", "Command Description", "Instruction Value (Hex)", "Maximum Frequency (MHz)"]]
    rows += [[n, d, f"{c:02X}", "133"] for n, d, c in FLASH]
    ruled_table(page, 40, 70, [70, 180, 70, 70], rows, row_h=16, fontsize=7)
    assert _got(doc) == {(n, c) for n, _d, c in FLASH}
