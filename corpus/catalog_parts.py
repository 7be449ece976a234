"""Catalog rows written by pipeline steps, one parquet part per (table, rank).

A step that has catalog rows (files, symbols, registers, links, ...) opens a
``CatalogPartWriter`` in ``run`` and calls ``add(row)``; on close it writes
``<catalog_dir>/parts/<table>/<rank:05d>.parquet``. Rows are sorted by the given key so a
rerun of a task (resume) writes the same bytes. ``merge_parts`` concatenates the parts of a
table into ``<catalog_dir>/<table>.parquet`` at the end of a build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from firmcorpus.core.io import atomic_path


class CatalogPartWriter:
    def __init__(self, catalog_dir: str | os.PathLike, table: str, rank: int, sort_by: Iterable[str] = (),
                 tag: str | None = None):
        # ``tag`` separates writers of the same table in one stage (e.g. the reader's and the
        # datasheet step's rows of ``drops``): each writes its own part file.
        name = f"{rank:05d}-{tag}.parquet" if tag else f"{rank:05d}.parquet"
        self.path = Path(catalog_dir) / "parts" / table / name
        self.sort_by = list(sort_by)
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)

    def close(self) -> Path:

        df = pl.DataFrame(self.rows, infer_schema_length=None) if self.rows else pl.DataFrame()
        if self.sort_by and self.rows:
            df = df.sort(self.sort_by, maintain_order=True)
        with atomic_path(self.path) as tmp:  # a killed task never leaves half a part
            df.write_parquet(tmp, statistics=False)
        return self.path

    def __enter__(self) -> "CatalogPartWriter":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()


def merge_parts(catalog_dir: str | os.PathLike, table: str) -> Path | None:
    """Concatenate ``parts/<table>/*.parquet`` (rank order) into ``<table>.parquet``."""

    catalog_dir = Path(catalog_dir)
    parts = sorted((catalog_dir / "parts" / table).glob("*.parquet"))
    frames = [pl.read_parquet(p) for p in parts]
    frames = [f for f in frames if f.height]
    out = catalog_dir / f"{table}.parquet"
    df = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    with atomic_path(out) as tmp:
        df.write_parquet(tmp, statistics=False)
    return out
