"""Unruled register tables typed by content (parsers.pdf_columns), on pages the test renders
itself and on a real page of ../shared/data/datasheets_unlabelled (truth written from the page).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_columns import read_unruled, unruled_tables
from firmcorpus.parsers.pdf_layout import group_lines


def _page(rows: list[tuple[float, float, str]], before: list[str] = (), after: list[str] = ()) -> bytes:
    """One page: (x, y, text) items, no rulings; optional prose lines above and below."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    y = 60
    for t in before:
        page.insert_text((72, y), t, fontsize=9)
        y += 12
    for x, yy, t in rows:
        page.insert_text((x, yy), t, fontsize=9)
    y = max(yy for _, yy, _ in rows) + 40 if rows else y
    for t in after:
        page.insert_text((72, y), t, fontsize=9)
        y += 12
    data = doc.tobytes()
    doc.close()
    return data


def _tables(data: bytes):
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc[0]
    words = [w[:5] for w in page.get_text("words")]
    out = [read_unruled(t) for t in unruled_tables(group_lines(words), page.rect.width, page.rect.height)]
    doc.close()
    return out


def _command_table() -> list[tuple[float, float, str]]:
    """An instruction table whose headers carry no address word ("Instruction Format"), binary
    opcodes in two groups, names wrapped mid-word over lines with a short form below."""
    rows = [(100, 150, "Instruction"), (180, 150, "Instruction"), (260, 156, "Operation"),
            (110, 162, "Name"), (185, 162, "Format")]
    y = 180
    for name, tail, short, code in (("W_CONFIG", "", "(WC)", "0000 AAAA"), ("W_TX_PAYLO", "AD", "(WTP)", "0010 0000"),
                                    ("R_TX_PAYLO", "AD", "(RTP)", "0010 0001"),
                                    ("W_TX_ADDRE", "SS", "(WTA)", "0010 0010"),
                                    ("R_RX_PAYLO", "AD", "(RRP)", "0010 0100")):
        rows.append((100, y, name))
        rows.append((180, y, code[:4]))
        rows.append((205, y, code[5:]))
        rows.append((260, y, "Write or read the payload; a write operation always"))
        if tail:
            rows.append((125, y + 12, tail))
        rows.append((120, y + 24, short))
        rows.append((260, y + 12, "starts at byte 0."))
        y += 36
    return rows


def test_binary_opcodes_under_headers_without_address_words():
    tabs = _tables(_page(_command_table(), before=["The available commands used on the SPI are shown below. Write 0x20 to"
                                                  " start at byte 0x00 of the payload."]))
    ok = [t for t in tabs if not t.rejected]
    assert len(ok) == 1
    got = {(r.name, r.address) for r in ok[0].registers}
    # binary groups join (0010 0000 = 0x20); a code with operand bits (0000 AAAA) is no register;
    # wrapped identifiers join without a space and keep their short form
    assert got == {("W_TX_PAYLOAD (WTP)", 0x20), ("R_TX_PAYLOAD (RTP)", 0x21), ("W_TX_ADDRESS (WTA)", 0x22),
                   ("R_RX_PAYLOAD (RRP)", 0x24)}
    assert "Format" in ok[0].addr_header and "Name" in ok[0].name_header


def test_letter_first_and_parenthesised_hex_column_name_column_by_content():
    # name column on the right of a description-free "Reg" column; letter-first hex (B0h) and
    # a parenthesised form ((C4h)); the header words say nothing about addresses
    rows = [(80, 100, "Reg"), (160, 100, "Abbrev"), (300, 100, "Comment")]
    regs = [("A0h", "CFG_A", "sets the mode of the block"), ("B0h", "CFG_B", "sets the rate"),
            ("(C4h)", "STAT", "status flags of the block"), ("D2h", "DATA_L", "low byte"),
            ("D3h", "DATA_H", "high byte")]
    for i, (a, n, d) in enumerate(regs):
        rows += [(80, 120 + 14 * i, a), (160, 120 + 14 * i, n), (300, 120 + 14 * i, d)]
    tabs = [t for t in _tables(_page(rows)) if not t.rejected]
    assert len(tabs) == 1
    assert [(r.name, r.address) for r in tabs[0].registers] == [
        ("CFG_A", 0xA0), ("CFG_B", 0xB0), ("STAT", 0xC4), ("DATA_L", 0xD2), ("DATA_H", 0xD3)]


def test_decimal_numbering_crossing_nine_is_decimal():
    rows = []
    for i, n in enumerate(range(7, 13)):
        rows += [(80, 100 + 14 * i, f"{n:02d}"), (140, 100 + 14 * i, f"REG_{n}")]
    rows += [(80, 86, "Register #"), (140, 86, "Name")]
    tabs = [t for t in _tables(_page(rows)) if not t.rejected]
    assert [(r.name, r.address) for r in tabs[0].registers][2:5] == [("REG_9", 9), ("REG_10", 10), ("REG_11", 11)]


def test_value_tables_are_rejected_with_a_reason():
    # codes written into one register (its header names the register) and a scale of limits
    rows = [(80, 100, "Measurement"), (240, 100, "Control register value (register F4h)")]
    for i, (n, v) in enumerate((("Temperature", "0x2E"), ("Pressure (oss = 0)", "0x34"),
                                ("Pressure (oss = 1)", "0x74"), ("Pressure (oss = 2)", "0xB4"))):
        rows += [(80, 120 + 14 * i, n), (240, 120 + 14 * i, v)]
    tabs = _tables(_page(rows))
    assert tabs and all(t.rejected for t in tabs)
    assert any("values of one register" in t.rejected for t in tabs)
    rows = [(80, 100, "Range"), (200, 100, "Upper"), (200, 110, "[Hex]")]
    for i in range(6):
        rows += [(80, 124 + 14 * i, f"TR{i}"), (200, 124 + 14 * i, f"{0x50 * (i + 1):03X}")]
    tabs = _tables(_page(rows))
    assert tabs and all(t.rejected for t in tabs)


def test_prose_with_hex_is_not_a_table():
    lines = [f"Write 0x{i:02X} to the control register to select mode {i}; the device answers with 0x{i + 1:02X}."
             for i in range(8)]
    assert all(t.rejected for t in _tables(_page([], before=lines)))


def test_parse_pdf_reads_the_unruled_table_with_provenance():
    ds = parse_pdf(_page(_command_table(), before=["9.2 SPI Instruction Set"]))
    got = {(r.name, r.address) for r in ds.registers}
    assert ("W_TX_ADDRESS (WTA)", "0x22") in got
    r = next(r for r in ds.registers if r.address == "0x22")
    assert r.table == "p1.c1" and 0.5 <= r.confidence <= 1.0 and r.page == 1


# CI clones may have no ../shared folder: the real-page tests then skip
UNL = (shared_data_dir() or Path("/nonexistent")) / "datasheets_unlabelled"


@pytest.mark.skipif(not (UNL / "semtech_llcc68.pdf").exists(), reason="datasheets_unlabelled not present")
def test_real_page_register_table_continuation():
    # page 60 of the LLCC68 datasheet: the register table goes on without its header; truth
    # from the page text (address, register name)
    doc = pymupdf.open(UNL / "semtech_llcc68.pdf")
    page = doc[59]
    words = [w[:5] for w in page.get_text("words")]
    res = [read_unruled(t) for t in unruled_tables(group_lines(words), page.rect.width, page.rect.height)]
    got = {(r.name, r.address) for t in res if not t.rejected for r in t.registers}
    for want in (("Node Address", 0x06CD), ("Broadcast Address", 0x06CE), ("IQ Polarity Setup", 0x0736),
                 ("LoRa Sync Word MSB", 0x0740), ("LoRa Sync Word LSB", 0x0741)):
        assert want in got
