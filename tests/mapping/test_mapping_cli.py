"""``firmcorpus map`` on the ubertooth firmware tree with the LPC176x SVD."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from firmcorpus.cli import app


def test_map_json(ubertooth_root, tmp_path):
    from firmcorpus.corpus.datasheet_sources import resolve_datasheet

    svd = resolve_datasheet("pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!LPC176x5x_v0.2.svd")
    md = tmp_path / "m.md"
    r = CliRunner().invoke(app, ["map", "--datasheet", str(svd), "--repo", str(ubertooth_root), "--json",
                                 "--md", str(md)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["metrics"]["registers"] > 1000 and d["metrics"]["linked"] > 400
    assert any(lk["symbol"] == "U0LCR" and lk["register"] == "LCR" for lk in d["links"])
    assert md.read_text().startswith("# Mapping")


def test_map_bad_repo(tmp_path):
    r = CliRunner().invoke(app, ["map", "--datasheet", str(tmp_path / "x.svd"), "--repo", str(tmp_path / "nope")])
    assert r.exit_code != 0 and "folder" in r.output
