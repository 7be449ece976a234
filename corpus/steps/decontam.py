"""Decontamination: training documents that copy held-out text, not the idiom they share with it.

Four stages, each bounded by its own shard (or by a fixed chunk), never by the whole corpus:

1. ``HeldoutNgrams`` (N tasks) collects the 13-gram hashes of every held-out document (licence and
   copyright comment blocks removed first) into ``<dir>/<rank>.npy``, sorted and unique.
2. ``HeldoutIndex`` (1 task) merges them, range by range of the hash space, into one sorted raw
   uint64 file ``<dir>/index/heldout.u64`` that every later task memory-maps (``ngrams.open_sorted``).
3. ``NgramRepoCount`` (N tasks) looks up every document's n-grams (both sides) in that index and
   writes, per held-out n-gram it meets, the repositories it was met in (``<dir>/df/<rank>-*.npy``);
   ``RepoCountIndex`` (1 task) turns those into ``<dir>/index/repos.npy``: for each held-out n-gram,
   in how many repositories of the build it occurs (its document frequency over repositories).
4. ``Decontaminator`` (N tasks) tags every training document with ``decontam_shared`` (its n-grams
   found in held-out text and in fewer than ``idiom_repos`` repositories) and ``decontam_overlap``
   (that count over its n-grams); a document over the thresholds is ``contaminated`` and, with
   ``action="drop"``, dropped through the exclusion writer. N-grams found in many repositories are
   shared idiom (kernel macros, register accessors, common loops), never evidence of a leak; long
   files need a share of their n-grams (``min_shared_share``) as well as ``min_shared_ngrams``.

Vendored copies and near-copies (edited, reformatted) of held-out files are what this catches;
each flagged document is also a row of the ``contamination`` catalog table.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import xxhash
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.io import atomic_path
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.ngrams import (
    lookup,
    merge_sorted_files,
    ngram_hashes,
    open_sorted,
    range_slice,
    strip_boilerplate,
)

INDEX = "index/heldout.u64"
REPO_COUNTS = "index/repos.npy"


def doc_ngrams(text: str, n: int) -> np.ndarray:
    """The n-gram hashes decontamination compares: licence/copyright comment blocks removed."""
    return ngram_hashes(strip_boilerplate(text), n)


def _save(path: Path, arr: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.save(fh, arr)


def missing_index(ngram_dir: str | Path) -> FileNotFoundError:
    return FileNotFoundError(f"no held-out n-gram index in {ngram_dir}: run the held-out n-gram stages first "
                             f"(heldout_ngrams, heldout_index, ngram_repos, ngram_repos_index)")


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
                    parts.append(doc_ngrams(doc.text, self.ngram))
                self.stat_update("heldout_docs")
        arr = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)
        _save(Path(self.out_dir) / f"{rank:05d}.npy", arr)
        self.stat_update("ngrams", value=int(arr.size))
        return
        yield


class HeldoutIndex(PipelineStep):
    """(1 task) Merges every rank's held-out n-grams into the sorted, memory-mappable ``index/heldout.u64``."""

    name = "🗂 held-out n-gram index"
    type = "🧹 - DECONTAM"

    def __init__(self, ngram_dir: str, chunk: int = 1 << 24):
        super().__init__()
        self.ngram_dir = ngram_dir
        self.chunk = chunk

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        files = sorted(Path(self.ngram_dir).glob("*.npy"))
        if not files:
            raise FileNotFoundError(f"no held-out n-gram files in {self.ngram_dir}: run the held-out n-gram stage first")
        with self.track_time():
            n = merge_sorted_files(files, Path(self.ngram_dir) / INDEX, self.chunk)
        self.stat_update("ngrams", value=n)
        return
        yield


def repo_key(repo: str) -> np.uint64:
    return np.uint64(xxhash.xxh64_intdigest(repo))


class NgramRepoCount(PipelineStep):
    """For every document (both sides), which held-out n-grams it contains, per repository.

    Writes ``df/<rank>-pos.npy`` and ``df/<rank>-repo.npy``: (index position, repository key)
    pairs, unique, sorted by position. Memory: the shard's hits. Yields nothing."""

    name = "🧮 n-gram repositories"
    type = "🧹 - DECONTAM"

    def __init__(self, ngram_dir: str, ngram: int = 13):
        super().__init__()
        self.ngram_dir = ngram_dir
        self.ngram = ngram

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        index_path = Path(self.ngram_dir) / INDEX
        if not index_path.exists():
            raise missing_index(self.ngram_dir)
        ref = open_sorted(index_path)
        per_repo: dict[str, list[np.ndarray]] = defaultdict(list)
        for doc in data or []:
            if ref.size == 0:
                break
            with self.track_time():
                pos = lookup(doc_ngrams(doc.text, self.ngram), ref)
            if pos.size:
                per_repo[doc.metadata.get("repo") or ""].append(pos)
        positions, repos = [], []
        for repo in sorted(per_repo):
            p = np.unique(np.concatenate(per_repo.pop(repo)))
            positions.append(p)
            repos.append(np.full(p.size, repo_key(repo), dtype=np.uint64))
        pos = np.concatenate(positions).astype(np.uint64) if positions else np.empty(0, dtype=np.uint64)
        rep = np.concatenate(repos) if repos else np.empty(0, dtype=np.uint64)
        order = np.lexsort((rep, pos))
        out = Path(self.ngram_dir) / "df"
        _save(out / f"{rank:05d}-pos.npy", pos[order])
        _save(out / f"{rank:05d}-repo.npy", rep[order])
        self.stat_update("hits", value=int(pos.size))
        return
        yield


class RepoCountIndex(PipelineStep):
    """(1 task) ``index/repos.npy``: per held-out n-gram, the number of repositories it occurs in.

    Streams by range of index positions: a repository met in several tasks counts once."""

    name = "🗂 n-gram repository counts"
    type = "🧹 - DECONTAM"

    def __init__(self, ngram_dir: str, chunk: int = 1 << 24):
        super().__init__()
        self.ngram_dir = ngram_dir
        self.chunk = chunk

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        root = Path(self.ngram_dir)
        if not (root / INDEX).exists():
            raise missing_index(root)
        size = open_sorted(root / INDEX).size
        pos_files = sorted((root / "df").glob("*-pos.npy"))
        parts = [(np.load(f, mmap_mode="r"), np.load(f.with_name(f.name.replace("-pos", "-repo")), mmap_mode="r"))
                 for f in pos_files]
        with atomic_path(root / REPO_COUNTS) as tmp:
            counts = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint32, shape=(size,))
            step = max(1, self.chunk)
            with self.track_time():
                for lo in range(0, size, step):
                    hi = min(size, lo + step)
                    ps, rs = [], []
                    for p, r in parts:
                        sl = range_slice(p, lo, hi)
                        ps.append(np.asarray(p[sl]))
                        rs.append(np.asarray(r[sl]))
                    if not ps:
                        continue
                    pr = np.unique(np.stack([np.concatenate(ps), np.concatenate(rs)], axis=1), axis=0)
                    counts[lo:hi] = np.bincount((pr[:, 0] - lo).astype(np.int64), minlength=hi - lo)
            counts.flush()
            del counts
        self.stat_update("ngrams", value=size)
        return
        yield


class Decontaminator(PipelineStep):
    """Tags training documents that copy held-out text; drops them when ``action="drop"``.

    Args:
        ngram_dir: the folder of the held-out n-gram stages (``index/heldout.u64``, ``index/repos.npy``).
        ngram: n (must match the collector's).
        min_overlap: share of the document's n-grams found in held-out text that flags it.
        min_shared_ngrams: count that flags it (a copied block in a longer document) ...
        min_shared_share: ... when it is also at least this share of the document's n-grams (long files).
        idiom_repos: n-grams found in at least this many repositories (both sides) are shared idiom and
            not counted; 0 counts every n-gram (the repository counts are then not needed).
        action: "drop" or "flag".
        catalog_dir: where the ``contamination`` table goes.
        exclusion_writer: optional datatrove writer for dropped documents.
    Writes metadata ``decontam_shared``, ``decontam_overlap``, ``contaminated``.
    """

    name = "🧼 decontaminate"
    type = "🧹 - DECONTAM"

    def __init__(self, ngram_dir: str, ngram: int = 13, min_overlap: float = 0.2, min_shared_ngrams: int = 50,
                 action: str = "drop", catalog_dir: str | None = None, exclusion_writer=None,
                 min_shared_share: float = 0.05, idiom_repos: int = 4):
        super().__init__()
        if action not in ("drop", "flag"):
            raise ValueError(f"decontam action {action!r}: use 'drop' or 'flag'")
        self.ngram_dir = ngram_dir
        self.ngram = ngram
        self.min_overlap = min_overlap
        self.min_shared_ngrams = min_shared_ngrams
        self.min_shared_share = min_shared_share
        self.idiom_repos = idiom_repos
        self.action = action
        self.catalog_dir = catalog_dir
        self.exclusion_writer = exclusion_writer

    def _reference(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The memory-mapped index and its repository counts (``None`` when idiom is not filtered)."""
        root = Path(self.ngram_dir)
        if not (root / INDEX).exists():
            raise missing_index(root)
        ref = open_sorted(root / INDEX)
        if not self.idiom_repos or ref.size == 0:
            return ref, None
        if not (root / REPO_COUNTS).exists():
            raise missing_index(root)
        return ref, np.load(root / REPO_COUNTS, mmap_mode="r")

    def contaminated(self, shared: int, total: int) -> bool:
        if not shared or not total:
            return False
        return shared / total >= self.min_overlap or (
            shared >= self.min_shared_ngrams and shared >= self.min_shared_share * total)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        ref, repos = self._reference()
        table = CatalogPartWriter(self.catalog_dir, "contamination", rank, sort_by=["id"]) if self.catalog_dir else None
        writer = self.exclusion_writer.__enter__() if self.exclusion_writer else None
        try:
            for doc in data or []:
                md = doc.metadata
                if md.get("split") != "train" or ref.size == 0:
                    yield doc
                    continue
                with self.track_time():
                    h = doc_ngrams(doc.text, self.ngram)
                    pos = lookup(h, ref)
                    idiom = int(np.count_nonzero(repos[pos] >= self.idiom_repos)) if repos is not None and pos.size else 0
                shared = int(pos.size) - idiom
                overlap = shared / h.size if h.size else 0.0
                md["decontam_shared"] = shared
                md["decontam_overlap"] = round(overlap, 4)
                md["contaminated"] = self.contaminated(shared, int(h.size))
                if idiom:
                    self.stat_update("idiom_ngrams_ignored", value=idiom)
                if not md["contaminated"]:
                    yield doc
                    continue
                self.stat_update("contaminated")
                if table is not None:
                    table.add({"id": doc.id, "pair_id": md.get("pair_id"), "repo": md.get("repo"), "path": md.get("path"),
                               "kind": md.get("kind"), "domain": md.get("domain", "general"), "shared_ngrams": shared,
                               "overlap": round(overlap, 4), "chars": len(doc.text), "action": self.action})
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
