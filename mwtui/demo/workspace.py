"""The demo workspace: sample data in a temporary folder, or in a new or empty file the
operator names (``mwtui --demo --db PATH``); never over the operator's data."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from mwtui.importers.webfakt.catalogue import load_demo_catalogue
from mwtui.workspace.models import Activity, ActivityType
from mwtui.workspace.store import TABLES, Workspace


def demo_data_dir() -> Path:
    """The packaged demo files (sample WEBFAKT files, catalogue, sandbox payloads)."""
    return Path(str(resources.files("mwtui.demo") / "data"))


def populate(workspace: Workspace) -> None:
    """Fill a new workspace with the sample customers and articles (the shipped CSV files,
    imported like an operator would), activity types and activities."""
    load_demo_catalogue(workspace)
    with workspace.transaction() as tx:
        tx.insert_many("activity_types", [
            ActivityType(name="Wartung", position=1).to_record(),
            ActivityType(name="Reparatur", position=2).to_record(),
        ])
        tx.insert_many("activities", [
            Activity(number="MW-0001", title="Heizung prüfen", customer_id=1, type_id=2,
                     created="2026-11-02T09:00:00+01:00").to_record(),
            Activity(number="MW-0002", title="Fenster einbauen", customer_id=2, type_id=1,
                     created="2026-11-10T14:30:00+01:00").to_record(),
        ])


def create_demo_workspace(base: Path | None = None) -> Workspace:
    """A new demo workspace in a temporary folder, with the sample files beside it."""
    folder = Path(tempfile.mkdtemp(prefix="mwtui-demo-", dir=base))
    return seed_demo_workspace(folder / "demo.json")


def is_empty_workspace(path: Path) -> bool:
    """True for a missing path, a zero-byte file, an empty folder, or a workspace without
    records (only the default activity type); a corrupt one raises (not ours to overwrite)."""
    if not path.exists():
        return True
    if path.is_dir() and not any(path.iterdir()):
        return True
    if path.is_file() and path.stat().st_size == 0:
        return True
    snapshot = Workspace(path).snapshot()
    return all(snapshot.count(table) == 0 for table in TABLES if table != "activity_types")


def seed_demo_workspace(path: Path) -> Workspace:
    """Fill the (new or empty, see :func:`is_empty_workspace`) workspace at ``path`` with
    the demo data, and put the sample WEBFAKT files in ``samples/`` beside it."""
    if path.is_file() and path.stat().st_size == 0:
        path.unlink()
    workspace = Workspace.open(path)
    populate(workspace)
    source = demo_data_dir()
    if source.is_dir():
        target = workspace.path.parent / "samples"
        target.mkdir(exist_ok=True)
        for item in sorted(source.glob("*.csv")):
            if not (target / item.name).exists():
                shutil.copy2(item, target / item.name)
    return workspace
