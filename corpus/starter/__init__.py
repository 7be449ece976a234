"""The built-in starter set: manifests of real registry pairs shipped in the package.

``default`` (about 35 MB of downloads, a few minutes on 2 cores) and ``full`` (adds subtrees of
Debian's linux-source-6.1 and the real vendor datasheets beside the checkout). A profile file may
``include`` another; ``manifest_path(profile)`` writes the merged manifest into the cache, so the
build reads it through the ordinary manifest loader. A profile's ``build:`` mapping holds its
build-config defaults (``build_defaults``), applied before any ``--config``/``--set`` of the user.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from firmcorpus.core.io import atomic_write_text
from firmcorpus.core.paths import cache_dir
from firmcorpus.core.sources import SourceError, fetch
from firmcorpus.corpus.config import deep_merge
from firmcorpus.corpus.datasheet_sources import resolve_datasheet

PROFILES = ("default", "full")
_HERE = Path(__file__).resolve().parent


def profile_rows(profile: str = "default") -> list[dict]:
    if profile not in PROFILES:
        raise ValueError(f"unknown starter profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return _rows(_HERE / f"{profile}.yaml")


def _rows(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text())
    rows: list[dict] = []
    if doc.get("include"):
        rows.extend(_rows(path.parent / doc["include"]))
    rows.extend(doc.get("pairs", []))
    return rows


def build_defaults(profile: str = "default") -> list[str]:
    """The profile's ``build:`` defaults as ``key=value`` overrides (an included profile's first)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown starter profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return [f"{k}={json.dumps(v)}" for k, v in _flat(_build(_HERE / f"{profile}.yaml")).items()]


def _build(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    merged = _build(path.parent / doc["include"]) if doc.get("include") else {}
    return deep_merge(merged, doc.get("build") or {})


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def manifest_path(profile: str = "default") -> Path:
    """A plain manifest file (YAML) for ``profile``, written atomically into the cache."""
    rows = profile_rows(profile)
    out = cache_dir() / "starter" / f"{profile}.yaml"
    text = yaml.safe_dump({"pairs": rows}, sort_keys=False)
    if not out.exists() or out.read_text() != text:
        atomic_write_text(out, text)
    return out


def sources(profile: str = "default") -> list[str]:
    """Every registry source the profile needs (repos and datasheets), in first-use order."""
    seen: dict[str, None] = {}
    for row in profile_rows(profile):
        seen.setdefault(row["repo"], None)
        for ds in row.get("datasheet") or []:
            seen.setdefault(ds, None)
    return list(seen)


def fetch_profile(profile: str = "default", progress: Callable[[int, int], None] | None = None
                  ) -> tuple[dict[str, str], dict[str, str]]:
    """Fetch every source of a profile into the cache: (source → local path, source → error)."""
    fetched: dict[str, str] = {}
    errors: dict[str, str] = {}
    srcs = sources(profile)
    for i, s in enumerate(srcs):
        try:
            fetched[s] = str(resolve_datasheet(s) if ("#" in s or s.startswith(("render:", "shared:"))) else fetch(s))
        except (SourceError, OSError) as e:
            errors[s] = str(e)
        if progress:
            progress(i + 1, len(srcs))
    return fetched, errors
