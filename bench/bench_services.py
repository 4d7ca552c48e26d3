"""Benchmark of the Leistungen screen at 100,000 and 1,000,000 services (prints figures).

    .venv/bin/python bench/bench_services.py              # 100k and 1M
    .venv/bin/python bench/bench_services.py --sizes 100000

For each size a workspace is written through the store (one transaction), then the app
runs headless at 80x24:

- first rows: key ``5`` pressed (after start-up settled and the file was touched, so it is
  read and parsed again) -> the worker built the index and the table has its rows;
- filter keystroke: one key typed into the filter -> the query worker's answer is in the
  table, per key of "wartung 1" (after the sort orders were warmed in the background);
- sort: ``o`` -> the next sort order in the table.

The machine's load matters: the figures are wall-clock times on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.services import make_services_workspace  # noqa: E402

from mwtui.app import MwtuiApp  # noqa: E402
from mwtui.screens.services import ServicesScreen  # noqa: E402
from mwtui.workspace.config import Config  # noqa: E402


async def _wait(pilot, ready) -> float:
    """Poll until ``ready()``; the moment it became true."""
    while not ready():
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def measure(path: Path, config: Path, n: int) -> None:
    from mwtui.workspace.store import Workspace

    app = MwtuiApp(workspace=Workspace.open(path), config=Config(path=config))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await asyncio.sleep(2.0)  # the app's screen preloading
        await app.workers.wait_for_complete()
        os.utime(path)  # read and parse the file again, as after a colleague's import
        start = time.perf_counter()
        await pilot.press("5")
        first = await _wait(pilot, lambda: isinstance(app.screen, ServicesScreen)
                            and app.screen.view is not None) - start
        screen = app.screen
        assert len(screen.view) == n
        await app.workers.wait_for_complete()  # sort orders warmed
        await pilot.press("slash")
        keys = []
        for key in "wartung 1":
            before = screen.view
            start = time.perf_counter()
            await pilot.press("space" if key == " " else key)
            keys.append(await _wait(pilot, lambda b=before: screen.view is not b) - start)
        shown = len(screen.view)
        idle = []  # the same press of a key that runs no query (Home in the filter)
        for _round in range(5):
            start = time.perf_counter()
            await pilot.press("home")
            idle.append(time.perf_counter() - start)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        before = screen.view
        start = time.perf_counter()
        await pilot.press("o")
        sort = await _wait(pilot, lambda: screen.view is not before) - start
    print(f"{n:>9,} services: first rows {first:6.2f} s | filter keystroke median "
          f"{statistics.median(keys) * 1000:5.0f} ms, max {max(keys) * 1000:5.0f} ms "
          f"({shown:,} rows left; a key without a query: "
          f"{statistics.median(idle) * 1000:.0f} ms) | sort {sort * 1000:5.0f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            path = Path(folder) / f"ws-{n}.json"
            start = time.perf_counter()
            make_services_workspace(path, n)
            size = path.stat().st_size / 1e6
            print(f"{n:>9,} services: workspace written in {time.perf_counter() - start:.1f} s "
                  f"({size:,.0f} MB)", flush=True)
            asyncio.run(measure(path, Path(folder) / "config.toml", n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
