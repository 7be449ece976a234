"""Mechanisms that the generated pairs of ``bench/mapping_generated.py`` found failing (issue 18), each in a
few hand-written lines (written for these tests, no vendor code copied), each asserting the exact links
``map_repo`` gives."""

from __future__ import annotations

from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.models import Datasheet, Register


def _links(texts: dict[str, str], regs, title="QV4127 sensor") -> set[tuple[str, str, str, int]]:
    sheet = Datasheet(source="qv4127.pdf", pages=1, title=title,
                      registers=[Register(name=n, address=a, peripheral=(p[0] if p else None))
                                 for n, a, *p in regs])
    res, _ = map_repo(sheet, texts)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def test_per_instance_macros_whose_name_has_no_placeholder_link_at_instance_zero():
    """``CH_MODE(n) (0x04 + (n) * 0x100)``: one register per channel block, the name telling no
    instance; the datasheet prints the register once, at instance 0."""
    texts = {"src/qv4127_regs.h": ("#define QV4127_CH_MODE(n)   (0x04 + (n) * 0x100)\n"
                                   "#define QV4127_CH_STATUS(n) (0x05 + (n) * 0x100)\n"
                                   "#define QV4127_CH_LEVEL(n)  (0x08 + (n) * 0x100)\n")}
    regs = [("CH_MODE", "0x04"), ("CH_STATUS", "0x05"), ("CH_LEVEL", "0x08")]
    assert _links(texts, regs) == {("CH_MODE", "QV4127_CH_MODE", "src/qv4127_regs.h", 1),
                                   ("CH_STATUS", "QV4127_CH_STATUS", "src/qv4127_regs.h", 2),
                                   ("CH_LEVEL", "QV4127_CH_LEVEL", "src/qv4127_regs.h", 3)}


def test_block_encoded_per_instance_macros_decode_at_instance_zero():
    """``MODE(blk) ((0x0000 << 8) | (((blk) * 4 + 1) << 3))``: instance 0 is the address shifted
    above a block-select code; the family's fit decodes it."""
    texts = {"src/qv4127_socket.h": "".join(
        f"#define {n}(s) ((0x{a:04X} << 8) | ((((s) * 4) + 1) << 3))\n"
        for n, a in [("SOCK_MODE", 0x00), ("SOCK_CMD", 0x01), ("SOCK_INT", 0x02), ("SOCK_STATUS", 0x03)])}
    texts["src/qv4127.c"] = '#include "qv4127_socket.h"\n'
    regs = [("Socket Mode", "0x00"), ("Socket Command", "0x01"), ("Socket Interrupt", "0x02"),
            ("Socket Status", "0x03")]
    got = _links(texts, regs)
    assert ("Socket Mode", "SOCK_MODE", "src/qv4127_socket.h", 1) in got
    assert ("Socket Status", "SOCK_STATUS", "src/qv4127_socket.h", 4) in got
    assert len(got) == 4


def test_a_long_name_with_its_mnemonic_fits_an_encoded_family():
    """``Control 1 (CTRL1)`` against SPI command bytes ``(0x80 | 0x20)``: the encoded family's fit
    takes the mnemonic as the register's name."""
    texts = {"src/qv4127.h": ("#define QV4127_CTRL1    (0x80 | 0x20)\n"
                              "#define QV4127_CTRL2    (0x80 | 0x21)\n"
                              "#define QV4127_STATUS   (0x80 | 0x27)\n"
                              "#define QV4127_FIFO_CFG (0x80 | 0x2E)\n")}
    regs = [("Control 1 (CTRL1)", "0x20"), ("Control 2 (CTRL2)", "0x21"), ("Status register (STATUS)", "0x27"),
            ("FIFO configuration (FIFO_CFG)", "0x2E")]
    assert _links(texts, regs) == {("Control 1 (CTRL1)", "QV4127_CTRL1", "src/qv4127.h", 1),
                                   ("Control 2 (CTRL2)", "QV4127_CTRL2", "src/qv4127.h", 2),
                                   ("Status register (STATUS)", "QV4127_STATUS", "src/qv4127.h", 3),
                                   ("FIFO configuration (FIFO_CFG)", "QV4127_FIFO_CFG", "src/qv4127.h", 4)}


def test_truncated_and_two_letter_abbreviations_name_the_register():
    """``CAL_CTRL`` for Calibration Control and ``INT_EN`` for Interrupt Enable."""
    texts = {"src/qv4127.h": ("#define QV4127_REG_CAL_CTRL 0x31\n"
                              "#define QV4127_REG_INT_EN   0x32\n"
                              "#define QV4127_REG_STATUS   0x33\n")}
    regs = [("CALIBRATION_CONTROL", "0x31"), ("INTERRUPT_ENABLE", "0x32"), ("STATUS", "0x33")]
    assert _links(texts, regs) == {("CALIBRATION_CONTROL", "QV4127_REG_CAL_CTRL", "src/qv4127.h", 1),
                                   ("INTERRUPT_ENABLE", "QV4127_REG_INT_EN", "src/qv4127.h", 2),
                                   ("STATUS", "QV4127_REG_STATUS", "src/qv4127.h", 3)}


def test_a_sibling_part_whose_number_continues_ours_is_not_our_map():
    """Part XF626C: ``xf626c2_regs.h`` (the XF626C2, reached only through the shorter spelling
    ``xf626``; the ``x`` of the letters is no wildcard) is another part's register map."""
    regs = [("CTRL1", "0x10"), ("STATUS", "0x11"), ("CONFIG", "0x12")]
    body = "#define {p}_CTRL1 0x{a:02X}\n#define {p}_STATUS 0x{b:02X}\n#define {p}_CONFIG 0x{c:02X}\n"
    texts = {"src/xf626c_regs.h": body.format(p="XF626C", a=0x10, b=0x11, c=0x12),
             "src/xf626c2_regs.h": body.format(p="XF626C2", a=0x10, b=0x11, c=0x12)}
    assert _links(texts, regs, title="XF626C sensor") == {("CTRL1", "XF626C_CTRL1", "src/xf626c_regs.h", 1),
                                                          ("STATUS", "XF626C_STATUS", "src/xf626c_regs.h", 2),
                                                          ("CONFIG", "XF626C_CONFIG", "src/xf626c_regs.h", 3)}


def test_another_parts_header_in_another_folder_is_not_our_map():
    """Part QV4127A: a crate whose register enum never spells the part number (``register.rs``), with
    the C header of the sibling QV4127A2 in another folder (reached only through the shorter
    spelling ``qv4127``): the header is not a candidate."""
    texts = {"src/lib.rs": "//! QV4127A driver\nmod register;\n",
             "src/register.rs": "pub enum Register {\n    CTRL1 = 0x10,\n    STATUS = 0x11,\n    CONFIG = 0x12,\n}\n",
             "include/qv4127a2_regs.h": "/* QV4127A2 */\n#define CTRL1 0x10\n#define STATUS 0x11\n#define CONFIG 0x12\n"}
    regs = [("CTRL1", "0x10"), ("STATUS", "0x11"), ("CONFIG", "0x12")]
    assert {(r, s, f) for r, s, f, _ in _links(texts, regs, title="QV4127A sensor")} == {
        ("CTRL1", "CTRL1", "src/register.rs"), ("STATUS", "STATUS", "src/register.rs"),
        ("CONFIG", "CONFIG", "src/register.rs")}


def test_a_bank_token_in_encoded_names_does_not_hide_the_register():
    """``B0_CONTROL1 (0x80 | 0x05)``: the bank token says where, the rest which register."""
    texts = {"src/qv4127.h": ("#define B0_CONTROL1 (0x80 | 0x05)\n"
                              "#define B0_STATUS   (0x80 | 0x06)\n"
                              "#define B0_CONFIG   (0x80 | 0x07)\n"
                              "#define B1_OFFSET_X (0x80 | 0x05)\n"
                              "#define B1_OFFSET_Y (0x80 | 0x06)\n"
                              "#define B1_OFFSET_Z (0x80 | 0x07)\n")}
    regs = [("CONTROL1", "0x05", "BANK0"), ("STATUS", "0x06", "BANK0"), ("CONFIG", "0x07", "BANK0"),
            ("OFFSET_X", "0x05", "BANK1"), ("OFFSET_Y", "0x06", "BANK1"), ("OFFSET_Z", "0x07", "BANK1")]
    assert {(r, s) for r, s, _, _ in _links(texts, regs)} == {
        ("CONTROL1", "B0_CONTROL1"), ("STATUS", "B0_STATUS"), ("CONFIG", "B0_CONFIG"),
        ("OFFSET_X", "B1_OFFSET_X"), ("OFFSET_Y", "B1_OFFSET_Y"), ("OFFSET_Z", "B1_OFFSET_Z")}


def test_an_encoded_family_spelling_out_abbreviated_register_names_still_fits():
    """The datasheet abbreviates (``IntCfg``, ``Cal0``), the SPI enum spells out
    (``RegInterruptConfig = 0x10 << 1``): token-for-token abbreviations count for the fit."""
    texts = {"src/qv4127.h": ("enum qv4127_reg {\n"
                              "    RegInterruptConfig = (0x10 << 1),\n"
                              "    RegCalibration0 = (0x11 << 1),\n"
                              "    RegCalibration1 = (0x12 << 1),\n"
                              "    RegTemperatureConfig = (0x13 << 1),\n"
                              "};\n")}
    regs = [("IntCfg", "0x10"), ("Cal0", "0x11"), ("Cal1", "0x12"), ("TempCfg", "0x13")]
    assert {(r, s) for r, s, _, _ in _links(texts, regs)} == {
        ("IntCfg", "RegInterruptConfig"), ("Cal0", "RegCalibration0"), ("Cal1", "RegCalibration1"),
        ("TempCfg", "RegTemperatureConfig")}


def test_a_part_number_spelling_a_quantity_word_does_not_hide_its_registers():
    """Part SZ283: ``SZ283_REG_STATUS`` is no size constant because the part number starts with ``SZ``."""
    texts = {"src/sz283.h": ("#define SZ283_REG_CTRL1  0x10\n"
                             "#define SZ283_REG_STATUS 0x11\n"
                             "#define SZ283_REG_CONFIG 0x12\n")}
    regs = [("CTRL1", "0x10"), ("STATUS", "0x11"), ("CONFIG", "0x12")]
    assert _links(texts, regs, title="SZ283 sensor") == {("CTRL1", "SZ283_REG_CTRL1", "src/sz283.h", 1),
                                                         ("STATUS", "SZ283_REG_STATUS", "src/sz283.h", 2),
                                                         ("CONFIG", "SZ283_REG_CONFIG", "src/sz283.h", 3)}


def test_enumerators_indexing_a_descriptor_table_are_not_addresses():
    """``enum qv_field { F_CTRL1_EN, ... }`` numbers the entries of an ``{addr, mask, shift}`` table:
    F_OUT_X_H_DRDY's implicit value 6 is OUT_X_L's address and its name is near OUT_X_L's, but it is
    a field id; OUT_X_L, which the table does not name, stays unlinked."""
    fields = [("CTRL1", "EN"), ("CTRL1", "ODR"), ("CTRL2", "RST"), ("CTRL2", "FS"), ("STATUS", "DRDY"),
              ("STATUS", "OVR"), ("OUT_X_H", "DRDY"), ("OUT_X_H", "FS")]
    addr = {"CTRL1": 0x00, "CTRL2": 0x01, "STATUS": 0x02, "OUT_X_L": 0x06, "OUT_X_H": 0x07}
    src = ("struct reg_desc { unsigned char addr, mask, shift; };\nenum qv_field {\n"
           + "".join(f"    F_{r}_{f},\n" for r, f in fields) + "    F_MAX\n};\n"
           + "static const struct reg_desc qv_fields[F_MAX] = {\n"
           + "".join(f"    [F_{r}_{f}] = {{0x{addr[r]:02X}, 0x01, 0}},\n" for r, f in fields) + "};\n")
    got = _links({"src/qv4127_fields.h": src}, [(n, hex(a)) for n, a in addr.items()])
    assert got == {("CTRL1", "qv_fields[F_CTRL1_EN]", "src/qv4127_fields.h", 14),
                   ("CTRL2", "qv_fields[F_CTRL2_RST]", "src/qv4127_fields.h", 16),
                   ("STATUS", "qv_fields[F_STATUS_DRDY]", "src/qv4127_fields.h", 18),
                   ("OUT_X_H", "qv_fields[F_OUT_X_H_DRDY]", "src/qv4127_fields.h", 20)}


def test_an_overlay_struct_spelling_abbreviated_names_is_the_register_map():
    """``typedef struct { uint8_t RESERVED0[16]; uint8_t RegThs; ... } QV_Type``: the datasheet
    spells the words out (THRESHOLD, SAMPLE_RATE), the struct abbreviates them; three of them at
    their offsets make the struct the register map."""
    texts = {"src/qv4127_regs.h": ("#include <stdint.h>\n"
                                   "typedef struct {\n"
                                   "    uint8_t RESERVED0[16];\n"
                                   "    volatile uint8_t RegThs;        /* 0x10 */\n"
                                   "    volatile uint8_t RegSmplRate;   /* 0x11 */\n"
                                   "    volatile uint8_t RegGainCfg;    /* 0x12 */\n"
                                   "    volatile uint8_t RegPwrCtrl;    /* 0x13 */\n"
                                   "} QV4127_Type;\n"
                                   "#define QV4127 ((QV4127_Type *) 0x40010000UL)\n")}
    regs = [("THRESHOLD", "0x10"), ("SAMPLE_RATE", "0x11"), ("GAIN_CONFIG", "0x12"), ("POWER_CONTROL", "0x13")]
    assert {(r, s, ln) for r, s, _, ln in _links(texts, regs)} == {
        ("THRESHOLD", "QV4127_Type.RegThs", 4), ("SAMPLE_RATE", "QV4127_Type.RegSmplRate", 5),
        ("GAIN_CONFIG", "QV4127_Type.RegGainCfg", 6),
        ("POWER_CONTROL", "QV4127_Type.RegPwrCtrl", 7)}


def test_a_test_file_copying_the_map_is_not_linked_for_registers_the_implementation_misspells():
    """A test restates the addresses under the implementation's names; the implementation spells
    one register by its meaning (``SETUP`` for CONFIG): the test's copy of that one is no link either."""
    texts = {"src/qv4127_regs.h": ("#define QV4127_CTRL1  0x20\n#define QV4127_STATUS 0x21\n"
                                   "#define QV4127_SETUP  0x22\n#define QV4127_FIFO   0x23\n"),
             "tests/test_qv4127.c": ('#include "qv4127_regs.h"\n#define EXPECT_QV4127_CTRL1  0x20\n'
                                     "#define EXPECT_QV4127_STATUS 0x21\n#define EXPECT_QV4127_CONFIG 0x22\n")}
    regs = [("CTRL1", "0x20"), ("STATUS", "0x21"), ("CONFIG", "0x22"), ("FIFO", "0x23")]
    assert not any(f.startswith("tests/") for _, _, f, _ in _links(texts, regs))


def test_a_command_opcode_equal_to_a_register_address_is_no_second_link():
    """``PART_CMD_RESET 0x21`` (a bus command) beside ``RESET_REG 0x21`` (the register): the
    register is linked once, at its own name."""
    names = ["REVISION_ID", "RESET", "THRESHOLD", "POWER_CONTROL", "CONTROL3", "CALIBRATION_CONTROL",
             "CONTROL2", "INTERRUPT_ENABLE"]
    texts = {"src/qv4127_regs.h": "".join(f"#define {n}_REG 0x{0x20 + i:02X}\n" for i, n in enumerate(names)),
             "src/qv4127_cmd.h": ("/* QV4127 bus commands */\n#define QV4127_CMD_WAKE 0x20\n"
                                  "#define QV4127_CMD_RESET 0x21\n#define QV4127_CMD_START 0x22\n"
                                  "#define QV4127_CMD_READ 0x23\n"),
             "src/qv4127.c": '#include "qv4127_regs.h"\nstatic int r(void) { return bus_read(RESET_REG); }\n'}
    regs = [("".join(w.capitalize() for w in n.split("_")), hex(0x20 + i)) for i, n in enumerate(names)]
    got = _links(texts, regs)
    assert ("Reset", "RESET_REG", "src/qv4127_regs.h", 2) in got
    assert not any(f == "src/qv4127_cmd.h" for _, _, f, _ in got)
