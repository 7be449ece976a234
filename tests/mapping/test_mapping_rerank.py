"""The optional re-ranking hook against a local OpenAI-compatible stub server (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from firmcorpus.mapping.models import FileScore, SectionStatus
from firmcorpus.mapping.rerank import Reranker
from firmcorpus.parsers.models import Datasheet


@pytest.fixture()
def server():
    seen = []

    class H(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            prompt = body["messages"][0]["content"]
            answer = {"files": ["b.c", "a.c"], "status": "implemented"} if "Section 1" in prompt else "not json"
            content = json.dumps(answer) if isinstance(answer, dict) else answer
            out = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_port}/v1", seen
    srv.shutdown()


def test_rerank_reorders_ambiguous_sections_only(server):
    url, seen = server
    secs = [
        SectionStatus("1", "Ambiguous", "partial", files=[FileScore("a.c", 0.5), FileScore("b.c", 0.45)]),
        SectionStatus("2", "Clear", "implemented", files=[FileScore("a.c", 0.9), FileScore("b.c", 0.1)]),
        SectionStatus("3", "Bad answer", "partial", files=[FileScore("a.c", 0.5)]),
        SectionStatus("4", "Package", "not_applicable"),
    ]
    rr = Reranker(base_url=url, model="stub")
    out = rr.rerank(Datasheet(source="x", pages=1), secs)
    assert [f.path for f in out[0].files] == ["b.c", "a.c"] and out[0].status == "implemented"
    assert [f.path for f in out[1].files] == ["a.c", "b.c"]  # not sent
    assert out[2].status == "partial" and len(rr.errors) == 1  # a bad answer changes nothing
    assert rr.calls == 2 and len(seen) == 2


def test_rerank_unreachable_endpoint_is_harmless():
    rr = Reranker(base_url="http://127.0.0.1:9/v1", model="x", timeout_s=0.5)
    sec = SectionStatus("1", "A", "partial", files=[FileScore("a.c", 0.5)])
    out = rr.rerank(Datasheet(source="x", pages=1), [sec])
    assert out[0].status == "partial" and rr.errors
