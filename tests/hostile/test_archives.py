"""Archives as an attacker writes them: link chains that look harmless but resolve outside, bombs,
truncated streams, devices, non-UTF-8 member names. Each is refused with a ``SourceError`` that
names the problem (the reader turns it into a recorded drop), and nothing lands outside."""

from __future__ import annotations

import io
import lzma
import tarfile
import zipfile

import pytest
from hostile_util import SENTINEL_TEXT, make_tar, make_zip, tar_member, tree_escapes

from firmcorpus.core import sources
from firmcorpus.core.sources import SourceError, extract_archive, fetch, resolve_in_archive


def _cache_entries(cache):
    d = cache / "sources" / "archive"
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


def test_resolve_in_archive_follows_the_archives_own_links():
    links = {("a", "l"): "..", ("esc",): "a/l/../../.."}
    assert resolve_in_archive(("a", "l", "x"), links) == ("x",)  # a/l -> .. is the root
    assert resolve_in_archive(("esc",), links) is None  # written harmlessly, resolves above the root
    assert resolve_in_archive(("loop",), {("loop",): "loop"}) is None  # a loop is refused, not followed forever
    assert resolve_in_archive(("b", "c"), {("b",): "/etc"}) is None


@pytest.mark.parametrize("members,why", [
    # the chain: a/l -> .. (inside), then esc -> a/l/../../.. (looks relative, resolves to ../..)
    ([tar_member("a/", None), tar_member("a/l", link=".."), tar_member("esc", link="a/l/../../..")], "escapes"),
    # a file written through a link to outside
    ([tar_member("d", link="../../host"), tar_member("d/shadow", b"overwritten")], "escapes"),
    # two hops: x -> y, y -> ../..
    ([tar_member("x", link="y/z"), tar_member("y", link="../..")], "escapes"),
    # a hard link to a file outside, through a symlinked folder
    ([tar_member("s", link=".."), tar_member("h", link="s/host/shadow", hard=True)], "escapes"),
])
def test_link_chains_resolving_outside_are_refused_before_writing(tmp_path, cache, sentinel, members, why):
    arc = make_tar(tmp_path / "chain.tar.gz", [tar_member("ok.c", b"int ok;\n"), *members])
    with pytest.raises(SourceError, match=why):
        fetch(str(arc))
    assert sentinel.read_text() == SENTINEL_TEXT
    assert _cache_entries(cache) == []  # nothing kept, no temporary folder left


def test_links_that_stay_inside_unpack_and_files_never_go_through_a_link(tmp_path, cache):
    arc = make_tar(tmp_path / "ok.tar.gz", [
        tar_member("inc/", None), tar_member("inc/a.h", b"#define A 1\n"), tar_member("alias", link="inc"),
        tar_member("alias/b.h", b"#define B 2\n"),  # written at inc/b.h (where alias resolves)
        tar_member("inc/c.h", link="a.h"), tar_member("hard.h", link="inc/a.h", hard=True)])
    out = fetch(str(arc))
    assert (out / "inc" / "b.h").read_text() == "#define B 2\n"
    assert (out / "alias").is_symlink() and (out / "inc" / "c.h").is_symlink()
    assert (out / "hard.h").read_text() == "#define A 1\n" and not (out / "hard.h").is_symlink()
    assert tree_escapes(out) == []


def test_zip_bomb_is_refused_while_unpacking(tmp_path, cache, monkeypatch):
    # 48 MiB of zeros in a ~50 KB zip (ratio ~1000); the ratio is checked past 4 MiB here
    monkeypatch.setattr(sources, "RATIO_FLOOR", 4 << 20)
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.c", "w") as f:
            for _ in range(48):
                f.write(bytes(1 << 20))
    assert z.stat().st_size < 200_000
    with pytest.raises(SourceError, match="decompression bomb"):
        fetch(str(z))
    assert _cache_entries(cache) == []
    # the declared size is checked before a byte is written: a direct unpack leaves nothing
    dest = tmp_path / "dest"
    with pytest.raises(SourceError, match="decompression bomb"):
        extract_archive(z, dest)
    assert not dest.exists() or not any(dest.rglob("*"))


def test_tar_bomb_and_total_size_bound(tmp_path, cache, monkeypatch):
    arc = make_tar(tmp_path / "big.tar.xz", [tar_member("a.c", bytes(3 << 20)), tar_member("b.c", bytes(3 << 20))],
                   mode="w:xz")
    dest = tmp_path / "dest"
    with pytest.raises(SourceError, match="more than 4194304 bytes"):
        extract_archive(arc, dest, max_bytes=4 << 20)
    assert not dest.exists() or not any(dest.rglob("*"))
    extract_archive(arc, dest)  # within the default bounds it unpacks
    assert (dest / "b.c").stat().st_size == 3 << 20


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize("suffix", [".tar.gz", ".tar.xz", ".tar.bz2", ".zip"])
def test_truncated_archives_are_a_clear_source_error(tmp_path, cache, suffix):
    payload = [("drv/a.c", bytes(range(256)) * 400), ("drv/b.c", b"int b;\n" * 2000)]
    full = tmp_path / f"full{suffix}"
    if suffix == ".zip":
        make_zip(full, payload)
    else:
        make_tar(full, [tar_member(n, d) for n, d in payload], mode="w:" + suffix.rsplit(".", 1)[1])
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(_truncated(full.read_bytes()))
    with pytest.raises(SourceError, match="truncated or corrupt"):
        fetch(str(cut))
    assert _cache_entries(cache) == []


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_devices_and_fifos_in_archives_are_refused(tmp_path, kind):
    arc = make_tar(tmp_path / "dev.tar", [tar_member("src/ok.c", b"int a;\n"), tar_member("src/x.c", kind=kind)],
                   mode="w")
    with pytest.raises(SourceError, match="device or fifo"):
        extract_archive(arc, tmp_path / "dest")
    assert not (tmp_path / "dest" / "src" / "ok.c").exists()


def test_zip_symlink_chain_is_refused(tmp_path, cache):
    z = make_zip(tmp_path / "l.zip", [("ok.c", b"int a;\n")], symlinks={"a/l": "..", "esc": "a/l/../../x"})
    with pytest.raises(SourceError, match="escapes"):
        fetch(str(z))


def test_non_utf8_member_names_unpack(tmp_path, cache):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="latin-1") as tf:
        info = tarfile.TarInfo("caf\xe9.c")  # stored as the latin-1 byte 0xE9
        info.size = 7
        tf.addfile(info, io.BytesIO(b"int c;\n"))
    arc = tmp_path / "names.tar.xz"
    arc.write_bytes(lzma.compress(buf.getvalue(), format=lzma.FORMAT_XZ))
    out = fetch(str(arc))
    assert [p.name for p in out.iterdir()] == ["caf\udce9.c"]  # the raw byte, kept (the reader drops it)
