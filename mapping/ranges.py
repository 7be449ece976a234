"""Datasheet register rows that stand for several registers, in the forms code names them.

A register map may print a block of numbered byte registers as one row, its name a range
(``calib25...calib00``, ``calib21 downto calib0``) and its address the first printed name's. Code
names each byte (or each word the bytes make): the row is expanded into its members before
linking, one address each, in the printed order (the first name holds the printed address).

Links to members are reported under the row's name, with the member's address (``rows_of_members``).
Code often names such a block by words, a ``_LSB``/``_MSB`` (``_L``/``_H``, ``_LO``/``_HI``) macro
pair per word: both halves then link to consecutive members, and the word is the lower address's
link alone (``folded_byte_halves``). Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Mapping, Sequence

from firmcorpus.parsers.models import Datasheet, Register

from .models import Link

MAX_MEMBERS = 64

_RANGE = re.compile(
    r"^\s*(?P<stem>[A-Za-z][A-Za-z_]*?)_?(?P<a>\d+)\s*(?:\.{2,3}|…|downto|to|-|–|—)\s*"
    r"(?P<stem2>[A-Za-z][A-Za-z_]*?)_?(?P<b>\d+)\s*$", re.IGNORECASE)

# a byte half's word in an identifier: the last such word of the name
_HALF = re.compile(r"(?:^|_)(LSB|MSB|LO|HI|LOW|HIGH|L|H)(?=_|$)", re.IGNORECASE)


def range_members(reg: Register) -> list[Register]:
    """The members of a register row named by a numbered range, or [] when it is none."""
    m = _RANGE.match(reg.name)
    if not m or m["stem"].lower() != m["stem2"].lower() or reg.address is None:
        return []
    try:
        addr = int(reg.address, 16)
    except ValueError:
        return []
    a, b = int(m["a"]), int(m["b"])
    if a == b or abs(a - b) + 1 > MAX_MEMBERS or addr - (a - b) < 0:
        return []
    pad = max(len(m["a"]), len(m["b"])) if (m["a"].startswith("0") or m["b"].startswith("0")) else 0
    step = 1 if b > a else -1
    out = []
    for k in range(a, b + step, step):
        out.append(dataclasses.replace(reg, name=f"{m['stem']}{k:0{pad}d}", address=hex(addr + (k - a)),
                                       width_bits=8, fields=[]))
    return out


def expand_ranges(ds: Datasheet) -> tuple[Datasheet, dict[tuple[str | None, str], str]]:
    """The datasheet with range rows expanded, and the row's name of each member ((peripheral,
    name) → row name). A member whose name or (peripheral, address) the map already has is left out."""
    names = {(r.peripheral, r.name.lower()) for r in ds.registers}
    addrs = {(r.peripheral, r.address) for r in ds.registers if not _RANGE.match(r.name)}
    regs: list[Register] = []
    members: dict[tuple[str | None, str], str] = {}
    for r in ds.registers:
        ms = range_members(r)
        if not ms:
            regs.append(r)
            continue
        for m in ms:
            if (m.peripheral, m.name.lower()) in names or (m.peripheral, m.address) in addrs:
                continue
            regs.append(m)
            members[(m.peripheral, m.name)] = r.name
    if not members:
        return ds, {}
    return dataclasses.replace(ds, registers=regs), members


def rows_of_members(links: Sequence[Link], members: Mapping[tuple[str | None, str], str]) -> list[Link]:
    """Links of range members named by the row the datasheet prints (``calib25...calib00``), each
    with its member's address and name (evidence ``member:calib06``): the register a reader of
    the datasheet looks up is the row."""
    out = []
    for lk in links:
        row = members.get((lk.peripheral, lk.register))
        if row is not None:
            lk = dataclasses.replace(lk, register=row, evidence=[*lk.evidence, f"member:{lk.register}"])
        out.append(lk)
    return out


def _half(symbol: str) -> tuple[str, str] | None:
    """(the name without its half word, 'lo' or 'hi') for a byte-half symbol name."""
    bare = re.split(r"::|\.", symbol)[-1]
    hits = list(_HALF.finditer(bare))
    if not hits:
        return None
    h = hits[-1]
    word = h[1].lower()
    side = "lo" if word in ("lsb", "lo", "low", "l") else "hi"
    return bare[:h.start(1)] + "#" + bare[h.end(1):], side


def folded_byte_halves(links: Sequence[Link], members: Mapping[tuple[str | None, str], str]) -> list[Link]:
    """Links without those of range members that are the upper byte of a word the code names by
    halves: a member at address a + 1 linked to one half of a symbol pair whose other half is
    linked to the member at a (``X_LSB`` at 0x88 and ``X_MSB`` at 0x89: the word is 0x88's link)."""
    if not members:
        return list(links)
    at: dict[tuple[str | None, str, int], list[Link]] = {}
    # the lower half may also sit on a register the map lists on its own (a compensation-word
    # table printed beside the range row: ``dig_T1`` at 0x88, the row's member at 0x89)
    anywhere: dict[tuple[str | None, str, int], list[Link]] = {}
    for lk in links:
        if not lk.address:
            continue
        key = (lk.peripheral, lk.file, int(lk.address, 16))
        anywhere.setdefault(key, []).append(lk)
        if (lk.peripheral, lk.register) in members:
            at.setdefault(key, []).append(lk)
    drop: set[int] = set()
    for (per, path, a), lks in at.items():
        below = anywhere.get((per, path, a - 1), [])
        for lk in lks:
            h = _half(lk.symbol)
            if h and any((o := _half(b.symbol)) and o[0] == h[0] and o[1] != h[1] for b in below):
                drop.add(id(lk))
    return [lk for lk in links if id(lk) not in drop]
