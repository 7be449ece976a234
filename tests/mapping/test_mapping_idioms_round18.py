"""Idioms of the eighteenth round of the mapping development set (issue 18: dev pairs taken as
found in an RTOS tree's drivers of external devices), each in a few hand-written lines (written for
these tests, no vendor code copied), each asserting the exact links."""

from __future__ import annotations

from tests.mapping.idiom_pairs import repo_links as _repo_links


def test_mask_named_register_at_a_wide_address_is_a_register():
    """A memory-mapped controller names an interrupt-mask register ``REG_IRQ_MASK``: its macro ends
    in ``MASK`` like a bit mask, but its value (0x3020a8) is no run of set bits and the register's own
    name ends the same way: the register, not a mask. A true mask beside it stays out."""
    hdr = ("#define QV9_REG_ID          0x302000  /* id */\n"
           "#define QV9_REG_FRAMES      0x302004\n"
           "#define QV9_REG_CLOCK       0x302008\n"
           "#define QV9_REG_TAP_CRC     0x302020\n"
           "#define QV9_REG_TAP_MASK    0x302024\n"
           "#define QV9_REG_IRQ_FLAGS   0x3020a0\n"
           "#define QV9_REG_IRQ_EN      0x3020a4\n"
           "#define QV9_REG_IRQ_MASK    0x3020a8\n"
           "#define QV9_IRQ_SWAP_MASK   0x01\n")
    f = "include/qv9/qv9.h"
    regs = [("REG_ID", "0x302000"), ("REG_FRAMES", "0x302004"), ("REG_CLOCK", "0x302008"), ("REG_TAP_CRC", "0x302020"),
            ("REG_TAP_MASK", "0x302024"), ("REG_IRQ_FLAGS", "0x3020a0"), ("REG_IRQ_EN", "0x3020a4"),
            ("REG_IRQ_MASK", "0x3020a8")]
    links = _repo_links({f: hdr}, regs, "QV9 video engine")
    assert links == {(n, "QV9_" + n, f, k + 1) for k, (n, _) in enumerate(regs)}


def test_sub_block_renamed_by_the_code_joins_its_family():
    """A PMIC driver names its regulators ``BUCK1``, ``BUCK2``, ``LDO1``-``LDO4`` where the datasheet
    numbers them ``REG1``-``REG6``. The LDO word, repeated on eight macros, becomes part of their
    family prefix, so the LDO macros form a family of their own that links nothing by name; as a
    sub-block of the linked family, each links at its address by its register word. The masks
    beside them link nothing."""
    src = (
        "#define ZX7710A_BUS_SPEED        300000\n"
        "#define ZX7710A_SLAVE_ADDRESS    0x5b\n"
        "#define ZX7710A_NUM_VOLTAGES     64\n"
        "#define ZX7710A_SYS0             (0x00)\n"
        "#define ZX7710A_SYS1             (0x01)\n"
        "#define ZX7710A_BUCK1_VSET0      (0x20)\n"
        "#define ZX7710A_BUCK1_VSET1      (0x21)\n"
        "#define ZX7710A_BUCK1_CTRL       (0x22)\n"
        "#define ZX7710A_BUCK2_VSET0      (0x30)\n"
        "#define ZX7710A_BUCK2_VSET1      (0x31)\n"
        "#define ZX7710A_BUCK2_CTRL       (0x32)\n"
        "#define ZX7710A_LDO1_VSET        (0x50)\n"
        "#define ZX7710A_LDO1_CTRL        (0x51)\n"
        "#define ZX7710A_LDO2_VSET        (0x54)\n"
        "#define ZX7710A_LDO2_CTRL        (0x55)\n"
        "#define ZX7710A_LDO3_VSET        (0x60)\n"
        "#define ZX7710A_LDO3_CTRL        (0x61)\n"
        "#define ZX7710A_LDO4_VSET        (0x64)\n"
        "#define ZX7710A_LDO4_CTRL        (0x65)\n"
        "#define ZX7710A_TRST_MASK        (0x80)\n"
        "#define ZX7710A_MODE_MASK        (0x40)\n"
        "#define ZX7710A_LEVEL_MASK       (0x0f)\n"
        "#define ZX7710A_VSET_MASK        (0x3f)\n"
        "#define ZX7710A_EN_MASK          (0x80)\n"
        "#define ZX7710A_SCRATCH_MASK     (0x0f)\n"
        "#define ZX7710A_PULLDOWN_MASK    (0x40)\n")
    f = "drivers/power/zx7710a.c"
    regs = [("SYS_0", "0x00"), ("SYS_1", "0x01"), ("REG1_VSET0", "0x20"), ("REG1_VSET1", "0x21"), ("REG1_CTRL", "0x22"),
            ("REG2_VSET0", "0x30"), ("REG2_VSET1", "0x31"), ("REG2_CTRL", "0x32"), ("REG3_VSET", "0x50"),
            ("REG3_CTRL", "0x51"), ("REG4_VSET", "0x54"), ("REG4_CTRL", "0x55"), ("REG5_VSET", "0x60"),
            ("REG5_CTRL", "0x61"), ("REG6_VSET", "0x64"), ("REG6_CTRL", "0x65")]
    syms = ["SYS0", "SYS1", "BUCK1_VSET0", "BUCK1_VSET1", "BUCK1_CTRL", "BUCK2_VSET0", "BUCK2_VSET1", "BUCK2_CTRL",
            "LDO1_VSET", "LDO1_CTRL", "LDO2_VSET", "LDO2_CTRL", "LDO3_VSET", "LDO3_CTRL", "LDO4_VSET", "LDO4_CTRL"]
    links = _repo_links({f: src}, regs, "ZX7710A power management IC")
    assert links == {(n, "ZX7710A_" + s, f, k + 4) for k, ((n, _), s) in enumerate(zip(regs, syms))}


def test_trailing_comment_gives_the_printed_name():
    """A touch driver defines the few registers it reads under its own names (``TS_REG_FWINFO``,
    ``TS_POLL_ADDR``), each followed by a comment with the programming guide's name (``/* Product ID
    */``, ``/* Touch panel status */``): at the register's address, the comment names it. A comment
    that names no register (the I2C clock) links nothing."""
    src = ("#include <stdint.h>\n"
           "#define TS_I2C_FREQ    400000  /* bus clock */\n"
           "#define TS_REG_FWINFO  0x8140  /* Product ID */\n"
           "#define TS_POLL_ADDR   0x814e  /* Touch panel status */\n"
           "#define TS_CFG_HEAD    0x8047  // Config version\n"
           "#define TS_MAX_POINTS  5\n")
    f = "drivers/input/ts9.c"
    regs = [("Command", "0x8040"), ("Config_Version", "0x8047"), ("Product ID", "0x8140"), ("Firmware version", "0x8144"),
            ("Status", "0x814e"), ("Point 1 X Coordinate", "0x8150")]
    links = _repo_links({f: src}, regs, "TS9 touch controller")
    assert links == {("Product ID", "TS_REG_FWINFO", f, 3), ("Status", "TS_POLL_ADDR", f, 4),
                     ("Config_Version", "TS_CFG_HEAD", f, 5)}
