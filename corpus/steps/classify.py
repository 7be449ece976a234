"""DomainClassifier: label every document with one of the 13 embedded domains.

The fastText model (``corpus.domains.model.DomainModel``) scores all 13 domains; the rules are a
prior on top of it, not a veto: a domain the document shows some evidence of
(``rules.supported_domains``) gains ``support_weight`` in log space, the domain of a confident rule
label (``rules.weak_label``) gains ``rule_weight`` × its confidence, and the result is renormalised
(``domain_scores``). The top non-``general`` domain is the label when its score reaches
``general_threshold`` and ``general_margin`` times ``general``'s score; otherwise the document is
``general``. The weights and the threshold are
learned on held-out repositories (``jobs.calibrate_decision``) and kept in the model's JSON.
Where a rule fired the step records whether rule and model agree (stats ``rule_model_agree`` /
``rule_model_disagree``), which is how a build checks its rules against the model.

Folder context: files of one folder of one repository share evidence, each file's scores mixed with
the folder's mean by ``folder_weight`` before the decision.
"""

from __future__ import annotations

import math
import re
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import DOMAINS
from firmcorpus.corpus.domains.features import language_of
from firmcorpus.corpus.domains.model import DomainModel
from firmcorpus.corpus.domains.rules import supported_domains, weak_label

_VENDOR_PROSE = [
    # datasheet prose: which vendor family a datasheet documents (counted, case-sensitive names)
    ("stm32_hal", re.compile(r"\bSTM32[A-Z0-9]*\b")),
    ("infineon_aurix", re.compile(r"\bAURIX\b|\bTriCore\b|\bTC3[0-9]{2}\b")),
    ("nxp_imx", re.compile(r"\bi\.MX\s?[0-9A-Z]*|\bLPC[0-9]{3,4}\b|\bKinetis\b|\bMCUXpresso\b")),
    ("zephyr_rtos", re.compile(r"\bZephyr\b")),
    ("usb_stack", re.compile(r"\bUSB\b|\bxHCI\b|\bEHCI\b")),
    ("wireless_ble_wifi", re.compile(r"\bBluetooth\b|\bBLE\b|\b802\.11[a-z]*\b|\bWi-?Fi\b|\bWLAN\b")),
    ("crypto", re.compile(r"\bAES\b|\bSHA-?(1|256|384|512)\b|\bRSA\b|\bECC\b|\bcryptograph")),
]
_REGISTER_WORD = re.compile(r"\bregisters?\b", re.I)


def datasheet_label(text: str) -> tuple[str, float]:
    """Domain of a datasheet: its vendor family or topic when it is plainly named, else by shape."""
    counts = {d: len(rx.findall(text[:400_000])) for d, rx in _VENDOR_PROSE}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= 10 and top >= 3 * second:
        return best, 0.8
    if len(_REGISTER_WORD.findall(text[:400_000])) >= 10:
        return "register_defines", 0.8
    return "general", 0.8


def combine(scores: dict[str, float], supported: set[str], rule: tuple[str, float] | None,
            support_weight: float, rule_weight: float, rule_threshold: float = 0.8) -> dict[str, float]:
    """The model's scores with the rules as a prior: log score, + ``support_weight`` for each
    non-``general`` domain the document shows evidence of, + ``rule_weight`` × confidence for a rule
    label of at least ``rule_threshold``; renormalised to sum 1 (all 13 domains)."""
    z = {}
    for d in DOMAINS:
        v = math.log(scores.get(d, 0.0) + 1e-6)
        if d != "general" and d in supported:
            v += support_weight
        if rule is not None and rule[1] >= rule_threshold and d == rule[0]:
            v += rule_weight * rule[1]
        z[d] = v
    top = max(z.values())
    e = {d: math.exp(v - top) for d, v in z.items()}
    total = sum(e.values())
    return {d: v / total for d, v in e.items()}


def decide(scores: dict[str, float], general_threshold: float, general_margin: float = 0.0) -> str:
    """The top non-``general`` domain when its score reaches ``general_threshold`` and
    ``general_margin`` × ``general``'s score, else ``general``."""
    top = max((d for d in DOMAINS if d != "general"), key=lambda d: (scores[d], -DOMAINS.index(d)))
    ok = scores[top] >= general_threshold and scores[top] >= general_margin * scores["general"]
    return top if ok else "general"


def reported_scores(scores: dict[str, float], domain: str) -> dict[str, float]:
    """``scores`` made consistent with the decision: when the threshold chose ``general``, it gets
    the top score (the mass it needs is taken from the others in proportion); sum 1."""
    if domain != "general" or scores["general"] >= max(scores.values()):
        return dict(scores)
    top = max(scores.values())
    need = top - scores["general"] + 1e-6
    rest = 1.0 - scores["general"]
    out = {d: (v - need * v / rest if d != "general" else v + need) for d, v in scores.items()}
    total = sum(out.values())
    return {d: v / total for d, v in out.items()}


class DomainClassifier(PipelineStep):
    """Write ``metadata["domain"]`` (one of the 13) and ``metadata["domain_scores"]`` (all 13, sum 1).

    Args:
        model_path: a fastText model file (``.ftz``/``.bin``) trained by ``firmcorpus classify
            train``; None loads the shipped ``corpus/domains/default_model.ftz``.
        rule_threshold: rule labels with at least this confidence count as a rule label.
        kinds: document kinds to classify (others pass through untouched).
        directory_context: mix each file's scores with the mean of its folder's (consecutive files
            of one folder of one repository: same ``pair_id``/``repo``) by ``folder_weight``.
        support_weight, rule_weight, general_threshold, general_margin, folder_weight: the decision
            (see the module docstring); None takes the model's calibrated values (its JSON ``decision``).

    Reads metadata: ``kind`` (``code`` default), ``path``, ``language``, ``_codefile`` (optional
    parsed ``CodeFile``: its includes feed the rules). ``category`` (the manifest's 19 component
    categories) is left as it is.

    Writes metadata: ``domain``; ``domain_scores`` (dict of all 13 domains → float, sum 1, its top
    the domain); ``domain_source`` (``rule`` where the label is the rule's, ``model`` otherwise,
    ``directory`` where folder context changed it, ``datasheet``); ``domain_rule`` (the rule's
    domain or None) and ``domain_model`` (the model's own top domain), kept so a later mix can
    re-decide.

    Stats: ``domain_<id>`` per document, ``by_rule`` / ``by_model`` / ``by_directory`` /
    ``by_datasheet``, ``rule_model_agree`` / ``rule_model_disagree`` (where a rule fired).
    Kinds: ``code`` (rules + model), ``mapping`` (its text names code symbols: rules + model),
    ``datasheet`` (vendor family or topic named in the prose, else ``register_defines`` for
    register-heavy prose, else ``general``; the model's scores fill the rest).
    """

    name = "🏷 domain classifier"
    type = "🔢 - CLASSIFY"
    _requires_dependencies = [("fasttext", "fasttext-community")]

    def __init__(self, model_path: str | None = None, rule_threshold: float = 0.8,
                 kinds: tuple[str, ...] = ("code", "mapping", "datasheet", "repo"), directory_context: bool = True,
                 support_weight: float | None = None, rule_weight: float | None = None,
                 general_threshold: float | None = None, general_margin: float | None = None,
                 folder_weight: float | None = None):
        super().__init__()
        self.model_path = model_path
        self.rule_threshold = rule_threshold
        self.kinds = tuple(kinds)
        self.directory_context = directory_context
        self._override = {"support_weight": support_weight, "rule_weight": rule_weight,
                          "general_threshold": general_threshold, "general_margin": general_margin,
                          "folder_weight": folder_weight}
        self.decision: dict[str, float] = {}
        self._model = None

    def _load(self):
        if self._model is None:
            self._model = DomainModel.load(self.model_path)
            self.decision = {k: float(v if v is not None else self._model.decision[k])
                             for k, v in self._override.items()}
        return self._model

    def classify(self, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """The metadata this step would add for one document alone (no folder context)."""
        out = self._classify(text, metadata)
        out.pop("_combined", None)
        return out

    def _classify(self, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        model = self._load()
        kind = metadata.get("kind") or "code"
        path = metadata.get("path") or ""
        language = metadata.get("language") or language_of(path)
        scores = model.predict(text, path=path, language=language)
        model_top = max(DOMAINS, key=lambda d: (scores[d], -DOMAINS.index(d)))
        if kind == "datasheet":
            dom, conf = datasheet_label(text)
            blended = {d: (1.0 - conf) * scores[d] + (conf if d == dom else 0.0) for d in DOMAINS}
            total = sum(blended.values())
            return {"domain": dom, "domain_scores": {d: v / total for d, v in blended.items()},
                    "domain_source": "datasheet", "domain_rule": dom, "domain_model": model_top}
        codefile = metadata.get("_codefile")
        rule = weak_label(path, text, language, codefile, model.lexicon)
        if rule is not None and rule[1] < self.rule_threshold:
            rule = None
        combined = combine(scores, supported_domains(path, text, language, codefile, model.lexicon), rule,
                           self.decision["support_weight"], self.decision["rule_weight"], self.rule_threshold)
        dom = decide(combined, self.decision["general_threshold"], self.decision["general_margin"])
        return {"domain": dom, "domain_scores": reported_scores(combined, dom),
                "domain_source": "rule" if rule is not None and rule[0] == dom else "model",
                "domain_rule": rule[0] if rule is not None else None, "domain_model": model_top,
                "_combined": combined}

    def apply_directory_context(self, outs: list[dict[str, Any]]) -> None:
        """Files of one folder of one repository share evidence: each file's combined scores are
        mixed with the folder's mean by ``folder_weight`` and decided again (``domain_source``
        becomes ``directory`` where that changes the domain)."""

        c = self.decision.get("folder_weight", 0.0)
        outs = [o for o in outs if "_combined" in o]
        if c <= 0 or len(outs) < 2:
            return
        mean = {d: sum(o["_combined"][d] for o in outs) / len(outs) for d in DOMAINS}
        for o in outs:
            mixed = {d: (1.0 - c) * o["_combined"][d] + c * mean[d] for d in DOMAINS}
            dom = decide(mixed, self.decision["general_threshold"], self.decision["general_margin"])
            if dom != o["domain"]:
                o.update(domain=dom, domain_source="directory")
            o["domain_scores"] = reported_scores(mixed, dom)

    def _flush(self, group: list) -> DocumentsPipeline:
        if self.directory_context and len(group) > 1:
            self.apply_directory_context([out for _, out in group])
        for doc, out in group:
            out.pop("_combined", None)
            doc.metadata.update(out)
            self.stat_update(f"domain_{out['domain']}")
            self.stat_update(f"by_{out['domain_source']}")
            if out["domain_rule"] is not None:
                self.stat_update("rule_model_agree" if out["domain_rule"] == out["domain_model"]
                                 else "rule_model_disagree")
            yield doc

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        # consecutive documents of one folder of one repository are classified together (the reader
        # yields a repository's files folder by folder); other kinds pass through at once
        group: list = []
        key = None
        for doc in data:
            md = doc.metadata
            if (md.get("kind") or "code") not in self.kinds:
                yield from self._flush(group)
                group, key = [], None
                yield doc
                continue
            path = md.get("path") or ""
            k = (md.get("pair_id") or md.get("repo"), md.get("kind") or "code", path.rsplit("/", 1)[0] if "/" in path else "")
            if k != key:
                yield from self._flush(group)
                group, key = [], k
            with self.track_time():
                group.append((doc, self._classify(doc.text, md)))
        yield from self._flush(group)



