"""C constant-expression evaluation for macro and enumerator values.

``evaluate(text, macros)`` turns the raw text of a ``#define`` body or an enumerator value
into an integer when it is a compile-time constant: integer literals with suffixes, casts
(``(uint32_t)0x40000000UL``), pointer casts and dereferences of register addresses
(``(*(volatile uint8_t *)(0xC6))`` → ``0xC6``), arithmetic, shifts, bitwise and logical
operators, ``?:``, references to other object-like macros and calls of function-like
macros (those defined in the same file plus the usual register helpers: ``_BV``, ``BIT``,
``GENMASK``, avr-libc ``_SFR_MEM8``/``_SFR_IO8`` …). Anything else (a function call, a
string, a variable) gives ``None``: the evaluator never guesses.

``Value`` keeps what the mapping needs beside the integer: the struct type of a pointer
cast (``((USART_TypeDef *) USART1_BASE)`` → ``"USART_TypeDef"``) and whether the
expression is a memory-mapped access (a dereferenced address or an SFR wrapper).

Target assumptions (documented, because C leaves them open): ``int`` and ``long`` are
32 bits, ``long long`` 64, as on the ARM/AVR/MSP430 toolchains these headers are for;
avr-libc's ``__SFR_OFFSET`` is its default 0x20, so ``_SFR_IO8(0x05)`` is data address 0x25.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping

# Integer results are kept within C's 64-bit range; anything else is "not a constant".
_MIN, _MAX = -(1 << 63), (1 << 64) - 1
_MAX_DEPTH = 24  # macro expansion depth; real headers nest < 10
# Tokens one Evaluator (one file) may evaluate: nested function-like macros can double the work per
# level (1.2 KB of them took > 300 s). The largest devset header (stm32f103xb.h) needs 27k.
WORK_BUDGET = 1_000_000

_TOKEN_RE = re.compile(
    r"\s*(?:"
    r"(?P<num>(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?)(?![\w.])"
    r"|(?P<chr>'(?:\\.|[^'\\])+')"
    r"|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op><<|>>|<=|>=|==|!=|&&|\|\||##|->|[-+*/%&|^~!<>?:(),#\[\].])"
    r"|(?P<bad>\S)"
    r")"
)
_SFR_FAST_RE = re.compile(r"\s*_SFR_(IO|MEM)(?:8|16|32)\s*\(\s*(0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)\s*\)\s*")
_LIT = r"(?:0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)[uUlL]{0,3}"
_FAST_SHAPE_RE = re.compile(
    rf"\s*(?:(?P<name>[A-Za-z_]\w*)|(?P<fn>[A-Za-z_]\w*)\s*\(\s*(?P<arg>{_LIT})\s*\)"
    rf"|\(\s*(?P<a>{_LIT})\s*<<\s*(?P<b>{_LIT})\s*\))\s*")
# one `num` token exactly as _TOKEN_RE reads it
_NUM = r"(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?(?![\w.])"
# a macro body that is one literal, alone or in one pair of parentheses (what the parser would
# read as that literal: lookup() skips tokenising it)
_LIT_BODY_RE = re.compile(rf"\s*(?:\(\s*(?P<p>{_NUM})\s*\)|(?P<n>{_NUM}))\s*")
_SUM_RE = re.compile(rf"\s*(?:\(\s*(?P<a>[A-Za-z_]\w*)\s*\+\s*(?P<b>{_NUM})\s*\)|(?P<c>[A-Za-z_]\w*)\s*\+\s*(?P<d>{_NUM}))\s*")
_CALL2_RE = re.compile(rf"\s*([A-Za-z_]\w*)\s*\(\s*({_NUM})\s*,\s*({_NUM})\s*\)\s*")
INT_LITERAL_RE = re.compile(r"\s*\(?\s*(0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)([uU]?[lL]{0,2}[uU]?)\s*\)?\s*")

# Words that can appear inside a cast's parentheses.
TYPE_WORDS = frozenset(
    "void char short int long signed unsigned float double _Bool bool const volatile struct union enum "
    "uint8_t uint16_t uint32_t uint64_t int8_t int16_t int32_t int64_t uintptr_t intptr_t size_t "
    "u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __le16 __le32 __be16 __be32 "
    "uint8 uint16 uint32 uint64 int8 int16 int32 int64 UINT8 UINT16 UINT32 UINT64 BYTE WORD DWORD "
    "__IO __I __O __IM __OM __IOM".split()
)
_TYPE_NAME_RE = re.compile(r"^[A-Za-z_]\w*(?:_t|_T|_Type|_TypeDef|_Typedef|_Regs|_regs|_REGS|Type|_type)$")

_CHAR_ESC = {"n": 10, "t": 9, "r": 13, "0": 0, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, "'": 39, '"': 34}


class Value:
    """An evaluated constant: ``value``; ``unsigned``/``bits`` its C type; ``ptr_type`` the
    pointee type name of a pointer cast; ``mmio`` True for a register access.
    (A slotted class, not a dataclass: one is made per evaluated token.)"""

    __slots__ = ("value", "unsigned", "bits", "ptr_type", "mmio")

    def __init__(self, value: int, unsigned: bool = False, bits: int = 32, ptr_type: str | None = None,
                 mmio: bool = False):
        self.value = value
        self.unsigned = unsigned
        self.bits = bits
        self.ptr_type = ptr_type
        self.mmio = mmio

    def __repr__(self) -> str:
        return (f"Value({self.value:#x}, unsigned={self.unsigned}, bits={self.bits}, ptr_type={self.ptr_type!r}, "
                f"mmio={self.mmio})")


class _NotConst(Exception):
    pass


def _lit(tok: str) -> Value:
    t = tok.rstrip("uUlL")
    suffix = tok[len(t):].lower()
    if t[:2] in ("0x", "0X"):
        v = int(t, 16)
    elif t[:2] in ("0b", "0B"):
        v = int(t[2:], 2)
    elif len(t) > 1 and t[0] == "0":
        v = int(t, 8)
    else:
        v = int(t)
    bits = 64 if "ll" in suffix or v > 0xFFFFFFFF else 32
    unsigned = "u" in suffix or (t[:1] == "0" and v > 0x7FFFFFFF)
    return Value(v, unsigned, bits)


def _char(tok: str) -> Value:
    body = tok[1:-1]
    if body.startswith("\\"):
        c = body[1:]
        if c[:1] == "x":
            return Value(int(c[1:], 16))
        if c[:1].isdigit():
            return Value(int(c, 8))
        if c in _CHAR_ESC:
            return Value(_CHAR_ESC[c])
        raise _NotConst
    if len(body) != 1:
        raise _NotConst
    return Value(ord(body))


def _wrap(v: int, unsigned: bool, bits: int) -> int:
    if unsigned:
        return v & ((1 << bits) - 1)
    return v


def _mk(v: int, a: Value, b: Value | None = None) -> Value:
    unsigned = a.unsigned or (b is not None and b.unsigned)
    bits = max(a.bits, b.bits if b is not None else 0)
    v = _wrap(v, unsigned, bits)
    if not (_MIN <= v <= _MAX):
        raise _NotConst
    return Value(v, unsigned, bits)


# Register helpers that live in headers outside the file being parsed (avr-libc sfr_defs.h,
# Linux bits.h, CMSIS, TI): name -> (arity, function over evaluated arguments).
def _genmask(h: Value, lo: Value) -> Value:
    if not (0 <= lo.value <= h.value < 64):
        raise _NotConst
    return Value(((1 << (h.value - lo.value + 1)) - 1) << lo.value, True, 64 if h.value >= 32 else 32)


def _bit(n: Value, bits: int = 32) -> Value:
    if not (0 <= n.value < 64):
        raise _NotConst
    return Value(1 << n.value, True, 64 if n.value >= 32 else bits)


def _addr(v: Value, offset: int = 0, mmio: bool = True) -> Value:
    return Value(v.value + offset, True, max(v.bits, 16), None, mmio)


BUILTINS: dict[str, tuple[int, Callable[..., Value]]] = {
    "_BV": (1, _bit),
    "BIT": (1, _bit),
    "BIT_ULL": (1, lambda n: _bit(n, 64)),
    "BIT_U32": (1, _bit),
    "_BITUL": (1, _bit),
    "_BITULL": (1, lambda n: _bit(n, 64)),
    "GENMASK": (2, _genmask),
    "GENMASK_ULL": (2, _genmask),
    "_SFR_MEM8": (1, _addr),
    "_SFR_MEM16": (1, _addr),
    "_SFR_MEM32": (1, _addr),
    "_SFR_IO8": (1, lambda v: _addr(v, 0x20)),
    "_SFR_IO16": (1, lambda v: _addr(v, 0x20)),
    "_MMIO_BYTE": (1, _addr),
    "_MMIO_WORD": (1, _addr),
    "_MMIO_DWORD": (1, _addr),
    "UINT8_C": (1, lambda v: v),
    "UINT16_C": (1, lambda v: v),
    "UINT32_C": (1, lambda v: Value(v.value, True, v.bits)),
    "UINT64_C": (1, lambda v: Value(v.value, True, 64)),
    "INT8_C": (1, lambda v: v),
    "INT16_C": (1, lambda v: v),
    "INT32_C": (1, lambda v: v),
    "INT64_C": (1, lambda v: Value(v.value, v.unsigned, 64)),
    "U": (1, lambda v: Value(v.value, True, v.bits)),
    "UL": (1, lambda v: Value(v.value, True, v.bits)),
    "ULL": (1, lambda v: Value(v.value, True, 64)),
    "_AC": (2, lambda v, _t: v),
    "_UL": (1, lambda v: Value(v.value, True, v.bits)),
    "_ULL": (1, lambda v: Value(v.value, True, 64)),
}


class Macro:
    """A macro as the evaluator needs it: ``params`` is None for object-like macros.
    (Macro tables may also hold a plain string for an object-like macro.)"""

    __slots__ = ("body", "params")

    def __init__(self, body: str, params: tuple[str, ...] | None = None):
        self.body = body
        self.params = params

    def __repr__(self) -> str:
        return f"Macro({self.body!r}, {self.params!r})"


def tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "bad":
            raise _NotConst
        out.append((kind, m.group(kind)))
    return out


class _Parser:
    """Pratt parser over a token list; evaluates while parsing (no AST)."""

    __slots__ = ("toks", "i", "env", "depth", "stack")

    def __init__(self, toks, env: "Evaluator", depth: int, stack: frozenset):
        self.toks = toks
        self.i = 0
        self.env = env
        self.depth = depth
        self.stack = stack

    def peek(self, k: int = 0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def take(self):
        i = self.i
        toks = self.toks
        if i >= len(toks):
            raise _NotConst
        self.i = i + 1
        return toks[i]

    def expect(self, op: str):
        i = self.i
        toks = self.toks
        if i >= len(toks) or toks[i][1] != op:
            raise _NotConst
        self.i = i + 1

    # ----------------------------------------------------------------- casts
    def _cast_end(self) -> int | None:
        """If the tokens after an opening '(' at self.i form a type name, the index of ')'."""
        j = self.i
        n = len(self.toks)
        saw_type = False
        while j < n:
            kind, tok = self.toks[j]
            if tok == ")":
                return j if saw_type else None
            if kind == "id":
                if tok in TYPE_WORDS or _TYPE_NAME_RE.match(tok) or tok in self.env.types:
                    saw_type = True
                elif j > self.i and self.toks[j - 1][1] in ("struct", "union", "enum"):
                    saw_type = True
                else:
                    return None
            elif tok != "*":
                return None
            j += 1
        return None

    def unary(self) -> Value:
        kind, tok = self.take()
        if kind == "num":
            return _lit(tok)
        if kind == "chr":
            return _char(tok)
        if tok == "(":
            end = self._cast_end()
            if end is not None:
                words = [t for _, t in self.toks[self.i:end]]
                self.i = end + 1
                operand = self.unary()
                return self._cast(words, operand)
            v = self.expr(0)
            self.expect(")")
            return v
        if tok == "-":
            v = self.unary()
            return _mk(-v.value, v)
        if tok == "+":
            return self.unary()
        if tok == "~":
            v = self.unary()
            if v.unsigned:
                return Value(~v.value & ((1 << v.bits) - 1), True, v.bits)
            return Value(~v.value, False, v.bits)
        if tok == "!":
            v = self.unary()
            return Value(int(not v.value))
        if tok == "*":
            v = self.unary()
            if v.ptr_type is None and not v.mmio:
                raise _NotConst
            return Value(v.value, True, v.bits, v.ptr_type if v.ptr_type not in _SCALAR_PTR else None, True)
        if kind == "id":
            if tok == "sizeof":
                raise _NotConst
            i = self.i
            if i < len(self.toks) and self.toks[i][1] == "(":
                return self._call(tok)
            return self.env.lookup(tok, self.depth + 1, self.stack)
        raise _NotConst

    def _cast(self, words: list[str], v: Value) -> Value:
        stars = words.count("*")
        names = [w for w in words if w not in ("*", "const", "volatile", "struct", "union", "enum", "__IO",
                                                "__I", "__O", "__IM", "__OM", "__IOM")]
        base = " ".join(names)
        if stars:
            return Value(v.value, True, 32, base or "void", v.mmio)
        bits = {"uint8_t": 8, "int8_t": 8, "char": 8, "uint16_t": 16, "int16_t": 16, "short": 16,
                "uint64_t": 64, "int64_t": 64, "u8": 8, "u16": 16, "u64": 64}.get(names[-1] if names else "", 32)
        if "long long" in base:
            bits = 64
        unsigned = base.startswith("u") or "unsigned" in base or base in ("size_t",)
        val = v.value & ((1 << bits) - 1) if unsigned else v.value
        return Value(val, unsigned, bits, None, v.mmio)

    def _args(self) -> list[list[tuple[str, str]]]:
        self.expect("(")
        args: list[list] = [[]]
        level = 0
        while True:
            kind, tok = self.take()
            if tok == "(":
                level += 1
            elif tok == ")":
                if level == 0:
                    break
                level -= 1
            elif tok == "," and level == 0:
                args.append([])
                continue
            args[-1].append((kind, tok))
        if args == [[]]:
            return []
        return args

    def _call(self, name: str) -> Value:
        args = self._args()
        macro = self.env.macros.get(name)
        builtin = BUILTINS.get(name)
        if isinstance(macro, Macro) and macro.params is not None:
            return self.env.expand(name, macro, args, self.depth + 1, self.stack)
        if builtin is None or builtin[0] != len(args):
            raise _NotConst
        vals = [self.env.eval_tokens(a, self.depth + 1, self.stack) for a in args]
        return builtin[1](*vals)

    # ----------------------------------------------------------------- binary
    def expr(self, min_prec: int) -> Value:
        left = self.unary()
        toks = self.toks
        n = len(toks)
        while True:
            i = self.i
            tok = toks[i][1] if i < n else None
            prec = _PREC.get(tok)
            if prec is None or prec < min_prec:
                return left
            self.i += 1
            if tok == "?":
                mid = self.expr(0)
                self.expect(":")
                right = self.expr(prec)
                left = mid if left.value else right
                continue
            right = self.expr(prec + 1)
            left = _binop(tok, left, right)


_SCALAR_PTR = frozenset(("uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t", "char",
                         "unsigned char", "unsigned short", "unsigned int", "unsigned long", "int", "short",
                         "long", "unsigned", "void", "u8", "u16", "u32", "u64"))

_PREC = {"?": 1, "||": 2, "&&": 3, "|": 4, "^": 5, "&": 6, "==": 7, "!=": 7, "<": 8, ">": 8, "<=": 8, ">=": 8,
         "<<": 9, ">>": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11}


def _binop(op: str, a: Value, b: Value) -> Value:
    x, y = a.value, b.value
    if op == "+":
        r = _mk(x + y, a, b)
        # BASE + offset keeps the pointer/MMIO nature of its address operand
        return Value(r.value, r.unsigned, r.bits, a.ptr_type or b.ptr_type, a.mmio or b.mmio)
    if op == "-":
        return _mk(x - y, a, b)
    if op == "*":
        return _mk(x * y, a, b)
    if op in ("/", "%"):
        if y == 0:
            raise _NotConst
        q = abs(x) // abs(y)
        if (x < 0) != (y < 0):
            q = -q
        return _mk(q if op == "/" else x - q * y, a, b)
    if op == "<<":
        if not (0 <= y < 64):
            raise _NotConst
        return _mk(x << y, a, Value(0, False, 64 if x << y > 0xFFFFFFFF and a.bits == 64 else a.bits))
    if op == ">>":
        if not (0 <= y < 64):
            raise _NotConst
        return _mk(x >> y, a)
    if op == "&":
        return _mk(x & y, a, b)
    if op == "|":
        return _mk(x | y, a, b)
    if op == "^":
        return _mk(x ^ y, a, b)
    if op == "&&":
        return Value(int(bool(x and y)))
    if op == "||":
        return Value(int(bool(x or y)))
    return Value(int({"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]))


class Evaluator:
    """Evaluates expressions against a table of macros (name → ``Macro`` or raw body text).

    Results of object-like macros are memoised, so evaluating every ``#define`` of a
    header costs one evaluation each. ``types`` adds names that may appear in casts
    (struct typedefs of the file).
    """

    def __init__(self, macros: Mapping[str, "Macro | str"] | None = None, types: set[str] | None = None):
        # shared, not copied: the caller may add macros (enumerators) while evaluating
        self.macros: dict = macros if isinstance(macros, dict) else dict(macros or {})
        self.types = types if types is not None else set()
        self._memo: dict[str, Value | None] = {}
        self._text_memo: dict[str, Value | None] = {}
        self._body_tokens: dict[str, tuple[Macro, list]] = {}
        self._deref_shapes: dict[str, list] = {}
        self.work = 0  # tokens evaluated; past WORK_BUDGET every further evaluation is "not a constant"
        self.overrun = False

    def eval_tokens(self, toks, depth: int = 0, stack: frozenset = frozenset()) -> Value:
        if depth > _MAX_DEPTH or not toks:
            raise _NotConst
        self.work += len(toks)
        if self.work > WORK_BUDGET:
            self.overrun = True
            raise _NotConst
        p = _Parser(toks, self, depth, stack)
        v = p.expr(0)
        if p.i != len(toks):
            raise _NotConst
        return v

    def lookup(self, name: str, depth: int, stack: frozenset) -> Value:
        if name in self._memo:
            v = self._memo[name]
            if v is None:
                raise _NotConst
            return v
        macro = self.macros.get(name)
        if isinstance(macro, str):
            macro = Macro(macro)
        if macro is None or macro.params is not None or name in stack:
            raise _NotConst
        lit = _LIT_BODY_RE.fullmatch(macro.body) if depth <= _MAX_DEPTH else None
        if lit is not None:  # `#define P1OUT_ 0x0021`: what eval_tokens gives for one literal token
            v = _lit(lit.group("p") or lit.group("n"))
            self._memo[name] = v
            return v
        try:
            v = self.eval_tokens(tokenize(macro.body), depth, stack | {name})
        except (_NotConst, RecursionError):
            self._memo[name] = None
            raise _NotConst from None
        self._memo[name] = v
        return v

    def expand(self, name: str, macro: Macro, args, depth: int, stack: frozenset) -> Value:
        """A function-like macro call. A local definition of a standard macro (``#if
        !defined(UINT8_C)`` / ``#define UINT8_C(x) U8_C(x)`` with ``U8_C`` defined nowhere) whose
        expansion is not a constant takes the standard meaning instead."""
        builtin = BUILTINS.get(name)
        if builtin is None or builtin[0] != len(args):
            return self._expand(name, macro, args, depth, stack)
        try:
            return self._expand(name, macro, args, depth, stack)
        except _NotConst:
            return builtin[1](*[self.eval_tokens(a, depth + 1, stack) for a in args])

    def _expand(self, name: str, macro: Macro, args, depth: int, stack: frozenset) -> Value:
        params = macro.params or ()
        variadic = params[-1:] == ("...",)
        if name in stack or (len(args) != len(params) and not variadic):
            raise _NotConst
        body = self._body_tokens.get(name)
        if body is None or body[0] is not macro:
            body = self._body_tokens[name] = (macro, tokenize(macro.body))  # one tokenisation per macro
        if len(args) == 1 and len(params) == 1 and len(args[0]) == 1 and args[0][0][0] == "num":
            # `REG32(0x40011000)` with `#define REG32(a) (*(volatile uint32_t *)(a))`, the commonest
            # register accessor: what the parser makes of it, without parsing the body per call
            shape = self._deref_shapes.get(name)
            if shape is None or shape[0] is not macro:
                shape = self._deref_shapes[name] = [macro, *_deref_cast_shape(body[1], params[0]), False]
            if shape[1] is not None and (shape[3] or self._is_cast(shape[1])):
                shape[3] = True  # a type name stays one (types are only ever added)
                if depth > _MAX_DEPTH:
                    raise _NotConst
                return Value(_lit(args[0][0][1]).value, True, 32, shape[2], True)
        binding = dict(zip(params, args))
        out: list[tuple[str, str]] = []
        for kind, tok in body[1]:
            if kind == "id" and tok in binding:
                out.append(("op", "("))
                out.extend(binding[tok])
                out.append(("op", ")"))
            elif tok in ("#", "##"):
                raise _NotConst  # stringizing/pasting builds names, not constants
            else:
                out.append((kind, tok))
        return self.eval_tokens(out, depth, stack | {name})

    def _is_cast(self, words: list[tuple[str, str]]) -> bool:
        """Whether these tokens between parentheses are a type name (``_Parser._cast_end``'s rule)."""
        saw_type = False
        for j, (kind, tok) in enumerate(words):
            if kind == "id":
                if tok in TYPE_WORDS or _TYPE_NAME_RE.match(tok) or tok in self.types:
                    saw_type = True
                elif j > 0 and words[j - 1][1] in ("struct", "union", "enum"):
                    saw_type = True
                else:
                    return False
            elif tok != "*":
                return False
        return saw_type

    def value(self, text: str) -> Value | None:
        """Evaluate an expression text; None when it is not an integer constant."""
        memo = self._text_memo
        if text in memo:
            return memo[text]
        v = None
        m = INT_LITERAL_RE.fullmatch(text)
        if m is not None:  # fast path: most register defines are one literal (what _lit does, inline)
            digits, suffix = m.groups()
            n = int(digits, 0)  # hex, decimal or a lone 0: INT_LITERAL_RE admits no octal or binary
            if suffix:
                suffix = suffix.lower()
                v = Value(n, "u" in suffix or (digits[0] == "0" and n > 0x7FFFFFFF),
                          64 if "ll" in suffix or n > 0xFFFFFFFF else 32)
            else:
                v = Value(n, digits[0] == "0" and n > 0x7FFFFFFF, 64 if n > 0xFFFFFFFF else 32)
        else:
            m = _SFR_FAST_RE.fullmatch(text)
            if m is not None:  # avr-libc _SFR_IO8(0x05) / _SFR_MEM8(0xC6)
                n = _lit(m.group(2)).value
                v = Value(n + 0x20 if m.group(1) == "IO" else n, True, 16, None, True)
            elif (m := _FAST_SHAPE_RE.fullmatch(text)) is not None:
                v = self._fast(m)
            elif (m := _CALL2_RE.fullmatch(text)) is not None:  # GENMASK(7, 4): a call with two literals
                try:
                    name = m.group(1)
                    if name == "sizeof":
                        raise _NotConst
                    # what _Parser._call does with these tokens
                    macro = self.macros.get(name)
                    if isinstance(macro, Macro) and macro.params is not None:
                        v = self.expand(name, macro, [[("num", m.group(2))], [("num", m.group(3))]], 1, frozenset())
                    else:
                        builtin = BUILTINS.get(name)
                        if builtin is None or builtin[0] != 2:
                            raise _NotConst
                        v = builtin[1](_lit(m.group(2)), _lit(m.group(3)))
                except (_NotConst, RecursionError, IndexError, ValueError):
                    v = None
            elif (m := _SUM_RE.fullmatch(text)) is not None:  # BASE + 0x10, (BASE + 0x10)
                try:
                    name = m.group("a") or m.group("c")
                    if name == "sizeof":
                        raise _NotConst
                    # what the Pratt parser does with these tokens: lookup at depth 1, a literal, '+'
                    v = _binop("+", self.lookup(name, 1, frozenset()), _lit(m.group("b") or m.group("d")))
                except (_NotConst, RecursionError, IndexError, ValueError):
                    v = None
            elif not (text[:1] == '"' or "{" in text or ";" in text):
                try:
                    v = self.eval_tokens(tokenize(text))
                except (_NotConst, RecursionError, IndexError, ValueError):
                    v = None
        memo[text] = v
        return v

    def _fast(self, m: re.Match) -> Value | None:
        """The three commonest shapes of register-header values, without tokenising."""
        try:
            name = m.group("name")
            if name is not None:  # a reference to another macro
                return self.lookup(name, 0, frozenset())
            fn = m.group("fn")
            if fn is not None:  # _BV(3), BIT(5), _VECTOR(16): a one-literal call
                macro = self.macros.get(fn)
                if isinstance(macro, Macro) and macro.params is not None:
                    return self.expand(fn, macro, [[("num", m.group("arg"))]], 1, frozenset())
                arg = _lit(m.group("arg"))  # (a plain-string macro has no parameters: never expanded)
                builtin = BUILTINS.get(fn)
                if builtin is None or builtin[0] != 1:
                    return None
                return builtin[1](arg)
            a, b = _lit(m.group("a")), _lit(m.group("b"))  # (1 << 3)
            return _binop("<<", a, b)
        except (_NotConst, RecursionError, IndexError, ValueError):
            return None

    def macro_value(self, name: str) -> Value | None:
        try:
            return self.lookup(name, 0, frozenset())
        except (_NotConst, RecursionError, IndexError):
            return None


def _deref_cast_shape(toks: list[tuple[str, str]], param: str) -> tuple[list | None, str | None]:
    """For a one-parameter macro body ``(*(TYPE *)(param))`` or ``(*(TYPE *)param)`` (words and at
    least one ``*`` in the cast, the parameter not among them): the cast's tokens and the pointee
    type the dereference keeps (``_Parser._cast`` then the ``*`` of ``_Parser.unary``); else
    (None, None)."""
    n = len(toks)
    if n < 7 or param == "..." or toks[0][1] != "(" or toks[1][1] != "*" or toks[2][1] != "(" or toks[-1][1] != ")":
        return None, None
    j = 3
    while j < n and toks[j][1] != ")":
        j += 1
    words = toks[3:j]
    rest = [t for _, t in toks[j + 1:-1]]
    if not words or rest not in ([param], ["(", param, ")"]):
        return None, None
    if any(not (k == "id" or t == "*") or t == param for k, t in words) or not any(t == "*" for _, t in words):
        return None, None
    pointee = _Parser._cast(None, [t for _, t in words], Value(0)).ptr_type
    return words, pointee if pointee not in _SCALAR_PTR else None


def evaluate(text: str, macros: Mapping[str, "Macro | str"] | None = None) -> int | None:
    """The integer value of a C constant expression, or None (see module docstring)."""
    v = Evaluator(macros).value(text)
    return None if v is None else to_int64(v.value)


def to_int64(v: int) -> int | None:
    """Integers as stored (catalog columns are Int64): None above 2**63-1 (full 64-bit masks)."""
    return v if -(1 << 63) <= v < (1 << 63) else None
