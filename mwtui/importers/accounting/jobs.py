"""Import jobs as the screens start them: which client, which engine call, what to show.

No Textual here. A screen builds an :class:`ImportRequest`, gets a client from a
:data:`ClientFactory` (the real API client, or the sandbox in the demo) and calls
:func:`run_import` in a thread worker; :func:`summary_lines` turns the result into text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mwtui.importers.accounting.protocol import PERIOD_LABELS, AccountingClient, OrderKind, Period
from mwtui.workspace.config import Config
from mwtui.workspace.models import INTEGRATION_LABELS, INTEGRATIONS

ClientFactory = Callable[[str], AccountingClient]

KIND_LABELS: dict[str, str] = {
    "orderconfirmation": "order confirmations",
    "quotation": "quotations",
}
BEXIO_NOTE = ("bexio orders have no creation date: the period is matched against the "
              "valid-from date. bexio has no delivery notes to import.")


@dataclass(frozen=True)
class ImportRequest:
    """What the operator chose: contacts or orders, from where, which period and kind."""

    what: str  # "contacts" | "orders"
    integration: str
    period: Period = "month"
    kind: OrderKind = "orderconfirmation"

    def describe(self) -> str:
        """E.g. ``orders from lexware Office (order confirmations, created this month)``."""
        label = INTEGRATION_LABELS.get(self.integration, self.integration)
        if self.what == "contacts":
            return f"contacts from {label}"
        detail = PERIOD_LABELS.get(self.period, self.period)
        if self.integration == "lexware":
            detail = f"{KIND_LABELS.get(self.kind, self.kind)}, {detail}"
        return f"orders from {label} ({detail})"


def default_factory(config: Config, demo: bool) -> ClientFactory:
    """Real clients, or in the demo the local sandboxes (see :class:`DemoClients`)."""
    if demo:
        return DemoClients(config)

    from mwtui.importers.accounting.clients import make_client

    return lambda name: make_client(name, config)


class DemoClients:
    """Demo clients: the real client classes wired to one sandbox per integration.

    After each finished orders import the sandbox moves on one generation (an order
    changes, a delivery note is added, an order is re-linked), so the next import in the
    demo shows an update and a new PDF.
    """

    sandbox = True

    def __init__(self, config: Config) -> None:
        self.config = config

    def __call__(self, name: str) -> AccountingClient:
        from mwtui.demo.sandbox import sandbox_client, shared_state

        return sandbox_client(name, self.config, shared_state(name))

    def after_import(self, request: ImportRequest, result: Any) -> list[str]:
        """Advance the sandbox; returns what the next import will find (for the summary)."""
        if request.what != "orders" or getattr(result, "status", "") != "done":
            return []
        from mwtui.demo.sandbox import shared_state

        changes = shared_state(request.integration).advance()
        if not changes:
            return []
        return ["Sandbox: the next import will find " + "; ".join(
            f"{key.replace('_', ' ')} {value}" for key, value in changes.items())]


def run_import(
    workspace: Any,
    client: AccountingClient,
    request: ImportRequest,
    progress: Callable[[Any], None] | None,
    cancel: threading.Event,
    tz: Any = None,
) -> Any:
    """Run the sync engine for ``request`` (blocking; call it from a thread worker)."""
    from mwtui.importers.accounting.sync import import_contacts, import_orders

    if request.what == "contacts":
        return import_contacts(workspace, client, progress=progress, cancel=cancel)
    return import_orders(workspace, client, request.period, request.kind,
                         progress=progress, cancel=cancel, tz=tz)


def check_connection(client: AccountingClient) -> str:
    """``client.account_info()``: a short text naming the account reached."""
    return str(client.account_info())


STATUS_WORDS = {
    "done": "Finished",
    "cancelled": "Cancelled (what was saved is kept; the next run completes it)",
    "failed": "Failed",
    "running": "Running",
}


def count_line(counts: dict[str, int]) -> str:
    """``created 3, updated 1, unchanged 7, attachments 2, failed 0``."""
    parts = [
        f"created {counts.get('created', 0)}",
        f"updated {counts.get('updated', 0)}",
        f"unchanged {counts.get('unchanged', 0)}",
    ]
    if "attachments_added" in counts:
        parts.append(f"attachments {counts.get('attachments_added', 0)}")
    parts.append(f"failed {counts.get('failed', 0)}")
    if counts.get("missing_at_source"):
        parts.append(f"missing at source {counts['missing_at_source']}")
    if counts.get("customers_created"):
        parts.append(f"new customers {counts['customers_created']}")
    return ", ".join(parts)


def summary_lines(request: ImportRequest, result: Any, limit: int = 50) -> list[str]:
    """The end-of-run summary, errors listed (plain text, not yet made display-safe)."""
    status = str(getattr(result, "status", "done"))
    counts = dict(result.counts()) if hasattr(result, "counts") else {}
    if request.what == "contacts":
        counts.pop("attachments_added", None)
    lines = [
        f"{STATUS_WORDS.get(status, status)}: {request.describe()}",
        count_line(counts),
        f"Batch {getattr(result, 'batch_id', '-')}",
    ]
    if getattr(result, "notice", ""):
        lines.append(str(result.notice))
    if getattr(result, "error", ""):
        lines.append(f"Error: {result.error}")
    failed = list(getattr(result, "failed", []) or [])
    if failed:
        lines.append(f"{len(failed)} item(s) failed:")
        for item in failed[:limit]:
            lines.append(f"  {item.external_id}: {item.error}")
        if len(failed) > limit:
            lines.append(f"  ... and {len(failed) - limit} more (see `mwtui batches --json`)")
    return lines


def integration_choices() -> list[tuple[str, str]]:
    """(name, label) of the three accounting tools, in display order."""
    return [(name, INTEGRATION_LABELS[name]) for name in INTEGRATIONS]


# -- integration state for the Integrations screen ------------------------------------------
@dataclass(frozen=True)
class LastImport:
    """The newest batch of one kind for one integration."""

    what: str
    when: str
    status: str
    counts: dict[str, int]


@dataclass(frozen=True)
class IntegrationState:
    """What the Integrations screen shows for one accounting tool (never the token)."""

    name: str
    label: str
    badge: str
    token_source: str  # env | config | none | refused
    token_text: str
    endpoint: str
    last: tuple[LastImport, ...]
    sandbox: bool = False


def _local_time(value: Any, tz: Any) -> str:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(value))
        if tz is not None and moment.tzinfo is not None:
            moment = moment.astimezone(tz)
        return moment.strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(value or "-")


def last_imports(snapshot: Any, name: str, tz: Any = None) -> tuple[LastImport, ...]:
    """The newest contacts and orders batch of ``name`` (from the batches table)."""
    from mwtui.importers.accounting.sync import last_batches

    newest = last_batches(snapshot, name)
    return tuple(
        LastImport(what, _local_time(doc.get("created"), tz), str(doc.get("status", "")),
                   {k: int(v) for k, v in (doc.get("counts") or {}).items()
                    if isinstance(v, int)})
        for what, doc in sorted(newest.items())
    )


def integration_states(config: Config, snapshot: Any, demo: bool) -> list[IntegrationState]:
    """State of sevDesk, bexio and lexware Office: token source, endpoint, last imports."""
    from mwtui.workspace.config import TOKEN_ENV
    from mwtui.workspace.errors import ConfigError
    from mwtui.workspace.models import SOURCE_BADGES

    try:
        tz = config.timezone
    except ConfigError:
        tz = None
    states = []
    for name, label in integration_choices():
        try:
            info = config.token(name)
            source = info.source if info.token else "none"
        except ConfigError:
            source = "refused"
        except OSError:  # the config file vanished meanwhile: report what it holds
            source = "config" if config.integration(name).get("token") else "none"
        token_text = {
            "env": f"token set (environment {TOKEN_ENV[name]})",
            "config": "token set (config file)",
            "none": "no token",
            "refused": "token refused: config file readable by others (chmod 600 it)",
        }[source]
        try:
            endpoint = config.base_url(name)
        except ConfigError as err:
            endpoint = f"invalid base URL ({err})"
        if demo:
            token_text = "sandbox: no token needed (demo)" + (
                f"; real {token_text}" if source in ("env", "config") else "")
            endpoint = "sandbox (local, fictional data)"
        states.append(IntegrationState(name, label, SOURCE_BADGES.get(name, ""), source,
                                       token_text, endpoint, last_imports(snapshot, name, tz),
                                       sandbox=demo))
    return states
