"""`firmcorpus sweep` on the tiny model: real (tiny) training trials, TPE seeded, resumable, report and best config."""

from __future__ import annotations

import json

import pytest

from firmcorpus.core.errors import UserError
from firmcorpus.train.config import load_config
from firmcorpus.train.sweep import SweepConfig, SweepSpace, run_sweep


def _inprocess(cfg_path, env, log_path, python):
    """One trial's training in this process (the CLI runs each in its own process)."""
    from firmcorpus.train.loop import train

    train(load_config(cfg_path))
    return 0


def _sc(out, tiny_model_dir, shard_dirs, heldout_text, trials, seed=0):
    return SweepConfig(
        out_dir=str(out), trials=trials, seed=seed, startup_trials=2,
        overrides=[f"model.name_or_path={tiny_model_dir}", f"data.train={shard_dirs['train']}", "data.heldout=null",
                   f"data.heldout_text={heldout_text}", "data.seq_len=64", "run.steps=3", "run.micro_batch=2",
                   "run.threads=1", "run.eval_docs=2", "run.eval_max_doc_tokens=64", "run.save_every=0",
                   "lora.alpha=16", "optim.warmup_steps=1", f"run.out_dir={out}/unused"],
        space=SweepSpace(ranks=(2, 8), lr_min=1e-4, lr_max=1e-2))


def test_sweep_runs_resumes_and_reports(tiny_model_dir, shard_dirs, heldout_text, tmp_path):
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    out = tmp_path / "sweep"
    res = run_sweep(_sc(out, tiny_model_dir, shard_dirs, heldout_text, 3), log=lambda s: None, launch=_inprocess)
    assert res["complete"] == 3
    recs = [json.loads(line) for line in (out / "trials.jsonl").read_text().splitlines()]
    assert len(recs) == 3 and all(r["state"] == "COMPLETE" and r["wall_s"] > 0 for r in recs)
    assert all(r["value"] == r["bpb"] and r["base_bpb"] > 0 and "ppl_change_lo" in r for r in recs)
    assert len({r["base_bpb"] for r in recs}) == 1  # one base evaluation, the same documents for every trial
    by_target = {r["params"]["target_modules"]: r["trainable"] / r["params"]["r"] for r in recs}  # per unit of rank
    if len(by_target) == 2:
        assert by_target["attention"] < by_target["all-linear"]
    best = min(recs, key=lambda r: r["value"])
    cfg = load_config(out / "best.yaml")  # the best config is a usable training config
    assert (cfg.lora.r, cfg.lora.target_modules) == (best["params"]["r"], best["params"]["target_modules"])
    assert cfg.optim.lr == pytest.approx(best["params"]["lr"])
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "objective vs each parameter" in page
    # a trial killed mid-run (left RUNNING in the journal): the rerun fails it and runs its parameters again
    study = optuna.load_study(study_name="firmcorpus-sweep",
                              storage=JournalStorage(JournalFileBackend(str(out / "study.journal"))))
    study.enqueue_trial({"r": 8, "target_modules": "attention", "lr": 5e-3})
    t = study.ask()  # the objective's distributions, so the enqueued values become the trial's parameters
    t.suggest_categorical("r", [2, 8])
    t.suggest_categorical("target_modules", ["attention", "all-linear"])
    t.suggest_float("lr", 1e-4, 1e-2, log=True)
    res = run_sweep(_sc(out, tiny_model_dir, shard_dirs, heldout_text, 4), log=lambda s: None, launch=_inprocess)
    assert res["complete"] == 4
    done = [r for r in res["trials"] if r["state"] == "COMPLETE"]
    assert {"r": 8, "target_modules": "attention", "lr": 5e-3} in [r["params"] for r in done]
    assert [r["state"] for r in res["trials"]].count("FAIL") == 1
    # the same folder with another seed is refused; the same seed elsewhere proposes the same parameters
    with pytest.raises(UserError, match="another base config, space or seed"):
        run_sweep(_sc(out, tiny_model_dir, shard_dirs, heldout_text, 5, seed=1), log=lambda s: None,
                  launch=_inprocess)
    again = run_sweep(_sc(tmp_path / "again", tiny_model_dir, shard_dirs, heldout_text, 2), log=lambda s: None,
                      launch=_inprocess)
    assert [r["params"] for r in again["trials"]] == [r["params"] for r in recs[:2]]


def test_sweep_needs_the_text_evaluation_set(tiny_model_dir, shard_dirs, tmp_path):
    sc = SweepConfig(out_dir=str(tmp_path / "s"), overrides=[f"model.name_or_path={tiny_model_dir}",
                                                              f"data.train={shard_dirs['train']}"])
    with pytest.raises(UserError, match="data.heldout_text"):
        run_sweep(sc, log=lambda s: None, launch=_inprocess)


def test_cli_sweep_refuses_in_one_line(tiny_model_dir, shard_dirs, tmp_path):
    from typer.testing import CliRunner

    from firmcorpus.cli import app

    res = CliRunner().invoke(app, ["sweep", "-o", str(tmp_path / "s"), "--set", f"model.name_or_path={tiny_model_dir}",
                                   "--set", f"data.train={shard_dirs['train']}"])
    assert res.exit_code == 2 and "data.heldout_text" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["sweep", "-o", str(tmp_path / "s"), "--targets", "mlp"])
    assert res.exit_code == 2 and "unknown --targets" in res.output
