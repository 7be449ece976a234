"""``firmcorpus sweep``: Bayesian search (Optuna TPE) over LoRA rank, target modules and learning rate.

    firmcorpus sweep --preset cpu-smollm2 --trials 10 -o out/sweep \
        --set data.train=OUT/tokens/train --set data.heldout_text=OUT/text/heldout --set run.steps=30
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep_cmd(
        out: Path = typer.Option(..., "-o", "--out", help="Sweep folder (study journal, trials, best.yaml, report)."),
        preset: Optional[str] = typer.Option(None, "--preset", help="Base training preset (e.g. cpu-smollm2)."),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Base training YAML config."),
        set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a base field: section.key=value."),
        trials: int = typer.Option(10, "--trials", help="Complete trials to reach (a rerun continues the study)."),
        seed: int = typer.Option(0, "--seed", help="TPE sampler seed."),
        jobs: int = typer.Option(1, "--jobs", help="Trials at once (one per GPU; on CPU they share the cores)."),
        ranks: str = typer.Option("8,16,32,64,128", "--ranks", help="LoRA ranks to choose from."),
        targets: str = typer.Option("attention,all-linear", "--targets", help="Target module sets: attention, "
                                    "all-linear."),
        lr_min: float = typer.Option(5e-5, "--lr-min"),
        lr_max: float = typer.Option(2e-3, "--lr-max"),
        startup: int = typer.Option(4, "--startup-trials", help="Random trials before TPE."),
        as_json: bool = typer.Option(False, "--json", help="Print the result JSON."),
    ) -> None:
        """Search rank × target modules × learning rate with short real training runs; objective: held-out
        bits per byte on the shared evaluation set. Writes trials.jsonl, best.yaml and report.html."""
        from rich.console import Console

        from firmcorpus.core.errors import UserError
        from firmcorpus.train.sweep import SweepConfig, SweepSpace, run_sweep

        err = Console(stderr=True)
        try:
            space = SweepSpace(ranks=tuple(int(r) for r in ranks.split(",") if r.strip()),
                               targets=tuple(t.strip() for t in targets.split(",") if t.strip()),
                               lr_min=lr_min, lr_max=lr_max)
        except ValueError as exc:
            raise UserError(f"--ranks must be integers: {ranks!r}") from exc
        bad = [t for t in space.targets if t not in ("attention", "all-linear")]
        if bad:
            raise UserError(f"unknown --targets {bad}: choose attention, all-linear")
        sc = SweepConfig(out_dir=str(out), trials=trials, seed=seed, jobs=jobs, startup_trials=startup,
                         preset=preset, config=str(config) if config else None, overrides=list(set_ or []),
                         space=space)
        try:
            result = run_sweep(sc, log=lambda s: err.print(s))
        except (FileNotFoundError, KeyError, ValueError) as exc:
            raise UserError(str(exc)) from exc
        if as_json:
            typer.echo(json.dumps(result, indent=1, sort_keys=True, default=str))
        else:
            err.print(f"report: {result['report']}")
