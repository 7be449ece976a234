"""Register constants in languages the code parser does not read: Python, Rust, C# and Go.

``parsers.code`` covers C/C++, assembly, device trees, Kconfig and linker scripts. Driver code
for the same chips is also written as

* Python module or class constants: ``_REG_CTRL = const(0x20)``, ``CHIP_ID_ADDR = 0xD0``, upper-case
  attributes a method sets, ``self.PART_CNTL1 = 0x1B``, and
  descriptor objects named by a string, ``Register('CONTROL', 0x04, fields=...)``;
* Rust: ``pub enum Register { CTRL_REG1_A = 0x20, }`` and ``impl Register { pub const CONTROL: u8 = 0x07; }``
  or module ``const``s;
* C#: ``internal enum Register : byte { Config = 0x00, }`` and ``const byte NAME = 0x12;``;
* Go: ``const ctrl1 = 0x00`` and ``const ( RegCtrl Register = 0x20; RegStatus; ... )`` blocks (a
  constant of a named type is an enumerator of that type; ``iota`` and bare continuation lines
  repeat the block's last expression).

This module reads those definitions with a line scanner (a full grammar is not needed for one
line of ``NAME = literal``) into the same ``Symbol``s the C parser gives: ``enumerator`` (parent =
the enum), ``variable`` (parent = the enclosing class/impl/struct) with ``int_value``. Values are
evaluated by ``parsers.cexpr`` after the language's own literal spellings are made C-like
(``0x1Cu8``, ``0b0011_0010``, ``const(...)``). Pure: text in, ``CodeFile`` out, never raises.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from firmcorpus.parsers.cexpr import evaluate
from firmcorpus.parsers.models import CodeFile, Symbol

CONSTANT_LANGUAGES = {".py": "python", ".pyi": "python", ".rs": "rust", ".cs": "csharp", ".go": "go"}
MAX_LINES = 200_000
MAX_LINE = 2000  # characters

_PY_CONST = re.compile(r"^([ \t]*)([A-Za-z_]\w*)[ \t]*(?::[ \t]*[\w.\[\]]+[ \t]*)?=[ \t]*(?!=)(.+?)[ \t]*(?:#.*)?$")
_PY_DESCRIPTOR = re.compile(r"""\b[A-Za-z_][\w.]*\(\s*(?:name\s*=\s*)?(['"])([A-Za-z_]\w*)\1\s*,\s*"""
                            r"""(?:(?:address|addr|reg|register|offset)\s*=\s*)?(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)\b""")
# a class attribute that is a register accessor object made from the address, ``_config =
# UnaryStruct(0x00, "<B")`` (its first argument a literal or a module constant)
_PY_ATTR_CALL = re.compile(r"^[ \t]+([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Z][\w.]*)\(\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|[A-Za-z_]\w*)"
                           r"\s*[,)]")
# an accessor of bits (``RWBit(0x00, 7)``, ``ROBits(4, 0x02, 0)``) is a field's, not a register's
_BIT_CALL = re.compile(r"Bits?(?![a-z])")
# an upper-case instance attribute set to a value inside a method: ``self.PART_CTRL1 = 0x1B  # doc``
_PY_SELF_CONST = re.compile(r"^[ \t]+self\.([A-Z][A-Z0-9_]*)[ \t]*=[ \t]*(?!=)([^#]+?)[ \t]*(?:#.*)?$")
_PY_CLASS = re.compile(r"^([ \t]*)class[ \t]+([A-Za-z_]\w*)")
# the type may be a raw pointer (``const ADDRESS: *mut u8 = 0x25 as *mut u8;``: a memory-mapped register)
_RS_CONST = re.compile(r"^\s*(?:pub(?:\([\w ]+\))?\s+)?(?:const|static)\s+([A-Za-z_]\w*)\s*:\s*(?:\*\s*(?:mut|const)\s+)?"
                       r"[\w:<>]+\s*=\s*([^;]+);")
_CS_CONST = re.compile(r"^\s*(?:(?:public|private|internal|protected|static|readonly|new)\s+)*const\s+\w+\s+"
                       r"([A-Za-z_]\w*)\s*=\s*([^;]+);")
_ENUM_HEAD = re.compile(r"^\s*(?:(?:pub(?:\([\w ]+\))?|public|private|internal|protected)\s+)*enum\s+([A-Za-z_]\w*)")
_CONTAINER_HEAD = re.compile(r"^\s*(?:(?:pub(?:\([\w ]+\))?|public|private|internal|protected|static|sealed|partial)"
                             r"\s+)*(?:impl(?:<[^>]*>)?|struct|class|mod|namespace)\s+(?:[\w:<>]+\s+for\s+)?([A-Za-z_]\w*)")
_ENUM_MEMBER = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*([^,}]+?)\s*(?:,|\}|$)")
_RS_MOD = re.compile(r"^\s*(?:pub(?:\([\w ]+\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;", re.M)
_PY_FROM = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+([\w, ()*]+)", re.M)
_PY_IMPORT = re.compile(r"^\s*import\s+([\w.]+)", re.M)
# Rust register structs: ``#[repr(C)] struct Regs { cr1: ReadWrite<u32, CR1::Register>, _r: [u8; 4], … }``
# (offset = the sizes of the members before it) and tock's ``register_structs!`` rows
# ``(0x004 => cr2: ReadWrite<u32>),`` (offset written out)
_RS_STRUCT = re.compile(r"^\s*(?:pub(?:\([\w ]+\))?\s+)?struct\s+([A-Za-z_]\w*)\s*\{")
_RS_FIELD = re.compile(r"^\s*(?:pub(?:\([\w ]+\))?\s+)?([A-Za-z_]\w*)\s*:\s*(.+?)\s*,?\s*$")
_RS_ROW = re.compile(r"^\s*\(\s*(0[xX][0-9a-fA-F_]+|\d[\d_]*)\s*=>\s*([A-Za-z_]\w*)\s*:\s*(.+?)\)\s*,?\s*$")
_RS_ROWS_HEAD = re.compile(r"^\s*(?:pub(?:\([\w ]+\))?\s+)?([A-Za-z_]\w*)\s*\{\s*$")
_RS_REG_TYPE = re.compile(r"^(?:[\w:]+::)?(?:ReadWrite|ReadOnly|WriteOnly|Aliased|VolatileCell|Volatile|RW|RO|WO|Reg|"
                          r"InMut|Mmio)\s*<\s*(u8|u16|u32|u64)\b")
_RS_WIDTH = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}
# Go: ``const name [Type] = expr`` on one line, or a ``const (`` block of ``name [Type] [= expr]`` specs
_GO_CONST = re.compile(r"^\s*const\s+([A-Za-z_]\w*)\s*([A-Za-z_][\w.]*)?\s*=\s*(.+?)\s*;?\s*$")
_GO_BLOCK = re.compile(r"^\s*const\s*\(\s*$")
_GO_SPEC = re.compile(r"^\s*([A-Za-z_]\w*)\s*([A-Za-z_][\w.]*)?\s*(?:=\s*(.+?))?\s*;?\s*$")
_GO_BUILTIN = re.compile(r"(?:u?int(?:8|16|32|64)?|uintptr|byte|rune)$")


def _rs_member_size(typ: str) -> tuple[int | None, bool]:
    """(byte size, is a register) of a register-struct member type: ``ReadWrite<u32, …>``,
    ``[ReadOnly<u32>; 4]``, padding ``[u8; 0x10]`` or a bare integer type."""
    t = typ.strip()
    m = re.fullmatch(r"\[\s*(.+?)\s*;\s*(0[xX][0-9a-fA-F_]+|\d[\d_]*)\s*\]", t)
    if m:
        size, reg = _rs_member_size(m.group(1))
        n = int(m.group(2).replace("_", ""), 0)
        return (size * n if size is not None else None), reg
    m = _RS_REG_TYPE.match(t)
    if m:
        return _RS_WIDTH[m.group(1)], True
    return _RS_WIDTH.get(t), False


_RS_SUFFIX = re.compile(r"\b(0[xX][0-9a-fA-F_]+?|0[bB][01_]+?|0[oO][0-7_]+|\d[\d_]*?)(?:_?(?:u8|u16|u32|u64|usize|i8|i16|i32|i64|isize))?\b")


def language_of(path: str) -> str | None:
    """``python``/``rust``/``csharp``/``go`` for a file this module reads, else None."""
    return CONSTANT_LANGUAGES.get(PurePosixPath(path).suffix.lower())


def module_includes(text: str, lang: str) -> list[str]:
    """Files a module names as its own parts (``mod accel;``, ``from .constants import *``),
    written as ``#include`` paths relative to the file, so include resolution finds them."""
    out: list[str] = []
    if lang == "rust":
        for m in _RS_MOD.finditer(text):
            out += [m.group(1) + ".rs", m.group(1) + "/mod.rs"]
    elif lang == "python":
        for m in _PY_FROM.finditer(text):
            dots, mod, names = m.group(1), m.group(2), m.group(3)
            up = "../" * max(0, len(dots) - 1)
            if mod:
                out.append(up + mod.replace(".", "/") + ".py")
            elif dots:
                out += [up + n.strip() + ".py" for n in names.strip("()").split(",") if n.strip().isidentifier()]
        for m in _PY_IMPORT.finditer(text):
            out.append(m.group(1).replace(".", "/") + ".py")
    return list(dict.fromkeys(out))


def _c_like(text: str, lang: str) -> str:
    t = text.strip()
    if lang == "go":
        t = re.sub(r"\b(?:u?int(?:8|16|32|64)?|uintptr|byte|rune)\((.*)\)$", r"\1", t)
    if lang == "python":
        m = re.fullmatch(r"(?:micropython\.)?const\((.*)\)", t)
        if m:
            t = m.group(1)
    if lang == "rust":
        t = re.sub(r"\bas\s+(?:\*\s*(?:mut|const)\s+)?\w+", "", t)
    if lang == "csharp":
        t = re.sub(r"\((?:byte|ushort|uint|int|short|sbyte)\)", "", t)
    t = _RS_SUFFIX.sub(lambda m: m.group(1), t)
    if re.fullmatch(r"0[oO][0-7_]+", t):
        return str(int(t.replace("_", ""), 8))
    return re.sub(r"(?<=[0-9a-fA-F])_(?=[0-9a-fA-F])", "", t)


def _value(text: str, lang: str, known: dict[str, str]) -> int | None:
    t = _c_like(text, lang)
    if not t or len(t) > 200 or t[0] in "\"'[{":
        return None
    try:
        v = evaluate(t, known)
    except Exception:  # noqa: BLE001 - total by contract: any odd text is simply not a constant
        return None
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _go_constants(cf: CodeFile, lines: list[str], known: dict[str, str]) -> None:
    """Go constants: one-line ``const``s and ``const ( ... )`` blocks; in a block, a spec without a
    value repeats the last expression with ``iota`` one higher. A constant of a named (non-integer)
    type is an enumerator whose parent is that type, as for a C enum."""
    in_block = False
    in_comment = False
    iota, last_expr, last_type = 0, None, None
    for no, raw in enumerate(lines, 1):
        line = raw
        if in_comment:
            if "*/" not in line:
                continue
            line, in_comment = line.split("*/", 1)[1], False
        line = re.sub(r"/\*.*?\*/", " ", line)
        if "/*" in line:
            line, in_comment = line.split("/*", 1)[0], True
        code = re.sub(r"//.*", "", line)
        if len(code) > MAX_LINE:
            continue
        if not in_block:
            if _GO_BLOCK.match(code):
                in_block, iota, last_expr, last_type = True, 0, None, None
                continue
            m = _GO_CONST.match(code)
            if m:
                _go_add(cf, known, no, m.group(1), m.group(2), m.group(3), 0)
            continue
        if code.strip().startswith(")"):
            in_block = False
            continue
        m = _GO_SPEC.match(code)
        if not m or m.group(1) in ("const", "var", "type", "func"):
            continue
        if m.group(3) is not None:
            last_expr, last_type = m.group(3), m.group(2)
        elif last_expr is None:
            iota += 1
            continue
        _go_add(cf, known, no, m.group(1), m.group(2) or last_type, last_expr, iota)
        iota += 1


def _go_add(cf: CodeFile, known: dict[str, str], no: int, name: str, typ: str | None, expr: str, iota: int) -> None:
    if name == "_":
        return
    v = _value(re.sub(r"\biota\b", str(iota), expr), "go", known)
    if v is None:
        return
    if "iota" not in expr:
        known[name] = _c_like(expr, "go")
    named = typ is not None and not _GO_BUILTIN.fullmatch(typ)
    cf.symbols.append(Symbol(kind="enumerator" if named else "variable", name=name, start_line=no, end_line=no,
                             value=expr.strip(), int_value=v, parent=typ if named else None))


def parse_constants(path: str, text: str) -> CodeFile:
    """``CodeFile`` of a Python/Rust/C#/Go source with its integer constants, enumerators and
    string-named descriptors. An unknown extension gives an empty file."""
    lang = language_of(path) or "other"
    cf = CodeFile(path=path, language="other", size_bytes=len(text.encode("utf-8", "surrogatepass")))
    if lang == "other":
        return cf
    cf.flags.append(f"language:{lang}")
    cf.includes = module_includes(text, lang)
    known: dict[str, str] = {}
    lines = text.splitlines()[:MAX_LINES]
    # (indent or brace depth where it ends, kind, name)
    stack: list[tuple[int, str, str]] = []
    depth = 0
    in_doc = None
    local: list[Symbol] = []
    # Rust register structs: the struct being read (its brace depth, name, next member offset) and
    # the ``register_structs!`` block (its depth, the struct its rows belong to)
    struct_at: int | None = None
    struct_name, struct_off = "", None
    rows_at: int | None = None
    rows_struct = ""
    if lang == "go":
        _go_constants(cf, lines, known)
        return cf
    for no, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            # minified or generated data: no register constant is written that way (its braces
            # still count for the nesting)
            line = "" if lang == "python" else "".join(ch for ch in line if ch in "{}")
        if lang == "python":
            s = line.strip()
            if in_doc:
                if in_doc in s:
                    in_doc = None
                continue
            for q in ('"""', "'''"):
                if s.startswith(q) and not (len(s) >= 6 and s.endswith(q)):
                    in_doc = q
            if in_doc or not s or s.startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            while stack and indent <= stack[-1][0]:
                stack.pop()
            m = _PY_CLASS.match(line)
            if m:
                stack.append((len(m.group(1)), "class", m.group(2)))
                continue
            if s.startswith(("def ", "async def ")):
                stack.append((indent, "def", ""))
                continue
            in_def = any(k == "def" for _, k, _ in stack)
            for d in _PY_DESCRIPTOR.finditer(line):
                v = _value(d.group(3), lang, known)
                if v is not None:
                    # descriptors built inside a method (a device object made in ``__init__``)
                    # count only where the file has none at module or class level
                    (local if in_def else cf.symbols).append(Symbol(
                        kind="variable", name=d.group(2), start_line=no, end_line=no, value=d.group(3), int_value=v,
                        parent=next((n for _, k, n in reversed(stack) if k == "class"), None), type="descriptor"))
            if in_def:
                # a class whose method sets upper-case attributes to numbers (``self.PART_CTRL1 =
                # 0x1B`` in ``__init__``) is a namespace of constants, like class-level ones
                m = _PY_SELF_CONST.match(line)
                cls = next((n for _, k, n in reversed(stack) if k == "class"), None)
                if m and cls is not None:
                    v = _value(m.group(2), lang, known)
                    if v is not None:
                        cf.symbols.append(Symbol(kind="variable", name=m.group(1), start_line=no, end_line=no,
                                                 value=m.group(2).strip(), int_value=v, parent=cls))
                continue
            m = _PY_ATTR_CALL.match(line)
            if m and stack and stack[-1][1] == "class" and not _PY_DESCRIPTOR.search(line) \
                    and not _BIT_CALL.search(m.group(2).rsplit(".", 1)[-1]):
                v = _value(m.group(3), lang, known) if m.group(3)[0].isdigit() else (
                    _value(known[m.group(3)], lang, known) if m.group(3) in known else None)
                if v is not None:
                    cf.symbols.append(Symbol(kind="variable", name=m.group(1), start_line=no, end_line=no,
                                             value=m.group(3), int_value=v, parent=stack[-1][2], type="descriptor"))
                continue
            m = _PY_CONST.match(line)
            if m and "(" not in m.group(2):
                v = _value(m.group(3), lang, known)
                if v is not None:
                    known[m.group(2)] = _c_like(m.group(3), lang)
                    cf.symbols.append(Symbol(kind="variable", name=m.group(2), start_line=no, end_line=no,
                                             value=m.group(3).strip(), int_value=v,
                                             parent=stack[-1][2] if stack else None))
            continue
        # Rust and C#: braces give the nesting
        code = re.sub(r"//.*", "", line)
        if lang == "rust":
            if "register_structs!" in code:
                rows_at = depth
            if rows_at is not None and depth <= rows_at and "register_structs!" not in code:
                rows_at = None
            rm = _RS_ROW.match(code) if rows_at is not None else None
            hm = _RS_ROWS_HEAD.match(code) if rows_at is not None else None
            if hm and hm.group(1) not in ("pub", "register_structs"):
                rows_struct = hm.group(1)
            if rm and rows_struct:
                size, reg = _rs_member_size(rm.group(3))
                if reg and not rm.group(2).startswith("_"):
                    cf.symbols.append(Symbol(kind="field", name=rm.group(2), start_line=no, end_line=no,
                                             parent=rows_struct, offset=int(rm.group(1).replace("_", ""), 0),
                                             size=size, type=rm.group(3).strip(), role="register"))
                continue
            sm = _RS_STRUCT.match(code)
            if sm and "}" not in code:
                struct_at, struct_name, struct_off = depth, sm.group(1), 0
            elif struct_at is not None and depth == struct_at + 1:
                fm = _RS_FIELD.match(code)
                if fm and struct_off is not None and not code.strip().startswith(("#", "}")):
                    size, reg = _rs_member_size(fm.group(2))
                    if reg and not fm.group(1).startswith("_"):
                        cf.symbols.append(Symbol(kind="field", name=fm.group(1), start_line=no, end_line=no,
                                                 parent=struct_name, offset=struct_off, size=size,
                                                 type=fm.group(2).strip().rstrip(","), role="register"))
                    struct_off = struct_off + size if size is not None else None
        m = _ENUM_HEAD.match(code)
        head = None
        if m:
            head = ("enum", m.group(1))
        else:
            m = _CONTAINER_HEAD.match(code)
            if m:
                head = ("container", m.group(1))
        if head:
            stack.append((depth, head[0], head[1]))
        enum = next((n for d, k, n in reversed(stack) if k == "enum" and depth == d + 1), None)
        if enum is not None and not m:
            for part in code.split(","):
                em = _ENUM_MEMBER.match(part)
                if em:
                    v = _value(em.group(2), lang, known)
                    if v is not None:
                        cf.symbols.append(Symbol(kind="enumerator", name=em.group(1), start_line=no, end_line=no,
                                                 value=em.group(2).strip(), int_value=v, parent=enum))
        else:
            cm = (_RS_CONST if lang == "rust" else _CS_CONST).match(code)
            if cm:
                v = _value(cm.group(2), lang, known)
                if v is not None:
                    known[cm.group(1)] = _c_like(cm.group(2), lang)
                    parent = next((n for _, k, n in reversed(stack) if k in ("container", "enum")), None)
                    cf.symbols.append(Symbol(kind="variable", name=cm.group(1), start_line=no, end_line=no,
                                             value=cm.group(2).strip(), int_value=v, parent=parent))
        for ch in code:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                if struct_at is not None and depth <= struct_at:
                    struct_at = None
    if local and not any(s.type == "descriptor" for s in cf.symbols):
        cf.symbols.extend(local)
    return cf
