"""``firmcorpus inspect OUT [--manufacturer NAME] [--pair ID] [--json]``: what a build holds, per manufacturer.

The numbers come from ``data_catalog.inspect.inspect_build``; this module only renders them
(rich tables in the terminal, the same dict as JSON with ``--json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

PERCENT_KEYS = ("linked_share", "score", "check_score")


def _fmt(v: Any, key: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1%}" if key in PERCENT_KEYS else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _table(title: str, rows: list[dict[str, Any]], cols: list[tuple[str, str]]):
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for key, head in cols:
        t.add_column(head, justify="left" if key in ("manufacturer", "pair_id", "reason", "stage", "domain", "split",
                                                     "status", "title", "section_id", "category", "reason") else "right")
    for r in rows:
        t.add_row(*[_fmt(r.get(k), k) for k, _ in cols])
    return t


MAN_COLS = [("manufacturer", "manufacturer"), ("pairs", "pairs"), ("pages", "ds pages"), ("sections", "sections"),
            ("registers", "registers"), ("registers_linked", "linked"), ("linked_share", "linked %"),
            ("files", "files"), ("symbols", "symbols"), ("documents", "docs"), ("tokens", "tokens"),
            ("drops", "drops")]
PAIR_COLS = [("pair_id", "pair"), ("category", "category"), ("pages", "ds pages"), ("sections", "sections"),
             ("registers", "registers"), ("registers_linked", "linked"), ("linked_share", "linked %"),
             ("files", "files"), ("symbols", "symbols"), ("documents", "docs"), ("tokens", "tokens"),
             ("check_verdict", "pair check")]


def render(result: dict[str, Any]) -> None:
    from rich.console import Console

    con = Console()
    if not con.is_terminal:  # piped output: wide tables rather than wrapped cells
        con = Console(width=200)
    con.print(f"[bold]build[/bold] {result['out']}")
    if result["missing_tables"]:
        con.print(f"[yellow]missing catalog tables (numbers read as 0):[/yellow] {', '.join(result['missing_tables'])}")
    tot = result["totals"]
    con.print("totals: " + ", ".join(f"{k} {_fmt(v, k)}" for k, v in tot.items()))

    def breakdown(b: dict[str, Any], what: str) -> None:
        st = b["section_status"]
        con.print(f"section status ({what}): " + ", ".join(f"{k} {v:,}" for k, v in st.items()))
        con.print(_table(f"tokens per domain and split ({what})", b["tokens_by_domain"],
                         [("domain", "domain"), ("split", "split"), ("documents", "docs"), ("tokens", "tokens"),
                          ("bytes", "bytes")]))
        con.print(_table(f"drops ({what})", b["drops_by_reason"],
                         [("stage", "stage"), ("reason", "reason"), ("count", "count")]))

    if "pair" in result:
        p = result["pair"]
        con.print(_table(f"pair {p['pair_id']}", [p], PAIR_COLS))
        con.print(f"manufacturer {p.get('manufacturer')} (raw {p.get('manufacturer_raw')!r}); "
                  f"mapping {p.get('mapping_md') or '(no mapping document)'}")
        if p.get("mapping_metrics"):
            con.print("mapping metrics: " + ", ".join(f"{k} {_fmt(v)}" for k, v in p["mapping_metrics"].items()))
        con.print(_table("worst-covered sections", p["worst_sections"],
                         [("section_id", "section"), ("title", "title"), ("status", "status"), ("score", "score"),
                          ("registers", "registers"), ("linked", "linked"), ("reason", "why")]))
        breakdown(p, p["pair_id"])
        return
    if "manufacturer" in result:
        m = result["manufacturer"]
        con.print(f"[bold]{m['manufacturer']}[/bold] (raw names: {', '.join(m['raw_names']) or '–'})")
        con.print(_table(f"{m['manufacturer']}: pairs", m["pair_rows"], PAIR_COLS))
        breakdown(m, m["manufacturer"])
        return
    con.print(_table("per manufacturer", result["manufacturers"], MAN_COLS))
    breakdown(result, "all")


def register(app: typer.Typer) -> None:
    @app.command("inspect")
    def inspect_cmd(
        out: Path = typer.Argument(..., help="Build output folder (OUT of `firmcorpus build`)."),
        manufacturer: Optional[str] = typer.Option(None, "--manufacturer", "-m",
                                                   help="Canonical or raw manufacturer name."),
        pair: Optional[str] = typer.Option(None, "--pair", "-p", help="A pair id: mapping summary and worst sections."),
        worst: int = typer.Option(10, help="How many worst-covered sections to list for --pair."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Per-manufacturer numbers of a build: pairs, datasheet pages, sections, registers (linked share),
        section status, files, symbols, documents and tokens per domain/split, drops by reason."""
        from firmcorpus.data_catalog.inspect import InspectError, inspect_build

        try:
            result = inspect_build(out, manufacturer=manufacturer, pair=pair, worst=worst)
        except (InspectError, FileNotFoundError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        if as_json:
            typer.echo(json.dumps(result, indent=1, default=str))
        else:
            render(result)
