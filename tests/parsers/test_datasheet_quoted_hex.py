"""Address grammar and content typing on pages the test renders itself (issue 17): command codes
printed as quote-marked hex literals (Verilog ``'h03``), a memory-map table whose cells are
``H'7F0000``-style hex addresses (sector | start | end: no register names), and a timing diagram of
dashed rules whose strokes chain into one column wall (it must not stop the parse)."""

from __future__ import annotations

from tests.parsers.pdf_pages import drawn_registers, ruled_table

MAP = [("CTRL", 0), ("STATUS", 1), ("DATA_L", 2), ("DATA_H", 3), ("FIFO_CFG", 4), ("INT_CFG", 5)]
CMDS = [("Read", "'h03"), ("Fast Read", "'h0B"), ("Fast Read Quad", "'hEB"), ("Write", "'h02"),
        ("Quad Write", "'h38"), ("Reset Enable", "'h66"), ("Reset", "'h99"), ("Read ID", "'h9F")]


def test_quote_marked_hex_command_codes_read(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "8.5 Command/Address Latching Truth Table", fontsize=10)
        ruled_table(p, 60, 80, [110, 50, 40, 40, 60], [["Command", "Code", "Cmd", "Addr", "Max Freq."]] +
                    [[n, c, "S", "S", "133"] for n, c in CMDS])

    got = drawn_registers(tmp_path, draw)
    assert got == {(n.replace(" ", ""), int(c[2:], 16)) for n, c in CMDS}


def test_sector_address_table_is_not_a_register_map(tmp_path):
    ops = [("Write enable", "0000 0110"), ("Write disable", "0000 0100"), ("Read status", "0000 0101"),
           ("Read bytes", "0000 0011"), ("Erase bulk", "1100 0111"), ("Erase sector", "1101 1000")]

    def draw(d):
        p = d.new_page()
        # the caption is drawn inside the table's frame: "Address" lands over the sector column
        rows = [["Table 6. Address Range for Sectors", "", ""], ["Sector", "Start", "End"]] + [[str(s), f"H'{s:02X}0000", f"H'{s:02X}FFFF"] for s in range(127, 107, -1)]
        ruled_table(p, 60, 70, [80, 110, 110], rows)
        p = d.new_page()
        p.insert_text((60, 60), "Table 10. Operation Codes for Serial Configuration Devices", fontsize=9)
        ruled_table(p, 60, 70, [110, 110, 80], [["Operation", "Operation Code", "Address Bytes"]] +
                    [[n, c, "0"] for n, c in ops])

    got = drawn_registers(tmp_path, draw)
    assert got == {(n.replace(" ", ""), int(c.replace(" ", ""), 2)) for n, c in ops}


def test_dashed_timing_rules_do_not_stop_the_parse(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "Register map", fontsize=10)
        y = ruled_table(p, 60, 70, [80, 120, 80], [["Register Address", "Register Name", "Default"]] +
                        [[f"0x{a:02X}", n, "0x00"] for n, a in MAP])
        top = y + 60
        for x in range(190, 352, 4):  # short dashes of a clock edge, 4 pt apart
            p.draw_line((x, top), (x, top + 24), width=0.3)
        for yy in (top, top + 8, top + 16, top + 24):
            p.draw_line((190, yy), (350, yy), width=0.3)
        p.insert_text((250, top + 14), "tCSH", fontsize=8)

    got = drawn_registers(tmp_path, draw)
    assert got == set(MAP)


def test_bit_pattern_with_dont_care_bits_reads_as_the_code_beside_it():
    from firmcorpus.parsers.pdf_grid import parse_addr_cell

    c = parse_addr_cell("101x-xxx1 (0xA1)")
    assert c is not None and (c.kind, c.text) == ("0x", "A1")
    assert parse_addr_cell("111b_bbbb") is None  # no code printed beside the pattern
