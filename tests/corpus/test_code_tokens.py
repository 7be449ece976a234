"""The three code tokenizers of ``corpus.code_tokens`` differ only in how much of a number is one
token; this states the difference on one line of real-looking code."""

from firmcorpus.corpus.code_tokens import ngram_tokens, signal_tokens, token_hashes

LINE = "REG->CR = 0x1Fu | (1.5f * 8bit);"


def _runs(text: str) -> list[str]:
    """The reference split of ``token_hashes``: maximal identifier/number byte runs, other non-space bytes alone."""
    out, cur = [], ""
    for ch in text:
        if ch.isalnum() or ch == "_":
            cur += ch
            continue
        if cur:
            out.append(cur)
            cur = ""
        if not ch.isspace():
            out.append(ch)
    return out + ([cur] if cur else [])


def test_the_three_variants_split_numbers_differently():
    common = ["REG", "-", ">", "CR", "=", "|", "(", "*", ")", ";"]
    sig, ngr, runs = signal_tokens(LINE), ngram_tokens(LINE), _runs(LINE)
    # quality signals: a number keeps its C suffix and decimal part
    assert [t for t in sig if t not in common] == ["0x1Fu", "1.5f", "8", "bit"]
    # decontamination n-grams: bare hex and digit runs, the suffix is its own token
    assert [t for t in ngr if t not in common] == ["0x1F", "u", "1", ".", "5", "f", "8", "bit"]
    # MinHash: maximal runs of identifier/number bytes
    assert [t for t in runs if t not in common] == ["0x1Fu", "1", ".", "5f", "8bit"]


def test_token_hashes_follow_the_runs():
    """One hash per run (tests/corpus/test_dedup.py checks the hashes against an oracle on real headers)."""
    assert len(token_hashes(LINE)) == len(_runs(LINE))
