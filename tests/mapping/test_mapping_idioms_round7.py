"""Idioms of the seventh round of the mapping development set (issue 18), each in a few hand-written
lines (written for these tests, no vendor code copied), each asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.core import map_pair
from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register


def _sheet(regs, title="ZQ4711 sensor") -> Datasheet:
    """``regs``: (name, address) or (name, address, space)."""
    return Datasheet(source="zq4711.pdf", pages=1, title=title,
                     registers=[Register(name=r[0], address=r[1], peripheral=r[2] if len(r) > 2 else None)
                                for r in regs])


def _links(files: dict[str, str], regs, title="ZQ4711 sensor") -> set[tuple[str, str, str, int]]:
    parsed = [parse_code(p, t.encode()) for p, t in files.items()]
    res = map_pair(_sheet(regs, title), parsed, files)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


_STRUCT = """typedef struct {{
  __OM  uint32_t  TASKS_START;
  __IM  uint32_t  RESERVED[{pad1}];
  __OM  uint32_t  TASKS_STOP;
  __IM  uint32_t  RESERVED1[63];
  __IOM uint32_t  EVENTS_DONE;
  __IM  uint32_t  RESERVED2[{pad2}];
  __IOM uint32_t  ENABLE;
  __IOM uint32_t  ADDRESS;
}} ZQ_WIRE_Type;

typedef struct {{
  __OM  uint32_t  TASKS_START;
  __IM  uint32_t  RESERVED[319];
  __IOM uint32_t  ENABLE;
  __IOM uint32_t  CONFIG;
}} ZQ_TIMER_Type;
"""


def test_a_padded_struct_is_the_register_map_of_a_dispatch_header_s_part():
    """A peripheral's register list without a peripheral prefix (``TASKS_START 0x000``, ``ENABLE
    0x500``) is the struct whose fields spell the names at those byte offsets, RESERVED arrays between
    them; of the two device headers that define it, the one the dispatch header includes for our
    part, not the one of the series named by a short number (``ZQF51``)."""
    texts = {
        "mdk/zq.h": "/* device selection */\n#if defined (ZQF51)\n    #include \"zqf51.h\"\n"
                    "#elif defined (ZQ52832_XXAA)\n    #include \"zq52.h\"\n#endif\n",
        # the ZQF51 series lays the peripheral out the same way
        "mdk/zqf51.h": "#include <stdint.h>\n" + _STRUCT.format(pad1=1, pad2=253),
        "mdk/zq52.h": "#include <stdint.h>\n" + _STRUCT.format(pad1=1, pad2=253),
    }
    regs = [("TASKS_START", "0x000"), ("TASKS_STOP", "0x008"), ("EVENTS_DONE", "0x108"), ("ENABLE", "0x500"),
            ("ADDRESS", "0x504")]
    res, _ = map_repo(_sheet(regs, "ZQ52832 Product Specification, two-wire interface"), texts)
    got = {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}
    assert got == {("TASKS_START", "ZQ_WIRE_Type.TASKS_START", "mdk/zq52.h", 3),
                   ("TASKS_STOP", "ZQ_WIRE_Type.TASKS_STOP", "mdk/zq52.h", 5),
                   ("EVENTS_DONE", "ZQ_WIRE_Type.EVENTS_DONE", "mdk/zq52.h", 7),
                   ("ENABLE", "ZQ_WIRE_Type.ENABLE", "mdk/zq52.h", 9),
                   ("ADDRESS", "ZQ_WIRE_Type.ADDRESS", "mdk/zq52.h", 10)}


def test_a_sibling_file_named_for_another_part_is_dropped():
    """``zq280_priv.h`` and ``zq680_priv.h`` in one driver folder define the same addresses; the
    other part's file mentions ours only in a comment and is included by nothing."""
    body = "#define {p}_REG_ADDR_CHIPID 0xD0\n#define {p}_REG_ADDR_RESET 0xE0\n#define {p}_REG_ADDR_STATUS 0xF3\n" \
           "#define {p}_REG_ADDR_CTRL 0xF4\n"
    texts = {
        "drivers/zq280/src/zq280.c": '#include "zq280_priv.h"\nint zq280_init(void) { return 0; }\n',
        "drivers/zq280/src/zq280_priv.h": body.format(p="ZQ280"),
        "drivers/zq280/src/zq680_priv.h": "/* the ZQ680 is a ZQ280 with a gas sensor */\n" + body.format(p="ZQ680"),
    }
    regs = [("id", "0xd0"), ("reset", "0xe0"), ("status", "0xf3"), ("ctrl_meas", "0xf4")]
    res, _ = map_repo(_sheet(regs, "ZQ280 pressure sensor"), texts)
    assert {lk.file for lk in res.links} == {"drivers/zq280/src/zq280_priv.h"}
    assert {(lk.register, lk.symbol) for lk in res.links} == {
        ("id", "ZQ280_REG_ADDR_CHIPID"), ("reset", "ZQ280_REG_ADDR_RESET"), ("status", "ZQ280_REG_ADDR_STATUS"),
        ("ctrl_meas", "ZQ280_REG_ADDR_CTRL")}


_BANKED = """#define ZQ_BANK_REG(BANK, REG) ((BANK << 7) | REG)
#define ZQ_REG_WHO_AM_I      ZQ_BANK_REG(0, 0x00)
#define ZQ_REG_SCRATCH       ZQ_BANK_REG(0, 0x01)
#define ZQ_REG_USER_CTRL     ZQ_BANK_REG(0, 0x03)
#define ZQ_REG_PWR_MGMT_1    ZQ_BANK_REG(0, 0x06)
#define ZQ_REG_INT_ENABLE    ZQ_BANK_REG(0, 0x10)
#define ZQ_REG_DMP_STATUS    ZQ_BANK_REG(0, 0x18)
#define ZQ_REG_INT_STATUS    ZQ_BANK_REG(0, 0x19)
#define ZQ_REG_XA_OFFS_H     ZQ_BANK_REG(1, 0x14)
#define ZQ_REG_YA_OFFS_H     ZQ_BANK_REG(1, 0x17)
#define ZQ_REG_ZA_OFFS_H     ZQ_BANK_REG(1, 0x1A)
"""


def test_an_unnamed_member_stays_in_the_bank_of_the_links_around_it():
    """``ZQ_REG_DMP_STATUS`` (0x18) sits among bank-0 registers: it is no bank-1 ``YA_OFFS_L`` of the same
    address, and ``ZQ_REG_SCRATCH`` (0x01) no ``WIA2`` of the magnetometer."""
    regs = [("WHO_AM_I", "0x00", "bank 0"), ("USER_CTRL", "0x03", "bank 0"), ("PWR_MGMT_1", "0x06", "bank 0"),
            ("INT_ENABLE", "0x10", "bank 0"), ("INT_STATUS", "0x19", "bank 0"),
            ("XA_OFFS_H", "0x14", "bank 1"), ("YA_OFFS_H", "0x17", "bank 1"), ("YA_OFFS_L", "0x18", "bank 1"),
            ("ZA_OFFS_H", "0x1a", "bank 1"), ("WIA2", "0x01", "ZQ09916 magnetometer")]
    got = _links({"zq.h": _BANKED}, regs)
    assert ("WHO_AM_I", "ZQ_REG_WHO_AM_I", "zq.h", 2) in got
    assert ("YA_OFFS_H", "ZQ_REG_YA_OFFS_H", "zq.h", 10) in got
    assert not any(r in ("YA_OFFS_L", "WIA2") for r, *_ in got)


_ENUM = """typedef enum {
  REG_BANK_SEL = 0x7F,
  AGB0_REG_WHO_AM_I = 0x00,
  AGB0_REG_USER_CTRL = 0x03,
  AGB0_REG_PWR_MGMT_1 = 0x06,
  AGB0_REG_PWR_MGMT_2,
  AGB0_REG_EXT_DATA_23 = 0x52,
  AGB0_REG_TEMP_CONFIG = 0x53,
  AGB0_REG_FIFO_EN_1 = 0x66,
  AGB0_REG_REG_BANK_SEL = 0x7F,
  AGB2_REG_GYRO_SMPLRT_DIV = 0x00,
  AGB2_REG_GYRO_CONFIG_1,
  AGB2_REG_FSYNC_CONFIG = 0x52,
  AGB2_REG_TEMP_CONFIG,
  AGB2_REG_MOD_CTRL_USR,
  AGB2_REG_REG_BANK_SEL = 0x7F,
} zq_reg_t;
"""


def test_of_two_spellings_in_one_file_the_one_in_its_bank_and_the_exact_one_win():
    """``AGB0_REG_TEMP_CONFIG = 0x53`` in the bank-0 block loses to the implicit ``AGB2_REG_TEMP_CONFIG``
    among bank-2 registers; the bank-select register spelt exactly (``REG_BANK_SEL``) beats the
    prefixed copies of every bank."""
    regs = [("WHO_AM_I", "0x00", "bank 0"), ("USER_CTRL", "0x03", "bank 0"), ("PWR_MGMT_1", "0x06", "bank 0"),
            ("PWR_MGMT_2", "0x07", "bank 0"), ("EXT_DATA_23", "0x52", "bank 0"), ("FIFO_EN_1", "0x66", "bank 0"),
            ("GYRO_SMPLRT_DIV", "0x00", "bank 2"), ("GYRO_CONFIG_1", "0x01", "bank 2"), ("FSYNC_CONFIG", "0x52", "bank 2"),
            ("TEMP_CONFIG", "0x53", "bank 2"), ("MOD_CTRL_USR", "0x54", "bank 2"), ("REG_BANK_SEL", "0x7f", "all banks")]
    got = _links({"zq_regs.h": _ENUM}, regs)
    assert {(r, s) for r, s, _f, _ln in got if r in ("TEMP_CONFIG", "REG_BANK_SEL")} == {
        ("TEMP_CONFIG", "AGB2_REG_TEMP_CONFIG"), ("REG_BANK_SEL", "REG_BANK_SEL")}


def test_a_device_s_registers_keep_the_file_named_for_it_and_not_a_device_word_of_another():
    """The magnetometer (space ``ZQ09916 magnetometer``) is spelt in its own header and again, as
    ``M_REG_*``, in the main chip's enum: the header named for it keeps the links; ``MAG_REG_WHO_AM_I
    0x00`` is the magnetometer's, not the main chip's WHO_AM_I."""
    files = {
        "zq_regs.h": "typedef enum {\n  REG_WHO_AM_I = 0x00,\n  REG_USER_CTRL = 0x03,\n  REG_PWR_MGMT_1 = 0x06,\n"
                     "  M_REG_WIA2 = 0x01,\n  M_REG_ST1 = 0x10,\n  M_REG_HXL,\n  M_REG_HXH,\n} zq_reg_t;\n",
        "ZQ09916_REGISTERS.h": "typedef enum {\n  ZQ09916_REG_WIA1 = 0x00,\n  ZQ09916_REG_WIA2,\n"
                               "  ZQ09916_REG_ST1 = 0x10,\n  ZQ09916_REG_HXL,\n  ZQ09916_REG_HXH,\n} zq09916_reg_t;\n",
        "zq_c.h": "#define MAG_ZQ09916_I2C_ADDR 0x0C\n#define MAG_REG_WHO_AM_I 0x00\n",
    }
    mag = "ZQ09916 magnetometer (aux bus)"
    regs = [("WHO_AM_I", "0x00", "bank 0"), ("USER_CTRL", "0x03", "bank 0"), ("PWR_MGMT_1", "0x06", "bank 0"),
            ("WIA2", "0x01", mag), ("ST1", "0x10", mag), ("HXL", "0x11", mag), ("HXH", "0x12", mag)]
    got = _links(files, regs)
    assert {(r, s, f) for r, s, f, _ln in got} == {
        ("WHO_AM_I", "REG_WHO_AM_I", "zq_regs.h"), ("USER_CTRL", "REG_USER_CTRL", "zq_regs.h"),
        ("PWR_MGMT_1", "REG_PWR_MGMT_1", "zq_regs.h"),
        ("WIA2", "ZQ09916_REG_WIA2", "ZQ09916_REGISTERS.h"), ("ST1", "ZQ09916_REG_ST1", "ZQ09916_REGISTERS.h"),
        ("HXL", "ZQ09916_REG_HXL", "ZQ09916_REGISTERS.h"), ("HXH", "ZQ09916_REG_HXH", "ZQ09916_REGISTERS.h")}
