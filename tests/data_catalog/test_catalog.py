"""Catalog queries and inspection on a build generated from the real hand-checked register maps."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from fakebuild import make_build, real_pairs
from typer.testing import CliRunner

from firmcorpus.cli import app
from firmcorpus.core.paths import shared_data_dir
from firmcorpus.data_catalog.catalog import Catalog, MissingTableError
from firmcorpus.data_catalog.inspect import InspectError, inspect_build


def _oracle():
    """Expected numbers straight from the JSON files, not from the catalog."""
    out = {}
    for d in real_pairs():
        regs = {r["name"] for r in d["registers"] if not r.get("uncertain")}
        linked = {lk["register"] for lk in d["code"][0].get("links", [])} & regs
        out[d["pair_id"]] = (len(regs), len(linked), d["datasheet"]["pages"])
    return out


def test_pair_table_matches_the_register_maps(fake_build):
    cat = Catalog(fake_build)
    pt = cat.pair_table()
    oracle = _oracle()
    for pid, (nregs, nlinked, pages) in oracle.items():
        row = pt.filter(pl.col("pair_id") == pid).to_dicts()[0]
        assert (row["registers"], row["registers_linked"], row["pages"]) == (nregs, nlinked, pages), pid
        assert row["linked_share"] == pytest.approx(nlinked / nregs)
    # canonical manufacturer from the raw names of the JSON files ("InvenSense (TDK)", "Maxim Integrated (...)")
    man = dict(zip(pt["pair_id"], pt["manufacturer"]))
    assert man["invensense_mpu6050__electroniccats_i2cdevlib"] == "TDK"
    assert man["maxim_ds3231m__libdriver"] == "Analog Devices"


def test_missing_tables_are_named_and_read_as_zero(fake_build):
    cat = Catalog(fake_build)
    assert cat.missing() == ["peripherals", "fields", "includes"]
    with pytest.raises(MissingTableError, match="peripherals"):
        cat.scan("peripherals")
    res = inspect_build(fake_build)
    assert res["missing_tables"] == ["peripherals", "fields", "includes"]
    assert res["tables"]["peripherals"] is None and res["tables"]["registers"] > 0


def test_inspect_numbers(fake_build):
    res = inspect_build(fake_build)
    oracle = _oracle()
    assert res["totals"]["pairs"] == len(oracle) + 1  # + the planted Hawk pair
    assert res["totals"]["registers"] == sum(v[0] for v in oracle.values())
    assert res["totals"]["registers_linked"] == sum(v[1] for v in oracle.values())
    ti = next(m for m in res["manufacturers"] if m["manufacturer"] == "Texas Instruments")
    assert ti["pairs"] == 2 and {p["pair_id"] for p in ti["pair_rows"]} == {"ti_ina219__libdriver",
                                                                           "ti_opt3001__libdriver"}
    # documents carrying a drop reason are not counted as kept and show up among the drops
    docs = pl.read_parquet(fake_build / "catalog" / "documents.parquet")
    kept = docs.filter(pl.col("dropped").is_null())
    assert res["totals"]["documents"] == kept.height
    assert sum(r["tokens"] for r in res["tokens_by_domain"]) == kept["token_count"].sum() > 0
    reasons = {(d["stage"], d["reason"]): d["count"] for d in res["drops_by_reason"]}
    assert reasons[("documents", "too_short")] == docs.height - kept.height
    assert reasons[("datasheet", "no_register_map")] == 1
    # documents under OUT/excluded/ (exclusion writers) count as drops of their pair
    assert reasons[("excluded/quality", "encoded_data")] == (len(real_pairs()) + 2) // 2
    pairs_drops = sum(m["drops"] for m in res["manufacturers"])
    assert pairs_drops == res["totals"]["drops"] == sum(reasons.values())
    assert json.loads(json.dumps(res, default=str))  # JSON-able


def test_inspect_manufacturer_by_alias_and_pair(fake_build):
    res = inspect_build(fake_build, manufacturer="Maxim Integrated")  # a brand resolves to its owner
    assert res["manufacturer"]["manufacturer"] == "Analog Devices"
    assert res["manufacturer"]["pairs"] == 2
    res = inspect_build(fake_build, pair="nxp_pca9685__adafruit_pwmservo")
    p = res["pair"]
    assert p["mapping_md"].endswith("nxp_pca9685__adafruit_pwmservo.md")
    assert p["mapping_metrics"]["registers"] == p["registers"]
    statuses = [s["status"] for s in p["worst_sections"]]
    assert statuses and statuses == sorted(statuses, key=["not_implemented", "partial", "implemented"].index)
    assert "not_applicable" not in statuses
    worst = p["worst_sections"][0]
    assert worst["linked"] <= worst["registers"] and worst["score"] == pytest.approx(worst["linked"] / worst["registers"], abs=1e-3)
    assert "registers linked" in worst["reason"]
    with pytest.raises(InspectError, match="did you mean"):
        inspect_build(fake_build, pair="pca9685")
    with pytest.raises(InspectError, match="no pairs"):
        inspect_build(fake_build, manufacturer="Acme")


def test_worst_sections_fall_back_to_mapping_json(tmp_path):
    if not real_pairs():
        pytest.skip("../shared/data/datasheets/*.json not present")
    out = make_build(tmp_path / "out", skip=("section_status", "peripherals", "fields", "includes"))
    cat = Catalog(out)
    worst = cat.worst_sections("nxp_pca9685__adafruit_pwmservo")
    assert worst and worst[0]["status"] == "not_implemented"
    assert cat.section_status_counts() == {"implemented": 0, "partial": 0, "not_implemented": 0, "not_applicable": 0}


def test_empty_and_absent_builds(tmp_path):
    (tmp_path / "out" / "catalog").mkdir(parents=True)
    res = inspect_build(tmp_path / "out")
    assert res["totals"]["pairs"] == 0 and "pairs" in res["missing_tables"] and res["manufacturers"] == []
    from firmcorpus.data_catalog.report import write_report

    html = write_report(tmp_path / "out").read_text()
    assert "did not write" in html and "pairs, datasheets" in html
    with pytest.raises(FileNotFoundError, match="firmcorpus build"):
        Catalog(tmp_path / "nope")


def test_cli_inspect_and_catalog_show(fake_build, tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["inspect", str(fake_build), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["totals"]["pairs"] == len(real_pairs()) + 1
    r = runner.invoke(app, ["inspect", str(fake_build), "--manufacturer", "TI"])
    assert r.exit_code == 0 and "ti_opt3001__libdriver" in r.output
    r = runner.invoke(app, ["inspect", str(fake_build), "--pair", "ti_ina219__libdriver"])
    assert r.exit_code == 0 and "worst-covered sections" in r.output
    r = runner.invoke(app, ["inspect", str(fake_build), "--pair", "nope"])
    assert r.exit_code == 2 and "not in" in r.output
    r = runner.invoke(app, ["catalog", "show", str(fake_build), "--json"])
    assert r.exit_code == 0
    info = json.loads(r.output)
    assert info["tables"]["registers"] > 0 and info["missing_tables"] == ["peripherals", "fields", "includes"]
    # catalog import writes the pairs table that inspect reads
    m = tmp_path / "m.yaml"
    m.write_text("- {pair_id: a, repo: 'deb:msp430mcu', manufacturer: Atmel, category: MCU}\n"
                 "- {pair_id: a, repo: 'deb:msp430mcu'}\n")
    r = runner.invoke(app, ["catalog", "import", str(m), "-o", str(tmp_path / "o"), "--strict"])
    assert r.exit_code == 1 and "duplicate pair_id" in r.output
    pairs = pl.read_parquet(tmp_path / "o" / "catalog" / "pairs.parquet")
    assert pairs["manufacturer"].to_list() == ["Microchip Technology"]
    assert inspect_build(tmp_path / "o")["totals"]["pairs"] == 1


def test_cli_catalog_show_h2loop():
    path = (shared_data_dir() or Path("/nonexistent")) / "h2loop_manifest.csv"
    if not path.is_file():
        pytest.skip("h2loop manifest not present")
    r = CliRunner().invoke(app, ["catalog", "show", str(path), "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)["summary"]
    assert (s["accepted"], s["manufacturers_raw"], s["category_count"], len(s["missing_files"])) == (818, 117, 19, 15)
    r = CliRunner().invoke(app, ["catalog", "show", str(path)])
    assert "818 pairs accepted" in r.output and "117 raw names" in r.output



def test_overview_breakdowns_agree_with_per_manufacturer_queries(fake_build):
    """The overview splits one scan per table by manufacturer; a --manufacturer query filters the scans."""
    res = inspect_build(fake_build)
    for m in res["manufacturers"]:
        one = inspect_build(fake_build, manufacturer=m["manufacturer"])["manufacturer"]
        for key in ("section_status", "tokens_by_domain", "drops_by_reason", "pairs", "tokens", "registers_linked"):
            assert m[key] == one[key], (m["manufacturer"], key)


def test_symbols_counted_from_files_table_when_recorded(fake_build):
    """The code step caps symbol rows per file; files.n_symbols holds the real count."""
    pt = Catalog(fake_build).pair_table()
    files = pl.read_parquet(fake_build / "catalog" / "files.parquet")
    want = files.group_by("pair_id").agg(pl.col("n_symbols").sum(), pl.col("n_registers").sum())
    got = pt.join(want, on="pair_id")
    assert got.height == files["pair_id"].n_unique()
    assert got["symbols"].to_list() == got["n_symbols"].to_list()
    assert got["code_registers"].to_list() == got["n_registers"].to_list()
