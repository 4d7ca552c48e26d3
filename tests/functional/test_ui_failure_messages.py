"""Failure paths in the UI: network down or a token revoked during an import, a workspace
that turns read-only or a full disk while the app runs. Each shows one clear message, the
app stays usable and nothing already committed is lost.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import httpx
import pytest
from support.screens import make_app, screen_text

from mwtui.demo.sandbox import SandboxState, sandbox_config
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.ratelimit import NullLimiter
from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.import_dialog import ImportDialog
from mwtui.workspace import store as store_module
from mwtui.workspace.store import Workspace


class Breakable:
    """A sandbox transport that can go down (connect errors) or revoke the token (401)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.mode = "ok"
        self.fail_after: int | None = None
        self.seen = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen += 1
        broken = self.fail_after is not None and self.seen > self.fail_after
        if broken and self.mode == "down":
            raise httpx.ConnectError("network is unreachable", request=request)
        if broken and self.mode == "revoked":
            return httpx.Response(401, json={"error": {"message": "Authentication required",
                                                       "code": None}, "objects": None})
        return self.state.handle(request)


def _app_with(tmp_path: Path, breakable: Breakable):
    app = make_app(tmp_path)
    app.client_factory = lambda name: make_client(
        name, sandbox_config(None), transport=httpx.MockTransport(breakable.handle),
        limiter=NullLimiter(), sleep=lambda seconds: None)
    return app


async def _import_all(app, pilot) -> ImportDialog:
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.set_focus(None)
    await pilot.press("2")
    await pilot.pause()
    app.screen.query_one("VirtualTable").focus()
    await pilot.press("i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    await pilot.press("tab", "down", "down", "down", "enter")  # period: all
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def _close_and_check_usable(app, pilot) -> None:
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ActivitiesScreen)
    app.set_focus(None)
    await pilot.press("4")
    await pilot.pause()
    assert app.current_mode == "customers"


def _activity_keys(ws: Workspace) -> set[tuple[str, str]]:
    return {(d["source"], d["external_id"]) for _, d in ws.snapshot().items("activities")
            if d.get("external_id")}


@pytest.mark.parametrize(("mode", "phrase"), [("down", "cannot be reached"), ("revoked", "token")])
async def test_api_failure_mid_import_shows_one_message_and_keeps_committed_work(
    tmp_path: Path, mode: str, phrase: str
) -> None:
    breakable = Breakable(SandboxState.demo("sevdesk"))
    app = _app_with(tmp_path, breakable)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await _import_all(app, pilot)
        assert first.runner.result.status == "done"
        committed = _activity_keys(app.workspace)
        assert committed
        await pilot.press("escape")
        breakable.state.advance()
        breakable.mode, breakable.fail_after, breakable.seen = mode, 1, 0
        await _import_all(app, pilot)
        text = screen_text(app).lower()
        assert phrase in text, text
        assert "traceback" not in text
        await _close_and_check_usable(app, pilot)
    assert committed <= _activity_keys(Workspace(app.workspace.path))


@pytest.mark.parametrize(("err_no", "phrase"),
                         [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only")])
async def test_write_failure_while_running_shows_one_message_and_leaves_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err_no: int, phrase: str
) -> None:
    breakable = Breakable(SandboxState.demo("sevdesk"))
    app = _app_with(tmp_path, breakable)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        before = app.workspace.manifest_path.read_bytes()

        def failing_replace(src, dst, *args, **kwargs):
            raise OSError(err_no, os.strerror(err_no))

        monkeypatch.setattr(store_module.os, "replace", failing_replace)
        await _import_all(app, pilot)
        text = screen_text(app)
        assert phrase in text, text
        assert "Traceback" not in text
        monkeypatch.undo()
        assert app.workspace.manifest_path.read_bytes() == before
        await _close_and_check_usable(app, pilot)
        # Once the disk is fine again, the same import works.
        await _import_all(app, pilot)
        assert app.screen.runner.result.status == "done"
    assert _activity_keys(Workspace(app.workspace.path))
