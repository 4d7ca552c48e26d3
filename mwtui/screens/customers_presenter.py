"""Customer look-ups for screens (no Textual): the list, its filter, a customer's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.i18n.sorting import din5007_key
from mwtui.workspace.models import INTEGRATION_LABELS, SOURCE_BADGES
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
    """All customers sorted by name (German rules: DIN 5007-1), ready to filter."""
    rows = []
    for doc_id, doc in snapshot.items("customers"):
        badges = "".join(
            SOURCE_BADGES.get(s.get("integration", ""), "") for s in doc.get("sources", [])
        )
        number, name = str(doc.get("number", "")), str(doc.get("name", ""))
        city, email = str(doc.get("city", "")), str(doc.get("email", ""))
        hay = " ".join((number, name, city, email, str(doc.get("zip", "")))).lower()
        rows.append(CustomerRow(doc_id, number, name, city, email, badges, hay))
    rows.sort(key=lambda r: (din5007_key(r.name), r.id))
    return rows


def filter_rows(rows: list[CustomerRow], query: str) -> list[CustomerRow]:
    """Rows whose text contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    if not words:
        return rows
    return [r for r in rows if all(w in r.haystack for w in words)]


def _sources(doc: dict[str, Any]) -> str:
    return ", ".join(
        f"{INTEGRATION_LABELS.get(str(s.get('integration')), s.get('integration'))}"
        f" #{s.get('external_id')}" for s in doc.get("sources", [])) or "-"


def customer_detail_lines(snapshot: Snapshot, customer_id: int) -> list[str]:
    """Name and number, address, e-mail and phone, and the sources of one customer."""
    doc = snapshot.get("customers", customer_id) or {}
    return [
        _("{name}  (No. {number})").format(name=doc.get("name", ""),
                                           number=doc.get("number", "") or "-"),
        f"{doc.get('street', '')}, {doc.get('zip', '')} {doc.get('city', '')}".strip(", "),
        f"{doc.get('email', '')}  {doc.get('phone', '')}".strip(),
        _("Sources: {sources}").format(sources=_sources(doc)),
    ]


# -- the customer's page -----------------------------------------------------------------
@dataclass(frozen=True)
class CustomerActivity:
    """One activity of the customer as shown on the page."""

    id: int
    number: str
    title: str
    type_name: str
    created: str
    amount: str

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.number, self.title, self.type_name, self.created, self.amount)


@dataclass
class CustomerPage:
    """Everything the customer's page shows except the services."""

    id: int
    name: str
    number: str
    contact: list[tuple[str, str]]
    activities: list[CustomerActivity] = field(default_factory=list)


def _contact(doc: dict[str, Any]) -> list[tuple[str, str]]:
    place = f"{doc.get('zip', '')} {doc.get('city', '')}".strip()
    address = ", ".join(str(x) for x in (doc.get("street"), place, doc.get("country")) if x)
    rows = [(N_("Address"), address), (N_("E-mail"), doc.get("email")),
            (N_("Phone"), doc.get("phone")), (N_("Sources"), _sources(doc))]
    return [(_(label), str(value) if value else "-") for label, value in rows]


def customer_page(snapshot: Snapshot, customer_id: int) -> CustomerPage | None:
    """Contact data and activities (newest first) of one customer; None if gone."""
    doc = snapshot.get("customers", customer_id)
    if doc is None:
        return None
    types = {key: str(t.get("name", "")) for key, t in snapshot.raw("activity_types").items()}
    found = [(key, a) for key, a in snapshot.raw("activities").items()
             if a.get("customer_id") == customer_id]
    found.sort(key=lambda item: (str(item[1].get("created") or ""), int(item[0])),
               reverse=True)
    activities = [
        CustomerActivity(int(key), str(a.get("number", "")), str(a.get("title", "")),
                         types.get(str(a.get("type_id")), ""), fmt.date(a.get("created")),
                         fmt.money(a.get("net_amount"), a.get("currency")))
        for key, a in found]
    return CustomerPage(customer_id, str(doc.get("name", "")), str(doc.get("number", "")),
                        _contact(doc), activities)
