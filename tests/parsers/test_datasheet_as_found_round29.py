"""Forms met on datasheets of manufacturers new to the development set (the twenty-ninth as-found
round: a wallbox's Modbus sheet, an FPGA core's register table, a motor's parameter table), on pages
the test draws itself (the truth is what the test prints). Each test failed before its mechanism:

* a header row printed right above a ruled body, with no rulings of its own (an exported sheet),
  heads the body's columns;
* "1020+1021", the two registers of one 32-bit value, is an address cell (its first register);
* Verilog binary literals ("2'b00" .. "2'b11") are addresses;
* a table drawn as separate cell boxes a few points apart is one table, and a code column so narrow
  that every code wraps at the same width ("0X300" over "1") reads each code whole;
* headings that spell a decimal address with its base, "VMPR - Video Memory Page Register (252 dec)" and
  "BORDER port (254 dec)", define registers (the mnemonic before the dash is the name).
"""

from __future__ import annotations

import pymupdf

from tests.parsers.pdf_pages import doc_registers, text_pdf

CHARGER = [("1000", "Charge Point State"), ("1001", "Charge State"), ("1002", "EVSE State"), ("1004", "Cable State"),
           ("1006", "EVSE Error Code"), ("1008", "Current L1"), ("1010", "Current L2"), ("1012", "Current L3"),
           ("1020+1021", "Active Power"), ("1024+1025", "Active Power L1"), ("1036+1037", "Energy meter"),
           ("1100", "Max current")]


def _body_without_header(page, x0: float, y0: float, widths: list[float], rows: list[list[str]], row_h: float = 16):
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = y0
    page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for row in rows:
        for k, cell in enumerate(row):
            if cell:
                page.insert_text((xs[k] + 3, y + 11), cell, fontsize=8)
        y += row_h
        page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        page.draw_line((x, y0), (x, y), width=0.8)
    return xs


def test_header_printed_above_an_unruled_header_band_and_plus_pairs():
    doc = pymupdf.open()
    page = doc.new_page()
    widths = [50, 50, 60, 120, 30, 40, 130]
    xs = [50]
    for w in widths:
        xs.append(xs[-1] + w)
    for x, word in zip(xs, ["Master", "Reg. Type", "Address", "Name", "R/W", "Nr. Regs.", "Description"]):
        page.insert_text((x + 3, 66), word, fontsize=8)  # the header: no rule above, beside or below it
    _body_without_header(page, 50, 72, widths,
                         [["TQ-DM100", "Holding", a, n, "R", "2" if "+" in a else "1", "State of the device"]
                          for a, n in CHARGER])
    got = doc_registers(doc)
    want = {(n, int(a.split("+")[0])) for a, n in CHARGER}
    assert got >= want, sorted(want - got)


def test_verilog_binary_literals_address_the_registers():
    doc = pymupdf.open()
    page = doc.new_page()
    rows = [("SETUP", "2'b00", "30", "R/W", "UART setup register."), ("FIFO", "2'b01", "32", "R", "FIFO status."),
            ("RX_DATA", "2'b10", "13", "R", "Read data."), ("TX_DATA", "2'b11", "15", "W", "Transmit data.")]
    page.insert_text((50, 60), "Table 4.1: UART Registers", fontsize=9)
    _body_without_header(page, 50, 70, [70, 60, 50, 50, 150],
                         [["Name", "Address", "Width", "Access", "Description"]] + [list(r) for r in rows])
    got = doc_registers(doc)
    assert got >= {(n, int(a[3:], 2)) for n, a, *_ in rows}


def test_separate_cell_boxes_and_codes_wrapped_at_one_width():
    names = ["timeUse0", "timeUse1", "timeUse2", "timeUse3", "encoderRaw", "mcuTemp", "motorTemp", "vBus", "adcOffset",
             "adcRaw"]
    doc = pymupdf.open()
    page = doc.new_page()
    widths = [34, 90, 50, 40, 60]
    xs = [60]
    for w in widths:
        xs.append(xs[-1] + w)
    y = 80
    rows = [("Index", "Name", "Type", "R/W", "Default")] + [(f"0x300{i:X}", n, "int16", "R", "0") for i, n in enumerate(names)]
    for r, row in enumerate(rows):
        h = 14 if r == 0 else 24
        for k, cell in enumerate(row):
            # every cell its own box, 2 pt inside its slot: neighbouring boxes 4 pt apart
            page.draw_rect(pymupdf.Rect(xs[k] + 2, y + 2, xs[k + 1] - 2, y + h - 2), width=0.6)
            if r and k == 0:  # the code column is too narrow: the last digit wraps
                page.insert_text((xs[k] + 4, y + 11), cell[:-1], fontsize=8)
                page.insert_text((xs[k] + 4, y + 20), cell[-1], fontsize=8)
            else:
                page.insert_text((xs[k] + 4, y + 11), cell, fontsize=8)
        y += h
    got = doc_registers(doc)
    want = {(n, 0x3000 + i) for i, n in enumerate(names)}
    assert got >= want, sorted(want - got)


def test_headings_with_decimal_addresses_spelt_with_their_base(tmp_path):
    from firmcorpus.parsers.datasheet import parse_pdf

    body = ["This read/write register controls the paging.", "Bit 0 R/W BCD 1 of page control.", ""]
    lines = ["INPUT/OUTPUT PORTS", ""]
    for head in ("VMPR - Video Memory Page Register (252 dec)", "HMPR - High Memory Page Register (251 dec)",
                 "LMPR - Low Memory Page Register (250 dec)", "BORDER port (254 dec)", "ATTRIBUTES port (255 dec)"):
        lines += [head, ""] + body
    regs = parse_pdf(text_pdf(tmp_path, [lines])).registers
    got = {(r.name, int(r.address, 16)) for r in regs}
    assert {("VMPR", 252), ("HMPR", 251), ("LMPR", 250)} <= got, sorted(got)
    assert {254, 255} <= {a for _n, a in got}
