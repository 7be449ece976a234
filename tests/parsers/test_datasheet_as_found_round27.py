"""Forms met on datasheets of manufacturers new to the development set (the twenty-seventh
as-found round: an energy meter's Modbus map, a network controller's register summary, a tuner's
register matrix), on pages the test draws itself (the truth is what the test prints). Each test
failed before its mechanism:

* a "VARIABLE ENG. UNIT" column names the rows of a map whose addresses sit in another column;
* registers named by a designator and their own number ("CSR0" .. "CSR47" at 0 .. 47, "RAP
  Addr | Symbol") are a register map, not an enumeration of values named by themselves;
* bare numbers counting across a decimal carry inside a run ("38, 39, 40, 41") are decimal, on a
  page that never shows 09 -> 10;
* a title line "... Registers" right above each of two tables that number their registers alike
  (a configuration space at 00h.. and the control registers at 0..) makes two blocks: neither
  table is dropped as a redescription of the other;
* "R0" .. "R31", a register designator and its number, name the rows of a register matrix.
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import doc_registers, ruled_table

METER = [("300001", "0000h", "2", "V L1-N"), ("300003", "0002h", "2", "V L2-N"), ("300005", "0004h", "2", "A L1"),
         ("300007", "0006h", "2", "VA L1"), ("300009", "0008h", "2", "var L1"), ("300011", "000Ah", "2", "W sys"),
         ("300013", "000Ch", "1", "PF sys"), ("300014", "000Dh", "1", "Phase sequence"), ("300015", "000Eh", "1", "Hz"),
         ("300016", "000Fh", "2", "kWh (+) TOT"), ("300018", "0011h", "2", "kvarh (+) TOT"), ("300020", "0013h", "2", "kW dmd")]


def test_variable_unit_column_names_the_rows():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "MODBUS: read only mode with functions code 03 and 04", fontsize=9)
    ruled_table(page, 50, 70, [70, 70, 60, 110, 60, 110],
                [["Modicom address", "Physical address", "Length (words)", "VARIABLE ENG. UNIT", "Data Format", "Notes"]]
                + [[m, p, n, v, "INT32", ""] for m, p, n, v in METER])
    got = doc_registers(doc)
    want = {(v, int(p[:-1], 16)) for _m, p, _n, v in METER}
    assert got >= want, sorted(want - got)


def _csr_rows(first: int, last: int) -> list[list[str]]:
    return [[f"{n:02d}", f"CSR{n}", "uuuu uuuu", f"Control word {n}", "S"] for n in range(first, last + 1)]


def test_designator_numbered_registers_and_a_decimal_carry_inside_a_run():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "Control and Status Registers", fontsize=10)
    ruled_table(page, 50, 70, [60, 60, 70, 200, 40],
                [["RAP Addr", "Symbol", "Default Value", "Comments", "Use"]] + _csr_rows(0, 30))
    page = doc.new_page()
    page.insert_text((50, 50), "Control and Status Registers (continued)", fontsize=10)
    ruled_table(page, 50, 70, [60, 60, 70, 200, 40],
                [["RAP Addr", "Symbol", "Default Value", "Comments", "Use"]] + _csr_rows(36, 47))
    got = doc_registers(doc)
    want = {(f"CSR{n}", n) for n in list(range(0, 31)) + list(range(36, 48))}
    assert got >= want, sorted(want - got)
    assert not any(a == 0x40 for _n, a in got)  # (40 read as hex)


def test_two_titled_register_groups_that_number_alike():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "REGISTER SUMMARY", fontsize=10)
    page.insert_text((50, 66), "PCI Configuration Registers", fontsize=10)
    config = ["PCI Vendor ID", "PCI Device ID", "PCI Command", "PCI Status", "PCI Revision ID", "PCI Latency Timer"]
    ruled_table(page, 50, 80, [60, 200, 60, 60],
                [["Offset", "Name", "Width", "Access"]] + [[f"{2 * i:02X}h", n, "16", "RO"] for i, n in enumerate(config)])
    page = doc.new_page()
    page.insert_text((50, 50), "Control and Status Registers", fontsize=10)
    ruled_table(page, 50, 70, [60, 60, 70, 200, 40],
                [["RAP Addr", "Symbol", "Default Value", "Comments", "Use"]] + _csr_rows(0, 15))
    got = doc_registers(doc)
    want = {(n, 2 * i) for i, n in enumerate(config)} | {(f"CSR{n}", n) for n in range(16)}
    assert got >= want, sorted(want - got)


def test_register_designators_name_a_register_matrix():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 50), "Table 1-2 : Register Matrix", fontsize=10)
    rows = [["Reg Address", "Reg Name", "R/W", "B7", "B6", "B5", "B4", "B3", "B2", "B1", "B0"]]
    fields = ["PWD_LT", "PWD_PDET1", "PWD_AMP", "PWD_IFFILT", "PWD_FILT", "RFMUX", "PW_LDO_A", "S_I2C"]
    for n in range(16):
        rows.append([f"0x{n:02X}", f"R{n}", "R/W", fields[n % 8], "0", "1", "-", "0", "1", "0", "-"])
    ruled_table(page, 40, 70, [45, 40, 35] + [55] * 8, rows, fontsize=7)
    got = doc_registers(doc)
    want = {(f"R{n}", n) for n in range(16)}
    assert got >= want, sorted(want - got)
    assert not any(n in fields for n, _a in got)
