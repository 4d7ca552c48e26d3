"""First contact with real accounts (issue 14), fed from documented payload shapes.

Where each payload's shape comes from is listed in tests/fixtures/reference/ADDENDUM.md.
"""

from __future__ import annotations

import base64
import copy

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
    recording_body,
    setup_env,
)

from mwtui.importers.accounting import lexware
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import UnexpectedResponse
from mwtui.importers.accounting.protocol import RemoteDeliveryNote
from mwtui.importers.accounting.ratelimit import IntervalLimiter
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError

LS4 = "1a7c3e9b-4d2f-4a6e-b8c0-9e1f2d3c4b5a"
OC_ID = "d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a"
PDF = base64.b64decode(load("sevdesk/order_li_getpdf.json")["objects"]["content"])


def built(monkeypatch, name: str, server: Server, clock: FakeClock, **extra):
    config = setup_env(monkeypatch, name, tz="Europe/Zurich" if name == "bexio" else
                       "Europe/Berlin")
    return make_client(name, config, server.transport(), **{**client_kwargs(clock), **extra})


# -- 1. bexio currencies --------------------------------------------------------------------
def test_bexio_order_in_euro_keeps_its_currency_and_unknown_id_is_an_item_error(monkeypatch):
    orders = load("bexio/kb_order_list_page.json")
    orders[1]["currency_id"] = 2          # EUR in the documented currency list
    orders[2]["currency_id"] = 42         # not in the list
    server = Server()
    server.add("/3.0/currencies", json_response(load("bexio/currencies.json")))
    server.add("/2.0/kb_order", json_response(orders))
    client = built(monkeypatch, "bexio", server, FakeClock())
    result = {o.number: o for o in client.list_orders("all")}
    assert result["AU-00057"].currency == "CHF"
    assert result["AU-00058"].currency == "EUR"
    assert client.get_order(result["AU-00058"]) is result["AU-00058"]
    with pytest.raises(UnexpectedResponse, match=r"AU-00059.*currencies"):
        client.get_order(result["AU-00059"])
    list(client.list_orders("all"))
    assert server.paths().count("/3.0/currencies") == 1  # read once per import


# -- 2. sevDesk countries -------------------------------------------------------------------
def test_sevdesk_austrian_contact_gets_its_iso_code(monkeypatch):
    contact = load("sevdesk/contact_list_page.json")["objects"][0]
    address = copy.deepcopy(load("sevdesk/contact_address_list.json")["objects"][0])
    address.update({"street": "Mariahilfer Straße 1", "zip": "1060", "city": "Wien",
                    "contact": {"id": contact["id"], "objectName": "Contact"},
                    "country": {"id": "2", "objectName": "StaticCountry"}})
    server = Server()
    server.add("/api/v1/Contact", json_response({"objects": [contact]}))
    server.add("/api/v1/ContactAddress", json_response({"objects": [address]}))
    server.add(f"/api/v1/Contact/{contact['id']}", json_response({"objects": [contact]}))
    server.add("/api/v1/CommunicationWay", json_response({"objects": []}))
    server.add("/api/v1/StaticCountry",
               json_response(load("sevdesk/static_country_list.json")))
    client = built(monkeypatch, "sevdesk", server, FakeClock())
    [found] = list(client.list_contacts())
    assert (found.city, found.country) == ("Wien", "AT")
    assert client.get_contact(contact["id"]).country == "AT"  # one country list per import
    assert server.paths().count("/api/v1/StaticCountry") == 1


# -- 3. lexware /file refuses a draft, /document renders it ----------------------------------
@pytest.mark.parametrize("status", [406, 409])
def test_lexware_file_refusal_falls_back_to_document_and_files(monkeypatch, status):
    _status, headers, body = recording_body(
        "recorded/lexware-office/error_406_document_of_draft.recording.json")
    server = Server()
    server.add(f"/v1/delivery-notes/{LS4}/file",
               httpx.Response(status, headers=headers, content=body))
    server.add(f"/v1/delivery-notes/{LS4}/document",
               json_response(load("lexware-office/delivery-note-document.json")))
    server.add("/v1/files/3d5f7b9c-1e2a-4c4d-8f6b-0a9b8c7d6e5f", httpx.Response(
        200, content=PDF, headers={"Content-Type": "application/pdf"}))
    client = built(monkeypatch, "lexware", server, FakeClock())
    assert client.download_delivery_note(RemoteDeliveryNote("lexware", LS4, OC_ID)) == PDF
    assert server.paths() == [f"/v1/delivery-notes/{LS4}/file",
                              f"/v1/delivery-notes/{LS4}/document",
                              "/v1/files/3d5f7b9c-1e2a-4c4d-8f6b-0a9b8c7d6e5f"]


# -- 5. no token in cleartext ---------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://api.lexware.io", "http://10.0.0.5:8080",
                                 "http://example.com/", "http://[2001:db8::1]"])
def test_http_override_to_a_remote_host_is_refused_before_any_request(monkeypatch, url):
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    monkeypatch.setenv("MWTUI_LEXWARE_URL", url)
    server = Server()
    with pytest.raises(ConfigError, match="https://") as caught:
        make_client("lexware", Config.load(), server.transport())
    assert server.requests == []
    assert CANARY not in str(caught.value)


@pytest.mark.parametrize(("url", "kept"), [
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ("http://127.3.4.5", "http://127.3.4.5"),
    ("http://localhost:9000/x", "http://localhost:9000"),
    ("http://[::1]:9000", "http://[::1]:9000"),
    ("https://example.com", "https://example.com"),
])
def test_http_override_to_loopback_and_https_anywhere_are_accepted(monkeypatch, url, kept):
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    monkeypatch.setenv("MWTUI_LEXWARE_URL", url)
    assert Config.load().base_url("lexware") == kept


# -- 6. a 429 slows the pace for the rest of the run ----------------------------------------
def test_429_with_retry_after_is_honoured_counted_and_slows_the_pace(monkeypatch):
    clock = FakeClock()
    limiter = IntervalLimiter(0.2, clock=clock, sleep=clock.sleep)
    contacts = load("sevdesk/contact_list_page.json")
    server = Server()
    server.add("/api/v1/Contact",
               httpx.Response(429, headers={"Retry-After": "3"}),
               json_response({"objects": contacts["objects"][:1]}),
               json_response({"objects": contacts["objects"][:1]}))
    client = built(monkeypatch, "sevdesk", server, clock, limiter=limiter)
    client.account_info()
    assert 3.0 in clock.sleeps and client.rate_limited == 1
    before = clock.now
    client.account_info()
    client.account_info()
    assert clock.now - before >= 2 * 0.3 - 1e-9  # the gap grew from 0.2 s to 0.3 s
    assert client.rate_limited == 1 and client.requests_sent == 4


# -- 4. lexware change markers compared like with like ---------------------------------------
def test_list_marker_with_000_millis_equals_the_detail_marker(monkeypatch):
    page = load("lexware-office/voucherlist-orderconfirmation-page.json")
    for entry in page["content"]:  # the documentation's list samples carry .000
        entry["updatedDate"] = entry["updatedDate"][:19] + ".000" + entry["updatedDate"][23:]
    server = Server()
    server.add("/v1/voucherlist", json_response(page))
    server.add(f"/v1/order-confirmations/{OC_ID}",
               json_response(load("lexware-office/order-confirmation.json")))
    client = built(monkeypatch, "lexware", server, FakeClock(),
                   now=lambda: berlin(2026, 3, 12, 9))
    summary = next(o for o in client.list_orders("month") if o.external_id == OC_ID)
    detail = client.get_order(summary)
    assert load("lexware-office/order-confirmation.json")["updatedDate"].endswith(".760+01:00")
    assert summary.change_marker == detail.change_marker == "2026-03-10T11:03:55+01:00"


def test_delivery_note_created_from_a_quotation_is_found(monkeypatch):
    quotation = load("lexware-office/quotation.json")
    note = load("lexware-office/delivery-note-from-quotation.json")
    listed = {"id": note["id"], "voucherType": "deliverynote", "voucherStatus": "open",
              "voucherNumber": note["voucherNumber"], "voucherDate": note["voucherDate"],
              "createdDate": note["createdDate"], "updatedDate": note["updatedDate"],
              "contactId": quotation["address"]["contactId"], "contactName": "x",
              "totalAmount": None, "currency": "EUR", "archived": False}
    server = Server()
    server.add("/v1/voucherlist", json_response(
        {"content": [listed], "first": True, "last": True, "totalPages": 1,
         "totalElements": 1, "numberOfElements": 1, "size": 250, "number": 0}))
    server.add(f"/v1/delivery-notes/{note['id']}", json_response(note))
    client = built(monkeypatch, "lexware", server, FakeClock(),
                   now=lambda: berlin(2026, 3, 12, 9))
    order = lexware.normalise_order(quotation, "quotation")
    [found] = client.delivery_notes([order])
    assert (found.number, found.order_external_id) == ("LS0006", quotation["id"])
