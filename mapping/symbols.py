"""Symbol level: register ↔ symbol links and field ↔ bit-macro links, with a score and evidence.

A register is linked to a symbol when the symbol *carries* it: a macro or enumerator whose
evaluated value equals the register's address (or its peripheral base + offset), or an
overlay-struct field at the register's offset, **and** whose name agrees with the register name
(see ``names.name_similarity``). Registers whose names the code spells differently (``Date`` and
``DS1307_REG_MDAY``) are still linked when the symbol sits in a *family* of macros (same file,
same prefix) that already carries several of the datasheet's registers at the right addresses —
the way a register map is written as one block of ``#define``s.

At most one symbol per (register, file) and one register per symbol is kept, best first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from firmcorpus.parsers.cexpr import Evaluator, Macro
from firmcorpus.parsers.models import CodeFile, Datasheet, Register, Symbol

from .models import FieldLink, Link
from .names import (
    GENERIC,
    MEANING_SIM,
    abbreviates,
    is_part_token,
    meaning_match,
    meaning_tokens,
    name_similarity,
    register_tokens,
    split_identifier,
)

VALUE_KINDS = ("macro", "enumerator", "variable")
MIN_NAME = 0.35  # name similarity needed beside an address match, inside a family that carries others
WEAK_NAME = 0.5  # below this, a name match counts no more than an address-only family member
STRONG_NAME = 0.75  # name similarity that needs no family support
FAMILY_SUPPORT = 2  # other strongly named registers a family needs before its weakly named members count
FAMILY_MIN_LINKS = 3  # links a family needs before its address-only members are trusted
MMIO_MIN = 0x10000  # values from here up are bus addresses, never confused with bit values or counts
RUN_GAP = 64  # largest address step between neighbouring definitions of one register block
_HEX = re.compile(r"\b0[xX][0-9a-fA-F]+\b|\b[0-9A-F]+h\b")
_DECIMAL = re.compile(r"^\(?\s*[1-9][0-9]*[uUlL]*\s*\)?$")
BIT_WORDS = frozenset({"mask", "msk", "shift", "pos", "bit", "bits", "sft", "shf", "offs", "lsb", "msb", "fld",
                       "field"})
# a name carrying one of these words gives a quantity (a length, a count), not an address — unless
# the register's own name carries one too (``FIFO_LENGTH``, ``FIFO_COUNTH``)
QUANTITY_WORDS = frozenset({"len", "length", "size", "sz", "count", "cnt", "num", "nb", "nbytes", "bytes"})


def parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value).strip().lower().rstrip("h"), 16) if str(value).lower().endswith("h") \
            else int(str(value).strip(), 0)
    except ValueError:
        return None


def bits_range(bits: str) -> tuple[int, int] | None:
    """``"7:5"`` → (7, 5), ``"3"`` → (3, 3)."""
    try:
        if ":" in bits:
            a, b = bits.split(":", 1)
            hi, lo = int(a), int(b)
            return (hi, lo) if hi >= lo else (lo, hi)
        n = int(bits)
        return n, n
    except (ValueError, AttributeError):
        return None


FREQUENT_WEIGHT = 0.2  # weight of a symbol word its file repeats on most definitions

_ACCESS_WORDS = frozenset({"read", "write", "rd", "wr"})
_COMMAND_WORDS = frozenset({"command", "cmd", "cmnd"})


def _access_prefix(toks: Sequence[str]) -> int:
    """How many leading words say which bus access a constant is for, not which register:
    ``READCommand_WHO_AM_I``, ``WR_CMD_CTRL1``, ``CMD_READ_STATUS`` (an SPI command byte that
    carries the register's address). An access word alone (``WRITE_PROTECT``) or a name with
    nothing after the prefix stays as it is."""
    if len(toks) > 2 and ((toks[0] in _ACCESS_WORDS and toks[1] in _COMMAND_WORDS)
                          or (toks[0] in _COMMAND_WORDS and toks[1] in _ACCESS_WORDS)):
        return 2
    return 0


def _salient_tokens(name: str, frequent: set[str], part_toks: frozenset[str]) -> tuple[tuple[str, ...], tuple[float, ...], str]:
    """Name tokens that can say which register a symbol is, their weights, and its family prefix.

    Part numbers and generic words are dropped; words the file repeats on most definitions
    (``inv``, ``st``, ``sensors``) stay but weigh little, because they may still be the register's
    own words (``out`` in ``ST_GYRO_DEFAULT_OUT_{X,Y,Z}_L_ADDR``)."""
    toks = split_identifier(name)
    access = _access_prefix(toks)
    i = 0
    while i < len(toks) - 1 and (toks[i] in frequent or toks[i] in GENERIC or toks[i] in part_toks
                                 or is_part_token(toks[i])):
        i += 1
    # the family prefix: leading frequent/part/generic words, but never into the register words
    j = i
    while j > 0 and toks[j - 1] in frequent and toks[j - 1] not in GENERIC and not is_part_token(toks[j - 1]) \
            and toks[j - 1] not in part_toks and sum(1 for t in toks[:j - 1] if t in frequent) >= 2:
        j -= 1
    # a digit-led word the file does not repeat (``0RH`` in ``..._REG_0RH_CAL_X_H``) is the
    # register's own word, not a part number of the prefix
    j = next((k for k in range(j) if toks[k][:1].isdigit() and not toks[k].isdigit() and toks[k] not in frequent
              and toks[k] not in part_toks), j)
    # an access prefix is the family: a file's read commands are one block, whatever words follow
    j = access or j
    prefix = "_".join(toks[:j])
    # a part number split in two by the identifier splitter (``ds`` ``1307``) goes as a whole
    # (or a chip family with an ``x`` wildcard: ``bmex`` ``80``)
    drop = {k for k in range(len(toks) - 1) if toks[k].isalpha() and len(toks[k]) <= 6 and toks[k + 1].isdigit()
            and len(toks[k + 1]) >= 3}
    drop |= {j for k in range(len(toks) - 1) if toks[k].isalpha() and 3 <= len(toks[k]) <= 6 and toks[k].endswith("x")
             and toks[k + 1].isdigit() and len(toks[k + 1]) == 2 for j in (k, k + 1)}
    kept = [t for k, t in enumerate(toks) if k >= access and k not in drop and t not in GENERIC and t not in part_toks
            and not is_part_token(t)] or list(toks[-1:])
    weights = tuple(FREQUENT_WEIGHT if t in frequent else 1.0 for t in kept)
    return tuple(kept), weights, prefix


@dataclass
class SymInfo:
    file: str
    sym: Symbol
    salient: tuple[str, ...]  # name tokens without part numbers and generic words
    weights: tuple[float, ...]  # per salient token (family-prefix words weigh little)
    family: str  # file + prefix: the block of definitions it belongs to
    instance: int | None = None  # the argument of a per-instance function-like macro
    spaces: frozenset | None = None  # a decoded member: the register spaces (peripherals) it may address
    decoded: bool = False  # its value encodes the address (``encoded_members``), not equals it
    number: str | None = None  # an instance of a numbered run: the number the register's name must end with


MAX_INSTANCES = 8
_PARAMS = re.compile(r"^\w+\(\s*([A-Za-z_]\w*)\s*\)$")


def _instance_name(name: str, param: str, k: int) -> str | None:
    """``REG_RXBnCTRL`` with instance 1 → ``REG_RXB1CTRL``: the parameter (or a lone lower-case
    ``n``/``x``) written inside an upper-case name stands for the instance number."""
    for ph in dict.fromkeys((param, param.lower(), "n", "x")):
        pat = re.compile(r"(?<=[A-Z0-9_])" + re.escape(ph) + r"(?=[A-Z0-9_]|$)")
        if ph.islower() and pat.search(name):
            return pat.sub(str(k), name, count=1)
    return None


def macro_table(f: CodeFile) -> dict[str, Macro]:
    """A file's macros as ``parsers.cexpr`` takes them (first definition wins)."""
    table: dict[str, Macro] = {}
    for s in f.symbols:
        if s.kind == "macro" and s.value is not None and s.name not in table:
            params = None
            if s.signature and s.signature.startswith(s.name + "("):
                params = tuple(p.strip() for p in s.signature[len(s.name) + 1:-1].split(",") if p.strip())
            # a value the include resolution already evaluated (with the file's #if branches) is kept
            value = str(s.int_value) if s.int_value is not None and params is None else s.value
            table[s.name] = Macro(value, params)
    return table


_NUMBER = re.compile(r"\b(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b")


def _base_plus_offset(ev: Evaluator, body: str, param: str, at0: int) -> bool:
    """Whether a one-parameter macro body adds its argument to a constant written in it (an
    offset): the value at argument 1 is the value at 0 plus one, and the body holds a number
    besides the parameter (a bare accessor ``MMIO32(addr)`` holds none). The caller asks this only
    of a memory access or a parameter named for a base: an index added to an address
    (``SLV_DO(x) (0x63 + (x))``) is a per-instance register whose name does not tell instance 0."""
    if not _NUMBER.search(re.sub(r"\b" + re.escape(param) + r"\b", " ", body)):
        return False
    v1 = ev.value(re.sub(r"\b" + re.escape(param) + r"\b", "(1)", body))
    return v1 is not None and v1.value == at0 + 1


def _moves_with(ev: Evaluator, body: str, param: str, at0: int) -> bool:
    """Whether a one-parameter macro body moves by a whole block per instance: the value at
    argument 1 differs from the value at 0 by at least 0x10 (an index added to an address,
    ``SLV_DO(x) (0x63 + (x))``, is a run of registers, one per instance, not a block)."""
    v1 = ev.value(re.sub(r"\b" + re.escape(param) + r"\b", "(1)", body))
    return v1 is not None and abs(v1.value - at0) >= 0x10


RUN_STEP = 4  # the largest step between the registers of a per-instance run (words of 4 bytes)
_RUN_ROLE = "numbered run"  # marks the instances ``_numbered_run`` names (``SymInfo.number``)


def _numbered_run(ev: Evaluator, s: Symbol, param: str) -> list[tuple[Symbol, str, int]]:
    """The instances of a one-parameter macro that steps through a run of registers (1 to
    ``RUN_STEP`` apart), named ``NAME_k`` and ``NAME_k+1``; none for any other step."""
    vals = []
    for k in range(MAX_INSTANCES):
        v = ev.value(re.sub(r"\b" + re.escape(param) + r"\b", f"({k})", s.value or ""))
        if v is None or v.value < 0:
            break
        vals.append(v.value)
    steps = {b - a for a, b in zip(vals, vals[1:])}
    if len(vals) < 2 or len(steps) != 1 or not 1 <= steps.pop() <= RUN_STEP:
        return []
    return [(replace(s, int_value=v, role=_RUN_ROLE), f"{s.name}_{n}", k) for k, v in enumerate(vals) for n in (k, k + 1)]


def _instance_symbols(f: CodeFile, shared: Mapping[str, Macro] | None = None) -> dict[str, list[tuple[Symbol, str, int]]]:
    """Per-instance function-like macros of one parameter (``#define REG_TXBnCTRL(n) (0x30 +
    (n * 0x10))``, ``Sn_MR(N)``) evaluated at instances 0, 1, …: (a copy of the symbol with that
    value, the name the instance goes by). Only macros whose name carries the placeholder; their
    instance 0 also goes by the macro's own name, as a datasheet that prints one generic register
    (``Sn_MR``) names it."""
    cands = []
    for s in f.symbols:
        m = _PARAMS.match(s.signature or "") if s.kind == "macro" and s.value is not None else None
        if m and s.int_value is None:
            cands.append((s, m.group(1)))
    if not cands:
        return {}
    ev = Evaluator({**(shared or {}), **macro_table(f)})
    out: dict[str, list[tuple[Symbol, str, int]]] = {}
    for s, param in cands:
        rows = []
        for k in range(MAX_INSTANCES):
            v = ev.value(re.sub(r"\b" + re.escape(param) + r"\b", f"({k})", s.value))
            if v is None or v.value < 0:
                break
            iv = v.value
            name = _instance_name(s.name, param, k)
            if name is None:
                if k == 0 and (v.mmio or "base" in param.lower()) and _base_plus_offset(ev, s.value, param, iv):
                    # `I2C_CR1(base) MMIO32((base) + 0x00)`: the argument is a peripheral base
                    # added to the register's offset; the value at base 0 is the offset
                    rows.append((replace(s, int_value=iv), s.name, 0))
                elif k == 0 and _moves_with(ev, s.value, param, iv):
                    # `CH_MODE(n) (0x04 + (n) * 0x100)`, `MODE(blk) ((0x0004 << 8) | ((blk) << 3))`:
                    # one register per instance, the name telling none of them; the datasheet
                    # prints it once, as instance 0 (and the family transform decodes that value)
                    rows.append((replace(s, int_value=iv), s.name, 0))
                elif k == 0:
                    # `TEMP_TOL(index) (0x208 + (index))`: a run of registers, one per instance, that
                    # the datasheet prints one by one and numbers (``Temperature Tolerance 1``): each
                    # instance goes by the macro's name and its number, counted from 0 and from 1
                    # (the address tells which count the datasheet uses)
                    rows.extend(_numbered_run(ev, s, param))
                break  # no placeholder in the name: the instances cannot be told apart by name
            if k == 0:
                rows.append((replace(s, int_value=iv), s.name, 0))
            rows.append((replace(s, int_value=iv), name, k))
        if len({r[2] for r in rows}) > 1 and len({r[0].int_value for r in rows}) == 1:
            continue  # the argument does not change the value: not a per-instance address
        out[s.name] = rows
    return out


_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_LITERAL_CALL = re.compile(r"^\(?\s*([A-Za-z_]\w*)\s*\(\s*(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)\s*\)?$")


ACCESSOR_USES = 3  # object-like macros that must call a function-like macro before it is an accessor


def _accessor_constants(files: Sequence[CodeFile]) -> set[str]:
    """Constants that an accessor macro adds to its argument (``IO_REG(io) MEM8((io) + IO_OFFSET)``,
    the accessor called with a literal by at least ``ACCESSOR_USES`` register macros): the offset of
    an address space, applied to every register, never a register itself."""
    uses: Counter[str] = Counter()
    fn: dict[str, Symbol] = {}
    for f in files:
        for s in f.symbols:
            if s.kind != "macro" or not s.value:
                continue
            if s.signature:
                fn.setdefault(s.name, s)
            else:
                m = _LITERAL_CALL.match(s.value.strip())
                if m:
                    uses[m.group(1)] += 1
    out: set[str] = set()
    for name, n in uses.items():
        acc = fn.get(name)
        if n >= ACCESSOR_USES and acc is not None:
            params = set(_IDENT.findall(acc.signature[len(name):]))
            out |= {w for w in _IDENT.findall(acc.value or "") if w not in params and w not in fn}
    return out


def _accessor_valued(f: CodeFile, shared: Mapping[str, Macro]) -> dict[str, Symbol]:
    """The file's object-like macros that only call function-like macros it does not define itself
    (an I/O accessor ``IO_REG(io) MEM8((io) + 0x20)`` of a sibling source or header), valued with the
    repository's definition of the accessor; a call the repository does not define leaves the macro
    unknown."""
    table = macro_table(f)
    out: dict[str, Symbol] = {}
    ev = None
    for s in f.symbols:
        if s.kind != "macro" or s.int_value is not None or s.signature or not s.value:
            continue
        called = _CALL.findall(s.value)
        if not called or any(c in table or c not in shared or shared[c].params is None for c in called):
            continue
        ev = ev or Evaluator({**shared, **table})
        v = ev.value(s.value)
        if v is not None and v.value >= 0:
            out[s.name] = replace(s, int_value=v.value)
    return out


def _helper_macros(shared: dict[str, Macro], others: Sequence[CodeFile], seed: Iterable[str] = ()) -> None:
    """Add to ``shared`` the macros that the candidates' function-like macros use but no candidate
    defines (an accessor ``MMIO32(addr)`` in a common header the pruning left out), looked up by
    name in the other files of the repository, two levels deep; ``seed``: accessors that the
    candidates' object-like macros call."""
    for _ in range(2):
        wanted = {w for m in shared.values() if m.params is not None for w in _IDENT.findall(m.body)
                  if w not in shared and w not in m.params}
        wanted |= {w for w in seed if w not in shared}
        if not wanted:
            return
        found = False
        for f in others:
            if any(s.kind == "macro" and s.name in wanted for s in f.symbols):
                for k, m in macro_table(f).items():
                    if k in wanted and k not in shared:
                        shared[k] = m
                        found = True
        if not found:
            return


def _address_member(s: Symbol) -> bool:
    """A named constant of a struct/class whose own name is only an address word (``address``,
    ``__address``, ``REG_ADDR``): the address of the register its container stands for."""
    if s.kind not in ("variable", "enumerator") or not s.parent or s.int_value is None:
        return False
    toks = split_identifier(s.name)
    return bool(toks) and all(t in GENERIC for t in toks) and any(t.startswith("addr") or t == "adr" for t in toks)


def _descriptor_entry(s: Symbol) -> bool:
    """An entry ``table[NAME]`` of a descriptor table (``parsers.code``: struct initialisers whose
    first member is the address)."""
    return s.kind == "variable" and bool(s.parent) and s.name.startswith(f"{s.parent}[") \
        and (s.value or "").startswith("{")


def _array_elements(f: CodeFile) -> dict[str, tuple[str, int, int, int]]:
    """The struct arrays of a file's overlay structs (``struct { … } CHANNEL[2];``, whose members the
    parser gives the parent ``Outer.CHANNEL`` and offsets inside one element): parent → (array name,
    its offset, the element's size, the number of elements), for arrays of two elements or more."""
    ends: dict[str, int] = defaultdict(int)
    for s in f.symbols:
        if s.kind == "field" and s.parent and "." in s.parent and s.offset is not None and s.size:
            ends[s.parent] = max(ends[s.parent], s.offset + s.size)
    out = {}
    for s in f.symbols:
        if s.kind == "field" and s.type in ends and s.type == f"{s.parent}.{s.name}" and s.offset is not None \
                and s.size:
            size = ends[s.type]
            if s.size % size == 0 and s.size // size >= 2:
                out[s.type] = (s.name, s.offset, size, s.size // size)
    return out


def symbol_infos(files: Sequence[CodeFile], part_toks: frozenset[str],
                 others: Sequence[CodeFile] = ()) -> list[SymInfo]:
    """Symbols that can carry a register or a field, with their salient name tokens. ``others``:
    the repository's other files, read only for helper macros the candidates' macros use."""
    out: list[SymInfo] = []
    # macros of every candidate file: a per-instance macro may use a helper of another header
    shared: dict[str, Macro] = {}
    # object-like macros valued by a call of an accessor no file of theirs defines (``#define SPCR
    # IO_REG(0x0D)``, the accessor in a sibling source that the including program reads first)
    calls = {c for f in files for s in f.symbols if s.kind == "macro" and s.int_value is None
             and not s.signature and s.value for c in _CALL.findall(s.value)}
    if calls or any(s.kind == "macro" and s.signature for f in files for s in f.symbols):
        for f in files:
            for k, m in macro_table(f).items():
                shared.setdefault(k, m)
        if others:
            _helper_macros(shared, others, calls)
    # enumerators that index a descriptor table (``[F_ODR] = {0x20, 0x70, 4}``) number its
    # entries: field ids, whatever their values, never addresses
    table_index = {s.name[len(s.parent) + 1:-1] for f in files for s in f.symbols if _descriptor_entry(s)}
    offsets = _accessor_constants(files)
    for f in files:
        elements = _array_elements(f)
        named = [s for s in f.symbols if (s.kind in VALUE_KINDS or s.kind == "field")
                 and not (s.kind == "enumerator" and s.name in table_index)
                 and not (s.kind == "macro" and s.name in offsets)]
        if not named:
            continue
        # family words are counted among definitions of the same sort (macros apart from
        # struct fields and enumerators, which are named differently)
        frequent_by: dict[bool, set[str]] = {}
        for is_macro in (True, False):
            group = [s for s in named if (s.kind == "macro") == is_macro]
            df: Counter[str] = Counter()
            for s in group:
                df.update(set(split_identifier(s.name)))
            frequent_by[is_macro] = {t for t, c in df.items() if c >= 3 and c >= 0.3 * len(group)}
        instances = _instance_symbols(f, shared)
        accessed = _accessor_valued(f, shared) if calls else {}
        for s in named:
            s = accessed.get(s.name, s) if s.kind == "macro" else s
            frequent = frequent_by[s.kind == "macro"]
            if s.kind == "macro" and s.int_value is None and s.name in instances:
                for inst_sym, inst_name, k in instances[s.name]:
                    salient, weights, prefix = _salient_tokens(inst_name, frequent, part_toks)
                    number = None
                    if inst_sym.role == _RUN_ROLE:
                        number = inst_name.rsplit("_", 1)[1]
                        inst_sym = replace(inst_sym, role=s.role)
                    out.append(SymInfo(f.path, inst_sym, salient, weights, f"{f.path}::{prefix}", k, number=number))
                continue
            if s.kind in VALUE_KINDS and s.int_value is None:
                continue
            if s.kind == "field" and s.offset is None:
                continue
            if s.kind == "field" and s.parent in elements:
                # a member of one element of a struct array (``struct { … CFG; … } CHANNEL[2];``):
                # one register per element, at the array's offset + k × the element's size, named
                # by the array, the element's number and the member (``CHANNEL 1 CFG``)
                member, at, size, count = elements[s.parent]
                fam = f"{f.path}::{s.parent}[]"
                for k in range(min(count, MAX_INSTANCES)):
                    salient, weights, _ = _salient_tokens(f"{member}_{k}_{s.name}", frequent, part_toks)
                    out.append(SymInfo(f.path, replace(s, offset=at + k * size + s.offset), salient, weights, fam, k))
                continue
            if _descriptor_entry(s):
                # `regs[PRS_MR] = {0x06, 0x70, 4}`: named by its index (a field, most often)
                salient, weights, _ = _salient_tokens(s.name[len(s.parent) + 1:-1], frequent, part_toks)
                out.append(SymInfo(f.path, s, salient, weights, f"{f.path}::{s.parent}[]"))
                continue
            if _address_member(s):
                # `struct CTRL_REG1 { static const uint16_t address = 16; … }`: the member only says
                # "address"; the register is the struct it belongs to, and the structs of one file
                # that each hold such a member are one family
                salient, weights, _ = _salient_tokens(s.parent, frequent_by[False], part_toks)
                out.append(SymInfo(f.path, s, salient, weights, f"{f.path}::<address members>"))
                continue
            salient, weights, prefix = _salient_tokens(s.name, frequent, part_toks)
            # a family is one block: a struct's fields, an enum's or a class's members, a macro prefix
            fam = f"{f.path}::{s.parent}::{prefix}" if s.parent else f"{f.path}::{prefix}"
            out.append(SymInfo(f.path, s, salient, weights, fam))
    return out


MIN_FIT = 3  # exact name matches a family needs before its value transform is trusted


def _linear_fit(pairs: Sequence[tuple[int, int]]) -> tuple[int, int, int] | None:
    """(k, b, members fitted) of the transform value = k·addr + b most pairs agree on."""
    votes: Counter[tuple[int, int]] = Counter()
    sample = sorted(set(pairs))[:40]
    for x, (a1, v1) in enumerate(sample):
        for a2, v2 in sample[x + 1:]:
            if a2 != a1 and (v2 - v1) % (a2 - a1) == 0:
                k = (v2 - v1) // (a2 - a1)
                if k >= 1:
                    votes[(k, v1 - k * a1)] += 1
    if not votes:
        return None
    (k, b), _ = max(votes.items(), key=lambda kv: (kv[1], -kv[0][0], kv[0]))
    fit = sum(1 for a, v in set(pairs) if v == k * a + b)
    if (k, b) == (1, 0) or fit < MIN_FIT or fit < 0.6 * len(set(pairs)):
        return None
    return k, b, fit


_BANK_TOKEN = re.compile(r"(?:b|bank|pg|page|blk|block)\d{1,2}")


def _same_words(a: Sequence[str], b: Sequence[str]) -> bool:
    """Token for token the same words, each possibly abbreviated (``calib 0`` / ``cal 0``,
    ``interrupt config`` / ``int cfg``); numbers equal."""
    return len(a) == len(b) and all(x == y or (not x.isdigit() and not y.isdigit()
                                               and (abbreviates(x, y) or abbreviates(y, x))) for x, y in zip(a, b))


def _space_cut(salient: Sequence[str], spaces: Mapping[str, str] | None) -> tuple[tuple[str, ...], str] | None:
    """The symbol's words less a first or last word (or two: ``mreg`` ``3``) that spell the name
    of one of the datasheet's register spaces (``XA_ST_DATA_MREG3`` for XA_ST_DATA of bank MREG3),
    and that space."""
    if not spaces:
        return None
    for n in (1, 2):
        if len(salient) > n:
            if (sp := spaces.get("".join(salient[-n:]))) is not None:
                return tuple(salient[:-n]), sp
            if (sp := spaces.get("".join(salient[:n]))) is not None:
                return tuple(salient[n:]), sp
    return None


def _keyed(by_key: Mapping[str, list], salient: Sequence[str],
           by_toks: Mapping[tuple[str, ...], list] | None = None, weights: Sequence[float] = (),
           unprefixed: frozenset[str] | None = None, spaces: Mapping[str, str] | None = None) -> list:
    """The register rows named like a symbol: exactly by all its salient tokens, else without a
    leading bank/page token (``B1_CTRL1``, ``bank0_config``: the bank says where, not which), else
    (``unprefixed``: the words of the datasheet's register names) without the leading words its file
    repeats on most definitions (``weights``) where no register name has them (the block prefix
    ``SER`` of ``QK_SER_CTRL`` against a datasheet that prints ``CTRL``; never ``FIFO_`` of
    ``FIFO_CTRL``, a register's own word), else
    (``by_toks`` given) the one register whose words it abbreviates or spells out token for token."""
    names = [tuple(salient)]
    if len(salient) > 1 and _BANK_TOKEN.fullmatch(salient[0]):
        names.append(tuple(salient[1:]))
    lead = next((i for i, w in enumerate(weights) if w >= 1.0), 0) if unprefixed is not None else 0
    for i in range(1, min(lead, len(salient) - 1) + 1):
        if set(salient[:i]) & unprefixed:
            break
        names.append(tuple(salient[i:]))
    for n in names:
        rows = by_key.get("".join(n), ())
        if rows:
            return list(rows)
    # the name of the register's space spelt on the symbol (a bank suffix): that space's row only
    cut = _space_cut(salient, spaces)
    if cut:
        rows = [r for r in by_key.get("".join(cut[0]), ()) if r[1] == cut[1]]
        if rows:
            return rows
    if by_toks:
        for n in names:
            hits = [t for t in by_toks if _same_words(n, t)]
            if len(hits) == 1:
                return list(by_toks[hits[0]])
    return []


def encoded_members(infos: Sequence[SymInfo], regs: Sequence[Register],
                    part_toks: frozenset[str]) -> list[SymInfo]:
    """Family members whose value *encodes* the address (``RegName = 0x01 << 1`` in an SPI command
    enum, ``(offset << 8) | (block << 3)``, ``address | (bank << 5) | flag``): per family (one enum,
    or one macro-prefix block) a transform that at least ``MIN_FIT`` members with exactly the
    register's name agree on, and every member of the family is then offered at the address it
    decodes to (a copy of its symbol with that ``int_value``, and the register spaces it may
    address). Two transforms are tried: value = k·addr + b, fitted per register space (a bank or
    block of its own, ``peripheral`` of the register) and over the whole family; and flag bits
    above the address (value = addr | high << n, n the address width), whose high part names the
    space (``0x20`` for bank 1, ``0xC0`` for bank 2 and a MAC flag)."""
    by_key: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    by_toks: dict[tuple[str, ...], list[tuple[int, str | None]]] = defaultdict(list)
    for r in regs:
        a = parse_int(r.address)
        if a is not None:
            for toks in _name_keys(r.name, part_toks):
                by_key["".join(toks)].append((a, r.peripheral))
                by_toks[toks].append((a, r.peripheral))
    reg_words = frozenset(t for toks in by_toks for t in toks)
    space_names = {re.sub(r"[^a-z0-9]", "", r.peripheral.lower()): r.peripheral for r in regs if r.peripheral}
    space_names = space_names if len(space_names) > 1 else None
    fams: dict[str, list[SymInfo]] = defaultdict(list)
    for si in infos:
        if si.sym.kind != "field" and not si.instance and si.sym.int_value is not None:
            fams[si.family].append(si)  # per-instance macros at instance 0, as the datasheet prints them
    out: list[SymInfo] = []
    for fam, members in fams.items():
        triples = sorted({(a, si.sym.int_value, sp) for si in members
                          for a, sp in _keyed(by_key, si.salient, by_toks, spaces=space_names)},
                         key=lambda t: (t[0], t[1], t[2] or ""))  # (a list may mix banked and unbanked rows)
        unprefixed = None
        if len({(a, v) for a, v, _ in triples}) < MIN_FIT:
            # named without the block prefix the datasheet does not print (``QK_SER_CTRL`` for CTRL):
            # only a scale (value = k·addr + b, k > 1: byte offsets of word registers) tells such a
            # block from another device's map that reuses the names at an offset
            triples = sorted({(a, si.sym.int_value, sp) for si in members
                              for a, sp in _keyed(by_key, si.salient, by_toks, si.weights, reg_words)},
                             key=lambda t: (t[0], t[1], t[2] or ""))
            unprefixed = reg_words
        if len({(a, v) for a, v, _ in triples}) < MIN_FIT:
            continue
        # mostly plain addresses: a transform may still hold for the others (a map whose I/O registers
        # are printed in I/O space, value = addr + 0x20, and its extended ones in data space, value =
        # addr), fitted on them alone when MIN_FIT of them agree; the plain ones link as they are
        rest = [t for t in triples if t[0] != t[1]]
        mostly_plain = len(rest) * 2 <= len(triples)
        if mostly_plain and len({(a, v) for a, v, _ in rest}) < MIN_FIT:
            continue
        direct: set[int] = set()
        # (a) value = k·addr + b, per register space, else over the family
        linear: list[tuple[int, int, frozenset | None, int]] = []
        if not mostly_plain:
            unfitted = []
            for sp in sorted({sp for _, _, sp in triples}, key=str):
                f = _linear_fit([(a, v) for a, v, s2 in triples if s2 == sp])
                if f:
                    linear.append((f[0], f[1], frozenset({sp}), f[2]))
                else:
                    unfitted.append(sp)
            # a space with too few name matches of its own (two) takes the transform of another
            # space that every one of them agrees with (``B1_TEMP_CFG = 0x11 << 1`` beside bank 0's)
            for sp in unfitted:
                prs = {(a, v) for a, v, s2 in triples if s2 == sp}
                for x, (k, b, sps, n) in enumerate(linear):
                    if len(prs) >= 2 and all(v == k * a + b for a, v in prs):
                        linear[x] = (k, b, sps | {sp}, n)
                        break
            if not linear:
                f = _linear_fit([(a, v) for a, v, _ in triples])
                if f:
                    linear.append((f[0], f[1], None, f[2]))
        if not linear and len({(a, v) for a, v, _ in rest}) >= MIN_FIT:
            f = _linear_fit([(a, v) for a, v, _ in rest])
            if f:
                linear.append((f[0], f[1], None, f[2]))
                direct = {id(si) for si in members
                          if any(a == si.sym.int_value
                                 for a, _ in _keyed(by_key, si.salient, None, si.weights, unprefixed))}
        # (b) flag bits above the address: the low bits are the address, the high part a space
        width = max(a for a, _, _ in triples).bit_length()
        high: dict[int, set] = defaultdict(set)
        or_fit = 0
        if width >= 3:
            mask = (1 << width) - 1
            for a, v, sp in triples:
                if v & mask == a and v >= 0:
                    high[v >> width].add(sp)
                    or_fit += 1
        if mostly_plain or or_fit < MIN_FIT or or_fit < 0.6 * len(triples) or list(high) == [0]:
            or_fit = 0
        if unprefixed is not None:
            # and a scale every register of the block keeps: each member (not a field named on from
            # another member, ``QK_SER_CTRL_EN``) decodes to a whole address
            heads = {si.salient for si in members}
            regs_of = [si.sym.int_value for si in members
                       if not any(si.salient[:n] in heads for n in range(1, len(si.salient)))]
            linear = [f for f in linear if f[0] > 1 and all(v >= f[1] and (v - f[1]) % f[0] == 0 for v in regs_of)]
            or_fit = 0
        if or_fit > sum(f[3] for f in linear):
            for si in members:
                v = si.sym.int_value
                if v is not None and v >= 0 and (v >> width) in high:
                    out.append(SymInfo(si.file, replace(si.sym, int_value=v & mask, role=None), si.salient, si.weights,
                                       si.family, si.instance, frozenset(high[v >> width]), decoded=True, number=si.number))
            continue
        for k, b, spaces, _ in linear:
            for si in members:
                if id(si) in direct:
                    continue
                d, rem = divmod(si.sym.int_value - b, k)
                if rem == 0 and d >= 0:
                    out.append(SymInfo(si.file, replace(si.sym, int_value=d, role=None), si.salient, si.weights,
                                       si.family, si.instance, spaces, decoded=True, number=si.number))
    return out


_SPACE_NUMBER = re.compile(r"\b(?:bank|page)\s*(\d{1,2})\b", re.I)


def bank_numbered_members(infos: Sequence[SymInfo], regs: Sequence[Register]) -> list[SymInfo]:
    """Members whose value puts the number of the bank (page) above the address, where the datasheet
    numbers its register spaces (``bank 2``) and the code reaches a bank's registers by one value
    (``#define X_REG_FCMS1 0x201``, ``X_REG_TSS(index) (0x209 + (index))``; the bus code selects bank
    ``reg >> 8``): per family, at least ``MIN_FIT`` members of a bank other than 0 must decode to a
    register of the bank their high part names; every such member is then offered at the decoded
    address, for that bank only. Names still decide which register a member is."""
    banks: dict[int, str] = {}
    addrs: dict[str, set[int]] = defaultdict(set)
    for r in regs:
        m = _SPACE_NUMBER.search(r.peripheral or "")
        a = parse_int(r.address)
        if m and a is not None:
            banks.setdefault(int(m.group(1)), r.peripheral)
            addrs[r.peripheral].add(a)
    if len(banks) < 2 or not any(banks):
        return []
    top = max((a for v in addrs.values() for a in v), default=0)
    best: dict[str, list[tuple[SymInfo, str, int]]] = {}
    for width in (8, 7):  # a byte index (``bank << 8``) or a 7-bit one (``bank << 7``)
        mask = (1 << width) - 1
        if top > mask:
            continue
        fams: dict[str, list[tuple[SymInfo, str, int]]] = defaultdict(list)
        for si in infos:
            v = si.sym.int_value
            if si.sym.kind == "field" or si.instance or v is None or v <= mask:
                continue
            sp = banks.get(v >> width)
            if sp is not None and (v & mask) in addrs[sp]:
                fams[si.family].append((si, sp, v & mask))
        if sum(map(len, fams.values())) > sum(map(len, best.values())):
            best = fams
    out = []
    for members in best.values():
        if len(members) < MIN_FIT:
            continue
        for si, sp, a in members:
            out.append(SymInfo(si.file, replace(si.sym, int_value=a, role=None), si.salient, si.weights,
                               si.family, si.instance, frozenset({sp}), decoded=True, number=si.number))
    return out


_ALT_SPLIT = re.compile(r"^\s*(.+?)\s*\(\s*([A-Za-z][\w ]*?)\s*\)\s*$")


def alternative_names(name: str, part_toks: frozenset[str] = frozenset()) -> list[tuple[str, ...]]:
    """Tokens of each name a register is printed under: ``Long name (MNEMONIC)`` gives both,
    ``A/B`` (two names of one register) gives A and B."""
    alts: list[str] = []
    sides = [name]
    # one slash outside parentheses: two names, each may be ``Long name (MNEMONIC)`` itself
    depth, cuts = 0, []
    for i, ch in enumerate(name):
        depth += (ch == "(") - (ch == ")")
        if ch == "/" and depth == 0:
            cuts.append(i)
    if len(cuts) == 1:
        a, b = name[:cuts[0]].strip(), name[cuts[0] + 1:].strip()
        if len(a) >= 2 and len(b) >= 2 and not (a.isdigit() or b.isdigit()):
            sides = [a, b]
            alts += sides
    for side in sides:
        m = _ALT_SPLIT.match(side)
        if m:
            alts += [m.group(1), m.group(2)]
    out = []
    for a in alts:
        t = register_tokens(a, part_toks)
        if t and t not in out:
            out.append(t)
    return out


def _name_keys(name: str, part_toks: frozenset[str]) -> list[tuple[str, ...]]:
    """Tokens of a register's printed name and of each name it goes by (``Config (CFG)``: the
    long name and the mnemonic; ``A / B``: both), for matches that need exactly the name."""
    keys = [register_tokens(name, part_toks)]
    return keys + [a for a in alternative_names(name, part_toks) if a not in keys]


# a register-width tag before the peripheral's name (``R32_ADC_STATR``, ``R16_UART_DLL``)
_WIDTH_TAG = re.compile(r"^[A-Za-z](?:8|16|32|64)_(?=[A-Za-z])")


def peripheral_stem(name: str) -> str:
    """The register's printed name without a leading width tag: ``R32_ADC_STATR`` → ``ADC_STATR``."""
    return _WIDTH_TAG.sub("", name)


def name_peripheral(regs: Sequence[Register]) -> dict[int, str]:
    """Register index → peripheral for a register list without peripherals whose names nearly
    all start with one word and ``_`` (``I2C_CR1``, ``I2C_OAR1``), after a width tag the names
    may carry (``R32_ADC_STATR``, ``R16_ADC_...``): that word."""
    if any(r.peripheral for r in regs):
        return {}
    stems = [peripheral_stem(r.name) for r in regs]
    first = Counter(s.split("_", 1)[0] for s in stems if "_" in s.strip("_"))
    if not first:
        return {}
    word, n = first.most_common(1)[0]
    if n < 3 or n < 0.8 * len(regs) or not word[:1].isalpha():
        return {}
    return {i: word for i, s in enumerate(stems) if s.startswith(word + "_")}


_REGISTER_WORDS = frozenset({"reg", "regs", "register", "registers"})


def register_named(sym: Symbol) -> bool:
    """The symbol's container or its own name says it is a register (an enum ``Register``/
    ``PCD_Register``, a member ``StatusReg``/``STATUS_REG``): a value with ``<<`` in it is then an
    (encoded) address, not a bit."""
    return split_identifier(sym.name)[-1:] in (("reg",), ("register",)) \
        or bool(_REGISTER_WORDS & set(split_identifier(sym.parent or "")))


def _mask_named_register(sym: Symbol, reg_name: str) -> bool:
    """A definition taken for a mask by its last word (``..._REG_INT_MASK``) that ends like the register's
    own name (``REG_INT_MASK``, an interrupt-mask register) and whose value is no run of set bits
    (0x1024a0): the register's address, not a mask."""
    v = sym.int_value
    if v is None or v <= 0 or ((v + (v & -v)) & v) == 0:
        return False  # a single bit or one run of bits: a mask, whatever it is named
    last = split_identifier(sym.name)[-1:]
    return bool(last) and last == split_identifier(reg_name)[-1:]


_SHIFTED = re.compile(r"^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*<<\s*(\d+)\s*\)?$")


def shifted_address_blocks(files: Sequence[CodeFile]) -> set[tuple[str, str]]:
    """(file, name) of the members of enums whose members all shift a number by one same amount
    (``CONFIG = 0x00 << 1``, ``STATUS = 0x01 << 1`` …, four members or more, three numbers or more;
    banks may repeat a number): a block of encoded addresses, not bits (a bit enum shifts one by a
    different amount each time, ``1 << n``).
    An unnamed enum is the run of unnamed enumerators on consecutive lines."""
    members: dict[tuple[str, str], list[tuple[str, tuple[int, int] | None]]] = defaultdict(list)
    for f in files:
        anon, last = "", -9
        for sym in f.symbols:
            if sym.kind != "enumerator":
                continue
            parent = sym.parent
            if not parent:
                if sym.start_line - last > 2:
                    anon = f"<enum@{sym.start_line}>"
                parent, last = anon, sym.start_line
            m = _SHIFTED.match((sym.value or "").strip())
            members[(f.path, parent)].append((sym.name, (int(m.group(1), 0), int(m.group(2))) if m else None))
    out = set()
    for (path, _), rows in members.items():
        vals = [v for _, v in rows]
        if len(rows) >= 4 and None not in vals and len({k for _, k in vals}) == 1 and len({v for v, _ in vals}) >= 3:
            out.update((path, name) for name, _ in rows)
    return out


def register_container(sym: Symbol) -> bool:
    """Every member of the symbol's container is a register: a register descriptor object, or a
    member of an enum, class, struct or impl named for registers (``enum Register``, ``impl Register``,
    ``class Registers(IntEnum)``)."""
    return sym.type == "descriptor" or (sym.kind in ("enumerator", "variable")
                                        and bool(_REGISTER_WORDS & set(split_identifier(sym.parent or ""))))


COVER_MIN = 3  # registers a struct must spell at their offsets before it is taken for the map


def covering_structs(infos: Sequence[SymInfo], regs: Sequence[Register],
                     part_toks: frozenset[str]) -> set[tuple[str, str]]:
    """(file, struct) of the overlay structs that ARE the datasheet's register map: a register list
    with no peripheral to name (``TASKS_STARTRX 0x000``, ``ENABLE 0x500``) is laid over a struct whose
    fields spell the registers' names at their addresses as byte offsets (``NRF_TWI_Type``, padding
    arrays between them). Only the struct(s) spelling the most of them, at least ``COVER_MIN``: the
    file's other peripherals repeat some member names (``ENABLE``, ``SHORTS``) at other offsets."""
    if any(r.peripheral for r in regs):
        return set()
    want: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for r in regs:
        a = parse_int(r.address)
        if a is not None:
            for toks in _name_keys(r.name, part_toks):
                want[toks].add(a)
    by_offset: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for toks, offs in want.items():
        for a in offs:
            by_offset[a].append(toks)
    count: Counter[tuple[str, str]] = Counter()
    parents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for si in infos:
        s = si.sym
        if s.kind != "field" or not s.parent or s.offset is None:
            continue
        # an element's member goes by the array, its number and the member (``_array_elements``)
        ftoks = si.salient if si.instance is not None else register_tokens(s.name, part_toks)
        # the register's name at its offset, or the same words abbreviated or spelt out
        # (``RegGainCfg`` at GAIN_CONFIG's offset)
        # (the members of a struct array's elements, parent ``Outer.SLOT``, count for the outer struct)
        root = (si.file, s.parent.split(".", 1)[0])
        parents[root].add(s.parent)
        if s.offset in want.get(ftoks, ()) or any(_same_words(ftoks, t) for t in by_offset.get(s.offset, ())):
            count[root] += 1
    best = max(count.values(), default=0)
    return {(f, p) for (f, root), n in count.items() if n == best for p in parents[(f, root)]} if best >= COVER_MIN else set()


def register_addresses(reg: Register, bases: dict[str, int]) -> list[tuple[int, str]]:
    """Values a symbol may hold for this register, with the evidence word each gives."""
    addr = parse_int(reg.address)
    if addr is None:
        # a datasheet that prints two addresses (``0x3B (0x5B)``: I/O and data space) keeps both
        alts = [parse_int(x) for x in _HEX.findall(reg.address or "")]
        return [(a, "address") for a in dict.fromkeys(alts) if a is not None][:2]
    out = [(addr, "address")]
    base = bases.get((reg.peripheral or "").lower())
    if base is not None:
        if reg.address_kind == "offset":
            out.append((base + addr, "base+offset"))
        elif addr >= base:
            out.append((addr - base, "offset"))
    return out


def _names_peripheral(si: "SymInfo", peripheral: str | None) -> bool:
    """The symbol's name contains the peripheral's kind (``uart`` for UART0, ``gpio`` for GPIOA)."""
    return _names_peripheral_text(si.sym.name, peripheral)


def _names_peripheral_text(name: str, peripheral: str | None) -> bool:
    if not peripheral or not name:
        return False
    stem = re.sub(r"\d+$", "", peripheral.lower())
    stem_short = stem[:-1] if len(stem) > 4 and re.search(r"[a-z]\d*[a-z]$", stem) else stem
    toks = split_identifier(name)
    return any(t.startswith(stem_short) or stem_short.startswith(t) and len(t) >= 3 for t in toks if not t.isdigit())


_CLAUSE = re.compile(r"[.;:(\[]")
_RESERVED = re.compile(r"^(?:reserved|rsvd|res|-|_|0|1|x)$", re.I)


def meaning_keys(reg: Register, names: Sequence[tuple[str, ...]], part_toks: frozenset[str]) -> list[tuple[str, ...]]:
    """What a register is called by meaning: its names, the first clause of its description (a
    long name: ``FIFO SPI pointer``, ``Temperature data high byte``; at most eight words) and the
    name of its one field where it has exactly one (a register that holds one quantity)."""
    keys = list(names)
    desc = _CLAUSE.split(reg.description or "", maxsplit=1)[0].strip()
    if desc and len(desc.split()) <= 8:
        t = register_tokens(desc, part_toks)
        if t and t not in keys:
            keys.append(t)
    named = [f for f in reg.fields if f.name and not _RESERVED.match(f.name.strip())]
    if len(named) == 1:
        t = register_tokens(named[0].name, part_toks)
        if t and t not in keys:
            keys.append(t)
    return keys


@dataclass
class _Cand:
    reg_idx: int
    info: SymInfo
    sim: float
    how: str
    evidence: list[str]
    score: float = 0.0
    rank: int = 0  # 1: a spelling that loses to a rival in the same file (``_rank_rivals``)
    words: tuple[str, ...] = ()  # a name by meaning: the symbol's words that were matched


_WILD_AFTER_DIGIT = re.compile(r"(?<=\d)x")


def part_tokens(parts: Iterable[str], files: Sequence[CodeFile] = ()) -> frozenset[str]:
    """Name tokens that are the part number: each part and its pieces, and, for a datasheet naming a
    family with an ``x`` wildcard after a digit (``qk315x``), the members the code spells
    (``qk3150`` in ``QK3150_REG_CTRL``)."""
    parts = list(parts)
    toks = {t for p in parts for t in (p, *split_identifier(p))}
    wild = [re.compile("[0-9a-z]".join(re.escape(x) for x in _WILD_AFTER_DIGIT.split(p)))
            for p in parts if _WILD_AFTER_DIGIT.search(p)]
    if wild:
        for f in files:
            for sym in f.symbols:
                st = split_identifier(sym.name)
                # one token (``ce466x``) or a pair the splitter cut (``qk`` ``3150``)
                runs = [(t,) for t in st] + [st[i:i + 2] for i in range(len(st) - 1)]
                for run in runs:
                    cand = "".join(run)
                    if cand not in toks and any(w.fullmatch(cand) for w in wild):
                        toks.update((cand, *run))
    return frozenset(toks)


_TRAILING_COMMENT = re.compile(r"(?:/\*(.*?)(?:\*/|$)|//(.*)$)")
COMMENT_NAME_WORDS = 6  # a trailing comment longer than this is a sentence, not a register's name


def trailing_comments(files: Sequence[CodeFile], texts: Mapping[str, str]) -> dict[tuple[str, int], str]:
    """(file, line) → the comment that ends a value definition's first line (``#define X_VER 0x8140
    /* Product ID */``, ``X = 0x10, // Status``), for the definitions of ``files`` whose text is given."""
    out: dict[tuple[str, int], str] = {}
    for f in files:
        text = texts.get(f.path)
        if not text:
            continue
        lines = text.split("\n")
        for s in f.symbols:
            if s.kind not in VALUE_KINDS or not 0 < s.start_line <= len(lines):
                continue
            line = lines[s.start_line - 1]
            at = line.find(s.name)
            m = _TRAILING_COMMENT.search(line, at + len(s.name)) if at >= 0 else None
            if m:
                body = (m.group(1) if m.group(1) is not None else m.group(2) or "").strip(" */!<")
                if body:
                    out[(f.path, s.start_line)] = body
    return out


def _comment_names(comment_toks: tuple[str, ...] | None, i: int, reg_toks: Sequence[tuple[str, ...]]) -> bool:
    """The short trailing comment of a definition spells every word of register ``i``'s name, and no
    other register's name has more words in it (``Touch Panel Status`` names ``Status``)."""
    if not comment_toks or len(comment_toks) > COMMENT_NAME_WORDS or not reg_toks[i]:
        return False
    words = set(comment_toks)
    if not set(reg_toks[i]) <= words:
        return False
    return not any(j != i and len(t) > len(reg_toks[i]) and set(t) <= words for j, t in enumerate(reg_toks))


def link_registers(datasheet: Datasheet, files: Sequence[CodeFile], parts: Iterable[str] = (),
                   others: Sequence[CodeFile] = (),
                   range_members: Mapping[tuple[str | None, str], str] | None = None,
                   comments: Mapping[tuple[str, int], str] | None = None) -> list[Link]:
    """Register links in the candidate ``files``; ``others`` (the rest of the repository) only lend
    helper macros (``symbol_infos``); ``range_members``: (peripheral, name) → row name of the registers a
    range row was expanded into (``mapping.ranges``); ``comments``: (file, line) → the trailing comment
    of a definition (``trailing_comments``)."""
    part_toks = part_tokens(parts, files)
    comment_toks = {k: register_tokens(v, part_toks) for k, v in (comments or {}).items()}
    infos = symbol_infos(files, part_toks, others)
    shifted = shifted_address_blocks(files)
    by_value: dict[int, list[SymInfo]] = defaultdict(list)
    by_offset: dict[int, list[SymInfo]] = defaultdict(list)
    for si in infos:
        if si.sym.kind == "field":
            by_offset[si.sym.offset].append(si)
        else:
            by_value[si.sym.int_value].append(si)
    regs0 = datasheet.registers
    overlay = covering_structs(infos, regs0, part_toks)
    for si in encoded_members(infos, regs0, part_toks) + bank_numbered_members(infos, regs0):
        by_value[si.sym.int_value].append(si)
    # overlay structs the code instantiates at a base address (USART1 → USART_TypeDef at 0x40011000)
    instance_types: dict[int, set[str]] = defaultdict(set)
    for f in files:
        for s in f.symbols:
            if s.role == "instance" and s.type and s.int_value is not None:
                instance_types[s.int_value].add(s.type)
    bases = {}
    for p in datasheet.peripherals:
        b = parse_int(p.base_address)
        if b is not None:
            bases[p.name.lower()] = b

    regs = datasheet.registers
    reg_toks = [register_tokens(r.name, part_toks) for r in regs]
    # a datasheet without peripherals whose register names share one prefix (``I2C_CR1``,
    # ``I2C_SR1`` ...) describes one peripheral's offsets: the prefix names it
    named_periph = name_peripheral(regs) if not bases else {}
    for i, p in named_periph.items():
        reg_toks[i] = register_tokens(peripheral_stem(regs[i].name)[len(p) + 1:], part_toks) or reg_toks[i]
    # a register printed under two names (``Power Management 1 (PWR_MGMT_1)``, ``CTRL1/CTRL_REG1``)
    # answers to each of them
    reg_alts = [[t] + [a for a in alternative_names(regs[i].name, part_toks) if a != t] for i, t in enumerate(reg_toks)]
    per_name_seen: dict[tuple[int, str], float] = {}
    # what each register is called by meaning (names, a long-name description, a single field)
    reg_meaning = [meaning_keys(r, reg_alts[i], part_toks) for i, r in enumerate(regs)]
    by_meaning: list[_Cand] = []

    space_words = _space_words(regs)
    primary: list[_Cand] = []
    address_only: list[_Cand] = []
    for i, r in enumerate(regs):
        rjoin = "".join(reg_toks[i])
        reg_counts = any(q in "".join(alt) for alt in reg_alts[i] for q in QUANTITY_WORDS)  # also glued: FIFO_COUNTH
        for value, ev in register_addresses(r, bases):
            if ev == "offset":
                # an offset inside the peripheral: overlay-struct fields, and offset macros
                # (``#define UART_LCR 0x0c``) when their names agree — small numbers collide with
                # every bit constant, so these never come from a family fill
                pool = list(by_offset.get(value, ())) + list(by_value.get(value, ()))
            else:
                pool = list(by_value.get(value, ()))
                if r.address_kind == "offset" or i in named_periph:
                    pool += by_offset.get(value, ())
                elif overlay:
                    pool += [si for si in by_offset.get(value, ()) if (si.file, si.sym.parent) in overlay]
            for si in pool:
                if si.sym.role in ("base", "instance") or (si.sym.role == "bit" and not register_named(si.sym)
                                                           and (si.file, si.sym.name) not in shifted
                                                           and not _mask_named_register(si.sym, r.name)):
                    continue  # a bit position or mask, or a peripheral's base: not one register
                if si.spaces is not None and r.peripheral not in si.spaces:
                    continue  # a decoded member addresses its own bank or block only
                if space_words and _names_other_space(si.sym.name, r.peripheral, space_words):
                    continue  # ``MAG_REG_WHO_AM_I`` is the magnetometer's, not the main chip's WHO_AM_I
                if not reg_counts and si.sym.kind != "field" and any(
                        t in QUANTITY_WORDS and t not in part_toks for t in split_identifier(si.sym.name)):
                    continue  # ``…_LEN_P_AND_T_HEADER_DATA 7``: a byte count beside a DATA register
                if si.sym.kind == "field" and (si.file, si.sym.parent) in overlay:
                    pass  # the struct laid over this very register map (``covering_structs``)
                elif si.sym.kind == "field":
                    if ev != "offset" and r.address_kind != "offset" and i not in named_periph:
                        continue
                    # the field's struct must be the one laid over this peripheral: instantiated at its
                    # base, or (no instance macro seen) named after it
                    base = bases.get((r.peripheral or "").lower())
                    types = instance_types.get(base, set()) if base is not None else set()
                    if types and si.sym.parent not in types:
                        continue
                    if not types and not _names_peripheral_text(si.sym.parent or "",
                                                                 r.peripheral or named_periph.get(i)):
                        continue
                sim, how = max((name_similarity(t, si.salient, si.weights) for t in reg_alts[i]),
                               key=lambda x: x[0])
                if sim < STRONG_NAME and si.sym.kind != "field" and si.sym.role != "bit" and ev != "offset" \
                        and _comment_names(comment_toks.get((si.file, si.sym.start_line)), i, reg_toks):
                    # a name unlike the datasheet's (``GTP_REG_VERSION``) whose comment gives the
                    # register's printed name (``/* Product ID */``) at its address
                    sim, how = STRONG_NAME, "comment"
                if ev == "offset" and si.sym.kind != "field" and not _names_peripheral(si, r.peripheral):
                    continue  # an offset macro must name its peripheral (UART_IER, not DESC_INTERFACE)
                if sim < STRONG_NAME and len(rjoin) >= 2 and r.peripheral and ev != "offset":
                    # vendor headers glue the instance to the register name (AD0DR1 = ADC0 + DR1,
                    # U0LCR, FIO0DIR): a symbol that ends with the register's name agrees
                    sjoin = "".join(si.salient)
                    if sjoin.endswith(rjoin) and len(sjoin) - len(rjoin) <= 6:
                        sim, how = max(sim, 0.8), "suffix"
                decimal = si.sym.kind != "field" and bool(_DECIMAL.match(si.sym.value or ""))
                if sim < STRONG_NAME and not decimal and ev != "offset" \
                        and (si.sym.kind != "field" or (si.file, si.sym.parent) in overlay):
                    # a name by meaning (``SECONDS`` for RTCSEC) at the register's address: kept
                    # apart, taken only for a register no name links (below); the file's family
                    # words and a bank token (``B1_``) say nothing of the meaning
                    content = tuple(t for t, w in zip(si.salient, si.weights)
                                    if w >= 0.5 and not _BANK_TOKEN.fullmatch(t)) or si.salient
                    if any(meaning_match(k, content) for k in reg_meaning[i]):
                        by_meaning.append(_Cand(i, si, MEANING_SIM, "meaning", [ev, "meaning"], words=content))
                if si.sym.kind == "field" or ev == "offset":
                    if sim < 0.8:
                        continue
                    ev_list = ["offset", "name"]
                else:
                    ev_list = [ev, "abbrev" if how == "abbrev" else "name" if sim >= STRONG_NAME else "partial-name"]
                if si.instance is not None and sim < STRONG_NAME:
                    continue  # an instance of a per-instance macro is told apart by its name only
                if si.number is not None and tuple(split_identifier(r.name)[-1:]) != (si.number,):
                    continue  # a numbered run names registers that end with the number (``Tolerance 1``,
                    # not ``SLV0_ADDR``, whose number says which block of registers it is in)
                key = (i, si.sym.name + "@" + si.file)
                if per_name_seen.get(key, -1) >= sim:
                    continue
                per_name_seen[key] = sim
                cand = _Cand(i, si, sim, how, ev_list)
                # decimal constants are counts and delays far more often than addresses: a weak
                # name on one is only an address-only candidate (a decimal register block may take it)
                (primary if sim >= MIN_NAME and not (decimal and sim < STRONG_NAME) else address_only).append(cand)

    # family strength: registers a family carries with a convincing name
    fam_regs: dict[str, set[int]] = defaultdict(set)
    for c in primary:
        if c.sim >= STRONG_NAME:
            fam_regs[c.info.family].add(c.reg_idx)
    _sub_families_joined(infos, fam_regs)
    # a small family (a 2-4 member register enum) cannot show FAMILY_SUPPORT others: all its other
    # members strongly named is support enough
    fam_size = Counter(si.family for si in infos if si.sym.kind != "field" and si.instance is None)
    supported = []
    for c in primary:
        support = len(fam_regs.get(c.info.family, set()) - {c.reg_idx})
        need = FAMILY_SUPPORT if c.info.instance is not None else min(FAMILY_SUPPORT, max(1, fam_size[c.info.family] - 1))
        if c.sim < STRONG_NAME and support < need:
            continue
        c.score = round(min(0.99, 0.5 + 0.4 * c.sim + 0.02 * min(support, 5)), 4)
        if c.sim < WEAK_NAME:
            address_only.append(c)  # one shared word (``ACCEL_INTEL_MODE`` / ``ACCEL_ZOUT_L``) is no name
            continue
        supported.append(c)
    primary = supported

    # name-only rivals: a symbol that spells another register's name is not an address-only link
    same_periph: dict[str | None, list[int]] = defaultdict(list)
    for j, r in enumerate(regs):
        same_periph[r.peripheral].append(j)

    def best_other(c: _Cand) -> float:
        """How well the symbol's name spells another register of its peripheral, one not linked in its
        file yet (a block prefix ``CONF_`` that abbreviates an already linked ``Config`` is no rival)."""
        best = 0.0
        for j in same_periph[regs[c.reg_idx].peripheral]:
            if j != c.reg_idx and (j, c.info.file) not in taken_rf:
                best = max([best] + [name_similarity(t, c.info.salient, c.info.weights)[0] for t in reg_alts[j]])
                if best >= 0.6:
                    break
        return best

    chosen: list[_Cand] = []
    taken_rf: set[tuple[int, str]] = set()
    taken_sym: set[tuple[str, str, int, str | None]] = set()

    def take(cands: list[_Cand]) -> None:
        # a register named alike by a symbol valued at its address and by one whose value only encodes
        # it, in one file (``WRITECommand_CTRL_REG1 = 0x20``, ``READCommand_CTRL_REG1 = 0xA0``): the first
        plain = {(c.reg_idx, c.info.file, c.sim) for c in cands if not c.info.decoded}
        cands = [c for c in cands if not (c.info.decoded and (c.reg_idx, c.info.file, c.sim) in plain)]
        for c in sorted(cands, key=lambda c: (c.rank, -c.score, -c.sim, c.info.file, c.info.sym.start_line, c.info.sym.name)):
            rf = (c.reg_idx, c.info.file)
            # a struct field serves every instance of its peripheral kind (ADC_TypeDef.SR for
            # ADC1, ADC2, ADC3), and one register per element of a struct array; a macro carries one register
            sk = (c.info.file, c.info.sym.name, c.info.sym.start_line,
                  (regs[c.reg_idx].peripheral, c.info.instance) if c.info.sym.kind == "field" else c.info.instance)
            if rf in taken_rf or sk in taken_sym:
                continue
            taken_rf.add(rf)
            taken_sym.add(sk)
            chosen.append(c)

    take(primary)
    if _rank_rivals(primary, chosen, regs):
        chosen.clear()
        taken_rf.clear()
        taken_sym.clear()
        take(primary)
    fam_links: Counter[str] = Counter(c.info.family for c in chosen)
    # the block of lines the family's links occupy: address-only members must sit inside it
    span: dict[str, tuple[int, int]] = {}
    for c in chosen:
        lo, hi = span.get(c.info.family, (c.info.sym.start_line, c.info.sym.start_line))
        span[c.info.family] = (min(lo, c.info.sym.start_line), max(hi, c.info.sym.start_line))
    # the register marker of a family: generic words (``reg``, ``addr``) that nearly all its linked
    # names carry (``BMI160_..._ADDR``); an address-only member must carry them too, so the value
    # macros that share the family's prefix (``..._ODR_100HZ``) stay out
    marker: dict[str, set[str]] = {}
    for fam in fam_links:
        words = Counter(t for c in chosen if c.info.family == fam
                        for t in set(split_identifier(c.info.sym.name)) if t in GENERIC)
        marker[fam] = {t for t, n in words.items() if n >= 0.8 * fam_links[fam]}
    suffix = _suffix_markers(chosen, regs, fam_links, marker)
    # a family's definitions in line order: an address-only member must stand in a run of
    # register definitions (a linked neighbour at a nearby address), not among bit values
    chosen_at = {(c.info.file, c.info.sym.start_line, c.info.sym.name): parse_int(regs[c.reg_idx].address)
                 for c in chosen}
    order: dict[str, list[SymInfo]] = defaultdict(list)
    for si in infos:
        if si.family in fam_links and si.sym.kind != "field" and si.instance is None \
                and marker[si.family] <= set(split_identifier(si.sym.name)) \
                and suffix.get(si.family) in (None, split_identifier(si.sym.name)[-1:][0]):
            order[si.family].append(si)  # the block: members that carry the family's register marker
    position: dict[tuple[str, int, str], tuple[str, int]] = {}
    for fam, members in order.items():
        members.sort(key=lambda si: (si.sym.start_line, si.sym.name))
        for k, si in enumerate(members):
            position[(si.file, si.sym.start_line, si.sym.name)] = (fam, k)

    # values that are some register's address: a definition valued at none of them (a page-select
    # alias ``MEM_PAGE_ADDR 0xf3`` in a block of 0x7x registers) does not break a run of registers
    reg_values = {v for v in (parse_int(r.address) for r in regs) if v is not None}

    def in_register_run(c: _Cand) -> bool:
        """The candidate's value lies between its neighbours', a linked member is within two
        definitions, and the values from it to the candidate increase in line order by at most
        ``RUN_GAP`` a step (a register block, not bit values). Neighbours valued at no register's
        address are passed over."""
        pos = position.get((c.info.file, c.info.sym.start_line, c.info.sym.name))
        if pos is None:
            return False  # not a member of its family's register block
        fam, k = pos
        members = [m for j, m in enumerate(order[fam]) if j == k or m.sym.int_value in reg_values
                   or chosen_at.get((m.file, m.sym.start_line, m.sym.name)) is not None]
        me = (c.info.file, c.info.sym.start_line, c.info.sym.name)
        k = next(j for j, m in enumerate(members) if (m.file, m.sym.start_line, m.sym.name) == me)
        v = c.info.sym.int_value or 0
        if v >= MMIO_MIN:
            return True  # a memory-mapped address is no bit value or count: no run needed
        # inside a block, the candidate lies between its two neighbours (a bit value breaks the order)
        if 0 < k < len(members) - 1:
            prev_v, next_v = members[k - 1].sym.int_value or 0, members[k + 1].sym.int_value or 0
            # (the last register of a block followed by a constant that drops back is the run's end)
            end_of_run = next_v < prev_v and 0 < v - prev_v <= 2
            if not (prev_v < v < next_v or end_of_run):
                return False
        for j in (k - 1, k + 1, k - 2, k + 2):
            if not 0 <= j < len(members):
                continue
            nb = members[j]
            if chosen_at.get((nb.file, nb.sym.start_line, nb.sym.name)) is None:
                continue
            run = [m.sym.int_value or 0 for m in members[min(j, k):max(j, k) + 1]]
            if all(0 < b - a <= RUN_GAP for a, b in zip(run, run[1:])):
                return True
        return False

    # family members whose names do not say which register they are, in rounds: a member next
    # to one linked in the previous round is in the run too
    # a family that writes its linked register addresses in decimal (``#define X_STATUS 1``) is a
    # decimal register block: its decimal members may be filled like any other
    dec_links = Counter(c.info.family for c in chosen if _DECIMAL.match(c.info.sym.value or "")
                        or (c.info.sym.value or "").strip("() ") == "0")
    decimal_fam = {f for f, n in dec_links.items() if n >= FAMILY_MIN_LINKS and n * 2 >= fam_links[f]}
    spaced = any(r.peripheral for r in regs)
    for _round in range(8):
        fill = []
        near = _neighbour_spaces(chosen, regs) if spaced else None
        for c in address_only:
            fam = c.info.family
            # a family too small to show FAMILY_MIN_LINKS links (a 3-macro block) whose every other
            # member links is support enough for its last one
            whole = FAMILY_SUPPORT <= fam_links[fam] == fam_size[fam] - 1
            if (fam_links[fam] < FAMILY_MIN_LINKS and not whole) or c.info.sym.kind == "field" \
                    or (_DECIMAL.match(c.info.sym.value or "") and fam not in decimal_fam):
                continue
            if near is not None and not _space_fits(c, near, regs):
                continue  # an unnamed member belongs to the bank or device of the links around it
            marked = marker[fam] <= set(split_identifier(c.info.sym.name))
            if c.sim >= MIN_NAME:
                # a weak name match: the family's register marker on it (``..._REG_RAW_ACCEL``), or
                # a place in a run of register definitions
                if not ((marker[fam] and marked) or in_register_run(c)):
                    continue
                fill.append(c)
                continue
            # the container says every member is a register (an enum ``Register``, ``Register('NAME',
            # 0x..)`` descriptors): no run of definitions is needed to tell it from a bit value
            if not marked or not (register_container(c.info.sym) or in_register_run(c)):
                continue
            lo, hi = span[fam]
            if best_other(c) >= 0.6 or ((c.info.sym.int_value or 0) >= MMIO_MIN
                                        and not lo < c.info.sym.start_line < hi):
                continue  # (small values are held to their run of register definitions instead)
            c.evidence = [c.evidence[0], "family"]
            c.score = round(0.45 + 0.02 * min(fam_links[fam], 5), 4)
            fill.append(c)
        n = len(chosen)
        take(fill)
        if len(chosen) == n:
            break
        for c in chosen[n:]:
            chosen_at[(c.info.file, c.info.sym.start_line, c.info.sym.name)] = parse_int(regs[c.reg_idx].address)

    take(_unordered_block_fill(address_only, {f: m for f, m in order.items() if marker.get(f)}, position, fam_links,
                               chosen_at, taken_rf, decimal_fam))
    in_range = {i for i, r in enumerate(regs) if (r.peripheral, r.name) in (range_members or {})}
    first: dict[str, int] = {}  # each range row's member at its lowest address
    for i in sorted(in_range, key=lambda i: parse_int(regs[i].address) or 0, reverse=True):
        first[range_members[(regs[i].peripheral, regs[i].name)]] = i
    take(_range_fill(address_only, infos, fam_links, chosen_at, taken_rf, in_range, set(first.values()), marker))
    take(_descriptor_fill(infos, regs, chosen))
    take(_address_table_fill(infos, regs, chosen))
    # last: names by meaning, for registers nothing else links (they lend no family support)
    take(_meaning_fill(by_meaning, chosen, regs, reg_meaning))

    chosen = _prefer_closest_name(_prefer_space_files(_twin_block_dropped(chosen, infos), regs))
    links = []
    for c in chosen:
        r = regs[c.reg_idx]
        s = c.info.sym
        name = f"{s.parent}.{s.name}" if s.kind == "field" and s.parent else s.name
        links.append(Link(register=r.name, peripheral=r.peripheral, symbol=name, file=c.info.file,
                          line=s.start_line, score=c.score, evidence=c.evidence, kind=s.kind, address=r.address,
                          section_id=r.section_id))
    links.sort(key=lambda lk: (lk.peripheral or "", parse_int(lk.address) or 0, lk.register, lk.file, lk.line))
    return links


def _suffix_markers(chosen: Sequence[_Cand], regs: Sequence[Register], fam_links: Mapping[str, int],
                    marker: Mapping[str, set[str]]) -> dict[str, str]:
    """family → the last word its linked names add beyond the register's name (``SYS_CFG_ID``,
    ``RX_FWTO_ID``: ``id``), where the family has no generic register marker and at least 80% of its links
    (``FAMILY_MIN_LINKS`` or more) end so: its register block is the definitions ending in that word, not
    the sub-register offsets, lengths and masks defined between them."""
    ends: dict[str, Counter[str]] = defaultdict(Counter)
    for c in chosen:
        words = split_identifier(c.info.sym.name)
        if words and len(words) > len(split_identifier(regs[c.reg_idx].name)):
            ends[c.info.family][words[-1]] += 1
    out: dict[str, str] = {}
    for fam, counts in ends.items():
        if marker.get(fam) or not counts:
            continue
        word, n = counts.most_common(1)[0]
        if n >= FAMILY_MIN_LINKS and n >= 0.8 * fam_links[fam] and word not in GENERIC:
            out[fam] = word
    return out


def _sub_families_joined(infos: Sequence[SymInfo], fam_regs: Mapping[str, set[int]]) -> None:
    """A macro family that links nothing by name and whose prefix is a linked family's plus one word
    (``CHIP_LDO`` beside ``CHIP``, the word repeated so often that it became part of the prefix) is a
    sub-block of that family's register block: the regulators the datasheet numbers ``REG4``-``REG7``
    that the code calls ``LDO1``-``LDO4``. Its members join the linked family (in place), so its
    support and its runs of register definitions count for them."""
    strong = {f for f, rs in fam_regs.items() if len(rs) >= FAMILY_MIN_LINKS}
    for si in infos:
        if si.family in fam_regs or si.sym.kind != "macro" or si.sym.parent:
            continue
        parent = si.family.rsplit("_", 1)[0]
        if parent != si.family and parent in strong and "::" in parent:
            si.family = parent


def _twin_block_dropped(chosen: list[_Cand], infos: Sequence[SymInfo]) -> list[_Cand]:
    """The same register block defined twice under the same names, in two files, with other values
    (byte offsets ``SPI_FIFO 0x04`` ... in one header, word indices ``SPI_FIFO 0x01`` ... in another):
    a register linked by one name in both is linked where the block sits at the datasheet's
    addresses. The copy's link goes when its family links that register only while the other's
    links ``FAMILY_MIN_LINKS`` or more, and the two families share three more names."""
    fam_links = Counter(c.info.family for c in chosen)
    names: dict[str, set[str]] = defaultdict(set)
    for si in infos:
        if si.family in fam_links:
            names[si.family].add(si.sym.name)
    by_key: dict[tuple[int, str], list[_Cand]] = defaultdict(list)
    for c in chosen:
        by_key[(c.reg_idx, c.info.sym.name)].append(c)
    drop: set[int] = set()
    for group in by_key.values():
        if len({c.info.file for c in group}) < 2:
            continue
        best = max(group, key=lambda c: (fam_links[c.info.family], c.info.file))
        if fam_links[best.info.family] < FAMILY_MIN_LINKS:
            continue
        for c in group:
            if c is not best and c.info.file != best.info.file and fam_links[c.info.family] == 1 \
                    and len((names[c.info.family] & names[best.info.family]) - {c.info.sym.name}) >= 3:
                drop.add(id(c))
    return [c for c in chosen if id(c) not in drop]


def _meaning_fill(by_meaning: Sequence[_Cand], chosen: Sequence[_Cand], regs: Sequence[Register],
                  reg_meaning: Sequence[Sequence[tuple[str, ...]]]) -> list[_Cand]:
    """Names by meaning (``names.meaning_match``) for registers that no symbol names: the address
    is the deciding evidence, so only a symbol valued at the register's address (or at its
    family's fitted encoding) is a candidate, only in a file that already carries name links, only
    one per register (in the file with the most links), and never one whose words, in the shared
    vocabulary, say another register of its peripheral better (``IRQ_STATE`` is INT_STAT, not STAT)."""
    linked = {c.reg_idx for c in chosen}
    per_file = Counter(c.info.file for c in chosen)

    def fit(j: int, words: tuple[str, ...]) -> float:
        w = meaning_tokens(words)
        return max((name_similarity(meaning_tokens(k), w)[0] for k in reg_meaning[j] if meaning_tokens(k)),
                   default=0.0)

    best: dict[int, _Cand] = {}
    for c in sorted(by_meaning, key=lambda c: (-per_file[c.info.file], c.info.file, c.info.sym.start_line,
                                               c.info.sym.name)):
        if c.reg_idx in linked or c.reg_idx in best or not per_file[c.info.file]:
            continue
        mine = fit(c.reg_idx, c.words)
        periph = regs[c.reg_idx].peripheral
        if any(fit(j, c.words) > mine for j, r in enumerate(regs) if j != c.reg_idx and r.peripheral == periph):
            continue
        c.score = round(0.5 + 0.4 * c.sim, 4)
        best[c.reg_idx] = c
    return list(best.values())


def _space_words(regs: Sequence[Register]) -> dict[str, set[str]]:
    """Per space (bank, device) of a datasheet with several, the words only its name carries
    (``magnetometer`` of ``AK09916 magnetometer (aux I2C 0x0C)``; ``user``/``bank`` of four banks
    tell none apart)."""
    spaces = {r.peripheral for r in regs if r.peripheral}
    if len(spaces) < 2:
        return {}
    words = {sp: {w for w in re.findall(r"[a-z]{5,}", sp.lower())} for sp in spaces}
    seen = Counter(w for ws in words.values() for w in ws)
    return {sp: {w for w in ws if seen[w] == 1} for sp, ws in words.items()}


def _names_other_space(name: str, space: str | None, space_words: Mapping[str, set[str]]) -> bool:
    """The symbol's name abbreviates a word only another space's name carries (``MAG`` of
    ``magnetometer``, ``ACCEL`` of ``accelerometer``) and none of the register's own space."""
    toks = [t for t in split_identifier(name) if len(t) >= 3 and t.isalpha()]

    def names(sp: str) -> bool:
        return any(w.startswith(t) for t in toks for w in space_words.get(sp, ()))

    return not names(space or "") and any(names(sp) for sp in space_words if sp != space)


def _neighbour_spaces(chosen: Sequence[_Cand], regs: Sequence[Register]) -> dict[str, list[tuple[int, str | None]]]:
    """Per file, the linked definitions in line order with the space (bank, device) of their register."""
    out: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for c in chosen:
        if c.info.sym.kind != "field":
            out[c.info.file].append((c.info.sym.start_line, regs[c.reg_idx].peripheral))
    for v in out.values():
        v.sort(key=lambda x: x[0])
    return out


def _around(c: _Cand, near: Mapping[str, list[tuple[int, str | None]]]) -> set[str | None]:
    """Spaces of the nearest linked definitions before and after the candidate's line (itself apart)."""
    line = c.info.sym.start_line
    rows = near.get(c.info.file, ())
    before = [p for ln, p in rows if ln < line]
    after = [p for ln, p in rows if ln > line]
    return {x[0] for x in (before[-1:], after[:1]) if x}


def _space_fits(c: _Cand, near: Mapping[str, list[tuple[int, str | None]]], regs: Sequence[Register]) -> bool:
    """A datasheet with banks or devices (``space``): a definition named for no register belongs to the
    space of the linked definitions around it (``..._DMP_INT_STATUS`` among bank-0 registers is no
    bank-1 ``YA_OFFS_L`` of the same value)."""
    spaces = _around(c, near)
    return not spaces or regs[c.reg_idx].peripheral in spaces


NAME_MARGIN = 0.2  # how much better a name must be than its rivals' to outweigh where its neighbours point


def _rank_rivals(primary: Sequence[_Cand], chosen: Sequence[_Cand], regs: Sequence[Register]) -> bool:
    """Where one file spells a register more than once, rank the spellings (True when any was ranked):
    with banks or devices, the one whose neighbouring links lie in another space loses
    (``AGB0_REG_TEMP_CONFIG`` in a bank-0 block, ``AGB2_REG_TEMP_CONFIG`` in the bank-2 block); then
    one spelt exactly as the register (``REG_BANK_SEL``) beats prefixed copies (``AGB1_REG_REG_BANK_SEL``)."""
    groups: dict[tuple[int, str], list[_Cand]] = defaultdict(list)
    for c in primary:
        groups[(c.reg_idx, c.info.file)].append(c)
    groups = {k: g for k, g in groups.items() if len(g) > 1}
    if not groups:
        return False
    spaced = any(r.peripheral for r in regs)
    near = _neighbour_spaces(chosen, regs) if spaced else {}
    changed = False
    for (i, _f), g in groups.items():
        if spaced:
            fits = [c for c in g if _space_fits(c, near, regs)]
            if fits and len(fits) < len(g):
                # (only where the names do not decide: a spelling named clearly better than every fitting
                # one keeps its rank, as in a table whose read and write registers alternate line by line)
                best_fit = max(c.sim for c in fits)
                for c in g:
                    if c not in fits and c.sim < best_fit + NAME_MARGIN:
                        c.rank, changed = 1, True
        exact = [c for c in g if c.rank == 0 and c.info.sym.name.lower() == regs[i].name.lower()
                 and c.sim >= STRONG_NAME]
        if len(exact) == 1:
            for c in g:
                if c is not exact[0] and c.rank == 0:
                    c.rank, changed = 1, True
    return changed


_SPACE_PART = re.compile(r"[a-z]{1,6}\d{3,}[a-z0-9]*")


def _prefer_space_files(chosen: list[_Cand], regs: Sequence[Register]) -> list[_Cand]:
    """A register linked in several files whose space names a part (``AK09916 magnetometer``) keeps
    the links in the files named for that part (``AK09916_REGISTERS.h``) and drops the copies
    elsewhere (``M_REG_HXL`` in the main chip's register enum)."""
    by_reg: dict[int, list[_Cand]] = defaultdict(list)
    for c in chosen:
        by_reg[c.reg_idx].append(c)
    drop: set[int] = set()
    for i, cs in by_reg.items():
        words = _SPACE_PART.findall((regs[i].peripheral or "").lower())
        if not words or len({c.info.file for c in cs}) < 2:
            continue
        named = [c for c in cs if any(w in c.info.file.lower() for w in words)]
        if named and len(named) < len(cs):
            drop.update(id(c) for c in cs if c not in named)
    return [c for c in chosen if id(c) not in drop]


def _prefer_closest_name(chosen: list[_Cand]) -> list[_Cand]:
    """A register linked in several files by its name keeps the file whose symbol spells it fully
    (``REG_PORT_1_STATUS_0`` for ``Port 1 Status 0``) and drops a copy elsewhere that spells it only
    in part (``CHIP_PORT_STATUS_0``, the same address without the port): of two definitions at one
    address, the one that misses a word of the register's name is another register's spelling."""
    by_reg: dict[int, list[_Cand]] = defaultdict(list)
    for c in chosen:
        by_reg[c.reg_idx].append(c)
    drop: set[int] = set()
    for cs in by_reg.values():
        if len({c.info.file for c in cs}) < 2:
            continue
        best = max(cs, key=lambda c: c.sim)
        if best.sim < 0.95 or "address" not in best.evidence:
            continue
        drop.update(id(c) for c in cs if c.info.file != best.info.file and c.sim <= best.sim - 0.15)
    return [c for c in chosen if id(c) not in drop]


MIN_BLOCK = 3  # consecutive definitions an unordered register block needs


def _unordered_block_fill(address_only: Sequence[_Cand], order: Mapping[str, list[SymInfo]],
                          position: Mapping[tuple[str, int, str], tuple[str, int]], fam_links: Mapping[str, int],
                          chosen_at: Mapping[tuple[str, int, str], int | None], taken_rf: set[tuple[int, str]],
                          decimal_fam: set[str]) -> list[_Cand]:
    """A block of at least ``MIN_BLOCK`` consecutive definitions of a linked family that marks its
    registers with a generic word (``REG``, ``ADDR``: ``order`` holds only the members carrying it)
    whose values are all addresses of registers linked nowhere yet,
    each a different one, in any order: registers named by their role rather than by the
    datasheet (calibration bytes ``..._0RH_CAL_Y_H 0x30``, ``..._0RH_CAL_X_H 0x36``). No member may
    be named as a bit value (``MASK``, ``SHIFT`` …), and a block of single-bit values (0x01, 0x02,
    0x04 …) is taken for bits."""
    by_member: dict[tuple[str, int], list[_Cand]] = defaultdict(list)
    for c in address_only:
        pos = position.get((c.info.file, c.info.sym.start_line, c.info.sym.name))
        if pos is not None and fam_links.get(pos[0], 0) >= FAMILY_MIN_LINKS and c.info.sym.kind != "field":
            by_member[pos].append(c)
    linked = {i for i, _ in taken_rf}
    out: list[_Cand] = []
    for fam, members in order.items():
        k = 0
        while k < len(members):
            j = k
            while j < len(members) and (fam, j) in by_member and \
                    (members[j].file, members[j].sym.start_line, members[j].sym.name) not in chosen_at:
                j += 1
            block = members[k:j]
            k = max(j, k + 1)
            if len(block) < MIN_BLOCK:
                continue
            picks = []
            for m in block:
                cands = [c for c in by_member[position[(m.file, m.sym.start_line, m.sym.name)]]
                         if c.reg_idx not in linked]
                if len({c.reg_idx for c in cands}) != 1 or BIT_WORDS & set(split_identifier(m.sym.name)) \
                        or (_DECIMAL.match(m.sym.value or "") and fam not in decimal_fam):
                    break  # (a decimal constant is a count or a delay, outside a decimal register block)
                picks.append(cands[0])
            else:
                values = [c.info.sym.int_value or 0 for c in picks]
                if len({c.reg_idx for c in picks}) == len(picks) and not all(v & (v - 1) == 0 for v in values):
                    for c in picks:
                        c.evidence = [c.evidence[0], "family-block"]
                        c.score = round(0.45 + 0.02 * min(fam_links[fam], 5), 4)
                    out.extend(picks)
    return out


def _range_fill(address_only: Sequence[_Cand], infos: Sequence[SymInfo], fam_links: Mapping[str, int],
                chosen_at: Mapping[tuple[str, int, str], int | None], taken_rf: set[tuple[int, str]],
                in_range: set[int], starts: set[int] = frozenset(),
                marker: Mapping[str, set[str]] | None = None) -> list[_Cand]:
    """A run of at least ``MIN_BLOCK`` consecutive definitions of a linked family whose values rise
    in line order by one or two (bytes, or words of two bytes) and are each the address of a different
    member of an expanded range row (``calib25...calib00``), none linked yet: code that names the
    block's bytes or words by their meaning (``DIG_T1 0x88``, ``DIG_T2 0x8A``; ``..._T1_LSB``,
    ``..._T1_MSB``: byte-select words are no bit-position words in such a run). The family is a
    linked one, or the run's container is named for registers (an enum ``Register``). A shorter run
    that starts at a row's lowest member, in a linked family whose register marker it carries, gives
    its first definition alone: the block's start, from which code reads it in one burst
    (``_REGISTER_DIG_T1 0x88`` for ``calib25...calib00``)."""
    if not in_range:
        return []
    order: dict[str, list[SymInfo]] = defaultdict(list)
    for si in infos:
        if si.sym.kind != "field" and si.instance is None:
            order[si.family].append(si)
    position: dict[tuple[str, int, str], tuple[str, int]] = {}
    for fam, members in order.items():
        members.sort(key=lambda si: (si.sym.start_line, si.sym.name))
        for k, si in enumerate(members):
            position[(si.file, si.sym.start_line, si.sym.name)] = (fam, k)
    by_member: dict[tuple[str, int], list[_Cand]] = defaultdict(list)
    for c in address_only:
        pos = position.get((c.info.file, c.info.sym.start_line, c.info.sym.name))
        if pos is not None and c.info.sym.kind != "field" and (
                fam_links.get(pos[0], 0) >= FAMILY_MIN_LINKS or register_container(c.info.sym)):
            by_member[pos].append(c)
    linked = {i for i, _ in taken_rf}
    out: list[_Cand] = []
    for fam, members in order.items():
        run: list[_Cand] = []
        for k in range(len(members) + 1):
            m = members[k] if k < len(members) else None
            pick = None
            if m is not None and (m.file, m.sym.start_line, m.sym.name) not in chosen_at:
                cands = [c for c in by_member.get((fam, k), []) if c.reg_idx not in linked]
                if len({c.reg_idx for c in cands}) == 1 and cands[0].reg_idx in in_range:
                    pick = cands[0]
            if pick is not None and (not run or 0 < (pick.info.sym.int_value or 0) - (run[-1].info.sym.int_value or 0) <= 2):
                run.append(pick)
                continue
            if len(run) >= MIN_BLOCK and len({c.reg_idx for c in run}) == len(run):
                for c in run:
                    c.evidence = [c.evidence[0], "range-block"]
                    c.score = round(0.45 + 0.02 * min(fam_links[fam], 5), 4)
                out.extend(run)
            elif run and run[0].reg_idx in starts and fam_links.get(fam, 0) >= FAMILY_MIN_LINKS \
                    and (marker or {}).get(fam) and marker[fam] <= set(split_identifier(run[0].info.sym.name)):
                run[0].evidence = [run[0].evidence[0], "range-start"]
                run[0].score = round(0.45 + 0.02 * min(fam_links[fam], 5), 4)
                out.append(run[0])
            run = [pick] if pick is not None else []
    return out


def _descriptor_fill(infos: Sequence[SymInfo], regs: Sequence[Register], chosen: Sequence[_Cand]) -> list[_Cand]:
    """Registers a descriptor table addresses (``{addr, mask, shift}`` entries named for fields, not
    registers): a table with at least three members per entry, one entry linked by name and most of
    whose distinct addresses are datasheet registers carries each register no other symbol
    carries, at its first entry for that address (a register of one address in the datasheet)."""
    tables: dict[tuple[str, str], list[SymInfo]] = defaultdict(list)
    for si in infos:
        if _descriptor_entry(si.sym) and (si.sym.value or "").count(",") >= 2:
            tables[(si.file, si.sym.parent)].append(si)
    if not tables:
        return []
    at = _register_indexes_by_address(regs)
    linked = {c.reg_idx for c in chosen}
    anchored = {(c.info.file, c.info.sym.parent) for c in chosen if _descriptor_entry(c.info.sym)}
    out = []
    for key, entries in tables.items():
        addrs = {si.sym.int_value for si in entries}
        hits = {a for a in addrs if len(at.get(a, ())) == 1}
        if key not in anchored or len(hits) < 3 or len(hits) < 0.6 * len(addrs):
            continue
        out.extend(_first_entries(entries, hits, at, linked, "descriptor"))
    return out


def _first_entries(entries: Sequence[SymInfo], addrs: Iterable[int], at: dict[int, list[int]],
                   linked: set[int], kind: str) -> list[_Cand]:
    """One candidate per address of a table: the register printed there (one), unless already linked,
    carried by the table's first entry for that address."""
    out = []
    for a in sorted(addrs):
        i = at[a][0]
        if i in linked:
            continue
        first = min((si for si in entries if si.sym.int_value == a), key=lambda si: si.sym.start_line)
        out.append(_Cand(i, first, 0.0, "address", ["address", kind], 0.5))
    return out


def _register_indexes_by_address(regs: Sequence[Register]) -> dict[int, list[int]]:
    """Address → indexes of the datasheet registers printed at it."""
    at: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(regs):
        a = parse_int(r.address)
        if a is not None:
            at[a].append(i)
    return at


def _address_table_fill(infos: Sequence[SymInfo], regs: Sequence[Register], chosen: Sequence[_Cand]) -> list[_Cand]:
    """Registers an address table holds (``u16 cmds[] = { [CMD_START_MEAS] = 0x0010, … }``, constants
    designated by enumerators named for what the code does): a table with at least three entries
    linked by name, whose every value is a datasheet address of one register, and whose registers
    no other symbol carries (a table that repeats registers defined elsewhere is a mix of aliases
    and port offsets), carries each of its registers at its first entry for that address."""
    tables: dict[tuple[str, str], list[SymInfo]] = defaultdict(list)
    for si in infos:
        s = si.sym
        if s.kind == "variable" and s.parent and s.name.startswith(f"{s.parent}[") and s.int_value is not None \
                and not (s.value or "").startswith("{"):
            tables[(si.file, s.parent)].append(si)
    if not tables:
        return []
    at = _register_indexes_by_address(regs)
    named: Counter[tuple[str, str]] = Counter()
    elsewhere: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for c in chosen:
        key = (c.info.file, c.info.sym.parent or "")
        if key in tables and c.info.sym.name.startswith(f"{key[1]}["):
            named[key] += 1
        else:
            elsewhere[c.reg_idx].add(key)
    linked = {c.reg_idx for c in chosen}
    out = []
    for key, entries in tables.items():
        if named[key] < 3 or any(len(at.get(si.sym.int_value, ())) != 1 for si in entries):
            continue
        if any(elsewhere.get(at[si.sym.int_value][0]) for si in entries):
            continue
        out.extend(_first_entries(entries, {si.sym.int_value for si in entries}, at, linked, "table"))
    return out


def link_fields(datasheet: Datasheet, files: Sequence[CodeFile], links: Sequence[Link],
                parts: Iterable[str] = ()) -> list[FieldLink]:
    """Field ↔ bit-macro links inside the files that carry the field's register: a macro whose
    value is the field's mask (in place or right-aligned), its bit (``BIT(n)``) or its shift, and
    whose name (less the register's own words and ``MASK``/``SHIFT``/``POS``) spells the field."""
    part_toks = part_tokens(parts, files)
    by_file = {f.path: f for f in files}
    regs = {(r.peripheral, r.name): r for r in datasheet.registers}
    out: list[FieldLink] = []
    seen: set[tuple[str, str, str, str]] = set()
    # per file: value → [(symbol, name tokens less bit words and part numbers)], built once
    index: dict[str, dict[int, list[tuple[Symbol, tuple[str, ...]]]]] = {}

    def file_index(path: str) -> dict[int, list[tuple[Symbol, tuple[str, ...]]]]:
        if path not in index:
            idx: dict[int, list] = defaultdict(list)
            for s in by_file[path].symbols:
                if s.kind in ("macro", "enumerator") and s.int_value is not None:
                    toks = tuple(t for t in split_identifier(s.name) if t not in BIT_WORDS and t not in GENERIC
                                 and t not in part_toks and not is_part_token(t))
                    idx[s.int_value].append((s, toks))
            index[path] = idx
        return index[path]

    for lk in links:
        r = regs.get((lk.peripheral, lk.register))
        if r is None or not r.fields or lk.file not in by_file:
            continue
        idx = file_index(lk.file)
        rtoks = set(register_tokens(r.name, part_toks))
        for fld in r.fields:
            if fld.name.lower().startswith(("reserved", "resv", "rsvd")):
                continue
            br = bits_range(fld.bits)
            if br is None:
                continue
            hi, lo = br
            width = hi - lo + 1
            if width >= (r.width_bits or 32):
                continue  # a whole-register "field" says nothing
            mask = ((1 << width) - 1) << lo
            ftoks = tuple(t for t in register_tokens(fld.name.split("<")[0], part_toks) if t not in rtoks) \
                or register_tokens(fld.name.split("<")[0], part_toks)
            best = None
            wanted = [(mask, "mask")]
            if width > 1:
                wanted += [((1 << width) - 1, "aligned-mask"), (lo, "shift")]
            fset = set(ftoks)
            fpre = {t[:3] for t in ftoks if len(t) >= 3}
            for value, ev in wanted:
                for s, toks in idx.get(value, ()):
                    stoks = tuple(t for t in toks if t not in rtoks)
                    # cheap gate before the similarity: a shared word or a shared 3-letter start
                    # (bit constants like 0x1 are defined thousands of times in a CMSIS header)
                    if fset.isdisjoint(stoks) and not any(t[:3] in fpre for t in stoks if len(t) >= 3):
                        continue
                    sim, _ = name_similarity(ftoks, stoks)
                    need = 0.6 if ev == "mask" else 0.8
                    if sim < need:
                        continue
                    score = round(min(0.99, 0.45 + 0.5 * sim - (0.05 if ev != "mask" else 0)), 4)
                    key = (score, -abs(s.start_line - lk.line), -s.start_line)
                    if best is None or key > best[0]:
                        best = (key, s, ev, score)
            if best:
                _, s, ev, score = best
                k = (r.peripheral or "", r.name, fld.name, lk.file, s.name)
                if k in seen:
                    continue
                seen.add(k)
                out.append(FieldLink(register=r.name, field=fld.name, bits=fld.bits, symbol=s.name, file=lk.file,
                                     line=s.start_line, score=score, evidence=[ev, "name"], peripheral=r.peripheral))
    return out
