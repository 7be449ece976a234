"""Forms met on datasheets of manufacturers new to the development set (the twenty-eighth as-found
round: a storage system's Modbus map in German), on pages the test draws itself (the truth is what
the test prints). Each test failed before its mechanism:

* five-digit decimal register numbers of a 16-bit space ("40000" .. "40019", "30775-30776"), as
  Modbus maps print them, are addresses (bare cells were read up to four digits);
* a register map whose header is in German, Spanish or French ("Adresse | Beschreibung | Datentyp |
  Kommentar | Einheit", "Dirección | Nombre | Tipo | Unidad") is read like its English twin.
"""

from __future__ import annotations

from tests.parsers.pdf_pages import table_registers

STORAGE = ["Modell ID", "Länge", "Hersteller", "Gerätemodell", "Version Master", "Version Gateway", "Seriennummer",
           "Strom Summe", "Strom Phase A", "Strom Phase B", "Strom Phase C", "Skalierung Strom", "Spannung L1",
           "Spannung L2", "Spannung L3", "Skalierung Spannung", "Wirkleistung", "Netzfrequenz", "Zustand", "Ereignis"]


def test_german_header_and_five_digit_decimal_addresses():
    got = table_registers([50, 120, 60, 110, 50, 40],
                          [["Adresse", "Beschreibung", "Datentyp", "Kommentar/Hinweis", "Einheit", "R/W"]]
                          + [[str(40000 + i), name, "uint16", "", "A" if "Strom" in name else "", "R"]
                             for i, name in enumerate(STORAGE)], title="Registertabelle")
    want = {(name, 40000 + i) for i, name in enumerate(STORAGE)}
    assert got >= want, sorted(want - got)
    assert not any(a == 0x40000 or a < 40000 for _n, a in got)  # (not read as hex, no stray value)


def test_five_digit_register_ranges_under_an_english_header():
    rows = [("30201-30202", "Device status"), ("30203-30204", "Grid relay"), ("30513-30516", "Total yield"),
            ("30529-30530", "Operating time"), ("30775-30776", "Active power"), ("30783-30784", "Grid voltage L1"),
            ("30803-30804", "Grid frequency"), ("30953-30954", "Internal temperature")]
    got = table_registers([80, 140, 50, 60, 40],
                          [["Address", "Description", "Type", "Format", "Access"]] + [[a, n, "U32", "FIX0", "RO"] for a, n in rows])
    want = {(n, int(a.split("-")[0])) for a, n in rows}
    assert got >= want, sorted(want - got)


def test_spanish_header_names_the_columns():
    names = ["Tension fase 1", "Tension fase 2", "Tension fase 3", "Corriente fase 1", "Corriente fase 2",
             "Corriente fase 3", "Potencia activa", "Potencia reactiva", "Factor de potencia", "Frecuencia"]
    got = table_registers([70, 150, 60, 60], [["Dirección", "Nombre", "Tipo", "Unidad"]]
                          + [[f"{0x10 + 2 * i:04X}", n, "float", "V"] for i, n in enumerate(names)])
    want = {(n, 0x10 + 2 * i) for i, n in enumerate(names)}
    assert got >= want, sorted(want - got)
