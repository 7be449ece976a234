"""Held-out evaluation of a training checkpoint (or the base model) with the run's own rows.

Uses the same ``heldout_datasets``/``evaluate`` as the training loop, so numbers are comparable
with the run's ``kind=eval`` records. For runs cut short before their final evaluation.

    python bench/train_eval_checkpoint.py RUN_DIR [--checkpoint step-000020] [--base]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--checkpoint", default=None, help="checkpoint folder name (default: newest)")
    ap.add_argument("--base", action="store_true", help="evaluate the base model instead")
    args = ap.parse_args()

    import torch

    from firmcorpus.train.checkpoint import latest_checkpoint
    from firmcorpus.train.config import from_dict
    from firmcorpus.train.loop import Env, evaluate, heldout_datasets
    from firmcorpus.train.model import load_causal_lm

    run = Path(args.run_dir)
    import yaml

    cfg = from_dict(yaml.safe_load((run / "config.yaml").read_text()))
    if cfg.run.threads > 0:
        torch.set_num_threads(cfg.run.threads)
    ckpt = run / "checkpoints" / args.checkpoint if args.checkpoint else latest_checkpoint(run)
    adapter = None if args.base else str(ckpt / "adapter")
    model, _ = load_causal_lm(cfg.model.name_or_path, dtype=torch.float32, adapter=adapter)
    result = evaluate(model, heldout_datasets(cfg), cfg, Env(0, 1, 0, torch.device("cpu")))
    print(json.dumps({"checkpoint": None if args.base else str(ckpt), "eval": result}, indent=1))


if __name__ == "__main__":
    main()
