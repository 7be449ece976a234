"""Where firmcorpus keeps its cache (XDG), overridable with ``FIRMCORPUS_CACHE``."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    root = os.environ.get("FIRMCORPUS_CACHE")
    if root:
        path = Path(root)
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "firmcorpus"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside the checkout, when present (tests and benches read it)."""
    env = os.environ.get("FIRMCORPUS_SHARED_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2]  # firmcorpus/core/paths.py → the checkout
    for cand in (here.parent / "shared" / "data", here / "shared" / "data"):
        if cand.is_dir():
            return cand
    return None
