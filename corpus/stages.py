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

import multiprocess
from datatrove.executor import LocalPipelineExecutor

from firmcorpus.core.errors import UserError

# Modules the forkserver imports once, so each worker forked from it starts in ~0.5 s instead of
# importing numpy/pyarrow/datatrove again (~4 s per multi-worker stage on the 2-core machine).
FORKSERVER_PRELOAD = ("__main__", "numpy", "pyarrow", "pyarrow.parquet", "datatrove.executor.local",
                      "datatrove.pipeline.readers", "datatrove.pipeline.writers", "firmcorpus.corpus.dedup",
                      "firmcorpus.corpus.steps.minhash", "firmcorpus.corpus.steps.exact_dedup")


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

    def __repr__(self) -> str:
        return f"Stage({self.name!r}, tasks={self.tasks}, steps={[type(s).__name__ for s in self.pipeline]})"


def local_executor(stage: Stage, logging_dir: str | Path, workers: int, depends=None) -> LocalPipelineExecutor:
    # forkserver, never fork: one-task stages run in this process and start polars' thread
    # pool, and a forked child of a process with live polars threads deadlocks in polars.
    w = max(1, min(stage.workers or workers, stage.tasks))
    return LocalPipelineExecutor(stage.pipeline, tasks=stage.tasks, workers=w, logging_dir=str(logging_dir),
                                 depends=depends, skip_completed=True, start_method="forkserver")


def check_stage_complete(stage: Stage, logs: Path) -> None:
    done = logs / stage.name / "completions"
    n = len(list(done.glob("*"))) if done.is_dir() else 0
    if n < stage.tasks:
        raise StageIncomplete(f"stage {stage.name}: only {n}/{stage.tasks} tasks completed; see "
                              f"{logs / stage.name / 'logs'} and rerun the same command to resume")


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
