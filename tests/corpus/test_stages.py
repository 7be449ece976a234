"""The local runner gives every task a fresh worker process (a task's memory is its own), and a
one-task stage runs in a worker too when there are several workers."""

from __future__ import annotations

from pathlib import Path

from firmcorpus.corpus.stages import Stage, run_local


def _pid_step(folder: str):
    def step(data, rank: int = 0, world_size: int = 1):
        import os

        Path(folder, f"{rank}.pid").write_text(str(os.getpid()))
        return data or []

    return step


def test_every_task_gets_a_fresh_worker(tmp_path):
    many, one = tmp_path / "many", tmp_path / "one"
    many.mkdir()
    one.mkdir()
    stages = [Stage("many", [_pid_step(str(many))], 4), Stage("one", [_pid_step(str(one))], 1)]
    run_local(stages, tmp_path / "logs", workers=2)
    pids = [int((many / f"{r}.pid").read_text()) for r in range(4)]
    assert len(set(pids)) == 4  # a pool that reuses its workers gives at most 2 distinct pids
    import os

    assert int((one / "0.pid").read_text()) != os.getpid()  # not run in this process
    assert (tmp_path / "logs" / "many" / "completions").is_dir()
