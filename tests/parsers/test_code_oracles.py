"""Register definitions of real vendor headers against independent oracles.

Each oracle is a regex written here (not the parser's), and the expected counts were checked
by hand once with grep on the same files (noted beside each). Every register the oracle sees
must come out of ``parse_code`` with the same address, and the parser must not invent others.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from code_data import msp430_header, nrf51_header, overlay_struct_header, sdcc_header, sfr_macro_header, svd_text

from firmcorpus.parsers.code import parse_code, register_count


def _parse(path):
    return parse_code(path.name, path.read_bytes())


# ----------------------------------------------------------------------------- avr-gcc idioms (generated)

def test_avr_style_sfr_macros():
    """`#define NAME _SFR_IO8(0x05)` / `_SFR_MEM16(0xC6)`: every register at its data-memory address
    (I/O space 0x20 higher), none invented from the bit positions, aliases or sizes beside them."""
    text, oracle = sfr_macro_header()
    assert len(oracle) == 208
    cf = parse_code("part.h", text.encode())
    got = {s.name: s for s in cf.symbols if s.kind == "macro" and (s.value or "").startswith("_SFR_")}
    assert set(got) == set(oracle)
    wrong = {n: (hex(got[n].int_value or -1), hex(a)) for n, a in oracle.items() if got[n].int_value != a}
    assert not wrong
    assert all(got[n].role == "register" for n in oracle)
    assert {s.name for s in cf.symbols if s.role == "register" and s.kind == "macro"} <= set(oracle) | {
        s.name for s in cf.symbols if s.name.endswith("_ALIAS")}
    assert cf.parse_errors == 0


def test_avr_xmega_overlay_structs_match_flat_register_macros():
    """xmega style: `PORTA (*(PORT_t *) 0x0600)` with `typedef struct PORT_struct {…} PORT_t` (8-bit
    members, `_WORDREGISTER(CNT)`, reserved gaps, nested channel structs) and flat
    `PORTA_OUT _SFR_MEM8(0x0604)` beside them: base + field offset must equal the flat address."""
    text, instances, flat = overlay_struct_header()
    assert (len(instances), len(flat)) == (24, 154)
    cf = parse_code("part.h", text.encode())
    by_name = {s.name: s for s in cf.symbols if s.kind == "macro"}
    assert {n: by_name[n].int_value for n in flat} == flat
    fields: dict[str, list[tuple[str, int, str | None]]] = {}
    for s in cf.symbols:
        if s.kind == "field" and s.offset is not None:
            fields.setdefault(s.parent, []).append((s.name, s.offset, s.type))

    def flatten(typ: str, prefix: str, addr: int):
        # nested register blocks (P0_t.CH0 of type CH_t) spell as P0A_CH0_R1
        for name, off, ftype in fields.get(typ, []):
            if ftype in fields:
                yield from flatten(ftype, f"{prefix}_{name}", addr + off)
            elif not name.startswith("reserved"):
                yield f"{prefix}_{name}", addr + off

    got: dict[str, int] = {}
    for inst, (typ, base) in instances.items():
        sym = by_name[inst]
        assert (sym.role, sym.type, sym.int_value) == ("instance", typ, base), inst
        got.update(flatten(typ, inst, base))
    assert got == flat  # every register, and only those, at its flat address


# ----------------------------------------------------------------------------- msp430mcu

MSP_DECL = re.compile(r"^(?:const_)?sfr([bwa])\(\s*(\w+)\s*,\s*(\w+)\s*(?:\+\s*(\d+))?\s*\);", re.M)
MSP_ADDR = re.compile(r"^#define[ \t]+(\w+_)[ \t]+\(?(0x[0-9A-Fa-f]+)u?\)?", re.M)


@pytest.mark.parametrize("name,count", [("msp430f2232.h", 93), ("msp430f5529.h", 736)])
def test_msp430_sfr_registers(name, count):
    path = msp430_header(name)
    text = path.read_text(errors="replace")
    addrs = {m.group(1): int(m.group(2), 16) for m in MSP_ADDR.finditer(text)}
    # `sfrb(UCA0CTLW0_H , UCA0CTLW0_+1);`: byte halves of word registers
    oracle = {m.group(2): addrs[m.group(3)] + int(m.group(4) or 0) for m in MSP_DECL.finditer(text)}
    assert len(oracle) == count  # grep -c '^\(const_\)\?sfr[bwa](' (names distinct)
    cf = _parse(path)
    got = {s.name: s for s in cf.symbols if s.kind == "variable" and s.role == "register"}
    assert set(got) == set(oracle)
    wrong = {n: (got[n].int_value, a) for n, a in oracle.items() if got[n].int_value != a}
    assert not wrong
    # the header ends with an #endif/extern "C" tail tree-sitter does not close cleanly: counted, not fatal
    assert cf.parse_errors < 5


# ----------------------------------------------------------------------------- SDCC 8051

SDCC_SFR = re.compile(r"^__sfr[ \t]+__at[ \t]*\(?[ \t]*(0x[0-9A-Fa-f]+)[ \t]*\)?[ \t]+(\w+)[ \t]*;", re.M)
SDCC_SBIT = re.compile(r"^__sbit[ \t]+__at[ \t]*\(?[ \t]*(0x[0-9A-Fa-f]+)[ \t]*\)?[ \t]+(\w+)[ \t]*;", re.M)


@pytest.mark.parametrize("name,sfrs,sbits", [("at89x52.h", 28, 95), ("C8051F340.h", 136, 119)])
def test_sdcc_sfr_registers(name, sfrs, sbits):
    path = sdcc_header(name)
    text = path.read_text(errors="replace")
    oracle = {m.group(2): int(m.group(1), 16) for m in SDCC_SFR.finditer(text)}
    bits = {m.group(2): int(m.group(1), 16) for m in SDCC_SBIT.finditer(text)}
    assert (len(oracle), len(bits)) == (sfrs, sbits)  # grep -c '^__sfr ' / '^__sbit '
    cf = _parse(path)
    got = {s.name: s.int_value for s in cf.symbols if s.kind == "variable" and s.type == "__sfr"}
    got_bits = {s.name: s.int_value for s in cf.symbols if s.kind == "variable" and s.type == "__sbit"}
    assert got == oracle
    assert got_bits == bits
    assert register_count(cf.symbols) >= sfrs + sbits


# SDCC's newer headers declare registers through compiler.h macros: `SFR(P0, 0x80);`,
# `SFRX(ADCCON1, 0x70B4);` (xdata-mapped), `SFR16E(TMR0, 0x8C8A);`, `SBIT(P0_0, 0x80, 0);` (bit address
# = byte address + bit). compiler.h is not part of the parsed file.
SDCC_CALL = re.compile(r"^[ \t]*(SFR|SFRX|SFR16|SFR16E|SFR16LEX|SFR32|SFR32E|SBIT)[ \t]*\([ \t]*(\w+)[ \t]*,"
                       r"[ \t]*(0x[0-9A-Fa-f]+)[ \t]*(?:,[ \t]*([0-7])[ \t]*)?\)[ \t]*;", re.M)


@pytest.mark.parametrize("name,count", [("EFM8BB1.h", 241), ("cc2530.h", 399), ("ax8052f151.h", 679)])
def test_sdcc_sfr_macro_registers(name, count):
    path = sdcc_header(name)
    text = path.read_text(errors="replace")
    oracle = {m.group(2): int(m.group(3), 16) + int(m.group(4) or 0) for m in SDCC_CALL.finditer(text)}
    assert len(oracle) == count  # grep -c -E '^\s*(SFR|SFRX|SFR16|SFR16E|SFR16LEX|SFR32E|SBIT)\s*\(' (names distinct)
    cf = _parse(path)
    got = {s.name: s.int_value for s in cf.symbols if s.kind == "variable" and s.role == "register"}
    assert got == oracle
    assert cf.parse_errors == 0


# ----------------------------------------------------------------------------- CMSIS nRF51 vs SVD


def _svd_registers(svd: str) -> dict[str, tuple[int, dict[str, int]]]:
    """peripheral name -> (base address, {register name: offset}) from the SVD (derivedFrom followed)."""
    root = ET.fromstring(svd)
    raw = {}
    for p in root.iter("peripheral"):
        name = p.findtext("name")
        regs = {}
        block = p.find("registers")
        if block is not None:
            for r in block.findall("register"):  # direct registers only; clusters are nested structs
                rname = r.findtext("name").replace("[%s]", "")
                regs[rname] = int(r.findtext("addressOffset"), 0)
        raw[name] = (int(p.findtext("baseAddress"), 0), regs, p.get("derivedFrom"))
    out = {}
    for name, (base, regs, derived) in raw.items():
        if derived and not regs:
            regs = raw[derived][1]
        out[name] = (base, regs)
    return out


def test_nrf51_overlay_offsets_match_svd():
    svd = _svd_registers(svd_text("nrf51.svd"))
    cf = _parse(nrf51_header())
    fields: dict[str, dict[str, int]] = {}
    for s in cf.symbols:
        if s.kind == "field" and s.offset is not None:
            fields.setdefault(s.parent, {})[s.name] = s.offset
    instances = [s for s in cf.symbols if s.kind == "macro" and s.role == "instance"]
    assert len(instances) == 33  # grep -c '^#define NRF_\w* *((NRF_' nrf51.h
    compared = mismatched = 0
    peripherals = 0
    for inst in instances:
        pname = inst.name.removeprefix("NRF_")
        assert pname in svd, pname
        base, regs = svd[pname]
        assert inst.int_value == base, pname
        layout = fields[inst.type]
        peripherals += 1
        for rname, off in regs.items():
            if rname in layout:
                compared += 1
                mismatched += layout[rname] != off
    assert peripherals == 33
    assert compared > 450
    assert mismatched == 0


# ----------------------------------------------------------------------------- CMSIS core (ARM)

CORE_MEMBER = re.compile(r"^\s*(?:__IOM?|__IM|__OM|__I|__O)?\s*(?:u?int(?:8|16|32)_t)\s+(\w+)(?:\[[^\]]*\])?\s*;"
                         r"\s*/\*!< Offset: 0x([0-9A-Fa-f]+)")
CORE_END = re.compile(r"^\}\s*(\w+)\s*;")


@pytest.mark.parametrize("name,count", [("core_cm4.h", 113), ("core_cm7.h", 139)])
def test_cmsis_core_offsets_match_their_offset_comments(name, count):
    """ARM annotates every core-peripheral member with `/*!< Offset: 0x… */`: an oracle in the file."""
    from code_data import cmsis_core_header

    path = cmsis_core_header(name)
    oracle: dict[str, dict[str, int]] = {}
    members: dict[str, int] = {}
    nested: dict[str, int] | None = None  # members of `union { … } PORT[32];` (ITM), offsets inside PORT
    for line in path.read_text(errors="replace").split("\n"):
        m = CORE_MEMBER.match(line)
        if m:
            (nested if nested is not None else members)[m.group(1)] = int(m.group(2), 16)
            continue
        if re.match(r"^\s*(?:__IOM?|__OM|__O)?\s*union\s*$", line):
            nested = {}
            continue
        u = re.match(r"^\s*\}\s*(\w+)\s*\[", line)
        if u and nested is not None:
            oracle["." + u.group(1)] = nested  # owner filled in at the struct's closing line
            nested = None
            continue
        e = CORE_END.match(line)
        if e:
            if members:
                oracle[e.group(1)] = members
            for key in [k for k in oracle if k.startswith(".")]:
                oracle[e.group(1) + key] = oracle.pop(key)
            members = {}
    assert sum(map(len, oracle.values())) == count  # grep -c "Offset: 0x" less the one `} PORT [32];` union line
    cf = _parse(path)
    got: dict[str, dict[str, int | None]] = {}
    for s in cf.symbols:
        if s.kind == "field":
            got.setdefault(s.parent, {})[s.name] = s.offset
    for struct, fields in oracle.items():
        assert {f: got[struct].get(f) for f in fields} == fields, struct
