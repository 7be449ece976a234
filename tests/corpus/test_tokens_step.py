"""Tokenize once: ``SplitTokenizer`` writes the same token shards as datatrove's ``DocumentTokenizer``
(one stage per split) and the same counts as ``TokensCounter(count_eos_token=True)``, from one
encoding per text, in bounded batches."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from datatrove.data import Document
from datatrove.pipeline.tokens import DocumentTokenizer, TokensCounter

from firmcorpus.core.sources import fetch
from firmcorpus.core.tokenizer import special_tokens, tokenizer_file
from firmcorpus.corpus.steps.tokens import SplitTokenizer, char_batches


@pytest.fixture(scope="module")
def docs() -> list[tuple[str, str, str]]:
    """(id, split, text) for the ubertooth firmware's C files: every fourth file held out, one
    text repeated as a mixture copy would be."""
    root = fetch("deb:ubertooth-firmware-source") / "usr/src/ubertooth-firmware-source"
    files = sorted(root.rglob("*.[ch]"))[:60]
    out = [(str(f.relative_to(root)), "heldout" if i % 4 == 0 else "train", f.read_text(errors="replace"))
           for i, f in enumerate(files)]
    out.insert(3, (out[2][0] + "~1", out[2][1], out[2][2]))
    assert len(out) > 40
    return out


def _documents(rows, split=None):
    return [Document(text=t, id=i, metadata={"split": s}) for i, s, t in rows if split in (None, s)]


@pytest.mark.parametrize("shuffle", [True, False])
def test_shards_and_counts_match_datatrove(tmp_path, docs, shuffle):
    tok = str(tokenizer_file("smollm2"))
    eos = special_tokens(Path(tok))["eos"]
    step = SplitTokenizer(str(tmp_path / "new"), tok, eos_token=eos, shuffle=shuffle, seed=7, batch_chars=20_000)
    out = list(step.run(_documents(docs), rank=3))
    assert [d.id for d in out] == [d[0] for d in docs]  # every document passes on, in order
    counted = list(TokensCounter(tok, count_eos_token=True).run(_documents(docs)))
    assert [d.metadata["token_count"] for d in out] == [d.metadata["token_count"] for d in counted]
    for split in ("train", "heldout"):
        old = DocumentTokenizer(str(tmp_path / "old" / split), tok, eos_token=eos, shuffle_documents=shuffle, seed=7)
        old.run(_documents(docs, split), rank=3)
        names = sorted(p.name for p in (tmp_path / "old" / split).iterdir())
        assert names == sorted(p.name for p in (tmp_path / "new" / split).iterdir())
        assert any(n.endswith(".ds") for n in names)
        for n in names:
            assert filecmp.cmp(tmp_path / "old" / split / n, tmp_path / "new" / split / n, shallow=False), n


def test_batches_are_bounded_by_characters(docs):
    batches = list(char_batches(_documents(docs), 30_000, 1000))
    assert len(batches) > 3
    for b in batches:
        assert len(b) == 1 or sum(len(d.text) for d in b) <= 30_000
    assert [d.id for b in batches for d in b] == [d[0] for d in docs]
