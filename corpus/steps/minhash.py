"""Code-aware MinHash near-dedup steps that speak datatrove's on-disk formats.

Four stages, like datatrove's (``datatrove.pipeline.dedup.minhash``), with the same files
between them so either side can be swapped in:

1. ``CodeMinhashSignature`` (N tasks) writes ``bucket_XXX/RANK.minhash.sig``: per document
   ``hashes_per_bucket`` unsigned ints + the uint32 document index, sorted — exactly what
   datatrove's ``MinhashDedupBuckets`` reads. Tokens are code tokens (identifier/number runs
   and single operator characters, as ``corpus.code_tokens.token_hashes``), not datatrove's spaCy
   word tokenizer, which spends ~90% of its time tokenising and erases operators. Tokenising,
   token hashing (prefix-sum polynomial hashes), shingling and the permutations are all numpy;
   no Python object is made per token.
2. ``CodeMinhashBuckets`` (any task count ≤ num_buckets) writes ``BBBBB_00.dups`` (``<4I``
   file, doc, file, doc) like ``MinhashDedupBuckets``, but sorts each bucket with numpy
   instead of a Python heap and does not need ``tasks == num_buckets``. Datatrove's own
   ``MinhashDedupBuckets`` reads our signatures too (``corpus.dedup`` can use either).
3. ``CodeMinhashCluster`` (1 task) writes datatrove's ``.remove`` / ``.clusters`` / ``.sizes``
   files from connected components of the duplicate graph (scipy sparse, arrays instead of
   datatrove's dict-of-tuples union-find: ~16 bytes per duplicate pair), keeps the first
   document of each cluster (lowest rank, then index: deterministic), and writes the
   ``near_duplicates`` catalog table (every member, with its cluster and whether kept).
4. ``CodeMinhashFilter`` (N tasks, same reader and task count as stage 1 — checked) drops
   the non-kept members, stores ``dedup_cluster`` / ``dedup_cluster_size`` in metadata, and
   hands drops to the exclusion writer with ``filter_reason = "near_duplicate"``.

Contracts datatrove leaves implicit are checked here: stage 1 records, per rank, the task
count, document count and a digest of the document ids (``meta/RANK.json``); stages 2–4 refuse
to run on a different task count, a different MinHash configuration or changed input, with an
error saying what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import xxhash
from datasketch.lsh import _optimal_param
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.utils.hashing import HashConfig
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from firmcorpus.core.io import atomic_write_bytes
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.code_tokens import mix64, token_hashes

_U64 = np.uint64
# odd 64-bit multipliers for combining token hashes into an n-gram hash (position-dependent,
# so "a b" and "b a" differ)
_NGRAM_MULT = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD,
     0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0x2545F4914F6CDD1D],
    dtype=_U64,
)


@dataclass(frozen=True)
class CodeMinhashConfig:
    """MinHash parameters (all stages must get the same one; stage 1 records it).

    Args:
        n_grams: shingle size in code tokens (BigCode: 5).
        num_buckets / hashes_per_bucket: LSH bands and rows; ``num_buckets * hashes_per_bucket``
            permutations are computed. ``for_threshold`` picks them for a Jaccard threshold.
        seed: permutation seed.
        precision: 32 or 64-bit hashes in the signature files (datatrove ``HashConfig``).
        lowercase: fold ASCII case before hashing (off: ``GPIOA`` and ``gpioa`` are different code).
        skip_license_header: leave every licence/copyright/generated-file comment block out of the
            shingles, wherever it sits in the file (on; the name is kept from when only the
            leading block was left out): the same header on unrelated files of one vendor is
            not similarity, and a copy whose licence block was swapped or moved is still a copy.
    """

    n_grams: int = 5
    num_buckets: int = 25
    hashes_per_bucket: int = 10
    seed: int = 1
    precision: int = 32
    lowercase: bool = False
    skip_license_header: bool = True

    def __post_init__(self):
        if self.precision not in (32, 64):
            raise ValueError(f"precision must be 32 or 64, got {self.precision}")
        if not 1 <= self.n_grams <= len(_NGRAM_MULT):
            raise ValueError(f"n_grams must be between 1 and {len(_NGRAM_MULT)}, got {self.n_grams}")

    @classmethod
    def for_threshold(cls, threshold: float = 0.7, num_perm: int = 256, **kw) -> "CodeMinhashConfig":
        """Bands/rows minimising false positives + negatives at ``threshold`` (datasketch's
        optimiser, weights 0.5/0.5), using at most ``num_perm`` permutations."""

        b, r = _optimal_param(threshold, num_perm, 0.5, 0.5)
        return cls(num_buckets=b, hashes_per_bucket=r, **kw)

    @property
    def num_perm(self) -> int:
        return self.num_buckets * self.hashes_per_bucket

    @property
    def struct_format(self) -> str:
        return "I" if self.precision == 32 else "Q"

    def datatrove_config(self):
        """The equivalent ``datatrove`` ``MinhashConfig`` (for its bucket/cluster stages)."""

        return MinhashConfig(n_grams=self.n_grams, num_buckets=self.num_buckets,
                             hashes_per_bucket=self.hashes_per_bucket, seed=self.seed,
                             hash_config=HashConfig(precision=self.precision, hash_fc="xxhash"))

    def record_dtype(self) -> np.dtype:
        h = "<u4" if self.precision == 32 else "<u8"
        return np.dtype([(f"h{i}", h) for i in range(self.hashes_per_bucket)] + [("doc", "<u4")])

    def to_dict(self) -> dict:
        return asdict(self)


# licence/copyright/generated-file banners: the (lower-case) words that make a comment block boilerplate.
# Looked for with bytes.find on the lower-cased bytes (C speed), not with one case-folding regex,
# which costs more than the whole signature.
_LICENSE_WORDS = (b"copyright", b"license", b"licence", b"spdx", b"permission is", b"warrant", b"redistribut",
                  b"all rights reserved", b"do not edit", b"do not modify", b"autogenerated", b"auto-generated",
                  b"automatically generated")
# a line comment (``//``, ``;``, or ``#`` that is not a preprocessor directive) from its leader on
_LINE_COMMENT_RE = re.compile(
    rb"[ \t]*(?://|;|#(?![ \t]*(?:if|ifdef|ifndef|else|elif|endif|define|undef|include|include_next|pragma"
    rb"|error|warning|line|import)\b))")


def _line_comment_leader(b: bytes, start: int) -> bytes | None:
    """The comment leader (``//``, ``;`` or ``#``) of the line starting at ``start``, or None."""
    m = _LINE_COMMENT_RE.match(b, start)
    return m.group(0).strip() if m else None


def _word_hits(low: bytes) -> list[int]:
    hits = []
    for w in _LICENSE_WORDS:
        i = low.find(w)
        while i != -1:
            hits.append(i)
            i = low.find(w, i + len(w))
    hits.sort()
    return hits


def license_spans(b: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every comment block of ``b`` (UTF-8 source) that holds
    licence/copyright/generated-file words, wherever it sits: a ``/* ... */`` comment or a run of
    line comments with one leader. Found from the words outward (not by scanning every comment),
    so a file without those words costs a few ``bytes.find``."""
    spans: list[tuple[int, int]] = []
    covered = -1
    for p in _word_hits(b.lower()):
        if p < covered:
            continue
        s = b.rfind(b"/*", 0, p)
        if s != -1 and b.find(b"*/", s + 2, p) == -1:
            e = b.find(b"*/", p)
            e = len(b) if e == -1 else e + 2
            spans.append((s, e))
            covered = e
            continue
        ls = b.rfind(b"\n", 0, p) + 1
        lead = _line_comment_leader(b, ls)
        # the hit must sit inside the comment, not in code before a trailing comment
        if lead is None or b.find(lead, ls, p) == -1:
            continue
        s = ls
        while s > 0:  # grow upwards over lines with the same leader
            prev = b.rfind(b"\n", 0, s - 1) + 1
            if _line_comment_leader(b, prev) != lead:
                break
            s = prev
        e = b.find(b"\n", p)
        e = len(b) if e == -1 else e + 1
        while e < len(b) and _line_comment_leader(b, e) == lead:
            nxt = b.find(b"\n", e)
            e = len(b) if nxt == -1 else nxt + 1
        spans.append((s, e))
        covered = e
    return spans


def strip_license_bytes(b: bytes) -> bytes:
    """``b`` without its licence/copyright/generated-file comment blocks, wherever they sit (each
    block becomes one newline, so the tokens on either side do not join)."""
    spans = license_spans(b)
    if not spans:
        return b
    parts, last = [], 0
    for s, e in spans:
        parts.append(b[last:s])
        parts.append(b"\n")
        last = e
    parts.append(b[last:])
    return b"".join(parts)


def strip_license_blocks(text: str) -> str:
    """``strip_license_bytes`` on text."""
    return strip_license_bytes(text.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


class CodeMinhasher:
    """Signature computation (pure numpy + xxhash), separate from the step for tests/benches."""

    CHUNK = 512  # shingles per block: block x permutations (0.5 MB) stays within L2 cache

    def __init__(self, config: CodeMinhashConfig):
        self.config = config
        rng = np.random.RandomState(config.seed)
        p = config.num_perm
        if config.precision == 32:
            # a*x+b mod 2^32 with odd a is a bijection of uint32; inputs are xxh3-random,
            # and uint32 arithmetic halves the memory traffic of the (shingles x perms) block
            self.a = rng.randint(0, 2**32, size=p, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
            self.b = rng.randint(0, 2**32, size=p, dtype=np.uint64).astype(np.uint32)
        else:
            self.a = rng.randint(0, 2**63, size=p, dtype=np.uint64) * _U64(2) + _U64(1)
            self.b = rng.randint(0, 2**63, size=p, dtype=np.uint64)
        self.dtype = np.uint32 if config.precision == 32 else np.uint64

    def shingles(self, text: str) -> np.ndarray:
        """Unique n-gram hashes of the code tokens (uint32 or uint64 by precision)."""
        data = text.encode("utf-8", "surrogatepass")
        if self.config.skip_license_header:
            body = strip_license_bytes(data)
            data = body if len(body) * 4 >= len(data) else data  # a file that is mostly header keeps it
        if self.config.lowercase:
            data = data.lower()
        th = token_hashes(data)
        n = len(th) - self.config.n_grams + 1
        if n <= 0:
            return np.empty(0, dtype=self.dtype)
        s = th[:n] * _NGRAM_MULT[0]
        for k in range(1, self.config.n_grams):
            s += th[k:k + n] * _NGRAM_MULT[k]
        mix64(s)  # so the high bits depend on every token
        if self.config.precision == 32:
            s = (s >> _U64(32)).astype(np.uint32)
        return np.unique(s)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """(num_perm,) min-hashes of a non-empty shingle set."""
        out = np.full(self.config.num_perm, np.iinfo(self.dtype).max, dtype=self.dtype)
        a, b = self.a, self.b
        for i in range(0, len(shingles), self.CHUNK):
            block = shingles[i:i + self.CHUNK, None] * a
            block += b
            np.minimum(out, block.min(axis=0), out=out)
        return out

    def __call__(self, text: str) -> np.ndarray | None:
        sh = self.shingles(text)
        return self.signature(sh) if sh.size else None


def ids_digest(ids: list[str]) -> str:
    h = xxhash.xxh3_128()
    for i in ids:
        h.update(i.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def filter_by_index(step: PipelineStep, data: DocumentsPipeline, rank: int, meta: dict, reason: str,
                    tag: Callable[[int, Document], bool], exclusion_writer, earlier_stage: str) -> DocumentsPipeline:
    """The loop both dedup filters share. A document is matched to an earlier stage's decision by its
    index in this task's input; ``tag(index, doc)`` annotates it and returns True to drop it (kept,
    with ``filter_reason``, by the exclusion writer). At the end, the ids seen must be the ones the
    earlier stage recorded in ``meta``: otherwise the input changed between stages and indices lie."""
    ids: list[str] = []
    with exclusion_writer if exclusion_writer else contextlib.nullcontext() as writer:
        for idx, doc in enumerate(data):
            step.stat_update("total")
            ids.append(doc.id)
            if tag(idx, doc):
                step.stat_update("dropped")
                step.stat_update(f"dropped_{reason}")
                if writer is not None:
                    doc.metadata["filter_reason"] = reason
                    writer.write(doc, rank)
                continue
            step.stat_update("forwarded")
            yield doc
    if len(ids) != meta["documents"] or ids_digest(ids) != meta["ids_digest"]:
        raise ValueError(
            f"rank {rank}: the documents seen here ({len(ids)}) are not the ones the {earlier_stage} saw "
            f"({meta['documents']}): the input folder or the steps before this filter changed between stages. "
            "Rerun every dedup stage on the same input (fresh work dir).")


def read_stage1_meta(sig_folder: str | os.PathLike, rank: int) -> dict:
    path = Path(sig_folder) / "meta" / f"{rank:05d}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: MinHash stage 1 (signatures) did not finish rank {rank}. "
            "Run the signature stage to completion (same input, same task count) before this stage."
        )
    return json.loads(path.read_text())


def check_config(sig_folder: str | os.PathLike, config: CodeMinhashConfig) -> tuple[int, dict]:
    """(stage-1 task count, config) recorded by stage 1; raises if ``config`` differs."""
    meta = read_stage1_meta(sig_folder, 0)
    if meta["config"] != config.to_dict():
        raise ValueError(
            f"MinHash config {config.to_dict()} differs from the one the signatures in {sig_folder} were "
            f"computed with ({meta['config']}). Use the same config in every stage, or delete {sig_folder} "
            "and rerun from the signature stage."
        )
    return meta["world_size"], meta


class CodeMinhashSignature(PipelineStep):
    """Stage 1: code-aware MinHash signatures in datatrove's signature file format.

    Args:
        output_folder: local folder for ``bucket_XXX/RANK.minhash.sig``, ``meta/RANK.json``
            (task count, document count, id digest, config) and ``ids/RANK.txt`` (document
            ids in stream order, read by the cluster stage for the catalog).
        config: ``CodeMinhashConfig`` (the same one for every stage).

    Reads ``doc.text`` and ``doc.id``; writes no metadata; forwards every document.
    """

    type = "🫂 - DEDUP"
    name = "🎯 code MinHash signatures"

    def __init__(self, output_folder: str, config: CodeMinhashConfig | None = None):
        super().__init__()
        self.output_folder = str(output_folder)
        self.config = config or CodeMinhashConfig()

    FLUSH = 4096  # signatures buffered before they are appended to the bucket files

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cfg = self.config
        hasher = CodeMinhasher(cfg)
        out = Path(self.output_folder)
        nb, r = cfg.num_buckets, cfg.hashes_per_bucket
        dtype = cfg.record_dtype()
        paths = [out / f"bucket_{bi:03d}" / f"{rank:05d}.minhash.sig" for bi in range(nb)]
        for p in paths:
            p.parent.mkdir(parents=True, exist_ok=True)
        # unsorted records go to .tmp files as they come (memory: FLUSH signatures), then each
        # bucket is sorted alone (memory: one bucket) and renamed into place
        files = [open(p.with_name(p.name + ".tmp"), "wb") for p in paths]
        sigs: list[np.ndarray] = []
        idxs: list[int] = []
        ids: list[str] = []
        n_sigs = 0

        def flush() -> None:
            mat = np.stack(sigs)
            docs = np.asarray(idxs, dtype=np.uint32)
            for bi, f in enumerate(files):
                rec = np.empty(len(docs), dtype=dtype)
                for j in range(r):
                    rec[f"h{j}"] = mat[:, bi * r + j]
                rec["doc"] = docs
                f.write(rec.tobytes())
            sigs.clear()
            idxs.clear()

        try:
            for idx, doc in enumerate(data):
                self.stat_update("total")
                ids.append(doc.id)
                with self.track_time():
                    sig = hasher(doc.text)
                    if sig is None:
                        self.stat_update("too_short")
                    else:
                        sigs.append(sig)
                        idxs.append(idx)
                        n_sigs += 1
                        if len(sigs) >= self.FLUSH:
                            flush()
                yield doc
            with self.track_time():
                if sigs:
                    flush()
        finally:
            for f in files:
                f.close()
        with self.track_time():
            for p in paths:
                tmp = p.with_name(p.name + ".tmp")
                rec = np.fromfile(tmp, dtype=dtype)
                rec.sort(order=dtype.names)  # datatrove's buckets stage merges sorted files
                rec.tofile(tmp)
                os.replace(tmp, p)
            atomic_write_bytes(out / "ids" / f"{rank:05d}.txt", "\n".join(ids).encode("utf-8", "surrogatepass"))
            meta = {"rank": rank, "world_size": world_size, "documents": len(ids), "signatures": n_sigs,
                    "ids_digest": ids_digest(ids), "config": cfg.to_dict()}
            atomic_write_bytes(out / "meta" / f"{rank:05d}.json", json.dumps(meta, sort_keys=True).encode())


class CodeMinhashBuckets(PipelineStep):
    """Stage 2: find documents sharing a band; numpy sort per bucket, any task count.

    Args:
        input_folder: the signature folder of stage 1.
        output_folder: where ``BBBBB_00.dups`` files go (one per bucket, datatrove's format).
        config: the stage-1 ``CodeMinhashConfig`` (checked against what stage 1 recorded).

    Task ``rank`` handles buckets ``rank, rank + world_size, ...``; memory is one bucket of
    signatures at a time (``documents x (hashes_per_bucket + 1) x 4-8`` bytes).
    """

    type = "🫂 - DEDUP"
    name = "🎯 code MinHash buckets"

    def __init__(self, input_folder: str, output_folder: str, config: CodeMinhashConfig | None = None):
        super().__init__()
        self.input_folder = str(input_folder)
        self.output_folder = str(output_folder)
        self.config = config or CodeMinhashConfig()

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cfg = self.config
        sig_world, _ = check_config(self.input_folder, cfg)
        if world_size > cfg.num_buckets:
            raise ValueError(f"CodeMinhashBuckets runs with at most num_buckets={cfg.num_buckets} tasks, "
                             f"got {world_size}: lower its task count.")
        dtype = cfg.record_dtype()
        hcols = [f"h{j}" for j in range(cfg.hashes_per_bucket)]
        for bi in range(rank, cfg.num_buckets, world_size):
            with self.track_time():
                parts, files = [], []
                for f in range(sig_world):
                    path = Path(self.input_folder) / f"bucket_{bi:03d}" / f"{f:05d}.minhash.sig"
                    if not path.is_file():
                        raise FileNotFoundError(f"{path} missing: rerun the signature stage with {sig_world} tasks.")
                    rec = np.fromfile(path, dtype=dtype)
                    parts.append(rec)
                    files.append(np.full(len(rec), f, dtype=np.uint32))
                rec = np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
                fid = np.concatenate(files) if files else np.empty(0, dtype=np.uint32)
                order = np.lexsort([rec["doc"], fid] + [rec[c] for c in reversed(hcols)])
                rec, fid = rec[order], fid[order]
                same = np.ones(max(len(rec) - 1, 0), dtype=bool)
                for c in hcols:
                    same &= rec[c][1:] == rec[c][:-1]
                k = np.nonzero(same)[0]
                # like datatrove: each member of a run of equal bands is paired with its predecessor
                pairs = np.empty((len(k), 4), dtype="<u4")
                pairs[:, 0], pairs[:, 1] = fid[k], rec["doc"][k]
                pairs[:, 2], pairs[:, 3] = fid[k + 1], rec["doc"][k + 1]
                atomic_write_bytes(Path(self.output_folder) / f"{bi:05d}_00.dups", pairs.tobytes())
                self.stat_update("total_matches", value=len(k))
        return
        yield


class CodeMinhashCluster(PipelineStep):
    """Stage 3: connected components of the duplicate pairs; datatrove's remove/cluster files.

    Args:
        input_folder: the ``.dups`` folder of stage 2 (ours or datatrove's ``MinhashDedupBuckets``).
        output_folder: where ``RANK.remove`` / ``RANK.clusters`` / ``RANK.sizes`` go (6-digit
            rank, as datatrove's ``MinhashDedupFilter`` expects).
        sig_folder: the stage-1 folder (task count and document ids).
        config: the stage-1 ``CodeMinhashConfig``.
        catalog_dir: if set, writes the ``near_duplicates`` table (``cluster``, ``size``,
            ``id``, ``rank``, ``index``, ``kept``, ``kept_id``) through ``CatalogPartWriter``.

    Runs with one task. Cluster ids are numbered by their first member (rank, index), so
    they are the same in every run.
    """

    type = "🫂 - DEDUP"
    name = "🎯 code MinHash clusters"

    def __init__(self, input_folder: str, output_folder: str, sig_folder: str,
                 config: CodeMinhashConfig | None = None, catalog_dir: str | None = None):
        super().__init__()
        self.input_folder = str(input_folder)
        self.output_folder = str(output_folder)
        self.sig_folder = str(sig_folder)
        self.config = config or CodeMinhashConfig()
        self.catalog_dir = catalog_dir

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if world_size != 1:
            raise ValueError(f"CodeMinhashCluster must run with tasks=1 (got {world_size}).")

        sig_world, _ = check_config(self.sig_folder, self.config)
        dups = sorted(Path(self.input_folder).glob("*.dups"))
        if len(dups) % self.config.num_buckets:
            raise ValueError(f"{self.input_folder} holds {len(dups)} .dups files, not a multiple of "
                             f"num_buckets={self.config.num_buckets}: the bucket stage did not finish; rerun it.")
        out = Path(self.output_folder)
        out.mkdir(parents=True, exist_ok=True)
        with self.track_time():
            arr = np.concatenate([np.fromfile(p, dtype="<u4").reshape(-1, 4) for p in dups]) if dups else \
                np.empty((0, 4), dtype="<u4")
            # node key: rank << 32 | index (ranks and indices are uint32)
            a = (arr[:, 0].astype(np.uint64) << _U64(32)) | arr[:, 1].astype(np.uint64)
            b = (arr[:, 2].astype(np.uint64) << _U64(32)) | arr[:, 3].astype(np.uint64)
            nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)  # sorted: rank, index
            n = len(nodes)
            graph = coo_matrix((np.ones(len(a), dtype=np.int8), (inv[:len(a)], inv[len(a):])), shape=(n, n))
            _, labels = connected_components(graph, directed=False)
            # renumber components by their first (smallest) node, which is also the kept one
            first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
            np.minimum.at(first, labels, np.arange(n))
            order = np.argsort(first, kind="stable")
            cid = np.empty_like(order)
            cid[order] = np.arange(len(order))
            node_cluster = cid[labels]
            sizes = np.bincount(labels)[labels]
            kept = np.arange(n) == first[labels]
            ranks = (nodes >> _U64(32)).astype(np.int64)
            idx = (nodes & _U64(0xFFFFFFFF)).astype(np.int64)
        for f in range(sig_world):
            sel = ranks == f  # nodes are sorted by (rank, index): slices are in index order
            d = idx[sel].astype("<u4")
            atomic_write_bytes(out / f"{f:06d}.remove", d[~kept[sel]].tobytes())
            atomic_write_bytes(out / f"{f:06d}.clusters", np.stack([d, node_cluster[sel].astype("<u4")], 1).tobytes())
            atomic_write_bytes(out / f"{f:06d}.sizes", np.stack([d, sizes[sel].astype("<u4")], 1).tobytes())
        self.stat_update("clusters", value=int(len(first)))
        self.stat_update("duplicates", value=int(n))
        self.stat_update("to_remove", value=int(n - kept.sum()))
        if self.catalog_dir:
            self._write_catalog(nodes, ranks, idx, node_cluster, sizes, kept)
        return
        yield

    def _write_catalog(self, nodes, ranks, idx, node_cluster, sizes, kept) -> None:
        ids_cache: dict[int, list[str]] = {}

        def doc_id(r: int, i: int) -> str:
            if r not in ids_cache:
                p = Path(self.sig_folder) / "ids" / f"{r:05d}.txt"
                ids_cache[r] = p.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
            return ids_cache[r][i]

        kept_id = {int(c): doc_id(int(r), int(i)) for c, r, i, k in zip(node_cluster, ranks, idx, kept) if k}
        with CatalogPartWriter(self.catalog_dir, "near_duplicates", rank=0, sort_by=("cluster", "rank", "index")) as w:
            for c, r, i, s, k in zip(node_cluster, ranks, idx, sizes, kept):
                w.add({"cluster": int(c), "size": int(s), "id": doc_id(int(r), int(i)), "rank": int(r),
                       "index": int(i), "kept": bool(k), "kept_id": kept_id[int(c)]})


class CodeMinhashFilter(PipelineStep):
    """Stage 4: drop near-duplicates, keep cluster ids and sizes in metadata.

    Args:
        input_folder: the cluster stage's output folder (``RANK.remove`` etc.).
        sig_folder: the stage-1 folder: the task count and document stream are checked
            against it (same reader, same input, same ``tasks`` as stage 1).
        exclusion_writer: datatrove ``DiskWriter`` for dropped documents
            (``metadata["filter_reason"] = "near_duplicate"``).

    Writes metadata ``dedup_cluster`` (int, -1 when the document has no near-duplicate) and
    ``dedup_cluster_size`` (1 when none) on every document it sees.
    """

    type = "🫂 - DEDUP"
    name = "🎯 code MinHash filter"

    def __init__(self, input_folder: str, sig_folder: str, exclusion_writer=None):
        super().__init__()
        self.input_folder = str(input_folder)
        self.sig_folder = str(sig_folder)
        self.exclusion_writer = exclusion_writer

    def _load(self, name: str, cols: int) -> np.ndarray:
        path = Path(self.input_folder) / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing: run the MinHash cluster stage before the filter stage.")
        return np.fromfile(path, dtype="<u4").reshape(-1, cols) if cols > 1 else np.fromfile(path, dtype="<u4")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        meta = read_stage1_meta(self.sig_folder, rank)
        if meta["world_size"] != world_size:
            raise ValueError(
                f"The MinHash filter runs with tasks={world_size} but signatures were computed with "
                f"tasks={meta['world_size']}: document indices only line up with the same reader and task "
                f"count. Run this stage with tasks={meta['world_size']}."
            )
        remove = set(self._load(f"{rank:06d}.remove", 1).tolist())
        clusters = dict(map(tuple, self._load(f"{rank:06d}.clusters", 2).tolist()))
        sizes = dict(map(tuple, self._load(f"{rank:06d}.sizes", 2).tolist()))

        def tag(idx: int, doc) -> bool:
            doc.metadata["dedup_cluster"] = int(clusters.get(idx, -1))
            doc.metadata["dedup_cluster_size"] = int(sizes.get(idx, 1))
            return idx in remove

        yield from filter_by_index(self, data, rank, meta, "near_duplicate", tag, self.exclusion_writer,
                                   "signature stage")


def pack_sig_record(hashes, doc_idx: int, config: CodeMinhashConfig) -> bytes:
    """One signature file record (used by tests to check the format against datatrove's)."""
    return struct.pack(f"<{config.hashes_per_bucket}{config.struct_format}I", *hashes, doc_idx)
