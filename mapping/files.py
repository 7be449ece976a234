"""File level: BM25 relevance of candidate files to datasheet sections, and symbol usage.

Each candidate file is a bag of identifier sub-tokens (symbol names, every identifier and comment
word of its text, its path); a section's query is its register names, title and distinctive
words. BM25 (Okapi, k1=1.2, b=0.75) is ~30 lines here — small enough that a dependency (rank_bm25,
bm25s) would cost more than it saves, and it runs on a few dozen pruned files per pair.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Mapping, Sequence

from firmcorpus.parsers.models import CodeFile

from .names import split_identifier

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STOPWORDS = frozenset(
    "the and for with this that are from when bit bits register registers value values data set sets will can "
    "not all any see table figure section page note each into are its has have been which than then also only "
    "used use using must should may shall one two per via the default reset reserved read write only".split())


def file_tokens(f: CodeFile, text: str | None) -> list[str]:
    toks: list[str] = []
    toks.extend(t for t in split_identifier(f.path) if len(t) > 1)
    if text:
        for w in _WORD.findall(text):
            toks.extend(t for t in split_identifier(w) if len(t) > 1)
    else:
        for s in f.symbols:
            toks.extend(t for t in split_identifier(s.name) if len(t) > 1)
    return toks


def query_tokens(words: Iterable[str]) -> list[str]:
    out = []
    for w in words:
        for t in split_identifier(w):
            if len(t) > 1 and t not in STOPWORDS:
                out.append(t)
    return out


class BM25:
    def __init__(self, docs: Mapping[str, Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.tf = {k: Counter(v) for k, v in docs.items()}
        self.len = {k: len(v) for k, v in docs.items()}
        n = len(docs) or 1
        self.avg = (sum(self.len.values()) / n) or 1.0
        df: Counter[str] = Counter()
        for c in self.tf.values():
            df.update(c.keys())
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def scores(self, query: Sequence[str]) -> dict[str, float]:
        q = Counter(query)
        out = {}
        for k, tf in self.tf.items():
            norm = self.k1 * (1 - self.b + self.b * self.len[k] / self.avg)
            s = 0.0
            for t, qn in q.items():
                f = tf.get(t)
                if f:
                    s += self.idf.get(t, 0.0) * f * (self.k1 + 1) / (f + norm)
            out[k] = s
        return out


def symbol_usage(files: Sequence[CodeFile], texts: Mapping[str, str], names: set[str]) -> dict[tuple[str, str, int], set[str]]:
    """For every function in the files, which of ``names`` its body uses:
    ``{(file, function, line): {symbol names}}`` (functions that use none are left out)."""
    if not names or not texts:
        return {}
    pat = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    out: dict[tuple[str, str, int], set[str]] = {}
    for f in files:
        text = texts.get(f.path)
        if not text:
            continue
        funcs = [s for s in f.symbols if s.kind == "function" and s.end_line >= s.start_line]
        if not funcs:
            continue
        line_starts = [0]
        for m in re.finditer("\n", text):
            line_starts.append(m.end())
        hits: list[tuple[int, str]] = []
        for m in pat.finditer(text):
            # line number by bisect over line starts
            lo, hi = 0, len(line_starts)
            while lo < hi:
                mid = (lo + hi) // 2
                if line_starts[mid] <= m.start():
                    lo = mid + 1
                else:
                    hi = mid
            hits.append((lo, m.group(1)))
        if not hits:
            continue
        for fn in funcs:
            used = {n for ln, n in hits if fn.start_line <= ln <= fn.end_line}
            if used:
                out[(f.path, fn.name, fn.start_line)] = used
    return out
