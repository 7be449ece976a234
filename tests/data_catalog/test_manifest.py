"""Manifest loading: the real H2LooP manifest as is, every bad-row case, every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from firmcorpus.core.documents import CATEGORIES
from firmcorpus.core.paths import shared_data_dir
from firmcorpus.data_catalog.manifest import ManifestError, Pair, load_manifest, pairs_to_rows

H2LOOP = (shared_data_dir() or Path("/nonexistent")) / "h2loop_manifest.csv"
needs_h2loop = pytest.mark.skipif(not H2LOOP.is_file(), reason="../shared/data/h2loop_manifest.csv not present")


@needs_h2loop
def test_h2loop_manifest_as_is():
    load = load_manifest(H2LOOP)
    # independent oracle: the csv module over the same file
    with H2LOOP.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert load.rows == len(rows) == 818
    assert len(load.pairs) == 818 and load.errors == []
    s = load.summary()
    assert s["manufacturers_raw"] == len({r["manufacturer"] for r in rows}) == 117
    assert s["manufacturers_unknown"] == []
    assert s["manufacturers_canonical"] < 100
    assert s["category_count"] == 19 and set(s["categories"]) == set(CATEGORIES)
    assert s["categories"]["Unknown"] == sum(r["Category"] == "Unknown" for r in rows)
    expected_missing = [r["pair_id"] for r in rows if r["file_exists"] == "FALSE"]
    assert s["missing_files"] == expected_missing and len(expected_missing) == 15
    hawk = next(p for p in load.pairs if p.pair_id == "A1Pair_22")
    assert hawk.repo == "https://github.com/ArduPilot/ardupilot"
    assert hawk.datasheet == [rows[1]["pdf_url"]]
    assert hawk.extra["repo_id"] == "AR31" and hawk.extra["file_exists"] is True
    assert hawk.extra["file_size_bytes"] == 33790016 and "TBC" in hawk.extra
    st = {p.manufacturer_raw for p in load.pairs if p.manufacturer == "STMicroelectronics"}
    assert {"ST", "STMicroelectronics", "STMicroelectronics N.V."} <= st


def _write_yaml(tmp_path: Path, rows, wrap=False) -> Path:
    p = tmp_path / "m.yaml"
    p.write_text(yaml.safe_dump({"pairs": rows} if wrap else rows, sort_keys=False))
    return p


@pytest.fixture
def local_tree(tmp_path):
    (tmp_path / "repo" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "src" / "a.c").write_text("int x;\n")
    (tmp_path / "ds.pdf").write_bytes(b"%PDF-1.4\n")
    return tmp_path


def test_good_rows_all_source_kinds(local_tree):
    rows = [
        {"pair_id": "p1", "repo": "repo", "repo_paths": ["src"], "datasheet": "ds.pdf", "manufacturer": "TI",
         "category": "MCU"},
        {"pair_id": "p2", "repo": "deb:msp430mcu", "datasheet": ["pip:pyocd==0.36.0#pyocd/debug/svd/svd_data.zip!STM32F103xx.svd"],
         "manufacturer": "Atmel", "category": "mcu"},
        {"pair_id": "p3", "repo": "git@github.com:org/x.git", "datasheet": "https://x/y.pdf", "category": "flight controller"},
    ]
    load = load_manifest(_write_yaml(local_tree, rows, wrap=True))
    assert load.errors == []
    p1, p2, p3 = load.pairs
    assert p1.repo == str(local_tree / "repo") and p1.datasheet == [str(local_tree / "ds.pdf")]
    assert p1.manufacturer == "Texas Instruments" and p1.manufacturer_raw == "TI"
    assert p2.repo == "deb:msp430mcu" and p2.datasheet[0].startswith("pip:pyocd==0.36.0#")
    assert (p2.manufacturer, p2.manufacturer_brand, p2.manufacturer_parent) == ("Microchip Technology", "Atmel",
                                                                                  "Microchip Technology")
    assert p2.category == "MCU" and p3.category == "Flight_Controller"
    assert p3.manufacturer is None
    assert Pair.from_dict(p1.to_dict()) == p1


def test_each_bad_row_case_one_error_and_load_goes_on(local_tree):
    rows = [
        {"pair_id": "ok1", "repo": "repo", "category": "Sensor"},
        {"repo": "repo", "category": "Sensor"},                                      # 2 missing id
        {"pair_id": "ok1", "repo": "repo"},                                          # 3 duplicate id
        {"pair_id": "c", "repo": "repo", "category": "Toaster"},                     # 4 unknown category
        {"pair_id": "d", "repo": "no/such/dir"},                                     # 5 unreachable repo
        {"pair_id": "e", "repo": "repo", "datasheet": ["missing.pdf"]},             # 6 unreachable datasheet
        {"pair_id": "f", "repo": "repo", "repo_paths": {"a": 1}},                    # 7 malformed field
        {"pair_id": "g", "repo": "repo", "manufacturer": ["ST"]},                    # 8 malformed field
        {"pair_id": "h"},                                                            # 9 no repo
        "just a string",                                                             # 10 not a mapping
        {"pair_id": "ok2", "repo": "deb:msp430mcu", "category": "Unknown"},
    ]
    load = load_manifest(_write_yaml(local_tree, rows))
    assert [p.pair_id for p in load.pairs] == ["ok1", "ok2"]
    got = {e.row: (e.pair_id, e.kind) for e in load.errors}
    assert got == {
        2: (None, "missing_id"), 3: ("ok1", "duplicate_id"), 4: ("c", "unknown_category"),
        5: ("d", "unreachable_path"), 6: ("e", "unreachable_path"), 7: ("f", "malformed_field"),
        8: ("g", "malformed_field"), 9: ("h", "malformed_field"), 10: (None, "malformed_field"),
    }
    by_row = {e.row: e for e in load.errors}
    assert "first used on row 1" in by_row[3].reason
    assert "Toaster" in by_row[4].reason and "Flight_Controller" in by_row[4].reason
    assert "no/such/dir" in by_row[5].reason
    assert load.summary()["errors_by_kind"] == {"duplicate_id": 1, "malformed_field": 4, "missing_id": 1,
                                                "unknown_category": 1, "unreachable_path": 2}
    # without path checks the unreachable rows are accepted, still resolved against the manifest folder
    load2 = load_manifest(_write_yaml(local_tree, rows), check_paths=False)
    d = next(p for p in load2.pairs if p.pair_id == "d")
    assert d.repo == str(local_tree / "no/such/dir")


def test_row_with_several_problems_gives_one_error(local_tree):
    load = load_manifest(_write_yaml(local_tree, [{"repo": "nowhere", "category": "Bogus"}]))
    assert len(load.errors) == 1
    e = load.errors[0]
    assert e.kind == "missing_id" and "Bogus" in e.reason and "nowhere" in e.reason


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet", "yaml"])
def test_formats_agree(local_tree, fmt):
    rows = [{"pair_id": f"p{i}", "repo": "repo", "datasheet": "ds.pdf", "manufacturer": m, "category": c,
             "license": "MIT", "note": f"n{i}"}
            for i, (m, c) in enumerate([("NXP Semiconductors N.V.", "SoC"), ("Nordic", "Network"),
                                        ("Acme Widgets", "Sensor")])]
    path = local_tree / f"m.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps({"pairs": rows}))
    elif fmt == "yaml":
        path.write_text(yaml.safe_dump(rows))
    elif fmt == "csv":
        with path.open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    else:
        import polars as pl

        pl.DataFrame(rows).write_parquet(path)
    load = load_manifest(path)
    assert load.errors == []
    assert [p.manufacturer for p in load.pairs] == ["NXP Semiconductors", "Nordic Semiconductor", "Acme Widgets"]
    assert [p.extra["note"] for p in load.pairs] == ["n0", "n1", "n2"]
    assert load.summary()["manufacturers_unknown"] == ["Acme Widgets"]
    assert all(p.datasheet == [str(local_tree / "ds.pdf")] for p in load.pairs)
    assert len(pairs_to_rows(load.pairs)) == 3


def test_csv_list_cells_and_overflow(local_tree):
    path = local_tree / "m.csv"
    path.write_text('pair_id,repo,datasheet,repo_paths\n'
                    'a,repo,ds.pdf;https://x/y.svd,"[""src"", ""inc""]"\n'
                    'b,repo,ds.pdf,src,EXTRA\n')
    load = load_manifest(path)
    assert load.pairs[0].datasheet == [str(local_tree / "ds.pdf"), "https://x/y.svd"]
    assert load.pairs[0].repo_paths == ["src", "inc"]
    assert [(e.row, e.kind) for e in load.errors] == [(2, "malformed_field")]


def test_unreadable_manifest_raises_with_advice(tmp_path):
    with pytest.raises(ManifestError, match="does not exist"):
        load_manifest(tmp_path / "nope.yaml")
    bad = tmp_path / "m.txt"
    bad.write_text("x")
    with pytest.raises(ManifestError, match="unknown manifest format"):
        load_manifest(bad)
    notlist = tmp_path / "m.json"
    notlist.write_text('{"a": 1}')
    with pytest.raises(ManifestError, match="expected a list"):
        load_manifest(notlist)
