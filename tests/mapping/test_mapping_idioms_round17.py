"""Idioms of the seventeenth round of the mapping development set (issue 18: dev pairs taken as
found in manufacturers' own MCU SDKs), each in a few hand-written lines (written for these tests,
no vendor code copied), each asserting the exact links."""

from __future__ import annotations

from tests.mapping.idiom_pairs import repo_links as _repo_links


def test_access_tag_macros_of_the_repository_are_qualifiers():
    """An SDK tags register-struct members with its own access macros, defined once in a common
    header as bare qualifiers (``#define __RW volatile``, ``#define __RO volatile const``). Read as
    unknown types they swallow the members' names; spelt out, every member is a register at its
    offset."""
    common = ("#ifndef ZK_COMMON_H\n"
              "#define ZK_COMMON_H\n"
              "#define __RW volatile      /* read-write */\n"
              "#define __RO volatile const /* read-only */\n"
              "#define __WO volatile\n"
              "#endif\n")
    regs_h = ("#include \"zk_common.h\"\n"
              "typedef struct {\n"
              "    __RW uint32_t MODE;     /* 0x0 */\n"
              "    __RO uint32_t STATE;    /* 0x4 */\n"
              "    __RO uint8_t  RESERVED0[8];\n"
              "    __WO uint32_t KICK;     /* 0x10 */\n"
              "    __RW uint32_t LIMIT;    /* 0x14 */\n"
              "} ZK_TMR_Type;\n"
              "#define ZK_TMR_MODE_EN_MASK (0x1UL)\n")
    texts = {"sdk/inc/zk_common.h": common, "sdk/soc/zk10/ip/zk_tmr_regs.h": regs_h}
    regs = [("MODE", "0x00"), ("STATE", "0x04"), ("KICK", "0x10"), ("LIMIT", "0x14")]
    f = "sdk/soc/zk10/ip/zk_tmr_regs.h"
    assert _repo_links(texts, regs, "ZK10 timer") == {
        ("MODE", "ZK_TMR_Type.MODE", f, 3), ("STATE", "ZK_TMR_Type.STATE", f, 4),
        ("KICK", "ZK_TMR_Type.KICK", f, 6), ("LIMIT", "ZK_TMR_Type.LIMIT", f, 7),
    }


def _slot_header() -> str:
    return ("typedef struct {\n"
            "    volatile uint32_t GCTRL;          /* 0x00 */\n"
            "    volatile uint32_t GSTAT;          /* 0x04 */\n"
            "    uint8_t RESERVED0[8];\n"
            "    struct {\n"
            "        volatile uint32_t CFG;        /* 0x10 + 0x10 * n */\n"
            "        volatile uint32_t LEVEL;      /* 0x14 */\n"
            "        volatile uint32_t FLAGS;      /* 0x18 */\n"
            "        uint8_t RESERVED1[4];\n"
            "    } SLOT[3];\n"
            "} QV_CMP_Type;\n"
            "#define QV_CMP_SLOT_S0 (0UL)\n"
            "#define QV_CMP_SLOT_S1 (1UL)\n"
            "#define QV_CMP_SLOT_S2 (2UL)\n")


def test_struct_array_members_are_one_register_per_element():
    """A register struct holds an array of per-channel clusters (``struct { CFG; LEVEL; FLAGS; } SLOT[3];``
    after two global registers): each cluster member is a register in every element, at the array's
    offset + k × the cluster size. The manual prints each element's registers (``SLOT[1] CFG`` at
    0x20); the member links them all, and the element-index macros (0, 1, 2) link none."""
    f = "soc/qv/qv_cmp_regs.h"
    regs = [("GCTRL", "0x00"), ("GSTAT", "0x04")] + [
        (f"SLOT[{k}] {m}", hex(0x10 + 0x10 * k + off)) for k in range(3) for m, off in (("CFG", 0), ("LEVEL", 4), ("FLAGS", 8))]
    links = _repo_links({f: _slot_header()}, regs, "QV cmp")
    line = {"CFG": 6, "LEVEL": 7, "FLAGS": 8}
    assert links == {("GCTRL", "QV_CMP_Type.GCTRL", f, 2), ("GSTAT", "QV_CMP_Type.GSTAT", f, 3)} | {
        (f"SLOT[{k}] {m}", f"QV_CMP_Type.SLOT.{m}", f, line[m]) for k in range(3) for m in line}


def test_subscript_label_of_an_array_element_is_its_number():
    """The same cluster array, the manual labelling each element in its subscript (``SLOT[SL2] LEVEL``,
    as the header's index macros do): the label stands for the element's number."""
    f = "soc/qv/qv_cmp_regs.h"
    regs = [(f"SLOT[SL{k}] {m}", hex(0x10 + 0x10 * k + off)) for k in range(3) for m, off in (("CFG", 0), ("LEVEL", 4))]
    line = {"CFG": 6, "LEVEL": 7}
    assert _repo_links({f: _slot_header()}, regs, "QV cmp") == {
        (f"SLOT[SL{k}] {m}", f"QV_CMP_Type.SLOT.{m}", f, line[m]) for k in range(3) for m in line}


def test_last_member_of_a_small_fully_linked_offset_family():
    """Three register-offset macros, the third named unlike the manual (``..._UNIT_CFG_OFFSET`` for
    ``unit_ctrl``), beside the block's field macros: the two others link by name, so the family is
    complete but for one member, which sits at the one register left."""
    h = ("#define QB_AON_REG_UNIT0_CTRL_OFFSET   (0x900) /* unit0_ctrl */\n"
         "#define QB_AON_REG_UNIT1_CTRL_OFFSET   (0x904) /* unit1_ctrl */\n"
         "#define QB_AON_REG_UNIT_CFG_OFFSET     (0x908) /* unit_ctrl */\n"
         "\n"
         "#define QB_AON_UNIT_MUX_EN         (1 << 26U)\n"
         "#define QB_AON_UNIT_POS_SEL_SHIFT  (22U)\n"
         "#define QB_AON_UNIT_POS_SEL_MASK   (0xf << QB_AON_UNIT_POS_SEL_SHIFT)\n"
         "#define QB_AON_UNIT_LEVEL_SEL_SHIFT (12U)\n"
         "#define QB_AON_UNIT_EN             (1 << 0U)\n")
    f = "drivers/hal/include/hardware/unit_reg.h"
    regs = [("unit0_ctrl", "0x900"), ("unit1_ctrl", "0x904"), ("unit_ctrl", "0x908")]
    assert _repo_links({f: h}, regs, "QB602 analog units") == {
        ("unit0_ctrl", "QB_AON_REG_UNIT0_CTRL_OFFSET", f, 1),
        ("unit1_ctrl", "QB_AON_REG_UNIT1_CTRL_OFFSET", f, 2),
        ("unit_ctrl", "QB_AON_REG_UNIT_CFG_OFFSET", f, 3),
    }
