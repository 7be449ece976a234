"""What an output folder remembers between runs, and who may write it.

* ``out_lock(out)``: one build at a time per output folder. An exclusive ``flock`` on
  ``OUT/.lock``, whose text says who holds it (pid, host, start time, command); a second build
  into the same folder is refused with that line instead of racing the first one (two runners
  writing the same task files, orphan token shards). The kernel drops the lock when the holder
  dies, so a killed build never leaves a stale lock. Re-entrant inside one process.
* ``check_settings(out, config)``: a rerun into a folder built with other settings that change
  what is written (anything but where and how wide the stages run: ``workers``, ``executor``,
  ``slurm.*``, ``ray.*``) is refused, naming each setting with both values and how to start a new
  output folder. ``build.json`` keeps the settings that were applied.
* ``stage_timings(out, ...)``: seconds per stage kept in ``OUT/work/timings.json``; a stage that
  a rerun found complete keeps the seconds of the run that did it, instead of the ~0 s of the skip.
* ``record_rejected_rows(out, rows)``: manifest rows refused at load become rows of the ``drops``
  catalog table (stage ``manifest``), so the summary and the report count them.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from firmcorpus.core.errors import UserError
from firmcorpus.core.io import atomic_write_json
from firmcorpus.corpus.catalog_parts import CatalogPartWriter

LOCK_FILE = ".lock"
# settings that say where and how wide the stages run, not what they write
RUN_ONLY_SETTINGS = ("workers", "executor", "slurm", "ray")

_held: dict[str, tuple[Any, int]] = {}  # realpath of OUT -> (open lock file, depth)


class OutputLocked(UserError):
    """Another build holds the output folder."""


@contextmanager
def out_lock(out: str | os.PathLike) -> Iterator[Path]:
    """Hold the exclusive lock on ``out`` for the block (see the module docstring)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    key = os.path.realpath(out)
    if key in _held:
        f, depth = _held[key]
        _held[key] = (f, depth + 1)
        try:
            yield out / LOCK_FILE
        finally:
            f, depth = _held[key]
            _held[key] = (f, depth - 1)
        return
    path = out / LOCK_FILE
    f = open(path, "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "another process"
        f.close()
        raise OutputLocked(f"{out} is being written by another build ({holder}); wait for it to end, or build "
                           f"into another output folder (-o NEW_FOLDER)") from None
    try:
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} on {socket.gethostname()} since "
                f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime())}: {' '.join(sys.argv)[:300]}\n")
        f.flush()
        _held[key] = (f, 1)
        yield path
    finally:
        _held.pop(key, None)
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


def settings_diff(previous: dict[str, Any], current: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted key, previous value, current value) for each setting that changes what a build writes.
    Sections (mappings with the same keys on both sides) are compared key by key; any other value,
    a mapping of weights included, as a whole."""
    out = []
    for key in sorted(set(previous) | set(current)):
        name = f"{prefix}{key}"
        if not prefix and key in RUN_ONLY_SETTINGS:
            continue
        a, b = previous.get(key), current.get(key)
        if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and a:
            out.extend(settings_diff(a, b, name + "."))
        elif a != b:
            out.append((name, a, b))
    return out


def check_settings(out: Path, current: dict[str, Any], state_file: str = "build.json") -> None:
    """Refuse a rerun into ``out`` with settings that change its outputs (see the module docstring)."""
    state = Path(out) / state_file
    if not state.exists():
        return
    previous = json.loads(state.read_text()).get("config")
    if not isinstance(previous, dict):
        return
    diff = settings_diff(previous, json.loads(json.dumps(current, default=str)))
    if not diff:
        return
    shown = "; ".join(f"{k}: {json.dumps(a, default=str)} before, {json.dumps(b, default=str)} now" for k, a, b in diff[:8])
    more = f" (and {len(diff) - 8} more)" if len(diff) > 8 else ""
    raise UserError(f"{out} was built with other settings ({shown}{more}); a rerun only resumes a build. "
                    f"Build into a new output folder (-o NEW_FOLDER) to apply them, or rerun with the settings "
                    f"recorded in {state}")


def complete_stages(stages: list, logs: Path) -> set[str]:
    """Names of the stages whose every task has a completion marker."""
    done = set()
    for stage in stages:
        folder = Path(logs) / stage.name / "completions"
        if folder.is_dir() and len(list(folder.iterdir())) >= stage.tasks:
            done.add(stage.name)
    return done


def stage_timings(out: Path, timings: dict[str, float], complete_before: set[str]) -> dict[str, float]:
    """This run's seconds per stage, except that a stage already complete before it keeps its
    recorded seconds; the merged timings are saved to ``OUT/work/timings.json``."""
    path = Path(out) / "work" / "timings.json"
    recorded: dict[str, float] = {}
    if path.exists():
        try:
            recorded = json.loads(path.read_text())
        except (json.JSONDecodeError, OSError):
            recorded = {}
    merged = dict(recorded)
    for name, seconds in timings.items():
        if name in complete_before and name in recorded:
            continue
        merged[name] = seconds
    atomic_write_json(path, merged, indent=1, sort_keys=True)
    return {name: merged.get(name, seconds) for name, seconds in timings.items()}


def record_rejected_rows(out: Path, rows: list[Any]) -> None:
    """Manifest rows refused at load as ``drops`` rows (stage ``manifest``; path ``row N``)."""
    writer = CatalogPartWriter(Path(out) / "catalog", "drops", 0, tag="manifest")
    for r in rows:
        d = r.to_dict() if hasattr(r, "to_dict") else dict(r)
        writer.add({"stage": "manifest", "pair_id": d.get("pair_id") or "", "path": f"row {d['row']}",
                    "reason": d.get("kind") or "rejected", "detail": d.get("reason") or ""})
    writer.close()
