"""``firmcorpus build``: every stage, in order, as datatrove pipelines with dependencies.

Stages (each its own datatrove executor with ``logging_dir = OUT/logs/<stage>``, so each is
resumable on its own and a rerun skips completed tasks):

1. ``extract``       pairs → documents: read, datasheets, code, mapping, quality signals, domain
2. ``split_plan``    (1 task) held-out repositories → ``work/split.json``
3. ``heldout_ngrams`` n-gram hashes of held-out documents
4. ``filter``        split tag, decontamination, quality filter (drops go to ``OUT/excluded``)
5. dedup stages      exact + vendored collapse, MinHash signatures/buckets/clusters/filter
6. ``assemble``      repository-level text, mixture, token counts → ``OUT/text/{train,heldout}``
7. ``tokens_train`` / ``tokens_heldout``  datatrove ``DocumentTokenizer`` → ``OUT/tokens/<split>``
8. ``report``        (in-process, ``firmcorpus.workflows``) catalog tables, ``OUT/logs/summary.json``,
                     ``OUT/report.html``

Every stage except ``split_plan`` runs with the same ``tasks``, and a pair's documents stay in
one task from start to end (file *i* of a stage is read by task *i* of the next). That contract
is checked: a rerun into an output folder made with another task count is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from unittest import mock

import datatrove.executor.slurm as datatrove_slurm
from datatrove.executor import RayPipelineExecutor, SlurmPipelineExecutor
from datatrove.pipeline.tokens import DocumentTokenizer, TokensCounter

from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_write_json
from firmcorpus.core.tokenizer import special_tokens, tokenizer_file
from firmcorpus.corpus import out_state
from firmcorpus.corpus.config import BuildConfig
from firmcorpus.corpus.dedup import dedup_stages, parquet_reader, parquet_writer
from firmcorpus.corpus.stages import Stage, check_stage_complete, local_executor, run_local
from firmcorpus.corpus.steps.catalog_docs import DocumentsCatalog, StripTransient
from firmcorpus.corpus.steps.classify import DomainClassifier
from firmcorpus.corpus.steps.code import CodeParseStep
from firmcorpus.corpus.steps.datasheet import DatasheetStep
from firmcorpus.corpus.steps.decontam import Decontaminator, HeldoutNgrams
from firmcorpus.corpus.steps.filters import QualityFilter
from firmcorpus.corpus.steps.mapping import MappingStep
from firmcorpus.corpus.steps.mixture import MixtureSampler
from firmcorpus.corpus.steps.reader import PairReader, SplitShardReader
from firmcorpus.corpus.steps.repo_text import RepoTextAssembler
from firmcorpus.corpus.steps.signals import QualitySignals
from firmcorpus.corpus.steps.split import SplitPlanner, SplitTagger

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


def _parquet_writer(folder: Path, filename: str = "${rank}.parquet"):
    # metadata stored as one sorted JSON column: one schema whatever keys differ between documents

    return parquet_writer(str(folder), filename)


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
        Stage("split_plan", [
            _parquet_reader(p.work / "extracted"),
            SplitPlanner(split_plan, config.split.heldout_repos, config.split.heldout_share,
                         config.split.per_domain_quota, config.seed, config.split.heldout_unit),
        ], 1, outputs=[split_plan]),
        Stage("heldout_ngrams", [
            _parquet_reader(p.work / "extracted"),
            SplitTagger(split_plan),
            HeldoutNgrams(str(p.work / "heldout_ngrams"), config.decontam.ngram),
        ], T),
        Stage("filter", [
            _parquet_reader(p.work / "extracted"),
            SplitTagger(split_plan),
            Decontaminator(str(p.work / "heldout_ngrams"), config.decontam.ngram, config.decontam.min_overlap,
                           config.decontam.min_shared_ngrams, config.decontam.action, catalog_dir=catalog,
                           exclusion_writer=_parquet_writer(p.excluded / "contaminated")),
            QualityFilter(config.filters.filter_config(), config.filters.license_policy.policy(),
                          exclusion_writer=_parquet_writer(p.excluded / "quality")),
            _parquet_writer(p.work / "filtered"),
        ], T),
    ]
    for dd in dedup_stages(str(p.work / "filtered"), str(p.work / "dedup"), str(p.work / "deduped"),
                           config.dedup.dedup_config(), tasks=T, catalog_dir=catalog, excluded_dir=str(p.excluded / "dedup")):
        stages.append(Stage(f"dedup_{dd.name}", dd.pipeline, dd.tasks))
    assemble: list = [_parquet_reader(p.work / "deduped")]
    if config.repo_text.enabled:
        assemble.append(RepoTextAssembler(config.repo_text.max_chars, markers, config.repo_text.fim_rate,
                                          config.repo_text.fim_spm_rate, config.seed))
    assemble += [
        MixtureSampler(config.mixture.domain_weights, config.mixture.kind_weights, config.seed),
        TokensCounter(tok_path, count_eos_token=True),
        DocumentsCatalog(catalog),
        _parquet_writer(p.text, "${split}/${rank}.parquet"),
    ]
    stages.append(Stage("assemble", assemble, T, outputs=[str(p.text)]))
    for split in ("train", "heldout"):
        stages.append(Stage(f"tokens_{split}", [
            SplitShardReader(str(p.text / split)),  # a split with no document tokenizes to nothing
            DocumentTokenizer(str(p.tokens / split), tok_path, eos_token=markers["eos"],
                              shuffle_documents=config.tokenize.shuffle, seed=config.seed),
        ], T, outputs=[str(p.tokens / split)]))
    return stages


# --------------------------------------------------------------------------- executors


def make_executor(stage: Stage, config: BuildConfig, logs: Path, depends=None, workers: int | None = None):
    logging_dir = str(logs / stage.name)
    if config.executor == "local":
        return local_executor(stage, logging_dir, workers or config.workers, depends)
    if config.executor == "slurm":

        s = config.slurm
        return SlurmPipelineExecutor(stage.pipeline, tasks=stage.tasks, time=s.time, partition=s.partition,
                                     cpus_per_task=s.cpus_per_task, mem_per_cpu_gb=s.mem_per_cpu_gb, qos=s.qos,
                                     job_name=f"{s.job_name_prefix}-{stage.name}", logging_dir=logging_dir,
                                     depends=depends, venv_path=s.venv_path, env_command=s.env_command,
                                     sbatch_args=dict(s.sbatch_args) or None, workers=-1,
                                     slurm_logs_folder=str(logs / "slurm" / stage.name))
    if config.executor == "ray":
        try:
            import ray  # noqa: F401
        except ImportError as e:
            raise BuildError("the ray executor needs the ray extra: pip install 'firmcorpus[ray]'") from e

        r = config.ray
        return RayPipelineExecutor(stage.pipeline, tasks=stage.tasks, workers=workers or config.workers,
                                   logging_dir=logging_dir, depends=depends, cpus_per_task=r.cpus_per_task,
                                   mem_per_cpu_gb=r.mem_per_cpu_gb)
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
    """What ``run_stages`` did: the planned stages, seconds per stage run here, and whether the stages
    were only submitted (Slurm) rather than run to completion."""

    stages: list[Stage]
    timings: dict[str, float]
    submitted: bool = False


def run_stages(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig, manifest: str = "",
               base_dir: str | None = None, progress: Callable[[str, int, int], None] | None = None,
               only_stages: list[str] | None = None) -> StagesRun:
    """Run (or resume) every stage; on Slurm, submit the chain and return at once."""
    out = Path(out)
    if not pairs:
        raise BuildError("the manifest has no valid pair to build; see `firmcorpus catalog show MANIFEST`")
    check_resume(out, config, pairs)
    write_state(out, config, pairs, manifest)
    stages = plan_stages(pairs, config, out, base_dir)
    logs = BuildPaths(out).logs
    timings: dict[str, float] = {}
    if config.executor == "local":
        with out_state.out_lock(out):  # one build at a time into OUT; it says who holds it
            before = out_state.complete_stages(stages, logs)
            timings = out_state.stage_timings(out, run_local(stages, logs, config.workers, progress, only=only_stages),
                                              before)
        if progress:
            progress("report", len(stages), len(stages))
        return StagesRun(stages, timings)
    # slurm / ray: chain the executors with depends and launch the last one (which launches the rest)
    prev = None
    for stage in stages:
        prev = make_executor(stage, config, logs, depends=prev)
    prev.run()
    if config.executor == "ray":  # Ray runs in this process until every stage is done
        for stage in stages:
            check_stage_complete(stage, logs)
        return StagesRun(stages, timings)
    return StagesRun(stages, timings, submitted=True)


def completed_stages(pairs: list[dict[str, Any]], out: str | os.PathLike, config: BuildConfig,
                     base_dir: str | None = None) -> list[Stage]:
    """The stages of a build whose tasks ran elsewhere (Slurm), checked complete."""
    out = Path(out)
    check_resume(out, config, pairs)
    stages = plan_stages(pairs, config, out, base_dir)
    for stage in stages:
        check_stage_complete(stage, BuildPaths(out).logs)
    return stages


def slurm_dry_run(stages: list[Stage], config: BuildConfig, logs: Path) -> list[dict]:
    """Build the Slurm executors and capture the sbatch scripts datatrove would submit (no sbatch is run).

    datatrove submits through its module-level ``launch_slurm_job``; it is replaced for the duration
    of this call only, so nothing else sees the change."""
    submitted: list[dict] = []

    def record(contents: str, _retriever, *args) -> str:
        job_id = str(1000 + len(submitted))
        submitted.append({"job_id": job_id, "args": list(args), "script": contents})
        return job_id

    with mock.patch.object(datatrove_slurm, "launch_slurm_job", record):
        prev = None
        for stage in stages:
            prev = make_executor(stage, config, logs, depends=prev)
        prev.run()
    return submitted
