"""The workspace store under load: everyday commands on a workspace holding 1M committed
WEBFAKT services and 50k activities, against the same workspace without them.

    .venv/bin/python bench/bench_store.py [--rows 1000000] [--activities 50000]
    .venv/bin/python bench/bench_store.py --commit-only   # the two commit figures only

Every figure is one subprocess (wall time and peak RSS via ``resource.getrusage`` of a
small launcher, see ``bench_webfakt.LAUNCHER``). Targets from issue 12 in brackets.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_webfakt import CUSTOMERS, make_rows, make_workspace, run, write_file

MWTUI = str(Path(sys.executable).with_name("mwtui"))

COMMIT = r'''
import re, sys, time
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
from mwtui.screens.activities_presenter import ActivityIndex
from mwtui.workspace.store import Workspace
import sys
index = ActivityIndex(Workspace(sys.argv[1]).snapshot())  # what the screen's worker does
index.order("created")
rows = [index.row(p) for p in range(min(40, len(index)))]
print(len(index))
'''


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def add_activities(db: Path, count: int) -> None:
    from mwtui.workspace.models import Activity
    from mwtui.workspace.store import Workspace

    rng = random.Random(3)
    with Workspace(db).transaction() as tx:
        tx.insert_many("activities", [Activity(
            number=f"AB-{i:05d}", title=f"Auftrag {i}", source="sevdesk", external_id=str(i),
            customer_id=rng.randint(1, CUSTOMERS), type_id=1,
            created=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+01:00").to_record()
            for i in range(count)])


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
        return f"{value / 1e6:.0f} MB = {value / size:.1f}x"

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=50_000)
    parser.add_argument("--commit-only", action="store_true",
                        help="only the two commit figures (100k and --rows accepted rows)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="mwtui-store-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "MWTUI_CONFIG": str(folder / "cfg.toml")}
        small, big = folder / "small.csv", folder / "big.csv"
        write_file(small, make_rows(100_000, seed=11, reject_share=0.0))
        write_file(big, make_rows(args.rows, seed=12, reject_share=0.0))
        empty, full = folder / "empty.json", folder / "full.json"
        plain = folder / "activities-only.json"
        for db in (empty, full, plain):
            make_workspace(db)
        commit_figure(empty, small, env, "[<= 1 s]")
        if args.commit_only:
            commit_figure(full, big, env, "[<= 6 s, <= 4x file size]")
            meanwhile_figure(full, plain, big, env)
            return 0
        with_small = folder_mb(empty)
        first_check = run([MWTUI, "--db", str(full), "webfakt", "check", str(big),
                           "--max-rejects", "5"], env)[0]
        commit_figure(full, big, env, "[<= 6 s, <= 4x file size]")
        recheck = run([MWTUI, "--db", str(full), "webfakt", "check", str(big),
                       "--max-rejects", "5"], env)[0]
        print(f"check of the {args.rows:,}-row file: first {first_check:.2f} s, after its "
              f"commit {recheck:.2f} s = {recheck / first_check:.2f}x [<= 1.5x]")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
