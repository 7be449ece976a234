"""A build output (OUT/catalog, OUT/mappings, OUT/logs) generated from the real hand-checked
register maps in ``../shared/data/datasheets/*.json``: their pairs, registers, code files and
register→symbol links become catalog rows, written through the pipeline's own
``CatalogPartWriter``/``merge_parts``. Documents, sections and drops are derived from them
deterministically. One extra pair (ArduPilot with the NIST "Hawk" spec) is a planted mismatch.

Tables listed in ``skip`` are not written, to exercise "missing table" handling.
"""

from __future__ import annotations

import json
from pathlib import Path

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.corpus.catalog_parts import CatalogPartWriter, merge_parts
from firmcorpus.data_catalog.manufacturers import canonical_manufacturer

DOMAINS = ("linux_kernel", "register_defines", "device_tree", "general")


def real_pairs() -> list[dict]:
    root = (shared_data_dir() or Path("/nonexistent")) / "datasheets"
    return [json.loads(p.read_text()) for p in sorted(root.glob("*.json"))]


def make_build(out: Path, skip: tuple[str, ...] = ("peripherals", "fields", "includes"), ranks: int = 2) -> Path:
    out = Path(out)
    cat = out / "catalog"
    (out / "mappings").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    pairs = real_pairs()
    rows: dict[str, list[dict]] = {t: [] for t in ("pairs", "datasheets", "sections", "section_status", "registers",
                                                   "links", "files", "symbols", "documents", "drops", "pair_checks")}
    for n, d in enumerate(pairs):
        pid = d["pair_id"]
        m = canonical_manufacturer(d["manufacturer"])
        code = d["code"][0]
        rows["pairs"].append({"pair_id": pid, "repo": code["source"], "manufacturer": m.canonical,
                              "manufacturer_raw": d["manufacturer"], "category": "Sensor",
                              "component": d["component"]})
        rows["datasheets"].append({"pair_id": pid, "source": d["datasheet"]["file"], "pages": d["datasheet"]["pages"],
                                   "title": d["component"]})
        regs = [r for r in d["registers"] if not r.get("uncertain")]
        pages = sorted({r["page"] for r in regs if r.get("page")})
        linked = {lk["register"] for lk in code.get("links", [])}
        sections = []
        for i, page in enumerate(pages, start=1):
            sec_regs = [r["name"] for r in regs if r.get("page") == page]
            hit = sum(r in linked for r in sec_regs)
            status = ("implemented" if hit == len(sec_regs) else "partial" if hit else "not_implemented")
            sid = f"7.{i}"
            sections.append({"section_id": sid, "title": f"Register description p{page}", "status": status,
                             "score": round(hit / len(sec_regs), 3), "files": [{"path": code["files"][0],
                                                                                 "score": 0.9}] if hit else [],
                             "symbols": []})
            rows["sections"].append({"pair_id": pid, "section_id": sid, "title": f"Register description p{page}",
                                     "level": 2, "page_start": page, "page_end": page})
            # the columns the mapping step writes
            rows["section_status"].append({"pair_id": pid, "datasheet": d["datasheet"]["file"], "section_id": sid,
                                           "title": f"Register description p{page}", "status": status,
                                           "coverage": round(hit / len(sec_regs), 3), "n_registers": len(sec_regs),
                                           "n_linked": hit, "n_files": 1 if hit else 0,
                                           "reason": f"{hit} of {len(sec_regs)} registers linked"})
        rows["sections"].append({"pair_id": pid, "section_id": "1", "title": "Features", "level": 1,
                                 "page_start": 1, "page_end": 1})
        rows["section_status"].append({"pair_id": pid, "datasheet": d["datasheet"]["file"], "section_id": "1",
                                       "title": "Features", "status": "not_applicable", "coverage": 0.0,
                                       "n_registers": 0, "n_linked": 0, "n_files": 0, "reason": "no registers"})
        for r in regs:
            rows["registers"].append({"pair_id": pid, "name": r["name"], "peripheral": None,
                                      "address": r["address"].lower() if r.get("address") else None,
                                      "page": r.get("page")})
        for lk in code.get("links", []):
            rows["links"].append({"pair_id": pid, "register": lk["register"], "peripheral": None,
                                  "symbol": lk["symbol"], "file": lk["file"], "line": lk["line"], "score": 0.95})
        for j, path in enumerate(code["files"]):
            lang = "c"
            size = 2000 + 137 * j + 11 * n
            syms = [lk for lk in code.get("links", []) if lk["file"] == path]
            # as the code step writes it: symbol and register-definition counts per file
            rows["files"].append({"pair_id": pid, "path": path, "language": lang, "size_bytes": size,
                                  "n_symbols": len(syms) + 5, "n_registers": len(syms)})
            for lk in syms:
                rows["symbols"].append({"pair_id": pid, "path": path, "kind": "macro", "name": lk["symbol"],
                                        "start_line": lk["line"]})
            dropped = "too_short" if j % 4 == 3 else None
            rows["documents"].append({
                "id": f"{pid}:code:{path}", "pair_id": pid, "kind": "code", "path": path, "language": lang,
                "manufacturer": m.canonical, "domain": DOMAINS[(n + j) % 2], "split": "heldout" if j % 5 == 4 else "train",
                "token_count": size // 4, "bytes": size, "dropped": dropped})
        rows["documents"].append({
            "id": f"{pid}:datasheet:{d['datasheet']['file']}", "pair_id": pid, "kind": "datasheet",
            "path": d["datasheet"]["file"], "language": None, "manufacturer": m.canonical, "domain": "register_defines",
            "split": "train", "token_count": 300 * d["datasheet"]["pages"], "bytes": 1200 * d["datasheet"]["pages"],
            "dropped": None})
        rows["drops"].append({"stage": "filter", "pair_id": pid, "path": f"{code['root']}/README", "reason": "not_code",
                              "detail": "documentation file"})
        if n % 3 == 0:
            rows["drops"].append({"stage": "dedup", "pair_id": pid, "path": code["files"][0] + ".orig",
                                  "reason": "exact_duplicate", "detail": f"same sha256 as {code['files'][0]}"})
        rows["pair_checks"].append({"pair_id": pid, "score": 0.9, "verdict": "match"})
        mapping = {"sections": sections, "links": code.get("links", []),
                   "metrics": {"registers": len(regs), "linked": len(linked & {r["name"] for r in regs}),
                               "seconds": 0.1}}
        (out / "mappings" / f"{pid}.json").write_text(json.dumps(mapping, indent=1, sort_keys=True))
        (out / "mappings" / f"{pid}.md").write_text(f"# {pid}\n\nMapping of {d['component']}.\n")

    # the planted mismatch: a flight stack paired with a post-quantum signature spec
    hawk = "A1Pair_22"
    rows["pairs"].append({"pair_id": hawk, "repo": "https://github.com/ArduPilot/ardupilot",
                          "manufacturer": "LOCOSYS Technology", "manufacturer_raw": "LOCOSYS Technology Inc.",
                          "category": "Sensor", "component": "Hawk R2"})
    rows["datasheets"].append({"pair_id": hawk, "source": "hawk-spec-web.pdf", "pages": 49, "title": "HAWK"})
    rows["files"].append({"pair_id": hawk, "path": "libraries/AP_GPS/AP_GPS.cpp", "language": "cpp",
                          "size_bytes": 50000})
    rows["documents"].append({"id": f"{hawk}:code:libraries/AP_GPS/AP_GPS.cpp", "pair_id": hawk, "kind": "code",
                              "path": "libraries/AP_GPS/AP_GPS.cpp", "language": "cpp",
                              "manufacturer": "LOCOSYS Technology", "domain": "general", "split": "train",
                              "token_count": 12500, "bytes": 50000, "dropped": None})
    rows["pair_checks"].append({"pair_id": hawk, "score": 0.05, "verdict": "mismatch"})
    rows["drops"].append({"stage": "datasheet", "pair_id": hawk, "path": "hawk-spec-web.pdf",
                          "reason": "no_register_map", "detail": "no register table found"})

    for table, trows in rows.items():
        if table in skip:
            continue
        for rank in range(ranks):
            with CatalogPartWriter(cat, table, rank, sort_by=["pair_id"] if table != "drops" else ["stage", "pair_id"]) as w:
                for k, r in enumerate(trows):
                    if k % ranks == rank:
                        w.add(r)
        merge_parts(cat, table)
    # documents kept aside by a filter, as datatrove's exclusion writer stores them (metadata as a JSON string)
    import polars as pl

    excl = out / "excluded" / "quality"
    excl.mkdir(parents=True, exist_ok=True)
    ex = [{"id": f"{p['pair_id']}:code:blob{i}.h", "text": "0x00, " * 50,
           "metadata": json.dumps({"pair_id": p["pair_id"], "kind": "code", "filter_reason": "encoded_data"})}
          for i, p in enumerate(rows["pairs"]) if i % 2 == 0]
    pl.DataFrame(ex).write_parquet(excl / "000_00000.parquet")
    kept = [d for d in rows["documents"] if not d["dropped"]]
    (out / "logs" / "summary.json").write_text(json.dumps({
        "pairs": len(rows["pairs"]), "documents": len(kept), "tokens": sum(d["token_count"] for d in kept),
        "seconds": 12.5}, indent=1))
    return out
