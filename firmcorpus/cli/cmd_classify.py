"""``firmcorpus classify``: domain classification of files, and the model's train/eval/labelled set.

* ``classify predict FILE_OR_DIR [--json]`` — domain and scores per file (rules + model, as the
  pipeline step does);
* ``classify train`` — reproducibly rebuild the model (by default the shipped
  ``corpus/domains/default_model.ftz``) from the registry sources' training packages;
* ``classify eval`` — accuracy / macro-F1 / confusion on the held-out packages;
* ``classify labelled-set`` — write the labelled set (source, path, domain, split, why) as JSONL.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from firmcorpus.cli._ui import progress_bar

app = typer.Typer(help="Classify code into the 13 embedded domains (rules + fastText); train/evaluate the model.",
                  no_args_is_help=True)


@app.command("predict")
def predict_cmd(
    target: str = typer.Argument(..., help="a source file or a directory (walked for code files)"),
    model: str = typer.Option(None, help="fastText model (.ftz/.bin); default: the shipped model"),
    as_json: bool = typer.Option(False, "--json", help="print JSON records"),
    no_context: bool = typer.Option(False, help="classify each file alone (no folder context)"),
) -> None:
    """Domain (and all 13 scores) of each file."""
    from firmcorpus.corpus.domains.jobs import classify_paths

    rows = classify_paths(target, model, directory_context=not no_context)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("path", "domain", "by", "score", "runner-up")
    for r in rows:
        ranked = sorted(r["domain_scores"].items(), key=lambda kv: -kv[1])
        second = next((f"{d} {v:.2f}" for d, v in ranked if d != r["domain"]), "")
        table.add_row(r["path"], r["domain"], r["domain_source"], f"{r['domain_scores'][r['domain']]:.2f}", second)
    Console().print(table)


@app.command("train")
def train_cmd(
    out: str = typer.Option(None, help="where to write the model (default: the shipped default_model.ftz)"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap (0.1 for a quick model)"),
    epoch: int = typer.Option(None, help="fastText epochs (default: TrainConfig)"),
    dim: int = typer.Option(None, help="vector size (default: TrainConfig)"),
    bucket: int = typer.Option(None, help="hash buckets for word n-grams (default: TrainConfig)"),
    seed: int = typer.Option(0, help="fastText seed"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    documents: str = typer.Option(None, help="also train on a build's documents (parquet folder, e.g. "
                                             "OUT/text/train), labelled by the rules where they are sure"),
    registry: bool = typer.Option(True, help="train on the registry training packages (--no-registry: "
                                             "only on --documents)"),
    as_json: bool = typer.Option(False, "--json", help="print the training summary as JSON"),
) -> None:
    """Rebuild the domain model from the training packages (same sources and seed → same bytes)."""
    from firmcorpus.corpus.domains.jobs import train_model

    summary = train_model(out, cap_scale, epoch, dim, bucket, seed, fetch=not no_fetch, documents=documents,
                          registry=registry)
    path = Path(summary.pop("path"))
    reserved = {k.split(":", 1)[1]: v for k, v in summary.get("skipped", {}).items() if k.startswith("reserved:")}
    typer.echo(json.dumps(summary, indent=2) if as_json else
               f"wrote {path} ({summary['bytes']} bytes) from {summary['files']} files; summary in "
               f"{path.with_suffix('.json')}\nreserved copies excluded from training: {sum(reserved.values())} files"
               + "".join(f"\n  {src}: {n}" for src, n in sorted(reserved.items())))


@app.command("eval")
def eval_cmd(
    model: str = typer.Option(None, help="fastText model; default: the shipped model"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    as_json: bool = typer.Option(False, "--json", help="print the metrics as JSON"),
) -> None:
    """Accuracy, macro-F1 and confusion matrix on the held-out packages."""
    from firmcorpus.corpus.domains.evalset import format_eval
    from firmcorpus.corpus.domains.jobs import evaluate_model

    with progress_bar("classifying held-out files", enabled=not as_json) as progress:
        res = evaluate_model(model, cap_scale, fetch=not no_fetch, progress=progress)
    typer.echo(json.dumps(res, indent=2) if as_json else format_eval(res))


@app.command("labelled-set")
def labelled_set_cmd(
    out: str = typer.Option(None, help="JSONL path (default: <cache>/classify/labelled.jsonl)"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Write the labelled training + held-out set: source, path, domain, split, why, sha256."""
    from firmcorpus.corpus.domains.jobs import write_labelled_set

    summary = write_labelled_set(out, cap_scale, fetch=not no_fetch)
    typer.echo(json.dumps(summary, indent=2) if as_json else
               f"wrote {summary['path']}: {summary['train']} training and {summary['eval']} held-out files")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="classify")
