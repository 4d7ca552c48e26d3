"""The demo workspace: a fresh temporary folder with sample data, never the operator's."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from mwtui.models import Activity, ActivityType, Article, Customer
from mwtui.store import Workspace

DEMO_CUSTOMERS = [
    Customer(number="001", name="Bäckerei Sonnenschein", street="Hauptstr. 1", zip="10115",
             city="Berlin", email="info@baeckerei.example", phone="030 123456"),
    Customer(number="7104", name="Schreinerei Holzwurm", street="Waldweg 7", zip="80331",
             city="München", email="kontakt@holzwurm.example"),
    Customer(number="80220", name="Marina Jenkner", street="Am Hafen 3", zip="20095",
             city="Hamburg", email="marina@jenkner.example"),
    Customer(number="43135", name="Elektro Blitz GmbH", street="Stromweg 12", zip="50667",
             city="Köln", phone="0221 98765"),
    Customer(number="1200", name="Malerbetrieb [bold]Farbe[/bold] & Co", street="Pinselgasse 2",
             zip="04109", city="Leipzig"),
]
DEMO_ARTICLES = [
    Article(number="12101", name="Homepagewartung", price="38.53",
            long_text="Monatliche Wartung der Homepage"),
    Article(number="17104", name="Wartungsvertrag", price="43.36", long_text="Jährlicher Vertrag"),
    Article(number="20001", name="Softwarewartung", price="117.50", long_text="Wartung"),
    Article(number="20002", name="Addons Updateservice", price="19.90",
            long_text="Updateservice für Addons"),
]


def demo_data_dir() -> Path:
    """The packaged demo files (sample WEBFAKT files, catalogue, sandbox payloads)."""
    return Path(str(resources.files("mwtui") / "demo_data"))


def populate(workspace: Workspace) -> None:
    """Fill a new workspace with sample customers, articles, types and activities."""
    with workspace.transaction() as tx:
        tx.insert_many("customers", [c.to_record() for c in DEMO_CUSTOMERS])
        tx.insert_many("articles", [a.to_record() for a in DEMO_ARTICLES])
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
    workspace = Workspace.open(folder / "demo.json")
    populate(workspace)
    source = demo_data_dir()
    if source.is_dir():
        target = folder / "samples"
        target.mkdir()
        for item in sorted(source.glob("*.csv")):
            shutil.copy2(item, target / item.name)
    return workspace
