"""The fastText domain model: train, save, load, predict.

Uses ``fasttext-community`` (module ``fasttext``): the wheel datatrove pulls NaNs at random in
training. The model is small on purpose — ``dim=32`` and a 200k-bucket hash table, then
quantised to a ``.ftz`` (product quantisation, vocabulary cut to the most useful words) — a
default 2M-bucket, dim-100 model would be ~760 MB.

Training runs on one thread so the same examples and seed give the same model bytes.
``predict`` always returns all 13 domains (domains absent from training get 0) summing to 1.

The step's decision (how much the rules' evidence counts, the confidence below which a document
is ``general``, how much folder context counts) is learned on held-out repositories
(``jobs.calibrate_decision``) and kept in the model's provenance JSON as ``decision``; ``load`` reads
it (``DEFAULT_DECISION`` for a model without one), and the learned API-prefix lexicon the rules
read (``lexicon``, see ``corpus.domains.lexicon``; empty for a model without one). ``general_weight`` (a multiplier of ``general``'s
score, 1.0 for the shipped model) is still read for older models.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from firmcorpus.core.documents import DOMAINS
from firmcorpus.core.io import atomic_path
from firmcorpus.corpus.domains.features import doc_line, language_of
from firmcorpus.corpus.domains.lexicon import Lexicon

_LABEL = "__label__"
# the step's decision for a model whose JSON has none (see corpus.steps.classify)
DEFAULT_DECISION = {"support_weight": 3.0, "rule_weight": 5.0, "general_threshold": 0.5, "general_margin": 0.0,
                    "folder_weight": 0.3}
DEFAULT_MODEL_NAME = "default_model.ftz"


def default_model_path() -> Path:
    """The shipped model (``corpus/domains/default_model.ftz``)."""
    return Path(__file__).resolve().parent / DEFAULT_MODEL_NAME


@dataclass
class TrainConfig:
    dim: int = 32
    epoch: int = 16
    lr: float = 0.5
    word_ngrams: int = 2
    min_count: int = 2
    bucket: int = 200_000
    seed: int = 0
    quantize: bool = True
    cutoff: int = 60_000  # words kept by quantisation
    dsub: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


class DomainModel:
    """A fastText classifier over ``features.doc_line`` tokens."""

    def __init__(self, ft_model=None, general_weight: float = 1.0, decision: dict | None = None,
                 lexicon: Lexicon | None = None):
        self._ft = ft_model
        self.general_weight = general_weight
        self.decision = {**DEFAULT_DECISION, **(decision or {})}
        self.lexicon = lexicon if lexicon is not None else Lexicon()

    # ------------------------------------------------------------------ training
    @classmethod
    def train(cls, examples: Iterable[tuple[str, str, str, str]], config: TrainConfig | None = None,
              workdir: str | os.PathLike | None = None) -> "DomainModel":
        """Train on ``(text, path, language, domain)`` tuples (order matters for determinism)."""
        import fasttext

        config = config or TrainConfig()
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            train_file = Path(tmp) / "train.txt"
            n = 0
            with open(train_file, "w") as f:
                for text, path, language, domain in examples:
                    if domain not in DOMAINS:
                        raise ValueError(f"unknown domain {domain!r}; use one of {', '.join(DOMAINS)}")
                    line = doc_line(text, path, language or language_of(path))
                    f.write(f"{_LABEL}{domain} {line}\n")
                    n += 1
            if n == 0:
                raise ValueError("no training examples")
            ft = fasttext.train_supervised(
                input=str(train_file), dim=config.dim, epoch=config.epoch, lr=config.lr,
                wordNgrams=config.word_ngrams, minCount=config.min_count, bucket=config.bucket,
                thread=1, seed=config.seed, loss="softmax", verbose=0,
            )
            if config.quantize:
                ft.quantize(input=str(train_file), qnorm=True, retrain=False, cutoff=config.cutoff,
                            dsub=config.dsub, thread=1, verbose=0)
        return cls(ft)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        with atomic_path(path) as tmp:
            self._ft.save_model(str(tmp))
        return path

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "DomainModel":
        import fasttext

        path = Path(path) if path else default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"no domain model at {path}; train one with `firmcorpus classify train`")
        weight, decision, lexicon = 1.0, {}, Lexicon()
        meta = path.with_suffix(".json")
        if meta.is_file():
            try:
                info = json.loads(meta.read_text())
                weight = float(info.get("general_weight", 1.0))
                decision = {k: float(v) for k, v in (info.get("decision") or {}).items() if k in DEFAULT_DECISION}
                lexicon = Lexicon.from_json(info.get("lexicon"))
            except (ValueError, TypeError, AttributeError, IndexError):
                weight, decision, lexicon = 1.0, {}, Lexicon()
        return cls(fasttext.load_model(str(path)), general_weight=weight, decision=decision, lexicon=lexicon)

    @property
    def labels(self) -> list[str]:
        return [lab[len(_LABEL):] for lab in self._ft.get_labels()]

    # ------------------------------------------------------------------ inference
    def predict_line(self, line: str) -> dict[str, float]:
        labels, probs = self._ft.predict(line, k=-1, threshold=0.0)
        scores = {d: 0.0 for d in DOMAINS}
        for lab, p in zip(labels, probs):
            scores[lab[len(_LABEL):]] = float(p)
        scores["general"] *= self.general_weight
        total = sum(scores.values())
        if total <= 0:
            return {d: 1.0 / len(DOMAINS) for d in DOMAINS}
        return {d: v / total for d, v in scores.items()}

    def predict(self, text: str, path: str = "", language: str = "") -> dict[str, float]:
        """Scores of all 13 domains (sum 1) for one document."""
        return self.predict_line(doc_line(text, path, language or language_of(path)))


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
