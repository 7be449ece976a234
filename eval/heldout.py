"""Readers for the corpus build's evaluation inputs, and a small writer for making them.

Reads what ``firmcorpus build`` writes (docs/contracts.md, "Build output"):

- text shards ``OUT/text/{train,heldout}/*.parquet``: datatrove ``ParquetWriter`` rows with
  ``id``, ``text`` and ``metadata`` (a struct, a JSON string, or expanded columns when the
  writer ran with ``expand_metadata=True``: all three are accepted);
- token shards ``OUT/tokens/{split}/*.ds`` with ``.index`` (uint64 document ends, in
  tokens) and ``.metadata`` (``tokenizer|token_size`` on its first line), as written by
  datatrove's ``DocumentTokenizer``.

``write_documents`` writes the same parquet layout; tests and the CPU evaluation use it to
make held-out inputs from real code before a build exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from firmcorpus.core.io import atomic_path
from firmcorpus.train.evalset import parquet_files, read_documents  # noqa: E402,F401 - one reader for train and eval


def write_documents(docs: Iterable[dict[str, Any]], path: str | Path) -> Path:
    """Write documents as one datatrove-style parquet file (``id``, ``text``, ``metadata`` struct)."""

    rows = [{"text": d["text"], "id": d["id"], "metadata": d.get("metadata") or {}} for d in docs]
    with atomic_path(path) as tmp:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
    return path


# ---------------------------------------------------------------- token shards

def token_shard_files(path: str | Path) -> list[Path]:
    p = Path(path)
    files = [p] if p.is_file() else sorted(p.rglob("*.ds"))
    if not files:
        raise FileNotFoundError(f"{p}: no *.ds token shards (expected OUT/tokens/<split> from `firmcorpus build`)")
    return files


def shard_token_size(ds_file: Path) -> int:
    """Bytes per token of a shard, from its ``.metadata`` (``name|size``); 2 when missing."""
    meta = Path(str(ds_file) + ".metadata")
    if meta.exists():
        first = meta.read_text().splitlines()[0] if meta.read_text() else ""
        tail = first.rsplit("|", 1)[-1].strip()
        if tail.isdigit():
            return int(tail)
    return 2


def shard_tokenizer_name(ds_file: Path) -> str | None:
    meta = Path(str(ds_file) + ".metadata")
    if not meta.exists():
        return None
    first = (meta.read_text().splitlines() or [""])[0]
    return first.rsplit("|", 1)[0] if "|" in first else None


def read_token_array(ds_file: Path):
    """The whole shard as a read-only numpy memmap of uint16/uint32 tokens."""

    size = shard_token_size(ds_file)
    dtype = np.uint32 if size == 4 else np.uint16
    if ds_file.stat().st_size == 0:
        return np.zeros(0, dtype=dtype)
    return np.memmap(ds_file, dtype=dtype, mode="r")


def read_token_documents(path: str | Path) -> Iterator:
    """Yield each document's tokens (numpy array, EOS included as the tokenizer wrote it)."""

    for ds in token_shard_files(path):
        tokens = read_token_array(ds)
        index = Path(str(ds) + ".index")
        ends = np.fromfile(index, dtype="<u8") if index.exists() else np.array([len(tokens)], dtype="<u8")
        start = 0
        for end in ends.tolist():
            yield np.asarray(tokens[start:end])
            start = end
