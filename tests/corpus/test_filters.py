"""QualityFilter: every drop reaches the exclusion writer with its reason; same drops every run."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from datatrove.data import Document

from firmcorpus.corpus.licenses import LicensePolicy
from firmcorpus.corpus.steps.filters import FilterConfig, QualityFilter
from firmcorpus.corpus.steps.signals import QualitySignals


@pytest.fixture(scope="module")
def docs_spec() -> list[tuple[str, str, dict, str | None]]:
    """(id, text, metadata, expected drop reason or None): real msp430mcu headers + planted bad files.

    The expected reason is worked out here from the planted property, independently of the filter.
    """
    from firmcorpus.core.sources import fetch

    inc = fetch("deb:msp430mcu") / "usr/msp430/include"
    spec = []
    for p in sorted(inc.glob("msp430*.h"))[:40]:
        spec.append((f"msp:{p.name}", p.read_text(errors="replace"), {"manufacturer": "Texas Instruments"}, None))
    base = (inc / "msp430.h").read_text(errors="replace")
    long_line = "static const int table[] = {" + "1, " * 500 + "};\n"
    spec.append(("planted:long_line", base + long_line, {}, "max_line_length"))
    wide = "\n".join("x = " + "y + " * 40 + "1;" for _ in range(300))
    spec.append(("planted:mean_line", wide, {}, "mean_line_length"))
    spec.append(("planted:symbols", "{}" * 40 + "\n" + ";;;;====----\n" * 200, {}, "alnum_fraction"))
    blob = "const unsigned char fw[] = {\n" + ",\n".join(
        ", ".join(f"0x{(i * 31 + j) % 256:02x}" for j in range(12)) for i in range(120)) + "\n};\n"
    spec.append(("planted:blob", blob, {}, "encoded_data"))
    spec.append(("planted:binary", base, {"flags": ["binary"]}, "binary"))
    body = "".join(f"int reg_read_{i}(void) {{ return *(volatile int *)0x{0x40000000 + 4 * i:08x}; }}\n" for i in range(60))
    spec.append(("planted:proprietary", "/* Proprietary and confidential. ACME Corp. */\n" + body, {},
                 "license_denied:LicenseRef-proprietary"))
    spec.append(("planted:st_eula_nordic", "/* Licensed under ST Ultimate Liberty license SLA0044 */\n" + base,
                 {"manufacturer": "Nordic Semiconductor"}, "license_not_allowed:LicenseRef-ST-SLA0044"))
    spec.append(("planted:st_eula_st", "/* Licensed under ST Ultimate Liberty license SLA0044 */\n" + base,
                 {"manufacturer": "STMicroelectronics"}, None))
    spec.append(("planted:datasheet_prose", "word " * 600, {"kind": "datasheet"}, None))  # not code: no text thresholds
    return spec


def _run(spec, out: Path) -> tuple[list[str], pl.DataFrame]:
    from firmcorpus.corpus.dedup import parquet_writer

    docs = [Document(text=t, id=i, metadata={"kind": "code", "language": "c", **md}) for i, t, md, _ in spec]
    policy = LicensePolicy(manufacturer_overrides={"STMicroelectronics": ["LicenseRef-ST-SLA0044"]})
    step = QualityFilter(FilterConfig(), policy, exclusion_writer=parquet_writer(str(out)))
    kept = [d.id for d in step.run(QualitySignals().run(iter(docs)), rank=0, world_size=1)]
    excluded = pl.read_parquet(sorted(out.glob("*.parquet")))
    return kept, excluded


def test_every_drop_recorded_with_reason(docs_spec, tmp_path):
    kept, excluded = _run(docs_spec, tmp_path / "excluded")
    expected_drops = {i: r for i, _, _, r in docs_spec if r}
    all_ids = [i for i, *_ in docs_spec]
    # nothing vanishes: each document is either forwarded or in the exclusion file
    assert sorted(kept + excluded["id"].to_list()) == sorted(all_ids)
    import json

    reasons = {i: json.loads(m)["filter_reason"] for i, m in zip(excluded["id"], excluded["metadata"])}
    assert reasons == expected_drops
    assert all(i in kept for i, *_ , r in docs_spec if r is None)


def test_drops_deterministic_across_runs(docs_spec, tmp_path):
    kept1, ex1 = _run(docs_spec, tmp_path / "a")
    kept2, ex2 = _run(docs_spec, tmp_path / "b")
    assert kept1 == kept2
    assert ex1.equals(ex2)


def test_thresholds_configurable_and_missing_signals_explained(docs_spec):
    _, text, _, _ = next(s for s in docs_spec if s[0] == "planted:long_line")
    doc = Document(text=text, id="x", metadata={"kind": "code"})
    [tagged] = list(QualitySignals().run(iter([doc])))
    assert QualityFilter(FilterConfig(max_line_length=None)).filter(tagged) is True
    assert QualityFilter().filter(tagged) == (False, "max_line_length")
    with pytest.raises(KeyError, match="QualitySignals"):
        QualityFilter().filter(Document(text="int x;", id="y", metadata={"kind": "code"}))


def test_or_later_ids_are_one_licence_not_an_or_expression():
    from firmcorpus.corpus.licenses import LicensePolicy, split_expression

    assert split_expression("GPL-2.0-or-later") == ("ONE", ["GPL-2.0-or-later"])
    assert split_expression("LGPL-2.1-or-later OR MIT") == ("OR", ["LGPL-2.1-or-later", "MIT"])
    assert LicensePolicy().decide("GPL-2.0-or-later") == (True, None)
