"""Readers accept every parquet layout datatrove/the build writes, and datatrove token shards."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmcorpus.eval.heldout import read_documents, read_token_documents, write_documents

META = {"domain": "usb_stack", "split": "heldout", "path": "src/usb.c", "pair_id": "p1", "language": "c"}


@pytest.mark.parametrize("layout", ["struct", "json", "expanded"])
def test_read_documents_layouts(tmp_path, layout):
    if layout == "struct":
        write_documents([{"id": "a", "text": "int x;", "metadata": META}], tmp_path / "d" / "x.parquet")
    else:
        row = {"id": "a", "text": "int x;"}
        row.update({"metadata": json.dumps(META, sort_keys=True)} if layout == "json" else META)
        (tmp_path / "d").mkdir()
        pq.write_table(pa.Table.from_pylist([row]), tmp_path / "d" / "x.parquet")
    (doc,) = read_documents(tmp_path / "d")
    assert doc == {"id": "a", "text": "int x;", "metadata": META}
    assert list(read_documents(tmp_path / "d", domains=["crypto"])) == []


def test_missing_inputs_say_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="firmcorpus build"):
        list(read_documents(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="firmcorpus build"):
        list(read_token_documents(tmp_path))


def test_token_shards_round_trip(tmp_path, tiny_tokenizer, tiny_tokenizer_dir):
    from firmcorpus.train.data import tokenize_texts_to_shards

    tok = tiny_tokenizer
    texts = ["#define PORTB _SFR_IO8(0x05)\n", "void f(void) { }\n", "int main(void) { return 0; }\n"]
    tokenize_texts_to_shards(texts, tiny_tokenizer_dir / "tokenizer.json", tmp_path / "shards")
    docs = [list(d) for d in read_token_documents(tmp_path / "shards")]
    expected = [tok(t, add_special_tokens=False)["input_ids"] + [tok.eos_token_id] for t in texts]
    assert docs == expected
