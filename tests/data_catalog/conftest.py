"""Fixtures of the data_catalog tests: a build output generated from the real register maps."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakebuild import make_build, real_pairs  # noqa: E402


@pytest.fixture(scope="session")
def fake_build(tmp_path_factory) -> Path:
    if not real_pairs():
        pytest.skip("../shared/data/datasheets/*.json not present")
    return make_build(tmp_path_factory.mktemp("build") / "out")
