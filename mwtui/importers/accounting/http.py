"""The one HTTP layer of the sevDesk, bexio and lexware clients (read-only, over httpx).

- Only reading requests leave the machine: GET, and (when enabled, for bexio) POST to a
  path ending in ``/search``. Anything else raises :class:`WriteRefused` before sending,
  checked twice: in :meth:`ApiHttp.request` and in an httpx request hook.
- Explicit connect/read timeouts. Retries only for reading requests and only on connect
  errors, timeouts, 429 and 5xx, with exponential backoff plus jitter; ``Retry-After``
  (seconds or an HTTP date) is honoured; the total wait is capped, then a clear error.
- Typed errors (see :mod:`mwtui.importers.accounting.errors`) with messages an operator can act on.
- The token lives in a ``Secret`` (config), is added by an httpx ``Auth`` at send
  time, is redacted in debug logs and scrubbed from any server text used in an error.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import tenacity

from mwtui import __version__
from mwtui.importers.accounting.deadline import capped_timeout, run_within
from mwtui.importers.accounting.errors import (
    ClientError,
    DocumentRefused,
    NetworkUnreachable,
    NotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    TokenRejected,
    UnexpectedResponse,
    WriteRefused,
)
from mwtui.importers.accounting.ratelimit import Clock, Limiter, NullLimiter, Sleep
from mwtui.workspace.config import Secret
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.text import clip, safe_text

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)
#: No answer may be larger (a 25 MB PDF as base64 inside JSON is about 34 MB).
MAX_RESPONSE_BYTES = 40 * 1024 * 1024
REDACTED = "********"
_SENSITIVE = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
_READ_METHODS = {"GET"}


class _Retry(Exception):
    """A retryable failure of one attempt and how long to wait before the next one."""

    def __init__(self, failure: ClientError, delay: float | None) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.delay = delay


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long reading requests are retried."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: The whole request, attempts and waits together, ends within this many seconds.
    max_total_wait: float = 90.0


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers for a log line: credentials replaced by ``********``."""
    return {k: (REDACTED if k.lower() in _SENSITIVE else v) for k, v in headers.items()}


class _TokenAuth(httpx.Auth):
    """Adds ``Authorization`` at send time so the token never sits in client defaults."""

    def __init__(self, secret: Secret, scheme: str | None) -> None:
        self._secret = secret
        self._scheme = scheme

    def auth_flow(self, request: httpx.Request):
        value = self._secret.reveal()
        request.headers["Authorization"] = f"{self._scheme} {value}" if self._scheme else value
        yield request

    def __repr__(self) -> str:
        return f"_TokenAuth({self._secret!r})"


def is_reading(method: str, path: str, allow_search_post: bool) -> bool:
    """GET, or POST to ``.../search`` when the integration allows it (bexio)."""
    method = method.upper()
    if method in _READ_METHODS:
        return True
    return bool(allow_search_post and method == "POST"
                and path.split("?", 1)[0].rstrip("/").endswith("/search"))


class ApiHttp:
    """A read-only JSON/bytes client for one integration."""

    def __init__(
        self,
        *,
        integration: str,
        label: str,
        base_url: str,
        token: Secret | None,
        auth_scheme: str | None,
        token_hint: str,
        allow_search_post: bool = False,
        transport: httpx.BaseTransport | None = None,
        limiter: Limiter | None = None,
        sleep: Sleep = time.sleep,
        wall: Clock = time.time,
        rng: Callable[[], float] = random.random,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        if not token:
            raise ConfigError(f"No token configured for {label}. {token_hint}")
        self.integration = integration
        self.label = label
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._token_hint = token_hint
        self.allow_search_post = allow_search_post
        self.limiter: Limiter = limiter or NullLimiter()
        self._sleep, self._wall, self._rng = sleep, wall, rng
        self.retry = retry or RetryPolicy()
        self.requests_sent = 0
        #: 429 answers seen in this run; each one slows the pace for the rest of the run.
        self.rate_limited = 0
        self._client = httpx.Client(
            auth=_TokenAuth(token, auth_scheme),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json",
                     "User-Agent": f"mwtui/{__version__} (read-only import)"},
            event_hooks={"request": [self._guard_hook]},
        )
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"ApiHttp({self.integration!r}, {self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    # -- guard -----------------------------------------------------------------------------
    def _guard(self, method: str, path: str) -> None:
        if not is_reading(method, path, self.allow_search_post):
            raise WriteRefused(
                f"mwtui only reads from {self.label}; it refused to send {method.upper()} "
                f"{clip(path, 80)}. Nothing was changed. Please report this as a bug.",
                integration=self.integration)

    def _guard_hook(self, request: httpx.Request) -> None:
        self._guard(request.method, request.url.path)

    # -- requests --------------------------------------------------------------------------
    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.decode_json(self.request("GET", path, params=params))

    def search_json(self, path: str, params: Mapping[str, Any] | None, body: Any) -> Any:
        """bexio's reading ``POST .../search``."""
        return self.decode_json(self.request("POST", path, params=params, json_body=body,
                                             key="search"))

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json_body: Any = None, accept: str | None = None, key: str = "",
                max_bytes: int = MAX_RESPONSE_BYTES) -> httpx.Response:
        """Send a reading request with retries; return a 2xx response or raise."""
        method = method.upper()
        self._guard(method, path)
        url = self.base_url + path
        headers = {"Accept": accept} if accept else {}
        if json_body is not None:
            headers["Content-Type"] = "application/json"
        content = json.dumps(json_body).encode() if json_body is not None else None
        policy = self.retry

        def delay_of(state: tenacity.RetryCallState) -> float | None:
            """The wait before the next attempt: the server's hint, else backoff."""
            retry = state.outcome.exception() if state.outcome else None
            if not isinstance(retry, _Retry):
                return None
            if retry.delay is None:  # no server hint: exponential backoff with jitter
                retry.delay = self._backoff(state.attempt_number)
            return retry.delay

        def stop(state: tenacity.RetryCallState) -> bool:
            delay = delay_of(state)
            return (delay is None or state.attempt_number >= policy.attempts
                    or spent + state.idle_for + delay >= policy.max_total_wait)

        def wait(state: tenacity.RetryCallState) -> float:
            delay = delay_of(state) or 0.0
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, _Retry) and isinstance(failure.failure, RateLimited):
                self.limiter.penalize(key, delay)  # 429: every process waits
            return delay

        def before_sleep(state: tenacity.RetryCallState) -> None:
            log.debug("%s retry %d of %s %s in %.2f s", self.label, state.attempt_number,
                      method, path, state.upcoming_sleep)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retry), stop=stop, wait=wait,
            sleep=self._sleep, before_sleep=before_sleep, reraise=True)
        spent = 0.0  # real seconds inside attempts; the waits between them are idle_for

        def attempt() -> httpx.Response:
            nonlocal spent
            left = (policy.max_total_wait - spent
                    - float(retrying.statistics.get("idle_for", 0.0)))
            begun = time.monotonic()
            try:
                return self._attempt(method, path, url, params, headers, content, key,
                                     max_bytes, left)
            finally:
                spent += time.monotonic() - begun

        try:
            return retrying(attempt)
        except _Retry as last:
            stats = retrying.statistics
            failure = last.failure
            raise type(failure)(
                f"{failure} (gave up after {stats.get('attempt_number', 1)} attempts and "
                f"{int(stats.get('idle_for', 0))} s of waiting)",
                integration=self.integration, status=failure.status) from None

    def _attempt(self, method: str, path: str, url: str, params: Mapping[str, Any] | None,
                 headers: dict[str, str], content: bytes | None, key: str,
                 max_bytes: int, left: float) -> httpx.Response:
        """One try: a 2xx response, a final error, or ``_Retry`` with the wait to use."""
        policy = self.retry
        self.limiter.acquire(key)
        started = self._wall()
        try:
            self.requests_sent += 1
            log.debug("%s %s %s params=%s headers=%s", self.label, method, path,
                      dict(params or {}), redact_headers({**headers,
                                                         "Authorization": REDACTED}))
            request = self._client.build_request(
                method, url, params=params, headers=headers, content=content,
                timeout=capped_timeout(self._timeout, left))
            response = run_within(
                lambda: self._read_capped(self._client.send(request, stream=True), max_bytes),
                left, self._too_slow)
        except WriteRefused:
            raise
        except (httpx.ConnectError, httpx.TimeoutException) as err:
            raise _Retry(NetworkUnreachable(self._network_text(err),
                                            integration=self.integration), None) from None
        except httpx.TransportError as err:
            raise NetworkUnreachable(self._network_text(err),
                                     integration=self.integration) from None
        log.debug("%s %s %s -> HTTP %s, %d bytes, %.2f s", self.label, method, path,
                  response.status_code, len(response.content), self._wall() - started)
        self.limiter.observe(key, response.headers)
        status = response.status_code
        if 200 <= status < 300:
            return response
        if status == 429:
            self.rate_limited += 1
            self.limiter.slow_down(key)
            delay = self._retry_after(response)
            if delay is None:
                delay = self._header_seconds(response, "ratelimit-reset")
            if delay is not None and delay > policy.max_total_wait:
                raise RateLimited(
                    f"{self.label} asks mwtui to wait {int(delay)} seconds before the "
                    "next request (HTTP 429). Try again later.",
                    integration=self.integration, status=status)
            raise _Retry(RateLimited(
                f"{self.label} is limiting requests (HTTP 429) and did not let mwtui "
                "continue in time. Wait a minute and try again; close other tools "
                f"that use the same {self.label} account meanwhile.",
                integration=self.integration, status=status), delay)
        if status >= 500:
            delay = self._retry_after(response)
            if delay is not None and delay > policy.max_delay:
                delay = None
            raise _Retry(ServerError(
                f"{self.label} has a problem on its side (HTTP {status}"
                f"{self._server_text(response)}). Try again in a few minutes; if it "
                f"persists, check the {self.label} status page.",
                integration=self.integration, status=status), delay)
        raise self.status_error(response, method, path)

    # -- helpers ---------------------------------------------------------------------------
    def _too_slow(self) -> NetworkUnreachable:
        return NetworkUnreachable(
            f"{self.label} at {self.base_url} did not finish its answer within "
            f"{int(self.retry.max_total_wait)} s; mwtui gave up. Check the network connection "
            "(and the base URL if one is configured), then try again.",
            integration=self.integration)

    def _read_capped(self, response: httpx.Response, max_bytes: int) -> httpx.Response:
        """Read a streamed body, refusing more than ``max_bytes``; a plain Response back."""
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise self._too_large(max_bytes, response.status_code)
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise self._too_large(max_bytes, response.status_code)
                chunks.append(chunk)
        finally:
            response.close()
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length",
                                        "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers,
                              content=b"".join(chunks), request=response.request)

    def _too_large(self, max_bytes: int, status: int) -> DocumentRefused:
        return DocumentRefused(
            f"{self.label} sent an answer larger than {max_bytes // (1024 * 1024)} MB; mwtui "
            "refused it.", integration=self.integration, status=status)

    def _backoff(self, attempt: int) -> float:
        policy = self.retry
        delay = min(policy.max_delay, policy.base_delay * (2 ** (attempt - 1)))
        return delay * (0.5 + 0.5 * self._rng())

    @staticmethod
    def _header_seconds(response: httpx.Response, name: str) -> float | None:
        value = response.headers.get(name)
        if value is None:
            return None
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
        return seconds if 0 <= seconds < 86400 else None

    def _retry_after(self, response: httpx.Response) -> float | None:
        """``Retry-After`` in seconds, from a number or an HTTP date."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        seconds = self._header_seconds(response, "retry-after")
        if seconds is not None:
            return seconds
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        reference = self._wall()
        if date_header := response.headers.get("date"):
            with contextlib.suppress(TypeError, ValueError, IndexError):
                reference = email.utils.parsedate_to_datetime(date_header).timestamp()
        return max(0.0, when.timestamp() - reference)

    def scrub(self, value: str) -> str:
        """Remove the token from a text that may echo a header (AWS gateways do)."""
        token = self._token.reveal()
        if token and token in value:
            value = value.replace(token, REDACTED)
        return value

    def _server_text(self, response: httpx.Response) -> str:
        message = server_message(response)
        if not message:
            return ""
        return ": " + clip(safe_text(self.scrub(message), one_line=True), 200)

    def _network_text(self, err: Exception) -> str:
        what = ("did not answer in time" if isinstance(err, httpx.TimeoutException)
                else "cannot be reached")
        return (f"{self.label} at {self.base_url} {what}. Check the network connection "
                "(and the base URL if one is configured), then try again.")

    def status_error(self, response: httpx.Response, method: str, path: str) -> ClientError:
        status = response.status_code
        detail = self._server_text(response)
        if status == 401:
            return TokenRejected(
                f"{self.label} rejected the token (HTTP 401{detail}). It may be wrong, expired "
                f"or revoked. {self._token_hint}", integration=self.integration, status=status)
        if status == 403:
            return TokenRejected(
                f"{self.label} refused access with this token (HTTP 403{detail}). The token "
                f"may lack a permission or be malformed. {self._token_hint}",
                integration=self.integration, status=status)
        if status == 404:
            return NotFound(
                f"{self.label} does not know {clip(path, 80)} (HTTP 404{detail}). It may have "
                "been deleted; if everything is missing, check the base URL.",
                integration=self.integration, status=status)
        if 300 <= status < 400:
            return UnexpectedResponse(
                f"{self.label} redirected the request (HTTP {status}). Check the base URL "
                f"{self.base_url}.", integration=self.integration, status=status)
        return RequestRejected(
            f"{self.label} refused {method} {clip(path, 80)} (HTTP {status}{detail}).",
            integration=self.integration, status=status)

    def unexpected(self, detail: str, status: int | None = None) -> UnexpectedResponse:
        return UnexpectedResponse(
            f"{self.label} sent data mwtui cannot read ({clip(self.scrub(detail), 200)}). "
            "Try again later; if it persists, report it with the output of --debug.",
            integration=self.integration, status=status)

    def decode_json(self, response: httpx.Response) -> Any:
        """The JSON body (floats as Decimal); HTML pages and non-JSON raise clearly."""
        body = response.content
        ctype = response.headers.get("content-type", "").lower()
        stripped = body.lstrip()
        if not stripped:
            raise self.unexpected("an empty answer", response.status_code)
        if "html" in ctype or stripped[:1] == b"<":
            raise UnexpectedResponse(
                f"{self.label} answered with a web page instead of data (HTTP "
                f"{response.status_code}). Check the base URL {self.base_url}; a proxy, login "
                "or maintenance page may be in the way.",
                integration=self.integration, status=response.status_code)
        try:
            return json.loads(body, parse_float=Decimal, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise self.unexpected("the answer is not valid JSON", response.status_code) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def server_message(response: httpx.Response) -> str:
    """A short message from any of the error body shapes the three APIs use."""
    try:
        data = json.loads(response.content or b"null")
    except (ValueError, RecursionError):
        return ""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    if isinstance(data.get("message"), str):
        return data["message"]
    issues = data.get("IssueList")
    if isinstance(issues, list) and issues and isinstance(issues[0], dict):
        parts = [str(issues[0].get(k)) for k in ("i18nKey", "source") if issues[0].get(k)]
        return " ".join(parts)
    if isinstance(error, str):
        return error
    return ""
