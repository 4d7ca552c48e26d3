"""The workspace store under load: everyday commands on a workspace holding 1M committed
WEBFAKT services and 50k activities, against the same workspace without them.

    .venv/bin/python bench/bench_store.py [--rows 1000000] [--activities 50000]
    .venv/bin/python bench/bench_store.py --open-only [--keep DIR] [--rows 0]
    .venv/bin/python bench/bench_store.py --commit-only   # the commit figures only
    .venv/bin/python bench/bench_store.py --recheck-only [--rows 200000] [--repeat 3]
                                          [--keep DIR]
    .venv/bin/python bench/bench_store.py --year-only [--repeat 3]   # a year of commits

Every figure is one subprocess (wall time and peak RSS via ``resource.getrusage`` of a
small launcher, see ``bench_webfakt.LAUNCHER``). Targets from issue 12 in brackets.
``--open-only`` prints only the start-up figures: open to the Activities rows (what the
screen's worker does until the first rows, and until search and sort are ready) and, when
tmux is installed, the real app's process start to rows on screen
(``bench_start_tmux.sh``), on an empty workspace and on one with ``--activities``
activities and ``--rows`` services (built by ``make_workspaces.py``; kept in ``--keep``).
``--recheck-only`` builds the workspace, commits the big file and prints only the check
figures (first check, re-check after the commit); there ``--keep DIR`` builds in DIR and
leaves the workspace (``full.json``) and the file (``big.csv``) for profiling, and
``--repeat N`` times each check N times and keeps the best. ``--year-only`` (also part
of the whole run) builds a workspace after a year of monthly commits (12 files of 100k
rows) and prints the everyday commands, the last month checked again and the next month
checked and committed, each against a workspace without services.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_webfakt import make_rows, make_workspace, run, write_file
from make_workspaces import add_activities, build

HERE = Path(__file__).resolve().parent
MWTUI = str(Path(sys.executable).with_name("mwtui"))

COMMIT = r'''
import re, sys, time
import mwtui  # first, as in the CLI: its allocator setting applies when polars loads
import polars
from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.store import Workspace

def status(field):  # bytes, from the kernel's accounting of this process
    text = open("/proc/self/status").read()
    return int(re.search(field + r":\s+(\d+) kB", text).group(1)) * 1024

floor = status("VmRSS")  # the modules imported, nothing read yet
ws = Workspace.open(sys.argv[1])
result = check_file(sys.argv[2], ws)
check_peak, held = status("VmHWM"), status("VmRSS")
open("/proc/self/clear_refs", "w").write("5")  # resets VmHWM to the current RSS
start = time.perf_counter()
done = commit(ws, result, sys.argv[2])
seconds = time.perf_counter() - start
print(seconds, done.committed, floor, check_peak, held, status("VmHWM"))
'''


MEANWHILE = r'''
import sys, time
from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.store import Workspace
result = check_file(sys.argv[3], Workspace.open(sys.argv[2]))  # same customers, no services
start = time.perf_counter()
done = commit(Workspace.open(sys.argv[1]), result, sys.argv[3])  # its rows are all there
print(time.perf_counter() - start, done.committed, done.already_imported)
'''


OPEN_ACTIVITIES = r'''
from mwtui.screens.activities_presenter import ActivityIndex, ActivityPage, warm_formats
from mwtui.workspace.store import Workspace
import sys
snapshot = Workspace(sys.argv[1]).snapshot()  # what the screen's worker does until rows:
warm_formats()
page = ActivityPage.load(snapshot)  # the stored first page, or else the full index
if page is None:
    page = ActivityIndex(snapshot)
    rows = [page.row(p) for p in page.query()[:40]]
else:
    rows = [page.row(p) for p in range(min(40, page.stored))]
print(len(page))
'''

FULL_INDEX = r'''
from mwtui.screens.activities_presenter import ActivityIndex
from mwtui.workspace.store import Workspace
import sys
index = ActivityIndex(Workspace(sys.argv[1]).snapshot())  # then, for search and sort
index.order("created")
_ = index.haystacks
rows = [index.row(p) for p in index.query()[:40]]
print(len(index))
'''


YEAR = r'''
import sys
import mwtui  # first, as in the CLI
from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.store import Workspace
ws = Workspace.open(sys.argv[1])
for name in sys.argv[2:]:  # one month after the other, as an office commits them
    commit(ws, check_file(name, ws), name)
'''


def year_of_commits(folder: Path, env: dict[str, str], months: int = 12,
                    rows: int = 100_000) -> tuple[Path, list[Path]]:
    """A workspace after a year of monthly commits: ``months`` files of ``rows`` rows
    each (20 % rejects, the same 5,000 customers), committed one after the other."""
    year = folder / "year.json"
    make_workspace(year)
    files = []
    for month in range(1, months + 1):
        path = folder / f"month-{month:02d}.csv"
        write_file(path, make_rows(rows, seed=100 + month, reject_share=0.2))
        files.append(path)
    run([sys.executable, "-c", YEAR, str(year), *map(str, files)], env)
    return year, files


def year_figures(folder: Path, env: dict[str, str], repeat: int) -> None:
    """The workspace after a year of monthly commits against one without services: the
    everyday commands, the last month's file checked again, and the next month's file
    checked and committed through the CLI with ``--json``."""
    empty = folder / "empty-year.json"
    make_workspace(empty)
    t0 = time.perf_counter()
    year, files = year_of_commits(folder, env)
    print(f"a year of commits: 12 monthly files of 100,000 rows committed in "
          f"{time.perf_counter() - t0:.1f} s; workspace {folder_mb(year):.0f} MB")
    for name, (seconds, peak) in everyday(year, folder, env).items():
        b_seconds, b_peak = everyday(empty, folder, env)[name]
        print(f"  {name}: {seconds:.2f} s / {peak / 1e6:.0f} MB vs {b_seconds:.2f} s / "
              f"{b_peak / 1e6:.0f} MB without services = {seconds / b_seconds:.2f}x")
    cmds = {db: [MWTUI, "--db", str(db), "webfakt", "check", str(files[-1]), "--json"]
            for db in (empty, year)}
    best = best_of(repeat, cmds, env)
    (seconds, peak), (b_seconds, b_peak) = best[year], best[empty]
    print(f"  the 12th month's file checked again (--json, best of {repeat}): {seconds:.2f} s "
          f"/ {peak / 1e6:.0f} MB vs {b_seconds:.2f} s / {b_peak / 1e6:.0f} MB before any "
          f"commit = {seconds / b_seconds:.2f}x")
    month = folder / "month-13.csv"
    write_file(month, make_rows(100_000, seed=113, reject_share=0.2))
    next_month(empty, year, month, env, "  the 13th month,")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def customers_file(path: Path) -> Path:
    lines = ["Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon"]
    lines += [f"{n:05d};Kunde {n};Weg {n};10115;Berlin;k{n}@example.org;" for n in range(1, 36)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def everyday(db: Path, folder: Path, env: dict[str, str]) -> dict[str, tuple[float, int]]:
    """Re-import 35 customers, list customers --json, open to the Activities rows."""
    cust = customers_file(folder / "c35.csv")
    run([MWTUI, "--db", str(db), "customers", "import", str(cust)], env)  # first import
    return {
        "re-import 35 customers": run([MWTUI, "--db", str(db), "customers", "import",
                                       str(cust)], env)[::2],
        "list customers --json": run([MWTUI, "--db", str(db), "list", "customers", "--json"],
                                     env)[::2],
        "open to Activities rows": run([sys.executable, "-c", OPEN_ACTIVITIES, str(db)],
                                       env)[::2],
    }


def commit_figure(db: Path, data: Path, env: dict[str, str], label: str) -> None:
    """One check + commit in a fresh process: the commit's time, and memory as the
    import floor, the check's peak, what the check result holds when the commit starts,
    the commit's own peak (VmHWM reset after the check) and the whole process's peak."""
    _elapsed, out, peak = run([sys.executable, "-c", COMMIT, str(db), str(data)], env)
    seconds, count, floor, check, held, own = (float(v) for v in out.split())
    size = data.stat().st_size

    def mb(value: float) -> str:
        return f"{value / 1e6:.0f} MB = {value / size:.2f}x"

    print(f"commit of {int(count):,} accepted rows: {seconds:.2f} s {label}; file "
          f"{size / 1e6:.0f} MB; floor (imports) {mb(floor)}; check peak {mb(check)}; "
          f"held after check {mb(held)}; commit peak {mb(own)} (+{(own - held) / 1e6:.0f} MB "
          f"over what the check holds); process peak {mb(peak)}")


def meanwhile_figure(full: Path, plain: Path, data: Path, env: dict[str, str]) -> None:
    """A commit whose rows were all committed since its check: every row is looked up
    in the workspace's key index inside the transaction, and nothing is written."""
    _elapsed, out, peak = run([sys.executable, "-c", MEANWHILE, str(full), str(plain),
                               str(data)], env)
    seconds, committed, skipped = out.split()
    print(f"commit of {int(skipped):,} rows committed meanwhile (as many keys in the "
          f"workspace): {float(seconds):.2f} s, {int(committed)} written; process peak "
          f"{peak / 1e6:.0f} MB")


def best_of(repeat: int, cmds: dict[Path, list[str]], env: dict[str, str]
            ) -> dict[Path, tuple[float, int]]:
    """Per workspace the fastest of ``repeat`` runs, ``(seconds, peak RSS of that run)``;
    the workspaces take turns, so a burst of load on the machine hits both alike."""
    runs: dict[Path, list[tuple[float, int]]] = {db: [] for db in cmds}
    for _ in range(repeat):
        for db, cmd in cmds.items():
            runs[db].append(run(cmd, env)[::2])
    return {db: min(figures, key=lambda r: r[0]) for db, figures in runs.items()}


def tmux_start(db: Path) -> float:
    """Process start to rows on screen of the real app in tmux (``bench_start_tmux.sh``)."""
    out = subprocess.run([str(HERE / "bench_start_tmux.sh"), str(db)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return float(re.findall(r"rows on screen: ([0-9.]+) s", out)[0])


def open_only(args: argparse.Namespace) -> int:
    """Start-up figures on an empty and on a loaded workspace (best of ``--repeat``)."""
    with tempfile.TemporaryDirectory(prefix="mwtui-open-") as tmp:
        folder = args.keep or Path(tmp)
        env = {**os.environ, "MWTUI_CONFIG": str(folder / "cfg.toml")}
        empty, loaded = build(folder, args.activities, args.rows)
        print(f"workspaces in {folder}: empty {folder_mb(empty):.1f} MB (5,000 customers); "
              f"loaded {folder_mb(loaded):.0f} MB ({args.activities:,} activities, "
              f"{args.rows:,} services)")
        opened = best_of(args.repeat, {db: [sys.executable, "-c", OPEN_ACTIVITIES, str(db)]
                                       for db in (empty, loaded)}, env)
        (seconds, peak), (b_seconds, b_peak) = opened[loaded], opened[empty]
        print(f"open to Activities rows: {seconds:.2f} s / {peak / 1e6:.0f} MB loaded vs "
              f"{b_seconds:.2f} s / {b_peak / 1e6:.0f} MB empty = {seconds / b_seconds:.2f}x "
              f"[<= 1.5x, <= 250 MB]")
        full, full_peak = best_of(args.repeat, {loaded: [sys.executable, "-c", FULL_INDEX,
                                                         str(loaded)]}, env)[loaded]
        print(f"then search and sort ready (full index, in the screen's worker): {full:.2f} s "
              f"/ {full_peak / 1e6:.0f} MB")
        if shutil.which("tmux") is None:
            print("app start to rows on screen: tmux is not installed")
            return 0
        starts = [(tmux_start(empty), tmux_start(loaded)) for _ in range(args.repeat)]
        best_empty, best_loaded = (min(column) for column in zip(*starts, strict=True))
        print(f"app start to rows on screen (tmux, 80x24): {best_loaded:.2f} s loaded "
              f"[<= 1 s] vs {best_empty:.2f} s empty (best of {args.repeat}; all loaded: "
              f"{', '.join(f'{b:.2f}' for _a, b in starts)}; all empty: "
              f"{', '.join(f'{a:.2f}' for a, _b in starts)})")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


def recheck_figure(full: Path, big: Path, env: dict[str, str], args: argparse.Namespace,
                   *, commit_label: str | None) -> None:
    """First check of ``big``, its commit, and the check after the commit (each check the
    best of ``--repeat`` runs: a shared machine's noise only ever adds time)."""
    check = [MWTUI, "--db", str(full), "webfakt", "check", str(big), "--max-rejects", "5"]
    first_check = min(run(check, env)[0] for _ in range(args.repeat))
    if commit_label is None:
        run([sys.executable, "-c", COMMIT, str(full), str(big)], env)
    else:
        commit_figure(full, big, env, commit_label)
    recheck = min(run(check, env)[0] for _ in range(args.repeat))
    best = f" (best of {args.repeat} each)" if args.repeat > 1 else ""
    print(f"check of the {args.rows:,}-row file{best}: first {first_check:.2f} s, after its "
          f"commit {recheck:.2f} s = {recheck / first_check:.2f}x [<= 1.5x]")
    shuffled = big.with_name("same-rows.csv")
    reorder(big, shuffled)
    check[check.index(str(big))] = str(shuffled)
    again = min(run(check, env)[0] for _ in range(args.repeat))
    print(f"  the same rows in another file (lines in reverse order, so nothing is paired by "
          f"line): {again:.2f} s = {again / first_check:.2f}x the first check")


def reorder(source: Path, target: Path) -> None:
    """``source`` with its data lines in reverse order (the header stays first)."""
    header, _sep, body = source.read_bytes().partition(b"\r\n")
    lines = body.rstrip(b"\r\n").split(b"\r\n")
    target.write_bytes(header + b"\r\n" + b"\r\n".join(reversed(lines)) + b"\r\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=50_000)
    parser.add_argument("--open-only", action="store_true",
                        help="only the start-up figures (open to Activities rows, tmux)")
    parser.add_argument("--commit-only", action="store_true",
                        help="only the commit figures (100k and --rows accepted rows)")
    parser.add_argument("--recheck-only", action="store_true",
                        help="only the first check, the commit and the re-check")
    parser.add_argument("--year-only", action="store_true",
                        help="only the figures of a workspace after a year of commits")
    parser.add_argument("--keep", type=Path, help="build in this folder and leave it")
    parser.add_argument("--repeat", type=int,
                        help="best of N (default 3 with --open-only, else 1)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    if args.open_only:
        args.repeat = args.repeat or 3
        return open_only(args)
    args.repeat = args.repeat or 1
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return measure(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="mwtui-store-") as tmp:
        return measure(args, Path(tmp))


def measure(args: argparse.Namespace, folder: Path) -> int:
    env = {**os.environ, "MWTUI_CONFIG": str(folder / "cfg.toml")}
    if args.year_only:
        year_figures(folder, env, args.repeat)
        return 0
    big, full = folder / "big.csv", folder / "full.json"
    write_file(big, make_rows(args.rows, seed=12, reject_share=0.0))
    make_workspace(full)
    if args.recheck_only:
        recheck_figure(full, big, env, args, commit_label=None)
        return 0
    small, empty = folder / "small.csv", folder / "empty.json"
    plain = folder / "activities-only.json"
    write_file(small, make_rows(100_000, seed=11, reject_share=0.0))
    for db in (empty, plain):
        make_workspace(db)
    commit_figure(empty, small, env, "[<= 1 s]")
    if args.commit_only:
        commit_figure(full, big, env, "[<= 6 s, <= 4x file size]")
        meanwhile_figure(full, plain, big, env)
        return 0
    with_small = folder_mb(empty)
    recheck_figure(full, big, env, args, commit_label="[<= 6 s, <= 4x file size]")
    t0 = time.perf_counter()
    add_activities(full, args.activities)
    add_activities(plain, args.activities)
    print(f"workspaces: empty {with_small:.1f} MB (5,000 customers, 100k services); full "
          f"{folder_mb(full):.0f} MB ({args.rows:,} services, {args.activities:,} "
          f"activities added in {time.perf_counter() - t0:.1f} s)")
    base, loaded = everyday(empty, folder, env), everyday(full, folder, env)
    same = everyday(plain, folder, env)
    for name, (seconds, peak) in loaded.items():
        b_seconds, b_peak = base[name]
        s_seconds, _s_peak = same[name]
        print(f"{name}: {seconds:.2f} s / {peak / 1e6:.0f} MB on the full workspace vs "
              f"{b_seconds:.2f} s / {b_peak / 1e6:.0f} MB empty = {seconds / b_seconds:.2f}x "
              f"[<= 1.5x, <= 250 MB]; vs {s_seconds:.2f} s with the same activities and no "
              f"services = {seconds / s_seconds:.2f}x")
    month = folder / "month.csv"
    write_file(month, make_rows(100_000, seed=13, reject_share=0.2))
    next_month(empty, full, month, env, "a new 100k-row month on the full workspace,")
    year_figures(folder, env, args.repeat)
    return 0


def next_month(empty: Path, loaded: Path, month: Path, env: dict[str, str],
               label: str) -> None:
    """The month after: a new file checked and committed through the CLI with ``--json``
    (the operator's path), on the ``loaded`` workspace and on one without services."""
    for verb in ("check", "commit"):
        figures = {db: run([MWTUI, "--db", str(db), "webfakt", verb, str(month), "--json"],
                           env) for db in (empty, loaded)}
        (seconds, _out, peak), (b_seconds, _b_out, b_peak) = figures[loaded], figures[empty]
        print(f"{label} webfakt {verb} --json: {seconds:.2f} s / {peak / 1e6:.0f} MB vs "
              f"{b_seconds:.2f} s / {b_peak / 1e6:.0f} MB without services = "
              f"{seconds / b_seconds:.2f}x")


if __name__ == "__main__":
    raise SystemExit(main())
