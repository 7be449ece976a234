"""Stand-in train/held-out text shards from real Debian code, for tests and CPU runs without a build.

``make_dev_split(out)`` writes ``out/text/{train,heldout}/part.parquet`` in the build's layout
(datatrove parquet rows, docs/contracts.md document metadata) from two real packages, with domains
assigned by path: TI's MSP430/CC430 device headers (msp430mcu) → ``register_defines``; the Arduino AVR core's USB
stack and LUFA-based USB firmwares → ``usb_stack``; the rest of the Arduino core, libraries and
bootloaders → ``general``. Held-out = every third file of a
domain in path order (a file-level split: real builds split by repository).
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import Any

from firmcorpus.core.sources import fetch
from firmcorpus.eval.heldout import write_documents

PACKAGES = ("deb:msp430mcu", "deb:arduino-core-avr")
_MAX_BYTES = 60_000


def _domain(pkg: str, rel: str) -> str | None:
    low = rel.lower()
    if pkg == "deb:msp430mcu":
        name = rel.rsplit("/", 1)[-1]
        # one device header a part (msp430.h only dispatches to them, the rest are compiler helpers);
        # parts of one family differ in a few lines, so a fixed hash-chosen third of them is taken,
        # spread over the families, so that fewer held-out headers are near-copies of training ones
        device = name.startswith(("msp430", "cc430")) and name != "msp430.h"
        return "register_defines" if device and zlib.crc32(name.encode()) % 3 == 0 else None
    if "usb" in low or "descriptors." in low or "/cdc." in low or "/hid." in low:
        return "usb_stack"
    return "general"


def dev_documents(per_domain: int = 30) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for pkg in PACKAGES:
        root = fetch(pkg)
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".c", ".cpp", ".h"))
        for path in files:
            rel = str(path.relative_to(root))
            dom = _domain(pkg, rel)
            if dom is None or counts.get(dom, 0) >= per_domain:
                continue
            raw = path.read_bytes()
            if not raw.strip() or len(raw) > _MAX_BYTES:
                continue
            text = raw.decode("utf-8", "replace")
            n = counts.get(dom, 0)
            counts[dom] = n + 1
            docs.append({"id": f"{pkg}:{rel}", "text": text, "metadata": {
                "pair_id": pkg, "kind": "code", "repo": pkg, "path": rel,
                "language": "cpp" if path.suffix == ".cpp" else "c", "domain": dom,
                "split": "heldout" if n % 3 == 0 else "train",
                "sha256": hashlib.sha256(raw).hexdigest()}})
    return docs


def make_dev_split(out: str | Path, per_domain: int = 30) -> dict[str, Path]:
    out = Path(out)
    docs = dev_documents(per_domain)
    paths = {}
    for split in ("train", "heldout"):
        paths[split] = write_documents([d for d in docs if d["metadata"]["split"] == split],
                                       out / "text" / split / "part.parquet")
    return paths
