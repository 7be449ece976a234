"""`bench/devset/materialise.py` replaces a pair's code folder only when every file of it came out
ok: a run that cannot reach a source (offline, a Debian package not in the local source cache)
keeps the last good copy instead of leaving the folder empty."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "devset" / "materialise.py"
BODY = b"#define REG_CTRL 0x20\n"


def _devset(tmp_path: Path) -> Path:
    """A devset folder with the script, an empty datasheet recipe and one Debian-sourced code row."""
    root = tmp_path / "devset"
    (root / "datasheets").mkdir(parents=True)
    (root / "mapping").mkdir()
    shutil.copy(SCRIPT, root / "materialise.py")
    (root / "datasheets" / "SOURCES.csv").write_text("id,repo,commit,path,sha256,bytes,split\n")
    sha = hashlib.sha256(BODY).hexdigest()
    (root / "mapping" / "SOURCES.csv").write_text(
        "id,kind,repo,commit,path,sha256,bytes,split\n"
        f"acme_x1__tree,deb-code,acme-source,1.0-1,drivers/x1.c,{sha},{len(BODY)},dev\n")
    return root


def _run(root: Path, cache_home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, FIRMCORPUS_CACHE=str(cache_home))
    return subprocess.run([sys.executable, str(root / "materialise.py"), "--offline", "--cache", str(root / "cache")],
                          capture_output=True, text=True, env=env, timeout=60)


def test_an_offline_run_that_cannot_fetch_keeps_the_previous_copy(tmp_path):
    root = _devset(tmp_path)
    old = root / "cache" / "mapping" / "acme_x1__tree" / "code" / "drivers" / "x1.c"
    old.parent.mkdir(parents=True)
    old.write_bytes(BODY)
    r = _run(root, tmp_path / "empty-cache")
    assert r.returncode == 1 and "missing" in r.stdout, r.stdout + r.stderr
    assert old.read_bytes() == BODY  # (was deleted: the folder was emptied before the fetch)
    assert "kept previous" in r.stdout
    assert not (root / "cache" / "mapping" / "acme_x1__tree" / "code.partial").exists()


def test_a_complete_run_replaces_the_folder(tmp_path):
    root = _devset(tmp_path)
    stale = root / "cache" / "mapping" / "acme_x1__tree" / "code" / "stale.c"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    cache_home = tmp_path / "cache-home"
    unpacked = cache_home / "sources" / "deb" / "0123abcd"
    (unpacked / "usr" / "src" / "acme-source" / "drivers").mkdir(parents=True)
    (unpacked / "usr" / "src" / "acme-source" / "drivers" / "x1.c").write_bytes(BODY)
    (unpacked / ".firmcorpus-source.json").write_text(json.dumps({"deb": "acme-source_1.0-1_all.deb"}))
    r = _run(root, cache_home)
    assert r.returncode == 0, r.stdout + r.stderr
    code = root / "cache" / "mapping" / "acme_x1__tree" / "code"
    assert (code / "drivers" / "x1.c").read_bytes() == BODY
    assert not stale.exists()
