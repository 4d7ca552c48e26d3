"""The fake bexio API: ``2.0``/``3.0`` routes and search, wire shapes, demo data."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from mwtui.demo.sandbox.common import (
    SANDBOX_LABEL,
    ZURICH,
    Reply,
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
    SbOrder,
)


def _bx_ts(moment: datetime) -> str:
    return moment.astimezone(ZURICH).strftime("%Y-%m-%d %H:%M:%S")


def _bx_error(status: int, message: str) -> httpx.Response:
    return as_json({"error_code": status, "message": message}, status)


def _bx_contact(c: SbContact) -> dict[str, Any]:
    templates = template("bexio", "contact_list_page.json")
    doc = copy.deepcopy(templates[0] if c.company else templates[1])
    doc.update({"id": int(c.id), "nr": c.number, "contact_type_id": 1 if c.company else 2,
                "name_1": c.company or c.last, "name_2": "" if c.company else c.first,
                "address": c.street_line, "street_name": c.street or None,
                "house_number": c.house or None, "address_addition": None, "postcode": c.zip,
                "city": c.city, "country_id": 1, "mail": c.email or None,
                "phone_fixed": c.phone or None, "phone_mobile": "",
                "remarks": f"{SANDBOX_LABEL}: fictional record", "updated_at": _bx_ts(c.updated)})
    return doc


def _bx_order(state: SandboxState, o: SbOrder, positions: bool = False) -> dict[str, Any]:
    source = "kb_order_single.json" if positions else "kb_order_list_page.json"
    data = template("bexio", source)
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


#: ``GET /3.0/currencies`` (shape: bexio API documentation, Currencies).
CURRENCIES = [{"id": 1, "name": "CHF", "round_factor": 0.05},
              {"id": 2, "name": "EUR", "round_factor": 0.01},
              {"id": 3, "name": "USD", "round_factor": 0.01}]

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
    q = query_of(request)
    parts = [p for p in path.split("/") if p]
    limit = min(int_or(q.get("limit"), 500), 2000)
    offset = int_or(q.get("offset"), 0)
    headers = {"RateLimit-Limit": "1000", "RateLimit-Remaining": "999", "RateLimit-Reset": "60"}

    def listing(rows: list[dict[str, Any]], search_body: Any = None) -> httpx.Response:
        if search_body is not None:
            headers.update({"RateLimit-Limit": "250", "RateLimit-Remaining": "249"})
            if not isinstance(search_body, list):
                raise Reply(_bx_error(400, "The search body must be a list of criteria."))
            allowed = _BX_SEARCH_FIELDS[parts[1]]
            for criterion in search_body:
                if not isinstance(criterion, dict) or criterion.get("field") not in allowed:
                    raise Reply(_bx_error(400, "Invalid search field."))
            rows = [r for r in rows if all(_bx_match(r, c) for c in search_body)]
        key = str(q.get("order_by") or "id")
        desc = key.endswith("_desc")
        key = key.removesuffix("_desc").removesuffix("_asc").split(",")[0]
        rows = sorted(rows, key=lambda r: (r.get(key) is None, r.get(key) or 0, r["id"]),
                      reverse=desc)
        return as_json(page_slice(rows, offset, limit), headers=headers)

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
        return as_json(doc, headers={**headers, "etag": f"{c.version:032x}"})
    if parts[:2] == ["2.0", "kb_order"]:
        if len(parts) == 2:
            return listing([_bx_order(state, o) for o in state.orders.values()], body)
        o = state.orders.get(parts[2])
        if o is None:
            return _bx_error(404, "Order not found.")
        if len(parts) == 3:
            return as_json(_bx_order(state, o, positions=True), headers=headers)
        if parts[3] == "pdf":
            content = make_pdf([f"SANDBOX bexio order {o.number}"])
            return as_json({"name": f"{o.number.lower()}.pdf", "size": len(content),
                          "mime": "application/pdf",
                          "content": base64.b64encode(content).decode("ascii")})
    if parts[:2] == ["2.0", "country"] and len(parts) == 2:
        return as_json([{"id": 1, "name": "Schweiz", "name_short": "CH", "iso_3166_alpha2": "CH"},
                      {"id": 2, "name": "Deutschland", "name_short": "DE",
                       "iso_3166_alpha2": "DE"}], headers=headers)
    if parts[:2] == ["2.0", "kb_delivery"] and len(parts) == 2:
        return listing([])
    if parts[:2] == ["3.0", "currencies"] and len(parts) == 2:
        return as_json(CURRENCIES, headers=headers)
    if parts[:3] == ["3.0", "users", "me"]:
        return as_json({"id": 1, "salutation_type": "male", "firstname": "bexio",
                      "lastname": f"{SANDBOX_LABEL} (fictional data)",
                      "email": "sandbox@mwtui.example", "is_superadmin": True,
                      "is_accountant": False})
    if parts[:2] == ["3.0", "users"]:
        return as_json(template("bexio", "users_list.json"))
    if parts[:2] == ["2.0", "company_profile"]:
        return as_json([{"id": 1, "name": f"bexio {SANDBOX_LABEL} (fictional data)"}])
    return _bx_error(404, f"Unknown path {request.url.path}")


def _demo_bexio(s: SandboxState, today: datetime) -> None:
    s.add_contact(SbContact("101", "000101", company="Muster Bau AG", street="Industriestrasse",
                            house="7", zip="8604", city="Volketswil", country="CH",
                            email="info@musterbau.example.com", phone="+41 44 555 01 10",
                            updated=at(today, 25, 16, 3)))
    s.add_contact(SbContact("102", "000102", first="Anna", last="Meier",
                            street="Industriestrasse", house="7", zip="8604", city="Volketswil",
                            country="CH", email="anna.meier@musterbau.example.com",
                            phone="+41 44 555 01 12", updated=at(today, 20, 8, 15)))
    s.add_contact(SbContact("103", "000103", company="Beispiel Treuhand GmbH",
                            street="Bahnhofplatz", zip="3011", city="Bern", country="CH",
                            email="kontakt@treuhand.example.org", phone="+41 31 555 07 70",
                            updated=at(today, 60, 10, 44)))
    s.add_order(SbOrder("57", "AU-00057", "101", at(today, 35, 9, 0), at(today, 30, 11, 20),
                        "Sanierung Lagerhalle", Decimal("1200.00"), tax_rate=Decimal("8.1"),
                        status="done"))
    s.add_order(SbOrder("58", "AU-00058", "101", at(today, 1, 9, 41), at(today, 1, 9, 41),
                        "Betonlieferung Baustelle Seefeld", Decimal("990.00"),
                        tax_rate=Decimal("8.1")))
    s.add_order(SbOrder("59", "AU-00059", "102", at(today, 0, 8, 30), at(today, 0, 8, 30),
                        "Kies und Sand Lieferung", Decimal("430.00"), tax_rate=Decimal("8.1")))


HANDLERS["bexio"] = _bexio
DEMO_BUILDERS["bexio"] = _demo_bexio
