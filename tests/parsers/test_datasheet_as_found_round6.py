"""Forms met on the sixth round of datasheets taken as found for the development set (and on
leftovers of earlier rounds), on pages the test draws itself (the truth is what the test prints).
Each test failed before its mechanism:

* a multi-byte register printed once per byte ("SUM 50" at four consecutive addresses) among
  one-byte registers: the repeated names are one register's bytes, not a value table's repeats;
  a table of nothing but such runs (one label over each group of rows) stays rejected;
* a command set printed sideways (one column per command, the code in a "1st byte" row, the
  mnemonic and a parenthesised description centred on the "Command" row, "60 or C7" and
  "75/B0" two codes of one command), whose address rows ("ADD1") are placeholders;
* a discoverable-parameter table whose rows fill the bytes of 32-bit words in turn (bit ranges
  07:00, 15:08, 23:16, 31:24 beside byte addresses) is a data structure, not registers;
* a scanned page's text layer reads the zero of "0C" / "0F" as the letter O;
* a memory layout whose cells are (x,y) coordinate pairs under row addresses is no register map;
* a short list that restates four of six rows of the map printed earlier is an excerpt: its
  row naming a mapped address otherwise is an alias, not a second register there;
* a register summary printing addresses with a dollar sign and the data-space alias in
  parentheses ("$3F ($5F)"), under "Bit 7 .. Bit 0" headers: a candidate page, I/O addresses;
* a table of values named by formulas ("VADCm + 1/512 VREF/GAIN") is no register map;
* a watermark drawn letter by letter at several times the body size does not glue its letters
  into command names ("Display G C Inversion OFF");
* a module table with base and end address columns is a map of address spaces, not registers;
* register detail headings under a running part-number context describe the rows of a
  caption-labelled register map: one register each, not a second copy;
* a display RAM drawn row by row (COM0 .. COM7, each row's two bytes in two columns: 00H | 01H)
  is a memory layout, not registers;
* byte registers named by the slice of a wide value they hold (MODEL_ID[15:8] at 0000h,
  MODEL_ID[7:0] at 0001h) are a register map, not a field table;
* a table of operations and the whole 32-bit SPI frame of each ("Read ACC_X" = 040000F7h) is
  no register map.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import _drop_slanted, parse_pdf
from firmcorpus.parsers.pdf_layout import name_runs
from tests.parsers.pdf_pages import ruled_table


def _got(doc) -> set[tuple[str, int]]:
    return {(x.name, int(x.address, 16)) for x in parse_pdf(doc.tobytes()).registers}


DETECTOR = [(0x3C09, "LIGHT METER THRESHOLD", "Bit[7:0]: threshold[7:0]"),
            (0x3C0A, "SAMPLE NUMBER", "Bit[7:0]: Sample number[15:8]"),
            (0x3C0B, "SAMPLE NUMBER", "Bit[7:0]: Sample number[7:0]"),
            (0x3C0C, "DETECT CTRL0C", "Bit[0]: Band select"),
            (0x3C0D, "SUM 50", "Bit[4:0]: Sum50[28:24]"),
            (0x3C0E, "SUM 50", "Bit[7:0]: Sum50[23:16]"),
            (0x3C0F, "SUM 50", "Bit[7:0]: Sum50[15:8]"),
            (0x3C10, "SUM 50", "Bit[7:0]: Sum50[7:0]"),
            (0x3C11, "SUM 60", "Bit[4:0]: Sum60[28:24]"),
            (0x3C12, "SUM 60", "Bit[7:0]: Sum60[23:16]"),
            (0x3C13, "SUM 60", "Bit[7:0]: Sum60[15:8]"),
            (0x3C14, "SUM 60", "Bit[7:0]: Sum60[7:0]"),
            (0x3C15, "BLOCK COUNTER", "Bit[7:0]: Block counter[15:8]"),
            (0x3C16, "BLOCK COUNTER", "Bit[7:0]: Block counter[7:0]"),
            (0x3C17, "SUM THRESHOLD", "Sum threshold")]


def test_multi_byte_registers_printed_once_per_byte():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((50, 50), "table 7-9   detector registers", fontsize=9)
    for x, h in ((250, "default"), (60, "address"), (110, "register name"), (250, "value"), (300, "R/W"),
                 (340, "description")):
        page.insert_text((x, 80 if h == "default" else 90), h, fontsize=8)
    for i, (a, n, d) in enumerate(DETECTOR):
        y = 110 + 20 * i
        for x, t in ((60, f"0x{a:04X}"), (110, n), (255, "-"), (303, "R"), (340, d)):
            page.insert_text((x, y), t, fontsize=8)
    assert _got(doc) == {(n, a) for a, n, _d in DETECTOR}


def test_runs_count_once_only_beside_one_byte_registers():
    names = ["A", "SUM", "SUM", "SUM", "B", "C"]
    assert name_runs(names, [0, 1, 2, 3, 4, 5]) == 4
    assert name_runs(names, [0, 1, 5, 9, 10, 11]) == 6  # not consecutive: not one register's bytes
    # nothing but runs: one label over each group of rows (a RAM layout), no collapse
    assert name_runs(["P0", "P0", "P0", "P1", "P1", "P1"], [2, 3, 4, 10, 11, 12]) == 6


SIDEWAYS = [[("READ", "(normal read)"), ("FAST READ", "(fast read data)"), ("BE 32K", "(block erase"),
             ("CE", "(chip erase)")],
            [("03 (hex)",), ("0B (hex)",), ("52 (hex)",), ("60 or C7 (hex)",)]]


def test_command_set_printed_sideways():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Table 4. Command Sets", fontsize=9)
    xs = [130, 230, 330, 430]
    page.insert_text((40, 90), "Command", fontsize=8)
    for x, (mn, desc) in zip(xs, SIDEWAYS[0]):
        page.insert_text((x, 84), mn, fontsize=8)
        page.insert_text((x, 96), desc, fontsize=8)
    page.insert_text((330, 108), "32KB)", fontsize=8)
    page.insert_text((40, 122), "1st byte", fontsize=8)
    for x, (code,) in zip(xs, SIDEWAYS[1]):
        page.insert_text((x, 122), code, fontsize=8)
    for r, lab in enumerate(("2nd byte", "3rd byte", "4th byte")):
        page.insert_text((40, 136 + 14 * r), lab, fontsize=8)
        for x in xs[:3]:
            page.insert_text((x, 136 + 14 * r), f"ADD{r + 1}(8)", fontsize=8)
    page.insert_text((40, 190), "Action", fontsize=8)
    for x in xs:
        page.insert_text((x, 190), "n bytes read out", fontsize=8)
    # a second table: the command row is the first row, "75/B0" codes
    page.insert_text((40, 250), "Command", fontsize=8)
    for x, mn in zip(xs, ("WREN", "RDSR", "SBL", "NOP")):
        page.insert_text((x, 250), mn, fontsize=8)
    page.insert_text((40, 264), "1st byte", fontsize=8)
    for x, code in zip(xs, ("06 (hex)", "05 (hex)", "C0/77 (hex)", "00 (hex)")):
        page.insert_text((x, 264), code, fontsize=8)
    assert _got(doc) == {("READ", 0x03), ("FAST READ", 0x0B), ("BE 32K", 0x52), ("CE", 0x60), ("CE", 0xC7),
                         ("WREN", 0x06), ("RDSR", 0x05), ("SBL", 0xC0), ("SBL", 0x77), ("NOP", 0x00)}


def test_parameter_bytes_of_32_bit_words_are_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Table 11. Signature and Parameter Identification Data Values", fontsize=9)
    for x, h in ((40, "Parameter"), (150, "Comment"), (300, "Add (h)"), (350, "DW Add (Bit)"), (420, "Data (h/b)"),
                 (480, "Data (h)")):
        page.insert_text((x, 75), h, fontsize=8)
    names = ["Signature Byte A", "Signature Byte B", "Signature Byte C", "Signature Byte D", "Minor Revision Number",
             "Major Revision Number", "Number of Headers", "Access Protocol", "ID Number", "Table Minor Revision",
             "Table Major Revision", "Table Length", "Table Pointer Low", "Table Pointer Mid", "Table Pointer High",
             "Vendor Code"]
    rows = [(n, f"{i:02X}h", ("07:00", "15:08", "23:16", "31:24")[i % 4], f"{(7 * i + 3) % 256:02X}h")
            for i, n in enumerate(names)]
    for i, (n, a, bits, v) in enumerate(rows):
        for x, t in zip((40, 150, 300, 355, 425, 485), (n, "Start from 00h" if i % 3 else "", a, bits, v, v)):
            page.insert_text((x, 95 + 16 * i), t, fontsize=8)
    ds = parse_pdf(doc.tobytes())
    assert ds.registers == []
    assert any("bytes of" in w or "byte of a 32-bit word" in w for w in ds.warnings)


SCANNED = [("00", "Freq Lo"), ("01", "Freq Hi"), ("02", "PW LO"), ("03", "PW HI"), ("04", "Control Reg"),
           ("05", "Attack/Decay"), ("06", "Sustain/Release"), ("07", "Mode/Vol"), ("08", "Gain A"), ("09", "Gain B"),
           ("0A", "Gain C"), ("0B", "Pan A"), ("OC", "Pan B"), ("0D", "Pan C"), ("0E", "Env A"), ("OF", "Env B")]


def test_letter_o_for_zero_in_scanned_hex_cells():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "TABLE 1 - REGISTER MAP", fontsize=9)
    for x, h in ((40, "Reg # (Hex)"), (120, "Reg Name"), (220, "Reg Type")):
        page.insert_text((x, 75), h, fontsize=8)
    for i, (a, n) in enumerate(SCANNED):
        for x, t in ((45, a), (120, n), (220, "Write-only")):
            page.insert_text((x, 95 + 15 * i), t, fontsize=8)
    assert _got(doc) == {(n, int(a.replace("O", "0"), 16)) for a, n in SCANNED}


def test_coordinate_grid_of_a_memory_is_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 40), "6.1. Memory Map", fontsize=9)
    page.insert_text((200, 60), "Memory X Address", fontsize=8)
    xs = [150, 210, 270, 330, 390]
    for x, a in zip(xs, ("00h", "01h", "02h", "7Eh", "7Fh")):
        page.insert_text((x, 75), a, fontsize=8)
    for r, (label, ya) in enumerate((("Memory Y", "00h"), ("Row", "01h"), ("", "02h"), ("", "7Eh"), ("Memory", "7Fh"))):
        y = 95 + 22 * r
        if label:
            page.insert_text((40, y), label, fontsize=8)
        page.insert_text((105, y), ya, fontsize=8)
        for x, xa in zip(xs, ("00", "01", "02", "7E", "7F")):
            page.insert_text((x, y), f"({xa},{ya[:2]})", fontsize=8)
    assert _got(doc) == set()


MAP = [("SOFTRES", 0x01), ("DDISPON/OFF", 0x02), ("DSTBYON/OFF", 0x03), ("DFRAME", 0x04), ("WriteDirection", 0x05),
       ("ScanDirection", 0x06), ("DispSize", 0x07), ("IF_BUS_SEL", 0x08), ("DataMasking", 0x09), ("MBoxSize", 0x0A),
       ("DispStart", 0x0B), ("DataWrite", 0x0C), ("DataRead", 0x0D), ("DotCurrent", 0x0E)]


def test_a_later_excerpt_restating_most_rows_adds_no_alias():
    doc = pymupdf.open()
    for rows, title in ((MAP, "5.1. Command Register List & Map"),
                        ([("DDISPOFF", 0x02), ("ScanDirection", 0x06), ("DataMasking", 0x09), ("DispStart", 0x0B),
                          ("DotCurrent", 0x0E), ("DSTBY", 0x03)], "6.2. The Command List synchronized to FSYNC.")):
        page = doc.new_page(width=612, height=792)
        page.insert_text((40, 50), title, fontsize=9)
        page.insert_text((100, 80), "Address", fontsize=8)
        page.insert_text((250, 80), "Register Name", fontsize=8)
        for i, (n, a) in enumerate(rows):
            page.insert_text((105, 100 + 18 * i), f"{a:02X}h", fontsize=8)
            page.insert_text((250, 100 + 18 * i), n, fontsize=8)
    assert _got(doc) == set(MAP)


AVR = [("SREG", 0x3F), ("SPH", 0x3E), ("SPL", 0x3D), ("OCR0", 0x3C), ("GICR", 0x3B), ("GIFR", 0x3A), ("TIMSK", 0x39),
       ("TIFR", 0x38)]


def test_dollar_hex_register_summary():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Register Summary", fontsize=10)
    page.insert_text((40, 75), "Address", fontsize=8)
    page.insert_text((110, 75), "Name", fontsize=8)
    for k in range(8):
        page.insert_text((160 + 45 * k, 75), f"Bit {7 - k}", fontsize=8)
    page.insert_text((530, 75), "Page", fontsize=8)
    for i, (n, a) in enumerate(AVR):
        y = 95 + 15 * i
        page.insert_text((40, y), f"${a:02X} (${a + 0x20:02X})", fontsize=8)
        page.insert_text((110, y), n, fontsize=8)
        for k in range(8):
            page.insert_text((160 + 45 * k, y), f"{n[:2]}{7 - k}", fontsize=7)
        page.insert_text((530, y), str(10 + i), fontsize=8)
    assert _got(doc) == set(AVR)


def test_values_named_by_formulas_are_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Table 82. Correlation between Input Voltage and Output Codes", fontsize=9)
    page.insert_text((60, 75), "VADCn", fontsize=8)
    page.insert_text((300, 75), "Read code", fontsize=8)
    page.insert_text((400, 75), "Corresponding Decimal Value", fontsize=8)
    rows = [("VADCm + VREF/GAIN", "0x1FF", 511), ("VADCm + 511/512 VREF/GAIN", "0x1FF", 511),
            ("VADCm + 510/512 VREF/GAIN", "0x1FE", 510), ("...", "...", "..."), ("VADCm + 1/512 VREF/GAIN", "0x001", 1),
            ("VADCm", "0x000", 0), ("VADCm - 1/512 VREF/GAIN", "0x3FF", -1), ("...", "...", "..."),
            ("VADCm - 511/512 VREF/GAIN", "0x201", -511), ("VADCm - VREF/GAIN", "0x200", -512)]
    for i, (n, code, v) in enumerate(rows):
        y = 95 + 15 * i
        page.insert_text((60, y), n, fontsize=8)
        page.insert_text((300, y), code, fontsize=8)
        page.insert_text((400, y), str(v), fontsize=8)
    assert _got(doc) == set()


def test_letter_by_letter_watermark_stays_out_of_names():
    # the words of a real command-list page (a ruled table: words go to the cell holding their
    # centre) and the initials "GC" of a "GC Confidential" watermark, 136 pt tall, whose centre
    # falls in the name cell of "Display Inversion OFF"
    words = [(65, 552, 99, 563, "Display"), (61, 568, 103, 578, "Inversion"), (72, 583, 93, 594, "OFF"),
             (-4, 499, 143, 635, "GC"), (120, 189, 587, 548, "Confidential")]
    words += [(236, 244 + 16 * i, 253, 255 + 16 * i, "XX") for i in range(30)]
    kept = _drop_slanted(words)
    assert [w[4] for w in kept if w[4] in ("Display", "Inversion", "OFF", "GC")] == ["Display", "Inversion", "OFF"]
    assert sum(1 for w in kept if w[4] == "XX") == 30  # two-character cells of body size stay


CHANNEL = [("SETPOINT", 0x0000), ("CTRL", 0x0001), ("PERIOD", 0x0002), ("INTEGRATOR_LIMIT", 0x0003),
           ("DITHER_CLK_DIV", 0x0004), ("DITHER_STEP", 0x0005), ("DITHER_CTRL", 0x0006), ("CH_CONFIG", 0x0007)]


def test_module_address_spaces_with_end_addresses_are_no_registers():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Table 24   Register Overview - Channel", fontsize=9)
    for x, h in ((40, "Short name"), (160, "Long name"), (330, "Offset address"), (430, "Page number")):
        page.insert_text((x, 75), h, fontsize=8)
    for i, (n, a) in enumerate(CHANNEL):
        y = 92 + 14 * i
        for x, t in ((40, n), (160, "Channel Register"), (340, f"{a:04X}H"), (440, str(86 + i))):
            page.insert_text((x, y), t, fontsize=8)
    page.insert_text((40, 230), "Table 25   Registers Address Space - Channel", fontsize=9)
    for x, h in ((40, "Module"), (140, "Base Address"), (260, "End Address"), (380, "Note")):
        page.insert_text((x, 250), h, fontsize=8)
    for i, (m, b) in enumerate((("CH0", 0x40), ("CH1", 0x50), ("CH2", 0x60), ("CH3", 0x70), ("CH4", 0x20),
                                ("CH5", 0x30))):
        y = 268 + 14 * i
        page.insert_text((40, y), m, fontsize=8)
        page.insert_text((140, y), f"{b:08X}H", fontsize=8)
        page.insert_text((260, y), f"{b + 0xFFFE:08X}H", fontsize=8)
    assert _got(doc) == set(CHANNEL)


def test_detail_blocks_merge_into_a_caption_labelled_map():
    # the summary rows carry their caption's block ("Register map" / "Embedded functions page"),
    # the detail blocks the running header's part number: one register each, not two
    from firmcorpus.parsers.datasheet import Datasheet, _finalise
    from firmcorpus.parsers.pdf_registers import RawRegister

    raw = [RawRegister("LPF1", 0x0C, page=17, peripheral="Register map", table="p17.w1"),
           RawRegister("CTRL1", 0x20, page=17, peripheral="Register map", table="p17.w1"),
           RawRegister("PRESENCE_THS", 0x20, page=17, peripheral="Embedded functions page", table="p17.w2"),
           RawRegister("LPF1", 0x0C, page=18, peripheral="PARTX01", source="block", table="p18.h"),
           RawRegister("CTRL1", 0x20, page=20, peripheral="PARTX01", source="block", table="p20.h"),
           RawRegister("PRESENCE_THS", 0x20, page=28, peripheral="PARTX01", source="block", table="p28.h"),
           RawRegister("PAGE_RW", 0x11, page=26, peripheral="PARTX01", source="block", table="p26.h")]
    regs = _finalise(raw, Datasheet(source="x.pdf", pages=30))
    assert sorted((r.name, int(r.address, 16), r.peripheral) for r in regs) == [
        ("CTRL1", 0x20, "Register map"), ("LPF1", 0x0C, "Register map"), ("PAGE_RW", 0x11, "PARTX01"),
        ("PRESENCE_THS", 0x20, "Embedded functions page")]


def test_display_ram_rows_are_no_register_map():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "Display Memory - RAM Structure", fontsize=10)
    rows = [["", "ROW0 ... ROW7", "ROW8 ... ROW15"]]
    rows += [[f"COM{i}", f"{2 * i:02X}H", f"{2 * i + 1:02X}H"] for i in range(8)]
    ruled_table(page, 60, 70, [80, 150, 150], rows, row_h=16, fontsize=8)
    page.insert_text((40, 240), "Command Summary", fontsize=10)
    cmds = [("Display data address pointer", 0x00), ("System setup", 0x20), ("Key data address pointer", 0x40),
            ("INT flag address pointer", 0x60), ("Display setup", 0x80)]
    ruled_table(page, 60, 250, [200, 80], [["Name", "Command (hex)"]] + [[n, f"{c:02X}H"] for n, c in cmds],
                row_h=16, fontsize=8)
    assert _got(doc) == set(cmds)


SENSOR = [("MODEL_ID[15:8]", 0x0000), ("MODEL_ID[7:0]", 0x0001), ("Lot_ID[23:16]", 0x0004), ("Lot_ID[15:8]", 0x0005),
          ("Lot_ID[7:0]", 0x0006), ("Wafer_Num", 0x0007), ("Chip_Number[15:8]", 0x000D), ("Chip_Number[7:0]", 0x000E),
          ("FRM_CNT[7:0]", 0x0018), ("PX_ORDER", 0x0019), ("DT_PEDESTAL[9:8]", 0x001A), ("DT_PEDESTAL[7:0]", 0x001B)]


def test_byte_registers_named_by_value_slices():
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((40, 50), "3-2-1-1 Status Registers - [0x0000-0x001B]", fontsize=9)
    rows = [["Index", "Byte", "Register Name", "RW", "Comment", "Default (HEX)"]]
    rows += [[f"{a:04X}", "[7:0]" if not n.startswith("DT_PEDESTAL[9") else "[1:0]", n, "RO", "", "XX"]
             for n, a in SENSOR]
    ruled_table(page, 40, 70, [50, 45, 120, 40, 120, 60], rows, row_h=18, fontsize=8)
    assert _got(doc) == set(SENSOR)


def test_operations_with_whole_spi_frames_are_no_register_map():
    # the rows of a real "Operations and their equivalent SPI frames" table (a ruled table read by
    # the grid reader): each operation with the 32-bit frame that performs it
    from firmcorpus.parsers.datasheet import _not_a_register_map

    ops = [("Read ACC_X", 0x040000F7), ("Read ACC_Y", 0x080000FD), ("Read ACC_Z", 0x0C0000FB),
           ("Enable ANGLE outputs", 0xB0001F6F), ("Read ANG_X", 0x240000C7), ("Read ANG_Y", 0x280000CD),
           ("Read Temperature", 0x140000EF), ("Read Status Summary", 0x180000E5), ("Read CMD", 0x340000DF),
           ("Change to mode 1", 0xB400001F), ("Change to mode 2", 0xB4000102), ("SW Reset", 0xB4002098)]
    why = _not_a_register_map([n for n, _v in ops], [v for _n, v in ops])
    assert why is not None and "bus frames" in why
    # flash commands named by verbs keep their one-byte opcodes
    flash = [("Read Data", 0x03), ("Read Status Register-1", 0x05), ("Write Enable", 0x06), ("Write Disable", 0x04)]
    assert _not_a_register_map([n for n, _v in flash], [v for _n, v in flash]) is None
