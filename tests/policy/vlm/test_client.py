"""The OpenAI-compatible chat client against a real local HTTP server (tests/vlm_server.py)."""

from __future__ import annotations

import base64
import json
import logging
import socket
import sys
import threading
import time

import numpy as np
import pytest

from worldsmith.policy.vlm.client import (
    ChatClient,
    ChatReply,
    ClientConfig,
    VLMError,
    backoff_delay,
    parse_retry_after,
)
from worldsmith.policy.vlm.messages import image_part, png_of, system_message, text_part, user_message
from worldsmith.scene import WorldsmithError

KEY = "sk-test-secret-0123456789"
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture(autouse=True)
def _no_ambient_keys(monkeypatch):
    monkeypatch.delenv("WORLDSMITH_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def client_for(server, **kw) -> ChatClient:
    kw.setdefault("backoff_s", 0.01)
    return ChatClient(ClientConfig(server.url, kw.pop("model", "test-model"), **kw))


def header(request: dict, name: str) -> str | None:
    for k, v in request["headers"].items():
        if k.lower() == name.lower():
            return v
    return None


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- request body and headers ---------------------------------------------------------------------

def test_exact_request_body_with_image_and_defaults(vlm_server):
    img = np.zeros((4, 6, 3), np.uint8)
    img[1, 2] = (255, 0, 0)
    messages = [system_message("You write programs."),
                user_message(text_part("Make a bedroom."), image_part(img, detail="low"))]
    vlm_server.script("```python\ndone()\n```")
    with client_for(vlm_server, model="qwen2.5-vl") as client:
        reply = client.chat(messages)
    assert isinstance(reply, ChatReply)
    assert reply.text == "```python\ndone()\n```"
    assert reply.attempts == 1 and reply.model == "qwen2.5-vl" and reply.finish_reason == "stop"
    assert len(vlm_server.requests) == 1
    req = vlm_server.requests[0]
    assert req["path"] == "/v1/chat/completions"
    url = "data:image/png;base64," + base64.b64encode(png_of(img)).decode("ascii")
    assert req["json"] == {
        "model": "qwen2.5-vl",
        "messages": [
            {"role": "system", "content": "You write programs."},
            {"role": "user", "content": [
                {"type": "text", "text": "Make a bedroom."},
                {"type": "image_url", "image_url": {"url": url, "detail": "low"}},
            ]},
        ],
        "temperature": 0.2,
        "max_tokens": 2048,
    }
    assert header(req, "Content-Type") == "application/json"
    assert header(req, "Authorization") is None


def test_overrides_and_extra_are_sent(vlm_server):
    vlm_server.script("a")
    with client_for(vlm_server, temperature=0.5, max_tokens=100) as client:
        client.chat(HELLO, temperature=0.9, max_tokens=64, extra={"top_p": 0.8, "seed": 3})
    assert vlm_server.requests[0]["json"] == {"model": "test-model", "messages": HELLO, "temperature": 0.9,
                                              "max_tokens": 64, "top_p": 0.8, "seed": 3}


def test_trailing_slash_is_ignored(vlm_server):
    with ChatClient(ClientConfig(vlm_server.url + "/", "m", backoff_s=0.01)) as client:
        client.chat(HELLO)
    assert vlm_server.requests[0]["path"] == "/v1/chat/completions"


def test_authorization_from_worldsmith_key_first(vlm_server, monkeypatch):
    monkeypatch.setenv("WORLDSMITH_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-other")
    with client_for(vlm_server) as client:
        client.chat(HELLO)
    assert header(vlm_server.requests[0], "Authorization") == f"Bearer {KEY}"


def test_authorization_falls_back_to_openai_key(vlm_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-fallback")
    with client_for(vlm_server) as client:
        client.chat(HELLO)
    assert header(vlm_server.requests[0], "Authorization") == "Bearer sk-openai-fallback"


def test_explicit_key_beats_environment_and_is_not_in_repr(vlm_server, monkeypatch):
    monkeypatch.setenv("WORLDSMITH_API_KEY", "sk-env")
    cfg = ClientConfig(vlm_server.url, "m", api_key=KEY, backoff_s=0.01)
    assert KEY not in repr(cfg)
    with ChatClient(cfg) as client:
        assert KEY not in repr(client)
        client.chat(HELLO)
    assert header(vlm_server.requests[0], "Authorization") == f"Bearer {KEY}"


def test_no_key_no_authorization_header(vlm_server):
    with client_for(vlm_server) as client:
        client.chat(HELLO)
        assert client.list_models() == ["scripted-vlm"]
    assert header(vlm_server.requests[0], "Authorization") is None


# -- retries ---------------------------------------------------------------------------------------

def test_429_then_success_honours_retry_after(vlm_server, caplog):
    vlm_server.script({"status": 429, "headers": {"Retry-After": "0.2"}}, "ok")
    with client_for(vlm_server, backoff_s=0.01) as client, caplog.at_level(logging.INFO):
        t0 = time.monotonic()
        reply = client.chat(HELLO)
        elapsed = time.monotonic() - t0
    assert reply.text == "ok" and reply.attempts == 2
    assert len(vlm_server.requests) == 2
    assert elapsed >= 0.2 and reply.seconds >= 0.2
    retry_logs = [r for r in caplog.records if r.name == "worldsmith.policy.vlm.client"]
    assert len(retry_logs) == 1 and retry_logs[0].levelno == logging.INFO
    assert "HTTP 429" in retry_logs[0].getMessage() and "retry 1/4 in 0.20 s" in retry_logs[0].getMessage()


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_until_retries_run_out(vlm_server, status):
    vlm_server.script(*[{"status": status}] * 3, "never reached")
    with client_for(vlm_server, max_retries=2, backoff_s=0.05) as client:
        t0 = time.monotonic()
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
        elapsed = time.monotonic() - t0
        totals = client.totals()
    err = info.value
    assert isinstance(err, WorldsmithError)
    assert err.kind == "http" and err.status == status and err.attempts == 3
    msg = str(err)
    assert "\n" not in msg
    assert f"HTTP {status}" in msg and "after 3 attempts" in msg and vlm_server.url in msg
    assert len(vlm_server.requests) == 3 and vlm_server.pending == 1  # max_retries + 1
    assert elapsed >= 0.05 + 0.10  # deterministic backoff: 0.05 * 2**0 + 0.05 * 2**1
    assert totals["requests"] == 1 and totals["attempts"] == 3 and totals["retries"] == 2
    assert totals["prompt_tokens"] == 0 and totals["cost_usd"] == 0.0


def test_502_and_504_are_retried(vlm_server):
    vlm_server.script({"status": 502}, {"status": 504}, "fine")
    with client_for(vlm_server) as client:
        reply = client.chat(HELLO)
    assert reply.text == "fine" and reply.attempts == 3 and len(vlm_server.requests) == 3


def test_timeout_then_success(vlm_server):
    vlm_server.script({"delay": 1.5, "content": "late"}, "on time")
    with client_for(vlm_server, timeout_s=0.3) as client:
        t0 = time.monotonic()
        reply = client.chat(HELLO)
        elapsed = time.monotonic() - t0
    assert reply.text == "on time" and reply.attempts == 2
    assert len(vlm_server.requests) == 2
    assert 0.3 <= elapsed < 1.5  # gave up at timeout_s, did not wait for the late reply


def test_timeout_that_persists(vlm_server):
    vlm_server.script({"delay": 0.5, "content": "late"}, {"delay": 0.5, "content": "late"})
    with client_for(vlm_server, timeout_s=0.2, max_retries=1) as client:
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
    assert info.value.kind == "timeout" and info.value.attempts == 2
    assert "after 2 attempts" in str(info.value) and "timed out" in str(info.value)


def test_client_errors_are_not_retried(vlm_server):
    with client_for(vlm_server) as client:
        for n, status in enumerate([400, 401, 403, 404, 422], start=1):
            vlm_server.script({"status": status, "body": {"error": {"message": "image too large", "type": "x"}}})
            with pytest.raises(VLMError) as info:
                client.chat(HELLO)
            assert client.totals()["attempts"] == n  # one try each
            assert len(vlm_server.requests) == n
            err = info.value
            assert err.kind == "http" and err.status == status and err.attempts == 1
            assert f"HTTP {status} (image too large)" in str(err) and "attempts" not in str(err)


def test_client_error_text_body_is_cut_to_one_line(vlm_server):
    vlm_server.script({"status": 400, "body": "line one\nline two " + "x" * 500})
    with client_for(vlm_server) as client:
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
    msg = str(info.value)
    assert "\n" not in msg and "(line one line two xxx" in msg
    detail = msg[msg.index("(line one"):]
    assert len(detail) == 200 + 2 and detail.endswith("...)")


def test_key_echoed_by_server_is_redacted(vlm_server, monkeypatch, caplog):
    monkeypatch.setenv("WORLDSMITH_API_KEY", KEY)
    vlm_server.script({"status": 503, "body": {"error": {"message": f"busy for {KEY}"}}},
                      {"status": 401, "body": {"error": {"message": f"Incorrect API key provided: {KEY}"}}})
    with client_for(vlm_server) as client, caplog.at_level(logging.DEBUG):
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
    assert KEY not in str(info.value) and "Incorrect API key provided: ***" in str(info.value)
    assert caplog.records and all(KEY not in r.getMessage() for r in caplog.records)


def test_non_json_body_is_retried_then_fails(vlm_server):
    vlm_server.script({"raw": "not json"}, {"raw": "<html>oops</html>"}, {"raw": "still not"})
    with client_for(vlm_server, max_retries=2) as client:
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
    assert info.value.kind == "bad_response" and info.value.attempts == 3
    assert len(vlm_server.requests) == 3
    assert "after 3 attempts" in str(info.value) and "body is not JSON: still not" in str(info.value)


def test_json_without_content_is_retried_then_succeeds(vlm_server):
    vlm_server.script({"raw": json.dumps({"choices": []})},
                      {"raw": json.dumps({"choices": [{"message": {"role": "assistant", "content": None}}]})},
                      "good")
    with client_for(vlm_server) as client:
        reply = client.chat(HELLO)
    assert reply.text == "good" and reply.attempts == 3 and len(vlm_server.requests) == 3


def test_connection_refused_is_connect_error():
    port = closed_port()
    with ChatClient(ClientConfig(f"http://127.0.0.1:{port}/v1", "m", max_retries=1, backoff_s=0.01)) as client:
        with pytest.raises(VLMError) as info:
            client.chat(HELLO)
        with pytest.raises(VLMError) as info_models:
            client.list_models()
        assert client.totals()["attempts"] == 2
    err = info.value
    assert err.kind == "connect" and err.attempts == 2 and err.status is None
    assert f"http://127.0.0.1:{port}/v1/chat/completions" in str(err) and "after 2 attempts" in str(err)
    assert info_models.value.kind == "connect" and info_models.value.attempts == 1


# -- backoff rule ----------------------------------------------------------------------------------

def test_backoff_schedule_is_exponential_capped_and_overridden():
    assert [backoff_delay(n, 1.0) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert [backoff_delay(n, 0.1, max_backoff_s=0.25) for n in (1, 2, 3)] == [0.1, 0.2, 0.25]
    assert backoff_delay(3, 1.0, retry_after=0.5) == 0.5
    assert backoff_delay(1, 1.0, retry_after=120.0) == 30.0
    assert parse_retry_after("2") == 2.0 and parse_retry_after(" 0.25 ") == 0.25
    assert parse_retry_after("-3") == 0.0 and parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0


def test_retry_after_is_capped_by_max_backoff(vlm_server):
    vlm_server.script({"status": 503, "headers": {"Retry-After": "60"}}, "ok")
    with client_for(vlm_server, max_backoff_s=0.1) as client:
        t0 = time.monotonic()
        reply = client.chat(HELLO)
        elapsed = time.monotonic() - t0
    assert reply.attempts == 2 and 0.1 <= elapsed < 2.0


# -- concurrency -----------------------------------------------------------------------------------

def test_concurrency_limit_is_exact(vlm_server):
    lock = threading.Lock()
    spans: list[tuple[float, float]] = []

    def slow(request):
        start = time.monotonic()
        time.sleep(0.25)
        with lock:
            spans.append((start, time.monotonic()))
        return "done " + request["messages"][0]["content"]

    vlm_server.script(*[slow] * 6)
    replies: dict[int, str] = {}
    barrier = threading.Barrier(6)
    with client_for(vlm_server, max_concurrency=2) as client:
        def work(i):
            barrier.wait()
            replies[i] = client.chat([{"role": "user", "content": str(i)}]).text

        threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        totals = client.totals()
    assert replies == {i: f"done {i}" for i in range(6)}
    assert elapsed >= 3 * 0.25
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans], key=lambda x: (x[0], x[1]))
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    assert len(spans) == 6 and peak == 2
    assert totals["requests"] == 6 and totals["attempts"] == 6 and totals["retries"] == 0


# -- accounting ------------------------------------------------------------------------------------

def test_usage_cost_and_totals_are_exact(vlm_server):
    vlm_server.script(
        {"content": "first", "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200}},
        {"status": 429},
        {"content": "second", "usage": {"prompt_tokens": 3000, "completion_tokens": 50, "total_tokens": 3050}},
    )
    with client_for(vlm_server, price_in_per_mtok=2.5, price_out_per_mtok=10.0) as client:
        a = client.chat(HELLO)
        b = client.chat(HELLO)
        totals = client.totals()
    assert a.usage == {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200}
    assert a.cost_usd == pytest.approx(0.0045, rel=1e-12)  # 1000 * 2.5e-6 + 200 * 10e-6
    assert a.attempts == 1
    assert b.usage == {"prompt_tokens": 3000, "completion_tokens": 50, "total_tokens": 3050}
    assert b.cost_usd == pytest.approx(0.008, rel=1e-12)  # 3000 * 2.5e-6 + 50 * 10e-6
    assert b.attempts == 2
    assert set(totals) == {"requests", "attempts", "retries", "prompt_tokens", "completion_tokens",
                           "total_tokens", "cost_usd", "seconds"}
    assert {k: v for k, v in totals.items() if k not in ("cost_usd", "seconds")} == {
        "requests": 2, "attempts": 3, "retries": 1,
        "prompt_tokens": 4000, "completion_tokens": 250, "total_tokens": 4250}
    assert totals["cost_usd"] == pytest.approx(0.0125, rel=1e-12)
    assert totals["seconds"] == pytest.approx(a.seconds + b.seconds, rel=1e-9)


def test_missing_usage_gives_zeros_and_flag(vlm_server):
    body = {"model": "served-name", "choices": [{"message": {"role": "assistant", "content": "x"}}]}
    vlm_server.script({"raw": json.dumps(body)})
    with client_for(vlm_server, price_in_per_mtok=5.0, price_out_per_mtok=5.0) as client:
        reply = client.chat(HELLO)
    assert reply.usage == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "missing": True}
    assert reply.cost_usd == 0.0 and reply.model == "served-name" and reply.finish_reason is None


# -- configuration and lifecycle -------------------------------------------------------------------

@pytest.mark.parametrize("kw, fragment", [
    ({"base_url": "ftp://host/v1"}, "base_url"),
    ({"base_url": "localhost:8000/v1"}, "base_url"),
    ({"base_url": "http:///v1"}, "base_url"),
    ({"model": ""}, "model"),
    ({"model": "  "}, "model"),
    ({"timeout_s": 0}, "timeout_s"),
    ({"timeout_s": -1.0}, "timeout_s"),
    ({"max_retries": -1}, "max_retries"),
    ({"max_retries": 1.5}, "max_retries"),
    ({"max_concurrency": 0}, "max_concurrency"),
    ({"price_in_per_mtok": -0.1}, "price_in_per_mtok"),
    ({"price_out_per_mtok": float("nan")}, "price_out_per_mtok"),
    ({"backoff_s": -1}, "backoff_s"),
    ({"max_tokens": 0}, "max_tokens"),
])
def test_config_is_validated(kw, fragment):
    args = {"base_url": "http://127.0.0.1:8000/v1", "model": "m", **kw}
    with pytest.raises(VLMError) as info:
        ClientConfig(**args)
    assert info.value.kind == "config" and fragment in str(info.value) and "\n" not in str(info.value)


def test_config_normalises_url_and_defaults():
    cfg = ClientConfig("https://api.example.com/v1/", "gpt-x")
    assert cfg.base_url == "https://api.example.com/v1"
    assert cfg.chat_url == "https://api.example.com/v1/chat/completions"
    assert cfg.models_url == "https://api.example.com/v1/models"
    assert (cfg.timeout_s, cfg.max_retries, cfg.backoff_s, cfg.max_concurrency, cfg.temperature,
            cfg.max_tokens, cfg.price_in_per_mtok, cfg.price_out_per_mtok, cfg.max_backoff_s) == \
           (120.0, 4, 1.0, 4, 0.2, 2048, 0.0, 0.0, 30.0)


def test_bad_arguments_and_closed_client(vlm_server):
    client = client_for(vlm_server)
    for bad in ([], "hello", [{"content": "no role"}]):
        with pytest.raises(VLMError) as info:
            client.chat(bad)
        assert info.value.kind == "config"
    with pytest.raises(VLMError, match="stream"):
        client.chat(HELLO, extra={"stream": True})
    assert vlm_server.requests == []
    client.close()
    client.close()
    with pytest.raises(VLMError, match="closed") as info:
        client.chat(HELLO)
    assert info.value.kind == "config"


def test_missing_httpx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(VLMError) as info:
        ChatClient(ClientConfig("http://127.0.0.1:1/v1", "m"))
    assert info.value.kind == "dependency" and "pip install 'worldsmith[vlm]'" in str(info.value)
