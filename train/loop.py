"""The training loop, top to bottom: setup, data, model + adapter, optimizer, loop, eval, checkpoint, export.

Launch: ``firmcorpus train …`` for one process; ``torchrun --nproc-per-node N -m firmcorpus train …``
(or ``accelerate launch``) for several. The launcher sets ``RANK/WORLD_SIZE/LOCAL_RANK``; this module
joins the process group (NCCL on GPU, gloo on CPU) and wraps the model in DDP, or FSDP2
(``fully_shard`` per decoder layer) with ``run.distributed=fsdp``.

Loss normalisation: an optimizer step sums token cross-entropies over every micro-batch of every
rank and divides by the step's total count of predicted tokens (all-reduced before the first
backward), so 1×8, 8×1 and 2 ranks×4 give the same loss and the same gradients up to float
rounding. DDP averages gradients over ranks, hence the ``world_size`` factor on each micro loss.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from firmcorpus.core.errors import UserError
from firmcorpus.train.adapter import attach_lora, effective_scale, parameter_table, print_parameter_table
from firmcorpus.train.checkpoint import (
    latest_checkpoint,
    load_checkpoint,
    save_adapter,
    save_checkpoint,
    trainable_state_dict,
)
from firmcorpus.train.config import TrainConfig, lr_at
from firmcorpus.train.data import IGNORE_INDEX, PackedDataset, domain_folders, sample_indices
from firmcorpus.train.evalset import load_eval_set, paired_doc_deltas, parquet_files, score_documents, stats_by_domain
from firmcorpus.train.export import export_merged
from firmcorpus.train.lm_loss import fused_head_loss, use_fused_head
from firmcorpus.train.metrics import FLOPS_CONVENTION, MetricsLogger, flops_per_token, peak_flops
from firmcorpus.train.model import load_tokenizer, resolve_model_path


@dataclass
class Env:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def main(self) -> bool:
        return self.rank == 0


_MPI_VARS = (("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK"),
             ("PMI_SIZE", "PMI_RANK", "MPI_LOCALRANKID"))


def launcher_world() -> tuple[int, int, int]:
    """(world size, rank, local rank) from torchrun / ``accelerate launch --multi_gpu`` variables, or mpirun's
    (``accelerate launch --mpirun_hostfile``). Refuses an ``accelerate launch --num_processes N`` that started
    one plain process (accelerate's simple launcher, used for ``--cpu`` or without ``--multi_gpu``)."""
    env = os.environ
    if "WORLD_SIZE" in env:
        return int(env["WORLD_SIZE"]), int(env.get("RANK", "0")), int(env.get("LOCAL_RANK", "0"))
    for size, rank, local in _MPI_VARS:
        if size in env:
            env.setdefault("MASTER_ADDR", "127.0.0.1")
            env.setdefault("MASTER_PORT", "29500")
            env["WORLD_SIZE"], env["RANK"], env["LOCAL_RANK"] = env[size], env.get(rank, "0"), env.get(local, "0")
            return int(env["WORLD_SIZE"]), int(env["RANK"]), int(env["LOCAL_RANK"])
    if "ACCELERATE_USE_CPU" in env and "MASTER_ADDR" in env:
        raise UserError("accelerate launch started a single process although several were asked for (its simple "
                        "launcher): use `accelerate launch --multi_gpu --num_processes N -m firmcorpus train …` "
                        "(torchrun underneath; on CPU the loop uses gloo) or `torchrun --nproc-per-node N`")
    return 1, 0, 0


def setup_env(cfg: TrainConfig) -> Env:
    """Join the process group when launched by torchrun/accelerate; choose the device."""
    world, _rank, local_rank = launcher_world()
    want = cfg.run.device
    if want == "auto":
        want = "cuda" if torch.cuda.is_available() else "cpu"
    if want == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("run.device=cuda but no CUDA device is visible; use --set run.device=cpu")
    device = torch.device("cuda", local_rank) if want == "cuda" else torch.device("cpu")
    if want == "cuda":
        torch.cuda.set_device(device)
    rank = 0
    if world > 1:
        import torch.distributed as dist

        if not dist.is_initialized():
            dist.init_process_group(backend="nccl" if want == "cuda" else "gloo")
        rank = dist.get_rank()
    return Env(rank, world, local_rank, device)


def _all_reduce(t: torch.Tensor, env: Env) -> torch.Tensor:
    if env.world_size > 1:
        import torch.distributed as dist

        dist.all_reduce(t)
    return t


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def base_dtype(cfg: TrainConfig, env: Env) -> torch.dtype:
    name = cfg.model.dtype
    if name == "auto":
        return torch.bfloat16 if env.device.type == "cuda" else torch.float32
    return getattr(torch, name)


def autocast_ctx(cfg: TrainConfig, env: Env):
    precision = cfg.run.precision
    if precision == "auto":
        precision = "bf16" if env.device.type == "cuda" else "fp32"
    if precision == "bf16":
        return torch.autocast(device_type=env.device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def build_model(cfg: TrainConfig, env: Env):
    """Base model (frozen) + fresh rsLoRA adapter, on ``env.device``; returns (peft_model, tokenizer)."""
    from transformers import AutoModelForCausalLM

    path = resolve_model_path(cfg.model.name_or_path)
    local = Path(path).is_dir() or os.environ.get("HF_HUB_OFFLINE", "") in ("1", "true")
    model = AutoModelForCausalLM.from_pretrained(path, dtype=base_dtype(cfg, env), local_files_only=local,
                                                 attn_implementation=cfg.model.attn_implementation)
    model.config.use_cache = False  # packed-document isolation needs no KV cache (see train.data)
    if cfg.model.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.to(env.device)
    peft_model = attach_lora(model, cfg.lora)
    tokenizer = load_tokenizer(path)
    return peft_model, tokenizer


def wrap_distributed(peft_model: Any, cfg: TrainConfig, env: Env) -> Any:
    if env.world_size == 1:
        return peft_model
    if cfg.run.distributed == "fsdp":
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        # a bf16 base with fp32 LoRA weights: all-gather in bf16 (one dtype per group), reduce in fp32
        kw = {}
        if base_dtype(cfg, env) != torch.float32:
            kw["mp_policy"] = MixedPrecisionPolicy(param_dtype=base_dtype(cfg, env), reduce_dtype=torch.float32)
        layer_names = set(getattr(peft_model.get_base_model(), "_no_split_modules", None) or ())
        for module in peft_model.modules():
            if type(module).__name__ in layer_names:
                fully_shard(module, **kw)
        fully_shard(peft_model, **kw)
        return peft_model
    from torch.nn.parallel import DistributedDataParallel as DDP

    return DDP(peft_model, device_ids=[env.device.index] if env.device.type == "cuda" else None)


def _flatten_rows(cfg: TrainConfig) -> bool:
    # flash-attention derives per-document cu_seqlens from position_ids only for batch size 1
    return cfg.model.attn_implementation.startswith("flash")


def forward_sums(model: Any, batch: dict, env: Env, flatten: bool, head: torch.Tensor | None = None,
                 chunk: int = 1024) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(sum of token cross-entropy, predicted tokens, correct top-1 predictions) of one micro-batch.

    With ``head`` (the LM head's weight, see ``train.lm_loss.use_fused_head``) the model returns its
    last hidden states and the loss is the chunked fused cross-entropy; otherwise plain logits.
    """
    ids = batch["input_ids"].to(env.device, non_blocking=True)
    labels = batch["labels"].to(env.device, non_blocking=True)
    pos = batch["position_ids"].to(env.device, non_blocking=True)
    if flatten:
        ids, labels, pos = ids.reshape(1, -1), labels.reshape(1, -1), pos.reshape(1, -1)
    out = model(input_ids=ids, position_ids=pos, use_cache=False).logits
    # shift the labels, not the logits: slicing [B, L, V] logits would copy them (and their gradient)
    target = F.pad(labels[:, 1:], (0, 1), value=IGNORE_INDEX)
    mask = target != IGNORE_INDEX
    n_tok = mask.sum()
    if head is not None:
        loss_sum, correct = fused_head_loss(out, head, target, chunk)
        return loss_sum, n_tok, correct
    logits = out
    flat = logits.view(-1, logits.shape[-1])
    loss_sum = F.cross_entropy(flat if flat.dtype == torch.float32 else flat.float(), target.reshape(-1),
                               ignore_index=IGNORE_INDEX, reduction="sum")
    with torch.no_grad():
        # top-1 hit = the target's logit is the row maximum; amax + gather is ~4x faster than argmax
        # on CPU (argmax is a scalar loop there), and an exact tie with another token is a hit too
        picked = logits.gather(-1, target.clamp_min(0).unsqueeze(-1)).squeeze(-1)
        correct = ((picked >= logits.amax(-1)) & mask).sum()
    return loss_sum, n_tok, correct


def count_targets(batch: dict) -> int:
    """Tokens that enter the loss: labels shifted by one, ``-100`` excluded (row starts never count)."""
    return int((batch["labels"][:, 1:] != IGNORE_INDEX).sum())


@torch.no_grad()
def evaluate(model: Any, datasets: dict[str, PackedDataset], cfg: TrainConfig, env: Env,
             head: torch.Tensor | None = None) -> dict[str, dict]:
    """Held-out loss / perplexity / token accuracy per domain on the first ``run.eval_rows`` rows."""
    was_training = model.training
    model.eval()
    out = {}
    total, total_rows = None, 0
    flatten = _flatten_rows(cfg)
    for name, ds in datasets.items():
        n = min(cfg.run.eval_rows, len(ds))
        n = max(env.world_size, n - n % env.world_size)  # equal work per rank (FSDP forwards are collective)
        mine = [i % len(ds) for i in range(env.rank, n, env.world_size)]
        sums = torch.zeros(3, dtype=torch.float64, device=env.device)
        for start in range(0, len(mine), cfg.run.micro_batch):
            batch = ds.batch(mine[start:start + cfg.run.micro_batch])
            with autocast_ctx(cfg, env):
                loss_sum, n_tok, correct = forward_sums(model, batch, env, flatten, head, cfg.run.loss_chunk_tokens)
            sums += torch.stack([loss_sum.double(), n_tok.double(), correct.double()])
        _all_reduce(sums, env)
        out[name] = _eval_record(sums, n)
        total = total + sums if total is not None else sums.clone()
        total_rows += n
    if len(out) > 1:
        out["all"] = _eval_record(total, total_rows)
    model.train(was_training)
    return out


def _eval_record(sums: torch.Tensor, rows: int) -> dict[str, Any]:
    loss = float(sums[0] / sums[1]) if sums[1] > 0 else float("nan")
    return {"loss": loss, "ppl": math.exp(min(loss, 50.0)), "acc": float(sums[2] / max(sums[1], 1)),
            "tokens": int(sums[1]), "rows": rows}


class DocEvalSet:
    """The shared held-out evaluation set (``train.evalset``): documents per domain, every token scored."""

    def __init__(self, cfg: TrainConfig, tokenizer: Any):
        self.docs = load_eval_set(cfg.data.heldout_text, cfg.run.eval_docs, cfg.data.seed)
        if not self.docs:
            raise ValueError(f"data.heldout_text={cfg.data.heldout_text}: no non-empty documents")
        self.tokenizer = tokenizer
        self.rows: list[dict] = []  # per-document rows of the latest evaluation

    def __bool__(self) -> bool:
        return True

    @torch.no_grad()
    def evaluate(self, peft_model: Any, cfg: TrainConfig, env: Env, head: torch.Tensor | None = None,
                 n_boot: int = 200) -> dict[str, dict]:
        """Every rank scores every document (FSDP forwards are collective; the set is small)."""
        was_training = peft_model.training
        peft_model.eval()
        window = cfg.data.seq_len
        self.rows = score_documents(peft_model, self.tokenizer, self.docs, window=window, stride=max(1, window // 2),
                                    max_doc_tokens=cfg.run.eval_max_doc_tokens or None, head=head,
                                    autocast=lambda: autocast_ctx(cfg, env))
        peft_model.train(was_training)
        out = stats_by_domain(self.rows, n_boot=n_boot, seed=cfg.data.seed)
        for rec in out.values():
            rec["acc"] = rec["top1"]
            rec["rows"] = rec["docs"]
        return out


def heldout_datasets(cfg: TrainConfig) -> dict[str, PackedDataset]:
    """One dataset per held-out folder, or per domain sub-folder of it when it has them.

    ``evaluate`` adds an ``all`` entry: the token-weighted pool of every set (no extra forward passes).
    """
    spec = cfg.data.heldout
    if not spec:
        return {}
    folders = spec if isinstance(spec, (list, dict)) else [spec]
    out: dict[str, PackedDataset] = {}
    for folder in folders:
        subs = domain_folders(folder) or {("all" if len(folders) == 1 else Path(folder).name): Path(folder)}
        for name, sub in subs.items():
            try:
                out[name] = PackedDataset(sub, cfg.data.seq_len, seed=cfg.data.seed + 1)
            except ValueError:  # fewer tokens than one row: too small to evaluate on its own
                continue
    return out


def accumulate(model: Any, batches: list[dict], cfg: TrainConfig, env: Env, flatten: bool,
               head: torch.Tensor | None = None) -> torch.Tensor:
    """Forward + backward over one step's micro-batches; gradients = d(sum CE / all predicted tokens).

    Returns the local ``[loss_sum, predicted_tokens, correct]`` (not yet all-reduced).
    """
    n_global = _all_reduce(torch.tensor([sum(count_targets(b) for b in batches)], dtype=torch.float64,
                                        device=env.device), env).item()
    sums = torch.zeros(3, dtype=torch.float64, device=env.device)
    for m, batch in enumerate(batches):
        last_micro = m == len(batches) - 1
        with _sync_ctx(model, last_micro):
            if last_micro and hasattr(model, "set_requires_gradient_sync"):
                model.set_requires_gradient_sync(True)
            with autocast_ctx(cfg, env):
                loss_sum, n_tok, correct = forward_sums(model, batch, env, flatten, head, cfg.run.loss_chunk_tokens)
            # DDP/FSDP average gradients over ranks: the world_size factor turns that into a global sum
            (loss_sum * (env.world_size / max(n_global, 1.0))).backward()
        sums += torch.stack([loss_sum.detach().double(), n_tok.double(), correct.double()])
    return sums


def _modules_to_save_fingerprint(peft_model: Any) -> dict[str, float]:
    out = {}
    for name, p in peft_model.named_parameters():
        if p.requires_grad and "modules_to_save" in name:
            t = p.detach()
            t = t.full_tensor() if hasattr(t, "full_tensor") else t
            out[name] = float(t.float().abs().sum())
    return out


def _sync_ctx(model: Any, last_micro: bool):
    """Skip the DDP gradient all-reduce on all but the last micro-batch of a step."""
    if last_micro:
        return contextlib.nullcontext()
    if hasattr(model, "no_sync"):
        return model.no_sync()
    if hasattr(model, "set_requires_gradient_sync"):  # FSDP2
        model.set_requires_gradient_sync(False)
    return contextlib.nullcontext()


def train(cfg: TrainConfig, console: Any = None) -> dict[str, Any]:
    """Run (or resume) training as configured; returns the run summary (also in ``out_dir/summary.json``)."""

    env = setup_env(cfg)
    console = console or Console(stderr=True)
    say = console.print if env.main else (lambda *a, **k: None)
    if cfg.run.threads > 0 and env.device.type == "cpu":
        torch.set_num_threads(cfg.run.threads)
    out_dir = Path(cfg.run.out_dir)
    if env.main:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "config.yaml").write_text(cfg.to_yaml())

    # ---- data -----------------------------------------------------------------------------------
    train_ds = PackedDataset(cfg.data.train if isinstance(cfg.data.train, (list, dict)) else [cfg.data.train],
                             cfg.data.seq_len, seed=cfg.data.seed)
    eval_sets = heldout_datasets(cfg) if not cfg.data.heldout_text else {}
    if cfg.data.heldout_text:  # a wrong path fails here, in one line, before the model loads
        try:
            parquet_files(cfg.data.heldout_text)
        except FileNotFoundError as exc:
            raise UserError(f"data.heldout_text: {exc}") from None
    total = cfg.total_steps(env.world_size)
    rows_per_step = env.world_size * cfg.run.micro_batch * cfg.run.grad_accum

    # ---- model + adapter ------------------------------------------------------------------------
    seed_everything(cfg.run.seed)
    peft_model, tokenizer = build_model(cfg, env)
    doc_set = DocEvalSet(cfg, tokenizer) if cfg.data.heldout_text else None
    table = parameter_table(peft_model)
    if env.main:
        print_parameter_table(table, effective_scale(cfg.lora), cfg.lora, console)
    def run_eval() -> dict[str, dict]:
        if doc_set is not None:
            return doc_set.evaluate(peft_model, cfg, env, head)
        return evaluate(model, eval_sets, cfg, env, head)

    fpt = flops_per_token(peft_model, peft_model.config, cfg.data.seq_len)
    peak = peak_flops(env.device, cfg.run.peak_tflops)
    head, loss_impl = None, "plain (run.loss_chunk_tokens = 0)"
    if cfg.run.loss_chunk_tokens > 0:
        head, loss_impl = use_fused_head(peft_model, cfg.run.distributed, env.world_size)
    model = wrap_distributed(peft_model, cfg, env)
    model.train()

    params = [p for p in model.parameters() if p.requires_grad]
    # the fused kernel (CPU and CUDA) when parameters are plain tensors; FSDP's DTensors take foreach
    optimizer = torch.optim.AdamW(params, lr=cfg.optim.lr, betas=tuple(cfg.optim.betas), eps=cfg.optim.eps,
                                  weight_decay=cfg.optim.weight_decay,
                                  fused=not (env.world_size > 1 and cfg.run.distributed == "fsdp"))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_at(cfg, s, total))

    # ---- resume ---------------------------------------------------------------------------------
    start_step, tokens_seen, resumed_from = 0, 0, None
    ckpt = latest_checkpoint(out_dir) if cfg.run.resume else None
    if ckpt is not None:
        state = load_checkpoint(ckpt, model, peft_model, optimizer, scheduler, env.rank)
        for key, now in (("world_size", env.world_size), ("rows_per_step", rows_per_step),
                         ("seq_len", cfg.data.seq_len), ("data_seed", cfg.data.seed)):
            if state.get(key) != now:
                raise RuntimeError(f"cannot resume {ckpt}: {key} was {state.get(key)}, now {now}; "
                                   f"use the same settings or a new run.out_dir")
        start_step, tokens_seen, resumed_from = state["step"], state["tokens_seen"], str(ckpt)
        say(f"[bold]resumed[/] from {ckpt} at step {start_step}")
    metrics = MetricsLogger(out_dir / "metrics.jsonl", enabled=env.main, tensorboard=cfg.run.tensorboard,
                            wandb=cfg.run.wandb, config=cfg.to_dict(),
                            truncate_after_step=start_step if resumed_from else None)
    if not resumed_from:
        metrics.log({"kind": "header", "step": 0, "flops_convention": FLOPS_CONVENTION, "flops_per_token": fpt,
                     "params": table, "world_size": env.world_size, "total_steps": total,
                     "tokens_per_step": cfg.tokens_per_step(env.world_size), "rows_per_epoch": len(train_ds),
                     "train_tokens": train_ds.n_tokens, "rsLoRA_scale": effective_scale(cfg.lora),
                     "lm_loss": loss_impl})
    say(f"{total} steps × {cfg.tokens_per_step(env.world_size):,} tokens/step "
        f"({env.world_size} device(s) × {cfg.run.micro_batch} rows × {cfg.run.grad_accum} accum × {cfg.data.seq_len}); "
        f"train set {train_ds.n_tokens:,} tokens = {len(train_ds):,} rows/epoch")

    eval_first = None
    has_eval = bool(eval_sets) or doc_set is not None
    if has_eval and not resumed_from and cfg.run.eval_at_start:
        eval_first = run_eval()  # LoRA B starts at zero: this is the base model
        metrics.log({"kind": "eval", "step": 0, "eval": eval_first})
        say(_eval_line(0, eval_first))
        if doc_set is not None and env.main:
            _write_rows(out_dir / "eval_docs_start.jsonl", doc_set.rows)
    elif resumed_from:
        eval_first = _first_eval(out_dir / "metrics.jsonl")  # the summary keeps the base model's evaluation

    # ---- loop -----------------------------------------------------------------------------------
    flatten = _flatten_rows(cfg)
    fingerprint = _modules_to_save_fingerprint(peft_model) if cfg.lora.modules_to_save else {}
    last = {}
    eval_last = eval_first
    saved_at = start_step if resumed_from else -1
    progress = _progress(console, env.main and cfg.run.progress)
    task = progress.add_task("train", total=total, completed=start_step, loss=float("nan"))
    with progress:
        for step in range(start_step, total):
            t0 = time.perf_counter()
            batches = [train_ds.batch(sample_indices(step, m, cfg.run.grad_accum, cfg.run.micro_batch,
                                                     env.rank, env.world_size))
                       for m in range(cfg.run.grad_accum)]
            sums = accumulate(model, batches, cfg, env, flatten, head)
            if cfg.optim.max_grad_norm > 0:
                grad_norm = torch.nn.utils.clip_grad_norm_(params, cfg.optim.max_grad_norm)
            else:
                grad_norm = torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])
            grad_norm = float(grad_norm.full_tensor() if hasattr(grad_norm, "full_tensor") else grad_norm)
            lr = scheduler.get_last_lr()[0]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            _all_reduce(sums, env)
            if env.device.type == "cuda":
                torch.cuda.synchronize(env.device)
            dt = time.perf_counter() - t0
            step_tokens = rows_per_step * cfg.data.seq_len
            tokens_seen += step_tokens
            if fingerprint and step == start_step:
                _check_modules_to_save(fingerprint, _modules_to_save_fingerprint(peft_model))
                fingerprint = {}
            loss = float(sums[0] / sums[1])
            per_dev = step_tokens / dt / env.world_size
            last = {"kind": "train", "step": step + 1, "loss": loss, "ppl": math.exp(min(loss, 50.0)),
                    "acc": float(sums[2] / sums[1]), "grad_norm": grad_norm, "lr": lr, "tokens_seen": tokens_seen,
                    "loss_tokens": int(sums[1]), "epoch": (step + 1) * rows_per_step / len(train_ds),
                    "tokens_per_s_per_device": per_dev, "tokens_per_s_total": per_dev * env.world_size,
                    "mfu": (fpt * per_dev / peak) if peak else None, "step_s": dt}
            if (step + 1) % max(1, cfg.run.log_every) == 0 or step + 1 == total:
                metrics.log(last)
            progress.update(task, advance=1, loss=loss)
            if has_eval and cfg.run.eval_every > 0 and (step + 1) % cfg.run.eval_every == 0 and step + 1 < total:
                eval_last = run_eval()
                metrics.log({"kind": "eval", "step": step + 1, "eval": eval_last})
                progress.console.print(_eval_line(step + 1, eval_last)) if env.main else None
            if cfg.run.save_every > 0 and (step + 1) % cfg.run.save_every == 0:
                _save(cfg, env, out_dir, step + 1, model, peft_model, optimizer, scheduler, tokens_seen,
                      rows_per_step, save_checkpoint)
                saved_at = step + 1

    # ---- end: final eval, checkpoint, export ----------------------------------------------------
    eval_delta = None
    # a run stopped after its last checkpoint but before (or during) its final evaluation gets it on resume
    logged_end = _first_eval(out_dir / "metrics.jsonl", total) if resumed_from and total == start_step else None
    if logged_end is not None:
        eval_last = logged_end
    if has_eval and (total > start_step or (resumed_from and logged_end is None)):
        eval_last = run_eval()
        metrics.log({"kind": "eval", "step": total, "eval": eval_last})
        say(_eval_line(total, eval_last))
        if doc_set is not None and env.main:
            _write_rows(out_dir / "eval_docs_end.jsonl", doc_set.rows)
    if doc_set is not None and env.main and (out_dir / "eval_docs_start.jsonl").is_file() \
            and (out_dir / "eval_docs_end.jsonl").is_file():
        start_rows = _read_rows(out_dir / "eval_docs_start.jsonl")
        end_rows = _read_rows(out_dir / "eval_docs_end.jsonl")
        eval_delta = {dom: paired_doc_deltas([r for r in start_rows if dom in ("all", r["domain"])],
                                             [r for r in end_rows if dom in ("all", r["domain"])], seed=cfg.data.seed)
                      for dom in sorted({r["domain"] for r in end_rows}) + ["all"]}
    if saved_at != total:
        _save(cfg, env, out_dir, total, model, peft_model, optimizer, scheduler, tokens_seen, rows_per_step,
              save_checkpoint)
    weights = trainable_state_dict(model)
    adapter_dir = out_dir / "adapter"
    merged_dir = None
    if env.main:
        save_adapter(peft_model, weights, adapter_dir)
    if cfg.run.export_merged and env.main:
        merged_dir = out_dir / "merged"
        export_merged(cfg.model.name_or_path, adapter_dir, merged_dir, dtype=cfg.run.merged_dtype)
    metrics.close()
    summary = {"out_dir": str(out_dir), "steps": total, "world_size": env.world_size, "resumed_from": resumed_from,
               "tokens_seen": tokens_seen, "final": last, "eval_start": eval_first, "eval_end": eval_last,
               "eval_delta": eval_delta,
               "adapter": str(adapter_dir), "merged": str(merged_dir) if merged_dir else None,
               "params": {k: table[k] for k in ("total", "trainable", "trainable_pct")},
               "rsLoRA_scale": effective_scale(cfg.lora), "flops_convention": FLOPS_CONVENTION}
    if env.main:
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
    if env.world_size > 1:
        import torch.distributed as dist

        dist.barrier()
    return summary


def _save(cfg, env, out_dir, step, model, peft_model, optimizer, scheduler, tokens_seen, rows_per_step, save_fn):
    state = {"tokens_seen": tokens_seen, "rows_consumed": step * rows_per_step, "world_size": env.world_size,
             "rows_per_step": rows_per_step, "seq_len": cfg.data.seq_len, "data_seed": cfg.data.seed}
    save_fn(out_dir, step, model, peft_model, optimizer, scheduler, state, cfg.to_yaml(), cfg.run.keep_last, env.rank)


def _write_rows(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    os.replace(tmp, path)


def _read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _first_eval(metrics_path: Path, step: int = 0) -> dict | None:
    """The evaluation logged at ``step`` (0: the base model's, kept in the summary after a resume)."""
    if not metrics_path.is_file():
        return None
    for line in metrics_path.read_text().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("kind") == "eval" and rec.get("step") == step:
            return rec.get("eval")
    return None


def _check_modules_to_save(before: dict[str, float], after: dict[str, float]) -> None:
    frozen = [k for k, v in before.items() if after.get(k) == v]
    if frozen:
        raise RuntimeError(f"modules_to_save did not change after the first optimizer step: {frozen[:3]}; "
                           "check that they receive gradients (tied embeddings, requires_grad)")


def _eval_line(step: int, ev: dict[str, dict]) -> str:
    parts = [f"{k}: ppl {v['ppl']:.3f} acc {v['acc']:.3f}" + (f" bpb {v['bpb']:.4f}" if v.get("bpb") else "")
             for k, v in ev.items()]
    return f"[cyan]eval step {step}[/] " + " | ".join(parts)


def _progress(console: Any, enabled: bool):
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("loss {task.fields[loss]:.4f}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=console, disable=not enabled)
