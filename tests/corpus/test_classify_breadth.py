"""Round 11 (issue 20): breadth of the sources behind the domains weakest on unseen repositories.

The dev half must show these domains in several styles (other USB stacks, Zephyr applications and modules,
Wi-Fi/BLE host drivers and SDK parts, general embedded libraries of many kinds), and their training data must
come from more than one style of source, so that a style the model never saw is measured before it is shipped.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from firmcorpus.corpus.domains import evalset

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"

# dev sources (registry packages and repositories, never aside) and repository training sources per domain
MIN_DEV_SOURCES = {"usb_stack": 7, "zephyr_rtos": 5, "wireless_ble_wifi": 7, "general": 7}
MIN_DEV_FILES = {"usb_stack": 300, "zephyr_rtos": 80, "wireless_ble_wifi": 300, "general": 300}
MIN_TRAIN_REPOS = {"usb_stack": 5, "zephyr_rtos": 10, "wireless_ble_wifi": 6, "general": 16}


def _recipe():
    dev_sources: dict[str, set[str]] = defaultdict(set)
    dev_files: dict[str, int] = defaultdict(int)
    train_repos: dict[str, set[str]] = defaultdict(set)
    with open(RECIPE, newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] == "eval" and row["source"] not in evalset.ASIDE_SOURCES:
                dev_sources[row["domain"]].add(row["source"])
                dev_files[row["domain"]] += 1
            elif row["split"] in ("train", "calib") and row["source"].startswith("git:"):
                train_repos[row["domain"]].add(row["source"])
    return dev_sources, dev_files, train_repos


def test_weak_domains_have_dev_files_from_several_sources():
    dev_sources, dev_files, _ = _recipe()
    for d, n in MIN_DEV_SOURCES.items():
        assert len(dev_sources[d]) >= n, (d, sorted(dev_sources[d]))
        assert dev_files[d] >= MIN_DEV_FILES[d], (d, dev_files[d])


def test_weak_domains_train_on_several_repositories():
    _, _, train_repos = _recipe()
    for d, n in MIN_TRAIN_REPOS.items():
        assert len(train_repos[d]) >= n, (d, sorted(train_repos[d]))


def test_dev_and_training_sources_stay_apart_and_off_the_aside_half():
    dev_sources, _, train_repos = _recipe()
    dev = set().union(*dev_sources.values())
    train = set().union(*train_repos.values())
    assert dev.isdisjoint(train)
    assert train.isdisjoint(evalset.ASIDE_SOURCES)
    for name in dev | train:
        if name.startswith("git:"):
            assert name in evalset.SOURCES, name
    for name in dev:
        assert evalset.SOURCES[name].role == "eval", name
    for name in train:
        assert evalset.SOURCES[name].role == "train", name
