"""bexio client (read-only): contacts and orders (``kb_order``); no delivery notes.

Paths carry their own version (``/2.0/...``, ``/3.0/...``). Lists are bare JSON arrays
without totals: a short page ends them. ``updated_at`` is Swiss local time without an
offset. Orders have no creation date, so periods use ``is_valid_from`` (the order date).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.importers.accounting import wire
from mwtui.importers.accounting.client_base import BaseClient
from mwtui.importers.accounting.errors import (
    NotFound,
    NotSupported,
    RequestRejected,
    UnexpectedResponse,
)
from mwtui.importers.accounting.protocol import (
    OrderKind,
    Period,
    RemoteContact,
    RemoteDeliveryNote,
    RemoteOrder,
    period_window,
)
from mwtui.importers.accounting.ratelimit import Clock, HeaderLimiter, Limiter, Sleep

INTEGRATION = "bexio"
ZURICH = ZoneInfo("Europe/Zurich")
PAGE_SIZE = 500
RESOURCES: dict[str, str] = {"orderconfirmation": "kb_order", "quotation": "kb_offer"}
ORDER_STATUS = {5: "pending", 6: "done", 15: "partial", 21: "canceled"}
OFFER_STATUS = {1: "draft", 2: "pending", 3: "confirmed", 4: "declined"}


def _zurich_marker(value: Any, what: str) -> str | None:
    """``"YYYY-MM-DD HH:MM:SS"`` (Swiss local time) as an ISO string with its offset."""
    moment = wire.timestamp(value, what, ZURICH)
    return moment.isoformat() if moment else None


def _int(value: Any, what: str) -> int | None:
    ident = wire.opt_ident(value, what)
    if ident is None:
        return None
    return int(ident) if ident.lstrip("-").isdigit() else None


def normalise_contact(obj: Any, countries: Mapping[int, str] | None = None) -> RemoteContact:
    """A ``/2.0/contact`` entry: new address fields first, deprecated ``address`` as fallback."""
    data = wire.mapping(obj, "a contact")
    ident = wire.ident(data.get("id"), "a contact")
    name_1 = wire.text(data.get("name_1"), "name_1").strip()
    name_2 = wire.text(data.get("name_2"), "name_2").strip()
    if _int(data.get("contact_type_id"), "contact type") == 2:  # person: name_2 = first name
        name = " ".join(p for p in (name_2, name_1) if p)
    else:
        name = " ".join(p for p in (name_1, name_2) if p)
    street_name = wire.text(data.get("street_name"), "street_name").strip()
    if street_name:
        house = wire.text(data.get("house_number"), "house_number").strip()
        street = f"{street_name} {house}".strip()
    else:
        street = wire.text(data.get("address"), "address").strip()
    email = (wire.text(data.get("mail"), "mail").strip()
             or wire.text(data.get("mail_second"), "mail_second").strip())
    phone = ""
    for key in ("phone_fixed", "phone_mobile", "phone_fixed_second"):
        phone = wire.text(data.get(key), key).strip()
        if phone:
            break
    country_id = _int(data.get("country_id"), "country")
    return RemoteContact(
        integration=INTEGRATION,
        external_id=ident,
        name=name,
        change_marker=_zurich_marker(data.get("updated_at"), "updated_at"),
        number=wire.text(data.get("nr"), "nr").strip(),
        street=street,
        zip=wire.text(data.get("postcode"), "postcode").strip(),
        city=wire.text(data.get("city"), "city").strip(),
        country=(countries or {}).get(country_id, "") if country_id is not None else "",
        email=email,
        phone=phone,
        archived=False,
    )


def normalise_order(obj: Any, kind: str = "orderconfirmation",
                    currencies: Mapping[int, str] | None = None) -> RemoteOrder:
    """A ``kb_order`` (or ``kb_offer``) entry; bexio has no creation date (``created=None``).

    ``currencies`` maps ``currency_id`` to its ISO code (``GET /3.0/currencies``); an id it
    does not know leaves the currency empty and the order incomplete (``complete=False``), so
    the import reports that order instead of guessing."""
    data = wire.mapping(obj, "an order")
    ident = wire.ident(data.get("id"), "an order")
    address = wire.text(data.get("contact_address"), "contact_address")
    status_id = _int(data.get("kb_item_status_id"), "status")
    labels = OFFER_STATUS if kind == "quotation" else ORDER_STATUS
    currency_id = _int(data.get("currency_id"), "currency")
    contact = wire.opt_ident(data.get("contact_id"), "order contact")
    return RemoteOrder(
        integration=INTEGRATION,
        external_id=ident,
        number=wire.text(data.get("document_nr"), "document_nr").strip(),
        change_marker=_zurich_marker(data.get("updated_at"), "updated_at"),
        kind=kind,
        title=wire.text(data.get("title"), "title").strip(),
        contact_external_id=contact,
        contact_name=address.strip().split("\n", 1)[0].strip() if address.strip() else "",
        created=None,
        valid_from=wire.day(data.get("is_valid_from"), "is_valid_from", ZURICH),
        net_amount=wire.decimal(data.get("total_net"), "total_net"),
        gross_amount=wire.decimal(data.get("total"), "total"),
        currency=(currencies or {}).get(currency_id, "") if currency_id is not None else "",
        status=labels.get(status_id, str(status_id) if status_id is not None else ""),
        complete=currency_id is None or currency_id in (currencies or {}),
    )


def country_codes(body: Any) -> dict[int, str]:
    """``/2.0/country`` -> {id: ISO code} (the code field is spelled two ways)."""
    result: dict[int, str] = {}
    for entry in wire.items(body, "countries"):
        data = wire.mapping(entry, "a country")
        ident = _int(data.get("id"), "a country")
        code = (wire.text(data.get("iso_3166_alpha2"), "iso code").strip()
                or wire.text(data.get("iso3166_alpha2"), "iso code").strip()
                or wire.text(data.get("name_short"), "country").strip())
        if ident is not None and code:
            result[ident] = code
    return result


def currency_codes(body: Any) -> dict[int, str]:
    """``/3.0/currencies`` -> {id: ISO code}; ``name`` holds the code ("CHF", "EUR")."""
    result: dict[int, str] = {}
    for entry in wire.items(body, "currencies"):
        data = wire.mapping(entry, "a currency")
        ident = _int(data.get("id"), "a currency")
        code = wire.text(data.get("name"), "currency name").strip().upper()
        if ident is not None and len(code) == 3 and code.isalpha():
            result[ident] = code
    return result


def _list_body(body: Any, what: str) -> list[Any]:
    """bexio lists are bare JSON arrays; anything else is the wrong shape."""
    if isinstance(body, list):
        return body
    raise UnexpectedResponse(f"expected {what} to be a JSON array")


class BexioClient(BaseClient):
    """bexio, read-only. ``period_basis = "valid_from"``: bexio orders have no creation date."""

    integration = INTEGRATION
    label = "bexio"
    supports_delivery_notes = False
    period_basis = "valid_from"
    auth_scheme = "Bearer"
    allow_search_post = True
    token_hint = ("Create a new personal access token on developer.bexio.com (they expire) "
                  "and set it with MWTUI_BEXIO_TOKEN or in the config file.")

    _countries: dict[int, str] | None = None
    _currencies: dict[int, str] | None = None

    def make_limiter(self, clock: Clock, sleep: Sleep) -> Limiter:
        return HeaderLimiter(reserve=2, min_interval=0.05, clock=clock, sleep=sleep)

    # -- plumbing ------------------------------------------------------------------------
    def _pages(self, path: str, *, search: list[dict[str, str]] | None = None,
               extra: Mapping[str, Any] | None = None) -> Iterator[Mapping[str, Any]]:
        """Every entry of a list (or read-only search), page by page until a short page."""

        def fetch(offset: int) -> list[Any]:
            params = {**(extra or {}), "order_by": "id", "limit": PAGE_SIZE, "offset": offset}
            if search is None:
                body = self.http.get_json(path, params)
            else:
                body = self.http.search_json(path + "/search", params, search)
            with self.reading(path):
                return _list_body(body, "a list")

        return self.offset_pages(fetch, PAGE_SIZE, path)

    def _country_map(self) -> dict[int, str]:
        """Country ids -> codes, read once; without it the country stays empty."""
        if self._countries is None:
            try:
                body = self.http.get_json("/2.0/country", {"limit": 2000})
                with self.reading("country"):
                    self._countries = country_codes(body)
            except (RequestRejected, NotFound):
                self._countries = {}
        return self._countries

    def _currency_map(self) -> dict[int, str]:
        """Currency ids -> ISO codes, read once per import (``GET /3.0/currencies``)."""
        if self._currencies is None:
            body = self.http.get_json("/3.0/currencies")
            with self.reading("currencies"):
                self._currencies = currency_codes(body)
        return self._currencies

    # -- protocol ------------------------------------------------------------------------
    def account_info(self) -> str:
        body = self.http.get_json("/3.0/users/me")
        with self.reading("users/me"):
            data = wire.mapping(body, "the user")
            name = " ".join(p for p in (wire.text(data.get("firstname")).strip(),
                                         wire.text(data.get("lastname")).strip()) if p)
            mail = wire.text(data.get("email")).strip()
        who = " ".join(p for p in (name, f"<{mail}>" if mail else "") if p)
        return f"bexio reached, signed in as {who or 'an unnamed user'}."

    def list_contacts(self) -> Iterator[RemoteContact]:
        """All active contacts (bexio's default excludes archived ones)."""
        contacts = list(self._pages("/2.0/contact"))
        countries = self._country_map() if contacts else {}
        for obj in contacts:
            with self.reading("contact"):
                yield normalise_contact(obj, countries)

    def get_contact(self, external_id: str) -> RemoteContact | None:
        try:
            body = self.http.get_json(f"/2.0/contact/{external_id}")
        except NotFound:
            return None
        with self.reading("contact"):
            objects = wire.items(body, "a contact")
            if not objects:
                return None
            return normalise_contact(objects[0], self._country_map())

    def list_orders(self, period: Period, kind: OrderKind = "orderconfirmation") -> Iterator[
        RemoteOrder
    ]:
        """Orders whose ``is_valid_from`` lies in the period (searched, then re-checked)."""
        resource = RESOURCES.get(kind)
        if resource is None:
            raise ValueError(f"unknown order kind {kind!r}")
        window = period_window(period, self.tz, self._now())
        path = f"/2.0/{resource}"
        if window.first_day is None:
            entries = self._pages(path)
        else:
            entries = self._search_days(path, window.first_day, window.last_day or
                                        window.first_day)
        for obj in entries:
            with self.reading(resource):
                order = normalise_order(obj, kind, self._currency_map())
            if window.contains_day(order.valid_from):
                yield order

    def _search_days(self, path: str, first: date, last: date) -> Iterator[Mapping[str, Any]]:
        criteria = [
            {"field": "is_valid_from", "value": first.isoformat(), "criteria": ">="},
            {"field": "is_valid_from", "value": last.isoformat(), "criteria": "<="},
        ]
        yielded = False
        try:
            for obj in self._pages(path, search=criteria):
                yielded = True
                yield obj
        except RequestRejected as err:
            if err.status != 400 or yielded:
                raise
            # the field is not searchable on this resource: list all, filter on our side
            yield from self._pages(path)

    def get_order(self, order: RemoteOrder) -> RemoteOrder:
        """The list entry itself (it carries every field we keep); an order whose currency
        id ``GET /3.0/currencies`` does not list is an error of this order alone."""
        if not order.complete:
            raise UnexpectedResponse(
                f"bexio order {order.number or order.external_id} has a currency that "
                "GET /3.0/currencies does not list; mwtui did not guess one. Check the "
                "order's currency in bexio, then import again.", integration=INTEGRATION)
        return order

    def delivery_notes(self, orders: Sequence[RemoteOrder], known: Set[str] = frozenset(),
                       updated_since: datetime | None = None) -> list[RemoteDeliveryNote]:
        """bexio delivery notes are not imported (no link to the order, no PDF): none."""
        return []

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        raise NotSupported("bexio delivery notes are not imported by mwtui.",
                           integration=INTEGRATION)


__all__ = ["BexioClient", "country_codes", "currency_codes", "normalise_contact",
           "normalise_order"]
