"""``firmcorpus sweep``: Bayesian hyper-parameter search over LoRA rank, target modules and learning rate.

Spark (arXiv 2603.11139, Figure 2) searched 10 configurations over rank, target modules
(attention-only vs all linear layers) and learning rate. We use Optuna's TPE sampler (a
well-kept library with resumable storage; TPE handles the mixed categorical / log-uniform
space without a surrogate we would have to maintain).

- **Trial** = a real short training run: the base config (preset / YAML / ``--set``) with the
  trial's ``lora.r``, ``lora.target_modules`` and ``optim.lr``, launched as its own
  ``python -m firmcorpus train`` process in ``OUT/trials/<key>/`` (a killed trial resumes from
  its checkpoint when the sweep is rerun). ``lora.alpha`` stays fixed, so the rsLoRA scale is
  ``alpha / sqrt(r)`` as in training.
- **Objective** = held-out bits per byte of the trial's final evaluation on the shared
  evaluation set (``train.evalset``: ``data.heldout_text``, ``run.eval_docs`` per domain, seeded):
  the same documents for every trial, tokenizer-independent, lower is better.
- **Resumable and seeded**: the study lives in ``OUT/study.journal`` (Optuna's
  ``JournalFileBackend``); TPE is seeded; rerunning the same command continues where it stopped
  (trials interrupted mid-run are marked failed and enqueued again with the same parameters).
  One sweep process per folder (a lock file).
- **Parallel**: ``jobs`` trials at once, each pinned to its own device (``CUDA_VISIBLE_DEVICES``)
  on GPUs, or sharing the CPU threads on CPU.
- **Outputs**: ``trials.jsonl`` (parameters, objective, wall time), ``best.yaml`` (the best trial's
  full config, usable as ``firmcorpus train --config best.yaml``) and ``report.html`` (loss curves by
  rank, objective vs each parameter; PNGs inlined, readable in any browser).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import queue
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import fasteners
import yaml

from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_write_json, atomic_write_text
from firmcorpus.train.config import TrainConfig, from_dict, load_config, validate
from firmcorpus.train.evalset import doc_stats, paired_doc_deltas

TARGETS = ("attention", "all-linear")


@dataclass
class SweepSpace:
    ranks: tuple[int, ...] = (8, 16, 32, 64, 128)
    targets: tuple[str, ...] = TARGETS
    lr_min: float = 5e-5
    lr_max: float = 2e-3


@dataclass
class SweepConfig:
    out_dir: str = "out/sweep"
    trials: int = 10  # Spark's Figure 2 has 10 configurations
    seed: int = 0
    jobs: int = 1  # trials at once (GPUs: one per device)
    startup_trials: int = 4  # random trials before TPE models the objective
    preset: str | None = None
    config: str | None = None
    overrides: list[str] = field(default_factory=list)
    space: SweepSpace = field(default_factory=SweepSpace)
    python: str = sys.executable


def base_config(sc: SweepConfig) -> TrainConfig:
    cfg = load_config(sc.config, sc.preset, sc.overrides)
    if not cfg.data.heldout_text:
        raise UserError("the sweep's objective is held-out bits per byte on the shared evaluation set: "
                        "set data.heldout_text (e.g. --set data.heldout_text=OUT/text/heldout)")
    return cfg


def trial_key(params: dict[str, Any]) -> str:
    """Folder name of a parameter set (the same parameters reuse, and resume, the same run)."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]
    return f"r{params['r']}-{params['target_modules']}-lr{params['lr']:.2e}-{h}"


def trial_config(base: TrainConfig, params: dict[str, Any], run_dir: Path, device: str | None,
                 threads: int | None, eval_at_start: bool = True) -> TrainConfig:
    d = base.to_dict()
    d["run"]["eval_at_start"] = eval_at_start
    d["lora"]["r"] = int(params["r"])
    d["lora"]["target_modules"] = params["target_modules"]
    d["optim"]["lr"] = float(params["lr"])
    d["run"]["out_dir"] = str(run_dir)
    d["run"]["progress"] = False
    d["run"]["export_merged"] = False
    if device:
        d["run"]["device"] = device
    if threads:
        d["run"]["threads"] = threads
    cfg = from_dict(d)
    validate(cfg)
    return cfg


def _slots(jobs: int) -> list[dict[str, Any]]:
    """One slot per parallel trial: a GPU each when there are enough, else CPU threads split evenly."""
    try:
        import torch

        gpus = torch.cuda.device_count()
    except Exception:  # noqa: BLE001 - torch missing or CUDA broken: CPU slots
        gpus = 0
    if gpus:
        if jobs > gpus:
            raise UserError(f"--jobs {jobs} but {gpus} GPU(s): one trial per GPU")
        return [{"env": {"CUDA_VISIBLE_DEVICES": str(i)}, "device": "cuda", "threads": None} for i in range(jobs)]
    threads = max(1, (os.cpu_count() or 1) // jobs)
    return [{"env": {}, "device": "cpu", "threads": threads} for _ in range(jobs)]


def train_subprocess(cfg_path: Path, env: dict[str, str], log_path: Path, python: str = sys.executable) -> int:
    """``python -m firmcorpus train --config cfg_path`` (a trial's own process); returns its exit status."""
    with open(log_path, "ab") as logf:
        return subprocess.run([python, "-m", "firmcorpus", "train", "--config", str(cfg_path)],
                              stdout=logf, stderr=subprocess.STDOUT, env=env).returncode


def run_trial(base: TrainConfig, params: dict[str, Any], out_dir: Path, slot: dict[str, Any],
              python: str = sys.executable, launch: Callable[..., int] = train_subprocess) -> dict[str, Any]:
    """Train one configuration in its own process; returns its record (objective = final held-out bpb)."""
    tdir = out_dir / "trials" / trial_key(params)
    tdir.mkdir(parents=True, exist_ok=True)
    base_rows = out_dir / "base_eval_docs.jsonl"
    # every trial starts from the same base model on the same documents: score it once (the first trial)
    cfg = trial_config(base, params, tdir / "run", slot["device"], slot["threads"], eval_at_start=not base_rows.is_file())
    (tdir / "config.yaml").write_text(cfg.to_yaml())
    env = dict(os.environ, **slot["env"])
    env.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    rc = launch(tdir / "config.yaml", env, tdir / "train.log", python)
    wall = time.perf_counter() - t0
    summary_path = tdir / "run" / "summary.json"
    if rc != 0 or not summary_path.is_file():
        tail = (tdir / "train.log").read_text(errors="replace")[-400:]
        raise RuntimeError(f"trial {tdir.name} failed (exit {rc}); see {tdir / 'train.log'}: {tail}")
    summary = json.loads(summary_path.read_text())
    first = tdir / "run" / "eval_docs_start.jsonl"
    if first.is_file() and not base_rows.is_file():
        atomic_write_text(base_rows, first.read_text())
    end = summary["eval_end"]["all"]
    start, delta = {}, {}
    if base_rows.is_file():
        rows0, rows1 = _read_jsonl(base_rows), _read_jsonl(tdir / "run" / "eval_docs_end.jsonl")
        start, delta = doc_stats(rows0, n_boot=0), paired_doc_deltas(rows0, rows1, seed=base.data.seed)
    return {"key": tdir.name, "params": params, "bpb": end["bpb"], "bpb_lo": end.get("bpb_lo"),
            "bpb_hi": end.get("bpb_hi"), "ppl": end["ppl"], "base_bpb": start.get("bpb"), "base_ppl": start.get("ppl"),
            "ppl_change": delta.get("ppl_change"), "ppl_change_lo": delta.get("ppl_change_lo"),
            "ppl_change_hi": delta.get("ppl_change_hi"), "wall_s": wall, "steps": summary["steps"],
            "tokens_seen": summary["tokens_seen"], "trainable": summary["params"]["trainable"]}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_sweep(sc: SweepConfig, log: Callable[[str], None] = print,
              launch: Callable[..., int] = train_subprocess) -> dict[str, Any]:
    """Run (or continue) the study until ``sc.trials`` trials are complete; write trials, best config, report.

    ``launch(config_path, env, log_path, python) -> exit status`` runs one trial's training (default: its
    own process; tests pass an in-process one)."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend
    from optuna.trial import TrialState

    out = Path(sc.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = base_config(sc)
    lock = fasteners.InterProcessLock(str(out / "sweep.lock"))
    if not lock.acquire(blocking=False):
        raise UserError(f"another sweep is running in {out} (lock {out / 'sweep.lock'})")
    try:
        spec = json.loads(json.dumps({"sweep": asdict(sc), "base": base.to_dict()}))  # tuples → lists, as read back
        spec_path = out / "sweep.json"
        if spec_path.is_file():
            old = json.loads(spec_path.read_text())
            if old.get("base") != spec["base"] or old["sweep"]["space"] != spec["sweep"]["space"] \
                    or old["sweep"]["seed"] != sc.seed:
                raise UserError(f"{out} holds a sweep with another base config, space or seed; "
                                "use a new folder (or the same options) to continue it")
        atomic_write_json(spec_path, spec, indent=1, sort_keys=True)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        storage = JournalStorage(JournalFileBackend(str(out / "study.journal")))
        sampler = optuna.samplers.TPESampler(seed=sc.seed, n_startup_trials=sc.startup_trials)
        study = optuna.create_study(study_name="firmcorpus-sweep", storage=storage, sampler=sampler,
                                    direction="minimize", load_if_exists=True)
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):  # killed mid-trial: run again
            study.tell(t.number, state=TrialState.FAIL)
            if t.params:
                study.enqueue_trial(t.params)
                log(f"trial {t.number} was interrupted: enqueued again with the same parameters")
        done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
        slots: queue.Queue = queue.Queue()
        for s in _slots(sc.jobs):
            slots.put(s)
        space = sc.space

        def objective(trial: Any) -> float:
            params = {"r": trial.suggest_categorical("r", list(space.ranks)),
                      "target_modules": trial.suggest_categorical("target_modules", list(space.targets)),
                      "lr": trial.suggest_float("lr", space.lr_min, space.lr_max, log=True)}
            slot = slots.get()
            try:
                log(f"trial {trial.number}: r={params['r']} {params['target_modules']} lr={params['lr']:.2e}")
                rec = run_trial(base, params, out, slot, sc.python, launch)
            finally:
                slots.put(slot)
            for k, v in rec.items():
                if k != "params":
                    trial.set_user_attr(k, v)
            log(f"trial {trial.number}: bpb {rec['bpb']:.4f} (base {rec['base_bpb']:.4f}), {rec['wall_s']:.0f} s")
            return rec["bpb"]

        remaining = max(0, sc.trials - done)
        if remaining:
            # a failing trial raises out of optimize only for errors we did not catch; a failed run is recorded
            study.optimize(objective, n_trials=remaining, n_jobs=max(1, sc.jobs), catch=(RuntimeError,))
        return finish(study, base, out, log)
    finally:
        lock.release()


def finish(study: Any, base: TrainConfig, out: Path, log: Callable[[str], None] = print) -> dict[str, Any]:
    """trials.jsonl, best.yaml and report.html from the study."""
    from optuna.trial import TrialState

    records = []
    for t in study.trials:
        if t.state not in (TrialState.COMPLETE, TrialState.FAIL):
            continue
        rec = {"number": t.number, "state": t.state.name, "params": t.params, "value": t.value}
        rec.update(t.user_attrs)
        records.append(rec)
    atomic_write_text(out / "trials.jsonl", "".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
    complete = [r for r in records if r["state"] == "COMPLETE"]
    result: dict[str, Any] = {"out_dir": str(out), "trials": records, "complete": len(complete)}
    if complete:
        best = min(complete, key=lambda r: r["value"])
        cfg = trial_config(base, best["params"], Path(base.run.out_dir + "-best"), None, None).to_dict()
        cfg["run"]["progress"] = True
        head = (f"# firmcorpus sweep best trial {best['number']}: held-out {best['value']:.4f} bits/byte "
                f"(base {best.get('base_bpb', float('nan')):.4f}); train it with\n"
                f"#   firmcorpus train --config {out / 'best.yaml'} --set run.steps=N\n")
        atomic_write_text(out / "best.yaml", head + yaml.safe_dump(cfg, sort_keys=False))
        result["best"] = best
        result["best_config"] = str(out / "best.yaml")
        log(f"best: trial {best['number']} {best['params']} → {best['value']:.4f} bits/byte; {out / 'best.yaml'}")
    result["report"] = str(write_report(records, out))
    return result


# ---------------------------------------------------------------- report

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _loss_curve(out: Path, key: str) -> list[tuple[int, float]]:
    path = out / "trials" / key / "run" / "metrics.jsonl"
    if not path.is_file():
        return []
    pts = []
    for line in path.read_text().splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("kind") == "train":
            pts.append((r["step"], r["loss"]))
    return pts


def _f4(v: Any) -> str:
    return "" if v is None else f"{v:.4f}"


def write_report(records: list[dict[str, Any]], out: Path) -> Path:
    """``report.html``: trials table, loss curves by rank, objective vs each parameter (inline PNGs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in records if r["state"] == "COMPLETE"]
    images = []
    if done:
        ranks = sorted({r["params"]["r"] for r in done})
        cmap = plt.get_cmap("viridis")
        fig, ax = plt.subplots(figsize=(7, 4))
        for r in done:
            pts = _loss_curve(out, r.get("key", ""))
            if pts:
                i = ranks.index(r["params"]["r"])
                ax.plot(*zip(*pts), color=cmap(i / max(1, len(ranks) - 1)),
                        linestyle="-" if r["params"]["target_modules"] == "all-linear" else "--", alpha=0.8,
                        label=f"#{r['number']} r={r['params']['r']} {r['params']['target_modules']} "
                              f"lr={r['params']['lr']:.1e}")
        ax.set_xlabel("step")
        ax.set_ylabel("training loss (nats/token)")
        ax.set_title("training loss by rank (solid: all linear, dashed: attention only)")
        ax.legend(fontsize=6)
        images.append(("training loss by rank", _png(fig)))
        plt.close(fig)
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
        ys = [r["value"] for r in done]
        axes[0].scatter([r["params"]["r"] for r in done], ys)
        axes[0].set_xscale("log", base=2)
        axes[0].set_xlabel("rank r")
        axes[0].set_ylabel("held-out bits/byte (lower is better)")
        axes[1].scatter([TARGETS.index(r["params"]["target_modules"]) if r["params"]["target_modules"] in TARGETS
                         else -1 for r in done], ys)
        axes[1].set_xticks(range(len(TARGETS)), TARGETS)
        axes[1].set_xlim(-0.5, len(TARGETS) - 0.5)
        axes[1].set_xlabel("target modules")
        axes[2].scatter([r["params"]["lr"] for r in done], ys)
        axes[2].set_xscale("log")
        axes[2].set_xlabel("learning rate")
        base = next((r.get("base_bpb") for r in done if r.get("base_bpb")), None)
        for a in axes:
            if base:
                a.axhline(base, color="grey", linestyle=":", label="base model")
        axes[0].legend(fontsize=7)
        fig.suptitle("objective vs each parameter")
        images.append(("objective vs each parameter", _png(fig)))
        plt.close(fig)
    best = min(done, key=lambda r: r["value"]) if done else None
    rows = []
    for r in sorted(records, key=lambda r: r["number"]):
        p = r["params"]
        v = r.get("value")
        pc = r.get("ppl_change")
        ci = (f"{100 * pc:+.1f}% [{100 * r['ppl_change_lo']:+.1f}, {100 * r['ppl_change_hi']:+.1f}]"
              if pc is not None and r.get("ppl_change_lo") is not None else "")
        style = ' style="font-weight:bold"' if best is not None and r["number"] == best["number"] else ""
        rows.append(f"<tr{style}><td>{r['number']}</td><td>{p.get('r')}</td><td>{html.escape(str(p.get('target_modules')))}"
                    f"</td><td>{p.get('lr', 0):.2e}</td><td>{'' if v is None else f'{v:.4f}'}</td>"
                    f"<td>{_f4(r.get('base_bpb'))}</td><td>{ci}</td>"
                    f"<td>{r.get('wall_s', 0):.0f}</td><td>{r['state']}</td></tr>")
    body = ["<h1>firmcorpus sweep</h1>",
            f"<p>{len(done)} complete trial(s) of {len(records)}. Objective: held-out bits per byte of the final "
            "evaluation on the shared evaluation set (train.evalset), lower is better; base = the same set "
            "scored before step 1. Perplexity change: paired bootstrap 95% interval over documents.</p>",
            "<table border=1 cellspacing=0 cellpadding=3><tr><th>trial</th><th>r</th><th>targets</th><th>lr</th>"
            "<th>bits/byte</th><th>base</th><th>ppl change [95% CI]</th><th>wall s</th><th>state</th></tr>",
            *rows, "</table>"]
    if best is not None:
        body.append(f"<p>best: trial {best['number']} → <code>{html.escape(str(out / 'best.yaml'))}</code></p>")
    for title, data in images:
        body.append(f"<h2>{html.escape(title)}</h2><img alt=\"{html.escape(title)}\" src=\"data:image/png;base64,{data}\">")
    page = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>firmcorpus sweep</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{font-size:13px}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
    path = out / "report.html"
    atomic_write_text(path, page)
    return path
