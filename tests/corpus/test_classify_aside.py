"""The aside half of the held-out set: every domain, at least two repositories, reported without per-file detail."""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import classify_quality  # noqa: E402

from firmcorpus.core.documents import DOMAINS  # noqa: E402
from firmcorpus.corpus.domains import evalset  # noqa: E402

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"


def test_aside_sources_are_held_out_repositories():
    assert evalset.ASIDE_SOURCES_ROUND8 <= evalset.ASIDE_SOURCES
    for name in evalset.ASIDE_SOURCES:
        assert evalset.SOURCES[name].role == "eval" and name.startswith("git:"), name
    assert evalset.ASIDE_SOURCES.isdisjoint(evalset.TRAIN_SOURCES)


def test_every_domain_has_twenty_aside_files_from_two_repositories_in_the_recipe():
    files: dict[str, int] = defaultdict(int)
    repos: dict[str, set[str]] = defaultdict(set)
    with open(RECIPE, newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] == "eval" and row["source"] in evalset.ASIDE_SOURCES:
                files[row["domain"]] += 1
                repos[row["domain"]].add(row["source"])
                assert row["commit"] and len(row["sha256"]) == 64, row
    for d in DOMAINS:
        assert files[d] >= 20 and len(repos[d]) >= 2, (d, files[d], sorted(repos[d]))


def _ex(source: str) -> evalset.Example:
    return evalset.Example(source, "a.c", "general", "eval", "test")


def test_the_bench_reports_the_aside_parts_apart_and_together():
    old = next(iter(evalset.ASIDE_SOURCES - evalset.ASIDE_SOURCES_ROUND8))
    new = next(iter(evalset.ASIDE_SOURCES_ROUND8))
    dev = next(n for n in evalset.EVAL_SOURCES if n not in evalset.ASIDE_SOURCES)
    h = classify_quality.halves([_ex(old), _ex(new), _ex(dev)])
    assert [e.source for e in h["repos (aside, before round 8)"]] == [old]
    assert [e.source for e in h["repos (aside, round 8)"]] == [new]
    assert sorted(e.source for e in h["repos (aside)"]) == sorted([old, new])
    assert all(e.source == dev for e in h["dev (registry + repos)"])
    # every part holding an aside file is printed as totals only (the bench keys that on "aside")
    for name, items in h.items():
        if any(e.source in evalset.ASIDE_SOURCES for e in items):
            assert "aside" in name, name


def test_aside_results_keep_totals_and_per_domain_figures_only():
    per = {"general": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}}
    summ = {"accuracy": 0.5, "macro_f1": 0.667, "macro_f1_domains_with_data": 0.667, "per_domain": per}
    res = {"documents": 2, "eval_sources": ["git:x/y"], "domains_present": ["general"],
           "domains_with_training_data": ["general"], "step": summ, "model_only": summ,
           "rules": {"coverage": 0.0, "precision": 0.0}, "rule_model_agreement": 0.0,
           "confusion": {"general": {"general": 1, "crypto": 1}}, "per_source": {"git:x/y": {"n": 2, "correct": 1}}}
    kept = classify_quality.totals_only(res)
    assert "confusion" not in kept and "per_source" not in kept and kept["step"] == summ
    text = classify_quality.format_totals(kept)
    assert "general" in text and "0.67" in text and "confusion" not in text
