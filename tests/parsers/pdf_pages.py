"""Small PDFs written by the tests themselves: one text line per list item, one page per list."""
from __future__ import annotations

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
