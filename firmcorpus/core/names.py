"""Safe file names for identifiers that come from a manifest (untrusted).

A ``pair_id`` names files under ``OUT/mappings``. ``safe_file_stem`` keeps an id that is already a
plain name (letters, digits, ``._-``, not starting with a dot, at most 120 characters) as it is,
and maps any other (``vendor/chip``, ``../../x``, ``/tmp/x``, spaces, non-ASCII) to its plain
characters plus a short hash of the whole id, so two ids never share a file and no id can name
a path outside the folder it is written in.
"""

from __future__ import annotations

import hashlib
import re

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,119}")


def safe_file_stem(name: str) -> str:
    """``name`` if it is a plain file name, else a plain name derived from it (stable, collision-free)."""
    if _PLAIN.fullmatch(name) and not name.endswith("."):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")[:80]
    return f"{plain}-{digest}" if plain else f"id-{digest}"
