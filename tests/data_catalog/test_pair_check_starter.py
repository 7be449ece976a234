"""Pair checks on real parsed data: the starter set's CMSIS-SVD register maps (pyocd wheel) against
the OpenOCD flash drivers they pair with (Debian source package), all through the project's own
manifest loader, fetch layer and parsers. Each true pair must beat every swapped pairing."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmcorpus.data_catalog.manifest import load_manifest
from firmcorpus.data_catalog.pair_check import pair_score

STARTER = Path(__file__).resolve().parents[2] / "corpus" / "starter" / "default.yaml"


@pytest.fixture(scope="module")
def parsed():
    if not STARTER.is_file():
        pytest.skip("corpus/starter/default.yaml not present")
    from firmcorpus.core.sources import fetch
    from firmcorpus.corpus.datasheet_sources import resolve_datasheet
    from firmcorpus.parsers.code import detect_language, parse_code
    from firmcorpus.parsers.svd import parse_svd

    load = load_manifest(STARTER, check_paths=False)
    pairs = [p for p in load.pairs if p.datasheet and p.datasheet[0].startswith("pip:")
             and p.datasheet[0].endswith(".svd") and p.repo.startswith("debsrc:openocd")]
    assert len(pairs) >= 3
    out = {}
    for p in pairs:
        ds = parse_svd(resolve_datasheet(p.datasheet[0]))
        tree = fetch(p.repo)
        files = []
        for rp in p.repo_paths:
            root = tree / rp
            for f in [root] if root.is_file() else sorted(x for x in root.rglob("*") if x.is_file()):
                # C sources carry the register vocabulary; assembly loaders add nothing to compare
                if detect_language(str(f)) in ("c", "cpp"):
                    files.append(parse_code(f.relative_to(tree).as_posix(), f.read_bytes()))
        out[p.pair_id] = (ds, files)
    return out


def test_true_starter_pairs_match_and_beat_swaps(parsed):
    for a, (ds, files) in parsed.items():
        right = pair_score(ds, files)
        assert right.verdict == "match", (a, right.reasons)
        for b, (_, other) in parsed.items():
            if b != a:
                wrong = pair_score(ds, other)
                assert wrong.score < right.score and wrong.verdict != "match", (a, b, wrong.reasons)


def test_part_numbers_from_svd_skip_peripheral_instances(parsed):
    ds, files = parsed["st_stm32f103__openocd_stm32f1x"]
    check = pair_score(ds, files)
    assert check.part_numbers == ["STM32F103XX"]  # not TIM12, I2C1 ...
    assert check.part_numbers_found == ["STM32F103XX"]  # via openocd's stm32f1x family name
    assert {"KEYR", "OPTKEYR"} <= set(check.names_found)
