"""Round 13 (issue 20): the shipped model is the one the recipe rebuilds.

``firmcorpus classify train`` trains on the ``train`` rows of ``bench/devset/classify/SOURCES.csv`` (the slices of
``corpus.domains.evalset``). A model trained on slices left out of the recipe (as round 12's candidate was) could not
be rebuilt from it; these tests fail when the shipped provenance and the recipe disagree, per source and per domain,
and when the training breadth of the sink domain for other embedded systems' kernels and C libraries is lost.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

from firmcorpus.corpus.domains import evalset
from firmcorpus.corpus.domains.model import default_model_path

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"

# repositories training `general` (kernels, libraries, boot code of systems other than the Zephyr domain's)
MIN_GENERAL_TRAIN_REPOS = 22


def _train_rows() -> list[dict]:
    with open(RECIPE, newline="") as f:
        return [r for r in csv.DictReader(f) if r["split"] == "train"]


def _provenance() -> dict:
    return json.loads(default_model_path().with_suffix(".json").read_text())


def test_shipped_model_trained_on_exactly_the_recipe_per_source():
    info = _provenance()
    recipe = Counter(r["source"] for r in _train_rows())
    assert dict(recipe) == info["files_per_source"]
    assert sum(recipe.values()) == info["files"]


def test_shipped_model_labels_agree_with_the_recipe_per_source_and_domain():
    info = _provenance()
    recipe: dict[str, Counter] = defaultdict(Counter)
    for r in _train_rows():
        recipe[r["source"]][r["domain"]] += 1
    for src, meta in info["sources"].items():
        assert dict(recipe[src]) == meta["per_domain"], src
    assert set(recipe) == set(info["sources"])


def test_recipe_training_sources_are_slices_of_the_evalset():
    slice_sources = {sl.source for sl in evalset.SLICES}
    for src in {r["source"] for r in _train_rows()}:
        assert src in slice_sources, src
        assert evalset.SOURCES[src].role == "train", src
        assert src not in evalset.ASIDE_SOURCES, src


def test_general_trains_on_many_repositories():
    repos = {r["source"] for r in _train_rows() if r["domain"] == "general" and r["source"].startswith("git:")}
    assert len(repos) >= MIN_GENERAL_TRAIN_REPOS, sorted(repos)
