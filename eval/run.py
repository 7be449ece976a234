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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from firmcorpus.core.errors import UserError
from firmcorpus.eval.backends import TransformersBackend, make_backend
from firmcorpus.eval.bench_builder import BenchConfig, build_items, decontaminate, read_jsonl, write_jsonl
from firmcorpus.eval.heldout import read_documents
from firmcorpus.eval.metrics import item_metrics
from firmcorpus.eval.perplexity import score_documents
from firmcorpus.eval.report import build_summary, write_report
from firmcorpus.train.evalset import sample_documents
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
    dtype: str | None = None  # float32 | bfloat16 | float16 (default float32)
    batch_size: int = 8  # prompts per generate call (greedy decoding)
    max_items: int | None = None  # evaluate at most this many items (round-robin over domains)
    n_boot: int = 1000
    reuse: str | None = None  # an earlier eval's -o folder: its per-model rows on the same items/documents are read


def sample_docs(docs: Sequence[dict[str, Any]], per_domain: int, seed: int, split: str) -> list[dict[str, Any]]:
    """The shared evaluation set's sampling (``train.evalset.sample_documents``): the training loop scores
    the same documents with ``run.eval_docs = per_domain`` and ``data.seed = seed``."""
    return sample_documents(docs, per_domain, seed, split)


def select_items(items: Sequence[dict], max_items: int | None) -> list[dict]:
    """At most ``max_items`` items, round-robin over domains in item-id order (a stable, stratified subset)."""
    if not max_items or len(items) <= max_items:
        return list(items)
    by: dict[str, list[dict]] = {}
    for it in sorted(items, key=lambda it: it["item_id"]):
        by.setdefault(it["domain"], []).append(it)
    picked: list[dict] = []
    depth = 0
    while len(picked) < max_items:
        layer = [v[depth] for _, v in sorted(by.items()) if depth < len(v)]
        if not layer:
            break
        picked.extend(layer[:max_items - len(picked)])
        depth += 1
    keep = {it["item_id"] for it in picked}
    return [it for it in items if it["item_id"] in keep]


def check_inputs(cfg: EvalConfig) -> None:
    """Every input path exists (one line each, before any model loads)."""
    for flag, value in (("--heldout", cfg.heldout), ("--train-text", cfg.train_text),
                        ("--train-tokens", cfg.train_tokens), ("--items", cfg.items)):
        if value and not Path(value).exists():
            raise UserError(f"{flag} {value}: no such file or folder")
    if cfg.dtype not in (None, "float32", "bfloat16", "float16"):
        raise UserError(f"--dtype must be float32, bfloat16 or float16, got {cfg.dtype!r}")
    if cfg.device:
        import torch

        try:
            dev = torch.device(cfg.device)
        except RuntimeError as exc:
            raise UserError(f"--device {cfg.device!r}: {exc}") from exc
        if dev.type == "cuda" and not torch.cuda.is_available():
            raise UserError(f"--device {cfg.device}: no CUDA device is visible")


def _reference_tokenizer(cfg: EvalConfig):
    return load_tokenizer(cfg.base_model)


def reused_rows(folder: str | None, kind: str, name: str, keys: Sequence[tuple],
                scoring: dict[str, Any] | None = None) -> list[dict] | None:
    """A model's rows from an earlier run's ``FOLDER/<kind>/<name>.jsonl`` when they cover exactly ``keys``
    (``(item_id, target)`` per item, or ``(doc_id, split)`` per perplexity document), in the order of
    ``keys``; None when there is no such file, it holds other items or documents, or (perplexity) the
    earlier run's ``summary.json`` config differs from ``scoring`` (window, stride, tokens per document)."""
    if not folder:
        return None
    path = Path(folder) / kind / f"{name}.jsonl"
    if not path.is_file():
        return None
    if scoring:
        summary = Path(folder) / "summary.json"
        old = json.loads(summary.read_text()).get("config", {}) if summary.is_file() else {}
        if any(old.get(k) != v for k, v in scoring.items()):
            return None
    rows = read_jsonl(path)
    key = (lambda r: (r["item_id"], r["target"])) if kind == "per_item" else (lambda r: (r["doc_id"], r["split"]))
    by_key = {key(r): r for r in rows}
    if len(rows) != len(keys) or set(by_key) != set(keys):
        return None
    return [by_key[k] for k in keys]


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

    check_inputs(cfg)
    backends = []
    for spec in cfg.models:  # checks model and adapter paths before anything loads
        b = make_backend(spec, adapter=cfg.adapter, base_model=cfg.base_model, device=cfg.device, seed=cfg.bench.seed,
                         dtype=cfg.dtype, batch_size=cfg.batch_size)
        if loaded and b.name in loaded and isinstance(b, TransformersBackend):
            b.loaded = loaded[b.name]
        backends.append(b)
    names = [b.name for b in backends]
    if len(set(names)) != len(names):
        raise UserError(f"model labels must differ: {names}; name them with LABEL=SPEC")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    ref_tok = None
    first_tf = next((b for b in backends if isinstance(b, TransformersBackend)), None)
    if first_tf is not None and first_tf.loaded is not None:
        ref_tok = first_tf.loaded[1]
    items = [] if cfg.skip_gen else prepare_items(cfg, out, tokenizer=ref_tok, log=log)
    if cfg.max_items and len(items) > cfg.max_items:
        items = select_items(items, cfg.max_items)
        log(f"items: {len(items)} evaluated (--max-items)")

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
            old = reused_rows(cfg.reuse, "perplexity", b.name,
                              [(d["id"], d["metadata"].get("split") or "heldout") for d in ppl_docs],
                              scoring={"window": cfg.window, "stride": cfg.stride, "max_doc_tokens": cfg.max_doc_tokens})
            if old is not None:
                log(f"{b.name}: perplexity rows of {len(old)} documents reused from {cfg.reuse}")
                ppl_rows[b.name] = old
            else:
                model, tok = b.load()
                with _progress(show_progress) as bar:
                    task = bar.add_task(f"{b.name}: perplexity", total=len(ppl_docs))
                    ppl_rows[b.name] = score_documents(model, tok, ppl_docs, window=cfg.window, stride=cfg.stride,
                                                       max_doc_tokens=cfg.max_doc_tokens,
                                                       progress=lambda: bar.advance(task))
            write_jsonl(ppl_rows[b.name], out / "perplexity" / f"{b.name}.jsonl")
        old = reused_rows(cfg.reuse, "per_item", b.name, [(it["item_id"], it["target"]) for it in items]) \
            if items else None
        if old is not None:
            log(f"{b.name}: completions of {len(old)} items reused from {cfg.reuse}")
            gen_rows[b.name] = old
            write_jsonl(old, out / "per_item" / f"{b.name}.jsonl")
        elif items:
            preds = []
            step = max(1, getattr(b, "batch_size", 1))
            with _progress(show_progress) as bar:
                task = bar.add_task(f"{b.name}: completions", total=len(items))
                for start in range(0, len(items), step):  # a batch per call: same outputs, a live progress bar
                    preds.extend(b.generate(items[start:start + step]))
                    bar.advance(task, step)
            gen_rows[b.name] = generation_rows(items, preds)
            write_jsonl(gen_rows[b.name], out / "per_item" / f"{b.name}.jsonl")
        if isinstance(b, TransformersBackend) and not (loaded and b.name in loaded):
            b.loaded = None  # free the weights before the next model
            gc.collect()
    config = {k: v for k, v in vars(cfg).items() if k != "bench"}
    config["bench"] = vars(cfg.bench)
    config["models"] = list(cfg.models)
    summary = build_summary(names, ppl_rows, gen_rows, config=json.loads(json.dumps(config, default=str)),
                            n_boot=cfg.n_boot, seed=cfg.bench.seed, items=items)
    summary["items"] = len(items)
    summary["files"] = write_report(summary, out)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True, default=str))
    return summary
