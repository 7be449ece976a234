"""LPC175x firmware (ubertooth-firmware-source, Debian) against the LPC176x5x SVD (pyocd wheel).

The oracle is independent of the mapping's name logic: a register and a symbol belong together
when the symbol's evaluated value is the register's absolute address (``svd_evaluate``); field
links are checked against masks computed here from the SVD's bit ranges.
"""

from __future__ import annotations

from firmcorpus.mapping.metrics import svd_evaluate


def test_register_links_against_the_svd(lpc_mapping, lpc_svd, ubertooth_code):
    files, _ = ubertooth_code
    e = svd_evaluate(lpc_mapping, lpc_svd, files)
    assert e["linkable_registers"] > 400  # lpc17.h defines most of the chip
    assert e["precision"] >= 0.95, e
    assert e["recall"] >= 0.85, e


def test_links_carry_evidence_and_scores(lpc_mapping):
    assert lpc_mapping.links
    for lk in lpc_mapping.links:
        assert 0 < lk.score < 1
        assert lk.evidence and lk.evidence[0] in ("address", "base+offset", "offset")
        assert lk.file.endswith(".h") or lk.file.endswith(".c")
    # the main register header carries the links
    assert {lk.file for lk in lpc_mapping.links} == {"common/lpc17.h"}


def test_field_links_match_the_svd_masks(lpc_mapping, lpc_svd, ubertooth_code):
    files, _ = ubertooth_code
    values = {(f.path, s.name): s.int_value for f in files for s in f.symbols if s.kind == "macro"}
    fields = {(r.peripheral, r.name, fl.name): fl.bits for r in lpc_svd.registers for fl in r.fields}
    assert len(lpc_mapping.field_links) > 500
    for fl in lpc_mapping.field_links:
        bits = fields[(fl.peripheral, fl.register, fl.field)]
        assert bits == fl.bits
        hi, lo = (int(x) for x in bits.split(":")) if ":" in bits else (int(bits), int(bits))
        width = hi - lo + 1
        v = values[(fl.file, fl.symbol)]
        assert v in (((1 << width) - 1) << lo, (1 << width) - 1, lo), (fl, v)


def test_sections_are_the_svd_peripherals(lpc_mapping, lpc_svd):
    ids = [s.section_id for s in lpc_mapping.sections]
    assert ids == [s.id for s in lpc_svd.sections]
    by = {s.section_id: s for s in lpc_mapping.sections}
    uart0 = by["UART0"]
    assert uart0.status == "implemented" and uart0.files[0].path == "common/lpc17.h"
    assert 0 < uart0.coverage <= 1 and set(uart0.linked) <= set(uart0.registers)
    statuses = {s.status for s in lpc_mapping.sections}
    assert statuses <= {"implemented", "partial", "not_implemented", "not_applicable"}


def test_contract_json(lpc_mapping):
    d = lpc_mapping.to_dict()
    assert set(d) >= {"sections", "links", "metrics"}
    s = d["sections"][0]
    assert set(s) >= {"section_id", "title", "status", "folders", "files", "symbols"}
    lk = d["links"][0]
    assert set(lk) >= {"register", "peripheral", "symbol", "file", "line", "score", "evidence"}
    assert set(d["metrics"]) >= {"registers", "linked", "seconds"}
    from firmcorpus.mapping.models import MappingResult

    assert MappingResult.from_dict(d).to_dict() == d


def test_cmsis_overlay_structs_against_the_svd(cmsis_stm32f4):
    """CMSIS style: registers are fields of ``*_TypeDef`` structs laid at each peripheral's base."""
    from firmcorpus.mapping import map_pair

    svd, files, texts = cmsis_stm32f4
    res = map_pair(svd, files, texts)
    e = svd_evaluate(res, svd, files)
    assert e["linkable_registers"] > 500
    assert e["precision"] >= 0.95, e
    assert e["recall"] >= 0.85, e
    by = {(lk.peripheral, lk.register): lk for lk in res.links}
    # GPIOB and GPIOA share GPIO_TypeDef: one field serves both instances
    assert by[("GPIOA", "MODER")].symbol == by[("GPIOB", "MODER")].symbol == "GPIO_TypeDef.MODER"
    assert by[("USART1", "BRR")].evidence[0] == "offset"
