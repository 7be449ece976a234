"""Packed training sequences over datatrove token shards, with document masking.

Input format (what datatrove's ``DocumentTokenizer`` writes, so nanotron/datatrove readers
work on the same files): per shard ``X.ds`` (little-endian uint16 or uint32 token ids, all
documents back to back), ``X.ds.index`` (uint64 cumulative document end offsets, in tokens)
and ``X.ds.metadata`` (``tokenizer|token_size``, token count, human count). Token files are
memory-mapped; nothing is loaded eagerly.

Packing: one epoch is a seeded permutation of every document of every folder, concatenated
into one stream and cut into rows of ``seq_len`` tokens (the remainder is dropped). Because
every document appears once per epoch, folders are mixed in proportion to their tokens
("token-weighted"); a folder weight ``w`` repeats its documents ``w`` times per epoch
(fractional parts pick a seeded subset). Sequence ``i`` is a pure function of ``(seed, i)``,
so the data cursor of a checkpoint is one integer and any rank can compute its own rows.

Document masking: ``position_ids`` restart at 0 at every document start (and at the start of
every row), and the label of a document's first token is ``-100`` (it would otherwise be
predicted from the previous document); so is the label of every row's first token. In transformers 5.x, ``masking_utils.
_preprocess_mask_arguments`` turns restarting ``position_ids`` into a block-diagonal causal
mask for the eager/sdpa/flex paths **only when ``attention_mask is None`` and there is no KV
cache** (``use_cache=False``); the flash-attention path derives ``cu_seqlens`` from
``position_ids`` only when the batch dimension is 1, so for flash kernels the trainer flattens
a micro-batch to one row (see ``train.loop``). Rows therefore carry no ``attention_mask``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.tokens.tokenizer import DocumentTokenizer

from firmcorpus.train.model import tokenizer_json

IGNORE_INDEX = -100


@dataclass
class TokenShard:
    """One ``.ds`` file: memory-mapped tokens plus the document ends from its ``.index``."""

    path: Path
    tokens: np.ndarray  # memmap, uint16 or uint32
    doc_ends: np.ndarray  # uint64, cumulative

    @property
    def n_docs(self) -> int:
        return int(self.doc_ends.shape[0])

    @property
    def n_tokens(self) -> int:
        return int(self.doc_ends[-1]) if self.n_docs else 0


def _token_size(ds: Path, n_tokens: int) -> int:
    meta = ds.with_name(ds.name + ".metadata")
    if meta.is_file():
        first = meta.read_text().splitlines()[0] if meta.stat().st_size else ""
        size = first.rsplit("|", 1)[-1].strip()
        if size in ("2", "4"):
            return int(size)
    # no (usable) metadata: infer from the file size and the index's token count
    nbytes = ds.stat().st_size
    if n_tokens and nbytes % n_tokens == 0 and nbytes // n_tokens in (2, 4):
        return nbytes // n_tokens
    raise ValueError(f"{ds}: cannot tell uint16 from uint32 tokens (no .metadata, {nbytes} bytes for {n_tokens} tokens)")


def open_shard(ds: str | Path) -> TokenShard:
    """Memory-map one datatrove ``.ds`` shard (its ``.ds.index`` must exist)."""
    ds = Path(ds)
    index = ds.with_name(ds.name + ".index")
    if not index.is_file():
        raise FileNotFoundError(f"{index} missing: write shards with DocumentTokenizer(save_index=True)")
    doc_ends = np.fromfile(index, dtype="<u8")
    n_tokens = int(doc_ends[-1]) if doc_ends.size else 0
    size = _token_size(ds, n_tokens)
    dtype = np.dtype("<u2" if size == 2 else "<u4")
    if ds.stat().st_size != n_tokens * size:
        raise ValueError(f"{ds}: {ds.stat().st_size} bytes but the index says {n_tokens} tokens of {size} bytes")
    tokens = np.memmap(ds, dtype=dtype, mode="r") if n_tokens else np.zeros(0, dtype=dtype)
    return TokenShard(ds, tokens, doc_ends)


def find_shards(folder: str | Path) -> list[Path]:
    """The ``.ds`` files directly inside ``folder``, sorted (deterministic order)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"token shard folder {folder} does not exist")
    return sorted(p for p in folder.glob("*.ds") if p.is_file())


def domain_folders(folder: str | Path) -> dict[str, Path]:
    """Sub-folders of ``folder`` that hold shards, by name (per-domain held-out sets), else ``{}``."""
    folder = Path(folder)
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_dir() and find_shards(p)} if folder.is_dir() else {}


class PackedDataset:
    """Fixed-length packed rows over one or more shard folders (map-style, infinite over epochs).

    ``folders``: a path, a list of paths, or ``{path: weight}``. ``len(ds)`` is the number of
    rows per epoch; ``ds[i]`` for ``i >= len(ds)`` continues into the next (reshuffled) epoch.
    Each item is ``{"input_ids", "labels", "position_ids"}`` as int64 numpy arrays of ``seq_len``.
    """

    def __init__(self, folders: str | Path | Iterable[str | Path] | Mapping[str | Path, float], seq_len: int,
                 seed: int = 0, shuffle: bool = True, recursive: bool = False):
        if isinstance(folders, (str, Path)):
            folders = [folders]
        weights = dict(folders) if isinstance(folders, Mapping) else {f: 1.0 for f in folders}
        if seq_len < 2:
            raise ValueError("seq_len must be at least 2")
        self.seq_len = int(seq_len)
        self.seed = int(seed)
        self.shuffle = shuffle
        self.shards: list[TokenShard] = []
        starts, lengths, shard_ids, folder_ids, self.weights = [], [], [], [], []
        self.folders: list[Path] = []
        for fi, (folder, w) in enumerate(weights.items()):
            if w <= 0:
                raise ValueError(f"folder weight must be > 0, got {w} for {folder}")
            paths = sorted(Path(folder).rglob("*.ds")) if recursive else find_shards(folder)
            if not paths:
                raise FileNotFoundError(f"no .ds token shards in {folder}; build them with `firmcorpus build` "
                                        "or train.data.tokenize_texts_to_shards")
            self.folders.append(Path(folder))
            self.weights.append(float(w))
            for p in paths:
                shard = open_shard(p)
                if not shard.n_docs:
                    continue
                ends = shard.doc_ends.astype(np.int64)
                begins = np.concatenate([[0], ends[:-1]])
                starts.append(begins)
                lengths.append(ends - begins)
                shard_ids.append(np.full(ends.shape, len(self.shards), dtype=np.int32))
                folder_ids.append(np.full(ends.shape, fi, dtype=np.int32))
                self.shards.append(shard)
        if not self.shards:
            raise ValueError(f"all token shards in {list(weights)} are empty")
        self.doc_start = np.concatenate(starts)
        self.doc_len = np.concatenate(lengths)
        self.doc_shard = np.concatenate(shard_ids)
        self.doc_folder = np.concatenate(folder_ids)
        self._epoch_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        order, offsets = self._plan(0)
        self.tokens_per_epoch = int(offsets[-1])
        self.rows_per_epoch = self.tokens_per_epoch // self.seq_len
        if self.rows_per_epoch == 0:
            raise ValueError(f"only {self.tokens_per_epoch} tokens: fewer than one row of seq_len={self.seq_len}")

    # -- plan ---------------------------------------------------------------------------------
    @property
    def n_docs(self) -> int:
        return int(self.doc_len.shape[0])

    @property
    def n_tokens(self) -> int:
        return int(self.doc_len.sum())

    def folder_tokens(self) -> dict[str, int]:
        return {str(f): int(self.doc_len[self.doc_folder == i].sum()) for i, f in enumerate(self.folders)}

    def _plan(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """(document order, cumulative token offsets) of one epoch; cached (two epochs at most)."""
        if epoch in self._epoch_cache:
            return self._epoch_cache[epoch]
        rng = np.random.default_rng([self.seed, epoch])
        parts = []
        for fi, w in enumerate(self.weights):
            docs = np.flatnonzero(self.doc_folder == fi)
            reps, frac = int(w), w - int(w)
            parts.extend([docs] * reps)
            if frac > 0:
                k = int(round(frac * docs.size))
                parts.append(np.sort(rng.choice(docs, size=k, replace=False)) if k else docs[:0])
        order = np.concatenate(parts)
        if self.shuffle:
            order = rng.permutation(order)
        offsets = np.concatenate([[0], np.cumsum(self.doc_len[order])])
        if len(self._epoch_cache) >= 2:
            self._epoch_cache.pop(min(self._epoch_cache))
        self._epoch_cache[epoch] = (order, offsets)
        return order, offsets

    def __len__(self) -> int:
        return self.rows_per_epoch

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        if i < 0:
            raise IndexError(i)
        epoch, row = divmod(int(i), self.rows_per_epoch)
        order, offsets = self._plan(epoch)
        lo, hi = row * self.seq_len, (row + 1) * self.seq_len
        k = bisect.bisect_right(offsets, lo) - 1  # document containing token `lo`
        ids = np.empty(self.seq_len, dtype=np.int64)
        pos = np.empty(self.seq_len, dtype=np.int64)
        labels = np.empty(self.seq_len, dtype=np.int64)
        at = 0
        while at < self.seq_len:
            d = order[k]
            in_doc = lo + at - int(offsets[k])  # offset inside document d
            take = min(int(self.doc_len[d]) - in_doc, self.seq_len - at)
            s = int(self.doc_start[d]) + in_doc
            ids[at:at + take] = self.shards[self.doc_shard[d]].tokens[s:s + take]
            pos[at:at + take] = np.arange(take)
            labels[at:at + take] = ids[at:at + take]
            if in_doc == 0 and at > 0:
                labels[at] = IGNORE_INDEX  # first token of a document is not predicted from the previous one
            at += take
            k += 1
        assert hi - lo == at
        labels[0] = IGNORE_INDEX  # never a target (nothing precedes it in the row), also when rows are flattened
        return {"input_ids": ids, "labels": labels, "position_ids": pos}

    def batch(self, indices: Iterable[int]) -> dict:
        """Stack rows into int64 torch tensors ``[len(indices), seq_len]``."""
        import torch

        rows = [self[i] for i in indices]
        return {k: torch.from_numpy(np.stack([r[k] for r in rows])) for k in ("input_ids", "labels", "position_ids")}


def sample_indices(step: int, micro: int, grad_accum: int, micro_batch: int, rank: int, world_size: int,
                   offset: int = 0) -> list[int]:
    """Global row indices of one micro-batch.

    Row ``((step * grad_accum + micro) * world_size + rank) * micro_batch + b`` (+ ``offset``):
    every optimizer step consumes the contiguous block ``[step*G, (step+1)*G)`` with
    ``G = grad_accum * world_size * micro_batch``, so 1×8, 8×1 and 2 ranks × 4 all see the same rows.
    """
    base = ((step * grad_accum + micro) * world_size + rank) * micro_batch + offset
    return list(range(base, base + micro_batch))


def tokenize_texts_to_shards(texts: Iterable[str], tokenizer_path: str | Path, out_dir: str | Path,
                             eos_token: str | None = "<|endoftext|>", shuffle: bool = False, seed: int = 0,
                             ids: Iterable[str] | None = None) -> list[Path]:
    """Write ``texts`` as datatrove token shards in ``out_dir`` with datatrove's own ``DocumentTokenizer``.

    ``tokenizer_path`` is a ``tokenizer.json`` file or a model directory holding one (or the
    ``smollm2-135m`` alias). Returns the ``.ds`` paths written.
    """

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = list(texts)
    ids = list(ids) if ids is not None else [f"doc{i}" for i in range(len(texts))]
    step = DocumentTokenizer(output_folder=str(out_dir), tokenizer_name_or_path=str(tokenizer_json(str(tokenizer_path))),
                             eos_token=eos_token, shuffle_documents=shuffle, seed=seed, batch_size=1000)
    step.run((Document(text=t, id=i) for t, i in zip(texts, ids)), rank=0, world_size=1)
    return find_shards(out_dir)
