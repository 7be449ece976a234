"""Held-out split by repository, decontamination, include-ordered repository text, mixture."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from datatrove.data import Document

from firmcorpus.core.sources import fetch
from firmcorpus.corpus.dedup import parquet_writer
from firmcorpus.corpus.ngrams import lookup, merge_sorted_files, ngram_hashes, open_sorted, shared_count
from firmcorpus.corpus.steps.decontam import Decontaminator, HeldoutIndex, HeldoutNgrams, NgramRepoCount, RepoCountIndex
from firmcorpus.corpus.steps.mixture import MixtureSampler, copies
from firmcorpus.corpus.steps.repo_text import RepoTextAssembler
from firmcorpus.corpus.steps.split import SplitPlanner, SplitTagger, plan_split
from firmcorpus.parsers.includes import include_order


@pytest.fixture(scope="module")
def ubertooth() -> Path:
    return fetch("deb:ubertooth-firmware-source") / "usr/src/ubertooth-firmware-source"


def _doc(pair: str, repo: str, path: str, text: str, split: str | None = None, **md) -> Document:
    meta = {"pair_id": pair, "repo": repo, "path": path, "kind": "code", "language": "c", "domain": "general", **md}
    if split:
        meta["split"] = split
    return Document(text=text, id=f"{pair}:{path}", metadata=meta)


# --------------------------------------------------------------------------- split


def test_split_is_by_repository_and_deterministic(tmp_path):
    repos = {f"deb:pkg{i}": Counter({"general": 100 + i}) for i in range(10)}
    a = plan_split(repos, heldout_share=0.3, seed=1, heldout_unit="repos")
    assert a == plan_split(dict(reversed(list(repos.items()))), heldout_share=0.3, seed=1, heldout_unit="repos")  # order-free
    assert sum(v == "heldout" for v in a.values()) == 3
    plans = {tuple(sorted(plan_split(repos, heldout_share=0.3, seed=k, heldout_unit="repos").items())) for k in range(8)}
    assert len(plans) > 1  # the seed moves the choice
    b = plan_split(repos, heldout_repos=["deb:pkg7"], heldout_share=0.0, seed=1)
    assert [r for r, s in b.items() if s == "heldout"] == ["deb:pkg7"]
    with pytest.raises(ValueError, match="not in this build"):
        plan_split(repos, heldout_repos=["deb:nope"])
    # two repositories, share 0.9: one must stay in train
    two = plan_split({"a": Counter(), "b": Counter()}, heldout_share=0.9, heldout_unit="repos")
    assert sorted(two.values()) == ["heldout", "train"]


def test_split_share_in_characters_skips_a_dominant_repository():
    sizes = {"deb:big": 6000, "deb:a": 1000, "deb:b": 900, "deb:c": 800, "deb:d": 700, "deb:e": 600}
    repos = {r: Counter({"general": n}) for r, n in sizes.items()}
    total = sum(sizes.values())
    for seed in range(12):
        plan = plan_split(repos, heldout_share=0.2, seed=seed, heldout_unit="chars")
        held = sum(sizes[r] for r, s in plan.items() if s == "heldout")
        assert plan["deb:big"] == "train"  # 60 % of the text: never held out for a 20 % share
        assert 0.2 * total <= held <= 1.5 * 0.2 * total
    by_repos = [plan_split(repos, heldout_share=0.2, seed=k, heldout_unit="repos") for k in range(12)]
    assert any(p["deb:big"] == "heldout" for p in by_repos)  # counting repositories, it can be
    with pytest.raises(ValueError, match="heldout_unit"):
        plan_split(repos, heldout_unit="tokens")


def test_per_domain_quota(tmp_path):
    repos = {"r1": Counter({"crypto": 10}), "r2": Counter({"crypto": 5, "general": 1}), "r3": Counter({"general": 9}),
             "r4": Counter({"usb_stack": 3})}
    plan = plan_split(repos, heldout_share=0.0, per_domain_quota={"crypto": 2, "usb_stack": 1})
    assert {r for r, s in plan.items() if s == "heldout"} == {"r1", "r2", "r4"}


def test_planner_and_tagger_steps(tmp_path):
    docs = [_doc(f"p{i}", f"deb:r{i % 3}", f"f{i}.c", "int x;\n") for i in range(9)]
    plan = tmp_path / "split.json"
    list(SplitPlanner(str(plan), heldout_share=0.34, seed=0, heldout_unit="repos").run(iter(docs), 0, 1))
    data = json.loads(plan.read_text())
    tagged = list(SplitTagger(str(plan)).run(iter(docs), 0, 1))
    for d in tagged:  # every file of a repository is on its repository's side
        assert d.metadata["split"] == data["repos"][d.metadata["repo"]]
    assert Counter(data["repos"].values()) == {"train": 2, "heldout": 1}
    with pytest.raises(ValueError, match="tasks=1"):
        list(SplitPlanner(str(plan)).run(iter(docs), 0, 2))
    assert data["chars"] == {"train": 7 * sum(d.metadata["split"] == "train" for d in tagged),
                             "heldout": 7 * sum(d.metadata["split"] == "heldout" for d in tagged)}


def test_planner_reads_the_shards_streaming_like_the_documents(tmp_path, ubertooth):
    """``source_dir``: the plan from a polars scan of the parquet shards equals the plan from the documents."""
    files = sorted(ubertooth.rglob("*.c"))[:30]
    docs = [_doc(f"p{i}", f"deb:r{i % 7}", f.name, f.read_text(errors="replace"), domain=("usb_stack" if i % 3 else "general"))
            for i, f in enumerate(files)]
    with parquet_writer(str(tmp_path / "shards")) as w:
        for i, d in enumerate(docs):
            w.write(d, rank=i % 3)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    list(SplitPlanner(str(a), heldout_share=0.2, seed=3).run(iter(docs), 0, 1))
    list(SplitPlanner(str(b), heldout_share=0.2, seed=3, source_dir=str(tmp_path / "shards")).run(None, 0, 1))
    pa, pb = json.loads(a.read_text()), json.loads(b.read_text())
    assert pa == pb and pa["chars"]["heldout"] > 0 and 0.2 <= pa["heldout_char_share"] <= 0.3


# --------------------------------------------------------------------------- decontamination


def _near_copy(text: str) -> str:
    """Rename identifiers, reformat, edit a line: what a vendored copy of a file looks like."""
    out = re.sub(r"\bego_", "radio_", text)
    out = out.replace("    ", "\t")
    lines = out.splitlines()
    lines.insert(len(lines) // 2, "/* local change: tuned for our board */")
    return "\n".join(lines[:-5])


def _index(ngram_dir: Path, docs: list[Document], tasks: int = 1) -> None:
    """The held-out n-gram stages, as the build runs them (documents dealt to ``tasks`` ranks)."""
    shards = [docs[r::tasks] for r in range(tasks)]
    for r, shard in enumerate(shards):
        list(HeldoutNgrams(str(ngram_dir)).run(iter(shard), r, tasks))
    list(HeldoutIndex(str(ngram_dir), chunk=1000).run(None, 0, 1))
    for r, shard in enumerate(shards):
        list(NgramRepoCount(str(ngram_dir)).run(iter(shard), r, tasks))
    list(RepoCountIndex(str(ngram_dir), chunk=1000).run(None, 0, 1))


def test_planted_copy_and_near_copy_are_flagged(tmp_path, ubertooth):
    heldout_text = (ubertooth / "bluetooth_rxtx/ego.c").read_text()
    unrelated = (ubertooth / "common/lpcusb/target/usbstdreq.c").read_text()
    heldout = [_doc("hp", "deb:held", "bluetooth_rxtx/ego.c", heldout_text, "heldout")]
    train = [
        _doc("tp", "deb:other", "vendor/ego.c", heldout_text, "train"),
        _doc("tp", "deb:other", "vendor/radio.c", _near_copy(heldout_text), "train"),
        _doc("tp", "deb:other", "usb/usbstdreq.c", unrelated, "train"),
    ]
    ngram_dir = tmp_path / "ngrams"
    _index(ngram_dir, heldout + train)
    assert (ngram_dir / "00000.npy").exists() and (ngram_dir / "index/heldout.u64").exists()

    flagged = list(Decontaminator(str(ngram_dir), action="flag", catalog_dir=str(tmp_path / "cat")).run(iter(train + heldout), 0, 1))
    by_path = {d.metadata["path"]: d.metadata for d in flagged}
    assert by_path["vendor/ego.c"]["contaminated"] is True
    assert by_path["vendor/ego.c"]["decontam_overlap"] == 1.0
    assert by_path["vendor/radio.c"]["contaminated"] is True
    assert by_path["usb/usbstdreq.c"]["contaminated"] is False
    assert "contaminated" not in by_path["bluetooth_rxtx/ego.c"]  # held-out documents are the reference

    import polars as pl

    report = pl.read_parquet(tmp_path / "cat/parts/contamination/00000.parquet")
    assert sorted(report["path"].to_list()) == ["vendor/ego.c", "vendor/radio.c"]

    dropped = []

    class Collect:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            pass

        def write(self, doc, rank):
            dropped.append(doc.metadata["path"])

    kept = list(Decontaminator(str(ngram_dir), action="drop", exclusion_writer=Collect()).run(iter(train), 0, 1))
    assert [d.metadata["path"] for d in kept] == ["usb/usbstdreq.c"]
    assert sorted(dropped) == ["vendor/ego.c", "vendor/radio.c"]


def test_decontaminator_needs_the_collector_stage(tmp_path):
    with pytest.raises(FileNotFoundError, match="held-out n-gram stage"):
        list(Decontaminator(str(tmp_path / "none")).run(iter([]), 0, 1))
    with pytest.raises(FileNotFoundError, match="held-out n-gram stage"):
        list(HeldoutIndex(str(tmp_path / "none")).run(None, 0, 1))


def test_a_licence_header_shared_with_held_out_text_is_not_a_leak(tmp_path, ubertooth):
    held = (ubertooth / "bluetooth_rxtx/ego.c").read_text()
    header = held[: held.index("*/") + 2]
    own = (ubertooth / "common/lpcusb/target/usbstdreq.c").read_text()
    own = own[own.index("*/") + 2:]
    train_text = header + "\n" + own  # the held-out file's GPL header over unrelated code
    raw = ngram_hashes(held)
    assert shared_count(ngram_hashes(train_text), raw) >= 50  # would be flagged on raw n-grams
    _index(tmp_path / "ng", [_doc("h", "deb:held", "ego.c", held, "heldout"), _doc("t", "deb:t", "usbstdreq.c", train_text, "train")])
    out = list(Decontaminator(str(tmp_path / "ng"), action="flag").run(iter([_doc("t", "deb:t", "usbstdreq.c", train_text, "train")]), 0, 1))
    assert out[0].metadata["contaminated"] is False and out[0].metadata["decontam_shared"] == 0


def test_ngrams_shared_by_many_repositories_are_idiom(tmp_path, ubertooth):
    """A block found in the held-out repository and in four training repositories is idiom; the same
    block in one training repository only is a copy."""
    idiom = (ubertooth / "common/lpcusb/target/usbstdreq.c").read_text()
    held = _doc("h", "deb:held", "ego.c", (ubertooth / "bluetooth_rxtx/ego.c").read_text() + idiom, "heldout")
    others = ["bluetooth_rxtx/le_phy.c", "bluetooth_rxtx/queue.c", "bluetooth_rxtx/ubertooth_clock.c",
              "bluetooth_rxtx/ubertooth_rssi.c"]
    train = [_doc(f"t{i}", f"deb:t{i}", f, (ubertooth / f).read_text() + idiom, "train") for i, f in enumerate(others)]
    _index(tmp_path / "many", [held, *train], tasks=2)
    counts = np.load(tmp_path / "many/index/repos.npy")
    assert counts.max() == 5  # held-out repository + 4 training repositories, counted once each across tasks
    flags = [d.metadata["contaminated"] for d in Decontaminator(str(tmp_path / "many"), action="flag").run(iter(train), 0, 1)]
    assert flags == [False] * 4
    strict = Decontaminator(str(tmp_path / "many"), action="flag", idiom_repos=0)
    assert [d.metadata["contaminated"] for d in strict.run(iter(train), 0, 1)] == [True] * 4
    _index(tmp_path / "one", [held, train[0]])
    assert next(Decontaminator(str(tmp_path / "one"), action="flag").run(iter(train[:1]), 0, 1)).metadata["contaminated"]


def test_long_files_need_a_share_of_their_ngrams(tmp_path, ubertooth):
    held = (ubertooth / "bluetooth_rxtx/ego.c").read_text()
    block = "\n".join(held.splitlines()[40:75])  # a copied function, about 60-150 n-grams
    long_text = "\n".join((ubertooth / f).read_text() for f in sorted((ubertooth / "bluetooth_rxtx").glob("*.c"))
                          if f.name != "ego.c") + "\n" + block
    doc = _doc("t", "deb:t", "big.c", long_text, "train")
    _index(tmp_path / "ng", [_doc("h", "deb:held", "ego.c", held, "heldout"), doc])
    md = next(Decontaminator(str(tmp_path / "ng"), action="flag").run(iter([doc]), 0, 1)).metadata
    assert md["decontam_shared"] >= 50 and md["decontam_overlap"] < 0.05 and md["contaminated"] is False
    absolute = Decontaminator(str(tmp_path / "ng"), action="flag", min_shared_share=0.0)
    assert next(absolute.run(iter([doc]), 0, 1)).metadata["contaminated"] is True


def test_held_out_index_is_the_union_streamed_by_range(tmp_path):
    rng = np.random.default_rng(1)
    arrays = [np.unique(rng.integers(0, 2**63, size=5000, dtype=np.uint64) * np.uint64(2)) for _ in range(4)]
    arrays.append(arrays[0][:100])  # overlap between ranks
    files = []
    for i, a in enumerate(arrays):
        np.save(tmp_path / f"{i}.npy", a)
        files.append(tmp_path / f"{i}.npy")
    np.save(tmp_path / "empty.npy", np.empty(0, dtype=np.uint64))
    n = merge_sorted_files([*files, tmp_path / "empty.npy"], tmp_path / "u.u64", chunk=700)  # ~29 ranges
    union = open_sorted(tmp_path / "u.u64")
    assert n == union.size and np.array_equal(union, np.unique(np.concatenate(arrays)))
    assert lookup(arrays[2][[3, 9]], union).tolist() == np.searchsorted(union, arrays[2][[3, 9]]).tolist()


# --------------------------------------------------------------------------- include ordering


def test_include_order_every_file_once_headers_first_and_cycles():
    deps = {"main.c": ["a.h", "b.h"], "a.h": ["base.h"], "b.h": ["base.h"], "base.h": [],
            "x.h": ["y.h"], "y.h": ["x.h"], "z.c": ["x.h", "missing.h"]}
    order = include_order(deps, seed=3)
    assert sorted(order) == sorted(deps)  # every file exactly once, cycle included
    pos = {f: i for i, f in enumerate(order)}
    assert pos["base.h"] < pos["a.h"] < pos["main.c"] and pos["b.h"] < pos["main.c"]
    assert pos["x.h"] < pos["z.c"] and pos["y.h"] < pos["z.c"]
    assert order == include_order(deps, seed=3)  # deterministic for a seed
    assert any(include_order(deps, seed=s) != order for s in range(10))  # ties do depend on the seed


def test_repo_text_joins_train_c_files_in_include_order(ubertooth):
    from firmcorpus.parsers.code import parse_code

    files = ["common/ubertooth.h", "common/ubertooth.c", "common/cc2400.h", "common/lpc17.h", "common/types.h",
             "common/serial_fifo.h", "common/serial_fifo.c"]
    docs = []
    for f in files:
        data = (ubertooth / f).read_bytes()
        cf = parse_code(f, data)
        docs.append(_doc("p", "deb:ubertooth-firmware-source", f, data.decode(), "train", includes=cf.includes,
                         language=cf.language))
    docs.append(_doc("p", "deb:ubertooth-firmware-source", "mappings/p#1", "Section 1 registers ...", "train", kind="mapping"))
    docs.append(_doc("p", "deb:ubertooth-firmware-source", "README", "readme text", "train", language="other"))
    out = list(RepoTextAssembler(max_chars=10**9, markers={"repo_name": "<reponame>", "file_sep": "<file_sep>"}).run(iter(docs), 0, 1))
    repo_docs = [d for d in out if d.metadata["kind"] == "repo"]
    assert len(repo_docs) == 1 and [d.metadata["path"] for d in out if d.metadata["kind"] != "repo"] == ["README"]
    order = repo_docs[0].metadata["files"]
    assert order[0].startswith("mappings/")  # mapping documents before the code they explain
    assert sorted(order[1:]) == sorted(files)
    assert order.index("common/serial_fifo.h") < order.index("common/serial_fifo.c")
    assert order.index("common/ubertooth.h") < order.index("common/ubertooth.c")
    text = repo_docs[0].text
    assert text.startswith("<reponame>ubertooth-firmware-source<file_sep>mappings/")
    assert text.count("<file_sep>") == len(files) + 1
    # split at file boundaries when too long; nothing lost
    small = list(RepoTextAssembler(max_chars=2000).run(iter(docs), 0, 1))
    chunks = [d for d in small if d.metadata["kind"] == "repo"]
    assert len(chunks) > 1 and sum(len(d.metadata["files"]) for d in chunks) == len(files) + 1


def test_fim_only_with_fim_tokens():
    doc = _doc("p", "deb:r", "a.c", "int main(void) { return 0; }\n" * 20, "train")
    no_fim = list(RepoTextAssembler(fim_rate=1.0).run(iter([doc]), 0, 1))
    assert no_fim[0].metadata["fim"] is None
    toks = {"fim_prefix": "<fim_prefix>", "fim_middle": "<fim_middle>", "fim_suffix": "<fim_suffix>"}
    fim = list(RepoTextAssembler(fim_rate=1.0, fim_spm_rate=0.0, markers=toks).run(iter([doc]), 0, 1))[0]
    assert fim.metadata["fim"] == "psm" and fim.text.startswith("<fim_prefix>")
    assert fim.text.index("<fim_suffix>") < fim.text.index("<fim_middle>")


# --------------------------------------------------------------------------- mixture


def test_mixture_weights_are_realised_deterministically():
    docs = [_doc("p", "deb:r", f"f{i}.c", "x" * 10, "train", domain="crypto" if i % 2 else "general") for i in range(400)]
    docs.append(_doc("h", "deb:h", "held.c", "y", "heldout", domain="crypto"))
    out = list(MixtureSampler({"crypto": 2.0, "general": 0.25}, seed=7).run(iter(docs), 0, 1))
    count = Counter(d.metadata["domain"] for d in out if d.metadata.get("split") == "train")
    assert count["crypto"] == 400  # 200 documents × 2
    assert 30 <= count["general"] <= 70  # ≈ 200 × 0.25
    assert [d.id for d in out] == [d.id for d in MixtureSampler({"crypto": 2.0, "general": 0.25}, seed=7).run(iter(docs), 0, 1)]
    assert any(d.metadata.get("split") == "heldout" for d in out)
    assert copies("x", 1.0, 0) == 1 and copies("x", 0.0, 0) == 0
    with pytest.raises(ValueError, match="≥ 0"):
        MixtureSampler({"crypto": -1})
