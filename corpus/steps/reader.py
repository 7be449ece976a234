"""The pair reader: manifest pairs → documents, the first step of every build.

Each task takes every ``world_size``-th pair (manifest order), fetches its repository and
datasheets through the fetch layer, and yields, contiguously per pair:

1. one ``datasheet_source`` document per datasheet (metadata ``datasheet_path``), for the
   datasheet step to turn into datasheet documents;
2. one ``code`` document per text file of the repository (under ``repo_paths``), sorted by path.

Every input is untrusted (docs/security.md). Only regular files that resolve (``realpath``) inside
the fetched source are read, without following links or blocking, with a size bound; code is
redacted (``corpus.secrets``) as it is read, before any later step can write it anywhere.

Files that cannot become documents are not lost: each is a row of the ``drops`` catalog table with
its reason (``outside_source``, ``symlink``, ``fifo``, ``device``, ``socket``, ``non_utf8_name``,
``binary``, ``oversized``, ``empty``, ``non_utf8``, ``unreadable``), and so are repositories and
datasheets that cannot be fetched (``repo_fetch_failed``, ``datasheet_fetch_failed``: a refused or
truncated archive, a failed clone ...); the run goes on. Only a full disk stops it.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.readers import ParquetReader

from firmcorpus.core.documents import KIND_DATASHEET_SOURCE, doc_id, sha256_text
from firmcorpus.core.sources import SourceError, fetch, fetched_path
from firmcorpus.corpus.catalog_parts import CatalogPartWriter
from firmcorpus.corpus.datasheet_sources import resolve_datasheet
from firmcorpus.corpus.secrets import READ_SECRETS_KEY, redact, secret_counts, strip_url_credentials
from firmcorpus.parsers.code import detect_language

# Extensions that are never text worth training on (checked before reading the file).
BINARY_SUFFIXES = frozenset(
    ".a .o .so .dll .exe .bin .hex .elf .lib .rel .lst .map .png .jpg .jpeg .gif .bmp .ico .svgz .pdf .gz .xz .bz2 "
    ".zip .tar .tgz .7z .jar .class .pyc .woff .woff2 .ttf .otf .mp3 .wav .dfu .srec .ihx .obj .pyd .dtb".split()
)
SKIP_DIRS = frozenset({".git", ".svn", ".hg", "__pycache__", ".pc"})
MAX_NON_UTF8_FRACTION = 0.01  # above this share of undecodable bytes a file is dropped, below it is flagged


def _reraise_disk_full(e: BaseException) -> None:
    """A full disk ends the build (a rerun resumes); it must not turn every later pair into a drop."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        raise e


def _why(e: BaseException) -> str:
    return str(e) if isinstance(e, SourceError) else f"{type(e).__name__}: {e}"


def pair_metadata(pair: dict[str, Any]) -> dict[str, Any]:
    """The pair-level metadata every document of the pair carries."""
    return {
        "pair_id": pair["pair_id"],
        "repo": strip_url_credentials(pair["repo"]),  # a URL's credentials never reach an output
        "manufacturer": pair.get("manufacturer") or pair.get("manufacturer_raw") or "unknown",
        "manufacturer_raw": pair.get("manufacturer_raw") or "",
        "category": pair.get("category") or "Unknown",
        "component": pair.get("component") or "",
        "license": pair.get("license") or "",
    }


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def printable_path(path: str) -> str:
    """A file name as text any writer accepts: bytes that are not UTF-8 as ``\\xNN`` escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "not_regular"


def select_files_checked(root: Path, patterns: list[str]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """(regular files under ``root`` selected by ``patterns``, sorted and unique; what was skipped).

    ``patterns`` are paths or globs relative to ``root``. Every selected path must resolve
    (``realpath``) inside ``root``: a ``..`` pattern, a symlinked folder (``src -> /etc``) or a file
    reached through one is skipped, and so are symbolic links, FIFOs, devices and sockets (read
    regular files only). Each skip is ``(path relative to root, reason, detail)``, reason one of
    ``outside_source``, ``symlink``, ``fifo``, ``device``, ``socket``, ``not_regular``.
    """
    real_root = os.path.realpath(root)
    found: set[Path] = set()
    skipped: dict[str, tuple[str, str]] = {}

    def rel(p: Path | str) -> str:
        return printable_path(os.path.relpath(p, root))

    def consider(p: Path, st: os.stat_result | None = None) -> None:
        try:
            st = st or os.lstat(p)
        except OSError as e:
            skipped[rel(p)] = ("unreadable", str(e))
            return
        kind = _not_regular(st.st_mode)
        if kind == "symlink":
            skipped[rel(p)] = ("symlink", f"-> {printable_path(os.readlink(p))}")
        elif kind is not None and not stat.S_ISDIR(st.st_mode):
            skipped[rel(p)] = (kind, "not a regular file")
        elif not _inside(os.path.realpath(p), real_root):
            skipped[rel(p)] = ("outside_source", f"resolves to {printable_path(os.path.realpath(p))}, outside the source")
        elif kind is None:
            found.add(p)

    for pat in patterns or [""]:
        pat = pat.strip("/")
        if ".." in PurePosixPath(pat).parts or os.path.isabs(pat):
            skipped[printable_path(pat)] = ("outside_source", f"repo_paths entry {printable_path(pat)!r} leaves the source")
            continue
        targets = sorted(root.glob(pat)) if any(c in pat for c in "*?[") else [root / pat if pat else root]
        for t in targets:
            if not os.path.lexists(t):
                continue
            if not _inside(os.path.realpath(t), real_root) or t.is_symlink():
                consider(t)
                continue
            if not t.is_dir():
                consider(t)
                continue
            for dirpath, dirnames, filenames in os.walk(t):  # never follows a symlinked folder
                keep = []
                for d in sorted(dirnames):
                    if d in SKIP_DIRS:
                        continue
                    if os.path.islink(os.path.join(dirpath, d)):
                        consider(Path(dirpath) / d)
                    else:
                        keep.append(d)
                dirnames[:] = keep
                for fn in filenames:
                    consider(Path(dirpath) / fn)
    return sorted(found), sorted((k, *v) for k, v in skipped.items())


def select_files(root: Path, patterns: list[str]) -> list[Path]:
    """Files under ``root`` selected by ``patterns`` (paths or globs relative to root), sorted, unique;
    regular files inside ``root`` only (see ``select_files_checked`` for what is skipped)."""
    return select_files_checked(root, patterns)[0]


def read_regular(path: Path, max_bytes: int) -> tuple[bytes | None, str | None, str]:
    """(bytes, None, "") of a regular file of at most ``max_bytes``, or (None, reason, detail).

    Opened without following a symlink and without blocking (a FIFO swapped in after the listing
    cannot hang the read); the size is checked on the open file and the read is bounded.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        return None, ("symlink" if e.errno == errno.ELOOP else "unreadable"), str(e)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        kind = _not_regular(st.st_mode)
        if kind is not None:
            return None, kind, "not a regular file"
        if st.st_size > max_bytes:
            return None, "oversized", f"{st.st_size} bytes > {max_bytes}"
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        return None, "oversized", f"more than {max_bytes} bytes"
    return data, None, ""


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


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_NON_ASCII_DECODED = re.compile(r"[^\x00-\x7f\ufffd]")


def _utf16_encoding(data: bytes) -> str | None:
    """``utf-16`` (BOM), ``utf-16-le``/``-be`` (NULs on every other byte of mostly-ASCII text), or None."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    head = data[:8192]
    n = len(head) // 2
    if n < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.4 * n and even < 0.05 * n:
        return "utf-16-le"
    if even > 0.4 * n and odd < 0.05 * n:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str | None, str | None, bool]:
    """(text, drop_reason, non_utf8).

    UTF-8 is read as is. UTF-16 (a BOM, or NULs on every other byte) is decoded and flagged
    ``non_utf8``. A file with a NUL byte anywhere else is ``binary``. A mostly-UTF-8 file keeps its
    text with U+FFFD for the few bad bytes (flagged; above ``MAX_NON_UTF8_FRACTION`` it drops as
    ``non_utf8``); a legacy 8-bit file (no UTF-8 sequence at all: latin-1 / cp1252 comments) is
    decoded as cp1252, or latin-1 where cp1252 leaves a byte undefined, and flagged, so its accents
    survive; one with many control characters drops as ``binary``.
    """
    if not data:
        return None, "empty", False
    enc = _utf16_encoding(data)
    if enc is not None:
        try:
            text = data.decode(enc).lstrip("\ufeff")
        except UnicodeDecodeError:
            return None, "binary", False
        if "\x00" in text or len(_CONTROL.findall(text)) > 0.01 * max(len(text), 1):
            return None, "binary", False
        return (text, None, True) if text else (None, "empty", True)
    if b"\x00" in data:
        return None, "binary", False
    try:
        return data.decode("utf-8"), None, False
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if _NON_ASCII_DECODED.search(text):  # real UTF-8 sequences: a UTF-8 file with a few bad bytes
        if text.count("\ufffd") > MAX_NON_UTF8_FRACTION * len(data):
            return None, "non_utf8", True
        return text, None, True
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if len(_CONTROL.findall(text)) > 0.01 * len(text):
        return None, "binary", True
    return text, None, True


class PairReader(PipelineStep):
    """Manifest pairs → ``datasheet_source`` and ``code`` documents.

    Args:
        pairs: manifest pairs as dicts (``data_catalog.manifest.Pair.to_dict()``).
        catalog_dir: where the ``pairs`` and ``drops`` catalog parts go.
        max_file_bytes: files above this size are dropped as ``oversized`` (StarCoder used 1 MB).
        base_dir: folder that relative local sources are resolved against (the manifest's).
        redact_secrets: replace secrets/PII in code by placeholders as it is read (``corpus.secrets``),
            so no later step writes one anywhere; the counts go to ``metadata[READ_SECRETS_KEY]``
            for the signal step.

    Writes metadata: the pair metadata (``pair_metadata``) plus ``kind``, ``path`` (relative to the
    repository root), ``sha256``, ``size_bytes``, ``non_utf8``; ``datasheet_path``/``datasheet_spec``
    on datasheet sources.
    """

    name = "📦 pair reader"
    type = "📖 - READER"

    def __init__(self, pairs: list[dict[str, Any]], catalog_dir: str, max_file_bytes: int = 1_000_000,
                 base_dir: str | None = None, redact_secrets: bool = True):
        super().__init__()
        self.redact_secrets = redact_secrets
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

    def rank_input_sizes(self, world_size: int) -> dict[int, int]:
        """Bytes each rank will read (pairs i, i + world_size, ... as ``run`` deals them), counted from
        what is on this machine already (``pair_size_hint``); lets a local run start the largest
        ranks first. Changes no output: every rank writes its own files."""
        sizes = dict.fromkeys(range(world_size), 0)
        for i, pair in enumerate(self.pairs):
            sizes[i % world_size] += pair_size_hint(pair, self.base_dir)
        return sizes

    def _drop(self, drops: CatalogPartWriter, pair_id: str, path: str, reason: str, detail: str = "") -> None:
        self.stat_update(f"dropped_{reason}")
        drops.add({"stage": "read", "pair_id": pair_id, "path": strip_url_credentials(path), "reason": reason,
                   "detail": strip_url_credentials(detail)})

    def _read_file(self, f: Path, root: Path, pid: str, meta: dict, row: dict,
                   drops: CatalogPartWriter) -> Document | None:
        rel = f.relative_to(root).as_posix()
        shown = printable_path(rel)

        def drop(reason: str, detail: str = "") -> None:
            self._drop(drops, pid, shown, reason, detail)
            row["files_dropped"] += 1

        if shown != rel:
            drop("non_utf8_name", "the file name is not UTF-8")
            return None
        if f.suffix.lower() in BINARY_SUFFIXES:
            drop("binary", f"suffix {f.suffix}")
            return None
        data, reason, detail = read_regular(f, self.max_file_bytes)
        if data is None:
            drop(reason, detail)
            return None
        text, reason, non_utf8 = decode_text(data)
        if text is None:
            drop(reason)
            return None
        secrets: dict[str, int] = {}
        if self.redact_secrets:  # before any later step can write the text anywhere (catalog, mappings)
            text, found = redact(text)
            secrets = secret_counts(found)
        row["files_read"] += 1
        row["bytes_read"] += len(data)
        self.stat_update("files")
        self.update_doc_stats(Document(text=text, id=""))
        head = text.encode("utf-8", "surrogatepass")[:4096] if non_utf8 else data[:4096]
        md = {**meta, "kind": "code", "path": rel, "language": detect_language(rel, head),
              "sha256": sha256_text(text), "size_bytes": len(data), "non_utf8": non_utf8}
        if self.redact_secrets:
            md[READ_SECRETS_KEY] = secrets
        return Document(text=text, id=doc_id(pid, "code", rel), metadata=md)

    def _read_pair(self, pair: dict[str, Any], pairs_out: CatalogPartWriter, drops: CatalogPartWriter) -> Iterable[Document]:
        meta = pair_metadata(pair)
        pid = pair["pair_id"]
        row = {"pair_id": pid, "repo": meta["repo"], "manufacturer": meta["manufacturer"],
               "manufacturer_raw": meta["manufacturer_raw"], "category": meta["category"],
               "component": meta["component"], "component_class": pair.get("component_class") or "",
               "component_name": pair.get("component_name") or "", "license": meta["license"],
               "datasheets": len(pair.get("datasheet") or []), "files_read": 0, "bytes_read": 0,
               "files_dropped": 0, "fetch_error": ""}
        with self.track_time():
            for spec in pair.get("datasheet") or []:
                try:
                    path = resolve_datasheet(spec, self.base_dir)
                except Exception as e:  # one bad datasheet is a recorded drop, never the end of the build
                    _reraise_disk_full(e)
                    self._drop(drops, pid, spec, "datasheet_fetch_failed", _why(e))
                    continue
                self.stat_update("datasheets")
                yield Document(text="", id=doc_id(pid, KIND_DATASHEET_SOURCE, path.name),
                               metadata={**meta, "kind": KIND_DATASHEET_SOURCE, "path": path.name,
                                         "datasheet_path": str(path), "datasheet_spec": spec, "language": "text"})
            try:
                tree = fetch(pair["repo"], self.base_dir)
            except Exception as e:  # one bad repository is a recorded drop, never the end of the build
                _reraise_disk_full(e)
                self._drop(drops, pid, pair["repo"], "repo_fetch_failed", _why(e))
                row["fetch_error"] = strip_url_credentials(_why(e))
                pairs_out.add(row)
                return
            files, skipped = select_files_checked(tree, list(pair.get("repo_paths") or []))
            if not files:
                self._drop(drops, pid, pair["repo"], "no_files",
                           f"repo_paths {pair.get('repo_paths')} matched no regular file in {tree}")
            root = document_root(tree, files)
            for path, reason, detail in skipped:  # paths as documents have them (relative to root) when inside it
                shown = os.path.relpath(os.path.join(tree, path), root)
                self._drop(drops, pid, path if shown.startswith("..") else shown, reason, detail)
                row["files_dropped"] += 1
        for f in files:
            with self.track_time():
                doc = self._read_file(f, root, pid, meta, row, drops)
            if doc is not None:
                yield doc
        pairs_out.add(row)


# What one datasheet weighs when ranks are sized, in bytes of code: reading a datasheet (a PDF parse,
# or an SVD render and its parse) costs about what 4–8 MB of code cost in extract on the 100 MB
# throughput build (bench/build_throughput.py), whatever the file's size.
DATASHEET_WEIGHT_BYTES = 4_000_000


def pair_size_hint(pair: dict[str, Any], base_dir: str | None = None) -> int:
    """About how much work a pair's task has, as far as this machine knows without fetching: the bytes
    of the selected regular files of a repository already here (a local folder or a cached fetch; a
    local archive counts its own size) plus ``DATASHEET_WEIGHT_BYTES`` per datasheet; a repository
    that must be fetched counts 0. Only ``lstat`` is used: nothing is opened or read."""
    total = DATASHEET_WEIGHT_BYTES * len(pair.get("datasheet") or [])
    try:
        tree = fetched_path(pair["repo"], base_dir)
        if tree is not None and tree.is_dir():
            files, _ = select_files_checked(tree, list(pair.get("repo_paths") or []))
            total += sum(os.lstat(f).st_size for f in files)
        elif tree is not None:
            total += os.lstat(tree).st_size
    except (OSError, KeyError, TypeError, ValueError):  # a hint only: the task itself reports what is wrong
        pass
    return total


class SplitShardReader(ParquetReader):
    """datatrove's ``ParquetReader`` over one split's text shards, where the split may hold no
    document at all (a one-pair manifest, or every held-out candidate refused): that split's stage
    then reads nothing (stat ``empty_split``) instead of failing with "No files found"."""

    name = "📒 Split shards"

    def __init__(self, folder: str):
        super().__init__(str(folder), glob_pattern="**/*.parquet", recursive=True)
        self.add_file_path = False  # outputs must not depend on where the folder lives

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        if not self.data_folder.list_files(recursive=self.recursive, glob_pattern=self.glob_pattern):
            self.stat_update("empty_split")
            return
        yield from super().run(None, rank, world_size)
