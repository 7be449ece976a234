"""``firmcorpus dedup``: exact + near dedup of a folder of parquet documents, standalone."""

from __future__ import annotations

import json
from pathlib import Path
import typer


def dedup_folder(input_dir: str, out: str, tasks: int = 2, workers: int = 2, threshold: float = 0.7,
                 num_perm: int = 256, n_grams: int = 5, exact: bool = True, near: bool = True) -> dict:
    """Run the dedup stages locally; returns the summary printed by ``--json``.

    Layout: ``OUT/text/`` deduplicated documents, ``OUT/excluded/{exact,near}/`` dropped
    documents with ``filter_reason``, ``OUT/catalog/{exact,near}_duplicates.parquet``,
    ``OUT/work/`` intermediates (plan, hashes, signatures), ``OUT/logs/`` datatrove logs.
    Rerunning with the same arguments resumes (completed tasks are skipped).
    """
    import polars as pl

    from firmcorpus.corpus.catalog_parts import merge_parts
    from firmcorpus.corpus.dedup import DedupConfig, dedup_stages, run_local

    inp = Path(input_dir)
    if not inp.is_dir() or not any(inp.rglob("*.parquet")):
        raise typer.BadParameter(f"{input_dir} holds no .parquet documents (expected the output of a build's "
                                 "document stage, or any datatrove parquet with id/text/metadata)")
    o = Path(out)
    cfg = DedupConfig(exact=exact, near=near, threshold=threshold, num_perm=num_perm, n_grams=n_grams)
    stages = dedup_stages(str(inp), str(o / "work"), str(o / "text"), cfg, tasks=tasks,
                          catalog_dir=str(o / "catalog"), excluded_dir=str(o / "excluded"))
    run_local(stages, str(o / "logs"), workers=workers)

    def count(folder: Path) -> int:
        files = sorted(folder.rglob("*.parquet")) if folder.is_dir() else []
        return sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in files)

    tables = {}
    for table in ("exact_duplicates", "near_duplicates"):
        if (o / "catalog" / "parts" / table).is_dir():
            path = merge_parts(o / "catalog", table)
            tables[table] = str(path)
    summary = {
        "input": str(inp), "out": str(o), "tasks": tasks,
        "documents_in": count(inp), "documents_out": count(o / "text"),
        "exact_removed": count(o / "excluded" / "exact"), "near_removed": count(o / "excluded" / "near"),
        "minhash": cfg.minhash_config().to_dict() if near else None,
        "catalog": tables,
    }
    near_tab = tables.get("near_duplicates")
    if near_tab:
        df = pl.read_parquet(near_tab)
        summary["near_clusters"] = int(df["cluster"].n_unique()) if df.height else 0
    exact_tab = tables.get("exact_duplicates")
    if exact_tab:
        df = pl.read_parquet(exact_tab)
        summary["exact_groups"] = int(df["hash"].n_unique()) if df.height else 0
    return summary


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
