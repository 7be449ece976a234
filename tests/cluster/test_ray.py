"""The build on a real Ray cluster on 127.0.0.1 (``make test-cluster``), attached through ``ray.address``:
byte-identical to the local build with the task logs inside OUT, a failing task that ends the build in
bounded time with its log, and an unreachable address that times out with a message."""

from __future__ import annotations

import time

import pytest

from .conftest import SPLIT, TASKS, cli, differing, flat

pytestmark = pytest.mark.cluster


def ray_args(manifest, out, address, *extra):
    return ["build", str(manifest), "-o", str(out), "--executor", "ray", "--tasks", TASKS, "--workers", "2",
            "--set", f"ray.address={address}", "--set", "ray.mem_per_cpu_gb=0.5", *SPLIT, *extra]


def test_ray_build_is_identical_to_local(ray_address, manifest, reference, tmp_path):
    out = tmp_path / "ray"
    proc = cli(*ray_args(manifest, out, ray_address), "--json")
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert differing(reference, out) == []
    assert (out / "logs" / "extract" / "logs" / "task_00000.log").stat().st_size > 0  # task logs inside OUT
    assert "object at 0x" not in proc.stderr
    assert "Logging directory points to a local filesystem" not in proc.stderr
    assert not (out / "logs" / "cluster.json").exists()  # the driver's record is gone with it


def test_ray_failing_task_ends_the_build_with_its_log(ray_address, manifest, bad_model, tmp_path):
    out = tmp_path / "ray"
    t0 = time.monotonic()
    proc = cli(*ray_args(manifest, out, ray_address, "--set", f"classify_model={bad_model}"), timeout=300)
    assert time.monotonic() - t0 < 300
    assert proc.returncode == 2, proc.stderr[-4000:]
    text = "".join(flat(proc.stderr).split())  # paths may be cut where rich wraps
    assert "stageextract" in text and "logs/extract/logs/task_0000" in text, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


def test_ray_unreachable_address_times_out(manifest, tmp_path):
    pytest.importorskip("ray")
    proc = cli(*ray_args(manifest, tmp_path / "ray", "127.0.0.1:9", "--set", "ray.connect_timeout_s=15"), timeout=240)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "could not attach to the Ray cluster at 127.0.0.1:9" in flat(proc.stderr), proc.stderr[-3000:]
