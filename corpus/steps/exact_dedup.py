"""Exact dedup and vendored-file collapse, as three datatrove steps over a shared work folder.

The same CMSIS/HAL/lwIP file is copied into dozens of repositories. These steps keep one
copy, chosen from the best source, and record where every copy came from:

1. ``ExactDedupSignature`` (N tasks): per document a 128-bit xxh3 of the text after whitespace
   normalisation (runs of whitespace → one space, so CRLF, re-indentation and trailing blanks do
   not hide a copy) plus what the choice needs (pair, path, manufacturer, licence, vendored flag,
   whether the file names its pair's manufacturer in its header), to ``hashes/RANK.parquet``.
2. ``ExactDedupResolve`` (1 task): groups equal hashes and keeps, per group, the copy with
   (1) the most acceptable licence under the ``LicensePolicy``, (2) from the pair whose
   manufacturer owns the file (named in its header or path), (3) not flagged vendored,
   (4) the shallowest path, (5) the smallest document id (ties: deterministic). Writes
   ``decisions/RANK.parquet`` and the ``exact_duplicates`` catalog table: one row per copy
   (hash, id, pair_id, repo, path, manufacturer, license, is_vendored, kept, kept_id, copies).
3. ``ExactDedupFilter`` (N tasks, same reader and task count as step 1, checked) drops the
   other copies (``filter_reason = "exact_duplicate"``, ``exact_duplicate_of`` = kept id) and
   stores ``exact_copies`` (how many copies the corpus had) on every document.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import xxhash
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.io import atomic_path, atomic_write_bytes
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.licenses import LicensePolicy
from firmcorpus.corpus.steps.minhash import filter_by_index, ids_digest
from firmcorpus.corpus.steps.signals import has_flag

_WS_RE = re.compile(r"\s+")


def normalised_hash(text: str) -> str:
    """Hex xxh3-128 of the text with whitespace runs collapsed (the exact-dedup key)."""

    return xxhash.xxh3_128_hexdigest(_WS_RE.sub(" ", text).strip().encode("utf-8", "surrogatepass"))


def owns_file(manufacturer: str | None, path: str, text: str, head_chars: int = 3000) -> bool:
    """Whether a manufacturer name appears in the file's header or path (its likely author)."""
    if not manufacturer:
        return False
    words = [w for w in re.split(r"[^a-z0-9]+", manufacturer.lower()) if len(w) >= 3]
    if not words:
        return False
    hay = (path + "\n" + text[:head_chars]).lower()
    return words[0] in hay


def _meta_path(folder: str, rank: int) -> Path:
    return Path(folder) / "meta" / f"{rank:05d}.json"


class ExactDedupSignature(PipelineStep):
    """Step 1 of exact dedup: hash every document, forward it unchanged.

    Args:
        output_folder: the exact-dedup work folder (``hashes/``, ``meta/``).

    Reads ``doc.text``, ``doc.id`` and metadata ``pair_id``, ``repo``, ``path``, ``manufacturer``,
    ``license_spdx`` / ``license``, ``is_vendored`` / ``flags``.
    """

    type = "🫂 - DEDUP"
    name = "🟰 exact dedup hashes"

    def __init__(self, output_folder: str):
        super().__init__()
        self.output_folder = str(output_folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:

        rows, ids = [], []
        for idx, doc in enumerate(data):
            self.stat_update("total")
            md = doc.metadata
            with self.track_time():
                path = str(md.get("path") or "")
                rows.append({
                    "hash": normalised_hash(doc.text), "index": idx, "id": doc.id,
                    "pair_id": md.get("pair_id"), "repo": md.get("repo"), "path": path,
                    "manufacturer": md.get("manufacturer"),
                    "license": md.get("license_spdx") or md.get("license"),
                    "is_vendored": bool(md.get("is_vendored")) or has_flag(md, "vendored"),
                    "owner": owns_file(md.get("manufacturer"), path, doc.text),
                    "depth": path.count("/"),
                })
            ids.append(doc.id)
            yield doc
        schema = {"hash": pl.Utf8, "index": pl.Int64, "id": pl.Utf8, "pair_id": pl.Utf8, "repo": pl.Utf8,
                  "path": pl.Utf8, "manufacturer": pl.Utf8, "license": pl.Utf8, "is_vendored": pl.Boolean,
                  "owner": pl.Boolean, "depth": pl.Int64}
        df = pl.DataFrame(rows, schema=schema)
        out = Path(self.output_folder) / "hashes" / f"{rank:05d}.parquet"
        with atomic_path(out) as tmp:
            df.write_parquet(tmp, statistics=False)
        meta = {"rank": rank, "world_size": world_size, "documents": len(ids), "ids_digest": ids_digest(ids)}
        atomic_write_bytes(_meta_path(self.output_folder, rank), json.dumps(meta, sort_keys=True).encode())


class ExactDedupResolve(PipelineStep):
    """Step 2 of exact dedup (tasks=1): choose the kept copy of every group of equal files.

    Args:
        work_folder: the folder of ``ExactDedupSignature``.
        license_policy: ``corpus.licenses.LicensePolicy`` ranking copies by licence
            (default policy when None).
        catalog_dir: where the ``exact_duplicates`` table part goes (``CatalogPartWriter``);
            defaults to ``<work_folder>/catalog``.
    """

    type = "🫂 - DEDUP"
    name = "🟰 exact dedup resolve"

    def __init__(self, work_folder: str, license_policy=None, catalog_dir: str | None = None):
        super().__init__()
        self.work_folder = str(work_folder)
        self.license_policy = license_policy
        self.catalog_dir = catalog_dir

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if world_size != 1:
            raise ValueError(f"ExactDedupResolve must run with tasks=1 (got {world_size}).")

        policy = self.license_policy or LicensePolicy()
        meta0 = json.loads(_meta_path(self.work_folder, 0).read_text()) if _meta_path(self.work_folder, 0).is_file() \
            else None
        if meta0 is None:
            raise FileNotFoundError(f"{_meta_path(self.work_folder, 0)} missing: run the exact-dedup hash stage first.")
        world = meta0["world_size"]
        frames = []
        for r in range(world):
            p = Path(self.work_folder) / "hashes" / f"{r:05d}.parquet"
            if not p.is_file():
                raise FileNotFoundError(f"{p} missing: the exact-dedup hash stage did not finish rank {r}; rerun it "
                                        f"with tasks={world}.")
            frames.append(pl.read_parquet(p).with_columns(pl.lit(r, dtype=pl.Int64).alias("rank")))
        with self.track_time():
            df = pl.concat(frames)
            df = df.filter(pl.col("hash").is_duplicated())
            lic_rank = [policy.rank(lic, man) for lic, man in zip(df["license"].to_list(), df["manufacturer"].to_list())]
            df = df.with_columns(pl.Series("license_rank", lic_rank, dtype=pl.Int64))
            df = df.sort(["hash", "license_rank", "owner", "is_vendored", "depth", "id"],
                         descending=[False, False, True, False, False, False])
            df = df.with_columns(
                pl.col("id").first().over("hash").alias("kept_id"),
                pl.len().over("hash").cast(pl.Int64).alias("copies"),
            ).with_columns((pl.col("id") == pl.col("kept_id")).alias("kept"))
        out = Path(self.work_folder) / "decisions"
        out.mkdir(parents=True, exist_ok=True)
        for r in range(world):
            part = df.filter(pl.col("rank") == r).select(["index", "kept", "kept_id", "copies"]).sort("index")
            with atomic_path(out / f"{r:05d}.parquet") as tmp:
                part.write_parquet(tmp, statistics=False)
        n_removed = int((~df["kept"]).sum()) if df.height else 0
        self.stat_update("duplicate_groups", value=int(df["hash"].n_unique()) if df.height else 0)
        self.stat_update("to_remove", value=n_removed)
        catalog_dir = self.catalog_dir or str(Path(self.work_folder) / "catalog")
        with CatalogPartWriter(catalog_dir, "exact_duplicates", rank=0, sort_by=("hash", "id")) as w:
            for row in df.select(["hash", "id", "pair_id", "repo", "path", "manufacturer", "license", "is_vendored",
                                  "kept", "kept_id", "copies"]).iter_rows(named=True):
                w.add(row)
        return
        yield


class ExactDedupFilter(PipelineStep):
    """Step 3 of exact dedup: drop the copies that were not kept.

    Args:
        work_folder: the exact-dedup work folder (decisions of ``ExactDedupResolve``).
        exclusion_writer: datatrove ``DiskWriter`` for dropped copies.
        annotate: write ``exact_copies`` / ``exact_duplicate_of`` metadata (default True).

    Must see the same documents in the same order as ``ExactDedupSignature`` (same reader,
    same ``tasks``): checked, with an error saying so.
    """

    type = "🫂 - DEDUP"
    name = "🟰 exact dedup filter"

    def __init__(self, work_folder: str, exclusion_writer=None, annotate: bool = True):
        super().__init__()
        self.work_folder = str(work_folder)
        self.exclusion_writer = exclusion_writer
        self.annotate = annotate

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        mp = _meta_path(self.work_folder, rank)
        if not mp.is_file():
            raise FileNotFoundError(f"{mp} missing: run the exact-dedup hash stage with tasks={world_size} first.")
        meta = json.loads(mp.read_text())
        if meta["world_size"] != world_size:
            raise ValueError(
                f"The exact-dedup filter runs with tasks={world_size} but hashes were computed with "
                f"tasks={meta['world_size']}. Run every dedup stage over the same input with tasks={meta['world_size']}."
            )
        dp = Path(self.work_folder) / "decisions" / f"{rank:05d}.parquet"
        if not dp.is_file():
            raise FileNotFoundError(f"{dp} missing: run the exact-dedup resolve stage before the filter.")
        decisions = {r["index"]: r for r in pl.read_parquet(dp).iter_rows(named=True)}

        def tag(idx: int, doc) -> bool:
            d = decisions.get(idx)
            if self.annotate:
                doc.metadata["exact_copies"] = d["copies"] if d else 1
            if d is not None and not d["kept"]:
                doc.metadata["exact_duplicate_of"] = d["kept_id"]
                return True
            return False

        yield from filter_by_index(self, data, rank, meta, "exact_duplicate", tag, self.exclusion_writer,
                                   "exact-dedup hash stage")
