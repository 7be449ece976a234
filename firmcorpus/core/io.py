"""Atomic writes: a file appears whole under its final name or not at all, so a killed task
never leaves half a file that a resumed run would take as done.

``atomic_path`` is the one mechanism (write a sibling ``.tmp``, then ``os.replace``); the
``atomic_write_*`` helpers are it for bytes, text and JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling of ``dest`` to write; it replaces ``dest`` when the block ends without
    an exception, and is removed otherwise. Parent folders are created."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f"{dest.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(dest: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return Path(dest)


def atomic_write_text(dest: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(dest)


def atomic_write_json(dest: str | os.PathLike, obj: Any, **dumps: Any) -> Path:
    """``json.dumps(obj, **dumps)``, written atomically (``default=str`` unless given)."""
    dumps.setdefault("default", str)
    return atomic_write_text(dest, json.dumps(obj, **dumps))
