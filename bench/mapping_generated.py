"""Mapping quality on generated pairs: which mechanisms fail, per dimension value.

Each pair comes from ``bench/mapping_gen.py`` (a seeded grammar of datasheet naming, code name
transforms, code idioms and distractors) and is scored exactly as ``bench/mapping_quality.py``
scores a devset pair in oracle mode: the register list as the datasheet (``oracle_datasheet``),
``map_repo`` on the generated texts, ``same_site`` + ``mapping.metrics.evaluate``.

Two splits: **dev** (seeds ``0..N-1``, the development grammar) and **heldout** (seeds from
``HELDOUT_SEED0``, every pair using at least one grammar value never sampled for dev:
``mapping_gen.HELDOUT``). Prints micro P/R/file accuracy per split and per dimension value;
per-register transforms are scored as recall over the truth links of registers that carry them.

    python bench/mapping_generated.py [--n 200] [--split dev|heldout|dev,heldout] [--show FAILS] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mapping_gen import make_pair  # noqa: E402
from mapping_quality import devset_truth, oracle_datasheet, same_site  # noqa: E402

HELDOUT_SEED0 = 1_000_000


def score(g):
    from firmcorpus.mapping.metrics import evaluate
    from firmcorpus.mapping.repo_map import map_repo

    ds = oracle_datasheet(g.pair)
    res, _ = map_repo(ds, g.texts)
    return evaluate(same_site(res, g.pair), devset_truth(g.pair))


def run(split: str, n: int, show: int) -> dict:
    from firmcorpus.mapping.metrics import micro

    seed0 = 0 if split == "dev" else HELDOUT_SEED0
    rows = []
    by_dim: dict[tuple[str, str], list[dict]] = defaultdict(list)
    reg_tr: dict[str, list[int]] = defaultdict(lambda: [0, 0])   # transform -> [hit, total]
    t0 = time.process_time()
    shown = 0
    for seed in range(seed0, seed0 + n):
        g = make_pair(seed, split)
        e = score(g)
        rows.append(e)
        for d, v in g.dims.items():
            for x in (v if isinstance(v, list) else [v]):
                by_dim[(d, x)].append(e)
        missed = {x[0] for x in e["false_negatives"]}
        for lk in g.pair["links"]:
            for t in g.reg_dims.get(lk["register"], ["none"]):
                reg_tr[t][1] += 1
                reg_tr[t][0] += lk["register"] not in missed
        if show and shown < show and (e["fp"] or e["fn"]):
            shown += 1
            print(f"--- {g.pair['id']} {g.dims} P {e['precision']:.2f} R {e['recall']:.2f}")
            for x in e["false_positives"][:6]:
                print("   FP", x)
            for x in e["false_negatives"][:6]:
                print("   FN", x)
    out = {"split": split, "pairs": n, "seconds": round(time.process_time() - t0, 1), "micro": micro(rows),
           "dims": {}, "register_transforms": {}}
    for (d, v), es in sorted(by_dim.items()):
        m = micro(es)
        out["dims"].setdefault(d, {})[v] = {"pairs": len(es), "precision": round(m["precision"], 3),
                                            "recall": round(m["recall"], 3),
                                            "file_accuracy": round(m["file_accuracy"], 3)}
    for t, (hit, tot) in sorted(reg_tr.items()):
        out["register_transforms"][t] = {"links": tot, "recall": round(hit / tot, 3) if tot else 1.0}
    return out


def print_report(o: dict) -> None:
    m = o["micro"]
    print(f"\n== {o['split']}: {o['pairs']} pairs, {o['seconds']} s CPU: P {m['precision']:.3f} R {m['recall']:.3f} "
          f"file acc {m['file_accuracy']:.3f} (tp {m['tp']} fp {m['fp']} fn {m['fn']})")
    for d, vals in o["dims"].items():
        cells = [f"{v} {x['precision']:.2f}/{x['recall']:.2f} ({x['pairs']})" for v, x in vals.items()]
        print(f"  {d:14} " + "; ".join(cells))
    print("  reg_transform  " + "; ".join(f"{t} R {x['recall']:.2f} ({x['links']})"
                                          for t, x in o["register_transforms"].items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="pairs per split")
    ap.add_argument("--split", default="dev,heldout")
    ap.add_argument("--show", type=int, default=0, help="print the misses of this many failing pairs (dev only)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    outs = [run(s, args.n, args.show if s == "dev" else 0) for s in args.split.split(",")]
    if args.json:
        print(json.dumps(outs, indent=1))
    else:
        for o in outs:
            print_report(o)


if __name__ == "__main__":
    main()
