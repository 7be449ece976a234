"""Datasheet extraction speed: pages per second, ``parse_pdf`` vs ``find_tables()`` on every page.

Both run in this process, one core, over the same PDFs (default: ``../shared/data/datasheets``),
so the ratio holds on a loaded machine. Pages/s is reported on wall time and on CPU time
(``process_time``: what one core delivers when other jobs share the machine). The anchor is
PyMuPDF's ``find_tables()`` on every page (``--anchor-pages N`` limits it to the first N
pages of each PDF to keep the run short; the rate is per page either way). The grid reader
(``parsers.pdf_grid``: rulings, grids, content-typed cells) is part of ``parse_pdf`` (gated to
candidate pages); ``grid p/s`` times it alone on *every* page, for comparison with
``find_tables`` on the same pages.

    python bench/datasheet_speed.py [--dir DIR] [--repeat 3] [--anchor-pages 12] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from firmcorpus.core.paths import shared_data_dir


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="extractor passes (best of)")
    ap.add_argument("--anchor-pages", type=int, default=12, help="find_tables pages per PDF (0 = all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    import pymupdf

    import_s = time.perf_counter() - t0
    from firmcorpus.parsers.datasheet import parse_pdf
    from firmcorpus.parsers.pdf_grid import grids, read_grid, ruling_segments

    root = args.dir or (shared_data_dir() / "datasheets")
    pdfs = sorted(root.glob("*.pdf"))
    rows = []
    for pdf in pdfs:
        best_wall = best_cpu = float("inf")
        ds = None
        for _ in range(max(args.repeat, 1)):
            w0, c0 = time.perf_counter(), time.process_time()
            ds = parse_pdf(pdf)
            best_wall = min(best_wall, time.perf_counter() - w0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        doc = pymupdf.open(pdf)
        g0 = time.process_time()
        for i in range(doc.page_count):
            pg = doc[i]
            ws = None
            for g in grids(ruling_segments(pg)):
                if ws is None:
                    ws = [w[:5] for w in pg.get_text("words")]
                read_grid(g, ws)
        g_cpu = time.process_time() - g0
        n_anchor = doc.page_count if args.anchor_pages <= 0 else min(args.anchor_pages, doc.page_count)
        w0, c0 = time.perf_counter(), time.process_time()
        for i in range(n_anchor):
            doc[i].find_tables()
        a_wall, a_cpu = time.perf_counter() - w0, time.process_time() - c0
        doc_pages = doc.page_count
        doc.close()
        rows.append({"pdf": pdf.name, "pages": ds.pages, "registers": len(ds.registers),
                     "extract_pps_wall": ds.pages / best_wall, "extract_pps_cpu": ds.pages / max(best_cpu, 1e-9),
                     "anchor_pages": n_anchor, "find_tables_pps_wall": n_anchor / a_wall,
                     "find_tables_pps_cpu": n_anchor / max(a_cpu, 1e-9),
                     "grid_pps_cpu": doc_pages / max(g_cpu, 1e-9), "_gc": g_cpu,
                     "_ew": best_wall, "_ec": best_cpu, "_aw": a_wall, "_ac": a_cpu})
    pages = sum(r["pages"] for r in rows)
    apages = sum(r["anchor_pages"] for r in rows)
    tot = {
        "extract_pps_wall": pages / sum(r["_ew"] for r in rows),
        "extract_pps_cpu": pages / sum(r["_ec"] for r in rows),
        "find_tables_pps_wall": apages / sum(r["_aw"] for r in rows),
        "find_tables_pps_cpu": apages / sum(r["_ac"] for r in rows),
        "grid_pps_cpu": pages / sum(r["_gc"] for r in rows),
    }
    tot["speedup_cpu"] = tot["extract_pps_cpu"] / tot["find_tables_pps_cpu"]
    out = {"pymupdf": pymupdf.__version__, "import_s": import_s, "rows": rows, "total": tot}
    if args.json:
        print(json.dumps(out, indent=1, default=float))
        return 0
    print(f"pymupdf {pymupdf.__version__} (import {import_s:.2f}s)")
    print(f"{'pdf':48} {'pages':>5} {'regs':>5} {'extract p/s':>12} {'(cpu)':>8} {'grid p/s cpu':>12} "
          f"{'find_tables p/s':>16} {'(cpu)':>8}")
    for r in rows:
        print(f"{r['pdf']:48} {r['pages']:5d} {r['registers']:5d} {r['extract_pps_wall']:12.1f} "
              f"{r['extract_pps_cpu']:8.1f} {r['grid_pps_cpu']:12.1f} {r['find_tables_pps_wall']:16.2f} "
              f"{r['find_tables_pps_cpu']:8.2f}")
    print(f"{'total':48} {pages:5d} {'':5} {tot['extract_pps_wall']:12.1f} {tot['extract_pps_cpu']:8.1f} "
          f"{tot['grid_pps_cpu']:12.1f} {tot['find_tables_pps_wall']:16.2f} {tot['find_tables_pps_cpu']:8.2f}")
    print(f"extractor vs find_tables on every page (cpu): {tot['speedup_cpu']:.1f}x; "
          f"target >= 20 pages/s/core -> {'MET' if tot['extract_pps_cpu'] >= 20 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
