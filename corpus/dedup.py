"""Assembly of the dedup stages (exact + vendored collapse, then code-aware MinHash).

``dedup_stages(...)`` returns the stages in order; each is a ``corpus.stages.Stage``: its
datatrove ``PipelineStep`` s (so any executor takes them), ``name`` and ``tasks`` (the task count
that stage must run with). Run them in order: ``corpus.stages.run_local`` does it locally (the
build runs the same stages on any executor).

    1 exact_hash      tasks=N  reader → ExactDedupSignature
    2 exact_resolve   tasks=1  ExactDedupResolve (catalog: exact_duplicates)
    3 minhash_signatures tasks=N  reader → ExactDedupFilter → CodeMinhashSignature
    4 minhash_buckets tasks=1  CodeMinhashBuckets (any count ≤ B; or datatrove's MinhashDedupBuckets, tasks=B)
    5 minhash_cluster tasks=1  CodeMinhashCluster (catalog: near_duplicates)
    6 filter_write    tasks=N  reader → ExactDedupFilter → CodeMinhashFilter → ParquetWriter

Datatrove's implicit contracts are explicit: stages 1, 3 and 6 use the same reader and the
same N (the filters check document counts and id digests against stage 1/3); ``work_dir``
records the plan (``plan.json``) and a second call with another N or config fails with what
to do instead of silently mixing runs. Excluded documents go to ``<excluded_dir>/exact`` and
``<excluded_dir>/near`` (default ``excluded_dir``: ``<work_dir>/excluded``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl
from datatrove.pipeline.dedup.minhash import MinhashDedupBuckets
from datatrove.pipeline.readers import ParquetReader
from datatrove.pipeline.writers import ParquetWriter

from firmcorpus.core.documents import public_metadata
from firmcorpus.core.errors import UserError
from firmcorpus.corpus.catalog_parts import merge_parts
from firmcorpus.corpus.licenses import LicensePolicy
from firmcorpus.corpus.stages import LIGHT_TASKS_PER_WORKER, Stage, run_local
from firmcorpus.corpus.steps.exact_dedup import ExactDedupFilter, ExactDedupResolve, ExactDedupSignature
from firmcorpus.corpus.steps.minhash import (
    CodeMinhashBuckets,
    CodeMinhashCluster,
    CodeMinhashConfig,
    CodeMinhashFilter,
    CodeMinhashSignature,
)


@dataclass
class DedupConfig:
    """Dedup settings (defaults: BigCode's near-dedup: 5-gram shingles, 256 permutations,
    Jaccard 0.7).

    Args:
        exact: run exact dedup + vendored collapse.
        near: run MinHash near-dedup.
        n_grams / num_perm / threshold: shingle size, permutation budget and Jaccard threshold;
            bands x rows are chosen with datasketch's optimiser (0.7 / 256 → 25 x 10).
        num_buckets / hashes_per_bucket: set both to override the bands x rows choice.
        seed, precision: permutation seed, 32/64-bit signature hashes.
        bucket_backend: ``"numpy"`` (ours: any task count up to num_buckets) or ``"datatrove"``
            (``MinhashDedupBuckets``: exactly num_buckets tasks).
        bucket_tasks: tasks of the bucket stage. Default for ``numpy``: 1 (a band of a million
            documents sorts in a fraction of a second, and a one-task stage runs in-process without
            a worker pool's start-up); raise it up to num_buckets for tens of millions of
            documents. Default for ``datatrove``: num_buckets.
        license_policy: ranks exact copies when choosing the one to keep.
    """

    exact: bool = True
    near: bool = True
    n_grams: int = 5
    num_perm: int = 256
    threshold: float = 0.7
    num_buckets: int | None = None
    hashes_per_bucket: int | None = None
    seed: int = 1
    precision: int = 32
    bucket_backend: str = "numpy"
    bucket_tasks: int | None = None
    license_policy: LicensePolicy = field(default_factory=LicensePolicy)

    def __post_init__(self):
        if isinstance(self.license_policy, dict):  # from YAML / JSON build configs
            self.license_policy = LicensePolicy(**self.license_policy)

    def minhash_config(self) -> CodeMinhashConfig:
        if (self.num_buckets is None) != (self.hashes_per_bucket is None):
            raise ValueError("set both num_buckets and hashes_per_bucket, or neither (then threshold decides)")
        if self.num_buckets is not None:
            if self.num_buckets * self.hashes_per_bucket > self.num_perm:
                raise ValueError(f"num_buckets x hashes_per_bucket = {self.num_buckets * self.hashes_per_bucket} "
                                 f"exceeds num_perm={self.num_perm}")
            return CodeMinhashConfig(n_grams=self.n_grams, num_buckets=self.num_buckets,
                                     hashes_per_bucket=self.hashes_per_bucket, seed=self.seed, precision=self.precision)
        return CodeMinhashConfig.for_threshold(self.threshold, self.num_perm, n_grams=self.n_grams, seed=self.seed,
                                               precision=self.precision)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["license_policy"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.license_policy).items()}
        return d


def _adapter(self, document) -> dict:
    """Writer adapter: id, text and metadata as sorted JSON (transient ``_`` keys dropped).

    JSON keeps one parquet schema whatever metadata keys differ between documents; datatrove's
    readers decode a JSON ``metadata`` column back into a dict.
    """

    return {"id": document.id, "text": document.text,
            "metadata": orjson.dumps(public_metadata(document.metadata), option=orjson.OPT_SORT_KEYS,
                                     default=str).decode()}


def parquet_writer(folder: str, filename: str = "${rank}.parquet"):
    # content-defined chunking and the page index are for Hub uploads and cost seconds per file
    return ParquetWriter(str(folder), output_filename=filename, adapter=_adapter, compression="zstd",
                         use_content_defined_chunking=False, write_page_index=False)


def parquet_reader(folder: str):
    reader = ParquetReader(str(folder), glob_pattern="**/*.parquet", recursive=True)
    # no file_path in metadata: outputs must not depend on where the input folder lives
    # (BaseDiskReader has the switch; ParquetReader's __init__ does not pass it through)
    reader.add_file_path = False
    return reader


def _check_plan(work_dir: Path, plan: dict) -> None:
    path = work_dir / "plan.json"
    if path.is_file():
        old = json.loads(path.read_text())
        if old != plan:
            diff = {k: (old.get(k), plan.get(k)) for k in set(old) | set(plan) if old.get(k) != plan.get(k)}
            raise ValueError(
                f"{work_dir} was started with another dedup plan ({diff}, old vs new). Stages of one dedup must "
                f"share input, task count and config: rerun with the old settings to resume, or use a fresh work dir."
            )
    else:
        work_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plan, indent=1, sort_keys=True))


def dedup_stages(input_folder: str, work_dir: str, output_folder: str, config: DedupConfig | None = None,
                 tasks: int = 1, catalog_dir: str | None = None, excluded_dir: str | None = None) -> list[Stage]:
    """The dedup stages in order (see the module docstring).

    Args:
        input_folder: parquet documents (datatrove ``Document`` s; metadata as in
            ``corpus.documents``, signals of ``QualitySignals`` used when present).
        work_dir: local folder for intermediate files (hashes, signatures, buckets, clusters).
        output_folder: deduplicated parquet documents (``${rank}.parquet``).
        config: ``DedupConfig``.
        tasks: N, the task count of the reading stages (1, 3, 6); never change it mid-run.
        catalog_dir: where ``exact_duplicates`` / ``near_duplicates`` table parts go
            (``parts/<table>/00000.parquet``; ``corpus.catalog_parts.merge_parts`` merges);
            default ``<work_dir>/catalog``.
        excluded_dir: dropped documents, ``exact/`` and ``near/`` sub-folders, each with
            ``metadata.filter_reason``; default ``<work_dir>/excluded``.

    Metadata written on output documents: ``exact_copies``, ``dedup_cluster``,
    ``dedup_cluster_size``.
    """

    config = config or DedupConfig()
    if tasks < 1:
        raise ValueError(f"tasks must be ≥ 1, got {tasks}")
    if not (config.exact or config.near):
        raise ValueError("DedupConfig has exact=False and near=False: nothing to do")
    if config.bucket_backend not in ("numpy", "datatrove"):
        raise ValueError(f"bucket_backend must be 'numpy' or 'datatrove', got {config.bucket_backend!r}")
    work = Path(work_dir)
    mh = config.minhash_config()
    catalog_dir = catalog_dir or str(work / "catalog")
    excluded = Path(excluded_dir) if excluded_dir else work / "excluded"
    _check_plan(work, {"input_folder": str(Path(input_folder).resolve()), "tasks": tasks,
                       "config": config.to_dict(), "minhash": mh.to_dict()})
    exact_dir, sig_dir = str(work / "exact"), str(work / "minhash" / "sigs")
    bucket_dir, cluster_dir = str(work / "minhash" / "buckets"), str(work / "minhash" / "clusters")

    stages: list[Stage] = []
    pre: list = []  # steps between the reader and the MinHash steps
    if config.exact:
        stages.append(Stage("exact_hash", [parquet_reader(input_folder), ExactDedupSignature(exact_dir)], tasks,
                            tasks_per_worker=LIGHT_TASKS_PER_WORKER))
        stages.append(Stage("exact_resolve", [ExactDedupResolve(exact_dir, config.license_policy, catalog_dir)], 1))
    final = [parquet_reader(input_folder)]
    if config.exact:
        final.append(ExactDedupFilter(exact_dir, exclusion_writer=parquet_writer(str(excluded / "exact"))))
        pre = [ExactDedupFilter(exact_dir, annotate=False)]
    if config.near:
        stages.append(Stage("minhash_signatures",
                            [parquet_reader(input_folder), *pre, CodeMinhashSignature(sig_dir, mh)], tasks,
                            tasks_per_worker=LIGHT_TASKS_PER_WORKER))
        if config.bucket_backend == "numpy":
            bt = config.bucket_tasks or 1
            if bt > mh.num_buckets:
                raise ValueError(f"bucket_tasks={bt} > num_buckets={mh.num_buckets}")
            stages.append(Stage("minhash_buckets", [CodeMinhashBuckets(sig_dir, bucket_dir, mh)], bt))
        else:
            bt = config.bucket_tasks or mh.num_buckets
            if bt % mh.num_buckets:
                raise ValueError(f"datatrove's MinhashDedupBuckets needs a multiple of num_buckets={mh.num_buckets} "
                                 f"tasks, got bucket_tasks={bt}")
            stages.append(Stage("minhash_buckets",
                                [MinhashDedupBuckets(sig_dir, bucket_dir, config=mh.datatrove_config())], bt))
        stages.append(Stage("minhash_cluster", [CodeMinhashCluster(bucket_dir, cluster_dir, sig_dir, mh, catalog_dir)], 1))
        final.append(CodeMinhashFilter(cluster_dir, sig_dir, exclusion_writer=parquet_writer(str(excluded / "near"))))
    final.append(parquet_writer(output_folder))
    stages.append(Stage("filter_write", final, tasks, tasks_per_worker=LIGHT_TASKS_PER_WORKER))
    return stages


def dedup_folder(input_dir: str, out: str, tasks: int = 2, workers: int = 2, threshold: float = 0.7,
                 num_perm: int = 256, n_grams: int = 5, exact: bool = True, near: bool = True) -> dict:
    """Run the dedup stages locally; returns the summary printed by ``--json``.

    Layout: ``OUT/text/`` deduplicated documents, ``OUT/excluded/{exact,near}/`` dropped
    documents with ``filter_reason``, ``OUT/catalog/{exact,near}_duplicates.parquet``,
    ``OUT/work/`` intermediates (plan, hashes, signatures), ``OUT/logs/`` datatrove logs.
    Rerunning with the same arguments resumes (completed tasks are skipped).
    """

    inp = Path(input_dir)
    if not inp.is_dir() or not any(inp.rglob("*.parquet")):
        raise UserError(f"{input_dir} holds no .parquet documents (expected the output of a build's "
                                 "document stage, or any datatrove parquet with id/text/metadata)")
    o = Path(out)
    cfg = DedupConfig(exact=exact, near=near, threshold=threshold, num_perm=num_perm, n_grams=n_grams)
    stages = dedup_stages(str(inp), str(o / "work"), str(o / "text"), cfg, tasks=tasks,
                          catalog_dir=str(o / "catalog"), excluded_dir=str(o / "excluded"))
    run_local(stages, str(o / "logs"), workers=workers)

    def count(folder: Path) -> int:
        files = sorted(folder.rglob("*.parquet")) if folder.is_dir() else []
        return sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in files)

    tables = {}
    for table in ("exact_duplicates", "near_duplicates"):
        if (o / "catalog" / "parts" / table).is_dir():
            path = merge_parts(o / "catalog", table)
            tables[table] = str(path)
    summary = {
        "input": str(inp), "out": str(o), "tasks": tasks,
        "documents_in": count(inp), "documents_out": count(o / "text"),
        "exact_removed": count(o / "excluded" / "exact"), "near_removed": count(o / "excluded" / "near"),
        "minhash": cfg.minhash_config().to_dict() if near else None,
        "catalog": tables,
    }
    near_tab = tables.get("near_duplicates")
    if near_tab:
        df = pl.read_parquet(near_tab)
        summary["near_clusters"] = int(df["cluster"].n_unique()) if df.height else 0
    exact_tab = tables.get("exact_duplicates")
    if exact_tab:
        df = pl.read_parquet(exact_tab)
        summary["exact_groups"] = int(df["hash"].n_unique()) if df.height else 0
    return summary
