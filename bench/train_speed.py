"""Training throughput: our loop (train.loop.train) vs transformers.Trainer, same model, data, settings.

Both train the same base model with the same rsLoRA adapter (PEFT, all linear layers) on the same
packed, document-masked rows from datatrove token shards, with the same micro-batch, accumulation,
AdamW, cosine schedule, clipping, precision and thread count. Runs alternate in ABBA order (ours,
Trainer, Trainer, ours, …) so that load from other processes hits both alike; each side's best run counts.
tokens/s = tokens per optimizer step / median step wall time, first ``--warmup`` steps excluded.
A step's wall time is the interval between two consecutive step ends (ours: the train record
reaching the metrics log; Trainer: ``on_step_end``), so both sides pay for fetching and collating
their batches, the optimizer, and their per-step logging alike. (Trainer's ``on_step_begin`` fires
after it has prefetched the step's batches, so begin→end intervals would leave its data loading out.)

    python bench/train_speed.py                       # tiny Llama-shaped model (SmolLM2 vocab), quick
    python bench/train_speed.py --model smollm2-135m --steps 6 --seq-len 256

The anchor is Trainer; the ratio printed is ours / Trainer (target: >= 1.0).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def tiny_model_dir(work: Path) -> str:
    """A randomly initialised Llama-shaped model with SmolLM2's tokenizer (4 layers, hidden 256)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from firmcorpus.train.model import smollm2_path

    src = smollm2_path()
    cfg = AutoConfig.from_pretrained(src)
    cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers = 256, 768, 4
    cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim = 4, 2, 64
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(cfg)
    out = work / "tiny-llama"
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(src).save_pretrained(out)
    return str(out)


def default_shards(work: Path, tokenizer: str) -> str:
    real = Path("/tmp/fc-train-data/tokens/train")
    if real.is_dir() and any(real.glob("*.ds")):
        return str(real)
    import torch

    from firmcorpus.train.data import tokenize_texts_to_shards

    root = Path(torch.__file__).parent / "include" / "c10"
    texts = [p.read_text(errors="replace") for p in sorted(root.rglob("*.h"))[:400]]
    tokenize_texts_to_shards(texts, tokenizer, work / "tokens")
    return str(work / "tokens")


def run_ours(args, model: str, data: str, out: Path) -> dict:
    from firmcorpus.train.config import load_config
    from firmcorpus.train.loop import train
    from firmcorpus.train.metrics import MetricsLogger, read_metrics

    cfg = load_config(overrides=[
        f"model.name_or_path={model}", f"data.train={data}", "data.heldout=", f"data.seq_len={args.seq_len}",
        f"run.steps={args.steps}", f"run.micro_batch={args.micro_batch}", f"run.grad_accum={args.grad_accum}",
        f"run.out_dir={out}", "run.save_every=0", f"run.threads={args.threads}", "run.progress=false",
        f"lora.r={args.r}", f"lora.alpha={args.alpha}", "optim.lr=5e-4", "optim.warmup_ratio=0.1",
        "run.device=cpu", "run.precision=fp32", "model.dtype=float32", "run.log_every=1"])
    ends: list[float] = []
    log = MetricsLogger.log

    def timed_log(self, rec):  # a train record is logged once per step, right after the optimizer step
        if rec.get("kind") == "train":
            ends.append(time.perf_counter())
        return log(self, rec)

    MetricsLogger.log = timed_log
    try:
        train(cfg)
    finally:
        MetricsLogger.log = log
    rows = read_metrics(out / "metrics.jsonl", "train")
    return {"step_s": _median_interval(ends, args.warmup), "final_loss": rows[-1]["loss"]}


def _median_interval(ends: list[float], warmup: int) -> float:
    """Median time between consecutive step ends, the first ``warmup`` steps excluded."""
    gaps = [b - a for a, b in zip(ends, ends[1:])][max(warmup - 1, 0):]
    return statistics.median(gaps)


def run_trainer(args, model_path: str, data: str, out: Path) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, Trainer, TrainerCallback, TrainingArguments

    from firmcorpus.train.adapter import attach_lora
    from firmcorpus.train.config import LoraSection
    from firmcorpus.train.data import PackedDataset

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    ds = PackedDataset([data], args.seq_len, seed=0)
    n_rows = args.steps * args.micro_batch * args.grad_accum

    class Rows(torch.utils.data.Dataset):
        def __len__(self):
            return n_rows

        def __getitem__(self, i):
            return {k: torch.from_numpy(v) for k, v in ds[i].items()}

    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32, attn_implementation="sdpa")
    model.config.use_cache = False
    model = attach_lora(model, LoraSection(r=args.r, alpha=args.alpha))

    class Timer(TrainerCallback):
        def __init__(self):
            self.ends = []

        def on_step_end(self, *a, **k):
            self.ends.append(time.perf_counter())

    timer = Timer()
    targs = TrainingArguments(
        output_dir=str(out), per_device_train_batch_size=args.micro_batch, gradient_accumulation_steps=args.grad_accum,
        max_steps=args.steps, learning_rate=5e-4, lr_scheduler_type="cosine", warmup_steps=0.1, max_grad_norm=1.0,
        weight_decay=0.0, adam_beta1=0.9, adam_beta2=0.95, adam_epsilon=1e-8, logging_steps=1, save_strategy="no",
        report_to=[], use_cpu=True, dataloader_num_workers=0, seed=0, disable_tqdm=True, remove_unused_columns=False)
    trainer = Trainer(model=model, args=targs, train_dataset=Rows(), callbacks=[timer])
    result = trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {"step_s": _median_interval(timer.ends, args.warmup), "final_loss": losses[-1] if losses else None,
            "train_runtime": result.metrics.get("train_runtime")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="tiny", help="'tiny' (random 4-layer Llama, SmolLM2 vocab) or a model path/alias")
    ap.add_argument("--data", default=None, help="token shard folder (default: the CPU-run shards, else torch headers)")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seq-len", type=int, default=512)
    ap.add_argument("--micro-batch", type=int, default=2)
    ap.add_argument("--grad-accum", type=int, default=2)
    ap.add_argument("--r", type=int, default=64)
    ap.add_argument("--alpha", type=float, default=32.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from firmcorpus.train.model import resolve_model_path

    work = Path(tempfile.mkdtemp(prefix="fc-train-speed-"))
    model = tiny_model_dir(work) if args.model == "tiny" else resolve_model_path(args.model)
    data = args.data or default_shards(work, model)
    tokens_per_step = args.seq_len * args.micro_batch * args.grad_accum
    ours, theirs = [], []
    # ABBA order (ours, Trainer, Trainer, ours, ...): a load that drifts over time hits both alike
    for i in range(args.repeats):
        pair = [("ours", run_ours), ("trainer", run_trainer)]
        for name, fn in (pair if i % 2 == 0 else pair[::-1]):
            (ours if name == "ours" else theirs).append(fn(args, model, data, work / f"{name}{i}"))
    best_ours = min(r["step_s"] for r in ours)
    best_theirs = min(r["step_s"] for r in theirs)
    result = {
        "model": args.model, "data": data, "tokens_per_step": tokens_per_step, "steps": args.steps,
        "threads": args.threads, "lora_r": args.r,
        "ours_tokens_per_s": tokens_per_step / best_ours, "trainer_tokens_per_s": tokens_per_step / best_theirs,
        "ratio_ours_over_trainer": best_theirs / best_ours,
        "ours_runs": ours, "trainer_runs": theirs,
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"| loop | tokens/s (best of {args.repeats}) | median step s | final loss |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| ours (train.loop) | {result['ours_tokens_per_s']:.1f} | {best_ours:.3f} | {ours[-1]['final_loss']:.4f} |")
    print(f"| transformers.Trainer | {result['trainer_tokens_per_s']:.1f} | {best_theirs:.3f} | "
          f"{theirs[-1]['final_loss']:.4f} |")
    print(f"ratio ours / Trainer: {result['ratio_ours_over_trainer']:.3f}")


if __name__ == "__main__":
    main()
