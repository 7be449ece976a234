"""The training loop on a tiny random OLMo-3: rsLoRA scale, accumulation invariance, exact resume,
adapter save/load/merge equivalence, modules_to_save, schedules, the dry-run plan and the CLI."""

from __future__ import annotations

import json
import math
import shutil

import pytest
import torch

from firmcorpus.train.config import load_config, lr_at
from firmcorpus.train.metrics import read_metrics


def _cfg(tiny_model_dir, shard_dirs, out, *extra):
    return load_config(overrides=[
        f"model.name_or_path={tiny_model_dir}", f"data.train={shard_dirs['train']}",
        f"data.heldout={shard_dirs['heldout']}", "data.seq_len=64", "run.steps=4", "run.micro_batch=2",
        "run.grad_accum=2", f"run.out_dir={out}", "run.save_every=2", "run.keep_last=5", "run.threads=1",
        "run.eval_rows=4", "run.progress=false", "lora.r=8", "lora.alpha=16", "optim.lr=3e-3",
        "optim.warmup_steps=1", *extra])


def _losses(out):
    return [(r["step"], r["loss"]) for r in read_metrics(out / "metrics.jsonl", "train")]


def test_rslora_scale_matches_alpha_over_sqrt_r(tiny_model_dir):
    from transformers import AutoModelForCausalLM

    from firmcorpus.train.adapter import attach_lora, check_scale, effective_scale
    from firmcorpus.train.config import LoraSection

    lora = LoraSection(r=16, alpha=8.0)
    model = attach_lora(AutoModelForCausalLM.from_pretrained(tiny_model_dir), lora)
    assert effective_scale(lora) == 2.0  # 8 / sqrt(16), not 8 / 16
    layer = model.base_model.model.model.layers[0].self_attn.q_proj
    torch.nn.init.normal_(layer.lora_B["default"].weight)  # B starts at zero; make the update visible
    x = torch.randn(3, 64)
    with torch.no_grad():
        delta = layer(x) - layer.base_layer(x)
        expected = 2.0 * layer.lora_B["default"](layer.lora_A["default"](x))
    torch.testing.assert_close(delta, expected)
    with pytest.raises(AssertionError):
        check_scale(model, 8.0 / 16)  # plain LoRA's alpha/r would be wrong


def test_accumulation_invariance_1x8_vs_8x1(tiny_model_dir, shard_dirs, tmp_path):
    """Same rows, same loss and gradients whether a step is 8 micro-batches of 1 or 1 of 8."""
    from firmcorpus.train.data import PackedDataset, sample_indices
    from firmcorpus.train.loop import Env, accumulate, build_model

    cfg = _cfg(tiny_model_dir, shard_dirs, tmp_path)
    env = Env(0, 1, 0, torch.device("cpu"))
    ds = PackedDataset(shard_dirs["train"], 64, seed=0)
    # a step whose 8 rows hold different numbers of predicted tokens (a document starts mid-row),
    # so that averaging per micro-batch (the naive way) would give other gradients
    counts = lambda s: {int((ds[i]["labels"][1:] != -100).sum()) for i in range(8 * s, 8 * s + 8)}  # noqa: E731
    step = next(s for s in range(len(ds) // 8) if len(counts(s)) > 1)
    grads, sums = [], []
    for accum, mbs in ((8, 1), (1, 8)):
        torch.manual_seed(0)
        model, _ = build_model(cfg, env)
        for p in model.parameters():  # non-zero LoRA B, so gradients reach A too
            if p.requires_grad:
                torch.nn.init.normal_(p, std=0.02)
        batches = [ds.batch(sample_indices(step, m, accum, mbs, 0, 1)) for m in range(accum)]
        sums.append(accumulate(model, batches, cfg, env, flatten=False))
        grads.append({n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad})
    assert sums[0][1] == sums[1][1] and sums[0][1] > 400  # same predicted-token count
    torch.testing.assert_close(sums[0][0] / sums[0][1], sums[1][0] / sums[1][1], rtol=1e-6, atol=1e-6)
    assert grads[0].keys() == grads[1].keys()
    for n in grads[0]:
        torch.testing.assert_close(grads[0][n], grads[1][n], rtol=1e-4, atol=1e-6)


@pytest.fixture(scope="module")
def full_run(tiny_model_dir, shard_dirs, tmp_path_factory):
    from firmcorpus.train.loop import train

    out = tmp_path_factory.mktemp("run-full")
    summary = train(_cfg(tiny_model_dir, shard_dirs, out))
    return out, summary


def test_run_logs_metrics_and_learns(full_run):
    out, summary = full_run
    rows = read_metrics(out / "metrics.jsonl", "train")
    assert [r["step"] for r in rows] == [1, 2, 3, 4]
    for r in rows:
        assert r["tokens_per_s_total"] > 0 and r["tokens_per_s_per_device"] == r["tokens_per_s_total"]
        assert math.isclose(r["ppl"], math.exp(r["loss"]))
        assert 0 <= r["acc"] <= 1 and r["grad_norm"] > 0 and r["lr"] > 0
        assert r["tokens_seen"] == r["step"] * 4 * 64
    assert summary["eval_end"]["all"]["loss"] < summary["eval_start"]["all"]["loss"]
    header = read_metrics(out / "metrics.jsonl", "header")[0]
    assert "N_matmul" in header["flops_convention"] and header["rsLoRA_scale"] == pytest.approx(16 / math.sqrt(8))
    ckpts = sorted(p.name for p in (out / "checkpoints").iterdir())
    assert ckpts == ["step-000002", "step-000004"]
    state = json.loads((out / "checkpoints/step-000004/trainer_state.json").read_text())
    assert state["rows_consumed"] == 16 and state["step"] == 4
    for name in ("adapter/adapter_model.safetensors", "adapter/adapter_config.json", "optimizer.pt",
                 "rng_rank0.pt", "config.yaml", "versions.json"):
        assert (out / "checkpoints/step-000004" / name).is_file(), name


def test_exact_resume(full_run, tiny_model_dir, shard_dirs, tmp_path):
    """Interrupted after step 2 and resumed: the loss curve is the uninterrupted one, bit for bit."""
    from safetensors.torch import load_file

    from firmcorpus.train.loop import train

    out_full, _ = full_run
    out = tmp_path / "resumed"
    (out / "checkpoints").mkdir(parents=True)
    shutil.copytree(out_full / "checkpoints/step-000002", out / "checkpoints/step-000002")
    summary = train(_cfg(tiny_model_dir, shard_dirs, out, "optim.lr=3e-3"))
    assert summary["resumed_from"].endswith("step-000002")
    full = _losses(out_full)
    assert [s for s, _ in _losses(out)] == [3, 4]
    assert _losses(out) == full[2:]  # exact equality, not closeness
    a = load_file(out_full / "adapter/adapter_model.safetensors")
    b = load_file(out / "adapter/adapter_model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # keep_last prunes
    train(_cfg(tiny_model_dir, shard_dirs, out, "run.steps=8", "run.keep_last=2"))
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["step-000006", "step-000008"]


def test_resume_after_the_last_checkpoint_still_evaluates(full_run, tiny_model_dir, shard_dirs, tmp_path):
    """Stopped after the last checkpoint but before the final evaluation: the resumed run has no step
    left and still evaluates, with the same numbers as the uninterrupted run (not the step-0 ones)."""
    from firmcorpus.train.loop import train

    out_full, full = full_run
    out = tmp_path / "stopped-at-end"
    (out / "checkpoints").mkdir(parents=True)
    shutil.copytree(out_full / "checkpoints/step-000004", out / "checkpoints/step-000004")
    summary = train(_cfg(tiny_model_dir, shard_dirs, out))
    assert summary["resumed_from"].endswith("step-000004") and full["eval_end"] != full["eval_start"]
    assert summary["eval_end"] == full["eval_end"]
    assert [r["step"] for r in read_metrics(out / "metrics.jsonl", "eval")] == [4]
    again = train(_cfg(tiny_model_dir, shard_dirs, out))  # evaluated once: read back, not run again
    assert again["eval_end"] == full["eval_end"] and len(read_metrics(out / "metrics.jsonl", "eval")) == 1


def test_resume_refuses_changed_batch_shape(full_run, tiny_model_dir, shard_dirs, tmp_path):
    from firmcorpus.train.loop import train

    out_full, _ = full_run
    out = tmp_path / "changed"
    shutil.copytree(out_full / "checkpoints/step-000002", out / "checkpoints/step-000002")
    with pytest.raises(RuntimeError, match="rows_per_step"):
        train(_cfg(tiny_model_dir, shard_dirs, out, "run.micro_batch=3"))


def test_adapter_load_and_merge_equivalence(full_run, tiny_model_dir, tmp_path, monkeypatch):
    from firmcorpus.train.export import export_merged, probe_batch
    from firmcorpus.train.model import load_causal_lm

    out, _ = full_run
    base, tok = load_causal_lm(str(tiny_model_dir))
    adapted, _ = load_causal_lm(str(tiny_model_dir), adapter=str(out / "adapter"))
    ids = probe_batch(tok, 512)
    with torch.no_grad():
        lb = base(input_ids=ids).logits
        la = adapted(input_ids=ids).logits
    assert (la - lb).abs().max() > 1e-3  # the trained adapter does something
    report = export_merged(str(tiny_model_dir), out / "adapter", tmp_path / "merged", dtype="float32")
    assert report["max_abs_logit_diff_fp32"] < 1e-4
    merged, _ = load_causal_lm(str(tmp_path / "merged"))
    with torch.no_grad():
        torch.testing.assert_close(merged(input_ids=ids).logits, la, rtol=1e-4, atol=1e-4)
    # the verification can fail: a merge that forgets the adapter is refused and nothing is written
    from peft.tuners.lora import layer as lora_layer

    monkeypatch.setattr(lora_layer.Linear, "merge", lambda self, *a, **k: None)
    with pytest.raises(RuntimeError, match="disagrees"):
        export_merged(str(tiny_model_dir), out / "adapter", tmp_path / "bad", dtype="float32")
    assert not (tmp_path / "bad").exists()


def test_modules_to_save_really_train(tiny_model_dir, shard_dirs, tmp_path):
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    from firmcorpus.train.loop import _check_modules_to_save, train

    out = tmp_path / "mts"
    train(_cfg(tiny_model_dir, shard_dirs, out, "run.steps=2", "lora.modules_to_save=[lm_head]"))
    saved = load_file(out / "adapter/adapter_model.safetensors")
    head = [k for k in saved if "lm_head" in k]
    assert head, sorted(saved)[:5]
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir).lm_head.weight
    assert not torch.equal(saved[head[0]], base)
    with pytest.raises(RuntimeError, match="did not change"):
        _check_modules_to_save({"x": 1.0}, {"x": 1.0})


def test_schedules():
    cfg = load_config(overrides=["run.steps=100", "optim.warmup_ratio=0.1", "optim.min_lr_ratio=0.1"])
    assert lr_at(cfg, 0, 100) == pytest.approx(0.1) and lr_at(cfg, 9, 100) == pytest.approx(1.0)
    assert lr_at(cfg, 10, 100) == pytest.approx(1.0)
    assert lr_at(cfg, 55, 100) == pytest.approx(0.1 + 0.9 * 0.5)  # cosine midpoint
    assert lr_at(cfg, 100, 100) == pytest.approx(0.1)
    lin = load_config(overrides=["optim.schedule=linear", "optim.warmup_steps=10"])
    assert lr_at(lin, 55, 100) == pytest.approx(0.1 + 0.9 * 0.5)
    wsd = load_config(overrides=["optim.schedule=wsd", "optim.warmup_steps=10", "optim.decay_ratio=0.2"])
    assert lr_at(wsd, 79, 100) == 1.0 and lr_at(wsd, 90, 100) == pytest.approx(0.1 + 0.9 * 0.5)
    with pytest.raises(ValueError, match="schedule"):
        load_config(overrides=["optim.schedule=exp"])
    with pytest.raises(KeyError, match="unknown config key"):
        load_config(overrides=["lora.rank=4"])


def test_presets_load_and_plan(tiny_model_dir, shard_dirs):
    from firmcorpus.train.config import presets
    from firmcorpus.train.plan import make_plan

    assert {"cpu-smollm2", "olmo3-7b-8xh100"} <= set(presets())
    big = load_config(preset="olmo3-7b-8xh100")
    assert big.lora.r == 512 and big.lora.use_rslora and big.lora.target_modules == "all-linear"
    assert big.data.seq_len == 2048 and big.run.save_every == 1000 and big.optim.warmup_ratio == 0.1
    assert big.tokens_per_step(8) == 524_288 and big.total_steps(8) == math.ceil(5.2e9 / 524_288)
    small = load_config(preset="cpu-smollm2")
    assert small.run.threads == 2 and small.model.dtype == "float32"
    # the CPU preset evaluates on the shared evaluation set (paired change with its interval in summary.json)
    assert small.data.heldout_text == "out/demo/text/heldout" and small.run.eval_docs == 4
    cfg = _cfg(tiny_model_dir, shard_dirs, "/nonexistent")
    plan = make_plan(cfg, world_size=2)
    assert plan["tokens_per_step"] == 2 * 2 * 2 * 64 and plan["steps"] == 4
    # exact LoRA count: 2 layers x sum over the 7 linears of r * (in + out)
    dims = [(64, 64), (64, 32), (64, 32), (64, 64), (64, 128), (64, 128), (128, 64)]  # q k v o gate up down
    assert plan["params"]["trainable"] == 2 * sum(8 * (i + o) for i, o in dims)
    assert plan["data"]["train_documents"] == 140 and plan["memory_per_device_bytes"]["total"] > 0


def test_cli_dry_run_json(tiny_model_dir, shard_dirs, tmp_path):
    from typer.testing import CliRunner

    from firmcorpus.cli import app

    res = CliRunner().invoke(app, ["train", "--dry-run", "--json", "--set", f"model.name_or_path={tiny_model_dir}",
                                   "--set", f"data.train={shard_dirs['train']}", "--set", "data.seq_len=64",
                                   "--set", "run.steps=10", "--world-size", "3"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["world_size"] == 3 and plan["tokens_per_step"] == 3 * 64 and plan["steps"] == 10
    bad = CliRunner().invoke(app, ["train", "--dry-run", "--set", "lora.nope=1"])
    assert bad.exit_code == 2


def test_flattened_rows_equal_batched_rows(tiny_model_dir, shard_dirs):
    """The flash-attention layout (a micro-batch flattened to one row) computes the same loss."""
    from transformers import AutoModelForCausalLM

    from firmcorpus.train.data import PackedDataset
    from firmcorpus.train.loop import Env, forward_sums

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, attn_implementation="sdpa").eval()
    ds = PackedDataset(shard_dirs["train"], 64, seed=0)
    batch = ds.batch(range(4))
    env = Env(0, 1, 0, torch.device("cpu"))
    with torch.no_grad():
        rows = forward_sums(model, batch, env, flatten=False)
        flat = forward_sums(model, batch, env, flatten=True)
    assert rows[1] == flat[1] and rows[2] == flat[2]
    torch.testing.assert_close(rows[0], flat[0], rtol=1e-5, atol=1e-4)
