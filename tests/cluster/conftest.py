"""Fixtures of the cluster tests: a real single-node Slurm and a real Ray, both on 127.0.0.1, started by
``make test-cluster`` (scripts/cluster/run_tests.sh), and one local reference build they are compared with.

Tests marked ``cluster`` skip unless ``FIRMCORPUS_CLUSTER_TESTS=1`` (set by that script): ``make test``
collects them and skips them at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from firmcorpus.corpus.starter import profile_rows

# the same varied subset as tests/corpus/test_build.py: a rendered PDF datasheet, two flash drivers sharing
# one repository with SVD datasheets, register headers without a datasheet
SUBSET = ("nxp_lpc1768__ubertooth_firmware", "st_stm32f103__openocd_stm32f1x", "maxim_max32660__openocd_max32xxx",
          "ti_msp430f2x__msp430mcu")
COMPARED = ("text", "tokens", "catalog", "mappings")
TASKS = "2"
# the starter profile's held-out repository (a 4-pair manifest holds nothing out by share alone)
SPLIT = ("--set", "split.heldout_repos=[deb:ubertooth-firmware-source]")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("FIRMCORPUS_CLUSTER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs the local Slurm and Ray of `make test-cluster` (FIRMCORPUS_CLUSTER_TESTS=1)")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


def cli(*args: str, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    env.update(kw.pop("env", {}))
    return subprocess.run([sys.executable, "-m", "firmcorpus", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, **kw)


def flat(text: str) -> str:
    """CLI output as one line: rich wraps long messages inside a box (│ ... │)."""
    return " ".join(text.replace("│", " ").split())


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for sub in COMPARED for p in (root / sub).rglob("*")
                  if p.is_file() and "parts" not in p.parts)


def differing(a: Path, b: Path) -> list[str]:
    """Files of the compared folders that are not byte-identical (or exist on one side only)."""
    fa, fb = files(a), files(b)
    assert fa, f"{a} has no output"
    if fa != fb:
        return sorted(set(fa) ^ set(fb))
    return [f for f in fa if (a / f).read_bytes() != (b / f).read_bytes()]


@pytest.fixture(scope="session")
def manifest(tmp_path_factory) -> Path:
    rows = [r for r in profile_rows("default") if r["pair_id"] in SUBSET]
    assert len(rows) == len(SUBSET)
    path = tmp_path_factory.mktemp("manifest") / "pairs.yaml"
    path.write_text(yaml.safe_dump({"pairs": rows}))
    return path


@pytest.fixture(scope="session")
def reference(manifest, tmp_path_factory) -> Path:
    """One local build every cluster build is compared with, byte for byte (kept in
    ``FIRMCORPUS_TEST_REFERENCE`` when set, so the Slurm and the Ray part share it)."""
    keep = os.environ.get("FIRMCORPUS_TEST_REFERENCE")
    out = Path(keep) if keep else tmp_path_factory.mktemp("local") / "out"
    if keep and (out / "logs" / "summary.json").exists():
        return out
    proc = cli("build", str(manifest), "-o", str(out), "--tasks", TASKS, "--workers", "2", *SPLIT, "--json")
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def slurm_args(manifest: Path, out: Path, *extra: str) -> list[str]:
    return ["build", str(manifest), "-o", str(out), "--executor", "slurm", "--tasks", TASKS,
            "--partition", os.environ.get("FIRMCORPUS_TEST_PARTITION", "debug"), "--cpus-per-task", "1",
            "--set", "slurm.mem_per_cpu_gb=1", "--time", "00:20:00", *SPLIT, *extra]


def status(args: list[str]) -> dict:
    proc = cli(*args, "--status", "--json", timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def wait_for(args: list[str], until, timeout: float = 480, every: float = 3.0) -> tuple[dict, list[dict]]:
    """Poll ``--status --json`` until ``until(status)``; returns the last status and every one seen."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        st = status(args)
        seen.append(st)
        if until(st):
            return st, seen
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s; last status: {json.dumps(st)[:3000]}")
        time.sleep(every)


@pytest.fixture(scope="session")
def slurm() -> None:
    if not os.environ.get("SLURM_CONF"):
        pytest.skip("SLURM_CONF is not set: run `make test-cluster`")


@pytest.fixture(scope="session")
def ray_address() -> str:
    addr = os.environ.get("FIRMCORPUS_TEST_RAY")
    if not addr:
        pytest.skip("FIRMCORPUS_TEST_RAY is not set: run `make test-cluster`")
    return addr


@pytest.fixture(scope="session")
def bad_model(tmp_path_factory) -> Path:
    """A classifier model file that is not one: every extract task fails when it loads it."""
    path = tmp_path_factory.mktemp("bad") / "broken.ftz"
    path.write_bytes(b"this is not a fastText model\n" * 10)
    return path
