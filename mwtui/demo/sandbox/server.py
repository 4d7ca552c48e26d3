"""Loopback HTTP server for one sandbox state.

Run it as ``python -m mwtui.demo.sandbox serve lexware --port 8765`` for the clients
pointed at it with ``MWTUI_LEXWARE_URL=http://127.0.0.1:8765``.
"""

from __future__ import annotations

import argparse
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from mwtui.demo.sandbox.common import SANDBOX_LABEL, SANDBOX_URLS
from mwtui.demo.sandbox.state import SandboxState


class _Handler(BaseHTTPRequestHandler):
    state: SandboxState

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
        request = httpx.Request(self.command, url, headers=dict(self.headers.items()),
                                content=body)
        response = self.state.handle(request)
        payload = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection",
                                   "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Date", format_datetime(datetime.now(UTC), usegmt=True))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(state: SandboxState, host: str = "127.0.0.1", port: int = 0
          ) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve ``state`` on a loopback port in a daemon thread; returns (server, thread)."""
    handler = type("SandboxHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="mwtui-sandbox")
    thread.start()
    return server, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwtui.demo.sandbox",
                                     description="Run a local sandbox API (fictional data).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve one integration's sandbox on 127.0.0.1")
    p.add_argument("integration", choices=sorted(SANDBOX_URLS))
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--rate-limit", action="store_true", help="lexware: 2 requests/s, else 429")
    p.add_argument("--orders", type=int, default=0,
                   help="serve a generated account with this many orders instead of the demo")
    p.add_argument("--notes", type=int, default=0)
    args = parser.parse_args(argv)
    if args.orders:
        state = SandboxState.generated(args.integration, orders=args.orders, notes=args.notes,
                                       rate_limit=args.rate_limit)
    else:
        state = SandboxState.demo(args.integration, rate_limit=args.rate_limit)
    server, thread = serve(state, port=args.port)
    env = f"MWTUI_{args.integration.upper()}_URL"
    print(f"{args.integration} {SANDBOX_LABEL} on http://127.0.0.1:{server.server_port} "
          f"(set {env}=http://127.0.0.1:{server.server_port} and any token); Ctrl-C stops.",
          flush=True)
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        server.shutdown()
    return 0
