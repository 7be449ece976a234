"""``firmcorpus build``: every stage, in order, as datatrove pipelines with dependencies.

Stages (each its own datatrove executor with ``logging_dir = OUT/logs/<stage>``, so each is
resumable on its own and a rerun skips completed tasks):

1. ``extract``       pairs → documents: read, datasheets, code, mapping, quality signals, domain
2. ``split_plan``    (1 task) held-out repositories → ``work/split.json``
3. ``heldout_ngrams`` n-gram hashes of held-out documents; ``heldout_index`` (1 task) their sorted union;
   ``ngram_repos`` / ``ngram_repos_index`` (1 task) in how many repositories each occurs
4. ``filter``        split tag, decontamination, quality filter (drops go to ``OUT/excluded``)
5. dedup stages      exact + vendored collapse, MinHash signatures/buckets/clusters/filter
6. ``assemble``      repository-level text, mixture, then each document tokenized once
                     (``SplitTokenizer``: its ``token_count`` and ``OUT/tokens/<split>``, datatrove's
                     token-shard format) → ``OUT/text/{train,heldout}``
7. ``report``        (in-process, ``firmcorpus.workflows``) catalog tables, ``OUT/logs/summary.json``,
                     ``OUT/report.html``

Every stage except ``split_plan`` runs with the same ``tasks``, and a pair's documents stay in
one task from start to end (file *i* of a stage is read by task *i* of the next). That contract
is checked: a rerun into an output folder made with another task count is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from unittest import mock

import datatrove.executor.slurm as datatrove_slurm
from datatrove.utils.logging import logger as datatrove_logger

from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_write_json
from firmcorpus.core.paths import cache_dir
from firmcorpus.core.tokenizer import special_tokens, tokenizer_file
from firmcorpus.corpus import cluster, out_state
from firmcorpus.corpus.cluster import FirmcorpusRayExecutor, FirmcorpusSlurmExecutor
from firmcorpus.corpus.config import BuildConfig
from firmcorpus.corpus.dedup import dedup_stages, parquet_reader, parquet_writer
from firmcorpus.corpus.stages import LIGHT_TASKS_PER_WORKER, Stage, check_stage_complete, local_executor, run_local
from firmcorpus.corpus.steps.catalog_docs import DocumentsCatalog, StripTransient
from firmcorpus.corpus.steps.classify import DomainClassifier
from firmcorpus.corpus.steps.code import CodeParseStep
from firmcorpus.corpus.steps.datasheet import DatasheetStep
from firmcorpus.corpus.steps.decontam import Decontaminator, HeldoutIndex, HeldoutNgrams, NgramRepoCount, RepoCountIndex
from firmcorpus.corpus.steps.filters import QualityFilter
from firmcorpus.corpus.steps.mapping import MappingStep
from firmcorpus.corpus.steps.mixture import MixtureSampler
from firmcorpus.corpus.steps.reader import PairReader
from firmcorpus.corpus.steps.repo_text import RepoTextAssembler
from firmcorpus.corpus.steps.signals import QualitySignals
from firmcorpus.corpus.steps.split import SplitPlanner, SplitTagger
from firmcorpus.corpus.steps.tokens import SplitTokenizer

STAGE_STATE = "build.json"


class BuildError(UserError):
    """A build that cannot start or go on; the message says what to do."""


@dataclass
class BuildPaths:
    out: Path

    @property
    def work(self) -> Path: return self.out / "work"
    @property
    def catalog(self) -> Path: return self.out / "catalog"
    @property
    def logs(self) -> Path: return self.out / "logs"
    @property
    def text(self) -> Path: return self.out / "text"
    @property
    def tokens(self) -> Path: return self.out / "tokens"
    @property
    def excluded(self) -> Path: return self.out / "excluded"
    @property
    def mappings(self) -> Path: return self.out / "mappings"


def _parquet_reader(folder: Path):
    return parquet_reader(str(folder))


WRITER_BATCH_DOCS = 200  # documents a writer buffers per file (≤ 200 × 200k chars of repository text)


def _parquet_writer(folder: Path, filename: str = "${rank}.parquet"):
    # metadata stored as one sorted JSON column: one schema whatever keys differ between documents.
    # datatrove buffers 1,000 documents per file before it writes a row group: with repository
    # documents that is a whole shard's text at once; a smaller batch bounds a task's memory
    writer = parquet_writer(str(folder), filename)
    writer.batch_size = WRITER_BATCH_DOCS
    return writer


def plan_stages(pairs: list[dict[str, Any]], config: BuildConfig, out: Path, base_dir: str | None = None) -> list[Stage]:
    """The build as a list of stages (pipelines of configured steps; nothing runs here)."""

    p = BuildPaths(out)
    T = config.tasks
    if T > max(1, len(pairs)):
        T = max(1, len(pairs))  # never more tasks than pairs: an empty task would still be a stage file
    catalog = str(p.catalog)
    tok_path = str(tokenizer_file(config.tokenize.tokenizer))
    markers = special_tokens(Path(tok_path))
    split_plan = str(p.work / "split.json")
    ngrams, dc = str(p.work / "heldout_ngrams"), config.decontam
    stages = [
        Stage("extract", [
            PairReader(pairs, catalog, max_file_bytes=config.read.max_file_bytes, base_dir=base_dir),
            DatasheetStep(catalog),
            CodeParseStep(catalog),
            MappingStep(str(out)),
            QualitySignals(),
            DomainClassifier(config.classify_model),
            StripTransient(),
            _parquet_writer(p.work / "extracted"),
        ], T, outputs=[str(p.work / "extracted")]),
        Stage("split_plan", [  # one task: reads two metadata fields and text lengths, streaming
            SplitPlanner(split_plan, config.split.heldout_repos, config.split.heldout_share,
                         config.split.per_domain_quota, config.seed, config.split.heldout_unit,
                         source_dir=str(p.work / "extracted")),
        ], 1, outputs=[split_plan]),
        Stage("heldout_ngrams", [
            _parquet_reader(p.work / "extracted"),
            SplitTagger(split_plan),
            HeldoutNgrams(ngrams, dc.ngram),
        ], T, tasks_per_worker=LIGHT_TASKS_PER_WORKER),
        # one sorted, memory-mapped held-out n-gram index (and its repository counts), built once
        Stage("heldout_index", [HeldoutIndex(ngrams)], 1),
    ]
    if config.decontam.idiom_repos:
        stages += [Stage("ngram_repos", [_parquet_reader(p.work / "extracted"), NgramRepoCount(ngrams, dc.ngram)], T,
                         tasks_per_worker=LIGHT_TASKS_PER_WORKER),
                   Stage("ngram_repos_index", [RepoCountIndex(ngrams)], 1)]
    stages += [
        Stage("filter", [
            _parquet_reader(p.work / "extracted"),
            SplitTagger(split_plan),
            Decontaminator(ngrams, dc.ngram, dc.min_overlap, dc.min_shared_ngrams, dc.action, catalog_dir=catalog,
                           exclusion_writer=_parquet_writer(p.excluded / "contaminated"),
                           min_shared_share=dc.min_shared_share, idiom_repos=dc.idiom_repos),
            QualityFilter(config.filters.filter_config(), config.filters.license_policy.policy(),
                          exclusion_writer=_parquet_writer(p.excluded / "quality")),
            _parquet_writer(p.work / "filtered"),
        ], T),  # a fresh worker per task: reused for 8 tasks its peak grew ×1.18 from 25 to 200 MB
    ]
    for dd in dedup_stages(str(p.work / "filtered"), str(p.work / "dedup"), str(p.work / "deduped"),
                           config.dedup.dedup_config(), tasks=T, catalog_dir=catalog, excluded_dir=str(p.excluded / "dedup")):
        stages.append(Stage(f"dedup_{dd.name}", dd.pipeline, dd.tasks, tasks_per_worker=dd.tasks_per_worker))
    assemble: list = [_parquet_reader(p.work / "deduped")]
    if config.repo_text.enabled:
        assemble.append(RepoTextAssembler(config.repo_text.max_chars, markers, config.repo_text.fim_rate,
                                          config.repo_text.fim_spm_rate, config.seed))
    assemble += [
        MixtureSampler(config.mixture.domain_weights, config.mixture.kind_weights, config.seed),
        # tokenized once: token_count for the catalog and the token shards of both splits
        SplitTokenizer(str(p.tokens), tok_path, eos_token=markers["eos"], shuffle=config.tokenize.shuffle,
                       seed=config.seed),
        DocumentsCatalog(catalog),
        _parquet_writer(p.text, "${split}/${rank}.parquet"),
    ]
    stages.append(Stage("assemble", assemble, T, outputs=[str(p.text), str(p.tokens)]))
    return stages


# --------------------------------------------------------------------------- executors


def make_executor(stage: Stage, config: BuildConfig, logs: Path, depends=None, workers: int | None = None,
                  require: Stage | None = None, env_command: str | None = None):
    """The datatrove executor of one stage. On Slurm and Ray each task first checks that ``require``
    (the stage before it) completed, and ``env_command`` is what a Slurm task runs before the
    pipeline (``cluster.slurm_environment``; the configured venv_path/env_command when None)."""
    logging_dir = str(logs / stage.name)
    guard = (str(logs), require.name, require.tasks) if require else None
    if config.executor == "local":
        return local_executor(stage, logging_dir, workers or config.workers, depends)
    if config.executor == "slurm":
        s = config.slurm
        # --workers is the array's % throttle on Slurm, only when it was set (the default runs them all)
        throttle = (workers or config.workers) if (workers or "workers" in config.model_fields_set) else -1
        ex = FirmcorpusSlurmExecutor(stage.pipeline, tasks=stage.tasks, time=s.time, partition=s.partition,
                                     cpus_per_task=s.cpus_per_task, mem_per_cpu_gb=s.mem_per_cpu_gb, qos=s.qos or "",
                                     job_name=f"{s.job_name_prefix}-{stage.name}", logging_dir=logging_dir,
                                     depends=depends, venv_path=s.venv_path, env_command=env_command or s.env_command,
                                     sbatch_args=dict(s.sbatch_args) or None, workers=throttle,
                                     slurm_logs_folder=str(logs / "slurm" / stage.name), mail_user=None)
        ex.require = guard
        return ex
    if config.executor == "ray":
        try:
            import ray  # noqa: F401
        except ImportError as e:
            raise BuildError("the ray executor needs the ray extra: pip install 'firmcorpus[ray]'") from e

        r = config.ray
        ex = FirmcorpusRayExecutor(stage.pipeline, tasks=stage.tasks, workers=workers or config.workers,
                                   logging_dir=logging_dir, depends=depends, cpus_per_task=r.cpus_per_task,
                                   mem_per_cpu_gb=r.mem_per_cpu_gb)
        ex.require = guard
        return ex
    raise BuildError(f"unknown executor {config.executor!r}: use local, slurm or ray")


def _state_key(pairs: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps([p["pair_id"] for p in pairs]).encode()).hexdigest()[:16]


def check_resume(out: Path, config: BuildConfig, pairs: list[dict[str, Any]]) -> None:
    """Refuse a rerun whose task count or pair list differs from the first run into ``out``."""
    state = out / STAGE_STATE
    if not state.exists():
        return
    prev = json.loads(state.read_text())
    if prev.get("tasks") != config.tasks:
        raise BuildError(
            f"{out} was built with --tasks {prev.get('tasks')}, this run asks for --tasks {config.tasks}. Completed "
            f"tasks are reused on resume, so the task count must not change (datatrove assigns files to tasks by "
            f"rank). Rerun with --tasks {prev.get('tasks')}, or build into a new output folder.")
    if prev.get("pairs_key") != _state_key(pairs):
        raise BuildError(f"{out} was built from another manifest (its pair list differs). Build into a new output "
                         f"folder, or delete {out} to start over.")
    out_state.check_settings(out, config.model_dump(), STAGE_STATE)  # never resume with settings not applied


def write_state(out: Path, config: BuildConfig, pairs: list[dict[str, Any]], manifest: str) -> None:
    if (out / STAGE_STATE).exists():  # a resume (checked by check_resume): keep the settings that were applied
        return
    state = {"tasks": config.tasks, "pairs_key": _state_key(pairs), "manifest": manifest,
             "config": config.model_dump()}
    atomic_write_json(out / STAGE_STATE, state, indent=1, sort_keys=True)


@dataclass
class StagesRun:
    """What ``run_stages`` did: the planned stages, seconds per stage run here, whether the stages
    were only submitted (Slurm) rather than run to completion, the submitted jobs, and the
    environment and cache the tasks use (cluster executors)."""

    stages: list[Stage]
    timings: dict[str, float]
    submitted: bool = False
    jobs: list[dict[str, Any]] = field(default_factory=list)
    environment: str = ""
    cache: str = ""


def run_stages(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig, manifest: str = "",
               base_dir: str | None = None, progress: Callable[[str, int, int], None] | None = None,
               only_stages: list[str] | None = None) -> StagesRun:
    """Run (or resume) every stage; on Slurm, submit the chain and return at once."""
    out = Path(out)
    if not pairs:
        raise BuildError("the manifest has no valid pair to build; see `firmcorpus catalog show MANIFEST`")
    logs = BuildPaths(out).logs
    cache = None
    if config.executor in ("slurm", "ray"):
        refuse_running_chain(logs)
        shared = config.slurm.shared_cache if config.executor == "slurm" else config.ray.shared_cache
        cache = cluster.prepare_cache(shared, cache_dir())  # before planning: task paths point into it
    check_resume(out, config, pairs)
    write_state(out, config, pairs, manifest)
    stages = plan_stages(pairs, config, out, base_dir)
    timings: dict[str, float] = {}
    if config.executor == "local":
        with out_state.out_lock(out):  # one build at a time into OUT; it says who holds it
            before = out_state.complete_stages(stages, logs)
            timings = out_state.stage_timings(out, run_local(stages, logs, config.workers, progress, only=only_stages),
                                              before)
        if progress:
            progress("report", len(stages), len(stages))
        return StagesRun(stages, timings)
    shared_paths = {"output": out, "cache": cache, **({"manifest folder": Path(base_dir)} if base_dir else {})}
    if config.executor == "ray":
        return _run_ray(stages, config, logs, cache, shared_paths, progress)
    return _submit_slurm(stages, config, logs, cache, shared_paths)


def refuse_running_chain(logs: Path) -> None:
    """A build already queued or running into this output folder (``logs/cluster.json``) is refused
    with its job ids; a finished or cancelled one's record is replaced by the new submit."""
    lock = cluster.read_lock(logs)
    if not lock:
        return
    lock.setdefault("logs", str(logs))
    active = cluster.active_jobs(lock)
    if not active:
        return
    out = logs.parent
    failed = ""
    if lock.get("executor") == "slurm":
        failed = cluster.failure_summary(cluster.stage_status(_lock_stages(lock), logs, lock))
    what = f"failed: {failed}; its later jobs will never run. " if failed else ""
    raise BuildError(f"a build into {out} is already queued or running ({', '.join(active[:12])}"
                     f"{' ...' if len(active) > 12 else ''}; recorded in {cluster.lock_path(logs)}). {what}"
                     f"Watch it with `firmcorpus build ... -o {out} --status`, cancel it with `--cancel`, "
                     f"and rerun the same command once it has ended to resume")


def _lock_stages(lock: dict[str, Any]) -> list[Stage]:
    return [Stage(s["name"], [], s["tasks"]) for s in lock.get("stages", [])]


def _submit_slurm(stages: list[Stage], config: BuildConfig, logs: Path, cache: Path,
                  shared_paths: dict[str, Path]) -> StagesRun:
    s = config.slurm
    env_command, environment = cluster.slurm_environment(s.venv_path, s.env_command, cache)
    nodes = cluster.check_slurm_resources(s.partition, s.cpus_per_task)
    env_root = Path(environment.split()[0]) if environment.startswith("/") else None
    cluster.check_shared({**shared_paths, **({"environment": env_root} if env_root else {})}, nodes)
    submitter = cluster.SlurmSubmitter()
    datatrove_logger.disable("datatrove.executor.slurm")  # one line per job: the build prints the ids once
    try:
        _submit_chain(stages, config, logs, env_command, submitter)
    except BaseException:
        cluster.cancel_jobs([j["job_id"] for j in submitter.jobs])  # never leave half a chain queued
        raise
    finally:
        datatrove_logger.enable("datatrove.executor.slurm")
    lock = {"executor": "slurm", "logs": str(logs), "jobs": submitter.jobs, "job_name_prefix": s.job_name_prefix,
            "stages": [{"name": st.name, "tasks": st.tasks} for st in stages], "environment": environment,
            "cache": str(cache), "submitted": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if submitter.jobs:
        cluster.write_lock(logs, lock)
    return StagesRun(stages, {}, submitted=True, jobs=submitter.jobs, environment=environment, cache=str(cache))


def _run_ray(stages: list[Stage], config: BuildConfig, logs: Path, cache: Path, shared_paths: dict[str, Path],
             progress: Callable[[str, int, int], None] | None) -> StagesRun:
    """Every stage in turn on Ray, in this process; a stage with a failed task ends the build with
    that task's error and log (the next stage is not started)."""
    import ray

    env = {"FIRMCORPUS_CACHE": str(cache), **{k: os.environ[k] for k in ("HF_HUB_OFFLINE",) if k in os.environ}}
    started = cluster.ray_connect(config.ray.address, config.ray.connect_timeout_s, env)
    lock = cluster.ray_lock(logs)
    try:
        nodes = len([n for n in ray.nodes() if n.get("Alive")])
        cluster.check_shared(shared_paths, nodes)
        cluster.write_lock(logs, lock)
        timings: dict[str, float] = {}
        for i, stage in enumerate(stages):
            if progress:
                progress(stage.name, i, len(stages))
            t0 = time.perf_counter()
            make_executor(stage, config, logs, require=stages[i - 1] if i else None).run()
            check_stage_complete(stage, logs)
            timings[stage.name] = round(time.perf_counter() - t0, 3)
        if progress:
            progress("report", len(stages), len(stages))
    finally:
        cluster.remove_lock(logs, pid=lock["pid"])
        if started:
            ray.shutdown()
    return StagesRun(stages, timings, environment=sys.prefix, cache=str(cache))


def completed_stages(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                     base_dir: str | None = None) -> list[Stage]:
    """The stages of a build whose tasks ran elsewhere (Slurm), checked complete (and not still
    queued or running)."""
    out = Path(out)
    logs = BuildPaths(out).logs
    refuse_running_chain(logs)
    check_resume(out, config, pairs)
    stages = plan_stages(pairs, config, out, base_dir)
    lock = cluster.read_lock(logs)
    for stage in stages:
        check_stage_complete(stage, logs, _slurm_log_hint(lock, logs, stage.name))
    return stages


def _slurm_log_hint(lock: dict[str, Any] | None, logs: Path, stage_name: str):
    """rank → the Slurm output files of that rank's array task(s) in the recorded chain."""
    if not lock or lock.get("executor") != "slurm":
        return None
    job = next((j for j in lock.get("jobs", []) if j["name"] == f"{lock.get('job_name_prefix')}-{stage_name}"), None)
    if not job:
        return None

    try:
        ranks = json.loads((logs / stage_name / "ranks_to_run.json").read_text())
    except (OSError, ValueError):
        ranks = []

    def hint(rank: int) -> list[Path]:
        return [logs / "slurm" / stage_name / f"{job['job_id']}_{ranks.index(rank)}.out"] if rank in ranks else []

    return hint


def cluster_status(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                   base_dir: str | None = None) -> dict[str, Any]:
    """Stages done/running/pending/failed with task counts, from the completion markers and (for
    a Slurm chain) the scheduler; ``state`` sums it up."""
    out = Path(out)
    logs = BuildPaths(out).logs
    check_resume(out, config, pairs)
    stages = plan_stages(pairs, config, out, base_dir)
    lock = cluster.read_lock(logs)
    if lock:
        lock.setdefault("logs", str(logs))
    rows = cluster.stage_status(stages, logs, lock)
    active = cluster.active_jobs(lock) if lock else []
    if all(r["state"] == "done" for r in rows):
        state = "done"
    elif any(r["failed"] for r in rows):
        state = "failed"
    elif active:
        state = "running"
    else:
        state = "incomplete"
    return {"out": str(out), "executor": (lock or {}).get("executor", config.executor), "state": state,
            "active_jobs": active, "failure": cluster.failure_summary(rows), "stages": rows,
            "report": (out / "report.html").exists() and str(out / "report.html") or None,
            "lock": str(cluster.lock_path(logs)) if lock else None}


def cancel_chain(out: str | os.PathLike) -> dict[str, Any]:
    """Cancel every job of the chain recorded for ``out`` (Slurm) and drop the record."""
    logs = BuildPaths(Path(out)).logs
    lock = cluster.read_lock(logs)
    if not lock:
        raise BuildError(f"no submitted build recorded in {cluster.lock_path(logs)}: nothing to cancel")
    if lock.get("executor") != "slurm":
        raise BuildError(f"{cluster.lock_path(logs)} records a Ray driver (pid {lock.get('pid')} on "
                         f"{lock.get('host')}): stop that process (Ctrl-C) to cancel a Ray build")
    lock.setdefault("logs", str(logs))
    active = cluster.active_jobs(lock)
    cluster.cancel_jobs(active)
    cluster.remove_lock(logs)
    return {"out": str(out), "cancelled": active, "jobs": cluster.lock_job_ids(lock)}


def slurm_dry_run(stages: list[Stage], config: BuildConfig, logs: Path) -> list[dict]:
    """Build the Slurm executors and capture the sbatch scripts datatrove would submit (no sbatch is run)."""
    submitted: list[dict] = []

    def record(contents: str, _retriever, *args) -> str:
        job_id = str(1000 + len(submitted))
        submitted.append({"job_id": job_id, "args": list(args), "script": contents})
        return job_id

    env_command, _ = cluster.slurm_environment(config.slurm.venv_path, config.slurm.env_command,
                                               cluster.prepare_cache(config.slurm.shared_cache, cache_dir()))
    _submit_chain(stages, config, logs, env_command, record)
    return submitted


def _submit_chain(stages: list[Stage], config: BuildConfig, logs: Path, env_command: str | None, launch) -> None:
    """Chain the stages' Slurm executors (each depends on the previous) and submit them through ``launch``.

    datatrove submits through its module-level ``launch_slurm_job``; it is replaced for the duration
    of this call only (by the recording submitter, or the dry run's recorder)."""
    with mock.patch.object(datatrove_slurm, "launch_slurm_job", launch):
        prev = None
        for i, stage in enumerate(stages):
            prev = make_executor(stage, config, logs, depends=prev, require=stages[i - 1] if i else None,
                                 env_command=env_command)
        prev.run()
