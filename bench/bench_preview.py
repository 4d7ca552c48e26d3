"""Benchmark of the WEBFAKT preview screen at 1,000,000 rows (prints figures; not a test).

    .venv/bin/python bench/bench_preview.py            # real check of a generated file
    .venv/bin/python bench/bench_preview.py --rows 200000 --synthetic

Steps: (1) generate a format-1 file (Windows-1252, every fifth row an unknown customer) and
check it with the core, or build an equivalent frame directly (--synthetic); (2) run the app
headless at 80x24 with ``check_file`` answering with that result, so the timings below are
the screen's own cost *after parsing*:

- first paint: Enter in the path field -> worker builds the view and counts -> table, header
  and detail painted (``pilot.pause()`` returned);
- page-down: one ``pilot.press("pagedown")`` + ``pilot.pause()``, 30 times from the top and
  30 times far down the file (window cache misses);
- next reject, view switch to rejected only and back.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic frame of the preview tests

from support.preview import synthetic_rows  # noqa: E402

from mwtui.app import MwtuiApp  # noqa: E402
from mwtui.demo.workspace import populate  # noqa: E402
from mwtui.importers import webfakt  # noqa: E402
from mwtui.screens.preview import PreviewScreen  # noqa: E402
from mwtui.widgets.path_input import PathInput  # noqa: E402
from mwtui.workspace.config import Config  # noqa: E402
from mwtui.workspace.store import Workspace  # noqa: E402

HEADER = ("Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
          "Rabatt;Bemerkungen\r\n")
CUSTOMERS = ("001", "7104", "80220", "43135")


def write_file(path: Path, rows: int) -> None:
    """A format-1 file: every fifth row names an unknown customer."""
    parts = [HEADER]
    for i in range(rows):
        customer = "999" if i % 5 == 4 else CUSTOMERS[i % 4]
        parts.append(f"{customer};12101;Homepagewartung Nr. {i};01;2;{i % 5000 + 1},53;"
                     f"22.05.2004;5;Bemerkung {i}\r\n")
    path.write_bytes("".join(parts).encode("cp1252"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def drive(app: MwtuiApp, target: Path) -> dict[str, dict[str, list[float]]]:
    """Press keys; per key record the wall time of press+pause, the CPU time, and the time
    from sending the key to the first and to the last frame written to the terminal."""
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    last: dict[str, list[float]] = {}
    painted: list[float] = []
    display = app._display

    def recording_display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            painted.append(time.perf_counter())

    app._display = recording_display  # type: ignore[method-assign]

    # When a worker's result reaches the screen (check done, view ready), note the time:
    # the first frame after it is the one that shows the new rows.
    handled: list[float] = []
    for name in ("on_preview_screen_check_done", "on_preview_screen_view_ready"):
        original = getattr(PreviewScreen, name)

        def stamped(self: PreviewScreen, message: object, _original=original) -> None:
            _original(self, message)
            handled.append(time.perf_counter())

        setattr(PreviewScreen, name, stamped)
    shown: dict[str, list[float]] = {}

    async with app.run_test(size=(80, 24)) as pilot:

        async def timed(key: str, wait_workers: bool = False) -> None:
            await pilot.pause()
            painted.clear()
            handled.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press(key)
            if wait_workers:
                await app.workers.wait_for_complete()
            await pilot.pause()
            wall.setdefault(key, []).append(time.perf_counter() - t0)
            cpu.setdefault(key, []).append(time.process_time() - c0)
            if painted:
                first.setdefault(key, []).append(painted[0] - t0)
                last.setdefault(key, []).append(painted[-1] - t0)
            if handled:
                after = [t for t in painted if t >= handled[-1]]
                if after:
                    shown.setdefault(key, []).append(after[0] - t0)

        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        screen.query_one("#pv-path", PathInput).value = str(target)
        await timed("enter", wait_workers=True)
        assert screen.table.row_count > 0
        for _ in range(30):
            await timed("x")  # a key that does nothing: the test pilot's own overhead
        for _ in range(30):
            await timed("pagedown")
        screen.table.move_cursor(screen.table.row_count // 2)
        for _ in range(30):
            await timed("pagedown")
        for _ in range(10):
            await timed("n")
        for _ in range(3):
            await timed("v", wait_workers=True)
    return {"wall": wall, "cpu": cpu, "first": first, "last": last, "shown": shown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--synthetic", action="store_true",
                        help="build the frame directly instead of checking a generated file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mwtui-bench-preview-"))
    workspace = Workspace.open(tmp / "ws.json")
    populate(workspace)
    target = tmp / "leistungen.csv"

    if args.synthetic:
        target.write_text("x")
        t0 = time.perf_counter()
        rows = synthetic_rows(args.rows)
        result = webfakt.CheckResult(
            format=1, encoding="cp1252", sha256="-", file_name=target.name, size=0,
            header_lines=(HEADER.strip(),), has_reason_column=False, table=rows)
        print(f"synthetic frame of {args.rows:,} rows built in {time.perf_counter() - t0:.2f} s")
    else:
        t0 = time.perf_counter()
        write_file(target, args.rows)
        size = target.stat().st_size
        print(f"generated {args.rows:,} rows, {size / 1e6:.0f} MB in "
              f"{time.perf_counter() - t0:.2f} s")
        t0 = time.perf_counter()
        result = webfakt.check_file(target, workspace)
        print(f"core check_file: {time.perf_counter() - t0:.2f} s "
              f"({result.accepted:,} accepted, {result.rejected:,} rejected)")

    webfakt.check_file = lambda path, ws, **kw: result  # type: ignore[assignment]
    app = MwtuiApp(workspace=workspace, config=Config(path=tmp / "config.toml"))
    figures = asyncio.run(drive(app, target))

    wall, cpu, first, last, shown = (
        figures[k] for k in ("wall", "cpu", "first", "last", "shown"))

    def med(values: list[float] | None) -> str:
        return ms(statistics.median(values)) if values else "-"

    def worst(values: list[float] | None) -> str:
        return ms(max(values)) if values else "-"

    print(f"table rows: {args.rows:,}; terminal 80x24; medians (max) per key")
    print(f"{'key':<20}{'first frame':>18}{'rows shown':>18}{'last frame':>18}{'CPU':>9}"
          f"{'press+pause':>13}")
    for key, label in (("enter", "first paint (Enter)"), ("x", "no-op key"),
                       ("pagedown", "page-down (60x)"), ("n", "next reject (10x)"),
                       ("v", "view switch (3x)")):
        print(f"{label:<20}{med(first.get(key)):>9} ({worst(first.get(key)):>8})"
              f"{med(shown.get(key)):>9} ({worst(shown.get(key)):>8})"
              f"{med(last.get(key)):>9} ({worst(last.get(key)):>8})"
              f"{med(cpu.get(key)):>9}{med(wall.get(key)):>13}")
    print("first frame: key sent -> first frame written to the terminal (for page-down and "
          "next reject that frame shows the moved table); rows shown: -> first frame after a "
          "worker's result reached the screen (Enter, view switch); last frame: -> last frame "
          "of the burst (scrollbar/focus restyles). CPU: all threads. press+pause includes the "
          "test pilot's idle waits. Targets: first paint <= 500 ms, page-down <= 50 ms.")


if __name__ == "__main__":
    main()
