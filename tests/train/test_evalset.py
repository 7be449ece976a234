"""The shared held-out evaluation set (train.evalset): sampling, scoring every token, intervals over
documents, and its use by the training loop (summary with paired deltas, eval_start kept on resume)."""

from __future__ import annotations

import json
import math
import shutil

import pytest

from firmcorpus.train.config import load_config
from firmcorpus.train.evalset import (
    doc_stats,
    encode_document,
    load_eval_set,
    paired_doc_deltas,
    sample_documents,
    score_documents,
)


def test_sample_is_seeded_per_domain_and_order_free(heldout_text):
    a = load_eval_set(heldout_text, 3, seed=7)
    docs = sample_documents(list(reversed([{"id": d["id"], "text": d["text"], "metadata": d["metadata"]}
                                           for d in _all(heldout_text)])), 3, seed=7)
    assert [d["id"] for d in a] == [d["id"] for d in docs]
    assert sorted({d["metadata"]["domain"] for d in a}) == ["alpha", "beta"] and len(a) == 6
    assert [d["id"] for d in load_eval_set(heldout_text, 3, seed=8)] != [d["id"] for d in a]


def _all(path):
    from firmcorpus.train.evalset import read_documents

    return list(read_documents(path))


def test_every_token_scored_once_and_intervals_cover(tiny_model_dir, heldout_text):
    from firmcorpus.train.model import load_causal_lm

    model, tok = load_causal_lm(str(tiny_model_dir))
    docs = load_eval_set(heldout_text, 4, seed=0)
    rows = score_documents(model, tok, docs, window=64, stride=32)
    for d, r in zip(docs, rows):
        assert r["n_tokens"] == len(encode_document(tok, d["text"])) - 1  # all but the first token
        assert r["n_bytes"] == len(d["text"].encode())
    # windowed scoring equals one long window (the tiny model has a 512-token context)
    one = score_documents(model, tok, docs[:1], window=512, stride=256, max_doc_tokens=512)
    cut = score_documents(model, tok, docs[:1], window=64, stride=63, max_doc_tokens=512)
    assert one[0]["n_tokens"] == cut[0]["n_tokens"]
    st = doc_stats(rows, n_boot=300, seed=0)
    assert st["ppl_lo"] <= st["ppl"] <= st["ppl_hi"] and st["bpb_lo"] < st["bpb_hi"]
    assert st["bpb"] == pytest.approx(sum(r["nll"] for r in rows) / math.log(2) / sum(r["n_bytes"] for r in rows))
    # identical models: the paired change is exactly 0 with a zero-width interval
    same = paired_doc_deltas(rows, rows, n_boot=200)
    assert same["ppl_change"] == 0 and same["ppl_change_lo"] == 0 == same["ppl_change_hi"]
    # a model 10 % worse on every document: the paired interval is tight around +10 % nll
    worse = [dict(r, nll=r["nll"] * 1.1) for r in rows]
    d = paired_doc_deltas(rows, worse, n_boot=200)
    assert d["bpb_change"] == pytest.approx(0.1) and d["bpb_change_lo"] == pytest.approx(0.1)
    assert d["ppl_change"] > 0


def _cfg(tiny_model_dir, shard_dirs, heldout_text, out, *extra):
    return load_config(overrides=[
        f"model.name_or_path={tiny_model_dir}", f"data.train={shard_dirs['train']}",
        f"data.heldout_text={heldout_text}", "data.seq_len=64", "run.steps=4", "run.micro_batch=2",
        f"run.out_dir={out}", "run.save_every=2", "run.threads=1", "run.eval_docs=3",
        "run.eval_max_doc_tokens=128", "run.progress=false", "lora.r=8", "lora.alpha=16", "optim.lr=3e-3",
        "optim.warmup_steps=1", *extra])


def test_loop_scores_the_shared_set_and_keeps_eval_start_on_resume(tiny_model_dir, shard_dirs, heldout_text,
                                                                      tmp_path):
    from firmcorpus.train.loop import train

    out = tmp_path / "run"
    summary = train(_cfg(tiny_model_dir, shard_dirs, heldout_text, out))
    start, end = summary["eval_start"], summary["eval_end"]
    assert set(start) == {"alpha", "beta", "all"} and start["all"]["docs"] == 6
    assert end["all"]["bpb"] < start["all"]["bpb"]  # the tiny random model learns the headers
    assert start["all"]["bpb_lo"] <= start["all"]["bpb"] <= start["all"]["bpb_hi"]
    delta = summary["eval_delta"]["all"]
    assert delta["docs"] == 6 and delta["bpb_change_hi"] < 0  # paired: every document improved
    start_ids = [json.loads(line)["doc_id"] for line in (out / "eval_docs_start.jsonl").read_text().splitlines()]
    assert start_ids == [d["id"] for d in load_eval_set(heldout_text, 3, seed=0)]  # the same set as `eval`
    # resume from step 2 (metrics and step-0 rows kept): the summary still holds eval_start
    res = tmp_path / "resumed"
    (res / "checkpoints").mkdir(parents=True)
    shutil.copytree(out / "checkpoints/step-000002", res / "checkpoints/step-000002")
    shutil.copy(out / "metrics.jsonl", res / "metrics.jsonl")
    shutil.copy(out / "eval_docs_start.jsonl", res / "eval_docs_start.jsonl")
    again = train(_cfg(tiny_model_dir, shard_dirs, heldout_text, res))
    assert again["resumed_from"].endswith("step-000002")
    assert again["eval_start"] == start
    assert again["eval_end"]["all"]["bpb"] == pytest.approx(end["all"]["bpb"], rel=1e-5)
    assert again["eval_delta"]["all"]["bpb_change"] == pytest.approx(delta["bpb_change"], rel=1e-4)


def test_missing_heldout_text_fails_before_the_model_loads(shard_dirs, tmp_path):
    """A wrong data.heldout_text ends `firmcorpus train` in one line, exit 2, before any weights load
    (the model path given here does not exist either: it must not be reached)."""
    from typer.testing import CliRunner

    from firmcorpus.cli import app

    res = CliRunner().invoke(app, ["train", "--set", f"model.name_or_path={tmp_path / 'no-model'}",
                                   "--set", f"data.train={shard_dirs['train']}", "--set", "data.seq_len=64",
                                   "--set", f"data.heldout_text={tmp_path / 'no-text'}", "--set", "run.steps=1",
                                   "--set", f"run.out_dir={tmp_path / 'run'}"])
    assert res.exit_code == 2 and "no-text" in res.output and "no-model" not in res.output, res.output
