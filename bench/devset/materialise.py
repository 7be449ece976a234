#!/usr/bin/env python3
"""Materialise the development-set files listed in the recipe CSVs.

Standalone: standard library only, does not import the project.

Recipes (relative to this file):
  datasheets/SOURCES.csv  id,repo,commit,path,sha256,bytes,split
      -> cache/datasheets/<id>.pdf
  mapping/SOURCES.csv     id,kind,repo,commit,path,sha256,bytes,split   (optional)
      kind=datasheet -> cache/mapping/<id>.pdf
      kind=code      -> `git archive COMMIT PATH` unpacked into cache/mapping/<id>/code/
                        (an empty PATH means the whole repository)
      kind=deb-code  -> one file of a Debian package (repo = package, commit = its version,
                        path = path inside the source tree it ships under usr/src, e.g.
                        linux-source-6.1 6.1.192-3 drivers/iio/adc/rtq6056.c, else among its
                        own files, e.g. usr/share/sdcc/include/mcs51/at89x52.h) into
                        cache/mapping/<id>/code/PATH, checked by sha256 and bytes

Sources, tried in order for every line:
  1. --mirror-root DIR: git directories named `owner+name*` under DIR (as the fetch
     tool creates them, e.g. DIR/owner+name/repo); read with `git show COMMIT:PATH`.
  2. `git clone --filter=blob:none --no-checkout https://github.com/owner/name`
     into a temporary directory, then `git show` / `git archive` (skip with --offline).

Debian packages (kind=deb-code), tried in order: an unpacked tree already in the project's
source cache ($FIRMCORPUS_CACHE or ~/.cache/firmcorpus, sources/deb/*, the entry whose
.firmcorpus-source.json names PACKAGE_VERSION_*.deb), else (not --offline) `apt-get download
PACKAGE=VERSION`, unpacked once into a temporary folder with its nested usr/src tarball (files
only, checked paths; no root, nothing run).

Nothing from a fetched repository is ever executed: no checkout, no submodules,
hooks disabled, archives are unpacked with path checks.

Verification: for files, sha256 and size of the bytes. A `code` line whose PATH
is a single file is checked the same way (sha256/bytes of the file) and written to
code/PATH. For a folder (or the whole repo) the sha256 column may hold a 40-hex
git tree id (compared with `git rev-parse COMMIT:PATH`), a 64-hex sha256 of the
`git archive --format=tar` stream, or be empty (reported as `ok (unverified)`).
Several rows may share one id; they fill the same code/ folder.

Prints one line per recipe line: `ok`, `missing` or `sha mismatch`; exits 1 if
any line is not ok.

Usage: python bench/devset/materialise.py --mirror-root /work/.mirror
"""
import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GIT_SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never",
            "-c", "core.fsmonitor=false"]


def run_git(args, gitdir=None, check=True):
    cmd = ["git"] + GIT_SAFE
    if gitdir:
        cmd += ["--git-dir", gitdir]
    cmd += args
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(cmd, capture_output=True, check=check, env=env)


def is_gitdir(d):
    return os.path.isfile(os.path.join(d, "HEAD")) and os.path.isdir(os.path.join(d, "objects"))


def mirror_gitdirs(root, repo):
    """Git directories under root whose top folder is named owner+name*."""
    if not root or not os.path.isdir(root):
        return []
    prefix = repo.replace("/", "+")
    found = []
    # exact name first; other owner+name* entries are only used if they hold the commit
    for entry in sorted(os.listdir(root), key=lambda e: (e != prefix, e)):
        if not entry.startswith(prefix):
            continue
        top = os.path.join(root, entry)
        for cand in (top, os.path.join(top, "repo"), os.path.join(top, ".git"), os.path.join(top, "repo", ".git")):
            if os.path.isdir(cand) and is_gitdir(cand):
                found.append(cand)
                break
        else:
            for sub in sorted(os.listdir(top)) if os.path.isdir(top) else []:
                cand = os.path.join(top, sub)
                if os.path.isdir(cand) and is_gitdir(cand):
                    found.append(cand)
    return found


def has_commit(gitdir, commit):
    return run_git(["cat-file", "-e", commit + "^{commit}"], gitdir, check=False).returncode == 0


class Sources:
    def __init__(self, mirror_root, offline, clone_base="https://github.com"):
        self.clone_base = clone_base.rstrip("/")
        self.mirror_root = mirror_root
        self.offline = offline
        self.clones = {}
        self.tmp = None

    def gitdir_for(self, repo, commit):
        for g in mirror_gitdirs(self.mirror_root, repo):
            if has_commit(g, commit):
                return g
        if self.offline:
            return None
        if repo not in self.clones:
            if self.tmp is None:
                self.tmp = tempfile.mkdtemp(prefix="devset-clone-")
            dest = os.path.join(self.tmp, repo.replace("/", "+"))
            r = run_git(["clone", "--quiet", "--bare", "--filter=blob:none",
                         "%s/%s" % (self.clone_base, repo), dest], check=False)
            self.clones[repo] = dest if r.returncode == 0 else None
        g = self.clones[repo]
        if g and not has_commit(g, commit):
            run_git(["fetch", "--quiet", "--filter=blob:none", "origin", commit], g, check=False)
        return g if g and has_commit(g, commit) else None

    def close(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def read_blob(src, repo, commit, path):
    g = src.gitdir_for(repo, commit)
    if not g:
        return None
    r = run_git(["show", "%s:%s" % (commit, path)], g, check=False)
    return r.stdout if r.returncode == 0 else None


def safe_extract(tar_bytes, dest):
    dest = os.path.realpath(dest)
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tf:
        members = []
        for m in tf.getmembers():
            target = os.path.realpath(os.path.join(dest, m.name))
            if os.path.isabs(m.name) or not (target == dest or target.startswith(dest + os.sep)):
                continue
            if m.issym() or m.islnk():
                continue  # links are not needed for reading code
            if not (m.isfile() or m.isdir()):
                continue
            m.mode = (m.mode & 0o644) | (0o755 if m.isdir() else 0)
            members.append(m)
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tf.extractall(dest, members=members, **kwargs)


def do_file(src, row, out_path):
    data = read_blob(src, row["repo"], row["commit"], row["path"])
    if data is None:
        return "missing"
    sha = hashlib.sha256(data).hexdigest()
    if sha != row["sha256"].strip().lower() or (row.get("bytes") and int(row["bytes"]) != len(data)):
        return "sha mismatch"
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "wb") as f:
        f.write(data)
    return "ok"


def do_code(src, row, out_dir):
    """Export PATH (a folder, a single file, or the whole repo) of COMMIT into out_dir."""
    g = src.gitdir_for(row["repo"], row["commit"])
    if not g:
        return "missing"
    path = (row.get("path") or "").strip().strip("/")
    want = (row.get("sha256") or "").strip().lower()
    spec = "%s:%s" % (row["commit"], path)
    otype = run_git(["cat-file", "-t", spec], g, check=False).stdout.decode().strip()
    if otype == "blob":
        data = run_git(["show", spec], g, check=False).stdout
        status = write_verified(data, row, want, out_dir, path)
        return status if status != "ok" or want else "ok (unverified)"
    if otype not in ("tree", "") or (otype == "" and path):
        return "missing"
    args = ["archive", "--format=tar", row["commit"]]
    if path:
        args.append(path)
    r = run_git(args, g, check=False)
    if r.returncode != 0 or not r.stdout:
        return "missing"
    status = "ok"
    if len(want) == 40:
        tree = run_git(["rev-parse", spec], g, check=False).stdout.decode().strip()
        if tree != want:
            return "sha mismatch"
    elif len(want) == 64:
        if hashlib.sha256(r.stdout).hexdigest() != want:
            return "sha mismatch"
    else:
        status = "ok (unverified)"
    os.makedirs(out_dir, exist_ok=True)
    safe_extract(r.stdout, out_dir)
    return status


class DebTrees:
    """Files of Debian packages: ``read(package, version, member)`` -> bytes or None. ``member`` is a
    path inside the source tree the package ships as a usr/src tarball (linux-source-6.1:
    ``drivers/iio/adc/rtq6056.c``), else a path among the package's own files
    (``usr/share/sdcc/include/mcs51/at89x52.h``)."""

    def __init__(self, offline):
        self.offline = offline
        self.roots = {}
        self.tmp = None

    def _cached_root(self, package, version):
        """The package's unpacked root in the project's source cache (sources/deb/<sha>/)."""
        base = os.environ.get("FIRMCORPUS_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "firmcorpus")
        deb_dir = os.path.join(base, "sources", "deb")
        want = "%s_%s_" % (package, version.replace(":", "%3a"))
        for entry in sorted(os.listdir(deb_dir)) if os.path.isdir(deb_dir) else []:
            meta = os.path.join(deb_dir, entry, ".firmcorpus-source.json")
            try:
                with open(meta) as f:
                    deb = json.load(f).get("deb", "")
            except (OSError, ValueError):
                continue
            if deb.startswith(want):
                return os.path.join(deb_dir, entry)
        return None

    def _download(self, package, version):
        """apt-get download PACKAGE=VERSION, unpacked once into a temporary folder (files only,
        checked paths), a nested usr/src tarball unpacked beside itself; the folder, or None."""
        if self.tmp is None:
            self.tmp = tempfile.mkdtemp(prefix="devset-deb-")
        work = tempfile.mkdtemp(dir=self.tmp)
        r = subprocess.run(["apt-get", "download", "-q", "%s=%s" % (package, version)], cwd=work,
                           capture_output=True)
        debs = [f for f in os.listdir(work) if f.endswith(".deb")]
        if r.returncode != 0 or not debs:
            return None
        fs = subprocess.run(["dpkg-deb", "--fsys-tarfile", os.path.join(work, debs[0])], capture_output=True)
        if fs.returncode != 0:
            return None
        root = os.path.realpath(os.path.join(work, "root"))

        def unpack(tf, dest):
            for m in tf:
                target = os.path.realpath(os.path.join(dest, m.name))
                if not m.isfile() or not target.startswith(dest + os.sep):
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as out:
                    shutil.copyfileobj(tf.extractfile(m), out)

        with tarfile.open(fileobj=io.BytesIO(fs.stdout), mode="r|") as tf:
            unpack(tf, root)
        src = os.path.join(root, "usr", "src")
        for name in sorted(os.listdir(src)) if os.path.isdir(src) else []:
            if ".tar" in name:
                with tarfile.open(os.path.join(src, name), mode="r|*") as inner:
                    unpack(inner, src)
        return root

    def read(self, package, version, member):
        key = (package, version)
        if key not in self.roots:
            self.roots[key] = self._cached_root(package, version)
            if self.roots[key] is None and not self.offline:
                self.roots[key] = self._download(package, version)
        root = self.roots[key]
        if not root:
            return None
        for base in (os.path.join(root, "usr", "src", package), root):
            path = os.path.realpath(os.path.join(base, member))
            if path.startswith(os.path.realpath(base) + os.sep) and os.path.isfile(path):
                with open(path, "rb") as f:
                    return f.read()
        return None

    def close(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def do_deb_code(debs, row, out_dir):
    path = (row.get("path") or "").strip().strip("/")
    data = debs.read(row["repo"].strip(), row["commit"].strip(), path)
    if data is None:
        return "missing"
    return write_verified(data, row, row["sha256"].strip().lower(), out_dir, path)


def write_verified(data, row, want, out_dir, path):
    """Write one file's bytes under out_dir after checking them against the recipe's sha256 and
    size (``want`` empty: unverified); a path that resolves outside out_dir is refused."""
    if want and (hashlib.sha256(data).hexdigest() != want
                 or (row.get("bytes") and int(row["bytes"]) != len(data))):
        return "sha mismatch"
    dest = os.path.realpath(os.path.join(out_dir, path))
    if not dest.startswith(os.path.realpath(out_dir) + os.sep):
        return "missing (bad path)"
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(data)
    return "ok"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirror-root", help="folder holding owner+name* git snapshots (e.g. /work/.mirror)")
    ap.add_argument("--cache", default=os.path.join(HERE, "cache"), help="output folder (default: bench/devset/cache)")
    ap.add_argument("--offline", action="store_true", help="never clone from GitHub")
    ap.add_argument("--only", nargs="*", help="ids to materialise (default: all)")
    ap.add_argument("--clone-base", default="https://github.com", help=argparse.SUPPRESS)  # for tests
    a = ap.parse_args()

    src = Sources(a.mirror_root, a.offline, a.clone_base)
    debs = DebTrees(a.offline)
    bad = 0
    # a code folder is filled afresh beside the old one (``<folder>.partial``) by every row of its id
    # and replaces it only when every row came out ok: a run that cannot fetch (offline, a package
    # gone from the mirror) leaves the last good copy in place
    staged = {}
    try:
        recipes = [(os.path.join(HERE, "datasheets", "SOURCES.csv"), "datasheets"),
                   (os.path.join(HERE, "mapping", "SOURCES.csv"), "mapping")]
        for csv_path, sub in recipes:
            if not os.path.isfile(csv_path):
                if sub == "mapping":
                    print("(no %s, skipped)" % os.path.relpath(csv_path, HERE))
                    continue
                print("missing recipe %s" % csv_path)
                bad += 1
                continue
            with open(csv_path, newline="") as f:
                for row in csv.DictReader(f):
                    if a.only and row["id"] not in a.only:
                        continue
                    kind = (row.get("kind") or "datasheet").strip()
                    try:
                        if kind in ("code", "deb-code"):
                            out = os.path.join(a.cache, sub, row["id"], "code")
                            stage = out + ".partial"
                            if out not in staged:
                                shutil.rmtree(stage, ignore_errors=True)
                                os.makedirs(stage)
                                staged[out] = True
                            status = do_code(src, row, stage) if kind == "code" else do_deb_code(debs, row, stage)
                            staged[out] = staged[out] and status.startswith("ok")
                        else:
                            out = os.path.join(a.cache, sub, row["id"] + ".pdf")
                            status = do_file(src, row, out)
                    except Exception as e:  # report and continue
                        status = "missing (%s)" % e.__class__.__name__
                    if not status.startswith("ok"):
                        bad += 1
                    print("%-16s %s/%s  %s@%s:%s" % (status, sub, row["id"], row["repo"], row["commit"][:12], row.get("path", "")))
        for out, ok in staged.items():
            stage = out + ".partial"
            if ok:
                shutil.rmtree(out, ignore_errors=True)
                os.replace(stage, out)
            else:
                shutil.rmtree(stage, ignore_errors=True)
                if os.path.isdir(out):
                    print("kept previous  %s (this run could not make all of it)" % os.path.relpath(out, a.cache))
    finally:
        src.close()
        debs.close()
    print("%d problem(s)" % bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
