"""The Activities screen shows the stored first page before every activity is parsed, then
swaps in the full index: same rows, same count, and filter/sort work once it is loaded."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.screens import make_app, make_workspace, screen_text

from mwtui.screens import activities as activities_module
from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.activities_presenter import ActivityIndex, PageView
from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.workspace import activity_page, layout
from mwtui.workspace.store import Snapshot


@pytest.fixture
def held_index(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The full index is not built until the returned event is set."""
    release = threading.Event()

    class HeldIndex(ActivityIndex):
        def __init__(self, snapshot: Snapshot) -> None:
            release.wait(10)
            super().__init__(snapshot)

    monkeypatch.setattr(activities_module, "ActivityIndex", HeldIndex)
    return release


async def _wait_for_view(app, pilot) -> ActivitiesScreen:
    screen = app.screen
    assert isinstance(screen, ActivitiesScreen)
    for _ in range(200):
        if screen.view is not None:
            break
        await pilot.pause(0.01)
    return screen


def _numbers(screen: ActivitiesScreen) -> list[str]:
    assert screen.view is not None
    return [screen.view.row_at(i).number for i in range(len(screen.view))]


async def test_rows_and_count_appear_before_the_index_is_built(
    tmp_path: Path, held_index: threading.Event
) -> None:
    ws = make_workspace(tmp_path)
    full = ActivityIndex(ws.snapshot())
    expected = [full.row(p).cells() for p in full.query()]
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _wait_for_view(app, pilot)
        assert screen.index is None and isinstance(screen.view, PageView)
        assert list(screen.view.rows(0, 10)) == expected  # the same cells, same order
        assert "6 of 6 activities | source: all | sort: created desc" in screen.status_text()
        assert "Heizung tauschen" in screen_text(app)
        await pilot.press("enter")  # the highlighted activity opens already
        await pilot.pause()
        assert isinstance(app.screen, ActivityDetailScreen)
        assert app.screen.activity_id == screen.view.row_at(0).id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", *"heiz")  # filtering waits for the index
        assert "Loading activities" in screen.status_text()
        held_index.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.index is not None
        assert _numbers(screen) == ["AB-1118", "MW-0001"]
        assert "2 of 6 activities" in screen.status_text()
        await pilot.press(*["backspace"] * 4)
        await pilot.pause()
        assert screen.view is not None and list(screen.view.rows(0, 10)) == expected


async def test_without_a_stored_page_the_rows_come_from_the_full_index(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    manifest = layout.read_manifest(ws.path)
    del manifest.tables[activity_page.PAGE_TABLE]  # as written before the page existed
    manifest.generation += 1
    layout.commit_manifest(ws.path, manifest)
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActivitiesScreen)
        assert screen.index is not None and len(_numbers(screen)) == 6
        assert "6 of 6 activities" in screen.status_text()
