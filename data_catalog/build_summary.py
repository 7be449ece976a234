"""The end of a build: merged catalog tables, ``OUT/logs/summary.json`` and the report.

The summary holds, per stage, documents in/out and seconds (from datatrove's stats), drop
reasons with their share of the extracted documents and characters (``drop_rates``), documents/
tokens per manufacturer, domain, split and kind (from the ``documents`` table), the contamination
report, and ``warnings`` when the held-out split or decontamination takes more than its
``warn_share``. It is what ``make demo`` prints. Every table is read with lazy scans and
aggregated streaming, and the catalog parts are merged streaming: the report step's memory does
not grow with the corpus.
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


def _scan(f: Path) -> pl.LazyFrame | None:
    """A lazy scan of a parquet file, or ``None`` when it is absent or has no columns."""
    if not f.exists():
        return None
    lf = pl.scan_parquet(f)
    return lf if lf.collect_schema().names() else None


def _group(lf: pl.LazyFrame | None, by: str) -> list[dict[str, Any]]:

    if lf is None or by not in lf.collect_schema().names():
        return []
    agg = lf.group_by(by).agg(pl.len().alias("documents"), pl.col("token_count").fill_null(0).sum().alias("tokens"),
                              pl.col("bytes").sum().alias("bytes")).sort(by)
    return agg.collect(engine="streaming").to_dicts()


def _count(lf: pl.LazyFrame | None) -> int:
    return 0 if lf is None else int(lf.select(pl.len()).collect(engine="streaming").item())


def _sum(lf: pl.LazyFrame | None, col: str) -> int:
    if lf is None or col not in lf.collect_schema().names():
        return 0
    return int(lf.select(pl.col(col).fill_null(0).sum()).collect(engine="streaming").item() or 0)


def excluded_drops(out: Path) -> list[dict[str, Any]]:
    """(stage, reason, count, chars) of the documents the exclusion writers kept, streamed per file."""
    excluded = out / "excluded"
    rows: list[dict[str, Any]] = []
    for f in sorted(excluded.rglob("*.parquet")) if excluded.is_dir() else []:
        sub = f.parent.relative_to(excluded).as_posix()
        stage = "dedup" if sub.startswith("dedup") else "filter"
        lf = _scan(f)
        if lf is None:
            continue
        agg = (lf.select(pl.col("metadata").str.json_path_match("$.filter_reason").fill_null(sub).alias("reason"),
                         pl.col("text").str.len_chars().alias("chars"))
               .group_by("reason").agg(pl.len().alias("count"), pl.col("chars").sum()).collect(engine="streaming"))
        rows += [{"stage": stage, **r} for r in agg.to_dicts()]
    return rows


def _build_config(out: Path) -> dict[str, Any]:
    f = out / "build.json"
    return (json.loads(f.read_text()).get("config") or {}) if f.exists() else {}


def drop_rates(out: Path, summary: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Drops per reason as shares of the extracted documents and characters, and the warnings
    (held-out split or decontamination over their ``warn_share``)."""
    extracted = sorted((out / "work" / "extracted").glob("*.parquet"))
    docs = chars = 0
    if extracted:
        tot = pl.scan_parquet(extracted).select(pl.len(), pl.col("text").str.len_chars().sum()).collect(engine="streaming")
        docs, chars = int(tot.item(0, 0)), int(tot.item(0, 1) or 0)
    rates = {"extracted_documents": docs, "extracted_chars": chars, "reasons": []}
    for r in summary["drops"]:
        if r["stage"] in ("filter", "dedup") and docs:
            rates["reasons"].append({**r, "doc_share": round(r["count"] / docs, 4),
                                     "char_share": round((r.get("chars") or 0) / chars, 4) if chars else 0.0})
    cfg = _build_config(out)
    warnings: list[str] = []
    plan_f = out / "work" / "split.json"
    plan = json.loads(plan_f.read_text()) if plan_f.exists() else {}
    held_share = plan.get("heldout_char_share")
    split_warn = (cfg.get("split") or {}).get("warn_share", 0.1)
    if held_share is not None:
        rates["heldout_char_share"] = held_share
        if held_share > split_warn:
            warnings.append(f"the held-out split holds {100 * held_share:.1f} % of the characters (more than "
                            f"split.warn_share = {100 * split_warn:g} %): lower split.heldout_share, hold out smaller "
                            f"repositories in split.heldout_repos, or raise split.warn_share if that is intended")
    train_chars = (plan.get("chars") or {}).get("train") or 0
    cont = sum(r.get("chars") or 0 for r in summary["drops"] if r["reason"] == "contaminated")
    dc_warn = (cfg.get("decontam") or {}).get("warn_share", 0.05)
    if train_chars:
        rates["contaminated_train_char_share"] = round(cont / train_chars, 4)
        if cont / train_chars > dc_warn:
            warnings.append(f"decontamination dropped {100 * cont / train_chars:.1f} % of the training characters "
                            f"(more than decontam.warn_share = {100 * dc_warn:g} %): see logs/contamination.json; "
                            f"decontam.action=flag keeps them tagged")
    return rates, warnings


def build_summary(out: Path, stage_names: list[str], timings: dict[str, float]) -> dict[str, Any]:

    catalog = out / "catalog"
    logs = out / "logs"

    def table(name: str) -> pl.LazyFrame | None:
        return _scan(catalog / f"{name}.parquet")

    docs = table("documents")
    drops = table("drops")
    pairs = table("pairs")
    contamination = table("contamination")
    summary: dict[str, Any] = {
        "out": str(out),
        "stages": {s: {"seconds": timings.get(s), **_stage_stats(logs, s)} for s in stage_names},  # seconds: wall
        "pairs": _count(pairs),
        "files_read": _sum(pairs, "files_read"),
        "bytes_read": _sum(pairs, "bytes_read"),
        "documents": _count(docs),
        "tokens": _sum(docs, "token_count"),
        "per_manufacturer": _group(docs, "manufacturer"),
        "per_domain": _group(docs, "domain"),
        "per_split": _group(docs, "split"),
        "per_kind": _group(docs, "kind"),
        "drops": (drops.group_by(["stage", "reason"]).agg(pl.len().alias("count")).collect(engine="streaming").to_dicts()
                  if drops is not None else []),
    }
    # documents dropped after extraction, read back from the exclusion writers' output
    summary["drops"] += excluded_drops(out)
    if summary["drops"]:
        summary["drops"] = (pl.DataFrame(summary["drops"], infer_schema_length=None).group_by(["stage", "reason"])
                            .agg(pl.col("count").sum(), *([pl.col("chars").sum()] if any("chars" in r for r in summary["drops"]) else []))
                            .sort(["stage", "reason"]).to_dicts())
        for r in summary["drops"]:
            if r.get("chars") is None:
                r.pop("chars", None)

    def by(col: str) -> list[dict[str, Any]]:
        return (contamination.group_by(col).agg(pl.len().alias("documents")).sort(col).collect(engine="streaming")
                .to_dicts() if contamination is not None else [])

    summary["contamination"] = {"documents": _count(contamination), "per_domain": by("domain"), "per_source": by("repo")}
    summary["drop_rates"], summary["warnings"] = drop_rates(out, summary)
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
