"""The end of a build: merged catalog tables, ``OUT/logs/summary.json`` and the report.

The summary holds, per stage, documents in/out and seconds (from datatrove's stats), drop
reasons, and documents/tokens per manufacturer, domain, split and kind (from the ``documents``
table), plus the contamination report. It is what ``make demo`` prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from firmcorpus.core.io import atomic_write_json
from firmcorpus.corpus.catalog_parts import merge_parts
from firmcorpus.data_catalog.pair_check import write_pair_checks
from firmcorpus.data_catalog.report import write_report


def _stage_stats(logs: Path, stage: str) -> dict[str, Any]:
    f = logs / stage / "stats.json"
    if not f.exists():
        return {}
    steps = json.loads(f.read_text())
    out: dict[str, Any] = {"steps": []}
    for step in steps:
        stats = step.get("stats", {})
        flat = {}
        for k, v in stats.items():
            flat[k] = v.get("total", v) if isinstance(v, dict) else v
        out["steps"].append({"name": step.get("name"), "stats": flat,
                             "seconds": round((step.get("time_stats") or {}).get("total", 0.0), 3)})
    if out["steps"]:
        first, last = out["steps"][0]["stats"], out["steps"][-1]["stats"]
        out["docs_in"] = first.get("documents") or first.get("files")
        # a writer counts what it wrote in `total`; a filter what it let through in `forwarded`
        out["docs_out"] = last.get("total") if "writer" in (steps[-1].get("name") or "").lower() else \
            last.get("forwarded", last.get("documents"))
        out["cpu_seconds"] = round(sum(s["seconds"] for s in out["steps"]), 3)
    return out


def merge_catalog(catalog: Path) -> list[str]:

    parts = catalog / "parts"
    tables = sorted(p.name for p in parts.iterdir() if p.is_dir()) if parts.is_dir() else []
    for t in tables:
        merge_parts(catalog, t)
    return tables


def _group(df, by: str) -> list[dict[str, Any]]:

    if df.is_empty() or by not in df.columns:
        return []
    agg = df.group_by(by).agg(pl.len().alias("documents"), pl.col("token_count").fill_null(0).sum().alias("tokens"),
                              pl.col("bytes").sum().alias("bytes")).sort(by)
    return agg.to_dicts()


def build_summary(out: Path, stage_names: list[str], timings: dict[str, float]) -> dict[str, Any]:

    catalog = out / "catalog"
    logs = out / "logs"

    def table(name: str):
        f = catalog / f"{name}.parquet"
        return pl.read_parquet(f) if f.exists() else pl.DataFrame()

    docs = table("documents")
    drops = table("drops")
    pairs = table("pairs")
    contamination = table("contamination")
    summary: dict[str, Any] = {
        "out": str(out),
        "stages": {s: {"seconds": timings.get(s), **_stage_stats(logs, s)} for s in stage_names},  # seconds: wall
        "pairs": pairs.height,
        "files_read": int(pairs["files_read"].sum()) if "files_read" in pairs.columns else 0,
        "bytes_read": int(pairs["bytes_read"].sum()) if "bytes_read" in pairs.columns else 0,
        "documents": docs.height,
        "tokens": int(docs["token_count"].fill_null(0).sum()) if "token_count" in docs.columns else 0,
        "per_manufacturer": _group(docs, "manufacturer"),
        "per_domain": _group(docs, "domain"),
        "per_split": _group(docs, "split"),
        "per_kind": _group(docs, "kind"),
        "drops": (drops.group_by(["stage", "reason"]).agg(pl.len().alias("count")).sort(["stage", "reason"]).to_dicts()
                  if not drops.is_empty() else []),
    }
    # documents dropped after extraction, read back from the exclusion writers' output
    excluded = out / "excluded"
    for f in sorted(excluded.rglob("*.parquet")) if excluded.is_dir() else []:
        sub = f.parent.relative_to(excluded).as_posix()
        stage = "dedup" if sub.startswith("dedup") else "filter"
        meta = pl.read_parquet(f, columns=["metadata"])["metadata"].to_list()
        for reason in (json.loads(m).get("filter_reason") or sub for m in meta):
            summary["drops"].append({"stage": stage, "reason": reason, "count": 1})
    if summary["drops"]:
        summary["drops"] = (pl.DataFrame(summary["drops"]).group_by(["stage", "reason"]).agg(pl.col("count").sum())
                            .sort(["stage", "reason"]).to_dicts())
    summary["contamination"] = {
        "documents": contamination.height,
        "per_domain": (contamination.group_by("domain").agg(pl.len().alias("documents")).sort("domain").to_dicts()
                       if not contamination.is_empty() else []),
        "per_source": (contamination.group_by("repo").agg(pl.len().alias("documents")).sort("repo").to_dicts()
                       if not contamination.is_empty() else []),
    }
    return summary


def finish_build(out: Path, stages, timings: dict[str, float]) -> dict[str, Any]:
    out = Path(out)
    merge_catalog(out / "catalog")
    summary = build_summary(out, [s.name for s in stages], timings)
    logs = out / "logs"
    for name, payload in (("summary.json", summary), ("contamination.json", summary["contamination"])):
        atomic_write_json(logs / name, payload, indent=1, sort_keys=True)

    write_pair_checks(out)  # does each datasheet belong with its repository? (catalog table pair_checks)
    summary["report"] = str(write_report(out))
    return summary
