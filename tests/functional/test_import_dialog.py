"""The shared import dialog: radio choices, a run with progress and summary, Escape cancels."""

from __future__ import annotations

import threading
from pathlib import Path

from support.screens import FakeClient, make_app, screen_text
from textual.widgets import RadioSet

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.activities_presenter import ActivityIndex
from mwtui.screens.import_dialog import ImportDialog
from mwtui.screens.integrations import IntegrationsScreen


async def start_dialog(app, pilot, key: str = "i") -> ImportDialog:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    return dialog


async def test_radio_choices_build_the_request(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        kind_set = dialog.query_one("#import-kind", RadioSet)
        assert dialog.request().integration == "sevdesk" and not kind_set.display
        await pilot.press("down", "enter")  # bexio
        assert dialog.request().integration == "bexio"
        assert "valid-from" in screen_text(app) and "no delivery notes" in screen_text(app)
        await pilot.press("down", "enter")  # lexware Office
        assert kind_set.display
        await pilot.press("tab", "down", "down", "down", "enter")  # period: all
        await pilot.press("tab", "down", "enter")  # quotations
        request = dialog.request()
        assert (request.integration, request.period, request.kind) == (
            "lexware", "all", "quotation")
        await pilot.press("escape")
        assert isinstance(app.screen, ActivitiesScreen)


async def test_import_from_sandbox_shows_summary_and_fills_the_table(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("sevdesk")
    app.client_factory = lambda name: sandbox_client(name, None, state)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_dialog(app, pilot)
        await pilot.press("tab", "down", "down", "down", "enter")  # period: all
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
        assert "1 item(s) failed" in text and "AB-2001 could not be read" in text


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
        await pilot.press("tab", "down", "down", "down", "enter")  # all
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
