"""Helpers for the sync tests: a fixed clock and sandbox-backed real clients."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.workspace.store import Workspace

BERLIN = ZoneInfo("Europe/Berlin")
# a Wednesday: "week" starts Monday 2026-03-09, "month" on 2026-03-01
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=BERLIN)


def client_for(state: SandboxState, **kwargs: Any):
    """The real client of ``state.integration`` against the sandbox, no sleeping."""
    kwargs.setdefault("now", lambda: NOW)
    kwargs.setdefault("sleep", lambda seconds: None)
    return sandbox_client(state.integration, None, state, **kwargs)


def demo(name: str) -> tuple[SandboxState, Any]:
    state = SandboxState.demo(name, now=NOW)
    return state, client_for(state)


def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws" / "workspace.json")


def activities(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Activities by order number (asserting numbers are unique)."""
    docs = [dict(d, id=i) for i, d in ws.snapshot().items("activities")]
    by_number = {d["number"]: d for d in docs}
    assert len(by_number) == len(docs), "duplicate activities"
    return by_number


def customers(ws: Workspace) -> list[dict[str, Any]]:
    return [dict(d, id=i) for i, d in ws.snapshot().items("customers")]
