"""Round 12 (issue 20): USB code of the styles the dev half lacked.

Round 11's dev half showed ``usb_stack`` at recall 0.97 while unseen repositories lost USB files to other
domains: dev held USB stacks of a few styles only. The dev half now holds USB host stacks and host class
drivers, USB inside an RTOS HAL, several MCU vendors' USB libraries, boot loaders' USB parts and C++ device and
host libraries, and Wi-Fi host libraries over a co-processor's AT commands, a Wi-Fi mesh and more general code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from firmcorpus.corpus.domains import evalset

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"
CXX = (".cpp", ".hpp", ".cc")


def _rows():
    with open(RECIPE, newline="") as f:
        return list(csv.DictReader(f))


def _dev(row) -> bool:
    return row["split"] == "eval" and row["source"] not in evalset.ASIDE_SOURCES


def test_dev_usb_covers_many_sources_and_cpp():
    sources, cxx_sources, files = set(), set(), 0
    for r in _rows():
        if _dev(r) and r["domain"] == "usb_stack":
            sources.add(r["source"])
            files += 1
            if r["path"].endswith(CXX):
                cxx_sources.add(r["source"])
    assert len(sources) >= 15, sorted(sources)  # round 11: 7
    assert files >= 550, files
    assert len(cxx_sources) >= 3, sorted(cxx_sources)  # round 11: none


def test_dev_wireless_and_general_widened():
    sources = defaultdict(set)
    for r in _rows():
        if _dev(r):
            sources[r["domain"]].add(r["source"])
    assert len(sources["wireless_ble_wifi"]) >= 10, sorted(sources["wireless_ble_wifi"])  # round 11: 7
    assert len(sources["general"]) >= 10, sorted(sources["general"])
