"""Stable JSON shapes of workspace records, shared by ``mwtui list`` and the screens.

The keys are documented in the README; add keys, never rename them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from mwtui.commands.common import dumps_safe
from mwtui.workspace.models import CONTACT_FIELDS
from mwtui.workspace.store import Doc, Snapshot

LIST_KINDS: tuple[str, ...] = ("customers", "activities", "services", "articles", "batches")

#: the contact fields in their documented JSON order (number first, as since the start)
CUSTOMER_JSON_FIELDS: tuple[str, ...] = (
    "number", *(name for name in CONTACT_FIELDS if name != "number"))


def customer_json(doc_id: int, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc_id,
        **{name: doc.get(name, "") for name in CUSTOMER_JSON_FIELDS},
        "sources": [
            {"integration": s.get("integration"), "external_id": s.get("external_id")}
            for s in doc.get("sources", [])
        ],
    }


def activity_json(doc_id: int, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc_id,
        "number": doc.get("number", ""),
        "title": doc.get("title", ""),
        "source": doc.get("source", "manual"),
        "external_id": doc.get("external_id"),
        "change_marker": doc.get("change_marker"),
        "customer_id": doc.get("customer_id"),
        "type_id": doc.get("type_id"),
        "kind": doc.get("kind", ""),
        "status": doc.get("status", ""),
        "created": doc.get("created"),
        "valid_from": doc.get("valid_from"),
        "net_amount": doc.get("net_amount"),
        "gross_amount": doc.get("gross_amount"),
        "currency": doc.get("currency", "EUR"),
        "missing_at_source": bool(doc.get("missing_at_source", False)),
        "attachments": [
            {
                "name": a.get("name"),
                "path": a.get("path"),
                "size": a.get("size"),
                "sha256": a.get("sha256"),
                "remote_name": a.get("remote_name", ""),
            }
            for a in doc.get("attachments", [])
        ],
    }


def service_json(doc_id: int, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc_id,
        "customer_number": doc.get("customer_number", ""),
        "customer_id": doc.get("customer_id"),
        "article_number": doc.get("article_number", ""),
        "service": doc.get("service", ""),
        "cycle": doc.get("cycle", "00"),
        "cycle_name": doc.get("cycle_name", ""),
        "quantity": doc.get("quantity"),
        "amount": doc.get("amount"),
        "next_invoice": doc.get("next_invoice"),
        "date": doc.get("date"),
        "discount": doc.get("discount"),
        "remarks": doc.get("remarks", ""),
        "filled_from_catalogue": bool(doc.get("filled_from_catalogue", False)),
        "batch": doc.get("batch"),
    }


def article_json(doc_id: int, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc_id,
        "number": doc.get("number", ""),
        "name": doc.get("name", ""),
        "price": doc.get("price", "0"),
        "long_text": doc.get("long_text", ""),
    }


def batch_json(doc_id: int, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc.get("batch_id"),
        "kind": doc.get("kind"),
        "source": doc.get("source"),
        "created": doc.get("created"),
        "finished": doc.get("finished"),
        "status": doc.get("status"),
        "counts": doc.get("counts", {}),
        "errors": doc.get("errors", []),
        "user": doc.get("user"),  # audit: OS user, and tui | cli | sync
        "origin": doc.get("origin"),
        "details": doc.get("details", {}),
        "items": doc.get("items", []),
    }


SERIALISERS: dict[str, Callable[[int, Doc], dict[str, Any]]] = {
    "customers": customer_json,
    "activities": activity_json,
    "services": service_json,
    "articles": article_json,
    "batches": batch_json,
}


def iter_records(snapshot: Snapshot, kind: str) -> Iterator[dict[str, Any]]:
    """Records of one kind in id order, serialised one at a time."""
    serialise = SERIALISERS[kind]
    for doc_id, doc in snapshot.items(kind):
        yield serialise(doc_id, doc)


def write_json_array(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Stream a JSON array: one record serialised at a time, never the whole list."""
    count = 0
    out.write("[")
    for record in records:
        out.write("\n  " if count == 0 else ",\n  ")
        out.write(dumps_safe(record))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
