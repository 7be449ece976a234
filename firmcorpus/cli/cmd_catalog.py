"""``firmcorpus catalog import FILE`` and ``firmcorpus catalog show FILE_OR_OUT``.

``pair-check OUT`` scores every pair of a build from its catalog (``pair_checks`` table).
``import`` validates a manifest (one error per bad row, the load goes on) and, with ``-o OUT``,
writes the accepted pairs as ``OUT/catalog/pairs.parquet``. ``show`` summarises a manifest
(accepted rows, raw and canonical manufacturer counts, categories, rows whose files do not
exist, rejected rows) or, given a build folder, lists its catalog tables and row counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

catalog_app = typer.Typer(help="Manifests and the catalog tables of a build.", no_args_is_help=True)


def _load(path: Path, check_paths: bool):
    from firmcorpus.data_catalog.manifest import ManifestError, load_manifest

    try:
        return load_manifest(path, check_paths=check_paths)
    except ManifestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)


def _console():
    from rich.console import Console

    con = Console()
    return con if con.is_terminal else Console(width=200)  # piped: long lines rather than wrapped cells


def _render_manifest(load) -> None:
    from rich.table import Table

    con = _console()
    s = load.summary()
    con.print(f"[bold]manifest[/bold] {s['manifest']} ({s['format']}): {s['rows']} rows, "
              f"[green]{s['accepted']} pairs accepted[/green], "
              f"{'[red]' if s['rejected'] else ''}{s['rejected']} rejected{'[/red]' if s['rejected'] else ''}")
    con.print(f"manufacturers: {s['manufacturers_raw']} raw names → {s['manufacturers_canonical']} canonical"
              + (f"; not in the canonical table: {', '.join(s['manufacturers_unknown'])}"
                 if s["manufacturers_unknown"] else "; all raw names known to the canonical table"))
    t = Table(title=f"categories ({s['category_count']})", title_justify="left")
    t.add_column("category")
    t.add_column("pairs", justify="right")
    for c, n in s["categories"].items():
        t.add_row(c, str(n))
    con.print(t)
    t = Table(title="canonical manufacturers (merged spellings)", title_justify="left")
    t.add_column("canonical")
    t.add_column("pairs", justify="right")
    t.add_column("raw spellings")
    for name, n in s["manufacturers"].items():
        raws = s["manufacturer_aliases"].get(name, [])
        if len(raws) > 1 or raws != [name]:
            t.add_row(name, str(n), "; ".join(raws))
    con.print(t)
    if s["missing_files"]:
        con.print(f"[yellow]{len(s['missing_files'])} rows whose files do not exist[/yellow] "
                  f"(file_exists = FALSE): {', '.join(s['missing_files'])}")
    if load.errors:
        t = Table(title="rejected rows", title_justify="left")
        for h in ("row", "pair_id", "kind", "reason"):
            t.add_column(h)
        for e in load.errors:
            t.add_row(str(e.row), e.pair_id or "–", e.kind, e.reason)
        con.print(t)


@catalog_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="Manifest: YAML, JSON, CSV or parquet."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write accepted pairs to OUT/catalog/pairs.parquet."),
    check_paths: bool = typer.Option(True, "--check-paths/--no-check-paths",
                                     help="Reject rows whose local repo/datasheet paths do not exist."),
    strict: bool = typer.Option(False, help="Exit with status 1 when any row is rejected."),
    as_json: bool = typer.Option(False, "--json", help="Print summary, errors and pairs as JSON."),
) -> None:
    """Validate a manifest: typed pairs, one clear error per bad row."""
    load = _load(file, check_paths)
    if out is not None:
        from firmcorpus.data_catalog.manifest import write_pairs_table

        write_pairs_table(load.pairs, out)
    if as_json:
        typer.echo(json.dumps(load.to_dict(), indent=1, default=str))
    else:
        _render_manifest(load)
        if out is not None:
            typer.echo(f"wrote {len(load.pairs)} pairs to {out / 'catalog' / 'pairs.parquet'}")
    if strict and load.errors:
        raise typer.Exit(1)


@catalog_app.command("show")
def show_cmd(
    target: Path = typer.Argument(..., help="A manifest file, or a build folder OUT (reads OUT/catalog)."),
    check_paths: bool = typer.Option(True, "--check-paths/--no-check-paths",
                                     help="For a manifest: reject rows whose local paths do not exist."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Summarise a manifest (accepted pairs, manufacturers raw → canonical, categories, missing files)
    or list the catalog tables of a build."""
    if target.is_dir():
        from firmcorpus.data_catalog.catalog import catalog_info

        try:
            info = catalog_info(target)
        except FileNotFoundError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        if as_json:
            typer.echo(json.dumps(info, indent=1, default=str))
            return
        from rich.table import Table

        con = _console()
        t = Table(title=f"catalog of {info['out']}", title_justify="left")
        t.add_column("table")
        t.add_column("rows", justify="right")
        t.add_column("columns")
        for name, n in info["tables"].items():
            t.add_row(name, "[yellow]missing[/yellow]" if n is None else f"{n:,}",
                      ", ".join(info["columns"].get(name, [])))
        con.print(t)
        return
    load = _load(target, check_paths)
    if as_json:
        typer.echo(json.dumps({"summary": load.summary(), "errors": [e.to_dict() for e in load.errors]},
                              indent=1, default=str))
    else:
        _render_manifest(load)


@catalog_app.command("pair-check")
def pair_check_cmd(
    out: Path = typer.Argument(..., help="Build output folder OUT."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """Score every pair of a build (datasheet part numbers and register vocabulary against the repository's
    paths and symbols, from the catalog tables) and write OUT/catalog/pair_checks.parquet."""
    from firmcorpus.data_catalog.pair_check import write_pair_checks

    try:
        dest = write_pair_checks(out)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    import polars as pl

    rows = pl.read_parquet(dest).to_dicts()
    if as_json:
        typer.echo(json.dumps(rows, indent=1, default=str))
        return
    from rich.table import Table

    con = _console()
    t = Table(title=f"pair checks → {dest}", title_justify="left")
    for h in ("pair", "verdict", "score", "parts found", "names found", "why"):
        t.add_column(h)
    order = {"mismatch": 0, "weak": 1, "unknown": 2, "match": 3}
    for r in sorted(rows, key=lambda r: (order.get(r["verdict"], 0), r["score"] or 0.0, r["pair_id"])):
        t.add_row(r["pair_id"], r["verdict"], "–" if r["score"] is None else f"{r['score']:.2f}",
                  r.get("part_numbers_found") or "–", str(r.get("names_found") or 0), r.get("reasons") or "")
    con.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
