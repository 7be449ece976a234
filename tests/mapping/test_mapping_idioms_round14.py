"""Idioms of the fourteenth round of the mapping development set (issue 18: dev pairs taken as
found), each in a few hand-written lines (written for these tests, no vendor code copied), each
asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.constants import parse_constants
from firmcorpus.mapping.core import map_pair
from firmcorpus.parsers.code import parse_code
from tests.mapping.idiom_pairs import repo_links as _repo_links
from tests.mapping.idiom_pairs import sheet as _sheet

_GO_REGS = [("Control A", "0x00"), ("Control B", "0x01"), ("Seconds", "0x02"), ("Minutes", "0x03"),
            ("Hours", "0x04"), ("Status", "0x10"), ("Mode", "0x11"), ("Threshold", "0x12")]


def test_go_package_constants_are_read():
    """A Go package names its registers with one-line ``const sec = 0x02`` (lower-case abbreviations)
    and a ``const ( ... )`` block of constants of a named type counted by ``iota``; a chip-address
    constant and data values sit beside them. Each register links to its constant."""
    texts = {
        "qr7705/registers.go": ("package qr7705\n"
                                "\n"
                                "const chipAddress = 0x32\n"
                                "const ctrla = 0x00\n"
                                "const ctrlb = 0x01 // control B\n"
                                "const sec = 0x02\n"
                                "const min = 0x03\n"
                                "const hour = 0x04\n"
                                "\n"
                                "type reg uint8\n"
                                "\n"
                                "const (\n"
                                "\tregStatus reg = iota + 0x10\n"
                                "\tregMode\n"
                                "\tregThreshold\n"
                                ")\n"
                                "\n"
                                "const stopBit = 0x20\n"),
        "qr7705/qr7705.go": ("package qr7705\n"
                             "\n"
                             "// Driver for the QR7705 clock.\n"
                             "func (d *Device) Stop() { d.write(ctrla, stopBit) }\n"),
    }
    assert _repo_links(texts, _GO_REGS, "QR7705 real-time clock") == {
        ("Control A", "ctrla", "qr7705/registers.go", 4),
        ("Control B", "ctrlb", "qr7705/registers.go", 5),
        ("Seconds", "sec", "qr7705/registers.go", 6),
        ("Minutes", "min", "qr7705/registers.go", 7),
        ("Hours", "hour", "qr7705/registers.go", 8),
        ("Status", "regStatus", "qr7705/registers.go", 13),
        ("Mode", "regMode", "qr7705/registers.go", 14),
        ("Threshold", "regThreshold", "qr7705/registers.go", 15),
    }


def test_go_constant_forms():
    """Typed and untyped one-line constants, conversions (``byte(0x20)``), binary literals with
    underscores, block comments and the blank identifier: the values a Go compiler gives."""
    src = ("package x\n"
           "/* const hidden = 0x7f */\n"
           "const a uint8 = 0x1F\n"
           "const (\n"
           "\tk kind = iota\n"
           "\t_\n"
           "\tm\n"
           "\tb = byte(0x20)\n"
           "\tc = 0b0001_0000\n"
           "\td = b + 1\n"
           ")\n")
    got = {(s.kind, s.name, s.int_value, s.parent) for s in parse_constants("x/x.go", src).symbols}
    assert got == {("variable", "a", 0x1F, None), ("enumerator", "k", 0, "kind"), ("enumerator", "m", 2, "kind"),
                   ("variable", "b", 0x20, None), ("variable", "c", 0x10, None), ("variable", "d", 0x21, None)}


def test_a_register_block_copied_with_word_indices_links_once():
    """Two headers of one project define the same six names: one as byte offsets (the datasheet's
    addresses), the other as 32-bit word indices (offset / 4). The first register, at offset 0, has
    the same value in both; it links where the block sits at the datasheet's addresses only."""
    files = {
        "kx/include/kx_spi_bytes.h": ("#define KSPI_CS    0x00\n"
                                      "#define KSPI_FIFO  0x04\n"
                                      "#define KSPI_CLK   0x08\n"
                                      "#define KSPI_DLEN  0x0c\n"
                                      "#define KSPI_LTOH  0x10\n"
                                      "#define KSPI_DC    0x14\n"
                                      "#define KSPI_CS_TA 0x00000080\n"),
        "kx/include/kx_spi.h": ("/* SPI block, word offsets for a u32 pointer */\n"
                                "#define KSPI_CS    0x00\n"
                                "#define KSPI_FIFO  0x01\n"
                                "#define KSPI_CLK   0x02\n"
                                "#define KSPI_DLEN  0x03\n"
                                "#define KSPI_LTOH  0x04\n"
                                "#define KSPI_DC    0x05\n"),
    }
    regs = [("CS", "0x00"), ("FIFO", "0x04"), ("CLK", "0x08"), ("DLEN", "0x0C"), ("LTOH", "0x10"), ("DC", "0x14")]
    parsed = [parse_code(p, t.encode()) for p, t in files.items()]
    res = map_pair(_sheet(regs, "SPI master registers"), parsed, files)
    got = {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}
    f = "kx/include/kx_spi_bytes.h"
    assert got == {("CS", "KSPI_CS", f, 1), ("FIFO", "KSPI_FIFO", f, 2), ("CLK", "KSPI_CLK", f, 3),
                   ("DLEN", "KSPI_DLEN", f, 4), ("LTOH", "KSPI_LTOH", f, 5), ("DC", "KSPI_DC", f, 6)}
