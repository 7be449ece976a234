"""Quality of a mapping against hand-checked truth: link precision/recall and file accuracy.

Truth files (``shared/data/datasheets/*.json``) list the datasheet's registers and, per code
source, ``links`` — for each register the code names, the symbol carrying it (``file``,
``symbol``). Scoring rules:

* a predicted link is a (register, file, symbol) triple; it is a true positive when the truth
  has the same triple, a false positive otherwise — links into files the truth does not list
  count as false positives too (the repository given to the mapping is larger than the truth's
  files, so file-level retrieval is really tested);
* registers marked ``uncertain``, truth links marked ``uncertain`` and registers reached only
  through function-like macros (``param_links``) are ignored on both sides;
* predicted register names are matched to truth registers by normalised name, else by a unique
  address (a PDF parser may print ``Alarm 1 Seconds`` where the truth says ``Alarm 1 seconds``);
* **file accuracy** (SpecMap's measure): the share of truth files (files holding at least one
  truth link) that the mapping returns for the registers they implement, i.e. that appear
  among the ``files`` of a section holding one of those registers;
* **register-file accuracy**: the share of truth (register, file) pairs where the mapping
  links that register to some symbol of that file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from .models import MappingResult


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _addr(a: str | None) -> int | None:
    try:
        return int(str(a), 16) if a is not None else None
    except ValueError:
        return None


def load_truth(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def truth_sets(truth: dict[str, Any]) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]], set[str]]:
    """(truth triples, ignored (register, file) pairs, ignored registers)."""
    unc = {r["name"] for r in truth.get("registers", []) if r.get("uncertain")}
    triples: set[tuple[str, str, str]] = set()
    ignored_rf: set[tuple[str, str]] = set()
    for code in truth.get("code", []):
        for lk in code.get("links", []):
            if lk.get("uncertain") or lk["register"] in unc:
                ignored_rf.add((lk["register"], lk["file"]))
            else:
                triples.add((lk["register"], lk["file"], lk["symbol"]))
        for lk in code.get("param_links", []):
            unc.add(lk.get("register", ""))
    return triples, ignored_rf, unc


def evaluate(result: MappingResult | dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    res = result if isinstance(result, MappingResult) else MappingResult.from_dict(result)
    triples, ignored_rf, ignored_regs = truth_sets(truth)
    by_norm = {_norm(r["name"]): r["name"] for r in truth.get("registers", [])}
    by_addr: dict[int, list[str]] = defaultdict(list)
    for r in truth.get("registers", []):
        a = _addr(r.get("address"))
        if a is not None:
            by_addr[a].append(r["name"])

    def to_truth(name: str, address: str | None) -> str | None:
        n = by_norm.get(_norm(name))
        if n:
            return n
        hits = by_addr.get(_addr(address), []) if address else []
        return hits[0] if len(hits) == 1 else None

    pred: set[tuple[str, str, str]] = set()
    unmatched = []
    for lk in res.links:
        tname = to_truth(lk.register, lk.address)
        if tname is None:
            unmatched.append((lk.register, lk.file, lk.symbol))
            continue
        if tname in ignored_regs or (tname, lk.file) in ignored_rf:
            continue
        pred.add((tname, lk.file, lk.symbol))
    tp = pred & triples
    fp = sorted(pred - triples) + sorted(unmatched)
    fn = sorted(triples - pred)

    # file accuracy: truth files returned for the registers they implement
    files_of_reg: dict[str, set[str]] = defaultdict(set)
    # a section names its registers as the datasheet prints them: matched like links, by name
    # and else by the unique address the links give that name
    addr_of = {lk.register: lk.address for lk in res.links if lk.address}
    for s in res.sections:
        fs = {f.path for f in s.files}
        for r in s.registers:
            tname = to_truth(r, addr_of.get(r))
            if tname:
                files_of_reg[tname] |= fs
    truth_files: dict[str, set[str]] = defaultdict(set)
    for reg, f, _ in triples:
        truth_files[f].add(reg)
    hit_files = sorted(f for f, regs in truth_files.items() if any(f in files_of_reg.get(r, ()) for r in regs))
    truth_rf = {(r, f) for r, f, _ in triples}
    pred_rf = {(r, f) for r, f, _ in pred}
    n_pred = len(pred) + len(unmatched)
    return {
        "tp": len(tp), "fp": len(fp), "fn": len(fn),
        "precision": len(tp) / n_pred if n_pred else 1.0,
        "recall": len(tp) / len(triples) if triples else 1.0,
        "truth_files": len(truth_files), "files_hit": len(hit_files),
        "file_accuracy": len(hit_files) / len(truth_files) if truth_files else 1.0,
        "register_file_accuracy": len(truth_rf & pred_rf) / len(truth_rf) if truth_rf else 1.0,
        "false_positives": [list(x) for x in fp], "false_negatives": [list(x) for x in fn],
        "missed_files": sorted(set(truth_files) - set(hit_files)),
    }


def micro(evals: Iterable[dict[str, Any]]) -> dict[str, Any]:
    evals = list(evals)
    tp = sum(e["tp"] for e in evals)
    fp = sum(e["fp"] for e in evals)
    fn = sum(e["fn"] for e in evals)
    tf = sum(e["truth_files"] for e in evals)
    fh = sum(e["files_hit"] for e in evals)
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "truth_files": tf, "files_hit": fh, "file_accuracy": fh / tf if tf else 1.0}


def svd_evaluate(result: MappingResult, datasheet, files) -> dict[str, Any]:
    """Register links against an SVD, with an oracle independent of the mapping's name logic:
    a (register, symbol) pair is *true* when the symbol's evaluated value is the register's
    absolute address (a macro) or its offset inside an overlay struct the code instantiates at
    the register's peripheral base. Precision = linked pairs that are true; recall = registers
    that have at least one true symbol in the code and get linked to one of them."""
    regs = {(r.peripheral, r.name): r for r in datasheet.registers}
    bases = {p.name: _addr(p.base_address) for p in datasheet.peripherals}
    by_value: dict[int, set[tuple[str, str]]] = defaultdict(set)
    field_offsets: dict[tuple[str, int], set[tuple[str, str]]] = defaultdict(set)
    instances: dict[int, set[str]] = defaultdict(set)
    for f in files:
        for s in f.symbols:
            if s.kind in ("macro", "enumerator", "variable") and s.int_value is not None and s.role != "bit":
                by_value[s.int_value].add((f.path, s.name))
            if s.kind == "field" and s.offset is not None and s.parent:
                field_offsets[(s.parent, s.offset)].add((f.path, f"{s.parent}.{s.name}"))
            if s.role == "instance" and s.type and s.int_value is not None:
                instances[s.int_value].add(s.type)
    true_pairs: dict[tuple[str | None, str], set[tuple[str, str]]] = defaultdict(set)
    for key, r in regs.items():
        a = _addr(r.address)
        if a is None:
            continue
        true_pairs[key] |= by_value.get(a, set())
        base = bases.get(r.peripheral)
        if base is not None:
            for struct in instances.get(base, ()):
                true_pairs[key] |= field_offsets.get((struct, a - base), set())
    linkable = {k for k, v in true_pairs.items() if v}
    correct = 0
    linked_ok: set[tuple[str | None, str]] = set()
    for lk in result.links:
        key = (lk.peripheral, lk.register)
        if (lk.file, lk.symbol) in true_pairs.get(key, ()):
            correct += 1
            linked_ok.add(key)
    n = len(result.links)
    return {"links": n, "correct": correct, "precision": correct / n if n else 1.0,
            "linkable_registers": len(linkable), "linked_registers": len(linked_ok & linkable),
            "recall": len(linked_ok & linkable) / len(linkable) if linkable else 1.0}

