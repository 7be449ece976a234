"""Summary, deltas and rendering on hand-made per-document and per-item rows."""

from __future__ import annotations

import math

import pytest

from firmcorpus.eval.metrics import item_metrics
from firmcorpus.eval.report import build_summary, render_markdown, write_report


def _ppl_rows(scale: float):
    rows = []
    for dom, nll, tokens, nbytes in [("crypto", 200.0, 100, 400), ("usb_stack", 150.0, 50, 150)]:
        for split in ("heldout", "train"):
            rows.append({"doc_id": f"{dom}-{split}", "domain": dom, "split": split, "nll": nll * scale,
                         "n_tokens": tokens, "n_bytes": nbytes, "top1": tokens // 2, "top5": tokens - 5,
                         "truncated": False})
    return rows


def _gen_rows(preds):
    items = [("a", "crypto", "x = 1;"), ("b", "crypto", "y = 2;"), ("c", "usb_stack", "USB->CR = 0x1;")]
    return [{"item_id": i, "domain": d, "cut_type": "line", "pred": p, "target": t, "metrics": item_metrics(p, t)}
            for (i, d, t), p in zip(items, preds)]


def test_summary_numbers_and_deltas(tmp_path):
    base_gen = _gen_rows(["x = 2;", "z;", "USB->CR = 0x2;"])
    tuned_gen = _gen_rows(["x = 1;", "y = 2;", "USB->CR = 0x2;"])
    s = build_summary(["base", "tuned"], {"base": _ppl_rows(1.0), "tuned": _ppl_rows(0.5)},
                      {"base": base_gen, "tuned": tuned_gen}, n_boot=200)
    crypto = s["perplexity"]["base"]["heldout"]["domains"]["crypto"]
    assert crypto["ppl"] == pytest.approx(math.exp(2.0)) and crypto["bpb"] == pytest.approx(200 / math.log(2) / 400)
    micro = s["perplexity"]["base"]["heldout"]["micro"]
    assert micro["ppl"] == pytest.approx(math.exp(350 / 150)) and micro["top1"] == pytest.approx(75 / 150)
    macro = s["perplexity"]["base"]["heldout"]["macro"]
    assert macro["ppl"] == pytest.approx((math.exp(2.0) + math.exp(3.0)) / 2)
    d = s["deltas"]["tuned"]
    # halving every nll halves bits per byte and takes the square root of perplexity
    assert d["perplexity"]["heldout"]["crypto"]["bpb_reduction"] == pytest.approx(0.5)
    assert d["perplexity"]["heldout"]["crypto"]["ppl_reduction"] == pytest.approx(1 - math.exp(1.0) / math.exp(2.0))
    assert d["generation"]["crypto"]["exact"] == pytest.approx(1.0)
    assert d["generation"]["usb_stack"]["token_acc"] == 0
    assert d["generation"]["all"]["paired"]["token_acc"]["mean"] > 0
    md = render_markdown(s)
    assert "| crypto | 7.389 |" in md and "tuned bpb Δ%" in md and "Completion deltas: tuned − base" in md
    files = write_report(s, tmp_path)
    assert set(files) >= {"summary", "markdown", "html", "radar_token_acc", "bpb_heldout", "bpb_train"}
