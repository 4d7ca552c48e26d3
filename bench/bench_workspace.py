"""Big workspace: 50,000 activities and 20,000 customers.

Measures (targets in brackets):
  * app start to first screen with rows in the activities table   [<= 1 s]
  * one keystroke in the activities filter until the table shows the result [<= 100 ms]
  * opening an activity's detail until it is shown                 [<= 50 ms]
  * ``mwtui list activities --json``: peak memory (ru_maxrss) vs. the workspace size

Run: ``.venv/bin/python bench/bench_workspace.py`` (prints figures; run it once).
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mwtui.workspace.models import Activity, Customer
from mwtui.workspace.store import Workspace

ACTIVITIES = 50_000
CUSTOMERS = 20_000
SOURCES = ("sevdesk", "bexio", "lexware", "webfakt", "manual")
WORDS = ("Heizung", "Fenster", "Dach", "Bad", "Küche", "Wartung", "Reparatur", "Montage",
         "Elektrik", "Garten", "Fassade", "Treppe")


def build(path: Path) -> Workspace:
    """One transaction with all customers and activities (fixed seed)."""
    rng = random.Random(42)
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        tx.insert_many("customers", (
            Customer(name=f"Kunde {i:05d} {rng.choice(WORDS)} GmbH", number=str(10000 + i),
                     street=f"Weg {i}", zip=f"{10000 + i % 89999}", city="Musterstadt",
                     created="2026-01-01T00:00:00+00:00",
                     updated="2026-01-01T00:00:00+00:00").to_record()
            for i in range(CUSTOMERS)))
        docs = []
        for i in range(ACTIVITIES):
            source = SOURCES[i % len(SOURCES)]
            attachments = [{"name": f"{i:064x}.pdf", "path": f"/x/{i:064x}.pdf", "size": 12345,
                            "sha256": f"{i:064x}", "remote_name": f"LS-{i}.pdf"}] \
                if i % 3 == 0 else []
            docs.append(Activity(
                number=f"AB-{i:05d}", title=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}",
                source=source, external_id=str(i), customer_id=rng.randint(1, CUSTOMERS),
                type_id=1, created=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+01:00",
                attachments=attachments, imported="2026-01-01T00:00:00+00:00",
                updated="2026-01-01T00:00:00+00:00").to_record())
        tx.insert_many("activities", docs)
    return ws


async def measure_app(ws: Workspace, config_path: Path) -> dict[str, float]:
    """Times until a frame is composed (``App._display`` is called with a new frame; the
    headless driver then skips only the terminal write)."""
    from mwtui.app import MwtuiApp
    from mwtui.screens.activities import ActivitiesScreen
    from mwtui.screens.activity_detail import ActivityDetailScreen
    from mwtui.widgets.virtual_table import VirtualTable
    from mwtui.workspace.config import Config

    figures: dict[str, float] = {}
    frames: list[float] = []
    fresh = Workspace(ws.path)  # no cached snapshot: start reads the file like a new process
    began = time.perf_counter()
    app = MwtuiApp(workspace=fresh, config=Config(path=config_path))
    original = app._display
    first_rows: list[float] = []
    index_ready: list[float] = []  # the full index shown: search and sort work
    waiting: list[Any] = []  # (predicate, times) of the running measurement

    def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None:
            now = time.perf_counter()
            frames.append(now)
            if not first_rows and isinstance(app.screen, ActivitiesScreen) and \
                    app.screen.query_one(VirtualTable).row_count:
                first_rows.append(now)
            if not index_ready and isinstance(app.screen, ActivitiesScreen) and \
                    app.screen.index is not None:
                index_ready.append(now)
            if waiting and not waiting[0][1] and waiting[0][0]():
                waiting[0][1].append(now)
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]

    async def latency(key: str, done: Any) -> float:
        """Key press until the first frame composed after ``done()`` became true."""
        hits: list[float] = []
        waiting[:] = [(done, hits)]
        t0 = time.perf_counter()
        await pilot.press(key)
        while not hits:
            await asyncio.sleep(0.001)
        waiting.clear()
        return (hits[0] - t0) * 1000

    def view_changed() -> Any:
        before = screen.view
        return lambda: screen.view is not before

    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ActivitiesScreen)
        figures["start_first_frame_s"] = frames[0] - began if frames else float("nan")
        while not first_rows:
            await asyncio.sleep(0.005)
        figures["start_to_rows_s"] = first_rows[0] - began
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures["start_to_index_s"] = index_ready[0] - began if index_ready else float("nan")

        await pilot.press("slash")
        await pilot.pause()
        times = [await latency(key, view_changed()) for key in "heiz"]
        figures["keystroke_max_ms"] = max(times)
        figures["keystroke_first_ms"] = times[0]
        figures["rows_after_filter"] = len(screen.view or ())
        figures["backspace_ms"] = await latency("backspace", view_changed())
        await pilot.press("escape")
        await pilot.pause()
        figures["sort_ms"] = await latency("o", view_changed())
        figures["open_detail_ms"] = await latency(
            "enter", lambda: isinstance(app.screen, ActivityDetailScreen)
            and app.screen.detail is not None)
        assert isinstance(app.screen, ActivityDetailScreen) and app.screen.detail is not None
        first_id = app.screen.activity_id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        figures["open_detail_again_ms"] = await latency(
            "enter", lambda: isinstance(app.screen, ActivityDetailScreen)
            and app.screen.detail is not None and app.screen.detail.id != first_id)
    return figures


def measure_list(ws: Workspace) -> dict[str, float]:
    exe = str(Path(sys.executable).with_name("mwtui"))
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.argv[2], '--db', sys.argv[1], 'list',"
        " 'activities', '--json'], stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
    )
    base = subprocess.run([sys.executable, "-c", code.replace("'list',", "'--version',")
                           .replace(" 'activities', '--json'", ""), str(ws.path), exe],
                          capture_output=True, text=True, check=True)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(ws.path), exe], capture_output=True,
                         text=True, check=True)
    wall = time.perf_counter() - t0
    rss_kb, rc = (int(x) for x in out.stdout.split())
    return {"list_json_s": wall, "list_rc": rc, "list_peak_mb": rss_kb / 1024,
            "python_baseline_mb": int(base.stdout.split()[0]) / 1024}


def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} before the run")
    keep = os.environ.get("MWTUI_BENCH_KEEP")  # a folder: keep the big.json folder there
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["MWTUI_CONFIG"] = str(folder / "config.toml")
        t0 = time.perf_counter()
        ws = build(folder / "big.json")
        built = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in ws.path.rglob("*") if p.is_file()) / 2**20
        print(f"workspace: {ACTIVITIES:,} activities, {CUSTOMERS:,} customers, "
              f"{size_mb:.1f} MB, built in one transaction in {built:.2f} s")
        figures = asyncio.run(measure_app(ws, folder / "config.toml"))
        print(f"app start to first frame: {figures['start_first_frame_s']:.3f} s; to the first "
              f"frame with rows in the table: {figures['start_to_rows_s']:.3f} s "
              "(target <= 1 s); search and sort ready (full index shown): "
              f"{figures['start_to_index_s']:.3f} s")
        print(f"filter keystroke (type 'heiz', key press until the new frame is composed): "
              f"first {figures['keystroke_first_ms']:.1f} ms, max "
              f"{figures['keystroke_max_ms']:.1f} ms (target <= 100 ms); "
              f"{figures['rows_after_filter']:,.0f} rows match")
        print(f"backspace (widen filter): {figures['backspace_ms']:.1f} ms; "
              f"next sort column: {figures['sort_ms']:.1f} ms")
        print(f"open activity detail: first {figures['open_detail_ms']:.1f} ms, next "
              f"{figures['open_detail_again_ms']:.1f} ms (target <= 50 ms)")
        listing = measure_list(ws)
        print(f"mwtui list activities --json: {listing['list_json_s']:.2f} s, peak RSS "
              f"{listing['list_peak_mb']:.0f} MB (python + mwtui --version: "
              f"{listing['python_baseline_mb']:.0f} MB) for a {size_mb:.1f} MB workspace")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"(this benchmark process peaked at {own:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
