"""``firmcorpus code PATH``: symbols, register definitions, includes and flags of a file or a tree."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"))


def code_files(root: Path) -> list[Path]:
    """Files of a tree that the code parser has a language for, sorted (deterministic output)."""
    from firmcorpus.parsers.code import detect_language

    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in sorted(filenames):
            p = Path(dirpath) / f
            if detect_language(f) != "other" and p.is_file():
                out.append(p)
    return sorted(out)


def inspect_code(path: str, kind: str | None = None, progress: bool = False) -> dict:
    """The ``--json`` object: one CodeFile dict for a file; ``{"root", "files", "include_graph"}``
    for a directory (paths relative to it). ``kind`` keeps only symbols of that kind."""
    from firmcorpus.parsers.code import parse_code
    from firmcorpus.parsers.includes import include_graph

    p = Path(path)
    if not p.exists():
        raise typer.BadParameter(f"{path} does not exist: give a source file or a folder of sources")

    def keep(cf):
        if kind:
            cf.symbols = [s for s in cf.symbols if s.kind == kind]
        return cf

    if p.is_file():
        return keep(parse_code(p.name, p.read_bytes())).to_dict()
    files = code_files(p)
    parsed = {}
    if progress and files:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("parsing", total=len(files))
            for f in files:
                rel = f.relative_to(p).as_posix()
                parsed[rel] = parse_code(rel, f.read_bytes())
                bar.advance(task)
    else:
        for f in files:
            rel = f.relative_to(p).as_posix()
            parsed[rel] = parse_code(rel, f.read_bytes())
    graph = include_graph(parsed)
    return {"root": str(p), "files": [keep(cf).to_dict() for cf in parsed.values()],
            "include_graph": {k: v for k, v in graph.items() if v}}


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
        result = inspect_code(str(path), kind, progress=not as_json)
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
