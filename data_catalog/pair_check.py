"""Pair checks: does a datasheet belong with its repository?

Manifests pair things that do not belong together (H2LooP pairs ArduPilot with NIST's
"Hawk" post-quantum signature spec because a GNSS module is also named "Hawk"). Once
both sides are parsed, three signals say whether they match:

* **part numbers**: identifiers of the datasheet's title/source/section titles that look
  like part numbers (letters and at least two digits: ``BME280``, ``STM32F103xx``,
  ``LAN8671``) searched in the repository's paths and symbol names, allowing family
  suffixes (``STM32F103xx`` ~ ``stm32f10x``; ``LAN8671`` ~ ``lan867x``);
* **register vocabulary**: the share of the datasheet's register and peripheral names
  that occur as an identifier or an ``_``-separated run inside an identifier of the code
  (``ctrl_meas`` in ``BME280_REG_CTRL_MEAS``);
* **hardware terms**: whether the datasheet's text reads like hardware documentation at
  all (registers, pins, clocks, voltages …), which catches specs that are not datasheets.

``pair_score`` combines them into a score in [0, 1] and a verdict: ``match``, ``weak``,
``mismatch`` or ``unknown`` (too little evidence on the datasheet side to judge).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import polars as pl
from rapidfuzz import fuzz, process

from firmcorpus.core.io import atomic_path
from firmcorpus.data_catalog.catalog import Catalog
from firmcorpus.parsers.models import CodeFile, Datasheet, Peripheral, Register, Section, Symbol

_PART = re.compile(r"\b([A-Za-z][A-Za-z0-9]*(?:-?[A-Za-z0-9]+)*)\b")
_IDENT_SPLIT = re.compile(r"[^A-Za-z0-9]+")
# Words of document titles that match the part-number pattern but are not parts.
_NOT_PARTS = re.compile(r"^(rev|v|ver|version|page|table|figure|fig|section|an|um|rm|iso|iec|ieee|rfc|en|"
                        r"ansi|jesd|aec|q|x|r|p)-?\d+$", re.IGNORECASE)
_PERIPHERAL_INSTANCE = re.compile(
    r"^(I2C|I2S|SPI|QSPI|TIM|LPTIM|USART|UART|LPUART|ADC|DAC|DMA|CAN|FDCAN|GPIO|USB|OTG|ETH|SDIO|SDMMC|PWM|RTC|WDT|"
    r"FLEXCOMM|LPI2C|LPSPI|FTM|PIT|TPM|SERCOM|TC|TCC|EUSCI|TWI|TWIM|TWIS|SPIM|SPIS|UARTE|SAADC|PDM|COMP)\d+[A-Z]?\d*$")
HARDWARE_TERMS = frozenset("""register registers bit bits pin pins clock voltage current reset interrupt address
i2c spi uart usart gpio adc dac pwm dma timer power supply sensor device mode enable control status configuration
data sheet datasheet package temperature frequency mhz khz ma mv ohm serial bus peripheral memory flash""".split())

VERDICTS = ("match", "weak", "mismatch", "unknown")
PAIRS_PER_SCAN = 32  # pairs whose catalog rows pair_checks_from_catalog reads at a time
ENOUGH_NAMES = 15  # distinct specific register/peripheral names that make the vocabulary evidence complete


@dataclass
class PairCheck:
    score: float  # 0..1
    part_numbers_found: list[str]  # the datasheet's part numbers seen in the code
    vocabulary_overlap: float  # share of register/peripheral names seen in the code (0 when none to check)
    verdict: str  # one of VERDICTS
    part_numbers: list[str] = field(default_factory=list)  # all part numbers read from the datasheet
    names_checked: int = 0  # register/peripheral names compared
    names_found: list[str] = field(default_factory=list)
    hardware_terms: float = 0.0  # share of HARDWARE_TERMS present in the datasheet text
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def part_numbers(ds: Datasheet) -> list[str]:
    """Part-number-like identifiers from the datasheet's title, source name and section titles
    (peripheral instance names such as TIM12 or I2C1 are not part numbers)."""
    src = re.sub(r"\.(pdf|svd|xml)$", "", ds.source.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    texts = [ds.title, re.sub(r"[_-]", " ", src), *(s.title for s in ds.sections[:40])]
    # names of the datasheet's own peripherals and registers are not part numbers (TIM12, DHR12R1)
    peripherals = {p.name.upper() for p in ds.peripherals} | {r.name.upper() for r in ds.registers}
    found: dict[str, None] = {}
    for t in texts:
        for m in _PART.finditer(t or ""):
            tok = m.group(1).upper()
            # a part number: a letter first, at least two digits, 4+ characters (BME280, L3GD20H, MPU-6050)
            if len(tok) < 4 or sum(ch.isdigit() for ch in tok) < 2 or _NOT_PARTS.match(tok):
                continue
            if tok in peripherals or _PERIPHERAL_INSTANCE.match(tok) or len(tok) > 24 or re.fullmatch(r"[0-9A-F]{12,}", tok):
                continue  # (long hex runs are content hashes in generated file names)
            found.setdefault(tok, None)
    return list(found)


# Register names every device has: matching them says little about the pair.
GENERIC_NAMES = frozenset("""STATUS CONFIG CONFIGURATION CONTROL CTRL DATA RESET ID MODE RESULT VERSION INT IRQ
ENABLE FLAG FLAGS CMD COMMAND ADDR ADDRESS TEMP VALUE SRC CFG""".split())
_NUM = re.compile(r"\d+")


def _wild(name: str) -> str:
    """Register-name shape with numbers and placeholder X as wildcards: LED0_ON_L, LEDX_ON_L -> LEDN_ON_L."""
    return "_".join(re.sub(r"(?<=[A-Z])X$", "N", _NUM.sub("N", p)) for p in name.split("_"))


def _code_tokens(files: Sequence[CodeFile]) -> tuple[set[str], set[str]]:
    """(identifier runs, alnum tokens) of paths and symbol names, upper-cased."""
    runs: set[str] = set()
    tokens: set[str] = set()
    for f in files:
        names = [f.path, *(s.name for s in f.symbols)]
        for name in names:
            for piece in re.split(r"[^A-Za-z0-9_]+", name):
                if not piece:
                    continue
                parts = [p for p in piece.upper().split("_") if p]
                tokens.update(parts)
                for i in range(len(parts)):
                    for j in range(i + 1, min(len(parts), i + 5) + 1):
                        runs.add("_".join(parts[i:j]))
    return runs, tokens


def _family_match(part: str, tokens: Iterable[str]) -> bool:
    """``part`` equals a code token up to a short suffix (package, grade) or 'x' wildcards (ina2xx, stm32f10x)."""
    p = part.replace("-", "").upper()
    need = max(5, len(p) - 3)
    for t in tokens:
        if len(t) < 4 or not any(ch.isdigit() for ch in t):
            continue
        n = 0
        for a, b in zip(p, t):
            if a != b and b != "X":
                break
            n += 1
        if n == len(t) and n >= 4 and "X" in t[1:] and t[0] == p[0]:
            return True  # a wildcard family name covering the whole part prefix: INA2XX ~ INA219
        if n >= need and any(ch.isdigit() for ch in p[:n]):
            return True
    return False


def _short_family_match(part: str, tokens: Iterable[str]) -> bool:
    """A 3-character family token with two digits that the part starts with, after at most one vendor
    letter: K64 ~ MK64F12, L43 ~ STM32L43? is not covered (too ambiguous)."""
    p = part.replace("-", "").upper()
    for t in tokens:
        if len(t) == 3 and t[0].isalpha() and t[1:].isdigit() and (p.startswith(t) or p[1:].startswith(t)):
            return True
    return False


def _norm_name(name: str) -> str:
    name = re.sub(r"\[.*?\]|<.*?>|\.\..*$", "", name)  # E[3:0], hum_lsb<7:0>, calib00..calib25
    return "_".join(p for p in _IDENT_SPLIT.split(name.upper()) if p)


def _names_found(names: set[str], runs: set[str]) -> list[str]:
    """Names seen in the code: exactly, with numbers as wildcards, or nearly (SUBADR1 ~ SUBADDR1)."""

    wild_runs = {_wild(r) for r in runs}
    by_prefix: dict[str, list[str]] = {}
    for r in runs:
        by_prefix.setdefault(r[:2], []).append(r)
    found = []
    for n in sorted(names):
        if n in runs or _wild(n) in wild_runs:
            found.append(n)
        elif len(n) >= 7 and process.extractOne(n, by_prefix.get(n[:2], []), scorer=fuzz.ratio, score_cutoff=88):
            found.append(n)
    return found


def pair_score(datasheet: Datasheet, files: Sequence[CodeFile]) -> PairCheck:
    """Score how well a parsed datasheet and a parsed repository belong together."""
    runs, tokens = _code_tokens(files)
    parts = part_numbers(datasheet)
    parts_found = [p for p in parts if _family_match(p, tokens) or _short_family_match(p, tokens)]

    names = {_norm_name(r.name) for r in datasheet.registers} | {_norm_name(p.name) for p in datasheet.peripherals}
    names = {n for n in names if len(n) >= 3 and not n.startswith("RESERVED")
             and _NUM.sub("", n) not in GENERIC_NAMES}
    names_found = _names_found(names, runs)
    overlap = len(names_found) / len(names) if names else 0.0
    # a driver for one peripheral names a small share of a whole-chip register map: enough distinct
    # names found also count as full evidence
    vocab = max(min(1.0, overlap / 0.4), min(1.0, len(names_found) / ENOUGH_NAMES))

    # the hardware-vocabulary check needs body text; titles alone (a catalog without text) do not judge it
    has_text = sum(len(s.text) for s in datasheet.sections) >= 100
    text = " ".join([datasheet.title, *(s.title + " " + s.text[:4000] for s in datasheet.sections)]).lower()
    words = set(re.findall(r"[a-z0-9]+", text)) if has_text else set()
    hw = len(HARDWARE_TERMS & words) / len(HARDWARE_TERMS) if words else 0.0

    reasons: list[str] = []
    part_signal = 1.0 if parts_found else 0.0
    if parts:
        reasons.append(f"part numbers {', '.join(parts_found) or 'none'} of {', '.join(parts[:8])} found in the code")
    else:
        reasons.append("no part number read from the datasheet")
    if names:
        reasons.append(f"{len(names_found)}/{len(names)} register/peripheral names found in the code")
    else:
        reasons.append("no register or peripheral names in the datasheet")
    if words:
        reasons.append(f"hardware vocabulary {hw:.0%}")

    if names and parts:
        score = 0.4 * part_signal + 0.6 * vocab
    elif names:
        score = vocab
    elif parts:
        score = part_signal
    else:
        score = 0.0
    # a text that does not read like hardware documentation cannot be a good datasheet pair
    if words and hw < 0.15:
        score = min(score, 0.2)
        reasons.append("the datasheet does not read like hardware documentation")

    if not names and not parts and (not words or hw >= 0.15):
        verdict = "unknown"
    elif score >= 0.5:
        verdict = "match"
    elif score >= 0.2:
        verdict = "weak"
    else:
        verdict = "mismatch"
    return PairCheck(score=round(score, 4), part_numbers_found=parts_found, vocabulary_overlap=round(overlap, 4),
                     verdict=verdict, part_numbers=parts, names_checked=len(names), names_found=names_found,
                     hardware_terms=round(hw, 4), reasons=reasons)


def pair_check_row(pair_id: str, check: PairCheck) -> dict[str, Any]:
    """The ``pair_checks`` catalog row (flat; lists joined) that inspect and the report read."""
    return {"pair_id": pair_id, "score": check.score, "verdict": check.verdict,
            "vocabulary_overlap": check.vocabulary_overlap, "names_checked": check.names_checked,
            "names_found": len(check.names_found), "part_numbers": " ".join(check.part_numbers),
            "part_numbers_found": " ".join(check.part_numbers_found), "hardware_terms": check.hardware_terms,
            "reasons": "; ".join(check.reasons)}


def pair_checks_from_catalog(out_dir) -> list[dict[str, Any]]:
    """``pair_checks`` rows for every pair of a finished build, from its catalog tables alone
    (datasheets/sections/registers/peripherals and files/symbols; no re-parsing). Section text is
    not in the catalog, so the hardware-vocabulary signal is left out here."""

    cat = Catalog(out_dir)
    ids = cat.pairs().select("pair_id").collect()["pair_id"].to_list()

    def grouped(table: str, cols: list[str], pairs: list[str] | None = None) -> dict[str, list[tuple]]:
        if not cat.has(table) or "pair_id" not in cat.columns(table):
            return {}
        have = [c for c in cols if c in cat.columns(table)]
        lf = cat.scan(table).select(["pair_id", *have])
        if pairs is not None:
            lf = lf.filter(pl.col("pair_id").is_in(pairs))
        out: dict[str, list[tuple]] = {}
        for row in lf.collect().iter_rows():
            out.setdefault(row[0], []).append(tuple(row[1:]) + (None,) * (len(cols) - len(have)))
        return out

    sheets = grouped("datasheets", ["datasheet", "title", "pages"])
    scored = [pid for pid in ids if sheets.get(pid)]
    by_pair: dict[str, dict[str, Any]] = {}
    # only pairs with a parsed datasheet are scored, and their code tables are read a few pairs at
    # a time: memory holds PAIRS_PER_SCAN pairs' files and symbols, never the whole catalog's
    for start in range(0, len(scored), PAIRS_PER_SCAN):
        chunk = scored[start:start + PAIRS_PER_SCAN]
        sections = grouped("sections", ["id", "title"], chunk)
        registers = grouped("registers", ["name", "peripheral"], chunk)
        peripherals = grouped("peripherals", ["name"], chunk)
        files = grouped("files", ["path", "language"], chunk)
        symbols = grouped("symbols", ["path", "name"], chunk)
        for pid in chunk:
            ds = Datasheet(source=" ".join(str(s[0] or "") for s in sheets[pid]),
                           pages=sum(int(s[2] or 0) for s in sheets[pid]),
                           title=" ".join(str(s[1] or "") for s in sheets[pid]),
                           sections=[Section(id=str(i), title=str(t or ""), level=1, page_start=0, page_end=0)
                                     for i, t in sections.get(pid, [])],
                           registers=[Register(name=str(n), address=None, peripheral=p)
                                      for n, p in registers.get(pid, []) if n],
                           peripherals=[Peripheral(name=str(n)) for (n,) in peripherals.get(pid, []) if n])
            by_path: dict[str, CodeFile] = {str(p): CodeFile(path=str(p), language=str(lang or "other"))
                                            for p, lang in files.get(pid, [])}
            for path, name in symbols.get(pid, []):
                cf = by_path.setdefault(str(path), CodeFile(path=str(path), language="other"))
                cf.symbols.append(Symbol(kind="other", name=str(name), start_line=0, end_line=0))
            by_pair[pid] = pair_check_row(pid, pair_score(ds, list(by_path.values())))
    rows = []
    for pid in ids:
        rows.append(by_pair.get(pid) or
                    {"pair_id": pid, "score": None, "verdict": "unknown", "reasons": "no parsed datasheet"})
    return rows


def write_pair_checks(out_dir) -> Path:
    """Compute ``pair_checks_from_catalog`` and write ``OUT/catalog/pair_checks.parquet``."""



    cat = Catalog(out_dir)
    rows = pair_checks_from_catalog(out_dir)
    dest = cat.catalog_dir / "pair_checks.parquet"
    with atomic_path(dest) as tmp:
        pl.DataFrame(rows, infer_schema_length=None).write_parquet(tmp, statistics=False)
    return Path(dest)
