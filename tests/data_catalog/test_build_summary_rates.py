"""The build summary's drop rates per reason and its warnings, on an OUT folder the test writes
with the build's own parquet writer (real ubertooth files as documents)."""

from __future__ import annotations

import json

from datatrove.data import Document

from firmcorpus.core.sources import fetch
from firmcorpus.corpus.dedup import parquet_writer
from firmcorpus.data_catalog.build_summary import drop_rates, excluded_drops


def _docs():
    root = fetch("deb:ubertooth-firmware-source") / "usr/src/ubertooth-firmware-source"
    return [Document(text=f.read_text(errors="replace"), id=str(f), metadata={"repo": "deb:u", "path": f.name})
            for f in sorted(root.rglob("*.c"))[:20]]


def _out(tmp_path, contaminated: int, heldout_share: float, config: dict | None = None):
    docs = _docs()
    with parquet_writer(str(tmp_path / "work/extracted")) as w:
        for d in docs:
            w.write(d, rank=0)
    with parquet_writer(str(tmp_path / "excluded/contaminated")) as w:
        for d in docs[:contaminated]:
            w.write(Document(text=d.text, id=d.id, metadata={**d.metadata, "filter_reason": "contaminated"}), rank=0)
    total = sum(len(d.text) for d in docs)
    held = int(heldout_share * total)
    (tmp_path / "work/split.json").write_text(json.dumps({"chars": {"train": total - held, "heldout": held},
                                                          "heldout_char_share": heldout_share}))
    (tmp_path / "build.json").write_text(json.dumps({"config": config or {}}))
    return docs


def test_drop_rates_and_no_warning_under_the_shares(tmp_path):
    docs = _out(tmp_path, contaminated=0, heldout_share=0.03)
    rates, warnings = drop_rates(tmp_path, {"drops": excluded_drops(tmp_path)})
    assert rates["extracted_documents"] == len(docs) and rates["extracted_chars"] == sum(len(d.text) for d in docs)
    assert warnings == [] and rates["heldout_char_share"] == 0.03


def test_warnings_when_decontamination_or_the_split_take_too_much(tmp_path):
    docs = _out(tmp_path, contaminated=8, heldout_share=0.3)
    drops = excluded_drops(tmp_path)
    assert drops == [{"stage": "filter", "reason": "contaminated", "count": 8, "chars": sum(len(d.text) for d in docs[:8])}]
    rates, warnings = drop_rates(tmp_path, {"drops": drops})
    row = rates["reasons"][0]
    assert row["doc_share"] == round(8 / len(docs), 4) and 0 < row["char_share"] < 1
    assert len(warnings) == 2 and "held-out split" in warnings[0] and "decontamination dropped" in warnings[1]
    # the thresholds are the build's config
    _out(tmp_path, contaminated=8, heldout_share=0.3, config={"split": {"warn_share": 0.5}, "decontam": {"warn_share": 0.99}})
    assert drop_rates(tmp_path, {"drops": excluded_drops(tmp_path)})[1] == []
