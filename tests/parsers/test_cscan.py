"""``parsers/_cscan.c`` (the directive scan in C) against its Python reference in ``parsers/code.py``:
real headers and sources from the Debian packages, hand-written corner cases, and random texts
built from the pieces the scanner treats specially. Both must give equal results, object for object."""

from __future__ import annotations

import random

import pytest
from code_data import package, require_extension, sfr_macro_header

import firmcorpus.parsers.code as code
import firmcorpus.parsers.directives as directives
from firmcorpus.parsers.cexpr import Macro
from firmcorpus.parsers.models import Symbol

cscan = code._cscan


def test_extension_is_built_and_used():
    require_extension(cscan, "_cscan", code._CSCAN_VERSION)


needs_cscan = pytest.mark.skipif(cscan is None, reason="parsers._cscan is not built (see test_extension_is_built_and_used)")


def _macros_view(macros: dict) -> dict:
    return {k: (v.body, v.params) if isinstance(v, Macro) else v for k, v in macros.items()}


def _assert_same(text: str) -> None:
    m_py: dict = {}
    m_c: dict = {}
    want = code._c_directives_py(text, m_py)
    got = cscan.scan(text, m_c, Symbol, Macro)
    assert got is not None
    assert [list(x) for x in got] == [list(x) for x in want], repr(text[:200])
    assert _macros_view(m_c) == _macros_view(m_py), repr(text[:200])
    assert list(m_c) == list(m_py)  # same insertion order
    assert cscan.directives(text) == directives.directives_py(text), repr(text[:200])


def _real_files() -> list[bytes]:
    roots = [package("deb:arduino-core-avr"), package("deb:msp430mcu"), package("deb:sdcc-libraries"),
             package("debsrc:firmware-microbit-micropython"), package("deb:newlib-source")]
    out = []
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.suffix in (".h", ".c", ".cpp", ".hpp") and p.is_file())
        size = 0
        for p in files[::3]:  # every third file, up to 2 MB a package: all kinds, a few seconds
            data = p.read_bytes()
            if size + len(data) > 2_000_000:
                continue
            size += len(data)
            out.append(data)
    return out


@needs_cscan
def test_same_results_on_real_files():
    files = _real_files()
    assert len(files) > 400
    n_dirs = 0
    for data in files:
        text = data.decode("utf-8", "replace")
        if not text.isascii():
            continue
        _assert_same(text)
        n_dirs += len(directives.directives_py(text))
    assert n_dirs > 20_000  # register headers (MSP430, 8051) and newlib's configuration-heavy C are in there


CORNER_CASES = [
    "",
    "#define",
    "#define A",
    "#define A 1",
    "#define A 1\n",
    "  #  define\tA\t0x1F  /* c */  \n#define B (0x10UL)\n#define C 08\n#define D 0x\n",
    "#define A(x, y , ) ((x)+(y))\n#define B( ) 1\n#define C(x 1\n#define D() \\\n  2\n",
    "#define A 1 \\\n  + 2\n#define B 3 \\\r\n 4\r\n#define C 5 \\",
    "#define A /* x\n y */ 7\n#define B 1 // c\n#define C \"a /* b */ c\" /* d */\n",
    "#define A \"unterminated /* x */ 1\n#define B '\"' /* q */ 2\n#define C \"a\\\"b\" 3 // x\n",
    "/* #define HIDDEN 1\n#define ALSO_HIDDEN 2 */\n#define SHOWN 3\n/* one line */ #define NOT_A_DIRECTIVE 4\n",
    "/* unclosed\n#define X 1\n",
    "#define A 1 /* unclosed\n#define B 2\n",
    "#define A 1 */ 2\n#define B /*/ 3 */ 4\n#define C /**/5\n#define D 6 /* a */ /* b */\n",
    "#include <a.h>\n#include \"b.h\"\n# include_next <c.h>\n#import \"d.h\"\n#includefoo\n#include\n#include <>\n#include \"\"\n",
    "#include <a.h\n#include \"b.h\n#include \\\n <c.h>\n#include_next\"e.h\"\n",
    "#define REG_ADDR 0x40\n#define FOO_BASE 0x4000\n#define BAR_Pos 3\n#define BIT12 0x1000\n#define BIT 1\n"
    "#define BITX 2\n#define UART_REG_OFFSET 4\n#define X_BASE_ADDR 0x10\n#define _ 5\n#define __ 6\n#define A__B 7\n",
    "#define BIG 0xFFFFFFFFFFFFFFFF\n#define BIGGER 0x1FFFFFFFFFFFFFFFF\n#define MAX 9223372036854775807\n"
    "#define OVER 9223372036854775808\n#define LEAD 0x0000000000000000000001\n#define SUF 1uLL\n#define SUF2 1lu\n"
    "#define SUF3 1ULU\n#define SUF4 1lLl\n#define PAREN (5\n#define PAREN2 5)\n#define SPACE ( 7 )\n",
    "#define A\x0c1\x0c\n#define B\x1c 2 \x1d\n#define C 1\x0b2\n#define D 1  \x1c 2\n#define\x0cE 1\n",
    "#define A 1\n#define A 2\n#define F(x) x\n#define F 3\n#define G 4\n#define G(y) y\n",
    "#define LONG " + "1 + " * 400 + "1\n#define F(x) " + "x" * 1200 + "\n",
    "x\n#define A 1\n\n\n   #define B 2\nint y; #define C 3\n\t#\tdefine D 4\n#\n#define\n#define 1A 2\n",
    "#define A 1\\\n\\\n\\\n",
    "\n\n\n",
    "#define A '\\n' /* \"*/\n#define B \"/*\" 1 */ 2\n",
]


@needs_cscan
@pytest.mark.parametrize("text", CORNER_CASES)
def test_same_results_on_corner_cases(text):
    _assert_same(text)


PIECES = ["#define ", "#define", "# define\t", "#include ", "#include_next ", "#import ", "A", "REG_", "_Pos", "_BASE",
          "BIT", "x", "(", ")", "(x)", "(a, b)", ",", " ", "  ", "\t", "\n", "\n", "\n", "\r\n", "\\\n", "\\\r\n",
          "\\", "/", "*", "/*", "*/", "//", "\"", "'", "<", ">", "0x1F", "12", "0", "08", "UL", "u", "L", "1ULL",
          "\x0c", "\x1c", "\x0b", "<<", "+", "\"a.h\"", "<b.h>"]


@needs_cscan
def test_same_results_on_random_texts():
    rng = random.Random(1234)
    for _ in range(40_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
        _assert_same(text)


@needs_cscan
def test_clean_value_same_on_random_bodies():
    rng = random.Random(99)
    for _ in range(40_000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        assert cscan.clean_value(body) == directives.clean_value(body), repr(body)


@needs_cscan
def test_non_ascii_text_goes_to_python():
    text = "#define GRAD 1 /* °C */\n#define Ä 2\n"
    assert cscan.scan(text, {}, Symbol, Macro) is None
    assert cscan.directives(text) is None
    macros: dict = {}
    syms, *_ = code._c_directives(text, macros)
    assert [s.name for s in syms] == ["GRAD"] and syms[0].int_value == 1


def test_parse_code_same_with_and_without_the_extension(monkeypatch):
    files = [("msp430g2553.h", (package("deb:msp430mcu") / "usr/msp430/include/msp430g2553.h").read_bytes()),
             ("part.h", sfr_macro_header()[0].encode())]  # _SFR_IO8/_SFR_MEM8 register macros
    with_ext = [code.parse_code(name, data).to_dict() for name, data in files]
    monkeypatch.setattr(code, "_cscan", None)
    assert [code.parse_code(name, data).to_dict() for name, data in files] == with_ext


@needs_cscan
def test_long_lines_same_as_python():
    from firmcorpus.parsers.code_flags import _long_lines_py

    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(["\n", "\n\n", "ab", "x" * 7, "y" * 40, "z" * 199, "w" * 200, "\r\n", " "])
                       for _ in range(rng.randint(0, 40)))
        for length in (1, 5, 40, 200, 1001):
            assert cscan.long_lines(text, length) == list(_long_lines_py(text, length)), (text, length)
    assert cscan.long_lines("caf\u00e9\n" * 300, 3) is None  # non-ASCII: the Python loop runs
