"""SVD → PDF (both layouts) → ``parse_pdf``: the rendered PDF and its SVD are a ground-truth pair."""

from __future__ import annotations

import pymupdf
import pytest

from firmcorpus.parsers.datasheet import parse_pdf
from firmcorpus.parsers.models import Datasheet
from firmcorpus.parsers.svd import parse_svd
from firmcorpus.parsers.svd_render import render_pdf
from tests.conftest import pyocd_svd_file


def subset(ds: Datasheet, names: list[str]) -> Datasheet:
    keep = set(names)
    return Datasheet(source=ds.source, pages=0, title=ds.title,
                     peripherals=[p for p in ds.peripherals if p.name in keep],
                     registers=[r for r in ds.registers if r.peripheral in keep])


CASES = {
    "STM32F0xx.svd": ["CRC", "GPIOA", "USART1", "TIM14", "RCC"],
    "nrf51.svd": ["UART0", "GPIOTE", "TIMER0"],
    "max32660.svd": ["UART0", "GPIO0"],
}


@pytest.mark.parametrize("layout", ["st", "summary"])
@pytest.mark.parametrize("svd", sorted(CASES))
def test_round_trip_recovers_registers_with_addresses(tmp_path, svd, layout):
    ds = subset(parse_svd(pyocd_svd_file(svd)), CASES[svd])
    assert len(ds.registers) >= 20
    pdf = render_pdf(ds, tmp_path / f"x_{layout}.pdf", layout)
    got = parse_pdf(pdf)
    want = {(r.peripheral, r.name, int(r.address, 16)) for r in ds.registers}
    have = {(r.peripheral, r.name, int(r.address, 16)) for r in got.registers}
    recall = len(want & have) / len(want)
    precision = len(want & have) / max(len(got.registers), 1)
    assert recall >= 0.99, sorted(want - have)[:10]
    assert precision >= 0.99, sorted(have - want, key=str)[:10]
    bases = {p.name: p.base_address for p in got.peripherals}
    for p in ds.peripherals:
        assert bases.get(p.name) == p.base_address


def test_st_layout_has_outline_and_summary_has_none(tmp_path):
    ds = subset(parse_svd(pyocd_svd_file("STM32F0xx.svd")), ["CRC", "USART1"])
    st = pymupdf.open(render_pdf(ds, tmp_path / "st.pdf", "st"))
    su = pymupdf.open(render_pdf(ds, tmp_path / "su.pdf", "summary"))
    toc = st.get_toc()
    assert any(t[1].endswith("USART1 registers") for t in toc)
    assert any(t[1].endswith("(CR1)") and t[0] == 2 for t in toc)
    assert su.get_toc() == []
    # the sections of the ST layout come from the outline
    got = parse_pdf(tmp_path / "st.pdf")
    assert any(s.title == "USART1 registers" for s in got.sections)


def test_render_is_deterministic_and_fields_survive(tmp_path):
    ds = subset(parse_svd(pyocd_svd_file("STM32F0xx.svd")), ["USART1"])
    a = render_pdf(ds, tmp_path / "a.pdf", "summary").read_bytes()
    b = render_pdf(ds, tmp_path / "b.pdf", "summary").read_bytes()
    assert a == b
    got = {r.name: r for r in parse_pdf(tmp_path / "a.pdf").registers}
    want = {r.name: r for r in ds.registers}
    cr1_want = {(f.name, f.bits) for f in want["CR1"].fields}
    cr1_got = {(f.name, f.bits) for f in got["CR1"].fields}
    assert len(cr1_want & cr1_got) >= 0.9 * len(cr1_want)
    assert got["CR1"].reset == want["CR1"].reset


def test_unknown_layout_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_pdf(Datasheet(source="x", pages=0), tmp_path / "x.pdf", "fancy")
