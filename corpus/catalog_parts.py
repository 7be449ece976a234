"""Catalog rows written by pipeline steps, one parquet part per (table, rank).

A step that has catalog rows (files, symbols, registers, links, ...) opens a
``CatalogPartWriter`` in ``run`` and calls ``add(row)``; on close it writes
``<catalog_dir>/parts/<table>/<rank:05d>.parquet``. The writer holds at most ``batch_rows`` rows
as Python dicts: each full batch is sorted by the given key and written to a chunk file beside the
part, and ``close`` streams the chunks into the part (a task's memory does not grow with its
catalog rows). A task with fewer rows than one batch writes one sorted part, as before; a rerun of
a task (resume) writes the same bytes either way. ``merge_parts`` concatenates the parts of a
table into ``<catalog_dir>/<table>.parquet`` at the end of a build, streaming (polars lazy scans
and ``sink_parquet``), so the merge holds a batch of rows, not the table.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterable

import polars as pl
import pyarrow.parquet as pq

from firmcorpus.core.io import atomic_path

BATCH_ROWS = 20_000  # ≈ 50 MB of row dicts for the widest tables (symbols)
# Rows per row group of a merged table. The streaming sink holds row groups in memory while it
# writes: with polars' default, merging 66 symbol parts (864k rows) of a 200 MB build added 137 MB to
# the build's process and 1,056 parts 222 MB; with 50,000 rows 65 and 123 MB.
MERGE_ROW_GROUP_ROWS = 50_000


def _frame(rows: list[dict[str, Any]], sort_by: list[str]) -> pl.DataFrame:
    df = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    if sort_by and rows:
        df = df.sort(sort_by, maintain_order=True)
    return df


def _concat_to(files: list[Path], dest: Path) -> None:
    """Stream parquet ``files`` (in order; columns unioned, types relaxed) into ``dest``, atomically."""
    files = [f for f in files if pq.ParquetFile(f).metadata.num_rows]
    with atomic_path(dest) as tmp:
        if not files:
            pl.DataFrame().write_parquet(tmp, statistics=False)
        elif len(files) == 1:
            shutil.copyfile(files[0], tmp)
        else:
            pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed").sink_parquet(
                tmp, statistics=False, row_group_size=MERGE_ROW_GROUP_ROWS)


class CatalogPartWriter:
    def __init__(self, catalog_dir: str | os.PathLike, table: str, rank: int, sort_by: Iterable[str] = (),
                 tag: str | None = None, batch_rows: int = BATCH_ROWS):
        # ``tag`` separates writers of the same table in one stage (e.g. the reader's and the
        # datasheet step's rows of ``drops``): each writes its own part file.
        name = f"{rank:05d}-{tag}.parquet" if tag else f"{rank:05d}.parquet"
        self.path = Path(catalog_dir) / "parts" / table / name
        self.sort_by = list(sort_by)
        self.batch_rows = max(1, batch_rows)
        self.rows: list[dict[str, Any]] = []
        self.chunks: list[Path] = []
        self._chunk_dir = self.path.with_name(self.path.name + ".chunks")
        if self._chunk_dir.exists():  # left by a killed run of this task
            shutil.rmtree(self._chunk_dir)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        self._chunk_dir.mkdir(parents=True, exist_ok=True)
        chunk = self._chunk_dir / f"{len(self.chunks):06d}.parquet"
        _frame(self.rows, self.sort_by).write_parquet(chunk, statistics=False)
        self.chunks.append(chunk)
        self.rows = []

    def close(self) -> Path:
        if not self.chunks:
            with atomic_path(self.path) as tmp:  # a killed task never leaves half a part
                _frame(self.rows, self.sort_by).write_parquet(tmp, statistics=False)
            self.rows = []
            return self.path
        self._flush()
        _concat_to(self.chunks, self.path)
        shutil.rmtree(self._chunk_dir)
        self.chunks = []
        return self.path

    def __enter__(self) -> "CatalogPartWriter":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()


def merge_parts(catalog_dir: str | os.PathLike, table: str) -> Path | None:
    """Concatenate ``parts/<table>/*.parquet`` (rank order) into ``<table>.parquet``, streaming."""

    catalog_dir = Path(catalog_dir)
    parts = sorted((catalog_dir / "parts" / table).glob("*.parquet"))
    out = catalog_dir / f"{table}.parquet"
    _concat_to(parts, out)
    return out
