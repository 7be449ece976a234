"""A stage (a datatrove pipeline with its task count) and the one local runner, shared by the
build (``corpus.build``) and the standalone dedup (``corpus.dedup``).

Each stage runs as its own ``LocalPipelineExecutor`` with ``logging_dir/<name>``, so a rerun skips
the tasks it completed; a stage that ends with fewer completions than tasks stops the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import multiprocess
from datatrove.executor import LocalPipelineExecutor

from firmcorpus.core.errors import UserError

# Modules the forkserver imports once, so each worker forked from it starts in ~0.5 s instead of
# importing numpy/pyarrow/datatrove again (~4 s per multi-worker stage on the 2-core machine). Every
# task runs in a fresh worker (FreshWorkerExecutor), so anything a task imports on first use is paid
# per task: the build's steps (``corpus.build`` imports them all, ~0.4 s) and pandas, which pyarrow
# imports the first time a parquet writer builds a schema from a document (~0.25 s per writing task;
# 20 s of wall on the 100 MB throughput build with 2 workers).
FORKSERVER_PRELOAD = ("__main__", "numpy", "pyarrow", "pyarrow.parquet", "pandas", "datatrove.executor.local",
                      "datatrove.pipeline.readers", "datatrove.pipeline.writers", "firmcorpus.corpus.dedup",
                      "firmcorpus.corpus.steps.minhash", "firmcorpus.corpus.steps.exact_dedup",
                      "firmcorpus.corpus.steps.tokens", "firmcorpus.corpus.steps.decontam", "firmcorpus.corpus.build")


# Tasks a worker of a light stage runs before it is replaced (``Stage.tasks_per_worker``): bounded,
# so a worker's leftovers cannot grow with the corpus. With 8, a worker's peak at 200 MB was up to
# ×1.20 its peak at 25 MB (where a worker runs only ~4 tasks); 4 amortises most of a process start.
LIGHT_TASKS_PER_WORKER = 4


def preload_forkserver(modules=FORKSERVER_PRELOAD) -> None:
    """Have datatrove's ``forkserver`` workers start from a server that already imported ``modules``.

    Takes effect if called before the first multi-worker stage of the process. ``fork`` would be
    faster still but deadlocks when an in-process stage (tasks=1) has started polars/arrow threads.
    """
    multiprocess.get_context("forkserver").set_forkserver_preload(list(modules))


class StageIncomplete(UserError):
    """A stage finished with tasks that did not complete; rerunning the same command resumes."""


@dataclass
class Stage:
    name: str
    pipeline: list
    tasks: int
    workers: int | None = None
    outputs: list[str] = field(default_factory=list)
    # How many tasks one local worker process runs before a fresh one replaces it. 1 for stages whose
    # tasks hold documents and buffers (a worker's RSS would follow the tasks it ran); a light stage
    # (hashing n-grams, signatures) reuses its workers for a bounded number of tasks, which keeps its
    # peak per task independent of the corpus while not paying a process start per ~0.1 s task.
    tasks_per_worker: int = 1

    def __repr__(self) -> str:
        return f"Stage({self.name!r}, tasks={self.tasks}, steps={[type(s).__name__ for s in self.pipeline]})"


class FreshWorkerExecutor(LocalPipelineExecutor):
    """datatrove's local executor whose pool starts a fresh worker process every ``tasks_per_worker``
    tasks (default: for every task).

    datatrove's pool reuses its workers for every task of a stage, and memory freed by one task
    (tokenizer and parquet buffers, glibc arenas) is not returned to the system: a worker's RSS then
    follows the number of tasks it ran, which grows with the corpus at a fixed shard size. With a
    bounded number of tasks per worker a task's peak memory depends on its shard, not on the corpus.
    A worker is forked from the forkserver, which has the heavy modules imported already
    (``FORKSERVER_PRELOAD``)."""

    def __init__(self, *args, tasks_per_worker: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks_per_worker = max(1, int(tasks_per_worker))

    def run(self):
        if self.workers == 1:  # tasks run in this process, no pool
            return super().run()
        ctx = type(multiprocess.get_context(self.start_method))
        pool = ctx.Pool
        per_worker = self.tasks_per_worker

        def fresh_pool(self_ctx, processes=None, initializer=None, initargs=()):
            return pool(self_ctx, processes, initializer, initargs, maxtasksperchild=per_worker)

        with mock.patch.object(ctx, "Pool", fresh_pool):
            return super().run()

    def get_incomplete_ranks(self, ranks=None, skip_completed=None) -> list[int]:
        """The ranks still to run, largest input first when the stage reads a folder of shards.

        Ranks are handed to the free workers in this order; with rank order a large shard dealt last
        leaves one worker busy alone at the end of the stage (longest-first scheduling). Outputs do not
        depend on the order: every rank writes its own files."""
        todo = super().get_incomplete_ranks(ranks, skip_completed)
        if self.workers > 1 and len(todo) > self.workers:
            sizes = input_sizes(self.pipeline, self.world_size)
            if sizes:
                todo.sort(key=lambda r: (-sizes.get(r, 0), r))
        return todo


def input_sizes(pipeline: list, world_size: int) -> dict[int, int]:
    """Bytes each rank reads when the pipeline starts with a datatrove disk reader over a folder
    (rank r reads files r, r + world_size, ... of the sorted listing, as ``DataFolder.get_shard``
    deals them) or with a reader that says so itself (``rank_input_sizes``, the pair reader);
    ``{}`` when that cannot be known before the stage runs."""
    reader = pipeline[0] if pipeline else None
    if hasattr(reader, "rank_input_sizes"):  # a reader that deals its own inputs (the pair reader)
        return reader.rank_input_sizes(world_size)
    folder = getattr(reader, "data_folder", None)
    if folder is None or getattr(reader, "paths_file", None):
        return {}
    try:
        files = folder.list_files(recursive=getattr(reader, "recursive", True),
                                  glob_pattern=getattr(reader, "glob_pattern", None))
        sizes = [folder.size(f) or 0 for f in files]
    except (OSError, ValueError, NotImplementedError):
        return {}
    return {r: sum(sizes[r::world_size]) for r in range(world_size)}


def local_executor(stage: Stage, logging_dir: str | Path, workers: int, depends=None) -> LocalPipelineExecutor:
    # forkserver, never fork: with --workers 1 every stage runs in this process and starts polars'
    # thread pool, and a forked child of a process with live polars threads deadlocks in polars.
    w = max(1, min(stage.workers or workers, stage.tasks))
    if w == 1 and (stage.workers or workers) > 1:
        # a one-task stage runs in a fresh worker as well (a pool of two, one of them idle), not in
        # this process: the build's own process then does not carry every stage's leftovers
        w = 2
    return FreshWorkerExecutor(stage.pipeline, tasks=stage.tasks, workers=w, logging_dir=str(logging_dir),
                               depends=depends, skip_completed=True, start_method="forkserver",
                               tasks_per_worker=stage.tasks_per_worker)


def completed_ranks(logs: Path, stage_name: str) -> set[int]:
    """The ranks of ``stage_name`` with a datatrove completion marker under ``logs/<stage>/completions``."""
    done = Path(logs) / stage_name / "completions"
    if not done.is_dir():
        return set()
    return {int(p.name) for p in done.iterdir() if p.name.isdigit()}


def last_error_line(log: Path) -> str:
    """The last line of a task log that names an error (``...Error: ...``), or ''."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        text = line.strip()
        if ("Error" in text or "Exception" in text) and ":" in text and not text.startswith("File "):
            return text[:300]
    return ""


def task_log(logs: Path, stage_name: str, rank: int) -> Path:
    """Where datatrove writes the log of task ``rank`` of a stage (every executor)."""
    return Path(logs) / stage_name / "logs" / f"task_{rank:05d}.log"


def check_stage_complete(stage: Stage, logs: Path, log_hint: Callable[[int], list[Path]] | None = None) -> None:
    """Raise ``StageIncomplete`` naming each missing task, its last error line and its log file(s).

    ``log_hint(rank)`` adds scheduler logs (Slurm's ``logs/slurm/<stage>/<job>_<task>.out``)."""
    logs = Path(logs)
    done = completed_ranks(logs, stage.name)
    missing = [r for r in range(stage.tasks) if r not in done]
    if not missing:
        return
    parts = []
    for rank in missing[:5]:
        paths = [p for p in [task_log(logs, stage.name, rank), *(log_hint(rank) if log_hint else [])] if p.exists()]
        error = next((e for e in (last_error_line(p) for p in paths) if e), "")
        where = ", ".join(str(p) for p in paths) or f"no log yet under {logs / stage.name / 'logs'}"
        parts.append(f"task {rank}" + (f" ({error})" if error else "") + f": {where}")
    more = f" (+{len(missing) - 5} more)" if len(missing) > 5 else ""
    raise StageIncomplete(f"stage {stage.name}: {stage.tasks - len(missing)}/{stage.tasks} tasks completed; "
                          f"{'; '.join(parts)}{more}. Fix the cause and rerun the same command to resume")


def missing_input(logs: Path, stage_name: str, tasks: int) -> str:
    """Why a task must not run on the output of ``stage_name`` ('' when all its tasks completed).

    On Slurm and Ray a task can start although its input is incomplete (a chain submitted twice,
    a dependency that exited 0 without doing its work); it must fail then, never mark itself
    complete on a partial input."""
    done = completed_ranks(Path(logs), stage_name)
    missing = [r for r in range(tasks) if r not in done]
    if not missing:
        return ""
    return (f"input stage {stage_name} is incomplete ({tasks - len(missing)}/{tasks} tasks done, missing "
            f"{missing[:10]}): refusing to run on a partial input; rerun the build once that stage has completed")


def run_local(stages: list[Stage], logs: str | Path, workers: int = 2,
              progress: Callable[[str, int, int], None] | None = None,
              only: list[str] | None = None) -> dict[str, float]:
    """Run (or resume) the stages in order in this machine's processes; returns seconds per stage.

    Call it under ``if __name__ == "__main__":`` in scripts (datatrove's executor starts workers).
    """
    preload_forkserver()  # workers start from a server that already imported numpy/pyarrow/datatrove
    logs = Path(logs)
    timings: dict[str, float] = {}
    for i, stage in enumerate(stages):
        if only and stage.name not in only:
            continue
        if progress:
            progress(stage.name, i, len(stages))
        t0 = time.perf_counter()
        local_executor(stage, logs / stage.name, workers).run()
        check_stage_complete(stage, logs)
        timings[stage.name] = round(time.perf_counter() - t0, 3)
    return timings
