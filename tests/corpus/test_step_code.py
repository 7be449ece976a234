"""CodeParseStep over real vendor headers: metadata, pass-through order, catalog tables."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from datatrove.data import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parsers"))
from code_data import msp430_header, nrf51_header  # noqa: E402

from firmcorpus.corpus.steps.code import CodeParseStep  # noqa: E402


def docs():
    nrf = nrf51_header().parent
    out = [Document(text="datasheet text", id="p1:datasheet:x", metadata={"kind": "datasheet", "pair_id": "p1"})]
    for p in ("nrf.h", "nrf51.h", "nrf51_bitfields.h"):
        out.append(Document(text=(nrf / p).read_text(errors="replace"), id=f"p1:code:device/{p}",
                            metadata={"kind": "code", "pair_id": "p1", "path": f"device/{p}", "language": "c"}))
    msp = msp430_header("msp430g2553.h").read_text(errors="replace")
    out.append(Document(text=msp, id="p2:code:msp430/msp430g2553.h",
                        metadata={"kind": "code", "pair_id": "p2", "path": "msp430/msp430g2553.h"}))
    out.append(Document(text="bad \ufffd bytes\n#define X 1\n", id="p2:code:bad.c",
                        metadata={"kind": "code", "pair_id": "p2", "path": "bad.c", "non_utf8": True}))
    out.append(Document(text="mapping", id="p2:mapping:x", metadata={"kind": "mapping", "pair_id": "p2"}))
    return out


def test_code_step(tmp_path):
    step = CodeParseStep(str(tmp_path))
    inp = docs()
    out = list(step.run(iter(inp), rank=3, world_size=4))
    assert [d.id for d in out] == [d.id for d in inp]
    assert out[0].metadata == {"kind": "datasheet", "pair_id": "p1"}
    nrf51 = out[2].metadata
    assert nrf51["language"] == "c" and nrf51["_codefile"].path == "device/nrf51.h"
    assert nrf51["n_registers"] > 450  # 486 fields (padding excluded) + bases + instances and nrf51["n_symbols"] == len(nrf51["_codefile"].symbols)
    assert nrf51["includes"] == ["core_cm0.h", "system_nrf51.h"]
    assert out[5].metadata["flags"] == ["non_utf8"]

    parts = tmp_path / "parts"
    files = pl.read_parquet(parts / "files" / "00003.parquet")
    assert files.columns[:7] == ["pair_id", "path", "language", "size_bytes", "flags", "parse_errors", "n_symbols"]
    # rows sorted by pair and path (not by arrival: the MSP430 header came before bad.c)
    assert files["path"].to_list() == ["device/nrf.h", "device/nrf51.h", "device/nrf51_bitfields.h", "bad.c",
                                       "msp430/msp430g2553.h"]
    syms = pl.read_parquet(parts / "symbols" / "00003.parquet")
    # `#define UCA0TXBUF_ 0x0067` then `sfrb(UCA0TXBUF, UCA0TXBUF_);`
    txbuf = syms.filter((pl.col("name") == "UCA0TXBUF") & (pl.col("path") == "msp430/msp430g2553.h")).row(0, named=True)
    assert (txbuf["kind"], txbuf["int_value"], txbuf["role"]) == ("variable", 0x67, "register")
    uart = syms.filter((pl.col("name") == "NRF_UART0")).row(0, named=True)
    assert (uart["int_value"], uart["type"]) == (0x40002000, "NRF_UART_Type")
    assert syms.height == sum(d.metadata.get("n_symbols", 0) for d in out)
    inc = pl.read_parquet(parts / "includes" / "00003.parquet")
    got = {(r["path"], r["include"]): r["resolved"] for r in inc.iter_rows(named=True)}
    assert got[("device/nrf.h", "nrf51.h")] == "device/nrf51.h"
    assert got[("device/nrf51.h", "core_cm0.h")] is None


def test_symbol_rows_are_capped(tmp_path):
    step = CodeParseStep(str(tmp_path), max_symbol_rows_per_file=10)
    text = "".join(f"#define R{i} {i}\n" for i in range(50))
    out = list(step.run(iter([Document(text=text, id="a", metadata={"kind": "code", "pair_id": "p", "path": "r.h"})])))
    assert out[0].metadata["n_symbols"] == 50
    assert pl.read_parquet(tmp_path / "parts" / "symbols" / "00000.parquet").height == 10


def test_pairs_are_resolved_across_files_and_order_kept(tmp_path):
    def code(pair, path, text):
        return Document(text=text, id=f"{pair}:{path}", metadata={"kind": "code", "pair_id": pair, "path": path})

    inp = [
        code("a", "inc/periph.h", '#include "base.h"\n#define UART_BASE (PERIPH_BASE + 0x1000)\n'),
        Document(text="ds", id="a:ds", metadata={"kind": "datasheet", "pair_id": "a"}),
        code("a", "inc/base.h", "#define PERIPH_BASE 0x40000000\n"),
        code("b", "periph.h", "#define UART_BASE (PERIPH_BASE + 0x1000)\n"),  # base.h is pair a's, not b's
    ]
    out = list(CodeParseStep(str(tmp_path)).run(iter(inp)))
    assert [d.id for d in out] == [d.id for d in inp]
    a = {s.name: s.int_value for s in out[0].metadata["_codefile"].symbols}
    b = {s.name: s.int_value for s in out[3].metadata["_codefile"].symbols}
    assert a["UART_BASE"] == 0x40001000 and b["UART_BASE"] is None
    syms = pl.read_parquet(tmp_path / "parts" / "symbols" / "00000.parquet")
    row = syms.filter((pl.col("pair_id") == "a") & (pl.col("name") == "UART_BASE")).row(0, named=True)
    assert (row["int_value"], row["role"]) == (0x40001000, "base")
    no = list(CodeParseStep(str(tmp_path / "off"), resolve_across_files=False).run(iter(inp)))
    assert {s.name: s.int_value for s in no[0].metadata["_codefile"].symbols}["UART_BASE"] is None
