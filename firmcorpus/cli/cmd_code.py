"""``firmcorpus code PATH``: symbols, register definitions, includes and flags of a file or a tree."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from firmcorpus.cli._ui import progress_bar


def _hex(v):
    return "" if v is None else (f"0x{v:x}" if v >= 0 else str(v))


def register(app: typer.Typer) -> None:
    @app.command("code")
    def code_cmd(
        path: Path = typer.Argument(..., help="a source file (C/C++, asm, .dts, Kconfig, linker script) or a folder"),
        as_json: bool = typer.Option(False, "--json", help="print the Code contract JSON"),
        kind: str = typer.Option(None, "--kind", help="only symbols of this kind (macro, field, function, ...)"),
        limit: int = typer.Option(200, "--limit", help="table rows shown per file (JSON is never cut)"),
    ):
        """Parse code: symbols with evaluated register addresses and offsets, includes, flags."""
        from firmcorpus.parsers.models import SYMBOL_KINDS

        if kind and kind not in SYMBOL_KINDS:
            raise typer.BadParameter(f"--kind must be one of {', '.join(SYMBOL_KINDS)}")
        from firmcorpus.parsers.tree import inspect_code

        with progress_bar("parsing", enabled=not as_json) as progress:
            result = inspect_code(path, kind, progress=progress)
        if as_json:
            typer.echo(json.dumps(result, indent=1, sort_keys=True))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        files = [result] if "files" not in result else result["files"]
        summary = Table(title=f"code: {path}")
        for col in ("path", "language", "symbols", "registers", "includes", "parse errors", "flags"):
            summary.add_column(col)
        for f in files:
            regs = sum(1 for s in f["symbols"] if s.get("role") in ("register", "instance", "base"))
            summary.add_row(f["path"], f["language"], str(len(f["symbols"])), str(regs), str(len(f["includes"])),
                            str(f["parse_errors"]), ",".join(f["flags"]))
        if len(files) > 1:
            console.print(summary)
        for f in files[:1] if len(files) > 1 else files:
            t = Table(title=f"{f['path']} ({f['language']}, {len(f['symbols'])} symbols)")
            for col in ("line", "kind", "name", "value", "int", "parent", "offset", "type", "role"):
                # numbers never wrap (a folded address is unreadable); text columns fold
                t.add_column(col, overflow="fold", no_wrap=col in ("line", "kind", "int", "offset"))
            for s in f["symbols"][:limit]:
                t.add_row(str(s["start_line"]), s["kind"], s["name"], (s.get("value") or s.get("signature") or "")[:60],
                          _hex(s.get("int_value")), s.get("parent") or "", _hex(s.get("offset")), s.get("type") or "",
                          s.get("role") or "")
            console.print(t)
            if len(f["symbols"]) > limit:
                console.print(f"… {len(f['symbols']) - limit} more (--limit, --kind or --json)")
        if len(files) > 1:
            console.print(f"{len(files)} files; the symbol table above is the first file's, use --json for all")
