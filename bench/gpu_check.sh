#!/usr/bin/env bash
# GPU check of the training path, <= 8 minutes on one H100 (CI never runs it: CI has no GPU).
#   bf16 + sdpa (and flash_attention_2 when flash_attn imports) on SmolLM2-135M for a few hundred steps:
#   tokens/s, MFU, peak memory; loss parity bf16 vs fp32 over the first steps (bound 2%);
#   with >= 2 GPUs a 2-process NCCL DDP and FSDP2 smoke (torchrun).
# Usage: bash bench/gpu_check.sh [OUT_DIR] [extra args for bench/train_gpu_check.py, e.g. --tokens OUT/tokens/train]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/gpu-check}"
shift || true
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || { echo "no nvidia-smi: needs a GPU"; exit 2; }
"$PY" -c "import torch; assert torch.cuda.is_available(), 'torch sees no CUDA device (CPU wheel?)'; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
# 470 s for the Python part leaves margin inside the 8-minute budget (model conversion is cached after the first run)
timeout 470 "$PY" bench/train_gpu_check.py --out "$OUT" --steps "${GPU_CHECK_STEPS:-300}" "$@"
