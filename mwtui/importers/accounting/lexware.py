"""lexware Office client (read-only): customers, order confirmations or quotations, delivery
notes and their PDFs.

Paths under ``/v1``. At most 2 requests per second for the whole account, shared by all
mwtui processes (:class:`~mwtui.importers.accounting.ratelimit.SharedWindowLimiter`). Documents are
found through ``/v1/voucherlist`` only; long date ranges are split to stay below the
~10,000-result depth after which the voucherlist answers HTTP 500.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from mwtui.importers.accounting import wire
from mwtui.importers.accounting.attachments import MAX_PDF_BYTES
from mwtui.importers.accounting.client_base import BaseClient, page_budget, split_budget
from mwtui.importers.accounting.documents import check_pdf, decode_base64_pdf
from mwtui.importers.accounting.errors import (
    DocumentNotReady,
    NotFound,
    RequestRejected,
    UnexpectedResponse,
)
from mwtui.importers.accounting.protocol import (
    ORDER_KINDS,
    OrderKind,
    Period,
    RemoteContact,
    RemoteDeliveryNote,
    RemoteOrder,
    period_window,
)
from mwtui.importers.accounting.ratelimit import Clock, Limiter, SharedWindowLimiter, Sleep

INTEGRATION = "lexware"
BERLIN = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 250
#: The voucherlist cannot page past about 10,000 results; split ranges above this.
MAX_RESULTS = 9_000
#: No lexware (lexoffice) document can have been created before this day.
EPOCH = date(2010, 1, 1)
DETAIL_PATHS: dict[str, str] = {"orderconfirmation": "/v1/order-confirmations",
                                "quotation": "/v1/quotations"}
DELIVERY = "deliverynote"
#: Up to this many contacts, delivery notes are listed per contact (``contactId``).
FEW = 3
_EMAIL_KEYS = ("business", "office", "private", "other")
_PHONE_KEYS = ("business", "office", "mobile", "private", "other")


# -- normalisers ----------------------------------------------------------------------------
def page_of(body: Any) -> tuple[list[Any], bool, int | None, int | None]:
    """A Spring page envelope -> (content, last, totalElements, number)."""
    data = wire.mapping(body, "a page")
    if "content" not in data:
        raise UnexpectedResponse("the page has no 'content'")
    content = wire.items(data.get("content"), "page content")
    last = data.get("last")
    total = data.get("totalElements")
    number = data.get("number")
    return (
        content,
        wire.flag(last, "last") if last is not None else not content,
        int(total) if isinstance(total, int | float) and not isinstance(total, bool) else None,
        int(number) if isinstance(number, int) and not isinstance(number, bool) else None,
    )


def _first_of_groups(groups: Any, keys: Sequence[str], what: str) -> str:
    data = wire.opt_mapping(groups, what)
    for key in (*keys, *sorted(k for k in data if k not in keys and k != "fax")):
        value = wire.first_text(data.get(key), what)
        if value:
            return value
    return ""


def normalise_contact(obj: Any) -> RemoteContact:
    """A ``/v1/contacts`` entry; ``version`` is the only change marker contacts have."""
    data = wire.mapping(obj, "a contact")
    ident = wire.ident(data.get("id"), "a contact")
    company = wire.opt_mapping(data.get("company"), "company")
    person = wire.opt_mapping(data.get("person"), "person")
    name = wire.text(company.get("name"), "company name").strip()
    if not name:
        name = " ".join(p for p in (wire.text(person.get("firstName")).strip(),
                                     wire.text(person.get("lastName")).strip()) if p)
    addresses = wire.opt_mapping(data.get("addresses"), "addresses")
    address: Mapping[str, Any] = {}
    for kind in ("billing", "shipping"):
        entries = wire.items(addresses.get(kind), "addresses")
        if entries:
            address = wire.mapping(entries[0], "an address")
            break
    roles = wire.opt_mapping(data.get("roles"), "roles")
    customer = wire.opt_mapping(roles.get("customer"), "customer role")
    version = data.get("version")
    email = _first_of_groups(data.get("emailAddresses"), _EMAIL_KEYS, "e-mail addresses")
    phone = _first_of_groups(data.get("phoneNumbers"), _PHONE_KEYS, "phone numbers")
    if not email or not phone:
        for entry in wire.items(company.get("contactPersons"), "contact persons"):
            contact_person = wire.mapping(entry, "a contact person")
            email = email or wire.text(contact_person.get("emailAddress")).strip()
            phone = phone or wire.text(contact_person.get("phoneNumber")).strip()
    return RemoteContact(
        integration=INTEGRATION,
        external_id=ident,
        name=name,
        change_marker=None if version is None else wire.text(version, "version"),
        number=wire.text(customer.get("number"), "customer number").strip(),
        street=wire.text(address.get("street"), "street").strip(),
        zip=wire.text(address.get("zip"), "zip").strip(),
        city=wire.text(address.get("city"), "city").strip(),
        country=wire.text(address.get("countryCode"), "country").strip(),
        email=email,
        phone=phone,
        archived=wire.flag(data.get("archived"), "archived"),
    )


def is_customer(obj: Any) -> bool:
    roles = wire.opt_mapping(wire.mapping(obj, "a contact").get("roles"), "roles")
    return "customer" in roles


def normalise_voucher(obj: Any, kind: str = "orderconfirmation") -> RemoteOrder:
    """A voucherlist entry: a summary (``complete=False``); ``get_order`` adds the detail."""
    data = wire.mapping(obj, "a voucher")
    ident = wire.ident(data.get("id"), "a voucher")
    return RemoteOrder(
        integration=INTEGRATION,
        external_id=ident,
        number=wire.text(data.get("voucherNumber"), "voucher number").strip(),
        change_marker=wire.to_second(data.get("updatedDate")),
        kind=kind,
        contact_external_id=wire.opt_ident(data.get("contactId"), "voucher contact"),
        contact_name=wire.text(data.get("contactName"), "contact name").strip(),
        created=wire.timestamp(data.get("createdDate"), "createdDate", BERLIN),
        valid_from=wire.day(data.get("voucherDate"), "voucherDate", BERLIN),
        gross_amount=wire.decimal(data.get("totalAmount"), "totalAmount"),
        currency=wire.text(data.get("currency"), "currency").strip() or "EUR",
        status=wire.text(data.get("voucherStatus"), "voucher status"),
        complete=False,
    )


def related_ids(obj: Any, voucher_type: str) -> tuple[str, ...]:
    """Ids in ``relatedVouchers`` of one type (compared case-insensitively)."""
    data = wire.mapping(obj, "a document")
    result: list[str] = []
    for entry in wire.items(data.get("relatedVouchers"), "related vouchers"):
        rel = wire.mapping(entry, "a related voucher")
        if wire.text(rel.get("voucherType"), "voucher type").lower() == voucher_type:
            ident = wire.opt_ident(rel.get("id"), "a related voucher")
            if ident and ident not in result:
                result.append(ident)
    return tuple(result)


def normalise_order(obj: Any, kind: str = "orderconfirmation") -> RemoteOrder:
    """An order confirmation or quotation detail (complete, with its delivery-note ids)."""
    data = wire.mapping(obj, "an order")
    ident = wire.ident(data.get("id"), "an order")
    address = wire.opt_mapping(data.get("address"), "address")
    total = wire.opt_mapping(data.get("totalPrice"), "totalPrice")
    return RemoteOrder(
        integration=INTEGRATION,
        external_id=ident,
        number=wire.text(data.get("voucherNumber"), "voucher number").strip(),
        change_marker=wire.to_second(data.get("updatedDate")),
        kind=kind,
        title=wire.text(data.get("title"), "title").strip(),
        contact_external_id=wire.opt_ident(address.get("contactId"), "order contact"),
        contact_name=wire.text(address.get("name"), "address name").strip(),
        created=wire.timestamp(data.get("createdDate"), "createdDate", BERLIN),
        valid_from=wire.day(data.get("voucherDate"), "voucherDate", BERLIN),
        net_amount=wire.decimal(total.get("totalNetAmount"), "totalNetAmount"),
        gross_amount=wire.decimal(total.get("totalGrossAmount"), "totalGrossAmount"),
        currency=wire.text(total.get("currency"), "currency").strip() or "EUR",
        status=wire.text(data.get("voucherStatus"), "voucher status"),
        complete=True,
        related_delivery_note_ids=related_ids(data, DELIVERY),
    )


def normalise_delivery_note(obj: Any, order_id: str) -> RemoteDeliveryNote:
    """A delivery note, from a voucherlist entry or from its detail."""
    data = wire.mapping(obj, "a delivery note")
    ident = wire.ident(data.get("id"), "a delivery note")
    number = wire.text(data.get("voucherNumber"), "voucher number").strip()
    extra = {"voucherStatus": wire.text(data.get("voucherStatus"), "voucher status")}
    files = wire.opt_mapping(data.get("files"), "files")
    file_id = wire.opt_ident(files.get("documentFileId"), "document file")
    if file_id:
        extra["documentFileId"] = file_id
    return RemoteDeliveryNote(
        integration=INTEGRATION,
        external_id=ident,
        order_external_id=order_id,
        number=number,
        change_marker=wire.to_second(data.get("updatedDate")),
        remote_file_name=f"{number or ident}.pdf",
        extra=extra,
    )


def pdf_bytes(data: bytes, label: str = "lexware Office", cap: int = MAX_PDF_BYTES) -> bytes:
    """Raw PDF bytes, or the base64 text of a PDF (what ``/files`` sent for a JSON Accept)."""
    head = data.lstrip()[:8]
    if head.startswith(b"JVBER"):
        return decode_base64_pdf(data.strip(), label, "a delivery note", cap)
    return check_pdf(data, label, "a delivery note", cap)


# -- client ---------------------------------------------------------------------------------
class LexwareClient(BaseClient):
    """lexware Office, read-only."""

    integration = INTEGRATION
    label = "lexware Office"
    order_kinds = ORDER_KINDS
    supports_delivery_notes = True
    period_basis = "created"
    auth_scheme = "Bearer"
    token_hint = ("Create a new API key at app.lexware.de/addons/public-api and set it with "
                  "MWTUI_LEXWARE_TOKEN or in the config file.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._note_details: dict[str, tuple[str | None, Mapping[str, Any]]] = {}

    def make_limiter(self, clock: Clock, sleep: Sleep) -> Limiter:
        return SharedWindowLimiter("lexware", max_calls=2, period=1.0, margin=0.05,
                                   clock=clock, sleep=sleep)

    # -- plumbing ------------------------------------------------------------------------
    def _paged(self, path: str, params: Mapping[str, Any],
               first_page: Any = None) -> Iterator[Mapping[str, Any]]:
        page = 0
        budget: int | None = None
        while True:
            if budget is not None and page >= budget:
                raise self.over_budget(path, budget)
            body = first_page if (page == 0 and first_page is not None) else \
                self.http.get_json(path, {**params, "page": page, "size": PAGE_SIZE})
            with self.reading(path):
                content, last, total, number = page_of(body)
                entries = [wire.mapping(e, "a list entry") for e in content]
            if budget is None:  # from the first page's own totalElements
                budget = page_budget(total, PAGE_SIZE)
            yield from entries
            if last or not content or (number is not None and number != page):
                return
            page += 1

    def _vouchers(self, voucher_type: str, first: date | None, last: date | None,
                  extra: Mapping[str, str] | None = None) -> Iterator[Mapping[str, Any]]:
        """Voucherlist entries of one type created in ``[first, last]`` (days, inclusive);
        ``extra`` adds filters (``updatedDateFrom``, ``contactId``)."""
        seen: set[str] = set()
        for entry in self._voucher_range(voucher_type, first, last, extra=extra or {}):
            with self.reading("voucherlist"):
                ident = wire.ident(entry.get("id"), "a voucher")
                kind = wire.text(entry.get("voucherType"), "voucher type").lower()
            if ident in seen or kind != voucher_type:
                continue
            seen.add(ident)
            yield entry

    def _voucher_range(self, voucher_type: str, first: date | None, last: date | None,
                       splits: list[int] | None = None,
                       extra: Mapping[str, str] | None = None) -> Iterator[Mapping[str, Any]]:
        """Entries in ``[first, last]``; a range over MAX_RESULTS is halved, at most
        ``splits[0]`` more times (a budget set from the first reported total)."""
        params: dict[str, Any] = {"voucherType": voucher_type, "voucherStatus": "any",
                                  **(extra or {}), "sort": "voucherDate,DESC"}
        if first is not None:
            params["createdDateFrom"] = first.isoformat()
        if last is not None:
            params["createdDateTo"] = last.isoformat()
        body = self.http.get_json("/v1/voucherlist", {**params, "page": 0, "size": PAGE_SIZE})
        with self.reading("voucherlist"):
            _content, _last, total, _number = page_of(body)
        low = first or EPOCH
        high = last or (self._now().astimezone(BERLIN).date() + timedelta(days=1))
        if total is not None and total > MAX_RESULTS and low < high:
            if splits is None:
                splits = [split_budget(total, (high - low).days + 1, MAX_RESULTS)]
            if splits[0] <= 0:
                raise self.over_budget("vouchers", page_budget(total, PAGE_SIZE))
            splits[0] -= 1
            middle = low + (high - low) // 2
            yield from self._voucher_range(voucher_type, low, middle, splits, extra)
            yield from self._voucher_range(voucher_type, middle + timedelta(days=1), high,
                                           splits, extra)
            return
        yield from self._paged("/v1/voucherlist", params, first_page=body)

    # -- protocol ------------------------------------------------------------------------
    def account_info(self) -> str:
        body = self.http.get_json("/v1/profile")
        with self.reading("profile"):
            data = wire.mapping(body, "the profile")
            name = wire.text(data.get("companyName"), "company name").strip()
            org = wire.text(data.get("organizationId"), "organization").strip()
        return f"lexware Office account {name or org or '(unnamed)'} reached."

    def list_contacts(self) -> Iterator[RemoteContact]:
        """Customers (``customer=true``, re-checked); archived ones are dropped here."""
        for obj in self._paged("/v1/contacts", {"customer": "true"}):
            with self.reading("contacts"):
                if not is_customer(obj):
                    continue
                contact = normalise_contact(obj)
            if not contact.archived:
                yield contact

    def get_contact(self, external_id: str) -> RemoteContact | None:
        try:
            body = self.http.get_json(f"/v1/contacts/{external_id}")
        except NotFound:
            return None
        with self.reading("contact"):
            return normalise_contact(body)

    def list_orders(self, period: Period, kind: OrderKind = "orderconfirmation") -> Iterator[
        RemoteOrder
    ]:
        """Summaries from the voucherlist by ``createdDate`` (``complete=False``)."""
        if kind not in DETAIL_PATHS:
            raise ValueError(f"unknown order kind {kind!r}")
        window = period_window(period, self.tz, self._now())
        first = last = None
        if window.first_day is not None:
            # one day of slack on both sides: the server counts German days, we re-check
            first = window.first_day - timedelta(days=1)
            last = (window.last_day or window.first_day) + timedelta(days=1)
        for entry in self._vouchers(kind, first, last):
            with self.reading("voucherlist"):
                order = normalise_voucher(entry, kind)
            if window.contains(order.created):
                yield order

    def get_order(self, order: RemoteOrder) -> RemoteOrder:
        if order.complete:
            return order
        path = DETAIL_PATHS.get(order.kind, DETAIL_PATHS["orderconfirmation"])
        body = self.http.get_json(f"{path}/{order.external_id}")
        with self.reading(path):
            return normalise_order(body, order.kind)

    def _note_detail(self, ident: str, listed: str | None) -> Mapping[str, Any]:
        cached = self._note_details.get(ident)
        if cached is not None and listed is not None and cached[0] == listed:
            return cached[1]
        body = self.http.get_json(f"/v1/delivery-notes/{ident}")
        with self.reading("delivery note"):
            data = wire.mapping(body, "a delivery note")
            updated = wire.to_second(data.get("updatedDate"))
        self._note_details[ident] = (updated, data)
        return data

    def delivery_notes(self, orders: Sequence[RemoteOrder], known: Set[str] = frozenset(),
                       updated_since: datetime | None = None) -> list[RemoteDeliveryNote]:
        """Delivery notes of these orders not in ``known``.

        Orders whose detail names delivery notes in ``relatedVouchers`` use those ids; for
        the others (a summary, or a detail naming none) notes of the same contact that are
        not yet known are opened and kept when their own ``relatedVouchers`` point back to
        the order (a confirmation or a quotation). The notes come from the voucherlist,
        created since the oldest order and, with ``updated_since``, changed since then
        (``updatedDateFrom``, a German day); for at most :data:`FEW` contacts, one list
        per contact (``contactId``) instead of one over all notes.
        """
        fallback = [o for o in orders if not o.related_delivery_note_ids]
        linked = {i for o in orders for i in o.related_delivery_note_ids if i not in known}
        if not fallback and not linked:
            return []
        listed = self._listed_notes(orders, fallback, linked, updated_since)
        notes: dict[str, RemoteDeliveryNote] = {}
        for order in orders:
            for ident in order.related_delivery_note_ids:
                if ident in known or ident in notes:
                    continue
                entry = listed.get(ident)
                if entry is None:
                    try:
                        entry = self._note_detail(ident, None)
                    except NotFound:
                        continue
                with self.reading("delivery note"):
                    notes[ident] = normalise_delivery_note(entry, order.external_id)
        claimed = {i for o in orders for i in o.related_delivery_note_ids}
        self._match_fallback(fallback, listed, {*known, *claimed, *notes}, notes)
        return list(notes.values())

    def _listed_notes(self, orders: Sequence[RemoteOrder], fallback: Sequence[RemoteOrder],
                      linked: Set[str], updated_since: datetime | None
                      ) -> dict[str, Mapping[str, Any]]:
        """Voucherlist entries of the delivery notes that can belong to these orders."""
        created = [o.created for o in orders]
        first = None
        if created and all(c is not None for c in created):
            first = min(c for c in created if c is not None).astimezone(BERLIN).date() \
                - timedelta(days=1)
        extra: dict[str, str] = {}
        if updated_since is not None:
            extra["updatedDateFrom"] = updated_since.astimezone(BERLIN).date().isoformat()
        contacts = {o.contact_external_id for o in orders
                    if not o.related_delivery_note_ids or linked & set(o.related_delivery_note_ids)}
        lists: list[dict[str, str]] = [extra]
        if None not in contacts and len(contacts) <= FEW:
            # few contacts: one narrow list each (a linked note not in them is opened alone)
            lists = [{**extra, "contactId": str(c)} for c in sorted(map(str, contacts))]
        listed: dict[str, Mapping[str, Any]] = {}
        for params in lists:
            for entry in self._vouchers(DELIVERY, first, None, params):
                listed[wire.ident(entry.get("id"), "a voucher")] = entry
        return listed

    def _match_fallback(self, fallback: Sequence[RemoteOrder],
                        listed: Mapping[str, Mapping[str, Any]], skip: Set[str],
                        notes: dict[str, RemoteDeliveryNote]) -> None:
        """Open the listed notes of the fallback orders' contacts; keep those pointing back."""
        by_id = {o.external_id: o for o in fallback}
        contacts = {o.contact_external_id for o in fallback}
        for ident, entry in listed.items():
            if not by_id or ident in skip:
                continue
            with self.reading("voucherlist"):
                contact = wire.opt_ident(entry.get("contactId"), "voucher contact")
                listed_marker = wire.to_second(entry.get("updatedDate"))
            if contact not in contacts:
                continue
            try:
                detail = self._note_detail(ident, listed_marker)
            except NotFound:
                continue
            with self.reading("delivery note"):
                # a note made from a quotation names the quotation, not a confirmation
                for order_id in (*related_ids(detail, "orderconfirmation"),
                                 *related_ids(detail, "quotation")):
                    if order_id in by_id:
                        notes[ident] = normalise_delivery_note(detail, order_id)
                        break

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        """``/file`` (Accept: application/pdf); on 404/405/406/409 ``/document`` +
        ``/files/{id}`` (the deprecated route still renders drafts); only when both refuse
        is the note reported, with the operator's next step."""
        path = f"/v1/delivery-notes/{note.external_id}"
        refused: DocumentNotReady | None = None
        try:
            return pdf_bytes(self._pdf_request(f"{path}/file").content, self.label,
                             self.max_pdf_bytes)
        except DocumentNotReady as err:
            refused = err
        except NotFound:
            pass
        except RequestRejected as err:
            if err.status != 405:
                raise
        try:
            return self._via_document(path, note)
        except (NotFound, RequestRejected, DocumentNotReady):
            if refused is None:
                raise
            raise refused from None

    def _via_document(self, path: str, note: RemoteDeliveryNote) -> bytes:
        """The deprecated route: ``/document`` names a ``documentFileId`` for ``/files``."""
        file_id = note.extra.get("documentFileId")
        if not file_id:
            body = self.http.decode_json(self._pdf_request(f"{path}/document",
                                                           "application/json"))
            with self.reading("document"):
                file_id = wire.ident(wire.mapping(body, "the document").get("documentFileId"),
                                     "the document file")
        return pdf_bytes(self._pdf_request(f"/v1/files/{file_id}").content, self.label,
                         self.max_pdf_bytes)

    def _pdf_request(self, path: str, accept: str = "application/pdf") -> httpx.Response:
        try:
            return self.http.request("GET", path, accept=accept)
        except RequestRejected as err:
            if err.status in (406, 409):
                raise DocumentNotReady(
                    "lexware Office has no PDF for this delivery note yet (it is probably a "
                    "draft). Finalise it in lexware Office, then import again.",
                    integration=INTEGRATION, status=err.status) from None
            raise
