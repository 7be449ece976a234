"""Fixtures for the training tests: real C/C++ text, a small BPE tokenizer trained on it, a tiny
randomly initialised OLMo-3 model and datatrove token shards — all generated here, offline.

The text is the C/C++ headers installed with torch (``torch/include``): real code present on every
machine that can run these tests, unlike Debian packages that need fetching.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

VOCAB = 512


def real_code_texts(n: int = 160, max_chars: int = 6000) -> list[str]:
    """``n`` real header files (sorted, deterministic), each cut to ``max_chars``."""
    import torch

    root = Path(torch.__file__).parent / "include" / "c10"
    files = sorted(p for p in root.rglob("*.h") if p.is_file() and p.stat().st_size > 800)
    texts = []
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")[:max_chars]
        texts.append(text)
        if len(texts) == n:
            break
    assert len(texts) == n, f"only {len(texts)} headers under {root}"
    return texts


def train_tokenizer(texts: list[str], out: Path) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=["<|endoftext|>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    out.mkdir(parents=True, exist_ok=True)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<pad>")
    fast.save_pretrained(out)
    return out / "tokenizer.json"


def tiny_olmo3_config(**over):
    from transformers import Olmo3Config

    kw = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=512, sliding_window=16,
              layer_types=["sliding_attention", "full_attention"], pad_token_id=1, eos_token_id=0,
              tie_word_embeddings=False, use_cache=False)
    kw.update(over)
    return Olmo3Config(**kw)


@pytest.fixture(scope="session")
def code_texts() -> list[str]:
    return real_code_texts()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, code_texts) -> Path:
    """A saved tiny random Olmo3ForCausalLM with a BPE tokenizer trained on real headers."""
    import torch
    from transformers import Olmo3ForCausalLM

    out = tmp_path_factory.mktemp("tiny-olmo3")
    train_tokenizer(code_texts, out)
    torch.manual_seed(0)
    model = Olmo3ForCausalLM(tiny_olmo3_config())
    model.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def shard_dirs(tmp_path_factory, tiny_model_dir, code_texts) -> dict[str, Path]:
    """``train`` (first 140 headers) and ``heldout`` (last 20) token shard folders."""
    from firmcorpus.train.data import tokenize_texts_to_shards

    root = tmp_path_factory.mktemp("tokens")
    tokenize_texts_to_shards(code_texts[:140], tiny_model_dir, root / "train")
    tokenize_texts_to_shards(code_texts[140:], tiny_model_dir, root / "heldout")
    return {"train": root / "train", "heldout": root / "heldout"}


@pytest.fixture(scope="session")
def heldout_text(tmp_path_factory, code_texts) -> Path:
    """The 20 held-out headers as a datatrove-style parquet text split in two domains (train.evalset input)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("text") / "heldout"
    root.mkdir()
    rows = [{"id": f"h{i:02d}", "text": t, "metadata": {"domain": ("alpha", "beta")[i % 2], "kind": "code"}}
            for i, t in enumerate(code_texts[140:])]
    pq.write_table(pa.Table.from_pylist(rows[:12]), root / "00000.parquet")
    pq.write_table(pa.Table.from_pylist(rows[12:]), root / "00001.parquet")
    return root
