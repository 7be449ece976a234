"""What a build on a cluster (Slurm, Ray) needs beyond datatrove's executors.

* **one chain per output folder**: ``OUT/logs/cluster.json`` records the submitted Slurm job ids
  (or the Ray driver's host and pid); a second submit while any of them is queued or running is
  refused with the ids, ``--cancel`` cancels them.
* **failures that surface**: the scheduler's view of every array task (``scontrol``/``squeue``)
  joined with datatrove's completion markers: which task failed, its state, its log file.
* **checks at submit time**: sbatch on PATH and its own one-line error, the environment the
  tasks activate (default: the running interpreter's), CPUs per task against ``sinfo``, and the
  folders every node must see (output, cache, environment) not on a node-local file system when
  the cluster has more than one node.
* **Ray**: attach to ``ray.address`` (or start a local instance) with a timeout; task logs under
  ``OUT/logs/<stage>/logs`` (datatrove's Ray executor writes them to ``/tmp/ray_logs`` first).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datatrove.executor import RayPipelineExecutor, SlurmPipelineExecutor
from datatrove.executor.base import PipelineExecutor
from datatrove.utils.logging import logger as datatrove_logger

from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_write_json
from firmcorpus.corpus.stages import Stage, completed_ranks, last_error_line, missing_input, task_log

LOCK_NAME = "cluster.json"
# Slurm job states after which a task will not run again (squeue/scontrol spelling)
FAILED_STATES = {"FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE",
                 "PREEMPTED", "REVOKED", "SPECIAL_EXIT"}
ACTIVE_STATES = {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED",
                 "REQUEUE_HOLD", "REQUEUE_FED", "STAGE_OUT", "SIGNALING"}
# file systems a node sees only locally: fine on one node, wrong when tasks run on others
LOCAL_FS = {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "ramfs", "vfat", "devtmpfs"}


class ClusterError(UserError):
    """A cluster submit, status or cancel that cannot go on; the message says what to do."""


def run_cmd(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess | None:
    """Run a scheduler command; None when it is not installed."""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        return None
    except subprocess.TimeoutExpired as e:
        raise ClusterError(f"`{' '.join(args)}` did not answer within {timeout:.0f} s: is the Slurm controller "
                           f"up (`scontrol ping`)?") from e


def one_line(text: str) -> str:
    return " ".join((text or "").split())[:500]


# --------------------------------------------------------------------------- the chain lock


def lock_path(logs: Path) -> Path:
    return Path(logs) / LOCK_NAME


def read_lock(logs: Path) -> dict[str, Any] | None:
    try:
        return json.loads(lock_path(logs).read_text())
    except (OSError, ValueError):
        return None


def write_lock(logs: Path, lock: dict[str, Any]) -> None:
    Path(logs).mkdir(parents=True, exist_ok=True)
    atomic_write_json(lock_path(logs), lock, indent=1, sort_keys=True)


def remove_lock(logs: Path, pid: int | None = None) -> None:
    lock = read_lock(logs)
    if lock is not None and (pid is None or lock.get("pid") == pid):
        lock_path(logs).unlink(missing_ok=True)


def lock_job_ids(lock: dict[str, Any]) -> list[str]:
    return [str(j["job_id"]) for j in lock.get("jobs", []) if j.get("job_id") not in (None, -1, "-1")]


def active_jobs(lock: dict[str, Any]) -> list[str]:
    """The lock's jobs that are still queued or running (Slurm), or the live driver pid (Ray)."""
    if lock.get("executor") == "ray":
        if lock.get("host") != socket.gethostname():
            return [f"ray driver pid {lock.get('pid')} on {lock.get('host')}"]
        pid = int(lock.get("pid") or 0)
        if pid and pid != os.getpid() and _pid_alive(pid):
            return [f"ray driver pid {pid}"]
        return []
    ids = lock_job_ids(lock)
    if not ids:
        return []
    proc = run_cmd(["squeue", "-h", "-j", ",".join(ids), "-o", "%F|%T"])
    if proc is None:
        raise ClusterError(f"{lock_path(Path(lock['logs']))} lists Slurm jobs {','.join(ids)} but squeue is not on "
                           f"PATH here: check from a Slurm login node")
    if proc.returncode != 0 and "Invalid job id" not in proc.stderr:
        raise ClusterError(f"squeue failed: {one_line(proc.stderr)}")
    return sorted({line.split("|")[0] for line in proc.stdout.split() if line.split("|")[-1] in ACTIVE_STATES})


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --------------------------------------------------------------------------- Slurm submit


@dataclass
class SlurmSubmitter:
    """Replaces datatrove's ``launch_slurm_job`` during a submit: runs sbatch, records every job id
    (stage arrays and their merge-stats jobs) and turns an sbatch error into one line."""

    jobs: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, contents: str, job_id_retriever, *args) -> str:
        name = next((ln.split("=", 1)[1] for ln in contents.splitlines() if ln.startswith("#SBATCH --job-name=")), "?")
        kind = "merge_stats" if "merge_stats " in contents else "stage"
        with tempfile.NamedTemporaryFile("w", suffix=".slurm") as f:
            f.write(contents)
            f.flush()
            try:
                proc = subprocess.run(["sbatch", *args, f.name], capture_output=True, text=True, timeout=120)
            except FileNotFoundError:
                raise ClusterError("sbatch is not on PATH: submit from a Slurm login node, or use --executor local "
                                   "or ray") from None
            except subprocess.TimeoutExpired:
                raise ClusterError("sbatch did not answer within 120 s: is slurmctld up (`scontrol ping`)?") from None
        if proc.returncode != 0:
            raise ClusterError(f"sbatch refused job {name}: {one_line(proc.stderr or proc.stdout)}")
        job_id = job_id_retriever(proc.stdout)
        self.jobs.append({"name": name, "kind": kind, "job_id": str(job_id)})
        return job_id


def cancel_jobs(ids: list[str]) -> None:
    if not ids:
        return
    proc = run_cmd(["scancel", *ids])
    if proc is None:
        raise ClusterError(f"scancel is not on PATH: cancel jobs {','.join(ids)} from a Slurm login node")
    if proc.returncode != 0:
        raise ClusterError(f"scancel {' '.join(ids)} failed: {one_line(proc.stderr)}")


def slurm_environment(venv_path: str | None, env_command: str | None, cache: Path) -> tuple[str, str]:
    """(shell lines the tasks run before the pipeline, what they activate): the configured
    ``env_command`` or ``venv_path``, else the running interpreter's environment, checked here."""
    if env_command:
        where = env_command
        lines = env_command
    else:
        venv = Path(venv_path) if venv_path else Path(sys.prefix) / "bin" / "activate"
        if venv.is_dir():
            venv = venv / "bin" / "activate"
        if venv.is_file():
            where = str(venv)
            lines = f"source {venv}"
        elif venv_path:
            raise ClusterError(f"slurm.venv_path={venv_path}: no activate script there; give the path of "
                               f"<venv>/bin/activate on a file system the nodes see, or set slurm.env_command")
        else:  # not a virtual environment: put this interpreter's bin folder first on PATH
            bindir = Path(sys.executable).parent
            if not (bindir / "launch_pickled_pipeline").exists():
                raise ClusterError(f"{bindir} has no launch_pickled_pipeline (datatrove's task starter): install "
                                   f"firmcorpus into an environment the nodes see and set slurm.venv_path")
            where = str(bindir)
            lines = f"export PATH={bindir}:$PATH"
    return f"{lines}\nexport FIRMCORPUS_CACHE={cache}", where


def check_slurm_resources(partition: str, cpus_per_task: int) -> int:
    """Refuse CPUs per task that no node of ``partition`` has; returns the partition's node count
    (0 when ``sinfo`` is not available, so nothing could be checked)."""
    proc = run_cmd(["sinfo", "-h", "-p", partition, "-o", "%c|%D"])
    if proc is None or proc.returncode != 0:
        return 0
    rows = [ln.split("|") for ln in proc.stdout.split() if "|" in ln]
    if not rows:
        listed = run_cmd(["sinfo", "-h", "-o", "%P"])
        names = " ".join(listed.stdout.split()) if listed and listed.returncode == 0 else "?"
        raise ClusterError(f"Slurm has no partition {partition!r} (sinfo lists: {names}); set --partition")
    cpus = max(int(c.rstrip("+")) for c, _ in rows)
    if cpus_per_task > cpus:
        raise ClusterError(f"--cpus-per-task {cpus_per_task} is more than any node of partition {partition!r} has "
                           f"({cpus}): the jobs would pend forever; use --cpus-per-task {cpus} or less")
    return sum(int(n) for _, n in rows)


# --------------------------------------------------------------------------- shared folders


def fs_type(path: Path) -> str:
    """The file system type of ``path`` (longest mount point above it in /proc/mounts), or ''."""
    path = Path(path).resolve()
    best, kind = "", ""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = parts[1].replace("\\040", " ")
        if (str(path) == mnt or str(path).startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
            best, kind = mnt, parts[2]
    return kind


def check_shared(paths: dict[str, Path], nodes: int) -> None:
    """Refuse folders on a node-local file system when the tasks may run on other nodes."""
    if nodes <= 1:
        return
    local = [f"{name} {p} ({fs_type(p)})" for name, p in paths.items() if fs_type(p) in LOCAL_FS]
    if local:
        raise ClusterError(f"the cluster has {nodes} nodes but these folders are on a node-local file system: "
                           f"{'; '.join(local)}. Put them on a shared file system (NFS, Lustre, ...): -o for the "
                           f"output, slurm.shared_cache / ray.shared_cache for the cache, slurm.venv_path for the "
                           f"environment")


def prepare_cache(shared_cache: str | None, current: Path) -> Path:
    """The cache the tasks use: ``shared_cache`` (created, with this machine's tokenizers copied
    into it) or this machine's cache. Sets ``FIRMCORPUS_CACHE`` in this process so the planned
    stages reference it."""
    if not shared_cache:
        return current.resolve()
    cache = Path(shared_cache).expanduser().resolve()
    cache.mkdir(parents=True, exist_ok=True)
    src = current / "tokenizers"
    if src.is_dir() and not (cache / "tokenizers").exists() and src.resolve() != (cache / "tokenizers").resolve():
        shutil.copytree(src, cache / "tokenizers")
    os.environ["FIRMCORPUS_CACHE"] = str(cache)
    return cache


# --------------------------------------------------------------------------- Slurm status


def _expand(spec: str) -> list[int]:
    """``0-3%2`` / ``1,4-5`` / ``7`` → the array indices."""
    spec = spec.split("%", 1)[0]
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def slurm_tasks(job_id: str) -> list[dict[str, Any]] | None:
    """Every array task of ``job_id`` Slurm still knows: index, state, reason, exit code; ``[]`` when
    Slurm no longer knows the job, ``None`` when it could not be asked.

    A task cancelled while it was still pending inside the array's own record (Slurm splits a task
    off only when it starts) leaves no record at all: its index just disappears."""
    proc = run_cmd(["scontrol", "-o", "show", "job", str(job_id)])
    if proc is None:
        return None
    if proc.returncode != 0:
        return [] if "Invalid job id" in (proc.stderr + proc.stdout) else None
    out = []
    for line in proc.stdout.splitlines():
        kv = dict(item.split("=", 1) for item in line.split() if "=" in item)
        state = kv.get("JobState", "")
        for idx in _expand(kv.get("ArrayTaskId", "0")):
            out.append({"index": idx, "state": state, "reason": kv.get("Reason", ""),
                        "exit": kv.get("ExitCode", "")})
    return out


def _ranks_to_run(logs: Path, stage: str) -> list[int]:
    try:
        return json.loads((logs / stage / "ranks_to_run.json").read_text())
    except (OSError, ValueError):
        return []


def stage_status(stages: list[Stage], logs: Path, lock: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per stage: tasks, done (completion markers), and from the scheduler running/pending/failed."""
    logs = Path(logs)
    jobs = {j["name"]: j for j in (lock or {}).get("jobs", []) if j.get("kind") == "stage"}
    prefix = (lock or {}).get("job_name_prefix", "firmcorpus")
    rows = []
    for stage in stages:
        done = completed_ranks(logs, stage.name)
        row: dict[str, Any] = {"stage": stage.name, "tasks": stage.tasks, "done": len(done), "running": 0,
                               "pending": 0, "failed": [], "job_id": None, "state": ""}
        job = jobs.get(f"{prefix}-{stage.name}")
        if len(done) >= stage.tasks:
            row["state"] = "done"
        if job and lock and lock.get("executor") == "slurm":
            row["job_id"] = job["job_id"]
            ranks = _ranks_to_run(logs, stage.name)
            known = slurm_tasks(job["job_id"])

            def rank_of(index: int) -> int:  # an array index → the rank it runs (a resumed chain runs a subset)
                return ranks[index] if index < len(ranks) else index

            for t in known or []:
                rank = rank_of(t["index"])
                if rank in done:
                    continue
                log = logs / "slurm" / stage.name / f"{job['job_id']}_{t['index']}.out"
                if t["state"] == "RUNNING":
                    row["running"] += 1
                elif t["state"] in ACTIVE_STATES:
                    row["pending"] += 1
                    if t["reason"] == "DependencyNeverSatisfied":
                        row["failed"].append({"task": rank, "state": "never runs (an earlier stage failed)",
                                              "log": None, "error": ""})
                else:  # FAILED, CANCELLED, ... or COMPLETED without its completion marker
                    tlog = task_log(logs, stage.name, rank)
                    error = last_error_line(tlog) or last_error_line(log)
                    if t["state"] == "CANCELLED" and t["reason"] == "DependencyNeverSatisfied":
                        row["failed"].append({"task": rank, "state": "cancelled (an earlier stage failed)",
                                              "log": None, "error": ""})
                    else:  # a task cancelled while pending never started: it has no log
                        where = log if log.exists() else tlog if tlog.exists() else None
                        state = "ended without its completion marker" if t["state"] in ("COMPLETED", "") else t["state"]
                        row["failed"].append({"task": rank, "state": state, "cause": True,
                                              "log": str(where) if where else None,
                                              "error": error if where else "it never started"})
            if known is not None and not row["running"] and not row["pending"] and not row["state"]:
                # the job is over; a rank it should have run that is neither done nor listed never ran
                listed = {rank_of(t["index"]) for t in known}
                for rank in sorted(set(ranks or range(stage.tasks)) - set(done) - listed):
                    tlog = task_log(logs, stage.name, rank)
                    row["failed"].append({"task": rank, "cause": True,
                                          "state": "gone (cancelled while pending, or its record expired)",
                                          "log": str(tlog) if tlog.exists() else None,
                                          "error": last_error_line(tlog) if tlog.exists() else "it never started"})
        if not row["state"]:
            if row["failed"]:
                row["state"] = "failed"
            elif row["running"]:
                row["state"] = "running"
            elif row["pending"]:
                row["state"] = "pending"
            elif len(done):
                row["state"] = "incomplete"
            else:
                row["state"] = "not started"
        rows.append(row)
    return rows


def failure_summary(rows: list[dict[str, Any]]) -> str:
    """One sentence naming the first failed task, its state, error and log ('' when none failed)."""
    for row in rows:
        for f in row["failed"]:
            if f.get("cause"):
                err = f" ({f['error']})" if f["error"] else ""
                return f"stage {row['stage']} task {f['task']} {f['state']}{err}" + (f"; log: {f['log']}" if f["log"] else "")
    for row in rows:
        if row["failed"]:
            return f"stage {row['stage']}: {row['failed'][0]['state']}"
    return ""


# --------------------------------------------------------------------------- Ray


def ray_connect(address: str | None, timeout_s: float, env_vars: dict[str, str]) -> bool:
    """Attach to the Ray cluster at ``address`` ("auto": the one ``ray start`` made here) or start a
    local one; returns whether this call started Ray (so the caller shuts it down). A connection
    that does not come up within ``timeout_s`` (wrong address, auth token mismatch) is an error."""
    import ray

    if ray.is_initialized():
        return False
    if not address:  # a local instance: started here, in the main thread (Ray installs signal handlers)
        try:
            ray.init(include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False,
                     configure_logging=True, runtime_env={"env_vars": env_vars})
        except Exception as e:  # noqa: BLE001 - one line for the user
            raise ClusterError(f"could not start a local Ray instance: {one_line(str(e)) or type(e).__name__}") from e
        return True
    box: dict[str, BaseException] = {}

    def connect() -> None:
        try:
            ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False,
                     configure_logging=True, runtime_env={"env_vars": env_vars})
        except BaseException as e:  # noqa: BLE001 - reported to the caller's thread
            box["error"] = e

    t = threading.Thread(target=connect, daemon=True, name="ray-connect")
    t.start()
    t.join(timeout_s)
    where = f"the Ray cluster at {address}" if address else "a local Ray instance"
    if t.is_alive():
        raise ClusterError(f"could not attach to {where} within {timeout_s:.0f} s: check ray.address "
                           f"(`ray status --address ...` on the head node), the Ray version (this is "
                           f"{ray.__version__}) and the cluster's auth token; raise ray.connect_timeout_s if it is slow")
    if "error" in box:
        e = box["error"]
        raise ClusterError(f"could not attach to {where}: {one_line(str(e)) or type(e).__name__}") from e
    return True


def guard_input(executor: PipelineExecutor, rank: int) -> None:
    """Fail task ``rank`` (its log says why) when the stage before it is incomplete.
    ``executor.require`` is (logs folder, previous stage, its task count) or None."""
    require = getattr(executor, "require", None)
    if not require or executor.is_rank_completed(rank):
        return
    why = missing_input(Path(require[0]), require[1], require[2])
    if why:
        with executor.logging_dir.open(f"logs/task_{rank:05d}.log", "a") as f:
            f.write(f"RuntimeError: {why}\n")
        raise RuntimeError(why)


class FirmcorpusSlurmExecutor(SlurmPipelineExecutor):
    """datatrove's Slurm executor whose tasks refuse an incomplete input stage."""

    require: tuple[str, str, int] | None = None

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        guard_input(self, rank)
        return super()._run_for_rank(rank, local_rank, node_rank)

    def __repr__(self) -> str:
        return f"SlurmPipelineExecutor({self.job_name}, tasks={self.tasks})"


class FirmcorpusRayExecutor(RayPipelineExecutor):
    """datatrove's Ray executor whose tasks refuse an incomplete input stage and write their log
    straight to ``logging_dir/logs`` (the stock one logs to ``/tmp/ray_logs`` on the worker and
    copies it after), with a readable repr and without its per-stage local-file-system warning
    (the build says it once)."""

    require: tuple[str, str, int] | None = None

    def __init__(self, *args, **kwargs):
        datatrove_logger.disable("datatrove.executor.ray")
        try:
            super().__init__(*args, **kwargs)
        finally:
            datatrove_logger.enable("datatrove.executor.ray")

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        guard_input(self, rank)
        return PipelineExecutor._run_for_rank(self, rank, local_rank, node_rank)

    def run(self):
        datatrove_logger.disable("datatrove.executor.ray")  # its progress lines: the build reports per stage
        try:
            super().run()
        finally:
            datatrove_logger.enable("datatrove.executor.ray")

    def __repr__(self) -> str:
        return f"RayPipelineExecutor({self.logging_dir.path}, tasks={self.tasks})"


def ray_lock(logs: Path) -> dict[str, Any]:
    return {"executor": "ray", "host": socket.gethostname(), "pid": os.getpid(), "logs": str(logs),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "jobs": []}
