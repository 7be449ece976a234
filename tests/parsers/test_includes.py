"""include_graph / resolve_includes / include_order on a generated repository and a real one."""

from __future__ import annotations

from code_data import nrf51_header

from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.includes import default_include_dirs, include_graph, include_order, resolve_includes

REPO = {
    "src/main.c": b'#include "uart.h"\n#include "drivers/spi.h"\n#include <stdint.h>\n#include <board.h>\n'
                  b'#include "../outside.h"\n#include "uart.h"\nint main(void) { return 0; }\n',
    "src/uart.h": b'#include "regs.h"\n#define UART_BASE 0x4000\n',
    "src/regs.h": b'#include "uart.h"\n#define REG 1\n',  # a cycle with uart.h
    "include/board.h": b"#define BOARD 1\n",
    "include/drivers/spi.h": b'#include "board.h"\n',
    "lib/hal/gpio.h": b"#define GPIO 1\n",
    "app/app.c": b'#include "hal/gpio.h"\n#include "regs.h"\n',  # suffix match / ambiguous-free
}


def parsed():
    return {p: parse_code(p, d) for p, d in REPO.items()}


def test_resolution_rules():
    files = parsed()
    assert default_include_dirs(sorted(files)) == ["include", ""]
    res = resolve_includes(files)
    assert res["src/main.c"] == [("uart.h", "src/uart.h"), ("drivers/spi.h", "include/drivers/spi.h"),
                                 ("stdint.h", None), ("board.h", "include/board.h"), ("../outside.h", None),
                                 ("uart.h", "src/uart.h")]
    # quoted include not beside the file: include dirs, then a unique path suffix
    assert res["include/drivers/spi.h"] == [("board.h", "include/board.h")]
    assert res["app/app.c"] == [("hal/gpio.h", "lib/hal/gpio.h"), ("regs.h", "src/regs.h")]
    graph = include_graph(files)
    assert graph["src/main.c"] == ["src/uart.h", "include/drivers/spi.h", "include/board.h"]  # deduplicated
    assert graph["lib/hal/gpio.h"] == []


def test_explicit_include_dirs_win():
    files = parsed()
    graph = include_graph(files, include_dirs=["lib"])
    assert graph["app/app.c"][0] == "lib/hal/gpio.h"
    assert include_graph(files, include_dirs=["lib"])["include/drivers/spi.h"] == ["include/board.h"]


def test_include_order_puts_headers_first_and_breaks_cycles():
    graph = include_graph(parsed())
    order = include_order(graph)
    assert sorted(order) == sorted(REPO)
    pos = {p: i for i, p in enumerate(order)}
    assert pos["include/board.h"] < pos["include/drivers/spi.h"] < pos["src/main.c"]
    assert pos["lib/hal/gpio.h"] < pos["app/app.c"]
    assert order == include_order(graph)  # deterministic


def test_real_nrf_sdk_device_folder():
    folder = nrf51_header().parent
    files = {p.name: parse_code(p.name, p.read_bytes()) for p in sorted(folder.glob("*.h"))}
    graph = include_graph(files)
    assert {"nrf51.h", "nrf51_bitfields.h"} <= set(graph["nrf.h"])
    assert graph["nrf51.h"] == []  # core_cm0.h and system_nrf51.h live elsewhere in the SDK


def test_macro_values_resolved_across_included_files():
    from firmcorpus.parsers.includes import resolve_macro_values

    files = {
        "inc/base.h": parse_code("inc/base.h", b"#define PERIPH_BASE 0x40000000UL\n"
                                               b"#define APB2PERIPH_BASE (PERIPH_BASE + 0x00010000UL)\n"
                                               b"#define OFF(n) ((n) * 0x400)\n"),
        "inc/types.h": parse_code("inc/types.h", b"typedef struct { volatile unsigned SR; } USART_TypeDef;\n"),
        "inc/periph.h": parse_code("inc/periph.h", b'#include "base.h"\n#include "types.h"\n'
                                                   b"#define USART1_BASE (APB2PERIPH_BASE + 0x1000UL)\n"
                                                   b"#define USART6_BASE (APB2PERIPH_BASE + OFF(5))\n"
                                                   b"#define USART1 ((USART_TypeDef *) USART1_BASE)\n"
                                                   b"#define NOPE (UNKNOWN + 1)\n"),
        "src/other.c": parse_code("src/other.c", b"#define USART1_BASE_GUESS (APB2PERIPH_BASE + 1)\n"),
    }
    m = {s.name: s for s in files["inc/periph.h"].symbols}
    assert m["USART1_BASE"].int_value is None  # one file alone cannot know APB2PERIPH_BASE
    assert resolve_macro_values(files) == 3
    assert (m["USART1_BASE"].int_value, m["USART1_BASE"].role) == (0x40011000, "base")
    assert m["USART6_BASE"].int_value == 0x40011400
    assert (m["USART1"].int_value, m["USART1"].role, m["USART1"].type) == (0x40011000, "instance", "USART_TypeDef")
    assert m["NOPE"].int_value is None
    # a file that does not include base.h is not resolved from it
    assert files["src/other.c"].symbols[0].int_value is None
