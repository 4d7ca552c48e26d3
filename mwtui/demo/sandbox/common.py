"""Constants and helpers shared by the sandbox modules.

Labels, fake base URLs, the packaged templates (the reference example payloads in
``mwtui/demo/data/sandbox/``), a tiny PDF maker and small httpx response helpers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx

SANDBOX_LABEL = "sandbox"
SANDBOX_TOKEN = "sandbox-token-not-a-secret"
SEVDESK_SANDBOX_CLIENT = "sandbox-700123"
SANDBOX_URLS = {
    "sevdesk": "https://sevdesk.sandbox.invalid",
    "bexio": "https://bexio.sandbox.invalid",
    "lexware": "https://lexware.sandbox.invalid",
}
BERLIN = ZoneInfo("Europe/Berlin")
ZURICH = ZoneInfo("Europe/Zurich")
Clock = Callable[[], float]

# -- packaged templates ------------------------------------------------------------------
def template(integration: str, name: str) -> Any:
    path = resources.files("mwtui.demo") / "data" / "sandbox" / integration / name
    return json.loads(path.read_text(encoding="utf-8"))


def make_pdf(lines: list[str]) -> bytes:
    """A tiny valid one-page PDF showing ``lines`` (ASCII; other characters become '?')."""
    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 60 780 Td 16 TL " + " ".join(f"({esc(x)}) '" for x in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("ascii")
    return bytes(out)


class Reply(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response


def as_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return httpx.Response(status, content=body,
                          headers={"Content-Type": "application/json", **(headers or {})})


def query_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request.url.query.decode(), keep_blank_values=True)
            .items()}


def int_or(value: str | None, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def page_slice(items: list[Any], offset: int, limit: int) -> list[Any]:
    return items[max(0, offset):max(0, offset) + max(0, limit)]


def at(today: datetime, days_ago: int, hh: int, mm: int) -> datetime:
    day = (today - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=today.tzinfo)
