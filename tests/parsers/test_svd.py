"""CMSIS-SVD parsing (real pyocd SVDs and a planted SVD) and the SVD → PDF → registers round trip."""

from __future__ import annotations

import pytest

from firmcorpus.parsers.models import Datasheet, ParseError
from firmcorpus.parsers.svd import parse_svd
from tests.conftest import pyocd_svd_file


def regs(ds: Datasheet) -> dict[tuple[str, str], str]:
    return {(r.peripheral, r.name): r.address for r in ds.registers}


def test_stm32f0_addresses_match_the_reference_manual():
    ds = parse_svd(pyocd_svd_file("STM32F0xx.svd"))
    bases = {p.name: p.base_address for p in ds.peripherals}
    # RM0091 memory map
    assert bases["USART1"] == "0x40013800"
    assert bases["RCC"] == "0x40021000"
    assert bases["GPIOA"] == "0x48000000"
    r = regs(ds)
    assert r[("RCC", "CR")] == "0x40021000"
    assert r[("RCC", "CFGR")] == "0x40021004"
    assert r[("USART1", "BRR")] == "0x4001380c"
    # GPIOB is derivedFrom GPIOA in this SVD: same registers, its own base
    assert r[("GPIOB", "ODR")] == "0x48000414"
    assert r[("GPIOB", "MODER")] == "0x48000400"
    cr1 = next(x for x in ds.registers if x.peripheral == "USART1" and x.name == "CR1")
    ue = next(f for f in cr1.fields if f.name == "UE")
    assert ue.bits == "0" and cr1.width_bits == 32 and cr1.reset == "0x0"


def test_nrf52_clusters_and_dim_arrays_are_expanded():
    ds = parse_svd(pyocd_svd_file("nrf52.svd"))
    r = regs(ds)
    # nRF52832 product specification: PPI CH[n].EEP at 0x510 + 8n, GPIOTE CONFIG[n] at 0x510 + 4n
    assert r[("PPI", "CH0_EEP")] == "0x4001f510"
    assert r[("PPI", "CH3_TEP")] == "0x4001f52c"
    assert r[("GPIOTE", "CONFIG7")] == "0x4000652c"
    assert r[("TIMER0", "CC3")] == "0x4000854c"
    # no register is lost or duplicated by the expansion
    assert len(r) == len(ds.registers)


PLANTED = b"""<?xml version="1.0" encoding="utf-8"?>
<device schemaVersion="1.3" xmlns:xs="http://www.w3.org/2001/XMLSchema-instance">
  <name>PLANT</name><width>32</width><size>32</size><access>read-write</access><resetValue>0x0</resetValue>
  <peripherals>
    <peripheral>
      <name>UART0</name><baseAddress>0x40000000</baseAddress><description>UART</description>
      <registers>
        <register><name>CTRL</name><addressOffset>0x00</addressOffset><resetValue>0x00000010</resetValue>
          <fields>
            <field><name>EN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth></field>
            <field><name>MODE</name><lsb>4</lsb><msb>6</msb><access>read-only</access></field>
            <field><name>DIV</name><bitRange>[15:8]</bitRange></field>
          </fields>
        </register>
        <register><name>DATA%s</name><addressOffset>0x10</addressOffset><dim>3</dim><dimIncrement>4</dimIncrement>
          <dimIndex>A,B,C</dimIndex><size>8</size></register>
        <cluster><name>CH[%s]</name><addressOffset>0x100</addressOffset><dim>2</dim><dimIncrement>0x20</dimIncrement>
          <register><name>CFG</name><addressOffset>0x4</addressOffset></register>
        </cluster>
        <register derivedFrom="CTRL"><name>CTRL2</name><addressOffset>0x40</addressOffset></register>
      </registers>
    </peripheral>
    <peripheral derivedFrom="UART0"><name>UART1</name><baseAddress>0x40001000</baseAddress></peripheral>
    <peripheral><name>BROKEN</name><registers/></peripheral>
  </peripherals>
</device>"""


def test_planted_svd_semantics():
    ds = parse_svd(PLANTED)
    r = regs(ds)
    assert r[("UART0", "CTRL")] == "0x40000000"
    assert [r[("UART0", f"DATA{c}")] for c in "ABC"] == ["0x40000010", "0x40000014", "0x40000018"]
    assert r[("UART0", "CH0_CFG")] == "0x40000104" and r[("UART0", "CH1_CFG")] == "0x40000124"
    assert r[("UART0", "CTRL2")] == "0x40000040"
    assert r[("UART1", "CH1_CFG")] == "0x40001124"
    ctrl = next(x for x in ds.registers if x.name == "CTRL" and x.peripheral == "UART0")
    assert ctrl.reset == "0x10" and ctrl.access == "rw"
    assert [(f.name, f.bits, f.access) for f in ctrl.fields] == [("DIV", "15:8", "rw"), ("MODE", "6:4", "r"), ("EN", "0", "rw")]
    data = next(x for x in ds.registers if x.name == "DATAA")
    assert data.width_bits == 8
    ctrl2 = next(x for x in ds.registers if x.name == "CTRL2")
    assert [f.name for f in ctrl2.fields] == ["DIV", "MODE", "EN"]  # derived register keeps the fields
    assert any("BROKEN" in w and "baseAddress" in w for w in ds.warnings)


@pytest.mark.parametrize("data", [b"not xml at all", b"<root><x/></root>", b""])
def test_not_an_svd_raises_parse_error(data):
    with pytest.raises(ParseError):
        parse_svd(data)
