"""Property tests (Hypothesis): whatever the archive members or manifest rows, nothing is written
outside the destination, nothing outside is read, and every row is accounted for."""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
from hostile_util import tree_escapes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from firmcorpus.core.names import safe_file_stem
from firmcorpus.core.sources import SourceError, extract_archive
from firmcorpus.data_catalog.manifest import ManifestError, load_manifest

# member names from a small alphabet, so that links, folders and files meet each other often
_PART = st.sampled_from(["a", "b", "l", "..", ".", "x.c", ""])
_PATH = st.lists(_PART, min_size=1, max_size=4).map("/".join)
_TARGET = st.one_of(_PATH, st.sampled_from(["/", "/etc", "../..", "../host/shadow", "a/../.."]))
_MEMBER = st.one_of(
    st.tuples(st.just("file"), _PATH, st.binary(max_size=8)),
    st.tuples(st.just("dir"), _PATH, st.none()),
    st.tuples(st.just("symlink"), _PATH, _TARGET),
    st.tuples(st.just("hardlink"), _PATH, _TARGET),
)


def _tar_bytes(members) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for kind, name, extra in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(extra)
                tf.addfile(info, io.BytesIO(extra))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE}[kind]
            if kind in ("symlink", "hardlink"):
                info.linkname = extra
            tf.addfile(info)
    return buf.getvalue()


def _zip_bytes(members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for kind, name, extra in members:
            if kind == "file":
                zf.writestr(name or "f", extra)
            elif kind == "dir":
                zf.writestr((name or "d").rstrip("/") + "/", b"")
            else:
                info = zipfile.ZipInfo(name or "l")
                info.external_attr = 0o120777 << 16
                zf.writestr(info, extra)
    return buf.getvalue()


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            out[p] = os.readlink(p) if os.path.islink(p) else (open(p, "rb").read() if os.path.isfile(p) else "dir")
    return out


@pytest.mark.filterwarnings("ignore:Duplicate name")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=st.lists(_MEMBER, min_size=1, max_size=7), as_zip=st.booleans())
@example(members=[("symlink", ".", "a")], as_zip=False)  # found by this test: a link named '.'
@example(members=[("dir", "a", None), ("symlink", "a/l", ".."), ("symlink", "esc", "a/l/../../..")], as_zip=False)
def test_unpacking_any_member_list_stays_inside(members, as_zip):
    with tempfile.TemporaryDirectory() as td:
        arena = Path(td)
        (arena / "host").mkdir()
        (arena / "host" / "shadow").write_text("SENTINEL")
        sandbox = arena / "sandbox" / "deep"
        sandbox.mkdir(parents=True)
        archive = sandbox / ("m.zip" if as_zip else "m.tar")
        archive.write_bytes(_zip_bytes(members) if as_zip else _tar_bytes(members))
        dest = sandbox / "dest"
        before = _snapshot(arena / "host")
        try:
            extract_archive(archive, dest)
        except SourceError:
            pass  # refused is fine; what matters is what is on disk
        assert _snapshot(arena / "host") == before  # the host is untouched
        assert sorted(p.name for p in arena.iterdir()) == ["host", "sandbox"]  # nothing new beside
        assert sorted(p.name for p in sandbox.iterdir()) in (["m.tar" if not as_zip else "m.zip"],
                                                             ["dest", "m.tar" if not as_zip else "m.zip"])
        if dest.exists():
            assert tree_escapes(dest) == []  # every file, folder and link resolves inside


_ID = st.one_of(st.text(max_size=30), st.sampled_from(["/tmp/x", "../../x", "vendor/chip", "..", ".", "a/../b",
                                                         "C:\\x", "\\\\srv\\s", " ", "-rf", "a" * 250]))
_ROW = st.fixed_dictionaries({
    "pair_id": st.one_of(_ID, st.none(), st.integers()),
    "repo": st.one_of(st.sampled_from(["deb:x", "pip:y", "git+https://h/r.git", "../r", "/abs/r", ""]), st.text(max_size=10)),
    "category": st.one_of(st.sampled_from(["MCU", "sensor", "Flight-Controller", "nope"]), st.none()),
}, optional={"repo_paths": st.one_of(st.lists(st.text(max_size=8), max_size=3), st.text(max_size=8), st.integers()),
             "datasheet": st.one_of(st.lists(st.text(max_size=8), max_size=2), st.none()),
             "manufacturer": st.text(max_size=12)})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, max_size=8), fmt=st.sampled_from(["json", "yaml", "csv"]))
@example(rows=[{"pair_id": "a", "repo": "~0", "category": None, "datasheet": ["~nobody-here/x.pdf"]}], fmt="json")
def test_any_manifest_rows_are_accepted_or_rejected_one_by_one(rows, fmt):
    import csv

    import yaml

    with tempfile.TemporaryDirectory() as td:
        p = Path(td) / f"m.{fmt}"
        if fmt == "json":
            p.write_text(json.dumps({"pairs": rows}))
        elif fmt == "yaml":
            p.write_text(yaml.safe_dump({"pairs": rows}, allow_unicode=True))
        else:
            with p.open("w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=["pair_id", "repo", "category", "repo_paths", "datasheet", "manufacturer"])
                w.writeheader()
                for r in rows:
                    w.writerow({k: ("" if v is None else json.dumps(v) if isinstance(v, list) else v) for k, v in r.items()})
        try:
            loaded = load_manifest(p, check_paths=False)
        except ManifestError:
            assert fmt == "csv"  # only a cell the csv module cannot read (a NUL) may reject the whole file
            return
        assert len(loaded.pairs) + len(loaded.errors) == loaded.rows == len(rows)
        ids = [x.pair_id for x in loaded.pairs]
        assert len(set(ids)) == len(ids)
        stems = [safe_file_stem(i) for i in ids]
        assert len(set(stems)) == len(stems)
        for s in stems:  # one plain name inside the folder it is written in
            assert s and "/" not in s and "\\" not in s and not s.startswith(".") and "\x00" not in s
            assert Path(td, "mappings", s).resolve().parent == Path(td, "mappings").resolve()
