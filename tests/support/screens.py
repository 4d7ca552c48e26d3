"""Helpers for the Activities / Integrations / import dialog tests: fixed data, fake clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence, Set
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.app import MwtuiApp
from mwtui.importers.accounting.protocol import RemoteContact, RemoteDeliveryNote, RemoteOrder
from mwtui.workspace.config import Config
from mwtui.workspace.models import Activity, Customer
from mwtui.workspace.store import Workspace

HOSTILE = "Meier [/bold] GmbH [link=https://example.invalid]x[/link]\x1b[2J"
PDF = b"%PDF-1.4\n% test delivery note\n"


def make_workspace(tmp_path: Path) -> Workspace:
    """A workspace with fixed dates: 4 customers, 2 extra types, 6 activities, 1 PDF."""
    ws = Workspace.open(tmp_path / "ws.json")
    ws.attachments_dir.mkdir(parents=True, exist_ok=True)
    (ws.attachments_dir / "a1b2c3.pdf").write_bytes(PDF)
    fixed = "2026-11-01T08:00:00+00:00"
    with ws.transaction() as tx:
        tx.insert_many("customers", [
            Customer(name="Bäckerei Sonnenschein", number="001", city="Berlin",
                     created=fixed, updated=fixed).to_record(),
            Customer(name="Schreinerei Holzwurm", number="7104", city="München",
                     email="kontakt@holzwurm.example", created=fixed, updated=fixed).to_record(),
            Customer(name=HOSTILE, number="666", created=fixed, updated=fixed).to_record(),
            Customer(name="Elektro Blitz GmbH", number="43135", created=fixed,
                     updated=fixed).to_record(),
        ])
        tx.insert_many("activity_types", [
            {"name": "Wartung", "position": 1, "is_default": False},
            {"name": "Reparatur", "position": 2, "is_default": False},
        ])
        att = {"name": "a1b2c3.pdf", "path": str(ws.attachments_dir / "a1b2c3.pdf"),
               "size": len(PDF), "sha256": "a1b2c3", "remote_name": "LI-1001.pdf",
               "external_id": "55", "kind": "delivery_note", "added": fixed}
        rows = [
            Activity(number="AB-1118", title="Heizung tauschen", source="sevdesk",
                     external_id="9001", customer_id=1, type_id=1,
                     created="2026-11-10T09:00:00+01:00", net_amount="1200.00",
                     attachments=[att], local={"Monteur": "Kai"}),
            Activity(number="AU-0007", title="Fenster einbauen", source="bexio",
                     external_id="7", customer_id=2, type_id=1,
                     valid_from="2026-11-03", created="2026-11-03T00:00:00+01:00"),
            Activity(number="AB0124", title="Dach reparieren [bold]sofort[/bold]",
                     source="lexware", external_id="u-1", customer_id=3, type_id=1,
                     created="2026-11-12T15:30:00+01:00"),
            Activity(number="WF-0003", title="Wartungsvertrag Homepage", source="webfakt",
                     customer_id=4, type_id=2, created="2026-11-05T10:00:00+01:00"),
            Activity(number="MW-0001", title="Heizung prüfen", source="manual", customer_id=1,
                     type_id=3, created="2026-11-02T09:00:00+01:00"),
            Activity(number="AB-1001", title="Altauftrag", source="sevdesk", external_id="8000",
                     customer_id=2, type_id=1, created="2026-10-01T09:00:00+02:00",
                     missing_at_source=True),
        ]
        tx.insert_many("activities", [
            {**r.to_record(), "imported": fixed, "updated": fixed} for r in rows])
    return ws


def make_app(tmp_path: Path, ws: Workspace | None = None, demo: bool = False) -> MwtuiApp:
    workspace = ws or make_workspace(tmp_path)
    return MwtuiApp(workspace=workspace, config=Config(path=tmp_path / "config.toml"),
                    demo=demo)


BERLIN = ZoneInfo("Europe/Berlin")


class FakeClient:
    """A scripted AccountingClient. ``gate`` (if given) blocks before the second order
    until set; ``listing`` is set once the first order was handed out."""

    supports_delivery_notes = True
    period_basis = "created"

    def __init__(self, integration: str = "sevdesk", orders: int = 3,
                 gate: threading.Event | None = None, fail_ids: Set[str] = frozenset(),
                 account: str = "Fake account 42") -> None:
        self.integration = integration
        self.count = orders
        self.gate = gate
        self.listing = threading.Event()
        self.fail_ids = fail_ids
        self.account = account
        self.closed = 0

    def account_info(self) -> str:
        return self.account

    def _contact(self, i: int) -> RemoteContact:
        return RemoteContact(self.integration, f"c{i}", f"Kunde {i}", change_marker="1")

    def list_contacts(self) -> Iterator[RemoteContact]:
        for i in range(self.count):
            yield self._contact(i)

    def get_contact(self, external_id: str) -> RemoteContact | None:
        return self._contact(int(external_id[1:]))

    def list_orders(self, period: Any, kind: Any = "orderconfirmation") -> Iterator[RemoteOrder]:
        now = datetime.now(BERLIN)
        for i in range(self.count):
            if i == 1:
                self.listing.set()
                if self.gate is not None:
                    assert self.gate.wait(10), "test never opened the gate"
            yield RemoteOrder(self.integration, f"o{i}", f"AB-{2000 + i}", change_marker="1",
                              title=f"Auftrag {i}", contact_external_id=f"c{i}",
                              created=now)

    def get_order(self, order: RemoteOrder) -> RemoteOrder:
        if order.external_id in self.fail_ids:
            raise RuntimeError(f"order {order.number} could not be read (HTTP 500)")
        return order

    def delivery_notes(self, orders: Sequence[RemoteOrder], known: Set[str] = frozenset(),
                       updated_since: object = None) -> list[RemoteDeliveryNote]:
        return []

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        return PDF

    def close(self) -> None:
        self.closed += 1


def screen_text(app: MwtuiApp) -> str:
    """Everything the current screen shows, as plain text (from a headless screenshot)."""
    import re

    svg = app.export_screenshot()
    body = re.sub(r"<[^>]+>", "", svg)
    return (body.replace("&#160;", " ").replace("&amp;", "&").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'"))
