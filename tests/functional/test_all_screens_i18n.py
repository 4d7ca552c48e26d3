"""Every screen, its help (F1) and the import dialog, rendered in German and English at
80x24 and 120x40: no English message id is left on a German screen."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from support.i18n import german_entries, screen_lines, untranslated_on_screen
from textual.worker import WorkerCancelled

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import populate
from mwtui.i18n import using_language
from mwtui.i18n.catalog import merged_catalog
from mwtui.screens.help import HelpScreen
from mwtui.workspace.config import Config
from mwtui.workspace.store import Workspace

SIZES = ((80, 24), (120, 40))
HELP_TEXTS: list[str] = []  # the full text of each help screen rendered (it scrolls)
MODES = ("integrations", "activities", "preview", "customers", "services", "history")
VIEWS_WITH_HELP = (*MODES, *(f"{mode}+help" for mode in MODES))


async def settle(app: MwtuiApp, pilot) -> None:
    """Wait for the loading workers (a reload cancels the one before it)."""
    for _attempt in range(3):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def render(tmp_path: Path, view: str, size: tuple[int, int]) -> list[str]:
    """The lines of ``view`` (a mode, ``mode+help`` or ``import_dialog``) once loaded."""
    ws = Workspace.open(tmp_path / "ws.json")
    populate(ws)
    app = MwtuiApp(workspace=ws, config=Config(path=tmp_path / "config.toml"))
    async with app.run_test(size=size) as pilot:
        mode, _plus, extra = view.partition("+")
        if view == "import_dialog":
            app._open_import("orders")
        else:
            await app.switch_mode(mode)
        await settle(app, pilot)
        if extra == "help":
            app.action_help()
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            HELP_TEXTS.append(str(app.screen.query_one("Static").render()))
        await pilot.pause()
        return screen_lines(app)


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    return german_entries(merged_catalog("de"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", [*VIEWS_WITH_HELP, "import_dialog"])
async def test_german_screen_shows_no_english(tmp_path: Path, view: str,
                                             size: tuple[int, int], entries) -> None:
    with using_language("de"):
        lines = await render(tmp_path, view, size)
    assert any(line.strip() for line in lines)
    assert untranslated_on_screen(lines, entries) == []


@pytest.mark.parametrize("view", ["activities", "activities+help"])
async def test_english_screens_render_in_english(tmp_path: Path, view: str) -> None:
    lines = "\n".join(await render(tmp_path, view, (120, 40)))
    assert "Quit" in lines and "Help" in lines
    assert "Beenden" not in lines and "Hilfe" not in lines


async def test_the_app_shell_is_german(tmp_path: Path, entries) -> None:
    """What the shell itself shows (header, footer keys, help's own lines) is German on
    every screen, translated or not yet."""
    shell_ids = {msgid for msgid in entries if msgid in SHELL_TEXTS}
    for view in VIEWS_WITH_HELP:
        with using_language("de"):
            lines = await render(tmp_path, view, (120, 40))
        shell = [lines[0], lines[-1]] if "help" not in view else lines
        assert untranslated_on_screen(shell, {m: entries[m] for m in shell_ids}) == [], view
    HELP_TEXTS.clear()
    with using_language("de"):
        await render(tmp_path, "activities+help", (80, 24))
    (help_text,) = HELP_TEXTS
    assert "Überall" in help_text and "Hilfe" in help_text and "Beenden" in help_text
    assert 'mit --lang de oder --lang en starten, oder language = "de"' in help_text
    assert "LANG=de_DE.UTF-8" in help_text


SHELL_TEXTS = {
    "Help", "Quit", "Integr", "Activ", "Every key of this screen", "Everywhere",
    "This screen", "In tables and fields", "Keys: {screen}", "Close",
    "Integrations: tokens, tests, imports", "Activities (imported jobs)",
    "Preview and commit a WEBFAKT service file",
}
