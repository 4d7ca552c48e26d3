"""Every listing and every request ends in bounded time, whatever the server sends (issue 13).

The never-ending lists come from payload shapes of the reference (Spring page envelope of
lexware Office, sevDesk's ``objects``); the silent and trickling servers are real sockets on
127.0.0.1 inside the test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from support.clients import CANARY, FakeClock, Server, client_kwargs, json_response, setup_env

from mwtui.importers.accounting import client_base, lexware, sevdesk
from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.errors import BudgetExceeded, NetworkUnreachable
from mwtui.importers.accounting.http import RetryPolicy
from mwtui.workspace.config import Config


def endless_pages(total: int, content_size: int = 2) -> Callable[[httpx.Request], httpx.Response]:
    """lexware: ``last: false`` forever, new ids on every page, a fixed ``totalElements``."""
    counter = iter(range(10**9))

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "0"))
        content = [{"id": f"c-{next(counter)}", "roles": {"customer": {"number": 1}},
                    "company": {"name": "Endless GmbH"}, "version": 1, "archived": False}
                   for _ in range(content_size)]
        return json_response({"content": content, "first": number == 0, "last": False,
                              "totalPages": 1, "totalElements": total,
                              "numberOfElements": content_size, "size": 250,
                              "number": number})

    return handler


def lexware_client(monkeypatch, server: Server):
    config = setup_env(monkeypatch, "lexware")
    return make_client("lexware", config, server.transport(), **client_kwargs(FakeClock()))


def test_lexware_list_that_never_ends_is_cut_off_by_its_own_total(monkeypatch):
    server = Server()
    server.add("/v1/contacts", endless_pages(total=600))
    client = lexware_client(monkeypatch, server)
    with pytest.raises(BudgetExceeded, match=r"more .* than it announced"):
        for _contact in client.list_contacts():
            pass
    # 600 entries are 3 pages of 250; two more are allowed for a list that grew meanwhile
    assert len(server.requests) == 5


def test_lexware_lying_total_cannot_split_date_ranges_without_end(monkeypatch):
    server = Server()
    voucher = {"voucherType": "orderconfirmation", "voucherStatus": "open",
               "voucherNumber": "AB1", "voucherDate": "2026-03-06T00:00:00.000+01:00",
               "createdDate": "2026-03-06T08:52:10.004+01:00",
               "updatedDate": "2026-03-10T11:03:55.000+01:00", "contactId": None,
               "contactName": "x", "totalAmount": 1, "currency": "EUR", "archived": False}
    counter = iter(range(10**9))

    def liar(request: httpx.Request) -> httpx.Response:
        return json_response({"content": [{**voucher, "id": f"v-{next(counter)}"}],
                              "first": True, "last": True, "totalPages": 1,
                              "totalElements": 20_000, "numberOfElements": 1, "size": 250,
                              "number": 0})

    server.add("/v1/voucherlist", liar)
    client = lexware_client(monkeypatch, server)
    with pytest.raises(BudgetExceeded):
        list(client.list_orders("all"))
    days = (client._now().date() - lexware.EPOCH).days + 2
    allowed = client_base.split_budget(20_000, days, lexware.MAX_RESULTS)
    assert len(server.requests) <= 2 * allowed + 1 < 200


def test_offset_list_with_new_ids_forever_is_cut_off(monkeypatch):
    monkeypatch.setattr(client_base, "MAX_LIST_ENTRIES", 30)
    monkeypatch.setattr(sevdesk, "PAGE_SIZE", 10)
    counter = iter(range(10**9))

    def endless(request: httpx.Request) -> httpx.Response:
        return json_response({"objects": [
            {"id": str(next(counter)), "objectName": "Contact", "name": "Endless GmbH",
             "category": {"id": "3", "objectName": "Category"}} for _ in range(10)]})

    server = Server()
    server.add("/api/v1/Contact", endless)
    config = setup_env(monkeypatch, "sevdesk")
    client = make_client("sevdesk", config, server.transport(), **client_kwargs(FakeClock()))
    with pytest.raises(BudgetExceeded):
        list(client.list_contacts())
    assert len(server.requests) == 5  # 30 entries = 3 pages, plus two


# -- servers that hold the line -------------------------------------------------------------
def serve(behaviour: Callable[[socket.socket], None]) -> Iterator[int]:
    """A one-purpose server on 127.0.0.1 that treats every connection with ``behaviour``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except OSError:
                continue
            conns.append(conn)
            threading.Thread(target=behaviour, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in conns:
            conn.close()
        listener.close()


def silent(conn: socket.socket) -> None:
    conn.recv(65536)  # read the request, never answer


def trickle(conn: socket.socket) -> None:
    conn.recv(65536)
    try:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000\r\n\r\n")
        while True:
            conn.sendall(b" ")
            time.sleep(0.2)
    except OSError:
        return


def trickle_headers(conn: socket.socket) -> None:
    conn.recv(65536)
    try:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
            conn.sendall(bytes([byte]))
            time.sleep(0.2)
    except OSError:
        return


@pytest.mark.parametrize("behaviour", [silent, trickle, trickle_headers])
def test_server_that_holds_the_line_is_given_up_after_the_total_timeout(monkeypatch, behaviour):
    for port in serve(behaviour):
        monkeypatch.setenv("MWTUI_BEXIO_TOKEN", CANARY)
        monkeypatch.setenv("MWTUI_BEXIO_URL", f"http://127.0.0.1:{port}")
        policy = RetryPolicy(attempts=6, base_delay=0.1, max_delay=0.2, max_total_wait=2.0)
        started = time.monotonic()
        with make_client("bexio", Config.load(), retry=policy) as client, \
                pytest.raises(NetworkUnreachable) as caught:
            client.account_info()
        elapsed = time.monotonic() - started
        assert elapsed < 4.0, elapsed
        assert CANARY not in str(caught.value)


def test_default_total_timeout_is_the_documented_90_seconds():
    from pathlib import Path

    assert RetryPolicy().max_total_wait == 90.0
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "90 s" in readme


def test_errors_that_cut_a_run_short_say_so_and_others_do_not():
    from mwtui.importers.accounting import errors

    assert errors.BudgetExceeded("x").interrupts_import
    assert errors.NetworkUnreachable("x").interrupts_import
    assert not errors.TokenRejected("x").interrupts_import
    assert not errors.UnexpectedResponse("x").interrupts_import
