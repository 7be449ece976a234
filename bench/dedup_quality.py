"""Dedup quality: planted near-duplicates with known truth, ours vs datatrove's default MinHash.

Corpus: real C files (/usr/include, the Debian packages of ``bench/dedup_speed.PACKAGES`` and the
vendor repositories of the mapping development set in bench/devset/cache/mapping),
3-200 KB, made mutually distinct first: pairs that datasketch's MinHashLSH (an independent
implementation, whitespace tokens) finds above Jaccard 0.4 lose one member. Then, for a share of
those base files, one planted near-duplicate each, the edit kinds taken in turn (generated here,
seeded):

* ``edits``: ~4% of the lines deleted, duplicated or changed;
* ``renamed``: two identifiers that occur at most three times renamed everywhere;
* ``reordered``: top-level blocks (functions, split at blank lines) swapped in two places;
* ``licence``: the leading comment block replaced by another licence header;
* ``guard``: the header guard macro renamed (one added where the file has none);
* ``crlf``: CRLF line endings;
* ``whitespace``: re-indented (tabs to spaces), runs of spaces changed, trailing blanks;
* ``inserted``: ~4% new lines (register macros and comments) inserted at random places;
* ``cut_tail``: the last ~12% of the lines cut;
* ``moved_block``: the leading comment block (the licence header where there is one) moved to
  the middle of the file.

Truth: each (base, variant) pair is a duplicate; any other pair is distinct. Both methods run
their 4 MinHash stages with ``LocalPipelineExecutor`` and keep cluster ids; predicted pairs are the
pairs within a cluster. Recall = planted pairs predicted / planted; precision = predicted pairs that
are planted / predicted. Base files are split into two halves by a hash of their path: ``dev``
(what the stripping rules were looked at on) and ``aside`` (only scored); both are printed.

    python bench/dedup_quality.py --base 600 --workers 2
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
import zlib
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is not installed
from bench.dedup_speed import EXTS, sources  # noqa: E402

KINDS = ("edits", "renamed", "reordered", "licence", "guard", "crlf", "whitespace", "inserted", "cut_tail",
         "moved_block")
DEVSET_MAPPING = Path(__file__).resolve().parent / "devset" / "cache" / "mapping"
LICENCES = [
    "/*\n * Copyright (c) 2024 Example Devices Ltd.\n *\n * Licensed under the Apache License, Version 2.0 (the \"License\");\n"
    " * you may not use this file except in compliance with the License.\n * You may obtain a copy of the License at\n"
    " *\n *     http://www.apache.org/licenses/LICENSE-2.0\n */\n",
    "/* SPDX-License-Identifier: MIT\n * Copyright (c) 2023 Someone Else\n *\n * Permission is hereby granted, free of charge, "
    "to any person obtaining a copy\n * of this software and associated documentation files.\n */\n",
]


def split_of(path: str) -> str:
    return "aside" if zlib.crc32(path.encode()) % 2 else "dev"


def base_files(n: int, seed: int) -> list[tuple[str, str]]:
    from datasketch import MinHash, MinHashLSH

    cands = []
    for src in [*sources(), str(DEVSET_MAPPING)]:
        root = Path(src)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.suffix in EXTS and p.is_file() and not p.is_symlink()
                           and 3000 <= p.stat().st_size <= 200_000)
            cands.extend(files)
    rng = random.Random(seed)
    rng.shuffle(cands)
    lsh = MinHashLSH(threshold=0.4, num_perm=128)
    chosen, seen_text = [], set()
    for p in cands:
        text = p.read_bytes().decode("utf-8", "replace")
        toks = text.split()
        if len(toks) < 200 or text in seen_text:
            continue
        m = MinHash(num_perm=128, seed=7)
        m.update_batch([" ".join(toks[i:i + 5]).encode() for i in range(len(toks) - 4)])
        if lsh.query(m):
            continue  # near an already chosen file: not "known distinct"
        lsh.insert(str(p), m)
        seen_text.add(text)
        chosen.append((str(p), text))
        if len(chosen) >= n:
            break
    return chosen


_LEAD_COMMENT_RE = re.compile(r"\s*(?:/\*.*?\*/|(?://[^\n]*\n)+)\s*", re.S)
_GUARD_RE = re.compile(r"#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+(\w+)")


def plant(text: str, kind: str, rng: random.Random) -> str:
    lines = text.split("\n")
    if kind == "edits":
        for _ in range(max(1, len(lines) // 25)):
            i = rng.randrange(len(lines))
            op = rng.choice(("del", "dup", "mod"))
            if op == "del":
                del lines[i]
            elif op == "dup":
                lines.insert(i, lines[i])
            else:
                lines[i] = lines[i] + " /* changed */"
        return "\n".join(lines)
    if kind == "renamed":
        counts: dict[str, int] = {}
        for t in re.findall(r"\b[A-Za-z_][A-Za-z0-9_]{3,}\b", text):
            counts[t] = counts.get(t, 0) + 1
        rare = sorted(t for t, c in counts.items() if c <= 3)
        for t in rng.sample(rare, min(2, len(rare))):
            text = re.sub(rf"\b{t}\b", t + "_renamed", text)
        return text
    if kind == "reordered":
        blocks = text.split("\n\n")
        for _ in range(2):
            if len(blocks) > 3:
                i, j = rng.sample(range(1, len(blocks)), 2)
                blocks[i], blocks[j] = blocks[j], blocks[i]
        return "\n\n".join(blocks)
    if kind == "licence":
        m = re.match(r"\s*/\*.*?\*/\s*", text, re.S)
        body = text[m.end():] if m else text
        return rng.choice(LICENCES) + body
    if kind == "guard":
        m = _GUARD_RE.search(text)
        if m and m.group(1) == m.group(2):
            return re.sub(rf"\b{m.group(1)}\b", f"FC_{rng.randrange(10**6)}_INCLUDED", text)
        g = f"FC_{rng.randrange(10**6)}_H"
        return f"#ifndef {g}\n#define {g}\n{text}\n#endif /* {g} */\n"
    if kind == "crlf":
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
    if kind == "whitespace":
        out = []
        for ln in lines:
            ln = ln.replace("\t", "    ")
            ln = re.sub(r"(?<=\S)  +(?=\S)", " ", ln) if rng.random() < 0.5 else ln.replace(" = ", "  =  ")
            out.append(ln + ("  " if rng.random() < 0.2 else ""))
        return "\n".join(out)
    if kind == "inserted":
        for k in range(max(1, len(lines) // 25)):
            i = rng.randrange(len(lines) + 1)
            new = (f"#define FC_EXTRA_{rng.randrange(10**4)}_OFFSET (0x{rng.randrange(2**16):04X}U)" if k % 2
                   else f"/* note {rng.randrange(10**4)}: see the reference manual */")
            lines.insert(i, new)
        return "\n".join(lines)
    if kind == "cut_tail":
        return "\n".join(lines[:max(1, int(len(lines) * 0.88))])
    if kind == "moved_block":
        m = _LEAD_COMMENT_RE.match(text)
        if m and m.end() > 0 and m.group(0).strip():
            block, body = m.group(0).strip() + "\n", text[m.end():]
        else:  # no leading comment: move the first blank-line block instead
            parts = text.split("\n\n", 1)
            block, body = parts[0] + "\n", parts[1] if len(parts) > 1 else ""
        cut = body.find("\n\n", len(body) // 2)
        cut = len(body) // 2 if cut == -1 else cut + 1
        cut = body.rfind("\n", 0, cut) + 1 if body[cut - 1:cut] != "\n" else cut
        return body[:cut] + block + body[cut:]
    raise ValueError(kind)


def build(n_base: int, share: float, seed: int):
    rng = random.Random(seed)
    base = base_files(n_base, seed)
    docs, truth = [], set()
    for k, (path, text) in enumerate(base):
        sp = split_of(path)
        bid = f"base:{sp}:{k}"
        docs.append((bid, text))
        if rng.random() < share:
            kind = KINDS[len(truth) % len(KINDS)]
            vid = f"{kind}:{sp}:{k}"
            docs.append((vid, plant(text, kind, rng)))
            truth.add(tuple(sorted((bid, vid))))
    rng.shuffle(docs)
    return docs, truth


def predicted_pairs(out_folder: str, key: str) -> set[tuple[str, str]]:
    import polars as pl

    df = pl.read_parquet(f"{out_folder}/*.parquet")
    clusters: dict[int, list[str]] = {}
    for i, md in zip(df["id"], df["metadata"]):
        c = json.loads(md).get(key, -1)
        if c is not None and c != -1:
            clusters.setdefault(c, []).append(i)
    return {tuple(sorted(p)) for members in clusters.values() for p in combinations(members, 2)}


def score(pred: set, truth: set, split: str | None = None) -> dict:
    """Recall/precision over the pairs whose first member is in ``split`` (all when None)."""
    def mine(p) -> bool:
        return split is None or p[0].split(":")[1] == split

    pred = {p for p in pred if mine(p)}
    truth = {p for p in truth if mine(p)}
    tp = len(pred & truth)
    by_kind = {}
    for kind in KINDS:
        t = {p for p in truth if any(x.startswith(kind + ":") for x in p)}
        by_kind[kind] = (len(t & pred), len(t))
    return {"recall": tp / len(truth) if truth else float("nan"), "precision": tp / len(pred) if pred else 1.0,
            "predicted": len(pred), "true_positives": tp, "planted": len(truth), "by_kind": by_kind}


def run(docs, work: str, workers: int, tasks: int) -> dict:
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )

    from firmcorpus.corpus.dedup import DedupConfig, dedup_stages, parquet_reader, parquet_writer, run_local

    w = Path(work)
    with parquet_writer(f"{w}/in") as wr:
        for i, (doc_id, text) in enumerate(docs):
            wr.write(Document(text=text, id=doc_id, metadata={"kind": "code"}), rank=i % tasks)
    t = time.perf_counter()
    stages = dedup_stages(f"{w}/in", f"{w}/o/work", f"{w}/o/out", DedupConfig(exact=False), tasks=tasks,
                          excluded_dir=f"{w}/o/excluded")
    run_local(stages, f"{w}/o/logs", workers=workers)
    t_ours = time.perf_counter() - t
    # every document with its cluster: kept ones from out/, dropped ones from excluded/near
    shutil.copytree(f"{w}/o/excluded/near", f"{w}/o/all", dirs_exist_ok=True)
    for f in Path(f"{w}/o/out").glob("*.parquet"):
        shutil.copy(f, f"{w}/o/all/kept_{f.name}")

    dc = MinhashConfig()
    dt_stages = [
        ([parquet_reader(f"{w}/in"), MinhashDedupSignature(f"{w}/d/sigs", dc)], tasks),
        ([MinhashDedupBuckets(f"{w}/d/sigs", f"{w}/d/buckets", config=dc)], dc.num_buckets),
        ([MinhashDedupCluster(f"{w}/d/buckets", f"{w}/d/clusters", config=dc, save_cluster_id=True)], 1),
        ([parquet_reader(f"{w}/in"), MinhashDedupFilter(f"{w}/d/clusters", load_cluster_ids=True,
                                                         exclusion_writer=parquet_writer(f"{w}/d/all", "ex_${rank}.parquet")),
          parquet_writer(f"{w}/d/all", "kept_${rank}.parquet")], tasks),
    ]
    t = time.perf_counter()
    for i, (steps, n) in enumerate(dt_stages):
        LocalPipelineExecutor(pipeline=steps, tasks=n, workers=min(workers, n), logging_dir=f"{w}/d/logs/{i}").run()
    t_dt = time.perf_counter() - t
    return {"ours": (f"{w}/o/all", "dedup_cluster", t_ours), "datatrove": (f"{w}/d/all", "minhash_cluster_id", t_dt)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=600, help="distinct real base files")
    ap.add_argument("--share", type=float, default=0.5, help="share of base files that get a planted variant")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tasks", type=int, default=2)
    args = ap.parse_args()

    from loguru import logger

    logger.remove()  # datatrove's per-task logs would bury the tables
    docs, truth = build(args.base, args.share, args.seed)
    mb = sum(len(t) for _, t in docs) / 1e6
    print(f"corpus: {len(docs)} documents ({mb:.2f} MB), {len(truth)} planted near-duplicate pairs "
          f"({sum(p[0].split(':')[1] == 'dev' for p in truth)} dev, "
          f"{sum(p[0].split(':')[1] == 'aside' for p in truth)} aside)")
    work = tempfile.mkdtemp(prefix="fc-dedup-quality-")
    try:
        res = run(docs, work, args.workers, args.tasks)
        preds = {name: (predicted_pairs(folder, key), secs) for name, (folder, key, secs) in res.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    names = {"ours": "ours (code tokens, 25x10, J=0.7)", "datatrove": "datatrove default (words, 14x8)"}
    for split in ("dev", "aside", None):
        print(f"\n[{split or 'all'}]")
        print(f"{'method':<34} {'recall':>7} {'precision':>9} {'pairs':>6} {'planted':>8} {'wall s':>7}")
        rows = {name: score(pred, truth, split) for name, (pred, _) in preds.items()}
        for name, s in rows.items():
            print(f"{names[name]:<34} {s['recall']:>7.3f} {s['precision']:>9.3f} {s['predicted']:>6} "
                  f"{s['planted']:>8} {preds[name][1]:>7.1f}")
        print(f"recall per edit kind ({split or 'all'}):")
        print(f"{'kind':<12} " + " ".join(f"{names[n].split(' ')[0]:>14}" for n in rows))
        for kind in KINDS:
            cells = []
            for n in rows:
                hit, tot = rows[n]["by_kind"][kind]
                cells.append(f"{hit / tot if tot else float('nan'):>6.3f} ({hit:>2}/{tot:>2})")
            print(f"{kind:<12} " + " ".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()
