"""Identifier and register-name normalisation, and the name similarity used for links.

Register names come from datasheets ("Alarm 1 Seconds", "ctrl_meas", "WHO_AM_I"), symbols from
code ("DS1339_REG_ALARM1_SECS", "BMP280_REG_CTRL_MEAS", "ST_SENSORS_DEFAULT_WAI_ADDRESS"). Both are
split into lower-case tokens; the code side drops its *family prefix* (the leading tokens its file
repeats on most macros, e.g. ``inv mpu 6050 reg``) and generic words (``reg``, ``addr``). Tokens are
then aligned allowing abbreviations (``secs``/``seconds``, ``smplrt``/``sample rate``), merged
tokens (``whoami``/``who am i``) and acronyms (``wai``/``who am i``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z0-9])(?=[A-Z][a-z])")
_TRAIL_DIGITS = re.compile(r"^([a-z]+)(\d+)$")
_PART = re.compile(r"^[a-z]{1,6}\d{2,}[a-z0-9]*$|^\d+[a-z]+\d*$")

# Words that say "this is a register/address" and nothing about which one.
GENERIC = frozenset({"reg", "regs", "register", "registers", "addr", "address", "adr", "default", "def", "r"})
# Byte-select words: they tell apart the bytes of one multi-byte quantity; a symbol that names
# the whole quantity (RAW_ACCEL for ACCEL_XOUT_H) still carries the register.
BYTE_SELECT = frozenset({"h", "l", "hi", "lo", "high", "low", "msb", "lsb", "xlsb", "msw", "lsw", "upper",
                         "lower", "u", "m"})


@lru_cache(maxsize=200_000)
def split_identifier(name: str) -> tuple[str, ...]:
    """``DS1339_REG_ALARM1_SECS`` → ``('ds', '1339', 'reg', 'alarm', '1', 'secs')``.

    Splits on punctuation and camelCase; a trailing number is split off a word (``alarm1``,
    ``led0``) but inner digits stay (``i2c``, ``l3gd20h``).
    """
    out: list[str] = []
    for chunk in _SPLIT.split(name):
        if not chunk:
            continue
        for part in _CAMEL.split(chunk):
            part = part.lower()
            if not part:
                continue
            m = _TRAIL_DIGITS.match(part)
            if m and len(m.group(1)) >= 2:
                out.extend((m.group(1), m.group(2)))
            else:
                out.append(part)
    return tuple(out)


def is_part_token(tok: str) -> bool:
    """Looks like a part number or chip family (``bmp280``, ``ina2xx``, ``1339`` after a split)."""
    return bool(_PART.match(tok)) or (tok.isdigit() and len(tok) >= 3)


_INSTANCE_N = re.compile(r"\b([A-Za-z]{2,}) N\b(?= )")
# the element of a register array printed as a subscript with a label (``CHANNEL[CHN1] CFG``,
# ``SLOT[ch0]``): the code names the element by its number (``CHANNEL[1].CFG``)
_SUBSCRIPT_LABEL = re.compile(r"\[\s*[A-Za-z]*(\d+)\s*\]")


def register_tokens(name: str, part_tokens: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Tokens of a datasheet register name with generic words and the part number removed, and the
    instance placeholder of a register printed once for every instance (``Port N MAC Control 0``:
    the code names it ``PORT_MAC_CTRL_0``)."""
    name = _SUBSCRIPT_LABEL.sub(r" \1 ", _INSTANCE_N.sub(r"\1", name))
    toks = [t for t in split_identifier(name.replace("..", " ")) if t not in GENERIC and t not in part_tokens]
    return tuple(toks) or split_identifier(name)


# two-letter forms of register words too short for the subsequence rule
_SHORT_FORMS = frozenset({("en", "enable")})


def abbreviates(short: str, long: str) -> bool:
    """``short`` is an abbreviation of ``long``: same first letter, a subsequence of it, and not
    too short to mean anything (``secs``/``seconds``, ``cfg``/``config``, ``stat``/``status``)."""
    if short == long:
        return True
    if len(short) >= len(long) or short[0] != long[0] or short.isdigit() or long.isdigit():
        return False
    if len(short) < 3 and not (len(short) == 2 and len(long) <= 3) and (short, long) not in _SHORT_FORMS:
        return False
    if (short, long) in _SHORT_FORMS or (len(short) >= 3 and long.startswith(short) and len(long) <= 12):
        return True  # a truncation (``cal``/``calibration``) or a two-letter form everyone writes
    if len(short) / len(long) < 0.3:
        return False
    it = iter(long)
    return all(c in it for c in short)


def abbreviates_merge(short: str, parts: tuple[str, ...]) -> bool:
    """``short`` abbreviates the words ``parts`` run together, using the first letter of each
    word in order (``smplrt`` / ``sample rate``; but not ``day`` / ``ds wday``)."""
    def rec(s: str, k: int) -> bool:
        if k == len(parts):
            return not s
        word = parts[k]
        if not s or s[0] != word[0]:
            return False
        # take the word's first letter, then any subsequence of the rest of it, then the next word
        rest = s[1:]
        for cut in range(len(rest), -1, -1):
            head = rest[:cut]
            it = iter(word[1:])
            if all(c in it for c in head) and rec(rest[cut:], k + 1):
                return True
        return False

    return len(short) >= 3 and not short.isdigit() and rec(short, 0)


def glued(word: str, token: str) -> bool:
    """``token`` is ``word`` glued after another word written as one (``chipid`` for ``id``,
    ``tempdata`` for ``data``): a partial match, never a convincing one on its own."""
    return len(word) >= 2 and word.isalpha() and len(token) - len(word) >= 3 and token.endswith(word) \
        and token[:-len(word)].isalpha()


def _units(tokens: tuple[str, ...]) -> list[tuple[str, int, int, str]]:
    """Candidate units of a token sequence: (text, start, end, how) for single tokens, merges of
    2–3 neighbours, and acronyms of 2–4 neighbours."""
    units = []
    n = len(tokens)
    for i in range(n):
        units.append((tokens[i], i, i + 1, "token"))
        for k in (2, 3):
            if i + k <= n:
                units.append(("".join(tokens[i:i + k]), i, i + k, "merge"))
        for k in (2, 3, 4):
            if i + k <= n and all(t.isalpha() for t in tokens[i:i + k]):
                units.append(("".join(t[0] for t in tokens[i:i + k]), i, i + k, "acronym"))
    return units


def _weight(tok: str) -> float:
    return 0.3 if tok in BYTE_SELECT else 1.0


@lru_cache(maxsize=500_000)
def name_similarity(reg: tuple[str, ...], sym: tuple[str, ...],
                    sym_weights: tuple[float, ...] | None = None) -> tuple[float, str]:
    """Similarity of register tokens and (prefix-stripped) symbol tokens in [0, 1], and how it
    matched (``exact``, ``name``, ``abbrev``, ``partial``, ``none``).

    Every register token is covered at most once by a symbol unit (a token, a merge of
    neighbours, or an acronym) and vice versa; the score mixes the covered share of the register
    name (recall, weight 0.7) and of the symbol name (precision, 0.3). Byte-select words count half.
    """
    if not reg or not sym:
        return 0.0, "none"
    if "".join(reg) == "".join(sym):
        return 1.0, "exact"
    r_units = _units(reg)
    s_units = _units(sym)
    r_cov = [0.0] * len(reg)
    s_cov = [0.0] * len(sym)
    used_abbrev = False
    # Longest units first: a merge that explains three tokens beats three loose singles.
    pairs = []
    for rt, ri, rj, rh in r_units:
        for st, si, sj, sh in s_units:
            if rh == "acronym" and sh == "acronym":
                continue
            if rt == st:
                q = 1.0 if rh == sh == "token" or "acronym" not in (rh, sh) else 0.9
            elif rh == sh == "token" and (abbreviates(rt, st) or abbreviates(st, rt)):
                q = 0.85
            elif rh == sh == "token" and glued(rt, st):
                q = 0.7
            elif rh == "token" and sh == "merge" and abbreviates_merge(rt, sym[si:sj]):
                q = 0.85
            elif sh == "token" and rh == "merge" and abbreviates_merge(st, reg[ri:rj]):
                q = 0.85
            else:
                continue
            pairs.append((-(rj - ri + sj - si), -q, ri, rj, si, sj, q))
    pairs.sort()
    for _, _, ri, rj, si, sj, q in pairs:
        if any(r_cov[i] for i in range(ri, rj)) or any(s_cov[i] for i in range(si, sj)):
            continue
        for i in range(ri, rj):
            r_cov[i] = q
        for i in range(si, sj):
            s_cov[i] = q
        used_abbrev |= q < 1.0
    if all(t.isdigit() for t, c in zip(reg, r_cov) if c):
        return 0.0, "none"  # a shared number alone (``Chip ID0`` / ``PORT_CTRL_0``) names nothing
    rw = [_weight(t) for t in reg]
    sw = [_weight(t) * (sym_weights[k] if sym_weights else 1.0) for k, t in enumerate(sym)]
    recall = sum(c * w for c, w in zip(r_cov, rw)) / sum(rw)
    precision = sum(c * w for c, w in zip(s_cov, sw)) / sum(sw)
    score = 0.7 * recall + 0.3 * precision
    if score == 0:
        return 0.0, "none"
    if recall >= 0.99 and precision >= 0.95:
        how = "abbrev" if used_abbrev else "name"
    else:
        how = "partial"
    return round(score, 4), how


# ---------------------------------------------------------------- names by meaning
#
# Code often names a register by what it holds or does rather than by the datasheet's mnemonic
# (``SECONDS`` for a seconds register printed ``RTCSEC``, ``TEMPERATURE_MSB`` for ``TEMP_OUT_H``,
# ``WHO_AM_I`` for ``ID``). Both sides are brought to one vocabulary: general embedded words that
# say the same thing (spellings that ``abbreviates`` cannot find: ``irq``/``interrupt``,
# ``out``/``data``, ``h``/``msb``, ``mgmt``/``control``), words glued to a leading qualifier split
# off (``rtcsec``), and filler words (``device``, ``value``, ``byte``) dropped. A meaning match is
# never enough on its own: ``mapping.symbols`` takes one only at the register's address.

MEANING_SYNONYMS: dict[str, str] = {
    "temp": "temperature", "tmp": "temperature", "thermal": "temperature",
    "pwr": "power", "pow": "power",
    "ctl": "control", "ctrl": "control", "cntl": "control", "cntrl": "control", "mgmt": "control",
    "management": "control",
    "cfg": "config", "conf": "config", "configuration": "config", "setup": "config", "settings": "config",
    "setting": "config",
    "int": "interrupt", "irq": "interrupt", "intr": "interrupt", "interrupts": "interrupt",
    "identification": "id", "ident": "id", "identity": "id", "wai": "id", "wia": "id", "whoami": "id",
    "out": "data", "output": "data", "raw": "data", "dat": "data", "result": "data", "reading": "data",
    "h": "msb", "hi": "msb", "high": "msb", "upper": "msb",
    "l": "lsb", "lo": "lsb", "low": "lsb", "lower": "lsb",
    "sec": "seconds", "secs": "seconds", "second": "seconds",
    "min": "minutes", "mins": "minutes", "minute": "minutes",
    "hr": "hours", "hrs": "hours", "hour": "hours",
    "wday": "weekday", "dow": "weekday", "mon": "month", "mth": "month", "yr": "year", "years": "year",
    "stat": "status", "sts": "status", "state": "status",
    "rst": "reset", "thr": "threshold", "ths": "threshold", "thresh": "threshold",
    "en": "enable", "ena": "enable", "cmd": "command", "buf": "buffer", "cnt": "count", "counter": "count",
    "ptr": "pointer", "pntr": "pointer", "rev": "revision", "ver": "revision", "version": "revision",
    "freq": "frequency", "calib": "calibration", "cal": "calibration", "src": "source",
    "odr": "rate", "osr": "oversampling",
}
# phrases that are one word of the vocabulary
MEANING_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("who", "am", "i"), "id"), (("who", "i", "am"), "id"), (("data", "rate"), "rate"),
    (("sample", "rate"), "rate"), (("day", "of", "week"), "weekday"),
)
# words that say nothing about which register it is
MEANING_FILLER = frozenset({"device", "chip", "part", "value", "val", "the", "of", "a", "an",
                            "for", "to", "in", "and", "is", "this", "that", "bits", "field", "word", "sensor"})
# vocabulary words a datasheet glues behind a qualifier (``rtcsec``, ``tempout``)
_GLUE_WORDS = tuple(sorted({w for w in (*MEANING_SYNONYMS, *MEANING_SYNONYMS.values()) if len(w) >= 3},
                           key=len, reverse=True))


def _unglue(tok: str) -> tuple[str, ...]:
    """``rtcsec`` → ``('rtc', 'sec')``: a vocabulary word glued behind a qualifier of 2+ letters."""
    if not tok.isalpha() or tok in MEANING_SYNONYMS or len(tok) < 5:
        return (tok,)
    for w in _GLUE_WORDS:
        if tok.endswith(w) and len(tok) - len(w) >= 2:
            return (tok[:-len(w)], w)
    return (tok,)


@lru_cache(maxsize=200_000)
def meaning_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens in the shared vocabulary: glued words split, synonyms and phrases mapped to one word,
    filler dropped (``('rtcsec',)`` → ``('rtc', 'seconds')``, ``('who', 'am', 'i')`` → ``('id',)``)."""
    toks = [u for t in tokens for u in _unglue(t)]
    out: list[str] = []
    i = 0
    while i < len(toks):
        for phrase, word in MEANING_PHRASES:
            if tuple(toks[i:i + len(phrase)]) == phrase:
                out.append(word)
                i += len(phrase)
                break
        else:
            t = MEANING_SYNONYMS.get(toks[i], toks[i])
            if t not in MEANING_FILLER and t not in GENERIC:
                out.append(t)
            i += 1
    return tuple(out)


def _merged(toks: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """``toks`` with runs of 2–3 neighbours written as one word where ``other`` has that word
    (``('raw', 'x', 'l')`` against ``('out', 'xl')`` → ``('raw', 'xl')``)."""
    words = set(other)
    out: list[str] = []
    i = 0
    while i < len(toks):
        for k in (3, 2):
            if i + k <= len(toks) and "".join(toks[i:i + k]) in words:
                out.append("".join(toks[i:i + k]))
                i += k
                break
        else:
            out.append(toks[i])
            i += 1
    return tuple(out)


MEANING_SIM = 0.6  # similarity a meaning match stands for (a weak name: the address decides)


@lru_cache(maxsize=200_000)
def meaning_match(reg: tuple[str, ...], sym: tuple[str, ...]) -> bool:
    """The symbol names the register by meaning: in the shared vocabulary (``meaning_tokens``)
    every word of the symbol is one of the register's (token for token or abbreviated), at least
    half of the register's words are covered, and a word that is neither a number nor a byte
    select is shared (``SECONDS`` / ``RTCSEC``, ``WHO_AM_I`` / ``ID``, ``FIFO_ADDR_PTR`` /
    ``FIFO SPI pointer``; not ``STATUS_DRDY`` / ``STATUS``)."""
    reg, sym = _merged(reg, sym), _merged(sym, reg)
    r, s = meaning_tokens(reg), meaning_tokens(sym)
    if not r or not s:
        return False
    used = [False] * len(r)
    shared_word = False
    for t in s:
        k = next((k for k, u in enumerate(r) if not used[k]
                  and (u == t or (t.isalpha() and u.isalpha() and (abbreviates(t, u) or abbreviates(u, t))))), None)
        if k is None:
            return False
        used[k] = True
        shared_word |= not t.isdigit() and t not in BYTE_SELECT and t not in ("msb", "lsb")
    content = [k for k, u in enumerate(r) if u not in ("msb", "lsb")]
    covered = sum(1 for k in content if used[k])
    # byte halves must agree: TEMPERATURE_MSB is not the LSB register
    if any(u in ("msb", "lsb") and not used[k] for k, u in enumerate(r)) and any(t in ("msb", "lsb") for t in s):
        return False
    return shared_word and (not content or covered * 2 >= len(content))
