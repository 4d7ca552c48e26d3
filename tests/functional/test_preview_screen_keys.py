"""The WEBFAKT preview screen driven by keys at 80x24: check, rejects, commit, undo, export."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rich.text import Text
from support.preview import FORMAT1, make_app, sample
from textual.widgets import Static

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import create_demo_workspace
from mwtui.importers import webfakt
from mwtui.screens.preview import PreviewScreen
from mwtui.screens.preview_dialogs import BatchesScreen, PathPromptScreen
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.path_input import PathInput
from mwtui.workspace.batches import list_batches
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ImportCancelled


def static_text(screen: PreviewScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


async def open_file(app: MwtuiApp, pilot, path: Path) -> PreviewScreen:
    await pilot.press("3")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PreviewScreen)
    screen.query_one("#pv-path", PathInput).value = str(path)
    screen.query_one("#pv-path", PathInput).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_check_jump_commit_undo(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    path = sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_file(app, pilot, path)
        assert screen.result is not None
        summary = static_text(screen, "#pv-summary")
        assert "format 1" in summary and "cp1252" in summary
        assert "5 rows: 3 accepted, 2 rejected" in summary
        assert "Unknown customer 1" in summary and "Billing type wrong 1" in summary
        table = screen.table
        assert table.has_focus and table.cursor_row == 0

        await pilot.press("n")
        assert table.cursor_row == 1
        detail = static_text(screen, "#pv-detail-text")
        assert "Line 3: REJECTED (Unknown customer) in Kunden-Nr. = '999'" in detail
        assert "Raw: 999;12101;Homepagewartung" in detail
        await pilot.press("n")
        assert table.cursor_row == 3
        assert "Line 6: REJECTED (Billing type wrong)" in static_text(screen, "#pv-detail-text")
        await pilot.press("n")  # no further reject: cursor stays
        assert table.cursor_row == 3
        await pilot.press("N")
        assert table.cursor_row == 1
        await pilot.press("right_square_bracket")
        assert table.cursor_row == 3

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert ("Commit 3 accepted rows as one batch? 2 rejected rows will not be imported."
                in app.screen.question)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        snap = app.workspace.snapshot()
        batches = [b for b in list_batches(snap) if b[1]["kind"] == "webfakt"]
        assert len(batches) == 1
        batch_id = batches[0][1]["batch_id"]
        services = [d for _i, d in snap.items("services")]
        assert len(services) == 3 and {d["batch"] for d in services} == {batch_id}
        assert batch_id in static_text(screen, "#pv-status")

        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BatchesScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert batch_id in app.screen.question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        snap = app.workspace.snapshot()
        assert [d for _i, d in snap.items("services")] == []
        assert list_batches(snap)[0][1]["status"] == "undone"
        assert isinstance(app.screen, BatchesScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_views_cycle_and_keep_the_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_file(app, pilot, sample(tmp_path))
        await pilot.press("down", "down")  # line 5, accepted
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.view is not None and screen.view.name == "accepted"
        assert screen.table.row_count == 3
        assert screen.view.line(screen.table.cursor_row) == 5
        await pilot.press("n")  # no rejects in this view: the cursor stays
        assert screen.table.cursor_row == 1
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.view.name == "rejected" and screen.table.row_count == 2
        assert set(screen.view.column("status")) == {"rejected"}
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.view.name == "all" and screen.table.row_count == 5
        await pilot.press("end")
        detail = static_text(screen, "#pv-detail-text")
        assert "[red]Zeile1[/red]<br>Zeile2" in detail  # shown literally, never as markup


async def test_commit_refused_when_file_changed_offers_recheck(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    path = sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_file(app, pilot, path)
        path.write_bytes(FORMAT1.replace("38,53", "39,53").encode("cp1252"))
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "changed since it was checked" in app.screen.question
        assert list(app.workspace.snapshot().items("services")) == []
        await pilot.press("y")  # re-check
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert screen.result is not None
        assert screen.result.rows.get_column("amount")[0] == "39.53"


async def test_export_rejects_beside_the_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    path = sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(app, pilot, path)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PathPromptScreen)
        target = tmp_path / "leistungen.rejects.csv"
        assert app.screen.query_one(PathInput).value == str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = target.read_bytes().decode("cp1252")
        assert text.splitlines()[0].endswith(";Grund")
        assert len(text.splitlines()) == 3
        assert "999;" in text and ";99;" in text


async def test_escape_cancels_a_running_check(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()

    def slow_check(path, workspace, *, progress=None, cancel=None):
        started.set()
        assert cancel is not None
        for _ in range(500):
            if progress:
                progress("reading", 0.1)
            if cancel.wait(0.01):
                raise ImportCancelled("Check cancelled; nothing was written.")
        raise AssertionError("never cancelled")

    monkeypatch.setattr(webfakt, "check_file", slow_check)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        screen.query_one("#pv-path", PathInput).value = str(sample(tmp_path))
        await pilot.press("enter")
        await pilot.pause()
        assert started.wait(5)
        assert screen.has_class("-checking")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.has_class("-checking")
        assert screen.result is None
        assert "cancelled" in static_text(screen, "#pv-status").lower()


async def test_tab_completes_the_path(tmp_path: Path) -> None:
    path = sample(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        field = app.screen.query_one("#pv-path", PathInput)
        field.focus()
        field.value = str(tmp_path / "leist")
        field.cursor_position = len(field.value)
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == str(path)


async def test_unknown_header_is_one_message_not_a_crash(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    path = sample(tmp_path, "Name;Wert\r\nx;1\r\n")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_file(app, pilot, path)
        assert screen.result is None
        assert "Kunden-Nr" in static_text(screen, "#pv-status")


@pytest.mark.parametrize("fmt", [1, 2, 3, 4])
async def test_demo_sample_files_open_from_the_samples_folder(tmp_path: Path, fmt: int) -> None:
    workspace = create_demo_workspace(tmp_path)
    app = MwtuiApp(workspace=workspace, config=Config(path=tmp_path / "config.toml"), demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        field = screen.query_one("#pv-path", PathInput)
        samples = workspace.path.parent / "samples"
        assert field.value == f"{samples}/"
        field.value += f"webfakt_format{fmt}"  # Enter takes the one completion (.csv)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None and screen.result.format == fmt
        assert f"format {fmt}" in static_text(screen, "#pv-summary")
        if screen.summary and screen.summary.rejected:
            await pilot.press("n")
            assert screen.view is not None
            assert screen.view.row(screen.table.cursor_row)["status"] == "rejected"


def test_typing_a_new_path_after_the_prefilled_folder_starts_over() -> None:
    from mwtui.widgets.path_input import typed_path

    assert typed_path("/work/main//tmp/x.csv") == "/tmp/x.csv"
    assert typed_path("/work/main/~/x.csv") == "~/x.csv"
    assert typed_path(" /srv/data/x.csv ") == "/srv/data/x.csv"


@pytest.mark.parametrize(("keys", "answer"), [
    (["enter"], False),  # focus starts on the safe button
    (["y"], True),
    (["n"], False),
    (["escape"], False),
    (["tab", "enter"], True),  # Enter presses whichever button has focus
    (["right", "enter"], True),
])
async def test_confirm_dialog_enter_takes_the_focused_button(keys: list[str],
                                                            answer: bool) -> None:
    from textual.app import App

    answers: list[bool | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ConfirmDialog("Really?", yes="Do it"), answers.append)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*keys)
        await pilot.pause()
        assert answers == [answer]
