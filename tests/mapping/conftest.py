"""Real data for the mapping tests: the LPC176x SVD (pyocd wheel) and the LPC175x firmware of
``ubertooth-firmware-source`` (Debian), both fetched once and cached by ``corpus.sources``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def lpc_svd():
    from corpus.sources import SourceError, resolve_datasheet
    from parsers.svd import parse_svd

    try:
        path = resolve_datasheet("pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!LPC176x5x_v0.2.svd")
    except SourceError as e:
        pytest.skip(f"pyocd wheel not available: {e}")
    return parse_svd(path)


@pytest.fixture(scope="session")
def ubertooth_root() -> Path:
    from corpus.sources import SourceError, fetch

    try:
        tree = fetch("deb:ubertooth-firmware-source")
    except SourceError as e:
        pytest.skip(f"ubertooth-firmware-source not available: {e}")
    hits = sorted(Path(tree).rglob("common/lpc17.h"))
    assert hits, f"no common/lpc17.h under {tree}"
    return hits[0].parent.parent


@pytest.fixture(scope="session")
def ubertooth_code(ubertooth_root):
    """(CodeFiles, texts) of the firmware's C sources and headers."""
    from parsers.code import parse_code

    texts = {}
    for p in sorted(ubertooth_root.rglob("*")):
        if p.is_file() and p.suffix in (".c", ".h"):
            texts[p.relative_to(ubertooth_root).as_posix()] = p.read_text("utf-8", "replace")
    files = [parse_code(p, t.encode("utf-8")) for p, t in texts.items()]
    return files, texts


@pytest.fixture(scope="session")
def lpc_mapping(lpc_svd, ubertooth_code):
    from mapping import map_pair

    files, texts = ubertooth_code
    return map_pair(lpc_svd, files, texts)


def linux_enabled() -> bool:
    return os.environ.get("FIRMCORPUS_LINUX") == "1"
