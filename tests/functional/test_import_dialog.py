"""The shared import dialog: radio choices, a run with progress and summary, Escape cancels."""

from __future__ import annotations

import threading
from pathlib import Path

from support.screens import FakeClient, make_app, screen_text
from textual.widgets import Button

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.activities_presenter import ActivityIndex
from mwtui.screens.import_dialog import ChoiceGroup, ImportDialog
from mwtui.screens.integrations import IntegrationsScreen


async def start_dialog(app, pilot, key: str = "i") -> ImportDialog:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    return dialog


class RecordingClient(FakeClient):
    """A FakeClient that records which period and kind were listed."""

    calls: list[tuple[str, str, str]] = []

    def list_orders(self, period, kind="orderconfirmation"):
        self.calls.append((self.integration, period, kind))
        return super().list_orders(period, kind)


class TokenFactory:
    """Clients that need a token (like the real ones): only ``with_token`` may start."""

    needs_token = True

    def __call__(self, name: str) -> FakeClient:
        return RecordingClient(name, orders=2)


async def test_arrows_select_and_start_imports_what_is_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    RecordingClient.calls = []
    app.client_factory = lambda name: RecordingClient(name, orders=2)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        assert app.focused is dialog.query_one("#import-integration", ChoiceGroup)
        kind_set = dialog.query_one("#import-kind", ChoiceGroup)
        assert dialog.request().integration == "sevdesk" and not kind_set.display
        await pilot.press("down")  # moving selects: bexio, no Enter needed
        assert dialog.request().integration == "bexio"
        assert "(•) bexio" in screen_text(app) and "( ) sevDesk" in screen_text(app)
        assert "valid-from" in screen_text(app) and "no delivery notes" in screen_text(app)
        await pilot.press("down")  # lexware Office
        assert kind_set.display
        await pilot.press("tab", "down")  # period: this month -> all
        await pilot.press("tab", "down")  # quotations
        request = dialog.request()
        assert (request.integration, request.period, request.kind) == (
            "lexware", "all", "quotation")
        button = dialog.query_one("#import-start", Button)
        assert str(button.label) == "lexware Office: import all quotations"
        await pilot.press("tab")
        assert app.focused is button
        await pilot.press("enter")  # Enter on the Start button
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert RecordingClient.calls == [("lexware", "all", "quotation")]


async def test_start_label_names_period_and_kind(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    RecordingClient.calls = []
    app.client_factory = lambda name: RecordingClient(name, orders=1)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        await pilot.press("down", "down", "tab", "tab", "down")
        label = str(dialog.query_one("#import-start", Button).label)
        assert label == "lexware Office: import quotations, this month"
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        dialog = await start_dialog(app, pilot)  # remembers integration, period and kind
        request = dialog.request()
        assert (request.integration, request.period, request.kind) == (
            "lexware", "month", "quotation")
    assert RecordingClient.calls == [("lexware", "month", "quotation")]


async def test_opened_from_integrations_preselects_that_integration(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.client_factory = lambda name: RecordingClient(name, orders=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "down", "o")  # lexware Office, orders
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        assert dialog.request().integration == "lexware"
        assert "(•) lexware Office" in screen_text(app)
        assert app.focused is dialog.query_one("#import-integration", ChoiceGroup)


async def test_integrations_without_token_are_shown_but_cannot_start(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.config.set_token("lexware", "secret-token-1234567890")
    app.client_factory = TokenFactory()
    RecordingClient.calls = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("o")  # sevDesk is highlighted but has no token
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        text = screen_text(app)
        assert "sevDesk (no token)" in text and "bexio (no token)" in text
        assert "t on the Integrations screen sets the token" in text
        assert dialog.request().integration == "lexware"  # the one that can run
        await pilot.press("up", "up")  # disabled options are skipped
        assert dialog.request().integration == "lexware"
        dialog.query_one("#import-integration", ChoiceGroup).value = "sevdesk"
        dialog._update()
        assert dialog.query_one("#import-start", Button).disabled
        await pilot.press("s")
        await pilot.pause()
        assert not dialog.started and RecordingClient.calls == []


async def test_import_from_sandbox_shows_summary_and_fills_the_table(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("sevdesk")
    app.client_factory = lambda name: sandbox_client(name, None, state)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        await pilot.press("tab", "down")  # period: this month -> all
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = dialog.runner.result
        assert result is not None and result.status == "done" and result.created > 0
        text = screen_text(app)
        assert "Finished: orders from sevDesk" in text
        assert f"created {result.created}" in text
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActivitiesScreen) and screen.index is not None
        sources = {screen.index.row(i).source for i in range(len(screen.index))}
        assert "sevdesk" in sources
        assert len(screen.index) == 6 + result.created


async def test_failed_items_are_listed_in_the_summary(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.client_factory = lambda name: FakeClient(name, orders=3, fail_ids={"o1"})
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await start_dialog(app, pilot)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = dialog.runner.result
        assert result.created == 2 and len(result.failed) == 1
        text = screen_text(app)
        assert "AB-2001: failed: order AB-2001 could not be read" in text


async def test_escape_cancels_a_running_import_and_keeps_what_was_saved(tmp_path: Path) -> None:
    ws_app = make_app(tmp_path)
    gate = threading.Event()
    client = FakeClient("sevdesk", orders=5, gate=gate)
    ws_app.client_factory = lambda name: client
    app = ws_app
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        await pilot.press("s")
        assert client.listing.wait(10)
        assert dialog.runner.running
        await pilot.press("escape")  # cancels, does not close
        await pilot.pause()
        assert app.screen is dialog and dialog.runner.cancel_event.is_set()
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = dialog.runner.result
        assert result.status == "cancelled"
        assert result.created < 5
        assert "Cancelled" in screen_text(app)
        await pilot.press("escape")  # now it closes
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, ActivitiesScreen)
    index = ActivityIndex(app.workspace.snapshot())
    imported = [index.row(i).number for i in range(len(index))
                if index.row(i).source == "sevdesk" and index.row(i).number.startswith("AB-2")]
    assert len(imported) == result.created  # nothing half-written


async def test_integrations_screen_imports_contacts_with_the_same_dialog(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.client_factory = lambda name: FakeClient(name, orders=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, IntegrationsScreen)
        await pilot.press("down", "k")  # bexio, contacts
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog) and dialog.request().what == "contacts"
        assert dialog.request().integration == "bexio"
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert dialog.runner.result.created == 4
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "last contacts:" in screen_text(app)


async def test_demo_second_import_shows_update_and_new_delivery_note(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo=True)

    async def run_once(pilot):
        dialog = await start_dialog(app, pilot)
        await pilot.press("tab", "down")  # this month -> all
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = dialog.runner.result
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        return result

    from mwtui.demo import sandbox

    sandbox._SHARED.pop("sevdesk", None)  # a fresh demo sandbox for this test
    async with app.run_test(size=(80, 24)) as pilot:
        first = await run_once(pilot)
        second = await run_once(pilot)
    sandbox._SHARED.pop("sevdesk", None)
    assert first.status == second.status == "done"
    assert first.created > 0
    assert second.created == 0 and second.updated >= 1 and second.attachments_added == 1
