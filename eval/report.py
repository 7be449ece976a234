"""Evaluation report: summary JSON, Markdown and self-contained HTML, with charts.

``build_summary`` turns per-model perplexity rows and per-item generation rows into the
summary JSON (per-domain perplexity / bits per byte / top-k, per-domain and per-cut-type
completion metrics with bootstrap CIs, and deltas of every model against the reference model,
the first one listed). ``write_report`` renders it as ``report.md`` and ``report.html`` (the
charts are PNG files beside them and embedded base64 in the HTML): a radar chart of token
accuracy across domains, and per-domain bits-per-byte bars.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from firmcorpus.eval.metrics import METRICS, aggregate, bootstrap_ci
from firmcorpus.eval.perplexity import relative_reduction, summarize
from firmcorpus.train.evalset import paired_doc_deltas

PPL_KEYS = ("ppl", "bpb", "top1", "top5")
HEADLINE_CUT = "split75"  # Spark's protocol: the first 75 % of a snippet's lines, the model writes the rest
N_EXAMPLES = 2  # example completions per domain in the report
SPLIT_LABELS = {"heldout": "held-out", "train": "in-domain: training split"}


def build_summary(models: Sequence[str], ppl_rows: dict[str, list[dict]], gen_rows: dict[str, list[dict]],
                  config: dict[str, Any] | None = None, n_boot: int = 1000, seed: int = 0,
                  items: Sequence[dict] | None = None) -> dict[str, Any]:
    summary: dict[str, Any] = {"models": list(models), "reference": models[0] if models else None,
                               "config": config or {}, "perplexity": {}, "generation": {}, "deltas": {},
                               "headline_cut": HEADLINE_CUT}
    for m in models:
        if ppl_rows.get(m):
            summary["perplexity"][m] = summarize(ppl_rows[m], n_boot=n_boot, seed=seed)
        if gen_rows.get(m):
            head = [r for r in gen_rows[m] if r["cut_type"] == HEADLINE_CUT]
            summary["generation"][m] = {
                "headline": aggregate(head, "domain", n_boot=n_boot, seed=seed) if head else {},
                "by_domain": aggregate(gen_rows[m], "domain", n_boot=n_boot, seed=seed),
                "by_cut": aggregate(gen_rows[m], "cut_type", n_boot=n_boot, seed=seed),
            }
    if items and gen_rows:
        summary["examples"] = examples(items, gen_rows, models)
    ref = summary["reference"]
    for m in models[1:]:
        d: dict[str, Any] = {"perplexity": {}, "generation": {}}
        rp, mp = summary["perplexity"].get(ref), summary["perplexity"].get(m)
        if rp and mp:
            for split in sorted(set(rp) & set(mp)):
                entry = {}
                names = sorted(set(rp[split]["domains"]) & set(mp[split]["domains"]))
                pairs = [(dom, rp[split]["domains"][dom], mp[split]["domains"][dom]) for dom in names]
                pairs += [("micro", rp[split]["micro"], mp[split]["micro"]), ("macro", rp[split]["macro"], mp[split]["macro"])]
                for dom, a, b in pairs:
                    entry[dom] = {
                        "ppl_reduction": relative_reduction(a["ppl"], b["ppl"]),
                        "bpb_reduction": relative_reduction(a["bpb"], b["bpb"]),
                        "top1_delta": None if a["top1"] is None or b["top1"] is None else b["top1"] - a["top1"],
                        "top5_delta": None if a["top5"] is None or b["top5"] is None else b["top5"] - a["top5"],
                    }
                for dom in names + ["micro"]:  # paired over the same documents: the spread between documents cancels
                    ra = [r for r in ppl_rows[ref] if r["split"] == split and dom in ("micro", r["domain"])]
                    rb = [r for r in ppl_rows[m] if r["split"] == split and dom in ("micro", r["domain"])]
                    entry[dom]["paired"] = paired_doc_deltas(ra, rb, n_boot=n_boot, seed=seed)
                d["perplexity"][split] = entry
        rg, mg = summary["generation"].get(ref), summary["generation"].get(m)
        if rg and mg:
            for dom in sorted(set(rg["by_domain"]) & set(mg["by_domain"])):
                a, b = rg["by_domain"][dom], mg["by_domain"][dom]
                d["generation"][dom] = {
                    metric: (None if a[metric]["mean"] is None or b[metric]["mean"] is None
                             else b[metric]["mean"] - a[metric]["mean"]) for metric in METRICS}
                d["generation"][dom]["paired"] = _paired_delta(gen_rows[ref], gen_rows[m], dom, n_boot, seed)
            head_ref = [r for r in gen_rows[ref] if r["cut_type"] == HEADLINE_CUT]
            head_m = [r for r in gen_rows[m] if r["cut_type"] == HEADLINE_CUT]
            if head_ref and head_m:
                d["headline"] = {dom: _paired_delta(head_ref, head_m, dom, n_boot, seed)
                                 for dom in sorted({r["domain"] for r in head_m}) + ["all"]}
        summary["deltas"][m] = d
    return summary


def _paired_delta(ref_rows, rows, domain: str, n_boot: int, seed: int) -> dict[str, Any]:
    """Bootstrap CI of the per-item token-accuracy difference (same items for both models)."""

    a = {r["item_id"]: r for r in ref_rows if domain == "all" or r["domain"] == domain}
    diffs = [r["metrics"]["token_acc"] - a[r["item_id"]]["metrics"]["token_acc"]
             for r in rows if r["item_id"] in a and (domain == "all" or r["domain"] == domain)]
    return {"token_acc": bootstrap_ci(diffs, n_boot=n_boot, seed=seed)}


def examples(items: Sequence[dict], gen_rows: dict[str, list[dict]], models: Sequence[str],
             per_domain: int = N_EXAMPLES) -> list[dict[str, Any]]:
    """A few items per domain (headline cut first, then by item id) with every model's completion."""
    preds = {m: {r["item_id"]: r for r in rows} for m, rows in gen_rows.items()}
    by: dict[str, list[dict]] = {}
    for it in sorted(items, key=lambda it: (it["cut_type"] != HEADLINE_CUT, it["item_id"])):
        by.setdefault(it["domain"], []).append(it)
    out = []
    for dom in sorted(by):
        for it in by[dom][:per_domain]:
            out.append({"item_id": it["item_id"], "domain": dom, "cut_type": it["cut_type"],
                        "prompt_tail": "\n".join(it["prompt"].split("\n")[-8:]), "target": it["target"],
                        "preds": {m: {"pred": preds[m][it["item_id"]]["pred"],
                                      "token_acc": preds[m][it["item_id"]]["metrics"]["token_acc"]}
                                  for m in models if m in preds and it["item_id"] in preds[m]}})
    return out


# ---------------------------------------------------------------- rendering

def _fmt(v: Any, pct: bool = False, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{100 * v:.1f}%" if pct else f"{v:.{digits}f}"
    return str(v)


def _fmt_ci(st: dict[str, Any] | None, k: str) -> str:
    """A perplexity statistic with its bootstrap interval over documents, when there is one."""
    if st is None or st.get(k) is None:
        return "–"
    pct = k.startswith("top")
    s = _fmt(st[k], pct=pct)
    if st.get(f"{k}_lo") is not None:
        s += f" [{_fmt(st[f'{k}_lo'], pct=pct)}, {_fmt(st[f'{k}_hi'], pct=pct)}]"
    return s


def _ci(entry: dict[str, Any], scale: float = 1.0) -> str:
    if entry["mean"] is None:
        return "–"
    return f"{entry['mean'] * scale:.3f} [{entry['lo'] * scale:.3f}, {entry['hi'] * scale:.3f}]"


def tables(summary: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for every table of the report."""
    out = []
    models = summary["models"]
    ref = summary["reference"]
    gen = summary["generation"]
    head_models = [m for m in models if gen.get(m, {}).get("headline")]
    if head_models:
        doms = sorted({d for m in head_models for d in gen[m]["headline"]} - {"all"}) + ["all"]
        header = ["domain", "n"] + [f"{m} token_acc [95% CI]" for m in head_models]
        header += [f"paired Δ {m} − {ref} [95% CI]" for m in head_models[1:]]
        rows = []
        for dom in doms:
            e0 = gen[head_models[0]]["headline"].get(dom)
            row = [dom, str(e0["n"]) if e0 else "–"]
            row += [_ci(gen[m]["headline"][dom]["token_acc"]) if dom in gen[m]["headline"] else "–" for m in head_models]
            for m in head_models[1:]:
                hd = summary["deltas"].get(m, {}).get("headline", {}).get(dom)
                row.append(_ci(hd["token_acc"]) if hd else "–")
            rows.append(row)
        out.append((f"Headline: Spark's 75 % cut ({HEADLINE_CUT}), token accuracy by domain", header, rows))
    splits = sorted({s for m in summary["perplexity"].values() for s in m})
    for split in splits:
        header = ["domain"] + [f"{m} {k}" for m in models for k in PPL_KEYS if split in summary["perplexity"].get(m, {})]
        header += [f"{m} {k} Δ%" for m in models[1:] if m in summary["deltas"] for k in ("ppl", "bpb")]
        doms = sorted({d for m in models for d in summary["perplexity"].get(m, {}).get(split, {}).get("domains", {})})
        rows = []
        for dom in doms + ["micro", "macro"]:
            row = [dom]
            for m in models:
                sp = summary["perplexity"].get(m, {}).get(split)
                if not sp:
                    continue
                st = sp[dom] if dom in ("micro", "macro") else sp["domains"].get(dom)
                for k in PPL_KEYS:
                    row.append(_fmt_ci(st, k))
            for m in models[1:]:
                dl = summary["deltas"].get(m, {}).get("perplexity", {}).get(split, {}).get(dom)
                if m in summary["deltas"]:
                    row += [_fmt(None if not dl else dl[f"{k}_reduction"], pct=True) for k in ("ppl", "bpb")]
            rows.append(row)
        label = SPLIT_LABELS.get(split, split)
        out.append((f"Perplexity, bits per byte and teacher-forced accuracy ({label}; Δ% = relative reduction vs {ref})",
                    header, rows))
    for m, d in summary["deltas"].items():
        for split, entry in d.get("perplexity", {}).items():
            rows = []
            for dom, v in entry.items():
                pr = v.get("paired")
                if not pr or not pr.get("docs"):
                    continue
                rows.append([dom, str(pr["docs"])] + [
                    f"{100 * pr[k]:+.1f}% [{100 * pr[k + '_lo']:+.1f}, {100 * pr[k + '_hi']:+.1f}]"
                    if pr.get(k + "_lo") is not None else "–" for k in ("ppl_change", "bpb_change", "top1_delta")])
            if rows:
                out.append((f"Paired change {m} vs {ref} ({SPLIT_LABELS.get(split, split)}; same documents, "
                            "bootstrap 95% CI over documents)",
                            ["domain", "docs", "perplexity change", "bits/byte change", "top-1 Δ (points)"], rows))
    for m in models:
        g = summary["generation"].get(m)
        if not g:
            continue
        for by, title in (("by_domain", "domain"), ("by_cut", "cut type")):
            header = [title, "n"] + [f"{k} [95% CI]" for k in METRICS] + ["corpus BLEU-4"]
            rows = [[name, str(e["n"])] + [_ci(e[k]) for k in METRICS] + [_fmt(e["corpus_bleu4"], digits=2)]
                    for name, e in g[by].items()]
            out.append((f"Completion metrics of {m} by {title}", header, rows))
    for m, d in summary["deltas"].items():
        if not d["generation"]:
            continue
        header = ["domain"] + [f"Δ {k}" for k in METRICS] + ["paired Δ token_acc [95% CI]"]
        rows = [[dom] + [_fmt(v.get(k)) for k in METRICS] + [_ci(v["paired"]["token_acc"])]
                for dom, v in d["generation"].items()]
        out.append((f"Completion deltas: {m} − {ref}", header, rows))
    return out


def charts(summary: dict[str, Any], out_dir: Path) -> list[Path]:
    """Radar chart of token accuracy per domain, and bits-per-byte bars per domain (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    models = summary["models"]
    gen = summary["generation"]
    doms = sorted({d for m in gen.values() for d in m["by_domain"] if d != "all"})
    if doms:  # with one or two domains the 'radar' is a line, still readable
        angles = np.linspace(0, 2 * np.pi, len(doms), endpoint=False).tolist()
        fig = plt.figure(figsize=(7, 7))
        ax = fig.add_subplot(111, polar=True)
        for m in models:
            if m not in gen:
                continue
            vals = [gen[m]["by_domain"].get(d, {}).get("token_acc", {}).get("mean") or 0.0 for d in doms]
            ax.plot(angles + angles[:1], vals + vals[:1], label=m)
            ax.fill(angles + angles[:1], vals + vals[:1], alpha=0.1)
        ax.set_xticks(angles)
        ax.set_xticklabels(doms, fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title("Token accuracy (fixed C lexer) by domain")
        ax.legend(loc="lower right", bbox_to_anchor=(1.15, -0.1))
        p = out_dir / "radar_token_acc.png"
        fig.savefig(p, dpi=100, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        paths.append(p)
    ppl = summary["perplexity"]
    for split in sorted({s for m in ppl.values() for s in m}):
        doms = sorted({d for m in ppl.values() for d in m.get(split, {}).get("domains", {})})
        if not doms:
            continue
        fig, ax = plt.subplots(figsize=(max(6, 0.8 * len(doms) * max(len(models), 1)), 4))
        width = 0.8 / max(len(models), 1)
        x = np.arange(len(doms))
        for i, m in enumerate(models):
            if split not in ppl.get(m, {}):
                continue
            vals = [ppl[m][split]["domains"].get(d, {}).get("bpb") or 0.0 for d in doms]
            ax.bar(x + i * width, vals, width, label=m)
        ax.set_xticks(x + width * (len(models) - 1) / 2)
        ax.set_xticklabels(doms, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("bits per byte")
        ax.set_title(f"Bits per byte by domain ({split})")
        ax.legend()
        p = out_dir / f"bpb_{split}.png"
        fig.savefig(p, dpi=100, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        paths.append(p)
    return paths


def _flat_config(cfg: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            out.update(_flat_config(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v
    return out


def render_markdown(summary: dict[str, Any], images: Sequence[Path] = ()) -> str:
    lines = [f"# Evaluation report: {', '.join(summary['models'])}", ""]
    cfg = summary.get("config") or {}
    if cfg:
        flat = {k: v for k, v in cfg.items() if not isinstance(v, (dict, list))}
        flat.update({f"bench.{k}": v for k, v in (cfg.get("bench") or {}).items() if not isinstance(v, (dict, list))})
        flat["models"] = ",".join(cfg.get("models") or [])
        lines += ["Configuration: " + ", ".join(f"`{k}={v}`" for k, v in sorted(flat.items())), ""]
    lines += ["Bits per byte is tokenizer-independent; perplexity and top-k accuracy are per the model's own tokens. "
              "Completion metrics: per item, mean with a 95% percentile bootstrap interval.", ""]
    for p in images:
        lines += [f"![{p.stem}]({p.name})", ""]
    for title, header, rows in tables(summary):
        lines += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines.append("")
    for e in summary.get("examples") or []:
        lines += [f"### Example {e['domain']} · {e['cut_type']} · {e['item_id']}", "", "```", e["prompt_tail"], "```",
                  "reference:", "```", e["target"], "```"]
        for m, pr in e["preds"].items():
            lines += [f"{m} (token accuracy {pr['token_acc']:.2f}):", "```", pr["pred"], "```"]
        lines.append("")
    return "\n".join(lines)


def render_html(summary: dict[str, Any], images: Sequence[Path] = ()) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>firmcorpus evaluation</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0;font-size:13px}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child{text-align:left}</style>",
             "</head><body>", f"<h1>Evaluation report: {html.escape(', '.join(summary['models']))}</h1>"]
    cfg = _flat_config(summary.get("config") or {})
    if cfg:
        parts.append("<h2>Run configuration</h2><table>" + "".join(
            f"<tr><td>{html.escape(k)}</td><td style='text-align:left'>{html.escape(str(v))}</td></tr>"
            for k, v in sorted(cfg.items())) + "</table>")
    for p in images:
        data = base64.b64encode(p.read_bytes()).decode()
        parts.append(f"<img alt='{html.escape(p.stem)}' src='data:image/png;base64,{data}'>")
    for title, header, rows in tables(summary):
        parts.append(f"<h2>{html.escape(title)}</h2><table><tr>"
                     + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
        parts.append("</table>")
    ex = summary.get("examples") or []
    if ex:
        parts.append("<h2>Example completions</h2><p>The last lines of the prompt, the reference, and each model's "
                     "completion after the item's stop rule (token accuracy in brackets).</p>")
        for e in ex:
            parts.append(f"<h3>{html.escape(e['domain'])} · {html.escape(e['cut_type'])} · {html.escape(e['item_id'])}</h3>"
                         f"<pre style='background:#f4f4f4'>{html.escape(e['prompt_tail'])}</pre>"
                         f"<p><b>reference</b></p><pre style='background:#eef8ee'>{html.escape(e['target'])}</pre>")
            for m, pr in e["preds"].items():
                parts.append(f"<p><b>{html.escape(m)}</b> ({pr['token_acc']:.2f})</p>"
                             f"<pre style='background:#eef'>{html.escape(pr['pred'])}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(summary: dict[str, Any], out_dir: str | Path) -> dict[str, str]:
    """Write summary.json, report.md, report.html and the chart PNGs; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    images = charts(summary, out)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True, default=str))
    (out / "report.md").write_text(render_markdown(summary, images))
    (out / "report.html").write_text(render_html(summary, images))
    files = {"summary": str(out / "summary.json"), "markdown": str(out / "report.md"), "html": str(out / "report.html")}
    files.update({p.stem: str(p) for p in images})
    return files
