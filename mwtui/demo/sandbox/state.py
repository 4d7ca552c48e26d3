"""One integration's fake account: the data model behind all three fake APIs.

A :class:`SandboxState` holds contacts, orders and delivery notes, a request log and an
optional rate limit. It answers requests through the route function that the API modules
(``sevdesk_api``, ``bexio_api``, ``lexware_api``) register in ``HANDLERS`` when the package
is imported; their demo-data builders go into ``DEMO_BUILDERS``.

:meth:`SandboxState.advance` makes the next "generation": one order changes (new change
marker, title and amount), an existing order gets a new delivery note, and another order is
re-linked to another contact, so a second import shows an update and a new PDF.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from mwtui.demo.sandbox.common import (
    BERLIN,
    SANDBOX_URLS,
    Clock,
    Reply,
    as_json,
    make_pdf,
    template,
)


@dataclass
class SbContact:
    id: str
    number: str
    company: str = ""  # set for organisations
    first: str = ""
    last: str = ""
    street: str = ""
    house: str = ""
    zip: str = ""
    city: str = ""
    country: str = "DE"
    email: str = ""
    phone: str = ""
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
    archived: bool = False

    @property
    def display(self) -> str:
        return self.company or f"{self.first} {self.last}".strip()

    @property
    def street_line(self) -> str:
        """Street and house number, as the APIs send them in one field."""
        return f"{self.street} {self.house}".strip()


@dataclass
class SbOrder:
    id: str
    number: str
    contact_id: str
    created: datetime
    updated: datetime
    title: str
    net: Decimal
    kind: str = "orderconfirmation"  # or quotation (lexware)
    status: str = "open"
    version: int = 1
    tax_rate: Decimal = Decimal("19")

    @property
    def tax(self) -> Decimal:
        return (self.net * self.tax_rate / 100).quantize(Decimal("0.01"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


@dataclass
class SbNote:
    id: str
    number: str
    order_id: str
    created: datetime
    updated: datetime
    remote_name: str = ""
    version: int = 1
    content: bytes = b""
    file_id: str = ""


class RateGate:
    """Token bucket: ``rate`` requests per second, burst ``capacity`` (lexware: 2 and 2)."""

    def __init__(self, rate: float = 2.0, capacity: float = 2.0, clock: Clock = time.monotonic):
        self.rate, self.capacity, self.clock = rate, capacity, clock
        self.tokens = capacity
        self.stamp = clock()
        self.lock = threading.Lock()

    def allow(self) -> bool:
        with self.lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            return False


class SandboxState:
    """One integration's fake account: data, generation, request log, optional rate limit."""

    def __init__(
        self,
        integration: str,
        *,
        rate_limit: bool = False,
        rate: float = 2.0,
        clock: Clock = time.monotonic,
        now: datetime | None = None,
    ) -> None:
        if integration not in SANDBOX_URLS:
            raise ValueError(f"unknown integration {integration!r}")
        self.integration = integration
        self.contacts: dict[str, SbContact] = {}
        self.orders: dict[str, SbOrder] = {}
        self.notes: dict[str, SbNote] = {}
        self.generation = 0
        self.requests: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()  # response body bytes, by request kind
        self.log: list[str] = []
        self.rate_limited = 0
        self.get_pdf_without_prevent_send = 0
        self.clock = clock
        self.gate = RateGate(rate, 2.0, clock) if rate_limit else None
        self.now = now
        self.lock = threading.RLock()
        self._seq = 0

    # -- construction ---------------------------------------------------------------
    def _now(self) -> datetime:
        return (self.now or datetime.now(BERLIN)).astimezone(BERLIN)

    def _new_id(self) -> str:
        self._seq += 1
        if self.integration == "lexware":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mwtui-sandbox/{self._seq}"))
        base = {"sevdesk": 24690000, "bexio": 900}[self.integration]
        return str(base + self._seq)

    def add_contact(self, contact: SbContact) -> SbContact:
        self.contacts[contact.id] = contact
        return contact

    def add_order(self, order: SbOrder) -> SbOrder:
        self.orders[order.id] = order
        return order

    def remove_order(self, order_id: str) -> SbOrder:
        """Delete an order and its delivery notes, as the operator would at the source."""
        with self.lock:
            for note_id in [n.id for n in self.notes.values() if n.order_id == order_id]:
                del self.notes[note_id]
            return self.orders.pop(order_id)

    def add_note(self, order_id: str, number: str, created: datetime,
                 remote_name: str | None = None, content: bytes | None = None,
                 note_id: str | None = None) -> SbNote:
        order = self.orders[order_id]
        note_id = note_id or self._new_id()
        if remote_name is None:
            remote_name = {"sevdesk": f"{number}.pdf", "lexware": f"Lieferschein_{number}.pdf"
                           }.get(self.integration, f"{number}.pdf")
        content = content or make_pdf([
            f"SANDBOX - {self.integration} - fictional delivery note {number}",
            f"for order {order.number}", f"generated {created.isoformat()}"])
        note = SbNote(note_id, number, order_id, created, created, remote_name, 1, content,
                      str(uuid.uuid5(uuid.NAMESPACE_URL, f"mwtui-sandbox-file/{note_id}")))
        self.notes[note_id] = note
        return note

    @classmethod
    def demo(cls, integration: str, *, now: datetime | None = None, **kwargs: Any
             ) -> SandboxState:
        """The reference example records, with dates moved so the newest order is today."""
        state = cls(integration, now=now, **kwargs)
        today = state._now()
        DEMO_BUILDERS[integration](state, today)
        return state

    @classmethod
    def generated(cls, integration: str, *, orders: int = 500, notes: int = 300,
                  contacts: int = 50, kind: str = "orderconfirmation", seed: int = 7,
                  now: datetime | None = None, **kwargs: Any) -> SandboxState:
        """A bigger synthetic account (for benchmarks): orders spread over 60 days."""
        state = cls(integration, now=now, **kwargs)
        rng = random.Random(seed)
        today = state._now()
        prefix = {"sevdesk": "AB-", "bexio": "AU-", "lexware": "AB"}[integration]
        for i in range(contacts):
            cid = state._new_id()
            state.add_contact(SbContact(
                cid, str(20000 + i), company=f"Sandbox Kunde {i:03d} GmbH",
                street=f"Teststrasse {i + 1}", house=str(i + 1), zip=f"{10000 + i}",
                city="Musterstadt", email=f"kunde{i:03d}@sandbox.example",
                phone=f"+49 000 {i:06d}", updated=today - timedelta(days=90)))
        contact_ids = list(state.contacts)
        for i in range(orders):
            created = today - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
            oid = state._new_id()
            state.add_order(SbOrder(
                oid, f"{prefix}{5000 + i:05d}", rng.choice(contact_ids), created, created,
                f"Sandbox-Auftrag {i:04d}", Decimal(rng.randint(100, 90000)) / 100, kind=kind))
        if integration != "bexio":
            note_prefix = "LI-" if integration == "sevdesk" else "LS"
            for i, oid in enumerate(list(state.orders)[:notes]):
                order = state.orders[oid]
                state.add_note(oid, f"{note_prefix}{7000 + i:05d}",
                               min(order.created + timedelta(hours=3), today))
        return state

    # -- the second generation ------------------------------------------------------
    def advance(self) -> dict[str, str]:
        """Change one order, add a delivery note to another, re-link a third. Returns what."""
        with self.lock:
            self.generation += 1
            now = self._now()
            ordered = sorted((o for o in self.orders.values() if o.kind == "orderconfirmation"),
                             key=lambda o: (o.created, o.id))
            what: dict[str, str] = {}
            if ordered:
                changed = ordered[0]
                changed.title = f"{changed.title} (geaendert, Generation {self.generation})"
                changed.net += Decimal("100.00")
                changed.version += 1
                changed.updated = now
                what["changed_order"] = changed.number
            if self.integration != "bexio" and ordered:
                target = ordered[-1]
                prefix = "LI-" if self.integration == "sevdesk" else "LS"
                number = f"{prefix}{9000 + self.generation:04d}"
                self.add_note(target.id, number, now)
                what["new_delivery_note"] = f"{number} -> {target.number}"
            if len(ordered) >= 2 and len(self.contacts) >= 2:
                relinked = ordered[1] if len(ordered) > 2 else ordered[-1]
                others = [c for c in self.contacts if c != relinked.contact_id
                          and not self.contacts[c].archived]
                if others:
                    relinked.contact_id = others[self.generation % len(others)]
                    relinked.version += 1
                    relinked.updated = now + timedelta(seconds=1)
                    what["relinked_order"] = (
                        f"{relinked.number} -> {self.contacts[relinked.contact_id].display}")
            return what

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {"requests": sum(self.requests.values()), "by_path": dict(self.requests),
                    "bytes": dict(self.bytes), "rate_limited": self.rate_limited}

    def reset_stats(self) -> None:
        with self.lock:
            self.requests.clear()
            self.bytes.clear()
            self.log.clear()
            self.rate_limited = 0

    # -- HTTP ------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.gate is not None and not self.gate.allow():
            with self.lock:
                self.rate_limited += 1
                self.log.append(f"429 {request.method} {request.url.path}")
            return as_json(template("lexware", "error-429.json"), 429)
        with self.lock:
            kind = _request_class(self.integration, request.method, request.url.path)
            self.requests[kind] += 1
            self.log.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
            try:
                if not self._authorised(request):
                    response = self._unauthorised()
                else:
                    response = HANDLERS[self.integration](self, request)
            except Reply as reply:
                response = reply.response
            self.bytes[kind] += len(response.content)
            return response

    def _authorised(self, request: httpx.Request) -> bool:
        value = request.headers.get("Authorization", "")
        if self.integration == "sevdesk":  # raw token, no scheme
            return bool(value) and not value.lower().startswith(("bearer ", "token "))
        return value.startswith("Bearer ") and len(value) > 7

    def _unauthorised(self) -> httpx.Response:
        if self.integration == "bexio":
            return as_json(template("bexio", "error_response.json"), 401)
        if self.integration == "lexware":
            return as_json({"message": "Unauthorized"}, 401)
        return as_json({"error": {"message": "Authentication required", "code": None},
                      "objects": None}, 401)


def _request_class(integration: str, method: str, path: str) -> str:
    """A coarse label per request: "list", "detail", "pdf", "account" (for the benchmark).
    Reference lists (countries, currencies) are lists too."""
    parts = [p for p in path.split("/") if p]
    if integration == "sevdesk":
        if path.endswith("/getPdf"):
            return "pdf"
        if len(parts) >= 4 and parts[2] in ("Order", "Contact"):
            return "detail"
        if len(parts) == 3 and parts[2] in ("Contact", "Order", "ContactAddress",
                                            "CommunicationWay", "StaticCountry"):
            return "list"
        return "account"
    if integration == "bexio":
        if path.endswith("/pdf"):
            return "pdf"
        if method == "POST" or (len(parts) == 2 and parts[1] in (
                "contact", "kb_order", "kb_delivery", "country", "currencies")):
            return "list"
        if parts[:1] == ["2.0"] and len(parts) == 3:
            return "detail"
        return "account"
    if path.endswith(("/file", "/document")) or parts[1:2] == ["files"]:
        return "pdf"
    if parts[1:2] in (["voucherlist"], ["contacts"]) and len(parts) == 2:
        return "list"
    if len(parts) == 3:
        return "detail"
    return "account"


# Filled by the API modules (sevdesk_api, bexio_api, lexware_api) on package import.
HANDLERS: dict[str, Callable[[SandboxState, httpx.Request], httpx.Response]] = {}
DEMO_BUILDERS: dict[str, Callable[[SandboxState, datetime], None]] = {}
