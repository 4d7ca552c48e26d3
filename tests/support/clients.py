"""Helpers for the client tests: fixtures from tests/fixtures/reference, a fake clock, and a
scripted httpx.MockTransport that records every request it sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from mwtui.importers.accounting.http import RetryPolicy
from mwtui.workspace.config import Config

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reference"
CANARY = "canary-TOKEN-9f2b7c41e0d3a5"
BASE = "https://api.example.test"
BERLIN = ZoneInfo("Europe/Berlin")


def raw(rel: str) -> bytes:
    return (FIXTURES / rel).read_bytes()


def load(rel: str) -> Any:
    return json.loads(raw(rel))


def recording_body(rel: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a Saloon (bexio) or VCR (lexware) recording."""
    data = load(rel)
    if "statusCode" in data:
        return data["statusCode"], dict(data["headers"]), data["data"].encode()
    response = data["http_interactions"][0]["response"]
    headers = {k: v[0] for k, v in response["headers"].items()}
    return response["status"]["code"], headers, response["body"]["string"].encode()


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Routes by path (exact match) to a handler or a queue of responses; logs requests."""

    def __init__(self) -> None:
        self.routes: dict[str, list[httpx.Response] | Handler] = {}
        self.requests: list[httpx.Request] = []

    def add(self, path: str, *responses: httpx.Response | Handler) -> None:
        if len(responses) == 1 and callable(responses[0]) and not isinstance(
                responses[0], httpx.Response):
            self.routes[path] = responses[0]
        else:
            self.routes[path] = list(responses)  # type: ignore[arg-type]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if route is None:
            return httpx.Response(404, json={"message": f"no route {request.url.path}"})
        if callable(route):
            return route(request)
        if len(route) > 1:
            return route.pop(0)
        return route[0]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content,
                          headers={"Content-Type": "application/json", **(headers or {})})


def setup_env(monkeypatch: pytest.MonkeyPatch, name: str, tz: str = "Europe/Berlin") -> Config:
    monkeypatch.setenv(f"MWTUI_{name.upper()}_TOKEN", CANARY)
    monkeypatch.setenv(f"MWTUI_{name.upper()}_URL", BASE + "/ignored/path")
    monkeypatch.setenv("MWTUI_TIMEZONE", tz)
    return Config.load()


def client_kwargs(clock: FakeClock, now: datetime | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"clock": clock, "sleep": clock.sleep,
                              "retry": RetryPolicy(attempts=4, base_delay=0.5, max_delay=8,
                                                   max_total_wait=60)}
    if now is not None:
        kwargs["now"] = lambda: now
    return kwargs


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)
