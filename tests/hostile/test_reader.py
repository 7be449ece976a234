"""The pair reader on hostile repositories: only regular files inside the fetched source are read;
every file it will not read is a ``drops`` row with its reason; encodings are decoded honestly."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import polars as pl
import pytest
from hostile_util import SENTINEL_TEXT

from firmcorpus.corpus.secrets import READ_SECRETS_KEY
from firmcorpus.corpus.steps.reader import PairReader, decode_text, read_regular, select_files_checked


def _read(tmp_path: Path, repo: Path, repo_paths=(), max_file_bytes=1_000_000):
    catalog = tmp_path / "catalog"
    pair = {"pair_id": "p", "repo": str(repo), "repo_paths": list(repo_paths), "datasheet": []}
    docs = list(PairReader([pair], str(catalog), max_file_bytes=max_file_bytes).run(None, 0, 1))
    part = catalog / "parts" / "drops" / "00000-read.parquet"
    drops = pl.read_parquet(part) if part.exists() else pl.DataFrame()
    dropped = {r["path"]: r["reason"] for r in drops.to_dicts()} if drops.height else {}
    return {d.metadata["path"]: d for d in docs}, dropped


@pytest.fixture()
def repo(tmp_path) -> Path:
    r = tmp_path / "sandbox" / "repo"
    (r / "src").mkdir(parents=True)
    (r / "src" / "ok.c").write_text("int ok;\n")
    return r


def test_repo_paths_that_climb_out_are_drops(tmp_path, repo, sentinel):
    docs, dropped = _read(tmp_path, repo, ["src", "../../host", "../../../" * 8 + "etc", "/etc"])
    assert list(docs) == ["ok.c"]
    assert len(dropped) == 2 and set(dropped.values()) == {"outside_source"}  # "/etc" is read as <repo>/etc
    assert all(SENTINEL_TEXT not in d.text for d in docs.values())


def test_symlinked_folders_and_files_are_recorded_not_followed(tmp_path, repo, sentinel):
    (repo / "hostdir").symlink_to(sentinel.parent)  # src -> /etc, as named in repo_paths
    (repo / "src" / "inner").symlink_to(sentinel.parent)  # met while walking
    (repo / "src" / "shadow.c").symlink_to(sentinel)  # a file link
    docs, dropped = _read(tmp_path, repo, ["src", "hostdir", "hostdir/*"])
    assert list(docs) == ["ok.c"]
    assert dropped["hostdir"] in ("symlink", "outside_source")
    assert dropped["hostdir/shadow"] == "outside_source"
    assert dropped["inner"] == "symlink" and dropped["shadow.c"] == "symlink"
    files, skipped = select_files_checked(repo, [])
    assert [f.name for f in files] == ["ok.c"] and {s[1] for s in skipped} == {"symlink"}


def test_symlinked_folder_committed_in_git(tmp_path, sentinel, cache):
    g = tmp_path / "g"
    g.mkdir()
    run = lambda *a: subprocess.run(["git", "-C", str(g), *a], check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("config", "user.email", "t@example.com")
    run("config", "user.name", "t")
    (g / "a.c").write_text("int a;\n")
    (g / "src").symlink_to(sentinel.parent)
    run("add", "a.c", "src")
    run("commit", "-qm", "x")
    docs, dropped = _read(tmp_path, g, ["src", "a.c"])
    assert list(docs) == ["a.c"] and dropped["src"] in ("symlink", "outside_source")
    from firmcorpus.core.sources import fetch

    tree = fetch(f"file://{g}")
    docs, dropped = _read(tmp_path / "2", tree, ["src", "a.c"])
    assert list(docs) == ["a.c"] and dropped["src"] in ("symlink", "outside_source")


@pytest.mark.timeout(30)
def test_fifo_named_like_code_is_a_drop_not_a_hang(tmp_path, repo):
    os.mkfifo(repo / "src" / "pipe.c")
    docs, dropped = _read(tmp_path, repo)
    assert list(docs) == ["ok.c"] and dropped == {"pipe.c": "fifo"}
    assert read_regular(repo / "src" / "pipe.c", 100)[1] == "fifo"  # also when met at read time


@pytest.mark.timeout(30)
def test_character_device_is_never_read(tmp_path, repo):
    assert read_regular(Path("/dev/zero"), 1000)[1] == "device"  # unbounded source: not read
    if os.geteuid() != 0:
        pytest.skip("mknod needs root")
    os.mknod(repo / "src" / "zero.c", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    docs, dropped = _read(tmp_path, repo)
    assert list(docs) == ["ok.c"] and dropped == {"zero.c": "device"}


def test_size_bound_and_non_utf8_file_names(tmp_path, repo):
    (repo / "src" / "big.c").write_bytes(b"int x;\n" * 1000)
    name = os.fsencode(str(repo / "src")) + b"/caf\xe9.c"
    with open(name, "wb") as f:
        f.write(b"int cafe;\n")
    docs, dropped = _read(tmp_path, repo, max_file_bytes=1000)
    assert list(docs) == ["ok.c"]
    assert dropped == {"big.c": "oversized", "caf\\xe9.c": "non_utf8_name"}  # paths as documents have them


def test_encodings(tmp_path, repo):
    text = "/* Température: réglage du capteur */\nint t;\n"
    (repo / "src" / "le.c").write_bytes(text.encode("utf-16"))  # with a BOM
    (repo / "src" / "be.c").write_bytes(text.encode("utf-16-be"))  # none
    (repo / "src" / "latin.c").write_bytes(text.encode("latin-1"))
    (repo / "src" / "nul.c").write_bytes(b"int a;\n" * 2000 + b"\x00\x00int b;\n")
    docs, dropped = _read(tmp_path, repo)
    for name in ("le.c", "be.c", "latin.c"):
        assert docs[name].text == text, name
        assert docs[name].metadata["non_utf8"] is True
    assert docs["ok.c"].metadata["non_utf8"] is False
    assert dropped == {"nul.c": "binary"}


def test_decode_text_cases():
    assert decode_text("é".encode() * 100 + b"\xff")[0].endswith("\ufffd")  # mostly UTF-8: kept, replaced
    assert decode_text("é".encode() * 10 + b"\xff" * 5)[1] == "non_utf8"  # too many bad bytes
    assert decode_text(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)[1] == "binary"  # C1 control bytes
    assert decode_text(b"")[1] == "empty"
    assert decode_text("x\x00y".encode("utf-16-le"))[1] == "binary"  # a NUL character inside UTF-16


def test_secrets_are_redacted_as_read(tmp_path, repo):
    (repo / "src" / "cfg.h").write_text('#define WIFI_PASSWORD "hunter2-home"\nchar pass[] = "abcd1234";\n')
    docs, _ = _read(tmp_path, repo)
    d = docs["cfg.h"]
    assert "hunter2" not in d.text and "abcd1234" not in d.text and d.text.count("<PASSWORD>") == 2
    assert d.metadata[READ_SECRETS_KEY] == {"password": 1, "psk": 1}


def test_url_credentials_never_reach_the_catalog(tmp_path, cache):
    catalog = tmp_path / "catalog"
    pair = {"pair_id": "p", "repo": "https://bob:s3cr3t-token@127.0.0.1:9/x.git", "datasheet": []}
    assert list(PairReader([pair], str(catalog)).run(None, 0, 1)) == []
    drops = pl.read_parquet(catalog / "parts" / "drops" / "00000-read.parquet")
    pairs = pl.read_parquet(catalog / "parts" / "pairs" / "00000.parquet")
    assert drops["reason"].to_list() == ["repo_fetch_failed"]
    for text in drops.write_csv(), pairs.write_csv():
        assert "s3cr3t-token" not in text and "bob:<PASSWORD>@127.0.0.1" in text
