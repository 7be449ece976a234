"""Register-map extraction quality on the real datasheets under ``../shared/data/datasheets``.

For every ``*.pdf`` with a hand-checked ``*.json`` beside it: register precision and recall
(a register matches when its normalised name and its address agree; entries marked
``uncertain`` are ignored), field recall over matched registers (normalised name without a
bit suffix, and bits), and micro-averages. Anchor in the same run: the same scoring applied
to a naive baseline that reads every ``find_tables()`` table with "name" and "address"
columns (``--anchor``; slow, ~1 s/page).

    python bench/datasheet_quality.py [--dir DIR] [--json] [-v]
    python bench/datasheet_quality.py --svd [NAME.svd ...]   # SVD -> PDF -> registers round trip

The round trip renders whole pyocd SVDs (``parsers.svd_render``) in both layouts and
counts registers recovered with the right peripheral, name and absolute address.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf


def norm_name(s: str) -> str:
    s = re.sub(r"\s*(\(\d+\)|\[\d+\])$", "", s or "")
    return re.sub(r"[^a-z0-9]", "", s.lower())


def norm_field(s: str) -> str:
    s = re.sub(r"[\[<(]\s*\d+\s*(?:[:\-]\s*\d+)?\s*[\]>)]$", "", s or "")
    return re.sub(r"[^a-z0-9]", "", s.lower())


def norm_addr(a) -> int | None:
    if a is None:
        return None
    return int(str(a), 16) if isinstance(a, str) else int(a)


def score(truth: list[dict], got: list[dict]) -> dict:
    want = [r for r in truth if not r.get("uncertain")]
    ignored = {(norm_name(r["name"]), norm_addr(r["address"])) for r in truth if r.get("uncertain")}
    want_keys = {(norm_name(r["name"]), norm_addr(r["address"])): r for r in want}
    got_keys: dict[tuple, dict] = {}
    n_got = 0
    for r in got:
        k = (norm_name(r["name"]), norm_addr(r["address"]))
        if k in ignored:
            continue
        n_got += 1  # a duplicate counts as extracted but matches once (precision drops)
        got_keys.setdefault(k, r)
    tp = [k for k in got_keys if k in want_keys]
    f_total = f_hit = 0
    for k in want_keys:
        tf = {(norm_field(f["name"]), f["bits"]) for f in want_keys[k].get("fields", [])}
        f_total += len(tf)
        if k in got_keys:
            gf = {(norm_field(f["name"]), f["bits"]) for f in got_keys[k].get("fields", [])}
            f_hit += len(tf & gf)
    return {
        "truth": len(want_keys), "extracted": n_got, "matched": len(tp),
        "fields_truth": f_total, "fields_matched": f_hit,
        "missed": sorted(f"{k[0]}@{k[1]:#x}" for k in want_keys if k not in got_keys),
        "spurious": sorted(f"{k[0]}@{k[1]:#x}" for k in got_keys if k not in want_keys and k[1] is not None),
    }


DEFAULT_SVDS = ("STM32F0xx.svd", "nrf51.svd", "LPC800_v0.3.svd", "max32660.svd", "Musca.svd")


def svd_round_trip(names: list[str], as_json: bool) -> int:
    import tempfile

    from firmcorpus.corpus.datasheet_sources import resolve_datasheet
    from firmcorpus.parsers.svd import parse_svd
    from firmcorpus.parsers.svd_render import render_pdf

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            ds = parse_svd(resolve_datasheet("pip:pyocd==0.46.0#pyocd/debug/svd/svd_data.zip!" + name))
            # SVD placeholders named "Reserved" are not registers a datasheet reader should report
            want = {(r.peripheral, r.name, int(r.address, 16)) for r in ds.registers
                    if not r.name.lower().startswith("reserved")}
            for layout in ("st", "summary"):
                t0 = time.perf_counter()
                pdf = render_pdf(ds, Path(tmp) / f"{layout}.pdf", layout)
                t1 = time.perf_counter()
                got = parse_pdf(pdf)
                t2 = time.perf_counter()
                have = [(r.peripheral, r.name, int(r.address, 16)) for r in got.registers]
                hit = want & set(have)
                rows.append({"svd": name, "layout": layout, "pages": got.pages, "registers": len(want),
                             "extracted": len(have), "matched": len(hit), "recall": len(hit) / len(want),
                             "precision": len(hit) / max(len(have), 1), "render_s": round(t1 - t0, 2),
                             "extract_s": round(t2 - t1, 2)})
    if as_json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'svd':18} {'layout':8} {'pages':>5} {'regs':>5} {'got':>5} {'recall':>7} {'prec':>7} {'render s':>9} {'extract s':>9}")
    for r in rows:
        print(f"{r['svd']:18} {r['layout']:8} {r['pages']:5d} {r['registers']:5d} {r['extracted']:5d} "
              f"{r['recall']:7.4f} {r['precision']:7.4f} {r['render_s']:9.2f} {r['extract_s']:9.2f}")
    worst = min(r["recall"] for r in rows)
    print(f"target: >= 0.99 of registers with correct addresses in both layouts -> "
          f"{'MET' if worst >= 0.99 else 'NOT MET'} (worst {worst:.4f})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list missed and spurious registers")
    ap.add_argument("--svd", nargs="*", default=None, help="SVD round trip instead (pyocd SVD file names)")
    args = ap.parse_args()
    if args.svd is not None:
        return svd_round_trip(args.svd or list(DEFAULT_SVDS), args.json)
    root = args.dir or (shared_data_dir() / "datasheets")
    rows = []
    for pdf in sorted(root.glob("*.pdf")):
        truth_path = pdf.with_suffix(".json")
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text())["registers"]
        t0 = time.perf_counter()
        ds = parse_pdf(pdf)
        dt = time.perf_counter() - t0
        s = score(truth, [r.__dict__ | {"fields": [f.__dict__ for f in r.fields]} for r in ds.registers])
        s.update(pdf=pdf.name, pages=ds.pages, seconds=round(dt, 3))
        rows.append(s)
    tot = {k: sum(r[k] for r in rows) for k in ("truth", "extracted", "matched", "fields_truth", "fields_matched")}
    micro_p = tot["matched"] / tot["extracted"] if tot["extracted"] else 0.0
    micro_r = tot["matched"] / tot["truth"] if tot["truth"] else 0.0
    field_r = tot["fields_matched"] / tot["fields_truth"] if tot["fields_truth"] else 0.0
    if args.json:
        print(json.dumps({"rows": rows, "micro_precision": micro_p, "micro_recall": micro_r,
                          "field_recall": field_r}, indent=1))
        return 0
    print(f"{'pdf':48} {'pages':>5} {'truth':>5} {'got':>5} {'P':>6} {'R':>6} {'fieldR':>7} {'sec':>6}")
    for r in rows:
        p = r["matched"] / r["extracted"] if r["extracted"] else 0.0
        rc = r["matched"] / r["truth"] if r["truth"] else 0.0
        fr = r["fields_matched"] / r["fields_truth"] if r["fields_truth"] else float("nan")
        print(f"{r['pdf']:48} {r['pages']:5d} {r['truth']:5d} {r['extracted']:5d} {p:6.3f} {rc:6.3f} {fr:7.3f} {r['seconds']:6.2f}")
        if args.verbose:
            print("    missed:  ", " ".join(r["missed"]))
            print("    spurious:", " ".join(r["spurious"]))
    print(f"{'micro-average':48} {'':5} {tot['truth']:5d} {tot['extracted']:5d} {micro_p:6.3f} {micro_r:6.3f} {field_r:7.3f}")
    print(f"target: precision >= 0.95 and recall >= 0.95 -> {'MET' if micro_p >= 0.95 and micro_r >= 0.95 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
