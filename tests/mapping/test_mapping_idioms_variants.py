"""The failure modes and idioms issue 18 names, each in several hand-written variants (other
prefixes, file layouts, value spellings, header splits, two or three parts in one SDK tree; written
for these tests, no vendor code copied), each asserting the exact links. The single-spelling tests
of the same idioms are in ``test_mapping_idioms*.py``; these check the mechanism, not one spelling."""

from __future__ import annotations

import re

import pytest

from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.models import Datasheet, Register, Section

REGS = [("CONFIG", "0x00"), ("STATUS", "0x01"), ("DATA_LSB", "0x02"), ("DATA_MSB", "0x03"), ("THRESHOLD", "0x04"),
        ("CHIP_ID", "0x0f")]


def _sheet(regs=REGS, title="QK3150 sensor", first_page: str = "") -> Datasheet:
    """``regs``: (name, address) or (name, address, space)."""
    secs = [Section(id="s1", title="Overview", level=1, page_start=1, page_end=1, text=first_page)] if first_page else []
    return Datasheet(source="ds.pdf", pages=1, title=title, sections=secs,
                     registers=[Register(name=r[0], address=r[1], peripheral=r[2] if len(r) > 2 else None)
                                for r in regs])


def _links(files: dict[str, str], regs=REGS, title="QK3150 sensor", first_page: str = "") -> set[tuple]:
    res, _ = map_repo(_sheet(regs, title, first_page), dict(files))
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def _expect(rows: list[tuple[str, str, int]], path: str) -> set[tuple]:
    return {(r, s, path, line) for r, s, line in rows}


# --- local fallback definitions of standard macros -------------------------------------------------

_FALLBACKS = {
    "if_not_defined_undefined_helper": "#if !defined(UINT8_C)\n#define UINT8_C(x) QK_U8(x)\n#endif\n",
    "ifndef_token_paste": "#ifndef UINT8_C\n#define UINT8_C(c) c ## U\n#endif\n",
    "two_guards_on_one_line": "#if !defined(UINT8_C) && !defined(INT8_C)\n#define INT8_C(x) S8_C(x)\n"
                              "#define UINT8_C(x) U8_C(x)\n#endif\n",
    "cast_fallback": "#ifndef UINT8_C\n#define UINT8_C(x) ((uint8_t)(x))\n#endif\n",
}


@pytest.mark.parametrize("split", [False, True], ids=["one_header", "fallback_in_a_common_header"])
@pytest.mark.parametrize("fallback", sorted(_FALLBACKS))
def test_fallback_definition_of_a_standard_macro_keeps_the_register_values(fallback, split):
    regs = "#define QK3150_REG_CONFIG UINT8_C(0x00)\n#define QK3150_REG_STATUS UINT8_C(0x01)\n" \
           "#define QK3150_REG_DATA_LSB UINT8_C(0x02)\n#define QK3150_REG_CHIP_ID UINT8_C(0x0F)\n" \
           "#define QK3150_CHIP_ID_VAL UINT8_C(0x61)\n"
    if split:
        files = {"src/qk_common.h": _FALLBACKS[fallback],
                 "src/qk3150_defs.h": '#include "qk_common.h"\n' + regs}
        path, first = "src/qk3150_defs.h", 2
    else:
        files = {"src/qk3150_defs.h": _FALLBACKS[fallback] + regs}
        path, first = "src/qk3150_defs.h", _FALLBACKS[fallback].count("\n") + 1
    assert _links(files) == _expect([("CONFIG", "QK3150_REG_CONFIG", first), ("STATUS", "QK3150_REG_STATUS", first + 1),
                                     ("DATA_LSB", "QK3150_REG_DATA_LSB", first + 2),
                                     ("CHIP_ID", "QK3150_REG_CHIP_ID", first + 3)], path)


def test_a_sixteen_bit_fallback_under_if_not_defined():
    regs = [("CTRL", "0x0100"), ("STAT", "0x0102"), ("FIFO", "0x0104"), ("IDENT", "0x01fe")]
    text = ("#if !defined(UINT16_C)\n#define UINT16_C(v) U16_LITERAL(v)\n#endif\n"
            "#define QK_CTRL_ADDR UINT16_C(0x0100)\n#define QK_STAT_ADDR UINT16_C(0x0102)\n"
            "#define QK_FIFO_ADDR UINT16_C(0x0104)\n#define QK_IDENT_ADDR UINT16_C(0x01FE)\n")
    assert _links({"qk3150.h": text}, regs) == _expect(
        [("CTRL", "QK_CTRL_ADDR", 4), ("STAT", "QK_STAT_ADDR", 5), ("FIFO", "QK_FIFO_ADDR", 6),
         ("IDENT", "QK_IDENT_ADDR", 7)], "qk3150.h")


# --- SPI command enums: the address shifted into the command byte ----------------------------------

_SPI_VARIANTS = {
    "c_enum_hex": ("qk3150.h", "enum qk_cmd {{\n{body}}};\n", "  {name} = 0x{a:02X} << 1,\n", "{w}Reg", 1),
    "cpp_enum_class": ("qk3150.hpp", "enum class QkReg : uint8_t {{\n{body}}};\n", "  {name} = (0x{a:02X} << 1),\n",
                       "{w}", 1),
    "decimal_in_a_class": ("qk3150.hpp", "class Qk3150 {{\n public:\n  enum PcdRegister : uint8_t {{\n{body}  }};\n}};\n",
                           "    {name} = {a} << 1,\n", "{w}Reg", 3),
    "defines_with_prefix": ("qk3150_regs.h", "{body}", "#define QK_{name} (0x{a:02X} << 1)\n", "{W}", 0),
}


@pytest.mark.parametrize("variant", sorted(_SPI_VARIANTS))
def test_spi_command_enums_with_the_address_shifted_left(variant):
    path, frame, row, spell, head = _SPI_VARIANTS[variant]
    words = [("CONFIG", "Config"), ("STATUS", "Status"), ("DATA_LSB", "DataLsb"), ("DATA_MSB", "DataMsb"),
             ("THRESHOLD", "Threshold"), ("CHIP_ID", "ChipId")]
    addrs = dict(REGS)
    body = "".join(row.format(name=spell.format(w=w, W=r), a=int(addrs[r], 16)) for r, w in words)
    text = "// QK3150 front end\n" + frame.format(body=body) + "enum qk_op { QK_IDLE = 0x00, QK_MEM = 0x01, QK_RX = 0x08 };\n"
    sym = (lambda r, w: f"QK_{r}") if variant == "defines_with_prefix" else (lambda r, w: spell.format(w=w, W=r))
    got = _links({path: text})
    assert got == _expect([(r, sym(r, w), 2 + head + i) for i, (r, w) in enumerate(words)], path)


# --- block-encoded per-instance macros with helpers in another header, chosen by #if CHIP == N -----

_CONF = """#ifndef QK_CONF_H
#define QK_CONF_H
#define QK3150 3150
#define QK3200 3200
#ifndef _QK_CHIP_
#define _QK_CHIP_ {sel}
#endif
{base}#if _QK_CHIP_ == {ours}
#include "qk3150/qk3150.h"
#elif _QK_CHIP_ == {theirs}
#include "qk3200/qk3200.h"
#endif
#endif
"""

_BLOCKS = """#ifndef QK_BLOCKS_H
#define QK_BLOCKS_H
#define QK_CREG_BLOCK          0x00
#define QK_SREG_BLOCK(N)       (1 + 4 * (N))
#define QK_TXBUF_BLOCK(N)      (2 + 4 * (N))
#endif
"""


def _chip_header(part: str, regs: list[tuple[str, int]], sock: list[tuple[str, int]], join: str, conf: bool) -> str:
    out = [f"/* {part} register addresses */", '#include "../qk_conf.h"' if conf else "/* no config */",
           '#include "../qk_blocks.h"']
    for n, off in regs:
        out.append(f"#define {n} (QK_IO_BASE_ + (0x{off:04X} << 8) {join} (QK_CREG_BLOCK << 3))")
    for n, off in sock:
        out.append(f"#define {n}(ch) (QK_IO_BASE_ + (0x{off:04X} << 8) {join} (QK_SREG_BLOCK(ch) << 3))")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("join", ["+", "|"])
@pytest.mark.parametrize("selector", ["bare_number", "named_number"])
@pytest.mark.parametrize("layout", ["chip_header_includes_the_config", "base_in_the_blocks_header"])
@pytest.mark.parametrize("title", ["QK3150 network controller", "qk3150 Datasheet Version 1.0"])
def test_block_encoded_registers_of_the_dispatched_chip_with_helpers_in_another_header(join, selector, layout, title):
    """``(offset << 8) | (block << 3)`` registers and per-socket macros ``Sn_MR(ch)`` whose block
    helpers live in another header, in a tree holding two chips' headers behind ``#if CHIP == N``:
    only the dispatched chip's header links, each macro at its decoded address (instance 0)."""
    common = [("MR", 0x0000), ("GAR", 0x0001), ("SUBR", 0x0005), ("SHAR", 0x0009), ("SIPR", 0x000F)]
    sock = [("Sn_MR", 0x0000), ("Sn_CR", 0x0001), ("Sn_IR", 0x0002), ("Sn_SR", 0x0003), ("Sn_PORT", 0x0004)]
    other = [("MR", 0x0000), ("GAR", 0x0002), ("SUBR", 0x0006), ("SHAR", 0x000A), ("SIPR", 0x0010)]
    conf = layout == "chip_header_includes_the_config"
    ours, theirs = ("3150", "3200") if selector == "bare_number" else ("QK3150", "QK3200")
    base = "#define QK_IO_BASE_ 0x00000000\n"
    files = {"lib/qk_conf.h": _CONF.format(sel=ours, ours=ours, theirs=theirs, base=base if conf else ""),
             "lib/qk_blocks.h": _BLOCKS.replace("#endif", "" if conf else base + "#endif"),
             "lib/qk3150/qk3150.h": _chip_header("QK3150", common, sock, join, conf),
             "lib/qk3200/qk3200.h": _chip_header("QK3200", other, sock, join, conf),
             "app/main.c": '#include "qk_conf.h"\nint main(void) { return 0; }\n'}
    regs = [(n, f"0x{a:04x}", "common") for n, a in common] + [(n, f"0x{a:04x}", "socket") for n, a in sock]
    got = _links(files, regs, title=title)
    assert got == _expect([(n, n, 4 + i) for i, (n, _) in enumerate(common)]
                          + [(n, n, 9 + i) for i, (n, _) in enumerate(sock)], "lib/qk3150/qk3150.h")


# --- I/O addresses against data-space addresses ----------------------------------------------------

_IO_REGS = [("PINB", "0x03 (0x23)"), ("DDRB", "0x04 (0x24)"), ("PORTB", "0x05 (0x25)"), ("TIFR0", "0x15 (0x35)"),
            ("SREG", "0x3F (0x5F)"), ("UCSR0A", "(0xC0)"), ("UDR0", "(0xC6)")]


@pytest.mark.parametrize("style", ["io_accessor", "data_space_pointer", "data_space_plain", "split_accessor"])
def test_io_registers_printed_with_their_data_address_in_parentheses(style):
    names = [r for r, _ in _IO_REGS]
    data = {"PINB": 0x23, "DDRB": 0x24, "PORTB": 0x25, "TIFR0": 0x35, "SREG": 0x5F, "UCSR0A": 0xC0, "UDR0": 0xC6}
    files = {}
    if style in ("io_accessor", "split_accessor"):
        acc = ("#define __QK_OFS 0x20\n#define _QK_MMIO8(a) (*(volatile uint8_t *)(a))\n"
               "#define _QK_IO8(a) _QK_MMIO8((a) + __QK_OFS)\n#define _QK_MEM8(a) _QK_MMIO8(a)\n")
        lines = [f"#define {n} _QK_IO8(0x{data[n] - 0x20:02X})" if data[n] < 0x60 else f"#define {n} _QK_MEM8(0x{data[n]:02X})"
                 for n in names]
        if style == "split_accessor":
            files["include/qk/sfr_defs.h"] = acc
            files["include/qk/ioqk3150.h"] = '#include "sfr_defs.h"\n' + "\n".join(lines) + "\n"
        else:
            files["include/qk/ioqk3150.h"] = acc + "\n".join(lines) + "\n"
    elif style == "data_space_pointer":
        files["include/qk/ioqk3150.h"] = "".join(f"#define {n} (*(volatile uint8_t *)0x{data[n]:02X})\n" for n in names)
    else:
        files["include/qk/ioqk3150.h"] = "".join(f"#define {n}_ADDR 0x{data[n]:02X}\n" for n in names)
    path = "include/qk/ioqk3150.h"
    head = files[path].count("\n") - len(names)
    sym = (lambda n: n + "_ADDR") if style == "data_space_plain" else (lambda n: n)
    assert _links(files, _IO_REGS) == _expect([(n, sym(n), head + 1 + i) for i, n in enumerate(names)], path)


# --- the role comes from the container: register enums whose values contain << ---------------------

_ROLE_VARIANTS = {
    "enum_named_register": ("enum QkRegister {{\n{body}}};\n", "  QK_{R} = ({a} << 0),\n", "QK_{R}"),
    "members_ending_in_reg": ("enum {{\n{body}}};\n", "  {R}_REG = 0x{a:02X} << 0,\n", "{R}_REG"),
    "typed_enum_in_a_struct": ("struct Qk3150 {{\n  enum Regs : uint8_t {{\n{body}  }};\n}};\n",
                               "    {W}Reg = {a}u << 0,\n", "{W}Reg"),
}


@pytest.mark.parametrize("variant", sorted(_ROLE_VARIANTS))
def test_register_enums_whose_values_are_shifts_are_registers(variant):
    frame, row, spell = _ROLE_VARIANTS[variant]
    words = [("CONFIG", "Config"), ("STATUS", "Status"), ("DATA_LSB", "DataLsb"), ("THRESHOLD", "Threshold"),
             ("CHIP_ID", "ChipId")]
    addrs = dict(REGS)
    body = "".join(row.format(R=r, W=w, a=int(addrs[r], 16)) for r, w in words)
    text = "// qk3150\n" + frame.format(body=body) + "enum QkMode { QK_MODE_SLEEP = 1 << 0, QK_MODE_RUN = 1 << 1 };\n"
    head = 3 if variant == "typed_enum_in_a_struct" else 2
    assert _links({"qk3150.h": text}) == _expect(
        [(r, spell.format(R=r, W=w), head + 1 + i) for i, (r, w) in enumerate(words)], "qk3150.h")


# --- part-number detection in a multi-device SDK ---------------------------------------------------

_SIBLING = "#define {p}_REG_CONFIG 0x00\n#define {p}_REG_STATUS 0x01\n#define {p}_REG_DATA_LSB 0x02\n" \
           "#define {p}_REG_CHIP_ID 0x0F\n"


@pytest.mark.parametrize("case", ["upper", "lower", "title"])
def test_sibling_folders_per_part_with_the_same_file_names(case):
    spell = {"upper": str.upper, "lower": str.lower, "title": str.title}[case]
    files = {f"drivers/{spell(p)}/regs.h": _SIBLING.format(p=p.upper()) for p in ("qk3150", "qk3160", "qk3170")}
    files.update({f"drivers/{spell(p)}/driver.c": f'#include "regs.h"\n/* {p} */\n' for p in ("qk3150", "qk3160", "qk3170")})
    path = f"drivers/{spell('qk3150')}/regs.h"
    assert _links(files, title="Qk3150 digital sensor") == _expect(
        [("CONFIG", "QK3150_REG_CONFIG", 1), ("STATUS", "QK3150_REG_STATUS", 2), ("DATA_LSB", "QK3150_REG_DATA_LSB", 3),
         ("CHIP_ID", "QK3150_REG_CHIP_ID", 4)], path)


@pytest.mark.parametrize("guard", ["defined(__QK3150__)", "defined(QK3150)", "defined (__QK3150A__)"])
def test_elif_dispatch_of_a_multi_device_header_picks_our_part(guard):
    body = "#define CONFIG 0x00\n#define STATUS 0x01\n#define DATA_LSB 0x02\n#define CHIP_ID 0x0F\n"
    files = {"inc/qk/io.h": (f"#if defined(__QK3160__)\n#  include <qk/io_qk3160.h>\n#elif {guard}\n"
                             "#  include <qk/io_qk3150.h>\n#elif defined(__QK3170__)\n#  include <qk/io_qk3170.h>\n"
                             "#else\n#  warning \"device type not defined\"\n#endif\n"),
             "inc/qk/io_qk3150.h": body, "inc/qk/io_qk3160.h": body, "inc/qk/io_qk3170.h": body}
    assert _links(files, title="QK3150A 8-bit microcontroller") == _expect(
        [("CONFIG", "CONFIG", 1), ("STATUS", "STATUS", 2), ("DATA_LSB", "DATA_LSB", 3), ("CHIP_ID", "CHIP_ID", 4)],
        "inc/qk/io_qk3150.h")


def test_part_number_from_the_running_header_when_the_title_is_generic():
    from firmcorpus.mapping.repo import part_numbers

    ds = _sheet(title="Digital humidity sensor",
                first_page="QK3150 Rev. 2 — 1 of 40\nThe QK3150 measures humidity. Register CTRL7 sets the rate.")
    ds.sections.append(Section(id="s2", title="Register map", level=1, page_start=2, page_end=3,
                               text="QK3150 Rev. 2 — 2 of 40\nCTRL7 QK3150 Rev. 2 — 3 of 40 DS-1234567-page 3\n"))
    ds.registers.append(Register(name="CTRL7", address="0x20"))
    assert part_numbers(ds)[0] == "qk3150"


# --- aliases and family edges ---------------------------------------------------------------------

@pytest.mark.parametrize("alias", ["RBR/THR", "THR / RBR", "Receive buffer / transmit holding (RBR/THR)"])
def test_a_register_printed_under_two_names_links_either_spelling(alias):
    regs = [(alias, "0x00"), ("IER", "0x01"), ("LCR", "0x03"), ("LSR", "0x05"), ("SCR", "0x07")]
    text = ("/* qk3150 uart */\n#define QK_UART_THR 0x00\n#define QK_UART_IER 0x01\n#define QK_UART_LCR 0x03\n"
            "#define QK_UART_LSR 0x05\n#define QK_UART_SCR 0x07\n#define QK_LSR_THRE 0x20\n")
    assert _links({"qk3150_uart.h": text}, regs) == _expect(
        [(alias, "QK_UART_THR", 2), ("IER", "QK_UART_IER", 3), ("LCR", "QK_UART_LCR", 4), ("LSR", "QK_UART_LSR", 5),
         ("SCR", "QK_UART_SCR", 6)], "qk3150_uart.h")


_TYPO_FAMILY = [("INT_CFG", "0x30"), ("INT_SRC", "0x31"), ("INT_THS", "0x32"), ("INT_DURATION", "0x33")]


@pytest.mark.parametrize("typo,where", [("INT_DURATOIN", 3), ("INT_SCR", 1), ("INT_CGF", 0), ("INT_THSS", 2)])
@pytest.mark.parametrize("idiom", ["define", "enum"])
def test_a_typo_in_a_four_register_family(typo, where, idiom):
    names = [r for r, _ in _TYPO_FAMILY]
    names[where] = typo
    if idiom == "define":
        text = "/* qk3150 */\n" + "".join(f"#define QK3150_{n} 0x{0x30 + i:02X}\n" for i, n in enumerate(names)) \
            + "#define QK3150_INT_LATCH 0x04\n"
        syms = [f"QK3150_{n}" for n in names]
    else:
        text = "/* qk3150 */\ntypedef enum {\n" + "".join(f"  QK3150_{n} = 0x{0x30 + i:02X},\n" for i, n in enumerate(names)) \
            + "} qk3150_reg_t;\n"
        syms = [f"QK3150_{n}" for n in names]
    head = 2 if idiom == "define" else 3
    assert _links({"qk3150.h": text}, _TYPO_FAMILY) == _expect(
        [(r, syms[i], head + i) for i, (r, _) in enumerate(_TYPO_FAMILY)], "qk3150.h")


# --- C++ idioms and driver-framework styles -------------------------------------------------------

_CPP = {
    "static_const_members": ("qk3150.h", "class Qk3150 {{\n  public:\n{body}}};\n",
                             "  static const uint8_t REG_{R} = 0x{a:02X};\n", "REG_{R}", 3),
    "constexpr_static_members_of_a_struct": ("qk3150.hpp", "struct Qk3150Regs {{\n{body}}};\n",
                                             "  constexpr static uint8_t {R} {{0x{a:02X}}};\n", "{R}", 2),
    "nested_namespace_const": ("qk3150_registers.hpp", "namespace qk::qk3150::reg {{\n{body}}}\n",
                               "const uint8_t {W} = 0x{a:02X};\n", "{W}", 2),
    "enum_in_a_struct_in_a_namespace": ("qk3150.hpp",
                                        "namespace qk {{\nstruct Qk3150 {{\n  enum Register : uint8_t {{\n{body}  }};\n}};\n}}\n",
                                        "    {R} = 0x{a:02X},\n", "{R}", 4),
    "enum_class_uint8_decimal": ("Qk3150.h", "enum class Qk3150Register : uint8_t {{\n{body}}};\n",
                                 "  {W} = {a},\n", "{W}", 2),
    "arduino_define_block": ("src/Qk3150.h", "#define QK3150_ADDRESS (0x48)\n{body}#define QK3150_CHIPID (0x61)\n",
                             "#define QK3150_REGISTER_{R} (0x{a:02X})\n", "QK3150_REGISTER_{R}", 3),
}


@pytest.mark.parametrize("variant", sorted(_CPP))
def test_cpp_and_arduino_idioms(variant):
    path, frame, row, spell, head = _CPP[variant]
    words = [("CONFIG", "Config"), ("STATUS", "Status"), ("DATA_LSB", "DataLsb"), ("DATA_MSB", "DataMsb"),
             ("THRESHOLD", "Threshold"), ("CHIP_ID", "ChipId")]
    addrs = dict(REGS)
    body = "".join(row.format(R=r, W=w, a=int(addrs[r], 16)) for r, w in words)
    text = "// QK3150 driver\n#include <stdint.h>\n" + frame.format(body=body)
    head = 2 + frame.split("{body}")[0].count("\n")
    assert _links({path: text}) == _expect(
        [(r, spell.format(R=r, W=w), head + 1 + i) for i, (r, w) in enumerate(words)], path)


def test_riot_style_internal_header_beside_params_and_a_sibling_driver():
    files = {
        "drivers/qk3150/include/qk3150_internal.h": (
            "#ifndef QK3150_INTERNAL_H\n#define QK3150_INTERNAL_H\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
            "#define QK3150_REG_CONFIG          (0x00)\n#define QK3150_REG_STATUS          (0x01)\n"
            "#define QK3150_REG_DATA_LSB        (0x02)\n#define QK3150_REG_DATA_MSB        (0x03)\n"
            "#define QK3150_REG_THRESHOLD       (0x04)\n#define QK3150_REG_CHIP_ID         (0x0f)\n"
            "#define QK3150_CHIP_ID_VALUE       (0x04)\n#ifdef __cplusplus\n}\n#endif\n#endif\n"),
        "drivers/qk3150/include/qk3150_params.h": "#define QK3150_PARAM_I2C (I2C_DEV(0))\n#define QK3150_PARAM_ADDR (0x48)\n",
        "drivers/qk3150/qk3150.c": '#include "qk3150_internal.h"\n#include "qk3150_params.h"\n',
        "drivers/qk3160/include/qk3160_internal.h": "#define QK3160_REG_CONFIG (0x00)\n#define QK3160_REG_STATUS (0x01)\n",
    }
    p = "drivers/qk3150/include/qk3150_internal.h"
    assert _links(files) == _expect([("CONFIG", "QK3150_REG_CONFIG", 6), ("STATUS", "QK3150_REG_STATUS", 7),
                                     ("DATA_LSB", "QK3150_REG_DATA_LSB", 8), ("DATA_MSB", "QK3150_REG_DATA_MSB", 9),
                                     ("THRESHOLD", "QK3150_REG_THRESHOLD", 10), ("CHIP_ID", "QK3150_REG_CHIP_ID", 11)], p)


def test_zephyr_style_with_bit_macros_and_a_shared_register_prefix():
    files = {
        "drivers/sensor/vnd_qk3150/qk3150.h": (
            "#include <zephyr/sys/util.h>\n"
            "#define QK3150_REG_CONFIG 0x00\n#define QK3150_MASK_CONFIG_ODR GENMASK(3, 0)\n"
            "#define QK3150_REG_STATUS 0x01\n#define QK3150_MASK_STATUS_DRDY BIT(0)\n"
            "#define QK3150_REG_DATA_LSB 0x02\n#define QK3150_REG_DATA_MSB 0x03\n"
            "#define QK3150_REG_THRESHOLD 0x04\n#define QK3150_REG_CHIP_ID 0x0F\n#define QK3150_CHIP_ID 0x04\n"),
        "drivers/sensor/vnd_qk3150/qk3150.c": '#define DT_DRV_COMPAT vnd_qk3150\n#include "qk3150.h"\n',
    }
    p = "drivers/sensor/vnd_qk3150/qk3150.h"
    assert _links(files) == _expect([("CONFIG", "QK3150_REG_CONFIG", 2), ("STATUS", "QK3150_REG_STATUS", 4),
                                     ("DATA_LSB", "QK3150_REG_DATA_LSB", 6), ("DATA_MSB", "QK3150_REG_DATA_MSB", 7),
                                     ("THRESHOLD", "QK3150_REG_THRESHOLD", 8), ("CHIP_ID", "QK3150_REG_CHIP_ID", 9)], p)


# --- more multi-device layouts ---------------------------------------------------------------------

@pytest.mark.parametrize("guard", ["defined(QK3150)", "defined(__QK3150__)", "QK_DEVICE == 3150"])
def test_per_part_branches_inside_one_shared_header(guard):
    """One family header with a branch per part (``#if defined(QK3160) … #elif defined(QK3150) …``):
    the branch of our part carries the links, not the sibling's definitions of the same names."""
    other = guard.replace("3150", "3160")
    text = (f"/* qk31xx family registers */\n#if {other}\n#define QK_REG_CONFIG 0x10\n#define QK_REG_STATUS 0x11\n"
            "#define QK_REG_DATA_LSB 0x12\n#define QK_REG_CHIP_ID 0x1F\n"
            f"#elif {guard}\n#define QK_REG_CONFIG 0x00\n#define QK_REG_STATUS 0x01\n"
            "#define QK_REG_DATA_LSB 0x02\n#define QK_REG_CHIP_ID 0x0F\n#endif\n")
    files = {"inc/qk31xx.h": text, "src/qk3150.c": '#include "qk31xx.h"\n/* QK3150 */\n'}
    assert _links(files) == _expect([("CONFIG", "QK_REG_CONFIG", 8), ("STATUS", "QK_REG_STATUS", 9),
                                     ("DATA_LSB", "QK_REG_DATA_LSB", 10), ("CHIP_ID", "QK_REG_CHIP_ID", 11)],
                                    "inc/qk31xx.h")


@pytest.mark.parametrize("title", ["QK3150-Q1 automotive sensor", "QK3150TR sensor (tape and reel)", "qk3150 rev B"])
def test_part_number_with_an_ordering_suffix_in_the_title(title):
    files = {"lib/qk3150/qk3150_regs.h": _SIBLING.format(p="QK3150"), "lib/qk3160/qk3160_regs.h": _SIBLING.format(p="QK3160")}
    assert _links(files, title=title) == _expect(
        [("CONFIG", "QK3150_REG_CONFIG", 1), ("STATUS", "QK3150_REG_STATUS", 2), ("DATA_LSB", "QK3150_REG_DATA_LSB", 3),
         ("CHIP_ID", "QK3150_REG_CHIP_ID", 4)], "lib/qk3150/qk3150_regs.h")


# --- linear encodings other than a shift ------------------------------------------------------------

@pytest.mark.parametrize("scale,base", [(4, 0), (2, 0), (4, 0x100), (2, 0x40)])
def test_a_register_block_whose_values_are_a_linear_transform_of_the_address(scale, base):
    """The datasheet numbers 32-bit registers by index (0, 1, 2 …) or prints offsets into a page; the
    code keeps byte offsets or absolute addresses: value = a·address + b, fitted on the family."""
    regs = [("CTRL", "0x00"), ("STAT", "0x01"), ("INTEN", "0x02"), ("INTFLAG", "0x03"), ("BAUD", "0x05"),
            ("DATA", "0x06"), ("ID", "0x0f")]
    text = "/* qk3150 serial block */\n" + "".join(
        f"#define QK_SER_{n:<8} 0x{scale * int(a, 16) + base:03X}\n" for n, a in regs) + \
        "#define QK_SER_CTRL_EN 0x001\n#define QK_SER_STAT_RXNE 0x002\n"
    assert _links({"qk3150_ser.h": text}, regs) == _expect(
        [(n, f"QK_SER_{n}", 2 + i) for i, (n, _) in enumerate(regs)], "qk3150_ser.h")


# --- register structs of a bus device ------------------------------------------------------------------

@pytest.mark.parametrize("packing", ["__attribute__((packed))", "#pragma pack(1)"])
def test_a_packed_struct_mirroring_the_register_file(packing):
    attr = packing if packing.startswith("__") else ""
    pre = "#pragma pack(push, 1)\n" if not attr else ""
    post = "#pragma pack(pop)\n" if not attr else ""
    text = ("/* qk3150 register file, read in one burst */\n#include <stdint.h>\n" + pre +
            "typedef struct " + attr + " {\n  uint8_t config;\n  uint8_t status;\n  uint16_t data;\n"
            "  uint8_t threshold;\n  uint8_t reserved[10];\n  uint8_t chip_id;\n} qk3150_regs_t;\n" + post)
    head = 3 + (1 if pre else 0)
    assert _links({"qk3150.h": text}) == _expect(
        [("CONFIG", "qk3150_regs_t.config", head + 1), ("STATUS", "qk3150_regs_t.status", head + 2),
         ("DATA_LSB", "qk3150_regs_t.data", head + 3), ("THRESHOLD", "qk3150_regs_t.threshold", head + 4),
         ("CHIP_ID", "qk3150_regs_t.chip_id", head + 6)], "qk3150.h")


# --- Python and Rust driver styles -------------------------------------------------------------------

def test_circuitpython_register_descriptors_as_class_attributes():
    text = '''"""qk3150 driver"""
from adafruit_register.i2c_struct import ROUnaryStruct, UnaryStruct
from adafruit_register.i2c_bit import RWBit


class QK3150:
    _config = UnaryStruct(0x00, "<B")
    _status = ROUnaryStruct(0x01, "<B")
    _threshold = UnaryStruct(0x04, "<B")
    _chip_id = ROUnaryStruct(0x0F, "<B")
    _enable = RWBit(0x00, 0)

    def __init__(self, i2c_bus, address=0x48):
        self.address = address
'''
    assert _links({"qk3150.py": text}) == _expect(
        [("CONFIG", "_config", 7), ("STATUS", "_status", 8), ("THRESHOLD", "_threshold", 9), ("CHIP_ID", "_chip_id", 10)],
        "qk3150.py")


@pytest.mark.parametrize("vis", ["pub(crate) const", "const", "pub const"])
def test_rust_module_constants_of_a_driver_crate(vis):
    text = ("//! QK3150 driver\n#![no_std]\n"
            f"{vis} REG_CONFIG: u8 = 0x00;\n{vis} REG_STATUS: u8 = 0x01;\n{vis} REG_DATA_LSB: u8 = 0x02;\n"
            f"{vis} REG_CHIP_ID: u8 = 0x0f;\n{vis} CHIP_ID_VALUE: u8 = 0x04;\n{vis} I2C_ADDRESS: u8 = 0x48;\n")
    assert _links({"src/lib.rs": text}) == _expect(
        [("CONFIG", "REG_CONFIG", 3), ("STATUS", "REG_STATUS", 4), ("DATA_LSB", "REG_DATA_LSB", 5),
         ("CHIP_ID", "REG_CHIP_ID", 6)], "src/lib.rs")


def test_another_devices_map_reusing_the_names_at_an_offset_is_no_scaled_block():
    """A second device's map under its own prefix (``MAG_CONFIG 0x31``, ``MAG_STATUS 0x33``,
    ``MAG_THRESHOLD 0x39``) agrees with value = 2·addr + 0x31 on three names by chance; its dense run
    of addresses (every other member decodes to no whole address) says it is no scaled block."""
    ours = "".join(f"#define QK3150_{n} 0x{int(a, 16):02X}\n" for n, a in REGS)
    mag = ("#define MAG_CONFIG 0x31\n#define MAG_WHOAMI 0x32\n#define MAG_STATUS 0x33\n#define MAG_OUT_X 0x34\n"
           "#define MAG_OUT_Y 0x35\n#define MAG_OUT_Z 0x36\n#define MAG_TEMP 0x37\n#define MAG_MODE 0x38\n"
           "#define MAG_THRESHOLD 0x39\n")
    files = {"src/qk3150_regs.h": ours, "src/qk3150_mag.h": "/* on-board magnetometer */\n" + mag}
    assert _links(files) == _expect([(n, f"QK3150_{n}", 1 + i) for i, (n, _) in enumerate(REGS)], "src/qk3150_regs.h")


def test_a_scaled_block_with_a_numbered_family_spelt_out():
    """Byte offsets of word registers (value = 4·addr) under a block prefix, the numbered family
    spelt out (``QK_BLK_BUFFER0`` for BUF0) and so a family of its own: each member still decodes."""
    regs = [("STAT", "0x01"), ("CTRL", "0x02"), ("MODE", "0x07"), ("BUF0", "0x11"), ("BUF1", "0x14"), ("BUF2", "0x16"),
            ("BUF3", "0x17")]
    names = ["STAT", "CTRL", "MODE", "BUFFER0", "BUFFER1", "BUFFER2", "BUFFER3"]
    text = "/* qk3150 */\n" + "".join(f"#define QK_BLK_{n} 0x{4 * int(a, 16):03X}\n" for n, (_, a) in zip(names, regs))
    assert _links({"qk3150_blk.h": text}, regs) == _expect(
        [(r, f"QK_BLK_{n}", 2 + i) for i, (n, (r, _)) in enumerate(zip(names, regs))], "qk3150_blk.h")


# --- part numbers: names of the sheet excluded, long dispatch chains, drivers in .c files ----------

def test_part_number_is_not_a_field_or_register_name_that_looks_like_one():
    from firmcorpus.mapping.repo import part_numbers
    from firmcorpus.parsers.models import Field

    ds = _sheet(title="Mixed-signal controller family", first_page="QK3150 overview\nThe QK3150 has two timers.")
    ds.registers = [Register(name=n, address=a, fields=[Field(name=f, bits="3:0") for f in fs])
                    for n, a, fs in (("TA0CTL", "0x60", ["TASSEL21", "ID21"]), ("TA0CCR1", "0x64", ["CCR1"]),
                                     ("ADC12CTL0", "0x80", ["ADC12SHT01", "ADC12ON"]),
                                     ("ADC12MEM0", "0x84", ["ADC12MEM0"]))]
    ds.sections.append(Section(id="s2", title="Timer", level=1, page_start=2, page_end=5,
                               text="TA0CTL ADC12CTL0 ADC12CTL0 ADC12SHT01 TASSEL21 ADC12MEM0 QK3150"))
    assert part_numbers(ds)[0] == "qk3150"


@pytest.mark.parametrize("cond", ["defined(__QK3150__) || defined(__QK3151__)", "defined (__QK3150__)",
                                  "defined(__QK3149__) || defined(__QK3150__)"])
def test_a_long_dispatch_chain_whose_branch_names_our_part_among_others(cond):
    body = "#define CONFIG 0x00\n#define STATUS 0x01\n#define DATA_LSB 0x02\n#define CHIP_ID 0x0F\n"
    chain = ("#if defined(__QK3100__)\n#include \"qk/io3100.h\"\n#elif defined(__QK3120__) || defined(__QK3121__)\n"
             f"#include \"qk/io3120.h\"\n#elif {cond}\n#include \"qk/io3150.h\"\n#elif defined(__QK3160__)\n"
             "#include \"qk/io3160.h\"\n#endif\n")
    files = {"include/qk/io.h": chain.replace('"qk/', '"'), "include/qk/io3100.h": body, "include/qk/io3120.h": body,
             "include/qk/io3150.h": body, "include/qk/io3160.h": body,
             "examples/blink/main.c": "#include <qk/io.h>\nint main(void) { return STATUS; }\n"}
    assert _links(files, title="QK3150 8-bit microcontroller") == _expect(
        [("CONFIG", "CONFIG", 1), ("STATUS", "STATUS", 2), ("DATA_LSB", "DATA_LSB", 3), ("CHIP_ID", "CHIP_ID", 4)],
        "include/qk/io3150.h")


@pytest.mark.parametrize("layout", ["zephyr", "nuttx", "riot"])
def test_registers_defined_in_the_driver_source_beside_a_sibling_part(layout):
    regs = "".join(f"#define QK{{p}}_REG_{n} 0x{int(a, 16):02X}\n" for n, a in REGS)
    src = {"zephyr": "drivers/sensor/qk{p}/qk{p}.c", "nuttx": "drivers/sensors/qk{p}.c",
           "riot": "drivers/qk{p}/qk{p}.c"}[layout]
    files = {}
    for p in ("3150", "3160"):
        files[src.format(p=p)] = f"/* QK{p} driver */\n#include <stdint.h>\n" + regs.format(p=p) + \
            f"static int qk{p}_probe(void) {{ return QK{p}_REG_CHIP_ID; }}\n"
    assert _links(files) == _expect([(n, f"QK3150_REG_{n}", 3 + i) for i, (n, _) in enumerate(REGS)],
                                    src.format(p="3150"))


@pytest.mark.parametrize("spell", ["CfgReg StatReg DataLReg DataHReg ThreshReg IdReg",
                                   "REG_CFG REG_STAT REG_DATA_L REG_DATA_H REG_THS REG_ID"])
def test_an_spi_command_enum_whose_names_abbreviate_the_datasheet(spell):
    names = spell.split()
    text = "// qk3150\nenum QkSpiCommand {\n" + "".join(
        f"  {n} = (0x{int(a, 16):02X} << 1) | 0x01,\n" for n, (_, a) in zip(names, REGS)) + "};\n"
    assert _links({"qk3150_spi.h": text}) == _expect(
        [(r, n, 3 + i) for i, (n, (r, _)) in enumerate(zip(names, REGS))], "qk3150_spi.h")


# --- long library prefixes against RegName datasheets, a module per part ------------------------------

_RADIO_REGS = [("RegFifo", "0x00"), ("RegOpMode", "0x01"), ("RegFrfMsb", "0x06"), ("RegFrfMid", "0x07"),
               ("RegFrfLsb", "0x08"), ("RegPaConfig", "0x09"), ("RegIrqFlags", "0x12"), ("RegVersion", "0x42")]


@pytest.mark.parametrize("layout", ["module_folders", "flat"])
def test_long_library_prefixes_against_reg_prefixed_datasheet_names(layout):
    def header(p: str, shift: int) -> str:
        out = [f"#if !defined(_LIB_QK{p}_H)", f"#define _LIB_QK{p}_H", "// QK{p} register map".format(p=p)]
        for n, a in _RADIO_REGS:
            words = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", n[3:]).upper()
            out.append(f"#define LIBRF_QK{p}_REG_{words:<16} 0x{int(a, 16) + shift:02X}")
        out += [f"#define LIBRF_QK{p}_SLEEP                 0b00000000  //  2  0  sleep mode",
                f"#define LIBRF_QK{p}_STANDBY               0b00000001  //  2  0  standby mode", "#endif"]
        return "\n".join(out) + "\n"

    folder = "src/modules/QK{p}/" if layout == "module_folders" else "src/"
    files = {(folder + "QK{p}.h").format(p=p): header(p, s) for p, s in (("3150", 0), ("3160", 0x10))}
    files[(folder + "QK3161.h").format(p="3160")] = '#include "QK3160.h"\nclass QK3161 : public QK3160 {};\n'
    path = (folder + "QK{p}.h").format(p="3150")
    words = {n: re.sub(r"(?<=[a-z])(?=[A-Z])", "_", n[3:]).upper() for n, _ in _RADIO_REGS}
    assert _links(files, _RADIO_REGS, title="QK3150 low power long range transceiver") == _expect(
        [(n, f"LIBRF_QK3150_REG_{words[n]}", 4 + i) for i, (n, _) in enumerate(_RADIO_REGS)], path)


@pytest.mark.parametrize("title,folders", [("QK315x family digital sensors", {"qk3150"}),
                                           ("QK31x0 sensor family", {"qk3150", "qk3160", "qk3170"}),
                                           ("QK3150/60 digital sensors", {"qk3150", "qk3160"}),
                                           ("QK3150 / QK3170 sensors", {"qk3150", "qk3170"})])
def test_a_datasheet_naming_a_family_by_wildcard_or_by_sibling_digits(title, folders):
    files = {f"drivers/{p}/regs.h": _SIBLING.format(p=p.upper()) for p in ("qk3150", "qk3160", "qk3170", "qk3250")}
    got = _links(files, title=title)
    assert {f.split("/")[1] for _, _, f, _ in got} == folders
    assert len(got) == 4 * len(folders)


def test_part_numbers_listed_by_their_last_digits():
    from firmcorpus.mapping.repo import part_numbers

    assert part_numbers(_sheet(title="QK3150/51/52 sensors")) == ["qk3150", "qk3151", "qk3152"]
    assert part_numbers(_sheet(title="QK3150 1/2 inch module")) == ["qk3150"]
    assert part_numbers(_sheet(title="QK3150/2024 revision")) == ["qk3150"]


def test_a_family_datasheet_against_member_spelt_names_of_an_overlay_struct():
    """Title ``QK315x``; the code spells the member in every field name (``Qk3150Status`` at 0x01):
    the member's number is the part, not a word of the register."""
    text = ("#include <stdint.h>\ntypedef struct {\n  volatile uint8_t Qk3150Config;\n  volatile uint8_t Qk3150Status;\n"
            "  volatile uint8_t Qk3150DataLsb;\n  volatile uint8_t Qk3150DataMsb;\n  volatile uint8_t Qk3150Threshold;\n"
            "  uint8_t RESERVED0[10];\n  volatile uint8_t Qk3150ChipId;\n} QK3150_Type;\n")
    got = _links({"src/qk3150_regs.h": text}, title="QK315x family")
    t = "QK3150_Type."
    assert got == _expect([("CONFIG", t + "Qk3150Config", 3), ("STATUS", t + "Qk3150Status", 4),
                           ("DATA_LSB", t + "Qk3150DataLsb", 5), ("DATA_MSB", t + "Qk3150DataMsb", 6),
                           ("THRESHOLD", t + "Qk3150Threshold", 7), ("CHIP_ID", t + "Qk3150ChipId", 9)],
                          "src/qk3150_regs.h")


# --- value spellings and containers, one parametrised table --------------------------------------------

def _rows(fmt: str) -> str:
    return "".join(fmt.format(R=r, a=int(a, 16)) for r, a in REGS)


_SPELLINGS = {
    "anonymous_enum_in_a_class_in_an_arduino_header": (
        "Qk3150.h", "#include <Arduino.h>\nclass Qk3150 {\n public:\n  enum : uint8_t {\n"
        + _rows("    QK3150_REG_{R} = 0x{a:02X},\n") + "  };\n};\n", "QK3150_REG_{R}", 5),
    "static_const_at_file_scope_of_the_cpp": (
        "Qk3150.cpp", '#include "Qk3150.h"\n' + _rows("static const uint8_t REG_{R} = 0x{a:02X};\n"), "REG_{R}", 2),
    "constexpr_in_an_anonymous_namespace": (
        "Qk3150.cpp", '#include "Qk3150.h"\nnamespace {\n' + _rows("constexpr uint8_t k{R} = 0x{a:02X};\n") + "}\n",
        "k{R}", 3),
    "static_const_byte_members": (
        "Qk3150.h", "#include <Arduino.h>\nclass Qk3150 {\n  private:\n" + _rows("    static const byte {R} = 0x{a:02X};\n")
        + "};\n", "{R}", 4),
    "enum_struct_of_unsigned_char": (
        "qk3150.hpp", "#pragma once\nstruct Qk3150 {\n  enum struct Reg : unsigned char {\n" + _rows("    {R} = 0x{a:02X},\n")
        + "  };\n};\n", "{R}", 4),
    "casts": ("qk3150.h", _rows("#define QK3150_{R} ((uint8_t)0x{a:02X})\n"), "QK3150_{R}", 1),
    "comments_around_the_value": ("qk3150.h", _rows("#define QK3150_{R} /* reg */ 0x{a:02X} // rw\n"), "QK3150_{R}", 1),
    "binary": ("qk3150.h", _rows("#define QK3150_{R} 0b{a:08b}\n"), "QK3150_{R}", 1),
    "decimal": ("qk3150.h", _rows("#define QK3150_{R} {a}\n"), "QK3150_{R}", 1),
    "spi_shift_and_read_bit": ("qk3150.h", _rows("#define QK3150_{R} ((0x{a:02X} << 1) | 0x80)\n"), "QK3150_{R}", 1),
    "auto_increment_bit": ("qk3150.h", _rows("#define QK3150_{R} (0x{a:02X} | 0x40)\n"), "QK3150_{R}", 1),
    "address_in_the_high_byte": ("qk3150.h", _rows("#define QK3150_{R} 0x{a:02X}00\n"), "QK3150_{R}", 1),
    "encoding_macro_in_an_enum": ("qk3150.h", "#define QK_ADDR(x) ((x) << 1)\nenum qk_reg {\n"
                                  + _rows("  QK3150_{R} = QK_ADDR(0x{a:02X}),\n") + "};\n", "QK3150_{R}", 3),
    "write_mask": ("qk3150.h", _rows("#define QK3150_{R} (0x{a:02X} & 0x7F)\n"), "QK3150_{R}", 1),
}


@pytest.mark.parametrize("variant", sorted(_SPELLINGS))
def test_value_spellings_and_containers(variant):
    path, text, spell, first = _SPELLINGS[variant]
    assert _links({path: "// QK3150\n" + text}) == _expect(
        [(r, spell.format(R=r), first + 1 + i) for i, (r, _) in enumerate(REGS)], path)


def test_an_encoding_macro_defined_in_a_bus_header():
    files = {"src/qk_bus.h": "#define QK_ADDR(x) ((x) << 1)\n",
             "src/qk3150.h": '#include "qk_bus.h"\n' + _rows("#define QK3150_{R} QK_ADDR(0x{a:02X})\n")}
    assert _links(files) == _expect([(r, f"QK3150_{r}", 2 + i) for i, (r, _) in enumerate(REGS)], "src/qk3150.h")


def test_socket_registers_printed_under_the_common_registers_names():
    """The datasheet's socket bank repeats common names (``MR`` in both banks): the bank decides, the
    per-socket macro ``Sn_MR(ch)`` at instance 0 carries the socket one."""
    common = [("MR", 0x0000), ("GAR", 0x0001), ("SUBR", 0x0005), ("SHAR", 0x0009), ("SIPR", 0x000F)]
    sock = [("MR", 0x0000), ("CR", 0x0001), ("IR", 0x0002), ("SR", 0x0003), ("PORT", 0x0004)]
    files = {"lib/qk_conf.h": _CONF.format(sel="3150", ours="3150", theirs="3200", base="#define QK_IO_BASE_ 0x0\n"),
             "lib/qk_blocks.h": _BLOCKS,
             "lib/qk3150/qk3150.h": _chip_header("QK3150", common, [("Sn_" + n, a) for n, a in sock], "+", True)}
    regs = [(n, f"0x{a:04x}", "Common registers") for n, a in common] + \
           [(n, f"0x{a:04x}", "Socket n registers") for n, a in sock]
    res, _ = map_repo(_sheet(regs), files)
    got = {(lk.peripheral, lk.register, lk.symbol, lk.line) for lk in res.links}
    assert got == {("Common registers", n, n, 4 + i) for i, (n, _) in enumerate(common)} | \
        {("Socket n registers", n, "Sn_" + n, 9 + i) for i, (n, _) in enumerate(sock)}


@pytest.mark.parametrize("shift,container", [(0, "qk_x"), (0, ""), (1, "qk_cmd"), (1, "")])
def test_a_neutral_enum_of_addresses_shifted_by_one_amount_is_an_address_block(shift, container):
    """``QK_CONFIG = 0x00 << 0`` … in an enum named for nothing: every member shifts a distinct number
    by the same amount, which a bit enum (``1 << n``) never does."""
    text = f"// QK3150\nenum {container} {{\n".replace("enum  {", "enum {") + _rows(f"  QK_{{R}} = 0x{{a:02X}} << {shift},\n") \
        + "};\nenum qk_irq { QK_IRQ_STATUS = 1 << 1, QK_IRQ_THRESHOLD = 1 << 4, QK_IRQ_CONFIG = 1 << 0 };\n"
    assert _links({"qk3150.h": text}) == _expect([(r, f"QK_{r}", 3 + i) for i, (r, _) in enumerate(REGS)], "qk3150.h")


def test_a_bit_enum_named_like_the_registers_stays_out():
    """``QK_STATUS = 1 << 1``, ``QK_CONFIG = 1 << 0``: one shifted by a different amount each time
    is a set of flags (an interrupt source enum), whatever its names."""
    text = ("// QK3150\nenum qk_irq_src {\n  QK_CONFIG = 1 << 0,\n  QK_STATUS = 1 << 1,\n  QK_DATA_LSB = 1 << 2,\n"
            "  QK_DATA_MSB = 1 << 3,\n  QK_THRESHOLD = 1 << 4,\n};\n")
    assert _links({"qk3150.h": text}) == set()


_LONG = {"INT_CFG": "Interrupt config", "CTRL3": "Control 3", "GAIN_CFG": "Gain config", "PWR_CTRL": "Power control",
         "FIFO_CTRL": "Fifo control", "DUR": "Duration", "REV_ID": "Revision id", "PRESS_LSB": "Pressure lsb",
         "PRESS_MSB": "Pressure msb", "CAL_CTRL": "Calib control", "TEMP_CFG": "Temperature config",
         "SMPL_RATE": "Sample rate", "CTRL2": "Control 2"}


@pytest.mark.parametrize("idiom", ["define", "anon_enum", "named_enum"])
def test_a_bank_with_two_name_matches_borrows_the_transform_of_the_other_bank(idiom):
    """SPI command bytes ``addr << 1`` over two banks of a datasheet printing long names with the
    mnemonic: bank 0 fits the transform on many names, bank 1 has two and one by another word
    (``b1_ctl2`` for CTRL2), all agreeing with bank 0's transform, so bank 1's members decode too."""
    rows = [("INT_CFG", 0x0F, "BANK0"), ("CTRL3", 0x10, "BANK0"), ("GAIN_CFG", 0x11, "BANK0"), ("PWR_CTRL", 0x12, "BANK0"),
            ("FIFO_CTRL", 0x13, "BANK0"), ("DUR", 0x14, "BANK0"), ("REV_ID", 0x18, "BANK0"), ("PRESS_LSB", 0x19, "BANK0"),
            ("PRESS_MSB", 0x1A, "BANK0"), ("CAL_CTRL", 0x0F, "BANK1"), ("TEMP_CFG", 0x11, "BANK1"),
            ("SMPL_RATE", 0x12, "BANK1"), ("CTRL2", 0x13, "BANK1")]
    code = [("B0_INT_CFG", 0x0F), ("B0_CTRL3", 0x10), ("B0_GAIN_CFG", 0x11), ("B0_PWR_CTRL", 0x12), ("B0_FIFO_CTRL", 0x13),
            ("B0_DUR", 0x14), ("B0_REV_ID", 0x18), ("B0_PRESS_LSB", 0x19), ("B0_PRESS_MSB", 0x1A),
            ("B1_TEMP_CFG", 0x11), ("B1_SMPL_RATE", 0x12), ("B1_CTL2", 0x13)]
    sym = {n: f"qk3150_reg_{n.lower()}" for n, _ in code}
    if idiom == "define":
        text = "// QK3150\n" + "".join(f"#define {sym[n]} (0x{a:02X} << 1)\n" for n, a in code)
        first = 2
    else:
        text = "// QK3150\nenum " + ("qk_cmd " if idiom == "named_enum" else "") + "{\n" + \
            "".join(f"  {sym[n]} = 0x{a:02X} << 1,\n" for n, a in code) + "};\n"
        first = 3
    regs = [(f"{_LONG[n]} ({n})", f"0x{a:02x}", sp) for n, a, sp in rows]
    res, _ = map_repo(_sheet(regs), {"qk3150.h": text})
    got = {(lk.peripheral, lk.register, lk.symbol, lk.line) for lk in res.links}
    line = {n: first + i for i, (n, _) in enumerate(code)}
    for n, sp, c in (("TEMP_CFG", "BANK1", "B1_TEMP_CFG"), ("SMPL_RATE", "BANK1", "B1_SMPL_RATE"),
                     ("CTRL2", "BANK1", "B1_CTL2"), ("PWR_CTRL", "BANK0", "B0_PWR_CTRL")):
        assert (sp, f"{_LONG[n]} ({n})", sym[c], line[c]) in got
    assert len(got) == len(code)


@pytest.mark.parametrize("alias", ["Gain config (GAIN_CFG) / Amplifier (AMPLIFIER)", "Amplifier (AMPLIFIER) / Gain config (GAIN_CFG)",
                                   "GAIN_CONFIG / AMPLIFIER"])
def test_two_names_each_printed_with_a_long_name_name_one_register(alias):
    """``Gain config (GAIN_CFG) / Amplifier (AMPLIFIER)``: a slash between two ``Long (MNEMONIC)`` names;
    an overlay struct spelling the first long name (``GAIN_CONFIG``) at its offset links."""
    regs = [("Status (STAT)", "0x00"), ("Control 1 (CTRL1)", "0x01"), (alias, "0x02"), ("Threshold (THS)", "0x03"),
            ("Device id (DEV_ID)", "0x04")]
    text = ("#include <stdint.h>\ntypedef struct {\n  volatile uint8_t STATUS;\n  volatile uint8_t CONTROL1;\n"
            "  volatile uint8_t GAIN_CONFIG;\n  volatile uint8_t THRESHOLD;\n  volatile uint8_t DEVICE_ID;\n} QK3150_Type;\n")
    got = _links({"src/qk3150_regs.h": text}, regs)
    assert (alias, "QK3150_Type.GAIN_CONFIG", "src/qk3150_regs.h", 5) in got
    assert len(got) == 5


def test_alternative_names_split_at_a_slash_outside_parentheses():
    from firmcorpus.mapping.symbols import alternative_names

    got = alternative_names("Gain config (GAIN_CFG) / Amplifier (AMPLIFIER)")
    assert ("gain", "config") in got and ("gain", "cfg") in got and ("amplifier",) in got
    assert alternative_names("RBR/THR") == [("rbr",), ("thr",)]
