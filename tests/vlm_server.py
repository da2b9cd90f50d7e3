"""A real, local, OpenAI-compatible HTTP server for tests: it scripts replies and records requests.

It listens on 127.0.0.1 (a free port) in a background thread (``http.server.ThreadingHTTPServer``)
and answers ``POST /v1/chat/completions`` and ``GET /v1/models`` the way vLLM, Ollama or OpenAI do.
Nothing is mocked on the client side: the code under test opens real TCP connections.

Script entries (``server.script(*entries)``), consumed one per chat request, in order:

- ``str``: the assistant's message content (HTTP 200, with a ``usage`` block);
- ``{"status": 429 | 500 | ..., "body": {...} | str, "headers": {...}}``: an error response;
- ``{"delay": seconds, ...}``: sleep first (a timeout when longer than the client's), then answer
  with the rest of the entry (``content`` or ``status``);
- ``{"raw": "text"}``: HTTP 200 with a body that is not the expected JSON;
- ``{"content": str, "usage": {...}}``: content with explicit token usage;
- a callable ``f(request_json) -> entry``: computes the entry from the request.

When the script is empty the server answers ``default`` (``"```python\\ndone()\\n```"``).
``server.requests`` lists every chat request as ``{"path", "headers", "json"}``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

DEFAULT_REPLY = "Nothing left to do.\n```python\ndone()\n```"


def _usage(request: dict, content: str) -> dict:
    """Token counts in the spirit of a real server: about 4 characters per text token, 85 per image."""
    n_in = 0
    for m in request.get("messages", []):
        c = m.get("content")
        if isinstance(c, str):
            n_in += len(c) // 4 + 1
        elif isinstance(c, list):
            for part in c:
                n_in += 85 if part.get("type") == "image_url" else len(part.get("text", "")) // 4 + 1
    n_out = len(content) // 4 + 1
    return {"prompt_tokens": n_in, "completion_tokens": n_out, "total_tokens": n_in + n_out}


class ScriptedServer:
    """See the module doc. Use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self, default: str | dict = DEFAULT_REPLY, model: str = "scripted-vlm"):
        self.default = default
        self.model = model
        self.requests: list[dict] = []
        self._queue: deque[Any] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------------
    def script(self, *entries: str | dict | Callable[[dict], Any]) -> "ScriptedServer":
        with self._lock:
            self._queue.extend(entries)
        return self

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL a client is given (``http://127.0.0.1:PORT/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "ScriptedServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, headers: dict | None = None,
                      ctype: str = "application/json") -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, str(v))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path.rstrip("/").endswith("/models"):
                    body = {"object": "list", "data": [{"id": server.model, "object": "model"}]}
                    self._send(200, json.dumps(body).encode())
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    request = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, b'{"error": {"message": "invalid JSON"}}')
                    return
                with server._lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers), "json": request})
                    entry = server._queue.popleft() if server._queue else server.default
                if callable(entry):
                    entry = entry(request)
                if isinstance(entry, str):
                    entry = {"content": entry}
                if entry.get("delay"):
                    time.sleep(float(entry["delay"]))
                if "raw" in entry:
                    self._send(200, str(entry["raw"]).encode(), ctype=entry.get("ctype", "application/json"))
                    return
                status = int(entry.get("status", 200))
                if status != 200:
                    body = entry.get("body", {"error": {"message": f"scripted {status}", "type": "server_error"}})
                    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                    self._send(status, data, entry.get("headers"))
                    return
                content = entry.get("content", "")
                usage = entry.get("usage") or _usage(request, content)
                body = {
                    "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion",
                    "created": 1_700_000_000, "model": request.get("model", server.model),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                 "finish_reason": "stop"}],
                    "usage": usage,
                }
                self._send(200, json.dumps(body).encode(), entry.get("headers"))

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="scripted-vlm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
