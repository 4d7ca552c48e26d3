"""Wiring the sandbox into the real clients: config, client, demo and shared states."""

from __future__ import annotations

import copy
import threading
import time
from pathlib import Path
from typing import Any

from mwtui.demo.sandbox.common import SANDBOX_LABEL, SANDBOX_TOKEN, SANDBOX_URLS
from mwtui.demo.sandbox.state import SandboxState
from mwtui.workspace.config import Config, Secret, TokenInfo


class SandboxConfig(Config):
    """A Config whose tokens and base URLs point at a sandbox (never the real services)."""

    def token(self, name: str) -> TokenInfo:
        return TokenInfo(Secret(SANDBOX_TOKEN), SANDBOX_LABEL)

    def base_url(self, name: str) -> str:
        return SANDBOX_URLS[name]


def sandbox_config(config: Config | None = None) -> SandboxConfig:
    """A sandbox config keeping the timezone (and other settings) of ``config``."""
    base = config or Config(path=Path("/nonexistent/mwtui-sandbox.toml"))
    return SandboxConfig(path=base.path, raw=copy.deepcopy(base.raw))


def sandbox_client(name: str, config: Config | None, state: SandboxState, **kwargs: Any):
    """The real client for ``name`` (``clients.make_client``) wired to the sandbox transport.

    Without a rate-limited sandbox the client gets no limiter (the demo is instant); with one
    (lexware benchmark) it gets the real limiter under a separate name, so the sandbox never
    uses up the budget of a real account. ``kwargs`` go to the client (clock, sleep, now...).
    """
    from mwtui.importers.accounting.clients import make_client
    from mwtui.importers.accounting.ratelimit import NullLimiter, SharedWindowLimiter

    if "limiter" not in kwargs:
        if state.gate is None:
            kwargs["limiter"] = NullLimiter()
        else:
            kwargs["limiter"] = SharedWindowLimiter(
                f"{name}-{SANDBOX_LABEL}", max_calls=2, period=1.0 / (state.gate.rate / 2),
                margin=0.05 / (state.gate.rate / 2), clock=kwargs.get("clock", time.monotonic),
                sleep=kwargs.get("sleep", time.sleep))
    return make_client(name, sandbox_config(config), transport=state.transport(), **kwargs)


def demo_state(name: str, previous_imports: int = 0, **kwargs: Any) -> SandboxState:
    """The demo sandbox as it looks after ``previous_imports`` order imports.

    The first import sees the reference data; from the second on the sandbox is one
    generation further (a changed order, a new delivery note, a re-linked order), so the
    demo shows an update and a newly added PDF, and later imports show nothing new.
    """
    state = SandboxState.demo(name, **kwargs)
    if previous_imports > 0:
        state.advance()
    return state


_SHARED: dict[str, SandboxState] = {}
_SHARED_LOCK = threading.Lock()


def shared_state(name: str) -> SandboxState:
    """One demo sandbox per integration per process (so the demo's second import differs)."""
    with _SHARED_LOCK:
        if name not in _SHARED:
            _SHARED[name] = SandboxState.demo(name)
        return _SHARED[name]
