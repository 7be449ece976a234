"""A paged PHY register map on pages the test renders itself (issue 17: register blocks that
reuse register numbers): decimal MII register numbers with a Page column, Clause-45 rows
printed as ``MMD 3.20`` (device 3, register 20), and the table continued on the next page with
rows whose register numbers, and the first word of their names, are already used on other pages.
"""

from __future__ import annotations

import pymupdf

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.pdf_grid import AddrCell, parse_addr_cell
from tests.parsers.pdf_pages import ruled_table

WIDTHS = [40, 60, 230, 60]
HEAD = ["Page", "Register", "Description", "Default"]
FIRST = [("--", "0", "Control Register"), ("--", "1", "Status Register"), ("--", "2", "PHY Identifier 1 Register"),
         ("--", "3", "PHY Identifier 2 Register"), ("--", "4", "Auto-Negotiation Advertisement Register"),
         ("--", "13", "MMD Access Control Register"), ("16", "16", "PHY Specific Control Register"),
         ("16", "17", "PHY Interrupt Ctrl/Status Register"), ("16", "18", "PHY Status Monitoring Register"),
         ("--", "MMD 3.0", "PCS Control 1 Register"), ("--", "MMD 3.20", "EEE Capability Register"),
         ("--", "MMD 7.60", "EEE Advertisement Register"), ("1", "22", "Linear Regulator Output Control Register"),
         ("8", "17", "RX Counter Control Register"), ("11", "18", "UTP PHY Interrupt Control/Status Register")]
SECOND = [("17", "17", "PHY WOL+ Status Register"), ("18", "17", "RX Counter Interrupt Control/Status Register")]



def _number(reg: str) -> int:
    return int(reg.split(".")[-1]) if "." in reg else int(reg)


def test_device_dot_register_cells():
    assert parse_addr_cell("MMD 3.20") == AddrCell("bare", "20")
    assert parse_addr_cell("MMD7.61") == AddrCell("bare", "61")
    assert parse_addr_cell("3.3") is None  # a bare dotted number (a section, a voltage) is no address


def test_paged_map_continued_on_the_next_page(tmp_path):
    doc = pymupdf.open()
    p1 = doc.new_page()
    p1.insert_text((60, 60), "4 Register Descriptions", fontsize=11)
    p1.insert_text((200, 80), "Table 2 Register Map", fontsize=9)
    ruled_table(p1, 60, 90, WIDTHS, [HEAD] + [[pg, reg, name, "0x0000"] for pg, reg, name in FIRST])
    p2 = doc.new_page()
    ruled_table(p2, 60, 90, WIDTHS, [HEAD] + [[pg, reg, name, "0x0000"] for pg, reg, name in SECOND])
    p2.insert_text((60, 200), "Register descriptions: R/W = Read/Write, RO = Read Only.", fontsize=9)
    path = tmp_path / "phy.pdf"
    doc.save(path)
    doc.close()
    got = {(r.name, int(r.address, 16)) for r in parse_pdf(str(path)).registers}
    assert got == {(name, _number(reg)) for _pg, reg, name in FIRST + SECOND}
