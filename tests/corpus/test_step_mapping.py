"""MappingStep: a pair's datasheet + code documents → mapping files, catalog rows, mapping documents.

Real data: the STM32F0xx SVD from the pyocd wheel; the code is a register header generated from
it (the oracle) plus a driver using it, as the code step would hand them over."""

from __future__ import annotations

import json

import pytest
from datatrove.data import Document

from firmcorpus.corpus.steps.mapping import MappingStep


@pytest.fixture(scope="module")
def svd(stm32f0_svd):
    return stm32f0_svd


def _pair_docs(svd, pair_id="st_stm32f0__demo"):
    from firmcorpus.parsers.code import parse_code

    regs = [r for r in svd.registers if r.peripheral in ("USART1", "SPI1")]
    hdr = "/* STM32F0xx registers */\n" + "".join(
        f"#define {r.peripheral}_{r.name}_REG 0x{int(r.address, 16):08X}UL\n" for r in regs)
    drv = ('#include "regs.h"\n/* STM32F0xx USART */\nvoid uart_start(void)\n{\n'
           "\t*(volatile unsigned *)USART1_CR1_REG = 1;\n}\n")
    meta = {"pair_id": pair_id, "repo": "demo", "manufacturer": "STMicroelectronics",
            "manufacturer_raw": "ST", "category": "MCU", "component": "STM32F0", "license": "MIT"}
    docs = [Document(text="USART1 registers ...", id=f"{pair_id}:ds:0",
                     metadata={**meta, "kind": "datasheet", "path": "STM32F0xx.svd", "section_id": "USART1",
                               "_datasheet": svd}),
            Document(text="SPI1 ...", id=f"{pair_id}:ds:1",
                     metadata={**meta, "kind": "datasheet", "path": "STM32F0xx.svd", "section_id": "SPI1"})]
    for path, text in (("inc/regs.h", hdr), ("src/uart.c", drv)):
        docs.append(Document(text=text, id=f"{pair_id}:code:{path}",
                             metadata={**meta, "kind": "code", "path": path,
                                       "_codefile": parse_code(path, text.encode())}))
    return docs, regs


def test_mapping_step_outputs(svd, tmp_path):
    docs, regs = _pair_docs(svd)
    other = Document(text="int x;", id="other:code:a.c",
                     metadata={"pair_id": "other", "kind": "code", "path": "a.c"})
    step = MappingStep(str(tmp_path))
    out = list(step.run(iter(docs + [other]), rank=0, world_size=1))
    # the pair's documents come back unchanged and first, then its mapping documents
    assert [d.id for d in out[:len(docs)]] == [d.id for d in docs]
    mapping_docs = [d for d in out if d.metadata.get("kind") == "mapping"]
    assert out[-1] is other  # a pair without datasheet passes through
    assert {d.metadata["section_id"] for d in mapping_docs} >= {"USART1", "SPI1"}
    d = next(d for d in mapping_docs if d.metadata["section_id"] == "USART1")
    assert d.metadata["path"] == "mappings/st_stm32f0__demo#USART1"
    assert d.metadata["pair_id"] == "st_stm32f0__demo" and d.metadata["category"] == "MCU"
    assert "_datasheet" not in d.metadata and d.metadata["sha256"]
    assert d.text.index("Registers:") < d.text.index("USART1_CR1_REG")
    assert "uart_start" in d.text

    m = json.loads((tmp_path / "mappings/st_stm32f0__demo.json").read_text())
    got = {(lk["peripheral"], lk["register"], lk["symbol"]) for lk in m["links"]}
    assert got == {(r.peripheral, r.name, f"{r.peripheral}_{r.name}_REG") for r in regs}
    assert "seconds" not in m["metrics"]
    assert (tmp_path / "mappings/st_stm32f0__demo.md").read_text().startswith("# Mapping")

    import polars as pl

    links = pl.read_parquet(tmp_path / "catalog/parts/links/00000.parquet")
    assert links.height == len(regs) and set(links["pair_id"]) == {"st_stm32f0__demo"}
    status = pl.read_parquet(tmp_path / "catalog/parts/section_status/00000.parquet")
    usart = status.filter(pl.col("section_id") == "USART1").row(0, named=True)
    assert usart["status"] == "implemented" and usart["top_file"] == "inc/regs.h"


def test_mapping_step_is_deterministic(svd, tmp_path):
    for k in range(2):
        docs, _ = _pair_docs(svd)
        list(MappingStep(str(tmp_path / str(k))).run(iter(docs)))
    a = (tmp_path / "0/mappings/st_stm32f0__demo.json").read_bytes()
    b = (tmp_path / "1/mappings/st_stm32f0__demo.json").read_bytes()
    assert a == b
