"""Real headers for the code-parser tests, fetched once through ``corpus.sources.fetch`` (cached).

Debian binary packages: msp430mcu, sdcc-libraries. The CMSIS-style header is Nordic's
``nrf51.h`` from the yotta modules of Debian's ``firmware-microbit-micropython`` source package
(no Debian binary package or PyPI package ships a CMSIS device header; this source package
vendors the nRF51 SDK). Its register map comes from ``nrf51.svd`` in the pyocd wheel.

The avr-gcc register idioms (``_SFR_IO8``/``_SFR_MEM8`` macros, xmega overlay structs with flat
per-register macros beside them) are generated here for an invented part (``sfr_macro_header``,
``overlay_struct_header``): the one Debian package that ships real headers of that style is the
packaging of a reserved repository (see ../shared/RESERVED.md), so none of it is read.
"""

from __future__ import annotations

import random
import zipfile
from functools import lru_cache
from pathlib import Path

PYOCD = "pip:pyocd==0.46.0"


@lru_cache(maxsize=None)
def package(source: str) -> Path:
    from firmcorpus.core.sources import fetch

    return fetch(source)


def sfr_macro_header(seed: int = 1) -> tuple[str, dict[str, int]]:
    """A register header in the avr-gcc style for an invented 8-bit part, written for these tests.

    Registers are ``#define NAME _SFR_IO8(0x05)`` (I/O space, data address 0x20 higher) or
    ``_SFR_MEM8/16/32(addr)`` (data space), spelled in several ways (hex case, spaces, decimal);
    bit positions and sizes are plain numbers beside them. Returns the text and
    {register: data-memory address}, worked out here.
    """
    rng = random.Random(seed)
    lines = ["/* Invented device: register file in the avr-gcc header style (test data). */",
             "#ifndef TEST_SFR_PART_H", "#define TEST_SFR_PART_H", "", "#define RAMSTART 0x0100",
             "#define SPM_PAGESIZE 128", ""]
    oracle: dict[str, int] = {}
    for i, addr in enumerate(rng.sample(range(0x00, 0x40), 48)):
        width = 16 if i % 12 == 0 else 8
        name = f"IOREG{i}"
        lines.append(f"#define {name}\t_SFR_IO{width}(0x{addr:02X})")
        oracle[name] = addr + 0x20
        lines += [f"#define {name}_B{b} {b}" for b in range(0, 8, 3)]
    for i, addr in enumerate(rng.sample(range(0x60, 0x400), 160)):
        width = (8, 8, 8, 16, 32)[i % 5]
        arg = (f"0x{addr:X}", f"0x{addr:04x}", f" 0x{addr:03X} ", str(addr))[i % 4]
        name = f"MEMREG{i}"
        lines.append(f"#define {name}{' ' * (1 + i % 4)}_SFR_MEM{width}({arg})")
        oracle[name] = addr
        if i % 10 == 0:
            lines.append(f"#define {name}_ALIAS {name}")  # another name for it: not an _SFR_ definition
    lines += ["", "#define TIMER_OVF_vect_num 16", "#endif", ""]
    return "\n".join(lines), oracle


def overlay_struct_header(seed: int = 2) -> tuple[str, dict[str, tuple[str, int]], dict[str, int]]:
    """An xmega-style header for an invented part, written for these tests: peripheral structs of
    ``register8_t`` members, 16-bit ``_WORDREGISTER(NAME)`` members, reserved gaps and a nested
    channel struct, instances ``#define PERIPHn (*(TYPE_t *) 0x0600)``, and beside them one flat
    macro per register, ``#define PERIPHn_NAME _SFR_MEM8(0x0604)``.

    Returns the text, {instance: (type, base)} and {flat name: address}, worked out here.
    """
    rng = random.Random(seed)
    lines = ["/* Invented device: xmega-style peripheral structs (test data). */", "#include <stdint.h>",
             "typedef volatile uint8_t register8_t;", ""]
    # type -> [(member, offset, size, nested type or None)]
    layouts: dict[str, list[tuple[str, int, int, str | None]]] = {}
    sizes: dict[str, int] = {}  # type -> its size, trailing reserved bytes included

    def struct(tname: str, nested: list[tuple[str, str]]) -> None:
        body, members, off = [], [], 0
        for k in range(rng.randint(4, 12)):
            kind = rng.choice(("r8", "r8", "r8", "word", "gap")) if k else "r8"
            if kind == "gap":
                n = rng.randint(1, 3)
                body.append(f"    register8_t reserved_0x{off:02X}[{n}];" if n > 1 else f"    register8_t reserved_0x{off:02X};")
                off += n
            elif kind == "word":
                if off % 2:  # word registers sit at even offsets, as in the real headers
                    body.append(f"    register8_t reserved_0x{off:02X};")
                    off += 1
                body.append(f"    _WORDREGISTER(W{k});  /* 16-bit register */")
                members.append((f"W{k}", off, 2, None))
                off += 2
            else:
                body.append(f"    register8_t R{k};  /* 8-bit register */")
                members.append((f"R{k}", off, 1, None))
                off += 1
        for mname, mtype in nested:
            body.append(f"    {mtype} {mname};  /* channel */")
            members.append((mname, off, sizes[mtype], mtype))
            off += sizes[mtype]
        stem = tname.removesuffix("_t")
        lines.extend([f"typedef struct {stem}_struct", "{", *body, f"}} {tname};", ""])
        layouts[tname], sizes[tname] = members, off

    types = [f"P{k}_t" for k in range(5)]
    struct("CH_t", [])
    for k, tname in enumerate(types):
        struct(tname, [("CH0", "CH_t"), ("CH1", "CH_t")] if k == 0 else [])

    def flatten(tname: str, prefix: str, addr: int):
        for mname, off, size, mtype in layouts[tname]:
            if mtype is None:
                yield f"{prefix}_{mname}", addr + off, size
            else:
                yield from flatten(mtype, f"{prefix}_{mname}", addr + off)

    instances: dict[str, tuple[str, int]] = {}
    flat: dict[str, int] = {}
    base = 0x0600
    for tname in types:
        for n in range(rng.randint(2, 6)):
            inst = f"{tname.removesuffix('_t')}{chr(ord('A') + n)}"
            instances[inst] = (tname, base)
            lines.append(f"#define {inst}    (*({tname} *) 0x{base:04X})  /* instance */")
            base += 0x40 if sizes[tname] <= 0x40 else 0x100
    lines.append("")
    for inst, (tname, b) in instances.items():
        for name, addr, size in flatten(tname, inst, b):
            flat[name] = addr
            lines.append(f"#define {name}  _SFR_MEM{8 * size}(0x{addr:04X})")
    return "\n".join(lines) + "\n", instances, flat


def msp430_header(name: str) -> Path:
    return _find(package("deb:msp430mcu"), f"usr/msp430/include/{name}")


def sdcc_header(name: str) -> Path:
    return _find(package("deb:sdcc-libraries"), f"usr/share/sdcc/include/mcs51/{name}")


def nrf51_header() -> Path:
    root = package("debsrc:firmware-microbit-micropython")
    hits = sorted(root.rglob("nordic_sdk/components/device/nrf51.h"))
    assert hits, f"nrf51.h not found under {root}"
    return hits[0]


def cmsis_core_header(name: str) -> Path:
    """ARM's CMSIS core headers (core_cm4.h, …) vendored by mbed-classic in the same source package."""
    root = package("debsrc:firmware-microbit-micropython")
    hits = sorted(root.rglob(f"mbed-classic/targets/cmsis/{name}"))
    assert hits, f"{name} not found under {root}"
    return hits[0]


def svd_text(name: str) -> str:
    root = package(PYOCD)
    zips = sorted(root.rglob("svd_data.zip"))
    assert zips, f"svd_data.zip not found under {root}"
    with zipfile.ZipFile(zips[0]) as z:
        return z.read(name).decode("utf-8")


def _find(root: Path, rel: str) -> Path:
    p = root / rel
    if p.is_file():
        return p
    hits = sorted(root.rglob(Path(rel).name))
    assert hits, f"{rel} not found under {root}"
    return hits[0]


def linux_tree() -> Path:
    """An unpacked linux-source-6.1 tree: ``FIRMCORPUS_LINUX_DIR`` when set, else fetched (139 MB)."""
    import os

    env = os.environ.get("FIRMCORPUS_LINUX_DIR")
    if env:
        return Path(env)
    root = package("deb:linux-source-6.1")
    # the kernel tree is the folder holding drivers/iio/pressure/bmp280.h (4 levels up) and a
    # Makefile; the shortest such path, so a stray nested copy of a subtree is never taken
    hits = sorted((p.parents[3] for p in root.rglob("drivers/iio/pressure/bmp280.h")
                   if (p.parents[3] / "Makefile").is_file()), key=lambda t: (len(t.parts), str(t)))
    assert hits, f"no unpacked linux source under {root}"
    return hits[0]


def require_extension(module, name: str, version: int) -> None:
    """Fail when a C extension of the parsers is missing: `make install` compiles them, but a failed
    compile is silent there (they are optional), so the tests are where it shows up. Skips when
    FIRMCORPUS_PURE_PYTHON=1 runs the suite on the Python path on purpose."""
    import os

    import pytest

    if os.environ.get("FIRMCORPUS_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("FIRMCORPUS_PURE_PYTHON is set: the Python path is under test")
    assert module is not None, (f"parsers.{name} is not built (or not at version {version}): "
                                "run `make install` (needs gcc and the Python headers)")
    assert module.VERSION == version
