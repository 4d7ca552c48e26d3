"""Every request ends within its time budget, even against a server that trickles bytes.

httpx's timeouts bound each single read; a server that sends one byte every few seconds
never trips them. :func:`run_within` bounds the whole exchange instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from mwtui.importers.accounting.errors import ClientError


def capped_timeout(timeout: httpx.Timeout, left: float) -> httpx.Timeout:
    """``timeout`` with no single wait longer than the ``left`` seconds of the budget."""
    left = max(0.01, left)

    def cap(value: float | None) -> float:
        return left if value is None else min(value, left)

    return httpx.Timeout(connect=cap(timeout.connect), read=cap(timeout.read),
                         write=cap(timeout.write), pool=cap(timeout.pool))


def run_within(work: Callable[[], httpx.Response], seconds: float,
               too_slow: Callable[[], ClientError]) -> httpx.Response:
    """``work()`` in a daemon thread, given up after ``seconds`` (a server that trickles a
    byte every few seconds never trips a read timeout). The abandoned thread ends when the
    server closes or its own read timeout fires; it never touches mwtui's data."""
    if seconds <= 0:
        raise too_slow()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    worker = threading.Thread(target=run, name="mwtui-http", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise too_slow()
    if "error" in box:
        raise box["error"]
    return box["value"]
