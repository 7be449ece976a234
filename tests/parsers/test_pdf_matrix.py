"""2-D register matrices (``parsers.pdf_matrix``) on pages rendered here with PyMuPDF.

Each test prints a matrix in one of the layouts register maps use (row base + column offset
with ``0/8 .. 7/F`` labels and reset values under the names, a 0..F by 0..F map whose column
is the high nibble) and checks the addresses the test itself put there, through the whole
``parse_pdf``; the negative tests print tables that look like matrices and are not (a bit
table with an ascending bit header, a character map) and real register-map pages that must
not be read as matrices.
"""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_matrix import find_matrices

# an SFR map: row base (step 8) + column offset; labels 0/8 .. 7/F; a reset value under each name
SFR_ROWS = {
    0xF8: ["", "CH", "CCAP0H", "", "", "", "", "P5"],
    0xF0: ["B", "", "", "", "", "", "", ""],
    0xE8: ["P4", "", "", "", "", "", "", ""],
    0xE0: ["ACC", "WKTCL", "WKTCH", "", "", "", "", ""],
    0xD0: ["PSW", "", "", "", "", "", "", ""],
    0xB8: ["IP", "SADEN", "", "", "", "", "", ""],
}


def _words(page) -> list:
    return [w[:5] for w in page.get_text("words")]


def _sfr_page(page, ruled: bool, label_on_reset_line: bool = False, watermark: bool = False) -> None:
    x0, y0, cw, rh = 80, 120, 62, 30
    if watermark:  # a stray word on the header line between two column labels
        page.insert_text((x0 + cw * 3 + 38, y0 + 14), "DRAFT", fontsize=6)
    page.insert_text((60, 80), "Special function registers: address = row + column", fontsize=10)
    labels = ["0/8", "1/9", "2/A", "3/B", "4/C", "5/D", "6/E", "7/F"]
    for k, c in enumerate(labels):
        page.insert_text((x0 + cw * k + 20, y0 + 14), c, fontsize=8)
    y = y0 + rh
    for base, names in SFR_ROWS.items():
        ly = y + (24 if label_on_reset_line else 12)
        page.insert_text((x0 - 40, ly), f"{base:02X}h", fontsize=8)
        page.insert_text((x0 + cw * 8 + 6, ly), f"{base + 7:02X}h", fontsize=8)
        for k, n in enumerate(names):
            if n:
                page.insert_text((x0 + cw * k + 8, y + 12), n, fontsize=8)
                page.insert_text((x0 + cw * k + 8, y + 24), "0000,0000", fontsize=7)
        y += rh
    if ruled:
        for i in range(len(SFR_ROWS) + 2):
            page.draw_line((x0, y0 + rh * i), (x0 + cw * 8, y0 + rh * i), width=0.6)
        for k in range(9):
            page.draw_line((x0 + cw * k, y0), (x0 + cw * k, y0 + rh * (len(SFR_ROWS) + 1)), width=0.6)


def _expected_sfr() -> set[tuple[str, int]]:
    return {(n, base + k) for base, names in SFR_ROWS.items() for k, n in enumerate(names) if n}


def _save(tmp_path, draw) -> str:
    doc = pymupdf.open()
    draw(doc.new_page(width=650, height=842))
    path = tmp_path / "m.pdf"
    doc.save(path)
    doc.close()
    return str(path)


@pytest.mark.parametrize("ruled", [False, True])
def test_row_base_plus_column_offset_matrix(tmp_path, ruled):
    path = _save(tmp_path, lambda p: _sfr_page(p, ruled))
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(path).registers}
    # the ruled grid must not add its own reading (row labels as addresses, one column's names)
    assert got == _expected_sfr()


def test_row_labels_on_the_reset_line_and_a_stray_word_in_the_header(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page(width=650, height=842)
    _sfr_page(page, False, label_on_reset_line=True, watermark=True)
    mats = find_matrices(_words(page))
    assert len(mats) == 1
    assert {(r.name, r.address) for r in mats[0].registers} == _expected_sfr()


def test_labels_printed_with_spaces_around_the_slash(tmp_path):
    def draw(page):
        _sfr_page(page, False)
    doc = pymupdf.open()
    page = doc.new_page(width=650, height=842)
    draw(page)
    words = []
    for w in _words(page):
        if len(w[4]) == 3 and w[4][1] == "/":  # "0/8" -> "0", "/", "8" as three words
            x0, y0, x1, y1, t = w
            step = (x1 - x0) / 3
            words += [(x0, y0, x0 + step, y1, t[0]), (x0 + step, y0, x0 + 2 * step, y1, "/"),
                      (x0 + 2 * step, y0, x1, y1, t[2])]
        else:
            words.append(w)
    mats = find_matrices(words)
    assert len(mats) == 1
    assert {(r.name, r.address) for r in mats[0].registers} == _expected_sfr()


def _nibble_page(page, corner: str, names: dict[tuple[int, int], str]) -> None:
    """A 0..F by 0..F map; ``names`` maps (row label, column label) to a register name."""
    x0, y0, cw, rh = 70, 120, 30, 16
    if corner:
        page.insert_text((x0 - 50, y0 - 8), corner, fontsize=8)
    for k in range(16):
        page.insert_text((x0 + cw * k + 8, y0), f"{k:X}", fontsize=8)
    for r in range(16):
        y = y0 + rh * (r + 1)
        page.insert_text((x0 - 20, y), f"{r:X}", fontsize=8)
        for k in range(16):
            if (r, k) in names:
                page.insert_text((x0 + cw * k + 2, y), names[(r, k)], fontsize=6)


NIBBLE_NAMES = {(0, 0): "ID", (1, 0): "CTRL1", (2, 0): "CTRL2", (3, 0): "CTRL3", (0, 1): "STAT",
                (5, 1): "DATA1", (6, 1): "DATA2", (0xF, 2): "FIFO", (4, 3): "INT"}


@pytest.mark.parametrize("corner", ["High nibble", ""])
def test_nibble_matrix_column_is_high_nibble(tmp_path, corner):
    # the column label is the high nibble: said by the corner label, or (without it) by the
    # numbered names CTRL1..CTRL3 that sit at consecutive addresses only when read that way
    path = _save(tmp_path, lambda p: _nibble_page(p, corner, NIBBLE_NAMES))
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(path).registers}
    assert got == {(n, k * 16 + r) for (r, k), n in NIBBLE_NAMES.items()}


def test_nibble_matrix_row_is_high_nibble_when_said():
    doc = pymupdf.open()
    page = doc.new_page(width=650, height=842)
    names = {(0, 0): "ID", (0, 1): "CTRL1", (0, 2): "CTRL2", (1, 0): "STAT", (2, 5): "DATA"}
    _nibble_page(page, "Low nibble", names)
    mats = find_matrices(_words(page))
    assert len(mats) == 1
    assert {(r.name, r.address) for r in mats[0].registers} == {(n, r * 16 + k) for (r, k), n in names.items()}


def test_bit_table_with_ascending_bit_header_is_not_a_matrix():
    # "Addr | 0 1 2 .. 7" with field names: consecutive register addresses, not row bases
    doc = pymupdf.open()
    page = doc.new_page()
    for k in range(8):
        page.insert_text((120 + 50 * k, 100), str(k), fontsize=8)
    fields = ["EN", "MODE0", "MODE1", "RST", "IE", "OVF", "CLR", "GO"]
    for r in range(6):
        page.insert_text((60, 120 + 16 * r), f"{r:02X}h", fontsize=8)
        for k in range(8):
            page.insert_text((115 + 50 * k, 120 + 16 * r), f"{fields[k]}{r}", fontsize=7)
    assert find_matrices(_words(page)) == []


def test_character_map_is_not_a_register_matrix():
    doc = pymupdf.open()
    page = doc.new_page()
    for k in range(16):
        page.insert_text((80 + 28 * k, 100), f"{k:X}", fontsize=8)
    for r in range(2, 8):
        page.insert_text((50, 100 + 16 * (r - 1)), f"{r * 16:02X}", fontsize=8)
        for k in range(16):
            c = chr(r * 16 + k)
            if c.isalpha():
                page.insert_text((82 + 28 * k, 100 + 16 * (r - 1)), c, fontsize=8)
    assert find_matrices(_words(page)) == []


UNLABELLED = shared_data_dir() / "datasheets_unlabelled" if shared_data_dir() else None


@pytest.mark.skipif(UNLABELLED is None or not (UNLABELLED / "invensense_mpu9250_register_map.pdf").is_file(),
                    reason="../shared/data/datasheets_unlabelled not present")
@pytest.mark.parametrize("pdf,pages", [("invensense_mpu9250_register_map.pdf", range(6, 10)),
                                       ("maxim_max7219.pdf", range(5, 12)),
                                       ("ams_as3935.pdf", range(17, 21))])
def test_real_register_maps_are_not_matrices(pdf, pages):
    # list-style register maps and bit matrices (header 7..0) on real pages: no matrix
    doc = pymupdf.open(UNLABELLED / pdf)
    for p in pages:
        assert find_matrices(_words(doc[p])) == [], (pdf, p + 1)


def test_high_nibble_columns_over_low_nibble_rows_labelled_close():
    # columns "0x .. 7x" (high nibble), rows "x0 .. xF" (low nibble) printed right beside the
    # first column: the row label is not a name in that column
    doc = pymupdf.open()
    page = doc.new_page(width=650, height=842)
    x0, y0, cw, rh = 70, 120, 60, 16
    for k in range(8):
        page.insert_text((x0 + cw * k + 8, y0), f"{k}x", fontsize=8)
    names = {(0, 0): "ID", (1, 0): "CTRL1", (2, 0): "CTRL2", (0, 1): "STAT", (5, 1): "DATA", (0xF, 2): "FIFO",
             (4, 3): "INT"}
    for r in range(16):
        y = y0 + rh * (r + 1)
        page.insert_text((x0 - 20, y), f"x{r:X}", fontsize=8)
        for k in range(8):
            if (r, k) in names:
                page.insert_text((x0 + cw * k + 2, y), names[(r, k)], fontsize=7)
    mats = find_matrices(_words(page))
    assert len(mats) == 1
    assert {(r.name, r.address) for r in mats[0].registers} == {(n, k * 16 + r) for (r, k), n in names.items()}
