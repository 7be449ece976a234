"""The rank-stabilised LoRA adapter: PEFT ``LoraConfig(use_rslora=True)`` on all linear layers.

rsLoRA (Kalajdzievski 2023) scales the update by ``alpha / sqrt(r)`` instead of ``alpha / r``,
so large ranks (Spark uses r=512) still learn. ``attach_lora`` wraps a model, checks that PEFT
applied that scale to every LoRA layer, and returns a table of trainable parameters.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table

from firmcorpus.train.config import LoraSection


def effective_scale(lora: LoraSection) -> float:
    return lora.alpha / math.sqrt(lora.r) if lora.use_rslora else lora.alpha / lora.r


def attention_modules(model: Any) -> list[str]:
    """Names of the linear layers inside the attention blocks (a module path part containing ``attn``
    or ``attention``): what ``lora.target_modules: attention`` means (Spark's "attention-only")."""
    import torch

    names = set()
    for qual, module in model.named_modules():
        parts = qual.split(".")
        if isinstance(module, torch.nn.Linear) and any("attn" in p.lower() or "attention" in p.lower()
                                                       for p in parts[:-1]):
            names.add(parts[-1])
    if not names:
        raise ValueError("lora.target_modules=attention: this model has no linear layer inside a module named "
                         "*attn*/*attention*; list the module names instead")
    return sorted(names)


def lora_config(lora: LoraSection, model: Any = None):
    from peft import LoraConfig

    targets = lora.target_modules
    if targets == "attention":
        if model is None:
            raise ValueError("lora.target_modules=attention is resolved on the model; pass it")
        targets = attention_modules(model)
    return LoraConfig(
        r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout, use_rslora=lora.use_rslora,
        target_modules=targets, modules_to_save=list(lora.modules_to_save) or None,
        bias="none", task_type="CAUSAL_LM",
    )


def attach_lora(model: Any, lora: LoraSection) -> Any:
    """Wrap ``model`` with a fresh LoRA adapter; verify the rsLoRA scale on every LoRA layer."""
    from peft import get_peft_model

    peft_model = get_peft_model(model, lora_config(lora, model))
    check_scale(peft_model, effective_scale(lora))
    if lora.modules_to_save:
        names = [n for n, p in peft_model.named_parameters() if p.requires_grad and "modules_to_save" in n]
        if not names:
            raise ValueError(f"modules_to_save={lora.modules_to_save} matched no module of this model; "
                             "give module names such as embed_tokens, lm_head")
    return peft_model


def check_scale(peft_model: Any, expected: float) -> int:
    """Every LoRA layer must use ``expected`` as its scaling; returns how many layers were checked."""
    n = 0
    for name, module in peft_model.named_modules():
        scaling = getattr(module, "scaling", None)
        if isinstance(scaling, dict) and "default" in scaling:
            if not math.isclose(scaling["default"], expected, rel_tol=1e-6):
                raise AssertionError(f"{name}: LoRA scaling {scaling['default']} != alpha/sqrt(r) = {expected}")
            n += 1
    if n == 0:
        raise AssertionError("no LoRA layer found after get_peft_model; check lora.target_modules")
    return n


def parameter_table(model: Any) -> dict[str, Any]:
    """Trainable/frozen parameter counts by kind (lora_A, lora_B, modules_to_save, frozen base)."""
    groups: dict[str, int] = defaultdict(int)
    modules: dict[str, set] = defaultdict(set)
    total = trainable = 0
    for name, p in model.named_parameters():
        n = p.numel()
        total += n
        if p.requires_grad:
            trainable += n
            kind = ("lora_A" if ".lora_A." in name else "lora_B" if ".lora_B." in name
                    else "modules_to_save" if "modules_to_save" in name else "other")
            groups[kind] += n
            # the wrapped linear's name, e.g. q_proj
            parts = name.split(".")
            key = next((parts[i - 1] for i, s in enumerate(parts) if s in ("lora_A", "lora_B", "modules_to_save")),
                       parts[-2] if len(parts) > 1 else name)
            modules[kind].add(key)
        else:
            groups["frozen"] += n
    rows = [{"kind": k, "params": v, "modules": sorted(modules.get(k, ()))} for k, v in sorted(groups.items())]
    return {"rows": rows, "total": total, "trainable": trainable,
            "trainable_pct": 100.0 * trainable / total if total else 0.0}


def print_parameter_table(table: dict[str, Any], scale: float, lora: LoraSection, console: Any = None) -> None:
    console = console or Console(stderr=True)
    t = Table(title=f"parameters (rsLoRA r={lora.r}, alpha={lora.alpha}, scale alpha/sqrt(r) = {scale:.4f})")
    t.add_column("kind")
    t.add_column("params", justify="right")
    t.add_column("modules")
    for row in table["rows"]:
        t.add_row(row["kind"], f"{row['params']:,}", ", ".join(row["modules"]))
    t.add_row("trainable", f"{table['trainable']:,}", f"{table['trainable_pct']:.2f}% of {table['total']:,}")
    console.print(t)
