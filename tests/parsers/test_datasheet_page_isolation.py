"""A reader that fails on one page costs that page, not the document: the other pages' registers
come out and the warning names the page (hostile or merely odd PDFs must not stop a build)."""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers import datasheet as ds_mod
from firmcorpus.parsers.datasheet import parse_pdf

ROWS = {1: [("0x00", "CTRL1"), ("0x01", "CTRL2"), ("0x02", "STATUS"), ("0x03", "INT_EN")],
        2: [("0x10", "DATA_L"), ("0x11", "DATA_H"), ("0x12", "FIFO_CFG"), ("0x13", "FIFO_LVL")],
        3: [("0x20", "GAIN"), ("0x21", "THRESH"), ("0x22", "MODE"), ("0x23", "CHIP_ID")]}


def _pdf() -> bytes:
    doc = pymupdf.open()
    for k in (1, 2, 3):
        page = doc.new_page(width=612, height=792)
        page.insert_text((60, 80), f"7.{k} Register map, part {k}", fontsize=12)
        y = 120
        for x, h in ((60, "Address"), (140, "Name"), (260, "Type"), (320, "Reset")):
            page.insert_text((x, y), h, fontsize=9)
        page.draw_line((58, y + 3), (560, y + 3), width=0.5)
        for addr, name in ROWS[k]:
            y += 15
            for x, cell in ((60, addr), (140, name), (260, "R/W"), (320, "0x00")):
                page.insert_text((x, y), cell, fontsize=9)
    data = doc.tobytes()
    doc.close()
    return data


def test_a_reader_failing_on_one_page_costs_that_page_only(monkeypatch):
    data = _pdf()
    whole = {r.name for r in parse_pdf(data).registers}
    assert whole == {n for rows in ROWS.values() for _, n in rows}  # the pages read as they are

    real = ds_mod._grid_registers

    def failing(page, pno, *args, **kwargs):
        if pno == 2:
            raise IndexError("list index out of range")
        return real(page, pno, *args, **kwargs)

    monkeypatch.setattr(ds_mod, "_grid_registers", failing)
    ds = parse_pdf(data)
    assert {r.name for r in ds.registers} == {n for k in (1, 3) for _, n in ROWS[k]}
    assert any(w.startswith("page 2: register tables not read (IndexError") for w in ds.warnings)
