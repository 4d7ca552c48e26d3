"""The activities side of the orders import: what is known, and the one upsert per order.

Everything here runs on a snapshot or inside one transaction; no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mwtui.importers.accounting.protocol import RemoteContact, RemoteOrder
from mwtui.importers.accounting.sync_contacts import CustomerIndex, upsert_customer
from mwtui.importers.accounting.sync_run import SyncResult, SyncRun
from mwtui.workspace.activity_types import ensure_default_type
from mwtui.workspace.models import ItemReport, now_iso
from mwtui.workspace.store import Doc, Snapshot, Transaction


@dataclass
class OrderWork:
    """One listed order and what the run learned about it (not yet committed)."""

    summary: RemoteOrder
    full: RemoteOrder | None = None  # fetched: new or changed at the source
    contact: RemoteContact | None = None  # fetched because it was not imported yet
    attachments: list[dict[str, Any]] = field(default_factory=list)
    heal_customer: bool = False

    @property
    def order(self) -> RemoteOrder:
        return self.full or self.summary


@dataclass
class Existing:
    doc_id: int
    change_marker: str | None
    customer_id: int | None
    missing: bool
    note_ids: frozenset[str]


def activity_index(source: Transaction | Snapshot, integration: str) -> dict[str, Existing]:
    index: dict[str, Existing] = {}
    for doc_id, doc in source.items("activities"):
        if doc.get("source") != integration or not doc.get("external_id"):
            continue
        notes = frozenset(str(a.get("external_id")) for a in doc.get("attachments") or []
                          if a.get("external_id"))
        index.setdefault(str(doc["external_id"]), Existing(
            doc_id, doc.get("change_marker"), doc.get("customer_id"),
            bool(doc.get("missing_at_source")), notes))
    return index


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _remote_fields(order: RemoteOrder, complete: bool) -> Doc:
    """The activity fields owned by the source (everything else belongs to the operator)."""
    fields: Doc = {
        "number": order.number,
        "source": order.integration,
        "external_id": order.external_id,
        # an incomplete record (summary only) keeps no marker, so the next run fetches it
        "change_marker": order.change_marker if complete else None,
        "kind": order.kind,
        "status": order.status,
        "created": _iso(order.created),
        "valid_from": _iso(order.valid_from),
        "net_amount": str(order.net_amount) if order.net_amount is not None else None,
        "gross_amount": str(order.gross_amount) if order.gross_amount is not None else None,
        "currency": order.currency or "EUR",
        "missing_at_source": False,
    }
    if complete or order.title:
        fields["title"] = order.title
    return fields


#: Source-owned activity fields whose changes the item report names (old -> new).
REPORTED_FIELDS: tuple[str, ...] = (
    "number", "title", "status", "kind", "created", "valid_from", "net_amount",
    "gross_amount", "currency", "missing_at_source")


def customer_label(tx: Transaction, customer_id: int | None) -> str | None:
    """``"7104 Schreinerei Holzwurm"`` for the report of a relink (None: no customer)."""
    if customer_id is None:
        return None
    doc = tx.get("customers", customer_id) or {}
    return " ".join(str(p) for p in (doc.get("number"), doc.get("name")) if p) or None


def note_names(attachments: list[dict[str, Any]]) -> list[str]:
    """The readable names of delivery notes (their number, else the source's file name)."""
    return [str(a.get("number") or a.get("remote_name") or a.get("name") or "")
            for a in attachments]


def order_report(tx: Transaction, doc: Doc, new: Doc, added: list[dict[str, Any]]) -> ItemReport:
    """What an update did to one activity: relinked, updated or notes_added."""
    changes: dict[str, list[Any]] = {
        f: [doc.get(f), new.get(f)] for f in REPORTED_FIELDS if doc.get(f) != new.get(f)}
    action = "updated" if changes else "notes_added" if added else "updated"
    if doc.get("customer_id") != new.get("customer_id"):
        changes["customer"] = [customer_label(tx, doc.get("customer_id")),
                               customer_label(tx, new.get("customer_id"))]
        action = "relinked"
    return ItemReport(str(new.get("external_id") or ""), str(new.get("number") or ""), action,
                      changes, note_names(added))


def apply_order(tx: Transaction, state: TxState, work: OrderWork, result: SyncResult) -> None:
    """Upsert one order's activity (and its new contact and attachments) inside ``tx``."""
    if work.contact is not None:
        _, status = upsert_customer(tx, state.customers, work.contact, result.batch_id)
        if status == "created":
            result.customers_created += 1
    order = work.order
    customer_id = state.customers.find(order.contact_external_id)
    key = state.activities.get(order.external_id)
    doc = tx.get("activities", key) if key is not None else None
    if doc is None:
        fields = _remote_fields(order, work.full is not None)
        fields.update({
            "customer_id": customer_id,
            "type_id": state.default_type_id,  # only on creation: the operator may change it
            "attachments": list(work.attachments),
            "local": {},
            "imported": now_iso(),
            "updated": now_iso(),
            "batch": result.batch_id,
        })
        fields.setdefault("title", "")
        doc_id = tx.insert("activities", fields)
        state.activities[order.external_id] = doc_id
        result.created += 1
        result.attachments_added += len(work.attachments)
        result.items.append(ItemReport(order.external_id, order.number or "", "created",
                                       attachments_added=note_names(work.attachments)))
        return
    new: Doc = dict(doc)
    if work.full is not None:
        new.update(_remote_fields(work.full, True))
        new["customer_id"] = customer_id if order.contact_external_id else None
    else:
        if doc.get("missing_at_source"):
            new["missing_at_source"] = False
        if work.heal_customer and customer_id is not None and not doc.get("customer_id"):
            new["customer_id"] = customer_id
    known = {str(a.get("external_id")) for a in doc.get("attachments") or []}
    added = [a for a in work.attachments if a["external_id"] not in known]
    if added:
        new["attachments"] = [*list(doc.get("attachments") or []), *added]
    new.setdefault("type_id", state.default_type_id)
    if new == doc:
        result.unchanged += 1
        return
    new["updated"] = now_iso()
    tx.replace("activities", key, new)
    result.updated += 1
    result.attachments_added += len(added)
    result.items.append(order_report(tx, doc, new, added))


@dataclass
class TxState:
    customers: CustomerIndex
    activities: dict[str, int]
    default_type_id: int


def tx_state(tx: Transaction, integration: str) -> TxState:
    activities = {str(d["external_id"]): i for i, d in tx.items("activities")
                  if d.get("source") == integration and d.get("external_id")}
    return TxState(CustomerIndex(tx, integration), activities, ensure_default_type(tx))


def flag_missing(
    tx: Transaction, run: SyncRun, listed: set[str], kind: str, window_check: Callable[[Doc], bool]
) -> None:
    """Flag (never delete) activities of this source/kind in the window no longer listed."""
    for doc_id, doc in tx.items("activities"):
        if (doc.get("source") != run.client.integration or not doc.get("external_id")
                or str(doc["external_id"]) in listed or (doc.get("kind") or kind) != kind
                or doc.get("missing_at_source") or not window_check(doc)):
            continue
        tx.update("activities", doc_id, {"missing_at_source": True, "updated": now_iso()})
        run.result.missing_at_source += 1
        run.result.items.append(ItemReport(str(doc["external_id"]), str(doc.get("number") or ""),
                                           "gone", {"missing_at_source": [False, True]}))
