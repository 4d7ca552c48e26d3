"""The WEBFAKT screen and its dialogs in German at 80x24 and 120x40: none of their texts is
left in English (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from support.i18n import german_entries, screen_lines, untranslated_on_screen
from support.preview import make_app, sample

import mwtui
from mwtui.i18n import set_language
from mwtui.i18n.catalog import merged_catalog
from mwtui.screens.preview import PreviewScreen
from mwtui.screens.preview_dialogs import BatchesScreen, DetailScreen
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.path_input import PathInput

PACKAGE = Path(mwtui.__file__).parent
# The files whose texts this screen shows (the app's own keys are the app's business).
FILES = ["screens/preview.py", "screens/preview_commit.py", "screens/preview_dialogs.py",
         "screens/preview_presenter.py", "widgets/dialogs.py", "widgets/path_input.py",
         "importers/webfakt/reasons.py", "importers/webfakt/check.py"]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def screen_catalog() -> dict[str, str]:
    """German entries of every message id marked in :data:`FILES`, plus the shared terms
    they use."""
    ids: set[str] = set()
    for name in FILES:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(PACKAGE / name), keywords=KEYWORDS):
            ids.update(message if isinstance(message, tuple) else [message])
    entries = german_entries(merged_catalog("de"))
    assert ids and ids <= set(entries) | {""}
    return {k: v for k, v in entries.items() if k in ids}


async def assert_german(app, catalog: dict[str, str], where: str) -> list[str]:
    lines = screen_lines(app)
    assert untranslated_on_screen(lines, catalog) == [], where
    return lines


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_preview_and_dialogs_speak_german(tmp_path: Path, size: tuple[int, int]) -> None:
    set_language("de")
    catalog = screen_catalog()
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        lines = await assert_german(app, catalog, "empty")
        assert any("Noch keine Datei geprüft" in line for line in lines)
        screen.query_one("#pv-path", PathInput).value = str(sample(tmp_path))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        text = "\n".join(await assert_german(app, catalog, "checked"))
        assert "5 Zeilen: 3 gültig, 2 abgelehnt" in text
        assert "Kunde unbekannt" in text and "38,53" in text
        assert "Zeile 3: ABGELEHNT (Kunde unbekannt)" in text
        assert "Bei nicht vorhandener Kundennummer" in text  # the handbook's sentence

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await assert_german(app, catalog, "detail")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = "\n".join(await assert_german(app, catalog, "confirm"))
        assert "Übernehmen (j)" in text and "Nein (n)" in text
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list(app.workspace.snapshot().items("services"))) == 3

        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BatchesScreen)
        text = "\n".join(await assert_german(app, catalog, "batches"))
        assert "Importläufe (neueste zuerst)" in text and "übernommen" in text
