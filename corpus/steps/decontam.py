"""Decontamination: training documents that share long code n-grams with held-out documents.

``HeldoutNgrams`` (a stage of its own, before any training shard is written) collects the
13-gram hashes of every held-out document into ``<dir>/<rank>.npy``. ``Decontaminator`` loads
them all and tags every training document with ``decontam_shared`` / ``decontam_overlap``;
documents over the thresholds are ``contaminated`` and, with ``action="drop"``, dropped through
the exclusion writer. Vendored HAL/CMSIS copies and near-copies (edited, reformatted) are what
this catches; each flagged document is also a row of the ``contamination`` catalog table, the
contamination report's source (per domain and per source repository).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.io import atomic_path
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.ngrams import ngram_hashes, shared_count


class HeldoutNgrams(PipelineStep):
    """Writes the n-gram hashes of held-out documents (``metadata.split == "heldout"``). Yields nothing."""

    name = "🧮 held-out n-grams"
    type = "🧹 - DECONTAM"

    def __init__(self, out_dir: str, ngram: int = 13):
        super().__init__()
        self.out_dir = out_dir
        self.ngram = ngram

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        parts = []
        for doc in data or []:
            if doc.metadata.get("split") == "heldout":
                with self.track_time():
                    parts.append(ngram_hashes(doc.text, self.ngram))
                self.stat_update("heldout_docs")
        arr = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)
        with atomic_path(Path(self.out_dir) / f"{rank:05d}.npy") as tmp, open(tmp, "wb") as fh:
            np.save(fh, arr)
        self.stat_update("ngrams", value=int(arr.size))
        return
        yield


class Decontaminator(PipelineStep):
    """Tags training documents that overlap held-out text; drops them when ``action="drop"``.

    Args:
        ngram_dir: the ``HeldoutNgrams`` output folder (every rank's file is loaded).
        ngram: n (must match the collector's).
        min_overlap: share of the document's n-grams found in held-out text that flags it.
        min_shared_ngrams: absolute count that flags it (long documents with a copied block).
        action: "drop" or "flag".
        catalog_dir: where the ``contamination`` table goes.
        exclusion_writer: optional datatrove writer for dropped documents.
    Writes metadata ``decontam_shared``, ``decontam_overlap``, ``contaminated``.
    """

    name = "🧼 decontaminate"
    type = "🧹 - DECONTAM"

    def __init__(self, ngram_dir: str, ngram: int = 13, min_overlap: float = 0.2, min_shared_ngrams: int = 50,
                 action: str = "drop", catalog_dir: str | None = None, exclusion_writer=None):
        super().__init__()
        if action not in ("drop", "flag"):
            raise ValueError(f"decontam action {action!r}: use 'drop' or 'flag'")
        self.ngram_dir = ngram_dir
        self.ngram = ngram
        self.min_overlap = min_overlap
        self.min_shared_ngrams = min_shared_ngrams
        self.action = action
        self.catalog_dir = catalog_dir
        self.exclusion_writer = exclusion_writer

    def _reference(self) -> np.ndarray:
        files = sorted(Path(self.ngram_dir).glob("*.npy"))
        if not files:
            raise FileNotFoundError(f"no held-out n-gram files in {self.ngram_dir}: run the held-out n-gram stage first")
        arrays = [np.load(f) for f in files]
        return np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.uint64)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        ref = self._reference()
        table = CatalogPartWriter(self.catalog_dir, "contamination", rank, sort_by=["id"]) if self.catalog_dir else None
        writer = self.exclusion_writer.__enter__() if self.exclusion_writer else None
        try:
            for doc in data or []:
                md = doc.metadata
                if md.get("split") != "train" or ref.size == 0:
                    yield doc
                    continue
                with self.track_time():
                    h = ngram_hashes(doc.text, self.ngram)
                    shared = shared_count(h, ref)
                overlap = shared / h.size if h.size else 0.0
                md["decontam_shared"] = shared
                md["decontam_overlap"] = round(overlap, 4)
                md["contaminated"] = bool(shared and (overlap >= self.min_overlap or shared >= self.min_shared_ngrams))
                if not md["contaminated"]:
                    yield doc
                    continue
                self.stat_update("contaminated")
                if table is not None:
                    table.add({"id": doc.id, "pair_id": md.get("pair_id"), "repo": md.get("repo"), "path": md.get("path"),
                               "kind": md.get("kind"), "domain": md.get("domain", "general"), "shared_ngrams": shared,
                               "overlap": round(overlap, 4), "action": self.action})
                if self.action == "flag":
                    yield doc
                    continue
                self.stat_update("dropped_contaminated")
                md["filter_reason"] = "contaminated"
                if writer is not None:
                    writer.write(doc, rank)
        finally:
            if writer is not None:
                writer.__exit__(None, None, None)
            if table is not None:
                table.close()
