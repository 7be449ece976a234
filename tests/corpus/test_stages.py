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


def test_tasks_start_largest_input_first(tmp_path):
    """A stage over a folder of shards hands out its ranks largest shard first to a pool of workers
    (each rank still writes its own outputs); in process it keeps rank order."""
    from datatrove.pipeline.readers import JsonlReader

    from firmcorpus.corpus.stages import FreshWorkerExecutor, input_sizes

    shards = tmp_path / "in"
    shards.mkdir()
    lines = {0: 1, 1: 40, 2: 5, 3: 80, 4: 2}  # rank r reads shard r (5 tasks, one file each)
    for r, n in lines.items():
        (shards / f"{r:02d}.jsonl").write_text("".join(f'{{"text": "document {i} {"x" * 50}", "id": "{r}-{i}"}}\n'
                                                        for i in range(n)))
    reader = JsonlReader(str(shards))
    sizes = input_sizes([reader], 5)
    assert sorted(sizes, key=lambda r: -sizes[r]) == [3, 1, 2, 4, 0]
    ex = FreshWorkerExecutor([reader], tasks=5, workers=2, logging_dir=str(tmp_path / "logs"))
    assert ex.get_incomplete_ranks() == [3, 1, 2, 4, 0]
    one = FreshWorkerExecutor([reader], tasks=5, workers=1, logging_dir=str(tmp_path / "logs1"))
    assert one.get_incomplete_ranks() == [0, 1, 2, 3, 4]  # in-process: rank order
    assert input_sizes([_pid_step(str(tmp_path))], 5) == {}  # no folder reader: nothing known
