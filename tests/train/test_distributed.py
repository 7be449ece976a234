"""The distributed path with the real launcher: ``torchrun --nproc-per-node 2`` on CPU (gloo).

Two ranks × 1 micro-batch must train exactly like one process × 2 accumulated micro-batches
(same rows per step, gradients normalised by the global token count), with DDP and with FSDP2.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
import torch
import yaml

from firmcorpus.train.metrics import read_metrics


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(tmp_path, tiny_model_dir, shard_dirs, name, **run):
    cfg = {"model": {"name_or_path": str(tiny_model_dir)},
           "data": {"train": str(shard_dirs["train"]), "heldout": str(shard_dirs["heldout"]), "seq_len": 64},
           "lora": {"r": 8, "alpha": 16},
           "optim": {"lr": 3.0e-3, "warmup_steps": 1},
           "run": {"steps": 3, "micro_batch": 1, "grad_accum": 1, "threads": 1, "eval_rows": 4, "save_every": 2,
                   "progress": False, "out_dir": str(tmp_path / name), **run}}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _run(args, nproc=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    launcher = [sys.executable, "-m", "torch.distributed.run", f"--nproc-per-node={nproc}",
                f"--master-port={_free_port()}"] if nproc else [sys.executable]
    res = subprocess.run([*launcher, "-m", "firmcorpus", "train", *args], env=env, capture_output=True, text=True,
                         timeout=600, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


@pytest.mark.slow
def test_two_process_gloo_matches_single_process(tiny_model_dir, shard_dirs, tmp_path):
    from safetensors.torch import load_file

    single = _config(tmp_path, tiny_model_dir, shard_dirs, "single", grad_accum=2)
    _run(["--config", str(single), "--json"])
    curves = {}
    for mode in ("ddp", "fsdp"):
        cfg = _config(tmp_path, tiny_model_dir, shard_dirs, mode, distributed=mode)
        res = _run(["--config", str(cfg), "--json"], nproc=2)
        summary = json.loads(res.stdout[res.stdout.index("{"):])
        assert summary["world_size"] == 2
        curves[mode] = read_metrics(tmp_path / mode / "metrics.jsonl", "train")
    ref = read_metrics(tmp_path / "single" / "metrics.jsonl", "train")
    assert len(ref) == 3
    for mode, rows in curves.items():
        assert [r["tokens_seen"] for r in rows] == [r["tokens_seen"] for r in ref]
        for a, b in zip(rows, ref):
            assert a["loss_tokens"] == b["loss_tokens"]
            assert a["loss"] == pytest.approx(b["loss"], rel=1e-5), mode
            assert a["grad_norm"] == pytest.approx(b["grad_norm"], rel=1e-4), mode
        assert rows[0]["tokens_per_s_total"] == pytest.approx(2 * rows[0]["tokens_per_s_per_device"])
        a = load_file(tmp_path / mode / "adapter/adapter_model.safetensors")
        b = load_file(tmp_path / "single/adapter/adapter_model.safetensors")
        assert a.keys() == b.keys()
        for k in a:
            torch.testing.assert_close(a[k], b[k], rtol=1e-4, atol=1e-5)
    # every rank saved its RNG state in the checkpoint
    assert {p.name for p in (tmp_path / "ddp/checkpoints/step-000002").glob("rng_rank*.pt")} == \
        {"rng_rank0.pt", "rng_rank1.pt"}


def test_launcher_variables(monkeypatch):
    """torchrun/accelerate --multi_gpu variables, mpirun's, and accelerate's one-process simple launcher (refused)."""
    from firmcorpus.core.errors import UserError
    from firmcorpus.train.loop import launcher_world

    for k in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "ACCELERATE_USE_CPU",
              "MASTER_ADDR", "MASTER_PORT"):
        # set, then delete: both are recorded, so what launcher_world writes into os.environ is undone after
        # the test (a bare delenv of an absent variable records nothing, and WORLD_SIZE=4 leaked into the
        # next test of this process)
        monkeypatch.setenv(k, "")
        monkeypatch.delenv(k)
    assert launcher_world() == (1, 0, 0)
    monkeypatch.setenv("ACCELERATE_USE_CPU", "True")
    assert launcher_world() == (1, 0, 0)  # `accelerate launch --cpu` with one process: fine
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")  # what the simple launcher adds for --num_processes 2
    with pytest.raises(UserError, match="--multi_gpu --num_processes N"):
        launcher_world()
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "4")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "3")
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_RANK", "1")
    assert launcher_world() == (4, 3, 1) and os.environ["WORLD_SIZE"] == "4"


@pytest.mark.slow
def test_accelerate_launch_runs_two_cpu_processes(tiny_model_dir, shard_dirs, tmp_path):
    """`accelerate launch --multi_gpu --num_processes 2` on a CPU-only machine really runs 2 ranks (gloo)."""
    cfg = _config(tmp_path, tiny_model_dir, shard_dirs, "acc", steps=2)
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false",
               ACCELERATE_CONFIG_FILE=str(tmp_path / "none.yaml"))
    res = subprocess.run([sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
                          "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
                          "--main_process_port", str(_free_port()), "-m", "firmcorpus", "train", "--config", str(cfg),
                          "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["world_size"] == 2
    assert {p.name for p in (tmp_path / "acc/checkpoints/step-000002").glob("rng_rank*.pt")} == \
        {"rng_rank0.pt", "rng_rank1.pt"}
