"""``firmcorpus build`` (library: ``firmcorpus.workflows``)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from firmcorpus.cli._ui import console


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
    for w in summary.get("warnings") or []:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"[bold]output[/]: {summary['out']}   [bold]report[/]: {summary.get('report')}")


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
        workers: Optional[int] = typer.Option(None, help="tasks run at once (local, Ray; Slurm: the array's % throttle)"),
        partition: Optional[str] = typer.Option(None, help="Slurm partition"),
        time_limit: Optional[str] = typer.Option(None, "--time", help="Slurm time limit per task"),
        cpus_per_task: Optional[int] = typer.Option(None, help="Slurm/Ray CPUs per task"),
        dry_run: bool = typer.Option(False, "--dry-run", help="Slurm: write the sbatch scripts, submit nothing"),
        report_only_: bool = typer.Option(False, "--report-only", help="only write catalog, summary and report (after Slurm jobs)"),
        print_config: bool = typer.Option(False, "--print-config", help="print the effective config and exit"),
        status: bool = typer.Option(False, "--status", help="where the build into -o stands: stages done/running/"
                                                              "pending/failed with task counts (Slurm: with the scheduler)"),
        cancel: bool = typer.Option(False, "--cancel", help="Slurm: cancel the jobs still queued or running for -o"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ):
        """Build a corpus: text shards, token shards, catalog tables, mappings and the report."""
        from firmcorpus import workflows

        err = console()
        overrides = list(set_)
        for key, val in (("executor", executor), ("tasks", tasks), ("workers", workers), ("slurm.partition", partition),
                         ("slurm.time", time_limit), ("slurm.cpus_per_task", cpus_per_task)):
            if val is not None:
                overrides.append(f"{key}={val}")
        config = workflows.load_build_config(config_file, overrides, profile if starter else None)
        if print_config:
            _print_config(config, as_json)
            return
        if cancel:
            done = workflows.cancel_build(out)
            if as_json:
                print(json.dumps(done, indent=1))
            else:
                err.print(f"cancelled {len(done['cancelled'])} job(s) of the build into {out}: "
                          f"{' '.join(done['cancelled']) or '(none was still queued or running)'}; rerun the same "
                          f"command to resume")
            return
        if starter == (manifest is not None):
            raise typer.BadParameter("give a MANIFEST or --starter (not both)")
        if starter:
            manifest = workflows.starter_manifest(profile)
        pairs, base_dir, rejected = workflows.load_pairs(manifest)
        for row in rejected:
            err.print(f"[yellow]manifest row skipped:[/] {row}")
        if status:
            st = workflows.build_status(pairs, out, config, base_dir)
            if as_json:
                print(json.dumps(st, indent=1, default=str))
            else:
                print_status(st, err)
            return
        if dry_run:
            jobs = workflows.dry_run_slurm(pairs, out, config, base_dir)
            if as_json:
                print(json.dumps(jobs, indent=1))
                return
            for j in jobs:
                err.print(f"[bold]job {j['job_id']}[/] sbatch {' '.join(j['args'])}")
            err.print(f"scripts written under {out}/logs/<stage>/launch_script.slurm")
            return
        if report_only_:
            summary = workflows.report_only(pairs, out, config, base_dir)
        else:
            err.print(config.split.describe())
            with stage_bar(err, config.executor != "slurm") as progress:  # Slurm only submits: no bar
                summary = workflows.build_corpus(pairs, out, config, manifest=str(manifest), base_dir=base_dir,
                                                 progress=progress, rejected=rejected)
        if as_json:
            print(json.dumps(summary, indent=1, default=str))
        elif "launched" in summary:
            err.print(f"submitted {len(summary['jobs'])} Slurm job arrays ({' '.join(summary['jobs'])}); tasks "
                      f"activate {summary['environment']} and use the cache {summary['cache']}; logs under "
                      f"{summary['logs']}")
            err.print(summary["note"])
        else:
            print_summary(summary, err)


def print_status(st: dict, console) -> None:
    from rich.table import Table

    t = Table(title=f"build {st['out']} ({st['executor']}): {st['state']}")
    for col in ("stage", "state", "done", "running", "pending", "job", "failed tasks"):
        t.add_column(col)
    for r in st["stages"]:
        failed = ", ".join(f"{f['task']} {f['state']}" for f in r["failed"][:4])
        t.add_row(r["stage"], r["state"], f"{r['done']}/{r['tasks']}", str(r["running"] or ""),
                  str(r["pending"] or ""), str(r["job_id"] or ""), failed)
    console.print(t)
    if st.get("failure"):
        console.print(f"[red]failed[/]: {st['failure']}")
    if st.get("active_jobs"):
        console.print(f"queued or running: {' '.join(st['active_jobs'])} (cancel with --cancel)")
    elif st["state"] == "failed":
        console.print("fix the cause, then rerun the same command: completed tasks are kept")
    if st.get("report"):
        console.print(f"report: {st['report']}")


def _print_config(config, as_json: bool) -> None:
    if as_json:
        print(json.dumps(config.model_dump(), indent=1, default=str))
        return
    from rich.table import Table

    t = Table(title="effective build config")
    for col in ("key", "value", "meaning"):
        t.add_column(col)
    for k, v, d in config.documented():
        t.add_row(k, json.dumps(v, default=str), d)
    console().print(t)


@contextmanager
def stage_bar(err, show: bool = True):
    """A bar over the build's stages; yields the ``progress(stage, i, n)`` callback (None when not ``show``)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    if not show:
        yield None
        return

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} stages"),
                  TimeElapsedColumn(), console=err, transient=False) as bar:
        task = bar.add_task("build", total=None)

        def progress(name: str, i: int, n: int) -> None:
            bar.update(task, description=f"stage {name}", completed=i, total=n + 1)

        yield progress
        bar.update(task, completed=bar.tasks[0].total or 1)
