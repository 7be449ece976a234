"""A generated repository around a real SVD (STM32F0xx, pyocd wheel): the true register header,
a driver that uses it, and planted distractors (right names at wrong addresses, a right address
under another register's name, bit masks). The generator is the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def stm32f0(stm32f0_svd):
    return stm32f0_svd


@pytest.fixture(scope="module")
def planted(stm32f0, tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    regs = [r for r in stm32f0.registers if r.peripheral == "USART1"]
    assert len(regs) >= 8
    hdr = ["/* STM32F0xx USART1 register map */", "#ifndef USART_H", "#define USART_H"]
    expected_links, expected_fields = set(), set()
    for r in regs:
        hdr.append(f"#define STM32F0_USART1_{r.name}\t0x{int(r.address, 16):08X}UL")
        expected_links.add((r.name, "drivers/serial/stm32f0_usart.h", f"STM32F0_USART1_{r.name}"))
    for r in regs:
        for f in r.fields:
            hi, lo = (int(x) for x in f.bits.split(":")) if ":" in f.bits else (int(f.bits), int(f.bits))
            if hi - lo + 1 >= 32 or f.name.upper().startswith("RESERVED"):
                continue
            mask = ((1 << (hi - lo + 1)) - 1) << lo
            hdr.append(f"#define STM32F0_USART1_{r.name}_{f.name}_Msk\t(0x{mask:X}U)")
            expected_fields.add((r.name, f.name, f"STM32F0_USART1_{r.name}_{f.name}_Msk"))
    hdr.append("#endif")
    (root / "drivers/serial").mkdir(parents=True)
    (root / "drivers/serial/stm32f0_usart.h").write_text("\n".join(hdr) + "\n")
    (root / "drivers/serial/stm32f0_usart.c").write_text(
        '/* USART driver for the STM32F0xx */\n#include "stm32f0_usart.h"\n\n'
        "void usart_init(unsigned baud)\n{\n"
        "\t*(volatile unsigned *)STM32F0_USART1_BRR = 48000000u / baud;\n"
        "\t*(volatile unsigned *)STM32F0_USART1_CR1 = 0x0d;\n}\n")
    cr1 = next(r for r in regs if r.name == "CR1")
    brr = next(r for r in regs if r.name == "BRR")
    # distractors in a file that also names the part: right names at wrong addresses, and the
    # address of CR1 under the name of another USART1 register
    (root / "drivers/serial/other_uart.h").write_text(
        "/* a UART unlike the STM32F0xx one */\n"
        "#define OTHER_USART1_CR1 0x50001000\n#define OTHER_USART1_ISR 0x50001004\n"
        f"#define OTHER_BRR 0x{int(cr1.address, 16):08X}\n"
        f"#define SOME_TIMEOUT_MS 0x{int(brr.address, 16) & 0xff:X}\n")
    (root / "docs").mkdir()
    (root / "docs/notes.c").write_text("/* nothing about any chip */\nint x;\n")
    return root, expected_links, expected_fields


def _map(stm32f0, root: Path):
    from firmcorpus.mapping.repo_map import map_repo
    from firmcorpus.parsers.tree import read_texts

    texts = read_texts(root)
    res, _ = map_repo(stm32f0, texts)
    return res, texts


def test_planted_links_exact(stm32f0, planted):
    root, expected_links, _ = planted
    res, _ = _map(stm32f0, root)
    got = {(lk.register, lk.file, lk.symbol) for lk in res.links}
    assert got == expected_links
    assert not any(lk.file.endswith("other_uart.h") for lk in res.links)


def test_planted_field_links(stm32f0, planted):
    root, _, expected_fields = planted
    res, _ = _map(stm32f0, root)
    got = {(f.register, f.field, f.symbol) for f in res.field_links}
    assert got <= expected_fields  # no field linked to a wrong macro
    assert len(got) >= 0.9 * len(expected_fields)


def test_planted_section_files_and_functions(stm32f0, planted):
    root, _, _ = planted
    res, _ = _map(stm32f0, root)
    sec = next(s for s in res.sections if s.section_id == "USART1")
    assert sec.status == "implemented" and sec.coverage == 1.0
    paths = [f.path for f in sec.files]
    assert paths[0] == "drivers/serial/stm32f0_usart.h"
    assert "drivers/serial/stm32f0_usart.c" in paths  # it uses the linked macros
    funcs = [s.name for s in sec.symbols if s.kind == "function"]
    assert funcs == ["usart_init"]
    assert "docs/notes.c" not in {p for s in res.sections for p in (f.path for f in s.files)}
    # USART2 has no code: not implemented
    assert next(s for s in res.sections if s.section_id == "USART2").status == "not_implemented"


def test_deterministic(stm32f0, planted):
    root, _, _ = planted
    a, _ = _map(stm32f0, root)
    b, _ = _map(stm32f0, root)
    da, db = a.to_dict(), b.to_dict()
    from firmcorpus.corpus.steps.mapping import VOLATILE_METRICS

    for d in (da, db):
        d["metrics"] = {k: v for k, v in d["metrics"].items() if k not in VOLATILE_METRICS}
    assert da["metrics"]["links"] == len(da["links"]) > 0
    assert da == db
