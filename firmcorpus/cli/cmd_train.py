"""``firmcorpus train``: rsLoRA continual pretraining over token shards (see docs/train.md).

One process:       firmcorpus train --preset cpu-smollm2 --set data.train=OUT/tokens/train
Several (DDP/FSDP): torchrun --nproc-per-node 8 -m firmcorpus train --preset olmo3-7b-8xh100
Plan only:         firmcorpus train --preset olmo3-7b-8xh100 --dry-run --world-size 8 [--json]
Merge an adapter:  firmcorpus train --merge-adapter RUN/adapter --merged-out RUN/merged --set model.name_or_path=…
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train_cmd(
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="YAML config (sections model, lora, data, optim, run)."),
        preset: Optional[str] = typer.Option(None, "--preset", help="Base preset: cpu-smollm2 | olmo3-7b-8xh100."),
        set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a field: section.key=value (repeatable)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan (params, tokens/step, steps, memory) and exit."),
        world_size: Optional[int] = typer.Option(None, "--world-size", help="Devices assumed by --dry-run (default: WORLD_SIZE or 1)."),
        merge_adapter: Optional[Path] = typer.Option(None, "--merge-adapter", help="Merge this PEFT adapter into model.name_or_path and exit."),
        merged_out: Optional[Path] = typer.Option(None, "--merged-out", help="Output folder for --merge-adapter."),
        as_json: bool = typer.Option(False, "--json", help="Print the plan / run summary as JSON."),
    ) -> None:
        """Train a rank-stabilised LoRA adapter on datatrove token shards (or plan / merge one)."""
        from rich.console import Console

        from firmcorpus.train.config import load_config, presets

        console = Console(stderr=True)
        try:
            cfg = load_config(config, preset, set_)
        except (FileNotFoundError, KeyError, ValueError) as exc:
            console.print(f"[red]config error:[/] {exc}")
            console.print(f"presets: {', '.join(presets())}")
            raise typer.Exit(2) from exc

        if merge_adapter is not None:
            from firmcorpus.train.export import export_merged

            if merged_out is None:
                console.print("[red]--merge-adapter needs --merged-out DIR[/]")
                raise typer.Exit(2)
            report = export_merged(cfg.model.name_or_path, merge_adapter, merged_out, dtype=cfg.run.merged_dtype)
            typer.echo(json.dumps(report, indent=1) if as_json else
                       f"merged model written to {merged_out} (max |Δlogit| fp32 = {report['max_abs_logit_diff_fp32']:.2e})")
            return

        if dry_run:
            from firmcorpus.train.plan import make_plan

            ws = world_size or int(os.environ.get("WORLD_SIZE", "1"))
            plan = make_plan(cfg, world_size=ws)
            if as_json:
                typer.echo(json.dumps(plan, indent=1, default=str))
            else:
                _print_plan(console, cfg, plan)
            return

        from firmcorpus.train.loop import train

        summary = train(cfg, console=console)
        if int(os.environ.get("RANK", "0")) == 0:
            if as_json:
                typer.echo(json.dumps(summary, indent=1, default=str))
            else:
                _print_summary(console, summary)


def _print_plan(console, cfg, plan) -> None:
    from rich.table import Table

    console.print(cfg.to_yaml())
    t = Table(title="training plan (dry run)", show_header=False)
    p = plan["params"]
    rows = [
        ("model", f"{plan['model']} ({plan['model_type']}, {plan['dtype']}, {plan['device']})"),
        ("devices", f"{plan['world_size']}" + (f" ({plan['distributed']})" if plan["distributed"] else "")),
        ("params", f"{p['total']:,} total, {p['trainable']:,} trainable ({p['trainable_pct']:.2f}%)"),
        ("rsLoRA", f"r={plan['lora']['r']} alpha={plan['lora']['alpha']} scale={plan['lora']['scale']:.4f}"),
        ("tokens/step", f"{plan['tokens_per_step']:,}"),
        ("steps", f"{plan['steps']:,} (warmup {plan['warmup_steps']}, {plan['schedule']}), {plan['tokens']:,} tokens"),
        ("checkpoints", str(plan["checkpoints"])),
    ]
    if plan.get("config_source", "model") != "model":
        rows.append(("model config", f"[yellow]{plan['config_source']}[/]"))
    for k, v in plan["memory_per_device_gib"].items():
        rows.append((f"memory/{k}", f"{v:.2f} GiB"))
    data = plan["data"]
    if "error" in data:
        rows.append(("data", f"[yellow]{data['error']}[/]"))
    else:
        rows.append(("data", f"{data['train_tokens']:,} tokens, {data['train_documents']:,} docs, "
                             f"{data['epochs']:.2f} epochs"))
    for k, v in rows:
        t.add_row(k, v)
    console.print(t)


def _print_summary(console, s) -> None:
    console.print(f"[bold green]done[/]: {s['steps']} steps, {s['tokens_seen']:,} tokens; adapter in {s['adapter']}")
    if s.get("eval_start") and s.get("eval_end"):
        for name, end in s["eval_end"].items():
            start = s["eval_start"].get(name)
            if start:
                rel = 100 * (1 - end["ppl"] / start["ppl"])
                line = f"  held-out {name}: ppl {start['ppl']:.3f} -> {end['ppl']:.3f} ({rel:+.1f}% reduction)"
                d = (s.get("eval_delta") or {}).get(name)
                if d and d.get("ppl_change_lo") is not None:
                    line += (f"; paired change {100 * d['ppl_change']:+.1f}% [95% CI {100 * d['ppl_change_lo']:+.1f}, "
                             f"{100 * d['ppl_change_hi']:+.1f}] over {d['docs']} documents")
                console.print(line)
