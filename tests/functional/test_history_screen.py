"""The Verlauf screen: every batch newest first, its per-item report, undo where it exists."""

from __future__ import annotations

from pathlib import Path

from support.screens import FakeClient, make_app, screen_text

from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.sync import import_orders
from mwtui.screens.history import BatchReportScreen, HistoryScreen
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.workspace.batches import record_batch
from mwtui.workspace.models import Batch, Service


def add_webfakt_batch(ws, batch_id: str = "20260101-080000-aaaa",
                      created: str = "2026-01-01T08:00:00+00:00") -> None:
    with ws.transaction() as tx:
        record_batch(tx, Batch(batch_id=batch_id, kind="webfakt", source="webfakt",
                               created=created, status="done",
                               counts={"committed": 1}))
        tx.insert("services", Service(customer_number="001", service="Hosting", amount="9.90",
                                      batch=batch_id).to_record())


async def open_history(app, pilot) -> HistoryScreen:
    await pilot.press("6")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_batches_newest_first_and_enter_shows_the_item_report(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_webfakt_batch(app.workspace)
    result = import_orders(app.workspace, FakeClient("sevdesk", orders=3, fail_ids={"o2"}),
                           "all")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        assert [r.batch_id for r in screen.rows] == [result.batch_id, "20260101-080000-aaaa"]
        text = screen_text(app)
        assert "Orders · sevDesk · done" in text
        assert fmt.datetime_("2026-01-01T08:00:00+00:00") in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BatchReportScreen)
        text = screen_text(app)
        assert "AB-2000: created" in text and "AB-2002: failed: order AB-2002" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_undo_a_webfakt_batch_after_asking(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_webfakt_batch(app.workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.workspace.snapshot().count("services") == 0
        assert "undone" in screen_text(app)


async def test_undo_of_an_accounting_import_lists_what_was_kept(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    ws = app.workspace
    numbers = lambda: sorted(d["number"] for _, d in ws.snapshot().items("activities"))  # noqa: E731
    base = numbers()
    import_orders(ws, FakeClient("sevdesk", orders=3), "all")
    edited = next(i for i, d in ws.snapshot().items("activities") if d["number"] == "AB-2001")
    with ws.transaction() as tx:  # the operator edits one activity after the import
        tx.update("activities", edited, {"local": {"note": "angerufen"}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        assert screen.check_action("undo", ()) is True
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert numbers() == sorted([*base, "AB-2001"])
        assert screen.rows[0].kind == "undo"  # the undo is itself a batch, newest first
        # the edited activity, and its customer (created by the import, still used by it)
        assert screen.rows[0].counts.endswith("not undone 2")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BatchReportScreen)
        text = "\n".join(app.screen.lines)
        assert "AB-2001: not undone: changed later (edited in mwtui)" in text
        assert "AB-2002: removed (undo)" in text
        assert "not undone: still used by activity AB-2001; kept" in text


async def test_undo_is_not_offered_for_an_import_without_journal(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.workspace.transaction() as tx:  # imported before mwtui kept undo journals
        record_batch(tx, Batch(batch_id="20250101-080000-bbbb", kind="orders",
                               source="sevdesk", status="done"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        assert "cannot be undone" in screen.rows[0].undo_refusal
        assert screen.check_action("undo", ()) is None  # shown disabled, does nothing
        await pilot.press("u")
        await pilot.pause()
        assert app.screen is screen


async def test_batches_arrived_since_the_last_look_are_marked_new(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_webfakt_batch(app.workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        assert not any(r.new for r in screen.rows)  # first look: the baseline
        await pilot.press("1")  # the operator goes elsewhere ...
        await pilot.pause()
        # ... and another process (a sync) records a batch
        add_webfakt_batch(app.workspace, "20260102-080000-cccc", "2026-01-02T08:00:00+00:00")
        await open_history(app, pilot)
        assert [(r.batch_id, r.new) for r in screen.rows] == [
            ("20260102-080000-cccc", True), ("20260101-080000-aaaa", False)]
        assert "● new" in screen_text(app)  # a word, so it survives NO_COLOR
        assert "1 new since you last looked" in screen_text(app)
        await pilot.press("enter", "escape")  # reading a report keeps the mark
        await pilot.pause()
        assert screen.rows[0].new
        await pilot.press("1")
        await pilot.pause()
        await open_history(app, pilot)  # looked again: nothing is new
        assert not any(r.new for r in screen.rows)
        assert "● new" not in screen_text(app)
    # a fresh start of the app remembers the last look too; a batch that started earlier
    # (a long sync) but arrived after the look is new as well
    add_webfakt_batch(app.workspace, "20260103-080000-dddd", "2026-01-01T07:00:00+00:00")
    again = make_app(tmp_path, app.workspace)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await open_history(again, pilot)
        assert [r.batch_id for r in screen.rows if r.new] == ["20260103-080000-dddd"]
