"""Datasheet specs of a manifest → local files, including ``render:LAYOUT:SPEC``: a CMSIS-SVD
rendered to a PDF datasheet (``parsers.svd_render``), cached by the spec and the SVD's hash."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from firmcorpus.core.io import atomic_path
from firmcorpus.core.sources import resolve_file, sha256_file, sources_root
from firmcorpus.parsers.svd import parse_svd
from firmcorpus.parsers.svd_render import render_pdf


def resolve_datasheet(spec: str, base_dir: str | os.PathLike | None = None) -> Path:
    """A datasheet spec → a local file. ``SOURCE#PATH[!ZIP_MEMBER]`` or ``render:LAYOUT:SPEC``."""
    if not spec.startswith("render:"):
        return resolve_file(spec, base_dir)
    _, layout, inner = spec.split(":", 2)
    svd = resolve_datasheet(inner, base_dir)
    key = hashlib.sha256((spec + sha256_file(svd)).encode()).hexdigest()[:32]
    out = sources_root() / "rendered" / f"{key}-{svd.stem}-{layout}.pdf"
    if not out.exists():
        with atomic_path(out) as tmp:
            render_pdf(parse_svd(svd), tmp, layout=layout)
    return out
