"""Fixtures of the hostile-input tests: a private fetch cache and a sentinel host file beside the
sandboxes (``hostile_util`` builds the archives)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_util import SENTINEL_TEXT


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("FIRMCORPUS_CACHE", str(root))
    return root


@pytest.fixture()
def sentinel(tmp_path) -> Path:
    """A host file that no input may read or change (``host/shadow``) beside the sandboxes."""
    host = tmp_path / "host"
    host.mkdir()
    p = host / "shadow"
    p.write_text(SENTINEL_TEXT)
    return p
