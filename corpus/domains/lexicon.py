"""Learned API-prefix evidence: which identifier and include prefixes belong to one domain.

The rules (``rules.api_evidence``) once listed library prefixes by hand (a crypto library's
``xxx_*`` names, a USB stack's ``yyy_*`` names ...). A rule may not name a vendor, a part, a
library or a file, so those lists are *learned* instead, at training time, from the labelled
training files (``mine``):

* keys of an identifier: its first ``_``-separated token and its first two, case kept
  (``foo_bar_baz`` → ``foo_`` and ``foo_bar_``; leading underscores stay with the first token),
  and the head of a camel-case first token (``FooBar_x`` → ``Foo*``);
* the family name of an identifier's first token, the letters before its first digit
  (``abc12x_init`` → ``abc#``): the members of a part family share it where their full names differ
  (a single trailing digit is an instance number, ``UART1``, and gives no family key);
* keys of an ``#include``: its first folder (``inc:foo/``), its inner folders (``inc:*/bar/``), the
  first ``_`` token or camel head of its file name (``inc:foo_``, ``inc:Foo*``) and the family names
  of its file name and folders (``inc:abc#``); an inner folder named with dashes also by each word
  (``asm/mach-foo/x.h`` → ``inc:*/foo/``);
* a key is kept for a domain when the training files that contain it are concentrated there:
  in at least ``min_files`` files of that domain from at least ``min_sources`` distinct sources,
  and a *purity* of at least ``min_purity`` — the domain's share of the key's per-domain file
  rates (files with the key / files of the domain), so a large class does not win by size.

Only the topical domains that API evidence decides (``TARGET_DOMAINS``) are learned; the other
classes still count in the purity. A domain whose training sources are mostly applications of its
API (``STRICT_DOMAINS``: Zephyr) keeps a key only when more sources share it, spread over their
folders, so that one application's own names do not qualify.

*Family stems* (``stems``) carry a part-family name beyond the spellings the training files show: a learned
family key (``abc#`` or ``inc:abc#``, at least ``MIN_STEM`` letters) whose domain's files show at least
``MIN_MEMBERS`` members of the family (``abc6``, ``abc7x``, ``abc8y``) also matches a longer word that begins
with it (``abcrt_gpio_init``, ``hardware/abcrt_ccm.h``, the sub-family the training files never had), unless the
training files show such longer words in other domains (the probe key ``abc~`` in ``min_files`` files at a purity
under ``min_purity``); and it matches the bare word (``abc_init``, ``abc-regs.h``: key ``abc=``) when its domain's
files use it so, by the same purity test. A name two domains learn is no one's stem.

*Register-block keys* (``blocks``) are learned the same way, over identifiers only, for the domains decided by the
shape of a register header and the names in it (``BLOCK_DOMAINS``): the prefixes of the register and field names of
one kind of hardware (its blocks: ``ABC_``, ``ABC_DEF_``, ``mmABC_``), concentrated in that domain's training files
against every other domain's, from several sources. Register names of one hardware lineage keep their block names
across generations and header styles (``#define`` maps, generated offset/mask headers, bit-field structs, packet
headers), where their spelling (``mm`` prefixes, ``__SHIFT`` suffixes, ``R_xxxxxx_`` fields) is one generator's. They
are never API evidence: the rules count them only to tell such a register header from any other
(``rules.block_hits``).

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
TARGET_DOMAINS = ("stm32_hal", "infineon_aurix", "nxp_imx", "crypto", "usb_stack", "wireless_ble_wifi", "zephyr_rtos")
# Domains whose training sources are mostly *applications* of the API they stand for: a key must be shared more
# widely to count as the API's rather than one application's own name. Measured 2026-12-06 (round 5, dev): with
# the ordinary thresholds the Zephyr applications' own names (``HTTP_``, ``cloud_``, ``date_``) looked pure and made
# Zephyr the sink for OS-like C. Here a key needs ``min_sources`` sources and, in ``min_spread_sources`` of them,
# files in at least two folders (an application's own module sits in one folder; the kernel API is used everywhere).
STRICT_DOMAINS = {"zephyr_rtos": {"min_sources": 4, "min_spread_sources": 3, "min_purity": 0.95}}
# Domains of register headers told apart by the block names of their registers (``Lexicon.blocks``), not by API
# evidence: issue 20 round 10 replaced a hand-written name-shape test (one header generator's spelling) by them.
BLOCK_DOMAINS = ("amd_gpu_registers",)

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.M)
_CAMEL_HEAD_RE = re.compile(r"[A-Z][a-z]+(?=[A-Z0-9])|[a-z]+(?=[A-Z])")
# a family name: the letters before the first digit of a token (``abc12x`` -> ``abc#``): the members of a
# part family share it where their full names differ
# (a single trailing digit is an instance number, ``UART1``/``SERIAL2``, not a family: no key)
_FAMILY_RE = re.compile(r"([A-Za-z]{2,})(?![0-9](?![A-Za-z0-9]))[0-9]")
_MAX_CHARS = 200_000
# the leading letters of a token (``abcde12_x`` -> ``abcde``): where a learned family name is looked for as a prefix
_LEAD_RE = re.compile(r"[A-Za-z]+")
_WORD_SPLIT_RE = re.compile(r"[-_./]+")
# a family name is tried as the prefix of a longer leading-letters run from this length on, when the training files
# of its domain show at least this many members of the family (``abc6``, ``abc7x``, ``abc8y`` ...)
MIN_STEM = 3
MIN_MEMBERS = 3
_MEMBER_RE = re.compile(r"([A-Za-z]{%d,})[0-9][A-Za-z0-9]*" % MIN_STEM)


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


# how many inner positions of a name are tried for a block key (``X_ABC_DEF`` -> ``*ABC_``, ``*ABC_DEF_``, ``*DEF_``)
_MAX_INNER = 3


def inner_keys(ident: str) -> tuple[str, ...]:
    """Register-block keys of the names *inside* an identifier (``*ABC_``, ``*ABC_DEF_``): the one- and two-token keys
    of the rest of the name after each of its first ``_`` separators. A register's block name often follows a prefix
    (an address, a bank or a header style's marker), which these reach without knowing the prefix's shape."""
    parts = ident.strip("_").split("_")
    keys = []
    for i in range(1, min(len(parts) - 1, _MAX_INNER + 1)):
        first, second = parts[i], parts[i + 1]
        if not first or not second or not first[0].isalpha():
            continue
        keys.append(f"*{first}_")
        if i + 2 < len(parts) and parts[i + 2]:
            keys.append(f"*{first}_{second}_")
    return tuple(keys)


def block_keys(ident: str) -> tuple[str, ...]:
    """All register-block keys of an identifier: its own lexicon keys, then those of the names inside it."""
    return ident_keys(ident) + inner_keys(ident)


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
    # an inner folder named with dashes also counts by each word (``a/b-c/x.h`` -> ``inc:*/c/``)
    keys += [f"inc:*/{w}/" for d in folders[1:] if "-" in d for w in d.split("-") if len(w) >= 3]
    for part in folders + [name]:
        for m in _FAMILY_RE.finditer(part):
            if m.start() == 0 or not part[m.start() - 1].isalpha():
                keys.append(f"inc:{m.group(1)}#")
    return tuple(dict.fromkeys(keys))


def _lead_letters(token: str) -> str:
    m = _LEAD_RE.match(token)
    return m.group(0) if m is not None else ""


def _lead(token: str) -> str:
    m = _LEAD_RE.match(token)
    return m.group(0).lower() if m is not None else ""


def stem_probe_keys(lead: str, whole: bool) -> tuple[str, ...]:
    """``s~`` for every proper prefix ``s`` (at least ``MIN_STEM`` letters) of a leading-letters run, and ``s=`` for
    the run itself when it is the whole word (``whole``): the keys that say how pure a family name stays as the
    prefix of longer words (``abcxy`` -> ``abc~``, ``abcx~``) and as a word of its own (``abc_init`` -> ``abc=``)."""
    keys = tuple(f"{lead[:k]}~" for k in range(MIN_STEM, min(len(lead), 9)))
    return keys + (f"{lead}=",) if whole and len(lead) >= MIN_STEM else keys


def _first_token(ident: str) -> str:
    parts = ident.lstrip("_").split("_")
    return parts[0] if len(parts) >= 2 and parts[0] and parts[1] else ""


def _include_words(inc: str) -> list[str]:
    return [w for w in _WORD_SPLIT_RE.split(inc.strip().rsplit(".", 1)[0]) if w]


def probe_keys(text: str) -> set[str]:
    """The ``s~`` keys of a document: of the first tokens of its identifiers and of the words of its includes."""
    text = text[:_MAX_CHARS]
    keys: set[str] = set()
    for first in {_first_token(i) for i in set(_IDENT_RE.findall(text))}:
        lead = _lead(first)
        keys.update(stem_probe_keys(lead, len(lead) == len(first)))
    for inc in set(_INCLUDE_RE.findall(text)):
        for w in _include_words(inc):
            lead = _lead(w)
            keys.update(stem_probe_keys(lead, len(lead) == len(w)))
    return keys


def family_members(text: str) -> set[tuple[str, str]]:
    """``(family name, member)`` pairs of a document, lower-cased: the first tokens of its identifiers and the words
    of its includes that are a family name followed by a digit (``abc6x_init`` -> ``("abc", "abc6x")``)."""
    text = text[:_MAX_CHARS]
    words = {_first_token(i) for i in set(_IDENT_RE.findall(text))}
    for inc in set(_INCLUDE_RE.findall(text)):
        words.update(_include_words(inc))
    out = set()
    for w in words:
        m = _MEMBER_RE.match(w.lstrip("_"))
        if m is not None:
            out.add((m.group(1).lower(), m.group(0).lower()))
    return out


def file_keys(text: str) -> set[str]:
    """All lexicon keys a document shows (each counted once per file when mining)."""
    text = text[:_MAX_CHARS]
    keys: set[str] = set()
    for ident in set(_IDENT_RE.findall(text)):
        keys.update(ident_keys(ident))
    for inc in set(_INCLUDE_RE.findall(text)):
        keys.update(include_keys(inc))
    return keys


def block_file_keys(text: str) -> set[str]:
    """The inner register-block keys a document shows (``inner_keys`` of its identifiers; see ``mine``)."""
    keys: set[str] = set()
    for ident in set(_IDENT_RE.findall(text[:_MAX_CHARS])):
        keys.update(inner_keys(ident))
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
                 not_linux: dict[str, float] | None = None, stems: dict[str, str] | None = None,
                 blocks: dict[str, str] | None = None):
        self.entries = dict(entries or {})
        self.blocks = dict(blocks or {})
        self._block_memo: dict[str, str | None] = {}  # identifiers recur across documents: looked up once
        # a cheap pre-test (speed): the tokens and heads a block key is made of; a name showing none of them has none
        self._block_lead, self._block_inner, heads, fams = set(), set(), set(), set()
        for k in self.blocks:
            if k.startswith("*"):
                self._block_inner.add(k[1:].split("_", 1)[0])
            elif k.endswith("*"):
                heads.add(k.lstrip("_")[:-1])
            elif k.endswith("#"):
                fams.add(k.lstrip("_")[:-1])
            else:
                self._block_lead.add(k.lstrip("_").split("_", 1)[0])
        self._block_heads, self._block_fams = tuple(sorted(heads)), fams
        self.params = dict(params or {})
        self.not_linux = dict(not_linux or {})
        self.stems = dict(stems or {})
        self._stem_lens = sorted({len(k) for k in self.stems if not k.endswith("=")}, reverse=True)

    def _stem(self, lead: str, whole: bool) -> str | None:
        """The domain of the longest learned family name that ``lead`` (lower-case leading letters of a word; the
        whole word when ``whole``) begins with, or is (``name=``: a family name learned to stand alone too)."""
        if whole and len(lead) >= MIN_STEM:
            hit = self.stems.get(lead + "=")
            if hit is not None:
                return hit
        for n in self._stem_lens:
            if n < len(lead):
                hit = self.stems.get(lead[:n])
                if hit is not None:
                    return hit
        return None

    def block(self, ident: str) -> str | None:
        """The domain whose register-block names ``ident`` begins with (most specific key first), or ``None``."""
        if not self.blocks or "_" not in ident:
            return None
        memo = self._block_memo
        if ident in memo:
            return memo[ident]
        parts = ident.lstrip("_").split("_", 4)
        if parts[0] not in self._block_lead and not any(t in self._block_inner for t in parts[1:4]) and \
                not (self._block_heads and parts[0].startswith(self._block_heads)) and \
                not (self._block_fams and _lead_letters(parts[0]) in self._block_fams):
            return None
        hit = None
        for k in block_keys(ident):
            hit = self.blocks.get(k)
            if hit is not None:
                break
        if len(memo) >= 1_000_000:
            memo.clear()
        memo[ident] = hit
        return hit

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
        if self.stems:
            first = _first_token(ident)
            if first:
                lead = _lead(first)
                return self._stem(lead, len(lead) == len(first))
        return None

    def lookup_include(self, inc: str) -> str | None:
        for k in include_keys(inc):
            hit = self.entries.get(k)
            if hit is not None:
                return hit[0]
        for w in _include_words(inc) if self.stems else ():
            lead = _lead(w)
            hit = self._stem(lead, len(lead) == len(w))
            if hit is not None:
                return hit
        return None

    def per_domain(self) -> dict[str, int]:
        return dict(sorted(Counter(d for d, _ in self.entries.values()).items()))

    # ------------------------------------------------------------------ persistence (inside the model JSON)
    def to_json(self) -> dict:
        return {"params": self.params, "per_domain": self.per_domain(),
                "entries": {k: [d, round(p, 4)] for k, (d, p) in sorted(self.entries.items())},
                "not_linux": {k: round(p, 4) for k, p in sorted(self.not_linux.items())},
                "stems": dict(sorted(self.stems.items())), "blocks": dict(sorted(self.blocks.items()))}

    @classmethod
    def from_json(cls, data: dict | None) -> "Lexicon":
        if not data:
            return cls()
        return cls({k: (str(v[0]), float(v[1])) for k, v in (data.get("entries") or {}).items()},
                   data.get("params") or {}, {k: float(v) for k, v in (data.get("not_linux") or {}).items()},
                   {str(k): str(v) for k, v in (data.get("stems") or {}).items()},
                   {str(k): str(v) for k, v in (data.get("blocks") or {}).items()})

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
         targets: Iterable[str] = TARGET_DOMAINS, block_domains: Iterable[str] = BLOCK_DOMAINS) -> Lexicon:
    """The lexicon of ``(text, domain, source[, path])`` training files (see the module docstring; the path, when
    given, is what the stricter rule of ``STRICT_DOMAINS`` counts folders by)."""
    params = params or MineParams()
    targets = set(targets)
    block_domains = set(block_domains) - targets
    learned = targets | block_domains
    n_dom: Counter = Counter()
    files_with: dict[str, Counter] = defaultdict(Counter)  # key -> domain -> files
    sources_with: dict[tuple[str, str], set] = defaultdict(set)  # (key, domain) -> sources
    folders_with: dict[tuple[str, str], set] = defaultdict(set)  # (key, strict domain) -> (source, folder)
    kernelish: list[tuple[str, frozenset]] = []  # (source, marker keys) of files with kernel-style includes
    kernel_sources: set[str] = set()
    members: dict[tuple[str, str], set] = defaultdict(set)  # (family name, domain) -> members seen
    for item in files:
        text, domain, source = item[:3]
        folder = item[3].rsplit("/", 1)[0] if len(item) > 3 and "/" in item[3] else ""
        n_dom[domain] += 1
        if domain == "linux_kernel":
            kernel_sources.add(source)
        incs = _kernelish(text)
        if incs is not None:
            kernelish.append((source, frozenset(marker_keys(text, incs))))
        for k in file_keys(text) | probe_keys(text) | (block_file_keys(text) if block_domains else set()):
            files_with[k][domain] += 1
            if domain in learned:
                sources_with[(k, domain)].add(source)
                if domain in STRICT_DOMAINS:
                    folders_with[(k, domain)].add((source, folder))
        if domain in targets:
            for fam, member in family_members(text):
                members[(fam, domain)].add(member)
    entries: dict[str, tuple[str, float]] = {}
    blocks: dict[str, str] = {}
    for k, per in files_with.items():
        if k.endswith(("~", "=")):
            continue
        rates = {d: c / n_dom[d] for d, c in per.items()}
        best = max(rates, key=lambda d: (rates[d], d))
        if best not in learned or per[best] < params.min_files or (k.startswith("*") and best not in block_domains):
            continue
        if best in block_domains:  # a register-block key: identifier keys only, by the ordinary thresholds
            if not k.startswith("inc:") and len(sources_with[(k, best)]) >= params.min_sources and \
                    rates[best] / sum(rates.values()) >= params.min_purity:
                blocks[k] = best
            continue
        if len(sources_with[(k, best)]) < params.min_sources:
            continue
        purity = rates[best] / sum(rates.values())
        strict = STRICT_DOMAINS.get(best)
        if strict is not None:
            spread = Counter(src for src, _ in folders_with[(k, best)])
            if len(sources_with[(k, best)]) < strict["min_sources"] or purity < strict["min_purity"] or \
                    sum(1 for c in spread.values() if c >= 2) < strict["min_spread_sources"]:
                continue
        if purity >= params.min_purity:
            entries[k] = (best, purity)
    stems = mine_stems(entries, files_with, n_dom, params, members)
    return Lexicon(entries, {**params.to_dict(), "files": sum(n_dom.values()),
                             "files_per_domain": dict(sorted(n_dom.items())),
                             "kernel_sources": sorted(kernel_sources)},
                   mine_not_linux(kernelish, kernel_sources, params), stems, blocks)


def mine_stems(entries: dict[str, tuple[str, float]], files_with: dict[str, Counter], n_dom: Counter,
               params: MineParams, members: dict[tuple[str, str], set]) -> dict[str, str]:
    """Family names (learned ``abc#`` / ``inc:abc#`` keys of at least ``MIN_STEM`` letters) that also stand for their
    domain as the prefix of a longer word (``abcxy_init``, ``abc-regs.h``): kept unless the training files show that
    prefix in longer words of other domains (its ``abc~`` key in ``min_files`` files at a purity under ``min_purity``).
    """
    cands: dict[str, set] = defaultdict(set)
    for k, (dom, _) in entries.items():
        if k.endswith("#"):
            stem = (k[4:-1] if k.startswith("inc:") else k.lstrip("_")[:-1]).lower()
            if len(stem) >= MIN_STEM:
                cands[stem].add(dom)
    stems: dict[str, str] = {}
    for stem, doms in cands.items():
        if len(doms) != 1:  # a family name two domains share is no one's
            continue
        dom = next(iter(doms))
        if len(members.get((stem, dom), ())) < MIN_MEMBERS:
            continue  # one part (``abc32``) is a name, not a family
        for probe, key in ((f"{stem}~", stem), (f"{stem}=", f"{stem}=")):
            per = files_with.get(probe, Counter())
            if probe.endswith("=") and per[dom] < params.min_files:
                continue  # standing alone, a family name must show it in its own domain's files
            if sum(per.values()) >= params.min_files:
                rates = {d: c / n_dom[d] for d, c in per.items()}
                if rates.get(dom, 0.0) / sum(rates.values()) < params.min_purity:
                    continue
            stems[key] = dom
    return stems


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
