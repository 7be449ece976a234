"""The mapping step: each pair's datasheet(s) mapped onto its code; mapping files, catalog rows and
*mapping documents* (a datasheet section followed by the code that implements it).

``MappingStep(out_dir, write_markdown=True, max_mapping_docs=500)``

Runs after the datasheet and code steps. Documents of one pair arrive contiguously (the reader
keeps them together); the step buffers a pair (consecutive documents with the same ``pair_id``),
then:

* reads ``metadata["_datasheet"]`` (a ``parsers.models.Datasheet``, on the first document of
  each datasheet) and, for ``kind == "code"`` documents, ``metadata["_codefile"]`` (a
  ``CodeFile``) with the document ``text`` and ``metadata["path"]``;
* maps each datasheet with ``mapping.map_pair`` and writes ``OUT/mappings/<pair_id>.json`` (the
  Mapping contract; timing keys are left out so a rebuild writes the same bytes) and
  ``OUT/mappings/<pair_id>.md`` (``core.names.safe_file_stem(pair_id)``: an id that is not a plain
  file name is mapped to one; secrets redacted); a pair's second and later datasheets go to
  ``<pair_id>.<k>.json``/``.md`` (k = 1, 2, ...);
* yields the pair's documents unchanged and in order, then one mapping document per
  implemented/partial section with code: ``text`` from ``mapping.render.mapping_documents``,
  ``metadata`` = the pair metadata of the pair's first document (``pair_id``, ``repo``,
  ``manufacturer``, ``manufacturer_raw``, ``category``, ``component``, ``license``) plus
  ``kind="mapping"``, ``language="text"``, ``path=f"mappings/{pair_id}#{section_id}"``,
  ``section_id``, ``section_title``, ``datasheet`` (source name), ``status``, ``coverage``,
  ``sha256``.

A pair with no datasheet document passes through untouched (stat ``pairs_without_datasheet``).

Catalog tables (``OUT/catalog/parts/<table>/<rank>.parquet``): ``links`` (pair_id, datasheet,
register, peripheral, symbol, file, line, score, evidence, kind, address, section_id),
``field_links`` (pair_id, datasheet, register, field, bits, symbol, file, line, score, evidence)
and ``section_status`` (pair_id, datasheet, section_id, title, status, coverage, n_registers,
n_linked, n_files, top_file, reason).
"""

from __future__ import annotations

import json
from pathlib import Path

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import doc_id, pair_groups, sha256_text
from firmcorpus.core.io import atomic_write_text
from firmcorpus.core.names import safe_file_stem
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.secrets import redact
from firmcorpus.mapping import map_pair
from firmcorpus.mapping.render import mapping_documents, render_markdown

PAIR_KEYS = ("pair_id", "repo", "manufacturer", "manufacturer_raw", "category", "component", "license")
# metrics that change from run to run (timings): kept out of the mapping files
VOLATILE_METRICS = ("seconds", "seconds_prune", "seconds_link", "prefilter_s", "parse_s", "map_s")


class MappingStep(PipelineStep):
    name = "🗺 mapping"
    type = "🔗 - MAPPING"

    def __init__(self, out_dir: str, write_markdown: bool = True, max_mapping_docs: int = 500):
        super().__init__()
        self.out_dir = str(out_dir)
        self.write_markdown = write_markdown
        self.max_mapping_docs = max_mapping_docs

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        catalog = Path(self.out_dir) / "catalog"
        tables = {
            "links": CatalogPartWriter(catalog, "links", rank, sort_by=["pair_id", "datasheet", "register", "file"]),
            "field_links": CatalogPartWriter(catalog, "field_links", rank,
                                             sort_by=["pair_id", "datasheet", "register", "field"]),
            "section_status": CatalogPartWriter(catalog, "section_status", rank, sort_by=["pair_id", "datasheet"]),
        }
        for pair_id, group in pair_groups(data):
            yield from self._flush(group, pair_id, tables)
        for t in tables.values():
            t.close()

    def _flush(self, docs: list[Document], pair_id: str, tables: dict) -> DocumentsPipeline:
        datasheets = [d.metadata["_datasheet"] for d in docs if d.metadata.get("_datasheet") is not None]
        if not datasheets:
            self.stat_update("pairs_without_datasheet")
            yield from docs
            return

        files, texts = [], {}
        for d in docs:
            cf = d.metadata.get("_codefile")
            if d.metadata.get("kind") == "code" and cf is not None:
                files.append(cf)
                texts[cf.path] = d.text
        pair_meta = {k: docs[0].metadata[k] for k in PAIR_KEYS if k in docs[0].metadata}
        out_docs: list[Document] = []
        mdir = Path(self.out_dir) / "mappings"
        mdir.mkdir(parents=True, exist_ok=True)
        for k, ds in enumerate(datasheets):
            with self.track_time():
                res = map_pair(ds, files, texts)
            stem = safe_file_stem(pair_id) if k == 0 else f"{safe_file_stem(pair_id)}.{k}"
            d = res.to_dict()
            d["metrics"] = {key: v for key, v in d["metrics"].items() if key not in VOLATILE_METRICS}
            d["pair_id"], d["datasheet"] = pair_id, ds.source
            # code text was redacted when read; the datasheet's text is redacted here, before it is written
            atomic_write_text(mdir / f"{stem}.json", redact(json.dumps(d, indent=1, sort_keys=True))[0])
            if self.write_markdown:
                atomic_write_text(mdir / f"{stem}.md", redact(render_markdown(res, ds, texts))[0])
            self.stat_update("mappings")
            self.stat_update("links", value=len(res.links))
            self.stat_update("registers", value=len(ds.registers))
            self.stat_update("registers_linked", value=res.metrics.get("linked", 0))
            for lk in res.links:
                tables["links"].add({"pair_id": pair_id, "datasheet": ds.source, "register": lk.register,
                                     "peripheral": lk.peripheral, "symbol": lk.symbol, "file": lk.file,
                                     "line": lk.line, "score": lk.score, "evidence": ",".join(lk.evidence),
                                     "kind": lk.kind, "address": lk.address, "section_id": lk.section_id})
            for fl in res.field_links:
                tables["field_links"].add({"pair_id": pair_id, "datasheet": ds.source, "register": fl.register,
                                           "field": fl.field, "bits": fl.bits, "symbol": fl.symbol, "file": fl.file,
                                           "line": fl.line, "score": fl.score, "evidence": ",".join(fl.evidence)})
            for s in res.sections:
                self.stat_update(f"sections_{s.status}")
                tables["section_status"].add({
                    "pair_id": pair_id, "datasheet": ds.source, "section_id": s.section_id, "title": s.title,
                    "status": s.status, "coverage": s.coverage, "n_registers": len(s.registers),
                    "n_linked": len(s.linked), "n_files": len(s.files),
                    "top_file": s.files[0].path if s.files else None, "reason": s.reason})
            status = {s.section_id: s for s in res.sections}
            for sid, text in mapping_documents(res, ds, texts)[: self.max_mapping_docs]:
                sec = status[sid]
                path = f"mappings/{pair_id}#{sid}" if k == 0 else f"mappings/{pair_id}.{k}#{sid}"
                meta = {**pair_meta, "kind": "mapping", "language": "text", "path": path, "section_id": sid,
                        "section_title": sec.title, "datasheet": ds.source, "status": sec.status,
                        "coverage": sec.coverage, "sha256": sha256_text(text)}
                out_docs.append(Document(text=text, id=doc_id(pair_id, "mapping", path), metadata=meta))
                self.stat_update("mapping_documents")
        yield from docs
        yield from out_docs


