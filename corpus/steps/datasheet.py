"""The datasheet step: each pair's datasheet file → datasheet documents and catalog rows.

``DatasheetStep(catalog_dir, max_doc_chars=60000)``

Reads documents with ``metadata["kind"] == "datasheet_source"``: ``metadata["datasheet_path"]``
(a local PDF or CMSIS-SVD file) plus the pair metadata (``pair_id``, ``manufacturer``,
``manufacturer_raw``, ``category``, ``license``, ``repo``, ...). All other documents pass
through unchanged and in order.

For each datasheet source it yields ``datasheet`` documents, one per top-level section (a
section longer than ``max_doc_chars`` is cut at line boundaries into parts):

* ``text``: the section's text (its subsections included) followed by its registers
  (``mapping.render.register_map_text``): a markdown summary table of the register map, then per
  register a ``Register NAME (PERIPHERAL): address …, reset …`` line and its bit fields as a
  markdown table. Bit diagrams are cut from the section text (``strip_bit_diagrams``):
  PyMuPDF gives their cells one per line ("31", "30", … "rw", "Res."), thousands of lines that
  teach a model nothing the rendered register lines do not already say;
* ``metadata``: every key of the source document except ``datasheet_path`` is copied, then
  ``kind="datasheet"``, ``language="text"``, ``path`` (datasheet file name), ``section_id``,
  ``section_title``, ``part``, ``n_registers`` (registers in this document),
  ``bit_diagram_lines`` (lines of bit diagrams cut from this section), ``sha256``;
* the first document of each datasheet also carries ``metadata["_datasheet"]``: the
  ``parsers.models.Datasheet`` (transient, for the mapping step; writers drop ``_`` keys).

A datasheet that cannot be parsed (encrypted, not a PDF/SVD, broken SVD) or has no text
layer at all (scanned; no OCR is done) yields nothing and is recorded in catalog table
``drops`` (stage, pair_id, path, reason, detail). Catalog tables (one part per rank, every row
with ``pair_id`` and ``datasheet``): ``datasheets`` (pages, title, counts, warnings),
``sections``, ``peripherals``, ``registers``, ``fields``.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import KIND_DATASHEET_SOURCE, doc_id, sha256_text
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.mapping.render import register_map_text, strip_bit_diagrams
from firmcorpus.parsers.datasheet import load_datasheet
from firmcorpus.parsers.models import ParseError


def datasheet_documents(ds) -> list[tuple[str, str, str, int]]:
    """(section_id, section_title, text, bit-diagram lines cut) per top-level section, registers
    rendered inside."""
    secs = ds.sections
    regs_by_sec: dict[str, list] = {}
    if secs:
        top_of: dict[str, str] = {}
        current = None
        top_level = min(s.level for s in secs)
        for s in secs:
            if s.level <= top_level or current is None:
                current = s.id
            top_of[s.id] = current
        for r in ds.registers:
            key = top_of.get(r.section_id or "")
            if key is None and r.page is not None:
                key = next((top_of[s.id] for s in reversed(secs) if s.page_start <= r.page), None)
            regs_by_sec.setdefault(key or secs[0].id, []).append(r)
        out = []
        group: list = []

        def flush():
            if not group:
                return
            head = group[0]
            body = "\n\n".join(t for t in (f"{s.id} {s.title}\n{s.text}".strip() for s in group) if t)
            body, cut = strip_bit_diagrams(body)
            regs = regs_by_sec.get(head.id, [])
            if regs:
                body += "\n\n" + register_map_text(regs)
            out.append((head.id, head.title, body.strip(), cut))

        for s in secs:
            if s.level <= top_level and group:
                flush()
                group = []
            group.append(s)
        flush()
        # section ids can repeat (a heading number printed twice): document ids must not
        seen: dict[str, int] = {}
        unique = []
        for sid, title, text, cut in out:
            if not text:
                continue
            n = seen.get(sid, 0)
            seen[sid] = n + 1
            unique.append((sid if n == 0 else f"{sid}~{n}", title, text, cut))
        return unique
    if ds.registers:
        return [("registers", "Registers", register_map_text(ds.registers), 0)]
    return []


def _chunks(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    out, cur, size = [], [], 0
    for line in text.splitlines(keepends=True):
        if size + len(line) > limit and cur:
            out.append("".join(cur))
            cur, size = [], 0
        while len(line) > limit:  # a single huge line (no newlines in a page's text)
            out.append(line[:limit])
            line = line[limit:]
        cur.append(line)
        size += len(line)
    if cur:
        out.append("".join(cur))
    return out


class DatasheetStep(PipelineStep):
    name = "📄 datasheet"
    type = "🔨 - EXTRACT"

    def __init__(self, catalog_dir: str, max_doc_chars: int = 60_000):
        super().__init__()
        self.catalog_dir = catalog_dir
        self.max_doc_chars = max_doc_chars

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        tables = {
            "datasheets": CatalogPartWriter(self.catalog_dir, "datasheets", rank, sort_by=["pair_id", "datasheet"]),
            "sections": CatalogPartWriter(self.catalog_dir, "sections", rank, sort_by=["pair_id", "datasheet"]),
            "peripherals": CatalogPartWriter(self.catalog_dir, "peripherals", rank, sort_by=["pair_id", "datasheet"]),
            "registers": CatalogPartWriter(self.catalog_dir, "registers", rank, sort_by=["pair_id", "datasheet"]),
            "fields": CatalogPartWriter(self.catalog_dir, "fields", rank, sort_by=["pair_id", "datasheet"]),
            "drops": CatalogPartWriter(self.catalog_dir, "drops", rank, tag="datasheet"),
        }
        for doc in data or []:
            if doc.metadata.get("kind") != KIND_DATASHEET_SOURCE:
                yield doc
                continue
            yield from self._one(doc, tables)
        for t in tables.values():
            t.close()

    def _drop(self, tables, pair_id: str, path: str, reason: str, detail: str) -> None:
        self.stat_update(f"dropped_{reason}")
        tables["drops"].add({"stage": "datasheet", "pair_id": pair_id, "path": path, "reason": reason,
                             "detail": detail[:2000]})

    def _one(self, src: Document, tables) -> DocumentsPipeline:
        md = src.metadata
        pair_id = md.get("pair_id", "")
        path = Path(md.get("datasheet_path") or "")
        name = path.name or md.get("path", "")
        with self.track_time():  # timing goes to the stage's stats, never into the (deterministic) catalog
            try:
                ds = load_datasheet(path)
            except ParseError as e:
                self._drop(tables, pair_id, name, e.reason, str(e))
                return
            except OSError as e:
                self._drop(tables, pair_id, name, "unreadable", f"{e.__class__.__name__}: {e}")
                return
            except Exception as e:  # a parser bug must not stop a build: record it and go on
                self._drop(tables, pair_id, name, "parser_error", f"{e.__class__.__name__}: {e}")
                return
            has_content = bool(ds.registers) or any(sec.text.strip() for sec in ds.sections)
            docs = datasheet_documents(ds) if has_content else []
        n_fields = sum(len(r.fields) for r in ds.registers)
        tables["datasheets"].add({
            "pair_id": pair_id, "datasheet": name, "pages": ds.pages, "title": ds.title,
            "n_sections": len(ds.sections), "n_peripherals": len(ds.peripherals), "n_registers": len(ds.registers),
            "n_fields": n_fields, "n_documents": len(docs), "warnings": "; ".join(ds.warnings)[:4000],
        })
        for s in ds.sections:
            tables["sections"].add({"pair_id": pair_id, "datasheet": name, "id": s.id, "title": s.title,
                                    "level": s.level, "page_start": s.page_start, "page_end": s.page_end})
        for p in ds.peripherals:
            tables["peripherals"].add({"pair_id": pair_id, "datasheet": name, "name": p.name,
                                       "base_address": p.base_address, "description": p.description})
        for r in ds.registers:
            tables["registers"].add({
                "pair_id": pair_id, "datasheet": name, "peripheral": r.peripheral, "name": r.name,
                "address": r.address, "address_kind": r.address_kind, "width_bits": r.width_bits, "reset": r.reset,
                "access": r.access, "page": r.page, "section_id": r.section_id, "n_fields": len(r.fields),
                "description": r.description,
            })
            for f in r.fields:
                tables["fields"].add({"pair_id": pair_id, "datasheet": name, "peripheral": r.peripheral,
                                      "register": r.name, "name": f.name, "bits": f.bits, "access": f.access,
                                      "reset": f.reset, "description": f.description})
        self.stat_update("datasheets")
        self.stat_update("pages", value=ds.pages)
        self.stat_update("registers", value=len(ds.registers))
        if not docs:
            reason = "no_text_layer" if any("no text" in w for w in ds.warnings) else "empty_datasheet"
            self._drop(tables, pair_id, name, reason, "; ".join(ds.warnings) or "no sections, no registers")
            return
        base = {k: v for k, v in md.items() if k != "datasheet_path"}
        first = True
        for sid, title, text, cut in docs:
            self.stat_update("bit_diagram_lines_cut", value=cut)
            n_regs = text.count("\nRegister ") + text.startswith("Register ")
            parts = _chunks(text, self.max_doc_chars)
            for k, part in enumerate(parts):
                meta = {**base, "kind": "datasheet", "language": "text", "path": name, "section_id": sid,
                        "section_title": title, "part": k, "n_registers": n_regs if k == 0 else 0,
                        "bit_diagram_lines": cut if k == 0 else 0, "sha256": sha256_text(part)}
                if first:
                    meta["_datasheet"] = ds
                    first = False
                self.stat_update("documents")
                yield Document(text=part, id=doc_id(pair_id, "datasheet", name, f"{sid}" if len(parts) == 1 else f"{sid}.{k}"),
                               metadata=meta)
