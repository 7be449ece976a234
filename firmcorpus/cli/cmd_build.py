"""``firmcorpus build`` and ``firmcorpus starter``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer


def _console():
    from rich.console import Console

    return Console(stderr=True)


def load_pairs(manifest: Path, console=None) -> tuple[list[dict], str]:
    """Manifest → pair dicts; bad rows are reported and skipped (the build goes on without them)."""
    from firmcorpus.data_catalog.manifest import ManifestError, load_manifest

    try:
        loaded = load_manifest(manifest)
    except ManifestError as e:
        raise typer.BadParameter(str(e)) from e
    for err in loaded.errors:
        (console or _console()).print(f"[yellow]manifest row skipped:[/] {err}")
    return [p.to_dict() for p in loaded.pairs], str(Path(manifest).resolve().parent)


def print_summary(summary: dict, console) -> None:
    from rich.table import Table

    t = Table(title=f"firmcorpus build → {summary['out']}")
    for col in ("pairs", "files read", "MB read", "documents", "tokens"):
        t.add_column(col, justify="right")
    t.add_row(str(summary["pairs"]), str(summary["files_read"]), f"{summary['bytes_read'] / 1e6:.1f}",
              str(summary["documents"]), f"{summary['tokens']:,}")
    console.print(t)
    for key, title in (("per_manufacturer", "manufacturer"), ("per_domain", "domain"), ("per_split", "split"),
                       ("per_kind", "kind")):
        rows = summary.get(key) or []
        if not rows:
            continue
        tt = Table(title=f"per {title}")
        tt.add_column(title)
        for col in ("documents", "tokens", "MB"):
            tt.add_column(col, justify="right")
        name = key.split("_", 1)[1]
        for r in rows:
            tt.add_row(str(r.get(name)), str(r["documents"]), f"{r['tokens']:,}", f"{r['bytes'] / 1e6:.2f}")
        console.print(tt)
    if summary.get("drops"):
        td = Table(title="dropped (kept with their reason)")
        for col in ("stage", "reason", "count"):
            td.add_column(col)
        for r in summary["drops"]:
            td.add_row(r["stage"], r["reason"], str(r["count"]))
        console.print(td)
    st = Table(title="stages")
    for col in ("stage", "seconds", "docs in", "docs out"):
        st.add_column(col)
    for name, s in summary.get("stages", {}).items():
        st.add_row(name, str(s.get("seconds")), str(s.get("docs_in", "")), str(s.get("docs_out", "")))
    console.print(st)
    c = summary.get("contamination", {})
    console.print(f"contamination: {c.get('documents', 0)} training documents overlapped held-out text "
                  f"(report: {summary['out']}/logs/contamination.json)")
    console.print(f"[bold]output[/]: {summary['out']}   [bold]report[/]: {summary.get('report')}")


def slurm_dry_run(stages, config, logs: Path) -> list[dict]:
    """Build the Slurm executors and capture the sbatch scripts datatrove would submit (no sbatch is run)."""
    import datatrove.executor.slurm as slurm_mod

    from firmcorpus.corpus.build import make_executor

    submitted: list[dict] = []

    def fake_launch(contents: str, _retriever, *args) -> str:
        job_id = str(1000 + len(submitted))
        submitted.append({"job_id": job_id, "args": list(args), "script": contents})
        return job_id

    original = slurm_mod.launch_slurm_job
    slurm_mod.launch_slurm_job = fake_launch
    try:
        prev = None
        for stage in stages:
            prev = make_executor(stage, config, logs, depends=prev)
        prev.run()
    finally:
        slurm_mod.launch_slurm_job = original
    return submitted


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        manifest: Optional[Path] = typer.Argument(None, help="manifest (YAML/JSON/CSV/parquet); omit with --starter"),
        out: Path = typer.Option(Path("out/build"), "-o", "--out", help="output folder"),
        starter: bool = typer.Option(False, "--starter", help="build the built-in starter set"),
        profile: str = typer.Option("default", help="starter profile: default or full"),
        config_file: Optional[Path] = typer.Option(None, "--config", help="build.yaml with any knob"),
        set_: list[str] = typer.Option([], "--set", help="override one knob: key=value (e.g. split.heldout_share=0.3)"),
        executor: Optional[str] = typer.Option(None, help="local (default), slurm or ray"),
        tasks: Optional[int] = typer.Option(None, help="datatrove tasks per stage"),
        workers: Optional[int] = typer.Option(None, help="tasks run at once (local)"),
        partition: Optional[str] = typer.Option(None, help="Slurm partition"),
        time_limit: Optional[str] = typer.Option(None, "--time", help="Slurm time limit per task"),
        cpus_per_task: Optional[int] = typer.Option(None, help="Slurm/Ray CPUs per task"),
        dry_run: bool = typer.Option(False, "--dry-run", help="Slurm: write the sbatch scripts, submit nothing"),
        report_only_: bool = typer.Option(False, "--report-only", help="only write catalog, summary and report (after Slurm jobs)"),
        print_config: bool = typer.Option(False, "--print-config", help="print the effective config and exit"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ):
        """Build a corpus: text shards, token shards, catalog tables, mappings and the report."""
        from firmcorpus.corpus.build import BuildError, plan_stages, report_only, run_build
        from firmcorpus.corpus.config import BuildConfig

        console = _console()
        overrides = list(set_)
        defaults: list[str] = []
        if starter:  # the profile's build defaults: the user's --config and --set win over them
            from firmcorpus.corpus.starter import build_defaults

            try:
                defaults = build_defaults(profile)
            except ValueError as e:
                raise typer.BadParameter(str(e)) from e
        for key, val in (("executor", executor), ("tasks", tasks), ("workers", workers), ("slurm.partition", partition),
                         ("slurm.time", time_limit), ("slurm.cpus_per_task", cpus_per_task)):
            if val is not None:
                overrides.append(f"{key}={val}")
        try:
            config = BuildConfig.load(str(config_file) if config_file else None, overrides, defaults)
        except (ValueError, OSError) as e:
            raise typer.BadParameter(str(e)) from e
        if print_config:
            if as_json:
                print(json.dumps(config.model_dump(), indent=1, default=str))
            else:
                from rich.table import Table

                t = Table(title="effective build config")
                for col in ("key", "value", "meaning"):
                    t.add_column(col)
                for k, v, d in config.documented():
                    t.add_row(k, json.dumps(v, default=str), d)
                _console().print(t)
            return
        if starter == (manifest is not None):
            raise typer.BadParameter("give a MANIFEST or --starter (not both)")
        if starter:
            from firmcorpus.corpus.starter import manifest_path

            manifest = manifest_path(profile)
        pairs, base_dir = load_pairs(manifest, console)
        if dry_run:
            if config.executor != "slurm":
                raise typer.BadParameter("--dry-run is for --executor slurm")
            from firmcorpus.corpus.build import BuildPaths

            stages = plan_stages(pairs, config, out, base_dir)
            jobs = slurm_dry_run(stages, config, BuildPaths(out).logs)
            if as_json:
                print(json.dumps(jobs, indent=1))
            else:
                for j in jobs:
                    console.print(f"[bold]job {j['job_id']}[/] sbatch {' '.join(j['args'])}")
                console.print(f"scripts written under {out}/logs/<stage>/launch_script.slurm")
            return
        if report_only_:
            try:
                summary = report_only(pairs, out, config, base_dir)
            except BuildError as e:
                console.print(f"[red]report failed:[/] {e}", soft_wrap=True)
                raise typer.Exit(2)
            print(json.dumps(summary, indent=1, default=str)) if as_json else print_summary(summary, console)
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} stages"),
                      TimeElapsedColumn(), console=console, transient=False) as bar:
            task = bar.add_task("build", total=None)

            def progress(name: str, i: int, n: int) -> None:
                bar.update(task, description=f"stage {name}", completed=i, total=n + 1)

            try:
                summary = run_build(pairs, out, config, manifest=str(manifest), base_dir=base_dir, progress=progress)
            except BuildError as e:
                console.print(f"[red]build failed:[/] {e}", soft_wrap=True)
                raise typer.Exit(2)
            bar.update(task, completed=bar.tasks[0].total or 1)
        if as_json:
            print(json.dumps(summary, indent=1, default=str))
        elif "launched" in summary:
            console.print(summary)
        else:
            print_summary(summary, console)
