"""Pair checks on the real register maps: right pairs score high, swapped pairs and a spec
that is not a datasheet (the H2LooP "Hawk" pair) score low."""

from __future__ import annotations

import pytest
from fakebuild import real_pairs

from firmcorpus.data_catalog.pair_check import pair_score, part_numbers
from firmcorpus.parsers.models import CodeFile, Datasheet, Register, Section, Symbol

PAIRS = {d["pair_id"]: d for d in real_pairs()}
pytestmark = pytest.mark.skipif(not PAIRS, reason="../shared/data/datasheets not present")


def datasheet(d) -> Datasheet:
    regs = [Register(name=r["name"], address=(r.get("address") or "").lower() or None, page=r.get("page"))
            for r in d["registers"] if not r.get("uncertain")]
    return Datasheet(source=d["datasheet"]["file"], pages=d["datasheet"]["pages"], title=d["component"],
                     sections=[Section(id="7", title="Register map", level=1, page_start=1, page_end=2,
                                       text="Each register is 8 bit wide; reset value, address, bit fields, "
                                            "I2C and SPI interface, supply voltage, interrupt pin, power mode")],
                     registers=regs)


def code_files(d) -> list[CodeFile]:
    code = d["code"][0]
    files = []
    for path in code["files"]:
        syms = [Symbol(kind="macro", name=lk["symbol"], start_line=lk["line"], end_line=lk["line"])
                for lk in code.get("links", []) if lk["file"] == path]
        # everyday identifiers a driver has beside its register macros
        syms += [Symbol(kind="function", name=n, start_line=1, end_line=2)
                 for n in ("probe", "remove", "read_raw", "write_raw", "regmap_read", "i2c_transfer")]
        files.append(CodeFile(path=path, language="c", symbols=syms))
    return files


@pytest.mark.parametrize("pid", sorted(PAIRS))
def test_true_pair_is_never_a_mismatch_and_beats_every_other_repo(pid):
    d = PAIRS[pid]
    check = pair_score(datasheet(d), code_files(d))
    assert check.verdict in ("match", "weak"), (pid, check.reasons)
    assert check.vocabulary_overlap > 0
    for other in PAIRS:
        if other != pid:
            assert pair_score(datasheet(d), code_files(PAIRS[other])).score < check.score, (pid, other)


def test_most_true_pairs_match():
    verdicts = [pair_score(datasheet(d), code_files(d)).verdict for d in PAIRS.values()]
    assert verdicts.count("match") >= len(verdicts) - 2, verdicts


def test_part_numbers_found_across_families():
    d = PAIRS["ti_opt3001__libdriver"]
    check = pair_score(datasheet(d), code_files(d))
    assert "OPT3001" in check.part_numbers and check.part_numbers_found == ["OPT3001"]
    # DS3231M datasheet, driver for the ds1307 family naming the part only in symbols: family match
    assert "DS3231M" in part_numbers(datasheet(PAIRS["maxim_ds3231m__libdriver"]))


def test_swapped_pairs_score_lower():
    ids = sorted(PAIRS)
    for a, b in zip(ids, ids[1:] + ids[:1]):
        right = pair_score(datasheet(PAIRS[a]), code_files(PAIRS[a]))
        wrong = pair_score(datasheet(PAIRS[a]), code_files(PAIRS[b]))
        assert wrong.score < right.score, (a, b)
        assert not wrong.part_numbers_found, (a, b)
        assert wrong.verdict != "match", (a, b, wrong.reasons)


def test_spec_that_is_not_a_datasheet_is_a_mismatch():
    hawk = Datasheet(source="hawk-spec-web.pdf", pages=49, title="HAWK",
                     sections=[Section(id="1", title="Introduction", level=1, page_start=1, page_end=3,
                                       text="Hawk is a lattice-based signature scheme. Key generation samples "
                                            "polynomials; signing uses a Gaussian sampler over NTRU modules; "
                                            "verification checks the norm of the signature.")])
    ardupilot = [CodeFile(path="libraries/AP_GPS/AP_GPS.cpp", language="cpp",
                          symbols=[Symbol(kind="function", name="AP_GPS::update", start_line=1, end_line=9)])]
    check = pair_score(hawk, ardupilot)
    assert check.verdict == "mismatch" and check.score <= 0.2
    assert any("hardware" in r for r in check.reasons)


def test_pair_checks_from_a_build_catalog(fake_build, tmp_path):
    """The same check run from catalog tables alone (registers, symbols, paths), through the CLI."""
    import json
    import shutil

    from typer.testing import CliRunner

    from firmcorpus.cli import app

    out = tmp_path / "out"
    shutil.copytree(fake_build, out)
    (out / "catalog" / "pair_checks.parquet").unlink()
    r = CliRunner().invoke(app, ["catalog", "pair-check", str(out), "--json"])
    assert r.exit_code == 0, r.output
    rows = {row["pair_id"]: row for row in json.loads(r.output)}
    assert (out / "catalog" / "pair_checks.parquet").is_file()
    assert set(rows) == set(PAIRS) | {"A1Pair_22"}
    for pid in PAIRS:
        assert rows[pid]["verdict"] in ("match", "weak"), (pid, rows[pid]["reasons"])
    # the Hawk pair: its "datasheet" has no register, no part number and no text in the catalog
    assert rows["A1Pair_22"]["verdict"] == "unknown"
    from firmcorpus.data_catalog.inspect import inspect_build

    got = inspect_build(out, pair="ti_ina219__libdriver")["pair"]
    assert got["check_verdict"] == rows["ti_ina219__libdriver"]["verdict"]


def test_pair_checks_read_a_few_pairs_at_a_time(fake_build, monkeypatch):
    """Reading the code tables a few pairs at a time (memory bounded by those pairs) gives the
    rows of one scan of every pair, in the pairs table's order."""
    from firmcorpus.data_catalog import pair_check

    whole = pair_check.pair_checks_from_catalog(fake_build)
    monkeypatch.setattr(pair_check, "PAIRS_PER_SCAN", 2)
    chunked = pair_check.pair_checks_from_catalog(fake_build)
    assert sum(r["verdict"] != "unknown" for r in whole) > 2  # more than one chunk was scored
    assert chunked == whole
