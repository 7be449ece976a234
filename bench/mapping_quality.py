"""Mapping quality on the real PDF datasheets, plus speed on kernel trees and an SVD ground truth.

For every ``shared/data/datasheets/<pair>.json``: the PDF goes through ``parse_pdf``, the
repository is a realistic kernel subset (drivers/{iio,rtc,hwmon,pwm,input,leds,power,regulator,
mfd} + include/ of linux-source-6.1, ~8k files, parsed with ``parse_code``), and the mapping's
links are scored against the truth (``mapping.metrics``: link precision/recall, file accuracy).

Anchors in the same run:
* a **grep baseline** — every macro anywhere in the repository whose name ends with the
  register's name (the lexical search a person would do) — scored the same way;
* **SpecMap**'s published file-mapping accuracy (73.3%, LLM at every step) as the literature
  anchor for file accuracy.

Speed: CPU seconds of ``map_pair`` per pair on the parsed subset, and the full CLI path
(read every file, prefilter, parse the kept files, map) on a whole extracted kernel tree;
peak RSS of the process.

SVD ground truth (``--svd``): the ubertooth LPC175x firmware (Debian) against the pyocd wheel's
``LPC176x5x_v0.2.svd``, and the CMSIS STM32F4xx headers of the gen-stm32 wheel against
``STM32F41x.svd`` — see ``svd_pairs``/``svd_eval``.

Development set of vendor driver code (``--devset bench/devset``): every pair of
``bench/devset/mapping/*.json`` is mapped with ``map_repo`` onto its materialised code folder in
two modes — **extracted** (its datasheet PDF through ``parse_pdf``, where the pair has one) and
**oracle** (the truth's register list given as the datasheet, i.e. perfect extraction) — and
scored per pair and micro-averaged for the ``dev`` and ``aside`` halves apart. The aside half is
only scored: ``--halves dev`` does not map it at all, and without ``--show-aside`` only its totals are
printed.

    python bench/mapping_quality.py [--kernel DIR] [--whole-tree DIR] [--svd] [--json]
    python bench/mapping_quality.py --devset bench/devset [--mode oracle|extracted|both] [--only ID,...]
                                    [--halves dev|aside|dev,aside] [--verbose]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pickle
import re
import resource
import sys
import time
from pathlib import Path

SPECMAP_FILE_ACCURACY = 0.733
SUBTREES = ("drivers/iio", "drivers/rtc", "drivers/hwmon", "drivers/pwm", "drivers/input", "drivers/leds",
            "drivers/power", "drivers/regulator", "drivers/mfd", "include")


def kernel_subset(arg: str | None) -> Path:
    """The kernel subset folder: ``--kernel``, ``$FIRMCORPUS_LINUX_SUBSET``, /tmp/fc-data/linux-6.1-map,
    or extracted once from the linux-source-6.1 package (fetched with ``corpus.sources``)."""
    for cand in (arg, os.environ.get("FIRMCORPUS_LINUX_SUBSET"), "/tmp/fc-data/linux-6.1-map"):
        if cand and Path(cand).is_dir():
            return Path(cand)
    from firmcorpus.core.paths import cache_dir
    from firmcorpus.core.sources import fetch

    out = cache_dir() / "bench" / "linux-6.1-map"
    if out.is_dir():
        return out
    tree = fetch("deb:linux-source-6.1")
    roots = sorted(tree.glob("**/linux-source-6.1/drivers"))
    if not roots:
        sys.exit("linux-source-6.1 has no drivers/ folder after fetching; give --kernel DIR")
    src = roots[0].parent
    tmp = out.with_name(out.name + ".tmp")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    for sub in SUBTREES:
        if (src / sub).is_dir():
            shutil.copytree(src / sub, tmp / sub)
    os.replace(tmp, out)
    return out


def tree_identity(root: Path) -> str:
    """Content identity of a parse: every file's relative path, size and mtime under ``root``, and the
    source of the parser modules loaded to parse it. A cache keyed by the folder path alone went
    stale when the tree or the parser changed."""
    import hashlib

    h = hashlib.sha1()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for name in sorted(m for m in sys.modules if m.startswith("firmcorpus.parsers")):
        src = getattr(sys.modules[name], "__file__", None)
        if src and os.path.isfile(src):
            h.update(name.encode())
            h.update(Path(src).read_bytes())
    return h.hexdigest()[:16]


def load_parsed(root: Path):
    """(CodeFiles, texts) of the subset, parsed once and cached (the parse is not what is measured)."""
    from firmcorpus.core.paths import cache_dir
    from firmcorpus.parsers.tree import parse_selected, read_texts

    key = f"{root.resolve()}".replace("/", "_")
    cache = cache_dir() / "bench" / f"mapping_parsed{key}_{tree_identity(root)}.pkl"
    if cache.is_file():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    t0 = time.perf_counter()
    texts = read_texts(root)
    files = parse_selected(texts, None)
    print(f"parsed {len(files)} files ({sum(len(t) for t in texts.values()) / 1e6:.1f} MB) in "
          f"{time.perf_counter() - t0:.0f} s (cached to {cache})", file=sys.stderr)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache, "wb") as fh:
        pickle.dump((files, texts), fh)
    # parses of the same folder under an older identity (or the old path-only key) are stale
    stale = re.compile(rf"mapping_parsed{re.escape(key)}(?:_[0-9a-f]{{16}})?\.pkl")
    for old in cache.parent.glob("mapping_parsed*.pkl"):
        if old != cache and stale.fullmatch(old.name):
            old.unlink(missing_ok=True)
    return files, texts


def grep_baseline(datasheet, files):
    """Every macro whose name ends with the register's name (normalised), anywhere in the repo."""
    from firmcorpus.mapping.models import Link, MappingResult, SectionStatus
    from firmcorpus.mapping.names import register_tokens, split_identifier

    keys = {}
    for r in datasheet.registers:
        k = "".join(register_tokens(r.name))
        if len(k) >= 3:
            keys.setdefault(k, []).append(r)
    links = []
    for f in files:
        for s in f.symbols:
            if s.kind != "macro" or s.int_value is None:
                continue
            j = "".join(split_identifier(s.name))
            for k, regs in keys.items():
                if j.endswith(k):
                    for r in regs:
                        links.append(Link(r.name, r.peripheral, s.name, f.path, s.start_line, 0.5, ["name"],
                                          address=r.address))
    files_of = {}
    for lk in links:
        files_of.setdefault(lk.register, set()).add(lk.file)
    sections = [SectionStatus(section_id="all", title="all", status="partial",
                              registers=[r.name for r in datasheet.registers])]
    from firmcorpus.mapping.models import FileScore

    sections[0].files = [FileScore(p, 1.0) for p in sorted({lk.file for lk in links})]
    return MappingResult(sections=sections, links=links)


def _tar_texts(tgz: Path, under: str) -> dict[str, str]:
    import tarfile

    out = {}
    with tarfile.open(tgz) as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if m.isfile() and m.name.startswith(under) and m.name.endswith((".h", ".c")):
                out[m.name[len(under):].lstrip("/")] = tf.extractfile(m).read().decode("utf-8", "replace")
    return out


def svd_pairs() -> list[tuple[str, str, dict[str, str]]]:
    """(label, SVD member of pyocd's svd_data.zip, code texts) for the SVD ground truth:
    LPC175x firmware of ubertooth-firmware-source (Debian; register address macros) and the
    CMSIS STM32F4xx headers + StdPeriph library of the gen-stm32 wheel (overlay structs)."""
    from firmcorpus.core.sources import fetch

    pairs = []
    uber = Path(fetch("deb:ubertooth-firmware-source"))
    hits = sorted(uber.rglob("common/lpc17.h"))
    if hits:
        root = hits[0].parent.parent
        texts = {p.relative_to(root).as_posix(): p.read_text("utf-8", "replace")
                 for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".c", ".h")}
        pairs.append(("ubertooth LPC175x firmware vs LPC176x5x_v0.2.svd", "LPC176x5x_v0.2.svd", texts))
    gen = Path(fetch("pip:gen-stm32==1.2.6"))
    tgz = sorted(gen.rglob("templates.tgz"))
    if tgz:
        pairs.append(("gen-stm32 CMSIS STM32F4xx headers vs STM32F41x.svd", "STM32F41x.svd",
                      _tar_texts(tgz[0], "base/includes")))
    return pairs


def svd_eval() -> list[dict]:
    """Register links against SVDs, scored with ``mapping.metrics.svd_evaluate``."""
    import zipfile

    from firmcorpus.core.sources import fetch
    from firmcorpus.mapping import map_pair
    from firmcorpus.mapping.metrics import svd_evaluate
    from firmcorpus.parsers.code import parse_code
    from firmcorpus.parsers.svd import parse_svd

    rows = []
    zips = sorted(Path(fetch("pip:pyocd==0.46.0")).glob("**/svd_data.zip"))
    if not zips:
        return rows
    for label, member, texts in svd_pairs():
        with zipfile.ZipFile(zips[0]) as z:
            svd = parse_svd(z.read(member))
        files = [parse_code(p, t.encode()) for p, t in texts.items()]
        t0 = time.process_time()
        res = map_pair(svd, files, texts)
        e = svd_evaluate(res, svd, files)
        e.update(pair=label, seconds=round(time.process_time() - t0, 2), registers=len(svd.registers),
                 files=len(files), field_links=len(res.field_links))
        rows.append(e)
    return rows


def devset_truth(pair: dict) -> dict:
    """A devset pair's truth in the ``mapping.metrics`` layout (one code source)."""
    return {"pair_id": pair["id"], "registers": pair["registers"],
            "code": [{"repo": pair["code"]["repo"], "links": pair["links"]}]}


def same_site(res, pair: dict):
    """The truth spells a symbol qualified (``REG::WHO_AM_I``, ``I2C_TypeDef.CR1``) only where the
    bare name is ambiguous; a predicted link at the very definition (same file and line, same
    last name component) is that symbol."""
    def bare(name: str) -> str:
        return re.split(r"::|\.", name)[-1]

    at = {(lk["file"], lk["line"], bare(lk["symbol"])): lk["symbol"] for lk in pair["links"]}
    for lk in res.links:
        q = at.get((lk.file, lk.line, bare(lk.symbol)))
        if q:
            lk.symbol = q
    return res


def oracle_datasheet(pair: dict):
    """The truth register list as a ``Datasheet`` (perfect extraction): names, addresses and descriptions as
    printed, a register bank (``space``) as its peripheral, the component as the title."""
    from firmcorpus.parsers.models import Datasheet, Register

    regs = [Register(name=r["name"], address=r["address"], peripheral=r.get("space"),
                     width_bits=r.get("width_bits"), description=r.get("description", "")) for r in pair["registers"]]
    return Datasheet(source="", pages=0, title=pair.get("component", ""), registers=regs)


def devset_eval(devset: Path, modes: tuple[str, ...], only: str | None = None,
                halves: tuple[str, ...] = ("dev", "aside")) -> list[dict]:
    """One row per (pair, mode): link P/R, file accuracy, seconds (CPU) and RSS growth. ``only``: pair
    ids, comma-separated; ``halves``: the splits to map at all (``dev`` alone never maps the aside pairs)."""
    from firmcorpus.mapping.metrics import evaluate
    from firmcorpus.mapping.repo_map import map_repo, read_repo
    from firmcorpus.parsers.datasheet import parse_pdf

    rows = []
    for tp in sorted((devset / "mapping").glob("*.json")):
        pair = json.loads(tp.read_text())
        if (only and pair["id"] not in only.split(",")) or pair["split"] not in halves:
            continue
        code = devset / "cache" / "mapping" / pair["id"] / "code"
        if not code.is_dir():
            print(f"{pair['id']}: code not materialised under {code}; run bench/devset/materialise.py",
                  file=sys.stderr)
            continue
        texts = read_repo(code)
        truth = devset_truth(pair)
        for mode in modes:
            pdf = devset / "cache" / "mapping" / f"{pair['id']}.pdf"
            c0 = time.process_time()
            if mode == "extracted":
                if not pair.get("datasheet") or not pdf.is_file():
                    continue
                ds = parse_pdf(pdf)
                # the datasheet's own file name, not the cache name (which spells the pair id)
                ds.source = pair["datasheet"]["path"]
            else:
                ds = oracle_datasheet(pair)
            c1 = time.process_time()
            res, _ = map_repo(ds, texts)
            c2 = time.process_time()
            e = evaluate(same_site(res, pair), truth)
            e.update(pair=pair["id"], split=pair["split"], mode=mode, style=pair.get("style", ""),
                     registers=len(ds.registers), pdf_s=round(c1 - c0, 2), map_s=round(c2 - c1, 3),
                     rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                     parts=res.metrics.get("part_numbers", []))
            rows.append(e)
    return rows


def print_devset(rows: list[dict], show_aside: bool, verbose: bool) -> None:
    from firmcorpus.mapping.metrics import micro

    hdr = (f"{'pair':44} {'mode':9} {'regs':>4} {'P':>6} {'R':>6} {'fileacc':>7} {'tp':>4} {'fp':>3} {'fn':>3} "
           f"{'pdf s':>6} {'map s':>6}")
    for split in ("dev", "aside"):
        part = [e for e in rows if e["split"] == split]
        if not part:
            continue
        print(f"\n== {split} half ==")
        if split == "dev" or show_aside:
            print(hdr)
            print("-" * len(hdr))
            for e in part:
                print(f"{e['pair']:44} {e['mode']:9} {e['registers']:>4} {e['precision']:>6.3f} {e['recall']:>6.3f} "
                      f"{e['file_accuracy']:>7.3f} {e['tp']:>4} {e['fp']:>3} {e['fn']:>3} {e['pdf_s']:>6.2f} "
                      f"{e['map_s']:>6.3f}")
        for mode in ("extracted", "oracle"):
            mrows = [e for e in part if e["mode"] == mode]
            if not mrows:
                continue
            m = micro(mrows)
            secs = sum(e["pdf_s"] + e["map_s"] for e in mrows) / len(mrows)
            print(f"{'micro ' + split + ' (' + str(len(mrows)) + ' pairs)':44} {mode:9} {'':>4} {m['precision']:>6.3f} "
                  f"{m['recall']:>6.3f} {m['file_accuracy']:>7.3f} {m['tp']:>4} {m['fp']:>3} {m['fn']:>3}"
                  f"   {secs:.2f} s/pair")
        if verbose and split == "dev":
            for e in part:
                for x in e["false_positives"]:
                    print(f"  FP {e['pair']} [{e['mode']}]: {x}")
                for x in e["false_negatives"]:
                    print(f"  FN {e['pair']} [{e['mode']}]: {x}")
    print(f"\npeak RSS {round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devset", help="score the vendor-code development set under this folder instead")
    ap.add_argument("--mode", default="both", choices=("both", "oracle", "extracted"))
    ap.add_argument("--only", help="devset pair ids, comma-separated")
    ap.add_argument("--halves", default="dev,aside", help="splits to map: dev, aside or dev,aside (default)")
    ap.add_argument("--show-aside", action="store_true", help="print the aside half's per-pair rows too")
    ap.add_argument("--verbose", action="store_true", help="list false positives/negatives of the dev half")
    ap.add_argument("--kernel", help="kernel subset folder (drivers/... and include/)")
    ap.add_argument("--truth", default=None, help="folder of truth JSONs (default shared/data/datasheets)")
    ap.add_argument("--whole-tree", default="/tmp/fc-data/linux-6.1",
                    help="a whole extracted kernel tree for the end-to-end timing ('' to skip)")
    ap.add_argument("--svd", action="store_true", help="also run the SVD ground truth")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    if args.devset:
        modes = ("extracted", "oracle") if args.mode == "both" else (args.mode,)
        rows = devset_eval(Path(args.devset), modes, args.only, tuple(args.halves.split(",")))
        if args.json:
            print(json.dumps([{k: v for k, v in e.items() if e["split"] == "dev" or args.show_aside
                               or k in ("split", "mode", "tp", "fp", "fn", "truth_files", "files_hit")}
                              for e in rows], indent=1))
        else:
            print_devset(rows, args.show_aside, args.verbose)
        return

    from firmcorpus.core.paths import shared_data_dir
    from firmcorpus.mapping import map_pair
    from firmcorpus.mapping.metrics import evaluate, load_truth, micro
    from firmcorpus.parsers.datasheet import parse_pdf

    truth_dir = Path(args.truth) if args.truth else shared_data_dir() / "datasheets"
    root = kernel_subset(args.kernel)
    files, texts = load_parsed(root)
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows, base_rows = [], []
    for tp in sorted(glob.glob(str(truth_dir / "*.json"))):
        t = load_truth(tp)
        pdf = Path(tp).parent / t["datasheet"]["file"]
        t0 = time.process_time()
        ds = parse_pdf(pdf)
        t_pdf = time.process_time() - t0
        t0 = time.process_time()
        res = map_pair(ds, files, texts)
        t_map = time.process_time() - t0
        e = evaluate(res, t)
        e.update(pair=t["pair_id"], registers=len(ds.registers), pdf_s=round(t_pdf, 2), map_cpu_s=round(t_map, 3),
                 candidates=res.metrics["candidate_files"], status=res.metrics["status"])
        rows.append(e)
        b = evaluate(grep_baseline(ds, files), t)
        b.update(pair=t["pair_id"])
        base_rows.append(b)
    m, mb = micro(rows), micro(base_rows)
    out = {"repo": str(root), "repo_files": len(files), "pairs": rows, "micro": m, "grep_baseline": mb,
           "specmap_file_accuracy": SPECMAP_FILE_ACCURACY,
           "ratio_file_accuracy_vs_specmap": round(m["file_accuracy"] / SPECMAP_FILE_ACCURACY, 3),
           "peak_rss_mb_after_load": round(rss_loaded)}

    whole = []
    if args.whole_tree and Path(args.whole_tree).is_dir():
        from firmcorpus.mapping.repo_map import map_repo
        from firmcorpus.parsers.tree import read_texts

        t0 = time.perf_counter()
        c0 = time.process_time()
        wt = read_texts(args.whole_tree)
        read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
        for tp in sorted(glob.glob(str(truth_dir / "*.json"))):
            t = load_truth(tp)
            ds = parse_pdf(Path(tp).parent / t["datasheet"]["file"])
            c0 = time.process_time()
            res, timing = map_repo(ds, wt)
            e = evaluate(res, t)
            whole.append({"pair": t["pair_id"], "cpu_s": round(time.process_time() - c0, 2), **timing,
                          "precision": e["precision"], "recall": e["recall"], "file_accuracy": e["file_accuracy"]})
        out["whole_tree"] = {"root": args.whole_tree, "files": len(wt),
                             "mb": round(sum(len(x) for x in wt.values()) / 1e6, 1),
                             "read_s": round(read_s, 1), "read_cpu_s": round(read_cpu, 1), "pairs": whole}
        del wt
    if args.svd:
        out["svd"] = svd_eval()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"repo: {root} ({len(files)} parsed files)\n")
    hdr = f"{'pair':46} {'regs':>4} {'P':>6} {'R':>6} {'fileacc':>7} {'tp':>4} {'fp':>3} {'fn':>3} {'cand':>5} {'map cpu s':>9}"
    print(hdr)
    print("-" * len(hdr))
    for e in rows:
        print(f"{e['pair']:46} {e['registers']:>4} {e['precision']:>6.3f} {e['recall']:>6.3f} "
              f"{e['file_accuracy']:>7.3f} {e['tp']:>4} {e['fp']:>3} {e['fn']:>3} {e['candidates']:>5} {e['map_cpu_s']:>9.3f}")
    print(f"{'micro (ours)':46} {'':>4} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['file_accuracy']:>7.3f} "
          f"{m['tp']:>4} {m['fp']:>3} {m['fn']:>3}")
    print(f"{'micro (grep baseline, same run)':46} {'':>4} {mb['precision']:>6.3f} {mb['recall']:>6.3f} "
          f"{mb['file_accuracy']:>7.3f} {mb['tp']:>4} {mb['fp']:>3} {mb['fn']:>3}")
    print(f"\nfile accuracy {m['file_accuracy']:.3f} vs SpecMap {SPECMAP_FILE_ACCURACY:.3f}: "
          f"ratio {out['ratio_file_accuracy_vs_specmap']:.2f}x; precision vs grep baseline: "
          f"{m['precision'] / max(mb['precision'], 1e-9):.1f}x")
    for e in rows:
        for x in e["false_positives"]:
            print(f"  FP {e['pair']}: {x}")
        for x in e["false_negatives"]:
            print(f"  FN {e['pair']}: {x}")
    if whole:
        w = out["whole_tree"]
        print(f"\nwhole tree {w['root']}: {w['files']} files, {w['mb']} MB, read in {w['read_s']} s "
              f"({w['read_cpu_s']} s CPU)")
        print(f"{'pair':46} {'cpu s':>6} {'prefilter':>9} {'parse':>6} {'map':>6} {'parsed':>6} {'P':>6} {'R':>6} {'fileacc':>7}")
        for x in whole:
            print(f"{x['pair']:46} {x['cpu_s']:>6.2f} {x['prefilter_s']:>9.2f} {x['parse_s']:>6.2f} {x['map_s']:>6.2f} "
                  f"{x['parsed_files']:>6} {x['precision']:>6.3f} {x['recall']:>6.3f} {x['file_accuracy']:>7.3f}")
    if args.svd:
        for s in out["svd"]:
            print(f"\nSVD: {s['pair']}: {s['registers']} SVD registers, {s['files']} files; links {s['links']}, "
                  f"precision {s['precision']:.3f}, recall {s['recall']:.3f} "
                  f"({s['linked_registers']}/{s['linkable_registers']} linkable registers), "
                  f"{s['field_links']} field links, {s['seconds']} s CPU")
    print(f"\npeak RSS {out['peak_rss_mb']} MB (after loading the parsed subset: {out['peak_rss_mb_after_load']} MB)")


if __name__ == "__main__":
    main()
