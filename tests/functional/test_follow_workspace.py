"""Screens follow the workspace: another process writes, the open screen shows the new rows
within about two seconds, without a keypress, keeping the typed filter and the cursor."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import populate
from mwtui.widgets.virtual_table import VirtualTable
from mwtui.workspace.config import Config
from mwtui.workspace.store import Workspace

WRITER = """
import json, sys
from mwtui.workspace.store import Workspace
table, doc = sys.argv[2], json.loads(sys.argv[3])
with Workspace(sys.argv[1]).transaction() as tx:
    tx.insert(table, doc)
"""


def write_in_another_process(path: Path, table: str, doc: dict) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(path), table, json.dumps(doc)],
                   check=True, timeout=30)


def make_app(tmp_path: Path) -> MwtuiApp:
    ws = Workspace.open(tmp_path / "ws.json")
    populate(ws)
    return MwtuiApp(workspace=ws, config=Config(path=tmp_path / "config.toml"))


async def wait_for_rows(table: VirtualTable, count: int, seconds: float = 3.0) -> None:
    for _tick in range(int(seconds / 0.05)):
        if table.row_count == count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{table.row_count} rows, expected {count} within {seconds} s")


async def test_customers_screen_shows_a_colleagues_customer(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"e")
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        before = table.row_count
        assert before >= 3
        await pilot.press("enter", "down", "down")  # back in the table, third row
        highlighted = table.source.rows(2, 3)[0]
        write_in_another_process(app.workspace.path, "customers",
                                 {"number": "99999", "name": "Zeller Neu", "city": "Bern"})
        await wait_for_rows(table, before + 1)
        assert app.screen.query_one("#customer-filter").value == "e"
        assert table.cursor_row == 2 and table.source.rows(2, 3)[0] == highlighted
        names = [row[2] for row in table.source.rows(0, table.row_count)]
        assert "Zeller Neu" in names


async def test_activities_screen_shows_a_colleagues_activity(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"MW-", "enter")
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        assert table.row_count == 2
        await pilot.press("down")
        highlighted = table.source.rows(1, 2)[0]
        write_in_another_process(app.workspace.path, "activities", {
            "number": "MW-0003", "title": "Dach prüfen", "customer_id": 1, "type_id": 1,
            "created": "2020-01-01T08:00:00+01:00"})
        await wait_for_rows(table, 3)
        assert app.screen.query_one("#activity-filter").value == "MW-"
        assert table.cursor_row == 1 and table.source.rows(1, 2)[0] == highlighted


async def test_a_vanished_workspace_is_said_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        shutil.rmtree(app.workspace.path)
        await asyncio.sleep(2.5)
        await pilot.pause()
        gone = [n for n in app._notifications if "gone" in str(n.message)]
        assert len(gone) == 1 and str(app.workspace.path) in str(gone[0].message)
    assert not app.workspace.path.exists()  # the app did not write a new one
