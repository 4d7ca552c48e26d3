"""Integrations screen: token state and set/remove (masked, 0600), connection test."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from support.screens import FakeClient, make_app, screen_text
from textual.widgets import Input

from mwtui.screens.integrations import IntegrationsScreen
from mwtui.widgets.dialogs import ConfirmDialog, TokenDialog

CANARY = "tok-CANARY-4711-secret"


async def open_integrations(app, pilot) -> IntegrationsScreen:
    await pilot.press("1")
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, IntegrationsScreen)
    return screen


async def test_set_token_is_masked_stored_0600_and_never_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        assert [s.token_source for s in screen.states] == ["none", "none", "none"]
        await pilot.press("down", "t")  # bexio
        await pilot.pause()
        assert isinstance(app.screen, TokenDialog)
        field = app.screen.query_one("#token-input", Input)
        assert field.password
        await pilot.press(*CANARY)
        assert CANARY not in screen_text(app)  # masked while typing
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert [s.token_source for s in screen.states] == ["none", "config", "none"]
        assert "token set (config file)" in screen_text(app)
        assert CANARY not in screen_text(app)
    config = tmp_path / "config.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert tomllib.loads(config.read_text())["integrations"]["bexio"]["token"] == CANARY


async def test_remove_token_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.config.set_token("sevdesk", CANARY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        assert screen.states[0].token_source == "config"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep it
        await app.workers.wait_for_complete()
        assert app.config.token("sevdesk").source == "config"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.config.token("sevdesk").source == "none"
        assert screen.states[0].token_source == "none"
        assert "no token" in screen_text(app)


async def test_env_token_is_reported_and_not_removable_here(tmp_path: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        assert screen.states[2].token_source == "env"
        text = screen_text(app)
        assert "MWTUI_LEXWARE_TOKEN" in text and CANARY not in text
        await pilot.press("down", "down", "x")
        await pilot.pause()
        assert app.screen is screen  # no confirmation: nothing to remove from the file
        assert any("unset it" in n.message for n in app._notifications)


async def test_connection_test_uses_the_client_and_shows_the_account(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    clients: list[FakeClient] = []

    def factory(name: str) -> FakeClient:
        clients.append(FakeClient(name, account=f"{name} account [bold]7[/bold]"))
        return clients[-1]

    app.client_factory = factory
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        await pilot.press("down", "down", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [c.integration for c in clients] == ["lexware"]
        assert clients[0].closed == 1
        status = str(screen.query_one("#integration-status").content)
        assert "lexware Office: connected: lexware account [bold]7[/bold]" in status


async def test_connection_failure_is_one_clear_message(tmp_path: Path) -> None:
    app = make_app(tmp_path)  # no token configured: the real client refuses
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#integration-status").content)
        assert status.startswith("sevDesk: connection failed:")
        assert any(n.severity == "error" for n in app._notifications)
        assert app.screen is screen  # still usable


async def test_demo_labels_sandbox_and_connects_without_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_integrations(app, pilot)
        assert all(s.sandbox for s in screen.states)
        assert screen_text(app).count("[SANDBOX]") == 3
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "connected" in str(screen.query_one("#integration-status").content)
