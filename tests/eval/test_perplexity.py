"""Perplexity / bits per byte / top-k with a tiny random model on real code."""

from __future__ import annotations

import math

import pytest

from firmcorpus.eval.perplexity import encode_document, score_ids, summarize, window_plan


@pytest.mark.parametrize("n,window,stride", [(10, 4, 2), (10, 4, 3), (7, 16, 8), (33, 8, 1), (2, 2, 1)])
def test_window_plan_scores_every_target_once(n, window, stride):
    plan = window_plan(n, window, stride)
    scored = [t for _, end, start in plan for t in range(start, end)]
    assert scored == list(range(1, n))
    for begin, end, start in plan:
        assert end - begin <= window and begin < start


def _reference_nll(model, ids):
    """Full-context scoring in one forward pass, written independently of eval.perplexity."""
    import torch

    t = torch.tensor([ids])
    with torch.no_grad():
        logits = model(input_ids=t).logits[0, :-1].float()
    logp = torch.log_softmax(logits, -1)
    tgt = t[0, 1:]
    nll = float(-logp[torch.arange(len(tgt)), tgt].sum())
    top1 = int((logits.argmax(-1) == tgt).sum())
    top5 = int((logits.topk(5, -1).indices == tgt[:, None]).any(-1).sum())
    return nll, top1, top5


def test_single_window_equals_full_pass(tiny_loaded, dev_docs):
    model, tok = tiny_loaded
    ids = encode_document(tok, dev_docs["heldout"][0]["text"])[:200]
    assert ids[-1] != tok.eos_token_id or len(ids) == 200
    got = score_ids(model, ids, window=256, stride=128)
    nll, top1, top5 = _reference_nll(model, ids)
    assert got["n_tokens"] == len(ids) - 1
    assert got["nll"] == pytest.approx(nll, rel=1e-5)
    assert (got["top1"], got["top5"]) == (top1, top5)
    assert 0 <= got["top1"] <= got["top5"] <= got["n_tokens"]


def test_sliding_windows_are_consistent(tiny_loaded, dev_docs):
    """Windows that overlap by almost everything reproduce the full pass (the model here is
    small and random, so only the context length differs)."""
    model, tok = tiny_loaded
    ids = encode_document(tok, dev_docs["heldout"][1]["text"])[:120]
    full = score_ids(model, ids, window=512, stride=256)
    slid = score_ids(model, ids, window=64, stride=16)
    assert slid["n_tokens"] == full["n_tokens"] == len(ids) - 1
    # first window is identical; later tokens lose context beyond 64 → close but not equal
    assert slid["nll"] == pytest.approx(full["nll"], rel=0.05)


def test_bits_per_byte_and_summary(tiny_loaded, dev_docs):
    from firmcorpus.eval.perplexity import score_documents

    model, tok = tiny_loaded
    docs = [d for d in dev_docs["heldout"]][:6]
    rows = score_documents(model, tok, docs, window=128, stride=64, max_doc_tokens=150)
    assert {r["domain"] for r in rows} <= {"register_defines", "usb_stack", "general"}
    s = summarize(rows)["heldout"]
    tokens = sum(r["n_tokens"] for r in rows)
    nll = sum(r["nll"] for r in rows)
    nbytes = sum(r["n_bytes"] for r in rows)
    assert s["micro"]["ppl"] == pytest.approx(math.exp(nll / tokens))
    assert s["micro"]["bpb"] == pytest.approx(nll / math.log(2) / nbytes)
    per_dom = [v["ppl"] for v in s["domains"].values()]
    assert s["macro"]["ppl"] == pytest.approx(sum(per_dom) / len(per_dom))
    # a random model over a ~512-token vocabulary is near-uniform: ppl within a factor of the vocab size
    assert 50 < s["micro"]["ppl"] < 5 * len(tok)
    assert all(r["truncated"] for r in rows if len(encode_document(tok, next(
        d["text"] for d in docs if d["id"] == r["doc_id"]))) > 150)
