"""The real PDF datasheets of shared/data mapped onto the kernel's drivers (opt-in: FIRMCORPUS_LINUX=1).

Each truth file lists the kernel symbols that carry its registers; the repository given to the
mapping is the whole folder(s) around them (drivers/iio, rtc, hwmon, pwm, input + include), so
file-level retrieval is tested too. Targets of the issue, micro-averaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.linux, pytest.mark.slow,
              pytest.mark.skipif(os.environ.get("FIRMCORPUS_LINUX") != "1", reason="set FIRMCORPUS_LINUX=1")]

SUBTREES = ("drivers/iio", "drivers/rtc", "drivers/hwmon", "drivers/pwm", "drivers/input", "include/linux")


def _kernel_root() -> Path:
    env = os.environ.get("FIRMCORPUS_LINUX_DIR")
    if env:
        return Path(env)
    from firmcorpus.core.sources import fetch

    tree = fetch("deb:linux-source-6.1")
    hits = sorted(p.parent.parent.parent.parent for p in Path(tree).rglob("drivers/iio/pressure/bmp280.h"))
    assert hits, f"no unpacked linux source under {tree}"
    return hits[0]


def test_real_pdfs_against_the_kernel():
    from firmcorpus.core.paths import shared_data_dir
    from firmcorpus.mapping.metrics import evaluate, load_truth, micro
    from firmcorpus.mapping.repo_map import map_repo
    from firmcorpus.parsers.datasheet import parse_pdf

    root = _kernel_root()
    texts = {}
    for sub in SUBTREES:
        for p in sorted((root / sub).rglob("*")):
            if p.is_file() and p.suffix in (".c", ".h"):
                texts[p.relative_to(root).as_posix()] = p.read_text("utf-8", "replace")
    rows = []
    for tp in sorted((shared_data_dir() / "datasheets").glob("*.json")):
        t = load_truth(tp)
        ds = parse_pdf(tp.parent / t["datasheet"]["file"])
        res, _ = map_repo(ds, texts)
        rows.append(evaluate(res, t))
    m = micro(rows)
    assert m["precision"] >= 0.90, m
    assert m["recall"] >= 0.85, m
    assert m["file_accuracy"] >= 0.85, m
