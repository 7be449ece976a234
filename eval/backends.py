"""Generation backends behind one interface, and the stop rules every backend shares.

A backend turns a benchmark item (``prompt``, ``stop``, ``max_new_tokens``) into a
completion. Two kinds:

- ``TransformersBackend``: ``transformers`` ``generate`` on CPU/GPU for a base model, a
  base + PEFT adapter, or the adapter merged into the base (``merge=True``);
- ``OpenAIBackend``: an OpenAI-compatible ``/v1/completions`` endpoint (vLLM, llama.cpp
  server, any API) for larger models, stdlib HTTP only.

Decoding is greedy by default. The stop rule of an item's cut type (``apply_stop``) is applied
to the raw text of *every* backend after generation, so all models are cut identically; the
backends may also stop early (a stopping criterion / ``stop`` strings) only as a speed-up that
never changes the final text.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from firmcorpus.core.errors import UserError
from firmcorpus.eval.clexer import lex, strip_trailing_comment
from firmcorpus.train.model import check_adapter_dir, check_model_source, load_causal_lm


def _block_end(text: str) -> int | None:
    """Offset just past the ``}`` that takes the brace depth below zero, if any."""
    depth = 0
    for tok in lex(text):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
            if depth < 0:
                return tok.start + 1
    return None


def apply_stop(text: str, stop: dict[str, Any]) -> str:
    """Cut a raw completion by the item's stop rule.

    ``newline``: up to the first newline. ``value``: the first line without a trailing comment
    (register definitions: the value, not its comment). ``lines``: the first ``stop["lines"]`` lines (no
    trailing newline). ``brace``: through the ``}`` that closes the block the prompt opened
    (brace depth counted on the C lexer, so braces in strings and comments do not count).
    ``none``: unchanged.
    """
    kind = stop.get("kind", "none")
    if kind == "newline":
        return text.split("\n", 1)[0]
    if kind == "value":
        return strip_trailing_comment(text.split("\n", 1)[0])
    if kind == "lines":
        n = max(int(stop.get("lines", 1)), 1)
        return "\n".join(text.split("\n")[:n])
    if kind == "brace":
        end = _block_end(text)
        return text if end is None else text[:end]
    if kind == "none":
        return text
    raise ValueError(f"unknown stop rule {kind!r}")


def stop_reached(text: str, stop: dict[str, Any]) -> bool:
    """True once more generated text cannot change ``apply_stop(text)`` (early-stop test)."""
    kind = stop.get("kind", "none")
    if kind in ("newline", "value"):
        return "\n" in text
    if kind == "lines":
        return text.count("\n") >= max(int(stop.get("lines", 1)), 1)
    if kind == "brace":
        return _block_end(text) is not None
    return False


class Backend(Protocol):
    name: str

    def generate(self, items: Sequence[dict[str, Any]]) -> list[str]:
        """Completions, already cut by each item's stop rule, in item order."""


# ---------------------------------------------------------------- transformers

@dataclass
class TransformersBackend:
    """Greedy (or seeded sampling) ``generate`` with a local model.

    ``model``: a path, hub id in the local cache or ``smollm2-135m``; ``adapter``: a PEFT adapter
    directory; ``merge``: merge the adapter into the base weights first (same outputs up to float
    rounding, faster). ``loaded``: an already loaded ``(model, tokenizer)`` pair (tests, or to share
    one model between perplexity and generation).
    """

    model: str = "smollm2-135m"
    adapter: str | None = None
    merge: bool = False
    name: str = "base"
    device: str | None = None
    dtype: str | None = None
    greedy: bool = True
    temperature: float = 0.8
    top_p: float = 0.95
    seed: int = 0
    batch_size: int = 8
    loaded: tuple[Any, Any] | None = None

    def load(self):
        if self.loaded is None:
            model, tok = load_causal_lm(self.model, dtype=self.dtype, device=self.device, adapter=self.adapter)
            if self.adapter and self.merge:
                model = model.merge_and_unload()
                model.eval()
            self.loaded = (model, tok)
        return self.loaded

    def generate(self, items: Sequence[dict[str, Any]]) -> list[str]:
        """Completions in item order. Greedy decoding runs ``batch_size`` prompts at once (left-padded,
        sorted by length); sampling runs one item at a time so each item's draw depends only on the seed."""
        model, tok = self.load()
        bs = max(1, int(self.batch_size)) if self.greedy else 1
        order = sorted(range(len(items)), key=lambda i: len(items[i]["prompt"]))
        outs: list[str] = [""] * len(items)
        for start in range(0, len(order), bs):
            chunk = order[start:start + bs]
            for i, text in zip(chunk, self._generate_batch(model, tok, [items[i] for i in chunk])):
                outs[i] = text
        return outs

    def _generate_batch(self, model: Any, tok: Any, items: Sequence[dict[str, Any]]) -> list[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        device = next(model.parameters()).device
        eos = tok.eos_token_id
        pad = tok.pad_token_id if tok.pad_token_id is not None else eos
        seqs = []
        for item in items:
            ids = tok(item["prompt"], add_special_tokens=False)["input_ids"]
            if not ids:  # empty prompt: start from BOS/EOS so generate has a context
                ids = [tok.bos_token_id if tok.bos_token_id is not None else eos]
            seqs.append(list(ids))
        width = max(len(x) for x in seqs)
        input_ids = torch.tensor([[pad] * (width - len(x)) + x for x in seqs], device=device)
        mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in seqs], device=device)
        stops = [item.get("stop", {}) for item in items]

        class _Stop(StoppingCriteria):
            def __call__(self, ids, scores, **kwargs):
                done = [stop_reached(tok.decode(ids[r, width:], skip_special_tokens=True), stops[r])
                        for r in range(ids.shape[0])]
                return torch.tensor(done, dtype=torch.bool, device=ids.device)

        kwargs: dict[str, Any] = {
            "max_new_tokens": max(int(item.get("max_new_tokens", 128)) for item in items),
            "stopping_criteria": StoppingCriteriaList([_Stop()]),
            "pad_token_id": pad,
            "attention_mask": mask,
            "use_cache": True,
        }
        if self.greedy:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            torch.manual_seed(self.seed)
            kwargs.update(do_sample=True, temperature=self.temperature, top_p=self.top_p)
        with torch.no_grad():
            out = model.generate(input_ids=input_ids, **kwargs)
        texts = []
        for r, item in enumerate(items):
            # each row keeps only its own token budget, so batching cannot lengthen a completion
            new = out[r, width:width + int(item.get("max_new_tokens", 128))]
            texts.append(apply_stop(tok.decode(new, skip_special_tokens=True), stops[r]))
        return texts


# ---------------------------------------------------------------- OpenAI-compatible HTTP

def _stop_strings(stop: dict[str, Any]) -> list[str] | None:
    return ["\n"] if stop.get("kind") in ("newline", "value") else None


@dataclass
class OpenAIBackend:
    """``POST {base_url}/completions`` with ``temperature=0`` (greedy) and the item's token budget.

    ``base_url`` ends with ``/v1`` (e.g. ``http://127.0.0.1:8000/v1``); the API key, when a
    server wants one, is read from the ``api_key_env`` environment variable, never stored.
    """

    base_url: str
    model: str
    name: str = "endpoint"
    timeout: float = 120.0
    api_key_env: str = "OPENAI_API_KEY"
    seed: int = 0
    retries: int = 2

    endpoint = "/completions"

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = self.base_url.rstrip("/") + self.endpoint
        last: Exception | None = None
        for _ in range(self.retries + 1):
            req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    raise RuntimeError(f"{url}: HTTP {exc.code}: {exc.read()[:300]!r}") from exc
                last = exc
            except (urllib.error.URLError, TimeoutError) as exc:
                last = exc
        raise RuntimeError(f"{url}: no answer after {self.retries + 1} tries ({last}); is the server running?")

    def request(self, item: dict[str, Any]) -> dict[str, Any]:
        """The request body for one item (the endpoint's own fields; ``generate`` adds the common ones)."""
        return {"prompt": item["prompt"]}

    def answer(self, resp: dict[str, Any]) -> str:
        return resp["choices"][0]["text"]

    def generate(self, items: Sequence[dict[str, Any]]) -> list[str]:
        outs = []
        for item in items:
            payload = {"model": self.model, **self.request(item), "max_tokens": int(item.get("max_new_tokens", 128)),
                       "temperature": 0.0, "top_p": 1.0, "n": 1, "seed": self.seed}
            stops = _stop_strings(item.get("stop", {}))
            if stops:
                payload["stop"] = stops
            resp = self._post(payload)
            try:
                raw = self.answer(resp)
            except (KeyError, IndexError, TypeError) as exc:
                raise RuntimeError(f"{self.base_url}: unexpected {self.name} response {str(resp)[:300]}") from exc
            outs.append(apply_stop(raw or "", item.get("stop", {})))
        return outs


CHAT_SYSTEM = ("You are a code completion engine. The user message is source code cut at some point. Reply with "
               "the text that continues it exactly from that point: no explanation, no Markdown fences, and do not "
               "repeat the code you were given.")
_FENCE = re.compile(r"^\s*```[A-Za-z0-9_+-]*[ \t]*\n(?P<body>.*?)(?:\n?```\s*)?$", re.DOTALL)


def strip_fences(text: str) -> str:
    """A chat model's answer without a surrounding Markdown code fence (kept as is when there is none)."""
    m = _FENCE.match(text)
    return m.group("body") if m else text


@dataclass
class OpenAIChatBackend(OpenAIBackend):
    """``POST {base_url}/chat/completions`` (how hosted frontier models are offered).

    The prompt is the user message under a fixed system message (``CHAT_SYSTEM``) asking for the
    continuation only; a surrounding code fence is removed, then the item's stop rule cuts the text
    like any other backend's. ``temperature=0``, the item's token budget, the same ``stop`` strings.
    """

    name: str = "chat"
    endpoint = "/chat/completions"

    def request(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [{"role": "system", "content": CHAT_SYSTEM}, {"role": "user", "content": item["prompt"]}]}

    def answer(self, resp: dict[str, Any]) -> str:
        return strip_fences(resp["choices"][0]["message"]["content"] or "")


_ENDPOINT = re.compile(r"^(?P<chat>chat\+)?(?P<url>https?://[^@\s]+?)(?:@(?P<model>[^\s]+))?$")


def make_backend(spec: str, adapter: str | None = None, base_model: str = "smollm2-135m", device: str | None = None,
                 seed: int = 0, dtype: str | None = None, batch_size: int = 8) -> Any:
    """A backend from a ``--models`` entry; model and adapter paths are checked here, before anything loads.

    ``base`` → the base model; ``adapter`` → base + ``adapter`` dir; ``merged`` → adapter merged;
    ``hf:PATH`` → any local model; ``http(s)://HOST:PORT/v1@MODEL`` → an OpenAI-compatible
    ``/v1/completions`` endpoint; ``chat+http(s)://HOST:PORT/v1@MODEL`` → ``/v1/chat/completions``.
    ``LABEL=SPEC`` names the model in reports.
    """
    label, _, body = spec.partition("=") if "=" in spec.split("://")[0] else ("", "", spec)
    body = body.strip()
    local = {"device": device, "seed": seed, "dtype": dtype, "batch_size": batch_size}
    if body in ("adapter", "merged"):
        if not adapter:
            raise UserError(f"model {body!r} needs --adapter DIR (the RUN/adapter folder `firmcorpus train` writes)")
        check_adapter_dir(adapter)
    if body in ("base", "adapter", "merged"):
        check_model_source(base_model)
    if body == "base":
        return TransformersBackend(model=base_model, name=label or "base", **local)
    if body == "adapter":
        return TransformersBackend(model=base_model, adapter=adapter, name=label or "adapter", **local)
    if body == "merged":
        return TransformersBackend(model=base_model, adapter=adapter, merge=True, name=label or "merged", **local)
    if body.startswith("hf:"):
        path = body[3:]
        check_model_source(path)
        return TransformersBackend(model=path, name=label or path.rstrip("/").rsplit("/", 1)[-1], **local)
    m = _ENDPOINT.match(body)
    if m:
        cls = OpenAIChatBackend if m.group("chat") else OpenAIBackend
        return cls(base_url=m.group("url"), model=m.group("model") or "default",
                   name=label or (m.group("model") or "endpoint"), seed=seed)
    raise UserError(f"unknown model spec {spec!r}: use base, adapter, merged, hf:PATH, http://HOST:PORT/v1@MODEL "
                    "or chat+http://HOST:PORT/v1@MODEL")
