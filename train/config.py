"""Training configuration: plain dataclasses with documented defaults, YAML presets, dotted overrides.

A config is five sections (``model``, ``lora``, ``data``, ``optim``, ``run``). It is read from
YAML (``load_config``), optionally on top of a preset from ``train/presets/<name>.yaml``, and
any field can be overridden with ``section.field=value`` (values parsed as YAML, so
``lora.r=128``, ``data.train=[a,b]``, ``run.export_merged=true`` work). The effective config is
printed at start and saved with every checkpoint.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PRESETS_DIR = Path(__file__).parent / "presets"


@dataclass
class ModelConfig:
    name_or_path: str = "smollm2-135m"  # local dir, cached hub id, or the alias "smollm2-135m"
    dtype: str = "auto"  # weights of the frozen base: auto = bfloat16 on GPU, float32 on CPU
    attn_implementation: str = "sdpa"  # eager | sdpa | flash_attention_2 (batch flattened to 1 row)
    gradient_checkpointing: bool = False


@dataclass
class LoraSection:
    r: int = 64
    alpha: float = 64.0  # rsLoRA: effective scale = alpha / sqrt(r)
    dropout: float = 0.0
    target_modules: str | list[str] = "all-linear"
    modules_to_save: list[str] = field(default_factory=list)  # e.g. ["embed_tokens", "lm_head"]
    use_rslora: bool = True


@dataclass
class DataConfig:
    # shard folders: a path, a list, or {path: weight} (weight repeats a folder's documents per epoch)
    train: Any = "out/demo/tokens/train"
    heldout: Any = "out/demo/tokens/heldout"  # folder (sub-folders with shards = per-domain evaluation) or null
    # held-out *text* (OUT/text/heldout): the evaluation set shared with `firmcorpus eval` (train.evalset);
    # when set, the loop's evaluation scores it (documents per domain, every token) instead of token rows
    heldout_text: Any = None
    seq_len: int = 2048
    seed: int = 0


@dataclass
class OptimConfig:
    lr: float = 1e-4
    weight_decay: float = 0.0
    betas: list[float] = field(default_factory=lambda: [0.9, 0.95])
    eps: float = 1e-8
    schedule: str = "cosine"  # cosine | linear | wsd | constant
    warmup_ratio: float = 0.1  # fraction of steps (ignored when warmup_steps > 0)
    warmup_steps: int = 0
    min_lr_ratio: float = 0.1  # floor of cosine/linear/wsd decay, relative to lr
    decay_ratio: float = 0.2  # wsd: fraction of steps in the final decay
    max_grad_norm: float = 1.0  # 0 disables clipping


@dataclass
class RunConfig:
    out_dir: str = "out/train"
    steps: int = 0  # optimizer steps; 0 = derive from `tokens`
    tokens: int = 0  # training tokens (used when steps == 0)
    micro_batch: int = 1  # rows per device per forward
    grad_accum: int = 1  # micro-batches per optimizer step
    seed: int = 0
    threads: int = 0  # CPU torch threads; 0 = leave torch's default
    device: str = "auto"  # auto | cpu | cuda
    precision: str = "auto"  # auto = bf16 autocast on GPU, fp32 on CPU | bf16 | fp32
    distributed: str = "ddp"  # ddp | fsdp (used when launched with torchrun/accelerate, WORLD_SIZE > 1)
    loss_chunk_tokens: int = 1024  # fused LM-head cross-entropy per chunk of tokens (train.lm_loss); 0 = plain logits
    log_every: int = 1
    eval_every: int = 0  # 0 = only at the end
    eval_rows: int = 32  # held-out rows per evaluation (per domain)
    eval_docs: int = 8  # with data.heldout_text: documents per domain (seeded by data.seed)
    eval_max_doc_tokens: int = 1024  # with data.heldout_text: tokens scored per document (prefix; 0 = all)
    eval_at_start: bool = True  # evaluate before step 1 (= the base model: LoRA B starts at zero)
    save_every: int = 1000  # 0 = only at the end
    keep_last: int = 3
    resume: bool = True  # continue from the newest checkpoint in out_dir
    export_merged: bool = False  # also write a merged model (merged in fp32, checked against the adapter)
    merged_dtype: str = "auto"  # dtype the merged model is cast to before writing
    peak_tflops: float = 0.0  # per device, for MFU; 0 = guess (989 for H100 bf16 dense), CPU: no MFU
    tensorboard: bool = False
    wandb: bool = False
    progress: bool = True


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    lora: LoraSection = field(default_factory=LoraSection)
    data: DataConfig = field(default_factory=DataConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def tokens_per_step(self, world_size: int = 1) -> int:
        return world_size * self.run.micro_batch * self.run.grad_accum * self.data.seq_len

    def total_steps(self, world_size: int = 1) -> int:
        if self.run.steps > 0:
            return self.run.steps
        if self.run.tokens > 0:
            return math.ceil(self.run.tokens / self.tokens_per_step(world_size))
        raise ValueError("set run.steps or run.tokens (e.g. --set run.steps=200)")

    def warmup_steps(self, total: int) -> int:
        if self.optim.warmup_steps > 0:
            return self.optim.warmup_steps
        return int(round(self.optim.warmup_ratio * total))


_SECTIONS = {"model": ModelConfig, "lora": LoraSection, "data": DataConfig, "optim": OptimConfig, "run": RunConfig}


def _merge(base: dict, over: dict, where: str = "") -> dict:
    out = dict(base)
    for k, v in (over or {}).items():
        if k not in base:
            raise KeyError(f"unknown config key {where}{k!r}; known: {sorted(base)}")
        if isinstance(base[k], dict) and k in _SECTIONS and isinstance(v, dict):
            out[k] = _merge(base[k], v, f"{where}{k}.")
        else:
            out[k] = v
    return out


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    """YAML reads ``1e-3`` as a string and ``2`` where a float is meant: cast to the default's type."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if isinstance(default, float) and isinstance(value, (str, int)):
            return float(value)
        if isinstance(default, int) and isinstance(value, (str, float)):
            f = float(value)
            if f != int(f):
                raise ValueError
            return int(f)
    except ValueError as exc:
        raise ValueError(f"{section}.{key}: {value!r} is not a {type(default).__name__}") from exc
    return value


def from_dict(d: dict) -> TrainConfig:
    defaults = TrainConfig().to_dict()
    full = _merge(defaults, d)
    return TrainConfig(**{name: cls(**{k: _coerce(name, k, v, defaults[name][k]) for k, v in full[name].items()})
                          for name, cls in _SECTIONS.items()})


def presets() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def preset_path(name: str) -> Path:
    path = PRESETS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"unknown preset {name!r}; available: {', '.join(presets())}")
    return path


def parse_overrides(items: list[str] | None) -> dict:
    """``["lora.r=128", "run.steps=10"]`` → nested dict (values parsed as YAML scalars/lists)."""
    out: dict = {}
    for item in items or []:
        if "=" not in item:
            raise ValueError(f"--set expects section.key=value, got {item!r}")
        key, raw = item.split("=", 1)
        parts = key.strip().split(".")
        if len(parts) != 2 or parts[0] not in _SECTIONS:
            raise ValueError(f"--set key must be <section>.<field> with section in {sorted(_SECTIONS)}, got {key!r}")
        out.setdefault(parts[0], {})[parts[1]] = yaml.safe_load(raw) if raw != "" else ""
    return out


def load_config(path: str | Path | None = None, preset: str | None = None,
                overrides: list[str] | None = None) -> TrainConfig:
    """Defaults ← preset ← YAML file ← ``--set`` overrides (later wins)."""
    d: dict = TrainConfig().to_dict()
    if preset:
        d = _merge(d, yaml.safe_load(preset_path(preset).read_text()) or {})
    if path:
        d = _merge(d, yaml.safe_load(Path(path).read_text()) or {})
    d = _merge(d, parse_overrides(overrides))
    cfg = from_dict(d)
    validate(cfg)
    return cfg


def validate(cfg: TrainConfig) -> None:
    if cfg.optim.schedule not in ("cosine", "linear", "wsd", "constant"):
        raise ValueError(f"optim.schedule must be cosine|linear|wsd|constant, got {cfg.optim.schedule!r}")
    if cfg.run.distributed not in ("ddp", "fsdp"):
        raise ValueError(f"run.distributed must be ddp|fsdp, got {cfg.run.distributed!r}")
    if cfg.run.precision not in ("auto", "bf16", "fp32"):
        raise ValueError(f"run.precision must be auto|bf16|fp32, got {cfg.run.precision!r}")
    if cfg.lora.r < 1 or cfg.run.micro_batch < 1 or cfg.run.grad_accum < 1 or cfg.data.seq_len < 2:
        raise ValueError("lora.r, run.micro_batch, run.grad_accum must be >= 1 and data.seq_len >= 2")


def lr_at(cfg: TrainConfig, step: int, total: int) -> float:
    """Learning-rate multiplier (0..1] for optimizer step ``step`` (0-based) of ``total``.

    Linear warmup to 1, then: cosine to ``min_lr_ratio``; linear to ``min_lr_ratio``; WSD
    (warmup-stable-decay: flat, then linear decay over the last ``decay_ratio`` of steps); constant.
    """
    o = cfg.optim
    warm = cfg.warmup_steps(total)
    if step < warm:
        return (step + 1) / warm
    if o.schedule == "constant":
        return 1.0
    floor = o.min_lr_ratio
    span = max(1, total - warm)
    t = min(1.0, (step - warm) / span)
    if o.schedule == "cosine":
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t))
    if o.schedule == "linear":
        return floor + (1 - floor) * (1 - t)
    decay_start = total - max(1, int(round(o.decay_ratio * total)))
    if step < decay_start:
        return 1.0
    t = (step - decay_start) / max(1, total - decay_start)
    return floor + (1 - floor) * (1 - t)
