"""The starter profiles' composition: enough pairs, manufacturers and packages, and no source that
is the packaging (or an in-tree copy) of a repository in ../shared/RESERVED.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from firmcorpus.corpus.starter import profile_rows
from firmcorpus.data_catalog.manufacturers import canonical_manufacturer

RESERVED = Path(__file__).resolve().parents[3] / "shared" / "RESERVED.md"


def test_default_profile_is_varied():
    rows = profile_rows("default")
    makers = {canonical_manufacturer(r["manufacturer"]).canonical for r in rows}
    packages = {r["repo"] for r in rows}
    assert len(rows) >= 8 and len(makers) >= 6 and len(packages) >= 5, (len(rows), makers, packages)
    assert len({r["pair_id"] for r in rows}) == len(rows)


def _reserved_names() -> set[str]:
    if not RESERVED.is_file():
        pytest.skip("../shared/RESERVED.md not present")
    names = set()
    for line in RESERVED.read_text().splitlines():
        m = re.match(r"^\s*-\s*([\w.-]+)/([\w.-]+)\s*$", line)
        if m:
            names.add(m.group(2).lower())
    assert len(names) > 20
    return names


@pytest.mark.parametrize("profile", ["default", "full"])
def test_no_reserved_source(profile):
    """A Debian package named after a reserved repository (``deb:avr-libc`` for avrdudes/avr-libc,
    ``debsrc:lwip``) is that repository's code; so is a folder of a source tree named after one
    (the kernel's copy of a driver kept in its own repository)."""
    reserved = _reserved_names()
    for row in profile_rows(profile):
        for src in [row["repo"], *row.get("datasheet", [])]:
            m = re.match(r"^(?:render:\w+:)?(deb|debsrc|pip):([\w.+-]+?)(?:==[^#]*)?(?:#.*)?$", src)
            if m:
                name = m.group(2).lower()
                assert name not in reserved and name.removeprefix("lib") not in reserved, (row["pair_id"], src)
        for path in row.get("repo_paths", []):
            parts = {p.lower().removesuffix(".h").removesuffix(".c") for p in path.split("/")}
            assert not parts & reserved, (row["pair_id"], path, parts & reserved)
