"""The per-item report in the import dialog, and the dialog, Integrations and Verlauf
screens rendered in German with no English left."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.i18n import screen_lines, untranslated_on_screen
from support.screens import FakeClient, make_app, screen_text

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.i18n import using_language
from mwtui.i18n.catalog import merged_catalog
from mwtui.screens.import_dialog import ImportDialog


async def run_import(app, pilot, keys=("tab", "down")) -> ImportDialog:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    await pilot.press(*keys)  # period: this month -> all
    assert dialog.request().period == "all"
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def test_dialog_summary_lists_each_kind_of_change(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("sevdesk")
    app.client_factory = lambda name: sandbox_client(name, None, state)
    async with app.run_test(size=(120, 40)) as pilot:
        first = (await run_import(app, pilot)).runner.result
        text = screen_text(app)
        assert all(f"{i.number}: created" in text for i in first.items)
        await pilot.press("enter")
        what = state.advance()
        ordered = sorted((o for o in state.orders.values() if o.kind == "orderconfirmation"),
                         key=lambda o: (o.created, o.id))
        state.remove_order(ordered[2].id)
        dialog = await run_import(app, pilot, keys=())  # the dialog remembers "all"
        text = screen_text(app)
        changed, relinked = what["changed_order"], what["relinked_order"].split(" -> ")
        note, owner = what["new_delivery_note"].split(" -> ")
        assert f"{changed}: updated: title: " in text and "net amount: " in text
        assert f"{relinked[0]}: relinked: customer: " in text and relinked[1] in text
        assert f"{owner}: delivery notes added: {note}" in text
        assert f"{ordered[2].number}: gone at the source (flagged, kept)" in text
        assert dialog.runner.result.counts()["missing_at_source"] == 1


async def test_dialog_summary_lists_failures_in_german(tmp_path: Path) -> None:
    with using_language("de"):
        app = make_app(tmp_path)
        app.client_factory = lambda name: FakeClient(name, orders=3, fail_ids={"o1"})
        async with app.run_test(size=(100, 30)) as pilot:
            await run_import(app, pilot)
            text = screen_text(app)
    assert "AB-2000: angelegt" in text and "AB-2001: fehlgeschlagen: " in text
    assert "Was geschah, je Datensatz:" in text


def _german_leftovers(app) -> list[str]:
    """English left on screen, apart from the app's own global keys (app.py, not here)."""
    app_keys = {b.description for _key, b in app._bindings} | {"History"}
    return [m for m in untranslated_on_screen(screen_lines(app), merged_catalog("de"))
            if m not in app_keys]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_dialog_integrations_and_history_in_german(tmp_path: Path, size) -> None:
    with using_language("de"):
        app = make_app(tmp_path)
        app.client_factory = lambda name: FakeClient(name, orders=2)
        async with app.run_test(size=size) as pilot:
            await pilot.press("1")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert _german_leftovers(app) == []
            assert "Integrationen" in screen_text(app)
            await pilot.press("down", "down", "o")
            await pilot.pause()
            assert isinstance(app.screen, ImportDialog)
            assert _german_leftovers(app) == []
            assert "Angebote" in screen_text(app) or "Auftragsbestätigungen" in screen_text(app)
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert _german_leftovers(app) == []
            await pilot.press("enter")
            await pilot.press("6")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert _german_leftovers(app) == []
            await pilot.press("enter")
            await pilot.pause()
            assert _german_leftovers(app) == []
            assert "Importbericht" in screen_text(app)


async def test_start_label_in_german(tmp_path: Path) -> None:
    from textual.widgets import Button

    with using_language("de"):
        app = make_app(tmp_path)
        app.client_factory = lambda name: FakeClient(name, orders=1)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("i")
            await pilot.pause()
            await pilot.press("down", "down", "tab", "tab", "down")
            label = str(app.screen.query_one("#import-start", Button).label)
    assert label == "lexware Office: Angebote, diesen Monat importieren"
