"""Learned register-block keys (``Lexicon.blocks``) instead of a hand-written register-name shape (issue 20, round 10).

A register header of a block domain (``lexicon.BLOCK_DOMAINS``) is told from any other register header by the
block names of its registers, learned from the training files, not by one header generator's spelling. The names
below are synthetic (``QXB``, ``VZT``: no real hardware).
"""

from __future__ import annotations

import inspect

from firmcorpus.corpus.domains import rules
from firmcorpus.corpus.domains.lexicon import BLOCK_DOMAINS, Lexicon, block_keys, inner_keys, mine
from firmcorpus.corpus.domains.rules import supported_domains, weak_label

GPU = "amd_gpu_registers"


def _defines(names: list[str], start: int = 0x8000) -> str:
    return "#ifndef X_H\n#define X_H\n" + "".join(f"#define {n} 0x{start + 4 * i:X}\n" for i, n in enumerate(names)) \
        + "#endif\n"


def _gpu_names(j0: int, n: int, prefix: str = "") -> list[str]:
    out = []
    for j in range(j0, j0 + n):
        out += [f"{prefix}QXB_REG{j}_CNTL", f"{prefix}VZT_REG{j}_STATUS"]
    return out


def _corpus() -> list[tuple[str, str, str]]:
    """Training files: GPU register headers of two sources (block names leading and after a packet marker), MCU
    register headers of two sources, and plain C of other domains."""
    rows = []
    for i in range(12):
        src = f"gpu{i % 2}"
        names = _gpu_names(i, 12) + [f"PKT_QXB_REG{j}_WRITE" for j in range(i, i + 12)] + \
            [f"PKT_VZT_REG{j}_READ" for j in range(i, i + 12)]
        rows.append((_defines(names), GPU, src))
        rows.append((_defines([f"UCSR{j}A_RXC" for j in range(10)] + [f"TIMSK{j}_OCIE" for j in range(10)]),
                     "register_defines", f"mcu{i % 2}"))
        rows.append(("int buf_copy(char *d, const char *s) { return list_add(d, s); }\n", "general", f"app{i % 3}"))
        rows.append(("#include <linux/module.h>\nstatic int dev_write(void) { return mutex_lock_x(); }\n",
                     "linux_kernel", f"mod{i % 2}"))
    return rows


def _lexicon() -> Lexicon:
    return mine(_corpus())


def test_inner_keys_reach_a_block_name_behind_a_prefix():
    assert inner_keys("R_0280A0_QXB_REG1_CNTL") == ("*QXB_", "*QXB_REG1_", "*REG1_")
    assert inner_keys("QXB_REG1") == ()  # a name of two tokens has no inner name
    assert inner_keys("A_12_") == ()
    assert block_keys("PKT_QXB_REG1_WRITE")[:2] == ("PKT_QXB_", "PKT_")
    assert "*QXB_" in block_keys("PKT_QXB_REG1_WRITE")


def test_block_keys_are_learned_for_the_block_domain_and_never_api_evidence():
    assert GPU in BLOCK_DOMAINS
    lex = _lexicon()
    assert lex.blocks.get("QXB_") == GPU and lex.blocks.get("VZT_") == GPU
    assert lex.blocks.get("*QXB_") == GPU  # the block name inside a longer name
    assert not any(k.startswith("UCSR") or k.startswith("inc:") for k in lex.blocks)
    assert all(d != GPU for d, _ in lex.entries.values())  # no API evidence for the block domain
    assert lex.block("QXB_REG99_CNTL") == GPU and lex.block("UCSR3A_RXC") is None and lex.block("plain") is None
    # shipped inside the model JSON
    assert Lexicon.from_json(lex.to_json()).blocks == lex.blocks


def test_a_register_header_of_another_style_is_the_block_domain_by_its_learned_blocks():
    lex = _lexicon()
    # a `#define` map with none of one generator's spellings (no `mm` prefix, no `__SHIFT`, no address in the name)
    plain = _defines(_gpu_names(100, 15))
    assert weak_label("gpu_regs.h", plain, "c", None, lex) == (GPU, 0.97)
    assert GPU in supported_domains("gpu_regs.h", plain, "c", None, lex)
    # the block names behind a prefix of any shape (a bank marker) are reached by the inner keys
    banked = _defines(_gpu_names(200, 15, prefix="BANK3_"))
    assert weak_label("gpu_regs.h", banked, "c", None, lex) == (GPU, 0.97)
    # without learned blocks it is just a register header
    assert weak_label("gpu_regs.h", plain, "c", None, Lexicon())[0] == "register_defines"
    assert GPU not in supported_domains("gpu_regs.h", plain, "c", None, Lexicon())


def test_a_bit_field_struct_header_is_supported_by_its_blocks():
    lex = _lexicon()
    text = "".join(f"union QXB_REG{j}_CNTL {{\n    struct {{\n        unsigned int EN : 1;\n        unsigned int MODE : 3;\n"
                   f"    }} bits;\n    unsigned int u32All;\n}};\n" for j in range(8))
    assert GPU in supported_domains("gpu_structs.h", text, "c", None, lex)
    assert GPU not in supported_domains("gpu_structs.h", text, "c", None, Lexicon())


def test_few_block_names_in_a_register_header_leave_it_to_the_model_or_to_register_defines():
    lex = _lexicon()
    mcu = [f"PORT{j}_DIR_MASK" for j in range(30)]
    some = _defines(mcu + _gpu_names(300, 4))  # 8 block names among 38: neither a plain register header nor enough
    assert weak_label("mixed.h", some, "c", None, lex) is None
    assert {GPU, "register_defines"} <= supported_domains("mixed.h", some, "c", None, lex)
    few = _defines([f"PORT{j}_DIR_MASK" for j in range(150)] + _gpu_names(300, 3))  # 6 among 156: a register header
    assert weak_label("mcu.h", few, "c", None, lex)[0] == "register_defines"


def test_the_rules_write_no_register_name_shape_for_the_block_domain():
    src = inspect.getsource(rules)
    assert "_AMD_REG_RE" not in src and "__SHIFT" not in src and "(mm|reg" not in src
