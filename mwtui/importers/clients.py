"""Choose a client by integration name: ``make_client("lexware", config)``."""

from __future__ import annotations

from typing import Any

import httpx

from mwtui.config import Config
from mwtui.errors import UsageError
from mwtui.importers.base import AccountingClient
from mwtui.importers.bexio import BexioClient
from mwtui.importers.clientbase import BaseClient
from mwtui.importers.lexware import LexwareClient
from mwtui.importers.sevdesk import SevdeskClient

CLIENTS: dict[str, type[BaseClient]] = {
    "sevdesk": SevdeskClient,
    "bexio": BexioClient,
    "lexware": LexwareClient,
}


def make_client(name: str, config: Config, transport: httpx.BaseTransport | None = None,
                **kwargs: Any) -> AccountingClient:
    """The read-only client for ``name``; ``kwargs`` go to the constructor (clock, sleep, now,
    limiter, retry). Raises ConfigError when no token is configured."""
    cls = CLIENTS.get(name)
    if cls is None:
        raise UsageError(f"Unknown integration {name!r}; use one of {', '.join(CLIENTS)}.")
    client = cls(config, transport=transport, **kwargs)
    assert isinstance(client, AccountingClient)
    return client
