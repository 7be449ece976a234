"""The build on a real single-node Slurm (``make test-cluster``): a cancelled array task, a second submit
refused while the chain runs, the rerun byte-identical to the local build, a failing task that surfaces
with its log, and ``--status`` against the scheduler's real state."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest

from .conftest import cli, differing, flat, slurm_args, status, wait_for

pytestmark = pytest.mark.cluster


def test_slurm_build_cancelled_task_resubmit_and_rerun_identical_to_local(slurm, manifest, reference, tmp_path):
    """One chain: a task of the first stage cancelled at once, a resubmit and a report refused while the
    chain is queued, the failure named by --status with its log, then the same command resumes; the
    result is byte-identical to the local build (most of it ran in the resumed chain)."""
    out = tmp_path / "slurm"
    args = slurm_args(manifest, out, "--workers", "2")
    first = cli(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "submitted" in first.stderr and "activate" in first.stderr
    script = (out / "logs" / "extract" / "launch_script.slurm").read_text()
    assert "#SBATCH --array=0-1%2" in script  # --workers is the array's throttle
    assert "--qos" not in script  # no qos unless configured
    lock = json.loads((out / "logs" / "cluster.json").read_text())
    extract_job = next(j["job_id"] for j in lock["jobs"] if j["name"] == "firmcorpus-extract")
    # cancel one array task of the first stage: the rest of the chain is cancelled with it
    subprocess.run(["scancel", f"{extract_job}_1"], check=True)
    # a second submit while the chain is queued or running is refused with the job ids
    again = cli(*args)
    assert again.returncode == 2, again.stderr[-3000:]
    assert "already queued or running" in flat(again.stderr) and "--cancel" in flat(again.stderr)
    listed = re.search(r"already queued or running \(([^;]*);", flat(again.stderr))
    ids = {i.strip(" .") for i in listed.group(1).split(",")} - {""}
    assert ids and ids <= {j["job_id"] for j in lock["jobs"]}, listed.group(0)
    early = cli(*args, "--report-only")
    assert early.returncode == 2, early.stderr[-3000:]
    st, _ = wait_for(args, lambda s: s["state"] == "failed" and not s["active_jobs"], timeout=240)
    extract = st["stages"][0]
    # Slurm keeps a record of the task only when it had been split off the array (it started) before the
    # cancel; a task cancelled while pending inside the array's record just disappears
    cancelled = extract["failed"][0] if extract["failed"] else {}
    assert extract["state"] == "failed" and cancelled["task"] == 1, extract
    assert cancelled["state"] == "CANCELLED" or cancelled["state"].startswith("gone (cancelled while pending"), extract
    assert st["failure"].startswith(f"stage extract task 1 {cancelled['state']}"), st["failure"]
    assert any("earlier stage failed" in f["state"] for r in st["stages"][1:] for f in r["failed"]), st["stages"]
    # the same command resumes: only the missing work runs, and the result is the local build's
    rerun = cli(*args)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    st, seen = wait_for(args, lambda s: s["state"] in ("done", "failed") and not s["active_jobs"])
    assert st["state"] == "done", st["failure"]
    # the scheduler's view was seen on the way: a stage running or pending while earlier ones were done
    assert any(r["state"] in ("running", "pending") and r["job_id"] for s in seen[:-1] for r in s["stages"])
    assert all(r["done"] == r["tasks"] for r in st["stages"])
    report = cli(*args, "--report-only", "--json")
    assert report.returncode == 0, report.stderr[-3000:]
    assert differing(reference, out) == []


def test_failing_task_surfaces_with_its_log_and_cancel(slurm, manifest, bad_model, tmp_path):
    out = tmp_path / "slurm"
    args = slurm_args(manifest, out, "--set", f"classify_model={bad_model}")
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    t0 = time.monotonic()
    st, _ = wait_for(args, lambda s: s["state"] == "failed", timeout=240)
    assert time.monotonic() - t0 < 240
    extract = st["stages"][0]
    assert extract["state"] == "failed"
    failed = extract["failed"][0]
    assert failed["state"] == "FAILED" and "logs/slurm/extract/" in failed["log"], failed
    assert failed["error"], failed  # the task's own error line, read from its log
    assert "stage extract task" in st["failure"]
    # the text view says the same
    text = cli(*args, "--status")
    assert "failed" in text.stderr and "logs/slurm/extract/" in "".join(flat(text.stderr).split()), text.stderr[-2000:]
    # --cancel leaves nothing queued (kill-on-invalid-dep usually cancelled the chain already)
    cancel = cli(*args[:4], "--cancel")
    assert cancel.returncode in (0, 2), cancel.stderr
    if cancel.returncode == 0:
        assert status(args)["active_jobs"] == []


def test_sbatch_errors_are_one_line(slurm, manifest, tmp_path):
    args = slurm_args(manifest, tmp_path / "slurm")
    args[args.index("--partition") + 1] = "no-such-partition"
    proc = cli(*args)
    assert proc.returncode == 2
    assert "no-such-partition" in flat(proc.stderr) and "Traceback" not in proc.stderr
    big = slurm_args(manifest, tmp_path / "slurm2")
    big[big.index("--cpus-per-task") + 1] = "4096"
    proc = cli(*big)
    assert proc.returncode == 2 and "more than any node" in flat(proc.stderr), proc.stderr[-2000:]
