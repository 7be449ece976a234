"""``parsers/_tswalk.c`` (device-tree parse and walk in C) against the Python walk of
``parsers/devicetree.py``: hand-written device trees, random ones built from device-tree pieces
(valid and broken), and, with FIRMCORPUS_LINUX=1, every ARM device tree of linux-source."""

from __future__ import annotations

import os
import random

import pytest
from code_data import require_extension

import firmcorpus.parsers.devicetree as devicetree
from firmcorpus.parsers.code import parse_code

tswalk = devicetree._tswalk


def test_extension_is_built_and_used():
    require_extension(tswalk, "_tswalk", devicetree._TSWALK_VERSION)


def test_vendored_runtime_is_the_installed_py_tree_sitter_version():
    # the C walk must see the trees py-tree-sitter builds: same runtime sources
    from importlib.metadata import version
    from pathlib import Path

    vendored = (Path(__file__).resolve().parents[2] / "third_party/tree-sitter/VERSION").read_text().strip()
    assert vendored == version("tree-sitter"), "update third_party/tree-sitter (see its README) with the pin"


needs_tswalk = pytest.mark.skipif(tswalk is None, reason="parsers._tswalk is not built")


def both(path: str, data: bytes, monkeypatch) -> tuple[dict, dict]:
    with_c = parse_code(path, data).to_dict()
    with monkeypatch.context() as m:
        m.setattr(devicetree, "_tswalk", None)
        with_py = parse_code(path, data).to_dict()
    return with_c, with_py


DTS = [
    b"",
    b"/dts-v1/;\n/ { };\n",
    b"""/dts-v1/;
#include <dt-bindings/gpio/gpio.h>
#define GPIO_BASE 0x40020000
/include/ "skeleton.dtsi"
/ {
  #address-cells = <2>; #size-cells = <2>;
  compatible = "vendor,board", "vendor,soc";
  soc: soc@0 {
    #address-cells = <1>;
    usart1: serial@40011000 { compatible = "st,stm32-uart"; reg = <0x40011000 0x400>; status = "okay"; };
    i2c@40005400 { reg = <0x40005400>; sensor@76 { compatible = "bosch,bme280"; reg = <0x76>; }; };
    big@1 { reg = <0xffffffff 0xffffffff 0xffffffff>; };
    weird@zz { reg = <FOO 1>; };
    multi@10,2 { };
    empty@ { };
#if 0
    hidden@5 { reg = <5>; };
#endif
  };
  lbl1: lbl2: node-with-labels { r: reg = <7>; c: compatible = "a"; #address-cells = <3>; deep@1 { reg = <1 2 3>; }; };
  late { child@8 { }; #address-cells = <2>; child2@9 { reg = <1 2>; }; };
  str { compatible = ; reg = <>; };
  sizes@1 { reg = <0x0ULL>; };
};
&usart1 { status = "disabled"; extra@3 { reg = <3>; }; };
&{/soc} { added@4 { }; };
/delete-node/ &usart1;
""",
    b"/ { a { b { c { d@1 { reg = <1>; }; }; }; }; };\n" * 3,
    b"/ { broken@1 { reg = <1 ; compatible = \"x\" }; next@2 { reg = <2>; }; \n",
    b"/ { node@1 { reg = <0x1>; }; }; } } ; garbage @@ {{ ;;\n/ { again@5 { }; };\n",
    "/ { n\u00e4me@1 { compatible = \"caf\u00e9\"; reg = <1>; }; };\n".encode(),
    b"/ { long { compatible = " + b", ".join(b'"vendor,part-%d"' % i for i in range(40)) + b"; }; "
    b"mid { compatible = \"a-rather-long-vendor,compatible-string\", \"and-another-one\"; }; };\n",
    b"/ { four { #address-cells = <4>; a@1 { reg = <1 2 3 4>; }; };"
    b" zero { #address-cells = <0>; b@2 { reg = <5 6>; }; }; big { #address-cells = <0x100000000>; c@3 { }; }; };\n",
    b"/ {\n\tserial@1 {\n\t\tcompatible = \"a\", \"b\"\n\t\t\t, \"c\";\n\t\treg = <0x1 0x2>, <0x3 0x4>;\n\t};\n};\n",
]


@needs_tswalk
@pytest.mark.parametrize("dts", DTS)
def test_same_symbols_as_the_python_walk(dts, monkeypatch):
    with_c, with_py = both("t.dts", dts, monkeypatch)
    assert with_c == with_py


PIECES = [b"/ {", b"};", b"}", b"{", b";", b"\n", b" ", b"node", b"serial@40011000", b"i2c@0", b"x@1,2", b"@",
          b"lbl:", b"&lbl", b"&{/soc}", b"reg = <0x10 0x20>;", b"reg = <1>;", b"reg = <",
          b"compatible = \"v,d\";", b"compatible = \"a\", \"b\";", b"#address-cells = <2>;",
          b"#address-cells = <1>;", b"#size-cells = <1>;", b"status = \"okay\";", b"r: reg = <5>;", b"/* c */",
          b"// c\n", b"#include <a.h>\n", b"#define A 1\n", b"#if X\n", b"#endif\n", b"/delete-node/ &lbl;",
          b"/dts-v1/;", b"<", b">", b"\"", b"0x", b"reg", b"compatible", b"#address-cells"]


@needs_tswalk
def test_same_symbols_on_random_device_trees(monkeypatch):
    rng = random.Random(7)
    for _ in range(3000):
        dts = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 80)))
        with_c, with_py = both("r.dts", dts, monkeypatch)
        assert with_c == with_py, dts


@pytest.mark.linux
@pytest.mark.skipif(os.environ.get("FIRMCORPUS_LINUX") != "1", reason="set FIRMCORPUS_LINUX=1")
@needs_tswalk
def test_same_symbols_on_linux_arm_device_trees(monkeypatch):
    from code_data import linux_tree

    files = sorted((linux_tree() / "arch/arm/boot/dts").rglob("*.dts*"))
    assert len(files) > 1000
    for p in files:
        with_c, with_py = both(str(p), p.read_bytes(), monkeypatch)
        assert with_c == with_py, p
