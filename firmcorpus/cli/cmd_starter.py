"""``firmcorpus starter``: fetch the built-in starter set into the cache (and show what it holds)."""

from __future__ import annotations

import json

import typer

from firmcorpus.cli._ui import console, progress_bar


def register(app: typer.Typer) -> None:
    @app.command()
    def starter(
        profile: str = typer.Option("default", help="default (≈35 MB) or full (adds linux-source-6.1, 139 MB)"),
        fetch_sources: bool = typer.Option(True, "--fetch/--no-fetch", help="download into the cache (else only list)"),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
    ):
        """Fetch the starter set's sources into the cache and list its pairs."""
        from rich.table import Table

        from firmcorpus.corpus.starter import fetch_profile, manifest_path, profile_rows

        err = console()
        try:
            rows = profile_rows(profile)
        except ValueError as e:
            raise typer.BadParameter(str(e)) from e
        fetched: dict[str, str] = {}
        errors: dict[str, str] = {}
        if fetch_sources:
            with progress_bar("fetching", enabled=not as_json) as progress:
                fetched, errors = fetch_profile(profile, progress)
        result = {"profile": profile, "manifest": str(manifest_path(profile)), "pairs": rows,
                  "fetched": fetched, "errors": errors}
        if as_json:
            print(json.dumps(result, indent=1))
            return
        t = Table(title=f"starter set '{profile}' ({len(rows)} pairs) — manifest {result['manifest']}")
        for col in ("pair", "manufacturer", "category", "repo", "datasheets"):
            t.add_column(col)
        for r in rows:
            t.add_row(r["pair_id"], r["manufacturer"], r["category"], r["repo"], str(len(r.get("datasheet") or [])))
        err.print(t)
        for s, e in errors.items():
            err.print(f"[red]failed[/] {e}")
        if errors:
            raise typer.Exit(1)
