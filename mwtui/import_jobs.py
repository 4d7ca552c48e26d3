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

from mwtui.config import Config
from mwtui.importers.base import PERIOD_LABELS, AccountingClient, OrderKind, Period
from mwtui.models import INTEGRATION_LABELS, INTEGRATIONS

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
    """Real clients, or in the demo the local sandboxes (kept for the whole app run so a
    second import sees what changed at the "source")."""
    if demo:
        from mwtui.importers import sandbox

        make_sandbox: Callable[[str], AccountingClient] = sandbox.sandbox_client
        cache: dict[str, AccountingClient] = {}

        def demo_client(name: str) -> AccountingClient:
            if name not in cache:
                cache[name] = make_sandbox(name)
            return _NoClose(cache[name])

        return demo_client

    from mwtui.importers.clients import make_client

    return lambda name: make_client(name, config)


class _NoClose:
    """A shared sandbox client: the run's ``close()`` must not end it for the next run."""

    def __init__(self, inner: AccountingClient) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def close(self) -> None:
        return None


def run_import(
    workspace: Any,
    client: AccountingClient,
    request: ImportRequest,
    progress: Callable[[Any], None] | None,
    cancel: threading.Event,
    tz: Any = None,
) -> Any:
    """Run the sync engine for ``request`` (blocking; call it from a thread worker)."""
    from mwtui.importers.sync import import_contacts, import_orders

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
