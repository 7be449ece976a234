"""A fixed, tokenizer-independent C lexer for completion metrics.

Token accuracy, BLEU-4 and identifier F1 must not depend on any model's tokenizer, or a
model with a finer vocabulary would score differently on the same text. This module
lexes C-like text (C, headers, GNU assembly, device-tree sources are all "C-ish" enough)
into a fixed token stream with one regular expression, so it also works on the partial,
syntactically broken text a model produces (tree-sitter would give error nodes instead).

Rules (stable: changing them changes every reported number):
- whitespace, backslash-newline continuations and comments are skipped (metrics measure
  code, not prose; ``keep_comments=True`` keeps each comment as one token);
- string literals (with ``L``/``u``/``U``/``u8`` prefixes) and character literals are
  one token each, unterminated ones run to the end of the line;
- numbers follow the C preprocessing-number rule (``0x40011000``, ``1.5e-3f``, ``10UL``);
- identifiers are ``[A-Za-z_]\\w*``; C keywords are identifiers with kind ``keyword``;
- punctuators match longest first (``<<=`` before ``<<`` before ``<``);
- any other non-space character is a one-character ``other`` token.
"""

from __future__ import annotations

import re
from typing import NamedTuple

C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if inline int long
register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while
_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local
asm __asm__ __attribute__ __volatile__ bool true false NULL
""".split())

_PUNCT = [
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=",
    "+=", "-=", "&=", "^=", "|=", "##",
    "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-", "~", "!", "/", "%", "<", ">", "^", "|", "?", ":",
    ";", "=", ",", "#",
]

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f\v]+|\\\r?\n)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>(?:u8|[LuU])?"(?:[^"\\\n]|\\.)*(?:"|$))
  | (?P<char>(?:u8|[LuU])?'(?:[^'\\\n]|\\.)*(?:'|$))
  | (?P<number>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<punct>""" + "|".join(re.escape(p) for p in _PUNCT) + r""")
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


class Token(NamedTuple):
    kind: str  # comment | string | char | number | ident | keyword | punct | other
    text: str
    start: int  # character offset in the input


def lex(text: str, keep_comments: bool = False) -> list[Token]:
    """All tokens of ``text`` in order (never raises; unknown characters become ``other``)."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "ws" or (kind == "comment" and not keep_comments):
            continue
        tok = m.group()
        if kind == "ident" and tok in C_KEYWORDS:
            kind = "keyword"
        out.append(Token(kind, tok, m.start()))
    return out


def token_texts(text: str, keep_comments: bool = False) -> list[str]:
    return [t.text for t in lex(text, keep_comments)]


def identifiers(text: str) -> list[str]:
    """Identifier tokens (keywords excluded), in order, with repeats."""
    return [t.text for t in lex(text) if t.kind == "ident"]


def strip_trailing_comment(line: str) -> str:
    """``line`` without a trailing ``//`` or ``/* */`` comment (and the spaces before it)."""
    for m in _TOKEN_RE.finditer(line):
        if m.lastgroup == "comment":
            return line[:m.start()].rstrip()
    return line.rstrip()
