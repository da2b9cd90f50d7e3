"""A small, thread-safe client for any OpenAI-compatible chat-completions endpoint.

One protocol covers hosted models (OpenAI) and local servers (vLLM, SGLang, Ollama, LM Studio).
``httpx`` is imported lazily, when a :class:`ChatClient` is made; without it the client raises
:class:`VLMError` naming ``pip install 'worldsmith[vlm]'``.

Configuration (:class:`ClientConfig`, frozen, checked on construction; errors are
``VLMError(kind="config")``):

- ``base_url`` must be ``http://host...`` or ``https://host...``; a trailing ``/`` is dropped and
  requests go to ``f"{base_url}/chat/completions"`` (and ``f"{base_url}/models"``);
- ``model`` non-empty; ``timeout_s > 0``; ``max_retries >= 0``; ``max_concurrency >= 1``;
  ``backoff_s >= 0``; ``max_backoff_s >= 0``; ``temperature >= 0``; ``max_tokens >= 1``;
  prices ``>= 0`` (US dollars per million tokens).
- ``api_key=None`` is resolved when the client is made: ``WORLDSMITH_API_KEY``, then
  ``OPENAI_API_KEY``; an empty or absent key means no ``Authorization`` header (local servers).
  A key is sent as ``Authorization: Bearer KEY`` and never appears in a repr, a log line or an
  error message (any echo of it in a server's error text is replaced by ``***``); user:password
  parts of the URL are dropped from messages too.

A request (:meth:`ChatClient.chat`) posts the JSON body
``{"model", "messages", "temperature", "max_tokens", **extra}`` (temperature and max_tokens default
to the config's; ``extra`` is merged last; ``stream`` is refused because replies are read whole).
``timeout_s`` bounds each phase of one attempt (connect, write, read, pool wait), as httpx does.

Retries (deterministic, no jitter). An attempt is retried when it got

- HTTP 429, 500, 502, 503 or 504 (``kind="http"``),
- a timeout (``kind="timeout"``),
- a connection failure or a dropped connection (``kind="connect"``),
- a 2xx whose body is not a chat completion: not JSON, or no string at
  ``choices[0].message.content`` (``kind="bad_response"``).

Before retry ``n`` (1-based) the client waits ``min(backoff_s * 2**(n-1), max_backoff_s)``
(``max_backoff_s`` defaults to 30 s), unless the response carried a ``Retry-After`` header
(seconds, or an HTTP date), which replaces that wait, capped at ``max_backoff_s``. Each retry is
logged at INFO. After ``max_retries`` retries the call raises ``VLMError`` of the last failure's
kind, whose one-line message names the URL, the last status or cause, and the number of attempts.
Any other non-2xx status (400, 401, 403, 404, 422, ...) is not retried: ``VLMError(kind="http")``
carrying the server's ``error.message`` (or its ``message`` / ``detail``, else the body text),
on one line, cut to 200 characters.

Concurrency: each client holds one ``threading.BoundedSemaphore(max_concurrency)``; an attempt
holds it from sending to reading the whole reply (not while backing off), so at most
``max_concurrency`` requests of one client are in flight, whichever threads share it.

Accounting: :class:`ChatReply` carries the response's ``usage`` (as ints; a missing block gives
zeros plus ``"missing": True``; a missing ``total_tokens`` is the sum of the other two),
``cost_usd = prompt_tokens * price_in_per_mtok / 1e6 + completion_tokens * price_out_per_mtok / 1e6``,
``attempts`` (HTTP tries made) and ``seconds`` (wall time of the call, waits and backoff included).
:meth:`ChatClient.totals` sums these under a lock: ``requests`` counts calls (failed ones too),
``attempts`` their tries, ``retries = attempts - requests``; tokens and cost come from
successful calls; ``seconds`` sums per-call wall times (more than elapsed time when threads overlap).

:meth:`ChatClient.list_models` (``GET {base_url}/models``, one attempt, no retries) is a
connectivity check.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from worldsmith.scene.errors import WorldsmithError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses that are retried (rate limit and transient server errors)."""

MAX_BACKOFF_S = 30.0
"""Default cap of one wait between attempts (also caps ``Retry-After``)."""

ERROR_TEXT_CHARS = 200
"""A server's error text is cut to this many characters in :class:`VLMError` messages."""

KEY_ENV_VARS = ("WORLDSMITH_API_KEY", "OPENAI_API_KEY")
"""Environment variables an absent ``api_key`` is read from, in order."""

KINDS = ("config", "dependency", "timeout", "http", "connect", "bad_response")


class VLMError(WorldsmithError):
    """A chat request failed, or the client is misconfigured; the message is one line.

    ``kind`` is one of :data:`KINDS`: ``config`` (bad configuration or arguments, closed client),
    ``dependency`` (httpx missing), ``timeout``, ``http`` (a status error; ``status`` holds it),
    ``connect`` (connection refused, reset or dropped), ``bad_response`` (a 2xx body that is not a
    chat completion). ``attempts`` is the number of HTTP tries made (0 when none was)."""

    def __init__(self, message: str, kind: str = "http", *, status: int | None = None,
                 attempts: int = 0, url: str | None = None):
        super().__init__(_one_line(message))
        self.kind = kind
        self.status = status
        self.attempts = attempts
        self.url = url


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _public_url(url: str) -> str:
    """``url`` without user:password (for messages)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to talk to the model; see the module doc for the rules it checks."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 120.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_concurrency: int = 4
    temperature: float = 0.2
    max_tokens: int = 2048
    price_in_per_mtok: float = 0.0
    price_out_per_mtok: float = 0.0
    max_backoff_s: float = MAX_BACKOFF_S

    def __post_init__(self) -> None:
        def bad(what: str) -> VLMError:
            return VLMError(f"bad VLM client config: {what}", kind="config")

        if not isinstance(self.base_url, str):
            raise bad(f"base_url must be a string, got {type(self.base_url).__name__}")
        url = self.base_url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad(f"base_url must look like http(s)://host[:port]/path, got {_public_url(url)!r}")
        if parts.query or parts.fragment:
            raise bad(f"base_url must not carry a query or fragment, got {_public_url(url)!r}")
        object.__setattr__(self, "base_url", url)
        if not isinstance(self.model, str) or not self.model.strip():
            raise bad("model must be a non-empty string")
        if self.api_key is not None and not isinstance(self.api_key, str):
            raise bad("api_key must be a string or None")

        def number(name: str, ok: Any, rule: str, integer: bool = False) -> None:
            value = getattr(self, name)
            kinds = (int,) if integer else (int, float)
            if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) \
                    or not ok(value):
                raise bad(f"{name} must be {rule}, got {value!r}")

        number("timeout_s", lambda v: v > 0, "> 0")
        number("max_retries", lambda v: v >= 0, "an int >= 0", integer=True)
        number("backoff_s", lambda v: v >= 0, ">= 0")
        number("max_backoff_s", lambda v: v >= 0, ">= 0")
        number("max_concurrency", lambda v: v >= 1, "an int >= 1", integer=True)
        number("temperature", lambda v: v >= 0, ">= 0")
        number("max_tokens", lambda v: v >= 1, "an int >= 1", integer=True)
        number("price_in_per_mtok", lambda v: v >= 0, ">= 0")
        number("price_out_per_mtok", lambda v: v >= 0, ">= 0")

    @property
    def chat_url(self) -> str:
        return f"{self.base_url}/chat/completions"

    @property
    def models_url(self) -> str:
        return f"{self.base_url}/models"

    def resolved_api_key(self) -> str | None:
        """The key to send: ``api_key``, else the first set of :data:`KEY_ENV_VARS`, else None."""
        if self.api_key:
            return self.api_key
        for name in KEY_ENV_VARS:
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None


@dataclass(frozen=True)
class ChatReply:
    """One successful chat call. ``usage`` holds ``prompt_tokens``, ``completion_tokens``,
    ``total_tokens`` (and ``missing: True`` when the server sent none)."""

    text: str
    usage: dict
    cost_usd: float
    attempts: int
    seconds: float
    model: str
    finish_reason: str | None = None

    def usage_record(self) -> dict:
        """This call as a step's ``usage`` (:data:`worldsmith.policy.protocol.USAGE_KEYS`)."""
        return {"requests": 1, "attempts": int(self.attempts),
                "prompt_tokens": int(self.usage.get("prompt_tokens", 0) or 0),
                "completion_tokens": int(self.usage.get("completion_tokens", 0) or 0),
                "total_tokens": int(self.usage.get("total_tokens", 0) or 0), "cost_usd": float(self.cost_usd),
                "seconds": round(float(self.seconds), 4)}


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    None when absent or unreadable; never negative. ``now`` (epoch seconds) is for dates."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now_dt = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
        seconds = (when - now_dt).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def backoff_delay(retry: int, backoff_s: float, max_backoff_s: float = MAX_BACKOFF_S,
                  retry_after: float | None = None) -> float:
    """The wait before retry number ``retry`` (1-based): ``Retry-After`` when given, else
    ``backoff_s * 2**(retry-1)``; capped at ``max_backoff_s`` either way."""
    if retry_after is not None:
        return min(max(0.0, retry_after), max_backoff_s)
    return min(backoff_s * 2 ** (retry - 1), max_backoff_s)


class _Failure(Exception):
    """One failed attempt (internal): kind, a one-line cause, whether to retry, Retry-After."""

    def __init__(self, kind: str, cause: str, retry: bool, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(cause)
        self.kind = kind
        self.cause = cause
        self.retry = retry
        self.status = status
        self.retry_after = retry_after


class ChatClient:
    """A thread-safe OpenAI-compatible chat client (see the module doc). Use as a context manager
    or call :meth:`close`."""

    def __init__(self, config: ClientConfig):
        if not isinstance(config, ClientConfig):
            raise VLMError(f"ChatClient needs a ClientConfig, got {type(config).__name__}", kind="config")
        try:
            import httpx
        except ImportError as exc:
            raise VLMError("the VLM client needs httpx: pip install 'worldsmith[vlm]'",
                           kind="dependency") from exc
        self.config = config
        self._httpx = httpx
        self._key = config.resolved_api_key()
        headers = {"Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        n = config.max_concurrency
        self._http = httpx.Client(
            timeout=httpx.Timeout(config.timeout_s),
            limits=httpx.Limits(max_connections=n, max_keepalive_connections=n),
            headers=headers,
        )
        self._slots = threading.BoundedSemaphore(n)
        self._lock = threading.Lock()
        self._closed = False
        self._totals = {"requests": 0, "attempts": 0, "retries": 0, "prompt_tokens": 0,
                        "completion_tokens": 0, "total_tokens": 0, "cost_usd": 0.0, "seconds": 0.0}

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection pool (idempotent); later calls raise ``VLMError(kind="config")``."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._http.close()

    def __enter__(self) -> "ChatClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ChatClient(url={_public_url(self.config.base_url)!r}, model={self.config.model!r})"

    # -- API -------------------------------------------------------------------------------------
    def chat(self, messages: list[dict], *, temperature: float | None = None,
             max_tokens: int | None = None, extra: dict | None = None) -> ChatReply:
        """Send one chat-completions request (retrying as the module doc says) and return the reply."""
        self._check_open()
        if not isinstance(messages, list) or not messages \
                or not all(isinstance(m, dict) and "role" in m for m in messages):
            raise VLMError("messages must be a non-empty list of {'role', 'content'} dicts", kind="config")
        if extra is not None and not isinstance(extra, dict):
            raise VLMError(f"extra must be a dict, got {type(extra).__name__}", kind="config")
        if extra and extra.get("stream"):
            raise VLMError("streaming replies are not supported (extra['stream'] must be false)",
                           kind="config")
        cfg = self.config
        body = {
            "model": cfg.model,
            "messages": messages,
            "temperature": cfg.temperature if temperature is None else temperature,
            "max_tokens": cfg.max_tokens if max_tokens is None else max_tokens,
            **(extra or {}),
        }
        try:
            payload = json.dumps(body).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise VLMError(f"the request is not JSON-serialisable: {exc}", kind="config") from exc

        start = time.monotonic()
        attempts = 0
        try:
            data, attempts = self._with_retries("POST", cfg.chat_url, payload, _chat_content,
                                                cfg.max_retries)
        except VLMError as err:
            self._account(attempts=err.attempts, seconds=time.monotonic() - start, usage=None, cost=0.0)
            raise
        seconds = time.monotonic() - start
        text, finish_reason = _chat_content(data)
        usage = _usage_of(data.get("usage"))
        cost = (usage["prompt_tokens"] * cfg.price_in_per_mtok / 1e6
                + usage["completion_tokens"] * cfg.price_out_per_mtok / 1e6)
        self._account(attempts=attempts, seconds=seconds, usage=usage, cost=cost)
        model = data.get("model") if isinstance(data.get("model"), str) and data.get("model") else cfg.model
        return ChatReply(text=text, usage=usage, cost_usd=cost, attempts=attempts, seconds=seconds,
                         model=model, finish_reason=finish_reason)

    def list_models(self) -> list[str]:
        """The model ids the server lists (``GET {base_url}/models``); one attempt, no retries."""
        self._check_open()
        data, _ = self._with_retries("GET", self.config.models_url, None, _model_ids, 0)
        return _model_ids(data)

    def totals(self) -> dict:
        """Sums over this client's calls (a copy): requests, attempts, retries, tokens, cost, seconds."""
        with self._lock:
            return dict(self._totals)

    # -- internals -------------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise VLMError("the VLM client is closed", kind="config")

    def _account(self, *, attempts: int, seconds: float, usage: dict | None, cost: float) -> None:
        with self._lock:
            t = self._totals
            t["requests"] += 1
            t["attempts"] += attempts
            t["retries"] = t["attempts"] - t["requests"]
            t["seconds"] += seconds
            if usage is not None:
                for k in ("prompt_tokens", "completion_tokens", "total_tokens"):
                    t[k] += usage[k]
                t["cost_usd"] += cost

    def _redact(self, text: str) -> str:
        if self._key:
            text = text.replace(self._key, "***")
        return text

    def _with_retries(self, method: str, url: str, payload: bytes | None, validate: Any,
                      max_retries: int) -> tuple[dict, int]:
        shown = _public_url(url)
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._attempt(method, url, payload, validate), attempts
            except _Failure as fail:
                cause = self._redact(fail.cause)
                retries_done = attempts - 1
                if not fail.retry:
                    raise VLMError(f"{method} {shown} failed: {cause}", kind=fail.kind,
                                   status=fail.status, attempts=attempts, url=shown) from None
                if retries_done >= max_retries:
                    raise VLMError(
                        f"{method} {shown} failed after {attempts} attempt{'s' if attempts != 1 else ''}; "
                        f"last error: {cause}",
                        kind=fail.kind, status=fail.status, attempts=attempts, url=shown) from None
                delay = backoff_delay(attempts, self.config.backoff_s, self.config.max_backoff_s,
                                      fail.retry_after)
                log.info("VLM %s %s: %s; retry %d/%d in %.2f s", method, shown, cause,
                         attempts, max_retries, delay)
                if delay > 0:
                    time.sleep(delay)
                if self._closed:
                    raise VLMError(f"{method} {shown}: the VLM client was closed while retrying",
                                   kind="config", attempts=attempts, url=shown)

    def _attempt(self, method: str, url: str, payload: bytes | None, validate: Any) -> dict:
        httpx = self._httpx
        headers = {"Content-Type": "application/json"} if payload is not None else None
        with self._slots:
            try:
                response = self._http.request(method, url, content=payload, headers=headers)
            except httpx.TimeoutException as exc:
                raise _Failure("timeout", f"timed out ({type(exc).__name__}, timeout_s="
                               f"{self.config.timeout_s:g})", retry=True) from None
            except httpx.TransportError as exc:
                raise _Failure("connect", f"connection failed ({type(exc).__name__}: "
                               f"{_one_line(str(exc)) or 'no detail'})", retry=True) from None
        status = response.status_code
        if not 200 <= status < 300:
            text = _error_text(response)
            retry = status in RETRY_STATUSES
            retry_after = parse_retry_after(response.headers.get("retry-after")) if retry else None
            raise _Failure("http", f"HTTP {status}" + (f" ({text})" if text else ""), retry=retry,
                           status=status, retry_after=retry_after)
        try:
            data = response.json()
        except ValueError:
            raise _Failure("bad_response", f"HTTP {status} body is not JSON: "
                           f"{_cut(response.text) or '(empty)'}", retry=True, status=status) from None
        try:
            validate(data)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise _Failure("bad_response", f"HTTP {status} body is not a valid reply ({exc})",
                           retry=True, status=status) from None
        return data


def _cut(text: str, n: int = ERROR_TEXT_CHARS) -> str:
    text = _one_line(text)
    return text if len(text) <= n else text[: n - 3] + "..."


def _error_text(response: Any) -> str:
    """The server's error message: JSON ``error.message`` (or ``error`` / ``message`` / ``detail``
    strings), else the body text; one line, cut to :data:`ERROR_TEXT_CHARS`."""
    try:
        data = response.json()
    except ValueError:
        return _cut(response.text)
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return _cut(err["message"])
        for value in (err, data.get("message"), data.get("detail")):
            if isinstance(value, str):
                return _cut(value)
    return _cut(response.text)


def _chat_content(data: Any) -> tuple[str, str | None]:
    """``(choices[0].message.content, finish_reason)``; raises ValueError/KeyError/... when absent."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise ValueError("no choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ValueError("choices[0].message.content is not a string")
    finish = choice.get("finish_reason")
    return content, finish if isinstance(finish, str) else None


def _model_ids(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ValueError("no data list")
    ids = [m.get("id") for m in data["data"] if isinstance(m, dict)]
    if not all(isinstance(i, str) for i in ids):
        raise ValueError("a model without a string id")
    return ids


def _usage_of(raw: Any) -> dict:
    """Token usage as ints (see the module doc for missing values)."""
    if not isinstance(raw, dict):
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "missing": True}

    def count(name: str) -> int | None:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        return max(0, int(value))

    prompt = count("prompt_tokens") or 0
    completion = count("completion_tokens") or 0
    total = count("total_tokens")
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion if total is None else total}
