"""sevDesk client (read-only): customers, order confirmations (AB), delivery notes (LI), PDFs.

Paths under ``/api/v1``; the token goes raw into ``Authorization`` (no ``Bearer``). Every
filter is re-checked on our side because sevDesk silently ignores filters it does not know.
See docs/clients.md for the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.importers.accounting import wire
from mwtui.importers.accounting.attachments import MAX_PDF_BYTES
from mwtui.importers.accounting.client_base import BaseClient
from mwtui.importers.accounting.documents import check_pdf, decode_base64_pdf
from mwtui.importers.accounting.errors import NotFound, RequestRejected, UnexpectedResponse
from mwtui.importers.accounting.protocol import (
    OrderKind,
    Period,
    RemoteContact,
    RemoteDeliveryNote,
    RemoteOrder,
    period_window,
)
from mwtui.importers.accounting.ratelimit import Clock, IntervalLimiter, Limiter, Sleep

INTEGRATION = "sevdesk"
API = "/api/v1"
PAGE_SIZE = 500
CUSTOMER_CATEGORY = "3"
ORDER_TYPES: dict[str, str] = {"orderconfirmation": "AB", "quotation": "AN"}
DELIVERY_TYPE = "LI"
STATUS_LABELS = {"100": "draft", "200": "sent", "300": "rejected", "500": "accepted",
                 "750": "partially invoiced", "1000": "invoiced"}
BERLIN = ZoneInfo("Europe/Berlin")
#: sevDesk's stated need: nothing heavy. 5 requests per second is far below what was measured.
POLITE_INTERVAL = 0.2


# -- normalisers (module level so that they can be fuzzed) ----------------------------------
def _max_marker(markers: Iterable[tuple[datetime | None, str]]) -> str | None:
    best: tuple[datetime, str] | None = None
    for moment, raw in markers:
        if moment is not None and (best is None or moment > best[0]):
            best = (moment, raw)
    return best[1] if best else None


def _pick_address(addresses: Sequence[Any]) -> Mapping[str, Any]:
    """The oldest address (lowest id): the one created with the contact."""
    best: tuple[int, str, Mapping[str, Any]] | None = None
    for entry in addresses:
        obj = wire.mapping(entry, "a contact address")
        ident = wire.opt_ident(obj.get("id"), "a contact address") or ""
        rank = (0, ident.zfill(20)) if ident.isdigit() else (1, ident)
        if best is None or rank < best[:2]:
            best = (*rank, obj)
    return best[2] if best else {}


def _pick_way(ways: Sequence[Any], types: tuple[str, ...]) -> str:
    best: tuple[int, int, str] | None = None
    for entry in ways:
        obj = wire.mapping(entry, "a communication way")
        kind = wire.text(obj.get("type"), "communication type").upper()
        value = wire.text(obj.get("value"), "communication value").strip()
        if kind not in types or not value:
            continue
        rank = (0 if wire.flag(obj.get("main"), "main flag") else 1, types.index(kind), value)
        if best is None or rank[:2] < best[:2]:
            best = rank
    return best[2] if best else ""


def normalise_contact(obj: Any, addresses: Sequence[Any] = (),
                      ways: Sequence[Any] = (),
                      countries: Mapping[str, str] | None = None) -> RemoteContact:
    """A ``Contact`` (+ its ``ContactAddress`` and ``CommunicationWay`` items); the
    address's ``StaticCountry`` id becomes an ISO code through ``countries``."""
    data = wire.mapping(obj, "a contact")
    ident = wire.ident(data.get("id"), "a contact")
    name = wire.text(data.get("name"), "contact name").strip()
    if not name:
        first = wire.text(data.get("surename"), "first name").strip()
        last = wire.text(data.get("familyname"), "last name").strip()
        name = " ".join(p for p in (first, last) if p)
    address = _pick_address(addresses)
    markers = [(wire.timestamp(data.get("update"), "contact update", BERLIN),
                wire.text(data.get("update")))]
    for child in (*addresses, *ways):
        child = wire.mapping(child, "a contact detail")
        markers.append((wire.timestamp(child.get("update"), "detail update", BERLIN),
                        wire.text(child.get("update"))))
    country = wire.opt_mapping(address.get("country"), "address country")
    return RemoteContact(
        integration=INTEGRATION,
        external_id=ident,
        name=name,
        change_marker=_max_marker(markers),
        number=wire.text(data.get("customerNumber"), "customer number").strip(),
        street=wire.text(address.get("street"), "street").strip(),
        zip=wire.text(address.get("zip"), "zip").strip(),
        city=wire.text(address.get("city"), "city").strip(),
        country=(countries or GERMANY_ONLY).get(
            wire.opt_ident(country.get("id"), "country") or "", ""),
        email=_pick_way(ways, ("EMAIL",)),
        phone=_pick_way(ways, ("PHONE", "MOBILE")),
        archived=False,
    )


#: Without ``GET /StaticCountry`` only the spec's own fact is known: id 1 is Germany.
GERMANY_ONLY = {"1": "DE"}


def country_codes(objects: Iterable[Any]) -> dict[str, str]:
    """``StaticCountry`` objects -> {id: ISO alpha-2 code, upper case}."""
    result: dict[str, str] = {}
    for obj in objects:
        data = wire.mapping(obj, "a country")
        ident = wire.opt_ident(data.get("id"), "a country")
        code = wire.text(data.get("code"), "country code").strip().upper()
        if ident is not None and len(code) == 2 and code.isalpha():
            result[ident] = code
    return result


def is_customer(obj: Any) -> bool:
    data = wire.mapping(obj, "a contact")
    return wire.ref_id(data.get("category"), "contact category") == CUSTOMER_CATEGORY


def normalise_order(obj: Any, tz: ZoneInfo = BERLIN) -> RemoteOrder:
    """An ``Order`` of type AB (or AN) as a complete RemoteOrder."""
    data = wire.mapping(obj, "an order")
    ident = wire.ident(data.get("id"), "an order")
    order_type = wire.text(data.get("orderType"), "order type").upper()
    status = wire.text(data.get("status"), "order status")
    return RemoteOrder(
        integration=INTEGRATION,
        external_id=ident,
        number=wire.text(data.get("orderNumber"), "order number").strip(),
        change_marker=wire.text(data.get("update"), "order update") or None,
        kind="quotation" if order_type == "AN" else "orderconfirmation",
        title=wire.text(data.get("header"), "order header").strip(),
        contact_external_id=wire.ref_id(data.get("contact"), "order contact"),
        contact_name=wire.text(data.get("addressName"), "address name").strip(),
        created=wire.timestamp(data.get("create"), "order create", BERLIN),
        valid_from=wire.day(data.get("orderDate"), "order date", tz),
        net_amount=wire.decimal(data.get("sumNet"), "net sum"),
        gross_amount=wire.decimal(data.get("sumGross"), "gross sum"),
        currency=wire.text(data.get("currency"), "currency").strip() or "EUR",
        status=STATUS_LABELS.get(status, status),
        complete=True,
    )


def origin_of(obj: Any) -> str | None:
    """The id of the order this one was created from (``origin`` is an optional key)."""
    data = wire.mapping(obj, "an order")
    origin = data.get("origin")
    if origin is None:
        return None
    origin = wire.mapping(origin, "an order origin")
    name = wire.text(origin.get("objectName"), "origin type")
    if name and name != "Order":
        return None
    return wire.opt_ident(origin.get("id"), "an order origin")


def normalise_delivery_note(obj: Any, order_id: str) -> RemoteDeliveryNote:
    data = wire.mapping(obj, "a delivery note")
    ident = wire.ident(data.get("id"), "a delivery note")
    number = wire.text(data.get("orderNumber"), "delivery note number").strip()
    return RemoteDeliveryNote(
        integration=INTEGRATION,
        external_id=ident,
        order_external_id=order_id,
        number=number,
        change_marker=wire.text(data.get("update"), "delivery note update") or None,
        remote_file_name=f"{number or ident}.pdf",
        extra={"status": wire.text(data.get("status"), "status")},
    )


def objects_of(body: Any) -> list[Any]:
    """The ``objects`` of a sevDesk answer, as a list; an ``error`` object raises."""
    data = wire.mapping(body, "the answer")
    error = data.get("error")
    if error is not None:
        err = error if isinstance(error, Mapping) else {"message": error}
        message = wire.text(err.get("message") if isinstance(err.get("message"), str)
                            else None, "error message")
        code = str(err.get("code") or "")
        status = str(err.get("responseCode") or "")
        if code == "151" or status == "404":
            raise NotFound(f"sevDesk does not know this record ({message[:200]}).",
                           integration=INTEGRATION, status=404)
        raise RequestRejected(f"sevDesk reported an error: {message[:200] or 'no details'}.",
                              integration=INTEGRATION)
    if "objects" not in data:
        raise UnexpectedResponse("the answer has no 'objects'")
    return wire.items(data.get("objects"), "objects")


def pdf_from_answer(body: Any, label: str = "sevDesk", cap: int = MAX_PDF_BYTES) -> bytes:
    """The PDF bytes of a ``getPdf`` answer (keys read case-insensitively)."""
    objects = objects_of(body)
    if not objects:
        raise UnexpectedResponse("the PDF answer is empty")
    entry = wire.mapping(objects[0], "the PDF answer")
    lower = {str(k).lower(): v for k, v in entry.items()}
    content = lower.get("content")
    if not isinstance(content, str) or not content:
        raise UnexpectedResponse("the PDF answer has no content")
    encoded = lower.get("base64encoded")
    if encoded is None:
        encoded = not content.startswith("%PDF-")
    if wire.flag(encoded, "base64Encoded"):
        return decode_base64_pdf(content, label, "a delivery note", cap)
    return check_pdf(content.encode("latin-1", "replace"), label, "a delivery note", cap)


# -- client ---------------------------------------------------------------------------------
class SevdeskClient(BaseClient):
    """sevDesk, read-only. See the module docstring."""

    integration = INTEGRATION
    label = "sevDesk"
    supports_delivery_notes = True
    period_basis = "created"
    auth_scheme = None
    token_hint = ("Create a new API token in sevDesk (Settings > Users > your user > API "
                  "token) and set it with MWTUI_SEVDESK_TOKEN or in the config file.")

    _countries: dict[str, str] | None = None

    def make_limiter(self, clock: Clock, sleep: Sleep) -> Limiter:
        return IntervalLimiter(POLITE_INTERVAL, clock=clock, sleep=sleep)

    def _country_map(self) -> dict[str, str]:
        """StaticCountry ids -> ISO codes, read once per import; if the account refuses the
        list, only Germany (id 1) is known."""
        if self._countries is None:
            try:
                objects = list(self._pages("/StaticCountry", {}))
                with self.reading("StaticCountry"):
                    self._countries = {**GERMANY_ONLY, **country_codes(objects)}
            except (NotFound, RequestRejected):
                self._countries = dict(GERMANY_ONLY)
        return self._countries

    # -- plumbing ------------------------------------------------------------------------
    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        body = self.http.get_json(API + path, params)
        with self.reading(path):
            return objects_of(body)

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        """Every object of a list endpoint, de-duplicated by id; robust to ignored paging."""
        return self.offset_pages(
            lambda offset: self._get(path, {**params, "limit": PAGE_SIZE, "offset": offset}),
            PAGE_SIZE, path)

    @staticmethod
    def _group(objects: Iterable[Mapping[str, Any]], key: str) -> dict[str, list[Any]]:
        groups: dict[str, list[Any]] = {}
        for obj in objects:
            owner = wire.ref_id(obj.get(key), key)
            if owner is not None:
                groups.setdefault(owner, []).append(obj)
        return groups

    # -- protocol ------------------------------------------------------------------------
    def account_info(self) -> str:
        objects = self._get("/Contact", {"limit": 1, "depth": 1})
        if not objects:
            return "sevDesk account reached (it has no contacts yet)."
        with self.reading("Contact"):
            client = wire.mapping(objects[0], "a contact").get("sevClient")
            client_id = wire.ref_id(client, "sevClient")
        return f"sevDesk account {client_id or '(unknown id)'} reached."

    def list_contacts(self) -> Iterator[RemoteContact]:
        contacts = list(self._pages("/Contact", {
            "depth": 1, "category[id]": CUSTOMER_CATEGORY, "category[objectName]": "Category"}))
        if not contacts:
            return
        with self.reading("ContactAddress"):
            addresses = self._group(self._pages("/ContactAddress", {}), "contact")
        with self.reading("CommunicationWay"):
            ways = self._group(self._pages("/CommunicationWay", {}), "contact")
        countries = self._country_map() if addresses else GERMANY_ONLY
        for obj in contacts:
            with self.reading("Contact"):
                if not is_customer(obj):
                    continue
                ident = wire.ident(obj.get("id"), "a contact")
                yield normalise_contact(obj, addresses.get(ident, ()), ways.get(ident, ()),
                                        countries)

    def get_contact(self, external_id: str) -> RemoteContact | None:
        try:
            objects = self._get(f"/Contact/{external_id}")
        except NotFound:
            return None
        match = [o for o in objects if isinstance(o, Mapping)
                 and wire.opt_ident(o.get("id"), "a contact") == str(external_id)]
        if not match:
            return None
        filters = {"contact[id]": external_id, "contact[objectName]": "Contact"}
        with self.reading("ContactAddress"):
            addresses = self._group(self._pages("/ContactAddress", filters), "contact")
        with self.reading("CommunicationWay"):
            ways = self._group(self._pages("/CommunicationWay", filters), "contact")
        countries = self._country_map() if addresses else GERMANY_ONLY
        with self.reading("Contact"):
            return normalise_contact(match[0], addresses.get(str(external_id), ()),
                                     ways.get(str(external_id), ()), countries)

    def list_orders(self, period: Period, kind: OrderKind = "orderconfirmation") -> Iterator[
        RemoteOrder
    ]:
        order_type = ORDER_TYPES.get(kind)
        if order_type is None:
            raise ValueError(f"unknown order kind {kind!r}")
        window = period_window(period, self.tz, self._now())
        params: dict[str, Any] = {"orderType": order_type}
        if window.start is not None and window.end is not None:
            # bounds widened by a second: inclusive/exclusive semantics are undocumented
            params["createAfter"] = int(window.start.timestamp()) - 1
            params["createBefore"] = int(window.end.timestamp())
        for obj in self._pages("/Order", params):
            with self.reading("Order"):
                if wire.text(obj.get("orderType"), "order type").upper() != order_type:
                    continue
                order = normalise_order(obj, self.tz)
            if window.contains(order.created):
                yield order

    def get_order(self, order: RemoteOrder) -> RemoteOrder:
        if order.complete:
            return order
        objects = self._get(f"/Order/{order.external_id}")
        with self.reading("Order"):
            for obj in objects:
                if wire.opt_ident(wire.mapping(obj, "an order").get("id"), "an order") == \
                        order.external_id:
                    return normalise_order(obj, self.tz)
        raise NotFound(f"sevDesk does not know order {order.number or order.external_id}.",
                       integration=INTEGRATION, status=404)

    def delivery_notes(self, orders: Sequence[RemoteOrder], known: Set[str] = frozenset(),
                       updated_since: datetime | None = None) -> list[RemoteDeliveryNote]:
        """All LI orders listed once (created after the oldest order; with ``updated_since``
        only those changed since, ``updateAfter``), grouped by ``origin.id`` (checked on our
        side: sevDesk ignores a filter it does not know, which costs bytes, not notes)."""
        wanted = {o.external_id for o in orders}
        if not wanted:
            return []
        params: dict[str, Any] = {"orderType": DELIVERY_TYPE}
        created = [o.created for o in orders]
        if all(c is not None for c in created):
            # a delivery note is created after its order; a day of slack for clock skew
            earliest = min(c for c in created if c is not None) - timedelta(days=1)
            params["createAfter"] = int(earliest.timestamp())
        if updated_since is not None:
            # a second earlier: whether the bound is inclusive is undocumented
            params["updateAfter"] = int(updated_since.timestamp()) - 1
        notes: list[RemoteDeliveryNote] = []
        for obj in self._pages("/Order", params):
            with self.reading("Order"):
                if wire.text(obj.get("orderType"), "order type").upper() != DELIVERY_TYPE:
                    continue
                origin = origin_of(obj)
                if origin not in wanted:
                    continue
                note = normalise_delivery_note(obj, origin)
            if note.external_id not in known:
                notes.append(note)
        return notes

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        """``getPdf`` ALWAYS with ``preventSendBy=true`` (otherwise a draft becomes "sent")."""
        response = self.http.request("GET", f"{API}/Order/{note.external_id}/getPdf",
                                     params={"preventSendBy": "true"})
        if response.headers.get("content-type", "").lower().startswith("application/pdf"):
            return check_pdf(response.content, self.label, "a delivery note",
                             self.max_pdf_bytes)
        body = self.http.decode_json(response)
        with self.reading("getPdf"):
            return pdf_from_answer(body, self.label, self.max_pdf_bytes)
