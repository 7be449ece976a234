"""Idioms of the twelfth round of the mapping development set (issue 18: the idioms the dev half
lacked), each in a few hand-written lines (written for these tests, no vendor code copied), each
asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.core import map_pair
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register


def _links(files: dict[str, str], regs, title="QV2290 gyroscope") -> set[tuple[str, str, str, int]]:
    parsed = [parse_code(p, t.encode()) for p, t in files.items()]
    sheet = Datasheet(source="qv2290.pdf", pages=1, title=title,
                      registers=[Register(name=n, address=a, peripheral=sp) for n, a, *rest in regs
                                 for sp in [rest[0] if rest else None]])
    res = map_pair(sheet, parsed, files)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def test_spi_command_constants_carry_the_address_under_an_access_prefix():
    """``const uint8_t RdCmd_ID = 0x8D;`` (address | 0x80, the read bit) and ``RdCmd_GX_LO = 0xE2``
    (| 0xC0, read with auto-increment) beside ``WrCmd_MODE1 = 0x12`` (the address): the access prefix
    names no register; each register links once, to the constant valued at its address where there is
    one, else to its read command."""
    src = ("// qv2290 command bytes\n"
           "const uint8_t RdCmd_ID = 0x8D;\n"
           "const uint8_t RdCmd_MODE1 = 0x92;\n"
           "const uint8_t WrCmd_MODE1 = 0x12;\n"
           "const uint8_t RdCmd_MODE2 = 0x93;\n"
           "const uint8_t RdCmd_FLAGS = 0x9A;\n"
           "const uint8_t RdCmd_GX_LO = 0xE2;\n"
           "const uint8_t RdCmd_GX_HI = 0xE3;\n")
    regs = [("ID", "0x0D"), ("MODE1", "0x12"), ("MODE2", "0x13"), ("FLAGS", "0x1A"), ("GX_LO", "0x22"),
            ("GX_HI", "0x23")]
    assert _links({"qv2290_cmd.h": src}, regs) == {
        ("ID", "RdCmd_ID", "qv2290_cmd.h", 2),
        ("MODE1", "WrCmd_MODE1", "qv2290_cmd.h", 4),
        ("MODE2", "RdCmd_MODE2", "qv2290_cmd.h", 5),
        ("FLAGS", "RdCmd_FLAGS", "qv2290_cmd.h", 6),
        ("GX_LO", "RdCmd_GX_LO", "qv2290_cmd.h", 7),
        ("GX_HI", "RdCmd_GX_HI", "qv2290_cmd.h", 8),
    }

