"""Forms met on datasheets of manufacturers new to the development set (the ninth and tenth
as-found rounds), on pages the test draws itself (the truth is what the test prints). Each
test failed before its mechanism:

* a protocol manual's command summary: one line per command, ``Name ... (0x0C, 0x37)``, a
  full descriptor (set 0x0C, code 0x37) under a heading that prints the set's code; the
  sets reuse codes, so each set is a block of its own, named by its heading;
* parenthesised pairs whose first code varies from row to row are coordinates or value
  pairs, not descriptors of one set, and consecutive pairs alone stay one register's bytes;
* a list of named codes headed "Frame Names | Values", the codes in the order the functions
  are described (not ascending): a code table, not a value -> meaning table;
* a pin table (pin names, pin numbers, two-letter configuration mnemonics that parse as hex:
  "D5") is no register map, nor the table of a parameter's values below it ("Pin Command
  Parameter | Description": 0 -> "Digital input, monitored");
* a Chinese register list heads its name column 项目 ("item") and its description column
  数据类型及说明: the names are the items, not the descriptions (drawn and unruled alike);
* a field table nested under a register row ("No. | Symbol | Default | Description", bit
  numbers 12 and 14) holds fields, not registers at 0x12 and 0x14;
* a name printed in two languages (a CJK line over its English translation) is the English
  line;
* a bus protocol's function codes ("Read holding registers 03h") and the fields of one bus
  message ("Device address | Function code | ... | Check code") are no register maps, while
  a device's commands that read one register stay;
* an address range left open at a line's end ("5122~" over "5129", the name between) is one
  row at its first address, in drawn and unruled tables alike;
* a CJK table of data values and what each does ("数据（十六进制） | 功能": 00H -> play
  segment 0) is a value -> meaning table, not a register map;
* a drawn command list whose name cells hold a CJK line over its English line, centred on
  the code ("No | Content | CID2 | Note", no rules between rows): the first name's first line
  is no header line, the "Content" column names the commands where nothing else does, and a
  comma inside a phrase ("Get analog value, fixed point") makes no list of names;
* a return-code table under the same header ("Normal", "VER error", "CID2 invalid") is no
  register map, nor the rest of the command list above it;
* a CJK command list with no name column ("指令头 | 参数 1 | 参数 2 | 说明 | 范例") names each
  command by its description's first clause, not by the example column, and a description
  that mentions an address (地址) is no header line;
* five unpadded digits in an address column ("20000", "20011") are decimal (hex is padded to
  even widths);
* "0×60", a multiplication sign typed for the x of 0x, is hex;
* a numbered heading giving a code after a label word ("4.3. Packet Type: 001 PMTK_ACK")
  names a register, the unmarked code in decimal;
* a table whose header names registers in parentheses ("Number of the Parameter (0x1A)")
  lists those registers' values per part, not registers at 0x0301, 0x0601.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import descriptor_column, parse_addr_cell
from firmcorpus.parsers.pdf_layout import bilingual_name
from tests.parsers.pdf_pages import ruled_table

SETS = [("Base Command Set", 0x01, [("Ping", 0x01), ("Set to Idle", 0x02), ("Get Device Information", 0x03),
                                     ("Resume", 0x06), ("Device Reset", 0x7E)]),
        ("Sensor Command Set", 0x0C, [("Poll Sensor Data", 0x01), ("Get Data Rate Base", 0x06),
                                       ("Message Format", 0x08), ("Capture Gyro Bias", 0x39),
                                       ("Device Status", 0x64)])]


def _registers(doc):
    return parse_pdf(doc.tobytes()).registers


def test_full_descriptor_lists_under_set_headings():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "3. Command and Data Summary", fontsize=12)
    page.insert_text((60, 80), "Commands are denoted by a descriptor set and a descriptor in that set.", fontsize=9)
    y = 110
    for k, (title, code, rows) in enumerate(SETS, 1):
        page.insert_text((70, y), f"3.1.{k}   {title} (0x{code:02X})", fontsize=10)
        y += 18
        for name, c in rows:
            page.insert_text((80, y), name, fontsize=9)
            page.insert_text((420, y), f"(0x{code:02X}, 0x{c:02X})", fontsize=9)
            y += 14
        y += 24
    got = {(r.peripheral, r.name, int(r.address, 16)) for r in _registers(doc)}
    assert got == {(title, n, c) for title, _code, rows in SETS for n, c in rows}


def test_pairs_whose_first_code_varies_are_no_descriptors():
    cells = [parse_addr_cell(t) for t in ("(0x03, 0x02)", "(0x05, 0x02)", "(0x07, 0x09)", "(0x01, 0x04)")]
    assert descriptor_column(cells)[1] is None
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 3. Pixel positions", fontsize=9)
    for i, (n, t) in enumerate((("Start", "(0x03, 0x02)"), ("Corner", "(0x05, 0x02)"), ("Middle", "(0x07, 0x09)"),
                                 ("End", "(0x01, 0x04)"))):
        page.insert_text((80, 90 + 14 * i), n, fontsize=9)
        page.insert_text((300, 90 + 14 * i), t, fontsize=9)
    assert _registers(doc) == []


def test_consecutive_pairs_alone_stay_byte_pairs():
    cells = [parse_addr_cell(t) for t in ("(0x02, 0x03)", "(0x04, 0x05)", "(0x06, 0x07)")]
    resolved, group = descriptor_column(cells)
    assert group == "" and [int(c.text, 16) for c in resolved] == [2, 4, 6]
    # beside descriptors of their set, a consecutive pair is a code of that set
    cells = [parse_addr_cell(t) for t in ("(0x01, 0x01)", "(0x01, 0x02)", "(0x01, 0x07)")]
    resolved, group = descriptor_column(cells)
    assert group == "01" and [int(c.text, 16) for c in resolved] == [1, 2, 7]


FRAMES = [("Modem Status", 0x8A), ("AT Command", 0x08), ("AT Command - Queue Value", 0x09),
          ("AT Command Response", 0x88), ("Remote Command Request", 0x17), ("Remote Command Response", 0x97),
          ("Transmit Request", 0x10), ("Explicit Addressing Frame", 0x11), ("Transmit Status", 0x8B),
          ("Receive Packet", 0x90)]


def test_named_codes_listed_out_of_order():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "The modules support the following API frames:", fontsize=9)
    page.insert_text((200, 90), "Table 6-15. API Frame Names and Values", fontsize=9)
    page.insert_text((150, 108), "API Frame Names", fontsize=9)
    page.insert_text((380, 108), "Values", fontsize=9)
    for i, (n, c) in enumerate(FRAMES):
        w = pymupdf.get_text_length(n, fontsize=9)
        page.insert_text((250 - w / 2, 124 + 14 * i), n, fontsize=9)  # names centred, as printed
        page.insert_text((385, 124 + 14 * i), f"0x{c:02X}", fontsize=9)
    assert {(r.name, int(r.address, 16)) for r in _registers(doc)} == set(FRAMES)


def test_pin_tables_are_no_register_maps():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 4-06.", fontsize=9)
    page.insert_text((60, 76), "Module Pin Names", fontsize=9)
    page.insert_text((170, 76), "Module Pin Numbers", fontsize=9)
    page.insert_text((300, 76), "Configuration Command", fontsize=9)
    for i, (n, p, c) in enumerate((("ASSOC/DIO5", 15, "D5"), ("RTS/DIO6", 16, "D6"), ("AD3/DIO3", 17, "D3"),
                                    ("AD2/DIO2", 18, "D2"), ("AD1/DIO1", 19, "D1"), ("AD0/DIO0", 20, "D0"))):
        y = 96 + 18 * i
        page.insert_text((60, y), n, fontsize=9)
        page.insert_text((180, y), str(p), fontsize=9)
        page.insert_text((320, y), c, fontsize=9)
    assert _registers(doc) == []


CJK_ROWS = [("电压", 0x48, "16进制无符号数单位0.0001V"), ("电流", 0x49, "16进制无符号数单位0.0001A"),
            ("有功功率", 0x4A, "16进制无符号数单位0.0001W"), ("有功电能", 0x4B, "16进制无符号数单位0.0001KWh"),
            ("功率因数", 0x4C, "16进制无符号数单位0.001")]


def _cjk_page(ruled: bool):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontsize=9, fontname="china-s")
    page.insert_text((60, 60), "Modbus 协议电参数寄存器列表（每个地址 4 个字节）", **font)
    xs = (70, 100, 170, 230, 260, 320, 520)
    for x, h in zip(xs, ("序号", "项目", "", "字长", "读/写", "数据类型及说明")):
        page.insert_text((x + 3, 90), h, **font)
    page.insert_text((xs[2] + 3, 84), "寄存器", **font)  # a two-line header
    page.insert_text((xs[2] + 3, 95), "地址", **font)
    for i, (n, a, d) in enumerate(CJK_ROWS):
        y = 114 + 22 * i
        for x, v in zip(xs, (str(i + 1), n, f"{a:04X}H", "4", "读", d)):
            # (the first row's description printed a little above it, as on the page)
            page.insert_text((x + 3, y - 8 if i == 0 and x == xs[-2] else y), v, **font)
    if ruled:
        top, bottom = 78, 100 + 22 * len(CJK_ROWS)
        for x in xs:
            page.draw_line((x, top), (x, bottom))
        for y in [top, 100] + [100 + 22 * (i + 1) for i in range(len(CJK_ROWS))]:
            page.draw_line((xs[0], y), (xs[-1], y))
    return doc


def test_chinese_register_lists_name_their_items():
    for ruled in (False, True):
        got = {(r.name, int(r.address, 16)) for r in _registers(_cjk_page(ruled))}
        assert got == {(n, a) for n, a, _d in CJK_ROWS}, ruled


def test_field_tables_nested_under_register_rows():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "1.4 Register list", fontsize=10)
    y = 80
    for x, h in ((60, "Address"), (130, "Symbol"), (260, "Default"), (340, "Description")):
        page.insert_text((x, y), h, fontsize=9)
    y += 18
    for a, n, d in ((0x17, "WA_CREEP", "Active power no-load threshold"), (0x18, "MODE", "User mode selection register")):
        page.insert_text((60, y), f"0x{a:02X}", fontsize=9)
        page.insert_text((130, y), n, fontsize=9)
        page.insert_text((340, y), d, fontsize=9)
        y += 16
    for x, h in ((60, "No."), (130, "Symbol"), (260, "Default"), (340, "Description")):
        page.insert_text((x, y), h, fontsize=9)
    y += 16
    for b, n in ((9, "AC_FREQ_SEL"), (12, "CF_UNABLE")):
        page.insert_text((62, y), str(b), fontsize=9)
        page.insert_text((130, y), n, fontsize=9)
        page.insert_text((262, y), "0b0", fontsize=9)
        page.insert_text((340, y), "selection", fontsize=9)
        y += 16
    for a, n, d in ((0x1B, "TPS_CTRL", "Temperature mode control register"), (0x1C, "TPS2_A", "Gain of sensor")):
        page.insert_text((60, y), f"0x{a:02X}", fontsize=9)
        page.insert_text((130, y), n, fontsize=9)
        page.insert_text((340, y), d, fontsize=9)
        y += 16
    got = {(r.name, int(r.address, 16)) for r in _registers(doc)}
    assert got == {("WA_CREEP", 0x17), ("MODE", 0x18), ("TPS_CTRL", 0x1B), ("TPS2_A", 0x1C)}


def test_bilingual_names_are_their_english_line():
    assert bilingual_name("设置充放电管理信息 Set value of charge, discharge management info") == \
        "Set value of charge, discharge management info"
    assert bilingual_name("关机 Turnoff") == "Turnoff"
    assert bilingual_name("Get alarm info 获取告警") == "Get alarm info"
    for kept in ("电压", "查询是否准备 OK", "播放第 Parm1 地址的声音", "ACC_X", "Cell over voltage limit"):
        assert bilingual_name(kept) == kept
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontsize=9, fontname="china-s")
    page.insert_text((60, 60), "Table 5. Command information", **font)
    page.insert_text((60, 80), "No", **font)
    page.insert_text((100, 80), "Command", **font)
    page.insert_text((360, 80), "Code", **font)
    rows = [("获取告警", "Get alarm info", 0x44), ("获取系统参数", "Get system parameter", 0x47),
            ("获取厂商信息", "Get manufacturer info", 0x51), ("关机", "Turnoff", 0x95)]
    for i, (zh, en, c) in enumerate(rows):
        y = 100 + 18 * i
        page.insert_text((60, y), str(i + 1), **font)
        page.insert_text((100, y), f"{zh} {en}", **font)
        page.insert_text((360, y), f"{c:02X}H", **font)
    assert {(r.name, int(r.address, 16)) for r in _registers(doc)} == {(en, c) for _zh, en, c in rows}


def _ruled(rows, widths=(60, 220, 80)):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 3.", fontsize=9)
    ruled_table(page, 60, 70, list(widths), rows)
    return doc


def test_bus_function_codes_and_frames_are_no_register_maps():
    functions = [["Code", "Function", "Note"], ["03H", "Read single or multiple word registers", ""],
                 ["06H", "Write a single word register", ""], ["10H", "Write consecutive N word registers", ""],
                 ["78H", "Restore factory default", ""], ["79H", "Clear history", ""]]
    assert _registers(_ruled(functions)) == []
    frame = [["Description", "Bytes", "Command"], ["Device address", "BYTE", "01H"], ["Function code", "BYTE", "78H"],
             ["Supplement data", "WORD", "0000H"], ["Check code", "WORD", "CRC"]]
    assert _registers(_ruled(frame, (120, 60, 100))) == []
    commands = [["Code", "Command", "Note"], ["05H", "Read Status Register-1", ""], ["35H", "Read Status Register-2", ""],
                ["01H", "Write Status Register", ""], ["06H", "Write Enable", ""], ["04H", "Write Disable", ""]]
    assert {(r.name, int(r.address, 16)) for r in _registers(_ruled(commands))} == \
        {(r[1], int(r[0][:-1], 16)) for r in commands[1:]}


RANGED = [("5120", "", "Cell count"), ("5122~", "5129", "Battery name"), ("5130~", "5131", "Software Version"),
          ("5200", "", "Cell over voltage limit"), ("5201", "", "Cell high voltage limit")]


def _ranged_page(ruled: bool):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "PDU address allocation table", fontsize=9)
    page.insert_text((60, 70), "Address (Decimal)", fontsize=9)
    page.insert_text((140, 70), "R/W", fontsize=9)
    page.insert_text((180, 70), "Description", fontsize=9)
    y = 92
    for start, end, name in RANGED:
        page.insert_text((60, y), start, fontsize=9)
        page.insert_text((140, y + (8 if end else 0)), "R", fontsize=9)
        page.insert_text((180, y + (8 if end else 0)), name, fontsize=9)
        if end:
            page.insert_text((60, y + 16), end, fontsize=9)
            y += 16
        y += 20
    if ruled:
        for x in (55, 135, 175, 400):
            page.draw_line((x, 58), (x, y))
        for yy in (58, 76, y):
            page.draw_line((55, yy), (400, yy))
    return doc


def test_address_ranges_left_open_at_the_line_end():
    want = {(n, int(a.rstrip("~"))) for a, _e, n in RANGED}
    for ruled in (False, True):
        assert {(r.name, int(r.address, 16)) for r in _registers(_ranged_page(ruled))} == want, ruled


def test_cjk_data_value_tables_are_no_register_maps():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontsize=9, fontname="china-s")
    page.insert_text((60, 60), "6.2. 语音地址对应关系", **font)
    page.insert_text((120, 84), "数据（十六进制）", **font)
    page.insert_text((330, 84), "功能", **font)
    values = (0, 1, 2, None, 0xDD, 0xDE, 0xDF)
    for i, v in enumerate(values):
        page.insert_text((140, 104 + 16 * i), "……" if v is None else f"{v:02X}H", **font)
        page.insert_text((310, 104 + 16 * i), "……" if v is None else f"播放第{v} 段语音", **font)
    bottom = 92 + 16 * len(values)
    for x in (100, 280, 450):  # drawn as a ruled table
        page.draw_line((x, 70), (x, bottom))
    for y in [70, 90] + [92 + 16 * (i + 1) for i in range(len(values))]:
        page.draw_line((100, y), (450, y))
    assert _registers(doc) == []


COMMANDS = [("获取模拟量数据，定点数", "Get analog value, fixed point", 0x42), ("获取告警，状态", "Get alarm info, status", 0x44),
            ("获取系统参数，定点数", "Get system parameter, fixed point", 0x47),
            ("获取通信协议版本", "Get protocol version", 0x4F), ("获取厂商信息", "Get manufacturer info", 0x51),
            ("关机", "Turnoff", 0x95)]
OUTCOMES = [("Normal", 0x00), ("VER error", 0x01), ("CHKSUM error", 0x02), ("CID2 invalid", 0x04),
            ("Command format error", 0x05), ("ADR error", 0x90)]


def test_centred_bilingual_command_cells_and_return_codes():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontsize=9, fontname="china-s")
    xs = (50, 80, 440, 490, 570)

    def frame(top: float, bottom: float, header_bottom: float) -> None:
        for x in xs:
            page.draw_line((x, top), (x, bottom))
        for y in (top, header_bottom, bottom):
            page.draw_line((xs[0], y), (xs[-1], y))

    def header(y: float) -> None:
        for x, h in zip(xs, ("No", "Content", "CID2", "Note")):
            page.insert_text((x + 4, y), h, **font)

    page.insert_text((60, 60), "2.5.2 CID2 command information", **font)
    header(84)
    y = 106
    for i, (zh, en, code) in enumerate(COMMANDS, 1):
        page.insert_text((xs[1] + 4, y), zh, **font)  # the name's two lines around the code's line
        page.insert_text((xs[0] + 4, y + 7), str(i), **font)
        page.insert_text((xs[2] + 4, y + 7), f"{code:02X}H", **font)
        page.insert_text((xs[1] + 4, y + 14), en, **font)
        y += 30
    frame(70, y - 8, 90)
    page.insert_text((60, y + 14), "response information", **font)
    top = y + 24
    header(top + 14)
    yy = top + 36
    for i, (name, code) in enumerate(OUTCOMES, 1):
        for x, t in zip(xs, (str(i), name, f"{code:02X}H")):
            page.insert_text((x + 4, yy), t, **font)
        yy += 18
    frame(top, yy, top + 20)
    got = {(r.name, int(r.address, 16)) for r in _registers(doc)}
    assert got == {(en, code) for _zh, en, code in COMMANDS}


def test_parameter_value_tables_are_no_register_maps():
    rows = [["Pin Command Parameter", "Description"], ["0", "Unmonitored digital input"],
            ["1", "Reserved for alternate functions"], ["2", "Analog input, single ended"],
            ["3", "Digital input, monitored"], ["4", "Digital output, default low"],
            ["5", "Digital output, default high"]]
    assert _registers(_ruled(rows, (120, 240))) == []


CJK_COMMANDS = [("F0", "播放第 Parm1 地址的声音。", "第 01 地址：F0 01"), ("F1", "调节音量。默认最大音量。", "F1 3F"),
                ("F2", "播放第 Parm2 地址声音同时循环。", "F2 02 01"), ("F3", "连码播放，顺序播放地址的声音。", "F3 01 02"),
                ("E0", "更换内部第 Parm1 地址声音。", "E0 01"), ("DF", "查询是否准备 OK。", "DF")]


def test_cjk_command_lists_named_by_their_description():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    font = dict(fontsize=9, fontname="china-s")
    xs = (50, 100, 150, 200, 420, 560)
    page.insert_text((50, 60), "6.3. 播放指令", **font)
    for x, h in zip(xs, ("指令头", "参数 1", "参数 2", "说明", "范例")):
        page.insert_text((x + 4, 86), h, **font)
    y = 90
    for code, desc, example in CJK_COMMANDS:
        for x, t in zip(xs, (code, "Parm1", "\\", desc, example)):
            page.insert_text((x + 4, y + 14), t, **font)
        y += 22
    for x in xs:
        page.draw_line((x, 72), (x, y))
    for yy in [72, 90] + [90 + 22 * (i + 1) for i in range(len(CJK_COMMANDS))]:
        page.draw_line((xs[0], yy), (xs[-1], yy))
    got = {(r.name, int(r.address, 16)) for r in _registers(doc)}
    assert got == {("播放第 Parm1 地址的声音", 0xF0), ("调节音量", 0xF1), ("播放第 Parm2 地址声音同时循环", 0xF2),
                   ("连码播放", 0xF3), ("更换内部第 Parm1 地址声音", 0xE0), ("查询是否准备 OK", 0xDF)}


def test_five_digit_decimal_addresses():
    rows = [["Signal Name", "R/W", "Number", "Address"], ["Product Number", "RO", "1", "20000"],
            ["Model Name", "RO", "10", "20001"], ["Serial Number", "RO", "12", "20011"],
            ["Software Version", "RO", "6", "20023"], ["Rated Power", "RO", "2", "20035"]]
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Modbus register map", fontsize=9)
    for i, row in enumerate(rows):
        for x, t in zip((60, 200, 260, 330), row):
            page.insert_text((x, 80 + 18 * i), t, fontsize=9)
    assert {(r.name, int(r.address, 16)) for r in _registers(doc)} == {(r[0], int(r[3])) for r in rows[1:]}


def test_multiplication_sign_for_hex_x():
    assert parse_addr_cell("0\u00d760").text == "60" and parse_addr_cell("0\u00d7A5").kind == "0x"


def test_labelled_code_headings():
    doc = pymupdf.open()
    codes = [(10, "PMTK_SYS_MSG"), (11, "PMTK_TXT_MSG"), (1, "PMTK_ACK"), (101, "PMTK_CMD_HOT_START"),
             (102, "PMTK_CMD_WARM_START"), (161, "PMTK_CMD_STANDBY_MODE")]
    for k, (c, n) in enumerate(codes, 1):
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 60), f"4.{k}. Packet Type: {c:03d} {n}", fontsize=12)
        page.insert_text((60, 90), "Packet Meaning: what the packet does, in a sentence of prose.", fontsize=9)
        page.insert_text((60, 110), f"Example: $PMTK{c:03d}*32<CR><LF>", fontsize=9)
    assert {(r.name, int(r.address, 16)) for r in _registers(doc)} == {(n, c) for c, n in codes}


def test_values_under_a_header_naming_registers():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((60, 50), "Table 8. BATTERY PROFILE VS. REGISTER", fontsize=9)
    cols = (60, 170, 230, 300, 400, 480)
    for x, t in zip(cols[3:], ("Design", "Number of", "Change of")):
        page.insert_text((x, 70), t, fontsize=8)
    for x, t in zip(cols, ("", "Battery", "Nominal", "", "the Parameter", "the Parameter")):
        page.insert_text((x, 80), t, fontsize=8)
    for x, t in zip(cols, ("IC Type", "Type", "Voltage", "Capacity", "(0x1A)", "(0x12)")):
        page.insert_text((x, 90), t, fontsize=8)
    parts = [("LC70Fxx-01xx", "03", "0x0301"), ("LC70Fxx-03xx", "06", "0x0601"), ("LC70Fxx-04xx", "05", "0x0504"),
             ("LC70Fxx-05xx", "07", "0x0706")]
    y = 108
    for name, kind, value in parts:
        for x, t in zip(cols, (name, kind, "3.8 V", ">= 500 mAh", value, "0x0000")):
            page.insert_text((x, y), t, fontsize=8)
        page.insert_text((cols[1], y + 12), "01", fontsize=8)
        page.insert_text((cols[5], y + 12), "0x0001", fontsize=8)
        y += 26
    assert _registers(doc) == []
