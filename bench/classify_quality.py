"""Domain classification quality and throughput on held-out sources, in two halves.

The labelled set (``corpus.domains.evalset``) comes from registry packages and from public
repositories at fixed commits (recipe: ``bench/devset/classify/SOURCES.csv``): every label comes
from where a file comes from (source + subtree, with a reason), and training and evaluation hold
out **whole sources**. Eval files whose normalised text equals a training file's are dropped, and no
file of a reserved project (``shared/RESERVED.md``) is used: sources are none of them, and vendored
copies inside any source are left out by ``bench/devset/classify/RESERVED_EXCLUDE.csv`` (counted per
source and printed first).

Three parts of the held-out set, each scored alone and together:

* ``registry (dev)``: the held-out Debian/PyPI packages (U-Boot, wolfSSL, msp430mcu, sdcc, iw,
  Mesa, DKMS modules, ubertooth, micro:bit firmware, OpenOCD) that earlier rules were looked at on;
* ``repos (dev)``: the other held-out public repositories; with the registry part, the
  files the step's decision (rule weights, ``general`` threshold, folder weight) is learned on;
* ``repos (aside)``: the other held-out repositories (``evalset.ASIDE_SOURCES``), never trained on,
  calibrated on or debugged on — only scored; also reported in two parts, the repositories set aside
  before round 8 and those added in round 8 (``evalset.ASIDE_SOURCES_ROUND8``: every domain, at least
  two repositories each). For aside parts only totals and the per-domain table are printed (no
  confusion matrix, no per-source counts, none in ``--json`` either).

For each, with and without folder context (files of one folder of one repository classified
together, as ``firmcorpus classify predict DIR --json`` feeds them): accuracy, macro-F1, the
per-domain table and the confusion matrix of the step (rules + model). Anchors from the same run:
a majority-class baseline for quality, and for throughput plain fastText ``predict`` on
whitespace-joined raw text with the same model against the full step.

    python bench/classify_quality.py [--model PATH] [--cap-scale 1.0] [--no-fetch] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from firmcorpus.corpus.domains.evalset import (
    ASIDE_SOURCES,
    ASIDE_SOURCES_ROUND8,
    build_sets,
    evaluate,
    format_eval,
    macro_f1,
    read_text,
)


def throughput(evals, model_path, limit: int = 600) -> dict:
    """Documents per CPU-second of the step and of the raw-text fastText anchor (same docs, same model)."""
    from firmcorpus.corpus.domains.features import language_of
    from firmcorpus.corpus.domains.model import DomainModel
    from firmcorpus.corpus.steps.classify import DomainClassifier

    docs = [(read_text(e.abspath), e.path) for e in evals[:limit]]
    step = DomainClassifier(model_path=model_path)
    step._load()
    t0 = time.process_time()
    for text, path in docs:
        step.classify(text, {"kind": "code", "path": path, "language": language_of(path)})
    t_step = time.process_time() - t0
    ft = DomainModel.load(model_path)._ft
    t0 = time.process_time()
    for text, _ in docs:
        ft.predict(" ".join(text.split()), k=-1)
    t_raw = time.process_time() - t0
    mb = sum(len(t) for t, _ in docs) / 1e6
    return {"documents": len(docs), "megabytes": mb,
            "step_docs_per_cpu_s": len(docs) / t_step, "step_mb_per_cpu_s": mb / t_step,
            "raw_fasttext_docs_per_cpu_s": len(docs) / t_raw, "step_vs_raw_ratio": t_raw / t_step}


def reserved_line(skipped: dict) -> str:
    """How many files of each source the recipe's reserved-copy exclusion list kept out."""
    per = sorted((k.split(":", 1)[1], v) for k, v in skipped.items() if k.startswith("reserved:"))
    return (f"reserved copies excluded (bench/devset/classify/RESERVED_EXCLUDE.csv): {sum(v for _, v in per)} files"
            + "".join(f"\n  {src}: {n}" for src, n in per))


def halves(evals) -> dict:
    return {"registry (dev)": [e for e in evals if not e.source.startswith("git:")],
            "repos (dev)": [e for e in evals if e.source.startswith("git:") and e.source not in ASIDE_SOURCES],
            "dev (registry + repos)": [e for e in evals if e.source not in ASIDE_SOURCES],
            "repos (aside, before round 8)": [e for e in evals if e.source in ASIDE_SOURCES - ASIDE_SOURCES_ROUND8],
            "repos (aside, round 8)": [e for e in evals if e.source in ASIDE_SOURCES_ROUND8],
            "repos (aside)": [e for e in evals if e.source in ASIDE_SOURCES],
            "all (dev + aside)": list(evals)}  # holds aside files: totals only, like the aside parts


def totals_only(res: dict) -> dict:
    """An aside part's result without what would show single files' fates (confusion, per-source counts)."""
    return {k: v for k, v in res.items() if k not in ("confusion", "per_source")}


def format_totals(res: dict) -> str:
    """``format_eval`` without the confusion matrix (for the aside parts)."""
    return format_eval({**res, "domains_present": []}).split("\nconfusion (rows gold")[0].rstrip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="fastText model (default: the shipped one)")
    ap.add_argument("--cap-scale", type=float, default=1.0)
    ap.add_argument("--no-fetch", action="store_true", help="use only sources already unpacked")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    train, evals, skipped = build_sets(cap_scale=args.cap_scale, fetch=not args.no_fetch)
    train_domains = sorted({e.domain for e in train})
    out = {"skipped": skipped, "train_sources": sorted({e.source for e in train}), "halves": {}}
    print(reserved_line(skipped), flush=True)
    for half, items in halves(evals).items():
        if not items:
            continue
        for ctx in (True, False):
            res = evaluate(items, args.model, train_domains, directory_context=ctx)
            res["eval_sources"] = sorted({e.source for e in items})
            gold = [e.domain for e in items]
            majority = Counter(gold).most_common(1)[0][0]
            f1, _ = macro_f1(gold, [majority] * len(gold), res["domains_present"])
            res["anchor_majority"] = {"domain": majority, "accuracy": gold.count(majority) / len(gold),
                                      "macro_f1": f1}
            if "aside" in half:
                res = totals_only(res)
            out["halves"][f"{half}, folder context {'on' if ctx else 'off'}"] = res
    out["throughput"] = throughput(evals, args.model)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, res in out["halves"].items():
        print(f"\n===== {name} =====")
        print(format_totals(res) if "aside" in name else format_eval(res))
        a = res["anchor_majority"]
        s = res["step"]
        low = [d for d, m in s["per_domain"].items() if m["support"] and m["f1"] < 0.90]
        print(f"anchor (majority class '{a['domain']}'): accuracy {a['accuracy']:.3f}, macro-F1 {a['macro_f1']:.3f}; "
              f"step macro-F1 {s['macro_f1']:.3f}; domains below F1 0.90: {', '.join(low) or 'none'}")
    print("\nsummary (step): half, folder context -> accuracy, macro-F1, lowest domain F1")
    for name, res in out["halves"].items():
        s = res["step"]
        lo = min(((m["f1"], d) for d, m in s["per_domain"].items() if m["support"]), default=(0.0, "-"))
        print(f"  {name:45s} {s['accuracy']:.3f}  {s['macro_f1']:.3f}  {lo[1]} {lo[0]:.2f}  (n={res['documents']})")
    t = out["throughput"]
    print(f"throughput on {t['documents']} docs ({t['megabytes']:.1f} MB), one core: step "
          f"{t['step_docs_per_cpu_s']:.0f} docs/s ({t['step_mb_per_cpu_s']:.2f} MB/s); anchor raw-text fastText "
          f"{t['raw_fasttext_docs_per_cpu_s']:.0f} docs/s; step/anchor speed ratio {t['step_vs_raw_ratio']:.2f}")


if __name__ == "__main__":
    main()
