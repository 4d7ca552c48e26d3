"""A canary token set through env and config never shows up anywhere an operator looks."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import demo_data_dir, populate
from mwtui.workspace.config import Config
from mwtui.workspace.store import Workspace

CANARY_ENV = "cnry-env-5d1f0c9b7e"
CANARY_CFG = "cnry-cfg-a84e2b6f31"


class _Echo401(http.server.BaseHTTPRequestHandler):
    """Answers 401 and echoes the Authorization header back, like a careless server."""

    def do_GET(self) -> None:
        body = json.dumps({"message": "Unauthorized", "echo": self.headers.get("Authorization"),
                           "error": {"message": f"bad token {self.headers.get('Authorization')}"}})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo401)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mwtui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_canary_never_in_cli_output_logs_errors_or_exports(
    tmp_path: Path, echo_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = Config.load()
    cfg.set_token("bexio", CANARY_CFG)
    cfg.set_token("lexware", CANARY_CFG)
    import os

    env = {**os.environ, "MWTUI_SEVDESK_TOKEN": CANARY_ENV, "MWTUI_SEVDESK_URL": echo_server,
           "MWTUI_BEXIO_URL": echo_server, "MWTUI_LEXWARE_URL": echo_server}
    db = tmp_path / "ws.json"
    data = demo_data_dir()
    outputs: list[str] = []
    runs = [
        ["--debug", "integrations", "list"],
        ["--debug", "integrations", "test", "sevdesk"],
        ["--debug", "integrations", "test", "bexio"],
        ["--debug", "integrations", "test", "lexware"],
        ["--debug", "import", "contacts", "--from", "sevdesk", "--json"],
        ["--debug", "customers", "import", str(data / "customers.csv")],
        ["--debug", "import", "orders", "--from", "lexware", "--period", "all", "--sandbox",
         "--json"],
        ["--debug", "webfakt", "commit", str(data / "webfakt_format1.csv"), "--rejects-out",
         str(tmp_path / "rejects.csv"), "--json"],
    ] + [["--debug", "list", kind, "--json"] for kind in
         ("customers", "activities", "services", "articles", "batches")]
    for args in runs:
        result = _run(["--db", str(db), *args], env)
        outputs.append(result.stdout + result.stderr)
    joined = "\n".join(outputs)
    assert "401" in joined or "rejected" in joined.lower(), "the failing test did not run"
    files = [p for p in tmp_path.rglob("*") if p.is_file()
             and "config" not in p.parts]
    assert (tmp_path / "rejects.csv") in files
    for canary in (CANARY_ENV, CANARY_CFG):
        assert canary not in joined
        for path in files:
            assert canary.encode() not in path.read_bytes(), path


async def test_canary_never_on_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MWTUI_SEVDESK_TOKEN", CANARY_ENV)
    cfg = Config.load()
    cfg.set_token("bexio", CANARY_CFG)
    ws = Workspace.open(tmp_path / "ws.json")
    populate(ws)
    app = MwtuiApp(workspace=ws, config=Config.load())
    async with app.run_test(size=(120, 40)) as pilot:
        screens = []
        for key in ("1", "2", "3", "4"):
            app.set_focus(None)
            await pilot.press(key)
            await pilot.pause()
            screens.append(app.export_screenshot())
    for svg in screens:
        assert CANARY_ENV not in svg and CANARY_CFG not in svg
    assert "env" in screens[0]  # the integrations screen says where the token came from
