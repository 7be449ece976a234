"""What a cluster submit checks before anything runs, without a cluster (these run in ``make test``):
sbatch's own error in one line, the environment and cache the tasks get, the array throttle, no forced
qos, folders on node-local disks refused for a multi-node cluster, a task refusing an incomplete input
stage, and a second Ray driver refused while the first one lives."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from firmcorpus import workflows
from firmcorpus.core.errors import UserError
from firmcorpus.corpus.cluster import FirmcorpusSlurmExecutor, check_shared, fs_type, write_lock

from .conftest import SPLIT


def _fake_bin(tmp_path: Path, **scripts: str) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, body in scripts.items():
        (bindir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bindir / name).chmod(0o755)
    return bindir


def _run(manifest: Path, out: Path, dry: bool = False, executor: str = "slurm", *overrides: str):
    """The build as `firmcorpus build MANIFEST -o OUT --executor slurm --tasks 2 --set ...` runs it, in process."""
    pairs, base_dir, _ = workflows.load_pairs(manifest)
    config = workflows.load_build_config(None, [f"executor={executor}", "tasks=2", SPLIT[1], *overrides])
    if dry:
        return workflows.dry_run_slurm(pairs, out, config, base_dir)
    return workflows.build_corpus(pairs, out, config, base_dir=base_dir)


def test_sbatch_error_is_one_line_with_its_own_message(manifest, tmp_path, monkeypatch):
    bindir = _fake_bin(tmp_path, sbatch='echo "sbatch: error: invalid partition specified: nope" >&2; exit 1',
                       sinfo="exit 1")
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    with pytest.raises(UserError) as e:
        _run(manifest, tmp_path / "out", False, "slurm", "slurm.partition=nope")
    assert str(e.value) == "sbatch refused job firmcorpus-extract: sbatch: error: invalid partition specified: nope"


def test_no_sbatch_on_path(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path, true="exit 0")))
    with pytest.raises(UserError, match="sbatch is not on PATH"):
        _run(manifest, tmp_path / "out")


def test_dry_run_scripts_activate_this_environment_with_throttle_and_no_qos(manifest, tmp_path):
    script = _run(manifest, tmp_path / "out", True, "slurm", "workers=3")[0]["script"]
    assert f"source {Path(sys.prefix) / 'bin' / 'activate'}" in script
    assert "export FIRMCORPUS_CACHE=/" in script
    assert "#SBATCH --array=0-1%3" in script and "#SBATCH --kill-on-invalid-dep=yes" in script
    assert "--qos" not in script
    script = _run(manifest, tmp_path / "o2", True, "slurm", "slurm.qos=high")[0]["script"]
    assert "#SBATCH --array=0-1\n" in script and "#SBATCH --qos=high" in script


def test_missing_venv_is_refused_at_submit(manifest, tmp_path):
    with pytest.raises(UserError, match="no activate script there"):
        _run(manifest, tmp_path / "out", True, "slurm", f"slurm.venv_path={tmp_path}/nowhere")


def test_node_local_folders_refused_only_for_several_nodes(tmp_path):
    assert fs_type(Path("/proc/self")) == "proc"
    shm = Path("/dev/shm")
    if fs_type(shm) != "tmpfs":
        pytest.skip("/dev/shm is not a tmpfs here")
    check_shared({"output": shm}, nodes=1)
    with pytest.raises(UserError, match="node-local file system: output /dev/shm"):
        check_shared({"output": shm}, nodes=4)


def test_a_task_refuses_an_incomplete_input_stage(tmp_path, monkeypatch):
    logs = tmp_path / "logs"
    (logs / "extract" / "completions").mkdir(parents=True)
    (logs / "extract" / "completions" / "00000").touch()  # 1 of 2 tasks done
    ran = []
    ex = FirmcorpusSlurmExecutor([lambda data, rank, ws: ran.append(rank)], tasks=2, time="1:00", partition="p",
                                 logging_dir=str(logs / "split_plan"))
    ex.require = (str(logs), "extract", 2)
    monkeypatch.setattr(ex, "_set_distributed_environment", lambda node_rank: None)  # reads SLURM_NODELIST
    with pytest.raises(RuntimeError, match="input stage extract is incomplete"):
        ex._run_for_rank(0)
    assert ran == [] and not (logs / "split_plan" / "completions").exists()
    assert "incomplete" in (logs / "split_plan" / "logs" / "task_00000.log").read_text()
    (logs / "extract" / "completions" / "00001").touch()
    ex._run_for_rank(0)
    assert ran == [0] and (logs / "split_plan" / "completions" / "00000").exists()


def test_second_ray_driver_is_refused(manifest, tmp_path):
    out = tmp_path / "out"
    driver = subprocess.Popen(["sleep", "60"])
    try:
        write_lock(out / "logs", {"executor": "ray", "host": socket.gethostname(), "pid": driver.pid, "jobs": []})
        with pytest.raises(UserError, match=f"already queued or running \\(ray driver pid {driver.pid}"):
            _run(manifest, out, False, "ray")
    finally:
        driver.kill()
        driver.wait()
