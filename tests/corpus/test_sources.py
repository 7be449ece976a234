"""The fetch layer: every source kind, hostile archives, clear errors, no partial cache entries."""

from __future__ import annotations

import io
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from firmcorpus.core import sources
from firmcorpus.core.sources import SourceError, extract_archive, fetch
from firmcorpus.corpus.datasheet_sources import resolve_datasheet


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("FIRMCORPUS_CACHE", str(root))
    return root


def _entries(cache: Path, kind: str) -> list[Path]:
    d = cache / "sources" / kind
    return sorted(d.iterdir()) if d.is_dir() else []


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str, hard: bool = False) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info, None


def test_local_directory_is_used_in_place(tmp_path, cache):
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "a.c").write_text("int a;\n")
    assert fetch(str(repo)) == repo.resolve()
    assert fetch("repo", base_dir=tmp_path) == repo.resolve()
    with pytest.raises(SourceError, match="no such file"):
        fetch(str(tmp_path / "missing"))


def test_local_tar_and_zip_are_unpacked_once_by_content(tmp_path, cache):
    arc = _tar(tmp_path / "r.tar.gz", [_file("proj/a.c", b"int a;\n"), _file("proj/inc/a.h", b"#define A 1\n"),
                                      _link("proj/inc/alias.h", "a.h")])
    out = fetch(str(arc))
    assert (out / "proj" / "a.c").read_text() == "int a;\n"
    assert (out / "proj" / "inc" / "alias.h").is_symlink()
    assert fetch(str(arc)) == out  # cached: same entry
    assert out.name == sources.sha256_file(arc)[:32]  # named by content
    z = tmp_path / "r.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("drv/x.h", "#define X 2\n")
    assert (fetch(str(z)) / "drv" / "x.h").read_text() == "#define X 2\n"


@pytest.mark.parametrize("member,reason", [
    (_file("/etc/evil.h", b"x"), "absolute path"),
    (_file("../evil.h", b"x"), "escapes the archive"),
    (_file("a/../../evil.h", b"x"), "escapes the archive"),
    (_link("a/link", "../../outside"), "escapes the archive"),
    (_link("a/abs", "/etc/passwd"), "escapes the archive"),
    (_link("a/hard", "../x", hard=True), "escapes the archive"),
])
def test_hostile_tar_members_are_refused_and_leave_nothing(tmp_path, cache, member, reason):
    arc = _tar(tmp_path / "bad.tar.gz", [_file("ok.c", b"int ok;\n"), member])
    with pytest.raises(SourceError, match=reason):
        fetch(str(arc))
    assert _entries(cache, "archive") == []  # no partial entry, no temp folder left behind
    assert not (tmp_path / "evil.h").exists() and not Path("/etc/evil.h").exists()


def test_hostile_zip_members_are_refused(tmp_path, cache):
    z = tmp_path / "bad.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok.c", "int ok;\n")
        zf.writestr("../../evil.c", "x")
    with pytest.raises(SourceError, match="escapes the archive"):
        fetch(str(z))
    z2 = tmp_path / "badlink.zip"
    with zipfile.ZipFile(z2, "w") as zf:
        info = zipfile.ZipInfo("lnk")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(SourceError, match="escapes"):
        fetch(str(z2))
    assert _entries(cache, "archive") == []


def test_device_member_refused(tmp_path):
    info = tarfile.TarInfo("dev/null")
    info.type = tarfile.CHRTYPE
    arc = _tar(tmp_path / "dev.tar.gz", [(info, None)])
    with pytest.raises(SourceError, match="device"):
        extract_archive(arc, tmp_path / "out")


def test_git_clone_at_pinned_commit(tmp_path, cache):
    repo = tmp_path / "g"
    repo.mkdir()
    run = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    run("config", "user.email", "t@example.com")
    run("config", "user.name", "t")
    (repo / "a.c").write_text("int v1;\n")
    run("add", "a.c")
    run("commit", "-qm", "v1")
    first = run("rev-parse", "HEAD").stdout.strip()
    (repo / "a.c").write_text("int v2;\n")
    run("commit", "-qam", "v2")
    head = fetch(f"file://{repo}")
    assert (head / "a.c").read_text() == "int v2;\n"
    pinned = fetch(f"file://{repo}@{first}")
    assert (pinned / "a.c").read_text() == "int v1;\n"
    assert not (pinned / ".git").exists()
    with pytest.raises(SourceError, match="git checkout"):
        fetch(f"file://{repo}@deadbeefdeadbeef")
    assert len(_entries(cache, "git")) == 2


def test_deb_package(cache):
    tree = fetch("deb:ubertooth-firmware-source")
    # the package ships its code as a tarball under usr/src: it is unpacked in place
    assert (tree / "usr/src/ubertooth-firmware-source/common/ubertooth.h").is_file()
    assert not list((tree / "usr/src").glob("*.tar.gz"))
    assert fetch("deb:ubertooth-firmware-source") == tree


def test_unknown_deb_is_a_clear_error_and_caches_nothing(cache):
    with pytest.raises(SourceError, match="package not found in the Debian archive"):
        fetch("deb:firmcorpus-no-such-package")
    assert _entries(cache, "deb") == []
    with pytest.raises(SourceError, match="expected deb:NAME"):
        fetch("deb:Bad Name")


def test_debsrc_package(cache):
    tree = fetch("debsrc:dfu-util")
    assert (tree / "src" / "dfu_util.c").is_file()  # upstream top folder lifted to the root
    assert (tree / "debian" / "control").is_file()  # Debian packaging beside it
    with pytest.raises(SourceError, match="source package not found"):
        fetch("debsrc:firmcorpus-no-such-source")


def test_pip_wheel_and_datasheet_member(cache):
    tree = fetch("pip:six==1.16.0")
    assert (tree / "six.py").is_file()
    with pytest.raises(SourceError, match="no such package or version"):
        fetch("pip:six==0.0.0.404")
    with pytest.raises(SourceError, match="not found inside"):
        resolve_datasheet("pip:six==1.16.0#missing/file.svd")


def test_plain_url_is_refused_with_advice(cache):
    with pytest.raises(SourceError, match="download the file"):
        fetch("https://example.com/datasheet.pdf")
