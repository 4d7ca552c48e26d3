"""How the WEBFAKT preview looks at 80x24 with a checked file (cursor on the first reject),
in English and in German."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.preview import make_app, sample

from mwtui.i18n import set_language
from mwtui.screens.preview import PreviewScreen
from mwtui.widgets.path_input import PathInput


def _setup(app, status: str):
    async def setup(pilot) -> None:
        app.sub_title = "snapshot workspace"
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        screen.query_one("#pv-path", PathInput).value = "leistungen.csv"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        screen._status(status)
        await pilot.pause()

    return setup


def test_preview_snapshot_at_80x24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   snap_compare) -> None:
    sample(tmp_path)
    monkeypatch.chdir(tmp_path)  # a relative path keeps tmp_path out of the picture
    app = make_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=_setup(app, "(check time left out of the snapshot)"))


def test_preview_snapshot_at_80x24_german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          snap_compare) -> None:
    set_language("de")
    sample(tmp_path)
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=_setup(app, "(Prüfzeit nicht im Snapshot)"))
