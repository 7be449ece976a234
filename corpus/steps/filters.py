"""QualityFilter: drop documents by the signals QualitySignals stored, and by licence policy.

Cheap and re-runnable with other thresholds: it only reads metadata. Every drop carries a
stable reason (``max_line_length``, ``mean_line_length``, ``alnum_fraction``,
``encoded_data``, ``alpha_per_token``, ``generated``, ``binary``, ``license_denied:<id>``,
``license_not_allowed:<id>``, ``license_unknown``) that datatrove's ``BaseFilter`` stores in
``metadata["filter_reason"]`` before handing the document to the exclusion writer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from datatrove.pipeline.filters.base_filter import BaseFilter

from firmcorpus.corpus.licenses import LicensePolicy


@dataclass
class FilterConfig:
    """Thresholds (defaults from StarCoder / The Stack). ``None`` switches a check off.

    Args:
        max_line_length: drop if the longest line is longer (The Stack: 1000).
        max_mean_line_length: drop if the mean line length is larger (The Stack: 100).
        min_alnum_fraction: drop if fewer alphanumeric characters (The Stack: 0.25).
        max_encoded_fraction / max_encoded_longest: StarCoder's encoded-data filter (fraction of
            base64/hex/unicode-escape runs > 0.5 or a run longer than 1024 characters).
        min_alpha_per_token: StarCoder used 1.5 for data formats only; off by default for code.
        drop_generated / drop_binary: drop files the code parser flagged.
        kinds: document kinds the text thresholds apply to (datasheet prose has other shapes);
            the licence policy applies to every kind.
    """

    max_line_length: int | None = 1000
    max_mean_line_length: float | None = 100
    min_alnum_fraction: float | None = 0.25
    max_encoded_fraction: float | None = 0.5
    max_encoded_longest: int | None = 1024
    min_alpha_per_token: float | None = None
    drop_generated: bool = False
    drop_binary: bool = True
    kinds: tuple[str, ...] = ("code",)

    def to_dict(self) -> dict:
        return asdict(self)


class QualityFilter(BaseFilter):
    """Drop documents failing the thresholds of ``config`` or the licence ``policy``.

    Args:
        config: ``FilterConfig`` (defaults: max line 1000, mean line 100, alnum ≥ 0.25,
            StarCoder encoded-data limits, binary dropped).
        license_policy: ``corpus.licenses.LicensePolicy`` (allow-list, deny-list, unknown
            handling, per-manufacturer overrides); None keeps every licence.
        exclusion_writer: a datatrove ``DiskWriter`` (e.g. ``ParquetWriter("OUT/excluded/quality")``)
            receiving every dropped document with ``metadata["filter_reason"]``.

    Reads metadata: the signal keys written by ``QualitySignals`` (it raises, saying so, if
    they are missing), ``kind``, ``manufacturer``, ``license_spdx`` (file licence, preferred)
    and ``license`` (pair licence). Writes ``filter_reason`` on dropped documents only.
    """

    name = "🧹 quality filter"

    def __init__(self, config: FilterConfig | None = None, license_policy: LicensePolicy | None = None,
                 exclusion_writer=None):
        super().__init__(exclusion_writer)
        self.config = config or FilterConfig()
        self.license_policy = license_policy

    def filter(self, doc) -> bool | tuple[bool, str]:
        md = doc.metadata
        c = self.config
        if self.license_policy is not None:
            lic = md.get("license_spdx") or md.get("license")
            ok, reason = self.license_policy.decide(lic, md.get("manufacturer"))
            if not ok:
                return False, reason
        if c.kinds and md.get("kind") not in c.kinds:
            return True
        if "max_line_length" not in md:
            raise KeyError(
                f"document {doc.id} has no quality signals in its metadata: put "
                "corpus.steps.signals.QualitySignals() before QualityFilter in the pipeline"
            )
        if c.drop_binary and md.get("is_binary"):
            return False, "binary"
        if c.drop_generated and md.get("is_generated"):
            return False, "generated"
        if c.max_line_length is not None and md["max_line_length"] > c.max_line_length:
            return False, "max_line_length"
        if c.max_mean_line_length is not None and md["mean_line_length"] > c.max_mean_line_length:
            return False, "mean_line_length"
        if c.min_alnum_fraction is not None and md["alnum_fraction"] < c.min_alnum_fraction:
            return False, "alnum_fraction"
        if (c.max_encoded_fraction is not None and md.get("encoded_fraction", 0) > c.max_encoded_fraction) or (
                c.max_encoded_longest is not None and md.get("encoded_longest", 0) > c.max_encoded_longest):
            return False, "encoded_data"
        if c.min_alpha_per_token is not None and md.get("alpha_per_token", 0) < c.min_alpha_per_token:
            return False, "alpha_per_token"
        return True
