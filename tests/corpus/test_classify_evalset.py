"""The labelled set: whole packages held out, labels valid, deterministic sampling, macro-F1."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_classify_snippets_data import SNIPPETS  # noqa: E402

from firmcorpus.core.documents import DOMAINS  # noqa: E402
from firmcorpus.corpus.domains import evalset  # noqa: E402


def test_packages_are_train_or_eval_never_both():
    roles = {}
    for sl in evalset.SLICES:
        roles.setdefault(sl.source, set()).add(evalset.SOURCES[sl.source].role)
    assert all(len(r) == 1 for r in roles.values())
    assert set(evalset.TRAIN_SOURCES).isdisjoint(evalset.EVAL_SOURCES)


def test_every_label_is_a_domain_with_a_reason():
    for sl in evalset.SLICES:
        assert sl.domain in DOMAINS and len(sl.why) > 10


def test_every_domain_is_evaluated():
    evaluated = {sl.domain for sl in evalset.SLICES if evalset.SOURCES[sl.source].role == "eval"}
    assert evaluated == set(DOMAINS)


REG_SOURCE = "git:libopencm3/libopencm3"  # a training source with a register_defines slice


def test_collect_from_a_local_tree_is_deterministic(tmp_path):
    inc = tmp_path / "include/libopencm3/msp"
    inc.mkdir(parents=True)
    text = SNIPPETS["register_defines"][2]
    for i in range(5):
        (inc / f"io{i}.h").write_text(text + f"/* {i} */\n")
    (inc / "io_tiny.h").write_text("x")  # below MIN_FILE_BYTES
    (inc / "notes.txt").write_text(text)  # not a header: not in the slice
    skipped = {}
    kw = dict(roots={REG_SOURCE: tmp_path}, sources=[REG_SOURCE], fetch=False)
    a = [e for e in evalset.collect("train", skipped=skipped, **kw) if e.domain == "register_defines"]
    b = [e for e in evalset.collect("train", **kw) if e.domain == "register_defines"]
    assert [e.path for e in a] == [e.path for e in b]
    assert sorted(e.path.rsplit("/", 1)[-1] for e in a) == [f"io{i}.h" for i in range(5)]
    assert skipped.get("size") == 1
    rows = evalset.training_tuples(a, min_per_domain=12)
    assert len(rows) == 12 and {r[3] for r in rows} == {"register_defines"}


def test_contaminated_eval_files_dropped():
    a = evalset.Example("s1", "a.h", "crypto", "train", "x", sha256="h1")
    b = evalset.Example("s2", "b.h", "crypto", "eval", "x", sha256="h1")
    c = evalset.Example("s2", "c.h", "crypto", "eval", "x", sha256="h2")
    kept, n = evalset.drop_contaminated([b, c], [a])
    assert kept == [c] and n == 1


def test_macro_f1_against_hand_computed_values():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    f1, per = evalset.macro_f1(gold, pred, ["a", "b", "c"])
    # a: P 1, R 0.5 -> 2/3; b: P 2/3, R 1 -> 0.8; c absent from gold: not averaged
    assert abs(per["a"]["f1"] - 2 / 3) < 1e-9 and abs(per["b"]["f1"] - 0.8) < 1e-9
    assert abs(f1 - (2 / 3 + 0.8) / 2) < 1e-9


def test_weak_labelled_rows_from_build_documents(tmp_path):
    from datatrove.data import Document
    from datatrove.pipeline.writers import ParquetWriter

    docs = [Document(text=text, id=f"p1:code:{name}", metadata={"kind": "code", "path": name})
            for dom, (_, name, text) in sorted(SNIPPETS.items())]
    docs.append(Document(text="A register map.", id="p1:datasheet:x", metadata={"kind": "datasheet", "path": "x"}))
    with ParquetWriter(str(tmp_path)) as w:
        for d in docs:
            w.write(d)
    counts = {}
    rows = evalset.weak_labelled_rows(tmp_path, counts=counts)
    # 12 excerpts carry a rule label; memccpy (general) abstains; the datasheet is not code
    assert counts == {"labelled": 12, "abstained": 1, "other_kind": 1}
    assert {r[3] for r in rows} == set(DOMAINS) - {"general"}
    by_name = {r[1]: r[3] for r in rows}
    assert by_name[SNIPPETS["crypto"][1]] == "crypto"


def test_calib_split_is_held_out_of_training_and_never_an_eval_source(tmp_path):
    inc = tmp_path / "include/libopencm3/msp"
    inc.mkdir(parents=True)
    text = SNIPPETS["register_defines"][2]
    for i in range(40):
        (inc / f"io{i}.h").write_text(text + f"/* {i} */\n")
    kw = dict(roots={REG_SOURCE: tmp_path}, sources=[REG_SOURCE], fetch=False)
    train, calib = evalset.collect("train", **kw), evalset.collect("calib", **kw)
    assert calib and train and not {e.path for e in train} & {e.path for e in calib}
    assert all(evalset.is_calib(REG_SOURCE, e.path) for e in calib)
    assert {e.split for e in calib} == {"calib"}
    assert all(evalset.SOURCES[e.source].role == "train" for e in calib)


def test_git_source_materialised_from_a_bare_mirror(tmp_path, monkeypatch):
    """A repository source is read blob by blob from a bare mirror at its pinned commit: only the
    slice's files, nothing checked out; a later commit's changes do not leak in."""
    import subprocess

    work = tmp_path / "work"
    (work / "lib").mkdir(parents=True)
    (work / "lib" / "aes.c").write_text(SNIPPETS["crypto"][2])
    (work / "lib" / "notes.txt").write_text("not code")
    (work / "README").write_text("x")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(work)]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "one"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    (work / "lib" / "aes.c").write_text("changed later")
    subprocess.run(git + ["commit", "-qam", "two"], check=True)
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "someone+crypto" / "repo")], check=True)
    name = "git:someone/crypto"
    monkeypatch.setenv("FIRMCORPUS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(evalset.SOURCES, name, evalset.Source(name, f"git:someone/crypto@{commit}", "eval", "lib"))
    monkeypatch.setattr(evalset, "SLICES", [evalset.Slice(name, ("lib",), evalset.C_EXT, "crypto", "a test crypto lib")])
    root = evalset.materialise_git_source(name, mirror)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [".commit", "lib/aes.c"]
    assert (root / "lib" / "aes.c").read_text() == SNIPPETS["crypto"][2]
    ex = evalset.collect("eval", sources=[name], fetch=False)
    assert [(e.path, e.domain) for e in ex] == [("lib/aes.c", "crypto")]
