"""``firmcorpus map`` and ``firmcorpus map-eval`` (library: ``firmcorpus.mapping.repo_map``)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from firmcorpus.cli._ui import progress_bar


def register(app: typer.Typer) -> None:
    @app.command("map")
    def map_cmd(
        datasheet: Path = typer.Option(..., "--datasheet", "-d", help="PDF datasheet or CMSIS-SVD file"),
        repo: Path = typer.Option(..., "--repo", "-r", help="repository folder"),
        as_json: bool = typer.Option(False, "--json", help="print the Mapping contract JSON"),
        markdown: Path = typer.Option(None, "--md", help="also write the readable mapping here"),
    ) -> None:
        """Map a datasheet's sections and registers onto a repository (folders → files → symbols → status)."""
        from firmcorpus.mapping.repo_map import map_folder

        with progress_bar("reading and parsing", enabled=not as_json) as progress:
            res, ds, texts = map_folder(datasheet, repo, progress)
        if markdown:
            from firmcorpus.mapping.render import render_markdown

            markdown.write_text(render_markdown(res, ds, texts))
        if as_json:
            typer.echo(json.dumps(res.to_dict(), indent=1, sort_keys=False))
            return
        _print_summary(res)

    @app.command("map-eval")
    def map_eval_cmd(
        truth: Path = typer.Argument(..., help="a truth JSON (registers + code links) or a folder of them"),
        repo: Path = typer.Option(..., "--repo", "-r", help="repository folder the truth's files are relative to"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Link precision/recall and file accuracy of the mapping against hand-checked truth files.

        Each truth's datasheet is the PDF named by its ``datasheet.file`` beside it."""
        from firmcorpus.mapping.repo_map import evaluate_truths

        with progress_bar("reading", enabled=not as_json) as progress:
            out = evaluate_truths(truth, repo, progress)
        rows = out["pairs"]
        if as_json:
            typer.echo(json.dumps(out, indent=1))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="mapping quality")
        for c in ("pair", "P", "R", "file acc", "tp", "fp", "fn", "s"):
            table.add_column(c, justify="right" if c != "pair" else "left")
        for e in rows:
            table.add_row(e["pair_id"], f"{e['precision']:.3f}", f"{e['recall']:.3f}", f"{e['file_accuracy']:.3f}",
                          str(e["tp"]), str(e["fp"]), str(e["fn"]), f"{e['seconds']:.2f}")
        m = out["micro"]
        table.add_row("micro", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['file_accuracy']:.3f}",
                      str(m["tp"]), str(m["fp"]), str(m["fn"]), "")
        Console().print(table)


def _print_summary(res) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    m = res.metrics
    con.print(f"registers {m['registers']}, linked {m['linked']}, links {m['links']}, field links "
              f"{m['field_links']}, candidate files {m['candidate_files']}/{m.get('repo_files', m['files'])}, "
              f"part numbers {', '.join(m['part_numbers']) or '-'}; sections {m['status']}")
    t = Table(title="register links")
    for c in ("peripheral", "register", "symbol", "file:line", "score", "evidence"):
        t.add_column(c, overflow="fold")
    for lk in res.links[:200]:
        t.add_row(lk.peripheral or "", lk.register, lk.symbol, f"{lk.file}:{lk.line}", f"{lk.score:.2f}",
                  ",".join(lk.evidence))
    con.print(t)
    if len(res.links) > 200:
        con.print(f"... {len(res.links) - 200} more links (--json for all)")
