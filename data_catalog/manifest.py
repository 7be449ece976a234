"""Manifest schema and loading: one typed ``Pair`` per accepted row, one ``RowError`` per bad row.

A manifest lists repository–datasheet pairs (docs/contracts.md, "Manifest") as YAML (a list of
rows or ``{pairs: [...]}``), JSON (same shapes), CSV or parquet. The H2LooP manifest is
read as is: its columns map onto the contract (``repo_url`` → ``repo``, ``pdf_url`` →
``datasheet``, ``Category`` → ``category`` …) and the columns the contract does not know
(``file_exists``, ``file_size_bytes``, ``gs_path``, ``repo_id``, ``pdf_id``, ``TBC``) are
kept in ``Pair.extra``.

Loading never stops at a bad row: each row is validated on its own and a rejected row
yields exactly one ``RowError`` (its ``kind`` is the first problem found; its ``reason``
lists every problem of that row). Row numbers are 1-based positions among the data rows
(for CSV the header line is not counted).

``repo`` and ``datasheet`` entries are *sources*: a URL (``https://…``, ``git@host:…``),
a registry source (``deb:msp430mcu``, ``debsrc:u-boot``, ``pip:pyocd==0.36.0``, optionally
``#path/inside!member``), or a local path. Relative local paths are resolved against the
manifest's folder; with ``check_paths`` a local path that does not exist rejects the row.
Interpreting sources (fetching, unpacking) is the fetch layer's job, not this module's.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import polars as pl
import yaml

from firmcorpus.core.documents import CATEGORIES
from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_path
from firmcorpus.data_catalog.manufacturers import ManufacturerTable, canonical_manufacturer, default_table

# contract field -> accepted column spellings (compared case-insensitively, spaces/dashes as '_')
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "pair_id": ("pair_id", "id", "pair"),
    "repo": ("repo", "repo_url", "repository", "repo_source"),
    "repo_paths": ("repo_paths", "repo_path", "subtrees", "paths"),
    "datasheet": ("datasheet", "datasheets", "pdf_url", "pdf", "svd", "datasheet_url"),
    "component": ("component",),
    "manufacturer": ("manufacturer", "vendor"),
    "category": ("category",),
    "component_class": ("component_class",),
    "component_name": ("component_name",),
    "license": ("license", "licence"),
}
_COLUMN_INDEX = {alias: fld for fld, aliases in COLUMN_ALIASES.items() for alias in aliases}

# Values that mean "no value" in the contract fields (CSV exports write R's NA, pandas' nan ...).
MISSING_VALUES = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})

ERROR_KINDS = ("missing_id", "duplicate_id", "unknown_category", "unreachable_path", "malformed_field")

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_SCP_GIT = re.compile(r"^[\w.-]+@[\w.-]+:")  # git@github.com:org/repo.git
# Any "scheme:" prefix of two or more characters names a source the fetch layer interprets
# (deb:, debsrc:, pip:, render:, shared: ...); one letter would be a Windows drive.
_REGISTRY = re.compile(r"^[A-Za-z][A-Za-z0-9+_.-]+:")
_CATEGORY_INDEX = {c.casefold().replace("_", " "): c for c in CATEGORIES}
_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".parquet": "parquet",
            ".pq": "parquet", ".tsv": "tsv"}


class ManifestError(UserError, ValueError):
    """The manifest as a whole cannot be read (missing file, unknown format, not a table)."""


@dataclass
class Pair:
    pair_id: str
    repo: str
    repo_paths: list[str] = field(default_factory=list)
    datasheet: list[str] = field(default_factory=list)
    component: str | None = None
    manufacturer: str | None = None  # canonical
    manufacturer_raw: str | None = None
    category: str = "Unknown"
    component_class: str | None = None
    component_name: str | None = None
    license: str | None = None
    manufacturer_parent: str | None = None  # owner when manufacturer_raw names an acquired brand
    manufacturer_brand: str | None = None
    manufacturer_known: bool = True
    row: int | None = None  # 1-based data row in the manifest
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Pair":
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class RowError:
    row: int  # 1-based data row
    pair_id: str | None
    kind: str  # one of ERROR_KINDS (the first problem found)
    reason: str  # every problem of the row, '; ' separated, each saying what to fix

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        who = f" ({self.pair_id})" if self.pair_id else ""
        return f"row {self.row}{who}: {self.reason}"


@dataclass
class ManifestLoad:
    path: str
    format: str
    rows: int
    pairs: list[Pair]
    errors: list[RowError]
    columns: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """What was accepted: counts per category and manufacturer, unknown names, missing files."""
        raw = Counter(p.manufacturer_raw for p in self.pairs if p.manufacturer_raw)
        canon = Counter(p.manufacturer for p in self.pairs if p.manufacturer)
        categories = Counter(p.category for p in self.pairs)
        missing = [p.pair_id for p in self.pairs if _flag_false(p.extra.get("file_exists"))]
        return {
            "manifest": self.path,
            "format": self.format,
            "rows": self.rows,
            "accepted": len(self.pairs),
            "rejected": len(self.errors),
            "errors_by_kind": dict(sorted(Counter(e.kind for e in self.errors).items())),
            "manufacturers_raw": len(raw),
            "manufacturers_canonical": len(canon),
            "manufacturers_unknown": sorted({p.manufacturer_raw for p in self.pairs
                                             if p.manufacturer_raw and not p.manufacturer_known}),
            "manufacturers": dict(sorted(canon.items(), key=lambda kv: (-kv[1], kv[0]))),
            "manufacturer_aliases": {
                c: sorted({p.manufacturer_raw for p in self.pairs if p.manufacturer == c and p.manufacturer_raw})
                for c in sorted(canon)
            },
            "categories": {c: categories[c] for c in CATEGORIES if categories[c]},
            "category_count": len(categories),
            "missing_files": missing,
            "extra_columns": sorted({k for p in self.pairs for k in p.extra}),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "errors": [e.to_dict() for e in self.errors],
                "pairs": [p.to_dict() for p in self.pairs]}


def _flag_false(value: Any) -> bool:
    if isinstance(value, bool):
        return not value
    return isinstance(value, str) and value.strip().casefold() in ("false", "no", "0")


def is_local_source(source: str) -> bool:
    """True for a filesystem path (or file:// URL); False for URLs and registry sources."""
    if source.startswith("file://"):
        return True
    return not (_URL.match(source) or _SCP_GIT.match(source) or _REGISTRY.match(source))


def resolve_local(source: str, base: Path) -> Path:
    if source.startswith("file://"):
        source = source[len("file://"):]
    p = _expand_user(source)
    return p if p.is_absolute() else (base / p)


def _expand_user(source: str) -> Path:
    """``~`` and ``~user`` expanded; a ``~name`` naming no user stays as written (a relative path)."""
    try:
        return Path(source).expanduser()
    except RuntimeError:
        return Path(source)


# --------------------------------------------------------------------------- reading


def _read_rows(path: Path, fmt: str) -> tuple[list[Any], list[str]]:
    """Raw rows (dicts, or anything else the row check will reject) and the column names."""
    if fmt in ("csv", "tsv"):
        text = _decode(path.read_bytes(), path, legacy_ok=True)
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if fmt == "tsv" else ",")
            rows = [_coerce_csv_row(r) for r in reader]
        except csv.Error as exc:
            raise ManifestError(f"{path}: not a readable {fmt.upper()} file ({exc}); fix it and retry") from exc
        return rows, [c.strip() for c in reader.fieldnames or []]
    if fmt == "parquet":
        try:
            df = pl.read_parquet(path)
        except Exception as exc:  # polars raises its own ComputeError/OSError variants for a bad file
            raise ManifestError(f"{path}: not a readable parquet file ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0] if str(exc) else ''}); fix it and retry") from exc
        return df.to_dicts(), df.columns
    text = _decode(path.read_bytes(), path, legacy_ok=False)
    if fmt == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ManifestError(f"{path}: not valid YAML ({exc}); fix the syntax and retry") from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{path}: not valid JSON ({exc}); fix the syntax and retry") from exc
    if isinstance(data, dict) and "pairs" in data:
        data = data["pairs"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ManifestError(f"{path}: expected a list of rows or a mapping with a 'pairs' list, "
                            f"got {type(data).__name__}")
    cols: list[str] = []
    for r in data:
        if isinstance(r, dict):
            cols.extend(str(k) for k in r if str(k) not in cols)
    return data, cols


def _decode(data: bytes, path: Path, legacy_ok: bool) -> str:
    """UTF-8 (a BOM allowed); a CSV that is not UTF-8 is read as cp1252/latin-1 (spreadsheet exports)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not legacy_ok:
            raise ManifestError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry") from exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _coerce_csv_row(row: dict[str | None, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k is None:  # more cells than header columns
            out["_overflow"] = v
            continue
        out[k.strip()] = v
    return out


def _norm_col(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip()).casefold()


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:  # NaN from parquet/pandas exports
        return True
    return isinstance(v, str) and v.strip().casefold() in MISSING_VALUES


def _extra_value(v: Any) -> Any:
    """CSV cells are strings; give the obvious ones their type (TRUE/FALSE, integers)."""
    if isinstance(v, str):
        s = v.strip()
        if s == "":
            return None
        if s.upper() in ("TRUE", "FALSE"):
            return s.upper() == "TRUE"
        if re.fullmatch(r"-?\d{1,18}", s):
            return int(s)
        return s
    return v


def _str_list(v: Any, what: str, problems: list[tuple[str, str]]) -> list[str]:
    """A list of non-empty strings from a list, a JSON list string or a ';'-separated string."""
    if _is_missing(v):
        return []
    if isinstance(v, str):
        s = v.strip()
        if s.startswith("["):
            try:
                v = json.loads(s)
            except json.JSONDecodeError:
                problems.append(("malformed_field", f"{what} looks like a JSON list but does not parse: {s[:60]!r}"))
                return []
        else:
            return [p.strip() for p in re.split(r"[;\n]", s) if p.strip()]
    if hasattr(v, "to_list"):  # polars Series from a parquet list column
        v = v.to_list()
    if isinstance(v, (list, tuple)):
        out = []
        for item in v:
            if _is_missing(item):
                continue
            if not isinstance(item, str):
                problems.append(("malformed_field",
                                 f"{what} must be a string or a list of strings, found item {item!r}"))
                continue
            out.append(item.strip())
        return out
    problems.append(("malformed_field", f"{what} must be a string or a list of strings, got {type(v).__name__}"))
    return []


def _scalar(v: Any, what: str, problems: list[tuple[str, str]]) -> str | None:
    if _is_missing(v):
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        problems.append(("malformed_field", f"{what} must be text, got {type(v).__name__} {v!r}"))
        return None
    return str(v).strip()


MAX_PAIR_ID = 200


def _bad_pair_id(pair_id: str) -> str | None:
    """Why ``pair_id`` cannot be an id, or None. Ids name files (``OUT/mappings/<id>.json``, through
    ``core.names.safe_file_stem``, which maps ``vendor/chip`` or ``../x`` to a plain name); what is
    refused here is what no file name or report line should carry."""
    if len(pair_id) > MAX_PAIR_ID:
        return f"is longer than {MAX_PAIR_ID} characters; use a shorter id"
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in pair_id):
        return "has control characters; use letters, digits and ._-/"
    if pair_id.strip(". /\\") == "":
        return "is only dots or slashes; use a name"
    return None


def _category(v: str | None, problems: list[tuple[str, str]]) -> str:
    if v is None:
        return "Unknown"
    hit = _CATEGORY_INDEX.get(v.casefold().replace("_", " ").replace("-", " ").strip())
    if hit is None:
        problems.append(("unknown_category", f"unknown category {v!r}; use one of {', '.join(CATEGORIES)}"))
        return "Unknown"
    return hit


def _check_row(i: int, raw: Any, base: Path, check_paths: bool, seen: dict[str, int],
               table: ManufacturerTable) -> Pair | RowError:
    if not isinstance(raw, dict):
        return RowError(i, None, "malformed_field", f"row is a {type(raw).__name__}, not a mapping of columns")
    problems: list[tuple[str, str]] = []
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for col, v in raw.items():
        fld = _COLUMN_INDEX.get(_norm_col(col))
        if fld is None:
            extra[str(col).strip()] = _extra_value(v)
        elif fld in fields and not _is_missing(fields[fld]) and not _is_missing(v) and fields[fld] != v:
            problems.append(("malformed_field", f"two columns give {fld}: {fields[fld]!r} and {v!r}; keep one"))
        elif fld not in fields or _is_missing(fields[fld]):
            fields[fld] = v
    if "_overflow" in extra:
        problems.append(("malformed_field", f"more cells than header columns: {extra.pop('_overflow')!r}"))

    pair_id = _scalar(fields.get("pair_id"), "pair_id", problems)
    if pair_id is not None and (bad := _bad_pair_id(pair_id)):
        problems.append(("malformed_field", f"pair_id {pair_id[:80]!r} {bad}"))
    if pair_id is None:
        problems.insert(0, ("missing_id", "missing pair_id; give every row a unique pair_id"))
    elif pair_id in seen:
        problems.insert(0, ("duplicate_id", f"duplicate pair_id {pair_id!r} (first used on row {seen[pair_id]}); "
                                            "pair ids must be unique"))
    else:
        seen[pair_id] = i

    repo = _scalar(fields.get("repo"), "repo", problems)
    if repo is None:
        problems.append(("malformed_field", "missing repo; give a local path, archive, git URL or deb:/pip: source"))
    repo_paths = _str_list(fields.get("repo_paths"), "repo_paths", problems)
    datasheets = _str_list(fields.get("datasheet"), "datasheet", problems)
    category = _category(_scalar(fields.get("category"), "category", problems), problems)
    manufacturer_raw = _scalar(fields.get("manufacturer"), "manufacturer", problems)
    texts = {k: _scalar(fields.get(k), k, problems)
             for k in ("component", "component_class", "component_name", "license")}

    def local(source: str, what: str) -> str:
        if not is_local_source(source):
            return source
        p = resolve_local(source, base)
        if check_paths and not p.exists():
            problems.append(("unreachable_path", f"{what} {source!r} does not exist (looked at {p}); "
                                                 "fix the path (relative paths are read from the manifest's folder)"))
        return str(p)

    if repo is not None:
        repo = local(repo, "repo")
    datasheets = [local(d, "datasheet") for d in datasheets]

    if problems:
        problems.sort(key=lambda kp: ERROR_KINDS.index(kp[0]))
        return RowError(i, pair_id, problems[0][0], "; ".join(msg for _, msg in problems))

    m = canonical_manufacturer(manufacturer_raw, table) if manufacturer_raw else None
    return Pair(
        pair_id=pair_id, repo=repo, repo_paths=repo_paths, datasheet=datasheets,
        component=texts["component"], manufacturer=m.canonical if m else None, manufacturer_raw=manufacturer_raw,
        category=category, component_class=texts["component_class"], component_name=texts["component_name"],
        license=texts["license"], manufacturer_parent=m.parent if m else None,
        manufacturer_brand=m.brand if m else None, manufacturer_known=m.known if m else True, row=i, extra=extra,
    )


def load_manifest(path: str | Path, check_paths: bool = True, fmt: str | None = None,
                  table: ManufacturerTable | None = None) -> ManifestLoad:
    """Read and validate a manifest; bad rows become ``errors``, the rest ``pairs``.

    ``fmt`` overrides the format guessed from the suffix (yaml, json, csv, tsv, parquet).
    Raises ``ManifestError`` only when the file as a whole cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"manifest {path} does not exist; pass a YAML, JSON, CSV or parquet file")
    fmt = fmt or _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ManifestError(f"{path}: unknown manifest format {path.suffix!r}; use .yaml, .json, .csv or .parquet")
    try:
        rows, columns = _read_rows(path, fmt)
    except OSError as exc:
        raise ManifestError(f"manifest {path} cannot be read ({exc.strerror or exc})") from exc
    base = path.resolve().parent
    seen: dict[str, int] = {}
    table = table or default_table()
    pairs: list[Pair] = []
    errors: list[RowError] = []
    for i, raw in enumerate(rows, start=1):
        res = _check_row(i, raw, base, check_paths, seen, table)
        (errors if isinstance(res, RowError) else pairs).append(res)
    return ManifestLoad(path=str(path), format=fmt, rows=len(rows), pairs=pairs, errors=errors, columns=columns)


def pairs_to_rows(pairs: Iterable[Pair]) -> list[dict[str, Any]]:
    """Flat rows for the ``pairs`` catalog table (``extra`` as a JSON string: its keys vary by manifest)."""
    out = []
    for p in pairs:
        d = p.to_dict()
        d["extra"] = json.dumps(d["extra"], sort_keys=True, default=str)
        out.append(d)
    return out


def write_pairs_table(pairs: list[Pair], out: str | Path) -> Path:
    """``catalog import -o OUT``: the accepted pairs as ``OUT/catalog/pairs.parquet``."""
    dest = Path(out) / "catalog" / "pairs.parquet"
    with atomic_path(dest) as tmp:
        pl.DataFrame(pairs_to_rows(pairs), infer_schema_length=None).write_parquet(tmp, statistics=False)
    return dest
