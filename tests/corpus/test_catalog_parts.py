"""Catalog part writers flush in batches (a task's memory does not grow with its rows) and the
parts merge streaming; the content is the same as one unbatched write."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from firmcorpus.core.sources import fetch
from firmcorpus.corpus.catalog_parts import CatalogPartWriter, merge_parts


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    """One row per line of the ubertooth firmware's C files that defines something (a real, uneven table)."""
    root = fetch("deb:ubertooth-firmware-source") / "usr/src/ubertooth-firmware-source"
    out = []
    for f in sorted(root.rglob("*.[ch]")):
        for i, line in enumerate(f.read_text(errors="replace").splitlines()):
            if line.startswith("#define"):
                row = {"pair_id": f.parent.name, "path": str(f.relative_to(root)), "start_line": i + 1,
                       "name": line.split()[1] if len(line.split()) > 1 else ""}
                if "(" in line:  # a column only some rows have
                    row["macro_args"] = line[line.index("("):][:40]
                out.append(row)
    assert len(out) > 1000
    return out


def test_batched_part_holds_the_same_rows_as_one_write(tmp_path, rows):
    key = ["pair_id", "path", "start_line"]
    one = CatalogPartWriter(tmp_path / "a", "symbols", 0, sort_by=key)
    batched = CatalogPartWriter(tmp_path / "b", "symbols", 0, sort_by=key, batch_rows=300)
    for r in rows:
        one.add(r)
        batched.add(r)
        assert len(batched.rows) < 300  # never more than one batch held in memory
    assert len(batched.chunks) == len(rows) // 300
    pa, pb = one.close(), batched.close()
    a, b = pl.read_parquet(pa), pl.read_parquet(pb)
    assert a.height == b.height == len(rows)
    assert set(a.columns) == set(b.columns) == {*key, "name", "macro_args"}
    assert a.sort(key).equals(b.select(a.columns).sort(key))
    assert not (tmp_path / "b/parts/symbols/00000.parquet.chunks").exists()  # chunks removed
    # same input, same bytes (a resumed task)
    again = CatalogPartWriter(tmp_path / "c", "symbols", 0, sort_by=key, batch_rows=300)
    for r in rows:
        again.add(r)
    assert Path(again.close()).read_bytes() == Path(pb).read_bytes()


def test_a_killed_tasks_chunks_are_cleared_and_parts_merge_streaming(tmp_path, rows):
    stale = tmp_path / "parts/symbols/00001.parquet.chunks"
    stale.mkdir(parents=True)
    pl.DataFrame({"junk": [1]}).write_parquet(stale / "000000.parquet")
    for rank, part in enumerate((rows[:700], rows[700:])):
        w = CatalogPartWriter(tmp_path, "symbols", rank, batch_rows=250)
        assert not (rank == 1 and stale.exists())
        for r in part:
            w.add(r)
        w.close()
    CatalogPartWriter(tmp_path, "symbols", 2).close()  # an empty part
    merged = pl.read_parquet(merge_parts(tmp_path, "symbols"))
    assert merged.height == len(rows) and "junk" not in merged.columns
    assert merged["start_line"].to_list()[:5] == [r["start_line"] for r in rows[:5]]  # rank order kept
    CatalogPartWriter(tmp_path, "empty", 0).close()
    assert pl.read_parquet(merge_parts(tmp_path, "empty")).height == 0
