"""How the Activities and Integrations screens look at 80x24 and 120x40 (fixed data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.screens import make_app, make_workspace

from mwtui.i18n import using_language
from mwtui.workspace.models import Activity

SIZES = [(80, 24), (120, 40)]


def _setup(app, key: str):
    async def run_before(pilot) -> None:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.sub_title = "snapshot workspace"  # no temp path on screen
        await pilot.pause()

    return run_before


def _activities_app(tmp_path: Path):
    """The fixed workspace plus two sevDesk orders whose titles all start with
    "Auftragsbestätigung": the table must show what differs."""
    ws = make_workspace(tmp_path)
    with ws.transaction() as tx:
        for n, rest in ((1119, ""), (1120, " - Bad sanieren")):
            tx.insert("activities", Activity(
                number=f"AB-{n}", title=f"Auftragsbestätigung AB-{n}{rest}", source="sevdesk",
                customer_id=2, type_id=1, created="2026-11-20T09:00:00+01:00",
                imported="2026-11-20T09:00:00+01:00",
                updated="2026-11-20T09:00:00+01:00").to_record())
    return make_app(tmp_path, ws)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_activities_snapshot(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:
    app = _activities_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=_setup(app, "2"))


def test_activities_german_snapshot(tmp_path: Path, snap_compare) -> None:
    with using_language("de"):
        app = _activities_app(tmp_path)
        assert snap_compare(app, terminal_size=(80, 24), run_before=_setup(app, "2"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_integrations_snapshot(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:
    app = make_app(tmp_path)
    app.config.set_token("lexware", "never-shown-token")
    assert snap_compare(app, terminal_size=size, run_before=_setup(app, "1"))


def test_integrations_snapshot_in_german(tmp_path: Path, snap_compare) -> None:
    with using_language("de"):
        app = make_app(tmp_path)
        app.config.set_token("lexware", "never-shown-token")
        assert snap_compare(app, terminal_size=(80, 24), run_before=_setup(app, "1"))


def test_activity_detail_snapshot(tmp_path: Path, snap_compare) -> None:
    app = make_app(tmp_path)
    # a fixed folder keeps the temp path off the screen (the file is then shown as missing)
    app.workspace.attachments_dir = Path("/srv/mwtui/ws.attachments")

    async def run_before(pilot) -> None:
        await app.workers.wait_for_complete()
        app.sub_title = "snapshot workspace"
        await pilot.press("slash", *"AB-1118", "enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
