"""The fetch layer: a manifest ``repo``/``datasheet`` entry → a local, cached, content-hashed path.

Source kinds (``fetch(source)``):

* a local directory → itself (nothing is copied);
* a local archive (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.xz``, ``.tar.bz2``, ``.zip``) → unpacked once
  into the cache, keyed by the archive's sha256; absolute members, ``..`` members, links that resolve
  outside the archive (also through chains of its own links), device files, bombs (size and ratio
  bounds, enforced while unpacking) and truncated archives are refused with a ``SourceError``;
* a git URL (``https://…/x.git``, ``file://…``, ``git+…``), optionally ``URL@COMMIT`` → a clone
  checked out at that commit (the URL after ``--``, the commit validated; no hooks, submodules,
  ``ext::`` transports or prompts);
* ``deb:NAME[=VERSION]`` → ``apt-get download`` + ``dpkg-deb -x`` (no root); source tarballs the
  package ships under ``usr/src`` are unpacked beside themselves;
* ``debsrc:NAME`` → ``apt-get source --download-only`` against a private ``deb-src`` list and state
  directory (no root), then the upstream and Debian tarballs are unpacked;
* ``pip:NAME[==VERSION]`` → ``pip download --no-deps --only-binary :all:`` (a wheel), unpacked; a release
  with no wheel has its sdist downloaded from PyPI and unpacked as an archive. Nothing is ever built:
  no package code runs while fetching.

Every entry is built in a temporary folder inside the cache and renamed into place only when
complete, so a failure never leaves a partial entry. Entries are named by the sha256 of the
downloaded artifact; an index maps the source string to its entry.

Datasheet specs (``resolve_datasheet``) add a path inside a fetched tree and, for zip members,
``!MEMBER``: ``pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!STM32F103xx.svd``. A
``render:LAYOUT:SPEC`` spec renders a datasheet-like PDF from an SVD (the project's renderer).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import lzma
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from firmcorpus.core.paths import cache_dir, shared_data_dir

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".zip", ".whl")
_GIT_RE = re.compile(r"^(git\+|git://|ssh://|file://|https?://.+\.git(@|$))")


class SourceError(Exception):
    """A source that cannot be fetched; the message says which and what to do."""

    def __init__(self, source: str, message: str):
        super().__init__(f"source {source}: {message}")
        self.source = source


# --------------------------------------------------------------------------- cache plumbing


def sources_root() -> Path:
    root = cache_dir() / "sources"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _index_path(source: str) -> Path:
    key = hashlib.sha1(source.encode()).hexdigest()
    return sources_root() / "index" / f"{key}.json"


def _lookup(source: str) -> Path | None:
    idx = _index_path(source)
    if idx.exists():
        entry = json.loads(idx.read_text())
        path = Path(entry["path"])
        if path.exists():
            return path
    return None


def _record(source: str, path: Path, sha256: str) -> None:
    idx = _index_path(source)
    idx.parent.mkdir(parents=True, exist_ok=True)
    tmp = idx.with_suffix(".tmp")
    tmp.write_text(json.dumps({"source": source, "path": str(path), "sha256": sha256}, sort_keys=True))
    os.replace(tmp, idx)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _commit_tree(kind: str, sha256: str, build) -> Path:
    """Build an entry with ``build(tmpdir)`` and move it to ``sources/<kind>/<sha256>`` atomically."""
    final = sources_root() / kind / sha256[:32]
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        build(tmp)
        try:
            os.rename(tmp, final)
        except OSError:  # another process finished first: keep theirs
            if not final.exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _run(cmd: list[str], source: str, what: str, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    if cmd[0] == "apt-get":
        with _apt_lock():  # parallel builds/tests on a fresh machine would race for apt's list lock
            return _run_unlocked(cmd, source, what, cwd, env)
    return _run_unlocked(cmd, source, what, cwd, env)


class _apt_lock:
    """A process-wide lock (a file in the cache) around apt-get calls."""

    def __enter__(self):
        self._f = open(sources_root() / ".apt.lock", "w")
        fcntl.flock(self._f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._f, fcntl.LOCK_UN)
        self._f.close()


def _run_unlocked(cmd: list[str], source: str, what: str, cwd: Path | None = None,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    except FileNotFoundError as e:
        raise SourceError(source, f"{what}: '{cmd[0]}' is not installed ({e})") from e
    if proc.returncode != 0:
        err = (proc.stderr or proc.stdout).strip().splitlines()
        raise SourceError(source, f"{what} failed: {' | '.join(err[-3:])}")
    return proc


# --------------------------------------------------------------------------- archives

# Bounds on what one archive may unpack to (a zip/tar bomb is refused while unpacking, before the
# cache fills): total bytes, members, and the unpacked/packed ratio once past RATIO_FLOOR bytes.
MAX_UNPACKED_BYTES = int(os.environ.get("FIRMCORPUS_MAX_UNPACKED_BYTES", 8 << 30))
MAX_MEMBERS = 1_000_000
MAX_RATIO = 200
RATIO_FLOOR = 64 << 20
MAX_MEMBER_BYTES = 256 << 20  # one datasheet read out of a zip (SOURCE#x.zip!MEMBER)
_MAX_LINK_HOPS = 40
# what a truncated or corrupt archive raises from tarfile/zipfile and the decompressors
_CORRUPT = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, OSError, RuntimeError,
            NotImplementedError, ValueError)


def is_archive(path: str | os.PathLike) -> bool:
    name = str(path).lower()
    return any(name.endswith(s) for s in ARCHIVE_SUFFIXES)


def _safe_member(name: str, source: str) -> PurePosixPath:
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise SourceError(source, f"archive member '{name}' has an absolute path; refusing to unpack")
    if ".." in p.parts:
        raise SourceError(source, f"archive member '{name}' escapes the archive with '..'; refusing to unpack")
    if "\x00" in name:
        raise SourceError(source, f"archive member {name!r} has a NUL byte in its name; refusing to unpack")
    return p


def resolve_in_archive(parts: tuple[str, ...] | list[str], links: dict[tuple[str, ...], str]) -> tuple[str, ...] | None:
    """Where ``parts`` (a path inside the archive) resolves when the archive's own symbolic links
    (``links``: member parts → link target) are followed the way the kernel would follow them on
    disk; None when it leaves the archive root (a ``..`` above it, an absolute target, a loop)."""
    out: list[str] = []
    todo = deque(parts)
    hops = 0
    while todo:
        part = todo.popleft()
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
            continue
        out.append(part)
        target = links.get(tuple(out))
        if target is not None:
            hops += 1
            if hops > _MAX_LINK_HOPS or _absolute(target):
                return None
            out.pop()
            todo.extendleft(reversed(PurePosixPath(target).parts))
    return tuple(out)


def _absolute(target: str) -> bool:
    return target.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", target))


class _Budget:
    """Counts unpacked bytes and members; refuses the archive past the bounds (a bomb)."""

    def __init__(self, source: str, packed: int, max_bytes: int, max_ratio: float):
        self.source, self.packed, self.max_bytes, self.max_ratio = source, max(packed, 1), max_bytes, max_ratio
        self.total = 0
        self.members = 0

    def member(self) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise SourceError(self.source, f"archive has more than {MAX_MEMBERS} members; refusing to unpack")

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.max_bytes:
            raise SourceError(self.source, f"archive unpacks to more than {self.max_bytes} bytes; refusing to unpack "
                                           "(a decompression bomb, or raise FIRMCORPUS_MAX_UNPACKED_BYTES)")
        if self.total > RATIO_FLOOR and self.total > self.max_ratio * self.packed:
            raise SourceError(self.source, f"archive unpacks to more than {self.max_ratio:g}x its size "
                                           f"({self.packed} bytes packed); refusing to unpack (a decompression bomb)")


@dataclass
class _Member:
    parts: tuple[str, ...]
    kind: str  # file, dir, symlink, hardlink
    target: str = ""
    ref: object = None  # the TarInfo / ZipInfo
    size: int = 0


def _check_members(members: list[_Member], source: str) -> dict[tuple[str, ...], str]:
    """Refuse the archive if any member or link resolves outside it (checked before anything is written)."""
    links = {m.parts: m.target for m in members if m.kind == "symlink"}
    for m in members:
        name = "/".join(m.parts)
        if not m.parts and m.kind != "dir":
            raise SourceError(source, f"archive {m.kind} member named '.' (the archive root); refusing to unpack")
        if m.kind == "symlink":
            if _absolute(m.target) or resolve_in_archive(m.parts[:-1] + PurePosixPath(m.target).parts, links) is None:
                raise SourceError(source, f"archive link '{name}' -> '{m.target}' escapes the archive")
        elif m.kind == "hardlink":
            if _absolute(m.target) or resolve_in_archive(PurePosixPath(m.target).parts, links) is None:
                raise SourceError(source, f"archive link '{name}' -> '{m.target}' escapes the archive")
        if resolve_in_archive(m.parts[:-1], links) is None:
            raise SourceError(source, f"archive member '{name}' is written through a link that escapes the archive")
    return links


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _unpack(members: list[_Member], links: dict, dest: Path, open_member, budget: _Budget, source: str) -> None:
    """Write the checked members: files at the place their folder resolves to (never through a link
    on disk), streamed under the byte budget; then hard links as copies, then the symbolic links."""
    dest.mkdir(parents=True, exist_ok=True)
    root = os.path.realpath(dest)
    written: dict[tuple[str, ...], Path] = {}

    def place(parts: tuple[str, ...]) -> Path:
        folder = resolve_in_archive(parts[:-1], links)
        path = dest.joinpath(*folder, parts[-1]) if parts else dest
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _inside(os.path.realpath(path.parent), root):  # defence in depth: checked on disk too
            raise SourceError(source, f"archive member '{'/'.join(parts)}' resolves outside the archive")
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
        return path

    for m in members:
        budget.member()
        if m.kind == "dir":
            d = dest.joinpath(*(resolve_in_archive(m.parts, links) or ()))
            if not d.is_symlink():
                d.mkdir(parents=True, exist_ok=True)
        elif m.kind == "file":
            path = place(m.parts)
            if path.is_dir():
                continue
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as out, open_member(m) as src:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    budget.add(len(chunk))
                    out.write(chunk)
            written[m.parts] = path
    for m in members:
        if m.kind == "hardlink":
            target = written.get(resolve_in_archive(PurePosixPath(m.target).parts, links) or ())
            if target is not None and target.is_file():
                path = place(m.parts)
                budget.add(target.stat().st_size)
                shutil.copyfile(target, path, follow_symlinks=False)
                written[m.parts] = path
    for m in members:
        if m.kind == "symlink":
            path = dest.joinpath(*(resolve_in_archive(m.parts[:-1], links) or ()), m.parts[-1])
            if not os.path.lexists(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(m.target, path)


def _zip_members(zf: zipfile.ZipFile, source: str, budget: _Budget) -> list[_Member]:
    members = []
    declared = 0
    for info in zf.infolist():
        p = _safe_member(info.filename, source)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            if info.file_size > 4096:
                raise SourceError(source, f"archive link '{info.filename}' has a {info.file_size}-byte target")
            members.append(_Member(p.parts, "symlink", zf.read(info).decode("utf-8", "replace"), info))
        elif info.is_dir():
            members.append(_Member(p.parts, "dir", ref=info))
        elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise SourceError(source, f"archive member '{info.filename}' is a device or fifo; refusing to unpack")
        else:
            declared += info.file_size
            members.append(_Member(p.parts, "file", ref=info, size=info.file_size))
    _check_declared(declared, budget)
    return members


def _tar_members(tf: tarfile.TarFile, source: str, budget: _Budget) -> list[_Member]:
    members = []
    declared = 0
    for m in tf:  # lazily: a bomb is refused from the headers before the whole stream is read
        p = _safe_member(m.name, source)
        if m.issym():
            members.append(_Member(p.parts, "symlink", m.linkname, m))
        elif m.islnk():
            if ".." in PurePosixPath(m.linkname).parts:
                raise SourceError(source, f"archive link '{m.name}' -> '{m.linkname}' escapes the archive")
            members.append(_Member(p.parts, "hardlink", m.linkname, m))
        elif m.isdev() or m.isfifo():
            raise SourceError(source, f"archive member '{m.name}' is a device or fifo; refusing to unpack")
        elif m.isdir():
            members.append(_Member(p.parts, "dir", ref=m))
        elif m.isreg():
            declared += m.size
            _check_declared(declared, budget)
            members.append(_Member(p.parts, "file", ref=m, size=m.size))
        if len(members) > MAX_MEMBERS:
            raise SourceError(source, f"archive has more than {MAX_MEMBERS} members; refusing to unpack")
    _check_declared(declared, budget)
    return members


def _check_declared(declared: int, budget: _Budget) -> None:
    probe = _Budget(budget.source, budget.packed, budget.max_bytes, budget.max_ratio)
    probe.add(declared)


def extract_archive(archive: Path, dest: Path, source: str | None = None, max_bytes: int | None = None,
                    max_ratio: float = MAX_RATIO) -> None:
    """Unpack ``archive`` into ``dest``. Refused with a ``SourceError``, before anything is written:
    absolute or ``..`` members, links (symbolic or hard) that resolve outside the archive, also
    through chains of the archive's own links, devices and fifos, more than ``max_bytes`` unpacked
    or a ratio above ``max_ratio`` (a bomb; also enforced while the bytes are written), and
    truncated or corrupt archives."""
    source = source or str(archive)
    archive = Path(archive)
    budget = _Budget(source, archive.stat().st_size, MAX_UNPACKED_BYTES if max_bytes is None else max_bytes, max_ratio)
    name = archive.name.lower()
    try:
        if name.endswith((".zip", ".whl")):
            with zipfile.ZipFile(archive) as zf:
                members = _zip_members(zf, source, budget)
                links = _check_members(members, source)
                _unpack(members, links, Path(dest), lambda m: zf.open(m.ref), budget, source)
            return
        with tarfile.open(archive) as tf:
            members = _tar_members(tf, source, budget)
            links = _check_members(members, source)
            _unpack(members, links, Path(dest), lambda m: tf.extractfile(m.ref), budget, source)
    except SourceError:
        raise
    except _CORRUPT as e:
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise  # a full disk is not the archive's fault
        raise SourceError(source, f"truncated or corrupt archive, not unpacked ({type(e).__name__}: {e})") from e


def _fetch_archive(path: Path, source: str) -> Path:
    sha = sha256_file(path)
    return _commit_tree("archive", sha, lambda tmp: extract_archive(path, tmp, source))


# --------------------------------------------------------------------------- git


_GIT_REF = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,199}")
# git never asks for a password, never runs a transport helper (ext::) and never fetches submodules
_GIT_SAFE = ["git", "-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never", "-c", "core.hooksPath=/dev/null"]


def _check_git_source(source: str, url: str, commit: str | None) -> None:
    if not url or url.startswith("-") or any(c.isspace() or ord(c) < 32 for c in url) or url.startswith("ext::"):
        raise SourceError(source, "not a git URL this build fetches (no options, spaces or ext:: transports)")
    if commit is not None and (not _GIT_REF.fullmatch(commit) or ".." in commit or commit.endswith((".lock", "/"))):
        raise SourceError(source, f"'{commit}' is not a commit or ref name; give URL@COMMIT with a hex commit "
                                  "or a plain branch/tag name")


def _fetch_git(source: str) -> Path:
    url = source[4:] if source.startswith("git+") else source
    commit = None
    m = re.match(r"^(.*\.git|file://[^@]+)@([^@]*)$", url)
    if m:
        url, commit = m.group(1), m.group(2)
    _check_git_source(source, url, commit)
    key = hashlib.sha256(f"{url}@{commit or 'HEAD'}".encode()).hexdigest()
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "GIT_LFS_SKIP_SMUDGE": "1"}

    def build(tmp: Path) -> None:
        repo = tmp / "repo"
        _run([*_GIT_SAFE, "clone", "--quiet", "--no-recurse-submodules", "--", url, str(repo)], source, "git clone",
             env=env)
        if commit:
            _run([*_GIT_SAFE, "-C", str(repo), "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach",
                  commit, "--"], source, f"git checkout {commit}", env=env)
        shutil.rmtree(repo / ".git", ignore_errors=True)
        for item in repo.iterdir():
            item.rename(tmp / item.name)
        repo.rmdir()

    return _commit_tree("git", key, build)


# --------------------------------------------------------------------------- Debian


def _apt_env() -> dict[str, str]:
    return {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"}


def _unpack_nested_sources(tree: Path, source: str) -> None:
    """Packages such as linux-source/newlib-source ship their code as tarballs under usr/src."""
    src = tree / "usr" / "src"
    if not src.is_dir():
        return
    for archive in sorted(src.rglob("*")):
        if archive.is_file() and is_archive(archive) and not archive.name.endswith((".zip", ".whl")):
            extract_archive(archive, archive.parent, source)
            archive.unlink()


def _deb_package_lists() -> list[str]:
    lists = Path("/var/lib/apt/lists")
    return [p.name for p in lists.glob("*Packages*")] if lists.is_dir() else []


def _fetch_deb(source: str) -> Path:
    spec = source.split(":", 1)[1]
    if not re.fullmatch(r"[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+~:-]+)?", spec):
        raise SourceError(source, "expected deb:NAME or deb:NAME=VERSION")
    with tempfile.TemporaryDirectory(prefix="fc-deb-") as td:
        tmp = Path(td)
        if not _deb_package_lists():
            _apt_update(source)
        try:
            _run(["apt-get", "download", "-q", spec], source, "apt-get download", cwd=tmp)
        except SourceError as e:
            if "Unable to locate package" in str(e) or "Can't select" in str(e):
                _apt_update(source)  # stale or missing lists: refresh once, then try again
                try:
                    _run(["apt-get", "download", "-q", spec], source, "apt-get download", cwd=tmp)
                except SourceError as e2:
                    if "Unable to locate package" in str(e2) or "Can't select" in str(e2):
                        raise SourceError(source, "package not found in the Debian archive") from e2
                    raise
            else:
                raise
        debs = sorted(tmp.glob("*.deb"))
        if not debs:
            raise SourceError(source, "apt-get download produced no .deb")
        deb = debs[0]
        sha = sha256_file(deb)

        def build(out: Path) -> None:
            _run(["dpkg-deb", "-x", str(deb), str(out)], source, "dpkg-deb -x")
            _unpack_nested_sources(out, source)
            (out / ".firmcorpus-source.json").write_text(json.dumps({"source": source, "deb": deb.name, "sha256": sha}))

        return _commit_tree("deb", sha, build)


def _apt_update(source: str) -> None:
    _run(["apt-get", "update", "-qq"], source, "apt-get update (needed once on a fresh machine; are you root?)")


def _deb_src_lines() -> list[str]:
    """deb-src lines mirroring the machine's active 'deb' sources (deb822 or one-line format)."""
    lines: list[str] = []
    apt = Path("/etc/apt")
    for f in sorted((apt / "sources.list.d").glob("*.sources")) if (apt / "sources.list.d").is_dir() else []:
        for block in f.read_text().split("\n\n"):
            fields = {}
            for ln in block.splitlines():
                if ":" in ln and not ln.lstrip().startswith("#"):
                    k, v = ln.split(":", 1)
                    fields[k.strip().lower()] = v.strip()
            if "deb" in fields.get("types", "").split() and "debian" in fields.get("uris", ""):
                for uri in fields.get("uris", "").split():
                    for suite in fields.get("suites", "").split():
                        lines.append(f"deb-src [trusted=yes] {uri} {suite} {fields.get('components', 'main')}")
    plain = [apt / "sources.list"] + (sorted((apt / "sources.list.d").glob("*.list")) if (apt / "sources.list.d").is_dir() else [])
    for f in plain:
        if f.exists():
            for ln in f.read_text().splitlines():
                parts = ln.split()
                if parts and parts[0] == "deb" and "debian" in ln:
                    rest = [p for p in parts[1:] if not p.startswith("[")]
                    lines.append("deb-src [trusted=yes] " + " ".join(rest))
    if not lines:
        codename = "bookworm"
        osr = Path("/etc/os-release")
        if osr.exists():
            m = re.search(r"^VERSION_CODENAME=(\w+)", osr.read_text(), re.M)
            codename = m.group(1) if m else codename
        lines.append(f"deb-src [trusted=yes] http://deb.debian.org/debian {codename} main")
    return lines


def _fetch_debsrc(source: str) -> Path:
    name = source.split(":", 1)[1]
    if not re.fullmatch(r"[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+~:-]+)?", name):
        raise SourceError(source, "expected debsrc:NAME or debsrc:NAME=VERSION")
    state = sources_root() / "apt-src-state"
    (state / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (state / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    slist = state / "sources.list"
    slist.write_text("\n".join(_deb_src_lines()) + "\n")
    opts = ["-o", f"Dir::Etc::SourceList={slist}", "-o", "Dir::Etc::SourceParts=/nonexistent",
            "-o", f"Dir::State::Lists={state / 'lists'}", "-o", f"Dir::Cache={state}",
            "-o", "APT::Get::AllowUnauthenticated=true"]
    if not any((state / "lists").glob("*Sources*")):
        _run(["apt-get", *opts, "update", "-qq"], source, "apt-get update (deb-src)")
    proc = None
    try:
        proc = _run(["apt-get", *opts, "source", "--print-uris", "-q", name], source, "apt-get source --print-uris")
    except SourceError as e:
        if "Unable to find a source package" in str(e) or "Can't find a source" in str(e):
            raise SourceError(source, "source package not found in the Debian archive") from e
        raise
    uris = re.findall(r"^'([^']+)' (\S+) (\d+) SHA256:([0-9a-f]{64})", proc.stdout, re.M)
    if not any(f.endswith(".dsc") for _, f, _, _ in uris):
        raise SourceError(source, "apt-get source listed no .dsc")
    with tempfile.TemporaryDirectory(prefix="fc-debsrc-") as td:
        tmp = Path(td)
        for url, fname, _size, sha in uris:
            if fname.endswith(".asc"):
                continue
            try:
                _download(url, tmp / fname, sha)
            except SourceError:
                # The upstream tarball is required; some mirrors lack the Debian packaging tarball.
                if ".orig." in fname or fname.endswith(".dsc") or ".debian." not in fname:
                    raise
        dsc = sorted(tmp.glob("*.dsc"))
        sha = sha256_file(dsc[0])

        def build(out: Path) -> None:
            # Upstream tarball first, then the Debian packaging into debian/ (what dpkg-source -x does,
            # without applying patches, so no dpkg-dev is needed).
            tarballs = sorted(p for p in tmp.iterdir() if is_archive(p) and ".debian." not in p.name)
            for archive in tarballs:
                extract_archive(archive, out, source)
            # Upstream tarballs usually hold one top folder: lift it so paths start at the project root.
            tops = [p for p in out.iterdir()]
            if len(tops) == 1 and tops[0].is_dir():
                for item in tops[0].iterdir():
                    item.rename(out / item.name)
                tops[0].rmdir()
            for deb in sorted(tmp.glob("*.debian.tar.*")):
                extract_archive(deb, out, source)
            (out / ".firmcorpus-source.json").write_text(json.dumps({"source": source, "dsc": dsc[0].name, "sha256": sha}))

        return _commit_tree("debsrc", sha, build)


def _download(url: str, dest: Path, sha256: str | None = None) -> None:
    h = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=120) as resp, open(dest, "wb") as f:
            for chunk in iter(lambda: resp.read(1 << 20), b""):
                h.update(chunk)
                f.write(chunk)
    except (urllib.error.URLError, OSError) as e:
        dest.unlink(missing_ok=True)
        raise SourceError(url, f"download failed ({e})") from e
    if sha256 and h.hexdigest() != sha256:
        dest.unlink(missing_ok=True)
        raise SourceError(url, f"sha256 mismatch (expected {sha256}, got {h.hexdigest()})")


# --------------------------------------------------------------------------- PyPI


PYPI_JSON = os.environ.get("FIRMCORPUS_PYPI_JSON", "https://pypi.org/pypi")


def _pypi_sdist(source: str, name: str, version: str | None) -> tuple[str, str, str]:
    """(url, file name, sha256) of a release's sdist, from PyPI's JSON API (nothing is built)."""
    url = f"{PYPI_JSON}/{name}/{version}/json" if version else f"{PYPI_JSON}/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            info = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise SourceError(source, "no such package or version on PyPI") from e
        raise SourceError(source, f"PyPI lookup failed ({e})") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise SourceError(source, f"PyPI lookup failed ({e})") from e
    for f in info.get("urls") or []:
        fname = str(f.get("filename", ""))
        if f.get("packagetype") == "sdist" and is_archive(fname) and "/" not in fname:
            return f["url"], fname, (f.get("digests") or {}).get("sha256", "")
    raise SourceError(source, "no such package or version on PyPI (neither a wheel nor an sdist archive)")


def _fetch_pip(source: str) -> Path:
    """A wheel (``pip download --only-binary :all:``); a release without one has its sdist downloaded
    from PyPI and unpacked as an archive. pip never builds: no package code runs while fetching."""
    spec = source.split(":", 1)[1]
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9_,.-]*\])?(?:==([A-Za-z0-9.+!-]+))?", spec)
    if not m:
        raise SourceError(source, "expected pip:NAME or pip:NAME==VERSION")
    name, version = m.group(1), m.group(3)
    pin = f"{name}=={version}" if version else name
    env = {**os.environ, "PIP_NO_INPUT": "1"}
    with tempfile.TemporaryDirectory(prefix="fc-pip-") as td:
        tmp = Path(td)
        try:
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet", "-d",
                  str(tmp), pin], source, "pip download", env=env)
        except SourceError as e:
            if "No matching distribution" not in str(e) and "Could not find a version" not in str(e):
                raise
            url, fname, sha = _pypi_sdist(source, name, version)
            _download(url, tmp / fname, sha or None)
        files = sorted(p for p in tmp.iterdir() if p.is_file() and is_archive(p))
        if not files:
            raise SourceError(source, "pip download produced no wheel or archive")
        artifact = files[0]
        sha = sha256_file(artifact)

        def build(out: Path) -> None:
            extract_archive(artifact, out, source)
            tops = [p for p in out.iterdir()]
            if artifact.suffix != ".whl" and len(tops) == 1 and tops[0].is_dir():  # sdist: lift NAME-V/
                for item in tops[0].iterdir():
                    item.rename(out / item.name)
                tops[0].rmdir()

        return _commit_tree("pip", sha, build)


# --------------------------------------------------------------------------- public API


def source_kind(source: str) -> str:
    if source.startswith("deb:"):
        return "deb"
    if source.startswith("debsrc:"):
        return "debsrc"
    if source.startswith("pip:"):
        return "pip"
    if source.startswith("shared:"):
        return "shared"
    if _GIT_RE.match(source):
        return "git"
    if re.match(r"^https?://", source):
        return "url"
    return "local"


def _local_path(source: str, base_dir: str | os.PathLike | None) -> Path:
    """A local source as a path (``~`` expanded, relative to ``base_dir``); not checked to exist."""
    try:
        path = Path(source).expanduser()
    except RuntimeError:  # ~name naming no user: a relative path
        path = Path(source)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


def _shared_path(source: str) -> Path | None:
    """A ``shared:`` source under the shared data folder; ``None`` when that folder is not here."""
    root = shared_data_dir()
    return root / source.split(":", 1)[1] if root is not None else None


def fetch(source: str, base_dir: str | os.PathLike | None = None) -> Path:
    """Return a local path for ``source`` (see the module docstring); cached after the first call."""
    kind = source_kind(source)
    if kind == "local":
        path = _local_path(source, base_dir)
        if not path.exists():
            raise SourceError(source, f"no such file or directory ({path})")
        if path.is_dir():
            return path.resolve()
        if not stat.S_ISREG(path.stat().st_mode):
            raise SourceError(source, "not a regular file (a FIFO, device or socket is never read)")
        if is_archive(path):
            return _fetch_archive(path.resolve(), source)
        return path.resolve()
    if kind == "shared":
        path = _shared_path(source)
        if path is None:
            raise SourceError(source, "the shared data folder (../shared/data) is not beside this checkout; set FIRMCORPUS_SHARED_DATA")
        if not path.exists():
            raise SourceError(source, f"not found under {shared_data_dir()}")
        return path
    if kind == "url":
        raise SourceError(source, "plain URLs are not fetched (this machine reaches only package registries); download the file and give its local path")
    cached = _lookup(source)
    if cached is not None:
        return cached
    fetcher = {"deb": _fetch_deb, "debsrc": _fetch_debsrc, "pip": _fetch_pip, "git": _fetch_git}[kind]
    path = fetcher(source)
    _record(source, path, path.name)
    return path


def fetched_path(source: str, base_dir: str | os.PathLike | None = None) -> Path | None:
    """Where ``source`` already is on this machine, without fetching anything: a local directory or
    file, a shared-data path, or a cached entry; ``None`` when it would have to be fetched (or is
    missing). A local archive is its own file here (not unpacked). Cheap: used to size work before
    it runs, never to read it."""
    kind = source_kind(source)
    try:
        if kind == "local":
            path = _local_path(source, base_dir)
        elif kind == "shared":
            path = _shared_path(source)
        elif kind == "url":
            path = None
        else:
            path = _lookup(source)
        return path if path is not None and path.exists() else None
    except (OSError, ValueError, KeyError, RuntimeError):  # a name the file system refuses, a broken index entry
        return None


def resolve_file(spec: str, base_dir: str | os.PathLike | None = None) -> Path:
    """A file spec → a local file: ``SOURCE#PATH[!ZIP_MEMBER]`` (a file inside a fetched tree, or a
    member of a zip inside it), or a plain source. Rendered datasheets (``render:``) are resolved a
    layer up, by ``firmcorpus.corpus.datasheet_sources``, since rendering needs the parsers.
    """
    if spec.startswith("render:"):
        raise SourceError(spec, "a render: spec needs firmcorpus.corpus.datasheet_sources.resolve_datasheet")
    inner = None
    if "#" in spec and source_kind(spec) != "local" or ("#" in spec and not Path(spec).exists()):
        spec, inner = spec.split("#", 1)
    root = fetch(spec, base_dir)
    if inner is None:
        return root
    member = None
    if "!" in inner:
        inner, member = inner.split("!", 1)
    path = root / inner
    if PurePosixPath(inner).is_absolute() or not _inside(os.path.realpath(path), os.path.realpath(root)):
        raise SourceError(spec, f"'{inner}' resolves outside the fetched tree {root}; refusing to read it")
    if not path.exists():
        raise SourceError(spec, f"'{inner}' not found inside the fetched tree {root}")
    if not path.is_dir() and not stat.S_ISREG(path.stat().st_mode):
        raise SourceError(spec, f"'{inner}' is not a regular file (a FIFO, device or socket is never read)")
    if member is None:
        return path
    out = sources_root() / "members" / hashlib.sha256(f"{path}!{member}".encode()).hexdigest()[:32] / PurePosixPath(member).name
    if not out.exists():
        _safe_member(member, spec)
        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo(member)
                if info.file_size > MAX_MEMBER_BYTES:
                    raise SourceError(spec, f"'{member}' unpacks to {info.file_size} bytes (more than "
                                            f"{MAX_MEMBER_BYTES}); refusing to read it")
                data = zf.read(info)
        except KeyError as e:
            raise SourceError(spec, f"'{member}' is not a member of {inner}") from e
        except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError, OSError) as e:
            raise SourceError(spec, f"{inner} is a truncated or corrupt zip ({type(e).__name__}: {e})") from e
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, out)
    return out
