"""Small PDFs and page drawings written by the tests themselves: one text line per list item and one
page per list (``text_pdf``), ruled tables (``ruled_table``), and the registers the parser reads from
pages a test draws (``parse_drawn``, ``drawn_registers``, ``doc_registers``), and unruled lines of
cells (``put_cells``)."""
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
                fontsize: float = 8, middle: bool = False, text_dy: float = 11.0,
                merged_first_col: bool = False) -> float:
    """Draw a fully ruled table (every row and column line) on ``page``; returns the y of its bottom
    line. A cell's text starts 3 pt right of its left rule and ``text_dy`` pt below its top one; with
    ``middle`` a cell's lines ("\\n") are stacked 10 pt apart around the middle of its row instead.
    With ``merged_first_col`` the first column has no rules between rows (a cell merged over
    them: the caller writes its text)."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = y0
    page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for i, row in enumerate(rows):
        for k, cell in enumerate(row):
            if middle:
                parts = cell.split("\n")
                top = y + row_h / 2 - 5 * (len(parts) - 1) + 3
                for j, part in enumerate(parts):
                    page.insert_text((xs[k] + 3, top + 10 * j), part, fontsize=fontsize)
            elif cell:
                page.insert_text((xs[k] + 3, y + text_dy), cell, fontsize=fontsize)
        y += row_h
        last = i == len(rows) - 1
        page.draw_line((xs[1] if merged_first_col and not last else xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.8)
    return y


def parse_drawn(tmp_path, draw, name: str = "drawn.pdf") -> list:
    """The registers the parser reads from a PDF whose pages ``draw(doc)`` adds to a new document."""
    from firmcorpus.parsers.datasheet import parse_pdf

    doc = pymupdf.open()
    draw(doc)
    path = tmp_path / name
    doc.save(path)
    doc.close()
    return parse_pdf(str(path)).registers


def drawn_registers(tmp_path, draw, name: str = "drawn.pdf") -> set[tuple[str, int]]:
    """(name with whitespace removed, address) of every register ``parse_drawn`` reads."""
    return {(re.sub(r"\s+", "", r.name), int(r.address, 16)) for r in parse_drawn(tmp_path, draw, name)}


def doc_registers(doc) -> set[tuple[str, int]]:
    """(name, address) of every register the parser reads from an open, unsaved document."""
    from firmcorpus.parsers.datasheet import parse_pdf

    return {(r.name, int(r.address, 16)) for r in parse_pdf(doc.tobytes()).registers}


def put_cells(page, y: float, cells, fontsize: float = 8) -> None:
    """One printed line of an unruled table: (x, text) cells at baseline ``y``."""
    for x, text in cells:
        page.insert_text((x, y), text, fontsize=fontsize)


def table_registers(widths: list[float], rows: list[list[str]], title: str = "", x0: float = 40,
                    y0: float = 70) -> set[tuple[str, int]]:
    """(name, address) of every register the parser reads from one page holding one ruled table
    (``ruled_table``) under an optional title line."""
    doc = pymupdf.open()
    page = doc.new_page()
    if title:
        page.insert_text((50, 50), title, fontsize=10)
    ruled_table(page, x0, y0, widths, rows)
    return doc_registers(doc)
