"""Register extraction on generated layouts (issue 17): precision / recall per variation dimension.

Renders pages from the seeded layout grammar in ``tests/parsers/layout_gen.py`` (each page carries
its own truth), parses each with ``parse_pdf`` and scores registers one-to-one by address and
lenient name (as printed, the mnemonic in parentheses, or the long name), like the devset bench.
Distractor pages (pins, value tables, memory maps, ...) have no registers.

Seed split: development seeds ``--dev-from .. --dev-from + --dev-n - 1`` (0 .. 399) drawn without the held-out grammar values;
held-out seeds ``1000000 .. 1000000 + --heldout-n - 1`` drawn with them (``HELDOUT`` in the
generator: header synonyms, address forms, a heading form, distractors, a font kept for scoring).

    python bench/datasheet_layouts.py                     # both, per-dimension tables
    python bench/datasheet_layouts.py --split dev -v      # list failing samples (dev only)
    python bench/datasheet_layouts.py --seed 17 --out /tmp/s17.pdf   # one sample, written out
    python bench/datasheet_layouts.py --families ext      # only the extended families (``EXT_KINDS``)

``--families both`` (the default) scores each seed twice: its base-grammar sample (unchanged by the
extended families) and its extended-family sample (drawn from a generator of its own).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from datasheet_quality import _name_keys, norm_name  # noqa: E402

from firmcorpus.parsers.datasheet import parse_pdf  # noqa: E402
from tests.parsers.layout_gen import sample  # noqa: E402

HELDOUT_BASE = 1_000_000


def score_sample(seed: int, heldout: bool, ext: bool = False) -> dict:
    s = sample(seed, heldout, ext)
    try:
        ds = parse_pdf(s.pdf)
        got = [(r.name, int(r.address, 16)) for r in ds.registers if r.address]
        err = None
    except Exception as e:  # noqa: BLE001 - a crash is a result here
        got, err = [], f"{type(e).__name__}: {e}"
    got = [g for g in got if not any(lo <= g[1] <= hi for lo, hi in s.uncertain)]
    used: set[int] = set()
    hit = 0
    missed = []
    for t in s.truth:
        tkeys = {norm_name(t["name"])} | {norm_name(a) for a in t["alt"]} | _name_keys(t["name"])
        for gi, (gn, ga) in enumerate(got):
            if gi in used or ga != t["address"]:
                continue
            if _name_keys(gn) & tkeys:
                used.add(gi)
                hit += 1
                break
        else:
            missed.append(f"{t['name']}@{t['address']:#x}")
    spurious = [f"{gn}@{ga:#x}" for gi, (gn, ga) in enumerate(got) if gi not in used]
    return {"seed": seed, "heldout": heldout, "ext": ext, "dims": s.dims, "truth": len(s.truth), "got": len(got), "hit": hit,
            "missed": missed, "spurious": spurious, "error": err}


def _pr(h: int, g: int, t: int) -> str:
    p = h / g if g else 1.0
    r = h / t if t else 1.0
    return f"{p:.3f} / {r:.3f}"


def report(results: list[dict], label: str) -> dict:
    tot = [sum(r[k] for r in results) for k in ("hit", "got", "truth")]
    perfect = sum(1 for r in results if not r["missed"] and not r["spurious"] and not r["error"])
    errors = sum(1 for r in results if r["error"])
    print(f"\n== {label}: {len(results)} samples, {perfect} read exactly, {errors} crashed; "
          f"registers {tot[0]}/{tot[2]} among {tot[1]} read: P / R {_pr(*tot)}")
    agg: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in results:
        bad = bool(r["missed"] or r["spurious"] or r["error"])
        for k, v in r["dims"].items():
            a = agg[(k, v)]
            a[0] += r["hit"]
            a[1] += r["got"]
            a[2] += r["truth"]
            a[3] += 1
            a[4] += bad
    dims = sorted({k for k, _ in agg})
    out = {}
    for d in dims:
        vals = sorted((v for k, v in agg if k == d), key=lambda v: (agg[(d, v)][4] / agg[(d, v)][3]), reverse=True)
        cells = []
        for v in vals:
            h, g, t, n, bad = agg[(d, v)]
            cells.append(f"{v} {_pr(h, g, t)} ({n - bad}/{n})")
            out[f"{d}={v}"] = {"hit": h, "got": g, "truth": t, "n": n, "exact": n - bad}
        print(f"  {d}: " + "; ".join(cells))
    out["total"] = {"hit": tot[0], "got": tot[1], "truth": tot[2], "n": len(results), "exact": perfect}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev-n", type=int, default=400)
    ap.add_argument("--dev-from", type=int, default=0, help="first development seed (fresh seeds: --dev-from 400)")
    ap.add_argument("--heldout-n", type=int, default=200)
    ap.add_argument("--split", choices=("dev", "heldout"), default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true", help="list failing dev samples")
    ap.add_argument("--seed", type=int, default=None, help="one dev sample: print it (and --out its PDF)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--families", choices=("base", "ext", "both"), default="both",
                    help="base grammar, the extended families (issue 17 failure modes), or both")
    ap.add_argument("--json", type=Path, default=None, help="write the per-dimension figures here")
    a = ap.parse_args()
    if a.seed is not None:
        ext = a.families == "ext"
        s = sample(a.seed, False, ext)
        if a.out:
            a.out.write_bytes(s.pdf)
        print(json.dumps({"dims": s.dims, "truth": s.truth}, indent=1, default=str))
        print(json.dumps(score_sample(a.seed, False, ext), indent=1))
        return 0
    exts = {"base": [False], "ext": [True], "both": [False, True]}[a.families]
    jobs = []
    for ext in exts:
        if a.split in (None, "dev"):
            jobs += [(i, False, ext) for i in range(a.dev_from, a.dev_from + a.dev_n)]
        if a.split in (None, "heldout"):
            jobs += [(HELDOUT_BASE + i, True, ext) for i in range(a.heldout_n)]
    with ProcessPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(score_sample, *zip(*jobs), chunksize=8))
    figures = {}
    for ext in exts:
        tag = "ext" if ext else "base"
        what = "extended families" if ext else "base grammar"
        dev = [r for r in results if not r["heldout"] and r["ext"] == ext]
        held = [r for r in results if r["heldout"] and r["ext"] == ext]
        if dev:
            figures[f"dev_{tag}"] = report(dev, f"{what}, dev seeds {a.dev_from}-{a.dev_from + a.dev_n - 1}")
            if a.verbose:
                for r in dev:
                    if r["missed"] or r["spurious"] or r["error"]:
                        print(f"  seed {r['seed']} {r['dims']}\n    missed {r['missed'][:8]} spurious "
                              f"{r['spurious'][:8]} {r['error'] or ''}")
        if held:
            figures[f"heldout_{tag}"] = report(held, f"{what}, held-out seeds {HELDOUT_BASE}-"
                                                     f"{HELDOUT_BASE + a.heldout_n - 1}")
    if a.json:
        a.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
