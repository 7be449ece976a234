"""``firmcorpus dedup``: exact + near dedup of a folder of parquet documents, standalone."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("dedup")
    def dedup_cmd(
        input_dir: Path = typer.Argument(..., help="folder of parquet documents (id, text, metadata)"),
        out: Path = typer.Option(..., "-o", "--out", help="output folder"),
        tasks: int = typer.Option(2, help="tasks of the reading stages; keep it when resuming"),
        workers: int = typer.Option(2, help="local worker processes"),
        threshold: float = typer.Option(0.7, help="MinHash Jaccard threshold"),
        num_perm: int = typer.Option(256, help="MinHash permutation budget"),
        n_grams: int = typer.Option(5, help="shingle size in code tokens"),
        exact: bool = typer.Option(True, "--exact/--no-exact", help="exact dedup + vendored collapse"),
        near: bool = typer.Option(True, "--near/--no-near", help="MinHash near-dedup"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ):
        """Exact dedup (keeping the best-sourced copy, provenance in the catalog), then code-aware MinHash."""
        from firmcorpus.corpus.dedup import dedup_folder

        summary = dedup_folder(str(input_dir), str(out), tasks=tasks, workers=workers, threshold=threshold,
                               num_perm=num_perm, n_grams=n_grams, exact=exact, near=near)
        if as_json:
            typer.echo(json.dumps(summary, indent=1, sort_keys=True))
            return
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"firmcorpus dedup → {summary['out']}")
        for col in ("documents in", "exact removed", "near removed", "documents out"):
            t.add_column(col, justify="right")
        t.add_row(str(summary["documents_in"]), str(summary["exact_removed"]), str(summary["near_removed"]),
                  str(summary["documents_out"]))
        Console().print(t)
