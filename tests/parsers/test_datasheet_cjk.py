"""A register list under CJK column headers (地址 / 寄存器名 / 默认值 / 读写 / 描述) with bare hex addresses.

Nothing on the page is English register vocabulary: the page must still be a candidate and the bare
two-digit hex column must still be typed as the address column (the header says address in Chinese).
Without the CJK header words the reader finds no register at all (bare numbers under no address
header are taken for pin numbers or values).
"""
from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf

ROWS = [("00", "AGC", "00"), ("01", "BLUE", "80"), ("02", "RED", "80"), ("03", "VREF", "00"), ("04", "COM1", "00"),
        ("05", "BAVE", "00"), ("07", "AECHH", "00"), ("08", "RAVE", "00"), ("09", "COM2", "01"), ("0A", "PID", "76"),
        ("0B", "VER", "73"), ("0C", "COM3", "00")]


def _cjk_pdf(tmp_path) -> str:
    doc = pymupdf.open()
    p = doc.new_page()
    xs = (60, 120, 220, 290, 340)
    for x, h in zip(xs, ("地址", "寄存器名", "默认值", "读/写", "描述")):
        p.insert_text((x, 80), h, fontsize=9, fontname="china-s")
    for i, (a, n, d) in enumerate(ROWS):
        y = 100 + 18 * i
        for x, t in zip(xs[:3], (a, n, d)):
            p.insert_text((x, y), t, fontsize=9)
        p.insert_text((xs[3], y), "读写", fontsize=9, fontname="china-s")
        p.insert_text((xs[4], y), "通用控制", fontsize=9, fontname="china-s")
    path = tmp_path / "cjk.pdf"
    doc.save(path)
    doc.close()
    return str(path)


def test_cjk_headed_register_list(tmp_path):
    ds = parse_pdf(_cjk_pdf(tmp_path))
    got = {(r.name, int(str(r.address), 16)) for r in ds.registers}
    want = {(n, int(a, 16)) for a, n, _d in ROWS}
    assert got == want
