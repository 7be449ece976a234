"""The local runner gives every task a fresh worker process (a task's memory is its own) unless a
light stage allows a bounded reuse, a one-task stage runs in a worker too when there are several
workers, and ranks start largest input first."""

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


def test_light_stage_reuses_a_worker_for_a_bounded_number_of_tasks(tmp_path):
    """``tasks_per_worker=k``: no worker process runs more than k tasks of the stage (its memory stays
    bounded whatever the corpus size), and fewer processes are started than tasks."""
    from collections import Counter

    light = tmp_path / "light"
    light.mkdir()
    run_local([Stage("light", [_pid_step(str(light))], 9, tasks_per_worker=3)], tmp_path / "logs", workers=2)
    per_pid = Counter(int((light / f"{r}.pid").read_text()) for r in range(9))
    assert sum(per_pid.values()) == 9
    assert max(per_pid.values()) <= 3
    assert len(per_pid) < 9  # workers were reused (with one task per worker: 9 distinct pids)


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


def test_extract_starts_largest_pairs_first(tmp_path):
    """The pair reader sizes each rank from the repositories already on this machine (selected
    regular files only, by lstat), so extract's ranks start largest first as well; a repository that
    would have to be fetched counts 0 and is never fetched to be sized."""
    from firmcorpus.corpus.stages import FreshWorkerExecutor
    from firmcorpus.corpus.steps.reader import PairReader, pair_size_hint

    sizes = {"a": 100, "b": 9000, "c": 10, "d": 3000}
    pairs = []
    for name, n in sizes.items():
        repo = tmp_path / name
        (repo / "src").mkdir(parents=True)
        (repo / "src" / "x.c").write_text("x" * n)
        (repo / "other.c").write_text("y" * 50_000)  # outside repo_paths: not read, not counted
        pairs.append({"pair_id": name, "repo": str(repo), "repo_paths": ["src"]})
    (tmp_path / "b" / "src" / "link.c").symlink_to(tmp_path / "d" / "other.c")  # a link is never read
    pairs.append({"pair_id": "remote", "repo": "https://example.invalid/never-fetched.git", "repo_paths": []})
    assert [pair_size_hint(p) for p in pairs] == [100, 9000, 10, 3000, 0]

    reader = PairReader(pairs, str(tmp_path / "catalog"))
    assert reader.rank_input_sizes(3) == {0: 100 + 3000, 1: 9000 + 0, 2: 10}
    ex = FreshWorkerExecutor([reader], tasks=3, workers=2, logging_dir=str(tmp_path / "logs"))
    assert ex.get_incomplete_ranks() == [1, 0, 2]
