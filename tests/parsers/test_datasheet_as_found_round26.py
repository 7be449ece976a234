"""Forms met on datasheets of manufacturers new to the development set (the twenty-sixth as-found
round: a CJK module protocol, a CJK clock-generator manual, a radio transceiver manual whose
register table runs over ten pages), on pages the test draws itself (the truth is what the test
prints). Each test failed before its mechanism:

* "地址(H)" over bare two-digit numbers ("30", "32", "40"): the "(H)" says base 16;
* a CJK name that opens with a number ("0 号舵机地址", servo no. 0's address) is a name;
* a ruled register table whose header is printed once, whose register rows are followed by
  field rows, and whose later pages hold only field rows of one register or gain whitespace walls
  inside its wide description column, goes on over those pages;
* "Byte 4 | Byte 3 .. Byte 0" columns hold the bytes of one value per row, not addresses;
* CJK headings "寄存器 26. PLL1 参数" name register 26 (decimal);
* an upper-case token before a CJK noun ("OUT0 控制", "PLL 复位") qualifies it: the name is not a
  CJK line with its English translation, and is kept whole.
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import doc_registers, ruled_table

CJK_FONT = "china-s"


def _cjk_table(page, y0: float, rows: list[tuple[str, str]]) -> float:
    """A ruled 地址(H) | 寄存器描述 | R/W table of (bare address, CJK name) rows."""
    xs = [60, 140, 300, 340]
    y = y0
    lines = [y]
    for k, h in enumerate(["地址(H)", "寄存器描述", "R/W"]):
        page.insert_text((xs[k] + 3, y + 12), h, fontsize=9, fontname=CJK_FONT)
    y += 16
    lines.append(y)
    for addr, name in rows:
        page.insert_text((xs[0] + 3, y + 12), addr, fontsize=9)
        page.insert_text((xs[1] + 3, y + 12), name, fontsize=9, fontname=CJK_FONT)
        page.insert_text((xs[2] + 3, y + 12), "w", fontsize=9)
        y += 16
        lines.append(y)
    for ly in lines:
        page.draw_line((xs[0], ly), (xs[-1], ly), width=0.6)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.6)
    return y


SERVO = [("10", "0 号舵机地址"), ("11", "1 号舵机地址"), ("12", "2 号舵机地址"), ("13", "3 号舵机地址")]
MOTOR = [("30", "M1 号电机地址"), ("32", "M2 号电机地址"), ("40", "数字量 0 号引脚写入"),
         ("41", "数字量 1 号引脚写入"), ("44", "数字量 0 号引脚读取")]


def test_hex_marked_header_and_names_opening_with_a_number():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 50), "2.1 寄存器", fontsize=10, fontname=CJK_FONT)
    y = _cjk_table(page, 70, SERVO)
    _cjk_table(page, y + 40, MOTOR)
    got = {(n.replace(" ", ""), a) for n, a in doc_registers(doc)}
    want = {(n.replace(" ", ""), int(a, 16)) for a, n in SERVO + MOTOR}
    assert got >= want, sorted(want - got)
    assert not any(a == 30 for _n, a in got)  # (0x1E: "30" read as decimal)


def _field_table_page(page, y0: float, rows: list[tuple[str, str, str, str]], header: bool, split_desc: bool) -> float:
    """Address | Name | Bit | Reset | Description, drawn walls only around the columns; register
    rows carry an address and a name, field rows a name, a bit and a reset value. With
    ``split_desc`` the description cells hold two far-apart phrases (whitespace walls)."""
    widths = [50, 110, 40, 50, 240]
    cells = ([["Address", "Name", "Bit", "Reset", "Description"]] if header else []) + [
        [a, n, b, r, "Enable"] for a, n, b, r in rows]
    bottom = ruled_table(page, 50, y0, widths, cells)
    if split_desc:  # a second phrase far right in every description cell
        y = y0 + (16 if header else 0)
        for _row in rows:
            page.insert_text((50 + 250 + 170, y + 11), "1: on", fontsize=8)
            y += 16
    return bottom


def test_register_table_over_pages_of_field_rows_only():
    regs = [("00", "CFG_TOP"), ("01", "EN_AA"), ("02", "EN_RXADDR"), ("03", "SETUP_AW")]
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "10 Control registers", fontsize=10)
    _field_table_page(page, 660, [("00", "CFG_TOP", "", ""), ("", "EN_PM", "19", "0x0"), ("", "RC_CL_EN", "18", "0x0"),
                                  ("", "AJ_FREQ", "17", "0x1"), ("", "CE_PD", "16", "0x1")], True, False)
    page = doc.new_page()  # only CFG_TOP's fields
    _field_table_page(page, 60, [("", f"FIELD_{i}", str(15 - i), "0x0") for i in range(12)], False, True)
    page = doc.new_page()
    rows = [("", "RX_ON", "0", "0x0"), ("01", "EN_AA", "", "")] + [("", f"ENAA_P{i}", str(i), "0x1") for i in range(6)] \
        + [("02", "EN_RXADDR", "", "")] + [("", f"ENRX_P{i}", str(i), "0x0") for i in range(6)] \
        + [("03", "SETUP_AW", "", ""), ("", "AW", "1:0", "0x3")]
    _field_table_page(page, 60, rows, False, True)
    got = doc_registers(doc)
    want = {(n, int(a, 16)) for a, n in regs}
    assert got >= want, sorted(want - got)
    assert not any(n.startswith(("ENAA", "ENRX", "FIELD")) for n, _a in got)


def test_byte_lane_columns_hold_values():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "Addressing of data pipes (register RX_ADDR_P0 .. RX_ADDR_P5)", fontsize=10)
    rows = [["", "Byte 4", "Byte 3", "Byte 2", "Byte 1", "Byte 0"]]
    for i, last in enumerate(["0x33", "0xD3", "0xD4", "0xD5", "0xD6", "0xD7"]):
        rows.append([f"Data pipe {i} (RX_ADDR_P{i})", "0xD3", "0xD3", "0xD3", "0xD3", last])
    ruled_table(page, 50, 80, [170, 50, 50, 50, 50, 50], rows)
    assert doc_registers(doc) == set()


def test_cjk_register_headings_with_decimal_numbers():
    doc = pymupdf.open()
    heads = [(0, "芯片状态"), (3, "输出级使能控制"), (16, "OUT0 控制"), (17, "OUT1 控制"), (26, "PLL1 参数"),
             (27, "PLL1 参数"), (149, "扩频参数"), (177, "PLL 复位")]
    for i in range(0, len(heads), 2):
        page = doc.new_page()
        y = 60
        for n, name in heads[i:i + 2]:
            sep = "." if n > 100 else ". "
            page.insert_text((50, y), f"寄存器 {n}{sep}{name}", fontsize=11, fontname=CJK_FONT)
            page.insert_text((60, y + 20), "位    名称    类型", fontsize=9, fontname=CJK_FONT)
            page.insert_text((60, y + 36), "7:0   CTRL    R/W", fontsize=9)
            y += 200
    got = {(nm.replace(" ", ""), a) for nm, a in doc_registers(doc)}
    want = {(nm.replace(" ", ""), n) for n, nm in heads}
    assert got >= want, sorted(want - got)
