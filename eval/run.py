"""The evaluation run behind ``firmcorpus eval``: inputs → per-model outputs → report.

Layout of ``out_dir``::
    items.jsonl               benchmark items (reused with --items on the next run)
    items.excluded.jsonl      items dropped by decontamination, with the overlap and reason
    ppl_docs.jsonl            which documents perplexity was measured on (id, domain, split)
    per_item/<model>.jsonl    one row per item: item_id, domain, cut_type, pred, target, metrics
    perplexity/<model>.jsonl  one row per document: nll, tokens, bytes, top1/top5 hits
    summary.json, report.md, report.html, *.png
"""

from __future__ import annotations

import gc
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from firmcorpus.eval.backends import TransformersBackend, make_backend
from firmcorpus.eval.bench_builder import BenchConfig, build_items, decontaminate, read_jsonl, write_jsonl
from firmcorpus.eval.heldout import read_documents
from firmcorpus.eval.metrics import item_metrics
from firmcorpus.eval.perplexity import score_documents
from firmcorpus.eval.report import build_summary, write_report
from firmcorpus.train.model import load_tokenizer


@dataclass
class EvalConfig:
    models: tuple[str, ...] = ("base",)
    base_model: str = "smollm2-135m"
    adapter: str | None = None
    heldout: str | None = None  # OUT/text/heldout
    train_text: str | None = None  # OUT/text/train: in-domain perplexity + decontamination
    train_tokens: str | None = None  # OUT/tokens/train: decontamination on token n-grams
    items: str | None = None  # reuse an items.jsonl
    bench: BenchConfig = field(default_factory=BenchConfig)
    ppl_docs_per_domain: int = 8
    window: int = 1024
    stride: int = 512
    max_doc_tokens: int | None = 2048
    skip_ppl: bool = False
    skip_gen: bool = False
    device: str | None = None
    n_boot: int = 1000


def sample_docs(docs: Sequence[dict[str, Any]], per_domain: int, seed: int, split: str) -> list[dict[str, Any]]:
    """``per_domain`` documents of each domain (seeded, independent of input order), tagged with ``split``."""
    by: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        if d["text"].strip():
            by.setdefault(d["metadata"].get("domain") or "general", []).append(d)
    out = []
    for dom in sorted(by):
        pool = sorted(by[dom], key=lambda d: d["id"])
        random.Random(f"ppl:{seed}:{split}:{dom}").shuffle(pool)
        for d in pool[:per_domain]:
            out.append({"id": d["id"], "text": d["text"], "metadata": dict(d["metadata"], split=split)})
    return out


def _reference_tokenizer(cfg: EvalConfig):
    return load_tokenizer(cfg.base_model)


def prepare_items(cfg: EvalConfig, out: Path, tokenizer=None, log: Callable[[str], None] = print) -> list[dict]:
    if cfg.items:
        items = read_jsonl(cfg.items)
        log(f"items: {len(items)} read from {cfg.items}")
        return items

    if not cfg.heldout:
        raise ValueError("give --heldout OUT/text/heldout (to build items) or --items items.jsonl")
    tok = tokenizer or _reference_tokenizer(cfg)

    def count(s: str) -> int:
        return len(tok(s, add_special_tokens=False)["input_ids"])

    items = build_items(read_documents(cfg.heldout), cfg.bench, count_tokens=count)
    train_docs = read_documents(cfg.train_text) if cfg.train_text else None
    encode = (lambda s: tok(s, add_special_tokens=False)["input_ids"]) if cfg.train_tokens else None
    kept, excluded = decontaminate(items, cfg.bench, train_text=train_docs, train_tokens=cfg.train_tokens, encode=encode)
    write_jsonl(kept, out / "items.jsonl")
    write_jsonl(excluded, out / "items.excluded.jsonl")
    log(f"items: {len(kept)} kept, {len(excluded)} excluded by decontamination → {out / 'items.jsonl'}")
    return kept


def generation_rows(items: Sequence[dict], preds: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for item, pred in zip(items, preds):
        rows.append({"item_id": item["item_id"], "domain": item["domain"], "cut_type": item["cut_type"],
                     "pred": pred, "target": item["target"],
                     "metrics": item_metrics(pred, item["target"], item["prompt"], item.get("suffix", ""),
                                             item.get("language", "c"))})
    return rows


class _NoProgress:
    def add_task(self, *a, **k):
        return 0

    def advance(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _progress(show: bool):
    if not show:
        return _NoProgress()

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True))


def run_eval(cfg: EvalConfig, out_dir: str | Path, log: Callable[[str], None] = print,
             loaded: dict[str, tuple[Any, Any]] | None = None, show_progress: bool = False) -> dict[str, Any]:
    """Run every model of ``cfg.models``; return the summary (also written with the report).

    ``loaded`` maps a model label to an already loaded ``(model, tokenizer)`` (tests).
    """

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    backends = []
    for spec in cfg.models:
        b = make_backend(spec, adapter=cfg.adapter, base_model=cfg.base_model, device=cfg.device, seed=cfg.bench.seed)
        if loaded and b.name in loaded and isinstance(b, TransformersBackend):
            b.loaded = loaded[b.name]
        backends.append(b)
    names = [b.name for b in backends]
    if len(set(names)) != len(names):
        raise ValueError(f"model labels must differ: {names}; name them with LABEL=SPEC")

    ref_tok = None
    first_tf = next((b for b in backends if isinstance(b, TransformersBackend)), None)
    if first_tf is not None and first_tf.loaded is not None:
        ref_tok = first_tf.loaded[1]
    items = [] if cfg.skip_gen else prepare_items(cfg, out, tokenizer=ref_tok, log=log)

    ppl_docs: list[dict[str, Any]] = []
    if not cfg.skip_ppl and cfg.heldout:
        ppl_docs += sample_docs(list(read_documents(cfg.heldout)), cfg.ppl_docs_per_domain, cfg.bench.seed, "heldout")
        if cfg.train_text:
            ppl_docs += sample_docs(list(read_documents(cfg.train_text)), cfg.ppl_docs_per_domain, cfg.bench.seed,
                                    "train")
        write_jsonl([{"id": d["id"], "domain": d["metadata"].get("domain"), "split": d["metadata"]["split"]}
                     for d in ppl_docs], out / "ppl_docs.jsonl")

    ppl_rows: dict[str, list[dict]] = {}
    gen_rows: dict[str, list[dict]] = {}
    for b in backends:
        if ppl_docs and isinstance(b, TransformersBackend):
            model, tok = b.load()
            with _progress(show_progress) as bar:
                task = bar.add_task(f"{b.name}: perplexity", total=len(ppl_docs))
                ppl_rows[b.name] = score_documents(model, tok, ppl_docs, window=cfg.window, stride=cfg.stride,
                                                   max_doc_tokens=cfg.max_doc_tokens,
                                                   progress=lambda: bar.advance(task))
            write_jsonl(ppl_rows[b.name], out / "perplexity" / f"{b.name}.jsonl")
        if items:
            preds = []
            with _progress(show_progress) as bar:
                task = bar.add_task(f"{b.name}: completions", total=len(items))
                for item in items:  # one at a time: same outputs, and a live progress bar
                    preds.extend(b.generate([item]))
                    bar.advance(task)
            gen_rows[b.name] = generation_rows(items, preds)
            write_jsonl(gen_rows[b.name], out / "per_item" / f"{b.name}.jsonl")
        if isinstance(b, TransformersBackend) and not (loaded and b.name in loaded):
            b.loaded = None  # free the weights before the next model
            gc.collect()
    config = {k: v for k, v in vars(cfg).items() if k != "bench"}
    config["bench"] = vars(cfg.bench)
    config["models"] = list(cfg.models)
    summary = build_summary(names, ppl_rows, gen_rows, config=json.loads(json.dumps(config, default=str)),
                            n_boot=cfg.n_boot, seed=cfg.bench.seed)
    summary["items"] = len(items)
    summary["files"] = write_report(summary, out)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True, default=str))
    return summary
