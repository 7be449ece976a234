"""Idioms of the fifteenth round of the mapping development set (issue 18: dev pairs taken as
found from manufacturers' own code), each in a few hand-written lines (written for these tests, no
vendor code copied), each asserting the exact link."""

from __future__ import annotations

from tests.mapping.idiom_pairs import repo_links as _repo_links


def test_register_map_chosen_by_a_device_definition_header():
    """The part's definition header (named for it) says which register-map revision the chip
    has; a common header that includes it then includes the map that revision selects, under
    ``#if DEV_REV == DEV_REV_A``. The map's file names no part: it is found through that branch
    (three includes away from the part's own file), and the other revision's map is not taken."""
    texts = {
        "lib/QX4410.h": '#include "core/qx_driver.h"\nint qx4410_begin(void);\n',
        "lib/QX4410.cpp": '#include "QX4410.h"\nint qx4410_begin(void) { return qx_init(); }\n',
        "lib/core/qx_driver.h": '#include "core/qx_defs.h"\nint qx_init(void);\n',
        "lib/core/qx_dev.h": ("/* device definition */\n"
                              "#define QX4410\n"
                              "#define QX_REV QX_REV_A\n"
                              "#define QX_WHOAMI 0x5A\n"),
        "lib/core/qx_defs.h": ('#define QX_REV_A 0xA\n'
                               '#define QX_REV_B 0xB\n'
                               '#include "core/qx_dev.h"\n'
                               '#if QX_REV == QX_REV_A\n'
                               '#include "core/qx_map_a.h"\n'
                               '#elif QX_REV == QX_REV_B\n'
                               '#include "core/qx_map_b.h"\n'
                               '#endif\n'),
        "lib/core/qx_map_a.h": ("#define PWR_CTRL   0x10\n"
                                "#define ODR_CFG    0x11\n"
                                "#define INT_STATUS 0x12\n"
                                "#define DATA_OUT   0x13\n"),
        "lib/core/qx_map_b.h": ("#define PWR_CTRL   0x20\n"
                                "#define ODR_CFG    0x21\n"
                                "#define INT_STATUS 0x12\n"
                                "#define DATA_OUT   0x23\n"),
    }
    regs = [("PWR_CTRL", "0x10"), ("ODR_CFG", "0x11"), ("INT_STATUS", "0x12"), ("DATA_OUT", "0x13")]
    f = "lib/core/qx_map_a.h"
    assert _repo_links(texts, regs, "QX4410 motion sensor") == {
        ("PWR_CTRL", "PWR_CTRL", f, 1), ("ODR_CFG", "ODR_CFG", f, 2),
        ("INT_STATUS", "INT_STATUS", f, 3), ("DATA_OUT", "DATA_OUT", f, 4)}


_BANKED = [("PWR_CTRL", "0x1F", "bank 0"), ("ODR_CFG", "0x20", "bank 0"), ("INT_STATUS", "0x2D", "bank 0"),
           ("DATA_OUT", "0x0B", "bank 0"),
           ("TSTMP_CONFIG1", "0x00", "MREG1"), ("FIFO_CONFIG5", "0x01", "MREG1"), ("INT_CONFIG0", "0x04", "MREG1"),
           ("XA_ST", "0x00", "MREG3"), ("YA_ST", "0x01", "MREG3"), ("ZA_ST", "0x02", "MREG3"),
           ("XG_ST", "0x03", "MREG3")]

_BANKED_MAP = ("#define PWR_CTRL        0x1001f\n"
               "#define ODR_CFG         0x10020\n"
               "#define INT_STATUS      0x1002d\n"
               "#define DATA_OUT        0x1000b\n"
               "\n"
               "#define TSTMP_CONFIG1_MREG1    0x00\n"
               "#define FIFO_CONFIG5_MREG1 0x01\n"
               "#define INT_CONFIG0_MREG1  0x04\n"
               "\n"
               "#define XA_ST_MREG3     0x5000\n"
               "#define YA_ST_MREG3     0x5001\n"
               "#define ZA_ST_MREG3     0x5002\n"
               "#define XG_ST_MREG3     0x5003\n")


def test_bank_named_on_the_symbol_and_encoded_in_its_value():
    """A generated register map spells the bank of an indirectly reached register as a suffix
    (``XA_ST_MREG3``) and encodes it above the address (``0x5000 | address``), the main bank as
    ``0x10000 | address``. Every register links to its macro, in its own bank."""
    texts = {"imu/qx4410_regmap.h": _BANKED_MAP}
    f = "imu/qx4410_regmap.h"
    assert _repo_links(texts, _BANKED, "QX4410 motion sensor") == {
        ("PWR_CTRL", "PWR_CTRL", f, 1), ("ODR_CFG", "ODR_CFG", f, 2), ("INT_STATUS", "INT_STATUS", f, 3),
        ("DATA_OUT", "DATA_OUT", f, 4),
        ("TSTMP_CONFIG1", "TSTMP_CONFIG1_MREG1", f, 6), ("FIFO_CONFIG5", "FIFO_CONFIG5_MREG1", f, 7), ("INT_CONFIG0", "INT_CONFIG0_MREG1", f, 8),
        ("XA_ST", "XA_ST_MREG3", f, 10), ("YA_ST", "YA_ST_MREG3", f, 11), ("ZA_ST", "ZA_ST_MREG3", f, 12),
        ("XG_ST", "XG_ST_MREG3", f, 13)}


def test_a_sibling_sensor_header_sharing_two_registers_links_nothing():
    """A vendor SDK folder holds one header per sensor in the same style; a sibling part's header
    defines a device-id and a status register under the same names and at the same addresses as
    ours (``PB_DEVICE_ID_REG 0x0F``, ``PB_STATUS_REG 0x27``). Our header links every register; the
    sibling's two name-mates are another chip's registers and link nothing."""
    ours = ("#define QA_DEVICE_ID_REG 0x0F\n"
            "#define QA_CTRL_1_REG    0x20\n"
            "#define QA_CTRL_2_REG    0x21\n"
            "#define QA_CTRL_3_REG    0x22\n"
            "#define QA_STATUS_REG    0x27\n"
            "#define QA_X_OUT_L_REG   0x28\n"
            "#define QA_X_OUT_H_REG   0x29\n"
            "#define QA_FIFO_CTRL_REG 0x2E\n")
    sibling = ("#define PB_INT_CFG_REG    0x0B\n"
               "#define PB_DEVICE_ID_REG  0x0F\n"
               "#define PB_CTRL_A_REG     0x10\n"
               "#define PB_CTRL_B_REG     0x11\n"
               "#define PB_FIFO_WTM_REG   0x13\n"
               "#define PB_REF_P_L_REG    0x15\n"
               "#define PB_STATUS_REG     0x27\n"
               "#define PB_DATA_P_XL_REG  0x28\n")
    texts = {"sdk/SENS_QA/sens_qa.h": ours, "sdk/SENS_PB/sens_pb.h": sibling}
    regs = [("DEVICE_ID", "0x0F"), ("CTRL_1", "0x20"), ("CTRL_2", "0x21"), ("CTRL_3", "0x22"), ("STATUS", "0x27"),
            ("X_OUT_L", "0x28"), ("X_OUT_H", "0x29"), ("FIFO_CTRL", "0x2E")]
    f = "sdk/SENS_QA/sens_qa.h"
    assert _repo_links(texts, regs, "SENS-QA accelerometer") == {
        ("DEVICE_ID", "QA_DEVICE_ID_REG", f, 1), ("CTRL_1", "QA_CTRL_1_REG", f, 2), ("CTRL_2", "QA_CTRL_2_REG", f, 3),
        ("CTRL_3", "QA_CTRL_3_REG", f, 4), ("STATUS", "QA_STATUS_REG", f, 5), ("X_OUT_L", "QA_X_OUT_L_REG", f, 6),
        ("X_OUT_H", "QA_X_OUT_H_REG", f, 7), ("FIFO_CTRL", "QA_FIFO_CTRL_REG", f, 8)}
