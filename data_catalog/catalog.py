"""Query API over the catalog tables of a build (``OUT/catalog/*.parquet``), on lazy polars scans.

The pipeline writes one parquet file per table (merged from per-rank parts by
``corpus/catalog_parts.py``). This module only reads them: every query is a lazy scan,
so a full-size build stays cheap to query. Tables or columns a build did not write are
tolerated: queries give zeros/empty frames for them and ``Catalog.missing()`` says which
tables were absent, so a report can say what it could not show.

Columns read (any extra columns are ignored; see docs/catalog.md):
``pairs`` pair_id, manufacturer, manufacturer_raw, category, component ·
``datasheets`` pair_id, pages · ``sections`` pair_id, section_id|id, title ·
``section_status`` pair_id, section_id, status, title, score · ``registers`` pair_id, name, peripheral ·
``links`` pair_id, register, peripheral, symbol, file, score · ``files`` pair_id, path, language, n_symbols, n_registers ·
``symbols`` pair_id · ``documents`` pair_id, kind, domain, split, token_count|tokens, bytes, dropped ·
``drops`` stage, pair_id, path, reason, detail · ``pair_checks`` pair_id, score, verdict.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from firmcorpus.core.names import safe_file_stem
from firmcorpus.data_catalog.manufacturers import canonical_manufacturer

# The tables a complete build writes (docs/contracts.md "Build output" plus the pipeline's extras).
TABLES = ("pairs", "datasheets", "sections", "section_status", "peripherals", "registers", "fields", "links",
          "files", "symbols", "includes", "documents", "drops")
# Optional tables: shown when present, never reported as missing.
OPTIONAL_TABLES = ("pair_checks", "dedup_clusters", "vendored")
STATUSES = ("implemented", "partial", "not_implemented", "not_applicable")
# Columns that may carry a document's drop reason (null/empty when the document was kept).
DROP_COLUMNS = ("dropped", "drop_reason", "dropped_reason")
# The document token count (the build writes ``token_count``).
TOKEN_COLUMNS = ("token_count", "tokens")


class MissingTableError(KeyError):
    def __init__(self, table: str, catalog_dir: Path):
        super().__init__(table)
        self.table = table
        self.catalog_dir = catalog_dir

    def __str__(self) -> str:
        return (f"catalog table {self.table!r} not found in {self.catalog_dir}; "
                f"the build did not write it (rerun the stage that writes {self.table}, or check OUT)")


def resolve_out(path: str | os.PathLike) -> tuple[Path, Path]:
    """(OUT, OUT/catalog) from either OUT or OUT/catalog."""
    p = Path(path)
    if p.name == "catalog" and not (p / "catalog").is_dir():
        return p.parent, p
    return p, p / "catalog"


class Catalog:
    """Lazy view of one build's catalog."""

    def __init__(self, out_dir: str | os.PathLike):
        self.out_dir, self.catalog_dir = resolve_out(out_dir)
        if not self.out_dir.is_dir():
            raise FileNotFoundError(f"build output {self.out_dir} does not exist; run `firmcorpus build ... -o OUT` "
                                    "first or pass the OUT folder of a finished build")
        self._schemas: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ tables

    def path(self, table: str) -> Path:
        return self.catalog_dir / f"{table}.parquet"

    def has(self, table: str) -> bool:
        return self.path(table).is_file()

    def present(self) -> list[str]:
        if not self.catalog_dir.is_dir():
            return []
        return sorted(p.stem for p in self.catalog_dir.glob("*.parquet"))

    def missing(self, expected: Iterable[str] = TABLES) -> list[str]:
        return [t for t in expected if not self.has(t)]

    def scan(self, table: str) -> pl.LazyFrame:
        if not self.has(table):
            raise MissingTableError(table, self.catalog_dir)
        return pl.scan_parquet(self.path(table))

    def get(self, table: str) -> pl.LazyFrame | None:
        return self.scan(table) if self.has(table) else None

    def columns(self, table: str) -> list[str]:
        if table not in self._schemas:
            self._schemas[table] = self.scan(table).collect_schema().names() if self.has(table) else []
        return self._schemas[table]

    def col(self, table: str, *candidates: str) -> str | None:
        """The first of ``candidates`` that the table has (builds differ in small naming choices)."""
        cols = self.columns(table)
        return next((c for c in candidates if c in cols), None)

    def count(self, table: str) -> int:
        if not self.has(table) or not self.columns(table):
            return 0
        return int(self.scan(table).select(pl.len()).collect().item())

    def table_counts(self) -> dict[str, int | None]:
        """Rows per expected and present table; None for a missing table."""
        names = list(dict.fromkeys([*TABLES, *self.present()]))
        return {t: (self.count(t) if self.has(t) else None) for t in names}

    def build_summary(self) -> dict[str, Any] | None:
        p = self.out_dir / "logs" / "summary.json"
        if not p.is_file():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return {"error": f"{p} is not valid JSON"}

    def mapping(self, pair_id: str) -> dict[str, Any] | None:
        p = self.out_dir / "mappings" / f"{safe_file_stem(pair_id)}.json"
        if not p.is_file():
            return None
        return json.loads(p.read_text(encoding="utf-8"))

    def mapping_md(self, pair_id: str) -> Path | None:
        p = self.out_dir / "mappings" / f"{safe_file_stem(pair_id)}.md"
        return p if p.is_file() else None

    # ------------------------------------------------------------------ pairs and manufacturers

    def pairs(self) -> pl.LazyFrame:
        """pair_id, manufacturer, manufacturer_raw, category, component (nulls where not recorded)."""
        want = ("pair_id", "manufacturer", "manufacturer_raw", "category", "component")
        if self.has("pairs") and "pair_id" in self.columns("pairs"):
            lf = self.scan("pairs")
            cols = self.columns("pairs")
            return lf.select([pl.col(c).cast(pl.Utf8) if c in cols else pl.lit(None, pl.Utf8).alias(c) for c in want])
        # no pairs table: fall back to the pairs documents mention
        if self.has("documents") and "pair_id" in self.columns("documents"):
            cols = self.columns("documents")
            lf = self.scan("documents").group_by("pair_id").agg(
                [pl.col(c).drop_nulls().first().cast(pl.Utf8).alias(c) for c in want[1:] if c in cols])
            return lf.select([pl.col(c) if c == "pair_id" or c in cols else pl.lit(None, pl.Utf8).alias(c)
                              for c in want]).sort("pair_id")
        return pl.LazyFrame(schema={c: pl.Utf8 for c in want})

    def resolve_manufacturer(self, name: str) -> str | None:
        """A canonical manufacturer of this build from a canonical or raw spelling (None if absent)."""
        names = self.pairs().select("manufacturer").unique().collect()["manufacturer"].drop_nulls().to_list()
        for cand in (name, canonical_manufacturer(name).canonical):
            for n in names:
                if n.casefold() == cand.casefold():
                    return n
        return None

    def pair_ids(self, manufacturer: str | None = None) -> list[str]:
        lf = self.pairs()
        if manufacturer is not None:
            lf = lf.filter(pl.col("manufacturer") == manufacturer)
        return lf.select("pair_id").collect()["pair_id"].to_list()

    def _by_pair(self, table: str, pair_ids: list[str] | None) -> pl.LazyFrame | None:
        if not self.has(table) or "pair_id" not in self.columns(table):
            return None
        lf = self.scan(table)
        if pair_ids is not None:
            lf = lf.filter(pl.col("pair_id").is_in(pair_ids))
        return lf

    def _count_per_pair(self, table: str, name: str, pair_ids: list[str] | None,
                        distinct: tuple[str, ...] = ()) -> pl.LazyFrame | None:
        lf = self._by_pair(table, pair_ids)
        if lf is None:
            return None
        cols = [c for c in distinct if c in self.columns(table)]
        if cols:
            lf = lf.select(["pair_id", *cols]).unique()
        return lf.group_by("pair_id").agg(pl.len().cast(pl.Int64).alias(name))

    def _drops_per_pair(self, pair_ids: list[str] | None) -> pl.LazyFrame | None:
        lf = self._all_drops(pair_ids)
        if lf is None:
            return None
        return lf.filter(pl.col("pair_id").is_not_null()).group_by("pair_id").agg(
            pl.len().cast(pl.Int64).alias("drops"))

    def _symbols_per_pair(self, pair_ids: list[str] | None) -> pl.LazyFrame | None:
        """Symbols per pair from ``files.n_symbols`` (the symbols table may truncate huge files), plus
        register definitions found in code (``files.n_registers``) when the build records them."""
        cols = self.columns("files")
        if "n_symbols" in cols:
            lf = self._by_pair("files", pair_ids)
            aggs = [pl.col("n_symbols").fill_null(0).sum().cast(pl.Int64).alias("symbols")]
            if "n_registers" in cols:
                aggs.append(pl.col("n_registers").fill_null(0).sum().cast(pl.Int64).alias("code_registers"))
            return lf.group_by("pair_id").agg(aggs)
        return self._count_per_pair("symbols", "symbols", pair_ids)

    def _linked_per_pair(self, pair_ids: list[str] | None) -> pl.LazyFrame | None:
        """Registers of the datasheet that at least one link names (links to unknown registers don't count)."""
        links = self._by_pair("links", pair_ids)
        if links is None or "register" not in self.columns("links"):
            return None
        lper = "peripheral" in self.columns("links")
        links = links.select("pair_id", (pl.col("peripheral").cast(pl.Utf8) if lper else pl.lit(None, pl.Utf8))
                             .alias("peripheral"), pl.col("register").cast(pl.Utf8).alias("name")).unique()
        regs = self._by_pair("registers", pair_ids)
        if regs is not None and "name" in self.columns("registers"):
            rper = "peripheral" in self.columns("registers")
            regs = regs.select("pair_id", (pl.col("peripheral").cast(pl.Utf8) if rper else pl.lit(None, pl.Utf8))
                               .alias("peripheral"), pl.col("name").cast(pl.Utf8)).unique()
            links = regs.join(links, on=["pair_id", "peripheral", "name"], how="semi", nulls_equal=True)
        return links.group_by("pair_id").agg(pl.len().cast(pl.Int64).alias("registers_linked"))

    def _kept_documents(self, pair_ids: list[str] | None) -> pl.LazyFrame | None:
        lf = self._by_pair("documents", pair_ids)
        if lf is None:
            return None
        drop = self.col("documents", *DROP_COLUMNS)
        if drop:
            lf = lf.filter(pl.col(drop).is_null() | (pl.col(drop).cast(pl.Utf8) == ""))
        return lf

    def pair_table(self, manufacturer: str | None = None, pair_ids: list[str] | None = None) -> pl.DataFrame:
        """One row per pair: pages, sections, registers, linked registers and share, files, symbols,
        documents, tokens, section statuses, drops, pair-check score."""
        base = self.pairs()
        if manufacturer is not None:
            base = base.filter(pl.col("manufacturer") == manufacturer)
        if pair_ids is not None:
            base = base.filter(pl.col("pair_id").is_in(pair_ids))
        base_df = base.collect()
        ids = base_df["pair_id"].to_list()
        df = base_df.lazy()

        parts: list[pl.LazyFrame] = []
        pages = self._by_pair("datasheets", ids)
        if pages is not None and "pages" in self.columns("datasheets"):
            parts.append(pages.group_by("pair_id").agg(pl.col("pages").sum().cast(pl.Int64).alias("pages")))
        sec_id = self.col("sections", "section_id", "id")
        for p in (
            # a pair may have several datasheets (the datasheet step writes its file name per row)
            self._count_per_pair("sections", "sections", ids, distinct=("datasheet", sec_id) if sec_id else ()),
            self._count_per_pair("registers", "registers", ids, distinct=("datasheet", "peripheral", "name")),
            self._linked_per_pair(ids),
            self._count_per_pair("files", "files", ids),
            self._symbols_per_pair(ids),
            self._drops_per_pair(ids),
        ):
            if p is not None:
                parts.append(p)
        docs = self._kept_documents(ids)
        if docs is not None:
            aggs = [pl.len().cast(pl.Int64).alias("documents")]
            tok = self.col("documents", *TOKEN_COLUMNS)
            if tok:
                aggs.append(pl.col(tok).fill_null(0).sum().cast(pl.Int64).alias("tokens"))
            if "bytes" in self.columns("documents"):
                aggs.append(pl.col("bytes").sum().cast(pl.Int64).alias("bytes"))
            parts.append(docs.group_by("pair_id").agg(aggs))
        status = self._by_pair("section_status", ids)
        if status is not None and "status" in self.columns("section_status"):
            parts.append(status.group_by("pair_id").agg(
                [(pl.col("status") == s).sum().cast(pl.Int64).alias(f"status_{s}") for s in STATUSES]))
        checks = self._by_pair("pair_checks", ids)
        if checks is not None:
            cc = [c for c in ("score", "verdict") if c in self.columns("pair_checks")]
            if cc:
                parts.append(checks.select(["pair_id", *cc]).rename({c: f"check_{c}" for c in cc})
                             .unique("pair_id", keep="first"))
        for p in parts:
            df = df.join(p, on="pair_id", how="left")
        out = df.collect(engine="streaming")  # the per-pair counts of big tables (symbols) stream
        int_cols = ["pages", "sections", "registers", "registers_linked", "files", "symbols", "code_registers", "drops",
                    "documents",
                    "tokens", "bytes", *[f"status_{s}" for s in STATUSES]]
        out = out.with_columns([pl.col(c).fill_null(0) if c in out.columns else pl.lit(0, pl.Int64).alias(c)
                                for c in int_cols])
        out = out.with_columns(
            pl.when(pl.col("registers") > 0)
            .then(pl.min_horizontal(pl.col("registers_linked") / pl.col("registers"), pl.lit(1.0)))
            .otherwise(None).alias("linked_share"))
        return out.sort("pair_id")

    def manufacturer_table(self, pt: pl.DataFrame | None = None) -> pl.DataFrame:
        """One row per canonical manufacturer: sums of the pair table (``pt``, computed when not given),
        linked share over all its registers."""
        pt = self.pair_table() if pt is None else pt
        if pt.is_empty():
            return pl.DataFrame(schema={"manufacturer": pl.Utf8, "pairs": pl.Int64})
        sums = [c for c in pt.columns if pt.schema[c].is_integer()]
        out = (pt.with_columns(pl.col("manufacturer").fill_null("(unknown)"))
               .group_by("manufacturer")
               .agg([pl.len().cast(pl.Int64).alias("pairs"),
                     pl.col("manufacturer_raw").drop_nulls().unique().sort().str.join(", ").alias("raw_names"),
                     *[pl.col(c).sum() for c in sums]]))
        out = out.with_columns(
            pl.when(pl.col("registers") > 0)
            .then(pl.min_horizontal(pl.col("registers_linked") / pl.col("registers"), pl.lit(1.0)))
            .otherwise(None).alias("linked_share"))
        return out.sort(["pairs", "manufacturer"], descending=[True, False])

    # ------------------------------------------------------------------ breakdowns

    def tokens_by_domain(self, pair_ids: list[str] | None = None, per_pair: bool = False) -> pl.DataFrame:
        """domain, split, documents, tokens, bytes over kept documents (``per_pair``: also by pair_id, so
        one scan serves every manufacturer)."""
        docs = self._kept_documents(pair_ids)
        keys = ["pair_id", "domain", "split"] if per_pair else ["domain", "split"]
        schema = {"domain": pl.Utf8, "split": pl.Utf8, "documents": pl.Int64, "tokens": pl.Int64, "bytes": pl.Int64}
        if per_pair:
            schema = {"pair_id": pl.Utf8, **schema}
        if docs is None:
            return pl.DataFrame(schema=schema)
        cols = self.columns("documents")
        docs = docs.with_columns([pl.col(c).cast(pl.Utf8).fill_null("(none)") if c in cols
                                  else pl.lit("(none)").alias(c) for c in ("domain", "split")])
        aggs = [pl.len().cast(pl.Int64).alias("documents")]
        for c, src in (("tokens", self.col("documents", *TOKEN_COLUMNS)), ("bytes", self.col("documents", "bytes"))):
            aggs.append(pl.col(src).fill_null(0).sum().cast(pl.Int64).alias(c) if src else pl.lit(0, pl.Int64).alias(c))
        return docs.group_by(keys).agg(aggs).sort(keys).collect()

    def _excluded(self) -> list[pl.LazyFrame]:
        """Documents the filters kept aside (datatrove exclusion writers under ``OUT/excluded/<stage>/``):
        pair_id and reason read from their JSON metadata (``filter_reason``)."""
        root = self.out_dir / "excluded"
        if not root.is_dir():
            return []
        by_stage: dict[str, list[Path]] = {}
        for f in sorted(root.rglob("*.parquet")):
            by_stage.setdefault(f.parent.relative_to(root).as_posix(), []).append(f)
        frames = []
        for stage, files in by_stage.items():
            lf = pl.scan_parquet(files)
            schema = lf.collect_schema()
            md = schema.get("metadata")
            if md == pl.Utf8:
                pid = pl.col("metadata").str.json_path_match("$.pair_id")
                reason = pl.col("metadata").str.json_path_match("$.filter_reason")
            elif isinstance(md, pl.Struct):
                names = {f.name for f in md.fields}
                pid = (pl.col("metadata").struct.field("pair_id") if "pair_id" in names
                       else pl.lit(None)).cast(pl.Utf8)
                reason = (pl.col("metadata").struct.field("filter_reason") if "filter_reason" in names
                          else pl.lit(None)).cast(pl.Utf8)
            else:
                pid, reason = pl.lit(None, pl.Utf8), pl.lit(None, pl.Utf8)
            frames.append(lf.select(pid.alias("pair_id"), pl.lit(f"excluded/{stage}").alias("stage"),
                                    reason.fill_null(stage).alias("reason")))
        return frames

    def _all_drops(self, pair_ids: list[str] | None = None) -> pl.LazyFrame | None:
        """pair_id, stage, reason of every drop: the drops table, documents carrying a drop reason,
        and the documents under OUT/excluded/ (drops without a pair have a null pair_id)."""
        frames = []

        def pid(table: str) -> pl.Expr:
            return (pl.col("pair_id").cast(pl.Utf8) if "pair_id" in self.columns(table)
                    else pl.lit(None, pl.Utf8)).alias("pair_id")

        if self.has("drops") and "reason" in self.columns("drops"):
            stage = pl.col("stage").cast(pl.Utf8) if "stage" in self.columns("drops") else pl.lit("(unknown)")
            frames.append(self.scan("drops").select(pid("drops"), stage.fill_null("(unknown)").alias("stage"),
                                                    pl.col("reason").cast(pl.Utf8).fill_null("(none)").alias("reason")))
        drop = self.col("documents", *DROP_COLUMNS)
        if drop:
            frames.append(self.scan("documents").filter(pl.col(drop).is_not_null() & (pl.col(drop).cast(pl.Utf8) != ""))
                          .select(pid("documents"), pl.lit("documents").alias("stage"),
                                  pl.col(drop).cast(pl.Utf8).alias("reason")))
        frames.extend(self._excluded())
        if not frames:
            return None
        lf = pl.concat(frames, how="vertical_relaxed")
        if pair_ids is not None:
            lf = lf.filter(pl.col("pair_id").is_in(pair_ids))
        return lf

    def drops_by_reason(self, pair_ids: list[str] | None = None, per_pair: bool = False) -> pl.DataFrame:
        """stage, reason, count over every drop (see ``_all_drops``); ``per_pair``: also by pair_id."""
        keys = ["pair_id", "stage", "reason"] if per_pair else ["stage", "reason"]
        lf = self._all_drops(pair_ids)
        if lf is None:
            return pl.DataFrame(schema={**{k: pl.Utf8 for k in keys}, "count": pl.Int64})
        return (lf.group_by(keys).agg(pl.len().cast(pl.Int64).alias("count"))
                .sort(["count", *keys], descending=[True] + [False] * len(keys), nulls_last=True).collect())

    def section_status_counts(self, pair_ids: list[str] | None = None) -> dict[str, int]:
        lf = self._by_pair("section_status", pair_ids)
        counts = {s: 0 for s in STATUSES}
        if lf is None or "status" not in self.columns("section_status"):
            return counts
        for row in lf.group_by("status").agg(pl.len()).collect().iter_rows():
            counts[str(row[0])] = int(row[1])
        return counts

    def worst_sections(self, pair_id: str, n: int = 10) -> list[dict[str, Any]]:
        """The least-covered sections of a pair: not implemented first, then partial, lowest score first."""
        rows: list[dict[str, Any]] = []
        lf = self._by_pair("section_status", [pair_id])
        if lf is not None and "status" in self.columns("section_status"):
            rows = lf.collect().to_dicts()
            for r in rows:
                if r.get("score") is None and r.get("coverage") is not None:
                    r["score"] = r["coverage"]
                for short in ("registers", "linked", "files"):  # the mapping step writes n_registers ...
                    if short not in r and f"n_{short}" in r:
                        r[short] = r[f"n_{short}"]
        else:
            m = self.mapping(pair_id)
            for s in (m or {}).get("sections", []):
                best = max((f.get("score") or 0.0 for f in s.get("files", [])), default=0.0)
                # the mapping's own coverage (share of the section's registers linked) when it has one
                score = s["coverage"] if s.get("coverage") is not None else best
                rows.append({"section_id": s.get("section_id"), "title": s.get("title"), "status": s.get("status"),
                             "score": score, "files": len(s.get("files", [])), "symbols": len(s.get("symbols", [])),
                             "registers": len(s.get("registers", [])), "linked": len(s.get("linked", [])),
                             "reason": s.get("reason")})
        order = {"not_implemented": 0, "partial": 1, "implemented": 2, "not_applicable": 3}
        rows = [r for r in rows if r.get("status") != "not_applicable"]
        rows.sort(key=lambda r: (order.get(r.get("status"), 0), r.get("score") or 0.0, str(r.get("section_id"))))
        keep = ("section_id", "title", "status", "score", "registers", "linked", "files", "symbols", "reason")
        return [{k: r.get(k) for k in keep if k in r} for r in rows[:n]]


def catalog_info(out: str | Path) -> dict[str, Any]:
    """``firmcorpus catalog show OUT``: the catalog tables of a build, their row counts and columns."""
    cat = Catalog(out)
    counts = cat.table_counts()
    return {"out": str(cat.out_dir), "catalog": str(cat.catalog_dir), "tables": counts,
            "columns": {t: cat.columns(t) for t, n in counts.items() if n is not None},
            "missing_tables": cat.missing(TABLES), "build_summary": cat.build_summary()}
