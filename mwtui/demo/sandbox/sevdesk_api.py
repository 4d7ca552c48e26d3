"""The fake sevDesk API: routes under ``/api/v1/``, wire shapes and the demo data."""

from __future__ import annotations

import base64
import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from mwtui.demo.sandbox.common import (
    BERLIN,
    SANDBOX_LABEL,
    SEVDESK_SANDBOX_CLIENT,
    as_json,
    at,
    int_or,
    make_pdf,
    page_slice,
    query_of,
    template,
)
from mwtui.demo.sandbox.state import (
    DEMO_BUILDERS,
    HANDLERS,
    SandboxState,
    SbContact,
    SbNote,
    SbOrder,
)


def _sd_ts(moment: datetime) -> str:
    return moment.astimezone(BERLIN).isoformat(timespec="seconds")


def _sd_error(status: int, message: str) -> httpx.Response:
    body = template("sevdesk", "error_404_not_found.json")
    body["error"]["message"] = message
    body["error"]["responseCode"] = status
    return as_json(body, status)


def _sd_contact(state: SandboxState, c: SbContact) -> dict[str, Any]:
    templates = template("sevdesk", "contact_list_page.json")["objects"]
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
    doc = copy.deepcopy(template("sevdesk", "order_ab_list_page.json")["objects"][0])
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
    doc = copy.deepcopy(template("sevdesk", "order_li_list_by_origin.json")["objects"][0])
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


def _sd_listing(q: dict[str, str], objects: list[dict[str, Any]]) -> httpx.Response:
    """One limit/offset page; ``countAll`` adds the total."""
    limit = min(int_or(q.get("limit"), 100), 1000)
    body: dict[str, Any] = {"objects": page_slice(objects, int_or(q.get("offset"), 0), limit)}
    if q.get("countAll") in ("true", "1"):
        body = {"total": str(len(objects)), **body}
    return as_json(body)


def _sd_contacts(state: SandboxState, q: dict[str, str]) -> list[dict[str, Any]]:
    contacts = sorted(state.contacts.values(), key=lambda c: c.id)
    if q.get("depth") != "1":
        contacts = [c for c in contacts if c.company]  # depth=0: organisations only
    if q.get("customerNumber"):
        contacts = [c for c in contacts if c.number == q["customerNumber"]]
    return [_sd_contact(state, c) for c in contacts]


def _sd_addresses(state: SandboxState, q: dict[str, str]) -> list[dict[str, Any]]:
    row_template = template("sevdesk", "contact_address_list.json")["objects"][0]
    rows = []
    for i, c in enumerate(sorted(state.contacts.values(), key=lambda c: c.id)):
        if (q.get("contact[id]") and q["contact[id]"] != c.id) or not c.street:
            continue
        doc = copy.deepcopy(row_template)
        doc.update({"id": str(55600000 + i), "contact": {"id": c.id,
                    "objectName": "Contact"}, "street": c.street_line,
                    "zip": c.zip, "city": c.city, "create": _sd_ts(c.updated),
                    "country": {"id": _COUNTRY_IDS.get(c.country, "1"),
                                "objectName": "StaticCountry"},
                    "update": _sd_ts(c.updated)})
        rows.append(doc)
    return rows


#: ``GET /StaticCountry`` (fields per the addendum: ``code`` lower case, ``name``, ``nameEn``).
STATIC_COUNTRIES = [
    {"id": "1", "objectName": "StaticCountry", "code": "de", "name": "Deutschland",
     "nameEn": "Germany", "translationCode": "COUNTRY_DE", "locale": "de_DE", "priority": "1"},
    {"id": "2", "objectName": "StaticCountry", "code": "ch", "name": "Schweiz",
     "nameEn": "Switzerland", "translationCode": "COUNTRY_CH", "locale": "de_CH",
     "priority": "2"},
    {"id": "3", "objectName": "StaticCountry", "code": "at", "name": "Österreich",
     "nameEn": "Austria", "translationCode": "COUNTRY_AT", "locale": "de_AT", "priority": "3"},
]
_COUNTRY_IDS = {c["code"].upper(): c["id"] for c in STATIC_COUNTRIES}


def _sd_countries(state: SandboxState, q: dict[str, str]) -> list[dict[str, Any]]:
    return copy.deepcopy(STATIC_COUNTRIES)


def _sd_communication_ways(state: SandboxState, q: dict[str, str]) -> list[dict[str, Any]]:
    row_template = template("sevdesk", "communication_way_list.json")["objects"][0]
    rows = []
    for i, c in enumerate(sorted(state.contacts.values(), key=lambda c: c.id)):
        if q.get("contact[id]") and q["contact[id]"] != c.id:
            continue
        for j, (kind, value) in enumerate((("EMAIL", c.email), ("PHONE", c.phone))):
            if not value or (q.get("type") and q["type"] != kind):
                continue
            doc = copy.deepcopy(row_template)
            doc.update({"id": str(66700000 + 2 * i + j), "type": kind, "value": value,
                        "contact": {"id": c.id, "objectName": "Contact"}, "main": "1"})
            rows.append(doc)
    return rows


def _sd_orders(state: SandboxState, q: dict[str, str]) -> list[dict[str, Any]]:
    """Orders (AB) and delivery notes (LI), filtered like the real ``/Order`` listing."""
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
    return [doc for created, doc, updated, contact in sorted(objects, key=lambda x: x[1]["id"])
            if (after is None or created.timestamp() > after)
            and (before is None or created.timestamp() < before)
            and (upd_after is None or updated.timestamp() > upd_after)
            and (not q.get("contact[id]") or contact == q["contact[id]"])]


def _sd_order_item(state: SandboxState, parts: list[str],
                   q: dict[str, str]) -> httpx.Response | None:
    """``/Order/{id}``, ``/Order/{id}/getPdf`` and ``/Order/{id}/getPositions``."""
    oid = parts[1]
    order, note = state.orders.get(oid), state.notes.get(oid)
    if order is None and note is None:
        return _sd_error(404, f"No Model_Order with the id {oid} was found.")
    if len(parts) == 2:
        doc = _sd_order(state, order) if order else _sd_note(state, note)  # type: ignore[arg-type]
        if "positions" in q.get("embed", ""):
            doc["positions"] = template("sevdesk", "order_ab_single.json")["objects"][0].get(
                "positions", [])
        return as_json({"objects": [doc]})
    if parts[2] == "getPdf":
        if q.get("preventSendBy") != "true":
            state.get_pdf_without_prevent_send += 1  # the real API would mark it sent
        if note is not None:
            content, name = note.content, note.remote_name
        else:
            content = make_pdf([f"SANDBOX order {order.number}"])  # type: ignore[union-attr]
            name = f"{order.number}.pdf"  # type: ignore[union-attr]
        return as_json({"objects": {"filename": name, "mimetype": "application/pdf",
                                    "base64Encoded": True,
                                    "content": base64.b64encode(content).decode("ascii")}})
    if parts[2] == "getPositions":
        return _sd_listing(q, [])
    return None


_SD_ACCOUNT = {
    "SevUser": {"objects": [{"id": "900456", "objectName": "SevUser",
                             "username": f"{SANDBOX_LABEL}@mwtui.example",
                             "fullname": "sevDesk sandbox (fictional data)"}]},
    "SevClient": {"objects": [{"id": "700123", "objectName": "SevClient",
                               "name": "sevDesk sandbox (fictional data)"}]},
}
_SD_LISTS = {"Contact": _sd_contacts, "ContactAddress": _sd_addresses,
             "CommunicationWay": _sd_communication_ways, "Order": _sd_orders,
             "StaticCountry": _sd_countries}


def _sevdesk(state: SandboxState, request: httpx.Request) -> httpx.Response:
    path = request.url.path
    q = query_of(request)
    if request.method != "GET":
        return _sd_error(405, "Method not allowed in the sandbox (read-only).")
    if not path.startswith("/api/v1/"):
        return _sd_error(404, f"Unknown path {path}")
    parts = path[len("/api/v1/"):].strip("/").split("/")
    head = parts[0]
    if head in _SD_LISTS and len(parts) == 1:
        return _sd_listing(q, _SD_LISTS[head](state, q))
    if head == "Contact" and len(parts) == 2:
        c = state.contacts.get(parts[1])
        if c is None:
            return _sd_error(404, f"No Model_Contact with the id {parts[1]} was found.")
        return as_json({"objects": [_sd_contact(state, c)]})
    if head == "Order" and len(parts) >= 2:
        answer = _sd_order_item(state, parts, q)
        if answer is not None:
            return answer
    if head in _SD_ACCOUNT:
        return as_json(_SD_ACCOUNT[head])
    if head == "Tools" and parts[1:] == ["bookkeepingSystemVersion"]:
        return as_json({"objects": {"version": "2.0"}})
    return _sd_error(404, f"Unknown path {path}")


def _demo_sevdesk(s: SandboxState, today: datetime) -> None:
    s.add_contact(SbContact("81234501", "1001", company="Beispielbau Nord GmbH",
                            street="Hafenstraße 12", zip="20457", city="Hamburg",
                            email="buero@beispielbau-nord.example", phone="+49 0000 100101",
                            updated=at(today, 30, 14, 3)))
    s.add_contact(SbContact("81234502", "1002", first="Lena", last="Probst",
                            street="Am Lindenhof 3", zip="50667", city="Köln",
                            email="lena.probst@mail.example", phone="+49 0000 200202",
                            updated=at(today, 30, 11, 27)))
    s.add_contact(SbContact("81234503", "1003", first="Tom", last="Kessler",
                            email="t.kessler@beispielbau-nord.example",
                            updated=at(today, 20, 16, 45)))
    s.add_order(SbOrder("24680001", "AB-1101", "81234503", at(today, 40, 10, 0),
                        at(today, 40, 10, 5), "Auftragsbestätigung AB-1101", Decimal("310.00")))
    s.add_order(SbOrder("24680008", "AB-1112", "81234502", at(today, 9, 15, 20),
                        at(today, 9, 15, 20), "Auftragsbestätigung AB-1112", Decimal("189.50")))
    s.add_order(SbOrder("24680011", "AB-1118", "81234501", at(today, 1, 9, 41),
                        at(today, 0, 8, 15), "Auftragsbestätigung AB-1118", Decimal("626.00")))
    s.add_order(SbOrder("24680012", "AB-1119", "81234502", at(today, 0, 7, 2),
                        at(today, 0, 7, 2), "Auftragsbestätigung AB-1119", Decimal("540.00"),
                        status="draft"))
    s.add_note("24680011", "LI-1042", at(today, 0, 8, 15), note_id="24680031")


HANDLERS["sevdesk"] = _sevdesk
DEMO_BUILDERS["sevdesk"] = _demo_sevdesk
