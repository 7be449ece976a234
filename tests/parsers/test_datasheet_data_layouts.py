"""Tables with an offset column that are not register maps, and register maps that look like other
tables, on pages the test renders itself (issue 17): a file-format table (``Offset | Size | Field``)
whose offsets advance by each row's size; a table whose only text column repeats one phrase; a
register named ``DATA`` in capitals (a header word, but at an address of its own); and a common and a
per-socket block that reuse offsets under "Register Block" headings."""

from __future__ import annotations

from tests.parsers.pdf_pages import parse_drawn, ruled_table

NAMES = ["CONFIG", "STATUS", "DATA", "THRESH", "CTRL_A", "CTRL_B", "INT_EN", "INT_FLAG", "FIFO", "MODE", "ID", "VER"]
FIELDS = ["magic", "version", "load_addr", "entry", "size", "crc", "flags", "spare"]


def _regs(tmp_path, draw):
    return parse_drawn(tmp_path, draw, "t.pdf")


def _text_table(page, y: float, head: list[str], rows: list[list[str]], xs: list[float]) -> None:
    for x, h in zip(xs, head):
        page.insert_text((x, y), h, fontsize=9)
    for i, r in enumerate(rows):
        for x, c in zip(xs, r):
            page.insert_text((x, y + 16 * (i + 1)), c, fontsize=9)


def _map(page, y: float) -> float:
    return ruled_table(page, 60, y, [80, 120, 80], [["Register Address", "Register Name", "Default"]] +
                       [[f"0x{0x40 + a:02X}", n, "0x00"] for a, n in enumerate(NAMES[:6])])


def test_file_format_table_is_not_a_register_map(tmp_path):
    def draw(d):
        p = d.new_page()
        y = _map(p, 80)
        p.insert_text((60, y + 40), "Table 7. Image header format", fontsize=10)
        ruled_table(p, 60, y + 50, [60, 60, 160, 160], [["Offset", "Size", "Field", "Description"]] +
                    [[f"0x{4 * i:02X}", "4", n, f"header word {i}"] for i, n in enumerate(FIELDS)])

    got = {(r.name, int(r.address, 16)) for r in _regs(tmp_path, draw)}
    assert got == {(n, 0x40 + a) for a, n in enumerate(NAMES[:6])}


def test_one_phrase_on_every_row_is_not_a_register_map(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "Table 3. Reserved words", fontsize=10)
        _text_table(p, 90, ["Offset", "Size", "Description"], [[f"0x{4 * i:02X}", "4", "see text"] for i in range(8)],
                    [60, 140, 220])

    assert _regs(tmp_path, draw) == []


def test_register_named_data_in_capitals_is_kept(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "Register map", fontsize=10)
        _text_table(p, 90, ["Reg", "Name", "Default", "Function"],
                    [[f"{a:02d}", n, "00", "setting"] for a, n in zip(range(4, 16), NAMES)], [60, 120, 220, 300])

    got = {(r.name, int(r.address, 16)) for r in _regs(tmp_path, draw)}
    assert got == {(n, a) for a, n in zip(range(4, 16), NAMES)}


def test_common_and_socket_blocks_reusing_offsets_are_separate_blocks(tmp_path):
    common = ["MR", "GAR0", "GAR1", "GAR2", "SUBR0", "SUBR1"]
    socket = ["Sn_MR", "Sn_CR", "Sn_IR", "Sn_SR", "Sn_PORT0", "Sn_PORT1"]

    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "5.1 Common Register Block", fontsize=10)
        y = ruled_table(p, 60, 70, [80, 140, 60], [["Offset", "Register", "R/W"]] +
                        [[f"0x{a:04X}", n, "R/W"] for a, n in enumerate(common)])
        p.insert_text((60, y + 30), "5.2 Socket Register Block", fontsize=10)
        ruled_table(p, 60, y + 40, [80, 140, 60], [["Offset", "Register", "R/W"]] +
                    [[f"0x{a:04X}", n, "R/W"] for a, n in enumerate(socket)])

    regs = _regs(tmp_path, draw)
    assert {(r.name, int(r.address, 16)) for r in regs} == \
        {(n, a) for a, n in enumerate(common)} | {(n, a) for a, n in enumerate(socket)}
    blocks = {r.name: r.peripheral for r in regs}
    assert blocks["MR"] and blocks["Sn_MR"] and blocks["MR"] != blocks["Sn_MR"]
