"""Choose a client by integration name: ``make_client("lexware", config)``; what an
integration offers without a client: ``capabilities("bexio")``."""

from __future__ import annotations

from typing import Any

import httpx

from mwtui.importers.accounting.bexio import BexioClient
from mwtui.importers.accounting.client_base import BaseClient
from mwtui.importers.accounting.lexware import LexwareClient
from mwtui.importers.accounting.protocol import (
    PERIODS,
    AccountingClient,
    Capabilities,
    Period,
    RemoteOrder,
    period_window,
)
from mwtui.importers.accounting.sevdesk import SevdeskClient
from mwtui.workspace.config import Config
from mwtui.workspace.errors import UsageError

CLIENTS: dict[str, type[BaseClient]] = {
    "sevdesk": SevdeskClient,
    "bexio": BexioClient,
    "lexware": LexwareClient,
}


def client_class(name: str) -> type[BaseClient]:
    """The client class of ``name`` (UsageError for an unknown name)."""
    cls = CLIENTS.get(name)
    if cls is None:
        raise UsageError(f"Unknown integration {name!r}; use one of {', '.join(CLIENTS)}.")
    return cls


def make_client(name: str, config: Config, transport: httpx.BaseTransport | None = None,
                **kwargs: Any) -> AccountingClient:
    """The read-only client for ``name``; ``kwargs`` go to the constructor (clock, sleep, now,
    limiter, retry). Raises ConfigError when no token is configured."""
    client = client_class(name)(config, transport=transport, **kwargs)
    assert isinstance(client, AccountingClient)
    return client


def capabilities(name: str) -> Capabilities:
    """What ``name`` offers an import (order kinds, delivery notes), without a client."""
    return Capabilities.of(client_class(name))


def _in_window(client: BaseClient, order: RemoteOrder, period: Period) -> bool:
    window = period_window(period, client.tz, client.now())
    if client.period_basis == "valid_from":
        return window.contains_day(order.valid_from)
    return window.contains(order.created)


def would_find(client: BaseClient) -> dict[str, Any]:
    """What an import would find, read with list requests only (nothing is written):
    ``{"contacts": n, "orders": {kind: {period: n}}}`` for every period of the import."""
    contacts = sum(1 for _contact in client.list_contacts())
    orders: dict[str, dict[str, int]] = {}
    for kind in client.order_kinds:
        listed = list(client.list_orders("all", kind))
        orders[kind] = {period: sum(1 for o in listed if _in_window(client, o, period))
                        for period in PERIODS}
    return {"contacts": contacts, "orders": orders}
