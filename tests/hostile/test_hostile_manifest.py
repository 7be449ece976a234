"""Manifests as users and attackers write them: legacy encodings, ids that are paths, broken files.
A bad row is a ``RowError`` (recorded in OUT by the build); a bad file is one ``ManifestError`` line."""

from __future__ import annotations

import pytest

from firmcorpus.core.names import safe_file_stem
from firmcorpus.data_catalog.manifest import ManifestError, load_manifest


def test_latin1_csv_is_read_with_its_accents(tmp_path):
    (tmp_path / "r").mkdir()
    p = tmp_path / "m.csv"
    p.write_bytes("pair_id,repo,manufacturer,category\na,r,Société Générale,MCU\n".encode("latin-1"))
    loaded = load_manifest(p)
    assert [x.manufacturer_raw for x in loaded.pairs] == ["Société Générale"] and not loaded.errors


def test_yaml_that_is_not_utf8_is_one_clear_error(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_bytes("pairs:\n- {pair_id: a, repo: r, manufacturer: Soci\xe9t\xe9}\n".encode("latin-1"))
    with pytest.raises(ManifestError, match="not UTF-8 text"):
        load_manifest(p, check_paths=False)


@pytest.mark.parametrize("name,content,why", [
    ("m.parquet", b"PAR1 not really", "not a readable parquet file"),
    ("m.yaml", b"pairs: [ {pair_id: a", "not valid YAML"),
    ("m.json", b"{\"pairs\": [", "not valid JSON"),
])
def test_broken_manifest_files_are_one_line(tmp_path, name, content, why):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ManifestError, match=why) as e:
        load_manifest(p)
    assert "\n" not in str(e.value).split(" (")[0]


def test_pair_ids(tmp_path):
    rows = ["pair_id,repo,category"] + [f"{pid},deb:x,MCU" for pid in (
        "/tmp/x", "../../x", "vendor/chip", "ok_id", "..", "a" * 201, '"bad\x07bell"', "ok.v2")]
    p = tmp_path / "m.csv"
    p.write_text("\n".join(rows) + "\n")
    loaded = load_manifest(p)
    accepted = [x.pair_id for x in loaded.pairs]
    assert accepted == ["/tmp/x", "../../x", "vendor/chip", "ok_id", "ok.v2"]
    assert sorted(e.row for e in loaded.errors) == [5, 6, 7]
    assert all(e.kind == "malformed_field" and "pair_id" in e.reason for e in loaded.errors)
    stems = [safe_file_stem(x) for x in accepted]
    assert stems[3:] == ["ok_id", "ok.v2"]  # plain ids keep their names
    assert len(set(stems)) == len(stems)
    assert all("/" not in s and not s.startswith(".") and s not in ("", "..") for s in stems)
