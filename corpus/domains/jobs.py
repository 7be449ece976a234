"""Whole classifier jobs behind ``firmcorpus classify predict|train|eval|labelled-set``: classify the
files of a folder as the pipeline step does, rebuild the domain model from its training sources
(same sources and seed → same bytes), score it on the held-out sources, and write the labelled set."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from datatrove.data import Document

from firmcorpus.core.documents import DOMAINS
from firmcorpus.core.errors import UserError
from firmcorpus.corpus.domains.evalset import (
    ASIDE_SOURCES,
    SOURCES,
    TRAIN_SOURCES,
    build_sets,
    collect,
    default_manifest_path,
    evaluate,
    read_text,
    training_tuples,
    weak_labelled_rows,
    write_manifest,
)
from firmcorpus.corpus.domains.features import language_of
from firmcorpus.corpus.domains.lexicon import Lexicon, MineParams
from firmcorpus.corpus.domains.lexicon import mine as mine_lexicon
from firmcorpus.corpus.domains.model import (
    DEFAULT_DECISION,
    DomainModel,
    TrainConfig,
    default_model_path,
    file_sha256,
)
from firmcorpus.corpus.domains.rules import supported_domains, weak_label
from firmcorpus.corpus.steps.classify import DomainClassifier


def shipped_decision() -> dict | None:
    """The decision of the shipped model (its JSON beside it), or None."""
    try:
        return json.loads(default_model_path().with_suffix(".json").read_text()).get("decision")
    except (OSError, ValueError):
        return None


def train_model(out: str | None = None, cap_scale: float = 1.0, epoch: int | None = None, dim: int | None = None,
                bucket: int | None = None, seed: int = 0, fetch: bool = True, documents: str | None = None,
                registry: bool = True) -> dict:
    """Train and save the model (default: the shipped one) and its provenance JSON beside it."""
    cfg = TrainConfig(seed=seed)
    previous = shipped_decision()  # read before the shipped model may be overwritten
    if epoch is not None:
        cfg.epoch = epoch
    if dim is not None:
        cfg.dim = dim
    if bucket is not None:
        cfg.bucket = bucket
    skipped: dict[str, int] = {}
    examples = collect("train", cap_scale=cap_scale, fetch=fetch, skipped=skipped) if registry else []
    doc_counts: dict[str, int] = {}
    doc_rows = weak_labelled_rows(documents, counts=doc_counts) if documents else []
    if not examples and not doc_rows:
        raise UserError("no training files found: fetch the training packages "
                        f"({', '.join(TRAIN_SOURCES)}), set FIRMCORPUS_CLASSIFY_DATA, or pass "
                        "--documents with a build's parquet documents")
    rows = (training_tuples(examples) if examples else []) + doc_rows
    model = DomainModel.train(rows, cfg)
    path = model.save(out or default_model_path())
    # the rules' learned API prefixes, mined from the same training files; written beside the model first so
    # that the calibration below reads the model with its own lexicon
    lexicon = mine_lexicon(((read_text(e.abspath), e.domain, e.source, e.path) for e in examples), MineParams()) \
        if examples else Lexicon()
    path.with_suffix(".json").write_text(json.dumps({"lexicon": lexicon.to_json()}) + "\n")
    # the decision is learned on the development half of the held-out sources (never the aside half)
    dev = [e for e in build_sets(cap_scale=cap_scale, fetch=fetch)[1] if e.source not in ASIDE_SOURCES] \
        if registry else []
    calibration = calibrate_decision(dev, str(path), previous) if dev else \
        {"decision": dict(DEFAULT_DECISION), "files": 0}
    summary = {
        "model": path.name, "path": str(path), "bytes": path.stat().st_size, "sha256": file_sha256(path),
        "config": cfg.to_dict(), "files": len(examples), "training_rows": len(rows),
        "files_per_domain": dict(sorted(Counter(e.domain for e in examples).items())),
        "files_per_source": dict(sorted(Counter(e.source for e in examples).items())),
        "sources": {n: {"fetch": SOURCES[n].fetch, "files": c, "per_domain": dict(sorted(Counter(
            e.domain for e in examples if e.source == n).items()))}
            for n, c in sorted(Counter(e.source for e in examples).items())},
        "general_weight": 1.0, "decision": calibration["decision"], "calibration": calibration,
        "lexicon": lexicon.to_json(),
        "skipped": skipped, "cap_scale": cap_scale,
        "build_documents": {"folder": str(documents), **doc_counts,
                            "per_domain": dict(sorted(Counter(r[3] for r in doc_rows).items()))} if documents else None,
    }
    provenance = {k: v for k, v in summary.items() if k != "path"}
    path.with_suffix(".json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    return summary


SUPPORT_WEIGHTS = (0.0, 1.0, 2.0, 3.0, 5.0, 8.0)
RULE_WEIGHTS = (0.0, 1.0, 2.0, 3.0, 5.0, 20.0)
GENERAL_THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
GENERAL_MARGINS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
FOLDER_WEIGHTS = (0.0, 0.2, 0.3, 0.5, 0.7)


def _evidence(examples: list, model_path: str) -> dict:
    """Per file, what the decision reads: the model's log scores, the supported domains and the
    rule's label (N × 13 arrays), and the folder each file belongs to."""
    model = DomainModel.load(model_path)
    model.general_weight = 1.0
    examples = sorted(examples, key=lambda e: (e.source, e.path))
    n, k = len(examples), len(DOMAINS)
    logp, sup, rule = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    folders, gold = [], []
    for i, ex in enumerate(examples):
        text, lang = read_text(ex.abspath), language_of(ex.path)
        scores = model.predict(text, path=ex.path, language=lang)
        logp[i] = [np.log(scores[d] + 1e-6) for d in DOMAINS]
        sup[i] = [d != "general" and d in supported_domains(ex.path, text, lang, None, model.lexicon)
                  for d in DOMAINS]
        lab = weak_label(ex.path, text, lang, None, model.lexicon)
        if lab is not None and lab[1] >= 0.8:
            rule[i, DOMAINS.index(lab[0])] = lab[1]
        folders.append((ex.source, ex.path.rsplit("/", 1)[0] if "/" in ex.path else ""))
        gold.append(DOMAINS.index(ex.domain))
    return {"logp": logp, "sup": sup, "rule": rule, "folders": folders, "gold": np.array(gold)}


def _domain_f1(gold, pred) -> np.ndarray:
    """The F1 of each domain present in ``gold`` (in ``np.unique(gold)`` order)."""
    f1s = []
    for d in np.unique(gold):
        tp = np.sum((gold == d) & (pred == d))
        fp, fn = np.sum((gold != d) & (pred == d)), np.sum((gold == d) & (pred != d))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return np.array(f1s, dtype=float)


def _mean(f1s: np.ndarray) -> float:
    """Macro-F1 from the per-domain figures of ``_domain_f1``."""
    return float(np.mean(f1s)) if len(f1s) else 0.0


def _decide(q, tau, margin):
    g = DOMAINS.index("general")
    other = q.copy()
    other[:, g] = -1.0
    top, best = other.argmax(axis=1), other.max(axis=1)
    return np.where((best >= tau) & (best >= margin * q[:, g]), top, g)


_GRID = (("support_weight", SUPPORT_WEIGHTS), ("rule_weight", RULE_WEIGHTS), ("general_threshold", GENERAL_THRESHOLDS),
         ("general_margin", GENERAL_MARGINS), ("folder_weight", FOLDER_WEIGHTS))


def noise_floor(gold) -> float:
    """What one file changes the calibration's objective by (the sum of two macro-F1s): a file of the smallest
    domain moves that domain's F1 by about 1/n, the macro mean by 1/(n·k), each of the two figures once."""
    counts = np.bincount(np.asarray(gold))
    counts = counts[counts > 0]
    return 2.0 / (counts.min() * len(counts)) if len(counts) else 0.0


def _grid_steps(a: dict, b: dict) -> int:
    """How many grid steps apart two decisions are (a value off the grid counts as one step)."""
    steps = 0
    for name, values in _GRID:
        va, vb = a.get(name), b.get(name)
        if va in values and vb in values:
            steps += abs(values.index(va) - values.index(vb))
        elif va != vb:
            steps += 1
    return steps


DOMAIN_DROP = 0.02  # the most a domain's F1 may fall below the shipped decision's when the decision moves


def domain_guard(scored: list, previous: dict | None, drop: float = DOMAIN_DROP) -> list:
    """The grid points of ``scored`` whose per-domain F1s (``r[4]`` without, ``r[5]`` with folder context, when the
    points carry them) are each at most ``drop`` below those of ``previous`` (the shipped decision) on the same
    files: a decision that gains on the sum of the two macro-F1s by trading one domain's files for the others' is
    not taken (the shipping bound, per domain, applied to the decision itself). Unchanged without ``previous``,
    without per-domain figures, or when ``previous`` is not one of the points."""
    if previous is None or not scored or len(scored[0]) < 6:
        return scored
    prev = next((r for r in scored if r[1] == previous), None)
    if prev is None:
        return scored
    return [r for r in scored if np.all(np.asarray(r[4]) >= np.asarray(prev[4]) - drop - 1e-9)
            and np.all(np.asarray(r[5]) >= np.asarray(prev[5]) - drop - 1e-9)]


def select_decision(scored: list, previous: dict | None = None, tolerance: float = 0.0) -> tuple:
    """The decision among ``scored`` grid points, ``(objective, decision, off, on[, off per domain, on per
    domain])`` each: the best objective (ties to the earlier grid point); with ``previous`` (the shipped
    decision), only points that lose no domain more than ``DOMAIN_DROP`` against it (``domain_guard``), and among
    them the point nearest to it (fewest grid steps) within ``tolerance`` of their best, so that a gain smaller
    than what one file is worth does not move the decision (a new round's files then do not trade the other
    domains for noise)."""
    scored = domain_guard(scored, previous)
    best = max(scored, key=lambda r: r[0])
    if previous is None or tolerance <= 0:
        return best
    near = [r for r in scored if r[0] >= best[0] - tolerance - 1e-9]
    return min(near, key=lambda r: (_grid_steps(r[1], previous), -r[0]))


def calibrate_decision(examples: list, model_path: str, previous: dict | None = None) -> dict:
    """The step's decision (``support_weight``, ``rule_weight``, ``general_threshold``,
    ``general_margin``, ``folder_weight``) that maximises the step's macro-F1 on held-out files, the sum of the
    figures without and with folder context; a grid, ties to the earlier (smaller) values. With ``previous``
    (the decision shipped before), only points that lose no domain more than ``DOMAIN_DROP`` against it on the
    same files are candidates (``domain_guard``), and a point within one file's worth of their best
    (``noise_floor``) that is nearer to it is kept instead (``select_decision``).

    ``examples`` must be files of sources the model was not trained on (the development half of
    the evaluation repositories): a threshold learned on the training sources' own files does not
    transfer to unseen code (see docs/classify.md)."""
    ev = _evidence(examples, model_path)
    groups: dict = {}
    for i, f in enumerate(ev["folders"]):
        groups.setdefault(f, []).append(i)
    member = np.zeros(len(ev["folders"]), dtype=int)
    for gi, idx in enumerate(groups.values()):
        member[idx] = gi
    counts = np.bincount(member)
    scored = []  # in grid order, so that max() keeps the earlier (smaller) values on ties
    for a in SUPPORT_WEIGHTS:
        for b in RULE_WEIGHTS:
            z = ev["logp"] + a * ev["sup"] + b * ev["rule"]
            q = np.exp(z - z.max(axis=1, keepdims=True))
            q /= q.sum(axis=1, keepdims=True)
            sums = np.zeros((len(counts), q.shape[1]))
            np.add.at(sums, member, q)
            mean = (sums / counts[:, None])[member]
            for tau in GENERAL_THRESHOLDS:
                for m in GENERAL_MARGINS:
                    off_d = _domain_f1(ev["gold"], _decide(q, tau, m))
                    off = _mean(off_d)
                    for c in FOLDER_WEIGHTS:
                        on_d = _domain_f1(ev["gold"], _decide((1 - c) * q + c * mean, tau, m))
                        on = _mean(on_d)
                        scored.append((round(off + on, 6), {"support_weight": a, "rule_weight": b,
                                                            "general_threshold": tau, "general_margin": m,
                                                            "folder_weight": c}, off, on, off_d, on_d))
    tolerance = noise_floor(ev["gold"]) if previous else 0.0
    best = select_decision(scored, None)
    objective, decision, off, on = select_decision(scored, previous, tolerance)[:4]
    return {"decision": decision, "files": len(examples), "grid_points": len(scored),
            "guarded_points": len(domain_guard(scored, previous)), "domain_drop": DOMAIN_DROP,
            "macro_f1_without_folder_context": round(off, 4), "macro_f1_with_folder_context": round(on, 4),
            "best_decision": best[1], "best_objective": best[0], "objective": objective,
            "previous_decision": previous, "noise_floor": round(tolerance, 6),
            "sources": sorted({e.source for e in examples}),
            "files_per_domain": dict(sorted(Counter(e.domain for e in examples).items()))}


def evaluate_model(model: str | None = None, cap_scale: float = 1.0, fetch: bool = True,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """The classifier step and the bare model on the held-out sources."""
    train, evals, skipped = build_sets(cap_scale=cap_scale, fetch=fetch)
    train_domains = sorted({e.domain for e in train})
    res = evaluate(evals, model, train_domains, progress=(lambda n: progress(n, len(evals))) if progress else None)
    res["skipped"] = skipped
    res["eval_sources"] = sorted({e.source for e in evals})
    res["train_sources"] = sorted({e.source for e in train})
    return res


def write_labelled_set(out: str | None = None, cap_scale: float = 1.0, fetch: bool = True) -> dict:
    """The labelled training + held-out set as JSONL: source, path, domain, split, why, sha256."""
    train, evals, skipped = build_sets(cap_scale=cap_scale, fetch=fetch)
    path = Path(out) if out else default_manifest_path()
    write_manifest(train + evals, path)
    return {"path": str(path), "train": len(train), "eval": len(evals), "skipped": skipped,
            "eval_per_domain": dict(sorted(Counter(e.domain for e in evals).items())),
            "train_per_domain": dict(sorted(Counter(e.domain for e in train).items()))}


CODE_SUFFIXES = (".c", ".h", ".cpp", ".cc", ".hpp", ".hh", ".cxx", ".s", ".S", ".asm", ".dts", ".dtsi", ".dtso",
                 ".overlay", ".yaml", ".yml", ".ld", ".lds", ".inc")


def _files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise UserError(f"{target} is neither a file nor a directory")
    out = []
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.endswith(CODE_SUFFIXES) or fn.startswith("Kconfig"):
                out.append(Path(dirpath) / fn)
    return out


def classify_paths(target: str, model: str | None = None, directory_context: bool = True) -> list[dict]:
    """What ``classify predict --json`` prints: one record per file."""

    root = Path(target)
    step = DomainClassifier(model_path=model, directory_context=directory_context)
    files = _files(root)

    def docs():
        for p in files:
            rel = p.relative_to(root).as_posix() if root.is_dir() else p.name
            yield Document(text=read_text(p), id=rel, metadata={"kind": "code", "path": rel,
                                                                "language": language_of(rel), "repo": str(root)})

    rows = []
    keys = ("domain", "domain_scores", "domain_source", "domain_rule", "domain_model")
    for doc in step.run(docs()):
        rows.append({"path": doc.id, **{k: doc.metadata[k] for k in keys}})
    return rows
