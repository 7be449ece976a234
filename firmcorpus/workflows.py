"""Whole jobs that span layers: the one place where the corpus build (``firmcorpus.corpus``) meets
the catalog and report written after it (``firmcorpus.data_catalog``).

``firmcorpus build`` is ``load_build_config`` + ``load_pairs`` + ``build_corpus`` (or
``report_only`` after a Slurm run, or ``slurm_dry_run``); the CLI only parses arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from firmcorpus.core.errors import UserError
from firmcorpus.corpus.build import BuildPaths, completed_stages, plan_stages, run_stages, slurm_dry_run
from firmcorpus.corpus.config import BuildConfig
from firmcorpus.corpus.starter import build_defaults, manifest_path
from firmcorpus.data_catalog.build_summary import finish_build
from firmcorpus.data_catalog.manifest import RowError, load_manifest


def load_build_config(config_file: str | os.PathLike | None = None, overrides: list[str] | None = None,
                      starter_profile: str | None = None) -> BuildConfig:
    """The effective config: a starter profile's build defaults < ``config_file`` < ``overrides``."""
    try:
        defaults = build_defaults(starter_profile) if starter_profile else []
        return BuildConfig.load(str(config_file) if config_file else None, list(overrides or []), defaults)
    except (ValueError, OSError) as e:
        raise UserError(str(e)) from e


def starter_manifest(profile: str) -> Path:
    try:
        return manifest_path(profile)
    except ValueError as e:
        raise UserError(str(e)) from e


def load_pairs(manifest: str | os.PathLike) -> tuple[list[dict], str, list[RowError]]:
    """Manifest → (pair dicts, the folder relative paths resolve against, rejected rows)."""
    loaded = load_manifest(manifest)
    return [p.to_dict() for p in loaded.pairs], str(Path(manifest).resolve().parent), list(loaded.errors)


def build_corpus(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig, manifest: str = "",
                 base_dir: str | None = None, progress: Callable[[str, int, int], None] | None = None
                 ) -> dict[str, Any]:
    """Run (or resume) every stage, then write the catalog, summary and report; returns the summary.
    On Slurm the stages are only submitted: the summary says so, and ``report_only`` finishes later."""
    run = run_stages(pairs, out, config, manifest=manifest, base_dir=base_dir, progress=progress)
    if run.submitted:
        return {"launched": [s.name for s in run.stages], "executor": config.executor,
                "logs": str(BuildPaths(Path(out)).logs),
                "note": "once the jobs have finished, run the same command with --report-only to write the "
                        "catalog, summary and report"}
    return finish_build(Path(out), run.stages, run.timings)


def report_only(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                base_dir: str | None = None) -> dict[str, Any]:
    """Catalog, summary and report of a build whose stages ran elsewhere (Slurm)."""
    return finish_build(Path(out), completed_stages(pairs, out, config, base_dir), {})


def dry_run_slurm(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                  base_dir: str | None = None) -> list[dict]:
    """The sbatch scripts a Slurm build would submit (nothing is submitted)."""
    if config.executor != "slurm":
        raise UserError("--dry-run is for --executor slurm")
    stages = plan_stages(pairs, config, Path(out), base_dir)
    return slurm_dry_run(stages, config, BuildPaths(Path(out)).logs)
