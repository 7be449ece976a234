"""Learned API-prefix evidence: which identifier and include prefixes belong to one domain.

The rules (``rules.api_evidence``) once listed library prefixes by hand (a crypto library's
``xxx_*`` names, a USB stack's ``yyy_*`` names ...). A rule may not name a vendor, a part, a
library or a file, so those lists are *learned* instead, at training time, from the labelled
training files (``mine``):

* keys of an identifier: its first ``_``-separated token and its first two, case kept
  (``foo_bar_baz`` → ``foo_`` and ``foo_bar_``; leading underscores stay with the first token),
  and the head of a camel-case first token (``FooBar_x`` → ``Foo*``);
* the family name of an identifier's first token, the letters before its first digit
  (``abc12x_init`` → ``abc#``): the members of a part family share it where their full names differ;
* keys of an ``#include``: its first folder (``inc:foo/``), its inner folders (``inc:*/bar/``), the
  first ``_`` token or camel head of its file name (``inc:foo_``, ``inc:Foo*``) and the family names
  of its file name and folders (``inc:abc#``);
* a key is kept for a domain when the training files that contain it are concentrated there:
  in at least ``min_files`` files of that domain from at least ``min_sources`` distinct sources,
  and a *purity* of at least ``min_purity`` — the domain's share of the key's per-domain file
  rates (files with the key / files of the domain), so a large class does not win by size.

Only the topical domains that API evidence decides (``TARGET_DOMAINS``) are learned; the other
classes still count in the purity.

A second list, ``not_linux``, replaces the boot-loader and secure-firmware names the rules once
listed by hand to keep such code out of ``linux_kernel``: among the training files with a
kernel-style include (``linux/``, ``asm/``, ``net/``, ``uapi/``), the whole identifiers (outside
comments), whole includes and their prefix keys concentrated in the files of sources that are not
kernel trees (a kernel tree: a source with ``linux_kernel`` files), by the same thresholds. The lexicon ships inside the model's provenance JSON
(``lexicon``) and is loaded with the model (``model.DomainModel.load``).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

# The domains whose evidence is learned API names (the others are decided by file shape or are the rest).
# zephyr_rtos is left out: its evidence is the kernel and devicetree API the taxonomy names (``rules._API``).
# Learned Zephyr prefixes were measured (2026-12-06, dev): the Zephyr training sources are applications, whose
# own names (``LOG_``, ``HTTP_``, ``cloud_``, ``nrf_``, ``date_``) look pure against a `general` class with few
# applications, and they made Zephyr the sink for more OS-like C (dev F1 without folder context 0.64 -> 0.52).
TARGET_DOMAINS = ("stm32_hal", "infineon_aurix", "nxp_imx", "crypto", "usb_stack", "wireless_ble_wifi")

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.M)
_CAMEL_HEAD_RE = re.compile(r"[A-Z][a-z]+(?=[A-Z0-9])|[a-z]+(?=[A-Z])")
# a family name: the letters before the first digit of a token (``abc12x`` -> ``abc#``): the members of a
# part family share it where their full names differ
_FAMILY_RE = re.compile(r"([A-Za-z]{2,})[0-9]")
_MAX_CHARS = 200_000


@dataclass(frozen=True)
class MineParams:
    min_files: int = 8
    min_sources: int = 2
    min_purity: float = 0.9

    def to_dict(self) -> dict:
        return asdict(self)


def ident_keys(ident: str) -> tuple[str, ...]:
    """Lexicon keys of one identifier, most specific first (two tokens, one token, camel head)."""
    body = ident.lstrip("_")
    lead = ident[: len(ident) - len(body)]
    parts = body.split("_")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return ()
    first = parts[0]
    if first.isdigit():
        return ()
    keys = []
    if len(parts) >= 3 and parts[2]:
        keys.append(f"{lead}{first}_{parts[1]}_")
    keys.append(f"{lead}{first}_")
    m = _CAMEL_HEAD_RE.match(first)
    if m is not None and len(m.group(0)) >= 2:
        keys.append(f"{lead}{m.group(0)}*")
    m = _FAMILY_RE.match(first)
    if m is not None:
        keys.append(f"{lead}{m.group(1)}#")
    return tuple(keys)


def include_keys(inc: str) -> tuple[str, ...]:
    """Lexicon keys of one include path: its first folder and its file name's prefix."""
    inc = inc.strip()
    keys = []
    if "/" in inc:
        top = inc.split("/", 1)[0]
        if top not in ("", ".", ".."):
            keys.append(f"inc:{top}/")
    stem = inc.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if "_" in stem and stem.split("_", 1)[0]:
        keys.append(f"inc:{stem.split('_', 1)[0]}_")
    m = _CAMEL_HEAD_RE.match(stem)
    if m is not None and len(m.group(0)) >= 2:
        keys.append(f"inc:{m.group(0)}*")
    # the inner folders (``a/b/x.h`` -> ``inc:*/b/``), and the family names of the file name and of every
    # folder (``a/arch-abc12/x.h`` -> ``inc:abc#``)
    parts = inc.split("/")
    folders, name = parts[:-1], parts[-1].rsplit(".", 1)[0]
    keys += [f"inc:*/{d}/" for d in folders[1:] if d not in ("", ".", "..")]
    for part in folders + [name]:
        for m in _FAMILY_RE.finditer(part):
            if m.start() == 0 or not part[m.start() - 1].isalpha():
                keys.append(f"inc:{m.group(1)}#")
    return tuple(dict.fromkeys(keys))


def file_keys(text: str) -> set[str]:
    """All lexicon keys a document shows (each counted once per file when mining)."""
    text = text[:_MAX_CHARS]
    keys: set[str] = set()
    for ident in set(_IDENT_RE.findall(text)):
        keys.update(ident_keys(ident))
    for inc in set(_INCLUDE_RE.findall(text)):
        keys.update(include_keys(inc))
    return keys


# includes of the kernel's own header trees: code that uses them reads as Linux unless it shows the markers
# of a firmware that borrows the kernel's headers (``not_linux``, learned below)
KERNEL_INCLUDE_PREFIXES = ("linux/", "asm/", "net/", "uapi/")


def _kernelish(text: str) -> list[str] | None:
    incs = _INCLUDE_RE.findall(text[:_MAX_CHARS])
    return incs if any(i.startswith(KERNEL_INCLUDE_PREFIXES) for i in incs) else None


_COMMENT_RE = re.compile(r"/\*.*?(\*/|\Z)|//[^\n]*", re.S)


@functools.lru_cache(maxsize=4)
def code_identifiers(text: str) -> frozenset[str]:
    """The identifiers of a C text outside its comments (licence and prose words are not markers)."""
    return frozenset(_IDENT_RE.findall(_COMMENT_RE.sub(" ", text[:_MAX_CHARS])))


def marker_keys(text: str, includes: list[str]) -> set[str]:
    """Keys a not-Linux marker is learned over: whole identifiers (``=name``, outside comments) and includes
    (``inc=path``), and their prefix keys."""
    keys: set[str] = set()
    for ident in code_identifiers(text):
        if len(ident) >= 4:
            keys.add("=" + ident)
            keys.update(ident_keys(ident))
    for inc in set(includes):
        keys.add("inc=" + inc)
        keys.update(include_keys(inc))
    return keys


class Lexicon:
    """Key → (domain, purity); ``lookup`` answers for an identifier, ``lookup_include`` for an include.

    ``not_linux``: keys (whole names, ``=name`` / ``inc=path``, or prefix keys) of the code that borrows
    the kernel's headers without being the kernel (boot loaders, secure firmware); see ``mine``."""

    def __init__(self, entries: dict[str, tuple[str, float]] | None = None, params: dict | None = None,
                 not_linux: dict[str, float] | None = None):
        self.entries = dict(entries or {})
        self.params = dict(params or {})
        self.not_linux = dict(not_linux or {})

    def not_linux_ident(self, ident: str) -> bool:
        nl = self.not_linux
        return bool(nl) and ("=" + ident in nl or any(k in nl for k in ident_keys(ident)))

    def not_linux_include(self, inc: str) -> bool:
        nl = self.not_linux
        return bool(nl) and ("inc=" + inc in nl or any(k in nl for k in include_keys(inc)))

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, ident: str) -> str | None:
        for k in ident_keys(ident):
            hit = self.entries.get(k)
            if hit is not None:
                return hit[0]
        return None

    def lookup_include(self, inc: str) -> str | None:
        for k in include_keys(inc):
            hit = self.entries.get(k)
            if hit is not None:
                return hit[0]
        return None

    def per_domain(self) -> dict[str, int]:
        return dict(sorted(Counter(d for d, _ in self.entries.values()).items()))

    # ------------------------------------------------------------------ persistence (inside the model JSON)
    def to_json(self) -> dict:
        return {"params": self.params, "per_domain": self.per_domain(),
                "entries": {k: [d, round(p, 4)] for k, (d, p) in sorted(self.entries.items())},
                "not_linux": {k: round(p, 4) for k, p in sorted(self.not_linux.items())}}

    @classmethod
    def from_json(cls, data: dict | None) -> "Lexicon":
        if not data:
            return cls()
        return cls({k: (str(v[0]), float(v[1])) for k, v in (data.get("entries") or {}).items()},
                   data.get("params") or {}, {k: float(v) for k, v in (data.get("not_linux") or {}).items()})

    @classmethod
    def from_model_json(cls, path: str | Path) -> "Lexicon":
        path = Path(path)
        if not path.is_file():
            return cls()
        try:
            return cls.from_json(json.loads(path.read_text()).get("lexicon"))
        except (ValueError, TypeError, AttributeError, IndexError):
            return cls()


def mine(files: Iterable[tuple[str, str, str]], params: MineParams | None = None,
         targets: Iterable[str] = TARGET_DOMAINS) -> Lexicon:
    """The lexicon of ``(text, domain, source)`` training files (see the module docstring)."""
    params = params or MineParams()
    targets = set(targets)
    n_dom: Counter = Counter()
    files_with: dict[str, Counter] = defaultdict(Counter)  # key -> domain -> files
    sources_with: dict[tuple[str, str], set] = defaultdict(set)  # (key, domain) -> sources
    kernelish: list[tuple[str, frozenset]] = []  # (source, marker keys) of files with kernel-style includes
    kernel_sources: set[str] = set()
    for text, domain, source in files:
        n_dom[domain] += 1
        if domain == "linux_kernel":
            kernel_sources.add(source)
        incs = _kernelish(text)
        if incs is not None:
            kernelish.append((source, frozenset(marker_keys(text, incs))))
        for k in file_keys(text):
            files_with[k][domain] += 1
            if domain in targets:
                sources_with[(k, domain)].add(source)
    entries: dict[str, tuple[str, float]] = {}
    for k, per in files_with.items():
        rates = {d: c / n_dom[d] for d, c in per.items()}
        best = max(rates, key=lambda d: (rates[d], d))
        if best not in targets or per[best] < params.min_files:
            continue
        if len(sources_with[(k, best)]) < params.min_sources:
            continue
        purity = rates[best] / sum(rates.values())
        if purity >= params.min_purity:
            entries[k] = (best, purity)
    return Lexicon(entries, {**params.to_dict(), "files": sum(n_dom.values()),
                             "files_per_domain": dict(sorted(n_dom.items())),
                             "kernel_sources": sorted(kernel_sources)},
                   mine_not_linux(kernelish, kernel_sources, params))


def mine_not_linux(kernelish: list[tuple[str, frozenset]], kernel_sources: set[str],
                   params: MineParams) -> dict[str, float]:
    """Markers of code that includes the kernel's headers without being the kernel: keys of the files with
    kernel-style includes in sources that are not kernel trees (a kernel tree: a source with
    ``linux_kernel`` files), kept like the domain keys (``min_files`` files from ``min_sources`` sources, a
    purity of ``min_purity`` on the two groups' file rates)."""
    n_fw = sum(1 for s, _ in kernelish if s not in kernel_sources)
    n_k = len(kernelish) - n_fw
    if not n_fw or not n_k:
        return {}
    fw: Counter = Counter()
    kern: Counter = Counter()
    srcs: dict[str, set] = defaultdict(set)
    for source, keys in kernelish:
        if source in kernel_sources:
            kern.update(keys)
        else:
            fw.update(keys)
            for k in keys:
                srcs[k].add(source)
    out = {}
    for k, c in fw.items():
        if c < params.min_files or len(srcs[k]) < params.min_sources:
            continue
        rf, rk = c / n_fw, kern[k] / n_k
        purity = rf / (rf + rk)
        if purity >= params.min_purity:
            out[k] = purity
    return out


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the default model (inside ``default_model.json``; empty without one)."""
    return Lexicon.from_model_json(Path(__file__).resolve().parent / "default_model.json")
