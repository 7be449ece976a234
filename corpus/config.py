"""Every knob of ``firmcorpus build``, with documented defaults (``--print-config`` shows them).

A YAML file (``--config build.yaml``) overrides any field; ``--set a.b=value`` overrides one.
The effective config is saved as ``OUT/build.json`` with every build; a rerun into the same
output must keep the fields that fix how work is split (``tasks``), or it is refused.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from firmcorpus.corpus.dedup import DedupConfig
from firmcorpus.corpus.licenses import DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_MANUFACTURER_OVERRIDES, LicensePolicy
from firmcorpus.corpus.steps.filters import FilterConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlurmConfig(_Section):
    partition: str = Field("cpu", description="Slurm partition")
    time: str = Field("04:00:00", description="time limit per task")
    cpus_per_task: int = Field(2, description="CPUs per task (checked against sinfo at submit)")
    mem_per_cpu_gb: int = Field(4, description="memory per CPU in GB")
    qos: str | None = Field(None, description="quality of service (None: the partition's default)")
    venv_path: str | None = Field(None, description="activate script of the environment on the nodes (None: the "
                                                    "environment of the interpreter that submits)")
    env_command: str | None = Field(None, description="shell command that prepares the environment (overrides venv_path)")
    shared_cache: str | None = Field(None, description="firmcorpus cache the tasks use (starter sources, tokenizer, "
                                                       "models), on a file system every node sees (None: this "
                                                       "machine's FIRMCORPUS_CACHE or ~/.cache/firmcorpus)")
    sbatch_args: dict[str, str] = Field(default_factory=lambda: {"kill-on-invalid-dep": "yes"},
                                        description="extra #SBATCH directives (default: a job whose dependency "
                                                    "failed is cancelled, not left pending)")
    job_name_prefix: str = Field("firmcorpus", description="prefix of every job name")


class RayConfig(_Section):
    cpus_per_task: int = Field(1, description="CPUs per Ray task")
    mem_per_cpu_gb: float = Field(2, description="memory per CPU in GB")
    address: str | None = Field(None, description="Ray cluster to attach to (ray://host:10001, host:6379 or 'auto'; "
                                                  "None: start a local Ray)")
    connect_timeout_s: float = Field(120, description="give up attaching to Ray after this many seconds")
    shared_cache: str | None = Field(None, description="firmcorpus cache the tasks use, on a file system every "
                                                       "node sees (None: this machine's)")


class ReadConfig(_Section):
    max_file_bytes: int = Field(1_000_000, description="files above this size are dropped as oversized")


class SplitConfig(_Section):
    heldout_repos: list[str] = Field(default_factory=list, description="repositories (manifest `repo`) always held out")
    heldout_share: float = Field(0.03, description="share held out, counted in `heldout_unit` (repositories picked by a "
                                                   "seeded hash); a few percent keeps a large corpus for training")
    heldout_unit: Literal["repos", "chars"] = Field(
        "chars", description="what heldout_share counts: characters of text (no single repository may push the "
                             "held-out side past 1.5x the share), or repositories")
    per_domain_quota: dict[str, int] = Field(default_factory=dict,
                                             description="at least N held-out repositories whose main domain is D")
    warn_share: float = Field(0.1, description="warn in the summary when the held-out side holds more than this "
                                               "share of the characters")

    def describe(self) -> str:
        """One line for the start of a build: what will be held out."""
        parts = []
        if self.heldout_repos:
            parts.append(f"repositories {', '.join(self.heldout_repos)}")
        if self.per_domain_quota:
            parts.append("per-domain quota " + ", ".join(f"{k}={v}" for k, v in sorted(self.per_domain_quota.items())))
        if self.heldout_share:
            unit = "of the characters" if self.heldout_unit == "chars" else "of the repositories"
            parts.append(f"{100 * self.heldout_share:g} % {unit} (seeded choice of whole repositories)")
        return "held out: " + ("; ".join(parts) if parts else "nothing (no held-out split, no decontamination)")


class DecontamConfig(_Section):
    ngram: int = Field(13, description="n of the code-token n-grams compared with held-out documents")
    min_overlap: float = Field(0.2, description="flag a training document when this share of its n-grams is in held-out text")
    min_shared_ngrams: int = Field(50, description="...or when it shares at least this many n-grams")
    min_shared_share: float = Field(0.05, description="...that are also at least this share of its n-grams (long files)")
    idiom_repos: int = Field(4, description="n-grams found in at least this many repositories of the build are shared "
                                            "idiom, not counted (0: count every n-gram)")
    action: Literal["drop", "flag"] = Field("drop", description="drop flagged training documents, or only tag them")
    warn_share: float = Field(0.05, description="warn in the summary when decontamination drops more than this share "
                                                "of the training characters")


class RepoTextConfig(_Section):
    enabled: bool = Field(True, description="join a repository's C/C++ files in include order into repository documents")
    max_chars: int = Field(200_000, description="split repository documents above this many characters")
    fim_rate: float = Field(0.0, description="share of repository documents turned into fill-in-the-middle examples")
    fim_spm_rate: float = Field(0.5, description="share of FIM examples in SPM (suffix-prefix-middle) order")


class MixtureConfig(_Section):
    domain_weights: dict[str, float] = Field(default_factory=dict, description="token weight per domain (1 = as is)")
    kind_weights: dict[str, float] = Field(default_factory=lambda: {"code": 1.0, "repo": 1.0, "datasheet": 1.0, "mapping": 1.0},
                                           description="token weight per document kind")


class TokenizeConfig(_Section):
    tokenizer: str = Field("smollm2", description="tokenizer.json path, model folder, or 'smollm2'")
    shuffle: bool = Field(True, description="shuffle documents inside each token shard (seeded)")


class LicenseSection(_Section):
    allow: list[str] = Field(default_factory=lambda: list(DEFAULT_ALLOW), description="SPDX ids accepted for every manufacturer")
    deny: list[str] = Field(default_factory=lambda: list(DEFAULT_DENY), description="SPDX ids always refused (wins over allow)")
    unknown: Literal["keep", "drop"] = Field("keep", description="files whose licence is unknown: keep or drop")
    manufacturer_overrides: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_MANUFACTURER_OVERRIDES.items()},
        description="canonical manufacturer -> extra SPDX ids accepted for its own pairs (vendor EULAs)")

    def policy(self) -> LicensePolicy:
        return LicensePolicy(allow=tuple(self.allow), deny=tuple(self.deny), unknown=self.unknown,
                             manufacturer_overrides=self.manufacturer_overrides)


_F = FilterConfig  # defaults come from the step's own config (one source of truth)


class FiltersSection(_Section):
    max_line_length: int | None = Field(_F.max_line_length, description="drop if the longest line is longer (The Stack: 1000)")
    max_mean_line_length: float | None = Field(_F.max_mean_line_length, description="drop if the mean line length is larger")
    min_alnum_fraction: float | None = Field(_F.min_alnum_fraction, description="drop if fewer alphanumeric characters")
    max_encoded_fraction: float | None = Field(_F.max_encoded_fraction, description="StarCoder's encoded-data fraction limit")
    max_encoded_longest: int | None = Field(_F.max_encoded_longest, description="longest encoded-data run allowed")
    min_alpha_per_token: float | None = Field(_F.min_alpha_per_token, description="StarCoder's alpha-per-token floor (off)")
    drop_generated: bool = Field(_F.drop_generated, description="drop files the code parser flagged as generated")
    drop_binary: bool = Field(_F.drop_binary, description="drop files flagged as binary")
    kinds: list[str] = Field(default_factory=lambda: list(_F.kinds), description="document kinds the text thresholds apply to")
    license_policy: LicenseSection = Field(default_factory=LicenseSection)

    def filter_config(self) -> FilterConfig:
        return FilterConfig(**{**self.model_dump(exclude={"license_policy"}), "kinds": tuple(self.kinds)})


_D = DedupConfig


class DedupSection(_Section):
    exact: bool = Field(_D.exact, description="exact dedup + vendored collapse")
    near: bool = Field(_D.near, description="MinHash near-dedup")
    n_grams: int = Field(_D.n_grams, description="shingle size in code tokens")
    num_perm: int = Field(_D.num_perm, description="MinHash permutation budget")
    threshold: float = Field(_D.threshold, description="Jaccard threshold (bands x rows chosen for it)")
    num_buckets: int | None = Field(_D.num_buckets, description="bands (set with hashes_per_bucket to override)")
    hashes_per_bucket: int | None = Field(_D.hashes_per_bucket, description="rows per band")
    seed: int = Field(_D.seed, description="permutation seed")
    precision: Literal[32, 64] = Field(_D.precision, description="signature hash bits")
    bucket_backend: Literal["numpy", "datatrove"] = Field(_D.bucket_backend, description="bucket stage implementation")
    bucket_tasks: int | None = Field(_D.bucket_tasks, description="tasks of the bucket stage (None: 1 numpy / num_buckets datatrove)")
    license_policy: LicenseSection = Field(default_factory=LicenseSection, description="ranks exact copies")

    def dedup_config(self) -> DedupConfig:
        return DedupConfig(**self.model_dump(exclude={"license_policy"}), license_policy=self.license_policy.policy())


class BuildConfig(_Section):
    tasks: int = Field(4, description="datatrove tasks per stage (fixed for the life of an output folder)")
    workers: int = Field(2, description="tasks run at once (local, Ray; on Slurm the array's % throttle when set)")
    executor: Literal["local", "slurm", "ray"] = Field("local", description="where stages run")
    seed: int = Field(0, description="seed of every random choice (split hash, mixture, shuffles, FIM)")
    read: ReadConfig = Field(default_factory=ReadConfig)
    filters: FiltersSection = Field(default_factory=FiltersSection)
    dedup: DedupSection = Field(default_factory=DedupSection)
    classify_model: str | None = Field(None, description="fastText model (None: the shipped default)")
    split: SplitConfig = Field(default_factory=SplitConfig)
    decontam: DecontamConfig = Field(default_factory=DecontamConfig)
    repo_text: RepoTextConfig = Field(default_factory=RepoTextConfig)
    mixture: MixtureConfig = Field(default_factory=MixtureConfig)
    tokenize: TokenizeConfig = Field(default_factory=TokenizeConfig)
    slurm: SlurmConfig = Field(default_factory=SlurmConfig)
    ray: RayConfig = Field(default_factory=RayConfig)

    @classmethod
    def load(cls, path: str | None = None, overrides: list[str] | None = None, defaults: list[str] | None = None,
             **fields: Any) -> "BuildConfig":
        """``defaults`` (``key=value``, e.g. a starter profile's) < the ``path`` file < ``overrides`` < ``fields``."""
        data = _apply({}, defaults or [])
        file_data: dict[str, Any] = (yaml.safe_load(open(path)) if path else {}) or {}
        data = _apply(deep_merge(data, file_data), overrides or [])
        data.update({k: v for k, v in fields.items() if v is not None})
        return cls.model_validate(data)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(), sort_keys=False)

    def documented(self) -> list[tuple[str, Any, str]]:
        """(dotted key, value, description) for every field, for --print-config."""
        rows: list[tuple[str, Any, str]] = []

        def walk(model: BaseModel, prefix: str) -> None:
            for name, info in type(model).model_fields.items():
                value = getattr(model, name)
                if isinstance(value, BaseModel):
                    walk(value, f"{prefix}{name}.")
                else:
                    rows.append((f"{prefix}{name}", value, info.description or ""))

        walk(self, "")
        return rows


def _apply(data: dict[str, Any], items: list[str]) -> dict[str, Any]:
    for item in items:
        if "=" not in item:
            raise ValueError(f"--set {item!r}: expected key=value (e.g. split.heldout_share=0.3)")
        key, value = item.split("=", 1)
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = yaml.safe_load(value)
    return data


def deep_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
