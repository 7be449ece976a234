"""``firmcorpus map`` and ``firmcorpus map-eval``: the datasheet-to-code mapping of one pair, and
its quality against hand-checked truth files.

Loading a repository is two passes: every source file's text is read (cheap), then
``mapping.repo.prefilter`` keeps the files that name the datasheet's part number, their driver
siblings and the headers they include, and only those are parsed. A whole kernel tree therefore
maps in about the time it takes to read it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import typer

SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"))
MAX_FILE_BYTES = 2_000_000


def read_texts(root: str | os.PathLike, progress: bool = False) -> dict[str, str]:
    """Texts of every file of ``root`` the code parser has a language for (relative '/' paths,
    sorted, files over 2 MB and binary files left out)."""
    from firmcorpus.parsers.code import detect_language

    root = Path(root)
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in sorted(filenames):
            if detect_language(f) != "other":
                paths.append(Path(dirpath) / f)
    texts: dict[str, str] = {}

    def read(p: Path) -> None:
        try:
            if not p.is_file() or p.stat().st_size > MAX_FILE_BYTES:
                return
            data = p.read_bytes()
        except OSError:
            return
        if b"\0" in data[:8192]:
            return
        texts[p.relative_to(root).as_posix()] = data.decode("utf-8", "replace")

    if progress and paths:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("reading", total=len(paths))
            for p in paths:
                read(p)
                bar.advance(task)
    else:
        for p in paths:
            read(p)
    return dict(sorted(texts.items()))


def parse_selected(texts: dict[str, str], selected: set[str] | None, progress: bool = False) -> list:
    """``CodeFile``s of the selected paths (all when ``selected`` is None)."""
    from firmcorpus.parsers.code import parse_code

    paths = [p for p in texts if selected is None or p in selected]
    out = []
    if progress and len(paths) > 200:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("parsing", total=len(paths))
            for p in paths:
                out.append(parse_code(p, texts[p].encode("utf-8", "surrogatepass")))
                bar.advance(task)
    else:
        out = [parse_code(p, texts[p].encode("utf-8", "surrogatepass")) for p in paths]
    return out


def load_datasheet(path: str | os.PathLike):
    """PDF → ``parse_pdf``; SVD (``.svd``/``.xml`` or XML content) → ``parse_svd``."""
    p = Path(path)
    if not p.is_file():
        raise typer.BadParameter(f"{path}: no such file; give a PDF datasheet or a CMSIS-SVD file")
    from firmcorpus.parsers.models import ParseError

    head = p.read_bytes()[:512].lstrip()
    try:
        if p.suffix.lower() in (".svd", ".xml") or head.startswith(b"<?xml") or head.startswith(b"<device"):
            from firmcorpus.parsers.svd import parse_svd

            return parse_svd(p)
        from firmcorpus.parsers.datasheet import parse_pdf

        return parse_pdf(p)
    except ParseError as e:
        raise typer.BadParameter(f"{e} — give a PDF datasheet or a CMSIS-SVD (.svd/.xml) file") from e


def map_repo(datasheet, texts: dict[str, str], progress: bool = False, **options: Any):
    """Prefilter, parse the kept files, map. Returns (MappingResult, timing dict)."""
    from firmcorpus.mapping import map_pair
    from firmcorpus.mapping.repo import part_numbers, prefilter

    t0 = time.perf_counter()
    parts = part_numbers(datasheet)
    selected = prefilter(datasheet, texts, parts)
    t1 = time.perf_counter()
    files = parse_selected(texts, selected, progress)
    t2 = time.perf_counter()
    sub_texts = {f.path: texts[f.path] for f in files}
    res = map_pair(datasheet, files, sub_texts, parts=parts, **options)
    t3 = time.perf_counter()
    res.metrics["repo_files"] = len(texts)
    timing = {"prefilter_s": round(t1 - t0, 3), "parse_s": round(t2 - t1, 3), "map_s": round(t3 - t2, 3),
              "parsed_files": len(files)}
    res.metrics.update(timing)
    return res, timing


def register(app: typer.Typer) -> None:
    @app.command("map")
    def map_cmd(
        datasheet: Path = typer.Option(..., "--datasheet", "-d", help="PDF datasheet or CMSIS-SVD file"),
        repo: Path = typer.Option(..., "--repo", "-r", help="repository folder"),
        as_json: bool = typer.Option(False, "--json", help="print the Mapping contract JSON"),
        markdown: Path = typer.Option(None, "--md", help="also write the readable mapping here"),
    ) -> None:
        """Map a datasheet's sections and registers onto a repository (folders → files → symbols → status)."""
        if not repo.is_dir():
            raise typer.BadParameter(f"{repo}: not a folder; give the repository's root folder")
        ds = load_datasheet(datasheet)
        texts = read_texts(repo, progress=not as_json)
        res, _ = map_repo(ds, texts, progress=not as_json)
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
        from firmcorpus.mapping.metrics import evaluate, load_truth, micro

        truths = sorted(truth.glob("*.json")) if truth.is_dir() else [truth]
        if not truths:
            raise typer.BadParameter(f"{truth}: no *.json truth files there")
        texts = read_texts(repo, progress=not as_json)
        rows = []
        for tp in truths:
            t = load_truth(tp)
            pdf = tp.parent / t.get("datasheet", {}).get("file", tp.with_suffix(".pdf").name)
            ds = load_datasheet(pdf)
            res, timing = map_repo(ds, texts)
            e = evaluate(res, t)
            e.update(pair_id=t.get("pair_id", tp.stem), seconds=round(sum(v for k, v in timing.items()
                                                                        if k.endswith("_s")), 3))
            rows.append(e)
        out = {"pairs": rows, "micro": micro(rows)}
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
