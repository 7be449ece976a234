"""Whole jobs that span layers: the one place where the corpus build (``firmcorpus.corpus``) meets
the catalog and report written after it (``firmcorpus.data_catalog``).

``firmcorpus build`` is ``load_build_config`` + ``load_pairs`` + ``build_corpus`` (or
``report_only`` after a Slurm run, or ``slurm_dry_run``); the CLI only parses arguments.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import yaml

from firmcorpus.core.errors import UserError
from firmcorpus.corpus.build import (
    BuildPaths,
    cancel_chain,
    cluster_status,
    completed_stages,
    plan_stages,
    run_stages,
    slurm_dry_run,
)
from firmcorpus.corpus.config import BuildConfig
from firmcorpus.corpus.out_state import out_lock, record_rejected_rows
from firmcorpus.corpus.stages import StageIncomplete
from firmcorpus.corpus.starter import build_defaults, manifest_path
from firmcorpus.data_catalog.build_summary import finish_build
from firmcorpus.data_catalog.manifest import RowError, load_manifest


def load_build_config(config_file: str | os.PathLike | None = None, overrides: list[str] | None = None,
                      starter_profile: str | None = None) -> BuildConfig:
    """The effective config: a starter profile's build defaults < ``config_file`` < ``overrides``."""
    try:
        defaults = build_defaults(starter_profile) if starter_profile else []
        return BuildConfig.load(str(config_file) if config_file else None, list(overrides or []), defaults)
    except (ValueError, OSError, yaml.YAMLError) as e:  # pydantic's ValidationError is a ValueError
        where = f"{config_file}: " if config_file else ""
        raise UserError(f"{where}{one_line(e)}; fix the config (see firmcorpus build --print-config)") from e


def one_line(e: BaseException) -> str:
    """An exception's message on one line (YAML and pydantic errors span several)."""
    return " ".join(ln.strip() for ln in str(e).splitlines() if ln.strip()) or type(e).__name__


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
                 base_dir: str | None = None, progress: Callable[[str, int, int], None] | None = None,
                 rejected: list[RowError] | None = None) -> dict[str, Any]:
    """Run (or resume) every stage, then write the catalog, summary and report; returns the summary.
    On Slurm the stages are only submitted: the summary says so, and ``report_only`` finishes later.

    The output folder is locked for the whole run (``corpus.out_state.out_lock``); ``rejected``
    manifest rows are recorded in its ``drops`` table; a full disk ends in one line saying that a
    rerun resumes."""
    check_heldout_repos(pairs, config)
    try:
        with out_lock(out):
            if rejected is not None:
                record_rejected_rows(Path(out), rejected)
            return _build(pairs, out, config, manifest, base_dir, progress)
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UserError(_DISK_FULL.format(out=out, what=one_line(e))) from e
        raise
    except StageIncomplete as e:
        if _disk_nearly_full(Path(out)):
            raise UserError(_DISK_FULL.format(out=out, what=one_line(e))) from e
        raise


def check_heldout_repos(pairs: list[dict[str, Any]], config: BuildConfig) -> None:
    """``split.heldout_repos`` must name repositories of the manifest (before any stage runs)."""
    repos = {p.get("repo") for p in pairs}
    unknown = [r for r in config.split.heldout_repos if r not in repos]
    if unknown:
        known = sorted(str(r) for r in repos)[:3]
        raise UserError(f"split.heldout_repos names repositories that are not in the manifest: {unknown}; use the "
                        f"manifest's `repo` values as the build resolves them (e.g. {known})")


_DISK_FULL = ("the disk is full under {out} ({what}); free some space and rerun the same command: it resumes "
              "where it stopped")


def _disk_nearly_full(out: Path) -> bool:
    try:
        return shutil.disk_usage(out).free < (64 << 20)
    except OSError:
        return False


def _build(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig, manifest: str,
           base_dir: str | None, progress: Callable[[str, int, int], None] | None) -> dict[str, Any]:
    run = run_stages(pairs, out, config, manifest=manifest, base_dir=base_dir, progress=progress)
    if run.submitted:
        return {"launched": [s.name for s in run.stages], "executor": config.executor,
                "jobs": [f"{j['name']}={j['job_id']}" for j in run.jobs if j["kind"] == "stage"],
                "environment": run.environment, "cache": run.cache,
                "logs": str(BuildPaths(Path(out)).logs),
                "note": "watch with --status (add --json for a machine-readable view), cancel with --cancel; once "
                        "every stage is done, run the same command with --report-only to write the catalog, "
                        "summary and report"}
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


def build_status(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                 base_dir: str | None = None) -> dict[str, Any]:
    """Where a build stands: per stage done/running/pending/failed with task counts, from the
    completion markers and (Slurm) the scheduler; the first failed task with its log."""
    return cluster_status(pairs, out, config, base_dir)


def cancel_build(out: str | os.PathLike) -> dict[str, Any]:
    """Cancel the Slurm jobs still queued or running for ``out``."""
    return cancel_chain(out)
