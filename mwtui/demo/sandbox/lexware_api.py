"""The fake lexware Office API: ``/v1/`` routes and paging, wire shapes, demo data."""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx

from mwtui.demo.sandbox.common import (
    BERLIN,
    SANDBOX_LABEL,
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


def _lx_ts(moment: datetime) -> str:
    return moment.astimezone(BERLIN).isoformat(timespec="milliseconds")


def _lx_error(status: int, message: str, path: str) -> httpx.Response:
    body = template("lexware", "error-404.json")
    body.update({"status": status, "message": message, "path": path,
                 "error": {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error",
                           405: "Method Not Allowed"}.get(status, "Error"),
                 "timestamp": _lx_ts(datetime.now(BERLIN))})
    return as_json(body, status)


def _lx_contact(c: SbContact) -> dict[str, Any]:
    content = template("lexware", "contacts-page.json")["content"]
    doc = copy.deepcopy(content[2] if c.company else content[1])
    doc.update({"id": c.id, "version": c.version, "roles": {"customer": {"number":
                int(c.number) if c.number.isdigit() else 0}}, "archived": c.archived,
                "note": f"{SANDBOX_LABEL}: fictional record"})
    if c.company:
        doc["company"] = {**doc["company"], "name": c.company}
    else:
        doc["person"] = {**doc["person"], "firstName": c.first, "lastName": c.last}
    doc["addresses"] = {"billing": [{"street": c.street_line, "zip": c.zip,
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
           "createdDate": _lx_ts(record.created),
           # the documentation's list samples carry .000; the voucher itself real millis
           "updatedDate": _lx_ts(record.updated.replace(microsecond=0)),
           "contactId": contact_id, "contactName": c.display if c else "",
           "currency": "EUR", "archived": False}
    if total is not None:
        row["totalAmount"] = float(total)
    return row


def _lx_document(state: SandboxState, record: SbOrder | SbNote) -> dict[str, Any]:
    if isinstance(record, SbNote):
        doc = copy.deepcopy(template("lexware", "delivery-note.json"))
        order = state.orders[record.order_id]
        contact_id = order.contact_id
        doc["relatedVouchers"] = [{"id": order.id, "voucherNumber": order.number,
                                   "voucherType": "orderconfirmation"}]
        doc["introduction"] = f"Lieferschein zur Auftragsbestätigung {order.number}"
        doc["files"] = {"documentFileId": record.file_id}
    else:
        source = "quotation.json" if record.kind == "quotation" else "order-confirmation.json"
        doc = copy.deepcopy(template("lexware", source))
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
                      "street": c.street_line if c else "",
                      "city": c.city if c else "", "zip": c.zip if c else "",
                      "countryCode": "DE"}
    return doc


def _lx_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _lx_envelope(q: dict[str, str], path: str, rows: list[dict[str, Any]],
                 max_size: int) -> httpx.Response:
    """One page of a Spring page envelope (``size``/``page``), with the real limits."""
    size, page = int_or(q.get("size"), 25), int_or(q.get("page"), 0)
    if size < 1 or size > max_size:
        return _lx_error(400, f"size: must be equal or lower than {max_size}", path)
    if page * size >= 10_000:
        return _lx_error(500, "Internal error.", path)  # the documented 10,000 wall
    chunk = page_slice(rows, page * size, size)
    total_pages = (len(rows) + size - 1) // size
    return as_json({"content": chunk, "first": page == 0,
                    "last": page >= total_pages - 1, "totalPages": total_pages,
                    "totalElements": len(rows), "numberOfElements": len(chunk),
                    "size": size, "number": page, "sort": []})


def _lx_missing() -> httpx.Response:
    return as_json({"IssueList": [{"i18nKey": "missing_entity", "source": "id",
                                   "type": "validation_failure"}]}, 404)


def _lx_contacts(state: SandboxState, q: dict[str, str], path: str,
                 parts: list[str]) -> httpx.Response:
    if len(parts) == 2:
        rows = [_lx_contact(c) for c in sorted(state.contacts.values(),
                                               key=lambda c: c.display.lower())]
        return _lx_envelope(q, path, rows, 500)
    c = state.contacts.get(parts[2])
    return as_json(_lx_contact(c)) if c is not None else _lx_missing()


_LX_VOUCHER_TYPES = {"any", "invoice", "salesinvoice", "purchaseinvoice", "creditnote",
                     "salescreditnote", "purchasecreditnote", "orderconfirmation", "quotation",
                     "deliverynote", "downpaymentinvoice"}


def _lx_voucherlist(state: SandboxState, q: dict[str, str], path: str) -> httpx.Response:
    types = [t for t in q.get("voucherType", "").split(",") if t]
    if not types or not q.get("voucherStatus"):
        return _lx_error(400, "voucherType and voucherStatus are required.", path)
    if any(t not in _LX_VOUCHER_TYPES for t in types):
        return _lx_error(400, "voucherType: invalid value", path)
    records: list[tuple[str, SbOrder | SbNote]] = [
        (order.kind, order) for order in state.orders.values()
        if order.kind in types or "any" in types]
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
    return _lx_envelope(q, path, [r for _, r in rows], 250)


_LX_KINDS = {"order-confirmations": "orderconfirmation", "quotations": "quotation",
             "delivery-notes": "deliverynote"}


def _lx_voucher(state: SandboxState, path: str, parts: list[str]) -> httpx.Response | None:
    """``/v1/{kind}/{id}`` and its ``/document`` and ``/file``."""
    record: SbOrder | SbNote | None
    if parts[1] == "delivery-notes":
        record = state.notes.get(parts[2])
    else:
        order = state.orders.get(parts[2])
        record = order if order is not None and order.kind == _LX_KINDS[parts[1]] else None
    if record is None:
        return _lx_error(404, f"{parts[1]} with id {parts[2]} not found.", path)
    if len(parts) == 3:
        return as_json(_lx_document(state, record))
    if parts[3] == "document":
        file_id = record.file_id if isinstance(record, SbNote) else \
            str(uuid.uuid5(uuid.NAMESPACE_URL, record.id))
        return as_json({"documentFileId": file_id})
    if parts[3] == "file":
        return _lx_file(record)
    return None


_LX_PROFILE = {"organizationId": "4f0c1a52-7d3e-4b8a-9c61-2e5d8a7b3f10",
               "companyName": f"lexware Office {SANDBOX_LABEL} (fictional data)",
               "created": {"userName": SANDBOX_LABEL, "userEmail": "sandbox@mwtui.example"},
               "connectionId": "sandbox", "taxType": "net", "smallBusiness": False}


def _lexware(state: SandboxState, request: httpx.Request) -> httpx.Response:
    path = request.url.path.rstrip("/")
    q = query_of(request)
    parts = [p for p in path.split("/") if p]
    if request.method != "GET":
        return _lx_error(405, "The sandbox is read-only.", path)
    if parts[:1] != ["v1"]:
        return _lx_error(404, "Not found.", path)
    if parts[1:2] == ["contacts"]:
        return _lx_contacts(state, q, path, parts)
    if parts[1:2] == ["voucherlist"] and len(parts) == 2:
        return _lx_voucherlist(state, q, path)
    if parts[1] in _LX_KINDS and len(parts) >= 3:
        answer = _lx_voucher(state, path, parts)
        if answer is not None:
            return answer
    if parts[1:2] == ["files"] and len(parts) == 3:
        note = next((n for n in state.notes.values() if n.file_id == parts[2]), None)
        return _lx_file(note) if note is not None else _lx_missing()
    if parts[1:2] == ["profile"]:
        return as_json(_LX_PROFILE)
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
                        at(today, 6, 8, 52), at(today, 2, 11, 3),
                        "Esstisch und Stühle Fjord", Decimal("1532.00"), version=3))
    s.add_order(SbOrder("9e4d7a1c-6b2f-4a8e-9c3d-1b5f7e0a2c6d", "AB0008", jana,
                        at(today, 0, 7, 5), at(today, 0, 7, 5), "Regal nach Maß",
                        Decimal("620.00"), status="draft"))
    s.add_order(SbOrder("5b9d2c7e-1f4a-4e3b-a8d6-0c9e7f1a2b3c", "AG0012", nordlicht,
                        at(today, 10, 9, 14), at(today, 7, 16, 40), "Angebot Esstisch Fjord",
                        Decimal("1532.00"), kind="quotation", status="accepted"))
    s.add_order(SbOrder("a0f3b6d9-8e2c-4f1a-b7d5-4c3e2a1f0b9e", "AG0013", jana,
                        at(today, 0, 10, 31), at(today, 0, 10, 31), "Angebot Regal",
                        Decimal("1250.00"), kind="quotation"))
    s.add_note("d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a", "LS0004", at(today, 2, 11, 3),
               note_id="1a7c3e9b-4d2f-4a6e-b8c0-9e1f2d3c4b5a")


HANDLERS["lexware"] = _lexware
DEMO_BUILDERS["lexware"] = _demo_lexware
