"""Merged export: the base's saved dtype by default, an ordinary folder (not 0700), paths checked first."""

from __future__ import annotations

import json
import os
import shutil

import pytest


def test_merged_export_keeps_base_dtype_and_normal_permissions(tiny_model_dir, tmp_path):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from firmcorpus.core.errors import UserError
    from firmcorpus.train.export import export_merged

    base = tmp_path / "bf16-base"
    AutoModelForCausalLM.from_pretrained(tiny_model_dir).to(torch.bfloat16).save_pretrained(base)
    for f in tiny_model_dir.iterdir():
        if f.name.startswith(("tokenizer", "special_tokens")):
            shutil.copy(f, base / f.name)
    assert json.loads((base / "config.json").read_text())["dtype"] == "bfloat16"
    torch.manual_seed(0)
    peft_model = get_peft_model(AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32),
                                LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", init_lora_weights=False))
    peft_model.save_pretrained(tmp_path / "run" / "adapter")
    with pytest.raises(UserError, match="try .*run/adapter"):  # the old docs' RUN/final
        export_merged(str(base), tmp_path / "run" / "final", tmp_path / "merged")
    report = export_merged(str(base), tmp_path / "run" / "adapter", tmp_path / "merged")
    out = tmp_path / "merged"
    assert report["dtype"] == "bfloat16" and "max_abs_logit_diff_after_cast" in report
    assert json.loads((out / "config.json").read_text())["dtype"] == "bfloat16"
    umask = os.umask(0)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == (0o777 & ~umask)  # not mkdtemp's 0700
    merged = AutoModelForCausalLM.from_pretrained(out)
    assert next(merged.parameters()).dtype == torch.bfloat16
