"""DomainClassifier: label every document with one of the 13 embedded domains.

Rules first (``corpus.domains.rules.weak_label``, high precision, may abstain), the fastText
model (``corpus.domains.model.DomainModel``) for the rest, choosing only among the domains the
document shows some evidence of (``rules.supported_domains``; ``general`` always qualifies); where both speak the step records
whether they agree (stats ``rule_model_agree`` / ``rule_model_disagree``), which is how a
build checks its rules against the model and the model against the rules.
"""

from __future__ import annotations

import re
from collections import Counter
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


class DomainClassifier(PipelineStep):
    """Write ``metadata["domain"]`` (one of the 13) and ``metadata["domain_scores"]`` (all 13, sum 1).

    Args:
        model_path: a fastText model file (``.ftz``/``.bin``) trained by ``firmcorpus classify
            train``; None loads the shipped ``corpus/domains/default_model.ftz``.
        rule_threshold: rule labels with at least this confidence are trusted over the model.
        kinds: document kinds to classify (others pass through untouched).
        directory_context: let consecutive files of one folder of one repository (same
            ``pair_id``/``repo``) share the domain their rule-labelled files agree on, for files the
            model labelled ``general`` or with a score below ``model_confident``; needs at least
            ``min_dir_votes`` rule labels, ``dir_majority`` of them for one domain.

    Reads metadata: ``kind`` (``code`` default), ``path``, ``language``, ``_codefile`` (optional
    parsed ``CodeFile``: its includes feed the rules). ``category`` (the manifest's 19 component
    categories) is left as it is.

    Writes metadata: ``domain``; ``domain_scores`` (dict of all 13 domains → float, sum 1: the
    model's scores, blended with the rule's one-hot by the rule's confidence when a rule fired);
    ``domain_source`` (``rule`` | ``model`` | ``directory`` | ``datasheet``); ``domain_rule`` (the rule's domain or
    None) and ``domain_model`` (the model's top domain), kept so a later mix can re-decide.

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
                 min_dir_votes: int = 2, dir_majority: float = 0.6, model_confident: float = 0.6):
        super().__init__()
        self.model_path = model_path
        self.rule_threshold = rule_threshold
        self.kinds = tuple(kinds)
        self.directory_context = directory_context
        self.min_dir_votes = min_dir_votes
        self.dir_majority = dir_majority
        self.model_confident = model_confident
        self._model = None

    def _load(self):
        if self._model is None:
            self._model = DomainModel.load(self.model_path)
        return self._model

    def classify(self, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """The metadata this step would add for one document (also used by the CLI)."""

        model = self._load()
        kind = metadata.get("kind") or "code"
        path = metadata.get("path") or ""
        language = metadata.get("language") or language_of(path)
        scores = model.predict(text, path=path, language=language)
        # the model chooses among the domains the document shows some evidence of (general always)
        allowed = supported_domains(path, text, language, metadata.get("_codefile")) if kind != "datasheet" \
            else set(DOMAINS)
        model_top = max(allowed, key=lambda d: (scores[d], -DOMAINS.index(d)))
        if kind == "datasheet":
            rule, source = datasheet_label(text), "datasheet"
        else:
            rule = weak_label(path, text, language, metadata.get("_codefile"))
            source = "rule"
        if rule is not None and rule[1] >= self.rule_threshold:
            dom, conf = rule
            blended = {d: (1.0 - conf) * scores[d] + (conf if d == dom else 0.0) for d in DOMAINS}
            total = sum(blended.values())
            blended = {d: v / total for d, v in blended.items()}
            return {"domain": dom, "domain_scores": blended, "domain_source": source, "domain_rule": dom,
                    "domain_model": model_top}
        return {"domain": model_top, "domain_scores": scores, "domain_source": "model",
                "domain_rule": None, "domain_model": model_top}

    def apply_directory_context(self, outs: list[dict[str, Any]]) -> None:
        """Files of one folder of one repository share a domain: a folder whose rule-labelled files
        agree (at least ``min_dir_votes``, a ``dir_majority`` share) lends that domain to the files of
        the folder that neither a rule nor a confident model labelled (``domain_source`` becomes
        ``directory``)."""

        votes = Counter(o["domain_rule"] for o in outs if o["domain_rule"] is not None and o["domain_source"] == "rule")
        if not votes:
            return
        dom, n = votes.most_common(1)[0]
        if n < self.min_dir_votes or n < self.dir_majority * sum(votes.values()):
            return
        for o in outs:
            if o["domain_source"] != "model" or o["domain"] == dom:
                continue
            sc = o["domain_scores"]
            if o["domain"] == "general" or sc[o["domain"]] < self.model_confident:
                blended = {d: 0.5 * v + (0.5 if d == dom else 0.0) for d, v in sc.items()}
                o.update(domain=dom, domain_scores=blended, domain_source="directory")

    def _flush(self, group: list) -> DocumentsPipeline:
        if self.directory_context and len(group) > 1:
            self.apply_directory_context([out for _, out in group])
        for doc, out in group:
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
                group.append((doc, self.classify(doc.text, md)))
        yield from self._flush(group)



