"""The store's figures on both backends side by side: the workspace folder and PostgreSQL.

    .venv/bin/python bench/bench_backends.py [--rows 1000000] [--activities 50000]
                                             [--url postgresql://...]

Without ``--url`` a throwaway PostgreSQL server is started (tests/support/pg.py) and
stopped at the end. Each backend gets the same workspace (5,000 customers, 500 articles):
a commit of 100k WEBFAKT rows, a commit of ``--rows`` rows (``COPY`` on PostgreSQL), the
big file checked again and a new 100k-row month checked (``--json``), then
``--activities`` activities and the everyday commands. Every figure is one subprocess
(wall time and peak RSS, see ``bench_webfakt.LAUNCHER``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from bench_store import OPEN_ACTIVITIES, customers_file  # noqa: E402
from bench_webfakt import CUSTOMERS, make_rows, run, write_file  # noqa: E402

MWTUI = str(Path(sys.executable).with_name("mwtui"))

COMMIT = r'''
import sys, time
from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.backends import open_workspace
ws = open_workspace(sys.argv[1])
result = check_file(sys.argv[2], ws)
start = time.perf_counter()
done = commit(ws, result, sys.argv[2])
print(f"{time.perf_counter() - start} {done.committed}")
'''

OPEN = OPEN_ACTIVITIES.replace("from mwtui.workspace.store import Workspace",
                               "from mwtui.workspace.backends import open_workspace"
                               ).replace("Workspace(sys.argv[1])", "open_workspace(sys.argv[1])")


def seed(target: str, activities: int) -> float:
    """Customers and articles (before the commits); activities (after). Seconds taken."""
    import random

    from mwtui.workspace.backends import open_workspace
    from mwtui.workspace.models import Activity, Article, Customer

    start = time.perf_counter()
    ws = open_workspace(target)
    with ws.transaction() as tx:
        if not activities:
            tx.insert_many("customers", [Customer(name=f"Kunde {n}", number=f"{n:05d}")
                                         .to_record() for n in range(1, CUSTOMERS + 1)])
            tx.insert_many("articles", [Article(number=str(10000 + n), name=f"Artikel {n}",
                                                price="10.00").to_record() for n in range(500)])
            return time.perf_counter() - start
        rng = random.Random(3)
        tx.insert_many("activities", [Activity(
            number=f"AB-{i:05d}", title=f"Auftrag {i}", source="sevdesk", external_id=str(i),
            customer_id=rng.randint(1, CUSTOMERS), type_id=1,
            created=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+01:00").to_record()
            for i in range(activities)])
    return time.perf_counter() - start


def figures(target: str, files: dict[str, Path], folder: Path, activities: int,
            env: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    seed(target, 0)
    for path in (files["small"], files["big"]):
        _t, text, peak = run([sys.executable, "-c", COMMIT, target, str(path)], env)
        seconds, count = text.split()
        out[f"commit {int(count):,} rows"] = f"{float(seconds):.2f} s, {peak / 1e6:.0f} MB"
    for name, path in (("check of the big file again", files["big"]),
                       ("check --json of a new 100k month", files["month"])):
        seconds, _out, peak = run([MWTUI, "--db", target, "webfakt", "check", str(path),
                                   "--json"], env)
        out[name] = f"{seconds:.2f} s, {peak / 1e6:.0f} MB"
    out[f"add {activities:,} activities"] = f"{seed(target, activities):.2f} s"
    cust = customers_file(folder / "c35.csv")
    run([MWTUI, "--db", target, "customers", "import", str(cust)], env)
    for name, cmd in {
        "re-import 35 customers": [MWTUI, "--db", target, "customers", "import", str(cust)],
        "list customers --json": [MWTUI, "--db", target, "list", "customers", "--json"],
        "list batches": [MWTUI, "--db", target, "batches"],
        "open to Activities rows": [sys.executable, "-c", OPEN, target],
    }.items():
        seconds, _out, peak = run(cmd, env)
        out[name] = f"{seconds:.2f} s, {peak / 1e6:.0f} MB"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=50_000)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: throwaway)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    server = None
    if args.url is None:
        from tests.support.pg import PgServer, _bindir

        server = PgServer(_bindir())  # type: ignore[arg-type]
        server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="mwtui-backends-") as tmp:
            folder = Path(tmp)
            env = {**os.environ, "MWTUI_CONFIG": str(folder / "cfg.toml"),
                   "XDG_CACHE_HOME": str(folder / "cache")}
            files = {"small": folder / "small.csv", "big": folder / "big.csv"}
            write_file(files["small"], make_rows(100_000, seed=11, reject_share=0.0))
            write_file(files["big"], make_rows(args.rows, seed=12, reject_share=0.0))
            month = folder / "month.csv"  # checked, not committed
            write_file(month, make_rows(100_000, seed=13, reject_share=0.2))
            url = args.url or server.url  # type: ignore[union-attr]
            files["month"] = month
            both = {"folder": figures(str(folder / "ws.json"), files, folder,
                                      args.activities, env),
                    "postgresql": figures(url, files, folder, args.activities, env)}
    finally:
        if server is not None:
            server.stop()
    print(f"{'figure':<32} {'folder':>22} {'postgresql':>22}")
    for name in both["folder"]:
        print(f"{name:<32} {both['folder'][name]:>22} {both['postgresql'][name]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
