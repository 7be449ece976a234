"""The output folder's guards, unit-level: the lock names its holder, settings that change outputs
are refused while run-only ones are not, timings of skipped stages are kept, a full disk is one line."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os

import pytest

from firmcorpus import workflows
from firmcorpus.core.errors import UserError
from firmcorpus.corpus.config import BuildConfig
from firmcorpus.corpus.out_state import OutputLocked, check_settings, out_lock, settings_diff, stage_timings


def _hold(out, ready, release):
    with out_lock(out):
        ready.set()
        release.wait(30)


def test_lock_is_exclusive_reentrant_and_names_its_holder(tmp_path):
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold, args=(tmp_path, ready, release))
    p.start()
    try:
        assert ready.wait(30)
        with pytest.raises(OutputLocked, match=f"pid {p.pid} on .* since "):
            with out_lock(tmp_path):
                pass
    finally:
        release.set()
        p.join(30)
    with out_lock(tmp_path):  # free again once the holder ended; re-entrant within a process
        with out_lock(tmp_path):
            pass
        assert f"pid {os.getpid()}" in (tmp_path / ".lock").read_text()


def test_settings_that_change_outputs_are_refused(tmp_path):
    base = BuildConfig().model_dump()
    (tmp_path / "build.json").write_text(json.dumps({"config": base}))
    run_only = BuildConfig(workers=7, executor="slurm").model_dump()
    run_only["slurm"]["partition"] = "gpu"
    check_settings(tmp_path, run_only)  # where and how wide stages run may change
    changed = BuildConfig(seed=3).model_dump()
    changed["mixture"]["domain_weights"] = {"crypto": 2.0}
    assert [k for k, _, _ in settings_diff(base, changed)] == ["mixture.domain_weights", "seed"]
    with pytest.raises(UserError, match=r"seed: 0 before, 3 now.*-o NEW_FOLDER"):
        check_settings(tmp_path, changed)


def test_timings_of_skipped_stages_are_kept(tmp_path):
    assert stage_timings(tmp_path, {"a": 5.0, "b": 2.0}, set()) == {"a": 5.0, "b": 2.0}
    assert stage_timings(tmp_path, {"a": 0.1, "b": 3.0}, {"a"}) == {"a": 5.0, "b": 3.0}  # a was complete


def test_full_disk_is_one_line_that_says_rerun_resumes(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workflows, "run_stages", full)
    with pytest.raises(UserError, match="disk is full .* rerun the same command: it resumes") as e:
        workflows.build_corpus([{"pair_id": "p", "repo": "r"}], tmp_path / "out", BuildConfig())
    assert "\n" not in str(e.value)
