"""``firmcorpus classify``: domain classification of files, and the model's train/eval/labelled set.

* ``classify predict FILE_OR_DIR [--json]`` — domain and scores per file (rules + model, as the
  pipeline step does);
* ``classify train`` — reproducibly rebuild the model (by default the shipped
  ``corpus/domains/default_model.ftz``) from the registry sources' training packages;
* ``classify eval`` — accuracy / macro-F1 / confusion on the held-out packages;
* ``classify labelled-set`` — write the labelled set (source, path, domain, split, why) as JSONL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

CODE_SUFFIXES = (".c", ".h", ".cpp", ".cc", ".hpp", ".hh", ".cxx", ".s", ".S", ".asm", ".dts", ".dtsi", ".dtso",
                 ".overlay", ".yaml", ".yml", ".ld", ".lds", ".inc")

app = typer.Typer(help="Classify code into the 13 embedded domains (rules + fastText); train/evaluate the model.",
                  no_args_is_help=True)


def _files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise typer.BadParameter(f"{target} is neither a file nor a directory")
    out = []
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.endswith(CODE_SUFFIXES) or fn.startswith("Kconfig"):
                out.append(Path(dirpath) / fn)
    return out


def classify_paths(target: str, model: str | None = None, directory_context: bool = True) -> list[dict]:
    """What ``classify predict --json`` prints: one record per file."""
    from firmcorpus.corpus.domains.evalset import read_text
    from firmcorpus.corpus.domains.features import language_of
    from firmcorpus.corpus.steps.classify import DomainClassifier

    from datatrove.data import Document

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


@app.command("predict")
def predict_cmd(
    target: str = typer.Argument(..., help="a source file or a directory (walked for code files)"),
    model: str = typer.Option(None, help="fastText model (.ftz/.bin); default: the shipped model"),
    as_json: bool = typer.Option(False, "--json", help="print JSON records"),
    no_context: bool = typer.Option(False, help="classify each file alone (no folder context)"),
) -> None:
    """Domain (and all 13 scores) of each file."""
    rows = classify_paths(target, model, directory_context=not no_context)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("path", "domain", "by", "score", "runner-up")
    for r in rows:
        ranked = sorted(r["domain_scores"].items(), key=lambda kv: -kv[1])
        second = next((f"{d} {v:.2f}" for d, v in ranked if d != r["domain"]), "")
        table.add_row(r["path"], r["domain"], r["domain_source"], f"{r['domain_scores'][r['domain']]:.2f}", second)
    Console().print(table)


@app.command("train")
def train_cmd(
    out: str = typer.Option(None, help="where to write the model (default: the shipped default_model.ftz)"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap (0.1 for a quick model)"),
    epoch: int = typer.Option(None, help="fastText epochs (default: TrainConfig)"),
    dim: int = typer.Option(None, help="vector size (default: TrainConfig)"),
    bucket: int = typer.Option(None, help="hash buckets for word n-grams (default: TrainConfig)"),
    seed: int = typer.Option(0, help="fastText seed"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    documents: str = typer.Option(None, help="also train on a build's documents (parquet folder, e.g. "
                                             "OUT/text/train), labelled by the rules where they are sure"),
    registry: bool = typer.Option(True, help="train on the registry training packages (--no-registry: "
                                             "only on --documents)"),
    as_json: bool = typer.Option(False, "--json", help="print the training summary as JSON"),
) -> None:
    """Rebuild the domain model from the training packages (same sources and seed → same bytes)."""
    from collections import Counter

    from firmcorpus.corpus.domains.evalset import TRAIN_SOURCES, collect, training_tuples
    from firmcorpus.corpus.domains.model import DomainModel, TrainConfig, default_model_path, file_sha256

    cfg = TrainConfig(seed=seed)
    if epoch is not None:
        cfg.epoch = epoch
    if dim is not None:
        cfg.dim = dim
    if bucket is not None:
        cfg.bucket = bucket
    from firmcorpus.corpus.domains.evalset import weak_labelled_rows

    skipped: dict[str, int] = {}
    examples = collect("train", cap_scale=cap_scale, fetch=not no_fetch, skipped=skipped) if registry else []
    doc_counts: dict[str, int] = {}
    doc_rows = weak_labelled_rows(documents, counts=doc_counts) if documents else []
    if not examples and not doc_rows:
        raise typer.BadParameter("no training files found: fetch the training packages "
                                 f"({', '.join(TRAIN_SOURCES)}), set FIRMCORPUS_CLASSIFY_DATA, or pass "
                                 "--documents with a build's parquet documents")
    rows = (training_tuples(examples) if examples else []) + doc_rows
    model = DomainModel.train(rows, cfg)
    path = model.save(out or default_model_path())
    summary = {
        "model": path.name, "bytes": path.stat().st_size, "sha256": file_sha256(path), "config": cfg.to_dict(),
        "files": len(examples), "training_rows": len(rows),
        "files_per_domain": dict(sorted(Counter(e.domain for e in examples).items())),
        "files_per_source": dict(sorted(Counter(e.source for e in examples).items())),
        "skipped": skipped, "cap_scale": cap_scale,
        "build_documents": {"folder": str(documents), **doc_counts,
                            "per_domain": dict(sorted(Counter(r[3] for r in doc_rows).items()))} if documents else None,
    }
    path.with_suffix(".json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    typer.echo(json.dumps(summary, indent=2) if as_json else
               f"wrote {path} ({summary['bytes']} bytes) from {len(examples)} files; summary in "
               f"{path.with_suffix('.json')}")


def run_eval(model: str | None = None, cap_scale: float = 1.0, fetch: bool = True, show_progress: bool = True
             ) -> dict:
    from firmcorpus.corpus.domains.evalset import build_sets, evaluate

    train, evals, skipped = build_sets(cap_scale=cap_scale, fetch=fetch)
    train_domains = sorted({e.domain for e in train})
    if show_progress:
        from rich.progress import Progress

        with Progress(transient=True) as prog:
            task = prog.add_task("classifying held-out files", total=len(evals))
            res = evaluate(evals, model, train_domains, progress=lambda n: prog.update(task, completed=n))
    else:
        res = evaluate(evals, model, train_domains)
    res["skipped"] = skipped
    res["eval_sources"] = sorted({e.source for e in evals})
    res["train_sources"] = sorted({e.source for e in train})
    return res


def format_eval(res: dict) -> str:
    lines = [f"held-out documents: {res['documents']} from {', '.join(res['eval_sources'])}"]
    lines.append(f"{'':22s}{'accuracy':>10s}{'macro-F1':>10s}{'F1 (data)':>11s}")
    for name in ("step", "model_only"):
        r = res[name]
        lines.append(f"{name:22s}{r['accuracy']:10.3f}{r['macro_f1']:10.3f}{r['macro_f1_domains_with_data']:11.3f}")
    lines.append(f"rules: coverage {res['rules']['coverage']:.3f}, precision {res['rules']['precision']:.3f}, "
                 f"rule/model agreement {res['rule_model_agreement']:.3f}")
    lines.append("")
    lines.append(f"{'domain':22s}{'P':>6s}{'R':>6s}{'F1':>6s}{'n':>6s}")
    for d, m in res["step"]["per_domain"].items():
        mark = "" if d in res["domains_with_training_data"] else "  (no training data: rules only)"
        lines.append(f"{d:22s}{m['precision']:6.2f}{m['recall']:6.2f}{m['f1']:6.2f}{m['support']:6d}{mark}")
    doms = res["domains_present"]
    short = {d: d[:6] for d in doms}
    lines.append("")
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(f"{'':22s}" + "".join(f"{short[d]:>7s}" for d in doms) + "  other")
    for g in doms:
        row = res["confusion"][g]
        other = sum(v for p, v in row.items() if p not in doms)
        lines.append(f"{g:22s}" + "".join(f"{row.get(p, 0):7d}" for p in doms) + f"{other:7d}")
    return "\n".join(lines)


@app.command("eval")
def eval_cmd(
    model: str = typer.Option(None, help="fastText model; default: the shipped model"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    as_json: bool = typer.Option(False, "--json", help="print the metrics as JSON"),
) -> None:
    """Accuracy, macro-F1 and confusion matrix on the held-out packages."""
    res = run_eval(model, cap_scale, fetch=not no_fetch, show_progress=not as_json)
    typer.echo(json.dumps(res, indent=2) if as_json else format_eval(res))


@app.command("labelled-set")
def labelled_set_cmd(
    out: str = typer.Option(None, help="JSONL path (default: <cache>/classify/labelled.jsonl)"),
    cap_scale: float = typer.Option(1.0, help="scale every slice's file cap"),
    no_fetch: bool = typer.Option(False, help="use only sources already unpacked locally"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Write the labelled training + held-out set: source, path, domain, split, why, sha256."""
    from collections import Counter

    from firmcorpus.corpus.domains.evalset import build_sets, default_manifest_path, write_manifest

    train, evals, skipped = build_sets(cap_scale=cap_scale, fetch=not no_fetch)
    path = Path(out) if out else default_manifest_path()
    write_manifest(train + evals, path)
    summary = {"path": str(path), "train": len(train), "eval": len(evals), "skipped": skipped,
               "eval_per_domain": dict(sorted(Counter(e.domain for e in evals).items())),
               "train_per_domain": dict(sorted(Counter(e.domain for e in train).items()))}
    typer.echo(json.dumps(summary, indent=2) if as_json else
               f"wrote {path}: {len(train)} training and {len(evals)} held-out files")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="classify")
