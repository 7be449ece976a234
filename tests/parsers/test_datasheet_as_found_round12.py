"""Forms met on datasheets of manufacturers new to the development set (the eleventh to
fourteenth as-found rounds), on pages the test draws itself (the truth is what the test prints).
Each test failed before its mechanism:

* an unruled memory map whose column words ("Register Name | Register Description") sit on a
  line among the rows (the address column's header printed turned comes out stacked, its last
  word on that line): that line is header; and the name of a multi-byte register printed once
  in a cell merged over its address rows leaves the other rows blank, yet the column headed for
  names names the table, not the descriptions beside it;
* a drawn value table that prints two codes on every row but one (a category and a
  sub-category code, the first repeating) is no two-cycle command list;
* a line of bare numbers under the header words, over columns of marked codes ("Register" /
  "527 | 528" / "0x01 | 0x00"), heads those columns: they list the values of registers 527
  and 528, not a paged register map;
* a drawn map whose data column is split into a high-byte and a low-byte half, with names
  centred across the halves where no rule is drawn: one name per row, not its two halves;
* a slash pair sharing one suffix ("C7/60H") is two hex codes;
* a heading that marks its address twice ("SOFTMUTE (Address 0x2Eh)") gives the register;
* a command defined by a numbered heading and, under it, its byte sequence one byte to a line
  ("0x10," / "LengthL," / "LengthH", or "0x4A or 0x4B" / "Length,") is that command, while a
  heading over prose that mentions a code is none;
* a register heading whose name and offset come out of the text layer as two lines
  ("UNIT_FE_CONTROL" / "0x0004", the two ends of one heading bar) over a bit table is that
  register; two units' maps that both start at offset 0 are kept apart by their names'
  prefixes, and a third unit's table at the same offsets does not absorb them;
* a data layout in memory ("Field | Offset | Size | Description") whose descriptions are whole
  sentences gives no register named by a sentence;
* a CJK register list headed "编号 (16 进制) | 说明" (number, base 16 | description): bare codes
  that are hex, each register named by its description where no name column exists;
* addresses grouped by fours ("0x4000_00B8") parse, and "<unused>" rows are no registers;
* a phrase over three undrawn sub-columns (text walls in shared whitespace) joins whole.
"""

from __future__ import annotations

import re

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_columns import read_unruled, unruled_tables
from firmcorpus.parsers.pdf_grid import parse_addr_cell
from firmcorpus.parsers.pdf_layout import group_lines
from tests.parsers.pdf_pages import ruled_table, text_pdf


def _registers(doc):
    return {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}


MAP = [("0", "-", "Not used."), ("1", "CH1", "Channel 1 value."), ("2", "CH2", "Channel 2 value."),
       ("3", "CH3", "Channel 3 value."), ("509", "CH509", "Channel 509 value."), ("510", "CH510", "Channel 510 value."),
       ("511", "CH511", "Channel 511 value."), ("512", "CH512", "Channel 512 value."), ("513", "CHIP_ID", "Chip identification number (does not change)."),
       ("514", "CHIP_REV", "Chip revision number (may change)."),
       ("515", "CHIP_TEMP", "Chip temperature in degrees (signed value).")]
SPANS = [(516, "START_ADDRESS", "Start address of your product.", 2),
         (518, "IDENTIFY", "Device identification.", 1),
         (519, "FOOTPRINT", "Number of channels used by your product.", 2),
         (521, "UID", "Unique identifier of your product.", 6),
         (527, "CATEGORY", "Number classifying your product.", 2),
         (529, "MODEL_LBL", "Name of your product model.", 4),
         (533, "MODEL_NUM", "Value identifying your product model.", 2)]


def _memory_map(page, spans: bool):
    page.insert_text((60, 46), "5   Memory Map", fontsize=12)
    page.insert_text((60, 62), "The memory map registers are 8 bit wide; register addressing takes 2 bytes.", fontsize=9)
    # the address column's header printed turned comes out of the text layer as stacked words,
    # its last word ("I2C") on the line of the other column words
    page.insert_text((120, 94), "Register", fontsize=8)
    page.insert_text((120, 104), "Address", fontsize=8)
    page.insert_text((120, 114), "I2C", fontsize=8)
    page.insert_text((200, 114), "Register Name", fontsize=8)
    page.insert_text((330, 114), "Register Description", fontsize=8)
    y = 130
    for addr, name, desc in MAP:
        page.insert_text((120, y), addr, fontsize=8)
        page.insert_text((200, y), name, fontsize=8)
        page.insert_text((330, y), desc, fontsize=8)
        y += 20
    if spans:
        for first, name, desc, n in SPANS:
            for k in range(n):
                page.insert_text((120, y + 20 * k), str(first + k), fontsize=8)
            # (set a little below the first address line, not centred: the cell's text is
            # top-aligned, and it belongs to the first address)
            page.insert_text((200, y + (3 if n > 1 else 0)), name, fontsize=8)
            page.insert_text((330, y + (3 if n > 1 else 0)), desc, fontsize=8)
            y += 20 * n


def _unruled(page) -> set[tuple[str, int]]:
    """What the content-typed reader of unruled tables reads on ``page`` (the header-band
    reader, which claims such a table when its header line is whole, left out)."""
    words = [tuple(w[:5]) for w in page.get_text("words", sort=False)]
    got = set()
    for t in unruled_tables(group_lines(words), page.rect.width, page.rect.height):
        res = read_unruled(t)
        got |= {(r.name, r.address) for r in res.registers}
    return got


def test_column_words_among_the_rows_head_a_map_of_merged_names():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    _memory_map(page, spans=True)
    got = _unruled(page)
    assert got == {(n, int(a)) for a, n, _d in MAP[1:]} | {(n, a) for a, n, _d, _k in SPANS}


CATS = ["FIXTURE", "FIXTURE_FIXED", "FIXTURE_MOVING", "FIXTURE_OTHER", "ACCESSORY", "ACCESSORY_COLOR",
        "ACCESSORY_YOKE", "ACCESSORY_OTHER", "PROJECTOR", "PROJECTOR_FIXED"]


def _category_table(head: list[list[str]], codes: list[tuple[int, int]]):
    """A drawn table of named category codes, two codes a row, under ``head``."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Table 2: Standardized Product Categories", fontsize=9)
    rows = head + [[f"CATEGORY_{name}", f"0x{a:02X}", f"0x{b:02X}", "-"] for name, (a, b) in zip(CATS, codes)]
    ruled_table(page, 50, 70, [220, 60, 60, 150], rows)
    return doc


def test_two_codes_on_every_row_are_no_two_cycle_commands():
    doc = _category_table([["Product Category Defines", "Code", "Sub-code", "Comment"],
                           ["CATEGORY_NOT_DECLARED", "0x00", "-", "-"]],
                          [(1, 0), (2, 0), (1, 1), (2, 1), (1, 2), (2, 2), (3, 0), (1, 0xFF), (2, 0xFF), (3, 1)])
    assert _registers(doc) == set()


def test_register_numbers_over_columns_of_codes_head_them():
    doc = _category_table([["Product Category Defines", "Register", "", "Comment"], ["", "527", "528", ""]],
                          [(1, 0), (1, 1), (1, 2), (1, 0xFF), (2, 0), (2, 1), (2, 2), (2, 0xFF), (3, 0), (3, 1)])
    assert _registers(doc) == set()


def test_names_centred_across_an_undrawn_wall_read_whole():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "12  Memory Map - Register Descriptions", fontsize=11)
    x0, xa, xm, xn, x1 = 60.0, 140.0, 280.0, 420.0, 520.0
    names = ["Relative X", "Relative Y", "Gesture X", "Gesture Y", "Info flags", "Finger 1 X-coordinate",
             "Finger 1 Y-coordinate", "Finger 1 area", "Finger 2 X-coordinate", "Finger 2 Y-coordinate"]
    # rows whose halves hold names of their own
    split = {4: ("Trackpad ATI", "Trackpad comp"), 7: ("ALP_ATI", "ALP_COMP"), 9: ("ALP_HIGH", "ALP_LOW")}
    y = 70.0
    page.insert_text((x0 + 5, y + 11), "Address", fontsize=8)
    page.insert_text((xm - 40, y + 11), "Data (16bit)", fontsize=8)
    page.insert_text((xn + 5, y + 11), "Notes", fontsize=8)
    top = y
    rows_y = []
    y += 16
    page.insert_text((xm - 45, y + 11), "(HIGH byte)", fontsize=7)
    page.insert_text((xm + 15, y + 11), "(LOW byte)", fontsize=7)
    rows_y.append((y, y + 16))
    y += 16
    for i, name in enumerate(names):
        page.insert_text((x0 + 5, y + 11), f"0x{0x0A + i:02X}", fontsize=8)
        if i in split:
            page.insert_text((xa + 5, y + 11), split[i][0], fontsize=8)
            page.insert_text((xm + 5, y + 11), split[i][1], fontsize=8)
            rows_y.append((y, y + 16))
        else:
            w = pymupdf.get_text_length(name, fontsize=8)
            page.insert_text((xm - w / 2 + 2, y + 11), name, fontsize=8)
        page.insert_text((xn + 5, y + 11), "See Section 7", fontsize=8)
        y += 16
    for yy in [top + 16 * k for k in range(len(names) + 3)]:
        page.draw_line((x0, yy), (x1, yy), width=0.8)
    for x in (x0, xa, xn, x1):
        page.draw_line((x, top), (x, y), width=0.8)
    for a, b in rows_y:  # the wall between the halves, drawn only where they differ
        page.draw_line((xm, a), (xm, b), width=0.8)
    got = _registers(doc)
    whole = {(n, 0x0A + i) for i, n in enumerate(names) if i not in split}
    assert whole <= got
    assert not any(n in ("Relative", "Gesture", "Finger 1", "Finger 2") for n, _a in got)


def test_a_slash_pair_sharing_one_suffix():
    c = parse_addr_cell("C7/60H")
    assert c is not None and c.kind == "h" and c.text == "C7" and c.alts == ("60",)
    assert parse_addr_cell("45/15H").alts == ("15",)


def test_a_heading_marking_its_address_twice():
    doc = pymupdf.open()
    heads = [("SEEK", "0x02"), ("TUNE", "0x03"), ("SOFTMUTE", "0x2Eh"), ("AMCFG2", "0x34h"), ("VOLGUARD", "0x3Ah")]
    for k, (name, addr) in enumerate(heads, 1):
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 60), f"3.10.{k}.   {name} (Address {addr})", fontsize=11)
        page.insert_text((60, 90), "Bit   Name   Function", fontsize=9)
        page.insert_text((60, 104), "15:0  DATA   The value, in a sentence of prose.", fontsize=9)
    assert _registers(doc) == {(n, int(a.rstrip("h"), 16)) for n, a in heads}


def test_commands_defined_by_a_heading_and_their_byte_sequence(tmp_path):
    cmds = [("3.3.1 Clock Data Bytes Out on +ve clock edge MSB first (no read)", ["Use if CLK starts at '1'"], "0x10,",
             ["LengthL,", "LengthH,", "Byte1"]),
            ("3.3.2 Clock Data Bytes Out on -ve clock edge MSB first (no read)", [], "0x11,", ["LengthL,", "LengthH"]),
            ("3.3.3 Clock Data Bits Out on +ve clock edge MSB first (no read)", [], "0x12,", ["Length,", "Byte1"]),
            ("3.5.1 Clock Data to TMS pin (no read)", [], "0x4A or 0x4B", ["Length,", "Byte1"]),
            ("3.8.1 Set TCK/SK Divisor", [], "0x86,", ["0xValueL,", "0xValueH"])]
    pages = []
    for head, pre, code, ops in cmds:
        pages.append([head, *pre, code, *ops, "This will clock out bytes; a length of 0x0000 will do 1 byte."])
    pages.append(["3.9.1 Bad Commands", "The device answers an unknown command with 0xFA,",
                  "followed by the bad command byte itself."])
    path = text_pdf(tmp_path, pages)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(path).registers}
    want = {(h.split(" ", 1)[1], int(t, 16)) for h, _p, c, _o in cmds for t in c.replace(",", " ").split() if t.startswith("0x")}
    assert got == want


def _stacked_pages(doc, regs):
    for name, off in regs:
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 60), name, fontsize=10)
        page.insert_text((480, 60), f"0x{off:04X}", fontsize=10)  # the heading bar's other end
        page.insert_text((70, 84), f"Control register of the unit ({name.lower()}).", fontsize=9)
        for x, t in ((60, "Bits"), (100, "Name"), (170, "Description"), (460, "R/W"), (500, "Reset")):
            page.insert_text((x, 108), t, fontsize=8)
        page.insert_text((60, 124), "31:1", fontsize=8)
        page.insert_text((100, 124), "-", fontsize=8)
        page.insert_text((170, 124), "Reserved.", fontsize=8)
        page.insert_text((60, 138), "0", fontsize=8)
        page.insert_text((100, 138), "ENABLE", fontsize=8)
        page.insert_text((170, 138), "Write a 1 to enable the unit.", fontsize=8)
        page.insert_text((60, 170), f"Table {len(doc)}: {name} register definition.", fontsize=9)


def test_register_headings_whose_name_and_offset_are_two_lines_over_a_bit_table():
    regs = [("UNIT_FE_VERSION", 0x0), ("UNIT_FE_CONTROL", 0x4), ("UNIT_FE_STATUS", 0x8), ("UNIT_FE_LINES", 0x10),
            ("UNIT_BE_VERSION", 0x0), ("UNIT_BE_CONTROL", 0x4), ("UNIT_BE_STATUS", 0x8), ("UNIT_BE_TILE", 0xC)]
    doc = pymupdf.open()
    _stacked_pages(doc, regs)
    got = {(r.peripheral, r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    # the two units' maps both start at 0: the names' prefixes keep them apart
    assert got == {(n.rsplit("_", 1)[0], n, a) for n, a in regs}


def test_another_units_table_from_offset_zero_does_not_absorb_the_headings():
    regs = [("UNIT_FE_VERSION", 0x0), ("UNIT_FE_CONTROL", 0x4), ("UNIT_FE_STATUS", 0x8),
            ("UNIT_BE_VERSION", 0x0), ("UNIT_BE_CONTROL", 0x4), ("UNIT_BE_STATUS", 0x8)]
    doc = pymupdf.open()
    # the map of a third unit, whose names carry no unit prefix, from offset 0 too
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Table 3. Global register map", fontsize=9)
    ruled_table(page, 60, 70, [80, 160, 200], [["Offset", "Name", "Description"], ["0x00", "GLOBAL_ID", "Identity"],
                                                ["0x04", "GLOBAL_CTRL", "Global control"],
                                                ["0x08", "GLOBAL_STAT", "Global status"],
                                                ["0x0C", "GLOBAL_IRQ", "Interrupt status"]])
    _stacked_pages(doc, regs)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, a) for n, a in regs} | {("GLOBAL_ID", 0), ("GLOBAL_CTRL", 4), ("GLOBAL_STAT", 8), ("GLOBAL_IRQ", 12)}


def test_a_data_layouts_descriptions_are_no_register_names():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "6.5.1   Statistics Output Definitions", fontsize=11)
    page.insert_text((60, 70), "All values are 32-bit; offsets and sizes are given in bytes.", fontsize=9)
    for x, t in ((60, "Field"), (180, "Offset"), (240, "Size"), (300, "Description")):
        page.insert_text((x, 96), t, fontsize=8)
    y = 112
    for z in range(4):
        for k, (f, d) in enumerate((("Red Sum", "Red pixel sum for zone"), ("Green Sum", "Green pixel sum for zone"),
                                    ("Blue Sum", "Blue pixel sum for zone"), ("Counted", "Number of pixels counted in zone"))):
            for x, t in ((60, f"{f} {z}"), (180, str(16 * z + 4 * k)), (240, "4"), (300, f"{d} {z}.")):
                page.insert_text((x, y), t, fontsize=8)
            y += 13
    assert not any(r.name.endswith(".") for r in parse_pdf(doc.tobytes()).registers)


def test_a_cjk_register_list_numbered_in_base_16_named_by_its_description():
    """"编号 (16 进制) | 说明" ("number (base 16) | description"): bare two-digit codes that are
    hex, each register named by its description's first clause where no name column exists."""
    font = "china-s"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "寄存器的详细说明如下：", fontsize=10, fontname=font)
    rows = [["编号\n(16 进制)", "说明"], ["01", "FIFO_DATA 数据口"], ["05", "FIFO_EXT 数据口"], ["11", "时钟频率设置1"],
            ["19", "时钟频率设置2"], ["1B", "时钟频率设置3"], ["1D", "时钟频率设置4"], ["20", "FIFO_DATA 上限低8位"]]
    y0 = 70.0
    xs = [60.0, 140.0, 420.0]
    y = y0
    page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for i, (a, d) in enumerate(rows):
        h = 28.0 if i == 0 else 18.0
        for k, t in enumerate((a, d)):
            for j, part in enumerate(t.split("\n")):
                page.insert_text((xs[k] + 4, y + 12 + 11 * j), part, fontsize=9, fontname=font)
        y += h
        page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.8)
    got = {(re.sub(r"\s+", "", r.name), int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(re.sub(r"\s+", "", d), int(a, 16)) for a, d in rows[1:]}


def test_addresses_grouped_by_fours_and_unused_rows():
    c = parse_addr_cell("0x4000_00B8")
    assert c is not None and int(c.text, 16) == 0x400000B8
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Table 1. Control registers", fontsize=9)
    rows = [["Address", "Register"], ["0x4000_0000", "Control register"], ["0x4000_0004", "<unused>"],
            ["0x4000_0008", "Core timer prescaler"], ["0x4000_000C", "GPU interrupts routing"],
            ["0x4000_0010", "PMU interrupt routing set"], ["0x4000_0018", "<unused>"]]
    ruled_table(page, 80, 70, [120, 220], rows)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, int(a.replace("_", ""), 16)) for a, n in rows[1:] if n != "<unused>"}


def test_a_phrase_over_three_undrawn_sub_columns_joins_whole():
    from firmcorpus.parsers.pdf_grid import _join_across_open_walls

    def w(x0, x1, t):
        return (x0, 100.0, x1, 112.0, t)
    # "0x4000_00B8 | Core 3 | Mailbox 2 | write-set (WO)": text walls at 244 and 292 found in the
    # whitespace the rows share, none of them drawn
    cells = [[w(92, 155, "0x4000_00B8")], [w(213, 234, "Core"), w(237, 242.5, "3")],
             [w(245, 283, "Mailbox"), w(285, 291, "2")], [w(293.5, 332, "write-set"), w(334.7, 360, "(WO)")]]
    _join_across_open_walls(cells, [87.0, 207.0, 244.0, 292.0, 434.0], [], 106.0)
    assert [" ".join(x[4] for x in c) for c in cells] == ["0x4000_00B8", "Core 3 Mailbox 2 write-set (WO)", "", ""]


def test_bit_column_commands_whose_names_wrap_around_the_code_line(tmp_path):
    """A command table that prints each code only as bits under "A0 RD WR D7 .. D0", the name
    of a row wrapped over the lines above and below its code line; rows with operand bits and
    the data rows under a command are no codes."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Command Table", fontsize=11)
    xs = [150 + 22 * k for k in range(11)]
    for x, t in zip(xs, ["A0", "RD", "WR", "D7", "D6", "D5", "D4", "D3", "D2", "D1", "D0"]):
        page.insert_text((x, 80), t, fontsize=8)
    page.insert_text((60, 80), "Command", fontsize=8)
    page.insert_text((400, 80), "Function", fontsize=8)
    cmds = [(["5. The Contrast", "Control Mode Set"], 0x81), (["9 Multiplex Ration", "Mode Set"], 0xA8),
            (["10. DC-DC Control", "Mode Set"], 0xAD), (["14. Display Offset", "Mode Set"], 0xD3),
            (["15. Set Display Divide", "Ratio/Oscillator", "Frequency Mode", "Set"], 0xD5)]
    y = 100.0
    for parts, code in cmds:
        for k, p in enumerate(parts):
            page.insert_text((60, y + 10 * k), p, fontsize=8)
        cy = y + 5  # the code line between the name's first and second lines
        for x, t in zip(xs, "010" + f"{code:08b}"):
            page.insert_text((x, cy), t, fontsize=8)
        page.insert_text((400, y), "This command sets the mode; the", fontsize=8)
        page.insert_text((400, y + 10), "value follows. (POR = 00H)", fontsize=8)
        y += 10 * len(parts) + 4
        page.insert_text((66, y), "Data Set", fontsize=8)  # the command's data row: operand bits
        for x, t in zip(xs, ["0", "1", "0", "*", "*"]):
            page.insert_text((x, y + 5), t, fontsize=8)
        page.insert_text((xs[5], y + 5), "Value", fontsize=8)
        y += 24
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(" ".join(p).split(" ", 1)[1], c) for p, c in cmds}


def test_register_captions_with_a_long_name_and_a_mnemonic(tmp_path):
    regs = [("GPIOA_PIN", 0x0), ("GPIOA_POUT", 0x4), ("UART1_CTRL", 0x100), ("UART1_STAT", 0x104),
            ("TIMER1_CNTR", 0x604)]
    pages = [["31      6   5   4   3   2   1   0", "0       0   0   0   0   0   0   0   Reset",
              f"Register C.{k}: {n.replace('_', ' ')} REGISTER {n} (0x{a:x})", "EN   Enable the unit."]
             for k, (n, a) in enumerate(regs, 1)]
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(text_pdf(tmp_path, pages)).registers}
    assert got == set(regs)


def test_a_command_set_beside_a_register_table_at_the_same_addresses(tmp_path):
    """Numbered headings "Long name ID_NAME=0x01" define a command set whose codes reuse the
    addresses of the register table printed elsewhere: both maps are kept."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "I2C register list", fontsize=10)
    table = [["Address", "Name", "R/W", "Description"], ["0x00", "DIST_LOW", "R", "Distance, low byte"],
             ["0x01", "DIST_HIGH", "R", "Distance, high byte"], ["0x02", "AMP_LOW", "R", "Signal strength"],
             ["0x03", "AMP_HIGH", "R", "Signal strength"], ["0x04", "TEMP_LOW", "R", "Chip temperature"],
             ["0x05", "TEMP_HIGH", "R", "Chip temperature"]]
    ruled_table(page, 60, 70, [60, 110, 40, 200], table)
    cmds = [("Version information", "ID_GET_VERSION", 0x01), ("System software restore", "ID_SOFT_RESET", 0x02),
            ("Output frequency", "ID_SAMPLE_FREQ", 0x03), ("Trigger mode", "ID_SAMPLE_TRIG", 0x04),
            ("Output format setting", "ID_OUTPUT_FORMAT", 0x05)]
    for k, (long, mn, code) in enumerate(cmds, 1):
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 60), f"{k}. {long} {mn}=0x{code:02X}", fontsize=10)
        page.insert_text((60, 80), "Downward: byte 0 Head(0x5A), byte 1 Len, byte 2 ID, then Check_sum.", fontsize=9)
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}
    assert got == {(n, int(a, 16)) for a, n, _rw, _d in table[1:]} | {(mn, c) for _l, mn, c in cmds}


def test_byte_span_addresses_and_bit_ranges():
    """"02:03" / "0E:11" (padded, ascending, a few bytes) address a register by its first byte;
    a bit range runs down ("15:8") or is unpadded and is no address."""
    assert parse_addr_cell("02:03").text == "02" and parse_addr_cell("0E:11").text == "0E"
    assert parse_addr_cell("15:08") is None and parse_addr_cell("7:0") is None and parse_addr_cell("00:40") is None
