"""Stop rules, the transformers backend (determinism) and the OpenAI-compatible HTTP backend."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from firmcorpus.core.errors import UserError
from firmcorpus.eval.backends import (
    OpenAIBackend,
    OpenAIChatBackend,
    TransformersBackend,
    apply_stop,
    make_backend,
    stop_reached,
    strip_fences,
)


def test_stop_rules():
    assert apply_stop("0x25)\n#define X 1", {"kind": "newline"}) == "0x25)"
    assert apply_stop("a;\nb;\nc;\n", {"kind": "lines", "lines": 2}) == "a;\nb;"
    assert apply_stop("0x42  // 'B'\n#define X", {"kind": "value"}) == "0x42"
    assert apply_stop("_SFR_IO8(0x05) /* PORTB */", {"kind": "value"}) == "_SFR_IO8(0x05)"
    body = "\n  if (x) { y(\"}\"); } /* } */\n  return 0;\n}\nint g(void) { }"
    assert apply_stop(body, {"kind": "brace"}) == "\n  if (x) { y(\"}\"); } /* } */\n  return 0;\n}"
    assert apply_stop("no close", {"kind": "brace"}) == "no close"
    assert stop_reached("a\n", {"kind": "newline"}) and not stop_reached("a", {"kind": "newline"})
    assert stop_reached("x; }", {"kind": "brace"}) and not stop_reached("{ x; }", {"kind": "brace"})
    with pytest.raises(ValueError):
        apply_stop("x", {"kind": "bogus"})


def test_model_specs(tmp_path):
    adapter = tmp_path / "run" / "adapter"
    adapter.mkdir(parents=True)
    (adapter / "adapter_config.json").write_text("{}")
    assert make_backend("base").name == "base"
    b = make_backend("tuned=adapter", adapter=str(adapter), dtype="bfloat16", batch_size=4)
    assert (b.name, b.adapter, b.merge, b.dtype, b.batch_size) == ("tuned", str(adapter), False, "bfloat16", 4)
    assert make_backend("merged", adapter=str(adapter)).merge
    e = make_backend("big=http://127.0.0.1:8000/v1@Qwen/Qwen2.5-Coder-7B")
    assert isinstance(e, OpenAIBackend) and e.model == "Qwen/Qwen2.5-Coder-7B" and e.name == "big"
    c = make_backend("chat+https://api.example.org/v1@some-model")
    assert isinstance(c, OpenAIChatBackend) and c.base_url == "https://api.example.org/v1"
    # wrong paths fail at once, in one line, before any model loads
    with pytest.raises(UserError, match="try .*run/adapter"):
        make_backend("adapter", adapter=str(tmp_path / "run" / "final"))
    with pytest.raises(UserError, match="the run's adapter is"):
        make_backend("adapter", adapter=str(tmp_path / "run"))
    with pytest.raises(UserError, match="no such folder"):
        make_backend("base", base_model=str(tmp_path / "nope"))
    with pytest.raises(UserError, match="PEFT adapter: give it as --adapter"):
        make_backend("hf:" + str(adapter))
    with pytest.raises(UserError, match="--adapter"):
        make_backend("adapter")
    with pytest.raises(UserError, match="unknown model spec"):
        make_backend("gpt")


def _items():
    return [
        {"item_id": "a", "prompt": "#include <avr/io.h>\nint main(void)\n{\n\tDDRB", "stop": {"kind": "newline"},
         "max_new_tokens": 12},
        {"item_id": "b", "prompt": "void f(void) {", "stop": {"kind": "brace"}, "max_new_tokens": 16},
        {"item_id": "c", "prompt": "static int x;\n", "stop": {"kind": "lines", "lines": 2}, "max_new_tokens": 10},
    ]


def test_transformers_backend_is_deterministic(tiny_loaded, tiny_model_dir):
    items = _items()
    a = TransformersBackend(loaded=tiny_loaded).generate(items)
    b = TransformersBackend(loaded=tiny_loaded).generate(items)
    assert a == b and len(a) == 3
    assert "\n" not in a[0] and a[2].count("\n") <= 1
    # loading the same directory from disk again gives the same outputs
    c = TransformersBackend(model=str(tiny_model_dir)).generate(items)
    assert c == a
    # seeded sampling is reproducible too
    s1 = TransformersBackend(loaded=tiny_loaded, greedy=False, seed=7).generate(items)
    s2 = TransformersBackend(loaded=tiny_loaded, greedy=False, seed=7).generate(items)
    assert s1 == s2


def test_batched_generation_equals_one_at_a_time(tiny_loaded):
    """Left-padded batches (prompts of different lengths, stop rules and budgets) = one item at a time."""
    items = _items() + [dict(it, item_id=it["item_id"] + "2", prompt=it["prompt"] * 3, max_new_tokens=7)
                        for it in _items()]
    one = TransformersBackend(loaded=tiny_loaded, batch_size=1).generate(items)
    batched = TransformersBackend(loaded=tiny_loaded, batch_size=4).generate(items)
    assert batched == one
    assert len({len(x) for x in one}) > 1  # the completions really differ in length


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body))
        if body["model"] == "broken":
            self.send_response(400)
            self.end_headers()
            self.wfile.write(b'{"error": "no such model"}')
            return
        # a server that ignores `stop`: the backend must still cut by the item's rule
        text = " |= _BV(PB5);\nnext line\n}" if "DDRB" in body["prompt"] else "\n  return 0;\n}\nmore"
        payload = {"id": "x", "object": "text_completion", "choices": [{"index": 0, "text": text}]}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class _ChatHandler(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body))
        if self.path != "/v1/chat/completions":
            self.send_response(404)
            self.end_headers()
            return
        # a chat model that wraps its answer in a Markdown fence and ignores `stop`
        text = "```c\n |= _BV(PB5);\nnext line\n```" if "DDRB" in body["messages"][-1]["content"] else "x = 1;\ny;\nz;"
        data = json.dumps({"id": "c", "object": "chat.completion",
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def chat_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _ChatHandler.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_chat_backend_against_local_server(chat_server):
    items = [_items()[0], _items()[2]]
    outs = make_backend(f"frontier=chat+{chat_server}@big-model").generate(items)
    assert outs == [" |= _BV(PB5);", "x = 1;\ny;"]  # fence removed, then the item's stop rule
    (path, req), _ = _ChatHandler.requests
    assert path == "/v1/chat/completions" and req["model"] == "big-model" and req["temperature"] == 0.0
    assert req["messages"][0]["role"] == "system" and req["messages"][1] == {"role": "user",
                                                                              "content": items[0]["prompt"]}
    assert req["max_tokens"] == 12 and req["stop"] == ["\n"]
    assert strip_fences("no fence\n") == "no fence\n" and strip_fences("```\na\n```") == "a"


@pytest.fixture()
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _Handler.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_openai_backend_against_local_server(local_server):
    items = _items()[:2]
    backend = make_backend(f"remote={local_server}@tiny-coder")
    outs = backend.generate(items)
    assert outs == [" |= _BV(PB5);", "\n  return 0;\n}"]
    (path0, req0), (_, req1) = _Handler.requests
    assert path0 == "/v1/completions"
    assert req0["model"] == "tiny-coder" and req0["temperature"] == 0.0 and req0["max_tokens"] == 12
    assert req0["stop"] == ["\n"] and "stop" not in req1
    assert req0["prompt"] == items[0]["prompt"]


def test_openai_backend_errors_say_what_to_do(local_server):
    with pytest.raises(RuntimeError, match="HTTP 400"):
        OpenAIBackend(base_url=local_server, model="broken", timeout=5).generate(_items()[:1])
    dead = OpenAIBackend(base_url="http://127.0.0.1:9/v1", model="m", timeout=2, retries=0)
    with pytest.raises(RuntimeError, match="is the server running"):
        dead.generate(_items()[:1])


@pytest.mark.slow
def test_adapter_and_merged_backends_agree(tiny_model_dir, tmp_path):
    """A real PEFT LoRA adapter (non-zero weights) changes outputs; merging it does not."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    peft_model = get_peft_model(base, LoraConfig(r=4, lora_alpha=64, target_modules="all-linear",
                                                 init_lora_weights=False))
    peft_model.save_pretrained(tmp_path / "adapter")
    items = _items()
    spec_kw = {"adapter": str(tmp_path / "adapter"), "base_model": str(tiny_model_dir)}
    plain = make_backend("base", **spec_kw).generate(items)
    with_adapter = make_backend("adapter", **spec_kw).generate(items)
    merged = make_backend("merged", **spec_kw).generate(items)
    assert with_adapter == merged
    assert with_adapter != plain
