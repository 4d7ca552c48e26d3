"""Choose a client by integration name: ``make_client("lexware", config)``."""

from __future__ import annotations

from typing import Any

import httpx

from mwtui.importers.accounting.bexio import BexioClient
from mwtui.importers.accounting.client_base import BaseClient
from mwtui.importers.accounting.lexware import LexwareClient
from mwtui.importers.accounting.protocol import AccountingClient
from mwtui.importers.accounting.sevdesk import SevdeskClient
from mwtui.workspace.config import Config
from mwtui.workspace.errors import UsageError

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
