"""bexio client against the reference payloads and the recorded responses."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from support.clients import (
    CANARY,
    FakeClock,
    Server,
    client_kwargs,
    json_response,
    load,
    raw,
    recording_body,
    setup_env,
)

from mwtui.importers.accounting import bexio
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import (
    NotSupported,
    RequestRejected,
    TokenRejected,
    UnexpectedResponse,
)
from mwtui.importers.accounting.protocol import RemoteDeliveryNote

ZURICH = ZoneInfo("Europe/Zurich")


def zurich(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZURICH)


@pytest.fixture
def env(monkeypatch):
    config = setup_env(monkeypatch, "bexio", tz="Europe/Zurich")
    server = Server()
    server.add("/3.0/currencies", json_response(load("bexio/currencies.json")))
    clock = FakeClock()

    def build(now=None):
        return make_client("bexio", config, server.transport(), **client_kwargs(clock, now))

    return server, clock, build


def paged(objects, page_size, headers=None):
    def handler(request: httpx.Request) -> httpx.Response:
        assert int(request.url.params["limit"]) == page_size
        assert request.url.params["order_by"] == "id"
        offset = int(request.url.params["offset"])
        return json_response(objects[offset:offset + page_size], headers=headers)

    return handler


def test_contacts_across_pages_new_and_deprecated_address_fields(env, monkeypatch):
    server, _clock, build = env
    monkeypatch.setattr(bexio, "PAGE_SIZE", 4)
    contacts = load("bexio/contact_list_page.json")
    old_style = {k: v for k, v in contacts[0].items()
                 if k not in ("street_name", "house_number", "address_addition")}
    old_style |= {"id": 106, "address": "Seestrasse 1", "postcode": 8001}
    server.add("/2.0/contact", paged([*contacts, old_style], 4))
    server.add("/2.0/country", json_response(
        [{"id": 1, "name": "Schweiz", "name_short": "CH", "iso_3166_alpha2": "CH"}]))
    result = {c.external_id: c for c in build().list_contacts()}
    assert list(result) == ["101", "102", "103", "104", "105", "106"]
    firm = result["101"]
    assert (firm.name, firm.number, firm.street, firm.zip, firm.city, firm.country) == (
        "Muster Bau AG", "000101", "Industriestrasse 7", "8604", "Volketswil", "CH")
    assert firm.email == "info@musterbau.example.com" and firm.phone == "+41 44 555 01 10"
    # updated_at is Swiss local time: 16:03:41 in May is +02:00
    assert firm.change_marker == "2026-05-12T16:03:41+02:00"
    assert result["103"].change_marker == "2025-11-20T10:44:19+01:00"
    assert result["102"].name == "Anna Meier"  # person: name_2 first name, name_1 last name
    assert result["104"].street == "Rosenweg 3a"
    assert result["103"].street == "Bahnhofplatz"
    assert result["105"].street == "" and result["105"].country == ""
    assert result["106"].street == "Seestrasse 1" and result["106"].zip == "8001"
    offsets = [r.url.params["offset"] for r in server.requests if r.url.path == "/2.0/contact"]
    assert offsets == ["0", "4"]  # the short page (2 < 4) ends the listing
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY}"


def test_full_last_page_is_followed_by_an_empty_one(env, monkeypatch):
    server, _clock, build = env
    recorded = json.loads(raw("recorded/bexio/contact_list.json"))
    monkeypatch.setattr(bexio, "PAGE_SIZE", len(recorded))
    server.add("/2.0/contact", paged(recorded, len(recorded)))
    contacts = list(build().list_contacts())
    assert len(contacts) == 16 and contacts[-1].number == "000016"
    assert contacts[-1].external_id == "17"  # id != nr
    assert contacts[0].change_marker == "2009-06-09T08:37:17+02:00"


def _search_handler(seen):
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        seen.append((dict(request.url.params), json.loads(request.content)))
        found = load("bexio/kb_order_search_response_this_month.json")
        return json_response([load("bexio/kb_order_list_page.json")[0], *found])

    return handler


def test_month_search_by_valid_from_rechecked(env):
    server, _clock, build = env
    seen: list = []
    server.add("/2.0/kb_order/search", _search_handler(seen))
    client = build(now=zurich(2026, 6, 30, 18))
    assert client.period_basis == "valid_from" and client.supports_delivery_notes is False
    orders = list(client.list_orders("month"))
    params, body = seen[0]
    assert body == load("bexio/kb_order_search_request_this_month.json")
    assert params["order_by"] == "id" and params["offset"] == "0"
    assert [o.number for o in orders] == ["AU-00058", "AU-00059"]  # 57 (May) dropped
    order = orders[0]
    assert order.created is None and str(order.valid_from) == "2026-06-15"
    assert order.net_amount == Decimal("990.000000")
    assert order.gross_amount == Decimal("1070.200000")
    assert order.contact_external_id == "101" and order.contact_name == "Muster Bau AG"
    assert order.change_marker == "2026-06-15T09:41:07+02:00" and order.status == "pending"
    assert order.currency == "CHF"


@pytest.mark.parametrize(("now", "period", "first", "last"), [
    (zurich(2026, 3, 29, 23, 30), "today", "2026-03-29", "2026-03-29"),   # DST starts
    (zurich(2026, 10, 25, 0, 30), "today", "2026-10-25", "2026-10-25"),   # DST ends
    (zurich(2026, 7, 1, 8), "week", "2026-06-29", "2026-07-01"),          # June into July
    (zurich(2026, 7, 1, 8), "month", "2026-07-01", "2026-07-01"),
])
def test_period_days(env, now, period, first, last):
    server, _clock, build = env
    seen: list = []
    server.add("/2.0/kb_order/search", lambda r: (seen.append(json.loads(r.content)),
                                                  json_response([]))[1])
    assert list(build(now=now).list_orders(period)) == []
    assert [c["value"] for c in seen[0]] == [first, last]
    assert [c["criteria"] for c in seen[0]] == [">=", "<="]


def test_all_lists_without_search(env):
    server, _clock, build = env
    server.add("/2.0/kb_order", json_response(load("bexio/kb_order_list_page.json")))
    orders = list(build(now=zurich(2026, 6, 30)).list_orders("all"))
    assert [o.external_id for o in orders] == ["57", "58", "59"]
    assert server.requests[0].method == "GET"


def test_unsearchable_field_falls_back_to_listing(env):
    server, _clock, build = env
    server.add("/2.0/kb_offer/search", json_response(
        {"error_code": 400, "message": "Parameters are invalid"}, 400))
    server.add("/2.0/kb_offer", json_response(load("bexio/kb_order_list_page.json")))
    orders = list(build(now=zurich(2026, 6, 30)).list_orders("month", "quotation"))
    assert [o.external_id for o in orders] == ["58", "59"]
    assert orders[0].kind == "quotation"


def test_no_delivery_notes_stated_not_raised(env):
    server, _clock, build = env
    client = build()
    assert client.delivery_notes([]) == []
    order = bexio.normalise_order(load("bexio/kb_order_single.json"))
    assert client.delivery_notes([order]) == []
    assert server.requests == []
    with pytest.raises(NotSupported):
        client.download_delivery_note(RemoteDeliveryNote("bexio", "1", "2"))


def test_rate_limit_headers_pause_before_next_request(env, monkeypatch):
    server, clock, build = env
    monkeypatch.setattr(bexio, "PAGE_SIZE", 2)
    contacts = load("bexio/contact_list_page.json")
    server.add("/2.0/contact", paged(contacts, 2, headers={
        "ratelimit-limit": "1000", "ratelimit-remaining": "1", "ratelimit-reset": "24",
        "x-ratelimit-remaining-minute": "1"}))
    assert len(list(build().list_contacts())) == 5
    assert clock.sleeps.count(24.0) >= 2  # waited for the window before pages 2 and 3


def test_retry_after_then_success_and_500_then_success(env):
    server, clock, build = env
    server.add("/3.0/users/me",
               json_response(None, 429, {"Retry-After": "2", "ratelimit-reset": "40"}),
               json_response({"error_code": 503, "message": "maintenance"}, 503),
               json_response(load("bexio/users_list.json")[0]))
    info = build().account_info()
    assert "Laura Beispiel" in info
    assert 2.0 in clock.sleeps and 40.0 not in clock.sleeps
    assert len(server.requests) == 3


def test_429_without_retry_after_uses_reset(env):
    server, clock, build = env
    server.add("/3.0/users/me", json_response(None, 429, {"ratelimit-reset": "7"}),
               json_response(load("bexio/users_list.json")[1]))
    assert "Jonas Muster" in build().account_info()
    assert clock.sleeps[0] == 7.0


def test_401_gives_token_message(env):
    server, _clock, build = env
    server.add("/2.0/contact", json_response(load("bexio/error_response.json"), 401))
    with pytest.raises(TokenRejected, match="Invalid access token") as info:
        list(build().list_contacts())
    assert "MWTUI_BEXIO_TOKEN" in str(info.value) and CANARY not in str(info.value)


def test_malformed_json_and_html_and_wrong_shape(env):
    server, _clock, build = env
    server.add("/2.0/contact", httpx.Response(200, content=b"[{\"id\": 1,",
                                              headers={"Content-Type": "application/json"}))
    with pytest.raises(UnexpectedResponse, match="not valid JSON"):
        list(build().list_contacts())
    server.add("/2.0/contact", httpx.Response(200, content=b"<html>Login</html>",
                                              headers={"Content-Type": "text/html"}))
    with pytest.raises(UnexpectedResponse, match="web page"):
        list(build().list_contacts())
    server.add("/2.0/contact", json_response({"error_code": 200, "message": "odd"}))
    with pytest.raises(UnexpectedResponse, match="JSON array"):
        list(build().list_contacts())


def test_recorded_responses_parse(env):
    server, _clock, build = env
    for name in ("contact_list", "contact_list_2024", "contact_search_empty"):
        status, headers, body = recording_body(f"recorded/bexio/{name}.recording.json")
        assert body == raw(f"recorded/bexio/{name}.json")
        for obj in json.loads(body):
            assert bexio.normalise_contact(obj).external_id
    old = [bexio.normalise_contact(o) for o in load("recorded/bexio/contact_list_2024.json")]
    assert old[0].street == "Alte Musterallee 24"  # only the deprecated field exists
    assert old[1].name == "Casper Mazie"
    single = bexio.normalise_contact(load("recorded/bexio/contact_single.json"))
    assert single.street == "Alte Musterallee 24" and single.zip == "9999"
    order = bexio.normalise_order(load("recorded/bexio/kb_order_from_quote.json"))
    assert order.number == "AU-00011" and order.gross_amount == Decimal("100")
    assert order.change_marker == "2026-06-18T15:57:26+02:00"
    status, headers, body = recording_body("recorded/bexio/error_409_tax_delete.recording.json")
    server.add("/2.0/contact/1", httpx.Response(status, headers=headers, content=body))
    status, headers, body = recording_body("recorded/bexio/contact_single.recording.json")
    server.add("/2.0/contact/2", httpx.Response(status, headers=headers, content=body))
    client = build()
    with pytest.raises(RequestRejected, match="tax can not be deleted"):
        client.get_contact("1")
    contact = client.get_contact("2")
    assert contact is not None and contact.name == "Kunde AG"
    for addr in load("recorded/bexio/contact_additional_address_list.json"):
        assert bexio.normalise_contact({**addr, "id": addr["id"]}).zip == "12345"
