"""The code step: parse every code document with ``parsers.code`` and fill the code catalog tables.

``CodeParseStep(catalog_dir, max_symbol_rows_per_file=20000, resolve_across_files=True)``

Reads, for documents with ``metadata["kind"] == "code"``: ``text`` (the decoded file),
``metadata["path"]`` (relative to the repo root), ``pair_id``, ``language`` (used when the reader
already set one of ``parsers.models.LANGUAGES`` other than ``"other"``) and ``non_utf8``.

Writes into their metadata:

* ``_codefile`` — the ``CodeFile`` (transient: the mapping step reads it, writers drop it);
* ``language``, ``flags`` (list of str), ``parse_errors``, ``n_symbols``, ``includes`` (as written),
  ``n_registers`` (register definitions: addresses, instances, bases and overlay-struct fields,
  see ``parsers.code.register_count``).

Other documents pass through unchanged and in order.

Catalog tables (``corpus.catalog_parts.CatalogPartWriter``, one part per rank):

* ``files``: pair_id, path, language, size_bytes, flags (comma-joined), parse_errors, n_symbols, n_registers;
* ``symbols``: pair_id, path, kind, name, start_line, end_line, value, int_value, parent, offset,
  type, size, role (at most ``max_symbol_rows_per_file`` rows per file; the cut is counted in the
  stat ``symbol_rows_truncated`` and the file's ``n_symbols`` keeps the true count);
* ``includes``: pair_id, path, include, resolved (repo path or null).

Documents are handled a pair at a time (consecutive documents with the same ``pair_id``; the
reader keeps a pair in one task and its documents together): the pair's code files are parsed,
their includes resolved against each other (``parsers.includes``), and — with
``resolve_across_files`` — macros whose values need macros of included repo files are evaluated
(``parsers.includes.resolve_macro_values``: ``USART1_BASE`` from ``APB2PERIPH_BASE`` in another
header). Then the pair's documents are yielded in their original order. Memory: one pair's
documents and CodeFiles at a time.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import pair_groups
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.parsers.code import parse_code, register_count
from firmcorpus.parsers.includes import resolve_includes, resolve_macro_values
from firmcorpus.parsers.models import LANGUAGES

SYMBOL_COLUMNS = ("kind", "name", "start_line", "end_line", "value", "int_value", "parent", "offset", "type", "size",
                  "role")


class CodeParseStep(PipelineStep):
    name = "🧩 code parse"
    type = "🔨 - EXTRACT"

    def __init__(self, catalog_dir: str, max_symbol_rows_per_file: int = 20000, resolve_across_files: bool = True):
        super().__init__()
        self.catalog_dir = catalog_dir
        self.max_symbol_rows_per_file = max_symbol_rows_per_file
        self.resolve_across_files = resolve_across_files

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        tables = {
            "files": CatalogPartWriter(self.catalog_dir, "files", rank, sort_by=["pair_id", "path"]),
            "symbols": CatalogPartWriter(self.catalog_dir, "symbols", rank, sort_by=["pair_id", "path", "start_line"]),
            "includes": CatalogPartWriter(self.catalog_dir, "includes", rank, sort_by=["pair_id", "path"]),
        }
        for pair_id, group in pair_groups(data):  # one pair at a time, documents kept in order
            yield from self._flush(group, pair_id, tables)
        for t in tables.values():
            t.close()

    def _flush(self, docs: list, pair_id: str, tables: dict) -> DocumentsPipeline:
        files = {}
        with self.track_time():
            for doc in docs:
                md = doc.metadata
                if md.get("kind") != "code":
                    continue
                path = md.get("path") or doc.id
                lang = md.get("language")
                cf = parse_code(path, doc.text.encode("utf-8", "surrogatepass"),
                                lang if lang in LANGUAGES and lang != "other" else None)
                if md.get("non_utf8") and "non_utf8" not in cf.flags:
                    cf.flags = sorted(cf.flags + ["non_utf8"])
                files[path] = cf
            resolved = resolve_includes(files)
            if self.resolve_across_files and len(files) > 1:
                graph = {p: [r for _, r in rows if r is not None] for p, rows in resolved.items()}
                n = resolve_macro_values(files, graph)
                if n:
                    self.stat_update("macros_resolved_across_files", value=n)
        limit = self.max_symbol_rows_per_file
        for doc in docs:
            md = doc.metadata
            if md.get("kind") != "code":
                yield doc
                continue
            path = md.get("path") or doc.id
            cf = files[path]
            n_regs = register_count(cf.symbols)
            md["_codefile"] = cf
            md["language"] = cf.language
            md["flags"] = list(cf.flags)
            md["parse_errors"] = cf.parse_errors
            md["n_symbols"] = len(cf.symbols)
            md["n_registers"] = n_regs
            md["includes"] = list(cf.includes)
            self.stat_update("code_files")
            self.stat_update("symbols", value=len(cf.symbols))
            self.stat_update("register_definitions", value=n_regs)
            if cf.parse_errors:
                self.stat_update("files_with_parse_errors")
            for f in cf.flags:
                self.stat_update(f"flag_{f}")
            tables["files"].add({"pair_id": pair_id, "path": path, "language": cf.language,
                                 "size_bytes": cf.size_bytes, "flags": ",".join(cf.flags),
                                 "parse_errors": cf.parse_errors, "n_symbols": len(cf.symbols),
                                 "n_registers": n_regs})
            if len(cf.symbols) > limit:
                self.stat_update("symbol_rows_truncated", value=len(cf.symbols) - limit)
            for s in cf.symbols[:limit]:
                row = {"pair_id": pair_id, "path": path}
                for k in SYMBOL_COLUMNS:
                    row[k] = getattr(s, k)
                tables["symbols"].add(row)
            for inc, res in resolved.get(path, ()):
                tables["includes"].add({"pair_id": pair_id, "path": path, "include": inc, "resolved": res})
            yield doc
