"""The datasheet step: datasheet sources → datasheet documents, catalog rows and recorded drops."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pymupdf
import pytest
from datatrove.data import Document

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.corpus.steps.datasheet import DatasheetStep
from firmcorpus.parsers.models import Datasheet

DATA = (shared_data_dir() or Path("/nonexistent")) / "datasheets"
BME = DATA / "bosch_bme280__boschsensortec_api.pdf"
pytestmark = pytest.mark.skipif(not BME.exists(), reason="shared datasheets not present")

PAIR = {"manufacturer": "bosch", "manufacturer_raw": "Bosch Sensortec", "category": "Sensor",
        "license": "BSD-3-Clause", "repo": "deb:example"}


def source(pair_id: str, path: Path) -> Document:
    return Document(text="", id=f"{pair_id}:datasheet_source:{path.name}",
                    metadata={**PAIR, "pair_id": pair_id, "kind": "datasheet_source", "path": path.name,
                              "datasheet_path": str(path), "language": "text"})


def planted_svd(tmp: Path) -> Path:
    p = tmp / "tiny.svd"
    p.write_text("""<?xml version="1.0"?><device><name>TINY</name><peripherals>
      <peripheral><name>TIM0</name><baseAddress>0x40000000</baseAddress><description>Timer</description>
        <registers><register><name>CTRL</name><addressOffset>0x0</addressOffset><size>32</size>
          <resetValue>0x0</resetValue><fields><field><name>EN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth>
          <description>Enable</description></field></fields></register>
          <register><name>CNT</name><addressOffset>0x4</addressOffset><size>32</size></register></registers>
      </peripheral></peripherals></device>""")
    return p


def encrypted_pdf(tmp: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret register map")
    doc.save(tmp / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="own")
    return tmp / "locked.pdf"


def scanned_pdf(tmp: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.open(BME)[26].get_pixmap(dpi=40)
    page.insert_image(page.rect, pixmap=pix)
    doc.save(tmp / "scan.pdf")
    return tmp / "scan.pdf"


def test_step_documents_catalog_and_drops(tmp_path):
    code = Document(text="int x;", id="p1:code:a.c", metadata={"pair_id": "p1", "kind": "code", "path": "a.c"})
    code2 = Document(text="int y;", id="p3:code:b.c", metadata={"pair_id": "p3", "kind": "code", "path": "b.c"})
    inputs = [source("p1", BME), code, source("p2", planted_svd(tmp_path)), source("p3", encrypted_pdf(tmp_path)),
              source("p4", scanned_pdf(tmp_path)), source("p5", tmp_path / "missing.pdf"), code2]
    catalog = tmp_path / "catalog"
    out = list(DatasheetStep(str(catalog)).run(iter(inputs), rank=0, world_size=1))

    # other documents pass through unchanged and in order
    assert [d for d in out if d.metadata["kind"] == "code"] == [code, code2]
    assert out.index(code) > 0 and out[-1] is code2
    sheets = [d for d in out if d.metadata["kind"] == "datasheet"]
    assert {d.metadata["pair_id"] for d in sheets} == {"p1", "p2"}
    for d in sheets:
        md = d.metadata
        assert md["language"] == "text" and md["manufacturer"] == "bosch" and md["license"] == "BSD-3-Clause"
        assert "datasheet_path" not in md and md["path"] in (BME.name, "tiny.svd") and md["sha256"]
        assert d.text.strip()
    # the first document of each datasheet carries the Datasheet, the others do not
    for pid in ("p1", "p2"):
        docs = [d for d in sheets if d.metadata["pair_id"] == pid]
        assert isinstance(docs[0].metadata["_datasheet"], Datasheet)
        assert all("_datasheet" not in d.metadata for d in docs[1:])
    bme_docs = [d for d in sheets if d.metadata["pair_id"] == "p1"]
    assert len(bme_docs) >= 5 and len({d.id for d in bme_docs}) == len(bme_docs)
    joined = "\n".join(d.text for d in bme_docs)
    # registers: a ``Register NAME: …`` line, then the bit fields as a markdown table row
    assert "Register ctrl_meas: address 0xf4" in joined and "\n| 7:5 | osrs_t[2:0] |" in joined
    svd_text = next(d.text for d in sheets if d.metadata["pair_id"] == "p2")
    assert "Register CTRL (TIM0): address 0x40000000" in svd_text and "\n| 0 | EN |" in svd_text

    for table in ("datasheets", "sections", "peripherals", "registers", "fields", "drops"):
        assert list((catalog / "parts" / table).glob("*.parquet")), table
    regs = pl.read_parquet(next((catalog / "parts" / "registers").glob("*.parquet")))
    assert {"pair_id", "datasheet", "name", "address", "reset", "peripheral"} <= set(regs.columns)
    assert regs.filter((pl.col("pair_id") == "p1") & (pl.col("name") == "ctrl_meas"))["address"].to_list() == ["0xf4"]
    assert regs.filter(pl.col("pair_id") == "p2").height == 2
    fields = pl.read_parquet(next((catalog / "parts" / "fields").glob("*.parquet")))
    assert fields.filter((pl.col("register") == "CTRL") & (pl.col("name") == "EN")).height == 1
    drops = pl.read_parquet(next((catalog / "parts" / "drops").glob("*.parquet")))
    reasons = dict(zip(drops["pair_id"].to_list(), drops["reason"].to_list()))
    assert reasons == {"p3": "encrypted_pdf", "p4": "no_text_layer", "p5": "not_a_pdf"}
    assert set(drops["stage"].to_list()) == {"datasheet"}
    sheets_t = pl.read_parquet(next((catalog / "parts" / "datasheets").glob("*.parquet")))
    assert set(sheets_t["pair_id"].to_list()) == {"p1", "p2", "p4"}


def test_step_is_deterministic(tmp_path):
    a = [(d.id, d.text) for d in DatasheetStep(str(tmp_path / "a")).run(iter([source("p1", BME)]))]
    b = [(d.id, d.text) for d in DatasheetStep(str(tmp_path / "b")).run(iter([source("p1", BME)]))]
    assert a == b
    ra = (tmp_path / "a" / "parts" / "registers" / "00000.parquet").read_bytes()
    rb = (tmp_path / "b" / "parts" / "registers" / "00000.parquet").read_bytes()
    assert ra == rb


def test_cli_datasheet_json_tree_and_errors(tmp_path):
    import json

    from typer.testing import CliRunner

    from firmcorpus.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["datasheet", str(BME), "--json", "--pages", "27-27"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["pages"] == 60 and {x["name"] for x in d["registers"]} >= {"ctrl_meas", "id", "config"}
    assert all("text" not in s for s in d["sections"])
    r = runner.invoke(app, ["datasheet", str(planted_svd(tmp_path)), "--registers"])
    assert r.exit_code == 0 and "CTRL" in r.output and "EN" in r.output and "0x40000004" in r.output
    r = runner.invoke(app, ["datasheet", str(encrypted_pdf(tmp_path))])
    assert r.exit_code == 2 and "password" in r.output
    r = runner.invoke(app, ["datasheet", str(BME), "--pages", "9-3"])
    assert r.exit_code != 0


def test_bit_diagrams_are_cut_and_field_lines_kept(tmp_path):
    """ST-style register pages: the bit-number rows and cells go, every "Bits …" line stays."""
    from firmcorpus.corpus.steps.datasheet import datasheet_documents, strip_bit_diagrams
    from firmcorpus.parsers.datasheet import parse_pdf
    from firmcorpus.parsers.svd import parse_svd
    from firmcorpus.parsers.svd_render import render_pdf
    from tests.conftest import pyocd_svd_file
    from tests.parsers.test_svd_render import subset

    ds = subset(parse_svd(pyocd_svd_file("STM32F0xx.svd")), ["CRC", "USART1"])
    got = parse_pdf(render_pdf(ds, tmp_path / "st.pdf", "st"))
    raw = "\n".join(s.text for s in got.sections)
    docs = datasheet_documents(got)
    text = "\n".join(d[2] for d in docs)
    assert sum(d[3] for d in docs) > 500
    lines = text.split("\n")
    assert "31" not in lines and "16" not in lines and "rw" not in lines  # no diagram cell survives
    count = lambda t: sum(1 for x in t.split("\n") if x.startswith("Bit"))  # noqa: E731
    assert count(text) >= count(raw) > 50  # field descriptions all kept
    assert "Address offset: 0x00" in text and "Register CR1 (USART1)" in text

    # a pin table (ascending numbers) and a short-value table without prose after it are kept
    pins = "\n".join(str(k) for k in range(1, 17))
    assert strip_bit_diagrams(pins) == (pins, 0)
    values = "\n".join(["7", "6", "5", "4", "3", "2", "1", "0"] + ["0x1"] * 60)
    kept, cut = strip_bit_diagrams(values)
    assert cut == 8 and kept == "\n".join(["0x1"] * 60)
    diagram = "\n".join(["Register X", "7", "6", "5", "4", "3", "2", "1", "0", "EN", "rw", "Res.",
                         "Bits 7:0 EN: enable the block."])
    assert strip_bit_diagrams(diagram) == ("Register X\nBits 7:0 EN: enable the block.", 11)
