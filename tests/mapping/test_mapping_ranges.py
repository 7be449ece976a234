"""A datasheet row that names a numbered range of registers (``cal23...cal00``) against code that
names the block's bytes or words by meaning (issue 18, sixth round). Hand-written snippets, written
for these tests (no vendor code copied), each asserting the exact links."""

from __future__ import annotations

from firmcorpus.mapping.constants import parse_constants
from firmcorpus.mapping.core import map_pair
from firmcorpus.mapping.ranges import expand_ranges, range_members
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register

# a map as a PDF reader prints it: the calibration block is one row, the first name's address
REGS = [("cal11...cal00", "0x8b"), ("chip_id", "0xd0"), ("reset", "0xe0"), ("status", "0xf3"),
        ("ctrl_meas", "0xf4"), ("config", "0xf5"), ("press_msb", "0xf7"), ("temp_msb", "0xfa")]


def _links(path: str, text: str, regs=REGS) -> dict[str, tuple[str, int]]:
    ds = Datasheet(source="zq4711.pdf", pages=1, title="ZQ4711 sensor",
                   registers=[Register(name=n, address=a) for n, a in regs])
    f = parse_constants(path, text) if path.endswith((".py", ".rs", ".cs")) else parse_code(path, text.encode())
    res = map_pair(ds, [f], {path: text})
    out = {}
    for lk in res.links:
        member = [e[len("member:"):] for e in lk.evidence if e.startswith("member:")]
        if member:  # a range member's link names the row, with the member's address
            assert lk.register in {n for n, _ in regs}
        out[member[0] if member else lk.register] = (lk.symbol, lk.line)
    return out


def test_range_rows_expand_in_printed_order():
    ms = range_members(Register(name="cal11...cal00", address="0x8b"))
    assert [(m.name, m.address) for m in ms][:2] == [("cal11", "0x8b"), ("cal10", "0x8a")]
    assert (ms[-1].name, ms[-1].address) == ("cal00", "0x80")
    ms = range_members(Register(name="coef7 downto coef0", address="0xbf"))
    assert [(m.name, m.address) for m in ms][-1] == ("coef0", "0xb8")
    assert range_members(Register(name="TEMP_OUT_L", address="0x3a")) == []
    assert range_members(Register(name="cal3...sig0", address="0x10")) == []  # two stems: no range
    ds = Datasheet(source="", pages=1, registers=[Register(name="cal3-cal0", address="0x13"),
                                                  Register(name="cal0", address="0x10")])
    out, members = expand_ranges(ds)
    assert [r.name for r in out.registers] == ["cal3", "cal2", "cal1", "cal0"]  # the printed cal0 stays
    assert members == {(None, "cal3"): "cal3-cal0", (None, "cal2"): "cal3-cal0", (None, "cal1"): "cal3-cal0"}


def test_byte_half_macros_link_each_word_at_its_lower_address():
    """``..._C1_LSB 0x80`` / ``..._C1_MSB 0x81`` ...: the words of the block, one link each (the LSB
    macro at the lower address); the byte-select words are no bit-position words here."""
    text = """/* zq4711 */
#define ZQ_CHIP_ID_REG (0xD0)
#define ZQ_RESET_REG (0xE0)
#define ZQ_C1_LSB_REG (0x80)
#define ZQ_C1_MSB_REG (0x81)
#define ZQ_C2_LSB_REG (0x82)
#define ZQ_C2_MSB_REG (0x83)
#define ZQ_C3_LSB_REG (0x84)
#define ZQ_C3_MSB_REG (0x85)
#define ZQ_STATUS_REG (0xF3)
#define ZQ_CTRL_MEAS_REG (0xF4)
#define ZQ_CONFIG_REG (0xF5)
#define ZQ_PRESS_MSB_REG (0xF7)
#define ZQ_TEMP_MSB_REG (0xFA)
"""
    links = _links("zq_regs.h", text)
    assert links["cal00"] == ("ZQ_C1_LSB_REG", 4)  # reported as row "cal11...cal00" at 0x80
    assert links["cal02"] == ("ZQ_C2_LSB_REG", 6)
    assert links["cal04"] == ("ZQ_C3_LSB_REG", 8)
    assert "cal01" not in links and "cal03" not in links and "cal05" not in links  # upper halves fold
    assert links["status"] == ("ZQ_STATUS_REG", 10)


def test_upper_halves_fold_into_words_the_map_lists_beside_the_range_row():
    """The map prints the block both ways: a range row and a word table (``c1`` at 0x80, ``c2`` at
    0x82, ...). The LSB macros link the listed words; the MSB macros, whose addresses only the range
    row's members hold, fold into those words instead of linking the members."""
    regs = REGS + [("c1", "0x80"), ("c2", "0x82"), ("c3", "0x84")]
    text = """/* zq4711 */
#define ZQ_CHIP_ID_REG (0xD0)
#define ZQ_RESET_REG (0xE0)
#define ZQ_C1_LSB_REG (0x80)
#define ZQ_C1_MSB_REG (0x81)
#define ZQ_C2_LSB_REG (0x82)
#define ZQ_C2_MSB_REG (0x83)
#define ZQ_C3_LSB_REG (0x84)
#define ZQ_C3_MSB_REG (0x85)
#define ZQ_STATUS_REG (0xF3)
#define ZQ_CTRL_MEAS_REG (0xF4)
#define ZQ_CONFIG_REG (0xF5)
"""
    links = _links("zq_regs.h", text, regs)
    assert [links[n] for n in ("c1", "c2", "c3")] == [("ZQ_C1_LSB_REG", 4), ("ZQ_C2_LSB_REG", 6), ("ZQ_C3_LSB_REG", 8)]
    assert not {"cal01", "cal03", "cal05"} & set(links)  # no member link for an MSB macro
    assert links["status"] == ("ZQ_STATUS_REG", 10)


def test_msb_first_words_fold_too():
    """Big-endian words: ``..._A1_MSB`` at the lower address is the word's link."""
    text = """/* zq4711 */
#define ZQ_A1_MSB 0x80
#define ZQ_A1_LSB 0x81
#define ZQ_A2_MSB 0x82
#define ZQ_A2_LSB 0x83
#define ZQ_A3_MSB 0x84
#define ZQ_A3_LSB 0x85
#define ZQ_CHIP_ID 0xd0
#define ZQ_RESET 0xe0
#define ZQ_STATUS 0xf3
#define ZQ_CTRL_MEAS 0xf4
#define ZQ_CONFIG 0xf5
"""
    links = _links("zq_base.h", text)
    assert [links[f"cal0{k}"] for k in (0, 2, 4)] == [("ZQ_A1_MSB", 2), ("ZQ_A2_MSB", 4), ("ZQ_A3_MSB", 6)]
    assert not {"cal01", "cal03", "cal05"} & set(links)


def test_word_enum_of_a_register_container_links_the_block():
    """A C# register enum naming the block's 16-bit words by meaning, its own prefix family that no
    other member links: the enum is named for registers, and the values rise by two in the block."""
    text = """namespace Zq.Sensors
{
    internal enum ZqRegister : byte
    {
        CTRL_MEAS = 0xF4,

        COEF_T1 = 0x80,
        COEF_T2 = 0x82,
        COEF_P1 = 0x84,
        COEF_P2 = 0x86,

        STATUS = 0xF3,
        CONFIG = 0xF5,
        CHIP_ID = 0xD0,
    }
}
"""
    links = _links("ZqRegister.cs", text)
    assert links["cal00"] == ("COEF_T1", 7)
    assert links["cal06"] == ("COEF_P2", 10)
    assert links["ctrl_meas"] == ("CTRL_MEAS", 5)
    assert "cal01" not in links


def test_bit_positions_are_no_range_block():
    """Field positions named ``_LSB``/``_MSB`` whose values happen to fall on range members do not
    rise through the block by one or two: nothing links to the range."""
    regs = [("bits7...bits0", "0x07"), ("ctrl", "0x20"), ("status", "0x21"), ("data", "0x22")]
    text = """/* zq4711 */
#define ZQ_CTRL 0x20
#define ZQ_STATUS 0x21
#define ZQ_DATA 0x22
#define ZQ_ODR_LSB 0
#define ZQ_ODR_MSB 3
#define ZQ_FS_LSB 4
#define ZQ_FS_MSB 7
"""
    links = _links("zq_bits.h", text, regs)
    assert not [r for r in links if r.startswith("bits")]


def test_a_lone_block_start_links_the_rows_lowest_member():
    """Code that reads the whole block in one burst names only its start (``_REG_COEF_T1 0x80``,
    among the family's other register constants): the row's lowest member links to it; a
    constant of a bit-value family at a member's address does not."""
    text = '''"""ZQ4711 driver."""
from micropython import const

_ZQ_CHIP = const(0x58)
_REG_CHIPID = const(0xD0)
_REG_COEF_T1 = const(0x80)
_REG_SOFTRESET = const(0xE0)
_REG_STATUS = const(0xF3)
_REG_CTRL_MEAS = const(0xF4)
_REG_CONFIG = const(0xF5)
FILTER_X2 = const(0x01)
FILTER_X4 = const(0x02)
FILTER_X8 = const(0x03)
'''
    links = _links("zq4711.py", text)
    assert links["cal00"] == ("_REG_COEF_T1", 6)
    assert not {f"cal0{k}" for k in range(1, 4)} & set(links)
    assert links["status"] == ("_REG_STATUS", 8)


def test_a_constant_valued_at_no_register_does_not_break_a_run():
    """A register block named by field contents (``CONF_T_P_MODE`` for ctrl_meas) with an alias
    constant in it whose value is no register of the map (``MEM_PAGE 0xf3``, a page-select view):
    the alias is passed over, and the member after it is still inside the run."""
    regs = [("res_heat_0", "0x5a"), ("gas_wait_0", "0x64"), ("heat_ctrl", "0x70"), ("odr_run_gas_nbc", "0x71"),
            ("os_h", "0x72"), ("status", "0x73"), ("ctrl_meas", "0x74"), ("odr_filt", "0x75"),
            ("id", "0xd0"), ("reset", "0xe0")]
    text = '''"""ZQ4711 constants."""
RES_HEAT0_ADDR = 0x5a
GAS_WAIT0_ADDR = 0x64
CONF_HEAT_CTRL_ADDR = 0x70
CONF_ODR_RUN_GAS_NBC_ADDR = 0x71
CONF_OS_H_ADDR = 0x72
CONF_MEM_PAGE_ADDR = 0xf3
CONF_T_P_MODE_ADDR = 0x74
CONF_ODR_FILT_ADDR = 0x75
CHIP_ID_ADDR = 0xd0
SOFT_RESET_ADDR = 0xe0
'''
    links = _links("zq_constants.py", text, regs)
    assert links["ctrl_meas"] == ("CONF_T_P_MODE_ADDR", 8)
    assert links["os_h"] == ("CONF_OS_H_ADDR", 6)
    assert "status" not in links  # 0xf3 is no register here
