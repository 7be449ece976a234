"""parse_code on fixtures written here: symbols, evaluation, layouts, robustness, other languages."""

from __future__ import annotations

import pytest

from firmcorpus.parsers.cexpr import evaluate
from firmcorpus.parsers.code import detect_language, parse_code, register_count
from firmcorpus.parsers.code_flags import detect_flags
from firmcorpus.parsers.models import LANGUAGES, CodeFile


def by_name(cf: CodeFile, kind: str | None = None):
    return {s.name: s for s in cf.symbols if kind is None or s.kind == kind}


@pytest.mark.parametrize("text,env,value", [
    ("0x10", {}, 16),
    ("(0x0001)", {}, 1),
    ("(1U << 13)", {}, 8192),
    ("BIT(5)", {}, 32),
    ("GENMASK(7, 4)", {}, 0xF0),
    ("_BV(3)", {}, 8),
    ("_SFR_IO8(0x05)", {}, 0x25),
    ("_SFR_MEM8(0xC6)", {}, 0xC6),
    ("(APB2PERIPH_BASE + 0x1000UL)", {"APB2PERIPH_BASE": "(PERIPH_BASE + 0x00010000UL)", "PERIPH_BASE": "0x40000000UL"},
     0x40011000),
    ("(0x1UL << USART_CR1_UE_Pos)", {"USART_CR1_UE_Pos": "(13U)"}, 0x2000),
    ("((USART_TypeDef *) USART1_BASE)", {"USART1_BASE": "0x40011000UL"}, 0x40011000),
    ("(*(volatile unsigned long *)(0x2009C000))", {}, 0x2009C000),
    ("~0U", {}, 0xFFFFFFFF),
    ("(uint8_t)0x1FF", {}, 0xFF),
    ("-1", {}, -1),
    ("010", {}, 8),
    ("'A'", {}, 65),
    ("1 ? 2 : 3", {}, 2),
    ("(2 + 3) * 4 - 10 / 3 % 2", {}, 19),
])
def test_evaluate_constants(text, env, value):
    assert evaluate(text, env) == value


@pytest.mark.parametrize("text", ["foo(3)", '"abc"', "x + 1", "1 / 0", "1 << 99", "sizeof(int)", "A", "{1, 2}"])
def test_evaluate_refuses_non_constants(text):
    assert evaluate(text, {"A": "A + 1"}) is None


def _value_tuple(v):
    return None if v is None else (v.value, v.unsigned, v.bits, v.ptr_type, v.mmio)


@pytest.mark.parametrize("body", [
    "(*(volatile uint32_t *)(a))", "(*(volatile uint8_t *)a)", "( * ( volatile struct foo * ) ( a ) )",
    "(*(USART_TypeDef *)(a))", "(*(volatile mytype *)(a))", "(*(volatile uint32_t)(a))", "(*(a *)(a))",
    "(*(volatile uint16_t * const)(a))", "(*(void **)(a))", "(*(volatile Known *)(a))", "(*(volatile uint32_t *)(a) + 1)",
])
@pytest.mark.parametrize("arg", ["0x40011000", "7", "08", "1ULL", "0xFFFFFFFFFFFFFFFFFF"])
def test_register_accessor_macros_evaluate_as_their_expansion(body, arg):
    # Evaluator.expand reads `(*(TYPE *)(a))` bodies without parsing them per call; the result must
    # be what the parser gives for the expanded text
    from firmcorpus.parsers.cexpr import Evaluator, Macro

    fast = Evaluator({"REG": Macro(body, ("a",))}, {"Known"}).value(f"REG({arg})")
    import re

    expanded = re.sub(r"\ba\b", f"({arg})", body)  # what expand does: each parameter becomes (argument)
    slow = Evaluator({}, {"Known"}).value(expanded)
    assert _value_tuple(fast) == _value_tuple(slow)


CMSIS = b"""
#include "core_cm4.h"
#include <stdint.h>
#define PERIPH_BASE           0x40000000UL
#define APB2PERIPH_BASE       (PERIPH_BASE + 0x00010000UL)
#define USART1_BASE           (APB2PERIPH_BASE + 0x1000UL)
typedef struct
{
  __IO uint32_t SR;         /*!< 0x00 */
  __IO uint32_t DR;         /*!< 0x04 */
  __IO uint16_t BRR;        /*!< 0x08 */
  uint16_t      RESERVED0;  /*!< 0x0A */
  __IO uint32_t CR1;        /*!< 0x0C */
  uint32_t      RESERVED1[2];
  union {
    __IOM uint32_t WORD;
    __IOM uint8_t  BYTE;
  };                        /*!< 0x18 */
  struct {
    __IOM uint32_t A : 3;
    __IOM uint32_t B : 5;
  } BITS;                   /*!< 0x1C */
  __IO uint8_t  GTPR;       /*!< 0x20 */
  __IO uint32_t CR3;        /*!< 0x24 (aligned) */
} USART_TypeDef;
typedef struct { __IO uint32_t CH[4]; USART_TypeDef U; __IO uint32_t LAST; } NEST_TypeDef;
#define USART1              ((USART_TypeDef *) USART1_BASE)
#define USART_CR1_UE_Pos    (13U)
#define USART_CR1_UE_Msk    (0x1UL << USART_CR1_UE_Pos)
#define USART_CR1_UE        USART_CR1_UE_Msk
#define REG_READ(r)         ((r) & 0xFF)
#define BME280_REG_CHIP_ID  0xD0
enum bme280_regs { BME280_REG_ID = 0xD0, BME280_REG_RESET = 0xE0, BME280_REG_NEXT };
static inline uint32_t usart_read(USART_TypeDef *u) { return u->DR; }
int usart_init(USART_TypeDef *u, uint32_t baud);
volatile uint32_t tick_count = 0x10;
"""


def test_cmsis_overlay_struct_instance_and_bits():
    cf = parse_code("Drivers/stm32f4xx.h", CMSIS)
    assert cf.language == "c"
    assert cf.includes == ["core_cm4.h", "stdint.h"] and cf.angle_includes == ["stdint.h"]
    fields = {s.name: s for s in cf.symbols if s.kind == "field" and s.parent == "USART_TypeDef"}
    offsets = {n: s.offset for n, s in fields.items()}
    assert offsets == {"SR": 0, "DR": 4, "BRR": 8, "RESERVED0": 10, "CR1": 12, "RESERVED1": 16, "WORD": 24, "BYTE": 24,
                       "BITS": 28, "GTPR": 32, "CR3": 36}
    assert fields["RESERVED1"].size == 8 and fields["BRR"].size == 2
    struct = by_name(cf, "struct")["USART_TypeDef"]
    assert (struct.size, struct.role) == (40, "overlay")
    nest = {s.name: s.offset for s in cf.symbols if s.kind == "field" and s.parent == "NEST_TypeDef"}
    assert nest == {"CH": 0, "U": 16, "LAST": 56}
    m = by_name(cf, "macro")
    assert (m["USART1"].int_value, m["USART1"].type, m["USART1"].role) == (0x40011000, "USART_TypeDef", "instance")
    assert (m["USART1_BASE"].int_value, m["USART1_BASE"].role) == (0x40011000, "base")
    assert (m["USART_CR1_UE_Msk"].int_value, m["USART_CR1_UE_Msk"].role) == (0x2000, "bit")
    assert m["USART_CR1_UE"].int_value == 0x2000
    assert m["REG_READ"].signature == "REG_READ(r)" and m["REG_READ"].int_value is None
    assert (m["BME280_REG_CHIP_ID"].int_value, m["BME280_REG_CHIP_ID"].role) == (0xD0, "register")
    e = by_name(cf, "enumerator")
    assert [(e[n].int_value, e[n].parent) for n in ("BME280_REG_ID", "BME280_REG_RESET", "BME280_REG_NEXT")] == \
        [(0xD0, "bme280_regs"), (0xE0, "bme280_regs"), (0xE1, "bme280_regs")]
    f = by_name(cf, "function")
    assert f["usart_read"].signature == "static inline uint32_t usart_read(USART_TypeDef *u)"
    assert f["usart_init"].signature.startswith("int usart_init(")
    v = by_name(cf, "variable")["tick_count"]
    assert v.int_value == 0x10
    assert register_count(cf.symbols) >= 11 + 2
    assert cf.parse_errors == 0
    # lines are 1-based and match the text
    lines = CMSIS.decode().split("\n")
    assert "#define USART1 " in lines[m["USART1"].start_line - 1]
    assert "SR;" in lines[fields["SR"].start_line - 1]


def test_typedef_named_struct_and_plain_typedefs():
    src = b"typedef volatile uint8_t register8_t;\ntypedef struct PORT_struct { register8_t DIR; register8_t OUT; } PORT_t;\n" \
          b"#define PORTA (*(PORT_t *) 0x0600)\n"
    cf = parse_code("io.h", src)
    s = by_name(cf, "struct")["PORT_t"]
    assert s.type == "struct PORT_struct" and s.size == 2
    assert [(f.name, f.offset, f.parent) for f in cf.symbols if f.kind == "field"] == [("DIR", 0, "PORT_t"),
                                                                                         ("OUT", 1, "PORT_t")]
    assert by_name(cf, "typedef")["register8_t"].value == "volatile uint8_t"
    porta = by_name(cf, "macro")["PORTA"]
    assert (porta.int_value, porta.type, porta.role) == (0x600, "PORT_t", "instance")


def test_commented_out_defines_are_not_symbols():
    src = b"/* old:\n#define GONE 1\n*/\n#define KEPT 2 /* trailing\n comment */\n// #define ALSO_GONE 3\n"
    cf = parse_code("a.h", src)
    assert [(s.name, s.int_value, s.start_line) for s in cf.symbols] == [("KEPT", 2, 4)]


def test_multiline_macro_lines_and_value():
    src = b"#define LONG_ONE(a, b) \\\n    ((a) + \\\n     (b))\n#define NEXT 1\n"
    cf = parse_code("a.h", src)
    m = by_name(cf)
    assert (m["LONG_ONE"].start_line, m["LONG_ONE"].end_line, m["LONG_ONE"].value) == (1, 3, "((a) + (b))")
    assert m["NEXT"].start_line == 4


def test_sdcc_keil_and_ti_register_syntax():
    src = (b"__sfr __at (0x80) P0;\n__sfr __at 0x81 SP ;\n__sbit __at 0x88 IT0;\n__sfr16 __at (0x8C8A) TMR0;\n"
           b"sfr P1 = 0x90;\nsbit P1_0 = P1^0;\nSFR(P2, 0xA0); // port\nSBIT(P2_1, 0xA0, 1);\n"
           b"#define P1OUT_ 0x0021\nsfrb(P1OUT, P1OUT_);\nsfrw(TAR, 0x0170);\nint after_them(void);\n")
    cf = parse_code("regs.h", src)
    regs = {s.name: (s.type, s.int_value) for s in cf.symbols if s.kind == "variable"}
    assert regs == {"P0": ("__sfr", 0x80), "SP": ("__sfr", 0x81), "IT0": ("__sbit", 0x88), "TMR0": ("__sfr16", 0x8C8A),
                    "P1": ("sfr", 0x90), "P1_0": ("sbit", 0x90), "P2": ("SFR", 0xA0), "P2_1": ("SBIT", 0xA1),
                    "P1OUT": ("sfrb", 0x21), "TAR": ("sfrw", 0x170)}
    assert "after_them" in by_name(cf, "function")
    assert cf.parse_errors == 0


def test_bad_input_never_raises():
    garbage = b"int f( {{{ ]] ;; #define X (1 +\n struct { int a; \xff\xfe\x80 } y;\n#define OK 0x10\n"
    cf = parse_code("bad.c", garbage)
    assert cf.parse_errors > 0
    assert "non_utf8" in cf.flags
    assert by_name(cf)["OK"].int_value == 16
    assert parse_code("bin.c", b"\x7fELF\x00\x01\x02" * 100).flags == ["binary"]
    assert parse_code("empty.c", b"").symbols == []
    deep = b"int x = " + b"(" * 5000 + b"1" + b")" * 5000 + b";\n#define D " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n"
    cf = parse_code("deep.c", deep)
    assert "D" in by_name(cf)


@pytest.mark.parametrize("path,head,lang", [
    ("src/uart.c", b"", "c"), ("inc/uart.h", b"#define X 1", "c"), ("inc/dev.h", b"namespace hal {\nclass Uart {", "cpp"),
    ("a.cpp", b"", "cpp"), ("b.hpp", b"", "cpp"), ("startup.S", b"", "asm"), ("startup.s", b"", "asm"),
    ("m328.inc", b"", "asm"), ("boot.asm", b"", "asm"), ("board.dts", b"", "devicetree"),
    ("soc.dtsi", b"", "devicetree"), ("drivers/Kconfig", b"", "kconfig"), ("Kconfig.debug", b"", "kconfig"),
    ("STM32F4.ld", b"", "linker"), ("vmlinux.lds.S", b"", "linker"), ("README.md", b"", "other"),
])
def test_detect_language(path, head, lang):
    assert detect_language(path, head) == lang
    assert lang in LANGUAGES


def test_flags():
    assert "generated" in detect_flags("src/main.c", "/* USER CODE BEGIN Includes */\nint x;\n")
    assert "generated" in detect_flags("a.h", "/* This file was automatically generated by SVDConv */\n")
    assert "generated" not in detect_flags("a.c", "int main(void) { return 0; }\n")
    assert "vendored" in detect_flags("third_party/lib/x.c", "int x;")
    assert "vendored" in detect_flags("Drivers/CMSIS/Include/core_cm4.h", "int x;")
    assert "vendored" in detect_flags("lib/core_cm4.h", "int x;")
    assert "vendored" in detect_flags("Drivers/STM32F4xx_HAL_Driver/Src/stm32f4xx_hal_uart.c", "int x;")
    assert "vendored" not in detect_flags("src/uart.c", "int x;")
    blob = "const unsigned char fw[] = {\n" + "0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,\n" * 500 + "};\n"
    assert "encoded_data" in detect_flags("fw.h", blob)
    assert "encoded_data" in detect_flags("k.c", 'const char *k = "' + "QUJD" * 100 + '";\n' + "int x;\n" * 400)
    assert "encoded_data" not in detect_flags("a.c", "int x = 0x12;\n" * 400)
    one_line = "var a=1;" * 500
    assert {"minified", "long_lines"} <= set(detect_flags("x.c", one_line))


def test_asm_symbols():
    src = b"""    .syntax unified
    .section .isr_vector,"a",%progbits
g_pfnVectors:
    .word _estack
    .word Reset_Handler
    .word NMI_Handler
    .word HardFault_Handler
    .equ RCC_BASE, 0x40023800
    .set RCC_CR, (RCC_BASE + 0x00)
    .include "regs.inc"
    .section .text
    .type Reset_Handler, %function
Reset_Handler:
    ldr r0, =_estack
.Lloop:
    b .Lloop
    .macro DELAY n
    .endm
"""
    cf = parse_code("startup_stm32.s", src)
    s = by_name(cf)
    assert cf.language == "asm" and cf.includes == ["regs.inc"]
    assert (s["g_pfnVectors"].kind, s["g_pfnVectors"].role) == ("label", "vector_table")
    assert s["Reset_Handler"].kind == "function" and s["Reset_Handler"].start_line == 13
    assert s["RCC_CR"].int_value == 0x40023800
    assert s["DELAY"].signature == "DELAY n"
    assert ".Lloop" not in s
    avr = parse_code("blink.asm", b'.include "m328Pdef.inc"\n.equ DDRB_ADDR = $04\n.def temp = r16\nmain:\n  rjmp main\n')
    a = by_name(avr)
    assert a["DDRB_ADDR"].int_value == 4 and a["temp"].value == "r16" and a["main"].kind == "label"


def test_devicetree_kconfig_linker():
    dts = b"""/dts-v1/;
#include <dt-bindings/gpio/gpio.h>
/ {
  soc {
    #address-cells = <1>;
    usart1: serial@40011000 {
      compatible = "st,stm32-uart";
      reg = <0x40011000 0x400>;
    };
  };
};
&usart1 { status = "okay"; };
"""
    cf = parse_code("arch/arm/boot/dts/stm32f4.dtsi", dts)
    n = by_name(cf, "node")
    u = n["serial@40011000"]
    assert (u.int_value, u.type, u.parent, u.value, u.start_line) == (0x40011000, "usart1", "soc", '"st,stm32-uart"', 6)
    assert "&usart1" in n and cf.includes == ["dt-bindings/gpio/gpio.h"] and cf.parse_errors == 0
    kc = parse_code("drivers/tty/Kconfig", b'menu "Serial"\nconfig SERIAL_STM32\n\ttristate "STM32 UART"\n'
                                            b'source "drivers/tty/serial/Kconfig"\nendmenu\n')
    assert by_name(kc)["SERIAL_STM32"].value == 'tristate "STM32 UART"' and kc.includes == ["drivers/tty/serial/Kconfig"]
    ld = parse_code("STM32F407VG.ld", b"ENTRY(Reset_Handler)\nMEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 1024K\n"
                                      b"  RAM (xrw) : ORIGIN = 0x20000000, LENGTH = 128K\n}\n_estack = 0x20020000;\n"
                                      b"SECTIONS\n{\n  .isr_vector :\n  {\n    KEEP(*(.isr_vector))\n  } >FLASH\n}\n")
    s = by_name(ld)
    assert (s["FLASH"].int_value, s["FLASH"].size) == (0x08000000, 1024 * 1024)
    assert s["_estack"].int_value == 0x20020000 and s[".isr_vector"].kind == "node"
    assert s["Reset_Handler"].type == "entry"


def test_parse_is_deterministic_and_json_round_trips():
    a = parse_code("x.h", CMSIS).to_dict()
    assert a == parse_code("x.h", CMSIS).to_dict()
    assert CodeFile.from_dict(a).to_dict() == a


def test_cpp_class_methods_are_functions_and_members_are_fields():
    src = b"namespace hal {\nclass Uart {\n public:\n  void write(int b) { (void)b; }\n  int read();\n" \
          b"  void (*cb)(int);\n  unsigned x;\n};\n}\nint hal_init(void);\n"
    cf = parse_code("uart.hpp", src)
    got = [(s.kind, s.name, s.parent, s.offset) for s in cf.symbols]
    assert got == [("struct", "Uart", None, None), ("function", "write", "Uart", None), ("function", "read", "Uart", None),
                   ("field", "cb", "Uart", 0), ("field", "x", "Uart", 4), ("function", "hal_init", None, None)]


def test_define_lines_inside_comments_keep_the_file_structure():
    src = b"/* old code\n#define GONE 1 */\nstruct s { int a; };\n#define KEPT 2 /* multi\n   line */\nint f(void);\n"
    cf = parse_code("a.h", src)
    assert [(s.kind, s.name) for s in cf.symbols] == [("struct", "s"), ("field", "a"), ("macro", "KEPT"),
                                                        ("function", "f")]
    assert cf.parse_errors == 0


def test_function_pointers_are_variables_and_functions_returning_pointers_are_functions():
    src = b"int *make(void);\nint (*handler)(int);\nvoid (*table[4])(void);\ntypedef int (*cb_t)(int);\n"
    cf = parse_code("fp.c", src)
    assert [(s.kind, s.name) for s in cf.symbols] == [("function", "make"), ("variable", "handler"),
                                                        ("variable", "table"), ("typedef", "cb_t")]


def test_macro_values_lose_comments_but_keep_strings():
    src = b'#define URL "http://example.com" // where\n#define A 0x12 /* a */ + 1 /* b */\n#define B (1) // c\n'
    m = by_name(parse_code("c.h", src))
    assert (m["URL"].value, m["A"].value, m["A"].int_value, m["B"].int_value) == ('"http://example.com"', "0x12 + 1", 19, 1)


def test_c_vector_tables():
    src = b'typedef void (*pfn)(void);\nvoid Reset_Handler(void);\n' \
          b'__attribute__((section(".isr_vector"))) const pfn vectors_here[] = { Reset_Handler, 0 };\n' \
          b'const pfn g_pfnVectors[2] = { Reset_Handler, 0 };\nconst int table[2] = {1, 2};\n'
    roles = {s.name: s.role for s in parse_code("startup.c", src).symbols if s.kind == "variable"}
    assert roles == {"vectors_here": "vector_table", "g_pfnVectors": "vector_table", "table": None}


def test_define_lines_inside_code_do_not_break_the_parse():
    # tree-sitter parses the file without the #define/#include lines (read by the directive scanner):
    # a define inside an initializer no longer leaves an ERROR node, and the code around it keeps
    # its structure; line numbers are those of the file
    src = (b"static int lut_size(int speed)\n{\n\tstatic const int lut[] = {\n#define MB(x) ((x) * 1000)\n"
           b"\t\tMB(1), MB(10),\n\t};\n\treturn lut[speed];\n}\n\n#include \"after.h\"\nint after(void) { return 0; }\n")
    cf = parse_code("lut.c", src)
    assert cf.parse_errors == 0 and cf.includes == ["after.h"]
    got = [(s.kind, s.name, s.start_line, s.end_line, s.signature) for s in cf.symbols]
    assert got == [("function", "lut_size", 1, 8, "static int lut_size(int speed)"), ("macro", "MB", 4, 4, "MB(x)"),
                   ("function", "after", 11, 11, "int after(void)")]
    # non-ASCII text: character offsets are not byte offsets, the whole file is parsed (same symbols)
    cf2 = parse_code("lut.c", src.replace(b"return 0;", "return 0; /* \u00b5s */".encode()))
    assert [(s.kind, s.name, s.start_line, s.end_line) for s in cf2.symbols] == [g[:4] for g in got]


@pytest.mark.parametrize("labelled", [False, True])
def test_devicetree_reg_compatible_and_address_cells_by_exact_name(labelled):
    # properties are looked into only when their text starts with compatible/reg/#address-cells, or
    # in a file where one of them carries a label: both paths give the same symbols
    lbl = b"r0: " if labelled else b""
    dts = (b"/ {\n  soc {\n    #address-cells = <2>;\n    #size-cells = <1>;\n"
           b"    uart: serial@0 {\n      " + lbl + b"reg = <0x1 0x40000000 0x100>;\n"
           b"      compatible = \"x,uart\", \"x,generic\";\n    };\n"
           b"    dev@5 {\n      regulator-name = \"vdd\";\n      reg-names = \"a\";\n      reg = <0 0x50 4>;\n    };\n"
           b"    bus {\n      #address-cells-x = <3>;\n      child@7 { };\n    };\n  };\n};\n")
    cf = parse_code("t.dts", dts)
    n = by_name(cf, "node")
    assert n["serial@0"].int_value == (1 << 32) | 0x40000000 and n["serial@0"].type == "uart"
    assert n["serial@0"].value == '"x,uart", "x,generic"'
    assert n["dev@5"].int_value == 0x50 and n["dev@5"].role == "register"
    assert n["child@7"].int_value == 7 and n["child@7"].parent == "bus"  # unit address; bus keeps 1 cell
    assert cf.parse_errors == 0


def test_long_line_flags_at_the_limits():
    from firmcorpus.parsers.code_flags import _has_line

    for text, length in (("a" * 1000 + "\n" + "b" * 5, 1001), ("x\n" * 700, 3), ("\n" * 50 + "y" * 7, 7)):
        assert _has_line(text, length) == (max(map(len, text.split("\n"))) >= length)
        assert _has_line(text, length + 1) is False
    assert "long_lines" not in detect_flags("a.c", ("a" * 1000 + "\n") * 3)
    assert "long_lines" in detect_flags("a.c", ("a" * 1001 + "\n") * 3)
