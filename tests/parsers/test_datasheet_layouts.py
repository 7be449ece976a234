"""Layout failure modes of register extraction, on real pages of
``../shared/data/datasheets_unlabelled`` (truth written from the page text, see each test) and
on pages the test renders itself."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf

UNL = (shared_data_dir() or Path("/nonexistent")) / "datasheets_unlabelled"


def _need(name: str) -> Path:
    p = UNL / name
    if not p.exists():
        pytest.skip(f"{p} not present")
    return p


def _regs(ds) -> set[tuple[str, int]]:
    return {(r.name, int(r.address, 16)) for r in ds.registers}


def test_running_footer_is_not_glued_to_the_last_row():
    # page 7: the pointer register table ends right above the running footer; truth from the
    # page: Conf 01h, Temp 00h, Tos 03h, Thyst 02h
    ds = parse_pdf(_need("nxp_lm75b.pdf"))
    assert _regs(ds) == {("Conf", 1), ("Temp", 0), ("Tos", 3), ("Thyst", 2)}


def test_note_inside_a_cell_does_not_end_the_table_and_array_indexes_stay():
    # page 60, "Table 12-1: List of Registers": a "Note: X is here an undefined value" line in
    # the Function column after the whitening rows; the table goes on with CRC and SyncWord
    # rows whose [n] are array indexes, not footnote marks
    ds = parse_pdf(_need("semtech_llcc68.pdf"), pages=(57, 61))
    got = _regs(ds)
    want = {("Whitening initial value LSB", 0x06B9), ("SyncWord[0]", 0x06C0), ("SyncWord[7]", 0x06C7),
            ("Node Address", 0x06CD), ("LoRa Sync Word LSB", 0x0741), ("CRC MSB Initial Value [0]", 0x06BC)}
    assert want <= got
    # the command tables of pages 57-59 are read too (opcode column typed by content)
    assert {("SetSleep", 0x84), ("WriteRegister", 0x0D), ("ReadBuffer", 0x1E), ("GetStatus", 0xC0)} <= got
    r = next(r for r in ds.registers if r.name == "SyncWord[3]")
    assert r.page == 60 and r.table and r.table.startswith("p60.") and r.confidence


def test_value_tables_are_rejected_with_reasons():
    # pages 80-85 hold parameter tables: RX bandwidth codes named by their bandwidth
    # ("RX_BW_4800 (4.8 kHz DSB)" = 0x1F), spreading factors named by their own code ("SF7" =
    # 0x07), preamble detector lengths ("... 16 bits"): codes with their meanings, not registers
    ds = parse_pdf(_need("semtech_llcc68.pdf"), pages=(80, 85))
    names = {r.name for r in ds.registers}
    assert not any(n.startswith(("RX_BW_", "SF", "Preamble detector")) for n in names)
    assert any("a value -> meaning table" in w for w in ds.warnings)
    assert any("an enumeration of values" in w for w in ds.warnings)


def _pdf(draw) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    draw(page)
    data = doc.tobytes()
    doc.close()
    return data


def test_section_heading_ends_a_table_and_bit_location_is_not_an_address():
    def draw(page):
        y = 80
        page.insert_text((70, y), "Register Name", fontsize=8)
        page.insert_text((170, y), "Address (hex)", fontsize=8)
        page.insert_text((300, y), "Description", fontsize=8)
        for i, n in enumerate(("CTRL", "STATUS", "DATA", "MODE")):
            y += 13
            page.insert_text((70, y), n, fontsize=8)
            page.insert_text((180, y), f"{0x10 + i:02X}", fontsize=8)
            page.insert_text((300, y), "control of the block", fontsize=8)
        # a numbered section heading, prose, then a caption with an address-looking "3-1:"
        page.insert_text((63, y + 20), "3.5.1 I/O DIRECTION REGISTER", fontsize=9)
        page.insert_text((63, y + 34), "Controls the direction of the data I/O.", fontsize=8)
        page.insert_text((63, y + 48), "REGISTER", fontsize=8)  # its number under the address column
        page.insert_text((180, y + 48), "3-1:", fontsize=8)
        page.insert_text((300, y + 48), "IODIR: I/O DIRECTION REGISTER (ADDR 0x00)", fontsize=8)
        # a bit description table whose first column is a bit location
        # (a staggered two-line header, "Bit" over "Location")
        y = 400
        page.insert_text((74, y - 10), "Bit", fontsize=8)
        page.insert_text((64, y), "Location", fontsize=8)
        page.insert_text((170, y), "Bit Description", fontsize=8)
        page.insert_text((330, y), "Bit Name", fontsize=8)
        for i, (d, n) in enumerate((("Override to automatic bias selection", "HVOP"),
                                    ("Update bit for override feature", "HVOPU"), ("Output mute", "MOUTMT"))):
            page.insert_text((74, y + 14 * (i + 1)), str(2 * i), fontsize=8)
            page.insert_text((170, y + 14 * (i + 1)), d, fontsize=8)
            page.insert_text((330, y + 14 * (i + 1)), n, fontsize=8)

    ds = parse_pdf(_pdf(draw))
    assert _regs(ds) == {("CTRL", 0x10), ("STATUS", 0x11), ("DATA", 0x12), ("MODE", 0x13)}


def test_table_continued_on_a_page_without_vocabulary():
    # page 1: a register map that runs to the foot of the page; page 2: four more rows, no
    # header and no register vocabulary (only the continuation makes it a candidate page)
    doc = pymupdf.open()
    p1 = doc.new_page(width=612, height=792)
    p1.insert_text((70, 80), "Register Name", fontsize=8)
    p1.insert_text((170, 80), "Address", fontsize=8)
    p1.insert_text((260, 80), "Reset", fontsize=8)
    y = 80
    for i in range(44):
        y += 14
        p1.insert_text((70, y), f"CH{i}_CFG", fontsize=8)
        p1.insert_text((170, y), f"0x{i:02X}", fontsize=8)
        p1.insert_text((260, y), "0x00", fontsize=8)
    p2 = doc.new_page(width=612, height=792)
    for i, n in enumerate(("TEMP_OUT", "VBAT_OUT", "CHIP_ID", "REV_ID")):
        p2.insert_text((70, 80 + 14 * i), n, fontsize=8)
        p2.insert_text((170, 80 + 14 * i), f"0x{0x40 + i:02X}", fontsize=8)
    data = doc.tobytes()
    doc.close()
    got = _regs(parse_pdf(data))
    assert ("CH43_CFG", 43) in got
    assert {("TEMP_OUT", 0x40), ("VBAT_OUT", 0x41), ("CHIP_ID", 0x42), ("REV_ID", 0x43)} <= got


def test_two_column_page_table_reads_its_own_column():
    # a register table in the left column of a two-column page; the right column's prose lines
    # sit at the same heights and must not join the name cells
    def draw(page):
        prose = ("The device answers on the bus after power-up and keeps its settings until "
                 "the next reset; the registers below set the mode, the rate and the limits.").split()
        y = 80
        page.insert_text((50, y), "Name", fontsize=8)
        page.insert_text((130, y), "Address", fontsize=8)
        page.insert_text((190, y), "Default", fontsize=8)
        for i, n in enumerate(("MODE", "RATE", "LIMIT_H", "LIMIT_L", "STATUS", "ID")):
            y += 13
            page.insert_text((50, y), n, fontsize=8)
            page.insert_text((130, y), f"{0x20 + i:02X}h", fontsize=8)
            page.insert_text((190, y), "00h", fontsize=8)
        for k in range(24):
            page.insert_text((320, 80 + 13 * k), " ".join(prose[(k * 5) % 20:(k * 5) % 20 + 7]), fontsize=8)
            if k >= 8:
                page.insert_text((50, 80 + 13 * k), " ".join(prose[(k * 3) % 20:(k * 3) % 20 + 6]), fontsize=8)

    ds = parse_pdf(_pdf(draw))
    assert _regs(ds) == {("MODE", 0x20), ("RATE", 0x21), ("LIMIT_H", 0x22), ("LIMIT_L", 0x23), ("STATUS", 0x24),
                         ("ID", 0x25)}
    # read under its header band (split at the gutter; a band with prose beside it is no header)
    assert all(r.table == "p1.w1" for r in ds.registers)


@pytest.mark.parametrize("cells,want", [
    (["0x02, 0x03", "0x04, 0x05", "0x06, 0x07"], [2, 4, 6]),  # byte-pair lists of 16-bit registers
    (["(04h)", "(05h)", "(06h)"], [4, 5, 6]),  # parenthesised
    (["00h/80h", "01h/81h", "02h/82h"], [0, 1, 2]),  # read/write address pairs
    (["B0h", "C1h", "D2h"], [0xB0, 0xC1, 0xD2]),  # letter-first
    (["20[7:0]", "21[7:0]", "22[3:0]"], [0x20, 0x21, 0x22]),  # bits of the register after its address
])
def test_header_reader_address_grammar(cells, want):
    def draw(page):
        page.insert_text((70, 80), "Register", fontsize=8)
        page.insert_text((170, 80), "Address", fontsize=8)
        page.insert_text((260, 80), "Reset", fontsize=8)
        for i, c in enumerate(cells):
            page.insert_text((70, 94 + 14 * i), f"REG_{'ABC'[i]}", fontsize=8)
            page.insert_text((170, 94 + 14 * i), c, fontsize=8)
            page.insert_text((260, 94 + 14 * i), "00h", fontsize=8)

    ds = parse_pdf(_pdf(draw))
    assert sorted(_regs(ds)) == [(f"REG_{'ABC'[i]}", a) for i, a in enumerate(want)]


def test_register_blocks_reusing_addresses_stay_apart():
    # two maps of one chip under captions that differ by a qualifier (two banks): the same
    # addresses carry other registers, and a register at the same address in both (DIRA at
    # 00h) is two registers, one per block
    def draw(page):
        y = 60
        for cap, rows in (("TABLE 3-4: CONTROL REGISTER SUMMARY (CTRL.BANK = 1)",
                           ("DIRA", "POLA", "ENA", "DEFA", "DIRB", "POLB")),
                          ("TABLE 3-5: CONTROL REGISTER SUMMARY (CTRL.BANK = 0)",
                           ("DIRA", "DIRB", "POLA", "POLB", "ENA", "ENB"))):
            page.insert_text((60, y), cap, fontsize=8)
            page.insert_text((60, y + 16), "Register Name", fontsize=8)
            page.insert_text((160, y + 16), "Address (hex)", fontsize=8)
            page.insert_text((260, y + 16), "POR/RST value", fontsize=8)
            for i, n in enumerate(rows):
                page.insert_text((60, y + 30 + 13 * i), n, fontsize=8)
                page.insert_text((170, y + 30 + 13 * i), f"{i:02X}", fontsize=8)
                page.insert_text((260, y + 30 + 13 * i), "0000 0000", fontsize=8)
            y += 200

    ds = parse_pdf(_pdf(draw))
    dira = [r for r in ds.registers if r.name == "DIRA"]
    assert [r.address for r in dira] == ["0x0", "0x0"]
    assert {r.peripheral for r in dira} == {"CTRL.BANK = 1", "CTRL.BANK = 0"}
    assert ("DIRB", 4) in _regs(ds) and ("DIRB", 1) in _regs(ds)


def test_table_header_repeated_on_every_page_is_kept():
    # a long map whose header line is printed again at the top of every page (in the margin
    # where running headers live): it is the table's header, not page furniture
    doc = pymupdf.open()
    for pg in range(4):
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 40), "Offset", fontsize=8)
        page.insert_text((140, 40), "Name", fontsize=8)
        page.insert_text((260, 40), "Description", fontsize=8)
        for i in range(5):
            a = pg * 5 + i
            page.insert_text((60, 60 + 14 * i), f"0x{4 * a:03X}", fontsize=8)
            page.insert_text((140, 60 + 14 * i), f"CTRL{a}", fontsize=8)
            page.insert_text((260, 60 + 14 * i), "Control register", fontsize=8)
    data = doc.tobytes()
    doc.close()
    ds = parse_pdf(data)
    assert {(f"CTRL{a}", 4 * a) for a in range(20)} <= _regs(ds)
    assert all(".w" in r.table for r in ds.registers)  # read under its header on each page


@pytest.mark.parametrize("addr_head,name_head,cells,want", [
    # an index column in decimal under "Register Index"; names under "Mnemonic"
    ("Register Index", "Mnemonic", ["8", "9", "10", "11", "12"], [8, 9, 10, 11, 12]),
    # "COMMAND CODE" with letter-first hex and names under "Abbrev"
    ("COMMAND CODE", "Abbrev", ["A5h", "B0h", "B1h", "C4h", "D2h"], [0xA5, 0xB0, 0xB1, 0xC4, 0xD2]),
    # "Reg" with bare two-digit hex crossing no 09 -> 10 boundary
    ("Reg", "Name", ["0A", "0B", "0C", "0D", "0E"], [0x0A, 0x0B, 0x0C, 0x0D, 0x0E]),
])
def test_columns_typed_by_content_under_unusual_headers(addr_head, name_head, cells, want):
    names = ["CFG_MAIN", "CFG_AUX", "STAT_IRQ", "DATA_OUT", "CHIP_REV"]

    def draw(page):
        page.insert_text((70, 80), addr_head, fontsize=8)
        page.insert_text((170, 80), name_head, fontsize=8)
        page.insert_text((300, 80), "Description", fontsize=8)
        for i, (c, n) in enumerate(zip(cells, names)):
            page.insert_text((74, 96 + 14 * i), c, fontsize=8)
            page.insert_text((170, 96 + 14 * i), n, fontsize=8)
            page.insert_text((300, 96 + 14 * i), "sets the mode of the block", fontsize=8)

    ds = parse_pdf(_pdf(draw))
    assert sorted(_regs(ds), key=lambda x: x[1]) == sorted(zip(names, want), key=lambda x: x[1])


def test_names_made_of_hex_letters_are_names_but_codes_are_not():
    # DAB0, CC1, FACE are register names that happen to be hex digits; a row whose name cell
    # holds a code (0x06, 3Ch: a value read as the name) is no register
    names = ["DAB0", "DAB1", "CC1", "FACE", "0x06", "3Ch"]

    def draw(page):
        page.insert_text((70, 80), "Offset", fontsize=8)
        page.insert_text((170, 80), "Name", fontsize=8)
        page.insert_text((300, 80), "Reset", fontsize=8)
        for i, n in enumerate(names):
            page.insert_text((70, 96 + 14 * i), f"0x{4 * i:03X}", fontsize=8)
            page.insert_text((170, 96 + 14 * i), n, fontsize=8)
            page.insert_text((300, 96 + 14 * i), "0x00", fontsize=8)

    got = _regs(parse_pdf(_pdf(draw)))
    assert got == {("DAB0", 0), ("DAB1", 4), ("CC1", 8), ("FACE", 12)}
