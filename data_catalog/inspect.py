"""Inspection of a finished build: the numbers per manufacturer and per pair, as one JSON-able dict.

``inspect_build(OUT)`` is what ``firmcorpus inspect OUT --json`` prints and what the HTML
report renders. It reads only the catalog (``OUT/catalog/*.parquet``), the mapping JSONs
(``OUT/mappings/``) and the build summary (``OUT/logs/summary.json``); tables a build did
not write are listed under ``missing_tables`` and their numbers read as zero.
"""

from __future__ import annotations

import os
from typing import Any

import polars as pl

from firmcorpus.core.names import safe_file_stem
from firmcorpus.data_catalog.catalog import OPTIONAL_TABLES, STATUSES, TABLES, Catalog

PAIR_COLUMNS = ("pair_id", "manufacturer", "manufacturer_raw", "category", "component", "pages", "sections",
                "registers", "registers_linked", "linked_share", "files", "symbols", "code_registers", "documents",
                "tokens", "bytes",
                "drops", "status_implemented", "status_partial", "status_not_implemented", "status_not_applicable",
                "check_score", "check_verdict")
NUMBERS = ("pairs", "pages", "sections", "registers", "registers_linked", "files", "symbols", "code_registers",
           "documents", "tokens", "bytes", "drops")


class InspectError(LookupError):
    """A --manufacturer or --pair that the build does not have."""


def _rows(df: pl.DataFrame, cols: tuple[str, ...]) -> list[dict[str, Any]]:
    keep = [c for c in cols if c in df.columns]
    return [{k: _clean(v) for k, v in r.items()} for r in df.select(keep).to_dicts()]


def _clean(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4)
    return v


def _totals(pt: pl.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {"pairs": pt.height}
    for c in NUMBERS[1:]:
        out[c] = int(pt[c].sum()) if c in pt.columns and pt.height else 0
    out["linked_share"] = round(out["registers_linked"] / out["registers"], 4) if out["registers"] else None
    return out


def _breakdown(cat: Catalog, ids: list[str] | None) -> dict[str, Any]:
    return {
        "section_status": cat.section_status_counts(ids),
        "tokens_by_domain": cat.tokens_by_domain(ids).to_dicts(),
        "drops_by_reason": cat.drops_by_reason(ids).to_dicts(),
    }


class _PerPair:
    """Per-pair breakdowns scanned once; each manufacturer's breakdown is a filter of these small frames."""

    def __init__(self, cat: Catalog, pt: pl.DataFrame):
        self.tokens = cat.tokens_by_domain(per_pair=True)
        self.drops = cat.drops_by_reason(per_pair=True)
        self.pt = pt

    def breakdown(self, ids: list[str] | None) -> dict[str, Any]:
        """Breakdown of the pairs ``ids``; None: of the whole build (drops without a pair included)."""
        def pick(df: pl.DataFrame) -> pl.DataFrame:
            return df if ids is None else df.filter(pl.col("pair_id").is_in(ids))

        tok = (pick(self.tokens).group_by(["domain", "split"])
               .agg(pl.col("documents").sum(), pl.col("tokens").sum(), pl.col("bytes").sum())
               .sort(["domain", "split"]))
        drops = (pick(self.drops).group_by(["stage", "reason"])
                 .agg(pl.col("count").sum()).sort(["count", "stage", "reason"], descending=[True, False, False]))
        pt = pick(self.pt)
        status = {s: int(pt[f"status_{s}"].sum()) for s in STATUSES}
        return {"section_status": status, "tokens_by_domain": tok.to_dicts(), "drops_by_reason": drops.to_dicts()}


def inspect_build(out_dir: str | os.PathLike, manufacturer: str | None = None, pair: str | None = None,
                  worst: int = 10) -> dict[str, Any]:
    """Per-manufacturer numbers of a build; with ``manufacturer`` its pairs; with ``pair`` that pair's
    mapping summary and worst-covered sections. Raises ``InspectError`` for a name the build lacks."""
    cat = Catalog(out_dir)
    result: dict[str, Any] = {
        "out": str(cat.out_dir),
        "tables": cat.table_counts(),
        "missing_tables": cat.missing(TABLES),
        "optional_tables_missing": cat.missing(OPTIONAL_TABLES),
        "build_summary": cat.build_summary(),
        "filter": {"manufacturer": manufacturer, "pair": pair},
    }
    pt_all = cat.pair_table()
    result["totals"] = _totals(pt_all)

    if pair is not None:
        row = pt_all.filter(pl.col("pair_id") == pair)
        if row.is_empty():
            close = [p for p in pt_all["pair_id"].to_list() if pair.casefold() in p.casefold()][:10]
            raise InspectError(f"pair {pair!r} is not in {cat.out_dir}"
                               + (f"; did you mean {', '.join(close)}?" if close else
                                  "; run `firmcorpus inspect OUT --json` to list the pairs"))
        info = _rows(row, PAIR_COLUMNS)[0]
        mapping = cat.mapping(pair)
        md = cat.mapping_md(pair)
        result["pair"] = {
            **info,
            "mapping_metrics": (mapping or {}).get("metrics"),
            "mapping_json": str(cat.out_dir / "mappings" / f"{safe_file_stem(pair)}.json") if mapping is not None else None,
            "mapping_md": str(md) if md else None,
            "worst_sections": cat.worst_sections(pair, worst),
            **_breakdown(cat, [pair]),
        }
        return result

    mt = cat.manufacturer_table(pt_all)
    if manufacturer is not None:
        canon = cat.resolve_manufacturer(manufacturer)
        if canon is None:
            names = mt["manufacturer"].to_list() if "manufacturer" in mt.columns else []
            raise InspectError(f"manufacturer {manufacturer!r} has no pairs in {cat.out_dir}; "
                               f"known: {', '.join(names[:20]) or '(none)'}")
        pt = pt_all.filter(pl.col("manufacturer") == canon)
        ids = pt["pair_id"].to_list()
        result["manufacturer"] = {
            "manufacturer": canon,
            "raw_names": sorted({r for r in pt["manufacturer_raw"].to_list() if r}),
            **_totals(pt),
            **_breakdown(cat, ids),
            "pair_rows": _rows(pt, PAIR_COLUMNS),
        }
        return result

    result["manufacturers"] = []
    per_pair = _PerPair(cat, pt_all)
    for m in mt.to_dicts():
        name = m["manufacturer"]
        pt = pt_all.filter(pl.col("manufacturer").fill_null("(unknown)") == name)
        ids = pt["pair_id"].to_list()
        result["manufacturers"].append({
            "manufacturer": name,
            "raw_names": sorted({r for r in pt["manufacturer_raw"].to_list() if r}),
            **_totals(pt),
            **per_pair.breakdown(ids),
            "pair_rows": _rows(pt, PAIR_COLUMNS),
        })
    result.update(per_pair.breakdown(None))
    return result
