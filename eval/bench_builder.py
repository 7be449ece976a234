"""Completion benchmark builder: held-out documents → JSONL items reusable across models.

Code documents only (``kind`` ``code`` or ``repo``; datasheet and mapping prose are left out),
stratified over the 13 domains with a fixed seed and ``n_per_domain`` items per domain,
taken round-robin over the cut types a document's language allows:

- ``split75`` (Spark): a window of ``snippet_lines`` lines; prompt = its first 75% of lines,
  target = the rest (stop rule: as many lines as the target has); windows whose target has
  fewer than 3 code tokens (licence headers, comment blocks) are skipped;
- ``line``: one code line; prompt = the document before it, target = the line with its
  indentation (stop rule: newline); prompts never end in whitespace, which would split a token
  the model's tokenizer merges;
- ``block`` (C/C++ via tree-sitter-c): a function body or statement block; prompt = the
  document through its ``{``, target = the body through the matching ``}`` (stop rule: brace
  depth, counted on the fixed C lexer so braces in strings/comments do not count);
- ``register_define``: a register definition line (``#define UART_CR1 0x0C``,
  ``#define PORTB _SFR_IO8(0x05)``, device-tree ``reg = <...>;``); prompt = the document
  through the macro name (or ``reg =``), target = the spacing and the value without a trailing comment (stop
  rule ``value``: first line, trailing comment removed).

Prompts are capped to ``prompt_tokens`` tokens of a reference tokenizer by dropping whole
lines from the left (the stored prompt text is what every model gets). Each item records its
source document, cut type, character offset, sha256 of document/prompt/target and a stable
``item_id``. Items whose text overlaps the training split (see ``eval.decontam``) are
excluded with their overlap recorded.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Sequence

from firmcorpus.core.documents import DOMAINS
from firmcorpus.core.io import atomic_write_text
from firmcorpus.eval import decontam
from firmcorpus.eval.clexer import lex, strip_trailing_comment
from firmcorpus.parsers.treesitter import get_parser

CUT_TYPES = ("split75", "line", "block", "register_define")
C_LANGUAGES = ("c", "cpp")

_REG_DEFINE = re.compile(
    r"^(?P<head>[ \t]*#[ \t]*define[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]+)(?P<value>[^\r\n]*?)[ \t\r]*$",
    re.MULTILINE,
)
_REG_VALUE = re.compile(r"0[xX][0-9A-Fa-f]+|_SFR_\w+\s*\(|\bBIT\s*\(|GENMASK|<<|\bvolatile\b")
_DT_REG = re.compile(r"^(?P<head>[ \t]*reg[ \t]*=)(?P<value>[ \t]*<[^\r\n;]*>;)[ \t\r]*$", re.MULTILINE)


@dataclass
class BenchConfig:
    n_per_domain: int = 20
    seed: int = 0
    cut_types: tuple[str, ...] = CUT_TYPES
    prompt_tokens: int = 512
    snippet_lines: int = 16
    max_target_chars: int = 600
    max_new_tokens_cap: int = 256
    suffix_chars: int = 1500
    decontam_threshold: float = 0.5
    domains: tuple[str, ...] = DOMAINS
    # Spark's benchmark is code from held-out repositories: datasheet and mapping prose are left out
    kinds: tuple[str, ...] = ("code", "repo")
    extra: dict[str, Any] = field(default_factory=dict)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


# ---------------------------------------------------------------- candidate cuts
# A candidate is (cut_type, prompt_start, cut, target_end, stop, extra): prompt = text[prompt_start:cut],
# target = text[cut:target_end]. The prompt start is refined later by the token budget.

def _split75_candidates(text: str, cfg: BenchConfig) -> list[tuple]:
    lines = text.splitlines(keepends=True)
    starts = _line_starts(text)
    out = []
    n = cfg.snippet_lines
    if len(lines) < 4:
        return out
    for s in range(0, max(len(lines) - n, 0) + 1, max(n // 2, 1)):
        window = lines[s:s + n]
        k = math.ceil(0.75 * len(window))
        target_lines = window[k:]
        target = "".join(target_lines).rstrip("\n")
        prompt_len = len("".join(window[:k]))
        # the target must be code, not a licence header or a comment block (lex the whole window:
        # a comment opened in the prompt covers the target too)
        code = [t for t in lex("".join(window)) if t.start >= prompt_len]
        if len(window) < 4 or len(code) < 3 or not "".join(window[:k]).strip():
            continue
        cut = starts[s + k]
        out.append(("split75", starts[s], cut, cut + len(target), {"kind": "lines", "lines": len(target_lines)}, {}))
    return out


def _is_code_line(line: str) -> bool:
    s = line.strip()
    return len(s) >= 8 and not s.startswith(("//", "/*", "*", "#include")) and not s.endswith("\\")


def _line_candidates(text: str, cfg: BenchConfig) -> list[tuple]:
    out = []
    starts = _line_starts(text)
    for i, start in enumerate(starts[1:], 1):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if not _is_code_line(line):
            continue
        # the prompt ends with the previous newline, the target carries the indentation: a prompt
        # ending in whitespace splits a token the model would have merged (token-boundary artefact)
        content_end = start + len(line.rstrip())
        out.append(("line", 0, start, content_end, {"kind": "newline"}, {}))
    return out


def _block_candidates(text: str, cfg: BenchConfig, language: str) -> list[tuple]:
    data = text.encode("utf-8", "surrogatepass")
    try:
        tree = get_parser("cpp" if language == "cpp" else "c").parse(data)
    except Exception:  # noqa: BLE001 - a grammar failure only means no block cuts for this document
        return []
    out = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "compound_statement" or node.has_error:
            continue
        rows = node.end_point[0] - node.start_point[0]
        if rows < 2:
            continue
        # byte offsets → character offsets (texts may hold non-ASCII in comments)
        b_open, b_end = node.start_byte, node.end_byte
        c_open = len(data[:b_open + 1].decode("utf-8", "replace"))
        c_end = len(data[:b_end].decode("utf-8", "replace"))
        if c_end - c_open > cfg.max_target_chars:
            continue
        parent = node.parent.type if node.parent is not None else ""
        kind = "function_body" if parent == "function_definition" else "statement"
        out.append(("block", 0, c_open, c_end, {"kind": "brace"}, {"block_kind": kind}))
    out.sort(key=lambda c: c[2])
    return out


def _register_candidates(text: str, cfg: BenchConfig, language: str) -> list[tuple]:
    out = []
    if language == "devicetree":
        for m in _DT_REG.finditer(text):
            out.append(("register_define", 0, m.end("head"), m.end("value"), {"kind": "newline"},
                        {"register": "reg"}))
        return out
    for m in _REG_DEFINE.finditer(text):
        value = strip_trailing_comment(m.group("value"))
        if not value or value.endswith("\\") or not _REG_VALUE.search(value):
            continue
        # cut right after the name: the whitespace before the value belongs to the target (see _line_candidates)
        out.append(("register_define", 0, m.end("name"), m.start("value") + len(value), {"kind": "value"},
                    {"register": m.group("name")}))
    return out


def candidate_cuts(text: str, language: str, cfg: BenchConfig, cut_type: str) -> list[tuple]:
    if cut_type == "split75":
        cands = _split75_candidates(text, cfg)
    elif cut_type == "line":
        cands = _line_candidates(text, cfg)
    elif cut_type == "block":
        cands = _block_candidates(text, cfg, language) if language in C_LANGUAGES else []
    elif cut_type == "register_define":
        cands = _register_candidates(text, cfg, language)
    else:
        raise ValueError(f"unknown cut type {cut_type!r}; choose from {', '.join(CUT_TYPES)}")
    return [c for c in cands if 0 < c[3] - c[2] <= cfg.max_target_chars and c[2] > c[1]]


# ---------------------------------------------------------------- prompt budget

def cap_prompt(prompt: str, budget: int, count_tokens: Callable[[str], int] | None) -> str:
    """The longest suffix of ``prompt`` made of whole lines within ``budget`` tokens.

    Without a tokenizer the budget is 4 characters per token. When even the last line is too
    long, the last ``4 * budget`` characters are kept.
    """
    count = count_tokens or (lambda s: math.ceil(len(s) / 4))
    if count(prompt) <= budget:
        return prompt
    starts = _line_starts(prompt)[1:]  # cutting at 0 would keep everything
    lo, hi, best = 0, len(starts) - 1, None
    while lo <= hi:  # first line start whose suffix fits; suffixes shrink as the start grows
        mid = (lo + hi) // 2
        if count(prompt[starts[mid]:]) <= budget:
            best, hi = starts[mid], mid - 1
        else:
            lo = mid + 1
    if best is None or best >= len(prompt):
        return prompt[-4 * budget:]
    return prompt[best:]


# ---------------------------------------------------------------- builder

def _language(meta: dict[str, Any], path: str) -> str:
    lang = (meta.get("language") or "").lower()
    if lang:
        return lang
    if path.endswith((".dts", ".dtsi")):
        return "devicetree"
    if path.endswith((".S", ".s", ".asm")):
        return "asm"
    if path.endswith((".cc", ".cpp", ".hpp", ".cxx")):
        return "cpp"
    return "c"


def make_item(doc: dict[str, Any], cand: tuple, cfg: BenchConfig,
              count_tokens: Callable[[str], int] | None) -> dict[str, Any]:
    cut_type, p_start, cut, t_end, stop, extra = cand
    text, meta = doc["text"], doc["metadata"]
    path = str(meta.get("path") or "")
    prompt = cap_prompt(text[p_start:cut], cfg.prompt_tokens, count_tokens)
    target = text[cut:t_end]
    suffix = text[t_end:t_end + cfg.suffix_chars] if cut_type != "split75" else ""
    target_tokens = count_tokens(target) if count_tokens else math.ceil(len(target) / 3)
    item = {
        "item_id": sha256(f"{doc['id']}|{cut_type}|{cut}")[:16],
        "domain": meta.get("domain") or "general",
        "cut_type": cut_type,
        "language": _language(meta, path),
        "source": {"doc_id": doc["id"], "pair_id": meta.get("pair_id"), "repo": meta.get("repo"), "path": path,
                   "split": meta.get("split"), "offset": cut},
        "prompt": prompt,
        "target": target,
        "suffix": suffix,
        "stop": stop,
        "max_new_tokens": min(cfg.max_new_tokens_cap, 2 * target_tokens + 8),
        "prompt_tokens": count_tokens(prompt) if count_tokens else None,
        "hashes": {"doc": meta.get("sha256") or sha256(text), "prompt": sha256(prompt), "target": sha256(target)},
    }
    item.update(extra)
    return item


def build_items(docs: Iterable[dict[str, Any]], cfg: BenchConfig,
                count_tokens: Callable[[str], int] | None = None) -> list[dict[str, Any]]:
    """Sample ``cfg.n_per_domain`` items per domain, deterministic for a given seed and input.

    Documents are ordered by id within a domain and shuffled with a generator seeded by
    ``(seed, domain)``, so adding a domain's documents does not reshuffle the others.
    """
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        dom = doc["metadata"].get("domain") or "general"
        kind = doc["metadata"].get("kind")
        if dom in cfg.domains and doc["text"].strip() and (kind is None or kind in cfg.kinds):
            by_domain.setdefault(dom, []).append(doc)
    items: list[dict[str, Any]] = []
    for dom in cfg.domains:
        pool = sorted(by_domain.get(dom, []), key=lambda d: d["id"])
        if not pool:
            continue
        rng = random.Random(f"{cfg.seed}:{dom}")
        rng.shuffle(pool)
        cache: dict[tuple[int, str], list[tuple]] = {}
        used: set[tuple[str, int]] = set()
        dom_items: list[dict[str, Any]] = []
        doc_cursor = 0
        exhausted: set[str] = set()
        turn = 0
        while len(dom_items) < cfg.n_per_domain and len(exhausted) < len(cfg.cut_types):
            cut_type = cfg.cut_types[turn % len(cfg.cut_types)]
            turn += 1
            if cut_type in exhausted:
                continue
            picked = None
            for step in range(len(pool)):  # next document (round-robin) with an unused cut of this type
                di = (doc_cursor + step) % len(pool)
                doc = pool[di]
                key = (di, cut_type)
                if key not in cache:
                    lang = _language(doc["metadata"], str(doc["metadata"].get("path") or ""))
                    cache[key] = candidate_cuts(doc["text"], lang, cfg, cut_type)
                cands = [c for c in cache[key] if (doc["id"], c[2]) not in used]
                if cands:
                    picked = (doc, rng.choice(cands))
                    doc_cursor = di + 1
                    break
            if picked is None:
                exhausted.add(cut_type)
                continue
            doc, cand = picked
            used.add((doc["id"], cand[2]))
            dom_items.append(make_item(doc, cand, cfg, count_tokens))
        items.extend(dom_items)
    return items


def decontaminate(items: Sequence[dict[str, Any]], cfg: BenchConfig, train_text=None, train_tokens=None,
                  encode: Callable[[str], list[int]] | None = None) -> tuple[list[dict], list[dict]]:
    """Split items into (kept, excluded) by overlap with the training split.

    ``train_text``: an iterable of training documents (dicts with ``text``); ``train_tokens``:
    a folder of ``.ds`` shards (needs ``encode``, the shards' tokenizer). Every item gets a
    ``decontam`` record; excluded items also get ``excluded_reason``.
    """

    text_ov = decontam.text_overlap(items, train_text) if train_text is not None else None
    tok_ov = None
    if train_tokens is not None:
        if encode is None:
            raise ValueError("checking token shards needs the tokenizer that wrote them (encode=...)")
        tok_ov = decontam.token_overlap(items, train_tokens, encode)
    kept, excluded = [], []
    for i, item in enumerate(items):
        rec = {"threshold": cfg.decontam_threshold, "checked": []}
        if text_ov is not None:
            rec["checked"].append("text")
            rec["text_overlap"] = round(text_ov[i], 6)
        if tok_ov is not None:
            rec["checked"].append("tokens")
            rec["token_overlap"] = round(tok_ov[i], 6)
        item = dict(item, decontam=rec)
        worst = max([v for v in (rec.get("text_overlap"), rec.get("token_overlap")) if v is not None], default=0.0)
        if worst >= cfg.decontam_threshold:
            item["excluded_reason"] = f"overlap {worst:.2f} with the training split >= {cfg.decontam_threshold}"
            excluded.append(item)
        else:
            kept.append(item)
    return kept, excluded


def write_jsonl(rows: Iterable[dict[str, Any]], path) -> None:
    atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows))


def read_jsonl(path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def config_dict(cfg: BenchConfig) -> dict[str, Any]:
    return asdict(cfg)
