"""Source file → ``CodeFile``: language detection, symbols, register definitions, includes, flags.

``parse_code(path, data)`` is pure and total: it never raises on bad input. C and C++ go
through tree-sitter (``tree-sitter-c`` / ``tree-sitter-cpp``) for the structure (functions
with signatures, structs/unions and their fields, enums and enumerators, typedefs, global
variables); preprocessor directives (``#define``, ``#include``) are read by a line scanner,
because a C preprocessor is line-based and tree-sitter's error recovery can swallow a
directive that follows vendor syntax it does not know. tree-sitter then parses the file
without those lines (``included_ranges``: offsets and line numbers stay the file's), which
saves it about a quarter of a register header and keeps a ``#define`` in the middle of an
initializer from breaking the code around it. Assembly, device trees, Kconfig and linker
scripts have their own small modules. The directive scan also exists in C (``parsers/_cscan.c``,
used for ASCII text when built; ``parsers._native``), with the same output.

Register definitions are what this module is for. Every integer-valued definition gets
``Symbol.int_value`` (``parsers.cexpr`` evaluates the text), and ``Symbol.role`` says what
it is:

* ``register`` — an address: ``#define UDR0 _SFR_MEM8(0xC6)``, ``(*(volatile uint32_t *)0x…)``,
  SDCC ``__sfr __at (0x80) P0;``, Keil ``sfr P0 = 0x80;``, TI ``sfrb(P1OUT, P1OUT_);``,
  ``#define FOO_REG 0x12``; also the fields of overlay structs;
* ``instance`` — a peripheral instance macro, ``#define USART1 ((USART_TypeDef *) USART1_BASE)``
  (``type`` = the struct, ``int_value`` = the base);
* ``base`` — a base address macro (``*_BASE``);
* ``bit`` — bit positions and masks (``_Pos``, ``_Msk``, ``BIT(5)``, ``GENMASK(7, 4)``, ``_bm``);
* ``overlay`` — a struct laid over a register block (volatile/``__IO`` members, ``RESERVED``
  padding or an instance macro pointing at it); its fields carry ``offset`` (bytes, from the
  member types and arrays, natural alignment) and ``size``.

Assumed target for sizes: 32-bit ``int``/``long``/pointers (ARM, and the fixed-width types
of vendor headers); avr-libc's ``_SFR_IO8(x)`` is the data address ``x + 0x20``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter
from pathlib import PurePosixPath

from firmcorpus.parsers import _native
from firmcorpus.parsers.asm import parse_asm
from firmcorpus.parsers.cexpr import INT_LITERAL_RE, Evaluator, Macro, to_int64
from firmcorpus.parsers.code_flags import detect_flags, is_binary
from firmcorpus.parsers.devicetree import parse_devicetree
from firmcorpus.parsers.directives import BLOCK_COMMENT_RE, INCLUDE_RE, PP_RE, WS_RE, clean_value
from firmcorpus.parsers.kconfig import parse_kconfig
from firmcorpus.parsers.linker import parse_linker
from firmcorpus.parsers.models import CodeFile, Symbol
from firmcorpus.parsers.treesitter import count_errors, get_parser, parse_outside

__all__ = ["detect_language", "parse_code", "register_count", "REGISTER_ROLES"]

REGISTER_ROLES = ("register", "instance", "base")

# --------------------------------------------------------------------------- language detection

_EXT_LANG = {
    ".c": "c", ".h": "c", ".i": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp", ".hh": "cpp", ".hpp": "cpp", ".hxx": "cpp",
    ".h++": "cpp", ".ino": "cpp", ".ipp": "cpp", ".tpp": "cpp",
    ".s": "asm", ".asm": "asm", ".inc": "asm", ".a51": "asm", ".s43": "asm", ".s51": "asm", ".s90": "asm",
    ".dts": "devicetree", ".dtsi": "devicetree", ".overlay": "devicetree", ".dtso": "devicetree",
    ".ld": "linker", ".lds": "linker", ".icf": "linker", ".sct": "linker",
}
_CPP_HEAD_RE = re.compile(rb"^\s*(class\s+\w+\s*[:{]|namespace\s+[\w:]*\s*\{|enum\s+(class|struct)\s+\w+|"
                          rb"(static\s+)?constexpr\s|template\s*<|using\s+namespace\b|public:|private:|"
                          rb"#include\s*<(iostream|string|vector|memory|cstdint|map)>)", re.M)


def detect_language(path: str, head: bytes = b"") -> str:
    """One of ``parsers.models.LANGUAGES`` from the file name and, for ``.h``, its first bytes."""
    p = PurePosixPath(path.replace("\\", "/"))
    name = p.name
    lower = name.lower()
    if lower.startswith("kconfig") or lower in ("config.in",):
        return "kconfig"
    if lower.endswith((".ld.s", ".lds.s", ".ld.in", ".lds.in")):
        return "linker"
    suffix = p.suffix
    if suffix == ".S":  # preprocessed assembly keeps its case-sensitive suffix
        return "asm"
    lang = _EXT_LANG.get(suffix.lower())
    if lang is None:
        return "other"
    if lang == "c" and suffix.lower() == ".h" and head and _CPP_HEAD_RE.search(head[:16384]):
        return "cpp"
    return lang


# --------------------------------------------------------------------------- vendor register syntax
# SDCC/Keil 8051 and TI MSP430 declarations are not C; tree-sitter turns them into ERROR
# nodes. They are read here and blanked (same length, newlines kept) before the parse.

# Anchored on a literal newline (matched over the text with one prepended), as PP_RE is.
_ENTRY_COMMENT_RE = re.compile(rb"[ \t]*,?[ \t]*(?://|/\*)[ \t]*([A-Za-z_]\w*)")
_SFR_AT_RE = re.compile(
    rb"\n[ \t]*(__sfr16|__sfr32|__sfr|__sbit|sfr16|sfr32|sfr|sbit)[ \t]+__at[ \t]*(\([^;\n]*?\)|[^\s;]+)[ \t]+"
    rb"([A-Za-z_]\w*)[ \t]*;")
_SFR_KEIL_RE = re.compile(rb"\n[ \t]*(sfr16|sfr32|sfr|sbit)[ \t]+([A-Za-z_]\w*)[ \t]*=[ \t]*([^;\n]+);")
_SFR_CALL_RE = re.compile(
    rb"\n[ \t]*((?:const_)?sfr[bwa]|(?:const_)?sfr_[bwa]|SFR|SFRX|SFR16|SFR16E|SFR16LEX|SFR32|SFR32E|SBIT)"
    rb"[ \t]*\([ \t]*([A-Za-z_]\w*)[ \t]*,([^;\n]*)\)[ \t]*;")
_SFR_ANY_RE = re.compile(rb"\n[ \t]*(?:__sfr|__sbit|sfr|sbit|const_sfr|SFR|SBIT)")

# Macros that are qualifiers or attributes to a compiler but unknown identifiers to
# tree-sitter (which then mis-parses whole declarations); blanked before the parse.
_BLANK_WORDS = (
    "IOM IM OM IO I O STATIC_INLINE STATIC_FORCEINLINE INLINE WEAK weak PACKED packed NO_RETURN USED RAM_FUNC "
    "ramfunc interrupt reentrant xdata pdata idata data code near far naked nonbanked banked ALIGN_BEGIN "
    "ALIGN_END iomem user force must_check always_inline maybe_unused cold init exit initdata initconst "
    "ro_after_init read_mostly devinit devexit rcu percpu noreturn IRQ irq fiq arm thumb"
).split()
# starting with the literal "__" lets the regex engine jump between candidates (a fast literal
# scan) instead of trying the alternation at every byte; the lookbehind then checks the word start
_BLANK_RE = re.compile(rb"__(?<![\w]__)(?:" + b"|".join(w.encode() for w in sorted(_BLANK_WORDS, key=len, reverse=True))
                       + rb")(?![\w])")
_BLANK_TABLE = bytes(10 if b == 10 else 32 for b in range(256))


def _blank(buf: bytearray, start: int, end: int) -> None:
    buf[start:end] = bytes(buf[start:end]).translate(_BLANK_TABLE)


def _blank_match(m: re.Match) -> bytes:
    return b" " * (m.end() - m.start())


# --------------------------------------------------------------------------- roles

_BIT_VALUE_RE = re.compile(r"\b(BIT|BIT_ULL|_BV|GENMASK|GENMASK_ULL|_BITUL)\s*\(|<<")
_OVERLAY_HINT_RE = re.compile(rb"\b(volatile|__IOM?|__IM|__OM|__I|__O|RESERVED\w*|reserved\w*|register(8|16|32)_t)\b")
_OVERLAY_HINT_PARTS = (b"volatile", b"__I", b"__O", b"RESERVED", b"reserved", b"register")
_SCALAR_SIZE = {
    "char": 1, "signed char": 1, "unsigned char": 1, "_Bool": 1, "bool": 1, "uint8_t": 1, "int8_t": 1, "u8": 1,
    "s8": 1, "__u8": 1, "uint8": 1, "int8": 1, "BYTE": 1, "UINT8": 1, "INT8": 1, "uchar": 1,
    "short": 2, "short int": 2, "unsigned short": 2, "unsigned short int": 2, "signed short": 2, "uint16_t": 2,
    "int16_t": 2, "u16": 2, "s16": 2, "__u16": 2, "__le16": 2, "__be16": 2, "uint16": 2, "int16": 2, "WORD": 2,
    "UINT16": 2, "INT16": 2, "ushort": 2,
    "int": 4, "unsigned": 4, "unsigned int": 4, "signed": 4, "signed int": 4, "long": 4, "unsigned long": 4,
    "long int": 4, "unsigned long int": 4, "signed long": 4, "uint32_t": 4, "int32_t": 4, "u32": 4, "s32": 4,
    "__u32": 4, "__le32": 4, "__be32": 4, "uint32": 4, "int32": 4, "DWORD": 4, "UINT32": 4, "INT32": 4,
    "float": 4, "uint": 4, "uintptr_t": 4, "size_t": 4, "ulong": 4,
    "long long": 8, "unsigned long long": 8, "long long int": 8, "unsigned long long int": 8, "uint64_t": 8,
    "int64_t": 8, "u64": 8, "s64": 8, "__u64": 8, "__le64": 8, "__be64": 8, "uint64": 8, "int64": 8,
    "double": 8, "UINT64": 8, "INT64": 8,
}
_SCALAR_PTR_TYPES = frozenset(_SCALAR_SIZE) | {"void"}
_VECTOR_NAME_RE = re.compile(r"(?i)^(g_pfn_?vectors|__?isr_vectors?|__?vectors?_table|__Vectors|vector_table|"
                             r"isr_vector_table|exception_table|interrupt_vectors?)$")
_VECTOR_SECTION_RE = re.compile(rb"section\s*\(\s*\"\.(isr_vector|vectors|vector_table|intvecs|isr_vectors)")
_PADDING_RE = re.compile(r"(?i)(reserved|rsvd|res\d|pad|unused|dummy)")  # layout padding, not registers
_WORDREG_RE = re.compile(rb"\s*_(WORD|DWORD)REGISTER\s*\(\s*(\w+)\s*\)")  # match()ed at a field's start


@lru_cache(maxsize=None)
def _field_ids(language: str) -> tuple[int, ...]:
    lang = get_parser(language).language
    return tuple(lang.field_id_for_name(f) for f in ("body", "declarator", "name", "size", "type", "value"))


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _one_braced(node) -> str:
    """The text of an initialiser to evaluate: ``{0x1C}`` (C++ brace initialisation of one scalar)
    is its one element; anything else is itself."""
    if node.type == "initializer_list" and node.named_child_count == 1:
        return _text(node.named_children[0])
    return _text(node)


# node types the top-level walk acts on (anything else is skipped with one set lookup)
_WALKED = frozenset(("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef", "ERROR",
                     "declaration_list", "translation_unit", "function_definition", "declaration", "type_definition",
                     "struct_specifier", "union_specifier", "enum_specifier", "class_specifier",
                     "linkage_specification", "namespace_definition", "template_declaration", "expression_statement"))


class _Extractor:
    """Walks one tree and collects symbols; state is the file's macro and type tables."""

    def __init__(self, original: bytes, macros: dict[str, Macro], language: str):
        self.src = original
        self.language = language
        self.symbols: list[Symbol] = []
        self.macros = macros
        self.typedef_sizes: dict[str, tuple[int, int] | None] = {}  # name -> (size, align)
        self.struct_names: set[str] = set()
        self.overlays: set[str] = set()
        self.ev = Evaluator(macros, self.struct_names)
        # field ids (per grammar) instead of names: tree-sitter looks a name up field by field
        (self.F_BODY, self.F_DECLARATOR, self.F_NAME, self.F_SIZE, self.F_TYPE, self.F_VALUE) = _field_ids(language)

    # ------------------------------------------------------------------ walk
    _CONTAINERS = frozenset(("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef",
                             "ERROR", "declaration_list", "translation_unit"))

    def walk(self, node, depth: int = 0) -> None:
        if depth > 64:
            return
        for child in node.children:
            t = child.type
            if t not in _WALKED:  # comments, preprocessor calls, stray tokens: most top-level children
                continue
            if t in self._CONTAINERS:
                self.walk(child, depth + 1)
            elif t == "function_definition":
                self.function(child, None)
            elif t == "declaration":
                self.declaration(child)
            elif t == "type_definition":
                self.typedef(child)
            elif t in ("struct_specifier", "union_specifier", "enum_specifier", "class_specifier"):
                self.type_spec(child, None)
            elif t == "linkage_specification" or t == "namespace_definition":
                body = child.child_by_field_id(self.F_BODY)
                if body is not None:
                    if body.type == "declaration_list":
                        self.walk(body, depth + 1)
                    else:
                        self.walk(child, depth + 1)
            elif t == "template_declaration":
                self.walk(child, depth + 1)
            elif t == "expression_statement" and self.language == "c":
                # `struct foo {...};` after an unknown macro sometimes lands here
                for c in child.children:
                    if c.type in ("struct_specifier", "union_specifier", "enum_specifier"):
                        self.type_spec(c, None)

    # ------------------------------------------------------------------ helpers
    def _declarator_name(self, node):
        """(name, kind) down a declarator chain; kind 'function', 'array', 'pointer' or 'plain'.

        The innermost declarator decides: ``int *f(void)`` is a function, ``int (*fp)(void)`` a
        pointer (a variable), ``int (*tab[4])(void)`` an array."""
        kind = "plain"
        while node is not None:
            t = node.type
            if t in ("identifier", "field_identifier", "type_identifier", "qualified_identifier",
                     "destructor_name", "operator_name", "primitive_type"):
                return _text(node), kind
            if t == "function_declarator":
                kind = "function"
            elif t == "array_declarator":
                kind = "array"
            elif t == "pointer_declarator":
                kind = "pointer"
            nxt = node.child_by_field_id(self.F_DECLARATOR)
            if nxt is None:
                nxt = node.named_children[0] if node.named_child_count else None
            node = nxt
        return None, kind

    def _add(self, kind, name, node, value=None, parent=None, signature=None, int_value=None, type=None) -> Symbol:
        s = Symbol(kind, name, node.start_point[0] + 1, node.end_point[0] + 1, value, parent, signature, int_value, None,
                   type)
        self.symbols.append(s)
        return s

    # ------------------------------------------------------------------ functions and declarations
    def function(self, node, parent):
        decl = node.child_by_field_id(self.F_DECLARATOR)
        name, _ = self._declarator_name(decl)
        if not name:
            return
        body = node.child_by_field_id(self.F_BODY)
        end = body.start_byte if body is not None else node.end_byte
        sig = WS_RE.sub(" ", self.src[node.start_byte:end].decode("utf-8", "replace")).strip()
        self._add("function", name, node, signature=sig[:500], parent=parent)

    def declaration(self, node):
        typ = node.child_by_field_id(self.F_TYPE)
        if typ is not None and typ.type in ("struct_specifier", "union_specifier", "enum_specifier",
                                            "class_specifier"):
            self.type_spec(typ, None)
        for d in node.children_by_field_id(self.F_DECLARATOR):
            name, kind = self._declarator_name(d)
            if not name:
                continue
            if kind == "function":
                sig = WS_RE.sub(" ", self.src[node.start_byte:node.end_byte].decode("utf-8", "replace"))
                self._add("function", name, node, signature=sig.rstrip("; ").strip()[:500])
                continue
            value = None
            iv = None
            if d.type == "init_declarator" and kind == "array":
                v = d.child_by_field_id(self.F_VALUE)
                if v is not None and v.type == "initializer_list":
                    self._descriptors(name, v)
            if d.type == "init_declarator":
                v = d.child_by_field_id(self.F_VALUE)
                if v is not None and v.end_byte - v.start_byte <= 200:
                    value = _text(v)
                    ev = self.ev.value(_one_braced(v) if kind != "array" else value)
                    iv = to_int64(ev.value) if ev is not None else None
            sym = self._add("variable", name, node, value=value, int_value=iv,
                            type=_text(typ) if typ is not None and typ.end_byte - typ.start_byte < 100 else None)
            if kind == "array" and (_VECTOR_NAME_RE.search(name)
                                    or _VECTOR_SECTION_RE.search(self.src, node.start_byte,
                                                                 min(node.end_byte, node.start_byte + 300))):
                sym.role = "vector_table"  # a C interrupt vector table (startup_*.c, CMSIS GCC startup)

    def _descriptors(self, array: str, init) -> None:
        """``const RegMask_t regs[N] = { {0x06, 0x70, 4}, // PRS_MR … }`` or ``[PRS_MR] = {…}``: an
        array of struct initialisers whose first member is an address. Each entry named by its
        designator or by the identifier its line comment starts with becomes a ``variable``
        ``array[NAME]`` with the first member as its value (parent = the array). An array of
        constants designated by enumerators (``u16 regs[] = { [REG_IND_CTRL_0] = 0x6E, … }``) gives
        one such variable per entry, valued at the constant."""
        entries = []
        scalars = []  # ``[REG_IND_CTRL_0] = 0x6E``: an address table indexed by an enum
        for c in init.named_children:
            if c.type == "comment":
                continue
            name = None
            val = c
            if c.type == "initializer_pair":
                des = c.child_by_field_name("designator")
                val = c.child_by_field_name("value")
                if des is not None and des.type == "subscript_designator" and des.named_child_count == 1 \
                        and des.named_children[0].type == "identifier":
                    name = _text(des.named_children[0])
            if name and val is not None and val.type != "initializer_list" and not entries \
                    and val.end_byte - val.start_byte <= 40:
                ev = self.ev.value(_text(val))
                if ev is None:
                    return  # a value that is no constant (a function, a string): not an address table
                scalars.append((name, val, to_int64(ev.value)))
                continue
            if scalars or val is None or val.type != "initializer_list" or val.named_child_count < 2:
                return  # not an array of struct initialisers
            if name is None:
                line_end = self.src.find(b"\n", val.end_byte)
                m = _ENTRY_COMMENT_RE.match(self.src, val.end_byte, line_end if line_end >= 0 else len(self.src))
                name = m.group(1).decode() if m else None
            first = val.named_children[0]
            ev = self.ev.value(_text(first)) if first.end_byte - first.start_byte <= 40 else None
            if ev is None:
                return  # the first member is no constant: not a descriptor table
            entries.append((name, val, to_int64(ev.value)))
        if scalars:
            # every entry designated by an enumerator, every value a constant: each entry is the
            # value the array holds for that name (``chip_regs[REG_IND_CTRL_0]``)
            entries = scalars
        if len(entries) < 3:
            return
        for name, val, iv in entries:
            if name:
                self._add("variable", f"{array}[{name}]", val, value=WS_RE.sub(" ", _text(val)), parent=array,
                          int_value=iv)

    def typedef(self, node):
        typ = node.child_by_field_id(self.F_TYPE)
        names = [self._declarator_name(d)[0] for d in node.children_by_field_id(self.F_DECLARATOR)]
        names = [n for n in names if n]
        if typ is None:
            return
        if typ.type in ("struct_specifier", "union_specifier", "enum_specifier", "class_specifier"):
            tag = typ.child_by_field_id(self.F_NAME)
            has_body = typ.child_by_field_id(self.F_BODY) is not None
            if has_body:
                if tag is None and names:
                    # anonymous `typedef struct {...} USART_TypeDef;`: the struct takes the typedef name
                    info = self.type_spec(typ, names[0], node)
                    for n in names[1:]:
                        self._add("typedef", n, node, value=names[0])
                        self.typedef_sizes[n] = info
                    return
                if len(names) == 1 and typ.type != "enum_specifier":
                    # `typedef struct PORT_struct {...} PORT_t;`: code and instance macros use the
                    # typedef name, so the struct and its fields go by it; the tag is kept in `type`
                    tag_name = _text(tag)
                    before = len(self.symbols)
                    info = self.type_spec(typ, names[0], node)
                    if len(self.symbols) > before and self.symbols[before].name == names[0]:
                        self.symbols[before].type = f"{typ.type.split('_')[0]} {tag_name}"
                    self.typedef_sizes[tag_name] = info
                    self.struct_names.add(tag_name)
                    if names[0] in self.overlays:
                        self.overlays.add(tag_name)
                    return
                info = self.type_spec(typ, None)
                for n in names:
                    self._add("typedef", n, node, value=f"{typ.type.split('_')[0]} {_text(tag)}")
                    self.typedef_sizes[n] = info
                    if tag is not None and _text(tag) in self.overlays:
                        self.overlays.add(n)
                    self.struct_names.add(n)
                return
            # `typedef struct foo foo_t;`
            tname = _text(tag) if tag is not None else None
            for n in names:
                self._add("typedef", n, node, value=_text(typ))
                if tname in self.typedef_sizes:
                    self.typedef_sizes[n] = self.typedef_sizes[tname]
                self.struct_names.add(n)
            return
        decls = node.children_by_field_id(self.F_DECLARATOR)
        # qualifiers (`typedef volatile uint8_t register8_t;`) are siblings of the type node
        start = node.children[0].end_byte if node.children and node.children[0].type == "typedef" else typ.start_byte
        end = decls[0].start_byte if decls else typ.end_byte
        base = WS_RE.sub(" ", self.src[start:end].decode("utf-8", "replace")).strip() or _text(typ)
        for d in decls:
            n, kind = self._declarator_name(d)
            if not n:
                continue
            self._add("typedef", n, node, value=base[:200])
            if kind == "plain":
                self.typedef_sizes[n] = self._scalar(base)
            elif kind == "pointer":
                self.typedef_sizes[n] = (4, 4)

    # ------------------------------------------------------------------ types
    def _scalar(self, type_text: str):
        t = type_text.replace("const ", "").replace("volatile ", "").strip()
        size = _SCALAR_SIZE.get(t)
        if size is not None:
            return (size, min(size, 8))
        return self.typedef_sizes.get(t)

    def type_spec(self, node, name: str | None, outer=None, field_parent: str | None = None):
        """A struct/union/enum/class with a body; returns its (size, align) when known."""
        t = node.type
        tag = node.child_by_field_id(self.F_NAME)
        body = node.child_by_field_id(self.F_BODY)
        if name is None and tag is not None:
            name = _text(tag)
        if body is None:
            return self.typedef_sizes.get(name) if name else None
        span = outer if outer is not None else node
        if t == "enum_specifier":
            self._add("enum", name or "", span) if name else None
            self.enum(body, name)
            return (4, 4)
        kind = "union" if t == "union_specifier" else "struct"
        sym = self._add(kind, name or "", span) if name else None
        src, b0, b1 = self.src, body.start_byte, body.end_byte
        # every hint word holds one of these substrings: the regex only runs on a body that has one
        overlay = (any(src.find(w, b0, b1) >= 0 for w in _OVERLAY_HINT_PARTS)
                   and _OVERLAY_HINT_RE.search(src, b0, b1) is not None)
        fields: list[Symbol] = []
        info = self.layout(body, kind == "union", field_parent or name, fields)
        if name:
            self.struct_names.add(name)
            self.typedef_sizes[name] = info
            if overlay:
                self.overlays.add(name)
        if sym is not None and info is not None:
            sym.size = info[0]
        if sym is not None and overlay:
            sym.role = "overlay"
        if overlay:
            for f in fields:
                if f.offset is not None and not _PADDING_RE.match(f.name):
                    f.role = "register"
        return info

    def enum(self, body, parent):
        nxt = 0
        for c in body.children:
            if c.type != "enumerator":
                continue
            n = c.child_by_field_id(self.F_NAME)
            v = c.child_by_field_id(self.F_VALUE)
            if n is None:
                continue
            name = _text(n)
            value = _text(v) if v is not None else None
            iv = None
            if value is not None:
                ev = self.ev.value(value)
                iv = ev.value if ev is not None else None
            elif nxt is not None:
                iv = nxt
            nxt = iv + 1 if iv is not None else None
            if iv is not None:
                self.macros.setdefault(name, Macro(str(iv)))
            self.symbols.append(Symbol("enumerator", name, c.start_point[0] + 1, c.end_point[0] + 1, value, parent,
                                       None, to_int64(iv) if iv is not None else None, None, None, None,
                                       _role_for_name(name, value or "") if iv is not None else None))

    def layout(self, body, is_union: bool, parent: str | None, out: list[Symbol]):
        """Lay out a field list: append field symbols to ``out``; (size, align) or None."""
        offset = 0
        size_max = 0
        align_max = 1
        known = True
        bit_unit = None  # (unit_offset, unit_size, bits_used) of the current bit-field storage unit
        for c in body.children:
            t = c.type
            if t in ("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"):
                known = False  # conditional members: layout depends on configuration
                continue
            if t == "function_definition" or (t == "declaration" and self.language == "cpp"):
                if t == "function_definition":
                    self.function(c, parent)
                continue
            if t not in ("field_declaration", "ERROR"):
                continue
            if t == "field_declaration" and self._static_member(c, parent):
                continue  # a static/constexpr class constant takes no room in the layout
            wm = _WORDREG_RE.match(self.src, c.start_byte, c.end_byte)
            if wm is not None:  # avr-libc xmega: _WORDREGISTER(CNT) is a 16-bit register
                entries = [(wm.group(2).decode(), (2 if wm.group(1) == b"WORD" else 4,) * 2, 1, None, None, None)]
            elif t == "ERROR":
                known = False
                continue
            else:
                entries = self._field_entries(c, parent, out)
                if entries is None:
                    known = False
                    continue
            for fname, info, count, bits, tname, inner in entries:
                if bits is not None and info is not None and not is_union:
                    # bit-fields share a storage unit of their declared type while they fit
                    usize = info[0]
                    if bit_unit is not None and bit_unit[1] == usize and bit_unit[2] + bits <= usize * 8 and bits:
                        foff = bit_unit[0]
                        bit_unit = (bit_unit[0], usize, bit_unit[2] + bits)
                        if fname and known:
                            self._field(c, fname, parent, foff, None, tname, out)
                        elif fname:
                            self._field(c, fname, parent, None, None, tname, out)
                        continue
                    bit_unit = None
                else:
                    bit_unit = None
                if info is None or count is None:
                    known = False
                if known:
                    size, align = info
                    total = size * count
                    align_max = max(align_max, align)
                    if is_union:
                        foff = 0
                        size_max = max(size_max, total)
                    else:
                        offset = (offset + align - 1) // align * align
                        foff = offset
                        offset += total
                    if bits is not None and not is_union:
                        bit_unit = (foff, size, bits)
                    if inner is not None:
                        self._shift(inner, foff, out)
                    elif fname:
                        self._field(c, fname, parent, foff, total, tname, out)
                elif inner is not None:
                    self._shift(inner, None, out)
                elif fname:
                    self._field(c, fname, parent, None, None, tname, out)
        if not known:
            return None
        size = size_max if is_union else offset
        size = (size + align_max - 1) // align_max * align_max
        return (size, align_max)

    @staticmethod
    def _shift(inner: list[Symbol], offset: int | None, out: list[Symbol]) -> None:
        """Fields of an anonymous member struct/union: offsets relative to the member → absolute."""
        for f in inner:
            f.offset = None if offset is None or f.offset is None else f.offset + offset
            out.append(f)

    def _static_member(self, node, parent) -> bool:
        """``static constexpr uint8_t ACCEL_CONFIG_ = 0x1C;`` in a class: a named constant
        (``variable`` with its value, parent = the class), not a member of the layout."""
        words = {_text(ch) for ch in node.children if ch.type in ("storage_class_specifier", "type_qualifier")}
        if not words & {"static", "constexpr"}:
            return False
        decl = node.child_by_field_id(self.F_DECLARATOR)
        init = node.child_by_field_name("default_value")
        if decl is None or decl.type != "field_identifier":
            return bool(words & {"static"})  # a static member without a plain name: not in the layout either
        value, iv = None, None
        if init is not None and init.end_byte - init.start_byte <= 200:
            value = _text(init)
            ev = self.ev.value(_one_braced(init))
            iv = to_int64(ev.value) if ev is not None else None
        typ = node.child_by_field_id(self.F_TYPE)
        self._add("variable", _text(decl), node, value=value, parent=parent, int_value=iv,
                  type=_text(typ) if typ is not None and typ.end_byte - typ.start_byte < 100 else None)
        return True

    def _field(self, node, name, parent, offset, size, tname, out):
        # positional Symbol(kind, name, start, end, value, parent, signature, int_value, offset, type, size, role)
        s = Symbol("field", name, node.start_point[0] + 1, node.end_point[0] + 1, None, parent, None, None, offset,
                   tname, size)
        self.symbols.append(s)
        out.append(s)

    def _field_entries(self, node, parent, out):
        """[(name, (size, align) | None, count | None, bits | None, type name, inner fields | None)] for one
        field declaration; an anonymous member struct/union gives one entry with its inner fields."""
        typ = node.child_by_field_id(self.F_TYPE)
        if typ is None:
            return None
        tt = typ.type
        if tt in ("struct_specifier", "union_specifier", "class_specifier") and typ.child_by_field_id(self.F_BODY):
            inner_name = typ.child_by_field_id(self.F_NAME)
            decls = node.children_by_field_id(self.F_DECLARATOR)
            if not decls and inner_name is not None and self.language == "cpp":
                # `struct CTRL { static const uint16_t address = 0x10; … };` nested in a C++ class:
                # a member type declaration (its own scope), not a member of the layout
                self.type_spec(typ, None)
                return []
            if not decls:
                # anonymous member struct/union: its fields belong to the enclosing struct
                inner: list[Symbol] = []
                info = self.layout(typ.child_by_field_id(self.F_BODY), tt == "union_specifier", parent, inner)
                return [("", info, 1, None, None, inner)]
            member = self._declarator_name(decls[0])[0]
            # an untagged struct/union type of a named member (`union {…} PORT[32];`): its fields
            # go by "Outer.member", with offsets inside one element of the member
            field_parent = f"{parent}.{member}" if inner_name is None and parent and member else None
            info = self.type_spec(typ, None, field_parent=field_parent)
            tname = _text(inner_name) if inner_name is not None else field_parent
        elif tt == "enum_specifier":
            self.type_spec(typ, None)
            info, tname = (4, 4), None
        else:
            tname = _text(typ)
            if not tname.isidentifier():  # an identifier has no whitespace to squeeze
                tname = WS_RE.sub(" ", tname)
            info = self._scalar(tname)
        entries = []
        bits = None
        # a bit-field clause starts with ':': most fields have none, and then their children are not visited
        for ch in node.children if self.src.find(b":", node.start_byte, node.end_byte) >= 0 else ():
            if ch.type == "bitfield_clause":
                ev = self.ev.value(_text(ch)[1:])
                bits = ev.value if ev is not None else None
                if bits is None:
                    return None
        decls = node.children_by_field_id(self.F_DECLARATOR)
        if not decls and bits is not None:
            return [("", info, 1, bits, tname, None)]  # unnamed bit-field padding
        for d in decls:
            if d.type == "function_declarator":
                inner = d.child_by_field_id(self.F_DECLARATOR)
                if inner is not None and inner.type in ("field_identifier", "identifier", "destructor_name",
                                                        "operator_name", "qualified_identifier"):
                    # a method declared in a C++ class body: a function, not a member of the layout
                    sig = WS_RE.sub(" ", self.src[node.start_byte:node.end_byte].decode("utf-8", "replace"))
                    self._add("function", _text(inner), node, parent=parent, signature=sig.rstrip("; ").strip()[:500])
                    continue
            count = 1
            finfo = info
            name = None
            cur = d
            while cur is not None:
                ct = cur.type
                if ct in ("field_identifier", "identifier"):
                    name = _text(cur)
                    break
                if ct == "array_declarator":
                    sz = cur.child_by_field_id(self.F_SIZE)
                    ev = self.ev.value(_text(sz)) if sz is not None else None
                    count = count * ev.value if (ev is not None and count is not None and ev.value >= 0) else None
                elif ct in ("pointer_declarator", "function_declarator"):
                    finfo = (4, 4)
                nxt = cur.child_by_field_id(self.F_DECLARATOR)
                if nxt is None:
                    nxt = cur.named_children[0] if cur.named_child_count else None
                cur = nxt
            if name:
                entries.append((name, finfo, count, bits, tname, None))
        return entries


_BIT_TAILS = frozenset(("_Pos", "_Msk", "_MASK", "_Mask", "_mask", "_SHIFT", "_Shift", "_shift", "_bm", "_bp", "_gm",
                        "_gp", "_BIT", "_BITS", "_bit", "_POS", "_MSK"))
_BASE_TAILS = frozenset(("_BASE", "_BASEADDR", "_BASEADDRESS"))
_BASE_SUFFIXES = ("_BASE_ADDR", "_BASE_ADDRESS", "BASE_ADDR", "_PHYS_BASE")
_TAIL_ROLE = {**{t: "base" for t in _BASE_TAILS}, **{t: "bit" for t in _BIT_TAILS}}  # one lookup for both
_REG_WORDS = frozenset("REG REGS REGISTER ADDR ADDRESS OFFSET OFFS OFF OFST".split())


def _role_for_name(name: str, value: str) -> str | None:
    """Role of an integer macro or enumerator from its name, else from its value."""
    cut = name.rfind("_")
    if cut >= 0:
        role = _TAIL_ROLE.get(name[cut:])
        if role is not None:
            return role
        if name.endswith(_BASE_SUFFIXES):
            return "base"
        if not _REG_WORDS.isdisjoint(name.split("_")):
            return "register"
    elif name.startswith("BIT") and name[3:].isdigit():
        return "bit"
    if "<<" in value or "BIT" in value or "_BV" in value or "GENMASK" in value:
        return "bit" if _BIT_VALUE_RE.search(value) else None
    return None


def macro_role(name: str, value: str, v) -> tuple[str | None, str | None]:
    """(role, type) of an object-like macro whose value evaluated to ``v`` (a ``cexpr.Value``)."""
    pt = v.ptr_type
    if pt and pt not in _SCALAR_PTR_TYPES:
        return "instance", pt  # a struct laid over a peripheral: ((USART_TypeDef *) USART1_BASE)
    if v.mmio or (pt and pt != "void"):
        return "register", None  # (*(volatile uint32_t *) 0x…), ((volatile uint8_t *) 0x…), _SFR_MEM8(…)

    return _role_for_name(name, value), None


def register_count(symbols: list[Symbol]) -> int:
    """Register definitions in a file: addresses, instances, bases and overlay fields."""
    return sum(1 for s in symbols if s.role in REGISTER_ROLES and (s.int_value is not None or s.offset is not None))


# --------------------------------------------------------------------------- entry point


def parse_code(path: str, data: bytes, language: str | None = None) -> CodeFile:
    """Parse one source file (see module docstring). Never raises on bad input."""
    path = path.replace("\\", "/")
    lang = language or detect_language(path, data[:16384])
    cf = CodeFile(path=path, language=lang, size_bytes=len(data))
    if is_binary(data):
        cf.flags = ["binary"]
        return cf
    try:
        text = data.decode("utf-8")
        non_utf8 = False
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        data = text.encode("utf-8")
        non_utf8 = True
    try:
        if lang in ("c", "cpp"):
            _parse_c(cf, text, data, lang)
        elif lang == "asm":
            parse_asm(cf, text)
        elif lang == "devicetree":
            parse_devicetree(cf, text, data)
        elif lang == "kconfig":
            parse_kconfig(cf, text)
        elif lang == "linker":
            parse_linker(cf, text)
    except RecursionError:
        cf.flags.append("parse_failed")
    except Exception:  # pragma: no cover - a parser bug must not stop a build: tag the file instead
        # (a sweep over ~4,900 real u-boot/TF-A/openocd/SDCC/Linux files raised nothing)
        cf.flags.append("parse_failed")
    flags = detect_flags(path, text)
    if non_utf8:
        flags.append("non_utf8")
    cf.flags = sorted(set(cf.flags) | set(flags))
    return cf


def _c_directives_py(text: str, macros: dict) -> tuple[list, list, list, list, list]:
    """The directive lines of a C file, in one pass: (symbols, deferred, includes,
    angle_includes, skips), and ``macros`` filled (function-like macros as ``Macro``, object-like
    ones as their text).

    A define whose value is one integer literal depends on nothing else in the file: its Symbol
    is final here. The others wait for the tree walk (enumerators and struct names feed their
    evaluation): ``symbols`` keeps the file order with None where one waits, and ``deferred``
    holds (index, name, value, start line, end line) for each. ``skips`` are the (start line,
    end line, start offset, end offset) of every directive for ``parse_outside``.
    ``parsers/_cscan.c`` is this function in C (``_c_directives`` picks it for ASCII text)."""
    msyms: list[Symbol | None] = []
    deferred: list[tuple[int, str, str, int, int]] = []
    includes: list[str] = []
    angle: list[str] = []
    skips: list[tuple[int, int, int, int]] = []
    spans = []
    if "/*" in text:
        spans = [m.span() for m in BLOCK_COMMENT_RE.finditer(text) if "\n" in m.group()]
    nspans = len(spans)
    si = 0
    ntext = "\n" + text  # positions below are shifted by one: m.start() is the directive's line start in text
    count = ntext.count
    line = 1
    last = 0
    append = msyms.append
    int_match = INT_LITERAL_RE.fullmatch
    role_of = _role_for_name
    for m in PP_RE.finditer(ntext):
        start = m.start()
        if nspans:
            while si < nspans and spans[si][1] <= start:
                si += 1
            if si < nspans and spans[si][0] <= start:
                continue  # inside a multi-line block comment
        line += count("\n", last, start)
        last = start
        name, params, inc, body = m.groups()
        l1 = line + body.count("\n") if "\n" in body else line
        skips.append((line, l1, start, m.end() - 1))
        if name is None:
            im = INCLUDE_RE.match(body)
            if im is not None:
                inc = im.group(1) or im.group(2)
                includes.append(inc)
                if im.group(2):
                    angle.append(inc)
            continue
        if "/" in body or "\\" in body:
            value = clean_value(body)
        else:  # clean_value's result for a body without comments or continuations, inline
            value = body.strip()
            if "  " in value or "\t" in value:
                value = WS_RE.sub(" ", value)
        # positional Symbol(kind, name, start, end, value, parent, signature, int_value, offset, type, size, role)
        if params is not None:
            plist = tuple(p.strip() for p in params[1:-1].split(",") if p.strip())
            if name not in macros:
                macros[name] = Macro(value, plist)
            append(Symbol("macro", name, line, l1, value[:1000], None, f"{name}({', '.join(plist)})"))
            continue
        if name not in macros:
            macros[name] = value  # object-like macros stay plain strings (the evaluator reads them lazily)
        if not value:
            append(Symbol("macro", name, line, l1, value))
            continue
        lm = int_match(value)
        if lm is None:
            deferred.append((len(msyms), name, value, line, l1))
            append(None)
            continue
        # Evaluator.value's literal fast path (cexpr), and macro_role of a plain integer
        n = int(lm.group(1), 0)
        append(Symbol("macro", name, line, l1, value[:1000], None, None, n if n < (1 << 63) else None, None, None,
                      None, role_of(name, value)))

    return msyms, deferred, includes, angle, skips


def _c_directives(text: str, macros: dict) -> tuple[list, list, list, list, list]:
    """``_c_directives_py``, through the C scanner when it is built and the text is ASCII."""
    if _cscan is not None:
        scanned = _cscan.scan(text, macros, Symbol, Macro)
        if scanned is not None:
            return scanned
    return _c_directives_py(text, macros)


def _parse_c(cf: CodeFile, text: str, data: bytes, lang: str) -> None:
    macros: dict[str, Macro] = {}
    msyms, deferred, includes, angle, skips = _c_directives(text, macros)
    role_of = _role_for_name

    # vendor register declarations, then blank them and qualifier macros for tree-sitter
    buf = None
    regs: list[Symbol] = []
    if ((b"sfr" in data or b"sbit" in data or b"SFR" in data or b"SBIT" in data)  # literal scans first
            and _SFR_ANY_RE.search(nl_data := b"\n" + data)):
        buf = bytearray(data)
        ev0 = Evaluator(macros)
        lines_at = _line_counter(data)
        sfr_addr: dict[str, str] = {}
        for rx, kind in ((_SFR_AT_RE, "at"), (_SFR_KEIL_RE, "keil"), (_SFR_CALL_RE, "call")):
            for m in rx.finditer(nl_data):  # m.start() = the line's start in data, m.end() - 1 its end
                if kind == "at":
                    decl, addr, name = m.group(1), m.group(2), m.group(3)
                elif kind == "keil":
                    decl, name, addr = m.group(1), m.group(2), m.group(3)
                else:
                    decl, name, addr = m.group(1), m.group(2), m.group(3)
                    if decl == b"SBIT":  # SBIT(name, addr, bit): bit address = byte address + bit
                        a = addr.split(b",")
                        if len(a) == 2:
                            addr = b"(" + a[0] + b")+(" + a[1] + b")"
                    elif decl in (b"SFR16E", b"SFR32E"):
                        pass
                addr_s = addr.decode("utf-8", "replace").strip()
                if kind == "keil" and "^" in addr_s and decl == b"sbit":
                    # Keil `sbit P1_0 = P1^0;`: bit 0 of the sfr P1 declared above
                    base, _, bit = addr_s.partition("^")
                    base = base.strip()
                    addr_s = f"({sfr_addr.get(base, base)})+({bit.strip()})"
                ev = ev0.value(addr_s)
                if ev is not None:
                    sfr_addr[name.decode()] = str(ev.value)
                line = lines_at(m.start())
                regs.append(Symbol(kind="variable", name=name.decode(), start_line=line, end_line=line,
                                   value=addr_s, int_value=to_int64(ev.value) if ev is not None else None,
                                   type=decl.decode(), role="register"))
                _blank(buf, m.start(), m.end() - 1)
    src = bytes(buf) if buf is not None else data
    if _BLANK_RE.search(src):
        src = _BLANK_RE.sub(_blank_match, src)

    # the directive lines were read above: tree-sitter skips them (same offsets and line numbers)
    tree = parse_outside(lang, src, skips) if len(src) == len(text) else get_parser(lang).parse(src)
    root = tree.root_node
    ex = _Extractor(data, macros, lang)
    ex.walk(root)
    cf.parse_errors = count_errors(root)

    # macros that waited for the walk: values evaluated against the file's macros and enumerators
    ev = ex.ev
    structs = ex.struct_names
    value_of = ev.value
    for idx, name, value, l0, l1 in deferred:
        v = value_of(value)
        if v is None:
            msyms[idx] = Symbol("macro", name, l0, l1, value[:1000])
            continue
        iv = v.value
        if v.ptr_type is None and not v.mmio:  # macro_role's common case, inline
            msyms[idx] = Symbol("macro", name, l0, l1, value[:1000], None, None,
                                iv if -(1 << 63) <= iv < (1 << 63) else None, None, None, None, role_of(name, value))
            continue
        role, typ = macro_role(name, value, v)
        if role == "instance" and typ in structs:
            ex.overlays.add(typ)
        msyms[idx] = Symbol("macro", name, l0, l1, value[:1000], None, None,
                            iv if -(1 << 63) <= iv < (1 << 63) else None, None, typ, None, role)
    # register declarations whose address is a macro defined later in the file (msp430: P1OUT_)
    for r in regs:
        if r.int_value is None and r.value:
            v = ev.value(r.value)
            r.int_value = to_int64(v.value) if v is not None else None
    # structs that an instance macro points at are overlays even without volatile members
    for s in ex.symbols if ex.overlays else ():
        if s.kind in ("struct", "union") and s.name in ex.overlays and s.role is None:
            s.role = "overlay"
        elif s.kind == "field" and s.parent in ex.overlays and s.offset is not None and not _PADDING_RE.match(s.name):
            s.role = "register"
    if ev.overrun:  # the file's macro work budget ran out (exponential macros): values left unevaluated
        cf.flags.append("macro_budget")
    symbols = msyms
    symbols.extend(regs)
    symbols.extend(ex.symbols)
    symbols.sort(key=_LINE_KEY)
    cf.symbols = symbols
    cf.includes = includes
    cf.angle_includes = angle


_LINE_KEY = attrgetter("start_line", "end_line")


def _line_counter(data: bytes):
    """Line number of increasing byte positions, counting only the newlines in between."""
    state = [0, 1]

    def at(pos: int) -> int:
        if pos < state[0]:
            state[0], state[1] = 0, 1
        state[1] += data.count(b"\n", state[0], pos)
        state[0] = pos
        return state[1]

    return at




# --------------------------------------------------------------------------- the C scanner

_CSCAN_VERSION = _native.CSCAN_VERSION
_cscan = _native.cscan  # parsers/_cscan.c, or None (see parsers._native)
if _cscan is not None:
    _cscan.configure(_TAIL_ROLE, _BASE_SUFFIXES, _REG_WORDS)
