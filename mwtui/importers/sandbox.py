"""Local fake servers for sevDesk, bexio and lexware Office, labelled "sandbox".

Each :class:`SandboxState` holds contacts, orders and delivery notes and answers the REAL API
paths with the REAL wire shapes (the reference example payloads in
``mwtui/demo_data/sandbox/`` are the templates; values are overwritten per record), paging
like the real API. It plugs into the real clients as an ``httpx.MockTransport``
(:func:`sandbox_client`) or runs as a loopback HTTP server
(``python -m mwtui.importers.sandbox serve lexware --port 8765``) for the clients pointed at
it with ``MWTUI_LEXWARE_URL=http://127.0.0.1:8765``.

:meth:`SandboxState.advance` makes the next "generation": one order changes (new change
marker, title and amount), an existing order gets a new delivery note, and another order is
re-linked to another contact, so a second import shows an update and a new PDF.

Sandbox data is fictional and says so: every account answer names the sandbox.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx

from mwtui.config import Config, Secret, TokenInfo

SANDBOX_LABEL = "sandbox"
SANDBOX_TOKEN = "sandbox-token-not-a-secret"
SEVDESK_SANDBOX_CLIENT = "sandbox-700123"
SANDBOX_URLS = {
    "sevdesk": "https://sevdesk.sandbox.invalid",
    "bexio": "https://bexio.sandbox.invalid",
    "lexware": "https://lexware.sandbox.invalid",
}
BERLIN = ZoneInfo("Europe/Berlin")
ZURICH = ZoneInfo("Europe/Zurich")
Clock = Callable[[], float]


# -- packaged templates ------------------------------------------------------------------
def _template(integration: str, name: str) -> Any:
    path = resources.files("mwtui") / "demo_data" / "sandbox" / integration / name
    return json.loads(path.read_text(encoding="utf-8"))


def make_pdf(lines: list[str]) -> bytes:
    """A tiny valid one-page PDF showing ``lines`` (ASCII; other characters become '?')."""
    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 60 780 Td 16 TL " + " ".join(f"({esc(x)}) '" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("ascii")
    return bytes(out)


# -- the data model behind all three fakes -------------------------------------------------
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


class _Reply(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return httpx.Response(status, content=body,
                          headers={"Content-Type": "application/json", **(headers or {})})


def _q(request: httpx.Request) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request.url.query.decode(), keep_blank_values=True)
            .items()}


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


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
        _DEMO_BUILDERS[integration](state, today)
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
                    "rate_limited": self.rate_limited}

    def reset_stats(self) -> None:
        with self.lock:
            self.requests.clear()
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
            return _json(_template("lexware", "error-429.json"), 429)
        with self.lock:
            kind = _request_class(self.integration, request.method, request.url.path)
            self.requests[kind] += 1
            self.log.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
            try:
                if not self._authorised(request):
                    return self._unauthorised()
                return _HANDLERS[self.integration](self, request)
            except _Reply as reply:
                return reply.response

    def _authorised(self, request: httpx.Request) -> bool:
        value = request.headers.get("Authorization", "")
        if self.integration == "sevdesk":  # raw token, no scheme
            return bool(value) and not value.lower().startswith(("bearer ", "token "))
        return value.startswith("Bearer ") and len(value) > 7

    def _unauthorised(self) -> httpx.Response:
        if self.integration == "bexio":
            return _json(_template("bexio", "error_response.json"), 401)
        if self.integration == "lexware":
            return _json({"message": "Unauthorized"}, 401)
        return _json({"error": {"message": "Authentication required", "code": None},
                      "objects": None}, 401)


def _request_class(integration: str, method: str, path: str) -> str:
    """A coarse label per request: "list", "detail", "pdf", "account" (for the benchmark)."""
    parts = [p for p in path.split("/") if p]
    if integration == "sevdesk":
        if path.endswith("/getPdf"):
            return "pdf"
        if len(parts) >= 4 and parts[2] in ("Order", "Contact"):
            return "detail"
        if len(parts) == 3 and parts[2] in ("Contact", "Order", "ContactAddress",
                                            "CommunicationWay"):
            return "list"
        return "account"
    if integration == "bexio":
        if path.endswith("/pdf"):
            return "pdf"
        if method == "POST" or (len(parts) == 2 and parts[1] in ("contact", "kb_order",
                                                                  "kb_delivery")):
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


def _page(items: list[Any], offset: int, limit: int) -> list[Any]:
    return items[max(0, offset):max(0, offset) + max(0, limit)]


# -- sevDesk -------------------------------------------------------------------------------
def _sd_ts(moment: datetime) -> str:
    return moment.astimezone(BERLIN).isoformat(timespec="seconds")


def _sd_error(status: int, message: str) -> httpx.Response:
    body = _template("sevdesk", "error_404_not_found.json")
    body["error"]["message"] = message
    body["error"]["responseCode"] = status
    return _json(body, status)


def _sd_contact(state: SandboxState, c: SbContact) -> dict[str, Any]:
    templates = _template("sevdesk", "contact_list_page.json")["objects"]
    doc = copy.deepcopy(templates[0] if c.company else templates[1])
    doc.pop("parent", None)
    doc.update({"id": c.id, "customerNumber": c.number, "create": _sd_ts(c.updated),
                "update": _sd_ts(c.updated), "name": c.company or None,
                "surename": None if c.company else c.first,
                "familyname": None if c.company else c.last,
                "description": f"{SANDBOX_LABEL}: fictional record",
                "sevClient": {"id": SEVDESK_SANDBOX_CLIENT, "objectName": "SevClient"}})
    return doc


def _sd_order(state: SandboxState, o: SbOrder) -> dict[str, Any]:
    doc = copy.deepcopy(_template("sevdesk", "order_ab_list_page.json")["objects"][0])
    c = state.contacts.get(o.contact_id)
    doc.pop("origin", None)
    doc.update({"id": o.id, "orderNumber": o.number, "contact": {"id": o.contact_id,
                "objectName": "Contact"}, "create": _sd_ts(o.created),
                "update": _sd_ts(o.updated),
                "orderDate": _sd_ts(o.created.replace(hour=0, minute=0, second=0)),
                "status": "200" if o.status == "open" else "100", "header": o.title,
                "sumNet": str(o.net), "sumTax": str(o.tax), "sumGross": str(o.gross),
                "addressName": c.display if c else None, "version": str(o.version - 1)})
    return doc


def _sd_note(state: SandboxState, n: SbNote) -> dict[str, Any]:
    doc = copy.deepcopy(_template("sevdesk", "order_li_list_by_origin.json")["objects"][0])
    order = state.orders[n.order_id]
    doc.update({"id": n.id, "orderNumber": n.number, "origin": {"id": n.order_id,
                "objectName": "Order"}, "contact": {"id": order.contact_id,
                "objectName": "Contact"}, "create": _sd_ts(n.created),
                "update": _sd_ts(n.updated), "header": f"Lieferschein {n.number}"})
    return doc


def _unix(value: str | None) -> float | None:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def _sevdesk(state: SandboxState, request: httpx.Request) -> httpx.Response:
    path = request.url.path
    q = _q(request)
    if request.method != "GET":
        return _sd_error(405, "Method not allowed in the sandbox (read-only).")
    if not path.startswith("/api/v1/"):
        return _sd_error(404, f"Unknown path {path}")
    parts = path[len("/api/v1/"):].strip("/").split("/")
    limit = min(_int(q.get("limit"), 100), 1000)
    offset = _int(q.get("offset"), 0)

    def listing(objects: list[dict[str, Any]]) -> httpx.Response:
        body: dict[str, Any] = {"objects": _page(objects, offset, limit)}
        if q.get("countAll") in ("true", "1"):
            body = {"total": str(len(objects)), **body}
        return _json(body)

    head = parts[0]
    if head == "Contact" and len(parts) == 1:
        contacts = sorted(state.contacts.values(), key=lambda c: c.id)
        if q.get("depth") != "1":
            contacts = [c for c in contacts if c.company]  # depth=0: organisations only
        if q.get("customerNumber"):
            contacts = [c for c in contacts if c.number == q["customerNumber"]]
        return listing([_sd_contact(state, c) for c in contacts])
    if head == "Contact" and len(parts) == 2:
        c = state.contacts.get(parts[1])
        if c is None:
            return _sd_error(404, f"No Model_Contact with the id {parts[1]} was found.")
        return _json({"objects": [_sd_contact(state, c)]})
    if head == "ContactAddress" and len(parts) == 1:
        template = _template("sevdesk", "contact_address_list.json")["objects"][0]
        rows = []
        for i, c in enumerate(sorted(state.contacts.values(), key=lambda c: c.id)):
            if (q.get("contact[id]") and q["contact[id]"] != c.id) or not c.street:
                continue
            doc = copy.deepcopy(template)
            doc.update({"id": str(55600000 + i), "contact": {"id": c.id,
                        "objectName": "Contact"}, "street": f"{c.street} {c.house}".strip(),
                        "zip": c.zip, "city": c.city, "create": _sd_ts(c.updated),
                        "update": _sd_ts(c.updated)})
            rows.append(doc)
        return listing(rows)
    if head == "CommunicationWay" and len(parts) == 1:
        template = _template("sevdesk", "communication_way_list.json")["objects"][0]
        rows = []
        for i, c in enumerate(sorted(state.contacts.values(), key=lambda c: c.id)):
            if q.get("contact[id]") and q["contact[id]"] != c.id:
                continue
            for j, (kind, value) in enumerate((("EMAIL", c.email), ("PHONE", c.phone))):
                if not value or (q.get("type") and q["type"] != kind):
                    continue
                doc = copy.deepcopy(template)
                doc.update({"id": str(66700000 + 2 * i + j), "type": kind, "value": value,
                            "contact": {"id": c.id, "objectName": "Contact"}, "main": "1"})
                rows.append(doc)
        return listing(rows)
    if head == "Order" and len(parts) == 1:
        order_type = q.get("orderType", "")
        objects: list[tuple[datetime, dict[str, Any], datetime, str]] = []
        if order_type in ("", "AB"):
            objects += [(o.created, _sd_order(state, o), o.updated, o.contact_id)
                        for o in state.orders.values()]
        if order_type in ("", "LI"):
            notes = [n for n in state.notes.values()
                     if not q.get("origin[id]") or n.order_id == q["origin[id]"]]
            objects += [(n.created, _sd_note(state, n), n.updated,
                         state.orders[n.order_id].contact_id) for n in notes]
        after, before = _unix(q.get("createAfter")), _unix(q.get("createBefore"))
        upd_after = _unix(q.get("updateAfter"))
        rows = [doc for created, doc, updated, contact in sorted(objects, key=lambda x: x[1]["id"])
                if (after is None or created.timestamp() > after)
                and (before is None or created.timestamp() < before)
                and (upd_after is None or updated.timestamp() > upd_after)
                and (not q.get("contact[id]") or contact == q["contact[id]"])]
        return listing(rows)
    if head == "Order" and len(parts) >= 2:
        oid = parts[1]
        order, note = state.orders.get(oid), state.notes.get(oid)
        if order is None and note is None:
            return _sd_error(404, f"No Model_Order with the id {oid} was found.")
        if len(parts) == 2:
            doc = _sd_order(state, order) if order else _sd_note(state, note)  # type: ignore[arg-type]
            if "positions" in q.get("embed", ""):
                doc["positions"] = _template("sevdesk", "order_ab_single.json")["objects"][0].get(
                    "positions", [])
            return _json({"objects": [doc]})
        if parts[2] == "getPdf":
            if q.get("preventSendBy") != "true":
                state.get_pdf_without_prevent_send += 1  # the real API would mark it sent
            if note is not None:
                content, name = note.content, note.remote_name
            else:
                content = make_pdf([f"SANDBOX order {order.number}"])  # type: ignore[union-attr]
                name = f"{order.number}.pdf"  # type: ignore[union-attr]
            return _json({"objects": {"filename": name, "mimetype": "application/pdf",
                                      "base64Encoded": True,
                                      "content": base64.b64encode(content).decode("ascii")}})
        if parts[2] == "getPositions":
            return listing([])
    if head == "SevUser":
        return _json({"objects": [{"id": "900456", "objectName": "SevUser",
                                   "username": f"{SANDBOX_LABEL}@mwtui.example",
                                   "fullname": "sevDesk sandbox (fictional data)"}]})
    if head == "SevClient":
        return _json({"objects": [{"id": "700123", "objectName": "SevClient",
                                   "name": "sevDesk sandbox (fictional data)"}]})
    if head == "Tools" and parts[1:] == ["bookkeepingSystemVersion"]:
        return _json({"objects": {"version": "2.0"}})
    return _sd_error(404, f"Unknown path {path}")


# -- bexio ---------------------------------------------------------------------------------
def _bx_ts(moment: datetime) -> str:
    return moment.astimezone(ZURICH).strftime("%Y-%m-%d %H:%M:%S")


def _bx_error(status: int, message: str) -> httpx.Response:
    return _json({"error_code": status, "message": message}, status)


def _bx_contact(c: SbContact) -> dict[str, Any]:
    templates = _template("bexio", "contact_list_page.json")
    doc = copy.deepcopy(templates[0] if c.company else templates[1])
    doc.update({"id": int(c.id), "nr": c.number, "contact_type_id": 1 if c.company else 2,
                "name_1": c.company or c.last, "name_2": "" if c.company else c.first,
                "address": f"{c.street} {c.house}".strip(), "street_name": c.street or None,
                "house_number": c.house or None, "address_addition": None, "postcode": c.zip,
                "city": c.city, "country_id": 1, "mail": c.email or None,
                "phone_fixed": c.phone or None, "phone_mobile": "",
                "remarks": f"{SANDBOX_LABEL}: fictional record", "updated_at": _bx_ts(c.updated)})
    return doc


def _bx_order(state: SandboxState, o: SbOrder, positions: bool = False) -> dict[str, Any]:
    source = "kb_order_single.json" if positions else "kb_order_list_page.json"
    data = _template("bexio", source)
    doc = copy.deepcopy(data if positions else data[0])
    c = state.contacts.get(o.contact_id)
    address = f"{c.display}\n{c.street} {c.house}\n{c.zip} {c.city}" if c else ""
    doc.update({"id": int(o.id), "document_nr": o.number, "title": o.title,
                "contact_id": int(o.contact_id), "contact_sub_id": None,
                "total_net": f"{o.net:.6f}", "total_gross": f"{o.net:.6f}",
                "total_taxes": f"{o.tax:.4f}", "total": f"{o.gross:.6f}",
                "is_valid_from": o.created.astimezone(ZURICH).date().isoformat(),
                "contact_address": address, "delivery_address": address,
                "kb_item_status_id": 5 if o.status == "open" else 6,
                "updated_at": _bx_ts(o.updated), "taxs": [{"percentage": f"{o.tax_rate:.2f}",
                                                          "value": f"{o.tax:.4f}"}]})
    return doc


_BX_SEARCH_FIELDS = {
    "contact": {"id", "name_1", "name_2", "nr", "address", "mail", "mail_second", "postcode",
                "city", "country_id", "contact_group_ids", "contact_type_id", "updated_at",
                "user_id", "phone_fixed", "phone_mobile", "fax"},
    "kb_order": {"id", "kb_item_status_id", "document_nr", "title", "contact_id",
                 "contact_sub_id", "user_id", "currency_id", "total_gross", "total_net",
                 "total", "is_valid_from", "is_valid_to", "updated_at"},
}


def _bx_match(doc: dict[str, Any], criterion: dict[str, Any]) -> bool:
    name, value = criterion.get("field"), criterion.get("value")
    op = str(criterion.get("criteria") or "like")
    have = doc.get(str(name))
    if op in ("is_null", "not_null"):
        return (have is None) == (op == "is_null")
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else str(value).split(",")
        inside = str(have) in {str(v).strip() for v in values}
        return inside == (op == "in")
    a, b = str(have if have is not None else ""), str(value if value is not None else "")
    if isinstance(have, int) and not isinstance(have, bool):
        try:
            a_num, b_num = Decimal(a), Decimal(b)
        except ArithmeticError:
            a_num = b_num = None
        if a_num is not None:
            a, b = a_num, b_num  # type: ignore[assignment]
    table: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda x, y: x == y, "equal": lambda x, y: x == y,
        "!=": lambda x, y: x != y, "not_equal": lambda x, y: x != y,
        ">": lambda x, y: x > y, "greater_than": lambda x, y: x > y,
        ">=": lambda x, y: x >= y, "greater_equal": lambda x, y: x >= y,
        "<": lambda x, y: x < y, "less_than": lambda x, y: x < y,
        "<=": lambda x, y: x <= y, "less_equal": lambda x, y: x <= y,
        "like": lambda x, y: str(y).lower() in str(x).lower(),
        "not_like": lambda x, y: str(y).lower() not in str(x).lower(),
    }
    return table.get(op, table["like"])(a, b)


def _bexio(state: SandboxState, request: httpx.Request) -> httpx.Response:
    path = request.url.path.rstrip("/")
    q = _q(request)
    parts = [p for p in path.split("/") if p]
    limit = min(_int(q.get("limit"), 500), 2000)
    offset = _int(q.get("offset"), 0)
    headers = {"RateLimit-Limit": "1000", "RateLimit-Remaining": "999", "RateLimit-Reset": "60"}

    def listing(rows: list[dict[str, Any]], search_body: Any = None) -> httpx.Response:
        if search_body is not None:
            headers.update({"RateLimit-Limit": "250", "RateLimit-Remaining": "249"})
            if not isinstance(search_body, list):
                raise _Reply(_bx_error(400, "The search body must be a list of criteria."))
            allowed = _BX_SEARCH_FIELDS[parts[1]]
            for criterion in search_body:
                if not isinstance(criterion, dict) or criterion.get("field") not in allowed:
                    raise _Reply(_bx_error(400, "Invalid search field."))
            rows = [r for r in rows if all(_bx_match(r, c) for c in search_body)]
        key = str(q.get("order_by") or "id")
        desc = key.endswith("_desc")
        key = key.removesuffix("_desc").removesuffix("_asc").split(",")[0]
        rows = sorted(rows, key=lambda r: (r.get(key) is None, r.get(key) or 0, r["id"]),
                      reverse=desc)
        return _json(_page(rows, offset, limit), headers=headers)

    is_search = request.method == "POST" and parts[-1:] == ["search"]
    if request.method != "GET" and not is_search:
        return _bx_error(405, "The sandbox is read-only.")
    body = None
    if is_search:
        try:
            body = json.loads(request.content or b"null")
        except ValueError:
            return _bx_error(400, "Invalid JSON body.")
        parts = parts[:-1]
    if parts[:2] == ["2.0", "contact"]:
        visible = [c for c in state.contacts.values()
                   if c.archived == (q.get("show_archived") == "true")]
        if len(parts) == 2:
            return listing([_bx_contact(c) for c in visible], body)
        c = state.contacts.get(parts[2])
        if c is None or len(parts) > 3:
            return _bx_error(404, "Contact not found.")
        doc = _bx_contact(c)
        doc["profile_image"] = None
        return _json(doc, headers={**headers, "etag": f"{c.version:032x}"})
    if parts[:2] == ["2.0", "kb_order"]:
        if len(parts) == 2:
            return listing([_bx_order(state, o) for o in state.orders.values()], body)
        o = state.orders.get(parts[2])
        if o is None:
            return _bx_error(404, "Order not found.")
        if len(parts) == 3:
            return _json(_bx_order(state, o, positions=True), headers=headers)
        if parts[3] == "pdf":
            content = make_pdf([f"SANDBOX bexio order {o.number}"])
            return _json({"name": f"{o.number.lower()}.pdf", "size": len(content),
                          "mime": "application/pdf",
                          "content": base64.b64encode(content).decode("ascii")})
    if parts[:2] == ["2.0", "country"] and len(parts) == 2:
        return _json([{"id": 1, "name": "Schweiz", "name_short": "CH", "iso_3166_alpha2": "CH"},
                      {"id": 2, "name": "Deutschland", "name_short": "DE",
                       "iso_3166_alpha2": "DE"}], headers=headers)
    if parts[:2] == ["2.0", "kb_delivery"] and len(parts) == 2:
        return listing([])
    if parts[:3] == ["3.0", "users", "me"]:
        return _json({"id": 1, "salutation_type": "male", "firstname": "bexio",
                      "lastname": f"{SANDBOX_LABEL} (fictional data)",
                      "email": "sandbox@mwtui.example", "is_superadmin": True,
                      "is_accountant": False})
    if parts[:2] == ["3.0", "users"]:
        return _json(_template("bexio", "users_list.json"))
    if parts[:2] == ["2.0", "company_profile"]:
        return _json([{"id": 1, "name": f"bexio {SANDBOX_LABEL} (fictional data)"}])
    return _bx_error(404, f"Unknown path {request.url.path}")


# -- lexware Office -------------------------------------------------------------------------
def _lx_ts(moment: datetime) -> str:
    return moment.astimezone(BERLIN).isoformat(timespec="milliseconds")


def _lx_error(status: int, message: str, path: str) -> httpx.Response:
    body = _template("lexware", "error-404.json")
    body.update({"status": status, "message": message, "path": path,
                 "error": {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error",
                           405: "Method Not Allowed"}.get(status, "Error"),
                 "timestamp": _lx_ts(datetime.now(BERLIN))})
    return _json(body, status)


def _lx_contact(c: SbContact) -> dict[str, Any]:
    content = _template("lexware", "contacts-page.json")["content"]
    doc = copy.deepcopy(content[2] if c.company else content[1])
    doc.update({"id": c.id, "version": c.version, "roles": {"customer": {"number":
                int(c.number) if c.number.isdigit() else 0}}, "archived": c.archived,
                "note": f"{SANDBOX_LABEL}: fictional record"})
    if c.company:
        doc["company"] = {**doc["company"], "name": c.company}
    else:
        doc["person"] = {**doc["person"], "firstName": c.first, "lastName": c.last}
    doc["addresses"] = {"billing": [{"street": f"{c.street} {c.house}".strip(), "zip": c.zip,
                                     "city": c.city, "countryCode": c.country or "DE"}]}
    doc["emailAddresses"] = {"business": [c.email]} if c.email else {}
    doc["phoneNumbers"] = {"business": [c.phone]} if c.phone else {}
    return doc


def _lx_list_row(state: SandboxState, kind: str, record: SbOrder | SbNote) -> dict[str, Any]:
    if isinstance(record, SbNote):
        order = state.orders[record.order_id]
        contact_id, number, status, total = order.contact_id, record.number, "open", None
    else:
        contact_id, number, status, total = (record.contact_id, record.number, record.status,
                                             record.gross)
    c = state.contacts.get(contact_id)
    row = {"id": record.id, "voucherType": kind, "voucherStatus": status,
           "voucherNumber": number, "voucherDate": _lx_ts(record.created.replace(
               hour=0, minute=0, second=0, microsecond=0)),
           "createdDate": _lx_ts(record.created), "updatedDate": _lx_ts(record.updated),
           "contactId": contact_id, "contactName": c.display if c else "",
           "currency": "EUR", "archived": False}
    if total is not None:
        row["totalAmount"] = float(total)
    return row


def _lx_document(state: SandboxState, record: SbOrder | SbNote) -> dict[str, Any]:
    if isinstance(record, SbNote):
        doc = copy.deepcopy(_template("lexware", "delivery-note.json"))
        order = state.orders[record.order_id]
        contact_id = order.contact_id
        doc["relatedVouchers"] = [{"id": order.id, "voucherNumber": order.number,
                                   "voucherType": "orderconfirmation"}]
        doc["introduction"] = f"Lieferschein zur Auftragsbestätigung {order.number}"
        doc["files"] = {"documentFileId": record.file_id}
    else:
        source = "quotation.json" if record.kind == "quotation" else "order-confirmation.json"
        doc = copy.deepcopy(_template("lexware", source))
        contact_id = record.contact_id
        related = [{"id": n.id, "voucherNumber": n.number, "voucherType": "deliverynote"}
                   for n in sorted(state.notes.values(), key=lambda n: n.created)
                   if n.order_id == record.id]
        doc["relatedVouchers"] = related
        doc["title"] = record.title
        doc["totalPrice"] = {"currency": "EUR", "totalNetAmount": float(record.net),
                             "totalGrossAmount": float(record.gross),
                             "totalTaxAmount": float(record.tax)}
        doc["taxAmounts"] = [{"taxRatePercentage": float(record.tax_rate),
                              "taxAmount": float(record.tax), "netAmount": float(record.net)}]
        doc["voucherStatus"] = record.status
        doc["files"] = {"documentFileId": str(uuid.uuid5(uuid.NAMESPACE_URL, record.id))}
    c = state.contacts.get(contact_id)
    doc.update({"id": record.id, "createdDate": _lx_ts(record.created),
                "updatedDate": _lx_ts(record.updated), "version": record.version,
                "voucherNumber": record.number,
                "voucherDate": _lx_ts(record.created.replace(hour=0, minute=0, second=0,
                                                             microsecond=0))})
    doc["address"] = {"contactId": contact_id, "name": c.display if c else "",
                      "street": f"{c.street} {c.house}".strip() if c else "",
                      "city": c.city if c else "", "zip": c.zip if c else "",
                      "countryCode": "DE"}
    return doc


def _lx_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _lexware(state: SandboxState, request: httpx.Request) -> httpx.Response:
    path = request.url.path.rstrip("/")
    q = _q(request)
    parts = [p for p in path.split("/") if p]
    if request.method != "GET":
        return _lx_error(405, "The sandbox is read-only.", path)
    if parts[:1] != ["v1"]:
        return _lx_error(404, "Not found.", path)
    size = _int(q.get("size"), 25)
    page = _int(q.get("page"), 0)

    def envelope(rows: list[dict[str, Any]], max_size: int) -> httpx.Response:
        if size < 1 or size > max_size:
            return _lx_error(400, f"size: must be equal or lower than {max_size}", path)
        if page * size >= 10_000:
            return _lx_error(500, "Internal error.", path)  # the documented 10,000 wall
        chunk = _page(rows, page * size, size)
        total_pages = (len(rows) + size - 1) // size
        return _json({"content": chunk, "first": page == 0,
                      "last": page >= total_pages - 1, "totalPages": total_pages,
                      "totalElements": len(rows), "numberOfElements": len(chunk),
                      "size": size, "number": page, "sort": []})

    if parts[1:2] == ["contacts"]:
        if len(parts) == 2:
            rows = [_lx_contact(c) for c in sorted(state.contacts.values(),
                                                   key=lambda c: c.display.lower())]
            return envelope(rows, 500)
        c = state.contacts.get(parts[2])
        if c is None:
            return _json({"IssueList": [{"i18nKey": "missing_entity", "source": "id",
                                         "type": "validation_failure"}]}, 404)
        return _json(_lx_contact(c))
    if parts[1:2] == ["voucherlist"] and len(parts) == 2:
        types = [t for t in q.get("voucherType", "").split(",") if t]
        if not types or not q.get("voucherStatus"):
            return _lx_error(400, "voucherType and voucherStatus are required.", path)
        allowed = {"any", "invoice", "salesinvoice", "purchaseinvoice", "creditnote",
                   "salescreditnote", "purchasecreditnote", "orderconfirmation", "quotation",
                   "deliverynote", "downpaymentinvoice"}
        if any(t not in allowed for t in types):
            return _lx_error(400, "voucherType: invalid value", path)
        records: list[tuple[str, SbOrder | SbNote]] = []
        for order in state.orders.values():
            if order.kind in types or "any" in types:
                records.append((order.kind, order))
        if "deliverynote" in types or "any" in types:
            records += [("deliverynote", n) for n in state.notes.values()]
        status_filter = set(q.get("voucherStatus", "any").split(","))
        c_from, c_to = _lx_day(q.get("createdDateFrom")), _lx_day(q.get("createdDateTo"))
        u_from, u_to = _lx_day(q.get("updatedDateFrom")), _lx_day(q.get("updatedDateTo"))
        rows = []
        for kind, record in records:
            row = _lx_list_row(state, kind, record)
            created = record.created.astimezone(BERLIN).date()
            updated = record.updated.astimezone(BERLIN).date()
            if (("any" not in status_filter and row["voucherStatus"] not in status_filter)
                    or (c_from and created < c_from) or (c_to and created > c_to)
                    or (u_from and updated < u_from) or (u_to and updated > u_to)
                    or (q.get("contactId") and row["contactId"] != q["contactId"])):
                continue
            rows.append((record.created, row))
        sort = q.get("sort", "voucherDate,DESC")
        rows.sort(key=lambda item: (item[0], item[1]["id"]), reverse=not sort.endswith(",ASC"))
        return envelope([r for _, r in rows], 250)
    kinds = {"order-confirmations": "orderconfirmation", "quotations": "quotation",
             "delivery-notes": "deliverynote"}
    if parts[1] in kinds and len(parts) >= 3:
        record: SbOrder | SbNote | None
        if parts[1] == "delivery-notes":
            record = state.notes.get(parts[2])
        else:
            order = state.orders.get(parts[2])
            record = order if order is not None and order.kind == kinds[parts[1]] else None
        if record is None:
            return _lx_error(404, f"{parts[1]} with id {parts[2]} not found.", path)
        if len(parts) == 3:
            return _json(_lx_document(state, record))
        if parts[3] == "document":
            file_id = record.file_id if isinstance(record, SbNote) else \
                str(uuid.uuid5(uuid.NAMESPACE_URL, record.id))
            return _json({"documentFileId": file_id})
        if parts[3] == "file":
            return _lx_file(record)
    if parts[1:2] == ["files"] and len(parts) == 3:
        for note in state.notes.values():
            if note.file_id == parts[2]:
                return _lx_file(note)
        return _json({"IssueList": [{"i18nKey": "missing_entity", "source": "id",
                                     "type": "validation_failure"}]}, 404)
    if parts[1:2] == ["profile"]:
        return _json({"organizationId": "4f0c1a52-7d3e-4b8a-9c61-2e5d8a7b3f10",
                      "companyName": f"lexware Office {SANDBOX_LABEL} (fictional data)",
                      "created": {"userName": SANDBOX_LABEL, "userEmail":
                                  "sandbox@mwtui.example"}, "connectionId": "sandbox",
                      "taxType": "net", "smallBusiness": False})
    return _lx_error(404, "Not found.", path)


def _lx_file(record: SbOrder | SbNote) -> httpx.Response:
    if isinstance(record, SbNote):
        content, name = record.content, record.remote_name
    else:
        content, name = make_pdf([f"SANDBOX lexware {record.number}"]), f"{record.number}.pdf"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return httpx.Response(200, content=content, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{quoted}"'})


_HANDLERS: dict[str, Callable[[SandboxState, httpx.Request], httpx.Response]] = {
    "sevdesk": _sevdesk, "bexio": _bexio, "lexware": _lexware}


# -- demo data from the reference examples ----------------------------------------------------
def _at(today: datetime, days_ago: int, hh: int, mm: int) -> datetime:
    day = (today - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=today.tzinfo)


def _demo_sevdesk(s: SandboxState, today: datetime) -> None:
    s.add_contact(SbContact("81234501", "1001", company="Beispielbau Nord GmbH",
                            street="Hafenstraße 12", zip="20457", city="Hamburg",
                            email="buero@beispielbau-nord.example", phone="+49 0000 100101",
                            updated=_at(today, 30, 14, 3)))
    s.add_contact(SbContact("81234502", "1002", first="Lena", last="Probst",
                            street="Am Lindenhof 3", zip="50667", city="Köln",
                            email="lena.probst@mail.example", phone="+49 0000 200202",
                            updated=_at(today, 30, 11, 27)))
    s.add_contact(SbContact("81234503", "1003", first="Tom", last="Kessler",
                            email="t.kessler@beispielbau-nord.example",
                            updated=_at(today, 20, 16, 45)))
    s.add_order(SbOrder("24680001", "AB-1101", "81234503", _at(today, 40, 10, 0),
                        _at(today, 40, 10, 5), "Auftragsbestätigung AB-1101", Decimal("310.00")))
    s.add_order(SbOrder("24680008", "AB-1112", "81234502", _at(today, 9, 15, 20),
                        _at(today, 9, 15, 20), "Auftragsbestätigung AB-1112", Decimal("189.50")))
    s.add_order(SbOrder("24680011", "AB-1118", "81234501", _at(today, 1, 9, 41),
                        _at(today, 0, 8, 15), "Auftragsbestätigung AB-1118", Decimal("626.00")))
    s.add_order(SbOrder("24680012", "AB-1119", "81234502", _at(today, 0, 7, 2),
                        _at(today, 0, 7, 2), "Auftragsbestätigung AB-1119", Decimal("540.00"),
                        status="draft"))
    s.add_note("24680011", "LI-1042", _at(today, 0, 8, 15), note_id="24680031")


def _demo_bexio(s: SandboxState, today: datetime) -> None:
    s.add_contact(SbContact("101", "000101", company="Muster Bau AG", street="Industriestrasse",
                            house="7", zip="8604", city="Volketswil", country="CH",
                            email="info@musterbau.example.com", phone="+41 44 555 01 10",
                            updated=_at(today, 25, 16, 3)))
    s.add_contact(SbContact("102", "000102", first="Anna", last="Meier",
                            street="Industriestrasse", house="7", zip="8604", city="Volketswil",
                            country="CH", email="anna.meier@musterbau.example.com",
                            phone="+41 44 555 01 12", updated=_at(today, 20, 8, 15)))
    s.add_contact(SbContact("103", "000103", company="Beispiel Treuhand GmbH",
                            street="Bahnhofplatz", zip="3011", city="Bern", country="CH",
                            email="kontakt@treuhand.example.org", phone="+41 31 555 07 70",
                            updated=_at(today, 60, 10, 44)))
    s.add_order(SbOrder("57", "AU-00057", "101", _at(today, 35, 9, 0), _at(today, 30, 11, 20),
                        "Sanierung Lagerhalle", Decimal("1200.00"), tax_rate=Decimal("8.1"),
                        status="done"))
    s.add_order(SbOrder("58", "AU-00058", "101", _at(today, 1, 9, 41), _at(today, 1, 9, 41),
                        "Betonlieferung Baustelle Seefeld", Decimal("990.00"),
                        tax_rate=Decimal("8.1")))
    s.add_order(SbOrder("59", "AU-00059", "102", _at(today, 0, 8, 30), _at(today, 0, 8, 30),
                        "Kies und Sand Lieferung", Decimal("430.00"), tax_rate=Decimal("8.1")))


def _demo_lexware(s: SandboxState, today: datetime) -> None:
    s.add_contact(SbContact("8a3e5c1f-2b7d-4e9a-b6c4-1d2f3a4b5c6d", "10001",
                            company="Nordlicht Möbelbau GmbH & Co. KG", street="Hafenstraße 12",
                            zip="20457", city="Hamburg", email="einkauf@nordlicht-moebel.example",
                            phone="+49 40 0000 1200", version=4))
    s.add_contact(SbContact("c47b1e90-5a3d-4f2e-8b61-7d9c0e2a4f35", "10002", first="Jana",
                            last="Beispiel", street="Lindenallee 3", zip="50667", city="Köln",
                            email="jana.beispiel@mail.example", phone="+49 170 0000000"))
    s.add_contact(SbContact("e2d9f6a1-3c4b-4d5e-9f80-a1b2c3d4e5f6", "10003",
                            company="Altholz Handel Weber OHG", street="Mühlenweg 21",
                            zip="01067", city="Dresden", email="buero@altholz-weber.example",
                            version=7, archived=True))
    nordlicht, jana = "8a3e5c1f-2b7d-4e9a-b6c4-1d2f3a4b5c6d", "c47b1e90-5a3d-4f2e-8b61-7d9c0e2a4f35"
    s.add_order(SbOrder("d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a", "AB0007", nordlicht,
                        _at(today, 6, 8, 52), _at(today, 2, 11, 3),
                        "Esstisch und Stühle Fjord", Decimal("1532.00"), version=3))
    s.add_order(SbOrder("9e4d7a1c-6b2f-4a8e-9c3d-1b5f7e0a2c6d", "AB0008", jana,
                        _at(today, 0, 7, 5), _at(today, 0, 7, 5), "Regal nach Maß",
                        Decimal("620.00"), status="draft"))
    s.add_order(SbOrder("5b9d2c7e-1f4a-4e3b-a8d6-0c9e7f1a2b3c", "AG0012", nordlicht,
                        _at(today, 10, 9, 14), _at(today, 7, 16, 40), "Angebot Esstisch Fjord",
                        Decimal("1532.00"), kind="quotation", status="accepted"))
    s.add_order(SbOrder("a0f3b6d9-8e2c-4f1a-b7d5-4c3e2a1f0b9e", "AG0013", jana,
                        _at(today, 0, 10, 31), _at(today, 0, 10, 31), "Angebot Regal",
                        Decimal("1250.00"), kind="quotation"))
    s.add_note("d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a", "LS0004", _at(today, 2, 11, 3),
               note_id="1a7c3e9b-4d2f-4a6e-b8c0-9e1f2d3c4b5a")


_DEMO_BUILDERS: dict[str, Callable[[SandboxState, datetime], None]] = {
    "sevdesk": _demo_sevdesk, "bexio": _demo_bexio, "lexware": _demo_lexware}


# -- wiring into the real clients ------------------------------------------------------------
class SandboxConfig(Config):
    """A Config whose tokens and base URLs point at a sandbox (never the real services)."""

    def token(self, name: str) -> TokenInfo:
        return TokenInfo(Secret(SANDBOX_TOKEN), SANDBOX_LABEL)

    def base_url(self, name: str) -> str:
        return SANDBOX_URLS[name]


def sandbox_config(config: Config | None = None) -> SandboxConfig:
    """A sandbox config keeping the timezone (and other settings) of ``config``."""
    base = config or Config(path=Path("/nonexistent/mwtui-sandbox.toml"))
    return SandboxConfig(path=base.path, raw=copy.deepcopy(base.raw))


def sandbox_client(name: str, config: Config | None, state: SandboxState, **kwargs: Any):
    """The real client for ``name`` (``clients.make_client``) wired to the sandbox transport.

    Without a rate-limited sandbox the client gets no limiter (the demo is instant); with one
    (lexware benchmark) it gets the real limiter under a separate name, so the sandbox never
    uses up the budget of a real account. ``kwargs`` go to the client (clock, sleep, now...).
    """
    from mwtui.importers.clients import make_client
    from mwtui.importers.ratelimit import NullLimiter, SharedWindowLimiter

    if "limiter" not in kwargs:
        if state.gate is None:
            kwargs["limiter"] = NullLimiter()
        else:
            kwargs["limiter"] = SharedWindowLimiter(
                f"{name}-{SANDBOX_LABEL}", max_calls=2, period=1.0 / (state.gate.rate / 2),
                margin=0.05 / (state.gate.rate / 2), clock=kwargs.get("clock", time.monotonic),
                sleep=kwargs.get("sleep", time.sleep))
    return make_client(name, sandbox_config(config), transport=state.transport(), **kwargs)


def demo_state(name: str, previous_imports: int = 0, **kwargs: Any) -> SandboxState:
    """The demo sandbox as it looks after ``previous_imports`` order imports.

    The first import sees the reference data; from the second on the sandbox is one
    generation further (a changed order, a new delivery note, a re-linked order), so the
    demo shows an update and a newly added PDF, and later imports show nothing new.
    """
    state = SandboxState.demo(name, **kwargs)
    if previous_imports > 0:
        state.advance()
    return state


_SHARED: dict[str, SandboxState] = {}
_SHARED_LOCK = threading.Lock()


def shared_state(name: str) -> SandboxState:
    """One demo sandbox per integration per process (so the demo's second import differs)."""
    with _SHARED_LOCK:
        if name not in _SHARED:
            _SHARED[name] = SandboxState.demo(name)
        return _SHARED[name]


# -- loopback HTTP server --------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    state: SandboxState

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
        request = httpx.Request(self.command, url, headers=dict(self.headers.items()),
                                content=body)
        response = self.state.handle(request)
        payload = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection",
                                   "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Date", format_datetime(datetime.now(UTC), usegmt=True))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(state: SandboxState, host: str = "127.0.0.1", port: int = 0
          ) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve ``state`` on a loopback port in a daemon thread; returns (server, thread)."""
    handler = type("SandboxHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="mwtui-sandbox")
    thread.start()
    return server, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwtui.importers.sandbox",
                                     description="Run a local sandbox API (fictional data).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve one integration's sandbox on 127.0.0.1")
    p.add_argument("integration", choices=sorted(SANDBOX_URLS))
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--rate-limit", action="store_true", help="lexware: 2 requests/s, else 429")
    p.add_argument("--orders", type=int, default=0,
                   help="serve a generated account with this many orders instead of the demo")
    p.add_argument("--notes", type=int, default=0)
    args = parser.parse_args(argv)
    if args.orders:
        state = SandboxState.generated(args.integration, orders=args.orders, notes=args.notes,
                                       rate_limit=args.rate_limit)
    else:
        state = SandboxState.demo(args.integration, rate_limit=args.rate_limit)
    server, thread = serve(state, port=args.port)
    env = f"MWTUI_{args.integration.upper()}_URL"
    print(f"{args.integration} {SANDBOX_LABEL} on http://127.0.0.1:{server.server_port} "
          f"(set {env}=http://127.0.0.1:{server.server_port} and any token); Ctrl-C stops.",
          flush=True)
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
