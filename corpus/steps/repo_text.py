"""Repository-level training text: a repository's C/C++ files joined in include order.

Files are ordered so that headers come before the sources that include them (DeepSeek-Coder's
recipe: repeatedly emit the file with the fewest not-yet-emitted includes, so include cycles
still yield every file exactly once), ties broken by a seeded rank. A pair's mapping documents
(datasheet section + the code implementing it) go first, before the code they explain. Files
are joined with the tokenizer's repository markers (``<reponame>``/``<file_sep>`` when it has
them) and split at file boundaries above ``max_chars``. Optional fill-in-the-middle turns a
share of repository documents into PSM/SPM examples, only with a tokenizer that has FIM tokens.

Only training documents are joined; held-out documents stay file-level for evaluation.
"""

from __future__ import annotations

import posixpath
import random
from typing import Any, Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import doc_id, pair_groups, sha256_text
from firmcorpus.parsers.includes import include_graph, include_order
from firmcorpus.parsers.models import CodeFile

JOINED_LANGUAGES = ("c", "cpp")


def resolve_includes(docs: list[Document]) -> dict[str, list[str]]:
    """Repository files each document includes, resolved with the code parser's include graph."""

    files = {d.metadata["path"]: CodeFile(path=d.metadata["path"], language=d.metadata.get("language", "c"),
                                          includes=list(d.metadata.get("includes") or []))
             for d in docs}
    return include_graph(files)


def fim_transform(text: str, rng: random.Random, tokens: dict[str, str], spm: bool) -> str:
    """One fill-in-the-middle example from ``text`` (cut points uniform over characters)."""
    a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
    pre, mid, suf = text[:a], text[a:b], text[b:]
    p, s, m = tokens["fim_prefix"], tokens["fim_suffix"], tokens["fim_middle"]
    if spm:
        return f"{p}{s}{suf}{m}{pre}{mid}"
    return f"{p}{pre}{s}{suf}{m}{mid}"


class RepoTextAssembler(PipelineStep):
    """Joins each pair's training C/C++ documents (and mapping documents) into repository documents.

    Args:
        max_chars: repository documents are split at file boundaries above this.
        markers: ``{"repo_name": ..., "file_sep": ..., "fim_prefix": ..., ...}`` from the tokenizer
            (``corpus.tokenizer.special_tokens``); missing FIM tokens disable FIM.
        fim_rate, fim_spm_rate, seed: fill-in-the-middle share, SPM share, and seed.
    Reads metadata ``pair_id``, ``split``, ``kind``, ``language``, ``path``, ``includes``.
    Documents of a pair must arrive contiguously (they do: every stage keeps a pair in one task).
    Writes repository documents with ``kind="repo"``, ``files`` (paths in order) and ``fim``.
    """

    name = "📚 repository text"
    type = "🧱 - ASSEMBLE"

    def __init__(self, max_chars: int = 200_000, markers: dict[str, Any] | None = None, fim_rate: float = 0.0,
                 fim_spm_rate: float = 0.5, seed: int = 0):
        super().__init__()
        markers = markers or {}
        self.repo_marker = markers.get("repo_name") or "<repo_name>"
        self.file_marker = markers.get("file_sep") or "<file_sep>"
        self.fim_tokens = {k: markers[k] for k in ("fim_prefix", "fim_middle", "fim_suffix") if markers.get(k)}
        self.max_chars = max_chars
        self.fim_rate = fim_rate if len(self.fim_tokens) == 3 else 0.0
        self.fim_spm_rate = fim_spm_rate
        self.seed = seed

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if self.fim_rate == 0.0 and len(self.fim_tokens) < 3:
            self.stat_update("fim_disabled_no_tokens")
        for _, group in pair_groups(data):
            yield from self._flush(group)

    def _flush(self, docs: list[Document]) -> Iterable[Document]:
        joinable = [d for d in docs if d.metadata.get("split") == "train" and d.metadata.get("kind") == "code"
                    and d.metadata.get("language") in JOINED_LANGUAGES]
        mappings = [d for d in docs if d.metadata.get("split") == "train" and d.metadata.get("kind") == "mapping"]
        if not joinable:
            yield from docs
            return
        with self.track_time():
            joined_ids = {id(d) for d in joinable} | {id(d) for d in mappings}
            by_path = {d.metadata["path"]: d for d in joinable}
            order = include_order(resolve_includes(joinable), list(by_path), self.seed)
            first = joinable[0].metadata
            repo_name = posixpath.basename(first["repo"].split(":", 1)[-1].rstrip("/")) or first["pair_id"]
            pieces = [(f"mappings/{m.metadata.get('path', '')}", m.text, m) for m in mappings]
            pieces += [(p, by_path[p].text, by_path[p]) for p in order]
            chunks: list[list[tuple[str, str, Document]]] = [[]]
            size = 0
            for piece in pieces:
                if chunks[-1] and size + len(piece[1]) > self.max_chars:
                    chunks.append([])
                    size = 0
                chunks[-1].append(piece)
                size += len(piece[1])
        for doc in docs:  # non-joined documents keep their place (datasheets, asm, held-out, ...)
            if id(doc) not in joined_ids:
                yield doc
        for i, chunk in enumerate(chunks):
            text = f"{self.repo_marker}{repo_name}" + "".join(f"{self.file_marker}{p}\n{t}" for p, t, _ in chunk)
            did = doc_id(first["pair_id"], "repo", repo_name, i)
            rng = random.Random(f"{self.seed}:{did}")
            fim = None
            if self.fim_rate and rng.random() < self.fim_rate:
                fim = "spm" if rng.random() < self.fim_spm_rate else "psm"
                text = fim_transform(text, rng, self.fim_tokens, fim == "spm")
                self.stat_update(f"fim_{fim}")
            domains = [d.metadata.get("domain") for _, _, d in chunk if d.metadata.get("kind") == "code"]
            domain = max(sorted(set(domains)), key=domains.count) if domains else first.get("domain", "general")
            meta = {k: v for k, v in first.items() if k in ("pair_id", "repo", "manufacturer", "manufacturer_raw",
                                                            "category", "component", "license", "split")}
            meta.update({"kind": "repo", "path": repo_name, "language": first.get("language"), "domain": domain,
                         "domain_scores": chunk[-1][2].metadata.get("domain_scores"),
                         "files": [p for p, _, _ in chunk], "fim": fim, "sha256": sha256_text(text)})
            self.stat_update("repo_documents")
            self.stat_update("files_joined", value=len(chunk))
            yield Document(text=text, id=did, metadata=meta)
