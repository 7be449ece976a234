"""Export: the PEFT adapter as trained, and optionally a merged model verified against it.

``export_merged`` loads the base in float32, applies the adapter, records its logits on a probe
batch, merges (``merge_and_unload``) in float32, and refuses to write unless the merged model's
logits match the adapter's within tolerance. Only then is it cast (``dtype``) and written,
atomically, with its tokenizer and a ``firmcorpus_merge.json`` holding the measured differences.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from firmcorpus.train.model import base_dtype_name, check_adapter_dir, check_model_source, load_causal_lm

PROBE_TEXT = ("#define RCC_BASE 0x40023800UL\nstatic inline void gpio_set(volatile uint32_t *odr, int pin)\n"
              "{\n    *odr |= (1U << pin);\n}\n")


def probe_batch(tokenizer: Any, vocab_size: int, rows: int = 2, length: int = 64):
    """A fixed C snippet plus seeded random ids: deterministic, touches many embedding rows."""
    import torch

    g = torch.Generator().manual_seed(1234)
    text_ids = tokenizer(PROBE_TEXT, add_special_tokens=False)["input_ids"][:length]
    first = torch.tensor(text_ids + torch.randint(0, vocab_size, (length - len(text_ids),), generator=g).tolist())
    rest = torch.randint(0, vocab_size, (rows - 1, length), generator=g)
    return torch.cat([first[None], rest])


def export_merged(base: str, adapter_dir: str | Path, out: str | Path, dtype: str = "auto",
                  atol: float = 1e-3, rtol: float = 1e-3) -> dict[str, Any]:
    """Merge ``adapter_dir`` into ``base`` in fp32, verify, cast, write to ``out``; returns the report."""
    import torch
    from peft import PeftModel

    check_model_source(base)
    check_adapter_dir(adapter_dir)
    if dtype == "auto":  # the dtype the base was saved in (the model below is loaded in fp32 to merge)
        dtype = base_dtype_name(base)
    if dtype not in ("float32", "bfloat16", "float16"):
        raise ValueError(f"merged dtype must be auto, float32, bfloat16 or float16, got {dtype!r}")
    model, tokenizer = load_causal_lm(base, dtype=torch.float32)
    peft_model = PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=False).eval()
    ids = probe_batch(tokenizer, model.config.vocab_size)
    with torch.no_grad():
        ref = peft_model(input_ids=ids, use_cache=False).logits
        merged = peft_model.merge_and_unload()
        got = merged(input_ids=ids, use_cache=False).logits
    diff = float((got - ref).abs().max())
    report = {"base": base, "adapter": str(adapter_dir), "max_abs_logit_diff_fp32": diff,
              "max_abs_logit": float(ref.abs().max()), "atol": atol, "rtol": rtol}
    if not torch.allclose(got, ref, atol=atol, rtol=rtol):
        raise RuntimeError(f"merged model disagrees with the adapter (max |Δlogit| = {diff:.3g}); not written")
    target = getattr(torch, dtype)
    if target != torch.float32:
        merged = merged.to(target)
        with torch.no_grad():
            cast = merged(input_ids=ids, use_cache=False).logits.float()
        report["max_abs_logit_diff_after_cast"] = float((cast - ref).abs().max())
    report["dtype"] = dtype
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; the export is an ordinary folder
    try:
        merged.config.use_cache = True  # a merged model is for generation too
        merged.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        (tmp / "firmcorpus_merge.json").write_text(json.dumps(report, indent=1))
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report
