"""Build the workspaces the start-up figures are measured on, in a kept folder.

    .venv/bin/python bench/make_workspaces.py DIR [--activities 50000] [--services 0]

``DIR/empty.json``: 5,000 customers and the article catalogue, no activity.
``DIR/activities.json``: the same plus ``--activities`` activities (and, with
``--services N``, one committed WEBFAKT batch of N services). An existing workspace of
that name is kept as it is (delete DIR to rebuild).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_webfakt import CUSTOMERS, make_rows, make_workspace, write_file


def add_activities(db: Path, count: int) -> None:
    """``count`` sevDesk activities spread over the customers and the year."""
    from mwtui.workspace.models import Activity
    from mwtui.workspace.store import Workspace

    rng = random.Random(3)
    with Workspace(db).transaction() as tx:
        tx.insert_many(
            "activities",
            [
                Activity(
                    number=f"AB-{i:05d}",
                    title=f"Auftrag {i}",
                    source="sevdesk",
                    external_id=str(i),
                    customer_id=rng.randint(1, CUSTOMERS),
                    type_id=1,
                    created=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+01:00",
                ).to_record()
                for i in range(count)
            ],
        )


def add_services(db: Path, count: int) -> None:
    """Check and commit a generated WEBFAKT file of ``count`` accepted rows."""
    from mwtui.importers.webfakt import check_file, commit
    from mwtui.workspace.store import Workspace

    with tempfile.TemporaryDirectory(prefix="mwtui-ws-") as tmp:
        data = Path(tmp) / "services.csv"
        write_file(data, make_rows(count, seed=12, reject_share=0.0))
        ws = Workspace.open(db)
        commit(ws, check_file(data, ws), data)


def build(folder: Path, activities: int, services: int) -> tuple[Path, Path]:
    """The empty and the loaded workspace in ``folder`` (built when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    empty, loaded = folder / "empty.json", folder / "activities.json"
    if not empty.exists():
        make_workspace(empty)
    if not loaded.exists():
        make_workspace(loaded)
        add_activities(loaded, activities)
        if services:
            add_services(loaded, services)
    return empty, loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--activities", type=int, default=50_000)
    parser.add_argument("--services", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("MWTUI_CONFIG", str(args.folder / "cfg.toml"))
    for path in build(args.folder, args.activities, args.services):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
