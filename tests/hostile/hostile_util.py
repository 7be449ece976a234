"""Builders of hostile inputs for tests/hostile (archives with chosen members, escape checks)."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

SENTINEL_TEXT = "root:$6$SENTINEL_HOST_SECRET:19000:0:99999:7:::\n"


def tar_member(name: str, data: bytes | None = None, *, link: str | None = None, hard: bool = False,
               kind: bytes | None = None) -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    if link is not None:
        info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
        info.linkname = link
    elif kind is not None:
        info.type = kind
    elif data is None:
        info.type = tarfile.DIRTYPE
    else:
        info.size = len(data)
    return info, data


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def make_zip(path: Path, members: list[tuple[str, bytes]], symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, target)
    return path


def tree_escapes(root: Path) -> list[str]:
    """Paths under ``root`` that resolve outside it (files, folders and links followed)."""
    real = os.path.realpath(root)
    bad = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            r = os.path.realpath(p)
            if not (r == real or r.startswith(real + os.sep)):
                bad.append(os.path.relpath(p, root))
    return bad
