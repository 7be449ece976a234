"""Atomic, resumable checkpoints: adapter (PEFT format), optimizer, scheduler, RNG, data cursor, config.

Layout of ``<out_dir>/checkpoints/step-000100/``::

    adapter/adapter_config.json, adapter/adapter_model.safetensors   # loadable by PeftModel.from_pretrained
    optimizer.pt        # full (unsharded) optimizer state, FQN-keyed (torch.distributed.checkpoint.state_dict)
    trainer_state.json  # step, data cursor (rows consumed), tokens seen, scheduler state, world size
    rng_rank{r}.pt      # python / numpy / torch (and CUDA) RNG state of every rank
    config.yaml, versions.json

A checkpoint is written into ``.tmp-step-…`` and renamed when complete, so a crash leaves either
the previous checkpoint or the new one, never half of one; then all but the newest ``keep_last``
are deleted. Model and optimizer state go through ``torch.distributed.checkpoint.state_dict``
(``get_model_state_dict`` / ``set_optimizer_state_dict`` …), which handles a plain module, DDP
and FSDP alike, so one code path serves single-process, DDP and FSDP runs.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import platform
import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

STEP_RE = re.compile(r"^step-(\d+)$")


def _dist():
    import torch.distributed as dist

    return dist if dist.is_available() and dist.is_initialized() else None


def _barrier() -> None:
    d = _dist()
    if d is not None:
        d.barrier()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("torch", "transformers", "peft", "datatrove", "accelerate", "firmcorpus"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def list_checkpoints(out_dir: str | Path) -> list[Path]:
    root = Path(out_dir) / "checkpoints"
    if not root.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in root.iterdir() if p.is_dir() and (m := STEP_RE.match(p.name))
             and (p / "trainer_state.json").is_file()]
    return [p for _, p in sorted(found)]


def latest_checkpoint(out_dir: str | Path) -> Path | None:
    found = list_checkpoints(out_dir)
    return found[-1] if found else None


def _options(**kw):
    from torch.distributed.checkpoint.state_dict import StateDictOptions

    return StateDictOptions(full_state_dict=True, **kw)


def trainable_state_dict(model: Any) -> dict[str, torch.Tensor]:
    """Full trainable (adapter) state, FQN-keyed, on CPU (complete on rank 0 under FSDP)."""
    from torch.distributed.checkpoint.state_dict import get_model_state_dict

    return get_model_state_dict(model, options=_options(cpu_offload=True, ignore_frozen_params=True))


def _peft_key_map(peft_model: Any, fqns: list[str]) -> dict[str, str]:
    """FQN of a trainable parameter → its key in the PEFT adapter file (adapter name stripped)."""
    from peft import get_peft_model_state_dict

    probe = {k: torch.tensor(i) for i, k in enumerate(fqns)}
    mapped = get_peft_model_state_dict(peft_model, state_dict=probe, save_embedding_layers=False)
    return {fqns[int(v)]: k for k, v in mapped.items()}


def save_adapter(peft_model: Any, state: dict[str, torch.Tensor], out: Path) -> None:
    """Write ``state`` (FQN-keyed trainable weights) as a PEFT adapter directory."""
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    keymap = _peft_key_map(peft_model, list(state))
    tensors = {keymap[k]: v.detach().to("cpu").contiguous() for k, v in state.items() if k in keymap}
    if not tensors:
        raise RuntimeError("no adapter weights to save (nothing trainable matched the PEFT adapter)")
    save_file(tensors, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    peft_model.peft_config["default"].save_pretrained(str(out))


def load_adapter_into(model: Any, peft_model: Any, adapter_dir: Path) -> None:
    """Load a PEFT adapter file into the (possibly DDP/FSDP-wrapped) training model, exactly."""
    from safetensors.torch import load_file
    from torch.distributed.checkpoint.state_dict import set_model_state_dict

    saved = load_file(str(adapter_dir / "adapter_model.safetensors"))
    fqns = [n for n, p in peft_model.named_parameters() if p.requires_grad]
    keymap = _peft_key_map(peft_model, fqns)
    missing = [f for f in fqns if keymap.get(f) not in saved]
    if missing:
        raise RuntimeError(f"{adapter_dir}: adapter lacks {len(missing)} trainable tensors, e.g. {missing[:3]}; "
                           "was it written with another lora config?")
    set_model_state_dict(model, {f: saved[keymap[f]] for f in fqns}, options=_options(strict=False))


def save_checkpoint(out_dir: str | Path, step: int, model: Any, peft_model: Any, optimizer: Any, scheduler: Any,
                    state: dict[str, Any], config_yaml: str, keep_last: int, rank: int = 0) -> Path:
    """Write checkpoint ``step`` atomically (all ranks must call it); prune to ``keep_last``."""
    from torch.distributed.checkpoint.state_dict import get_optimizer_state_dict

    root = Path(out_dir) / "checkpoints"
    final = root / f"step-{step:06d}"
    tmp = root / f".tmp-step-{step:06d}"
    # collective calls first (every rank takes part), then rank 0 writes
    weights = trainable_state_dict(model)
    optim_state = get_optimizer_state_dict(model, optimizer, options=_options(cpu_offload=True))
    if rank == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        save_adapter(peft_model, weights, tmp / "adapter")
        torch.save(optim_state, tmp / "optimizer.pt")
        full_state = dict(state, step=step, scheduler=scheduler.state_dict())
        (tmp / "trainer_state.json").write_text(json.dumps(full_state, indent=1, sort_keys=True))
        (tmp / "config.yaml").write_text(config_yaml)
        (tmp / "versions.json").write_text(json.dumps(versions(), indent=1))
    _barrier()
    torch.save(rng_state(), tmp / f"rng_rank{rank}.pt")
    _barrier()
    if rank == 0:
        for p in tmp.rglob("*"):  # make the contents durable before the rename publishes them
            if p.is_file():
                with open(p, "rb") as fh:
                    os.fsync(fh.fileno())
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        for old in list_checkpoints(out_dir)[:-keep_last] if keep_last > 0 else []:
            shutil.rmtree(old, ignore_errors=True)
    _barrier()
    return final


def load_checkpoint(path: Path, model: Any, peft_model: Any, optimizer: Any, scheduler: Any,
                    rank: int = 0) -> dict[str, Any]:
    """Restore adapter, optimizer, scheduler and this rank's RNG; return the trainer state."""
    from torch.distributed.checkpoint.state_dict import set_optimizer_state_dict

    state = json.loads((path / "trainer_state.json").read_text())
    load_adapter_into(model, peft_model, path / "adapter")
    optim_state = torch.load(path / "optimizer.pt", map_location="cpu", weights_only=False)
    set_optimizer_state_dict(model, optimizer, optim_state, options=_options())
    scheduler.load_state_dict(state["scheduler"])
    rng_file = path / f"rng_rank{rank}.pt"
    if rng_file.is_file():
        set_rng_state(torch.load(rng_file, map_location="cpu", weights_only=False))
    return state


def rng_state() -> dict[str, Any]:
    out = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        out["cuda"] = torch.cuda.get_rng_state_all()
    return out


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
