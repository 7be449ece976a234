"""Fixtures for the evaluation tests: real held-out/train shards and a tiny random model.

The documents are real code from Debian packages (fetched once into the firmcorpus cache by
``corpus.sources.fetch``). The model is a tiny randomly initialised Llama with a byte-level
BPE tokenizer trained here on the same code, saved as a normal model directory, so loading
goes through ``train.model.load_causal_lm`` with no hub access.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def dev_split(tmp_path_factory):
    from firmcorpus.eval.devdata import make_dev_split

    out = tmp_path_factory.mktemp("devsplit")
    return make_dev_split(out, per_domain=12)


@pytest.fixture(scope="session")
def dev_docs(dev_split):
    from firmcorpus.eval.heldout import read_documents

    return {split: list(read_documents(path)) for split, path in dev_split.items()}


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory, dev_docs):
    """A byte-level BPE tokenizer (512 tokens) trained on the training split's real code."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("tiny_tok")
    bpe = ByteLevelBPETokenizer()
    texts = [d["text"] for d in dev_docs["train"]]
    bpe.train_from_iterator(texts, vocab_size=512, min_frequency=2, special_tokens=["<|endoftext|>"],
                            show_progress=False)
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, eos_token="<|endoftext|>",
                                  bos_token="<|endoftext|>", pad_token="<|endoftext|>")
    tok.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_tokenizer_dir):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast.from_pretrained(tiny_tokenizer_dir)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_tokenizer_dir, tiny_tokenizer):
    import shutil

    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    out = tmp_path_factory.mktemp("tiny_llama")
    tok = tiny_tokenizer
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512,
                      eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id, pad_token_id=tok.pad_token_id,
                      tie_word_embeddings=True)
    LlamaForCausalLM(cfg).save_pretrained(out)
    for f in tiny_tokenizer_dir.iterdir():
        shutil.copy(f, out / f.name)
    return out


@pytest.fixture(scope="session")
def tiny_loaded(tiny_model_dir):
    from firmcorpus.train.model import load_causal_lm

    return load_causal_lm(str(tiny_model_dir))
