"""Manufacturer normalisation: aliases, legal suffixes, acquisitions, unknown pass-through."""

from __future__ import annotations

import pytest

from firmcorpus.data_catalog.manufacturers import ManufacturerTable, ManufacturerTableError, canonical_manufacturer


@pytest.mark.parametrize("raw,canonical", [
    ("ST", "STMicroelectronics"),
    ("STMicroelectronics", "STMicroelectronics"),
    ("STMicroelectronics N.V.", "STMicroelectronics"),
    ("STMicroelectronics International N.V.", "STMicroelectronics"),
    ("TI", "Texas Instruments"),
    ("Texas Instruments Incorporated", "Texas Instruments"),
    ("Texas Instruments (TI)", "Texas Instruments"),
    ("  texas   instruments ", "Texas Instruments"),
    ("NXP", "NXP Semiconductors"),
    ("NXP Semiconductors N.V.", "NXP Semiconductors"),
    ("Analog Devices, Inc.", "Analog Devices"),
    ("Silicon Laboratories Inc.", "Silicon Labs"),
    ("ON Semiconductor Corporation", "onsemi"),
    ("ISSI (Integrated Silicon Solution Inc.)", "ISSI"),
])
def test_aliases_and_legal_suffixes(raw, canonical):
    m = canonical_manufacturer(raw)
    assert m.known and m.canonical == canonical and m.raw == raw
    assert m.brand is None and m.parent is None


@pytest.mark.parametrize("raw,canonical,brand", [
    ("Atmel", "Microchip Technology", "Atmel"),
    ("Atmel Corporation", "Microchip Technology", "Atmel"),
    ("Maxim Integrated", "Analog Devices", "Maxim Integrated"),
    ("AMD Xilinx", "AMD", "Xilinx"),
    ("Freescale Semiconductor", "NXP Semiconductors", "Freescale"),
    ("TDK InvenSense", "TDK", "InvenSense"),
    ("Silicon Storage Technology (SST)", "Microchip Technology", "Silicon Storage Technology"),
])
def test_acquisitions_kept_as_parent_and_brand(raw, canonical, brand):
    m = canonical_manufacturer(raw)
    assert (m.canonical, m.brand, m.parent, m.known) == (canonical, brand, canonical, True)


def test_unknown_passes_through_unchanged():
    m = canonical_manufacturer("Acme Widgets GmbH")
    assert (m.canonical, m.raw, m.known, m.parent, m.brand) == ("Acme Widgets GmbH", "Acme Widgets GmbH", False,
                                                                None, None)


def test_table_is_data_and_rejects_conflicts():
    t = ManufacturerTable({"legal_suffixes": ["inc"], "manufacturers": [
        {"canonical": "Foo", "aliases": ["Foo Inc."], "brands": [{"brand": "Bar", "aliases": ["BarCo"]}]}]})
    assert t.lookup("FOO, Inc.").canonical == "Foo"
    assert t.lookup("barco").brand == "Bar"
    with pytest.raises(ManufacturerTableError, match="claimed by both"):
        ManufacturerTable({"manufacturers": [{"canonical": "A", "aliases": ["X"]}, {"canonical": "B", "aliases": ["x"]}]})
