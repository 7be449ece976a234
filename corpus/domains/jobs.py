"""Whole classifier jobs behind ``firmcorpus classify predict|train|eval|labelled-set``: classify the
files of a folder as the pipeline step does, rebuild the domain model from its training sources
(same sources and seed → same bytes), score it on the held-out sources, and write the labelled set."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from datatrove.data import Document

from firmcorpus.core.errors import UserError
from firmcorpus.corpus.domains.evalset import (
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
from firmcorpus.corpus.domains.model import DomainModel, TrainConfig, default_model_path, file_sha256
from firmcorpus.corpus.steps.classify import DomainClassifier


def train_model(out: str | None = None, cap_scale: float = 1.0, epoch: int | None = None, dim: int | None = None,
                bucket: int | None = None, seed: int = 0, fetch: bool = True, documents: str | None = None,
                registry: bool = True) -> dict:
    """Train and save the model (default: the shipped one) and its provenance JSON beside it."""
    cfg = TrainConfig(seed=seed)
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
    calib = collect("calib", cap_scale=cap_scale, fetch=fetch) if registry else []
    calibration = calibrate_general(calib, str(path)) if calib else {"general_weight": 1.0, "files": 0}
    summary = {
        "model": path.name, "path": str(path), "bytes": path.stat().st_size, "sha256": file_sha256(path),
        "config": cfg.to_dict(), "files": len(examples), "training_rows": len(rows),
        "files_per_domain": dict(sorted(Counter(e.domain for e in examples).items())),
        "files_per_source": dict(sorted(Counter(e.source for e in examples).items())),
        "sources": {n: {"fetch": SOURCES[n].fetch, "files": c, "per_domain": dict(sorted(Counter(
            e.domain for e in examples if e.source == n).items()))}
            for n, c in sorted(Counter(e.source for e in examples).items())},
        "general_weight": calibration["general_weight"], "calibration": calibration,
        "skipped": skipped, "cap_scale": cap_scale,
        "build_documents": {"folder": str(documents), **doc_counts,
                            "per_domain": dict(sorted(Counter(r[3] for r in doc_rows).items()))} if documents else None,
    }
    provenance = {k: v for k, v in summary.items() if k != "path"}
    path.with_suffix(".json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    return summary


GENERAL_WEIGHTS = (1.0, 0.7, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05)


def calibrate_general(calib: list, model_path: str) -> dict:
    """The ``general`` weight (see ``model``) that maximises the step's macro-F1 on held-out files of
    the training sources (``collect("calib")``: never the evaluation sources). Ties go to the larger
    weight (the smaller change)."""
    tried = {}
    for w in GENERAL_WEIGHTS:
        res = evaluate(calib, model_path, general_weight=w)
        tried[str(w)] = round(res["step"]["macro_f1"], 4)
    best = max(GENERAL_WEIGHTS, key=lambda w: (tried[str(w)], w))
    return {"general_weight": best, "files": len(calib), "macro_f1_by_weight": tried,
            "files_per_domain": dict(sorted(Counter(e.domain for e in calib).items()))}


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
