"""Fetching never runs fetched code and never lets a source string reach a tool as an option."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from firmcorpus.core import sources
from firmcorpus.core.sources import SourceError, fetch, resolve_file


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture()
def git_repo(tmp_path) -> Path:
    repo = tmp_path / "g"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    (repo / "a.c").write_text("int a;\n")
    _git(repo, "add", "a.c")
    _git(repo, "commit", "-qm", "one")
    return repo


@pytest.mark.parametrize("ref", ["--orphan", "-uexploit", "--output=/tmp/x", "a..b", "HEAD~1 x", ""])
def test_git_refs_that_are_options_or_not_refs_are_refused(git_repo, cache, ref):
    with pytest.raises(SourceError, match="not a commit or ref name"):
        fetch(f"file://{git_repo}@{ref}")
    assert not (cache / "sources" / "git").exists() or not any((cache / "sources" / "git").iterdir())


def test_git_urls_that_are_options_are_refused(tmp_path, cache):
    marker = tmp_path / "ran"
    for src in (f"git+--upload-pack=touch {marker}", "git+-uexploit", f"git+ext::sh -c touch% {marker}"):
        with pytest.raises(SourceError, match="not a git URL"):
            fetch(src)
    assert not marker.exists()


def test_git_pinned_commit_still_works(git_repo, cache):
    head = _git(git_repo, "rev-parse", "HEAD")
    assert (fetch(f"file://{git_repo}@{head}") / "a.c").read_text() == "int a;\n"


@pytest.fixture()
def evil_sdist(tmp_path) -> tuple[Path, Path]:
    """A source-only package whose setup.py writes a marker file when anything builds it."""
    marker = tmp_path / "BUILD_RAN"
    src = tmp_path / "src" / "evilpkg-1.0"
    src.mkdir(parents=True)
    (src / "setup.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "from setuptools import setup\nsetup(name='evilpkg', version='1.0')\n")
    (src / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: evilpkg\nVersion: 1.0\n")
    (src / "regs.svd").write_text("<device><name>X</name></device>\n")
    index = tmp_path / "index"
    index.mkdir()
    sdist = index / "evilpkg-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(src, arcname="evilpkg-1.0")
    return sdist, marker


def test_pip_sdist_is_unpacked_never_built(evil_sdist, cache, monkeypatch):
    sdist, marker = evil_sdist
    # pip sees only a local index holding the sdist; the build isolation that would hide a build is off
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(sdist.parent))
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")
    sha = hashlib.sha256(sdist.read_bytes()).hexdigest()
    asked = []

    def lookup(source, name, version):  # PyPI's JSON API, answered from the local index
        asked.append((name, version))
        return sdist.as_uri(), sdist.name, sha

    monkeypatch.setattr(sources, "_pypi_sdist", lookup)
    tree = fetch("pip:evilpkg==1.0")
    assert asked == [("evilpkg", "1.0")]  # pip found no wheel; the sdist came as an archive
    assert (tree / "setup.py").is_file() and (tree / "regs.svd").is_file()
    assert not marker.exists()  # setup.py never ran


def test_plain_pip_download_of_that_sdist_would_run_it(evil_sdist, tmp_path):
    """The oracle for the test above: the same sdist, fetched the old way, runs its setup.py."""
    sdist, marker = evil_sdist
    env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(sdist.parent), "PIP_NO_BUILD_ISOLATION": "0",
           "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp_path / "d"),
                    "evilpkg==1.0"], env=env, capture_output=True)
    assert marker.exists()


def test_datasheet_spec_cannot_leave_its_tree(tmp_path, cache, sentinel):
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "doc.svd").write_text("<device/>")
    (tree / "up").symlink_to(sentinel.parent)
    for inner in ("../host/shadow", "up/shadow", "/etc/passwd"):
        with pytest.raises(SourceError, match="outside the fetched tree"):
            resolve_file(f"{tree}#{inner}")
    assert resolve_file(f"{tree}#doc.svd") == tree / "doc.svd"


@pytest.mark.timeout(30)
def test_fifo_datasheet_is_refused_not_read(tmp_path, cache):
    tree = tmp_path / "repo"
    tree.mkdir()
    os.mkfifo(tree / "sheet.pdf")
    with pytest.raises(SourceError, match="not a regular file"):
        resolve_file(f"{tree}#sheet.pdf")
    with pytest.raises(SourceError, match="not a regular file"):
        fetch(str(tree / "sheet.pdf"))
