"""The pair reader: manifest pairs → documents, the first step of every build.

Each task takes every ``world_size``-th pair (manifest order), fetches its repository and
datasheets through the fetch layer, and yields, contiguously per pair:

1. one ``datasheet_source`` document per datasheet (metadata ``datasheet_path``), for the
   datasheet step to turn into datasheet documents;
2. one ``code`` document per text file of the repository (under ``repo_paths``), sorted by path.

Files that cannot become documents are not lost: binary, oversized, empty and undecodable files
are recorded in the ``drops`` catalog table with their reason, and so are repositories and
datasheets that cannot be fetched; the run goes on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import KIND_DATASHEET_SOURCE, doc_id, sha256_text
from firmcorpus.core.sources import SourceError, fetch
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.datasheet_sources import resolve_datasheet
from firmcorpus.parsers.code import detect_language

# Extensions that are never text worth training on (checked before reading the file).
BINARY_SUFFIXES = frozenset(
    ".a .o .so .dll .exe .bin .hex .elf .lib .rel .lst .map .png .jpg .jpeg .gif .bmp .ico .svgz .pdf .gz .xz .bz2 "
    ".zip .tar .tgz .7z .jar .class .pyc .woff .woff2 .ttf .otf .mp3 .wav .dfu .srec .ihx .obj .pyd .dtb".split()
)
SKIP_DIRS = frozenset({".git", ".svn", ".hg", "__pycache__", ".pc"})
MAX_NON_UTF8_FRACTION = 0.01  # above this share of undecodable bytes a file is dropped, below it is flagged


def pair_metadata(pair: dict[str, Any]) -> dict[str, Any]:
    """The pair-level metadata every document of the pair carries."""
    return {
        "pair_id": pair["pair_id"],
        "repo": pair["repo"],
        "manufacturer": pair.get("manufacturer") or pair.get("manufacturer_raw") or "unknown",
        "manufacturer_raw": pair.get("manufacturer_raw") or "",
        "category": pair.get("category") or "Unknown",
        "component": pair.get("component") or "",
        "license": pair.get("license") or "",
    }


def select_files(root: Path, patterns: list[str]) -> list[Path]:
    """Files under ``root`` selected by ``patterns`` (paths or globs relative to root), sorted, unique."""
    found: set[Path] = set()
    for pat in patterns or [""]:
        pat = pat.strip("/")
        targets = sorted(root.glob(pat)) if any(c in pat for c in "*?[") else [root / pat if pat else root]
        for t in targets:
            if t.is_file() and not t.is_symlink():
                found.add(t)
            elif t.is_dir():
                for dirpath, dirnames, filenames in os.walk(t):
                    dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                    for fn in filenames:
                        p = Path(dirpath) / fn
                        if not p.is_symlink():
                            found.add(p)
    return sorted(found)


def document_root(tree: Path, files: list[Path]) -> Path:
    """The folder document paths are relative to.

    Source packages unpack under ``usr/src/<name>/…``: paths start there (``drivers/iio/…``), as
    in the upstream project. Otherwise the deepest folder common to the selected files' folders
    (``usr/lib/avr/include`` for ``avr/io.h`` and ``util/delay.h``), so include paths read naturally.
    """
    src = tree / "usr" / "src"
    if src.is_dir():
        d = src
        while True:
            entries = [e for e in d.iterdir() if not e.name.startswith(".")]
            if len(entries) == 1 and entries[0].is_dir():
                d = entries[0]
            else:
                break
        if files and all(d in f.parents for f in files):
            return d
    if not files:
        return tree
    parents = [str(f.parent) for f in files]
    return Path(os.path.commonpath(parents)) if len(parents) > 1 else files[0].parent


def decode_text(data: bytes) -> tuple[str | None, str | None, bool]:
    """(text, drop_reason, non_utf8). Mostly-UTF-8 files keep their text, flagged; the rest drop."""
    if not data:
        return None, "empty", False
    if b"\x00" in data[:8192]:
        return None, "binary", False
    try:
        return data.decode("utf-8"), None, False
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad > MAX_NON_UTF8_FRACTION * len(data):
            return None, "non_utf8", True
        return text, None, True


class PairReader(PipelineStep):
    """Manifest pairs → ``datasheet_source`` and ``code`` documents.

    Args:
        pairs: manifest pairs as dicts (``data_catalog.manifest.Pair.to_dict()``).
        catalog_dir: where the ``pairs`` and ``drops`` catalog parts go.
        max_file_bytes: files above this size are dropped as ``oversized`` (StarCoder used 1 MB).
        base_dir: folder that relative local sources are resolved against (the manifest's).

    Writes metadata: the pair metadata (``pair_metadata``) plus ``kind``, ``path`` (relative to the
    repository root), ``sha256``, ``size_bytes``, ``non_utf8``; ``datasheet_path``/``datasheet_spec``
    on datasheet sources.
    """

    name = "📦 pair reader"
    type = "📖 - READER"

    def __init__(self, pairs: list[dict[str, Any]], catalog_dir: str, max_file_bytes: int = 1_000_000,
                 base_dir: str | None = None):
        super().__init__()
        self.pairs = pairs
        self.catalog_dir = catalog_dir
        self.max_file_bytes = max_file_bytes
        self.base_dir = base_dir

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        pairs_out = CatalogPartWriter(self.catalog_dir, "pairs", rank, sort_by=["pair_id"])
        drops = CatalogPartWriter(self.catalog_dir, "drops", rank, tag="read")
        for i, pair in enumerate(self.pairs):
            if i % world_size != rank:
                continue
            yield from self._read_pair(pair, pairs_out, drops)
        pairs_out.close()
        drops.close()

    def _drop(self, drops: CatalogPartWriter, pair_id: str, path: str, reason: str, detail: str = "") -> None:
        self.stat_update(f"dropped_{reason}")
        drops.add({"stage": "read", "pair_id": pair_id, "path": path, "reason": reason, "detail": detail})

    def _read_pair(self, pair: dict[str, Any], pairs_out: CatalogPartWriter, drops: CatalogPartWriter) -> Iterable[Document]:

        meta = pair_metadata(pair)
        pid = pair["pair_id"]
        row = {"pair_id": pid, "repo": pair["repo"], "manufacturer": meta["manufacturer"],
               "manufacturer_raw": meta["manufacturer_raw"], "category": meta["category"],
               "component": meta["component"], "component_class": pair.get("component_class") or "",
               "component_name": pair.get("component_name") or "", "license": meta["license"],
               "datasheets": len(pair.get("datasheet") or []), "files_read": 0, "bytes_read": 0,
               "files_dropped": 0, "fetch_error": ""}
        with self.track_time():
            for spec in pair.get("datasheet") or []:
                try:
                    path = resolve_datasheet(spec, self.base_dir)
                except (SourceError, OSError, ValueError) as e:
                    self._drop(drops, pid, spec, "datasheet_fetch_failed", str(e))
                    continue
                self.stat_update("datasheets")
                yield Document(text="", id=doc_id(pid, KIND_DATASHEET_SOURCE, path.name),
                               metadata={**meta, "kind": KIND_DATASHEET_SOURCE, "path": path.name,
                                         "datasheet_path": str(path), "datasheet_spec": spec, "language": "text"})
            try:
                tree = fetch(pair["repo"], self.base_dir)
            except (SourceError, OSError) as e:
                self._drop(drops, pid, pair["repo"], "repo_fetch_failed", str(e))
                row["fetch_error"] = str(e)
                pairs_out.add(row)
                return
            files = select_files(tree, list(pair.get("repo_paths") or []))
            if not files:
                self._drop(drops, pid, pair["repo"], "no_files", f"repo_paths {pair.get('repo_paths')} matched no file in {tree}")
            root = document_root(tree, files)
        for f in files:
            with self.track_time():
                rel = f.relative_to(root).as_posix()
                if f.suffix.lower() in BINARY_SUFFIXES:
                    self._drop(drops, pid, rel, "binary", f"suffix {f.suffix}")
                    row["files_dropped"] += 1
                    continue
                size = f.stat().st_size
                if size > self.max_file_bytes:
                    self._drop(drops, pid, rel, "oversized", f"{size} bytes > {self.max_file_bytes}")
                    row["files_dropped"] += 1
                    continue
                data = f.read_bytes()
                text, reason, non_utf8 = decode_text(data)
                if text is None:
                    self._drop(drops, pid, rel, reason, "")
                    row["files_dropped"] += 1
                    continue
                row["files_read"] += 1
                row["bytes_read"] += size
                self.stat_update("files")
                self.update_doc_stats(Document(text=text, id=""))
                doc = Document(text=text, id=doc_id(pid, "code", rel),
                               metadata={**meta, "kind": "code", "path": rel,
                                         "language": detect_language(rel, data[:4096]),
                                         "sha256": sha256_text(text), "size_bytes": size, "non_utf8": non_utf8})
            yield doc
        pairs_out.add(row)
