"""``mwtui integrations list|test`` against a local fake lexware server (real sockets)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from support.clients import CANARY, load, raw

from mwtui.cli import main


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") != f"Bearer {CANARY}":
            body, status = b'{"message":"Unauthorized"}', 401
        elif self.path == "/v1/profile":
            body, status = json.dumps({"companyName": "Nordlicht Möbelbau GmbH"}).encode(), 200
        elif self.path.startswith("/v1/contacts?"):
            body, status = raw("lexware-office/contacts-page.json"), 200
        elif self.path.startswith("/v1/voucherlist?"):
            kind = parse_qs(urlsplit(self.path).query)["voucherType"][0]
            body, status = raw(f"lexware-office/voucherlist-{kind}-page.json"), 200
        else:
            body, status = b"{}", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_integrations_test_reaches_the_account(local_server, monkeypatch, capsys):
    monkeypatch.setenv("MWTUI_LEXWARE_URL", local_server)
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    assert main(["--debug", "integrations", "test", "lexware"]) == 0
    out, err = capsys.readouterr()
    assert "Nordlicht Möbelbau GmbH" in out
    assert CANARY not in out + err


def test_integrations_test_json_reports_what_an_import_would_find(local_server, monkeypatch,
                                                                  capsys):
    monkeypatch.setenv("MWTUI_LEXWARE_URL", local_server)
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    assert main(["integrations", "test", "lexware", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["would_find"]
    customers = [c for c in load("lexware-office/contacts-page.json")["content"]
                 if "customer" in c.get("roles", {}) and not c.get("archived")]
    assert found["contacts"] == len(customers)
    for kind in ("orderconfirmation", "quotation"):
        listed = load(f"lexware-office/voucherlist-{kind}-page.json")["content"]
        counts = found["orders"][kind]
        assert counts["all"] == len(listed)
        this_month = datetime.now().strftime("%Y-%m")
        assert counts["month"] == sum(1 for v in listed
                                      if v["createdDate"].startswith(this_month))
        assert counts["today"] <= counts["week"] <= counts["all"]


def test_integrations_test_in_german_says_nothing_was_written(local_server, monkeypatch,
                                                              capsys):
    monkeypatch.setenv("MWTUI_LEXWARE_URL", local_server)
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", CANARY)
    assert main(["--lang", "de", "integrations", "test", "lexware"]) == 0
    out = capsys.readouterr().out
    assert "Ein Import fände" in out and "Angebote: heute" in out
    assert "Es wurde nichts geschrieben" in out


def test_integrations_test_wrong_token_exit_1(local_server, monkeypatch, capsys):
    monkeypatch.setenv("MWTUI_LEXWARE_URL", local_server)
    monkeypatch.setenv("MWTUI_LEXWARE_TOKEN", "wrong-token-123")
    assert main(["integrations", "test", "lexware"]) == 1
    _out, err = capsys.readouterr()
    assert "rejected the token" in err and "MWTUI_LEXWARE_TOKEN" in err
    assert "wrong-token-123" not in err


def test_integrations_test_without_token(capsys):
    assert main(["integrations", "test", "bexio"]) == 1
    assert "No token configured for bexio" in capsys.readouterr().err


def test_integrations_test_unreachable(monkeypatch, capsys):
    monkeypatch.setenv("MWTUI_SEVDESK_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("MWTUI_SEVDESK_TOKEN", CANARY)
    from mwtui.importers.accounting import http

    fast = http.RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01, max_total_wait=0.1)
    monkeypatch.setattr(http, "RetryPolicy", lambda: fast)
    assert main(["integrations", "test", "sevdesk"]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and CANARY not in err


def test_integrations_list_shows_source_never_token(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MWTUI_SEVDESK_TOKEN", CANARY)
    from mwtui.workspace.config import Config

    config = Config.load()
    config.set_token("lexware", "config-secret-456")
    assert main(["integrations", "list"]) == 0
    out = capsys.readouterr().out
    assert CANARY not in out and "config-secret-456" not in out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "MWTUI_SEVDESK_TOKEN" in lines["sevDesk"] and "token set" in lines["sevDesk"]
    assert "config file" in lines["lexware"] and "token set" in lines["lexware"]
    assert "token missing" in lines["bexio"]
    assert main(["integrations", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sevdesk"]["source"] == "env" and rows["lexware"]["source"] == "config"
    assert rows["bexio"]["token"] == "missing"
