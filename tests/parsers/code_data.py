"""Real headers for the code-parser tests, fetched once through ``corpus.sources.fetch`` (cached).

Debian binary packages: avr-libc, msp430mcu, sdcc-libraries. The CMSIS-style header is Nordic's
``nrf51.h`` from the yotta modules of Debian's ``firmware-microbit-micropython`` source package
(no Debian binary package or PyPI package ships a CMSIS device header; this source package
vendors the nRF51 SDK). Its register map comes from ``nrf51.svd`` in the pyocd wheel.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

PYOCD = "pip:pyocd==0.46.0"


@lru_cache(maxsize=None)
def package(source: str) -> Path:
    from firmcorpus.core.sources import fetch

    return fetch(source)


def avr_header(name: str) -> Path:
    return _find(package("deb:avr-libc"), f"usr/lib/avr/include/avr/{name}")


def msp430_header(name: str) -> Path:
    return _find(package("deb:msp430mcu"), f"usr/msp430/include/{name}")


def sdcc_header(name: str) -> Path:
    return _find(package("deb:sdcc-libraries"), f"usr/share/sdcc/include/mcs51/{name}")


def nrf51_header() -> Path:
    root = package("debsrc:firmware-microbit-micropython")
    hits = sorted(root.rglob("nordic_sdk/components/device/nrf51.h"))
    assert hits, f"nrf51.h not found under {root}"
    return hits[0]


def cmsis_core_header(name: str) -> Path:
    """ARM's CMSIS core headers (core_cm4.h, …) vendored by mbed-classic in the same source package."""
    root = package("debsrc:firmware-microbit-micropython")
    hits = sorted(root.rglob(f"mbed-classic/targets/cmsis/{name}"))
    assert hits, f"{name} not found under {root}"
    return hits[0]


def svd_text(name: str) -> str:
    root = package(PYOCD)
    zips = sorted(root.rglob("svd_data.zip"))
    assert zips, f"svd_data.zip not found under {root}"
    with zipfile.ZipFile(zips[0]) as z:
        return z.read(name).decode("utf-8")


def _find(root: Path, rel: str) -> Path:
    p = root / rel
    if p.is_file():
        return p
    hits = sorted(root.rglob(Path(rel).name))
    assert hits, f"{rel} not found under {root}"
    return hits[0]


def linux_tree() -> Path:
    """An unpacked linux-source-6.1 tree: ``FIRMCORPUS_LINUX_DIR`` when set, else fetched (139 MB)."""
    import os

    env = os.environ.get("FIRMCORPUS_LINUX_DIR")
    if env:
        return Path(env)
    root = package("deb:linux-source-6.1")
    # the kernel tree is the folder holding drivers/iio/pressure/bmp280.h (4 levels up) and a
    # Makefile; the shortest such path, so a stray nested copy of a subtree is never taken
    hits = sorted((p.parents[3] for p in root.rglob("drivers/iio/pressure/bmp280.h")
                   if (p.parents[3] / "Makefile").is_file()), key=lambda t: (len(t.parts), str(t)))
    assert hits, f"no unpacked linux source under {root}"
    return hits[0]


def require_extension(module, name: str, version: int) -> None:
    """Fail when a C extension of the parsers is missing: `make install` compiles them, but a failed
    compile is silent there (they are optional), so the tests are where it shows up. Skips when
    FIRMCORPUS_PURE_PYTHON=1 runs the suite on the Python path on purpose."""
    import os

    import pytest

    if os.environ.get("FIRMCORPUS_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("FIRMCORPUS_PURE_PYTHON is set: the Python path is under test")
    assert module is not None, (f"parsers.{name} is not built (or not at version {version}): "
                                "run `make install` (needs gcc and the Python headers)")
    assert module.VERSION == version
