"""The LM-head cross-entropy, chunked and fused: loss, top-1 hits and the gradient in one pass.

The plain path materialises ``[tokens, vocab]`` logits, runs ``log_softmax`` (one ``exp`` pass,
another ``[tokens, vocab]`` tensor kept for backward) and, in backward, a second ``exp`` pass and
two more ``[tokens, vocab]`` tensors before the head's matmul. Here each chunk of tokens gets its
logits, their log-sum-exp, the loss, the top-1 hits and ``d loss / d hidden`` right away (softmax
minus one-hot, times the head's weight); only that ``[tokens, hidden]`` gradient is kept for
backward. Same FLOPs in the matmuls, one ``exp`` pass instead of two, and the peak memory of one
chunk of logits instead of all of them (OLMo-3's 100k vocabulary × 8k tokens is 3.3 GB in fp32).
The idea is Liger-Kernel's fused linear cross-entropy, written here in plain PyTorch.

It applies when the head is a frozen bias-free ``nn.Linear`` that is not sharded (single process
or DDP): ``use_fused_head`` swaps the model's head for ``nn.Identity`` (so the model returns its
last hidden states through every wrapper) and hands back the head's weight. A trained head
(``modules_to_save``), a LoRA-wrapped head or FSDP keep the plain path.
"""

from __future__ import annotations

from typing import Any

import torch

from firmcorpus.train.data import IGNORE_INDEX


class _FusedHeadCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor, chunk: int):
        need_grad = ctx.needs_input_grad[0]
        grad = torch.empty_like(hidden) if need_grad else None
        loss = torch.zeros((), dtype=torch.float32, device=hidden.device)
        correct = torch.zeros((), dtype=torch.int64, device=hidden.device)
        for s in range(0, hidden.shape[0], chunk):
            h, t = hidden[s:s + chunk], target[s:s + chunk]
            valid = t != IGNORE_INDEX
            tc = t.clamp_min(0)
            logits = (h @ weight.t()).float()
            top = logits.amax(-1)
            picked = logits.gather(-1, tc.unsqueeze(-1)).squeeze(-1)
            correct += ((picked >= top) & valid).sum()  # an exact tie with another token counts as a hit
            e = logits.sub_(top.unsqueeze(-1)).exp_()  # in place: the chunk's logits are not needed again
            total = e.sum(-1)
            loss += ((total.log() + top - picked) * valid).sum()
            if grad is not None:
                p = e.div_(total.unsqueeze(-1))  # softmax
                p[torch.arange(p.shape[0], device=p.device), tc] -= 1.0
                p.mul_(valid.unsqueeze(-1))
                grad[s:s + chunk] = p.to(weight.dtype) @ weight
        ctx.mark_non_differentiable(correct)
        if grad is not None:
            ctx.save_for_backward(grad)
        return loss, correct

    @staticmethod
    def backward(ctx, g_loss: torch.Tensor, _g_correct: Any):
        (grad,) = ctx.saved_tensors
        return grad * g_loss.to(grad.dtype), None, None, None


def fused_head_loss(hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor,
                    chunk: int = 1024) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum of token cross-entropy, top-1 hits) of ``hidden @ weight.T`` against ``target``.

    ``hidden`` is ``[..., H]``, ``target`` the matching ``[...]`` token ids with ``IGNORE_INDEX``
    where no token is predicted; gradients flow to ``hidden`` only (the head is frozen).
    """
    h = hidden.reshape(-1, hidden.shape[-1])
    return _FusedHeadCE.apply(h, weight, target.reshape(-1), max(1, int(chunk)))


def use_fused_head(peft_model: Any, distributed: str, world_size: int) -> tuple[torch.Tensor | None, str]:
    """Swap a frozen, plain, unsharded LM head for ``nn.Identity``; returns (its weight, why / why not)."""
    base = peft_model.get_base_model() if hasattr(peft_model, "get_base_model") else peft_model
    head = base.get_output_embeddings()
    if world_size > 1 and distributed == "fsdp":
        return None, "plain (FSDP shards the head)"
    if type(head) is not torch.nn.Linear:  # a LoRA layer, modules_to_save wrapper or custom head
        return None, f"plain (head is {type(head).__name__})"
    if head.bias is not None or head.weight.requires_grad:
        return None, "plain (head has a bias or trains)"
    base.set_output_embeddings(torch.nn.Identity())
    return head.weight, "fused"
