"""The code step: parse every code document with ``parsers.code`` and fill the code catalog tables.

``CodeParseStep(catalog_dir, max_symbol_rows_per_file=20000)``

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
* ``includes``: pair_id, path, include, resolved (repo path or null). Includes are resolved
  against the files of the same pair seen by this task (the reader keeps a pair in one task),
  once the pair's last document has passed.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from corpus.catalog_parts import CatalogPartWriter

SYMBOL_COLUMNS = ("kind", "name", "start_line", "end_line", "value", "int_value", "parent", "offset", "type", "size",
                  "role")


class CodeParseStep(PipelineStep):
    name = "🧩 code parse"
    type = "🔨 - EXTRACT"

    def __init__(self, catalog_dir: str, max_symbol_rows_per_file: int = 20000):
        super().__init__()
        self.catalog_dir = catalog_dir
        self.max_symbol_rows_per_file = max_symbol_rows_per_file

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from parsers.code import parse_code, register_count
        from parsers.models import LANGUAGES, CodeFile

        files_t = CatalogPartWriter(self.catalog_dir, "files", rank, sort_by=["pair_id", "path"])
        symbols_t = CatalogPartWriter(self.catalog_dir, "symbols", rank, sort_by=["pair_id", "path", "start_line"])
        includes_t = CatalogPartWriter(self.catalog_dir, "includes", rank, sort_by=["pair_id", "path"])
        pending: dict[str, dict] = {}  # pair_id -> {path: CodeFile-lite} awaiting include resolution
        current_pair = None
        for doc in data or []:
            md = doc.metadata
            if md.get("kind") != "code":
                yield doc
                continue
            pair_id = md.get("pair_id", "")
            if current_pair is not None and pair_id != current_pair and current_pair in pending:
                self._flush_includes(current_pair, pending.pop(current_pair), includes_t)
            current_pair = pair_id
            path = md.get("path") or doc.id
            lang = md.get("language")
            with self.track_time():
                cf = parse_code(path, doc.text.encode("utf-8", "surrogatepass"),
                                lang if lang in LANGUAGES and lang != "other" else None)
                if md.get("non_utf8") and "non_utf8" not in cf.flags:
                    cf.flags = sorted(cf.flags + ["non_utf8"])
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
            files_t.add({"pair_id": pair_id, "path": path, "language": cf.language, "size_bytes": cf.size_bytes,
                         "flags": ",".join(cf.flags), "parse_errors": cf.parse_errors,
                         "n_symbols": len(cf.symbols), "n_registers": n_regs})
            limit = self.max_symbol_rows_per_file
            if len(cf.symbols) > limit:
                self.stat_update("symbol_rows_truncated", value=len(cf.symbols) - limit)
            for s in cf.symbols[:limit]:
                row = {"pair_id": pair_id, "path": path}
                for k in SYMBOL_COLUMNS:
                    row[k] = getattr(s, k)
                symbols_t.add(row)
            # only what include resolution needs is kept until the pair is complete
            pending.setdefault(pair_id, {})[path] = CodeFile(path=path, language=cf.language, includes=cf.includes,
                                                             angle_includes=cf.angle_includes)
            yield doc
        for pid in sorted(pending):
            self._flush_includes(pid, pending[pid], includes_t)
        files_t.close()
        symbols_t.close()
        includes_t.close()

    @staticmethod
    def _flush_includes(pair_id: str, files: dict, table: CatalogPartWriter) -> None:
        from parsers.includes import resolve_includes

        for path, rows in resolve_includes(files).items():
            for inc, resolved in rows:
                table.add({"pair_id": pair_id, "path": path, "include": inc, "resolved": resolved})
