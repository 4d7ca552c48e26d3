"""The app shell: screens by key, help, palette, themes, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import populate
from mwtui.i18n import using_language
from mwtui.screens.help import HelpScreen
from mwtui.widgets.virtual_table import VirtualTable
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.store import Workspace


def make_app(tmp_path: Path, theme: str | None = None) -> MwtuiApp:
    ws = Workspace.open(tmp_path / "ws.json")
    populate(ws)
    return MwtuiApp(workspace=ws, config=Config(path=tmp_path / "config.toml"), theme=theme)


async def test_number_keys_switch_screens(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_mode == "activities"
        for key, mode in (("1", "integrations"), ("3", "preview"), ("4", "customers"),
                          ("2", "activities")):
            app.set_focus(None)
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode


async def test_help_lists_the_keys_and_closes_with_escape(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_focus(None)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        assert "Quit" in text and "Help" in text
        # the screen's own keys come first, then the app's, then the table's
        assert text.index("This screen") < text.index("Filter") < text.index("Everywhere")
        assert text.index("Everywhere") < text.index("Quit")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_customers_filter_as_you_type_shows_markup_literally(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        assert table.row_count == 8  # the demo's customers.csv: 8 good rows
        await pilot.press("slash", *"farbe")
        await pilot.pause()
        assert table.row_count == 1
        assert "[bold]Farbe[/bold]" in table.source.rows(0, 1)[0][2]


async def test_customer_detail_reads_no_disk_on_the_ui_thread(tmp_path: Path,
                                                             monkeypatch) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        assert table.row_count == 8

        def no_read() -> None:
            raise AssertionError("workspace read on the UI thread")

        monkeypatch.setattr(app.workspace, "snapshot", no_read)
        await pilot.press("down")
        await pilot.pause()
        detail = str(app.screen.query_one("#customer-detail").render())
        name = table.source.rows(1, 2)[0][2]
        assert name in detail and "Sources:" in detail


async def test_ctrl_q_quits(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code in (0, None)


async def test_theme_cycles_through_ansi(tmp_path: Path) -> None:
    app = make_app(tmp_path, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "ansi-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "ansi-light"


def test_unknown_theme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="theme"):
        make_app(tmp_path, theme="no-such-theme")


def test_shell_snapshot_at_80x24(tmp_path: Path, snap_compare) -> None:
    app = make_app(tmp_path)

    async def setup(pilot) -> None:
        app.sub_title = "snapshot"
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=setup)


def test_shell_snapshot_in_german_at_80x24(tmp_path: Path, snap_compare) -> None:
    with using_language("de"):
        app = make_app(tmp_path)

        async def setup(pilot) -> None:
            app.sub_title = "snapshot"
            await pilot.press("4")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(80, 24), run_before=setup)


async def test_palette_finds_commands_by_german_and_english_names(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    with using_language("de"):
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            for query, expected in (("Aufträge importieren", "Aufträge importieren"),
                                    ("import orders", "Aufträge importieren"),
                                    ("Kontakte", "Kontakte importieren"),
                                    ("Einstellungen", "Einstellungen"),
                                    ("settings", "Einstellungen"),
                                    ("Integrationen", "Zu Integrationen wechseln")):
                await pilot.press("ctrl+p")
                await pilot.pause()
                assert isinstance(app.screen, CommandPalette)
                await pilot.press(*query)
                await pilot.pause(0.3)
                found = [str(o.prompt) for o in app.screen.query_one("CommandList").options]
                assert any(expected in text for text in found), (query, found)
                await pilot.press("escape")
                await pilot.pause()


async def test_corrupt_workspace_is_reported_in_the_app_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ws.json"
    path.write_text("{broken")
    app = MwtuiApp(workspace=Workspace(path), config=Config(path=tmp_path / "config.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = " ".join(str(n.message) for n in app._notifications)
        assert str(path) in messages and "untouched" in messages
        for key, mode in (("1", "integrations"), ("3", "preview"), ("4", "customers")):
            app.set_focus(None)
            await pilot.press(key)  # every screen stays usable
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.current_mode == mode
    assert path.read_text() == "{broken"
