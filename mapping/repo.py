"""Repository level of the mapping: folder roles, part numbers, lexical profiles and pruning.

A whole kernel tree has tens of thousands of files; a datasheet concerns a handful. The search is
pruned before any symbol work: files that name the datasheet's part number (``bme280``,
``mpu-6050``, ``ds3231`` for a DS3231M) are the seeds, their folders and the headers they include
are the candidates. A datasheet whose part number no file names falls back to folder lexical
profiles (how many of the datasheet's register names a folder's macros spell).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence

from firmcorpus.parsers.cexpr import evaluate
from firmcorpus.parsers.includes import resolve_include, suffix_index
from firmcorpus.parsers.models import CodeFile, Datasheet

from .constants import language_of, module_includes
from .names import register_tokens, split_identifier

# ----------------------------------------------------------------------------- folder roles

# (role, path components that give it). First match from the deepest component wins.
_ROLE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("tests", frozenset({"test", "tests", "testing", "unittest", "unittests", "selftests", "ztest"})),
    ("examples", frozenset({"example", "examples", "demo", "demos", "sample", "samples", "projects", "apps"})),
    ("docs", frozenset({"doc", "docs", "documentation", "manual"})),
    ("generated", frozenset({"generated", "autogen", "gen", "build", "out"})),
    ("third_party", frozenset({"third_party", "thirdparty", "3rdparty", "vendor", "vendors", "external",
                               "extern", "deps", "contrib", "middlewares"})),
    ("cmsis", frozenset({"cmsis", "device", "devices", "startup", "svd", "core_cm"})),
    ("hal", frozenset({"hal", "ll", "hal_driver", "stdperiph", "periph", "peripherals", "mcal", "illd", "sdk"})),
    ("bsp", frozenset({"bsp", "board", "boards", "platform", "platforms", "mach", "soc", "variants"})),
    ("rtos", frozenset({"rtos", "freertos", "zephyr", "threadx", "rtx", "nuttx", "kernel", "os", "sched"})),
    ("drivers", frozenset({"driver", "drivers", "drv", "iio", "rtc", "hwmon", "pwm", "input", "sensor",
                           "sensors", "i2c", "spi"})),
)
ROLES = tuple(r for r, _ in _ROLE_WORDS) + ("source",)
# Roles whose files rarely hold the implementation a datasheet describes.
SECONDARY_ROLES = frozenset({"tests", "examples", "docs", "generated", "third_party"})


def folder_role(path: str) -> str:
    """Role of a folder (or of a file's folder) from its path components, deepest first."""
    parts = [p.lower() for p in path.strip("/").split("/") if p]
    for comp in reversed(parts):
        for role, words in _ROLE_WORDS:
            if comp in words or (role == "hal" and re.search(r"(^|_)hal(_|$)|_ll$|hal_driver", comp)) \
                    or (role == "cmsis" and comp.startswith("cmsis")):
                return role
    return "source"


def folder_of(path: str) -> str:
    return posixpath.dirname(path) or "."


# ----------------------------------------------------------------------------- part numbers

_PART_RE = re.compile(r"\b([A-Z]{2,5}-\d{3,6}[A-Z]{0,3}|[A-Z][A-Z0-9]{2,13})\b")
# Part-number-like tokens that are standards, packages or buses rather than products.
_NOT_PARTS = frozenset({"iso9001", "jesd22", "aecq100", "q100", "ieee754", "ieee1149", "rfc1321", "iec61000",
                        "en61000", "ansi", "usb2", "usb3", "ddr3", "ddr4", "lpddr4", "cmos", "rohs"})


def _looks_like_part(tok: str) -> bool:
    """``BME280``, ``MPU-6050``, ``DS3231M``, ``L3GD20H`` yes; ``LED15``, ``QFN24``, ``I2C`` no."""
    core = tok.replace("-", "").lower()
    digits = sum(c.isdigit() for c in core)
    letters = len(core) - digits
    interleaved = bool(re.search(r"\d[a-z]+\d", core))
    # a number group that starts with 0 is a document or revision number (BST-BME280-DS001)
    doc_number = bool(re.search(r"(?<!\d)0\d", core))
    return 4 <= len(core) <= 14 and letters >= 1 and (digits >= 3 or (digits >= 2 and interleaved)) \
        and core not in _NOT_PARTS and not core.startswith("0x") and not doc_number


_TITLE_PART = re.compile(r"[a-z]{2,6}\d{1,2}[a-z]{1,4}\d{0,2}|[a-z]{3,6}\d{2}")
# revisions, document kinds, figure/table numbers and packages (QFN24, TSSOP20) are not parts
_NOT_TITLE_PARTS = re.compile(r"^(rev|ver|ds|an|um|rm|page|table|fig|sec|qfn|dfn|tdfn|sot|soic|sop|ssop|tssop|msop"
                              r"|lga|hlga|bga|lqfp|tqfp|qfp|wlcsp|csp|pdip|dip|son|wson|uson|plcc)\d")


def _looks_like_title_part(tok: str) -> bool:
    """In a title or on the first page a part number may carry one digit (``LIS3DH``, ``LIS3MDL``):
    letters, one or two digits, letters again."""
    core = tok.replace("-", "").lower()
    return 5 <= len(core) <= 10 and bool(_TITLE_PART.fullmatch(core)) and not _NOT_TITLE_PARTS.match(core) \
        and core not in _NOT_PARTS


_SIBLING_TAIL = re.compile(r"/(\d{1,3})(?![\w.])")


def _sibling_tails(text: str, at: int) -> list[str]:
    """The ``/51/52`` after a part number at ``at``: its siblings' last digits."""
    out = []
    while len(out) < 6:
        m = _SIBLING_TAIL.match(text, at)
        if not m:
            break
        out.append(m.group(1))
        at = m.end()
    return out


def part_numbers(datasheet: Datasheet, texts: Mapping[str, str] | None = None, top: int = 4) -> list[str]:
    """Part numbers the datasheet is about, most frequent first (lower case, no separators).

    Read from the title (counted heavily), the source file name and the section texts (page
    footers repeat the part number on every page)."""
    counts: Counter[str] = Counter()
    blobs: list[tuple[str, int]] = [(datasheet.title or "", 25)]
    src = posixpath.basename(str(datasheet.source or "")).rsplit(".", 1)[0]
    blobs.append((re.sub(r"[_.]+", " ", src).upper(), 5))
    for s in datasheet.sections[:400]:
        first = (s.page_start or 0) <= 1
        blobs.append((s.title, 5 if first else 2))
        if s.text:
            blobs.append((s.text[:20000], 3 if first else 1))
    if texts:
        for t in list(texts.values())[:200]:
            blobs.append((t[:20000], 1))
    # peripheral instances (I2C0, TIM16) are not the part
    periph = {p.name.lower().replace("-", "") for p in datasheet.peripherals}
    reg_periph = {(r.peripheral or "").lower() for r in datasheet.registers[:5000]}
    if len(reg_periph) > 1 or datasheet.peripherals:
        periph |= reg_periph  # (one name over every register is the chip itself)
    # nor are the datasheet's own register and field names (``CTRL_REG1``, ``ADC12``)
    periph |= {re.sub(r"[-_ ]", "", n.lower()) for r in datasheet.registers[:5000]
               for n in (r.name, *(f.name for f in r.fields))}
    for text, w in blobs:
        for m in _PART_RE.finditer(text.upper() if w >= 5 else text):
            tok = m.group(1)
            key = tok.lower().replace("-", "")
            # a group inside a hyphenated document code (``MB85RS64V-DS501-00015``) or a document
            # number (``DS20001952C``) is not a part
            inner = m.start() > 0 and text[m.start() - 1] == "-" and text[m.end():m.end() + 1] == "-"
            if inner or re.match(r"ds\d{5,}", key):
                continue
            if (_looks_like_part(tok) or (w >= 3 and _looks_like_title_part(tok))) and key not in periph:
                counts[key] += w
                # ``QK3150/51/52``: the siblings a title or first page lists by their last digits
                for tail in (_sibling_tails(text, m.end()) if w >= 3 else ()):
                    if key[-len(tail) - 1:-len(tail)].isdigit():
                        counts[key[:-len(tail)] + tail] += w
    if not counts:
        return []
    best = counts.most_common(1)[0][1]
    keep = [t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= max(3, 0.2 * best)]
    return keep[:top]


def part_variants(parts: Sequence[str]) -> dict[str, float]:
    """Spellings to look for in code, with a weight: the part itself (1.0) and the part without
    a trailing variant letter (0.7: ``ds3231m`` → ``ds3231``, ``l3gd20h`` → ``l3gd20``)."""
    out: dict[str, float] = {}
    for i, p in enumerate(parts):
        w = 1.0 if i == 0 else 0.8
        out[p] = max(out.get(p, 0), w)
        m = re.fullmatch(r"(.*\d)([a-z]{1,2})", p)
        if m and len(m.group(1)) >= 4:
            out.setdefault(m.group(1), 0.7 * w)
    return out


def part_regex(variants: Mapping[str, float]) -> re.Pattern[str] | None:
    """One regex matching every variant in *lower-case* text, with an optional ``-``/``_``/space
    between a leading letter group and the number (``mpu6050``, ``mpu-6050``, ``mpu_6050``), not
    inside a longer alphanumeric word (``ina219`` must not match ``ina2190``). Case-sensitive on
    purpose: a pattern with a literal prefix is scanned far faster than an IGNORECASE one. A
    datasheet naming a family with an ``x`` wildcard after a digit (``qk315x``, ``mma845xq``)
    matches each member (``qk3150``)."""
    if not variants:
        return None

    def lit(t: str) -> str:
        return "[0-9a-z]".join(re.escape(p) for p in _WILD_X.split(t))

    alts = []
    for v in sorted(variants, key=lambda s: (-len(s), s)):
        m = re.fullmatch(r"([a-z]+)(\d.*)", v)
        alts.append(re.escape(m.group(1)) + "[-_ ]?" + lit(m.group(2)) if m else lit(v))
    return re.compile(r"(?<![a-z0-9])(" + "|".join(alts) + r")(?![0-9])")


_WILD_X = re.compile(r"(?<=\d)x")


@lru_cache(maxsize=64)
def _spellings(variants: tuple[str, ...]) -> tuple[str, ...]:
    """Every lower-case spelling ``part_regex`` accepts, as plain strings (``bme280``, ``bme-280``,
    ``bme_280``, ``bme 280``) for a substring test before the regex."""
    out = set()
    for v in variants:
        v = _WILD_X.split(v)[0]  # a family wildcard: the spelling up to it
        m = re.fullmatch(r"([a-z]+)(\d.*)", v)
        out.add(v)
        if m:
            out.update(m.group(1) + sep + m.group(2) for sep in "-_ ")
    return tuple(sorted(out))


def part_hits(pattern: re.Pattern[str] | None, variants: Mapping[str, float], path: str, text: str) -> float:
    """Weighted count of part-number mentions in a file's path and text (path hits count 5×)."""
    if pattern is None:
        return 0.0
    # substring tests first (~100x faster than the regex): most files name no spelling at all
    spellings = _spellings(tuple(sorted(variants)))
    path, text = path.lower(), text.lower()
    score = _wild_path_hits(variants, path)
    if not any(sp in text or sp in path for sp in spellings):
        return score
    for m in pattern.finditer(path):
        score += 5 * variants.get(re.sub(r"[-_ ]", "", m.group(1)), 0.5)
    for m in pattern.finditer(text):
        score += variants.get(re.sub(r"[-_ ]", "", m.group(1)), 0.5)
    return score


# ----------------------------------------------------------------------------- profiles and pruning


@dataclass
class FolderProfile:
    path: str
    role: str
    files: list[str] = field(default_factory=list)
    part_score: float = 0.0
    register_hits: int = 0  # datasheet register names its macros spell
    score: float = 0.0


def _part_words(path: str) -> set[str]:
    stem = posixpath.basename(path).rsplit(".", 1)[0].lower()
    return {w for w in re.split(r"[^a-z0-9]+", stem) if _looks_like_part(w) or re.fullmatch(r"[a-z]+\d+[a-z]*x+", w)}


# Path words that name no subsystem: they are shared by unrelated folders of a tree.
_PLAIN_DIRS = frozenset({"include", "inc", "src", "source", "sources", "lib", "libs", "drivers", "driver", "linux",
                         "common", "core", "api", "public", "private", "uapi", "asm", "arch", "kernel", "sys", "utils",
                         "util", "misc", "generic", "main", "hal", "bsp", "platform", "."})


def _subsystem(path: str) -> set[str]:
    return {c.lower() for c in folder_of(path).split("/") if c.lower() not in _PLAIN_DIRS}


def register_name_keys(datasheet: Datasheet, parts: Iterable[str]) -> set[str]:
    pt = frozenset(t for p in parts for t in split_identifier(p))
    keys = set()
    for r in datasheet.registers:
        toks = register_tokens(r.name, pt)
        if len("".join(toks)) >= 3:
            keys.add("".join(toks))
    return keys


def prune(datasheet: Datasheet, files: Sequence[CodeFile], texts: Mapping[str, str] | None,
          parts: Sequence[str], max_folders: int = 12,
          includes_of: Callable[[str], tuple[list[str], set[str]]] | None = None) -> tuple[list[CodeFile], list[FolderProfile], dict[str, float]]:
    """Candidate files for the datasheet, the folder profiles behind the choice, and each
    candidate's part-number score.

    Seeds are files that name the part; candidates are the seeds, the files of the seed folders
    whose names share a part-like word with a seed's name, and the headers any of those include
    (two levels). Without seeds, folders
    are ranked by how many register names their macros spell and the best ones are kept."""
    texts = texts or {}
    variants = part_variants(parts)
    pattern = part_regex(variants)
    by_path = {f.path: f for f in files}
    paths = set(by_path)
    by_suffix = suffix_index(sorted(paths))

    folders: dict[str, FolderProfile] = {}
    for f in files:
        d = folder_of(f.path)
        prof = folders.get(d)
        if prof is None:
            prof = folders[d] = FolderProfile(path=d, role=folder_role(d))
        prof.files.append(f.path)

    part_score: dict[str, float] = {}
    for f in files:
        s = part_hits(pattern, variants, f.path, texts.get(f.path, ""))
        if s:
            part_score[f.path] = s
            folders[folder_of(f.path)].part_score += s

    selected: set[str] = set()
    if part_score:
        seeds = set(part_score)
        # a file named for exactly our part outranks the files beside it named for a shorter
        # spelling of it (``atmega328p.rs`` beside ``atmega328.rs``, ``l3gd20h.c`` beside
        # ``l3gd20.c``): those are the family's sibling part, not ours
        full = {v for v, w in variants.items() if w >= 1.0}
        exact_dirs = {folder_of(p) for p in seeds if _part_words(p) & full}
        if exact_dirs:
            # ... and the files beside it named for another part altogether (``bme280_priv.h``
            # beside ``bmp280_priv.h``) that mention ours only in passing
            seeds = {p for p in seeds if folder_of(p) not in exact_dirs or _part_words(p) & full
                     or not (_part_words(p) & set(variants)) and not names_other_part(p, variants)}
        # ... and, anywhere, files named for another part that never spell ours in full
        # (``ed498a2_regs.h`` reached through the shorter ``ed498``) when other seeds do: a
        # sibling part's map
        full_re = part_regex({v: 1.0 for v in full})
        kept = {p for p in seeds if not names_other_part(p, variants)
                or part_hits(full_re, {v: 1.0 for v in full}, p, texts.get(p, "") if texts else "")}
        if kept:
            seeds = kept
        selected |= seeds
        # siblings of a seed that share its part-like file-name word (bmp280-regmap.c beside
        # bmp280-core.c): driver files that never spell the part number themselves
        seed_words = defaultdict(set)
        for p in seeds:
            seed_words[folder_of(p)].update(_part_words(p))
        for d, words in seed_words.items():
            for p in folders[d].files:
                if _part_words(p) & words:
                    selected.add(p)
        selected |= definition_dispatched(seeds, paths, texts, by_suffix)
    else:
        keys = register_name_keys(datasheet, parts)
        if keys:
            for prof in folders.values():
                hit = set()
                for p in prof.files:
                    for s in by_path[p].symbols:
                        if s.kind in ("macro", "field", "enumerator"):
                            j = "".join(split_identifier(s.name))
                            # every suffix of the name against the key set: O(len) per symbol
                            hit.update(j[i:] for i in range(len(j) - 2) if j[i:] in keys)
                prof.register_hits = len(hit)
            ranked = sorted(folders.values(), key=lambda pr: (-pr.register_hits, pr.path))
            best = ranked[0].register_hits if ranked else 0
            for prof in ranked[:max_folders]:
                if prof.register_hits and prof.register_hits >= 0.3 * best:
                    selected.update(prof.files)
        if not selected:
            selected = set(paths)

    # C# files reach their registers through namespaces, not includes: the seeds' own namespaces
    # and the ones they import (``using N;``), two levels deep, less files named for another part
    namespaces = _namespace_index(paths, texts) if any(p.endswith(".cs") for p in selected) else {}
    frontier = {p for p in selected if p.endswith(".cs")}
    for _ in range(2):
        new: set[str] = set()
        for p in sorted(frontier):
            for ns in _namespaces_used(texts.get(p, "")):
                new.update(q for q in namespaces.get(ns, ()) if q not in selected and not names_other_part(q, variants))
        selected |= new
        frontier = new

    # headers the candidates include, two levels deep. A project header (``"..."``) always
    # counts; a system-style one (``<...>``) only when it lives in the includer's subsystem
    # (``<linux/iio/common/st_sensors.h>`` for an IIO driver, not ``<linux/regulator/consumer.h>``).
    frontier = set(selected)
    for _ in range(2):
        new = set()
        for p in sorted(frontier):
            if includes_of is not None:
                incs, angle = includes_of(p)
            else:
                f = by_path[p]
                incs, angle = f.includes, set(getattr(f, "angle_includes", ()) or ())
            for inc in incs:
                r = resolve_include(inc, p, by_suffix, paths)
                if not r or r in selected:
                    continue
                if inc in angle and folder_of(r) != folder_of(p) and not (_subsystem(r) & _subsystem(p)):
                    continue
                new.add(r)
        selected |= new
        frontier = new

    selected |= _accessor_users(selected, folders, texts, variants)

    for prof in folders.values():
        n_sel = sum(1 for p in prof.files if p in selected)
        prof.score = round(prof.part_score + prof.register_hits + 0.1 * n_sel, 3)
    profiles = sorted((pr for pr in folders.values() if any(p in selected for p in pr.files)),
                      key=lambda pr: (-pr.score, pr.path))
    cands = [by_path[p] for p in sorted(selected)]
    return cands, profiles, part_score


_FN_MACRO = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(", re.M)
_OBJ_MACRO_CALL = re.compile(r"^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*[ \t]+\(?[ \t]*([A-Za-z_]\w*)[ \t]*\(", re.M)


def _accessor_users(selected: set[str], folders: Mapping[str, FolderProfile], texts: Mapping[str, str],
                    variants: Mapping[str, float]) -> set[str]:
    """Files beside a candidate whose macros are calls of a function-like macro that a candidate
    defines and they do not (``#define SPCR IO_REG(0x0D)`` in spi.c, ``IO_REG`` in the candidate
    gpio.c): sources of one code base meant to be included after the candidate, which cannot be
    compiled alone and name no part themselves. Files named for another part stay out."""
    accessors = {m for p in selected for m in _FN_MACRO.findall(texts.get(p, ""))}
    if not accessors:
        return set()
    out: set[str] = set()
    for d in sorted({folder_of(p) for p in selected}):
        prof = folders.get(d)
        for p in prof.files if prof else ():
            if p in selected or names_other_part(p, variants):
                continue
            t = texts.get(p, "")
            if "define" not in t:
                continue
            own = set(_FN_MACRO.findall(t))
            if any(c in accessors and c not in own for c in _OBJ_MACRO_CALL.findall(t)):
                out.add(p)
    return out


_CS_NAMESPACE = re.compile(r"^[ \t]*namespace[ \t]+([\w.]+)", re.M)
_CS_USING = re.compile(r"^[ \t]*using[ \t]+(?:static[ \t]+)?([\w.]+)[ \t]*;", re.M)
MAX_NAMESPACE_FILES = 40  # a namespace shared by more files is a framework's, not one driver's


def _namespaces_used(text: str) -> set[str]:
    """Namespaces a C# file declares or imports."""
    return set(_CS_NAMESPACE.findall(text)) | set(_CS_USING.findall(text))


def _namespace_index(paths: Iterable[str], texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Declared namespace → the C# files that declare it (namespaces of a few files only)."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in sorted(paths):
        if p.endswith(".cs"):
            for ns in set(_CS_NAMESPACE.findall(texts.get(p, ""))):
                out[ns].append(p)
    return {ns: ps for ns, ps in out.items() if len(ps) <= MAX_NAMESPACE_FILES}


def _wild_path_hits(variants: Mapping[str, float], path: str) -> float:
    """A file named for a family of parts with ``x`` wildcards (``at89x52.h`` for the AT89S52 and
    AT89C52, ``bmx280``) names our part: a path hit, a little weaker than the part's own spelling."""
    stem = posixpath.basename(path).rsplit(".", 1)[0]
    if "x" not in stem:
        return 0.0
    score = 0.0
    for w in re.findall(r"[a-z]{2,5}[0-9x]*\d[0-9x]*", re.sub(r"[^a-z0-9]+", " ", stem)):
        if "x" in w:
            score += 4 * max((wt for v, wt in variants.items() if v != w and _wild_equal(w, v)), default=0.0)
    return score


def _wild_equal(word: str, part: str) -> bool:
    """``bmx280`` and ``bmxx80`` name ``bmp280`` (an ``x`` stands for any character); ``qk3150``
    is one of the datasheet's family ``qk315x`` (an ``x`` after a digit of the part)."""
    return len(word) == len(part) and all(a == b or a == "x" or b == "x" and i and part[i - 1].isdigit()
                                          for i, (a, b) in enumerate(zip(word, part)))


def names_other_part(path: str, variants: Mapping[str, float]) -> bool:
    """The file's name carries a part number (letters then two digits or more: ``Bme680Register``,
    ``bme680_heater``) that is none of ours, even with ``x`` wildcards."""
    stem = posixpath.basename(path).rsplit(".", 1)[0].lower()
    words = re.findall(r"[a-z]{2,5}\d{2}[0-9a-z]*", re.sub(r"[^a-z0-9]+", " ", stem))
    # family names with ``x`` wildcards in the number (``bmx280``, ``at89x52``; not the letters of ``xf626``)
    words += [a + b for a, b in re.findall(r"([a-z]{2,5}?)([0-9x]*\d[0-9x]*)", stem) if "x" in b]
    if not words or not variants:
        return False
    # ours when it starts with one of our spellings and goes on without a digit (``lis3dhtr``,
    # ``ds3231m``); a digit after it makes another part of the family (``ina2190``, ``lis3dh2``)
    return not any((w.startswith(v) or _wild_equal(w[:len(v)], v)) and not re.search(r"\d", w[len(v):])
                   for w in words for v in variants)


_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)


_COND_RE = re.compile(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")
_PART_MACRO_RE = re.compile(r"[A-Za-z0-9_]+")


def dispatched_includes(text: str, variants: Mapping[str, float]) -> list[tuple[str, str]]:
    """``#include``s of a text as (``<`` or ``"``, path), less those of a multi-device dispatch
    branch for another part: inside ``#if defined(__PART_A__)`` / ``#elif defined(__PART_B__)``
    chains, a branch whose condition names a part-like word that is none of ours is skipped when
    another branch of the chain names ours."""
    if not variants:
        return _INCLUDE_RE.findall(text)
    ours = {v.replace("-", "").replace("_", "") for v in variants}

    def parts_in(cond: str) -> set[str]:
        out = set()
        for w in _PART_MACRO_RE.findall(cond.lower()):
            for piece in [w.replace("_", "")] + [x for x in w.split("_") if x]:
                # a dispatch condition may name a series by a short number (``NRF51``, ``STM32F1``)
                if _looks_like_part(piece) or _looks_like_title_part(piece):
                    out.add(piece)
        # ``#if CHIP == 5500``: a chip selected by its bare number (three digits or more)
        out.update(n for n in re.findall(r"(?<![\w.])(\d{3,})(?![\w.])", cond) if len(n) <= 6)
        return out

    numbers = {m for o in ours for m in re.findall(r"\d{3,}", o)}

    def is_ours(words: set[str]) -> bool:
        return any(w in numbers if w.isdigit() else w == o or w.endswith(o) or o.endswith(w) and len(w) >= 4
                   for w in words for o in ours)

    # (chain: the parts each branch names, and the includes of each branch)
    out: list[tuple[str, str]] = []
    stack: list[dict] = []
    for line in text.splitlines():
        m = _COND_RE.match(line)
        if m:
            kind, cond = m.group(1), m.group(2)
            if kind in ("if", "ifdef", "ifndef"):
                stack.append({"branches": [(parts_in(cond) if kind != "ifndef" else set(), [])]})
            elif kind in ("elif", "else") and stack:
                stack[-1]["branches"].append((parts_in(cond) if kind == "elif" else set(), []))
            elif kind == "endif" and stack:
                chain = stack.pop()["branches"]
                named = [b for b in chain if b[0]]
                keep_all = not named or not any(is_ours(b[0]) for b in named)
                kept = [inc for words, incs in chain if keep_all or not words or is_ours(words) for inc in incs]
                (stack[-1]["branches"][-1][1] if stack else out).extend(kept)
            continue
        im = _INCLUDE_RE.match(line)
        if im:
            (stack[-1]["branches"][-1][1] if stack else out).append((im.group(1), im.group(2)))
    for chain in reversed(stack):  # an unterminated #if: keep what it holds
        out.extend(inc for _, incs in chain["branches"] for inc in incs)
    return out


_OBJ_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*([^\n]*)$", re.M)
_DEFINED = re.compile(r"\bdefined\b\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))")


def _branch_true(kind: str, cond: str, deciding: Mapping[str, str], known: Mapping[str, str]) -> bool | None:
    """A conditional directive's truth under the macros ``known`` when it names one of the
    ``deciding`` ones (None: it depends on something else)."""
    cond = re.sub(r"/\*.*?\*/|//.*", "", cond).strip()
    if kind in ("ifdef", "ifndef"):
        name = cond.split()[0] if cond else ""
        return (name in known) == (kind == "ifdef") if name in deciding else None
    names = set(re.findall(r"[A-Za-z_]\w*", _DEFINED.sub("", cond)))
    if not any(n in deciding for n in names) and not any((a or b) in deciding for a, b in _DEFINED.findall(cond)):
        return None  # the condition is about something the definition header does not say
    expr = _DEFINED.sub(lambda m: "1" if (m.group(1) or m.group(2)) in known else "0", cond)
    v = evaluate(expr, {k: (v or "1") for k, v in known.items()})
    return None if v is None else bool(v)


def definition_dispatched(seeds: Iterable[str], paths: set[str], texts: Mapping[str, str] | None,
                          by_suffix: Mapping[str, Sequence[str]]) -> set[str]:
    """Headers chosen for the part by a device-definition header: a seed header that defines
    the device's macros (``#define DEV_REV DEV_REV_A``) is included by a common header, which then
    includes the register map the definition selects (``#if DEV_REV == DEV_REV_A`` /
    ``#include "regmap_rev_a.h"``), a file that names no part. The includes of the branches whose
    condition the seed's macros decide, and make true, are candidates; branches about anything
    else are not followed."""
    if not texts:
        return set()
    headers = [p for p in seeds if p.rsplit(".", 1)[-1].lower() in ("h", "hpp", "hh", "hxx")]
    defs_of: dict[str, dict[str, str]] = {}
    for h in headers:
        d = {m.group(1): re.sub(r"/\*.*?\*/|//.*", "", m.group(2)).strip() for m in _OBJ_DEFINE.finditer(texts.get(h, ""))}
        if d:
            defs_of[h] = d
    if not defs_of:
        return set()
    out: set[str] = set()
    for q in sorted(paths):
        t = texts.get(q, "")
        if "#" not in t or "include" not in t:
            continue
        lines = t.splitlines()
        incs = [(i, resolve_include(m.group(2), q, by_suffix, paths)) for i, line in enumerate(lines)
                if (m := _INCLUDE_RE.match(line))]
        mine = [h for h in defs_of if any(r == h for _, r in incs)]
        if not mine:
            continue
        deciding = {k: v for h in mine for k, v in defs_of[h].items()}
        # (the includer's own definitions complete the conditions: ``#define DEV_REV_A 0xA``)
        known = {m.group(1): re.sub(r"/\*.*?\*/|//.*", "", m.group(2)).strip() for m in _OBJ_DEFINE.finditer(t)}
        known.update(deciding)
        # (state per open #if: a branch already taken, the current branch's truth)
        stack: list[list] = []
        inc_at = dict(incs)
        for i, line in enumerate(lines):
            m = _COND_RE.match(line)
            if m:
                kind, cond = m.group(1), m.group(2)
                if kind in ("if", "ifdef", "ifndef"):
                    v = _branch_true(kind, cond, deciding, known)
                    stack.append([bool(v), v])
                elif kind == "elif" and stack:
                    v = _branch_true("if", cond, deciding, known)
                    top = stack[-1]
                    top[1] = False if top[0] else v
                    top[0] = top[0] or bool(v)
                elif kind == "else" and stack:
                    top = stack[-1]
                    top[1] = None if top[1] is None and not top[0] else not top[0]
                    top[0] = True
                elif kind == "endif" and stack:
                    stack.pop()
                continue
            r = inc_at.get(i)
            if r and r not in mine and stack and all(st[1] is not False for st in stack) \
                    and any(st[1] is True for st in stack):
                out.add(r)
    return out


def prefilter(datasheet: Datasheet, texts: Mapping[str, str], parts: Sequence[str] | None = None) -> set[str] | None:
    """Paths worth parsing for this datasheet, read from raw texts before any parsing: the
    files ``prune`` would keep, with ``#include``s read by a regex. ``None`` when no file names
    the part number (the caller must then parse everything and let ``prune`` rank folders by
    their register-name profiles). This is what makes a whole kernel tree map in minutes."""
    parts = list(parts) if parts is not None else part_numbers(datasheet)
    variants = part_variants(parts)
    pattern = part_regex(variants)
    if pattern is None or not any(part_hits(pattern, variants, p, t) for p, t in texts.items()):
        return None
    stubs = [CodeFile(path=p, language="c") for p in texts]

    def includes_of(path: str) -> tuple[list[str], set[str]]:
        # read only for the files the pruning reaches, not for all of a 20k-file tree
        t = texts.get(path, "")
        lang = language_of(path)
        if lang is not None:
            return module_includes(t, lang), set()
        incs = dispatched_includes(t, variants) if "include" in t else []
        return [i for _, i in incs], {i for k, i in incs if k == "<"}

    cands, _, _ = prune(datasheet, stubs, texts, parts, includes_of=includes_of)
    return {c.path for c in cands}
