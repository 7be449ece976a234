"""Small PDFs and page drawings written by the tests themselves: one text line per list item and one
page per list (``text_pdf``), and fully ruled tables (``ruled_table``)."""
from __future__ import annotations

import re

import pymupdf


def text_pdf(tmp_path, pages: list[list[str]], name: str = "h.pdf") -> str:
    doc = pymupdf.open()
    for lines in pages:
        p = doc.new_page()
        for i, ln in enumerate(lines):
            p.insert_text((60, 80 + 16 * i), ln, fontsize=9)
    path = tmp_path / name
    doc.save(path)
    doc.close()
    return str(path)


def ruled_table(page, x0: float, y0: float, widths: list[float], rows: list[list[str]], row_h: float = 16.0,
                fontsize: float = 8, middle: bool = False) -> float:
    """Draw a fully ruled table (every row and column line) on ``page``; returns the y of its bottom
    line. A cell's text starts 3 pt right of its left rule and 11 pt below its top one; with
    ``middle`` a cell's lines ("\\n") are stacked 10 pt apart around the middle of its row instead."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = y0
    page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for row in rows:
        for k, cell in enumerate(row):
            if middle:
                parts = cell.split("\n")
                top = y + row_h / 2 - 5 * (len(parts) - 1) + 3
                for j, part in enumerate(parts):
                    page.insert_text((xs[k] + 3, top + 10 * j), part, fontsize=fontsize)
            else:
                page.insert_text((xs[k] + 3, y + 11), cell, fontsize=fontsize)
        y += row_h
        page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.8)
    return y


def drawn_registers(tmp_path, draw, name: str = "drawn.pdf") -> set[tuple[str, int]]:
    """(name with whitespace removed, address) of every register the parser reads from a PDF whose
    pages ``draw(doc)`` adds to a new document."""
    from firmcorpus.parsers.datasheet import parse_pdf

    doc = pymupdf.open()
    draw(doc)
    path = tmp_path / name
    doc.save(path)
    doc.close()
    return {(re.sub(r"\s+", "", r.name), int(r.address, 16)) for r in parse_pdf(str(path)).registers}
