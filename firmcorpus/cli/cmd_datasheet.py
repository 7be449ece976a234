"""``firmcorpus datasheet FILE``: sections, peripherals and registers of a PDF or CMSIS-SVD datasheet."""

from __future__ import annotations

import json
import re

import typer


def _page_range(spec: str | None) -> tuple[int, int] | None:
    if not spec:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", spec)
    if not m:
        raise typer.BadParameter(f"--pages {spec!r}: give a 1-based range such as 20-35 (or one page: 27)")
    a = int(m.group(1))
    b = int(m.group(2) or a)
    if a < 1 or b < a:
        raise typer.BadParameter(f"--pages {spec!r}: the range must be ascending and start at 1 or later")
    return a, b


def _print_tree(d: dict, registers: bool) -> None:
    from rich.console import Console
    from rich.tree import Tree

    console = Console()
    pages = f"{d['pages']} pages" if d["pages"] else "SVD"
    root = Tree(f"[bold]{d['source']}[/bold]  {d['title']}  ({pages}, {len(d['sections'])} sections, "
                f"{len(d['peripherals'])} peripherals, {len(d['registers'])} registers)")
    secs = root.add("sections")
    stack: list[tuple[int, Tree]] = [(0, secs)]
    for s in d["sections"]:
        while stack and stack[-1][0] >= s["level"]:
            stack.pop()
        parent = stack[-1][1] if stack else secs
        span = f" [dim]p.{s['page_start']}-{s['page_end']}[/dim]" if s["page_start"] else ""
        node = parent.add(f"{s['id']} {s['title']}{span}")
        stack.append((s["level"], node))
    if d["peripherals"]:
        per = root.add("peripherals")
        for p in d["peripherals"]:
            per.add(f"{p['name']} {p['base_address'] or ''}")
    regs = root.add(f"registers ({len(d['registers'])})")
    by_periph: dict[str, list] = {}
    for r in d["registers"]:
        by_periph.setdefault(r["peripheral"] or "", []).append(r)
    for periph, rs in by_periph.items():
        node = regs.add(periph) if periph else regs
        for r in rs if registers else rs[:20]:
            extra = " ".join(x for x in (f"reset={r['reset']}" if r["reset"] else "",
                                         r["access"] or "", f"p.{r['page']}" if r["page"] else "") if x)
            rn = node.add(f"[bold]{r['name']}[/bold] {r['address']} {extra}")
            if registers:
                for f in r["fields"]:
                    rn.add(f"{f['bits']:>6} {f['name']}" + (f" ({f['access']})" if f["access"] else ""))
        if not registers and len(rs) > 20:
            node.add(f"[dim]... {len(rs) - 20} more (use --registers)[/dim]")
    if d["warnings"]:
        w = root.add("[yellow]warnings[/yellow]")
        for x in d["warnings"][:50]:
            w.add(x)
    console.print(root)


def register(app: typer.Typer) -> None:
    @app.command("datasheet")
    def datasheet_cmd(
        file: str = typer.Argument(..., help="PDF datasheet, or CMSIS-SVD file (.svd/.xml)"),
        as_json: bool = typer.Option(False, "--json", help="print the Datasheet contract JSON"),
        registers: bool = typer.Option(False, "--registers", help="list every register with its bit fields"),
        pages: str = typer.Option(None, "--pages", help="only pages A-B (1-based, inclusive) of a PDF"),
    ) -> None:
        """Show a datasheet's sections, peripherals and register map (PDF or CMSIS-SVD)."""
        from firmcorpus.parsers.datasheet import inspect_datasheet
        from firmcorpus.parsers.models import ParseError

        try:
            d = inspect_datasheet(file, _page_range(pages))
        except ParseError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)
        if as_json:
            typer.echo(json.dumps(d, indent=1, ensure_ascii=False))
            return
        _print_tree(d, registers)
