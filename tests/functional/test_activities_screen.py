"""Activities: the row index (filter, source, sort, detail) and the screen driven by keys."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.screens import HOSTILE, PDF, make_app, make_workspace, screen_text

from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.activities_presenter import ActivityIndex, activity_detail
from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.screens.activity_types import ActivityTypesScreen
from mwtui.widgets.virtual_table import VirtualTable
from mwtui.workspace.activity_types import list_types
from mwtui.workspace.store import Snapshot


def numbers(index: ActivityIndex, positions: list[int]) -> list[str]:
    return [index.row(p).number for p in positions]


# -- core ----------------------------------------------------------------------------------
def test_filter_needs_every_word_in_number_title_or_customer(tmp_path: Path) -> None:
    index = ActivityIndex(make_workspace(tmp_path).snapshot())
    assert numbers(index, index.query("heizung")) == ["AB-1118", "MW-0001"]
    assert numbers(index, index.query("HEIZUNG sonnen")) == ["AB-1118", "MW-0001"]
    assert numbers(index, index.query("heizung tauschen")) == ["AB-1118"]
    assert numbers(index, index.query("holzwurm")) == ["AU-0007", "AB-1001"]
    assert numbers(index, index.query("au-0007")) == ["AU-0007"]
    assert index.query("nothing-like-this") == []


def test_source_filter_and_sort_columns(tmp_path: Path) -> None:
    index = ActivityIndex(make_workspace(tmp_path).snapshot())
    assert numbers(index, index.query(source="sevdesk")) == ["AB-1118", "AB-1001"]
    assert numbers(index, index.query(source="webfakt")) == ["WF-0003"]
    assert numbers(index, index.query(sort="created", descending=False))[0] == "AB-1001"
    assert numbers(index, index.query(sort="number", descending=False)) == [
        "AB-1001", "AB-1118", "AB0124", "AU-0007", "MW-0001", "WF-0003"]
    by_customer = [index.row(p).customer for p in index.query(sort="customer",
                                                               descending=False)]
    assert by_customer == sorted(by_customer, key=str.lower)
    most = index.query(sort="attachments", descending=True)
    assert index.row(most[0]).attachments == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "x", " ", "1", "B"]), max_size=6))
def test_typing_narrows_like_a_fresh_filter(keys: list[str]) -> None:
    """The incremental filter (reusing the last answer) equals filtering from scratch."""
    rng = random.Random(5)
    docs = {str(i): {"number": f"N{i}", "title": "".join(rng.choice("abx1 ") for _ in range(6)),
                     "source": rng.choice(["sevdesk", "bexio"]), "created": f"2026-01-{i % 28:02d}"}
            for i in range(1, 80)}
    data = {"activities": docs, "customers": {}, "activity_types": {}}
    incremental = ActivityIndex(Snapshot(data))
    text = ""
    for key in keys:
        text += key
        fresh = ActivityIndex(Snapshot(data))
        assert incremental.query(text) == fresh.query(text)
    text = text[:-1]
    assert incremental.query(text) == ActivityIndex(Snapshot(data)).query(text)


def test_detail_has_customer_fields_local_fields_and_attachment_file(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    detail = activity_detail(ws.snapshot(), 1, ws.attachments_dir)
    assert detail is not None
    assert detail.customer_lines[0].startswith("Bäckerei Sonnenschein")
    assert ("Type", "Auftrag") in detail.fields
    assert ("Monteur", "Kai") in detail.local
    [att] = detail.attachments
    assert att.path == str(ws.attachments_dir / "a1b2c3.pdf")
    assert att.size == len(PDF) and att.exists and att.remote_name == "LI-1001.pdf"
    assert activity_detail(ws.snapshot(), 999) is None


def test_attachment_path_never_built_from_a_stored_name_with_folders(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    with ws.transaction() as tx:
        tx.update("activities", 2, {"attachments": [{"name": "../../etc/passwd", "size": 1,
                                                     "path": ""}]})
    detail = activity_detail(ws.snapshot(), 2, ws.attachments_dir)
    assert detail is not None
    assert "etc/passwd" not in detail.attachments[0].path


# -- screen --------------------------------------------------------------------------------
async def loaded(app, pilot) -> ActivitiesScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ActivitiesScreen)
    return screen


def visible_numbers(screen: ActivitiesScreen) -> list[str]:
    assert screen.view is not None
    return [screen.view.row_at(i).number for i in range(len(screen.view))]


async def test_screen_filters_as_you_type_and_by_source(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        assert len(visible_numbers(screen)) == 6
        assert visible_numbers(screen)[0] == "AB0124"  # newest first
        await pilot.press("slash", *"heiz")
        assert visible_numbers(screen) == ["AB-1118", "MW-0001"]
        await pilot.press("s")  # typed into the filter, not a command
        assert screen.filter_text == "heizs"
        await pilot.press("backspace", "escape", "s")  # source: sevDesk
        assert screen.source_filter == "sevdesk"
        assert visible_numbers(screen) == ["AB-1118"]
        assert "1 of 6 activities | source: sevDesk" in screen.status_text()
        for _ in range(5):
            await pilot.press("s")
        assert screen.source_filter is None


async def test_a_burst_of_keys_after_slash_lands_in_the_filter(tmp_path: Path) -> None:
    """Over SSH "/heiz" often arrives in one read: no letter may run a table command."""
    from textual import events

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        for key, char in [("slash", "/"), ("h", "h"), ("e", "e"), ("i", "i"), ("z", "z"),
                          ("slash", "/"), ("s", "s")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen  # "i" did not open the import dialog
        assert screen.filter_text == "heiz/s"
        assert screen.source_filter is None


async def test_screen_sort_cycles_columns_and_reverses(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("o")
        assert screen.sort_column == "number" and not screen.descending
        assert visible_numbers(screen)[0] == "AB-1001"
        await pilot.press("r")
        assert visible_numbers(screen)[0] == "WF-0003"
        assert "sort: number desc" in screen.status_text()


async def test_hostile_names_render_literally(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(app, pilot)
        text = screen_text(app)
        assert "Meier [/bold] GmbH" in text
        assert "[bold]sofort[/bold]" in text
        assert "\x1b" not in text


async def test_enter_opens_detail_and_c_copies_the_attachment_path(tmp_path: Path,
                                                                    monkeypatch) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(tmp_path, ws)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("slash", *"AB-1118", "enter")  # Enter leaves the filter
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, ActivityDetailScreen)
        assert detail.detail is not None and detail.detail.number == "AB-1118"
        body = str(detail.query_one("#detail-body").content)
        assert "Bäckerei Sonnenschein" in body and "Monteur: Kai" in body
        assert "LI-1001.pdf" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert copied == [str(ws.attachments_dir / "a1b2c3.pdf")]
        assert any("Copied" in n.message for n in app._notifications)
        await pilot.press("escape")
        assert app.screen is screen


async def test_copy_without_attachment_says_so(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        assert screen.view is not None and screen.view.row_at(0).number == "AB0124"
        screen.query_one(VirtualTable).move_cursor(0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert copied == []
        assert any("no attachment" in n.message for n in app._notifications)


async def test_types_default_stays_default_after_rename_and_reorder(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        types_screen = app.screen
        assert isinstance(types_screen, ActivityTypesScreen)
        assert "* Auftrag  (default)" in screen_text(app)
        # rename the default
        await pilot.press("e", "ctrl+a", "ctrl+k", *"Kundenauftrag", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # move it to the bottom, add a new type and move that to the top
        await pilot.press("d", "d")
        await app.workers.wait_for_complete()
        await pilot.press("a", *"Notdienst", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(4):
            await pilot.press("u")
            await app.workers.wait_for_complete()
        await pilot.pause()
        types = list_types(ws.snapshot())
        assert [t.name for t in types] == ["Notdienst", "Wartung", "Reparatur", "Kundenauftrag"]
        assert [t.name for t in types if t.is_default] == ["Kundenauftrag"]
        assert types[-1].id == 1
        assert "* Kundenauftrag  (default)" in screen_text(app)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the table shows the renamed default type
        screen = app.screen
        assert isinstance(screen, ActivitiesScreen)
        assert screen.view is not None
        assert {screen.view.row_at(i).type_name for i in range(len(screen.view))} >= {
            "Kundenauftrag"}


async def test_types_rejects_duplicate_names(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.press("a", *"wartung", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list_types(ws.snapshot())) == 3
        assert any("already exists" in n.message for n in app._notifications)


@pytest.mark.parametrize("name", [HOSTILE])
def test_hostile_customer_kept_raw_in_index(tmp_path: Path, name: str) -> None:
    index = ActivityIndex(make_workspace(tmp_path).snapshot())
    assert name in {index.row(i).customer for i in range(len(index))}


async def test_unreadable_workspace_and_failing_write_are_one_message(tmp_path: Path,
                                                                      monkeypatch) -> None:
    from mwtui.workspace.errors import StoreError

    ws = make_workspace(tmp_path)
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(app, pilot)
        ws.manifest_path.write_text("{ not json")  # damaged behind the app's back
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Could not read the workspace" in screen.status_text()
        assert len(screen.view or ()) == 6  # what was shown stays
        assert app.is_running

        def refuse(*_a, **_k):
            raise StoreError("the disk is full. Free some space and try again.")

        (tmp_path / "other").mkdir()
        readable = make_workspace(tmp_path / "other").snapshot()
        monkeypatch.setattr(ws, "transaction", refuse)
        monkeypatch.setattr(ws, "snapshot", lambda: readable)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.press("a", *"Neu", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("disk is full" in n.message for n in app._notifications)
        assert isinstance(app.screen, ActivityTypesScreen) and app.is_running


# -- 80x24: what differs stays visible ----------------------------------------------------
@pytest.mark.parametrize(("title", "number", "shown"), [
    ("Auftragsbestätigung AB-1118", "AB-1118", "Auftragsbestätigung"),
    ("Angebot AN-1118", "AN-1118", "Angebot"),
    ("Auftragsbestätigung AB-1120 - Bad sanieren", "AB-1120", "Bad sanieren"),
    ("Angebot: Dach decken", "AN-7", "Dach decken"),
    ("Auftragsbestätigungen prüfen", "X-1", "Auftragsbestätigungen prüfen"),
    ("Heizung tauschen", "AB-1", "Heizung tauschen"),
])
def test_titles_drop_the_kind_label_and_number(title: str, number: str, shown: str) -> None:
    from mwtui.screens.activities_presenter import display_title

    assert display_title(title, number) == shown


def test_columns_by_priority_at_80_and_120() -> None:
    from mwtui.screens.activities import COLUMNS

    table = VirtualTable(COLUMNS)
    narrow = dict(zip([c.key for c in COLUMNS], table._compute_widths(78), strict=True))
    assert narrow["type"] == 0  # hidden first
    assert narrow["title"] >= 25 and narrow["customer"] >= 19
    assert narrow["number"] == 10 and narrow["created"] == 10 and narrow["badge"] == 4
    wide = dict(zip([c.key for c in COLUMNS], table._compute_widths(118), strict=True))
    assert all(wide.values()) and wide["title"] > wide["customer"] > 20
    small = dict(zip([c.key for c in COLUMNS], table._compute_widths(60), strict=True))
    assert small["type"] == small["created"] == 0 and small["badge"] == 4
    tiny = dict(zip([c.key for c in COLUMNS], table._compute_widths(50), strict=True))
    assert tiny["badge"] == 0 and tiny["title"] >= 22 and tiny["number"] == 10


async def test_sevdesk_titles_show_what_differs_at_80x24(tmp_path: Path) -> None:
    from support.i18n import screen_lines

    from mwtui.workspace.models import Activity

    ws = make_workspace(tmp_path)
    with ws.transaction() as tx:
        for n, rest in ((1119, ""), (1120, " - Bad sanieren")):
            tx.insert("activities", Activity(
                number=f"AB-{n}", title=f"Auftragsbestätigung AB-{n}{rest}", source="sevdesk",
                customer_id=2, type_id=1, created="2026-11-20T09:00:00+01:00").to_record())
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        lines = [line for line in screen_lines(app) if "AB-1120" in line]
        assert len(lines) == 1 and "Bad sanieren" in lines[0]
        assert "Schreinerei Holzwurm" in lines[0] and "20.11.2026" in lines[0]
        assert "Auftragsbestätigung AB" not in "\n".join(screen_lines(app))
        await pilot.press("slash", *"auftragsbest")  # the filter still finds the full title
        assert len(app.screen.view) == 2
