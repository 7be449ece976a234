"""Held-out repositories: a deterministic split by repository, never by file.

Two steps: ``SplitPlanner`` (one task, after extraction) sees every document's repository and
domain and writes the plan (``repo → split``, and the realised held-out share of characters); ``SplitTagger`` writes ``metadata.split`` from
it in every later stage. A repository is the manifest's ``repo`` source, so pairs that share a
code base (several drivers of one package) always land on the same side.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import polars as pl
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from loguru import logger

from firmcorpus.core.io import atomic_write_json


def repo_rank(repo: str, seed: int) -> float:
    """A seeded, uniform [0, 1) position of a repository: the split's only randomness."""
    h = hashlib.sha256(f"{seed}:{repo}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def plan_split(repo_domains: dict[str, Counter], heldout_repos: list[str] = (), heldout_share: float = 0.03,
               per_domain_quota: dict[str, int] | None = None, seed: int = 0,
               heldout_unit: str = "chars") -> dict[str, str]:
    """``repo → "train"|"heldout"``.

    ``repo_domains`` holds, per repository, characters per domain (its main domain is the largest).
    Order of choice: the explicit list, then per-domain quotas, then the seeded share. The share
    counts repositories (``heldout_unit="repos"``) or characters (``"chars"``): then repositories
    are taken in seeded order until the held-out side reaches the share of all characters,
    skipping any that would push it past 1.5× the share, so that one large repository cannot
    take a third of a small build. At least one repository stays in train whenever there are two
    or more.
    """
    if heldout_unit not in ("repos", "chars"):
        raise ValueError(f"split.heldout_unit must be 'repos' or 'chars', not {heldout_unit!r}")
    repos = sorted(repo_domains, key=lambda r: (repo_rank(r, seed), r))
    unknown = [r for r in heldout_repos if r not in repo_domains]
    if unknown:
        raise ValueError(f"split.heldout_repos names repositories not in this build: {unknown}; "
                         f"use the manifest's `repo` values, e.g. {repos[:3]}")
    held: list[str] = list(dict.fromkeys(heldout_repos))
    main = {r: (c.most_common(1)[0][0] if c else "general") for r, c in repo_domains.items()}
    for domain, quota in sorted((per_domain_quota or {}).items()):
        have = sum(1 for r in held if main[r] == domain)
        for r in repos:
            if have >= quota:
                break
            if main[r] == domain and r not in held:
                held.append(r)
                have += 1
    if heldout_unit == "chars":
        size = {r: sum(c.values()) for r, c in repo_domains.items()}
        want = heldout_share * sum(size.values())
        have = sum(size[r] for r in held)
        for r in repos:
            if have >= want:
                break
            if r not in held and have + size[r] <= 1.5 * want:
                held.append(r)
                have += size[r]
    else:
        target = round(heldout_share * len(repos))
        if heldout_share > 0 and len(repos) >= 2:
            target = max(target, 1)
        for r in repos:
            if len(held) >= target:
                break
            if r not in held:
                held.append(r)
    if len(held) >= len(repos) >= 2:  # never hold out everything
        held = held[: len(repos) - 1]
    return {r: ("heldout" if r in held else "train") for r in sorted(repo_domains)}


def source_repo_domains(folder: str) -> dict[str, Counter]:
    """Characters per (repository, domain) of the parquet shards in ``folder``, streamed."""
    files = sorted(Path(folder).glob("*.parquet"))
    out: dict[str, Counter] = defaultdict(Counter)
    if not files:
        return out
    md = pl.col("metadata")
    agg = (pl.scan_parquet(files)
           .select(md.str.json_path_match("$.repo").alias("repo"),
                   md.str.json_path_match("$.domain").fill_null("general").alias("domain"),
                   pl.col("text").str.len_chars().alias("chars"))
           .group_by("repo", "domain").agg(pl.col("chars").sum()).collect(engine="streaming"))
    for repo, domain, chars in agg.iter_rows():
        if repo is None:
            raise KeyError(f"a document in {folder} has no metadata.repo")
        out[repo][domain or "general"] += int(chars)
    return out


class SplitPlanner(PipelineStep):
    """Reads every document once (run it with one task) and writes the split plan JSON.

    Args:
        plan_path: where the plan goes (``{"repos": {repo: split}, "main_domain": {...}}``).
        heldout_repos, heldout_share, per_domain_quota, seed, heldout_unit: see ``plan_split``.
        source_dir: a folder of the build's parquet shards (``id``, ``text``, JSON ``metadata``) to read
            instead of the pipeline's documents: a streaming polars scan of two metadata fields and
            the text length, so the one task does not turn the whole corpus into Python objects.
    Reads metadata ``repo``, ``domain`` (``general`` when absent). Yields nothing.
    """

    name = "🎲 split planner"
    type = "🔀 - SPLIT"

    def __init__(self, plan_path: str, heldout_repos: list[str] = (), heldout_share: float = 0.03,
                 per_domain_quota: dict[str, int] | None = None, seed: int = 0, heldout_unit: str = "chars",
                 source_dir: str | None = None):
        super().__init__()
        self.source_dir = source_dir
        self.heldout_unit = heldout_unit
        self.plan_path = plan_path
        self.heldout_repos = list(heldout_repos)
        self.heldout_share = heldout_share
        self.per_domain_quota = dict(per_domain_quota or {})
        self.seed = seed

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if world_size != 1:
            raise ValueError("SplitPlanner needs the whole build in one task: run its stage with tasks=1")
        repo_domains: dict[str, Counter] = defaultdict(Counter)
        if self.source_dir:
            repo_domains = source_repo_domains(self.source_dir)
        for doc in data or []:
            repo_domains[doc.metadata["repo"]][doc.metadata.get("domain") or "general"] += len(doc.text)
        plan = plan_split(repo_domains, self.heldout_repos, self.heldout_share, self.per_domain_quota, self.seed,
                          self.heldout_unit)
        chars = Counter()
        for r, c in repo_domains.items():
            chars[plan[r]] += sum(c.values())
        total = sum(chars.values())
        out = {"seed": self.seed, "repos": plan,
               "main_domain": {r: (c.most_common(1)[0][0] if c else "general") for r, c in sorted(repo_domains.items())},
               "chars": {"train": chars["train"], "heldout": chars["heldout"]},
               "heldout_char_share": round(chars["heldout"] / total, 4) if total else 0.0}
        logger.info(f"held out {sum(v == 'heldout' for v in plan.values())} of {len(plan)} repositories, "
                    f"{100 * out['heldout_char_share']:.1f} % of the characters")
        atomic_write_json(self.plan_path, out, indent=1, sort_keys=True)
        for split in plan.values():
            self.stat_update(f"repos_{split}")
        return
        yield  # a generator that yields nothing


class SplitTagger(PipelineStep):
    """Sets ``metadata.split`` from the plan written by ``SplitPlanner``."""

    name = "🏷 split"
    type = "🔀 - SPLIT"

    def __init__(self, plan_path: str):
        super().__init__()
        self.plan_path = plan_path
        self._plan: dict[str, Any] | None = None

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with open(self.plan_path) as f:
            plan = json.load(f)["repos"]
        for doc in data or []:
            repo = doc.metadata["repo"]
            if repo not in plan:
                raise KeyError(f"repository {repo!r} is not in the split plan {self.plan_path}; the plan is stale: "
                               f"delete it (and the stages after extraction) and rerun the build")
            doc.metadata["split"] = plan[repo]
            self.stat_update(plan[repo])
            yield doc
