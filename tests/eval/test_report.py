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
    assert "| crypto | 7.389 [7.389, 7.389] |" in md and "tuned bpb Δ%" in md and "Completion deltas: tuned − base" in md
    files = write_report(s, tmp_path)
    assert set(files) >= {"summary", "markdown", "html", "radar_token_acc", "bpb_heldout", "bpb_train"}


def _split75_rows(preds):
    refs = [("h1", "crypto", "a = 1;\nb = 2;"), ("h2", "crypto", "c = 3;\nd = 4;"), ("h3", "usb_stack", "e();\nf();"),
            ("h4", "usb_stack", "g();\nh();")]
    return [{"item_id": i, "domain": d, "cut_type": "split75", "pred": p, "target": t, "metrics": item_metrics(p, t)}
            for (i, d, t), p in zip(refs, preds)]


def test_headline_cut_paired_perplexity_examples_and_config(tmp_path):
    """Spark's 75 % cut is the headline with paired deltas per domain; perplexity has paired intervals over
    documents; the HTML report shows the run's configuration and example completions."""
    base = _split75_rows(["a = 1;\nx;", "q;", "e();\nz();", "zz"]) + _gen_rows(["x = 2;", "z;", "USB->CR = 0x2;"])
    tuned = _split75_rows(["a = 1;\nb = 2;", "c = 3;\nd = 4;", "e();\nf();", "g();"]) + _gen_rows(["x", "y", "z"])
    items = [{"item_id": r["item_id"], "domain": r["domain"], "cut_type": r["cut_type"], "target": r["target"],
              "prompt": "int main(void)\n{\n"} for r in base]
    ppl_base = _ppl_rows(1.0) + [dict(r, doc_id=r["doc_id"] + "-2", nll=r["nll"] * 1.2) for r in _ppl_rows(1.0)]
    ppl_tuned = _ppl_rows(0.5) + [dict(r, doc_id=r["doc_id"] + "-2", nll=r["nll"] * 0.6) for r in _ppl_rows(1.0)]
    s = build_summary(["base", "tuned"], {"base": ppl_base, "tuned": ppl_tuned}, {"base": base, "tuned": tuned},
                      config={"models": ["base", "tuned"], "adapter": "RUN/adapter", "bench": {"seed": 3}},
                      n_boot=300, items=items)
    head = s["generation"]["tuned"]["headline"]
    assert head["all"]["n"] == 4 and set(head) == {"crypto", "usb_stack", "all"}  # split75 items only
    assert s["generation"]["tuned"]["by_domain"]["all"]["n"] == 7
    hd = s["deltas"]["tuned"]["headline"]
    assert hd["all"]["token_acc"]["mean"] > 0 and hd["crypto"]["token_acc"]["lo"] > 0
    paired = s["deltas"]["tuned"]["perplexity"]["heldout"]["micro"]["paired"]
    assert paired["docs"] == 4 and paired["bpb_change_hi"] < 0  # every document improved
    assert s["perplexity"]["base"]["heldout"]["micro"]["bpb_lo"] <= s["perplexity"]["base"]["heldout"]["micro"]["bpb"]
    assert len(s["examples"]) == 4 and s["examples"][0]["cut_type"] == "split75"  # 2 per domain, headline first
    write_report(s, tmp_path)
    page = (tmp_path / "report.html").read_text()
    assert "Headline: Spark" in page and "Run configuration" in page and "RUN/adapter" in page
    assert "Example completions" in page and "c = 3;" in page and "Paired change tuned vs base" in page
