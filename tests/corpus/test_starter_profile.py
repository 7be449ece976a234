"""The starter profiles' composition: enough pairs, manufacturers and packages, and no source that
is the packaging (or an in-tree copy) of a repository in ../shared/RESERVED.md (``tests.reserved_names``)."""

from __future__ import annotations

import re

import pytest

from firmcorpus.corpus.starter import profile_rows
from firmcorpus.data_catalog.manufacturers import canonical_manufacturer
from tests.reserved_names import DIGESTS, SHARED_RESERVED, digest, is_reserved, norm


def test_default_profile_is_varied():
    rows = profile_rows("default")
    makers = {canonical_manufacturer(r["manufacturer"]).canonical for r in rows}
    packages = {r["repo"] for r in rows}
    assert len(rows) >= 8 and len(makers) >= 6 and len(packages) >= 5, (len(rows), makers, packages)
    assert len({r["pair_id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("profile", ["default", "full"])
def test_no_reserved_source(profile):
    """A Debian package named after a reserved repository (``deb:avr-libc`` for the AVR C library,
    ``debsrc:lwip``) is that repository's code; so is a folder of a source tree named after one
    (the kernel's copy of a driver kept in its own repository)."""
    for row in profile_rows(profile):
        for src in [row["repo"], *row.get("datasheet", [])]:
            m = re.match(r"^(?:render:\w+:)?(deb|debsrc|pip):([\w.+-]+?)(?:==[^#]*)?(?:#.*)?$", src)
            if m:
                name = m.group(2).lower()
                assert not is_reserved(name) and not is_reserved(name.removeprefix("lib")), (row["pair_id"], src)
        for path in row.get("repo_paths", []):
            parts = {p.lower().removesuffix(".h").removesuffix(".c") for p in path.split("/")}
            assert not any(is_reserved(p) for p in parts), (row["pair_id"], path)


def test_reserved_digests_match_the_shared_list():
    """The digests ``tests.reserved_names`` holds are those of ../shared/RESERVED.md (where present)."""
    if not SHARED_RESERVED.is_file():
        pytest.skip("../shared/RESERVED.md not present (CI); the digests are checked where it is")
    repos = re.findall(r"^\s*-\s*([\w.-]+/[\w.-]+)\s*$", SHARED_RESERVED.read_text(), re.M)
    keys = {k for r in repos for k in (r.lower(), r.split("/", 1)[1].lower(), norm(r.split("/", 1)[1]))}
    assert len(repos) > 20 and {digest(k) for k in keys} <= DIGESTS


def test_the_starter_check_catches_a_reserved_package():
    assert is_reserved("avr-libc") and is_reserved("mt76") and not is_reserved("msp430mcu")
