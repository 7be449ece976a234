"""include_graph / resolve_includes / include_order on a generated repository and a real one."""

from __future__ import annotations

from code_data import nrf51_header
from parsers.code import parse_code
from parsers.includes import default_include_dirs, include_graph, include_order, resolve_includes

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
