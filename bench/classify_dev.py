"""Dev-half analysis of the domain classifier: per-domain table and confusions, folder context on and off.

Only the development half of the held-out sources (never ``evalset.ASIDE_SOURCES``) is read. With
``--remine`` the rules' lexicon is mined again from the training files with the current code
(``corpus.domains.lexicon``) and written, with the shipped fastText model, into a scratch model folder;
``--calibrate`` learns the step's decision on the dev half as ``firmcorpus classify train`` does. This is
how a rules/lexicon change is measured without retraining the fastText model.

    python bench/classify_dev.py [--model PATH] [--remine] [--calibrate] [--out DIR] [--confusions 40]
                                 [--skip SOURCE ...]

``--skip`` leaves dev sources out (for instance the ones a round added, to compare with the figures of the
round before on its own files).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections import Counter
from pathlib import Path

from firmcorpus.corpus.domains.evalset import ASIDE_SOURCES, build_sets, evaluate, read_text
from firmcorpus.corpus.domains.lexicon import MineParams
from firmcorpus.corpus.domains.lexicon import mine as mine_lexicon
from firmcorpus.corpus.domains.model import default_model_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--remine", action="store_true")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--out", default="/tmp/classify-dev-model")
    ap.add_argument("--confusions", type=int, default=40)
    ap.add_argument("--json", default=None, help="write the figures here")
    ap.add_argument("--skip", nargs="*", default=[], help="dev sources to leave out (e.g. git:owner/name)")
    args = ap.parse_args()
    train, evals, _ = build_sets()
    dev = [e for e in evals if e.source not in ASIDE_SOURCES and e.source not in set(args.skip)]
    model = Path(args.model) if args.model else default_model_path()
    if args.remine or args.calibrate:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(model, out / model.name)
        info = json.loads(model.with_suffix(".json").read_text())
        if args.remine:
            t0 = time.time()
            lex = mine_lexicon(((read_text(e.abspath), e.domain, e.source, e.path) for e in train), MineParams())
            info["lexicon"] = lex.to_json()
            print(f"lexicon mined in {time.time() - t0:.0f}s: {lex.per_domain()}, not_linux {len(lex.not_linux)}")
        model = out / model.name
        model.with_suffix(".json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        if args.calibrate:
            from firmcorpus.corpus.domains.jobs import calibrate_decision
            t0 = time.time()
            cal = calibrate_decision(dev, str(model), info.get("decision"))  # the given model's as the previous one
            info["decision"], info["calibration"] = cal["decision"], cal
            model.with_suffix(".json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
            print(f"decision {cal['decision']} (calibrated in {time.time() - t0:.0f}s; off/on "
                  f"{cal['macro_f1_without_folder_context']}/{cal['macro_f1_with_folder_context']})")
    train_domains = sorted({e.domain for e in train})
    res = {ctx: evaluate(dev, str(model), train_domains, directory_context=ctx) for ctx in (True, False)}
    on, off = res[True]["step"], res[False]["step"]
    print(f"\ndev: n={len(dev)}  macro-F1 on {on['macro_f1']:.3f}  off {off['macro_f1']:.3f}  "
          f"(docs/cpu-s {res[False]['docs_per_cpu_second']:.0f})")
    print(f"{'domain':20s}{'n':>5s}{'P on':>7s}{'R on':>6s}{'F1 on':>7s}{'P off':>7s}{'R off':>6s}{'F1 off':>7s}")
    for d, m in on["per_domain"].items():
        o = off["per_domain"][d]
        print(f"{d:20s}{m['support']:5d}{m['precision']:7.2f}{m['recall']:6.2f}{m['f1']:7.3f}"
              f"{o['precision']:7.2f}{o['recall']:6.2f}{o['f1']:7.3f}")
    for ctx in (True, False):
        pairs = Counter()
        for g, row in res[ctx]["confusion"].items():
            for p, n in row.items():
                if p != g:
                    pairs[(g, p)] += n
        print(f"\nconfusions (gold -> predicted), folder context {'on' if ctx else 'off'}: " +
              ", ".join(f"{g}->{p} {n}" for (g, p), n in pairs.most_common(args.confusions)))
    if args.json:
        Path(args.json).write_text(json.dumps({("on" if k else "off"): {"macro_f1": v["step"]["macro_f1"],
                                               "per_domain": v["step"]["per_domain"], "confusion": v["confusion"]}
                                               for k, v in res.items()}, indent=1))


if __name__ == "__main__":
    main()
