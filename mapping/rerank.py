"""Optional re-ranking of ambiguous sections by an OpenAI-compatible chat endpoint.

Off by default and never needed for the benchmark results: ``map_pair(..., rerank=Reranker(...))``
turns it on. Only *ambiguous* sections are sent — a ``partial`` section, or one whose two best
files score within ``margin`` of each other — with the section title, its register names and the
candidate files; the answer may reorder the files and change the status. Any failure (no
endpoint, timeout, an answer that is not the JSON asked for) leaves the section as it was and
is counted in ``Reranker.errors``. Standard library only (``urllib``), so it adds no dependency.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from firmcorpus.parsers.models import Datasheet

from .models import STATUSES, SectionStatus

PROMPT = (
    "You map a datasheet section to the source files that implement it.\n"
    "Section {sid}: {title}\nRegisters: {regs}\nCandidate files (best first):\n{files}\n"
    'Answer with JSON only: {{"files": [paths, best first, only from the candidates], '
    '"status": one of {statuses}}}'
)


@dataclass
class Reranker:
    base_url: str  # e.g. http://localhost:8000/v1
    model: str
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = 30.0
    margin: float = 0.1
    max_sections: int = 50
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    def ambiguous(self, sec: SectionStatus) -> bool:
        if sec.status == "not_applicable" or not sec.files:
            return False
        if sec.status == "partial":
            return True
        return len(sec.files) > 1 and sec.files[0].score - sec.files[1].score < self.margin

    def _ask(self, prompt: str) -> dict:
        body = json.dumps({"model": self.model, "temperature": 0,
                           "messages": [{"role": "user", "content": prompt}]}).encode()
        req = urllib.request.Request(self.base_url.rstrip("/") + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
        key = os.environ.get(self.api_key_env)
        if key:
            req.add_header("Authorization", f"Bearer {key}")
        with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:  # noqa: S310 (user-given URL)
            data = json.loads(resp.read().decode())
        content = data["choices"][0]["message"]["content"].strip()
        if content.startswith("```"):
            content = content.strip("`").split("\n", 1)[-1]
        return json.loads(content)

    def rerank(self, datasheet: Datasheet, sections: Sequence[SectionStatus],
               texts: Mapping[str, str] | None = None) -> list[SectionStatus]:
        out = []
        sent = 0
        for sec in sections:
            if sent < self.max_sections and self.ambiguous(sec):
                sent += 1
                prompt = PROMPT.format(sid=sec.section_id, title=sec.title, regs=", ".join(sec.registers[:40]) or "-",
                                       files="\n".join(f"- {f.path} ({f.score:.2f})" for f in sec.files[:10]),
                                       statuses=list(STATUSES))
                try:
                    self.calls += 1
                    ans = self._ask(prompt)
                    order = [p for p in ans.get("files", []) if any(f.path == p for f in sec.files)]
                    rest = [f for f in sec.files if f.path not in order]
                    sec.files = [next(f for f in sec.files if f.path == p) for p in order] + rest
                    if ans.get("status") in STATUSES:
                        sec.status = ans["status"]
                        sec.reason += " (re-ranked)"
                except Exception as e:  # the hook must never break a mapping
                    self.errors.append(f"{sec.section_id}: {type(e).__name__}: {e}")
            out.append(sec)
        return out
