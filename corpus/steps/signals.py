"""QualitySignals: tag every document with code-quality signals, licence and secrets; redact.

Tag, don't delete (Dolma): this step never drops a document. It stores the signals of
``corpus.signals`` in metadata, detects the file's licence and replaces secrets / PII with
placeholders. ``corpus.steps.filters.QualityFilter`` reads what it stored.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from firmcorpus.core.documents import sha256_text
from firmcorpus.corpus.licenses import detect_license
from firmcorpus.corpus.secrets import READ_SECRETS_KEY, find_secrets, redact, secret_counts
from firmcorpus.corpus.signals import text_signals

# metadata keys this step writes (QualityFilter and the catalog read them)
SIGNAL_KEYS = (
    "n_chars", "n_lines", "max_line_length", "mean_line_length", "alnum_fraction", "alpha_per_token",
    "comment_ratio", "encoded_fraction", "encoded_longest", "license_spdx", "is_generated", "is_vendored",
    "is_binary", "secrets_found", "secret_kinds",
)


def has_flag(metadata: dict, name: str) -> bool:
    flags = metadata.get("flags")
    if isinstance(flags, dict):
        return bool(flags.get(name))
    if isinstance(flags, (list, tuple)):
        return name in flags
    if isinstance(flags, str):
        return name in flags.replace(",", " ").split()
    return bool(metadata.get(name))


class QualitySignals(PipelineStep):
    """Add quality signals to ``doc.metadata`` and redact secrets / PII in ``doc.text``.

    Args:
        redact_secrets: replace secrets/PII by placeholders (``<EMAIL>``, ``<KEY>``,
            ``<TOKEN>``, ``<PASSWORD>``, ``<PRIVATE_KEY>``) in the text (default True);
            when False they are only counted.
        detect_licenses: look for an SPDX tag / licence text in the file header (default True).
        kinds: document kinds to process (default all; e.g. ``("code",)``). Others pass untouched.

    Reads metadata: ``language`` (comment syntax), ``flags`` (list, dict or string from the
    code parser: ``generated``, ``vendored``, ``binary``), ``kind``.

    Writes metadata: ``n_chars``, ``n_lines``, ``max_line_length``, ``mean_line_length``,
    ``alnum_fraction``, ``alpha_per_token``, ``comment_ratio``, ``encoded_fraction``,
    ``encoded_longest`` (see ``corpus.signals``), ``license_spdx`` (the file's own SPDX id or
    expression, or None; the pair's licence stays in ``license``), ``is_generated``,
    ``is_vendored``, ``is_binary``, ``secrets_found`` (int), ``secret_kinds`` (sorted list of
    kinds), and refreshes ``sha256`` when redaction changed the text. Signals are computed on
    the redacted text, i.e. on what enters the corpus.
    """

    name = "🏷 quality signals"
    type = "🔬 - SIGNALS"

    def __init__(self, redact_secrets: bool = True, detect_licenses: bool = True, kinds: tuple[str, ...] | None = None):
        super().__init__()
        self.redact_secrets = redact_secrets
        self.detect_licenses = detect_licenses
        self.kinds = tuple(kinds) if kinds else None

    def tag(self, doc) -> None:
        md = doc.metadata
        read = md.pop(READ_SECRETS_KEY, None)  # the reader already redacted this text and counted its secrets
        if read is not None:
            counts = dict(sorted(read.items()))
            secrets = [None] * sum(counts.values())
        else:
            secrets = find_secrets(doc.text)
            if secrets and self.redact_secrets:
                doc.text, _ = redact(doc.text, secrets)
                if "sha256" in md:
                    md["sha256"] = sha256_text(doc.text)
            counts = secret_counts(secrets)
        md.update(text_signals(doc.text, md.get("language")).to_dict())
        md["license_spdx"] = detect_license(doc.text) if self.detect_licenses else None
        md["is_generated"] = has_flag(md, "generated")
        md["is_vendored"] = has_flag(md, "vendored")
        md["is_binary"] = has_flag(md, "binary")
        md["secrets_found"] = len(secrets)
        md["secret_kinds"] = list(counts)
        for kind, n in counts.items():
            self.stat_update(f"secret_{kind}", value=n)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update("total")
            if self.kinds is None or doc.metadata.get("kind") in self.kinds:
                with self.track_time():
                    self.tag(doc)
                if doc.metadata["secrets_found"]:
                    self.stat_update("docs_with_secrets")
            yield doc
