"""Token shards, packing, mixing and document masking (isolation of packed documents)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from firmcorpus.train.data import IGNORE_INDEX, PackedDataset, find_shards, open_shard, sample_indices


def test_shards_roundtrip_against_tokenizer(shard_dirs, tiny_model_dir, code_texts):
    """The reader returns exactly what the tokenizer produces (+EOS), document by document."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tiny_model_dir / "tokenizer.json"))
    (ds,) = find_shards(shard_dirs["train"])
    shard = open_shard(ds)
    assert shard.tokens.dtype == np.uint16 and shard.n_docs == 140
    eos = tok.token_to_id("<|endoftext|>")
    begin = 0
    for i in (0, 1, 57, 139):
        begin = int(shard.doc_ends[i - 1]) if i else 0
        got = shard.tokens[begin:int(shard.doc_ends[i])].tolist()
        assert got == tok.encode(code_texts[i]).ids + [eos]


def test_uint32_shard_and_missing_metadata(tmp_path):
    from datatrove.pipeline.tokens.tokenizer import TokenizedFile

    f = TokenizedFile(str(tmp_path), "big.ds", token_size=4, save_final_metadata=False)
    f.write([70000, 1, 2], None)
    f.write([5, 80000], None)
    f.close()
    shard = open_shard(tmp_path / "big.ds")  # no .metadata: size inferred from bytes / index
    assert shard.tokens.dtype == np.uint32 and shard.tokens.tolist() == [70000, 1, 2, 5, 80000]
    assert shard.doc_ends.tolist() == [3, 5]


def test_packing_covers_epoch_in_plan_order(shard_dirs):
    ds = PackedDataset(shard_dirs["train"], seq_len=64, seed=3)
    order, offsets = ds._plan(0)
    stream = np.concatenate([ds.shards[ds.doc_shard[d]].tokens[ds.doc_start[d]:ds.doc_start[d] + ds.doc_len[d]]
                             for d in order]).astype(np.int64)
    rows = [ds[i] for i in range(len(ds))]
    got = np.concatenate([r["input_ids"] for r in rows])
    assert np.array_equal(got, stream[:len(ds) * 64])
    starts = set(offsets[:-1].tolist())
    for i, r in enumerate(rows):
        for j in range(64):
            g = i * 64 + j
            restart = g in starts or j == 0
            assert (r["position_ids"][j] == 0) == restart
            assert (r["labels"][j] == IGNORE_INDEX) == (g in starts or j == 0)
    # determinism and seed sensitivity; the next epoch is reshuffled
    again = PackedDataset(shard_dirs["train"], seq_len=64, seed=3)
    assert all(np.array_equal(again[i]["input_ids"], rows[i]["input_ids"]) for i in (0, 5, len(ds) - 1))
    other = PackedDataset(shard_dirs["train"], seq_len=64, seed=4)
    assert not np.array_equal(other[0]["input_ids"], rows[0]["input_ids"])
    assert not np.array_equal(ds[len(ds)]["input_ids"], rows[0]["input_ids"])


def test_token_weighted_mixing(shard_dirs):
    folders = [shard_dirs["train"], shard_dirs["heldout"]]
    ds = PackedDataset(folders, seq_len=32, seed=0)
    share = ds.folder_tokens()
    order, _ = ds._plan(0)
    assert np.bincount(ds.doc_folder[order]).tolist() == [140, 20]  # every document once per epoch
    up = PackedDataset({folders[0]: 1.0, folders[1]: 2.5}, seq_len=32, seed=0)
    order, _ = up._plan(0)
    assert np.bincount(up.doc_folder[order]).tolist() == [140, 50]
    assert up.tokens_per_epoch > ds.tokens_per_epoch > max(share.values())


def test_sample_indices_shapes_agree():
    """1×8, 8×1 and 2 ranks × 4 micro-steps consume the same rows per optimizer step."""
    def rows(accum, mbs, world):
        return sorted(i for r in range(world) for m in range(accum)
                      for i in sample_indices(3, m, accum, mbs, r, world))
    assert rows(8, 1, 1) == rows(1, 8, 1) == rows(4, 1, 2) == list(range(24, 32))


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_document_masking_isolates_documents(tiny_model_dir, attn):
    """Editing document k changes neither the logits of document k+1 nor what it would be alone."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, attn_implementation=attn).eval()
    g = torch.Generator().manual_seed(0)
    lens = [20, 30, 14]  # > sliding_window=16, so the sliding layer is exercised too
    docs = [torch.randint(2, 512, (n,), generator=g) for n in lens]
    pos = torch.cat([torch.arange(n) for n in lens])[None]

    def logits(ds, position_ids):
        with torch.no_grad():
            return model(input_ids=torch.cat(ds)[None], position_ids=position_ids, use_cache=False).logits[0]

    base = logits(docs, pos)
    edited = [docs[0], torch.randint(2, 512, (30,), generator=g), docs[2]]
    new = logits(edited, pos)
    a, b = lens[0], lens[0] + lens[1]
    assert torch.equal(base[:a], new[:a])  # causal: earlier document untouched
    assert not torch.allclose(base[a:b], new[a:b])  # the edit itself is visible
    torch.testing.assert_close(base[b:], new[b:], rtol=0, atol=1e-5)  # next document isolated
    with torch.no_grad():
        alone = model(input_ids=docs[2][None], use_cache=False).logits[0]
    torch.testing.assert_close(base[b:], alone, rtol=1e-4, atol=1e-4)
    # the oracle can fail: without restarting positions the next document does see the edit
    plain = torch.arange(sum(lens))[None]
    assert not torch.allclose(logits(docs, plain)[b:], logits(edited, plain)[b:], atol=1e-3)
