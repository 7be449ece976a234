"""Training metrics: the JSONL log (always), optional TensorBoard / W&B, FLOPs and MFU.

FLOPs convention (stated in every log header and in docs/train.md): model FLOPs per token of a
LoRA step are ``2·N`` (forward) + ``2·N`` (activation gradients through every layer) +
``2·N_trainable`` (weight gradients of the adapter only; frozen weights get none) plus attention
``12·L·d·S`` (scores and values, forward + backward, PaLM appendix B with causal masking not
discounted), where ``N`` counts every parameter used in matmuls (embeddings lookups excluded,
the LM head included) and ``S`` is the row length. Gradient-checkpointing recomputation is not
counted (model FLOPs, not hardware FLOPs). MFU = achieved model FLOP/s per device ÷ the device's
peak dense FLOP/s (``run.peak_tflops``, or the bf16 peak of a recognised GPU; none on CPU).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FLOPS_CONVENTION = ("per token: 4*N_matmul + 2*N_trainable + 12*layers*hidden*seq_len "
                    "(LoRA: no weight gradients for frozen weights; recompute not counted)")

# dense BF16 peaks (TFLOP/s) of common accelerators, used when run.peak_tflops is 0
_PEAKS = (("H200", 989.0), ("H100", 989.0), ("A100", 312.0), ("L40S", 362.0), ("A10G", 125.0), ("L4", 121.0))


def matmul_params(model: Any) -> int:
    """Parameters that take part in matmuls (all but embedding lookups)."""
    import torch

    n = 0
    seen = set()
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding):
            continue
        for p in module.parameters(recurse=False):
            if id(p) not in seen and p.dim() >= 2:
                seen.add(id(p))
                n += p.numel()
    # a tied LM head shares the embedding matrix but is a matmul: count it once
    out = getattr(model, "get_output_embeddings", lambda: None)()
    if out is not None and id(out.weight) not in seen:
        n += out.weight.numel()
    return n


def flops_per_token(model: Any, config: Any, seq_len: int) -> float:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    layers = getattr(config, "num_hidden_layers", 0)
    hidden = getattr(config, "hidden_size", 0)
    return 4.0 * matmul_params(model) + 2.0 * trainable + 12.0 * layers * hidden * seq_len


def peak_flops(device: Any, configured_tflops: float = 0.0) -> float | None:
    if configured_tflops > 0:
        return configured_tflops * 1e12
    import torch

    if getattr(device, "type", str(device)) != "cuda" or not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name(device)
    for key, tflops in _PEAKS:
        if key in name:
            return tflops * 1e12
    return None


class MetricsLogger:
    """Appends one JSON object per line to ``metrics.jsonl`` (rank 0 only), mirrors to TB/W&B."""

    def __init__(self, path: str | Path, enabled: bool = True, tensorboard: bool = False, wandb: bool = False,
                 config: dict | None = None, truncate_after_step: int | None = None):
        self.path = Path(path)
        self.enabled = enabled
        self._tb = self._wandb = None
        if not enabled:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if truncate_after_step is not None and self.path.is_file():
            # resuming: drop records of steps the resumed run will redo, so the log is one clean curve
            keep = [ln for ln in self.path.read_text().splitlines()
                    if ln.strip() and json.loads(ln).get("step", 0) <= truncate_after_step]
            self.path.write_text("".join(k + "\n" for k in keep))
        elif truncate_after_step is None and self.path.is_file():
            self.path.unlink()
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError as exc:
                raise RuntimeError("run.tensorboard=true needs the `tensorboard` package (pip install tensorboard)") from exc
            self._tb = SummaryWriter(str(self.path.parent / "tensorboard"))
        if wandb:
            try:
                import wandb as wb
            except ImportError as exc:
                raise RuntimeError("run.wandb=true needs the `wandb` package (pip install wandb)") from exc
            self._wandb = wb.init(project="firmcorpus", config=config or {}, dir=str(self.path.parent))

    def log(self, record: dict[str, Any]) -> None:
        if not self.enabled:
            return
        with self.path.open("a") as fh:
            fh.write(json.dumps(record, sort_keys=True) + "\n")
        step = record.get("step", 0)
        flat = _flatten(record)
        if self._tb is not None:
            for k, v in flat.items():
                if isinstance(v, (int, float)) and k != "step":
                    self._tb.add_scalar(k, v, step)
        if self._wandb is not None:
            self._wandb.log(flat, step=step)

    def close(self) -> None:
        if self._tb is not None:
            self._tb.close()
        if self._wandb is not None:
            self._wandb.finish()


def _flatten(d: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "/"))
        else:
            out[key] = v
    return out


def read_metrics(path: str | Path, kind: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(ln) for ln in Path(path).read_text().splitlines() if ln.strip()]
    return [r for r in rows if kind is None or r.get("kind") == kind]
