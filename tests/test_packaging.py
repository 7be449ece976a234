"""What `pip install .` puts into site-packages: exactly one top-level package, ``firmcorpus``
(its subpackages are the user's folders), plus the ``firmcorpus`` console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_one_top_level_package(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("firmcorpus-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        entry_points = next(zf.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert top == {"firmcorpus"}
    for layer in ("core", "cli", "corpus", "parsers", "mapping", "train", "eval", "data_catalog"):
        assert f"firmcorpus/{layer}/__init__.py" in names, layer
    # package data travels with its subpackage
    assert "firmcorpus/corpus/domains/default_model.ftz" in names
    assert "firmcorpus/data_catalog/report_template.html" in names
    assert "firmcorpus = firmcorpus.cli:main" in entry_points
