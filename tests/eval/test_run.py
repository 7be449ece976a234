"""End to end: `firmcorpus eval` on real held-out code with a tiny random model (two labels)."""

from __future__ import annotations

import json

import pytest

from firmcorpus.eval.bench_builder import BenchConfig, read_jsonl
from firmcorpus.eval.run import EvalConfig, run_eval


def _cfg(dev_split, tiny_model_dir, **kw):
    return EvalConfig(
        models=("base", f"copy=hf:{tiny_model_dir}"), base_model=str(tiny_model_dir),
        heldout=str(dev_split["heldout"]), train_text=str(dev_split["train"]),
        bench=BenchConfig(n_per_domain=3, seed=0, max_new_tokens_cap=16, prompt_tokens=200), ppl_docs_per_domain=2,
        window=64, stride=32, max_doc_tokens=96, n_boot=200, **kw)


@pytest.mark.slow
def test_run_writes_report_and_is_deterministic(dev_split, tiny_model_dir, tmp_path):
    s1 = run_eval(_cfg(dev_split, tiny_model_dir), tmp_path / "a", log=lambda s: None)
    out = tmp_path / "a"
    for name in ("items.jsonl", "items.excluded.jsonl", "ppl_docs.jsonl", "per_item/base.jsonl", "per_item/copy.jsonl",
                 "perplexity/base.jsonl", "summary.json", "report.md", "report.html", "radar_token_acc.png",
                 "bpb_heldout.png", "bpb_train.png"):
        assert (out / name).is_file(), name
    items = read_jsonl(out / "items.jsonl")
    rows = read_jsonl(out / "per_item" / "base.jsonl")
    assert [r["item_id"] for r in rows] == [i["item_id"] for i in items] and items
    assert s1["perplexity"]["base"]["heldout"]["micro"]["bpb"] > 0
    assert set(s1["perplexity"]["base"]) == {"heldout", "train"}  # held-out and in-domain
    # the same weights under two labels: identical outputs, zero deltas
    assert read_jsonl(out / "per_item" / "copy.jsonl") == rows
    d = s1["deltas"]["copy"]
    assert all(v["bpb_reduction"] == 0 for v in d["perplexity"]["heldout"].values())
    assert all(v["token_acc"] == 0 for v in d["generation"].values())
    assert d["generation"]["all"]["paired"]["token_acc"]["mean"] == 0
    md = (out / "report.md").read_text()
    assert "Completion metrics of base by domain" in md and "bits per byte" in md.lower()
    assert "<table>" in (out / "report.html").read_text() and "data:image/png;base64," in (out / "report.html").read_text()
    # determinism: a second run gives byte-identical items, per-item outputs and perplexity rows
    run_eval(_cfg(dev_split, tiny_model_dir), tmp_path / "b", log=lambda s: None)
    for name in ("items.jsonl", "per_item/base.jsonl", "perplexity/base.jsonl"):
        assert (tmp_path / "b" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_cli_on_a_build_then_reusing_items(dev_split, dev_docs, tiny_model_dir, tmp_path):
    """`--build OUT` reads OUT/text/{heldout,train} and OUT/tokens/train (token decontamination);
    a second model then reuses the items."""
    import shutil

    from typer.testing import CliRunner

    from firmcorpus.cli import app
    from firmcorpus.train.data import tokenize_texts_to_shards

    build = tmp_path / "build"
    for split in ("train", "heldout"):
        shutil.copytree(dev_split[split].parent, build / "text" / split)
    tokenize_texts_to_shards([d["text"] for d in dev_docs["train"]], tiny_model_dir / "tokenizer.json",
                             build / "tokens" / "train")
    first = tmp_path / "first"
    res = CliRunner().invoke(app, ["eval", "--build", str(build), "--base-model", str(tiny_model_dir),
                                   "--models", "base", "--n-per-domain", "2", "--prompt-tokens", "200",
                                   "--skip-ppl", "-o", str(first)])
    assert res.exit_code == 0, res.output
    items = read_jsonl(first / "items.jsonl")
    excluded = read_jsonl(first / "items.excluded.jsonl")
    assert items and all(i["decontam"]["checked"] == ["text", "tokens"] for i in items + excluded)
    res = CliRunner().invoke(app, ["eval", "--models", f"tiny=hf:{tiny_model_dir}", "--items",
                                   str(first / "items.jsonl"), "--skip-ppl", "-o", str(tmp_path / "cli"), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["models"] == ["tiny"] and summary["items"] == len(items)
    assert read_jsonl(tmp_path / "cli" / "per_item" / "tiny.jsonl") == read_jsonl(first / "per_item" / "base.jsonl")
    bad = CliRunner().invoke(app, ["eval", "--models", "base", "-o", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "--heldout" in bad.output


def test_wrong_paths_fail_at_once_in_one_line(tmp_path, monkeypatch):
    """A wrong adapter path (the old docs' RUN/final) stops before any model loads, as one CLI line."""
    from typer.testing import CliRunner

    import firmcorpus.train.model as model_mod
    from firmcorpus.cli import app
    from firmcorpus.core.errors import UserError

    def no_load(*a, **k):
        raise AssertionError("a model was loaded before the paths were checked")

    monkeypatch.setattr(model_mod, "load_causal_lm", no_load)
    (tmp_path / "run" / "adapter").mkdir(parents=True)
    (tmp_path / "run" / "adapter" / "adapter_config.json").write_text("{}")
    (tmp_path / "held").mkdir()
    cfg = EvalConfig(models=("base", "adapter"), adapter=str(tmp_path / "run" / "final"), heldout=str(tmp_path / "held"))
    with pytest.raises(UserError, match="does not exist.*run/adapter"):
        run_eval(cfg, tmp_path / "out", log=lambda s: None)
    assert not (tmp_path / "out").exists()  # nothing written either
    with pytest.raises(UserError, match="--heldout"):
        run_eval(EvalConfig(heldout=str(tmp_path / "missing")), tmp_path / "out", log=lambda s: None)
    with pytest.raises(UserError, match="--dtype"):
        run_eval(EvalConfig(heldout=str(tmp_path / "held"), dtype="int8"), tmp_path / "out", log=lambda s: None)
    res = CliRunner().invoke(app, ["eval", "--heldout", str(tmp_path / "held"), "--models", "base,adapter",
                                   "--adapter", str(tmp_path / "run" / "final"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "Traceback" not in res.output and "run/adapter" in res.output


def test_select_items_is_stratified_and_stable():
    from firmcorpus.eval.run import select_items

    items = [{"item_id": f"{d}{i:02d}", "domain": d} for d in ("a", "b", "c") for i in range(10)][::-1]
    picked = select_items(items, 7)
    assert len(picked) == 7 and [it["item_id"] for it in picked] == [it["item_id"] for it in items if it in picked]
    assert sorted(it["item_id"] for it in picked) == ["a00", "a01", "a02", "b00", "b01", "c00", "c01"]
    assert select_items(items, 0) == items


@pytest.mark.slow
def test_reuse_reads_a_models_rows_only_for_the_same_items_and_documents(dev_split, tiny_model_dir, tmp_path):
    """`--reuse DIR`: a model's per-item and perplexity rows of an earlier run are read back (marked here
    so the test can tell them from recomputed ones) when they cover exactly this run's items and
    documents; with other items they are computed again."""
    from firmcorpus.eval.bench_builder import write_jsonl

    first = tmp_path / "first"
    run_eval(_cfg(dev_split, tiny_model_dir), first, log=lambda s: None)
    for kind, field, mark in (("per_item", "pred", "REUSED"), ("perplexity", "nll", 1e-9)):
        rows = read_jsonl(first / kind / "base.jsonl")
        write_jsonl([{**r, field: mark} for r in rows], first / kind / "base.jsonl")
    logs = []
    s = run_eval(_cfg(dev_split, tiny_model_dir, reuse=str(first)), tmp_path / "again", log=logs.append)
    rows = read_jsonl(tmp_path / "again" / "per_item" / "base.jsonl")
    assert rows and all(r["pred"] == "REUSED" for r in rows)
    assert all(r["nll"] == 1e-9 for r in read_jsonl(tmp_path / "again" / "perplexity" / "base.jsonl"))
    # the other label's untouched rows are reused as they were: perplexity and completions of both models
    assert read_jsonl(tmp_path / "again" / "per_item" / "copy.jsonl") == read_jsonl(first / "per_item" / "copy.jsonl")
    assert sum("reused from" in line for line in logs) == 4 and s["config"]["reuse"] == str(first)
    n = len(rows)
    run_eval(_cfg(dev_split, tiny_model_dir, reuse=str(first), max_items=n - 1, skip_ppl=True), tmp_path / "fewer",
             log=lambda s: None)
    assert all(r["pred"] != "REUSED" for r in read_jsonl(tmp_path / "fewer" / "per_item" / "base.jsonl"))
    other = _cfg(dev_split, tiny_model_dir, reuse=str(first), skip_gen=True)
    other.window = 48
    run_eval(other, tmp_path / "other_window", log=lambda s: None)
    assert all(r["nll"] != 1e-9 for r in read_jsonl(tmp_path / "other_window" / "perplexity" / "base.jsonl"))
