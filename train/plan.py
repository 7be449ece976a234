"""``firmcorpus train --dry-run``: the plan of a run without loading weights or touching data.

The model is built from its config on the ``meta`` device (no memory, no download beyond the
config file), the adapter attached, and parameters counted exactly. Memory per device is an
estimate, stated term by term:

* base weights: ``N_frozen × bytes(dtype)`` (÷ world size under FSDP);
* adapter: ``N_trainable × 16`` bytes (fp32 weight, fp32 grad, two fp32 Adam moments; ÷ world under FSDP);
* activations per row: ``L × S × d × (34 + 5·a·S/d) × bytes/2`` (Korthikanti et al. 2022, no
  recompute, eager attention), the ``5·a·S/d`` term dropped for sdpa/flash kernels and everything
  but one layer's worth (``2·S·d`` per layer kept) under gradient checkpointing;
* logits: ``S × V × 12`` bytes per row (bf16/fp32 logits, fp32 upcast for the loss, its gradient).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firmcorpus.train.adapter import attach_lora, effective_scale, parameter_table
from firmcorpus.train.config import TrainConfig
from firmcorpus.train.data import PackedDataset
from firmcorpus.train.model import offline, resolve_model_path

_DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}


def make_plan(cfg: TrainConfig, world_size: int = 1, device: str | None = None) -> dict[str, Any]:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    device = device or ("cuda" if cfg.run.device == "cuda" or (cfg.run.device == "auto" and torch.cuda.is_available())
                        else "cpu")
    dtype = cfg.model.dtype if cfg.model.dtype != "auto" else ("bfloat16" if device == "cuda" else "float32")
    path = resolve_model_path(cfg.model.name_or_path)
    config_source = "model"
    try:
        mcfg = AutoConfig.from_pretrained(path, local_files_only=offline() or Path(path).is_dir())
    except OSError:
        if "olmo-3" not in path.lower():
            raise
        # planning an OLMo-3 run on a machine without the checkpoint: transformers' Olmo3Config
        # defaults are the 7B architecture; the vocabulary is the dolma2 tokenizer's
        from transformers import Olmo3Config

        mcfg = Olmo3Config(vocab_size=100278)
        config_source = "built-in Olmo3Config defaults (model not in the local cache)"
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(mcfg, dtype=getattr(torch, dtype))
    model = attach_lora(model, cfg.lora)
    table = parameter_table(model)

    total_steps = cfg.total_steps(world_size)
    tps = cfg.tokens_per_step(world_size)
    data: dict[str, Any] = {}
    try:
        ds = PackedDataset(cfg.data.train if isinstance(cfg.data.train, (list, dict)) else [cfg.data.train],
                           cfg.data.seq_len, seed=cfg.data.seed)
        rows = total_steps * world_size * cfg.run.micro_batch * cfg.run.grad_accum
        data = {"train_tokens": ds.n_tokens, "train_documents": ds.n_docs, "rows_per_epoch": len(ds),
                "epochs": rows / len(ds), "folders": ds.folder_tokens()}
    except (FileNotFoundError, ValueError) as exc:
        data = {"error": str(exc)}

    b = _DTYPE_BYTES.get(dtype, 4)
    n_train = table["trainable"]
    n_frozen = table["total"] - n_train
    shard = world_size if cfg.run.distributed == "fsdp" else 1
    S, L = cfg.data.seq_len, mcfg.num_hidden_layers
    d, a, V = mcfg.hidden_size, mcfg.num_attention_heads, mcfg.vocab_size
    attn_term = 0 if cfg.model.attn_implementation in ("sdpa", "flash_attention_2", "flash_attention_3") \
        else 5 * a * S / d
    per_layer = S * d * (34 + attn_term) * b / 2
    act_row = (L * 2 * S * d * b + per_layer) if cfg.model.gradient_checkpointing else L * per_layer
    mem = {
        "base_weights": n_frozen * b / shard,
        "adapter_and_adam": n_train * 16 / shard,
        "activations": act_row * cfg.run.micro_batch,
        "logits": S * V * 12 * cfg.run.micro_batch,
    }
    mem["total"] = sum(mem.values())
    return {
        "model": cfg.model.name_or_path, "resolved": path, "config_source": config_source, "model_type": mcfg.model_type, "dtype": dtype,
        "device": device, "world_size": world_size, "distributed": cfg.run.distributed if world_size > 1 else None,
        "params": {"total": table["total"], "trainable": n_train, "trainable_pct": table["trainable_pct"],
                   "rows": table["rows"]},
        "lora": {"r": cfg.lora.r, "alpha": cfg.lora.alpha, "use_rslora": cfg.lora.use_rslora,
                 "scale": effective_scale(cfg.lora), "target_modules": cfg.lora.target_modules,
                 "modules_to_save": cfg.lora.modules_to_save},
        "tokens_per_step": tps, "steps": total_steps, "tokens": tps * total_steps,
        "warmup_steps": cfg.warmup_steps(total_steps), "schedule": cfg.optim.schedule,
        "checkpoints": (total_steps // cfg.run.save_every) if cfg.run.save_every else 1,
        "memory_per_device_gib": {k: round(v / 2**30, 3) for k, v in mem.items()},
        "memory_per_device_bytes": {k: int(v) for k, v in mem.items()},
        "data": data,
    }
