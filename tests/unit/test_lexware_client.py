"""lexware Office client against the reference payloads and the recorded responses."""

from __future__ import annotations

import base64
import copy
import itertools
import json
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from support.clients import (
    CANARY,
    FakeClock,
    Server,
    berlin,
    client_kwargs,
    json_response,
    load,
    raw,
    recording_body,
    setup_env,
)

from mwtui.importers.accounting import lexware
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import (
    DocumentNotReady,
    DocumentRefused,
    NotFound,
    TokenRejected,
    UnexpectedResponse,
)
from mwtui.importers.accounting.protocol import RemoteDeliveryNote, RemoteOrder

OC_ID = "d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a"
LS4 = "1a7c3e9b-4d2f-4a6e-b8c0-9e1f2d3c4b5a"
LS5 = "6e2b8d4f-0a9c-4e1b-9d7f-3c5a2b1e0f9d"
PDF = base64.b64decode(load("sevdesk/order_li_getpdf.json")["objects"]["content"])


@pytest.fixture
def env(monkeypatch):
    config = setup_env(monkeypatch, "lexware")
    server = Server()
    clock = FakeClock()

    def build(now=None):
        return make_client("lexware", config, server.transport(), **client_kwargs(clock, now))

    return server, clock, build


def page(content, number=0, last=True, total=None):
    return {"content": content, "first": number == 0, "last": last,
            "totalPages": number + 1, "totalElements": len(content) if total is None else total,
            "numberOfElements": len(content), "size": 250, "number": number, "sort": []}


def test_contacts_across_pages_customers_only_archived_dropped(env):
    server, _clock, build = env
    first = load("lexware-office/contacts-page.json")["content"]
    vendor = {**copy.deepcopy(first[1]), "id": "vendor-1", "roles": {"vendor": {"number": 7}}}
    second = load("recorded/lexware-office/contact_list_page.json")["content"]

    def handler(request):
        assert request.url.params["customer"] == "true"
        assert request.url.params["size"] == "250"
        n = int(request.url.params["page"])
        return json_response(page([*first, vendor], 0, last=False) if n == 0
                             else page(second, 1, last=True))

    server.add("/v1/contacts", handler)
    result = {c.external_id: c for c in build().list_contacts()}
    assert "e2d9f6a1-3c4b-4d5e-9f80-a1b2c3d4e5f6" not in result  # archived
    assert "vendor-1" not in result
    assert len(result) == 4
    company = result["8a3e5c1f-2b7d-4e9a-b6c4-1d2f3a4b5c6d"]
    assert (company.name, company.number, company.street, company.zip, company.city,
            company.country) == ("Nordlicht Möbelbau GmbH & Co. KG", "10001", "Hafenstraße 12",
                                 "20457", "Hamburg", "DE")
    assert company.email == "einkauf@nordlicht-moebel.example"
    assert company.phone == "+49 40 0000 1200" and company.change_marker == "4"
    person = result["c47b1e90-5a3d-4f2e-8b61-7d9c0e2a4f35"]
    assert person.name == "Jana Beispiel" and person.phone == "+49 170 0000000"
    assert [r.url.params["page"] for r in server.requests] == ["0", "1"]
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY}"


def _voucher_handler(seen, entries):
    def handler(request):
        seen.append(dict(request.url.params))
        return json_response(page(entries))
    return handler


def _voucher(ident, created, number="AB9", kind="orderconfirmation"):
    entry = copy.deepcopy(load("lexware-office/voucherlist-orderconfirmation-page.json")
                          ["content"][1])
    return entry | {"id": ident, "createdDate": created, "voucherNumber": number,
                    "voucherType": kind}


@pytest.mark.parametrize(("now", "period", "sent", "inside", "outside"), [
    (berlin(2026, 3, 29, 20), "today", ("2026-03-28", "2026-03-30"),
     "2026-03-29T00:10:00.000+01:00", "2026-03-28T23:50:00.000+01:00"),
    (berlin(2026, 10, 25, 20), "today", ("2026-10-24", "2026-10-26"),
     "2026-10-25T23:59:00.000+01:00", "2026-10-26T00:00:00.000+01:00"),
    (berlin(2026, 4, 2, 9), "week", ("2026-03-29", "2026-04-03"),
     "2026-03-30T00:00:00.000+02:00", "2026-03-29T23:59:59.000+02:00"),
    (berlin(2026, 3, 12, 9), "month", ("2026-02-28", "2026-03-13"),
     "2026-03-01T08:00:00.000+01:00", "2026-02-28T08:00:00.000+01:00"),
])
def test_periods_by_created_date(env, now, period, sent, inside, outside):
    server, _clock, build = env
    seen: list = []
    server.add("/v1/voucherlist", _voucher_handler(
        seen, [_voucher("in", inside), _voucher("out", outside),
               _voucher("q", inside, kind="quotation")]))
    orders = list(build(now=now).list_orders(period))
    assert [o.external_id for o in orders] == ["in"]
    params = seen[0]
    assert (params["createdDateFrom"], params["createdDateTo"]) == sent
    assert params["voucherType"] == "orderconfirmation" and params["voucherStatus"] == "any"
    assert params["sort"] == "voucherDate,DESC"
    assert orders[0].complete is False


def test_summary_then_detail(env):
    server, _clock, build = env
    server.add("/v1/voucherlist", json_response(
        load("lexware-office/voucherlist-orderconfirmation-page.json")))
    server.add(f"/v1/order-confirmations/{OC_ID}", json_response(
        load("lexware-office/order-confirmation.json")))
    client = build(now=berlin(2026, 3, 12, 9))
    summaries = {o.number: o for o in client.list_orders("month")}
    assert set(summaries) == {"AB0007", "AB0008"}
    summary = summaries["AB0007"]
    assert summary.change_marker == "2026-03-10T11:03:55+01:00"
    assert summary.gross_amount == Decimal("1823.08") and summary.contact_name
    full = client.get_order(summary)
    assert full.complete and full.net_amount == Decimal("1532.0")
    assert full.related_delivery_note_ids == (LS4, LS5)
    assert full.contact_external_id == "8a3e5c1f-2b7d-4e9a-b6c4-1d2f3a4b5c6d"
    assert client.get_order(full) is full


def test_quotations(env):
    server, _clock, build = env
    seen: list = []
    entries = load("lexware-office/voucherlist-quotation-page.json")["content"]
    server.add("/v1/voucherlist", _voucher_handler(seen, entries))
    server.add("/v1/quotations/5b9d2c7e-1f4a-4e3b-a8d6-0c9e7f1a2b3c",
               json_response(load("lexware-office/quotation.json")))
    client = build(now=berlin(2026, 3, 12))
    quotes = list(client.list_orders("all", "quotation"))
    assert "createdDateFrom" not in seen[0] and seen[0]["voucherType"] == "quotation"
    assert [q.number for q in quotes] == ["AG0013", "AG0012", "AG0011"]
    detail = client.get_order(quotes[1])
    assert detail.kind == "quotation" and detail.related_delivery_note_ids == ()


def test_long_ranges_are_split_below_the_result_limit(env):
    server, _clock, build = env
    ranges: list[tuple[date, date]] = []

    def handler(request):
        params = request.url.params
        first = date.fromisoformat(params.get("createdDateFrom", "2010-01-01"))
        last = date.fromisoformat(params.get("createdDateTo", "2026-03-13"))
        total = ((last - first).days + 1) * 10  # ten documents a day
        if total <= lexware.MAX_RESULTS:
            ranges.append((first, last))
            return json_response(page([_voucher(f"v{first}", f"{first}T09:00:00.000+01:00")],
                                      total=total))
        assert params["page"] == "0"
        return json_response(page([], last=False, total=total))

    server.add("/v1/voucherlist", handler)
    orders = list(build(now=berlin(2026, 3, 12, 9)).list_orders("all"))
    ranges.sort()
    assert ranges[0][0] == lexware.EPOCH and ranges[-1][1] == date(2026, 3, 13)
    for (_a, b), (c, _d) in itertools.pairwise(ranges):
        assert c == b + timedelta(days=1)  # contiguous, no overlap, no gap
    assert all(((b - a).days + 1) * 10 <= lexware.MAX_RESULTS for a, b in ranges)
    assert len(orders) == len(ranges)


def test_delivery_notes_from_related_vouchers_list_only(env):
    server, _clock, build = env
    server.add("/v1/voucherlist", json_response(
        load("lexware-office/voucherlist-deliverynote-page.json")))
    client = build(now=berlin(2026, 3, 12))
    order = lexware.normalise_order(load("lexware-office/order-confirmation.json"))
    notes = client.delivery_notes([order])
    assert sorted((n.number, n.order_external_id) for n in notes) == [
        ("LS0004", OC_ID), ("LS0005", OC_ID)]
    assert server.paths() == ["/v1/voucherlist"]
    params = server.requests[0].url.params
    assert params["voucherType"] == "deliverynote" and params["createdDateFrom"] == "2026-03-05"
    note = next(n for n in notes if n.number == "LS0004")
    assert note.change_marker == "2026-03-10T11:04:02+01:00"
    assert params["contactId"] == order.contact_external_id  # narrowed to its contact
    assert client.delivery_notes([order], known={LS4, LS5}) == []
    assert server.paths() == ["/v1/voucherlist"]  # every linked note known: nothing asked


def _notes_of_contact(request: httpx.Request) -> httpx.Response:
    """The documented delivery-note page, filtered by ``contactId`` like the voucherlist."""
    page = load("lexware-office/voucherlist-deliverynote-page.json")
    wanted = request.url.params.get("contactId")
    page["content"] = [e for e in page["content"] if not wanted or e["contactId"] == wanted]
    return json_response(page)


def test_delivery_notes_fallback_reads_details_once(env):
    server, _clock, build = env
    server.add("/v1/voucherlist", _notes_of_contact)
    detail4 = load("lexware-office/delivery-note.json")
    detail5 = {**copy.deepcopy(detail4), "id": LS5, "voucherNumber": "LS0005",
               "updatedDate": "2026-03-11T14:22:08.017+01:00"}
    detail5.pop("files")
    server.add(f"/v1/delivery-notes/{LS4}", json_response(detail4))
    server.add(f"/v1/delivery-notes/{LS5}", json_response(detail5))
    summary = lexware.normalise_voucher(
        load("lexware-office/voucherlist-orderconfirmation-page.json")["content"][1])
    other = lexware.normalise_voucher(
        load("lexware-office/voucherlist-orderconfirmation-page.json")["content"][0])
    client = build(now=berlin(2026, 3, 12))
    notes = client.delivery_notes([summary, other])
    assert sorted(n.number for n in notes) == ["LS0004", "LS0005"]
    assert {n.order_external_id for n in notes} == {OC_ID}
    assert next(n for n in notes if n.number == "LS0004").extra["documentFileId"] == \
        "3d5f7b9c-1e2a-4c4d-8f6b-0a9b8c7d6e5f"
    assert sorted(server.paths()) == sorted(["/v1/voucherlist"] * 2 + [
        f"/v1/delivery-notes/{LS4}", f"/v1/delivery-notes/{LS5}"])
    # two contacts: one narrow list each (the voucherlist's contactId filter)
    assert sorted(r.url.params["contactId"] for r in server.requests
                  if r.url.path == "/v1/voucherlist") == sorted(
        [summary.contact_external_id, other.contact_external_id])
    before = len(server.requests)
    assert client.delivery_notes([summary], known={LS4, LS5}) == []
    assert server.paths()[before:] == ["/v1/voucherlist"]  # re-import: lists only


def test_pdf_download_file_endpoint(env):
    server, _clock, build = env
    server.add(f"/v1/delivery-notes/{LS4}/file", httpx.Response(
        200, content=PDF, headers={"Content-Type": "application/pdf",
                                   "Content-Disposition": "inline; filename=Lieferschein.pdf;"}))
    data = build().download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))
    assert data == PDF
    assert server.requests[0].headers["accept"] == "application/pdf"


def test_pdf_download_fallback_with_base64_quirk(env):
    server, _clock, build = env
    server.add(f"/v1/delivery-notes/{LS4}/file", json_response({"message": "x"}, 404))
    server.add(f"/v1/delivery-notes/{LS4}/document",
               json_response(load("lexware-office/delivery-note-document.json")))
    server.add("/v1/files/3d5f7b9c-1e2a-4c4d-8f6b-0a9b8c7d6e5f", httpx.Response(
        200, content=base64.b64encode(PDF), headers={"Content-Type": "application/pdf"}))
    data = build().download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))
    assert data == PDF
    assert server.paths()[-1] == "/v1/files/3d5f7b9c-1e2a-4c4d-8f6b-0a9b8c7d6e5f"


def test_recorded_document_and_file_download(env):
    server, _clock, build = env
    cassette = load("recorded/lexware-office/document_and_file_download.recording.json")
    doc, files = (i["response"] for i in cassette["http_interactions"])
    file_id = json.loads(doc["body"]["string"])["documentFileId"]
    server.add(f"/v1/delivery-notes/{LS4}/file", json_response({}, 405))
    server.add(f"/v1/delivery-notes/{LS4}/document",
               json_response(doc["body"]["string"].encode()))
    server.add(f"/v1/files/{file_id}", httpx.Response(
        200, content=files["body"]["string"].encode(),
        headers={"Content-Type": "application/pdf"}))
    # the source truncated the PDF to its header, so only the start can be checked
    data = build().download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))
    assert data.startswith(b"%PDF-1.4")


@pytest.mark.parametrize(("file_status", "status"), [(409, 409), (406, 406), (404, 406)])
def test_draft_pdf_is_not_ready(env, file_status, status):
    """Only when /file and /document both refuse is the note reported as a draft."""
    server, _clock, build = env
    _status, headers, body = recording_body(
        "recorded/lexware-office/error_406_document_of_draft.recording.json")
    server.add(f"/v1/delivery-notes/{LS4}/file",
               httpx.Response(file_status, headers=headers, content=body))
    server.add(f"/v1/delivery-notes/{LS4}/document",
               httpx.Response(status, headers=headers, content=body))
    with pytest.raises(DocumentNotReady, match="draft"):
        build().download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))


def test_non_pdf_attachment_refused(env):
    server, _clock, build = env
    server.add(f"/v1/delivery-notes/{LS4}/file", httpx.Response(
        200, content=b"PK\x03\x04 a zip file", headers={"Content-Type": "application/pdf"}))
    with pytest.raises(DocumentRefused, match="not a PDF"):
        build().download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))


def test_oversized_attachment_refused(env):
    server, _clock, build = env
    server.add(f"/v1/delivery-notes/{LS4}/file", httpx.Response(
        200, content=b"%PDF-1.4" + b"0" * 5000, headers={"Content-Type": "application/pdf"}))
    client = build()
    client.max_pdf_bytes = 4096
    with pytest.raises(DocumentRefused, match="more than"):
        client.download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID))


def test_429_then_success_and_500_then_success(env):
    server, clock, build = env
    server.add("/v1/profile",
               json_response(load("lexware-office/error-429.json"), 429, {"Retry-After": "4"}),
               json_response({"message": None}, 500),
               json_response({"companyName": "Nordlicht Möbelbau GmbH & Co. KG",
                              "organizationId": "4f0c1a52"}))
    assert "Nordlicht" in build().account_info()
    assert 4.0 in clock.sleeps and len(server.requests) == 3


def test_401_recorded_gives_token_message(env):
    server, _clock, build = env
    for name in ("error_401", "error_401_trailing_newline"):
        status, headers, body = recording_body(f"recorded/lexware-office/{name}.recording.json")
        server.add("/v1/contacts/x", httpx.Response(status, headers=headers, content=body))
        with pytest.raises(TokenRejected, match="Unauthorized") as info:
            build().get_contact("x")
        assert "MWTUI_LEXWARE_TOKEN" in str(info.value)


def test_403_echoing_the_header_never_shows_the_token(env):
    server, _clock, build = env
    server.add("/v1/profile", json_response({"message": (
        f"'Bearer {CANARY}' not a valid key=value pair (missing equal-sign) in "
        "Authorization header")}, 403))
    with pytest.raises(TokenRejected) as info:
        build().account_info()
    assert CANARY not in str(info.value) and "********" in str(info.value)


def test_malformed_json_and_html(env):
    server, _clock, build = env
    server.add("/v1/profile", httpx.Response(200, content=b"{\"companyName\": ",
                                             headers={"Content-Type": "application/json"}))
    with pytest.raises(UnexpectedResponse, match="not valid JSON"):
        build().account_info()
    server.add("/v1/profile", httpx.Response(200, content=b"\n  <html><body>502</body></html>",
                                             headers={"Content-Type": "text/html"}))
    with pytest.raises(UnexpectedResponse, match="web page"):
        build().account_info()
    server.add("/v1/contacts", json_response({"items": []}))
    with pytest.raises(UnexpectedResponse, match="content"):
        list(build().list_contacts())


def test_not_found_contact_is_none(env):
    server, _clock, build = env
    server.add("/v1/contacts/gone", json_response(load("lexware-office/error-404.json"), 404))
    assert build().get_contact("gone") is None
    server.add("/v1/order-confirmations/gone", json_response(
        load("lexware-office/error-404.json"), 404))
    with pytest.raises(NotFound):
        build().get_order(RemoteOrder("lexware", "gone", "AB1", complete=False))


def test_recorded_bodies_parse():
    contact = lexware.normalise_contact(
        json.loads(raw("recorded/lexware-office/contact_single_company.json")))
    assert contact.name == "Muster-Design Werk GbR" and contact.number == "10002"
    assert contact.street == "Probestraße 1" and contact.change_marker == "1"
    status, _headers, body = recording_body(
        "recorded/lexware-office/contact_single_company.recording.json")
    assert status == 200 and lexware.normalise_contact(json.loads(body)) == contact
    content, last, total, number = lexware.page_of(
        load("recorded/lexware-office/contact_list_page.json"))
    assert last and total == 2 and number == 0
    assert [lexware.normalise_contact(c).email for c in content] == ["info@acme.example"] * 2
    draft = lexware.normalise_order(json.loads(
        raw("recorded/lexware-office/invoice_single_draft.json"), parse_float=Decimal))
    assert draft.net_amount == Decimal("100.00") and draft.contact_external_id is None
    assert draft.related_delivery_note_ids == ()
    assert json.loads(raw("recorded/lexware-office/invoice_document.json"))["documentFileId"]
    assert lexware.normalise_delivery_note(
        load("lexware-office/delivery-note.json"), OC_ID).extra["voucherStatus"] == "open"
    # e-mail groups sometimes hold a bare string instead of a list (live shapes)
    odd = {"id": "1", "person": {"lastName": "X"}, "emailAddresses": {"office": "a@b.example"}}
    assert lexware.normalise_contact(odd).email == "a@b.example"
