"""Tables that hold codes but are no register maps, and a bit-matrix map with descriptive names, on
pages the test renders itself (issue 17): a program listing (``PC | Assemble Instruction | Machine
Code``: names carry hex operands); a 4-bit field's value table (``Function | Code`` with codes
0000..1111); a field table whose bit ranges ("15:0") are no addresses; and a register map whose
bit columns are headed by bare bit numbers (7 .. 0), which hold field names, not register names."""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers import pdf_grid
from firmcorpus.parsers.pdf_layout import parse_address
from tests.parsers.pdf_pages import parse_drawn, ruled_table

MAP = [("0x00", "IDRST"), ("0x01", "GCR"), ("0x50", "LER1"), ("0x51", "LER2"), ("0x52", "LCR"), ("0x53", "PROGMD")]


def _regs(tmp_path, draw):
    return {(r.name, int(r.address, 16)) for r in parse_drawn(tmp_path, draw, "t.pdf")}


def _map(page, y: float) -> float:
    return ruled_table(page, 60, y, [80, 120, 80], [["Register Address", "Register Name", "Default"]] +
                       [[a, n, "0x0000"] for a, n in MAP])


def test_program_listing_is_not_a_register_map(tmp_path):
    prog = [("0", "SETSTEPTMRI 0x00 0x1F 0x03", "0x9F03"), ("1", "SETPWMI 0x1F 0x00", "0xBF00"),
            ("2", "RAMPI 0x01 0x00 0x80", "0xE080"), ("3", "WAITI 0x01 0x20", "0x3C20"),
            ("4", "RAMPI 0x00 0x00 0x80", "0xC080"), ("5", "WAITI 0x01 0x38", "0x3C38")]

    def draw(d):
        p = d.new_page()
        y = _map(p, 80)
        p.insert_text((60, y + 30), "Table 7 Reference Instruction of LED Effect Programming", fontsize=9)
        ruled_table(p, 60, y + 40, [30, 170, 80, 140], [["PC", "Assemble Instruction", "Machine Code", "explanation"]] +
                    [[pc, ins, code, "step"] for pc, ins, code in prog])

    assert _regs(tmp_path, draw) == {(n, int(a, 16)) for a, n in MAP}


def test_nibble_value_table_is_not_a_register_map(tmp_path):
    funcs = ["GND", "VL", "EMPH", "INT", "RERR", "NVERR", "RCBL", "AUDIO", "VLRCK", "TX", "SRC_UNLOCK", "XTI_OUT"]

    def draw(d):
        p = d.new_page()
        y = _map(p, 80)
        for x, h in zip((70, 150, 220), ("Function", "Code", "Definition")):
            p.insert_text((x, y + 40), h, fontsize=9)
        for i, f in enumerate(funcs):
            p.insert_text((70, y + 56 + 14 * i), f, fontsize=9)
            p.insert_text((150, y + 56 + 14 * i), format(i, "04b"), fontsize=9)
            p.insert_text((220, y + 56 + 14 * i), "output source", fontsize=9)
        p.insert_text((150, y + 70 + 14 * len(funcs)), "Table 7. GPO Pin Configurations", fontsize=9)

    assert _regs(tmp_path, draw) == {(n, int(a, 16)) for a, n in MAP}


def test_descending_bit_range_is_no_address():
    assert parse_address("15:0") == (None, False)
    assert parse_address("7:4") == (None, False)
    assert parse_address("00:0F") == (0, True)


def test_bit_number_columns_hold_no_register_names(tmp_path):
    rows = [("02h", "Clock Control", ["PDN", "FSWCLK", "SWCLK", "INT1"]),
            ("03h", "Receiver Input Ctl.", ["RX_MODE", "RXSEL1", "RXSEL0", "TXSEL1"]),
            ("04h", "Receiver Data Ctl.", ["TRUNC", "HOLD1", "HOLD0", "CHS"]),
            ("09h", "RMCK Cntl.& Misc.", ["RMCK3", "RMCK2", "RMCK1", "RMCK0"]),
            ("0Ah", "Data Routing Ctl.", ["SDOUT1_1", "SDOUT1_0", "SDOUT2_1", "SDOUT2_0"])]
    doc = pymupdf.open()
    p = doc.new_page()
    ruled_table(p, 40, 80, [40, 110, 60, 60, 60, 60], [["Addr", "Function", "7", "6", "5", "4"]] +
                [[a, n] + bits for a, n, bits in rows])
    words = [w[:5] for w in p.get_text("words")]
    (g,) = pdf_grid.grids(pdf_grid.ruling_segments(p))
    t = pdf_grid.read_grid(g, words)
    assert t.name_header == "Function"
    assert {r.name for r in t.registers} == {n for _a, n, _b in rows}
