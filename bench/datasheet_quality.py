"""Register-map extraction quality on the real datasheets under ``../shared/data/datasheets``.

For every ``*.pdf`` with a hand-checked ``*.json`` beside it: register precision and recall
(a register matches when its normalised name and its address agree; entries marked
``uncertain`` are ignored), field recall over matched registers (normalised name without a
bit suffix, and bits), and micro-averages. Anchor in the same run: the same scoring applied
to a naive baseline that reads every ``find_tables()`` table with "name" and "address"
columns (``--anchor``; slow, ~1 s/page).

    python bench/datasheet_quality.py [--dir DIR] [--json] [-v]
    python bench/datasheet_quality.py --svd [NAME.svd ...]   # SVD -> PDF -> registers round trip
    python bench/datasheet_quality.py --devset bench/devset [--rows dev|all|none] [--split dev|aside]

``--devset`` scores the development set (``bench/devset``: truth in ``datasheets/*.json``, PDFs
in ``cache/datasheets/<id>.pdf``) with the **lenient** name match of issue 17 (the name as
printed, a mnemonic in parentheses, or any of the truth's ``alt_names``; one-to-one per
address) and the strict match (normalised printed name only) beside it, separately for the
``dev`` and ``aside`` halves. Truth entries marked ``uncertain`` are ignored (an extracted
register at such an address, or inside its ``address_end`` range, counts neither way); a
truth ``scope: {"pages": [a, b]}`` restricts scoring to registers extracted on those pages (and
to a register extracted elsewhere that is a truth register at an address the scoped pages
yield nothing for: a register is reported once, on the page that prints it first).
Per-failure-mode rows group files by the truth's ``layout`` tags. ``--rows dev`` prints the
per-file rows of the dev half only (the aside half is scored, never debugged on).

The round trip renders whole pyocd SVDs (``parsers.svd_render``) in both layouts and
counts registers recovered with the right peripheral, name and absolute address.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import parse_pdf


def norm_name(s: str) -> str:
    # (CJK characters are kept: a Chinese datasheet's names are its Chinese function cells; an
    # ASCII-only key made every such name empty, matching nothing)
    s = re.sub(r"\s*(\(\d+\)|\[\d+\])$", "", s or "")
    return re.sub(r"[^a-z0-9\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]", "", s.lower())


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


# --------------------------------------------------------------------------- development set


def _name_keys(name: str) -> set[str]:
    """Lenient forms of an extracted name: as printed, the mnemonic in parentheses, the part
    before the parentheses."""
    out = {norm_name(name)}
    for m in re.finditer(r"\(([^()]{1,40})\)", name or ""):
        out.add(norm_name(m.group(1)))
    base = re.sub(r"\([^()]*\)", " ", name or "")
    out.add(norm_name(base))
    out.discard("")
    return out


def score_devset_file(truth_doc: dict, got: list[dict]) -> dict:
    scope = (truth_doc.get("scope") or {}).get("pages")
    regs = truth_doc["registers"]
    want = [r for r in regs if not r.get("uncertain")]
    if scope:
        # registers extracted outside the scoped pages are not scored, except one that is a
        # truth register (same address, a matching name): the parser reports a register once,
        # on the page that prints it first (an earlier chapter may print it before the map)
        def in_truth(g: dict) -> bool:
            a = norm_addr(g["address"])
            keys = _name_keys(g["name"])
            return any(norm_addr(t["address"]) == a and keys & ({norm_name(t["name"])} | _name_keys(t["name"])
                                                                 | {norm_name(x) for x in t.get("alt_names", [])})
                       for t in want)
        inside = [r for r in got if r.get("page") is not None and scope[0] <= r["page"] <= scope[1]]
        seen = {norm_addr(r["address"]) for r in inside}
        for r in got:  # (only at an address the scoped pages yield nothing for, and once)
            a = norm_addr(r["address"])
            if a not in seen and r not in inside and in_truth(r):
                seen.add(a)
                inside.append(r)
        got = inside
    unsure = [(norm_addr(r["address"]), norm_addr(r.get("address_end") or r["address"]))
              for r in regs if r.get("uncertain")]
    # a register inside an uncertain range (a printed range, an operand-carrying opcode) neither
    # counts nor costs, unless it is a certain register of another block at that address
    # (a function block reusing a frame block's offsets): it is matched first, and only the
    # unmatched ones inside uncertain ranges are set aside
    kept = list(got)
    by_addr: dict[int, list[dict]] = {}
    for r in want:
        by_addr.setdefault(norm_addr(r["address"]), []).append(r)
    res = {}
    for mode in ("strict", "lenient"):
        used: set[int] = set()
        hit = 0
        matched_truth: set[int] = set()
        for gi, g in enumerate(kept):
            a = norm_addr(g["address"])
            gkeys = {norm_name(g["name"])} if mode == "strict" else _name_keys(g["name"])
            for t in by_addr.get(a, []):
                if id(t) in matched_truth:
                    continue
                tkeys = {norm_name(t["name"])} if mode == "strict" else \
                    {norm_name(t["name"])} | {norm_name(x) for x in t.get("alt_names", [])} | _name_keys(t["name"])
                if gkeys & tkeys:
                    matched_truth.add(id(t))
                    used.add(gi)
                    hit += 1
                    break
        res[mode] = hit
        if mode == "lenient":
            def unsure_at(g: dict) -> bool:
                a = norm_addr(g["address"])
                return a is not None and any(lo <= a <= hi for lo, hi in unsure)
            set_aside = {gi for gi, g in enumerate(kept) if gi not in used and unsure_at(g)}
            res["missed"] = [f"{t['name']}@{norm_addr(t['address']):#x}" for t in want if id(t) not in matched_truth]
            res["spurious"] = [f"{g['name']}@{g['address']}" for gi, g in enumerate(kept)
                               if gi not in used and gi not in set_aside]
    res.update(truth=len(want), extracted=len(kept) - len(set_aside))
    return res


def _pr(hit: int, got: int, truth: int) -> tuple[float, float]:
    return (hit / got if got else 0.0), (hit / truth if truth else 0.0)


def _parse_one(pdf: str) -> tuple[list[dict], int, float, list[str]]:
    t0 = time.perf_counter()
    ds = parse_pdf(pdf)
    return ([{"name": r.name, "address": r.address, "page": r.page} for r in ds.registers],
            ds.pages, time.perf_counter() - t0, list(ds.warnings))


def run_devset(root: Path, rows_mode: str, only_split: str | None, verbose: bool, as_json: bool, jobs: int) -> int:
    truth_dir = root / "datasheets"
    cache = root / "cache" / "datasheets"
    docs = []
    for tp in sorted(truth_dir.glob("*.json")):
        d = json.loads(tp.read_text())
        if only_split and d.get("split") != only_split:
            continue
        pdf = cache / f"{d['id']}.pdf"
        if not pdf.exists():
            print(f"{d['id']}: PDF missing ({pdf}); run bench/devset/materialise.py", file=sys.stderr)
            continue
        docs.append((d, pdf))
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as ex:
            parsed = list(ex.map(_parse_one, [str(p) for _, p in docs]))
    else:
        parsed = [_parse_one(str(p)) for _, p in docs]
    rows = []
    for (d, _pdf), (got, pages, secs, _warn) in zip(docs, parsed):
        s = score_devset_file(d, got)
        s.update(id=d["id"], split=d["split"], layout=d.get("layout", []), pages=pages, seconds=round(secs, 2))
        rows.append(s)
    totals = {}
    for split in ("dev", "aside"):
        rs = [r for r in rows if r["split"] == split]
        if not rs:
            continue
        t = {k: sum(r[k] for r in rs) for k in ("truth", "extracted", "strict", "lenient", "pages")}
        t["files"] = len(rs)
        t["seconds"] = round(sum(r["seconds"] for r in rs), 2)
        t["P"], t["R"] = _pr(t["lenient"], t["extracted"], t["truth"])
        t["P_strict"], t["R_strict"] = _pr(t["strict"], t["extracted"], t["truth"])
        totals[split] = t
    shown = [r for r in rows if rows_mode == "all" or (rows_mode == "dev" and r["split"] == "dev")]
    modes: dict[str, dict] = {}
    for r in shown:
        for tag in r["layout"]:
            m = modes.setdefault(tag, {"files": 0, "truth": 0, "extracted": 0, "lenient": 0})
            m["files"] += 1
            for k in ("truth", "extracted", "lenient"):
                m[k] += r[k]
    if as_json:
        print(json.dumps({"rows": shown, "totals": totals, "layout_modes": modes}, indent=1))
        return 0
    print(f"{'id':26} {'split':5} {'pages':>5} {'truth':>5} {'got':>5} {'P':>6} {'R':>6} {'P str':>6} {'R str':>6} {'sec':>6}")
    for r in shown:
        p, rc = _pr(r["lenient"], r["extracted"], r["truth"])
        ps, rs_ = _pr(r["strict"], r["extracted"], r["truth"])
        print(f"{r['id']:26} {r['split']:5} {r['pages']:5d} {r['truth']:5d} {r['extracted']:5d} {p:6.3f} {rc:6.3f} "
              f"{ps:6.3f} {rs_:6.3f} {r['seconds']:6.2f}")
        if verbose:
            print("    missed:  ", " | ".join(r["missed"]))
            print("    spurious:", " | ".join(r["spurious"]))
    if modes:
        print()
        print(f"{'failure mode (layout tag)':34} {'files':>5} {'truth':>5} {'got':>5} {'P':>6} {'R':>6} {'missed':>6} {'spur.':>6}")
        for tag, m in sorted(modes.items(), key=lambda kv: -(kv[1]["truth"] - kv[1]["lenient"])):
            p, rc = _pr(m["lenient"], m["extracted"], m["truth"])
            print(f"{tag:34} {m['files']:5d} {m['truth']:5d} {m['extracted']:5d} {p:6.3f} {rc:6.3f} "
                  f"{m['truth'] - m['lenient']:6d} {m['extracted'] - m['lenient']:6d}")
    print()
    print(f"{'half':6} {'files':>5} {'pages':>6} {'truth':>5} {'got':>5} {'P':>6} {'R':>6} {'P strict':>8} {'R strict':>8} "
          f"{'fieldR':>7} {'sec':>7}")
    for split, t in totals.items():
        print(f"{split:6} {t['files']:5d} {t['pages']:6d} {t['truth']:5d} {t['extracted']:5d} {t['P']:6.3f} {t['R']:6.3f} "
              f"{t['P_strict']:8.3f} {t['R_strict']:8.3f} {'n/a':>7} {t['seconds']:7.1f}")
    print("(field recall: n/a, the devset truth has no fields; lenient match = printed name, mnemonic in "
          "parentheses or alt_names)")
    ok = all(t["P"] >= 0.95 and t["R"] >= 0.95 for t in totals.values())
    print(f"target: lenient precision >= 0.95 and recall >= 0.95 on both halves -> {'MET' if ok else 'NOT MET'}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list missed and spurious registers")
    ap.add_argument("--svd", nargs="*", default=None, help="SVD round trip instead (pyocd SVD file names)")
    ap.add_argument("--devset", type=Path, default=None, help="score a development set folder (bench/devset)")
    ap.add_argument("--rows", choices=("dev", "all", "none"), default="all",
                    help="--devset: per-file rows to print (aside rows are for the record, not for debugging)")
    ap.add_argument("--split", choices=("dev", "aside"), default=None, help="--devset: parse only this half")
    ap.add_argument("--jobs", type=int, default=1, help="--devset: parallel processes")
    args = ap.parse_args()
    if args.devset is not None:
        return run_devset(args.devset, args.rows, args.split, args.verbose, args.json, args.jobs)
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
