"""The document contract of the corpus (docs/contracts.md, "Documents").

Every pipeline document is a datatrove ``Document`` whose ``metadata`` carries the keys
below. Keys that start with ``_`` are *transient*: in-memory parser outputs passed between
steps of one stage (``_codefile``, ``_datasheet``); writers drop them. Filter signals are
stored as metadata (tag, don't delete); the filter step reads them.
"""

from __future__ import annotations

import hashlib
from typing import Any

# kind: what a document is.
KINDS = ("code", "datasheet", "mapping", "repo")
# a pair's datasheet file, before the datasheet step turns it into datasheet documents
KIND_DATASHEET_SOURCE = "datasheet_source"

DOMAINS = (
    "linux_kernel", "stm32_hal", "infineon_aurix", "nxp_imx", "arm_cortex_asm", "zephyr_rtos", "crypto",
    "usb_stack", "device_tree", "wireless_ble_wifi", "amd_gpu_registers", "register_defines", "general",
)

CATEGORIES = (
    "Compute", "Network", "Sensor", "Power", "BSP", "RTOS", "Memory", "Toolchain", "MCU", "Safety", "SoC", "OTA",
    "Actuator", "ECU", "Tracing", "Localization", "Flight_Controller", "Fleet", "Unknown",
)

# Metadata every document has after the reader (later steps add domain, split, dedup, signals ...).
BASE_KEYS = ("pair_id", "kind", "repo", "path", "language", "manufacturer", "manufacturer_raw", "category",
             "license", "sha256")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def public_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Metadata without the transient ``_`` keys (what writers persist)."""
    return {k: v for k, v in metadata.items() if not k.startswith("_")}


def doc_id(pair_id: str, kind: str, path: str, part: str | int | None = None) -> str:
    """Stable document id: same pair, kind and path give the same id in every run."""
    base = f"{pair_id}:{kind}:{path}"
    return base if part is None else f"{base}#{part}"


def pair_groups(docs):
    """``(pair_id, [documents])`` for each run of consecutive documents of one pair.

    Every stage keeps a pair's documents contiguous in one task, so steps that need a whole
    pair at once (code include resolution, mapping, repository text) buffer one pair at a time.
    """
    group: list = []
    current = None
    for doc in docs or []:
        pid = doc.metadata.get("pair_id", "")
        if group and pid != current:
            yield current, group
            group = []
        current = pid
        group.append(doc)
    if group:
        yield current, group
