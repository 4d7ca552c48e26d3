"""Customer look-ups for screens and the CLI (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass

from mwtui.workspace.models import SOURCE_BADGES
from mwtui.workspace.store import Snapshot


@dataclass(frozen=True)
class CustomerRow:
    """One customer as shown in a list, with a lower-case haystack for filtering."""

    id: int
    number: str
    name: str
    city: str
    email: str
    badges: str
    haystack: str


def customer_rows(snapshot: Snapshot) -> list[CustomerRow]:
    """All customers sorted by name, ready to filter."""
    rows = []
    for doc_id, doc in snapshot.items("customers"):
        badges = "".join(
            SOURCE_BADGES.get(s.get("integration", ""), "") for s in doc.get("sources", [])
        )
        number, name = str(doc.get("number", "")), str(doc.get("name", ""))
        city, email = str(doc.get("city", "")), str(doc.get("email", ""))
        hay = " ".join((number, name, city, email, str(doc.get("zip", "")))).lower()
        rows.append(CustomerRow(doc_id, number, name, city, email, badges, hay))
    rows.sort(key=lambda r: (r.name.lower(), r.id))
    return rows


def filter_rows(rows: list[CustomerRow], query: str) -> list[CustomerRow]:
    """Rows whose text contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    if not words:
        return rows
    return [r for r in rows if all(w in r.haystack for w in words)]


def customer_detail_lines(snapshot: Snapshot, customer_id: int) -> list[str]:
    """Name and number, address, e-mail and phone, and the sources of one customer."""
    doc = snapshot.get("customers", customer_id) or {}
    return [
        f"{doc.get('name', '')}  (No. {doc.get('number', '') or '-'})",
        f"{doc.get('street', '')}, {doc.get('zip', '')} {doc.get('city', '')}".strip(", "),
        f"{doc.get('email', '')}  {doc.get('phone', '')}".strip(),
        "Sources: " + (", ".join(
            f"{s.get('integration')} #{s.get('external_id')}" for s in doc.get("sources", [])
        ) or "-"),
    ]
