"""How Leistungen and Kunden look in German at 80x24 (fixed data)."""

from __future__ import annotations

from pathlib import Path

from support.screens import make_app
from support.services import make_services_workspace

from mwtui.i18n import using_language


def _setup(app, key: str):
    async def run_before(pilot) -> None:
        await pilot.press(key)
        for _round in range(2):
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.sub_title = "snapshot workspace"  # no temp path on screen
        await pilot.pause()

    return run_before


def test_services_german_snapshot(tmp_path: Path, snap_compare) -> None:
    with using_language("de"):
        app = make_app(tmp_path, make_services_workspace(tmp_path / "ws.json", 200))
        assert snap_compare(app, terminal_size=(80, 24), run_before=_setup(app, "5"))


def test_customers_german_snapshot(tmp_path: Path, snap_compare) -> None:
    with using_language("de"):
        app = make_app(tmp_path, make_services_workspace(tmp_path / "ws.json", 200))
        assert snap_compare(app, terminal_size=(80, 24), run_before=_setup(app, "4"))
