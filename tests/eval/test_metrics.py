"""Each completion metric against hand-computed values on small C snippets, and against the
reference implementations (sacrebleu, rapidfuzz) called directly."""

from __future__ import annotations

import math

import pytest

from firmcorpus.eval import metrics
from firmcorpus.eval.clexer import identifiers, lex, token_texts


def test_lexer_tokens_of_a_register_write():
    src = 'UCSR0B |= (1 << RXEN0); /* enable */\n#define UBRR0 _SFR_MEM16(0xC4)\nputs("a\\"b"); c = \'\\n\';'
    assert token_texts(src) == [
        "UCSR0B", "|=", "(", "1", "<<", "RXEN0", ")", ";",
        "#", "define", "UBRR0", "_SFR_MEM16", "(", "0xC4", ")",
        "puts", "(", '"a\\"b"', ")", ";", "c", "=", "'\\n'", ";"]
    kinds = {t.text: t.kind for t in lex(src)}
    assert kinds["0xC4"] == "number" and kinds["|="] == "punct" and kinds['"a\\"b"'] == "string"
    assert [t.text for t in lex("x /* c */ y", keep_comments=True)] == ["x", "/* c */", "y"]
    # unterminated comment/string in a model's output still lexes
    assert token_texts("a = \"oops\nb /* open") == ["a", "=", '"oops', "b"]


def test_lexer_numbers_and_longest_punctuators():
    assert token_texts("x<<=0x1FUL>>2 ...1.5e-3f") == ["x", "<<=", "0x1FUL", ">>", "2", "...", "1.5e-3f"]
    assert identifiers("static volatile uint8_t *p = NULL;") == ["uint8_t", "p"]


def test_exact_and_whitespace_insensitive():
    assert metrics.exact_match("x = 1;\n", "x = 1;") == 1.0
    assert metrics.exact_match("x=1;", "x = 1;") == 0.0
    assert metrics.exact_match_ws("x=1;", "x = 1;") == 1.0
    assert metrics.exact_match_ws("x=2;", "x = 1;") == 0.0


def _levenshtein(a: str, b: str) -> int:
    """Textbook DP, the independent oracle for rapidfuzz."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@pytest.mark.parametrize("pred,ref", [
    ("a = b;", "a = c;"),
    ("PORTB |= _BV(PB5);", "PORTB &= ~_BV(PB5);"),
    ("", "return 0;"),
    ("while (!(UCSR0A & (1<<UDRE0)));", "while (!(UCSR0A & _BV(UDRE0))) ;"),
])
def test_edit_similarity_against_dp_and_rapidfuzz(pred, ref):
    from rapidfuzz.distance import Levenshtein

    expected = 1 - _levenshtein(pred, ref) / max(len(pred), len(ref))
    assert metrics.edit_similarity(pred, ref) == pytest.approx(expected)
    assert metrics.edit_similarity(pred, ref) == pytest.approx(Levenshtein.normalized_similarity(pred, ref))


def test_edit_similarity_hand_value():
    assert metrics.edit_similarity("a = b;", "a = c;") == pytest.approx(5 / 6)


def test_bleu4_hand_computed():
    # ref tokens: a = b + c ;   pred: a = b + d ;   (no zero counts, so no smoothing)
    # p1 = 5/6, p2 = 3/5, p3 = 2/4, p4 = 1/3, equal lengths → BP = 1
    expected = 100 * (5 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25
    assert metrics.bleu4("a = b + d;", "a = b+c;") == pytest.approx(expected, abs=1e-6)
    assert metrics.bleu4("x = 1;", "x = 1;") == pytest.approx(100.0)


def test_bleu4_against_sacrebleu_directly():
    import sacrebleu

    pred = "if (x) {\n  REG->CR1 |= BIT(3);\n}"
    ref = "if (x) {\n  REG->CR1 &= ~BIT(3);\n}"
    hyp = " ".join(token_texts(pred))
    r = " ".join(token_texts(ref))
    assert metrics.bleu4(pred, ref) == pytest.approx(sacrebleu.sentence_bleu(hyp, [r], tokenize="none").score)
    assert metrics.corpus_bleu4([pred, ref], [ref, ref]) == pytest.approx(
        sacrebleu.corpus_bleu([hyp, r], [[r, r]], tokenize="none").score)


def test_token_accuracy_position_wise():
    ref = "REG |= (1 << 3);"  # REG |= ( 1 << 3 ) ;  → 8 tokens
    assert metrics.token_accuracy("REG |= (1 << 4);", ref) == pytest.approx(7 / 8)
    assert metrics.token_accuracy("REG |=", ref) == pytest.approx(2 / 8)
    # one inserted token shifts every later position: only REG |= ( match
    assert metrics.token_accuracy("REG |= ((1 << 3);", ref) == pytest.approx(3 / 8)
    # tokenizer-independent: whitespace and comments do not matter
    assert metrics.token_accuracy("REG|=(1<<3); // set", ref) == 1.0
    assert metrics.token_accuracy("", "") == 1.0 and metrics.token_accuracy("x", "") == 0.0


def test_longest_common_prefix():
    assert metrics.longest_common_prefix("UART->CR1 = 0x0C;", "UART->CR2 = 0x0C;") == 8
    assert metrics.lcp_ratio("UART->CR1 = 0x0C;", "UART->CR2 = 0x0C;") == pytest.approx(8 / 17)
    assert metrics.lcp_ratio("abc", "abc") == 1.0


def test_identifier_f1():
    # ref ids {x, foo, bar, bar}; pred ids {x, foo, baz}: common 2, P = 2/3, R = 2/4 → F1 = 4/7
    assert metrics.identifier_f1("x = foo(baz);", "x = foo(bar, bar);") == pytest.approx(4 / 7)
    assert metrics.identifier_f1("return 0;", "return 1;") == 1.0  # no identifiers on either side
    assert metrics.identifier_f1("y", "x") == 0.0


def test_syntax_valid_uses_the_reference_as_baseline():
    prompt, suffix = "int f(void) {\n", "\n"
    ref = "  return 0;\n}"
    assert metrics.syntax_valid(prompt, "  return 1;\n}", ref, suffix) == 1.0
    assert metrics.syntax_valid(prompt, "  return (0;\n}", ref, suffix) == 0.0
    assert metrics.syntax_error_count("int x = ;") >= 1
    assert metrics.syntax_error_count("int x = 1;") == 0
    assert metrics.syntax_error_count("/ { reg = <0x1>; };", "devicetree") == 0
    assert metrics.syntax_valid("", "mov r0, r1", "mov r0, r1", language="asm") is None


def test_item_metrics_has_every_metric():
    m = metrics.item_metrics("x = 1;", "x = 1;", "int x;\nvoid f(void){\n", "\n}\n")
    assert set(m) == set(metrics.METRICS)
    assert m == pytest.approx({k: (100.0 if k == "bleu4" else 1.0) for k in metrics.METRICS})


def test_bootstrap_ci():
    c = metrics.bootstrap_ci([0.5, 0.5, None, 0.5])
    assert c == {"mean": 0.5, "lo": 0.5, "hi": 0.5, "n": 3}
    vals = [1, 0, 1, 1, 0, 1, 0, 1, 1, 1]
    a, b = metrics.bootstrap_ci(vals, seed=3), metrics.bootstrap_ci(vals, seed=3)
    assert a == b and a["lo"] < a["mean"] < a["hi"] and a["mean"] == pytest.approx(0.7)
    assert metrics.bootstrap_ci([None])["mean"] is None


def test_aggregate_groups_and_all():
    rows = [{"domain": d, "pred": p, "target": t, "metrics": metrics.item_metrics(p, t)}
            for d, p, t in [("crypto", "a;", "a;"), ("crypto", "b;", "a;"), ("usb_stack", "x = 1;", "x = 1;")]]
    agg = metrics.aggregate(rows, n_boot=200)
    assert set(agg) == {"crypto", "usb_stack", "all"}
    assert agg["crypto"]["exact"]["mean"] == 0.5 and agg["all"]["n"] == 3
    assert math.isclose(agg["usb_stack"]["corpus_bleu4"], 100.0)
