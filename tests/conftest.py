"""Real-data fixtures shared across the test folders.

The pyocd wheel's CMSIS-SVD files (fetched once from PyPI and cached by ``firmcorpus.core.sources``)
are the project's register ground truth for many tests: ``pyocd_svd_path(name)`` gives the file,
``stm32f0_svd`` the parsed STM32F0 SVD. Without PyPI they skip with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from firmcorpus.core.sources import SourceError
from firmcorpus.corpus.datasheet_sources import resolve_datasheet
from firmcorpus.parsers.models import Datasheet
from firmcorpus.parsers.svd import parse_svd

PYOCD_SVD = "pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!"


def pyocd_svd_file(name: str) -> Path:
    """One SVD of the pyocd wheel (e.g. ``STM32F0xx.svd``), or a skip when the wheel cannot be had."""
    try:
        return resolve_datasheet(PYOCD_SVD + name)
    except SourceError as e:
        pytest.skip(f"pyocd wheel not available: {e}")


@pytest.fixture(scope="session")
def pyocd_svd_path():
    return pyocd_svd_file


@pytest.fixture(scope="session")
def stm32f0_svd() -> Datasheet:
    return parse_svd(pyocd_svd_file("STM32F0xx.svd"))
