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
    page.insert_text((40, 40), "Example: the control table registers and instruction codes as C definitions", fontsize=9)
    page.insert_text((300, 60), "//--- Instruction ---", fontsize=8)
    for i, (name, code) in enumerate([("INST_PING", 1), ("INST_READ", 2), ("INST_WRITE", 3), ("INST_REG_WRITE", 4),
                                      ("INST_ACTION", 5), ("INST_RESET", 6)]):
        y = 72 + 11 * i
        page.insert_text((40, y), ["* included files", "*/", "#define ENABLE_BIT_DEFINITIONS", "//#include <io.h>",
                                   "#include <inttypes.h>", "#include <avr/io.h>"][i], fontsize=8)
        page.insert_text((300, y), "#define", fontsize=8)
        page.insert_text((345, y), name, fontsize=8)
        page.insert_text((440, y), f"0x{code:02X}", fontsize=8)
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


ZH = [(0x01, "语音合成播放命令"), (0x02, "停止合成命令"), (0x03, "暂停合成命令"), (0x04, "恢复合成命令"),
      (0x21, "芯片状态查询命令")]


def test_command_names_in_chinese():
    """A ruled command table whose names are Chinese function cells ("取值 | 对应功能"), a reply-code
    table ("回传类型名称 | 回传数据") and a value table of sentences and a reserved row ("保留")."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontname="china-s", fontsize=8)
    y = 60
    for title, head, rows in (("4.2 芯片支持的控制命令", ["取值", "对应功能"], [(f"0x{c:02X}", n) for c, n in ZH]),
                              ("2.2 芯片回传", ["回传数据", "回传类型名称"], [("0x4A", "初始化成功回传"), ("0x41", "收到正确的命令帧回传"),
                                                                ("0x45", "收到不能识别命令帧回传"), ("0x4F", "芯片空闲状态回传")]),
                              ("应答模式", ["值", "说明"], [("0x0", "单次应答模式，只发送一次数据应答报文"),
                                                        ("0x1", "多次应答模式，将会发送一个或者多个应答报文"), ("0x2", "保留")])):
        page.insert_text((50, y), title, **font)
        top = y + 8
        xs = [50, 110, 330]
        page.draw_line((xs[0], top), (xs[-1], top))
        for r, cells in enumerate([head] + list(rows)):
            yy = top + 16 * r
            for k, c in enumerate(cells):
                page.insert_text((xs[k] + 3, yy + 11), c, fontname="china-s", fontsize=8)
            page.draw_line((xs[0], yy + 16), (xs[-1], yy + 16))
        bottom = top + 16 * (len(rows) + 1)
        for x in xs:
            page.draw_line((x, top), (x, bottom))
        y = bottom + 40
    assert _got(doc) == {(n, c) for c, n in ZH}
