"""The mixture: per-domain and per-kind token weights, applied by deterministic up/down-sampling.

A training document with weight ``w = domain_weight × kind_weight`` is emitted ``floor(w)``
times plus once more with probability ``frac(w)`` (a seeded hash of its id, so reruns agree).
Held-out documents are never resampled. Realised counts land in the ``documents`` table.
"""

from __future__ import annotations

import hashlib
import math

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep


def copies(doc_id: str, weight: float, seed: int) -> int:
    u = int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big") / 2**64
    base = math.floor(weight)
    return base + (1 if u < weight - base else 0)


class MixtureSampler(PipelineStep):
    """Resamples training documents by ``domain_weights`` × ``kind_weights`` (missing keys weigh 1).

    Writes metadata ``mixture_weight`` and ``mixture_copy`` (0 for the original).
    """

    name = "⚖ mixture"
    type = "🧱 - ASSEMBLE"

    def __init__(self, domain_weights: dict[str, float] | None = None, kind_weights: dict[str, float] | None = None,
                 seed: int = 0):
        super().__init__()
        for name, w in {**(domain_weights or {}), **(kind_weights or {})}.items():
            if w < 0:
                raise ValueError(f"mixture weight of {name!r} is {w}; weights must be ≥ 0")
        self.domain_weights = dict(domain_weights or {})
        self.kind_weights = dict(kind_weights or {})
        self.seed = seed

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data or []:
            md = doc.metadata
            if md.get("split") != "train":
                yield doc
                continue
            w = self.domain_weights.get(md.get("domain", "general"), 1.0) * self.kind_weights.get(md.get("kind"), 1.0)
            n = copies(doc.id, w, self.seed)
            md["mixture_weight"] = w
            if n == 0:
                self.stat_update("downsampled_out")
            for k in range(n):
                if k == 0:
                    md["mixture_copy"] = 0
                    yield doc
                else:
                    self.stat_update("upsampled_copies")
                    yield Document(text=doc.text, id=f"{doc.id}~{k}", metadata={**md, "mixture_copy": k})
