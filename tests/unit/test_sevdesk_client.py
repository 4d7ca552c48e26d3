"""sevDesk client against the reference payloads and the recorded responses."""

from __future__ import annotations

import base64
import copy
import json
from decimal import Decimal

import httpx
import pytest
from support.clients import (
    BASE,
    CANARY,
    FakeClock,
    Server,
    berlin,
    client_kwargs,
    json_response,
    load,
    raw,
    setup_env,
)

from mwtui.importers.accounting import sevdesk
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import (
    DocumentRefused,
    NotFound,
    RequestRejected,
    ServerError,
    TokenRejected,
    UnexpectedResponse,
)
from mwtui.importers.accounting.protocol import AccountingClient, RemoteDeliveryNote, RemoteOrder


@pytest.fixture
def env(monkeypatch):
    config = setup_env(monkeypatch, "sevdesk")
    server = Server()
    clock = FakeClock()

    def build(now=None):
        return make_client("sevdesk", config, server.transport(), **client_kwargs(clock, now))

    return server, clock, build


def paged(objects, page_size):
    """A handler serving ``objects`` by limit/offset like sevDesk does."""

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        assert limit == page_size
        return json_response({"total": str(len(objects)),
                              "objects": objects[offset:offset + limit]})

    return handler


def test_contacts_across_pages_with_addresses_and_communication(env, monkeypatch):
    server, _clock, build = env
    monkeypatch.setattr(sevdesk, "PAGE_SIZE", 2)
    contacts = load("sevdesk/contact_list_page.json")["objects"]
    supplier = {**copy.deepcopy(contacts[0]), "id": "81234599",
                "category": {"id": "2", "objectName": "Category"}}  # server ignored filter
    server.add("/api/v1/Contact", paged([*contacts, supplier], 2))
    server.add("/api/v1/ContactAddress",
               paged(load("sevdesk/contact_address_list.json")["objects"], 2))
    server.add("/api/v1/CommunicationWay",
               paged(load("sevdesk/communication_way_list.json")["objects"], 2))
    server.add("/api/v1/StaticCountry",
               paged(load("sevdesk/static_country_list.json")["objects"], 2))
    client = build()
    assert isinstance(client, AccountingClient)
    result = {c.external_id: c for c in client.list_contacts()}

    assert set(result) == {"81234501", "81234502", "81234503"}
    org = result["81234501"]
    assert (org.name, org.number, org.street, org.zip, org.city) == (
        "Beispielbau Nord GmbH", "1001", "Hafenstraße 12", "20457", "Hamburg")
    assert org.email == "buero@beispielbau-nord.example"
    assert org.phone == "+49 0000 100101"
    assert org.change_marker == "2025-05-20T14:03:10+02:00"
    person = result["81234502"]
    assert person.name == "Lena Probst"
    assert person.phone == "+49 0000 200202"  # MOBILE when there is no PHONE
    assert result["81234503"].name == "Tom Kessler"
    assert result["81234503"].street == ""  # no address, nothing invented
    first = server.requests[0].url.params
    assert first["depth"] == "1" and first["category[id]"] == "3"
    assert first["category[objectName]"] == "Category"
    assert server.requests[0].headers["authorization"] == CANARY  # raw token, no Bearer
    offsets = [r.url.params["offset"] for r in server.requests
               if r.url.path == "/api/v1/Contact"]
    assert offsets == ["0", "2", "4"]
    # one list per resource: never one request per contact
    assert {p for p in server.paths()} == {"/api/v1/Contact", "/api/v1/ContactAddress",
                                           "/api/v1/CommunicationWay", "/api/v1/StaticCountry"}
    assert org.country == "DE"


def test_get_contact_and_not_found(env):
    server, _clock, build = env
    server.add("/api/v1/Contact/138615465", json_response(
        json.loads(raw("recorded/sevdesk/contact_single.json"))))
    server.add("/api/v1/ContactAddress", json_response(
        json.loads(raw("recorded/sevdesk/contact_address_list.json"))))
    server.add("/api/v1/CommunicationWay", json_response(
        json.loads(raw("recorded/sevdesk/communication_way_list.json"))))
    server.add("/api/v1/Contact/99", json_response(
        load("recorded/sevdesk/error_404.json"), status=404))
    client = build()
    contact = client.get_contact("138615465")
    assert contact is not None and contact.name == "Probe Practice GmbH PROBE-R1"
    assert contact.number == "1000"
    assert client.get_contact("99") is None


def _orders_handler(seen):
    listing = load("sevdesk/order_ab_list_page.json")["objects"]
    stray = {**copy.deepcopy(listing[0]), "id": "1", "create": "2025-01-01T10:00:00+01:00"}
    li = {**copy.deepcopy(listing[1]), "id": "2", "orderType": "LI"}

    def handler(request):
        seen.append(dict(request.url.params))
        return json_response({"objects": [*listing, stray, li]})  # filters ignored

    return handler


def test_week_matches_reference_example_and_rechecks_filters(env):
    server, _clock, build = env
    seen: list[dict] = []
    server.add("/api/v1/Order", _orders_handler(seen))
    orders = list(build(now=berlin(2026, 3, 15, 12)).list_orders("week"))
    assert seen[0]["orderType"] == "AB"
    assert seen[0]["createAfter"] == "1773010799" and seen[0]["createBefore"] == "1773615600"
    assert [o.number for o in orders] == ["AB-1118", "AB-1119"]
    first = orders[0]
    assert first.net_amount == Decimal("626") and first.gross_amount == Decimal("744.94")
    assert first.contact_external_id == "81234501" and first.status == "sent"
    assert first.change_marker == "2026-03-12T08:15:05+01:00" and first.complete
    assert str(first.valid_from) == "2026-03-10"


@pytest.mark.parametrize(("now", "period", "after", "before"), [
    # spring DST change: a 23-hour day
    (berlin(2026, 3, 29, 18), "today", 1774738800 - 1, 1774821600),
    # autumn DST change: a 25-hour day
    (berlin(2026, 10, 25, 9), "today", 1792879200 - 1, 1792969200),
    # a week from March into April (Monday 30 March .. Thursday 2 April)
    (berlin(2026, 4, 2, 10), "week", 1774821600 - 1, 1775167200),
    (berlin(2026, 3, 31, 23, 59), "month", 1772319600 - 1, 1774994400),
])
def test_period_windows_in_business_time(env, now, period, after, before):
    server, _clock, build = env
    seen: list[dict] = []
    server.add("/api/v1/Order", lambda r: (seen.append(dict(r.url.params)),
                                           json_response({"objects": []}))[1])
    assert list(build(now=now).list_orders(period)) == []
    assert int(seen[0]["createAfter"]) == after and int(seen[0]["createBefore"]) == before
    if period == "today":
        assert before - after - 1 in (23 * 3600, 25 * 3600)


def test_all_sends_no_date_filter_and_edge_of_window(env):
    server, _clock, build = env
    seen: list[dict] = []
    server.add("/api/v1/Order", _orders_handler(seen))
    orders = list(build(now=berlin(2026, 3, 15, 12)).list_orders("all"))
    assert "createAfter" not in seen[0]
    assert {o.external_id for o in orders} == {"24680011", "24680012", "1"}
    # an order created 23:30 on the last day of the window counts; 00:00 next day not
    listing = load("sevdesk/order_ab_list_page.json")["objects"]
    inside = {**listing[0], "id": "7", "create": "2026-03-29T23:30:00+02:00"}
    outside = {**listing[0], "id": "8", "create": "2026-03-30T00:00:00+02:00"}
    server.add("/api/v1/Order", json_response({"objects": [inside, outside]}))
    today = list(build(now=berlin(2026, 3, 29, 23, 45)).list_orders("today"))
    assert [o.external_id for o in today] == ["7"]


def test_delivery_notes_grouped_by_origin(env):
    server, _clock, build = env
    notes = load("sevdesk/order_li_list_by_origin.json")["objects"]
    other = {**copy.deepcopy(notes[0]), "id": "5", "origin": {"id": "777",
                                                              "objectName": "Order"}}
    no_origin = {k: v for k, v in notes[0].items() if k != "origin"} | {"id": "6"}
    invoice_origin = {**copy.deepcopy(notes[0]), "id": "9",
                      "origin": {"id": "24680011", "objectName": "Invoice"}}
    ab = {**copy.deepcopy(notes[0]), "id": "10", "orderType": "AB"}
    server.add("/api/v1/Order", json_response(
        {"objects": [*notes, other, no_origin, invoice_origin, ab]}))
    client = build()
    order = RemoteOrder("sevdesk", "24680011", "AB-1118",
                        created=berlin(2026, 3, 10, 9, 41))
    found = client.delivery_notes([order])
    assert [(n.external_id, n.number, n.order_external_id) for n in found] == [
        ("24680031", "LI-1042", "24680011"), ("24680032", "LI-1043", "24680011")]
    assert found[0].remote_file_name == "LI-1042.pdf"
    assert found[0].change_marker == "2026-03-12T08:20:40+01:00"
    assert server.requests[0].url.params["orderType"] == "LI"
    # a re-import with everything known: still only the one list request, nothing new
    before = len(server.requests)
    assert client.delivery_notes([order], known={"24680031", "24680032"}) == []
    assert len(server.requests) == before + 1
    assert client.delivery_notes([]) == []


def test_pdf_download_always_prevents_send(env):
    server, _clock, build = env
    server.add("/api/v1/Order/24680031/getPdf", json_response(load("sevdesk/order_li_getpdf.json")))
    data = build().download_delivery_note(RemoteDeliveryNote("sevdesk", "24680031", "24680011"))
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert server.requests[0].url.params["preventSendBy"] == "true"


def test_pdf_keys_read_case_insensitively_and_raw_pdf_accepted():
    answer = load("sevdesk/order_li_getpdf.json")["objects"]
    spec_spelling = {"objects": {"mimeType": "application/pdf", "base64encoded": "1",
                                 "Content": answer["content"], "filename": "x.pdf"}}
    assert sevdesk.pdf_from_answer(spec_spelling).startswith(b"%PDF-")
    assert sevdesk.pdf_from_answer({"objects": [answer]}).startswith(b"%PDF-")


def test_non_pdf_attachment_refused(env):
    server, _clock, build = env
    fake = base64.b64encode(b"<html>not a pdf</html>").decode()
    server.add("/api/v1/Order/1/getPdf", json_response(
        {"objects": {"content": fake, "base64Encoded": True}}))
    with pytest.raises(DocumentRefused, match="not a PDF"):
        build().download_delivery_note(RemoteDeliveryNote("sevdesk", "1", "2"))


def test_error_with_http_200_is_an_error(env):
    server, _clock, build = env
    server.add("/api/v1/Order/99999999", json_response(load("sevdesk/error_404_not_found.json")))
    server.add("/api/v1/Contact", json_response(
        {"error": {"message": "Offline account", "code": None, "responseCode": 422},
         "objects": None}))
    client = build()
    with pytest.raises(NotFound):
        client.get_order(RemoteOrder("sevdesk", "99999999", "X", complete=False))
    with pytest.raises(RequestRejected, match="Offline account"):
        list(client.list_contacts())


def test_retry_after_then_success_and_500_then_success(env):
    server, clock, build = env
    ok = json_response({"objects": []})
    server.add("/api/v1/Order", json_response({}, 429, {"Retry-After": "3"}),
               json_response({"message": "boom"}, 500), ok)
    assert list(build(now=berlin(2026, 3, 15)).list_orders("today")) == []
    assert len(server.requests) == 3
    assert 3.0 in clock.sleeps  # Retry-After honoured
    assert sum(clock.sleeps) < 20


def test_persistent_500_gives_server_error(env):
    server, _clock, build = env
    server.add("/api/v1/Order", json_response({"message": None}, 500))
    with pytest.raises(ServerError, match="gave up after 4 attempts"):
        list(build(now=berlin(2026, 3, 15)).list_orders("today"))


def test_401_gives_token_message(env):
    server, _clock, build = env
    server.add("/api/v1/Contact", json_response({"message": "Authentication required"}, 401))
    with pytest.raises(TokenRejected) as info:
        build().account_info()
    text = str(info.value)
    assert "token" in text and "MWTUI_SEVDESK_TOKEN" in text and CANARY not in text
    assert len(server.requests) == 1  # never retried


def test_malformed_json_and_html_pages(env):
    server, _clock, build = env
    server.add("/api/v1/Contact", httpx.Response(200, content=b'{"objects": [',
                                                 headers={"Content-Type": "application/json"}))
    with pytest.raises(UnexpectedResponse, match="not valid JSON"):
        build().account_info()
    server.add("/api/v1/Contact", httpx.Response(
        200, content=b"<!DOCTYPE html><html><body>Wartung</body></html>",
        headers={"Content-Type": "text/html"}))
    with pytest.raises(UnexpectedResponse, match="web page") as info:
        build().account_info()
    assert BASE in str(info.value)
    server.add("/api/v1/Contact", json_response({"objects": "nonsense"}))
    with pytest.raises(UnexpectedResponse, match="cannot read"):
        build().account_info()


def test_account_info_names_the_client(env):
    server, _clock, build = env
    server.add("/api/v1/Contact", json_response(
        json.loads(raw("recorded/sevdesk/contact_list_by_customer_number.json"))))
    assert "1303847" in build().account_info()


@pytest.mark.parametrize("name", [
    "recorded/sevdesk/contact_single.json",
    "recorded/sevdesk/contact_list_by_customer_number.json",
    "recorded/sevdesk/contact_list_excerpt_2022.json",
])
def test_recorded_contacts_parse(name):
    for obj in sevdesk.objects_of(json.loads(raw(name))):
        contact = sevdesk.normalise_contact(obj)
        assert contact.external_id and contact.name


def test_recorded_children_and_orders_parse():
    addresses = sevdesk.objects_of(load("recorded/sevdesk/contact_address_list.json"))
    addresses += sevdesk.objects_of(load("recorded/sevdesk/contact_address_list_excerpt_2022.json"))
    single = sevdesk.objects_of(load("recorded/sevdesk/contact_address_create_response.json"))
    ways = sevdesk.objects_of(load("recorded/sevdesk/communication_way_list.json"))
    ways += sevdesk.objects_of(load("recorded/sevdesk/communication_way_create_response.json"))
    ways.append(load("recorded/sevdesk/communication_way_item_phone_2022.json"))
    contact = sevdesk.normalise_contact(
        load("recorded/sevdesk/contact_single.json")["objects"][0], single, ways)
    assert contact.street == "Probestrasse 1" and contact.email.endswith("@example.com")
    assert contact.phone == "0123-4567890"
    assert sevdesk.normalise_contact({"id": 5, "surename": "A"}, addresses).street
    order = sevdesk.normalise_order(
        load("recorded/sevdesk/order_an_with_positions_excerpt.json")["objects"][0])
    assert order.kind == "quotation" and order.gross_amount == Decimal("309.4")
    assert order.number == "Musterhandel GmbH AN-1021"
    with pytest.raises(NotFound):
        sevdesk.objects_of(load("recorded/sevdesk/error_404.json"))
    # the recorded invoice PDF was truncated by its source but starts like a PDF
    assert sevdesk.pdf_from_answer(load("recorded/sevdesk/getpdf_invoice.json"))[:5] == b"%PDF-"
