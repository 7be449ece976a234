"""Linux register styles on the real kernel tree (opt-in: FIRMCORPUS_LINUX=1; 139 MB package)."""

from __future__ import annotations

import os
import re

import pytest
from code_data import linux_tree

from firmcorpus.parsers.code import parse_code

pytestmark = [pytest.mark.linux,
              pytest.mark.skipif(os.environ.get("FIRMCORPUS_LINUX") != "1", reason="set FIRMCORPUS_LINUX=1")]


def test_bmp280_register_defines():
    path = linux_tree() / "drivers/iio/pressure/bmp280.h"
    text = path.read_text()
    oracle = {m.group(1): int(m.group(2), 16)
              for m in re.finditer(r"^#define\s+(BMP\d+_REG_\w+)\s+0x([0-9A-Fa-f]+)\s*$", text, re.M)}
    assert len(oracle) > 40
    cf = parse_code("drivers/iio/pressure/bmp280.h", path.read_bytes())
    got = {s.name: s for s in cf.symbols if s.kind == "macro"}
    assert {n: got[n].int_value for n in oracle} == oracle
    assert all(got[n].role == "register" for n in oracle)
    masks = {m.group(1): m for m in re.finditer(r"^#define\s+(BMP\d+_\w+_MASK)\s+GENMASK\((\d+), (\d+)\)", text, re.M)}
    assert masks
    for name, m in masks.items():
        hi, lo = int(m.group(2)), int(m.group(3))
        assert got[name].int_value == ((1 << (hi - lo + 1)) - 1) << lo
        assert got[name].role == "bit"


def test_stm32_device_tree_nodes():
    path = linux_tree() / "arch/arm/boot/dts/stm32f429.dtsi"
    text = path.read_text()
    oracle = {}
    for m in re.finditer(r"^\s*(\w+): serial@([0-9a-f]+) \{\n((?:.*\n)*?)\s*\};", text, re.M):
        reg = re.search(r"reg = <0x([0-9a-f]+)", m.group(3))
        oracle[m.group(1)] = (int(m.group(2), 16), int(reg.group(1), 16))
    assert len(oracle) >= 8
    cf = parse_code("arch/arm/boot/dts/stm32f429.dtsi", path.read_bytes())
    nodes = {s.type: s for s in cf.symbols if s.kind == "node" and s.type}
    for label, (unit, reg) in oracle.items():
        assert unit == reg
        assert nodes[label].int_value == reg and "st,stm32" in (nodes[label].value or "")
    assert cf.parse_errors == 0
