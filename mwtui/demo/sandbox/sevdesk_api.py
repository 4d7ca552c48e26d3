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
    _at,
    _int,
    _json,
    _page,
    _q,
    _template,
    make_pdf,
)
from mwtui.demo.sandbox.state import (
    _DEMO_BUILDERS,
    _HANDLERS,
    SandboxState,
    SbContact,
    SbNote,
    SbOrder,
)


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


_HANDLERS["sevdesk"] = _sevdesk
_DEMO_BUILDERS["sevdesk"] = _demo_sevdesk
