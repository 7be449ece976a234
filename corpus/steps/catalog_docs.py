"""Small glue steps at stage boundaries: drop transient metadata, and the ``documents`` table."""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import public_metadata
from firmcorpus.corpus.catalog_parts import CatalogPartWriter

DOCUMENT_COLUMNS = ("pair_id", "kind", "path", "language", "manufacturer", "manufacturer_raw", "category", "domain",
                    "split", "license", "dedup_cluster", "dedup_cluster_size", "token_count", "contaminated")


class StripTransient(PipelineStep):
    """Removes the in-memory ``_`` metadata (parser objects) before a writer persists documents.

    Datasheet-source documents (empty placeholders for the datasheet step) are dropped here too.
    """

    name = "✂ strip transient"
    type = "🔧 - GLUE"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data or []:
            if doc.metadata.get("kind") == "datasheet_source":
                continue
            doc.metadata = public_metadata(doc.metadata)
            yield doc


class DocumentsCatalog(PipelineStep):
    """One ``documents`` catalog row per document that reaches the text shards."""

    name = "🗂 documents table"
    type = "🔧 - GLUE"

    def __init__(self, catalog_dir: str):
        super().__init__()
        self.catalog_dir = catalog_dir

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        table = CatalogPartWriter(self.catalog_dir, "documents", rank, sort_by=["id"])
        for doc in data or []:
            md = doc.metadata
            row = {"id": doc.id, "chars": len(doc.text), "bytes": len(doc.text.encode("utf-8", "replace"))}
            row.update({k: md.get(k) for k in DOCUMENT_COLUMNS})
            row["domain"] = row["domain"] or "general"
            table.add(row)
            yield doc
        table.close()
