"""Domain classification quality and throughput on held-out packages.

The labelled set (``corpus.domains.evalset``) is built from registry sources: every label comes
from where a file comes from (package + subtree, with a reason), and training and evaluation
hold out **whole packages** (Linux, avr-libc, mbedtls, TF-A, newlib, arduino-core-avr train; U-Boot,
wolfSSL, msp430mcu, sdcc, lwIP, BlueZ, iw, Mesa, DKMS modules, ubertooth, micro:bit firmware,
gen-stm32's StdPeriph copy, OpenOCD loaders are only evaluated). Eval files whose normalised text
equals a training file's are dropped (U-Boot syncs device trees from Linux).

Prints, for the pipeline step (rules + model), the model alone and the rules alone: accuracy and
macro-F1 (over all domains present, and over the domains that have training data), the
per-domain table and the confusion matrix. Anchors from the same run: a majority-class baseline
for quality, and for throughput plain fastText ``predict`` on whitespace-joined raw text with the
same model (what datatrove's fastText filter does) against the full step (rules, features,
gate, model).

    python bench/classify_quality.py [--model PATH] [--cap-scale 1.0] [--no-fetch] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from firmcorpus.corpus.domains.evalset import build_sets, evaluate, format_eval, macro_f1, read_text


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="fastText model (default: the shipped one)")
    ap.add_argument("--cap-scale", type=float, default=1.0)
    ap.add_argument("--no-fetch", action="store_true", help="use only sources already unpacked")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    train, evals, skipped = build_sets(cap_scale=args.cap_scale, fetch=not args.no_fetch)
    train_domains = sorted({e.domain for e in train})
    res = evaluate(evals, args.model, train_domains)
    res["skipped"] = skipped
    res["eval_sources"] = sorted({e.source for e in evals})
    res["train_sources"] = sorted({e.source for e in train})
    gold = [e.domain for e in evals]
    majority = Counter(gold).most_common(1)[0][0]
    f1, _ = macro_f1(gold, [majority] * len(gold), res["domains_present"])
    res["anchor_majority"] = {"domain": majority, "accuracy": gold.count(majority) / len(gold), "macro_f1": f1}
    res["throughput"] = throughput(evals, args.model)
    if args.json:
        print(json.dumps(res, indent=2))
        return
    print(format_eval(res))
    a = res["anchor_majority"]
    s = res["step"]
    print(f"\nanchor (majority class '{a['domain']}'): accuracy {a['accuracy']:.3f}, macro-F1 {a['macro_f1']:.3f}; "
          f"step/anchor macro-F1 ratio {s['macro_f1'] / max(a['macro_f1'], 1e-9):.1f}x")
    t = res["throughput"]
    print(f"throughput on {t['documents']} docs ({t['megabytes']:.1f} MB), one core: step "
          f"{t['step_docs_per_cpu_s']:.0f} docs/s ({t['step_mb_per_cpu_s']:.2f} MB/s); anchor raw-text fastText "
          f"{t['raw_fasttext_docs_per_cpu_s']:.0f} docs/s; step/anchor speed ratio {t['step_vs_raw_ratio']:.2f}")


if __name__ == "__main__":
    main()
