"""Register-naming idioms of vendor driver code, each in a few hand-written lines (written for
these tests, no vendor code copied), each asserting the exact link the mapping makes."""

from __future__ import annotations

from firmcorpus.mapping.constants import parse_constants
from firmcorpus.mapping.core import map_pair
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register

REGS = [("CONFIG", "0x00"), ("STATUS", "0x01"), ("DATA_LSB", "0x02"), ("DATA_MSB", "0x03"), ("THRESHOLD", "0x04"),
        ("CHIP_ID", "0x0f")]


def _sheet(regs=REGS, title="ZQ4711 sensor") -> Datasheet:
    return Datasheet(source="zq4711.pdf", pages=1, title=title,
                     registers=[Register(name=n, address=a) for n, a in regs])


def _links(path: str, text: str, regs=REGS) -> dict[str, tuple[str, str, int]]:
    f = parse_constants(path, text) if path.endswith((".py", ".rs", ".cs")) else parse_code(path, text.encode())
    res = map_pair(_sheet(regs), [f], {path: text})
    return {lk.register: (lk.symbol, lk.file, lk.line) for lk in res.links}


def test_local_fallback_of_a_standard_macro_takes_the_standard_meaning():
    text = """/* zq4711 */
#if !defined(UINT8_C) && !defined(INT8_C)
#define UINT8_C(x) U8_C(x)
#endif
#define ZQ4711_CONFIG_ADDR UINT8_C(0x00)
#define ZQ4711_STATUS_ADDR UINT8_C(0x01)
#define ZQ4711_CHIP_ID_ADDR UINT8_C(0x0F)
"""
    links = _links("zq4711_defs.h", text)
    assert links["STATUS"] == ("ZQ4711_STATUS_ADDR", "zq4711_defs.h", 6)
    assert links["CHIP_ID"] == ("ZQ4711_CHIP_ID_ADDR", "zq4711_defs.h", 7)


def test_static_constexpr_class_members_with_bit_values_between():
    text = """// zq4711 driver
#include <cstdint>
class Zq4711 {
 private:
  static constexpr uint8_t CONFIG_ = 0x00;
  static constexpr uint8_t STATUS_ = 0x01;
  static constexpr uint8_t SOFT_RESET_ = 0x80;
  static constexpr uint8_t DATA_LSB_ = 0x02;
  static constexpr uint8_t CHIP_ID_ = 0x0F;
  static constexpr uint8_t WHOAMI_VALUE_ = 0x03;
  int32_t bus_;
};
"""
    links = _links("zq4711.h", text)
    assert links["STATUS"] == ("STATUS_", "zq4711.h", 6)
    assert links["CHIP_ID"] == ("CHIP_ID_", "zq4711.h", 9)
    assert "DATA_MSB" not in links  # WHOAMI_VALUE_ = 0x03 is a value, not DATA_MSB


def test_enum_class_with_underlying_type_inside_a_class():
    text = """// zq4711
class Zq4711 {
 public:
  enum class Reg : uint8_t {
    Config = 0x00,
    Status = 0x01,
    DataLsb = 0x02,
    DataMsb = 0x03,
  };
};
"""
    links = _links("zq4711.hpp", text)
    assert links["DATA_MSB"] == ("DataMsb", "zq4711.hpp", 8)
    assert links["CONFIG"] == ("Config", "zq4711.hpp", 5)


def test_namespace_constants():
    text = """// zq4711
namespace zq4711 {
namespace REG {
constexpr uint8_t CONFIG = 0x00;
constexpr uint8_t STATUS = 0x01;
constexpr uint8_t THRESHOLD = 0x04;
}
}
"""
    links = _links("zq4711_regs.hpp", text)
    assert links["THRESHOLD"] == ("THRESHOLD", "zq4711_regs.hpp", 6)


def test_per_instance_function_like_macro_links_each_instance_by_name():
    regs = [("BUF0CTRL", "0x30"), ("BUF1CTRL", "0x40"), ("BUF2CTRL", "0x50"), ("BUF0DATA", "0x36"),
            ("BUF1DATA", "0x46"), ("MODE", "0x0f")]
    text = """// zq4711 buffers
#define REG_MODE 0x0F
#define REG_BUFnCTRL(n) (0x30 + (n * 0x10))
#define REG_BUFnDATA(n) (0x36 + (n * 0x10))
"""
    links = _links("zq4711.cpp", text, regs)
    assert links["BUF1CTRL"] == ("REG_BUFnCTRL", "zq4711.cpp", 3)
    assert links["BUF2CTRL"] == ("REG_BUFnCTRL", "zq4711.cpp", 3)
    assert links["BUF1DATA"] == ("REG_BUFnDATA", "zq4711.cpp", 4)


def test_encoded_addresses_in_a_command_enum():
    text = """// zq4711 SPI commands: the address sits in bits 6..1
enum Zq4711Command {
  ConfigReg = 0x00 << 1,
  StatusReg = 0x01 << 1,
  DataLsbReg = 0x02 << 1,
  DataMsbReg = 0x03 << 1,
  ThresholdReg = 0x04 << 1,
};
"""
    links = _links("zq4711.h", text)
    assert links["DATA_MSB"] == ("DataMsbReg", "zq4711.h", 6)
    assert links["THRESHOLD"] == ("ThresholdReg", "zq4711.h", 7)


def test_micropython_const_and_plain_python_constants():
    text = '''"""zq4711 driver."""
from micropython import const

_ZQ_ADDRESS = const(0x48)
_REG_CONFIG = const(0x00)
_REG_STATUS = const(0x01)
_REG_CHIP_ID = const(0x0F)
THRESHOLD_ADDR = 0x04


class ZQ4711:
    def __init__(self, i2c):
        self._reg = 0x02
'''
    links = _links("zq4711.py", text)
    assert links["STATUS"] == ("_REG_STATUS", "zq4711.py", 6)
    assert links["THRESHOLD"] == ("THRESHOLD_ADDR", "zq4711.py", 8)
    assert "DATA_LSB" not in links  # an attribute set inside a method is not a constant


def test_rust_enum_and_associated_constants():
    enum_text = """//! zq4711
pub enum Register {
    CONFIG = 0x00,
    STATUS = 0x01,
    CHIP_ID = 0x0F,
}
"""
    assoc_text = """struct Register;
impl Register {
    pub const CONFIG: u8 = 0x00;
    pub const STATUS: u8 = 0x01;
    pub const THRESHOLD: u8 = 0x04;
}
pub const DEVICE_ADDRESS: u8 = 0b100_1000;
"""
    assert _links("src/lib.rs", enum_text)["CHIP_ID"] == ("CHIP_ID", "src/lib.rs", 5)
    assert _links("src/register.rs", assoc_text)["THRESHOLD"] == ("THRESHOLD", "src/register.rs", 5)


def test_csharp_enum_byte():
    text = """namespace Zq4711
{
    internal enum Register : byte
    {
        Config = 0x00,
        Status = 0x01,
        ChipId = 0x0F,
    }
}
"""
    assert _links("Register.cs", text)["CHIP_ID"] == ("ChipId", "Register.cs", 7)


def test_rust_modules_are_reached_from_the_crate_root():
    from firmcorpus.mapping.repo_map import map_repo

    texts = {"src/lib.rs": "//! Driver for the ZQ4711.\nmod regs;\n",
             "src/regs.rs": "pub enum Register {\n    CONFIG = 0x00,\n    STATUS = 0x01,\n    CHIP_ID = 0x0F,\n}\n",
             "other/unrelated.rs": "pub const STATUS: u8 = 0x01;\n"}
    res, _ = map_repo(_sheet(), texts)
    assert {(lk.register, lk.symbol, lk.file) for lk in res.links} == {
        ("CONFIG", "CONFIG", "src/regs.rs"), ("STATUS", "STATUS", "src/regs.rs"), ("CHIP_ID", "CHIP_ID", "src/regs.rs")}


def test_block_encoded_macros_and_per_socket_macros():
    regs = [("MR", "0x0000"), ("GAR", "0x0001"), ("SUBR", "0x0005"), ("SHAR", "0x0009"), ("SIPR", "0x000f"),
            ("Sn_MR", "0x0000"), ("Sn_CR", "0x0001"), ("Sn_IR", "0x0002"), ("Sn_SR", "0x0003"), ("Sn_PORT", "0x0004")]
    text = """/* zq4711 network controller */
#define _ZQ_IO_BASE_ 0x00000000
#define ZQ_CREG_BLOCK 0x00
#define ZQ_SREG_BLOCK(N) (1 + 4 * (N))
#define MR (_ZQ_IO_BASE_ + (0x0000 << 8) + (ZQ_CREG_BLOCK << 3))
#define GAR (_ZQ_IO_BASE_ + (0x0001 << 8) + (ZQ_CREG_BLOCK << 3))
#define SUBR (_ZQ_IO_BASE_ + (0x0005 << 8) + (ZQ_CREG_BLOCK << 3))
#define SHAR (_ZQ_IO_BASE_ + (0x0009 << 8) + (ZQ_CREG_BLOCK << 3))
#define SIPR (_ZQ_IO_BASE_ + (0x000F << 8) + (ZQ_CREG_BLOCK << 3))
#define Sn_MR(N) (_ZQ_IO_BASE_ + (0x0000 << 8) + (ZQ_SREG_BLOCK(N) << 3))
#define Sn_CR(N) (_ZQ_IO_BASE_ + (0x0001 << 8) + (ZQ_SREG_BLOCK(N) << 3))
#define Sn_IR(N) (_ZQ_IO_BASE_ + (0x0002 << 8) + (ZQ_SREG_BLOCK(N) << 3))
#define Sn_SR(N) (_ZQ_IO_BASE_ + (0x0003 << 8) + (ZQ_SREG_BLOCK(N) << 3))
#define Sn_PORT(N) (_ZQ_IO_BASE_ + (0x0004 << 8) + (ZQ_SREG_BLOCK(N) << 3))
"""
    links = _links("zq4711.h", text, regs)
    assert links["SHAR"] == ("SHAR", "zq4711.h", 8)
    assert links["Sn_MR"] == ("Sn_MR", "zq4711.h", 10)
    assert links["Sn_PORT"] == ("Sn_PORT", "zq4711.h", 14)


def test_multi_device_header_follows_the_dispatch_of_this_part():
    from firmcorpus.mapping.repo_map import map_repo

    texts = {
        "app/main.c": '#include "io.h"\n/* ZQ4711 demo */\nint main(void) { return STATUS; }\n',
        "inc/io.h": ('#if defined(__ZQ4712__)\n#include "io_zq4712.h"\n#elif defined(__ZQ4711__)\n'
                     '#include "io_zq4711.h"\n#else\n#error "unknown part"\n#endif\n'),
        "inc/io_zq4711.h": "#define CONFIG 0x00\n#define STATUS 0x01\n#define CHIP_ID 0x0F\n",
        "inc/io_zq4712.h": "#define CONFIG 0x00\n#define STATUS 0x01\n#define CHIP_ID 0x0F\n",
    }
    res, _ = map_repo(_sheet(), texts)
    assert {(lk.register, lk.symbol, lk.file) for lk in res.links} == {
        ("CONFIG", "CONFIG", "inc/io_zq4711.h"), ("STATUS", "STATUS", "inc/io_zq4711.h"),
        ("CHIP_ID", "CHIP_ID", "inc/io_zq4711.h")}


def test_register_struct_members_at_their_offsets():
    regs = [("UART_CTRL", "0x00"), ("UART_STAT", "0x04"), ("UART_DATA", "0x08"), ("UART_BAUD", "0x0c")]
    text = """/* zq4711 */
#include <stdint.h>
#define __IO volatile
typedef struct {
  __IO uint32_t CTRL;
  __IO uint32_t STAT;
  __IO uint32_t DATA;
  __IO uint32_t BAUD;
} UART_TypeDef;
#define UART_CTRL_EN 0x04
#define UART_STAT_RXNE 0x08
"""
    links = _links("zq4711.h", text, regs)
    assert links["UART_STAT"] == ("UART_TypeDef.STAT", "zq4711.h", 6)
    assert links["UART_DATA"] == ("UART_TypeDef.DATA", "zq4711.h", 7)


def test_python_register_descriptors_named_by_a_string():
    text = '''"""zq4711"""
class ZQ4711:
    def __init__(self, i2c):
        self._regs = (
            Register('CONFIG', 0x00, fields=BitField({'mode': 0b11})),
            Register('STATUS', 0x01, fields=BitField({'ready': 0x1})),
            Register('THRESHOLD', 0x04, fields=BitField({'value': 0xFF})),
        )

REGISTERS = [
    Register('CONFIG', 0x00),
    Register('STATUS', 0x01),
    Register('THRESHOLD', 0x04),
]
'''
    links = _links("zq4711.py", text)
    assert links["THRESHOLD"] == ("THRESHOLD", "zq4711.py", 13)  # not the ones inside a method


def test_constant_scanner_is_total_on_odd_input():
    odd = "enum { = 0x, }\n" * 3 + "const X: u8 = ;\n" + "\x00\xff" + "A = const(" + "(" * 5000 + "\n" + "B = 1 << 99999\n"
    for path in ("x.py", "x.rs", "x.cs", "x.txt"):
        f = parse_constants(path, odd)
        assert all(isinstance(s.int_value, int) for s in f.symbols)


def test_io_and_data_space_addresses_printed_together():
    regs = [("PINB", "0x03 (0x23)"), ("DDRB", "0x04 (0x24)"), ("PORTB", "0x05 (0x25)"), ("UDR0", "(0xC6)")]
    text = """/* zq4711 io */
#define PINB _SFR_IO8(0x03)
#define DDRB _SFR_IO8(0x04)
#define PORTB _SFR_IO8(0x05)
#define UDR0 _SFR_MEM8(0xC6)
"""
    links = _links("iozq4711.h", text, regs)
    assert links["DDRB"] == ("DDRB", "iozq4711.h", 3)
    assert links["UDR0"] == ("UDR0", "iozq4711.h", 5)


def test_misspelt_last_member_of_a_small_register_block():
    regs = [("CONFIG", "0x00"), ("STATUS", "0x01"), ("DATA", "0x02"), ("THRESHOLD", "0x04")]
    text = """/* zq4711 */
#define ZQ_REG_CONFIG 0x00
#define ZQ_REG_STATUS 0x01
#define ZQ_REG_DATA 0x02
#define ZQ_REG_THERSHOLD 0x04
#define ZQ_MODE_FAST 0x01
"""
    links = _links("zq4711.h", text, regs)
    assert links["THRESHOLD"] == ("ZQ_REG_THERSHOLD", "zq4711.h", 5)
    assert len(links) == 4


def test_register_enum_with_shifted_values_is_not_a_bit_enum():
    text = """// zq4711
enum ZqRegister {
  ConfigReg = 0 << 0,
  StatusReg = 1 << 0,
  DataLsbReg = 2 << 0,
  ChipIdReg = 15 << 0,
};
"""
    links = _links("zq4711.h", text)
    assert links["STATUS"] == ("StatusReg", "zq4711.h", 4)
    assert links["CHIP_ID"] == ("ChipIdReg", "zq4711.h", 6)


def test_encoded_macros_whose_base_comes_from_a_config_header_under_if_chains():
    from firmcorpus.mapping.repo_map import map_repo

    regs = [("MR", "0x0000"), ("GAR", "0x0001"), ("SUBR", "0x0005"), ("SHAR", "0x0009"), ("SIPR", "0x000f"),
            ("Sn_MR", "0x0400"), ("Sn_CR", "0x0401"), ("Sn_IR", "0x0402"), ("Sn_SR", "0x0403")]
    texts = {
        "conf/zq_conf.h": """#define ZQ_MODE_BUS 0x0100
#define ZQ_MODE_SPI 0x0200
#ifndef ZQ_CHIP
#define ZQ_CHIP 4711
#endif
#if ZQ_CHIP == 4711
#define ZQ_IO_MODE ZQ_MODE_SPI
#endif
#if (ZQ_IO_MODE & ZQ_MODE_BUS)
#define ZQ_IO_BASE 0x60000000
#elif (ZQ_IO_MODE & ZQ_MODE_SPI)
#define ZQ_IO_BASE 0x00000000
#endif
""",
        "zq4711/zq4711.h": """/* ZQ4711 registers */
#include "../conf/zq_conf.h"
#define _ZQ4711_IO_BASE_ ZQ_IO_BASE
#define MR (_ZQ4711_IO_BASE_ + (0x0000))
#define GAR (_ZQ4711_IO_BASE_ + (0x0001))
#define SUBR (_ZQ4711_IO_BASE_ + (0x0005))
#define SHAR (_ZQ4711_IO_BASE_ + (0x0009))
#define SIPR (_ZQ4711_IO_BASE_ + (0x000F))
#define Sn_MR(N) (_ZQ4711_IO_BASE_ + (0x0400 + ((N) << 8)))
#define Sn_CR(N) (_ZQ4711_IO_BASE_ + (0x0401 + ((N) << 8)))
#define Sn_IR(N) (_ZQ4711_IO_BASE_ + (0x0402 + ((N) << 8)))
#define Sn_SR(N) (_ZQ4711_IO_BASE_ + (0x0403 + ((N) << 8)))
""",
    }
    res, _ = map_repo(_sheet(regs), texts)
    links = {lk.register: (lk.symbol, lk.file, lk.line) for lk in res.links}
    assert links["SHAR"] == ("SHAR", "zq4711/zq4711.h", 7)
    assert links["Sn_MR"] == ("Sn_MR", "zq4711/zq4711.h", 9)
    assert links["Sn_SR"] == ("Sn_SR", "zq4711/zq4711.h", 12)
    assert len(links) == len(regs)


def test_csharp_register_enums_reached_through_namespaces():
    from firmcorpus.mapping.repo_map import map_repo

    enum = """namespace Acme.Zq47xx.Register
{{
    internal enum {name} : byte
    {{
        Config = 0x00,
        Status = 0x01,
        DataLsb = 0x02,
        DataMsb = 0x03,
    }}
}}
"""
    texts = {
        # the driver names the part but reaches its registers through its base class's `using`
        "src/Zq47xx/Zq4711.cs": "namespace Acme.Zq47xx\n{\n    public class Zq4711 : Zq47xxBase { }\n}\n",
        "src/Zq47xx/Zq47xxBase.cs": ("using Acme.Zq47xx.Register;\nnamespace Acme.Zq47xx\n{\n"
                                     "    public abstract class Zq47xxBase { }\n}\n"),
        "src/Zq47xx/Register/Zq47x1Register.cs": enum.format(name="Zq47x1Register"),
        # another part's registers, same names and values: not ours
        "src/Zq47xx/Register/Zq4802Register.cs": enum.format(name="Zq4802Register"),
        # a test's own copy of the enum: the implementation's link wins
        "src/Zq47xx/tests/Zq4711Tests.cs": "// Zq4711\n" + enum.format(name="Zq47x1Register"),
    }
    res, _ = map_repo(_sheet(), texts)
    assert {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links} == {
        ("CONFIG", "Config", "src/Zq47xx/Register/Zq47x1Register.cs", 5),
        ("STATUS", "Status", "src/Zq47xx/Register/Zq47x1Register.cs", 6),
        ("DATA_LSB", "DataLsb", "src/Zq47xx/Register/Zq47x1Register.cs", 7),
        ("DATA_MSB", "DataMsb", "src/Zq47xx/Register/Zq47x1Register.cs", 8)}


def test_python_descriptors_built_inside_the_constructor():
    text = '''"""zq4711 driver"""
CHIP_ID = 0x58  # the value the id register reads


class ZQ4711:
    def __init__(self, i2c):
        self._dev = Device(0x76, i2c_dev=i2c, registers=(
            Register("CONFIG", 0x00, fields=(BitField("mode", 0b11),)),
            Register("STATUS", 0x01, fields=(BitField("busy", 0b1),)),
            Register("DATA", 0x02, fields=(BitField("value", 0xFFFF),)),
            Register("CHIP_ID", 0x0F, fields=(BitField("id", 0xFF),)),
        ))
'''
    links = _links("zq4711.py", text)
    assert links["STATUS"] == ("STATUS", "zq4711.py", 9)
    assert links["CHIP_ID"] == ("CHIP_ID", "zq4711.py", 11)
    # DATA reads both data bytes from DATA_LSB on: the register container says it is a register
    assert links["DATA_LSB"] == ("DATA", "zq4711.py", 10)


def test_glued_name_in_a_two_member_register_enum():
    regs = [("id", "0xd0"), ("reset", "0xe0"), ("status", "0xf3")]
    text = """// zq4711
enum class CommonRegister : uint8_t {
  CHIPID = 0xD0,
  RESET = 0xE0,
};
enum class Mode : uint8_t {
  SLEEP = 0x00,
  NORMAL = 0xF3,
};
"""
    links = _links("zq4711.hpp", text, regs)
    assert links == {"id": ("CHIPID", "zq4711.hpp", 3), "reset": ("RESET", "zq4711.hpp", 4)}


def test_data_alias_at_the_end_of_a_scoped_register_enum_before_bit_enums():
    regs = [("CTRL", "0x30"), ("SIDH", "0x31"), ("SIDL", "0x32"), ("DLC", "0x35"), ("D0", "0x36")]
    text = """// zq4711
namespace ZQ4711 {
enum class Register : uint8_t {
  CTRL = 0x30,
  SIDH = 0x31,
  SIDL = 0x32,
  DLC  = 0x35,
  DATA = 0x36,
};
enum class CTRL_BITS : uint8_t {
  TXREQ = 3,
  ABTF = 6,
};
}
"""
    links = _links("zq4711_const.h", text, regs)
    assert links["D0"] == ("DATA", "zq4711_const.h", 8)
    assert len(links) == 5


def test_decimal_register_block_with_names_unlike_the_datasheet():
    regs = [("CONFIG", "0x00"), ("STATUS", "0x01"), ("DATA_LSB", "0x02"), ("DATA_MSB", "0x03"), ("THRESHOLD", "0x04"),
            ("CHIP_ID", "0x0f"), ("FIFO_CTRL", "0x10"), ("FIFO_DATA", "0x11")]
    text = """/* zq4711 driver: register numbers in decimal */
#define ZQ4711_I2C_ADDR     72
#define ZQ4711_CONFIG       0
#define ZQ4711_STATUS       1
#define ZQ4711_DATA_L       2
#define ZQ4711_DATA_H       3
#define ZQ4711_THRESH       4
#define ZQ4711_WHOAMI       15
#define ZQ4711_FIFOCTL      16
#define ZQ4711_FIFO_OUT     17
#define ZQ4711_RETRIES      3
#define ZQ4711_DELAY_MS     4
"""
    links = _links("zq4711.c", text, regs)
    assert links["CHIP_ID"] == ("ZQ4711_WHOAMI", "zq4711.c", 8)  # inside the run of register numbers
    assert links["FIFO_DATA"] == ("ZQ4711_FIFO_OUT", "zq4711.c", 10)  # the run's last register
    assert links["THRESHOLD"] == ("ZQ4711_THRESH", "zq4711.c", 7)  # not the delay of 4 ms
    assert len(links) == len(regs)


def test_part_number_from_the_title_and_first_page_not_from_names_or_documents():
    from firmcorpus.mapping.repo import part_numbers
    from firmcorpus.parsers.models import Section

    def sheet(title, first_page="", regs=(("CTRL_REG1", "0x20"),)):
        return Datasheet(source="ds.pdf", pages=3, title=title, registers=[Register(name=n, address=a) for n, a in regs],
                         sections=[Section(id="s1", title="Overview", level=1, page_start=1, page_end=1, text=first_page),
                                   Section(id="s2", title="Registers", level=1, page_start=2, page_end=3,
                                           text="DS40001952C-page 12 " * 5)])

    assert part_numbers(sheet("ZQ3XY three-axis motion sensor")) == ["zq3xy"]  # one digit, in the title
    assert part_numbers(sheet("Humidity sensor", "The ZQS31 in a QFN24 package\nZQS31 ZQS31")) == ["zqs31"]
    # the register and field names of the sheet, and document numbers, are never the part
    assert part_numbers(sheet("Zqm4711 data sheet", regs=(("ZQCTL42", "0x00"), ("ZQCTL43", "0x01")))) == ["zqm4711"]
    # one name carried by every register is the chip itself
    one = sheet("Touch screen controller")
    one.registers = [Register(name="CHIP_ID", address="0x00", peripheral="ZQM811"),
                     Register(name="SYS_CTRL", address="0x03", peripheral="ZQM811")]
    one.sections[0].text = "ZQM811 functional overview"
    assert part_numbers(one) == ["zqm811"]


def _banked_sheet(rows):
    return Datasheet(source="zq4711.pdf", pages=1, title="ZQ4711 controller",
                     registers=[Register(name=n, address=a, peripheral=sp) for n, a, sp in rows])


def test_bank_and_flag_bits_above_the_address():
    # value = address | (bank << 5) | 0x80 for the MAC bank: the high part says which bank
    rows = [("ZCTL", "0x1f", None), ("PTRL", "0x00", "Bank 0"), ("ENDL", "0x02", "Bank 0"), ("LENL", "0x04", "Bank 0"),
            ("HASH0", "0x00", "Bank 1"), ("HASH1", "0x01", "Bank 1"), ("FILTER", "0x18", "Bank 1"),
            ("MCON1", "0x00", "Bank 2"), ("MCON3", "0x02", "Bank 2"), ("MGAPL", "0x06", "Bank 2"), ("REVID", "0x12", "Bank 3")]
    text = """// zq4711: control register = address | bank << 5 | MAC flag
#define ZCTL    0x1F
#define PTR     (0x00|0x00)
#define END     (0x02|0x00)
#define LEN     (0x04|0x00)
#define HASH0   (0x00|0x20)
#define HASH1   (0x01|0x20)
#define FILTER  (0x18|0x20)
#define MCON1   (0x00|0x40|0x80)
#define MCON3   (0x02|0x40|0x80)
#define MGAP    (0x06|0x40|0x80)
#define REVID   (0x12|0x60)
#define FILTER_UCEN 0x80
#define MCON1_RXEN  0x01
"""
    f = parse_code("zq4711.c", text.encode())
    res = map_pair(_banked_sheet(rows), [f], {"zq4711.c": text})
    links = {(lk.peripheral, lk.register): (lk.symbol, lk.line) for lk in res.links}
    assert links[("Bank 2", "MCON1")] == ("MCON1", 9)
    assert links[("Bank 1", "HASH0")] == ("HASH0", 6)  # 0x20 decodes to bank 1, address 0
    assert links[("Bank 0", "PTRL")] == ("PTR", 3)  # a 16-bit pointer named once: its low byte
    assert links[("Bank 2", "MGAPL")] == ("MGAP", 11)
    assert links[("Bank 3", "REVID")] == ("REVID", 12)
    assert len(links) == len(rows)  # FILTER_UCEN (0x80) and MCON1_RXEN (0x01) are bits


def test_linear_encoding_fitted_per_register_block():
    # common registers at (offset << 8) | (0 << 3), socket registers at (offset << 8) | (1 << 3)
    rows = [("MODE", "0x0000", "common"), ("GATEWAY", "0x0001", "common"), ("SUBNET", "0x0005", "common"),
            ("VERSION", "0x0039", "common"), ("Sn_MODE", "0x0000", "socket"), ("Sn_CMD", "0x0001", "socket"),
            ("Sn_IRQ", "0x0002", "socket"), ("Sn_STATUS", "0x0003", "socket"), ("Sn_TTL", "0x0016", "socket")]
    text = """/* zq4711 */
enum zq_reg {
  MODE = (0x0000 << 8) | (0 << 3),
  GATEWAY = (0x0001 << 8) | (0 << 3),
  SUBNET = (0x0005 << 8) | (0 << 3),
  VERSIONR = (0x0039 << 8) | (0 << 3),
  Sn_MODE = (0x0000 << 8) | (1 << 3),
  Sn_CMD = (0x0001 << 8) | (1 << 3),
  Sn_IRQ = (0x0002 << 8) | (1 << 3),
  Sn_STATUS = (0x0003 << 8) | (1 << 3),
  Sn_TIMETOLIVE = (0x0016 << 8) | (1 << 3),
};
"""
    f = parse_code("zq4711.h", text.encode())
    res = map_pair(_banked_sheet(rows), [f], {"zq4711.h": text})
    links = {(lk.peripheral, lk.register): (lk.symbol, lk.line) for lk in res.links}
    assert links[("socket", "Sn_MODE")] == ("Sn_MODE", 7)
    assert links[("common", "MODE")] == ("MODE", 3)
    assert links[("common", "VERSION")] == ("VERSIONR", 6)
    assert links[("socket", "Sn_TTL")] == ("Sn_TIMETOLIVE", 11)  # by its decoded address in its block
    assert len(links) == len(rows)


def test_family_prefix_with_an_x_wildcard_is_not_a_register_word():
    regs = [("config", "0xf5"), ("status", "0xf3"), ("reset", "0xe0"), ("id", "0xd0")]
    text = """/* zq4711 / zq4811 shared driver */
#define ZQX711_CHIP_ID_REG   (0xD0)
#define ZQEX11_RST_REG       (0xE0)
#define ZQX711_STAT_REG      (0xF3)
#define ZQX711_CONFIG_REG    (0xF5)
"""
    links = _links("zqx711_internals.h", text, regs)
    assert links["reset"] == ("ZQEX11_RST_REG", "zqx711_internals.h", 3)
    assert len(links) == 4


def test_register_printed_under_two_names():
    regs = [("Configuration (CONFIG)", "0x00"), ("STATUS", "0x01"), ("FIFO_R_W/FIFO_DATA", "0x74"),
            ("Chip identifier (WHO_AM_I)", "0x0f")]
    text = """// zq4711
#define ZQ4711_CONFIG 0x00
#define ZQ4711_STATUS 0x01
#define ZQ4711_FIFO_DATA 0x74
#define ZQ4711_WHO_AM_I 0x0F
#define ZQ4711_MODE_FAST 0x02
"""
    links = _links("zq4711.h", text, regs)
    assert links["Configuration (CONFIG)"] == ("ZQ4711_CONFIG", "zq4711.h", 2)
    assert links["FIFO_R_W/FIFO_DATA"] == ("ZQ4711_FIFO_DATA", "zq4711.h", 4)
    assert links["Chip identifier (WHO_AM_I)"] == ("ZQ4711_WHO_AM_I", "zq4711.h", 5)
    assert len(links) == 4


def test_members_of_a_register_class_filled_by_address_and_keyword_descriptors():
    regs = [("RTCSEC", "0x00"), ("RTCMIN", "0x01"), ("RTCHOUR", "0x02"), ("CONTROL", "0x07"), ("OSCTRIM", "0x08"),
            ("ALM0SEC", "0x0a")]
    rust = """// zq4711 rtc
struct Register;
impl Register {
    const SECONDS: u8 = 0x00;
    const MINUTES: u8 = 0x01;
    const HOURS: u8 = 0x02;
    const CONTROL: u8 = 0x07;
    const OSCTRIM: u8 = 0x08;
    const ALM0SEC: u8 = 0x0A;
}
struct BitFlags;
impl BitFlags {
    const ST: u8 = 0b1000_0000;
    const VBATEN: u8 = 0b0000_1000;
}
"""
    links = _links("src/lib.rs", rust, regs)
    assert links["RTCSEC"] == ("SECONDS", "src/lib.rs", 4)  # named by meaning: the container says register
    assert links["RTCHOUR"] == ("HOURS", "src/lib.rs", 6)
    assert len(links) == len(regs)
    py = '''"""zq4711"""
REGISTERS = (
    Register(name="CONTROL", address=0x07),
    Register(name="OSCTRIM", address=0x08),
    Register("ALM0SEC", address=0x0A),
)
'''
    links = _links("zq4711.py", py, regs)
    assert links["OSCTRIM"] == ("OSCTRIM", "zq4711.py", 4)
    assert links["ALM0SEC"] == ("ALM0SEC", "zq4711.py", 5)


def test_block_prefix_abbreviating_an_already_linked_register_is_no_rival():
    regs = [("Wait", "0x3c"), ("Ctl_a", "0x40"), ("Ctl_b", "0x41"), ("Ctl_c", "0x42"), ("Setup", "0x45"),
            ("Id", "0xd0"), ("Reset", "0xe0")]
    text = '''"""zq4711 register map"""
I2C_ADDR_LOW = 0x76
WAIT_ADDR = 0x3c
SET_LOOP_ADDR = 0x40
SET_RATE_ADDR = 0x41
SET_GAIN_ADDR = 0x42
SET_FILTER_SETUP_ADDR = 0x45
ID_ADDR = 0xd0
RESET_ADDR = 0xe0
SOFT_RESET_CMD = 0xb6
MODE_SLEEP = 0x00
MODE_FORCED = 0x01
GAIN_1X = 0x00
GAIN_4X = 0x02
FILTER_OFF = 0x00
FILTER_SIZE_3 = 0x01
RATE_1HZ = 0x05
'''
    links = _links("zq4711/registers.py", text, regs)
    assert links["Setup"] == ("SET_FILTER_SETUP_ADDR", "zq4711/registers.py", 7)
    # SET_ abbreviates Setup, which is linked already: the run of addresses decides
    assert links["Ctl_a"] == ("SET_LOOP_ADDR", "zq4711/registers.py", 4)
    assert links["Ctl_c"] == ("SET_GAIN_ADDR", "zq4711/registers.py", 6)
    assert len(links) == len(regs)


def test_zephyr_style_driver_private_header():
    from firmcorpus.mapping.repo_map import map_repo

    texts = {
        "drivers/sensor/zq4711/zq4711.c": """#define DT_DRV_COMPAT vnd_zq4711
#include <zephyr/drivers/i2c.h>
#include "zq4711.h"
static int zq4711_init(const struct device *dev)
{
\tconst struct zq4711_config *cfg = dev->config;
\tuint8_t id;
\treturn i2c_reg_read_byte_dt(&cfg->i2c, ZQ4711_REG_CHIP_ID, &id);
}
""",
        "drivers/sensor/zq4711/zq4711.h": """#ifndef ZEPHYR_DRIVERS_SENSOR_ZQ4711_H_
#define ZEPHYR_DRIVERS_SENSOR_ZQ4711_H_
#include <zephyr/sys/util.h>
#define ZQ4711_REG_CONFIG        0x00U
#define ZQ4711_CONFIG_ODR_MASK   GENMASK(7, 4)
#define ZQ4711_CONFIG_EN         BIT(0)
#define ZQ4711_REG_STATUS        0x01U
#define ZQ4711_STATUS_DRDY       BIT(1)
#define ZQ4711_REG_DATA_LSB      0x02U
#define ZQ4711_REG_DATA_MSB      0x03U
#define ZQ4711_REG_THRESHOLD     0x04U
#define ZQ4711_REG_CHIP_ID       0x0FU
#define ZQ4711_CHIP_ID_VAL       0x04U
#endif
""",
        "drivers/sensor/other/other.h": "#define OTHER_REG_CONFIG 0x00U\n#define OTHER_REG_STATUS 0x01U\n",
    }
    res, _ = map_repo(_sheet(), texts)
    got = {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}
    h = "drivers/sensor/zq4711/zq4711.h"
    assert got == {("CONFIG", "ZQ4711_REG_CONFIG", h, 4), ("STATUS", "ZQ4711_REG_STATUS", h, 7),
                   ("DATA_LSB", "ZQ4711_REG_DATA_LSB", h, 9), ("DATA_MSB", "ZQ4711_REG_DATA_MSB", h, 10),
                   ("THRESHOLD", "ZQ4711_REG_THRESHOLD", h, 11), ("CHIP_ID", "ZQ4711_REG_CHIP_ID", h, 12)}


def test_nuttx_style_public_header_with_ioctl_codes():
    from firmcorpus.mapping.repo_map import map_repo

    texts = {
        "include/nuttx/sensors/zq4711.h": """#ifndef __INCLUDE_NUTTX_SENSORS_ZQ4711_H
#define __INCLUDE_NUTTX_SENSORS_ZQ4711_H
#include <nuttx/sensors/ioctl.h>
#define ZQ4711_CONFIG        (0x00)   /* Configuration */
#define ZQ4711_STATUS        (0x01)   /* Status */
#define ZQ4711_DATA_LSB      (0x02)
#define ZQ4711_DATA_MSB      (0x03)
#define ZQ4711_THRESHOLD     (0x04)
#define ZQ4711_WHO_AM_I      (0x0f)   /* Chip identifier */
#define ZQ4711_DEVICE_ID     (0x47)
#define SNIOC_ZQ_SETRATE     _SNIOC(0x0001)
#define SNIOC_ZQ_GETSTATUS   _SNIOC(0x0002)
#endif
""",
        "drivers/sensors/zq4711.c": '#include <nuttx/sensors/zq4711.h>\nstatic int zq4711_probe(void) { return ZQ4711_WHO_AM_I; }\n',
    }
    res, _ = map_repo(_sheet(), texts)
    links = {lk.register: (lk.symbol, lk.line) for lk in res.links}
    assert links["CHIP_ID"] == ("ZQ4711_WHO_AM_I", 9)  # the name differs, the block carries it
    assert links["STATUS"] == ("ZQ4711_STATUS", 5)
    assert len(links) == 6  # not the ioctl codes _SNIOC(0x0001/2)


def test_per_instance_base_plus_offset_macros_with_an_accessor_in_another_header():
    """``#define TMR_CTRL(tmr_base) REG32((tmr_base) + 0x04)``: the argument is a peripheral base,
    the register is the value at base 0; the accessor lives in a common header that is no
    candidate of its own. Bit values and the per-instance expansions (absolute) are not linked."""
    from firmcorpus.mapping.repo_map import map_repo

    regs = [("TMR_CTRL", "0x00"), ("TMR_STAT", "0x04"), ("TMR_CNT", "0x08"), ("TMR_PRE", "0x0c")]
    texts = {
        "include/zq/common/tmr_common.h": """/* timer block of the zq47 family */
#define TMR0 TMR0_BASE
#define TMR1 TMR1_BASE
#define TMR_CTRL(tmr_base)   REG32((tmr_base) + 0x00)
#define TMR0_CTRL            TMR_CTRL(TMR0)
#define TMR_STAT(tmr_base)   REG32((tmr_base) + 0x04)
#define TMR0_STAT            TMR_STAT(TMR0)
#define TMR_CNT(tmr_base)    REG32((tmr_base) + 0x08)
#define TMR_PRE(tmr_base)    REG32((tmr_base) + 0x0c)
#define TMR_CTRL_EN          (1 << 0)
#define TMR_CTRL_MODE_SHIFT  4
#define TMR_STAT_OVF         (1 << 8)
""",
        "include/zq/memorymap.h": "#define PERIPH_BASE (0x40000000U)\n#define TMR0_BASE (PERIPH_BASE + 0x0400)\n"
                                  "#define TMR1_BASE (PERIPH_BASE + 0x0800)\n",
        "include/zq/cm/common.h": "#include <stdint.h>\n#define REG32(addr) (*(volatile uint32_t *)(addr))\n"
                                  "#define REG8(addr) (*(volatile uint8_t *)(addr))\n",
    }
    res, _ = map_repo(_sheet(regs, title="ZQ47 timer"), texts)
    got = {(lk.register, lk.symbol, lk.line) for lk in res.links}
    assert got == {("TMR_CTRL", "TMR_CTRL", 4), ("TMR_STAT", "TMR_STAT", 6), ("TMR_CNT", "TMR_CNT", 8),
                   ("TMR_PRE", "TMR_PRE", 9)}


def test_register_structs_nested_in_a_class_with_a_decimal_address_member():
    """``struct STATUS { static const uint16_t __address = 1; struct FIELD { mask … }; };`` nested
    in a C++ class: the struct names the register, its only address member carries it (decimal);
    a multi-byte register struct names its first byte; field masks are not registers."""
    text = """// generated register access for the zq4711
#include <cinttypes>
class ZQ4711_Base
{
public:
\tvirtual uint8_t read8(uint16_t address, uint16_t n=8) = 0;
\tstruct CONFIG
\t{
\t\tstatic const uint16_t __address = 0;
\t\tstruct MODE
\t\t{
\t\t\tstatic const uint8_t dflt = 0b0;
\t\t\tstatic const uint8_t mask = 0b00000011; // [0,1]
\t\t};
\t};
\tstruct STATUS
\t{
\t\tstatic const uint16_t __address = 1;
\t\tstruct READY
\t\t{
\t\t\tstatic const uint8_t mask = 0b00000100; // [2]
\t\t};
\t};
\tstruct DATA
\t{
\t\tstatic const uint16_t __address = 2;
\t};
\tstruct CHIP_ID
\t{
\t\tstatic const uint16_t __address = 15;
\t};
\tuint8_t getSTATUS() { return read8(STATUS::__address, 8); }
};
"""
    links = _links("zq4711.hpp", text)
    assert links == {"CONFIG": ("__address", "zq4711.hpp", 9), "STATUS": ("__address", "zq4711.hpp", 18),
                     "DATA_LSB": ("__address", "zq4711.hpp", 26), "CHIP_ID": ("__address", "zq4711.hpp", 30)}


def test_io_space_addresses_behind_a_data_space_accessor():
    """A datasheet that prints I/O addresses (``0x05 (0x25)``: I/O first, data space in parentheses)
    against code whose accessor adds the I/O offset (``IO8(x)`` = data address x + 0x20); the
    registers printed only in data space (extended I/O) are reached through the plain accessor."""
    regs = [("PINB", "0x03"), ("DDRB", "0x04"), ("PORTB", "0x05"), ("PINC", "0x06"), ("DDRC", "0x07"),
            ("PORTC", "0x08"), ("SREG", "0x3f"), ("UCSR0A", "0xc0"), ("UDR0", "0xc6")]
    text = """/* zq47 i/o map */
#include <stdint.h>
#define ZQ_IO_OFFSET 0x20
#define ZQ_MMIO8(mem_addr) (*(volatile uint8_t *)(mem_addr))
#define ZQ_IO8(io_addr) ZQ_MMIO8((io_addr) + ZQ_IO_OFFSET)
#define ZQ_MEM8(mem_addr) ZQ_MMIO8(mem_addr)
#define PINB  ZQ_IO8(0x03)
#define DDRB  ZQ_IO8(0x04)
#define PORTB ZQ_IO8(0x05)
#define PB5   5
#define PINC  ZQ_IO8(0x06)
#define DDRC  ZQ_IO8(0x07)
#define PORTC ZQ_IO8(0x08)
#define SREG  ZQ_IO8(0x3F)
#define UCSR0A ZQ_MEM8(0xC0)
#define RXC0  7
#define UDR0  ZQ_MEM8(0xC6)
"""
    links = _links("zq47_io.h", text, regs)
    assert links["PORTB"] == ("PORTB", "zq47_io.h", 9)
    assert links["SREG"] == ("SREG", "zq47_io.h", 14)
    assert links["UDR0"] == ("UDR0", "zq47_io.h", 17)
    assert len(links) == 9  # PB5 = 5 and RXC0 = 7 are bit numbers, not PORTB / DDRC


def test_read_flag_or_ed_into_a_register_enum_inside_a_class():
    """``enum Reg : uint8_t { CommandReg = 0x80 | 0x01, … }`` in a class (the SPI read bit or-ed in):
    the family's transform (+0x80) links every member; the command enum beside it stays out."""
    regs = [("CommandReg", "0x01"), ("ComIEnReg", "0x02"), ("DivIEnReg", "0x03"), ("ComIrqReg", "0x04"),
            ("ErrorReg", "0x06"), ("VersionReg", "0x37")]
    text = """// zq47 front end
#include <stdint.h>
class Zq47 {
 public:
  enum Reg : uint8_t {
    CommandReg = 0x80 | 0x01,
    ComIEnReg = 0x80 | 0x02,
    DivIEnReg = 0x80 | 0x03,
    ComIrqReg = 0x80 | 0x04,
    ErrorReg = 0x80 | 0x06,
    VersionReg = 0x80 | 0x37,
  };
  enum Cmd : uint8_t { Idle = 0x00, Mem = 0x01, Transceive = 0x0C };
};
"""
    links = _links("zq47.h", text, regs)
    assert links == {r: (r, "zq47.h", 6 + i) for i, (r, _) in enumerate(regs)}


def test_descriptor_table_of_address_mask_shift_entries_named_for_fields():
    """``const FieldDesc_t fields[N] = { {0x06, 0x70, 4}, // PRS_MR … }``: entries named (by a comment
    or a designator) for bit fields, the address in the first member. A name that spells a register
    anchors the table; each other register the table addresses is linked at its first entry; a
    two-member block table and the enum of field indexes stay out."""
    regs = [("PSR_B2", "0x00"), ("TMP_B2", "0x03"), ("PRS_CFG", "0x06"), ("TMP_CFG", "0x07"), ("MEAS_CFG", "0x08"),
            ("CFG_REG", "0x09"), ("INT_STS", "0x0a"), ("RESET", "0x0c"), ("PRODUCT_ID", "0x0d")]
    text = """// zq47 field descriptors
#include <stdint.h>
typedef struct { uint8_t regAddress; uint8_t mask; uint8_t shift; } FieldDesc_t;
enum Fields_e { PROD_ID = 0, REV_ID, OPMODE, PRS_MR, PRS_OSR, TMP_MR, TMP_OSR, INT_HL, FIFO_EN, SOFT_RST, FIELD_COUNT };
const FieldDesc_t fields[FIELD_COUNT] = {
    {0x0D, 0x0F, 0}, // PROD_ID
    {0x0D, 0xF0, 4}, // REV_ID
    {0x08, 0x07, 0}, // OPMODE
    {0x06, 0x70, 4}, // PRS_MR
    {0x06, 0x0F, 0}, // PRS_OSR
    {0x07, 0x70, 4}, // TMP_MR
    {0x07, 0x0F, 0}, // TMP_OSR
    {0x09, 0x80, 7}, // INT_HL
    {0x09, 0x02, 1}, // FIFO_EN
    {0x0C, 0x0F, 0}, // SOFT_RST
};
const uint8_t blocks[][2] = {
    {0x00, 3}, // PSR_B2 pressure
    {0x03, 3}, // TMP_B2 temperature
};
"""
    links = _links("zq47_regs.h", text, regs)
    h = "zq47_regs.h"
    assert links == {"PRODUCT_ID": ("fields[PROD_ID]", h, 6), "MEAS_CFG": ("fields[OPMODE]", h, 8),
                     "PRS_CFG": ("fields[PRS_MR]", h, 9), "TMP_CFG": ("fields[TMP_MR]", h, 11),
                     "CFG_REG": ("fields[INT_HL]", h, 13), "RESET": ("fields[SOFT_RST]", h, 15)}
    # designated entries name themselves
    text2 = text.replace("    {0x0D, 0x0F, 0}, // PROD_ID", "    [PROD_ID] = {0x0D, 0x0F, 0},")
    assert _links("zq47_regs.h", text2, regs)["PRODUCT_ID"] == ("fields[PROD_ID]", h, 6)


def test_spi_addresses_with_the_read_bit_dropped_in_a_class_enum():
    """``enum Registers : uint8_t { REG_ID = 0x50, … }`` private to a class of an SPI driver whose
    datasheet prints 0xD0: bit 7 of the address is the SPI read/write bit, so the code keeps
    ``address - 0x80``. The family's transform links every member; the chip-id value and the
    mode enum stay out."""
    regs = [("calib00", "0x88"), ("id", "0xd0"), ("reset", "0xe0"), ("status", "0xf3"), ("ctrl_meas", "0xf4"),
            ("config", "0xf5"), ("press_msb", "0xf7"), ("temp_msb", "0xfa")]
    text = """// zq47 over SPI
#include <stdint.h>
class Zq47Spi {
 public:
  enum Mode { SLEEP_MODE = 0x0, FORCED_MODE = 0x1, NORMAL_MODE = 0x3 };
  static constexpr uint8_t REG_ID_VAL = 0x58;
 private:
  enum Registers : uint8_t {
    REG_CALIB_0 = 0x08,
    REG_ID = 0x50,
    REG_RESET = 0x60,
    REG_STATUS = 0x73,
    REG_CTRL_MEAS = 0x74,
    REG_CONFIG = 0x75,
    REG_PRESS_MSB = 0x77,
    REG_TEMP_MSB = 0x7A
  };
};
"""
    links = _links("zq47_spi.h", text, regs)
    h = "zq47_spi.h"
    assert links == {"id": ("REG_ID", h, 10), "reset": ("REG_RESET", h, 11), "status": ("REG_STATUS", h, 12),
                     "ctrl_meas": ("REG_CTRL_MEAS", h, 13), "config": ("REG_CONFIG", h, 14),
                     "press_msb": ("REG_PRESS_MSB", h, 15), "temp_msb": ("REG_TEMP_MSB", h, 16),
                     "calib00": ("REG_CALIB_0", h, 9)}


def test_bit_enums_named_like_their_register_leave_the_link_to_the_register_enum():
    """A namespace with ``enum Registers : uint8_t { CTRL_REG2 = 0x11, … }`` followed by one bit
    enum per register that carries the register's name (``enum CTRL_REG2 : uint8_t { SWRESET =
    0x04, … }``): the register links to the enumerator, never to the type or its bit values."""
    regs = [("IF_CTRL", "0x0e"), ("WHO_AM_I", "0x0f"), ("CTRL_REG1", "0x10"), ("CTRL_REG2", "0x11"),
            ("STATUS", "0x27"), ("PRESS_OUT_XL", "0x28")]
    text = """// zq47 definitions
#include <stdint.h>
namespace Zq47Defs {
static constexpr uint32_t WHO_AM_I_VALUE = 0xb4;
enum Registers : uint8_t {
    IF_CTRL = 0x0e,
    WHO_AM_I = 0x0f,
    CTRL_REG1 = 0x10,
    CTRL_REG2 = 0x11,
    STATUS = 0x27,
    PRESS_OUT_XL = 0x28,
};
enum IF_CTRL : uint8_t { I2C_DISABLE = 0x40, SDA_PU_EN = 0x10 };
enum CTRL_REG2 : uint8_t { BOOT = 0x80, SWRESET = 0x04, ONESHOT = 0x01 };
enum STATUS : uint8_t { P_DA = 0x01, T_DA = 0x02 };
}
"""
    links = _links("zq47_defs.h", text, regs)
    h = "zq47_defs.h"
    assert links == {r: (r, h, 6 + i) for i, (r, _) in enumerate(regs)}


def test_register_constants_followed_by_mask_and_shift_companions():
    """A namespace of ``static constexpr uint8_t REG_X = 0x..;`` each followed by its field masks
    and shifts (``MASK_..``, ``SHIFT_..``), beside id/reset values: only the REG_ constants link,
    including ones whose names differ from the datasheet's by an abbreviated suffix."""
    regs = [("WHO_AM_I", "0x00"), ("REVISION_ID", "0x01"), ("CTRL1", "0x02"), ("CTRL2", "0x03"),
            ("TIMESTAMP_LOW", "0x30"), ("TIMESTAMP_MID", "0x31"), ("TIMESTAMP_HIGH", "0x32"), ("RESET", "0x60")]
    text = """// zq47 register map
#include <stdint.h>
namespace Zq47Regs {
static constexpr uint8_t ZQ47_WHO_AM_I_VAL = 0x05;
static constexpr uint8_t ZQ47_RESET_VAL = 0xB0;
static constexpr uint8_t REG_WHO_AM_I = 0x00;
static constexpr uint8_t MASK_WHO_AM_I = 0xFF;
static constexpr uint8_t SHIFT_WHO_AM_I = 0;
static constexpr uint8_t REG_REVISION = 0x01;
static constexpr uint8_t REG_CTRL1 = 0x02;
static constexpr uint8_t MASK_SIM = 0x80;
static constexpr uint8_t SHIFT_SIM = 7;
static constexpr uint8_t REG_CTRL2 = 0x03;
static constexpr uint8_t MASK_ACCEL_RANGE = 0x70;
static constexpr uint8_t SHIFT_ACCEL_RANGE = 4;
static constexpr uint8_t REG_TIMESTAMP_L = 0x30;
static constexpr uint8_t REG_TIMESTAMP_M = 0x31;
static constexpr uint8_t REG_TIMESTAMP_H = 0x32;
static constexpr uint8_t REG_RESET = 0x60;
}
"""
    links = _links("zq47_reg.hpp", text, regs)
    h = "zq47_reg.hpp"
    assert links == {"WHO_AM_I": ("REG_WHO_AM_I", h, 6), "REVISION_ID": ("REG_REVISION", h, 9),
                     "CTRL1": ("REG_CTRL1", h, 10), "CTRL2": ("REG_CTRL2", h, 13),
                     "TIMESTAMP_LOW": ("REG_TIMESTAMP_L", h, 16), "TIMESTAMP_MID": ("REG_TIMESTAMP_M", h, 17),
                     "TIMESTAMP_HIGH": ("REG_TIMESTAMP_H", h, 18), "RESET": ("REG_RESET", h, 19)}


def test_rust_register_struct_members_at_their_offsets():
    """A ``#[repr(C)] struct ZqUartRegisters { ctrl: ReadWrite<u32, CTRL::Register>, … }`` (offset =
    the sizes of the members before it, padding arrays included) and tock-style ``register_structs!``
    rows ``(0x008 => data: ReadWrite<u32>)``: each member links at its offset; the bit-field modules
    named like the registers (``CTRL [ EN OFFSET(0) NUMBITS(1) [] ]``) and a struct of another
    peripheral with the same member names stay out."""
    regs = [("UART_CTRL", "0x00"), ("UART_STAT", "0x04"), ("UART_DATA", "0x0c"), ("UART_BAUD", "0x10")]
    text = """// zq4711 uart
use kernel::utilities::registers::{ReadOnly, ReadWrite, register_bitfields};

#[repr(C)]
struct ZqUartRegisters {
    /// control
    ctrl: ReadWrite<u32, CTRL::Register>,
    stat: ReadOnly<u32>,
    _reserved0: [u8; 4],
    data: ReadWrite<u32>,
    baud: ReadWrite<u32, BAUD::Register>,
}

#[repr(C)]
struct ZqSpiRegisters {
    ctrl: ReadWrite<u32>,
    stat: ReadOnly<u32>,
}

register_bitfields![u32,
    CTRL [
        EN OFFSET(0) NUMBITS(1) []
    ],
    BAUD [
        DIV OFFSET(0) NUMBITS(16) []
    ]
];
"""
    h = "zq4711_uart.rs"
    links = _links(h, text, regs)
    assert links == {"UART_CTRL": ("ZqUartRegisters.ctrl", h, 7), "UART_STAT": ("ZqUartRegisters.stat", h, 8),
                     "UART_DATA": ("ZqUartRegisters.data", h, 10), "UART_BAUD": ("ZqUartRegisters.baud", h, 11)}
    rows = """// zq4711 uart
use tock_registers::register_structs;
register_structs! {
    pub ZqUartRegisters {
        (0x000 => ctrl: ReadWrite<u32, CTRL::Register>),
        (0x004 => stat: ReadOnly<u32>),
        (0x008 => _reserved0),
        (0x00C => data: ReadWrite<u32>),
        (0x010 => baud: ReadWrite<u32>),
        (0x014 => @END),
    }
}
"""
    links = _links(h, rows, regs)
    assert links == {"UART_CTRL": ("ZqUartRegisters.ctrl", h, 5), "UART_STAT": ("ZqUartRegisters.stat", h, 6),
                     "UART_DATA": ("ZqUartRegisters.data", h, 8), "UART_BAUD": ("ZqUartRegisters.baud", h, 9)}
