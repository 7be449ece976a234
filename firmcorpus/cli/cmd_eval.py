"""``firmcorpus eval``: perplexity, teacher-forced accuracy and the completion benchmark for several models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_cmd(
        models: str = typer.Option("base", "--models", help="Comma list: base, adapter, merged, hf:PATH, "
                                   "http://HOST:PORT/v1@MODEL; LABEL=SPEC names one. The first is the reference."),
        out: Path = typer.Option(..., "-o", "--out", help="Output folder (items, per-item JSONL, summary, report)."),
        build: Optional[Path] = typer.Option(None, "--build", help="A `firmcorpus build` output folder: sets "
                                             "--heldout, --train-text and --train-tokens from OUT/text and OUT/tokens."),
        heldout: Optional[Path] = typer.Option(None, "--heldout", help="Held-out text shards (OUT/text/heldout)."),
        train_text: Optional[Path] = typer.Option(None, "--train-text", help="Training text shards (OUT/text/train): "
                                                  "in-domain perplexity and decontamination."),
        train_tokens: Optional[Path] = typer.Option(None, "--train-tokens", help="Training token shards "
                                                    "(OUT/tokens/train): decontamination on token n-grams."),
        items: Optional[Path] = typer.Option(None, "--items", help="Reuse benchmark items (items.jsonl of a "
                                             "previous run) instead of building them."),
        adapter: Optional[Path] = typer.Option(None, "--adapter", help="PEFT adapter dir for `adapter`/`merged`."),
        base_model: str = typer.Option("smollm2-135m", "--base-model", help="Base model: local dir, cached hub id "
                                       "or smollm2-135m."),
        n_per_domain: int = typer.Option(20, "--n-per-domain", help="Benchmark items per domain."),
        cut_types: str = typer.Option("split75,line,block,register_define", "--cut-types"),
        prompt_tokens: int = typer.Option(512, "--prompt-tokens", help="Prompt budget (reference tokenizer)."),
        ppl_docs: int = typer.Option(8, "--ppl-docs", help="Documents per domain and split for perplexity."),
        max_doc_tokens: int = typer.Option(2048, "--max-doc-tokens", help="Score at most this many tokens per "
                                           "document (0: all)."),
        window: int = typer.Option(1024, "--window", help="Sliding window length in tokens."),
        stride: int = typer.Option(512, "--stride", help="Sliding window stride in tokens."),
        seed: int = typer.Option(0, "--seed"),
        skip_ppl: bool = typer.Option(False, "--skip-ppl", help="Only the completion benchmark."),
        skip_gen: bool = typer.Option(False, "--skip-gen", help="Only perplexity and top-k accuracy."),
        device: Optional[str] = typer.Option(None, "--device", help="torch device (cpu, cuda, cuda:1)."),
        dtype: Optional[str] = typer.Option(None, "--dtype", help="Weights of local models: float32 (default), "
                                            "bfloat16, float16."),
        batch_size: int = typer.Option(8, "--batch-size", help="Prompts per generate call (greedy decoding)."),
        max_items: int = typer.Option(0, "--max-items", help="Evaluate at most this many items, round-robin over "
                                      "domains (0: all)."),
        threads: int = typer.Option(0, "--threads", help="torch CPU threads (0: torch default)."),
        reuse: Optional[Path] = typer.Option(None, "--reuse", help="An earlier eval's -o folder: a model whose "
                                             "per-item (or perplexity) rows there cover exactly this run's items "
                                             "(or documents) is read, not run again. Same label = same model: "
                                             "your promise."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary JSON."),
    ) -> None:
        """Evaluate models on held-out data: per-domain perplexity / bits per byte, top-1/5 accuracy,
        and a generative completion benchmark; writes per-item JSONL, summary.json, report.md/.html."""
        from rich.console import Console

        from firmcorpus.core.errors import UserError
        from firmcorpus.eval.bench_builder import CUT_TYPES, BenchConfig
        from firmcorpus.eval.run import EvalConfig, run_eval

        err = Console(stderr=True)
        if build is not None and not (build / "text").is_dir():
            raise UserError(f"--build {build}: no text/ folder inside (give the -o folder of `firmcorpus build`)")
        if build is not None:
            heldout = heldout or build / "text" / "heldout"
            if train_text is None and (build / "text" / "train").is_dir():
                train_text = build / "text" / "train"
            if train_tokens is None and (build / "tokens" / "train").is_dir():
                train_tokens = build / "tokens" / "train"
        cuts = tuple(c.strip() for c in cut_types.split(",") if c.strip())
        bad = [c for c in cuts if c not in CUT_TYPES]
        if bad:
            raise typer.BadParameter(f"unknown cut types {bad}; choose from {', '.join(CUT_TYPES)}")
        if reuse is not None and not reuse.is_dir():
            raise UserError(f"--reuse {reuse}: no such folder (give the -o folder of an earlier firmcorpus eval)")
        if items is None and heldout is None:
            raise typer.BadParameter("give --build OUT, --heldout OUT/text/heldout, or --items items.jsonl")
        if threads:
            import torch

            torch.set_num_threads(threads)
        cfg = EvalConfig(
            models=tuple(m.strip() for m in models.split(",") if m.strip()), base_model=base_model,
            adapter=str(adapter) if adapter else None, heldout=str(heldout) if heldout else None,
            train_text=str(train_text) if train_text else None, train_tokens=str(train_tokens) if train_tokens else None,
            items=str(items) if items else None,
            bench=BenchConfig(n_per_domain=n_per_domain, seed=seed, cut_types=cuts, prompt_tokens=prompt_tokens),
            ppl_docs_per_domain=ppl_docs, window=window, stride=stride, max_doc_tokens=max_doc_tokens or None,
            skip_ppl=skip_ppl, skip_gen=skip_gen, device=device, dtype=dtype, batch_size=batch_size,
            max_items=max_items or None, reuse=str(reuse) if reuse else None)
        summary = run_eval(cfg, out, log=lambda s: err.print(s), show_progress=True)
        if as_json:
            typer.echo(json.dumps(summary, indent=1, sort_keys=True, default=str))
        else:
            err.print(f"report: {summary['files']['markdown']} and {summary['files']['html']}")
