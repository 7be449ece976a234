"""Code-suited fastText features: one line of tokens per document.

fastText's own tokenizer splits on whitespace, which for C leaves ``HAL_GPIO_Init(GPIOA,`` as
one useless word. We hand it instead:

* identifiers, lower-cased, and their sub-tokens (``HAL_GPIO_Init`` → ``hal_gpio_init hal gpio
  init``; ``wiphyRegister`` → ``wiphyregister wiphy register``), so the API prefixes that define
  a domain are shared across spellings;
* ``__inc_<name>`` / ``__incdir_<dir>`` for each ``#include``;
* ``__dir_<part>`` / ``__fn_<part>`` path tokens and ``__ext_`` / ``__lang_`` markers;
* number-shape tokens (``__hex``, ``__num``) and a few file-shape buckets (share of
  ``#define`` lines, AMD-style ``__SHIFT`` names) that separate register headers from code.

With ``wordNgrams=2`` fastText adds bigrams of consecutive tokens on top. Only the first
``MAX_CHARS`` characters are read: the domain shows early, and it bounds the cost per document.
"""

from __future__ import annotations

import functools
import re

MAX_CHARS = 16_000
MAX_TOKENS = 2_500

_TOKEN_RE = re.compile(r"#\s*(?:define|include|ifdef|ifndef|if|endif)|0[xX][0-9A-Fa-f]+|\d+|[A-Za-z_][A-Za-z0-9_]*")
_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.M)
_SPLIT_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_PATH_SPLIT_RE = re.compile(r"[^A-Za-z0-9]+")

_SUFFIX_LANG = {
    ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".hpp": "cpp", ".cxx": "cpp", ".hh": "cpp",
    ".s": "asm", ".S": "asm", ".asm": "asm", ".dts": "devicetree", ".dtsi": "devicetree", ".dtso": "devicetree",
    ".overlay": "devicetree", ".ld": "linker", ".lds": "linker",
}


def language_of(path: str) -> str:
    """The code parser's language for a path, from its suffix (``other`` when unknown)."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("Kconfig"):
        return "kconfig"
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return _SUFFIX_LANG.get(suffix, "other")


@functools.lru_cache(maxsize=65536)
def _ident_tokens(ident: str) -> tuple[str, ...]:
    """An identifier's tokens: itself (lower-cased, if not absurdly long) and its sub-tokens."""
    low = ident.lower()
    out = [low] if len(low) <= 40 else []
    subs = subtokens(ident)
    if len(subs) > 1:
        out.extend(s for s in subs if len(s) > 1 and not s.isdigit())
    return tuple(out)


def subtokens(ident: str) -> list[str]:
    return [p.lower() for p in _SPLIT_RE.findall(ident)]


def _path_tokens(path: str) -> list[str]:
    if not path:
        return []
    parts = path.replace("\\", "/").split("/")
    out = []
    # only the last three folders: deeper prefixes are where a corpus was unpacked, not what it is
    for d in parts[:-1][-3:]:
        for t in _PATH_SPLIT_RE.split(d.lower()):
            if t and not t.isdigit():
                out.append(f"__dir_{t}")
    name = parts[-1]
    stem, _, ext = name.rpartition(".")
    if not stem:
        stem, ext = name, ""
    for t in _PATH_SPLIT_RE.split(stem):
        for s in subtokens(t):
            if not s.isdigit():
                out.append(f"__fn_{s}")
    if ext:
        out.append(f"__ext_{ext.lower()}")
    return out


def _shape_tokens(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return ["__empty"]
    n = len(lines)
    defines = sum(1 for ln in lines if ln.lstrip().startswith("#define") or ln.lstrip().startswith("# define"))
    ratio = defines / n
    out = [f"__defratio_{min(4, int(ratio * 5))}"]
    if text.count("__SHIFT") >= 20:
        out.append("__amd_shift_style")
    out.append(f"__lines_{min(6, n.bit_length() // 2)}")
    return out


def doc_tokens(text: str, path: str = "", language: str = "") -> list[str]:
    """The feature tokens of one document (deterministic)."""
    text = text[:MAX_CHARS]
    toks: list[str] = []
    if language:
        toks.append(f"__lang_{language}")
    toks += _path_tokens(path)
    for inc in _INCLUDE_RE.findall(text)[:64]:
        inc = inc.strip().lower()
        base = inc.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        toks.append(f"__inc_{base}")
        if "/" in inc:
            toks.append(f"__incdir_{inc.split('/', 1)[0]}")
    toks += _shape_tokens(text)
    n = 0
    for m in _TOKEN_RE.finditer(text):
        t = m.group(0)
        c = t[0]
        if c == "#":
            toks.append("__pp_" + t[1:].strip())
        elif c == "0" and len(t) > 1 and t[1] in "xX":
            toks.append("__hex")
        elif c.isdigit():
            toks.append("__num")
        else:
            toks.extend(_ident_tokens(t))
        n += 1
        if n >= MAX_TOKENS:
            break
    return toks


def doc_line(text: str, path: str = "", language: str = "") -> str:
    """``doc_tokens`` joined into the single line fastText reads."""
    return " ".join(doc_tokens(text, path, language))
