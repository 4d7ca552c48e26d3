"""A workspace with many committed WEBFAKT services, built straight through the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mwtui.workspace.models import Batch, Customer
from mwtui.workspace.store import Workspace

FIXED = "2026-11-30T08:15:00+00:00"
CYCLES = (("00", "einmalig"), ("01", "monatlich"), ("06", "halbjährlich"), ("12", "jährlich"),
          ("24", "zweijährlich"), ("36", "dreijährlich"))
WORDS = ("Wartung", "Hosting", "Domain", "Support", "Lizenz", "Backup", "Pflege", "Miete")
NAMES = ("Bäckerei Sonnenschein", "Beispielbau GmbH", "Schreinerei Holzwurm",
         "Elektro Blitz GmbH", "Öko Garten", "Zahnarzt Dr. Weiß", "Autohaus Müller",
         "Friseur Schnitt", "Getränke Meyer", "Hotel Adler")
BATCHES = ("20261128-090000-aaaa", "20261129-090000-bbbb", "20261130-071500-cccc")


def service_docs(n: int, customers: int = len(NAMES)) -> list[dict[str, Any]]:
    """``n`` stored service records spread over the customers, cycles and batches."""
    docs = []
    for i in range(n):
        code, name = CYCLES[i % len(CYCLES)]
        customer = i % customers
        docs.append({
            "customer_number": f"{10000 + customer}", "customer_id": customer + 1,
            "service": f"{WORDS[i % len(WORDS)]} {i:07d}", "amount": f"{(i % 5000) + 0.5:.2f}",
            "cycle": code, "cycle_name": name, "article_number": f"ART-{i % 97:03d}",
            "quantity": "1", "next_invoice": f"2027-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "discount": "0", "remarks": "", "filled_from_catalogue": False,
            "row_key": f"k{i}", "source_file": "leistungen.csv", "source_line": i + 2,
            "format": 1, "batch": BATCHES[i % len(BATCHES)],
        })
    return docs


def make_services_workspace(path: Path, n: int) -> Workspace:
    """A workspace with the customers of :data:`NAMES`, three batches and ``n`` services,
    written in one transaction."""
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        tx.insert_many("customers", [
            Customer(name=name, number=f"{10000 + i}", street=f"Hauptstraße {i + 1}",
                     zip="10115", city="Berlin", email=f"info{i}@example.com",
                     phone="030 123456", created=FIXED, updated=FIXED).to_record()
            for i, name in enumerate(NAMES)])
        tx.insert_many("batches", [
            Batch(batch_id=b, kind="webfakt", source="leistungen.csv",
                  created=f"2026-11-{28 + i}T09:00:00+00:00", status="done").to_record()
            for i, b in enumerate(BATCHES)])
        tx.insert_many("services", service_docs(n))
    return ws
