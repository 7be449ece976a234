"""Idioms of the eighth round of the mapping development set (issue 18: in-tree Linux drivers), each in
a few hand-written lines (written for these tests, no vendor code copied), each asserting the exact
link."""

from __future__ import annotations

from firmcorpus.mapping.core import map_pair
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register


def _links(files: dict[str, str], regs, title="ZQ4711 switch") -> set[tuple[str, str, str, int]]:
    parsed = [parse_code(p, t.encode()) for p, t in files.items()]
    sheet = Datasheet(source="zq4711.pdf", pages=1, title=title,
                      registers=[Register(name=n, address=a) for n, a in regs])
    res = map_pair(sheet, parsed, files)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def test_an_enum_indexed_constant_table_is_parsed_entry_by_entry():
    """``u16 zq_regs[] = { [REG_LOOKUP_CTRL] = 0x6E, ... }``: one variable per entry, named by the
    array and its enumerator, valued at the constant; a table of values that are no constants is not."""
    src = ("enum zq_reg { REG_LOOKUP_CTRL, REG_LOOKUP_DATA, S_RUN_CTRL };\n"
           "static const unsigned short zq_regs[] = {\n"
           "\t[REG_LOOKUP_CTRL]\t= 0x6E,\n"
           "\t[REG_LOOKUP_DATA]\t= 0x70,\n"
           "\t[S_RUN_CTRL]\t\t= 0x01,\n"
           "};\n"
           "static const unsigned int zq_masks[] = {\n"
           "\t[REG_LOOKUP_CTRL]\t= ZQ_BIT(7),\n"
           "\t[REG_LOOKUP_DATA]\t= ZQ_BIT(6),\n"
           "\t[S_RUN_CTRL]\t\t= ZQ_BIT(5),\n"
           "};\n")
    cf = parse_code("zq_common.c", src.encode())
    got = {(s.name, s.int_value, s.parent, s.start_line) for s in cf.symbols if s.name.startswith("zq_")
           and "[" in s.name}
    assert got == {("zq_regs[REG_LOOKUP_CTRL]", 0x6E, "zq_regs", 3), ("zq_regs[REG_LOOKUP_DATA]", 0x70, "zq_regs", 4),
                   ("zq_regs[S_RUN_CTRL]", 0x01, "zq_regs", 5)}


def test_a_register_named_only_in_an_enum_indexed_table_links_to_its_entry():
    """A register the code names only as an entry of a per-part address table (the same enum indexes
    another part's table in the same file) links to that entry of the part's table."""
    files = {
        "zq_common.c": ("static const unsigned short zq4711_regs[] = {\n"
                        "\t[REG_LOOKUP_CTRL_0]\t= 0x6E,\n"
                        "\t[REG_LOOKUP_DATA_8]\t= 0x70,\n"
                        "\t[REG_LOOKUP_DATA_7]\t= 0x71,\n"
                        "};\n"
                        "static const unsigned short zq2200_regs[] = {\n"
                        "\t[REG_LOOKUP_CTRL_0]\t= 0x79,\n"
                        "\t[REG_LOOKUP_DATA_8]\t= 0x7B,\n"
                        "\t[REG_LOOKUP_DATA_7]\t= 0x7C,\n"
                        "};\n"),
    }
    regs = [("Lookup Control 0", "0x6E"), ("Lookup Data 8", "0x70"), ("Lookup Data 7", "0x71")]
    assert _links(files, regs) == {
        ("Lookup Control 0", "zq4711_regs[REG_LOOKUP_CTRL_0]", "zq_common.c", 2),
        ("Lookup Data 8", "zq4711_regs[REG_LOOKUP_DATA_8]", "zq_common.c", 3),
        ("Lookup Data 7", "zq4711_regs[REG_LOOKUP_DATA_7]", "zq_common.c", 4),
    }


_CMDS = """static unsigned short zq_i2c_cmds[] = {
\t[CMD_GO] = 0x0010,
\t[CMD_HALT_MEAS] = 0x0104,
\t[CMD_MEAS_INTERVAL] = 0x4600,
\t[CMD_DATA_READY] = 0x0202,
\t[CMD_READ_MEAS] = 0x0300,
\t[CMD_REVISION] = 0xd100,
};
"""


def test_an_address_table_whose_registers_no_other_symbol_carries_links_its_unnamed_entries():
    """A command table indexed by an enum named for what the driver does: four entries agree with the
    datasheet's names, and the other two (``CMD_GO`` for 'Trigger continuous measurement',
    ``CMD_REVISION`` for 'Read firmware version') hold the codes of the remaining commands; the
    same enum's table of another bus (other values) stays unlinked."""
    files = {"zq_i2c.c": _CMDS,
             "zq_serial.c": "static unsigned short zq_serial_cmds[] = {\n\t[CMD_GO] = 0x0036,\n"
                            "\t[CMD_HALT_MEAS] = 0x0037,\n\t[CMD_DATA_READY] = 0x0027,\n};\n"}
    regs = [("Trigger continuous measurement", "0x0010"), ("Halt measurement", "0x0104"),
            ("Measurement interval", "0x4600"), ("Get data ready status", "0x0202"),
            ("Read measurement", "0x0300"), ("Read firmware version", "0xD100")]
    got = _links(files, regs, "ZQ30 CO2 sensor interface description")
    assert ("Trigger continuous measurement", "zq_i2c_cmds[CMD_GO]", "zq_i2c.c", 2) in got
    assert ("Read firmware version", "zq_i2c_cmds[CMD_REVISION]", "zq_i2c.c", 7) in got
    assert len(got) == 6 and all(f == "zq_i2c.c" for _, _, f, _ in got)


def test_a_table_that_repeats_registers_defined_elsewhere_fills_nothing():
    """A table whose entries hold registers that macros already carry (aliases and per-port offsets)
    is no register map: its entry valued like an unnamed register is not linked to it."""
    files = {
        "zq4711_reg.h": "#define REG_GLOBAL_CTRL_0\t0x02\n#define REG_GLOBAL_CTRL_1\t0x03\n#define REG_GLOBAL_CTRL_2\t0x04\n"
                    "#define REG_GLOBAL_CTRL_4\t0x06\n",
        "zq_common.c": ("static const unsigned short zq4711_regs[] = {\n"
                        "\t[REG_LOOKUP_CTRL_0]\t= 0x6E,\n\t[REG_LOOKUP_DATA_8]\t= 0x70,\n\t[REG_LOOKUP_DATA_7]\t= 0x71,\n"
                        "\t[P_STP_CTRL]\t= 0x02,\n\t[S_MCAST_CTRL]\t= 0x04,\n\t[P_SPEED_STATUS]\t= 0x05,\n"
                        "\t[S_BCAST_CTRL]\t= 0x06,\n};\n"),
    }
    regs = [("Global Control 0", "0x02"), ("Global Control 1", "0x03"), ("Global Control 2", "0x04"),
            ("Global Control 3", "0x05"), ("Global Control 4", "0x06"), ("Lookup Control 0", "0x6E"),
            ("Lookup Data 8", "0x70"), ("Lookup Data 7", "0x71")]
    got = _links(files, regs)
    assert not any(r == "Global Control 3" for r, _, _, _ in got)
    assert ("Global Control 0", "REG_GLOBAL_CTRL_0", "zq4711_reg.h", 1) in got


_SWITCH_REG_H = "".join(
    ["#define REG_SW_CTRL_%d\t\t0x%02X\n" % (n, 2 + n) for n in range(4)]
    + ["#define REG_PORT_%d_CTRL_%d\t0x%X%X\n" % (p, n, p, n) for p in (1, 2, 3, 4) for n in range(3)]
    + ["#define REG_PORT_%d_STATUS_0\t0x%X8\n" % (p, p) for p in (1, 2, 3, 4)]
    + ["\n#define REG_PORT_CTRL_0\t\t0x00\n#define REG_PORT_CTRL_1\t\t0x01\n#define REG_PORT_CTRL_2\t\t0x02\n"
       "#define REG_PORT_STATUS_0\t0x08\n"])


def test_a_shared_number_alone_is_no_name_match():
    """'Chip ID0' and ``PORT_CTRL_0`` share only the number: no similarity at all (a per-port offset
    macro valued 0x00 must not pass for the chip id register by a 'partial name')."""
    from firmcorpus.mapping.names import name_similarity, register_tokens

    assert name_similarity(register_tokens("Chip ID0"), ("port", "ctrl", "0"), (0.2, 0.2, 1.0)) == (0.0, "none")
    assert name_similarity(register_tokens("Port 1 Control 0"), ("port", "ctrl", "0"))[0] > 0.5


def test_a_per_port_offset_macro_is_not_the_global_register_its_value_collides_with():
    """``REG_PORT_CTRL_0 0x00`` (the offset of 'Port 1 Control 0' inside a port block) shares only a
    number with 'Chip ID0' at 0x00: not linked; the chip id macro of the common header is (a guard
    beside the name test above: this small file does not weigh the words as the real header did)."""
    files = {"zq4711_reg.h": _SWITCH_REG_H, "zq_common.h": "#define REG_CHIP_ID0\t\t0x00\n",
             "zq4711.c": '#include "zq_common.h"\n#include "zq4711_reg.h"\n'}
    regs = [("Chip ID0", "0x00"), ("Chip ID1", "0x01"), ("Global Control 0", "0x02"), ("Global Control 1", "0x03"),
            ("Global Control 2", "0x04"), ("Global Control 3", "0x05"), ("Port 1 Control 0", "0x10"),
            ("Port 1 Control 1", "0x11"), ("Port 1 Control 2", "0x12"), ("Port 1 Status 0", "0x18"),
            ("Port 2 Control 0", "0x20"), ("Port 2 Control 1", "0x21"), ("Port 2 Control 2", "0x22"),
            ("Port 2 Status 0", "0x28")]
    got = _links(files, regs)
    chip = {(s, f) for r, s, f, _ in got if r.startswith("Chip ID")}
    assert chip == {("REG_CHIP_ID0", "zq_common.h")}
    assert ("Port 1 Control 0", "REG_PORT_1_CTRL_0", "zq4711_reg.h", 5) in got


def test_a_copy_that_drops_a_word_of_the_name_in_another_file_is_not_linked():
    """'Port 1 Status 0' at 0x18 is ``REG_PORT_1_STATUS_0`` in the register header; ``ZQ_PORT_STATUS_0
    0x18`` in a common header spells it without the port and is not linked beside it."""
    files = {"zq4711_reg.h": _SWITCH_REG_H, "zq_common.h": "#define ZQ_PORT_STATUS_0\t0x18\n",
             "zq4711.c": '#include "zq_common.h"\n#include "zq4711_reg.h"\n'}
    regs = [("Global Control 0", "0x02"), ("Global Control 1", "0x03"), ("Global Control 2", "0x04"),
            ("Port 1 Control 0", "0x10"), ("Port 1 Control 1", "0x11"), ("Port 1 Status 0", "0x18")]
    got = _links(files, regs)
    assert {(s, f, n) for r, s, f, n in got if r == "Port 1 Status 0"} == {("REG_PORT_1_STATUS_0", "zq4711_reg.h", 17)}


def test_per_port_offsets_link_to_a_register_printed_once_for_port_n():
    """The datasheet prints each per-port register once, 'Port N MIB Data' at 0xN504 (listed at port 1,
    0x1504); the driver defines the offset inside the port block, ``REG_PORT_MIB_DATA 0x0504``, and
    or-s the port above it at the call sites. The placeholder N is no word of the name, so the family's
    exactly named members fit value = address - 0x1000 and the others follow; the offsets that collide
    with global registers (0x0000, 0x0300) stay off those."""
    files = {"zq4711_reg.h": ("#define REG_CHIP_ID0\t\t\t0x0000\n"
                              "#define REG_SW_OPERATION\t\t0x0300\n"
                              "#define PORT_CTRL_ADDR(port, addr)\t((addr) | (((port) + 1) << 12))\n"
                              "#define REG_PORT_VLAN_TAG\t\t0x0000\n"
                              "#define REG_PORT_CUSTOM_VID\t\t0x0002\n"
                              "#define REG_PORT_XMII_CTRL_0\t\t0x0300\n"
                              "#define REG_PORT_MAC_CTRL_0\t\t0x0400\n"
                              "#define REG_PORT_INGRESS_LIMIT\t\t0x0403\n"
                              "#define REG_PORT_MIB_DATA\t\t0x0504\n")}
    regs = [("Global Chip ID 0", "0x0000"), ("Switch Operation", "0x0300"), ("Port N VLAN Tag", "0x1000"),
            ("Port N Custom VID", "0x1002"), ("Port N XMII Control 0", "0x1300"), ("Port N MAC Control 0", "0x1400"),
            ("Port N Ingress Limit", "0x1403"), ("Port N MIB Data", "0x1504")]
    got = _links(files, regs)
    assert got == {
        ("Global Chip ID 0", "REG_CHIP_ID0", "zq4711_reg.h", 1), ("Switch Operation", "REG_SW_OPERATION", "zq4711_reg.h", 2),
        ("Port N VLAN Tag", "REG_PORT_VLAN_TAG", "zq4711_reg.h", 4),
        ("Port N Custom VID", "REG_PORT_CUSTOM_VID", "zq4711_reg.h", 5),
        ("Port N XMII Control 0", "REG_PORT_XMII_CTRL_0", "zq4711_reg.h", 6),
        ("Port N MAC Control 0", "REG_PORT_MAC_CTRL_0", "zq4711_reg.h", 7),
        ("Port N Ingress Limit", "REG_PORT_INGRESS_LIMIT", "zq4711_reg.h", 8),
        ("Port N MIB Data", "REG_PORT_MIB_DATA", "zq4711_reg.h", 9),
    }


def test_a_header_named_for_the_part_family_with_an_x_wildcard_is_the_part_s():
    """Of several 8051-style headers declaring the same SFRs (``__sfr __at 0x80 P0 ;``), the one named
    for the family with an ``x`` wildcard (``zq89x52.h`` for the ZQ89S52) carries the links; a generic
    header and another part's header do not."""
    sfrs = "__sfr __at 0x80 P0 ;\n__sfr __at 0x81 SP ;\n__sfr __at 0x87 PCON ;\n__sfr __at 0x88 TCON ;\n" \
           "__sfr __at 0x89 TMOD ;\n__sbit __at 0x88 IT0 ;\n"
    files = {"include/zq89x52.h": sfrs, "include/generic51.h": sfrs,
             "include/zq89c5130.h": sfrs + "__sfr __at 0xA2 AUXR1 ;\n"}
    regs = [("P0", "0x80"), ("SP", "0x81"), ("PCON", "0x87"), ("TCON", "0x88"), ("TMOD", "0x89"), ("AUXR1", "0xA2")]
    got = _links(files, regs, "ZQ89S52 8-bit microcontroller with 8K bytes flash")
    assert got == {(n, n, "include/zq89x52.h", line) for n, line in (("P0", 1), ("SP", 2), ("PCON", 3), ("TCON", 4),
                                                                      ("TMOD", 5))}
