"""The optional C extensions of the parsers (built by ``setup.py``), loaded once.

* ``cscan`` (``parsers/_cscan.c``): the directive scan of ``parsers.code`` and the long-line scan
  of ``parsers.code_flags``;
* ``tswalk`` (``parsers/_tswalk.c``): the device-tree parse and walk of ``parsers.devicetree``.

Each is None when it is not built (no C compiler at install time), was built from other sources
(its ``VERSION`` differs from the one here: rebuild with ``make install``), or when
``FIRMCORPUS_PURE_PYTHON=1``. Callers then run the Python version of the same step, which gives
the same output; the tests compare the two.
"""

from __future__ import annotations

import importlib
import os

CSCAN_VERSION = 2
TSWALK_VERSION = 1


def _load(name: str, version: int):
    if os.environ.get("FIRMCORPUS_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        mod = importlib.import_module(f".{name}", __package__)
    except ImportError:
        return None
    return mod if getattr(mod, "VERSION", None) == version else None


cscan = _load("_cscan", CSCAN_VERSION)
tswalk = _load("_tswalk", TSWALK_VERSION)
