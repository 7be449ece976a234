"""Dedup stages end to end on real msp430mcu device headers with planted copies.

Planted truth (built here, independently of the code under test):
* a vendored file copied into three pairs, re-indented / CRLF in two of them; the copy in the
  pair whose manufacturer is named in the file header must be the one kept, and the catalog
  must list all three copies;
* near-duplicates: real headers with a few lines edited;
* everything else is a distinct real header.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from datatrove.data import Document

from firmcorpus.corpus.dedup import DedupConfig, dedup_stages, parquet_writer, run_local


@pytest.fixture(scope="module")
def headers() -> list[tuple[str, str]]:
    from firmcorpus.core.sources import fetch

    inc = fetch("deb:msp430mcu") / "usr/msp430/include"
    # the smaller device headers (the largest run to 300 kB), MSP430 and CC430 families
    # (some variants ship byte-identical headers: only the first of each is taken, so that every
    # real header here is distinct)
    small, seen = [], set()
    for p in sorted(inc.glob("*.h")):
        text = p.read_text(errors="replace")
        if p.stat().st_size < 60_000 and text not in seen:
            seen.add(text)
            small.append((p.name, text))
    files = [f for f in small if f[0].startswith("msp430")][:60] + [f for f in small if f[0].startswith("cc430")][:20]
    return [(f"msp430/{name}", text) for name, text in files]


VENDORED = """/* core_cm_demo.h - CMSIS-like core header
 * Copyright (c) 2019 Acme Semiconductor. All rights reserved.
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef CORE_DEMO_H
#define CORE_DEMO_H
""" + "".join(f"#define NVIC_IPR{i}   (*(volatile unsigned long *)0x{0xE000E400 + 4 * i:08X}UL)\n" for i in range(80)) + \
    "#endif\n"


def _planted(headers):
    docs = []  # (id, text, metadata)
    for k, (path, text) in enumerate(headers):
        docs.append((f"msp:{path}", text, {"pair_id": "msp", "path": path, "manufacturer": "Texas Instruments"}))
    # vendored copies: the Acme pair owns the file (named in the header)
    docs.append(("nordic:ext/cmsis/core_demo.h", VENDORED.replace("\n", "\r\n"),
                 {"pair_id": "nordic", "path": "ext/cmsis/core_demo.h", "manufacturer": "Nordic Semiconductor",
                  "flags": ["vendored"]}))
    docs.append(("acme:include/core_demo.h", VENDORED,
                 {"pair_id": "acme", "path": "include/core_demo.h", "manufacturer": "Acme Semiconductor"}))
    docs.append(("ti:third_party/arm/cmsis/core_demo.h", VENDORED.replace("#define ", "#define  "),
                 {"pair_id": "ti", "path": "third_party/arm/cmsis/core_demo.h", "manufacturer": "Texas Instruments"}))
    # near duplicates of real headers: a changed licence line and a renamed macro
    near = {}
    for k in (3, 17, 41):
        path, text = headers[k]
        lines = text.split("\n")
        lines[2] = " * Modified by a vendor for its SDK, 2024."
        edited = "\n".join(lines).replace("#define ", "#define  ", 5)
        nid = f"vendor:{path}"
        docs.append((nid, edited, {"pair_id": "vendor", "path": path, "manufacturer": "Texas Instruments"}))
        near[nid] = f"msp:{path}"
    return docs, near


def _write_input(docs, folder: Path, files: int = 3) -> None:
    with parquet_writer(str(folder)) as w:
        for i, (doc_id, text, md) in enumerate(docs):
            w.write(Document(text=text, id=doc_id, metadata={"kind": "code", "language": "c", **md}), rank=i % files)


def _read(folder: Path) -> pl.DataFrame:
    files = sorted(folder.rglob("*.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame({"id": [], "metadata": []})


def _run(tmp: Path, docs, tasks: int = 2, **cfg) -> Path:
    _write_input(docs, tmp / "in")
    stages = dedup_stages(str(tmp / "in"), str(tmp / "work"), str(tmp / "out"), DedupConfig(**cfg), tasks=tasks,
                          catalog_dir=str(tmp / "catalog"), excluded_dir=str(tmp / "excluded"))
    run_local(stages, str(tmp / "logs"), workers=1)
    return tmp


@pytest.fixture(scope="module")
def run1(headers, tmp_path_factory):
    docs, near = _planted(headers)
    return _run(tmp_path_factory.mktemp("run1"), docs), docs, near


def test_vendored_collapse_keeps_owner_copy_and_provenance(run1):
    tmp, docs, _ = run1
    cat = pl.read_parquet(tmp / "catalog" / "parts" / "exact_duplicates" / "00000.parquet")
    demo = cat.filter(pl.col("path").str.ends_with("core_demo.h"))
    assert sorted(demo["pair_id"].to_list()) == ["acme", "nordic", "ti"]
    assert set(demo["kept_id"]) == {"acme:include/core_demo.h"}
    assert demo["copies"].to_list() == [3, 3, 3]
    assert demo.filter(pl.col("kept"))["id"].to_list() == ["acme:include/core_demo.h"]
    out = _read(tmp / "out")
    kept_md = json.loads(out.filter(pl.col("id") == "acme:include/core_demo.h")["metadata"][0])
    assert kept_md["exact_copies"] == 3
    ex = _read(tmp / "excluded" / "exact")
    reasons = {i: json.loads(m) for i, m in zip(ex["id"], ex["metadata"])}
    assert {i for i in reasons if "core_demo" in i} == {"nordic:ext/cmsis/core_demo.h",
                                                        "ti:third_party/arm/cmsis/core_demo.h"}
    assert all(m["filter_reason"] == "exact_duplicate" for m in reasons.values())


def test_every_document_kept_or_excluded_with_reason(run1):
    tmp, docs, near = run1
    out, ex_exact, ex_near = _read(tmp / "out"), _read(tmp / "excluded" / "exact"), _read(tmp / "excluded" / "near")
    ids = out["id"].to_list() + ex_exact["id"].to_list() + ex_near["id"].to_list()
    assert sorted(ids) == sorted(d[0] for d in docs)  # no document lost, none twice
    # each planted near pair lands in one cluster (real MSP430 device headers are near-duplicates of each
    # other too, so the cluster may hold more members and keep a third one), and not all of it goes
    every = pl.concat([out, ex_near])
    cluster = {i: json.loads(m)["dedup_cluster"] for i, m in zip(every["id"], every["metadata"])}
    for nid, orig in near.items():
        assert cluster[nid] == cluster[orig] != -1
        members = [i for i, c in cluster.items() if c == cluster[nid]]
        assert any(i in out["id"].to_list() for i in members)
        assert nid in ex_near["id"].to_list() or orig in ex_near["id"].to_list()
    for m in ex_near["metadata"]:
        md = json.loads(m)
        assert md["filter_reason"] == "near_duplicate" and md["dedup_cluster_size"] >= 2
    for m in out["metadata"]:
        md = json.loads(m)
        assert "dedup_cluster" in md and "dedup_cluster_size" in md


def test_deterministic_across_runs(run1, headers, tmp_path):
    tmp, docs, _ = run1
    other = _run(tmp_path, docs)
    for sub in ("excluded/exact", "excluded/near", "out"):
        a, b = _read(tmp / sub).sort("id"), _read(other / sub).sort("id")
        assert a.equals(b), sub
    for f in sorted((tmp / "work" / "minhash" / "clusters").glob("*")):
        assert f.read_bytes() == (other / "work" / "minhash" / "clusters" / f.name).read_bytes()


def test_signatures_readable_by_datatrove_buckets(run1, tmp_path):
    """Our signature files through datatrove's own MinhashDedupBuckets give the same clusters."""
    tmp, docs, _ = run1
    other = _run(tmp_path, docs, bucket_backend="datatrove")
    assert _read(tmp / "excluded" / "near").sort("id")["id"].to_list() == \
        _read(other / "excluded" / "near").sort("id")["id"].to_list()


def test_contracts_checked(run1, tmp_path):
    tmp, docs, _ = run1
    with pytest.raises(ValueError, match="another dedup plan"):
        dedup_stages(str(tmp / "in"), str(tmp / "work"), str(tmp / "out2"), DedupConfig(), tasks=3)
    # the MinHash filter refuses a task count different from the signature stage's
    from firmcorpus.corpus.steps.minhash import CodeMinhashFilter

    f = CodeMinhashFilter(str(tmp / "work" / "minhash" / "clusters"), str(tmp / "work" / "minhash" / "sigs"))
    with pytest.raises(ValueError, match="tasks=2"):
        list(f.run(iter([]), rank=0, world_size=3))
    # ... and a changed input stream
    with pytest.raises(ValueError, match="input folder or the steps before"):
        list(f.run(iter([Document(text="int x;", id="new")]), rank=0, world_size=2))


def test_token_hashes_match_regex_tokens(headers):
    """The numpy tokenizer splits like its documented definition and hashes equal tokens equally.

    Oracle: a regex of that definition (maximal runs of identifier/number characters, every other
    non-space character alone) and a dict of token -> hash.
    """
    import numpy as np

    from firmcorpus.corpus.code_tokens import token_hashes

    oracle = re.compile(r"[A-Za-z0-9_]+|[^\sA-Za-z0-9_]")
    for _, text in headers[:10]:
        text = text.encode("ascii", "ignore").decode()
        tokens = oracle.findall(text)
        hashes = token_hashes(text)
        assert hashes.dtype == np.uint64
        assert len(hashes) == len(tokens)
        by_token: dict[str, int] = {}
        for t, h in zip(tokens, hashes.tolist()):
            assert by_token.setdefault(t, h) == h
        assert len(set(by_token.values())) == len(by_token)  # no collisions within a file


def test_licence_header_left_out_of_shingles(headers):
    """A real header whose licence block is swapped shingles like the original; other comments count."""
    from firmcorpus.corpus.steps.minhash import CodeMinhashConfig, CodeMinhasher

    _, text = next((p, t) for p, t in headers if t.lstrip().startswith("/*") and len(t) > 20000)
    body = text[text.index("*/") + 2:]
    swapped = "/* SPDX-License-Identifier: MIT\n * Copyright (c) 2024 Someone */\n" + body
    h = CodeMinhasher(CodeMinhashConfig())
    assert set(h.shingles(text).tolist()) == set(h.shingles(swapped).tolist())
    plain = CodeMinhasher(CodeMinhashConfig(skip_license_header=False))
    assert set(plain.shingles(text).tolist()) != set(plain.shingles(swapped).tolist())
    note = "/* register map, see datasheet section 5 */\n" + body
    assert set(h.shingles(note).tolist()) != set(h.shingles(body).tolist())


def _edit_kinds(text: str) -> dict[str, str]:
    """One planted copy of ``text`` per edit kind (independent of the code under test)."""
    lines = text.split("\n")
    lic = ("/*\n * Copyright (c) 2024 Example Devices Ltd.\n * SPDX-License-Identifier: Apache-2.0\n *\n"
           " * Licensed under the Apache License, Version 2.0; you may not use this file except in\n"
           " * compliance with the License. Distributed WITHOUT WARRANTIES OF ANY KIND.\n */\n")
    blocks = text.split("\n\n")
    reordered = blocks[:1] + blocks[1:][::-1]
    half = len(lines) // 2
    guard = re.search(r"#\s*ifndef\s+(\w+)", text)
    return {
        "moved_licence": "\n".join(lines[:half]) + "\n" + lic + "\n".join(lines[half:]),
        "licence_at_end": text + "\n" + lic,
        "reordered": "\n\n".join(reordered),
        "guard": re.sub(rf"\b{guard.group(1)}\b", "VENDOR_SDK_GUARD_H", text) if guard else text,
        "crlf": text.replace("\n", "\r\n"),
        "whitespace": "\n".join("    " + ln.replace("\t", "  ") + "  " for ln in lines),
        "inserted": "\n".join(ln + (f"\n#define EXTRA_{i}_OFFSET 0x{i:04X}U" if i % 30 == 0 else "")
                              for i, ln in enumerate(lines)),
        "cut_tail": "\n".join(lines[:int(len(lines) * 0.9)]),
    }


def test_licence_block_left_out_wherever_it_sits(headers):
    """A licence comment in the middle or at the end of a file leaves the shingles unchanged; an
    ordinary comment in the same place does not."""
    from firmcorpus.corpus.steps.minhash import CodeMinhashConfig, CodeMinhasher, strip_license_blocks

    h = CodeMinhasher(CodeMinhashConfig())
    _, text = next((p, t) for p, t in headers if len(t) > 20000)
    kinds = _edit_kinds(text)
    base = set(h.shingles(text).tolist())
    for kind in ("moved_licence", "licence_at_end"):
        assert "Apache License" not in strip_license_blocks(kinds[kind])
        got = set(h.shingles(kinds[kind]).tolist())
        # at most the n-grams that span the one cut differ
        assert len(got ^ base) <= 2 * h.config.n_grams, kind
    plain_note = kinds["moved_licence"].replace("Copyright", "Written").replace("License", "Text") \
        .replace("SPDX-", "").replace("WARRANTIES", "promises").replace("Licensed", "Given")
    assert len(set(h.shingles(plain_note).tolist()) - base) > 2 * h.config.n_grams
    # a licence-word outside a comment (code) is kept
    code = 'MODULE_LICENSE("GPL");\nint copyright_year = 2024;\n'
    assert strip_license_blocks(code) == code
    # line-comment licence blocks (//, #) go as one block; preprocessor lines stay
    hashes = "int a;\n// Copyright 2020 X\n// Licensed under MIT\nint b;\n# Copyright 2021 Y\n# define B 1\n"
    assert strip_license_blocks(hashes) == "int a;\n\nint b;\n\n# define B 1\n"


def test_edit_kinds_stay_near_duplicates(headers, tmp_path):
    """Every planted edit kind of real headers lands in its original's cluster end to end."""
    picked = [(p, t) for p, t in headers if len(t) > 4000][20:26]
    docs, truth = [], {}
    for k, (path, text) in enumerate(picked):
        docs.append((f"orig:{k}", text, {"path": path}))
        for kind, variant in _edit_kinds(text).items():
            vid = f"{kind}:{k}"
            docs.append((vid, variant, {"path": f"copy/{kind}/{path}"}))
            truth[vid] = f"orig:{k}"
    _run(tmp_path, docs, exact=False)
    every = pl.concat([_read(tmp_path / "out"), _read(tmp_path / "excluded" / "near")])
    cluster = {i: json.loads(m)["dedup_cluster"] for i, m in zip(every["id"], every["metadata"])}
    missed = [vid for vid, orig in truth.items() if cluster[vid] == -1 or cluster[vid] != cluster[orig]]
    assert not missed
