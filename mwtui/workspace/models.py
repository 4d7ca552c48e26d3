"""Plain dataclasses for workspace records.

Records are stored as JSON dicts. Amounts are decimal strings, dates and times ISO 8601
strings. ``to_record`` gives the stored dict; the TinyDB document id is kept in ``id`` and
never written into the document itself.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

INTEGRATIONS: tuple[str, ...] = ("sevdesk", "bexio", "lexware")
INTEGRATION_LABELS: dict[str, str] = {
    "sevdesk": "sevDesk",
    "bexio": "bexio",
    "lexware": "lexware Office",
    "webfakt": "WEBFAKT",
    "manual": "mwtui",
}
# Plain-ASCII badges: they render in any terminal and any font.
SOURCE_BADGES: dict[str, str] = {
    "sevdesk": "[SD]",
    "bexio": "[BX]",
    "lexware": "[LX]",
    "webfakt": "[WF]",
    "manual": "[MW]",
}

BILLING_CYCLES: dict[str, str] = {
    "00": "einmalig",
    "01": "monatlich",
    "06": "halbjährlich",
    "12": "jährlich",
    "24": "zweijährlich",
    "36": "dreijährlich",
}


#: Where batches of this process come from: "tui", "cli" or "sync" (see ``set_origin``).
_ORIGIN = {"value": "cli"}


def set_origin(origin: str) -> None:
    """Record that this process runs from the TUI, the CLI or an unattended sync."""
    _ORIGIN["value"] = origin


def current_origin() -> str:
    return _ORIGIN["value"]


def os_user() -> str:
    """The operating-system user running mwtui (for the audit trail)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry and no LOGNAME: still record something
        return str(os.getuid()) if hasattr(os, "getuid") else ""


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with offset."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Record:
    """Shared dict conversion for the dataclasses below."""

    id: int | None

    def to_record(self) -> dict[str, Any]:
        """The stored form: every field except ``id``."""
        data = dataclasses.asdict(self)  # type: ignore[call-overload]
        data.pop("id", None)
        return data


@dataclass
class Customer(Record):
    """A customer of the business. The fields before ``sources`` are its contact fields
    (:data:`CONTACT_FIELDS`): the ones an import owns."""

    name: str
    number: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    batch: str | None = None
    id: int | None = None


def _names_before(cls: type, stop: str) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(cls)]
    return tuple(names[: names.index(stop)])


#: name, number, street, zip, city, country, email, phone: declared once, on ``Customer``.
CONTACT_FIELDS: tuple[str, ...] = _names_before(Customer, "sources")


@dataclass
class ActivityType(Record):
    """A kind of activity. Exactly one type per workspace has ``is_default``."""

    name: str
    position: int = 0
    is_default: bool = False
    id: int | None = None


@dataclass
class Attachment:
    """A file stored in the workspace's attachments folder."""

    name: str  # mwtui's own file name inside the attachments folder
    path: str  # absolute path at the time of writing
    size: int
    sha256: str
    remote_name: str = ""  # the source's file name, metadata only
    external_id: str = ""
    kind: str = "delivery_note"
    added: str = field(default_factory=now_iso)
    number: str = ""  # the source's document number (e.g. LI-1042), metadata only


@dataclass
class Activity(Record):
    """A job. Imported orders become activities in the default type."""

    number: str
    title: str = ""
    source: str = "manual"
    external_id: str | None = None
    change_marker: str | None = None
    customer_id: int | None = None
    type_id: int | None = None
    created: str | None = None
    valid_from: str | None = None
    net_amount: str | None = None
    gross_amount: str | None = None
    currency: str = "EUR"
    status: str = ""
    kind: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    local: dict[str, Any] = field(default_factory=dict)
    missing_at_source: bool = False
    imported: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    batch: str | None = None
    id: int | None = None


@dataclass
class Service(Record):
    """One WEBFAKT service row, as committed."""

    customer_number: str
    service: str
    amount: str
    cycle: str = "00"
    cycle_name: str = "einmalig"
    article_number: str = ""
    quantity: str = "1"
    quantity_text: str = ""  # format 2 "Mengentext"
    next_invoice: str | None = None
    date: str | None = None
    discount: str = "0"
    remarks: str = ""
    employee: str = ""
    contract_number: str = ""
    order_number: str = ""
    gross_amount: str | None = None
    customer_id: int | None = None
    filled_from_catalogue: bool = False
    row_key: str = ""  # content hash of the normalised row: "already imported" check
    source_file: str = ""
    source_line: int = 0
    format: int = 0
    batch: str | None = None
    id: int | None = None


@dataclass
class Article(Record):
    """An entry of the article catalogue."""

    number: str
    name: str
    price: str = "0"
    long_text: str = ""
    batch: str | None = None
    id: int | None = None


@dataclass
class Batch(Record):
    """One import run: what, from where, when, how many, and how it ended."""

    batch_id: str
    kind: str  # webfakt | contacts | orders | articles | customers | undo
    source: str
    created: str = field(default_factory=now_iso)
    finished: str | None = None
    status: str = "running"  # running | done | failed | cancelled | undone
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)  # per-item report, bounded
    items_omitted: int = 0  # report entries beyond the stored ones
    user: str = field(default_factory=os_user)  # audit: who ran it (OS user)
    origin: str = field(default_factory=current_origin)  # audit: tui | cli | sync
    id: int | None = None


#: The actions of a per-item import report (``ItemReport.action``).
ITEM_ACTIONS: tuple[str, ...] = (
    "created", "updated", "relinked", "notes_added", "gone", "failed")


@dataclass
class ItemReport:
    """What one import did to one record: ``changes`` maps a field to ``[old, new]``
    (``customer`` for a relink), ``attachments_added`` names the new delivery notes."""

    external_id: str
    number: str
    action: str  # one of ITEM_ACTIONS
    changes: dict[str, list[Any]] = field(default_factory=dict)
    attachments_added: list[str] = field(default_factory=list)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"external_id": self.external_id, "number": self.number, "action": self.action,
                "changes": {k: list(v) for k, v in self.changes.items()},
                "attachments_added": list(self.attachments_added), "error": self.error}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemReport:
        return cls(str(data.get("external_id", "")), str(data.get("number") or ""),
                   str(data.get("action", "")), dict(data.get("changes") or {}),
                   list(data.get("attachments_added") or []), str(data.get("error") or ""))
