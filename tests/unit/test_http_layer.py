"""The shared HTTP layer: read-only guard, retries, Retry-After, caps, token hygiene."""

from __future__ import annotations

import email.utils
import logging

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
    setup_env,
)

from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import (
    DocumentRefused,
    NetworkUnreachable,
    RateLimited,
    RequestRejected,
    TokenRejected,
    WriteRefused,
)
from mwtui.importers.accounting.http import ApiHttp, RetryPolicy, redact_headers
from mwtui.importers.accounting.protocol import RemoteDeliveryNote, RemoteOrder
from mwtui.workspace.config import Secret
from mwtui.workspace.errors import ApiError, ConfigError


def make_http(server: Server, clock: FakeClock, *, search: bool = False,
              policy: RetryPolicy | None = None) -> ApiHttp:
    return ApiHttp(integration="bexio", label="bexio", base_url="https://api.example.test",
                   token=Secret(CANARY), auth_scheme="Bearer", token_hint="New token.",
                   allow_search_post=search, transport=server.transport(), sleep=clock.sleep,
                   wall=lambda: 1_780_000_000.0, rng=lambda: 0.5,
                   retry=policy or RetryPolicy(attempts=4, max_total_wait=60))


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_refused_before_sending(method):
    server, clock = Server(), FakeClock()
    http = make_http(server, clock, search=True)
    with pytest.raises(WriteRefused, match="only reads"):
        http.request(method, "/2.0/contact/1")
    with pytest.raises(WriteRefused):  # also through the raw httpx client (request hook)
        http._client.request(method, "https://api.example.test/2.0/contact/1")
    assert server.requests == []


def test_only_bexio_search_posts_pass():
    server, clock = Server(), FakeClock()
    server.add("/2.0/kb_order/search", json_response([]))
    assert make_http(server, clock, search=True).search_json(
        "/2.0/kb_order/search", {"limit": 1}, [{"field": "id", "value": "1", "criteria": "="}]
    ) == []
    for path in ("/2.0/kb_order/58/delivery", "/2.0/kb_order/search/../58/delivery"):
        with pytest.raises(WriteRefused):
            make_http(server, clock, search=True).request("POST", path)
    with pytest.raises(WriteRefused):  # sevDesk and lexware never POST
        make_http(server, clock, search=False).request("POST", "/2.0/kb_order/search")
    with pytest.raises(WriteRefused):
        make_http(server, clock, search=True).request("PUT", "/2.0/kb_order/search")
    assert len(server.requests) == 1


def test_retry_after_as_http_date():
    server, clock = Server(), FakeClock()
    date = email.utils.formatdate(1_780_000_000, usegmt=True)
    later = email.utils.formatdate(1_780_000_005, usegmt=True)
    server.add("/x", httpx.Response(429, headers={"Date": date, "Retry-After": later}),
               json_response({"ok": 1}))
    assert make_http(server, clock).get_json("/x") == {"ok": 1}
    assert clock.sleeps == [5.0]


def test_long_retry_after_gives_up_at_once():
    server, clock = Server(), FakeClock()
    server.add("/x", httpx.Response(429, headers={"Retry-After": "600"}))
    with pytest.raises(RateLimited, match="wait 600 seconds"):
        make_http(server, clock).get_json("/x")
    assert len(server.requests) == 1 and clock.sleeps == []


def test_total_wait_is_capped_with_a_clear_error():
    server, clock = Server(), FakeClock()
    server.add("/x", httpx.Response(429))
    policy = RetryPolicy(attempts=10, base_delay=1, max_delay=4, max_total_wait=5)
    with pytest.raises(RateLimited, match="gave up after") as info:
        make_http(server, clock, policy=policy).get_json("/x")
    assert sum(clock.sleeps) <= 5
    assert "Wait a minute" in str(info.value)
    # backoff grows exponentially (rng fixed at 0.5 -> factor 0.75)
    assert clock.sleeps[:2] == [0.75, 1.5]


def test_connect_errors_and_timeouts_are_retried():
    clock = FakeClock()
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(calls) == 2:
            raise httpx.ReadTimeout("slow", request=request)
        return json_response({"ok": True})

    server = Server()
    server.add("/x", handler)
    assert make_http(server, clock).get_json("/x") == {"ok": True}
    assert len(calls) == 3 and len(clock.sleeps) == 2

    failing = Server()
    failing.add("/x", lambda r: (_ for _ in ()).throw(httpx.ConnectError("down", request=r)))
    with pytest.raises(NetworkUnreachable, match="cannot be reached") as info:
        make_http(failing, clock).get_json("/x")
    assert "network" in str(info.value)


def test_client_errors_are_not_retried():
    server, clock = Server(), FakeClock()
    server.add("/x", json_response({"error_code": 400, "message": "Parameters are invalid"},
                                   400))
    with pytest.raises(RequestRejected, match="Parameters are invalid"):
        make_http(server, clock).get_json("/x")
    assert len(server.requests) == 1 and clock.sleeps == []


def test_oversized_answer_refused_while_streaming():
    server, clock = Server(), FakeClock()
    server.add("/x", httpx.Response(200, content=b"[" + b"1," * 5000 + b"1]"))
    http = make_http(server, clock)
    with pytest.raises(DocumentRefused, match="larger than"):
        http.request("GET", "/x", max_bytes=1000)


def test_missing_token_is_a_config_error(monkeypatch):
    from mwtui.workspace.config import Config

    with pytest.raises(ConfigError, match="MWTUI_SEVDESK_TOKEN"):
        make_client("sevdesk", Config.load())


def test_redact_headers():
    headers = {"Authorization": f"Bearer {CANARY}", "Accept": "application/json"}
    assert redact_headers(headers) == {"Authorization": "********", "Accept": "application/json"}


def test_canary_token_never_logged_or_shown(monkeypatch, caplog):
    """Drive every client through successes and failures at DEBUG level."""
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    for name in ("sevdesk", "bexio", "lexware"):
        config = setup_env(monkeypatch, name)
        server = Server()
        echo = f"Authorization header 'Bearer {CANARY}' is malformed"
        server.add("/api/v1/Contact", json_response({"message": echo}, 401))
        server.add("/2.0/contact", json_response({"message": echo}, 403))
        server.add("/v1/contacts", json_response({"message": echo}, 500))
        server.add("/api/v1/Order", json_response(load("sevdesk/order_ab_list_page.json")))
        server.add("/2.0/kb_order/search", httpx.Response(429, headers={"Retry-After": "1"}),
                   json_response([]))
        server.add("/v1/voucherlist", json_response(
            load("lexware-office/voucherlist-orderconfirmation-page.json")))
        clock = FakeClock()
        client = make_client(name, config, server.transport(),
                             **client_kwargs(clock, berlin(2026, 3, 12, 9)))
        texts += [repr(client), repr(client.http), repr(client.http._client.auth),
                  repr(config.token(name)), str(config.token(name))]
        try:
            list(client.list_contacts())
        except ApiError as err:
            texts += [str(err), repr(err), repr(err.args)]
        list(client.list_orders("month"))
        order = RemoteOrder(name, "zz", "1", complete=False)
        note = RemoteDeliveryNote(name, "zz", "1")
        for call, arg in ((client.get_order, order), (client.download_delivery_note, note)):
            try:
                call(arg)
            except ApiError as err:
                texts += [str(err), repr(err)]
        sent = [r.headers.get("authorization", "") for r in server.requests]
        assert all(CANARY in value for value in sent)  # it is sent, but only there
        monkeypatch.delenv(f"MWTUI_{name.upper()}_TOKEN")
    assert any("********" in t for t in texts)
    assert caplog.records, "debug logging produced no lines to check"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert CANARY not in logged
    for text in texts:
        assert CANARY not in text
    assert any(isinstance(e, str) and "rejected the token" in e for e in texts)


def test_token_rejected_is_an_api_error():
    assert issubclass(TokenRejected, ApiError)
