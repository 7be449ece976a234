"""Tokenize once: each document's token count and its token shard, in one pass of the assemble stage.

``SplitTokenizer`` encodes every document that reaches the text shards once, writes its ids to the
token shard of its split (``OUT/tokens/<split>``, datatrove's ``TokenizedFile`` format: ``.ds``
tokens, ``.ds.index`` document ends, ``.ds.metadata``), sets ``metadata["token_count"]`` (ids
including the EOS token, as datatrove's ``TokensCounter(count_eos_token=True)`` counted) and
yields the document on to the catalog and text writers. Before, the build tokenized the training
text twice: ``TokensCounter`` in assemble for the counts, and ``DocumentTokenizer`` in its own
stage for the shards.

Memory is bounded by ``batch_chars``, not by the task: documents are encoded in batches of at
most that many characters (200 k) (datatrove's steps batch 10,000 documents, which for a shard of
repository documents is the whole shard's ``Encoding`` objects at once). The shard files and the
in-shard shuffle are byte-for-byte what ``DocumentTokenizer(shuffle_documents=..., seed=...)``
writes for the same documents in the same order (same file names, same ``default_rng(seed)``
permutation per split and task), so readers of ``OUT/tokens`` are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.tokens.tokenizer import TokenizedFile, get_output_filename
from datatrove.utils.tokenization import PipelineStepWithTokenizer

BATCH_CHARS = 200_000  # ≈ 60 k tokens of Encodings in memory at a time
BATCH_DOCS = 1_000


def char_batches(data: DocumentsPipeline, max_chars: int, max_docs: int) -> Iterator[list[Document]]:
    """Consecutive documents in batches of at most ``max_chars`` characters (a longer document is
    a batch of its own) and ``max_docs`` documents."""
    batch: list[Document] = []
    size = 0
    for doc in data or []:
        if batch and (size + len(doc.text) > max_chars or len(batch) >= max_docs):
            yield batch
            batch, size = [], 0
        batch.append(doc)
        size += len(doc.text)
    if batch:
        yield batch


class SplitTokenizer(PipelineStepWithTokenizer):
    """Token shards per split and ``token_count`` per document, from one encoding of each text.

    Args:
        output_folder: ``OUT/tokens``; split ``s`` goes to ``output_folder/s``.
        tokenizer_name_or_path: tokenizer.json path.
        eos_token: appended to every document (its id is counted in ``token_count``).
        shuffle: shuffle documents inside each shard (seeded, as ``DocumentTokenizer``).
        seed: the shuffle seed.
        splits: the splits that get a shard; a document of another split is counted, not written.
        batch_chars: characters encoded at a time.
    Reads metadata ``split``; writes metadata ``token_count``.
    """

    name = "🔢 tokenize once"
    type = "🔢 - TOKENIZER"

    def __init__(self, output_folder: str, tokenizer_name_or_path: str, eos_token: str | None = None,
                 shuffle: bool = True, seed: int = 0, splits: tuple[str, ...] = ("train", "heldout"),
                 batch_chars: int = BATCH_CHARS):
        super().__init__(tokenizer_name_or_path, eos_token)
        self.output_folder = str(output_folder)
        self.shuffle = shuffle
        self.seed = seed
        self.splits = tuple(splits)
        self.batch_chars = batch_chars

    def _open(self, split: str, rank: int) -> TokenizedFile:
        return TokenizedFile(f"{self.output_folder}/{split}", get_output_filename(None, rank, "unshuffled"),
                             save_index=True, tokenizer_name_or_path=self.tokenizer_name_or_path,
                             save_final_metadata=True, token_size=self.token_size)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        files: dict[str, TokenizedFile] = {}
        dtype = "<u4" if self.token_size == 4 else "<u2"  # datatrove's struct "<I" / "<H"
        try:
            for batch in char_batches(data, self.batch_chars, BATCH_DOCS):
                # a mixture copy shares its original's text object: encode each text once
                slot: dict[int, int] = {}
                texts: list[str] = []
                for d in batch:
                    if id(d.text) not in slot:
                        slot[id(d.text)] = len(texts)
                        texts.append(d.text)
                with self.track_time(unit="batch"):
                    encoded = self.tokenizer.encode_batch_fast(texts)
                for doc in batch:
                    ids = encoded[slot[id(doc.text)]].ids
                    doc.metadata["token_count"] = len(ids)
                    self.stat_update("tokens", value=len(ids))
                    split = doc.metadata.get("split")
                    if split in self.splits:
                        if split not in files:
                            files[split] = self._open(split, rank)
                        files[split].write_bytes(np.asarray(ids, dtype=dtype).tobytes())
                del encoded
                yield from batch
        finally:
            for f in files.values():
                f.close()
        for split in sorted(files):
            self._finish(files[split], rank)

    def _finish(self, unshuffled: TokenizedFile, rank: int) -> None:
        if not self.shuffle or not unshuffled.doc_ends:
            return
        order = np.random.default_rng(self.seed).permutation(len(unshuffled.doc_ends))
        unshuffled.copy(None, order, unshuffled.output_folder, rank=rank, sub_filename="doc_shuffled")
        unshuffled.cleanup()
