"""Import jobs as the operator starts them, from the CLI or the import dialog.

No Textual here. The caller builds an :class:`ImportRequest`, picks a :data:`ClientFactory`
(the real API clients, the demo's shared sandboxes or the CLI's ``--sandbox``) and runs one
:class:`ImportJob`: blocking with :meth:`ImportJob.run` (from a thread worker) or in its own
thread with :meth:`ImportJob.start` / :meth:`ImportJob.wait`; :meth:`ImportJob.cancel` stops
it between items. :func:`summary_lines` turns the result into text. The human labels of
periods, kinds and capabilities live here, not in the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.protocol import (
    AccountingClient,
    Capabilities,
    OrderKind,
    Period,
)
from mwtui.importers.accounting.sync_run import SyncResult
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.models import INTEGRATION_LABELS, INTEGRATIONS

ClientFactory = Callable[[str], AccountingClient]

#: The period choices in words; orders are matched by their creation date.
PERIOD_WORDS: dict[str, str] = {
    "today": N_("today"), "week": N_("this week"), "month": N_("this month"), "all": N_("all")}
KIND_LABELS: dict[str, str] = {
    "orderconfirmation": N_("order confirmations"),
    "quotation": N_("quotations"),
}
SANDBOX_CHANGES = {
    "changed_order": N_("changed order"),
    "new_delivery_note": N_("new delivery note"),
    "relinked_order": N_("order linked to another customer"),
}
"""The sandbox's announced changes, as the operator reads them."""
NO_DELIVERY_NOTES = N_("{label} has no delivery notes to import; orders are imported without "
                       "PDFs.")
STATUS_WORDS = {
    "done": N_("Finished"),
    "cancelled": N_("Cancelled (what was saved is kept; the next run completes it)"),
    "failed": N_("Failed"),
    "running": N_("Running"),
}
STATUS_SHORT = {
    "done": N_("done"), "cancelled": N_("cancelled"), "failed": N_("failed"),
    "running": N_("running"), "undone": N_("undone"), "interrupted": N_("interrupted"),
}


def label_of(integration: str) -> str:
    return INTEGRATION_LABELS.get(integration, integration)


def status_word(status: str) -> str:
    """``done`` / ``abgeschlossen``: a batch status in one word."""
    return _(STATUS_SHORT[status]) if status in STATUS_SHORT else status


def kind_label(kind: str) -> str:
    """``quotations`` / ``Angebote``."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def period_word(period: str | None) -> str:
    """``this month`` / ``dieser Monat``."""
    return _(PERIOD_WORDS[period]) if period in PERIOD_WORDS else str(period or "")


def period_label(period: str | None) -> str:
    """``created this week`` (or ``all``)."""
    if period == "all" or period not in PERIOD_WORDS:
        return period_word(period)
    return _("created {period}").format(period=period_word(period))


def capabilities(integration: str) -> Capabilities:
    """What ``integration`` offers an import, asked of its client class."""
    from mwtui.importers.accounting.clients import capabilities as of_class

    return of_class(integration)


def integration_choices() -> list[tuple[str, str]]:
    """(name, label) of the three accounting tools, in display order."""
    return [(name, INTEGRATION_LABELS[name]) for name in INTEGRATIONS]


def orders_note(integration: str) -> str:
    """What the orders import of ``integration`` offers, for the import dialog."""
    label, caps = label_of(integration), capabilities(integration)
    notes = []
    if caps.period_basis == "valid_from":
        notes.append(_("{label} orders have no creation date: the period is matched against "
                       "the valid-from date.").format(label=label))
    if caps.delivery_notes:
        notes.append(_("Delivery notes are attached as PDF."))
    else:
        notes.append(_("{label} has no delivery notes to import.").format(label=label))
    return " ".join(notes)


#: The Start button: what will run, in words (one whole sentence per period).
START_LABELS: dict[str, str] = {
    "today": N_("{label}: import {kind}, today"),
    "week": N_("{label}: import {kind}, this week"),
    "month": N_("{label}: import {kind}, this month"),
    "all": N_("{label}: import all {kind}"),
}
ORDERS_WORD = N_("orders")


@dataclass(frozen=True)
class ImportRequest:
    """What the operator chose: contacts or orders, from where, which period and kind."""

    what: str  # "contacts" | "orders"
    integration: str
    period: Period = "month"
    kind: OrderKind = "orderconfirmation"

    def describe(self) -> str:
        """E.g. ``orders from lexware Office (order confirmations, created this month)``."""
        label = label_of(self.integration)
        if self.what == "contacts":
            return _("contacts from {label}").format(label=label)
        detail = period_label(self.period)
        if len(capabilities(self.integration).order_kinds) > 1:
            detail = f"{kind_label(self.kind)}, {detail}"
        return _("orders from {label} ({detail})").format(label=label, detail=detail)

    def start_label(self) -> str:
        """The Start button: ``lexware Office: import quotations, this month``."""
        label = label_of(self.integration)
        if self.what == "contacts":
            return _("{label}: import contacts").format(label=label)
        several = len(capabilities(self.integration).order_kinds) > 1
        kind = kind_label(self.kind) if several else _(ORDERS_WORD)
        return _(START_LABELS.get(self.period, START_LABELS["month"])).format(
            label=label, kind=kind)


# -- client factories ------------------------------------------------------------------------
def default_factory(config: Config, demo: bool) -> ClientFactory:
    """Real clients, or in the demo the local sandboxes (see :class:`DemoClients`)."""
    if demo:
        return DemoClients(config)
    return RealClients(config)


class RealClients:
    """The real API clients; an integration without a token cannot start."""

    needs_token = True

    def __init__(self, config: Config) -> None:
        self.config = config

    def __call__(self, name: str) -> AccountingClient:
        from mwtui.importers.accounting.clients import make_client

        return make_client(name, self.config)


class DemoClients:
    """Demo clients: the real client classes wired to one sandbox per integration.

    After each finished orders import the sandbox moves on one generation (an order
    changes, a delivery note is added, an order is re-linked), so the next import in the
    demo shows an update and a new PDF.
    """

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
        return [_("Sandbox: the next import will find changes ({changes}).").format(
            changes="; ".join(f"{_(SANDBOX_CHANGES.get(key, key))} {value}"
                              for key, value in changes.items()))]


class SandboxClients:
    """``--sandbox`` on the command line: each run starts a fresh sandbox as it looks after
    the sandbox order imports already recorded in the workspace (so a second run differs)."""

    def __init__(self, config: Config, workspace: Any) -> None:
        self.config = config
        self.workspace = workspace

    def previous_imports(self, name: str) -> int:
        return sum(1 for _, d in self.workspace.snapshot().items("batches")
                   if d.get("kind") == "orders" and d.get("source") == name
                   and (d.get("details") or {}).get("sandbox") and d.get("status") == "done")

    def __call__(self, name: str) -> AccountingClient:
        from mwtui.demo.sandbox import demo_state, sandbox_client

        return sandbox_client(name, self.config, demo_state(name, self.previous_imports(name)))


# -- the job -----------------------------------------------------------------------------------
@dataclass
class ImportOutcome:
    """The engine's result and the factory's extra summary lines (the demo sandbox)."""

    result: SyncResult
    notes: list[str] = field(default_factory=list)


def orders_notice(client: AccountingClient) -> str:
    """The notice an orders result carries when the client has no delivery notes."""
    if getattr(client, "supports_delivery_notes", False):
        return ""
    return _(NO_DELIVERY_NOTES).format(label=label_of(client.integration))


def run_import(workspace: Any, client: AccountingClient, request: ImportRequest, *,
               progress: Callable[[Any], None] | None = None,
               cancel: threading.Event | None = None, tz: Any = None,
               details: dict[str, Any] | None = None) -> SyncResult:
    """Run the sync engine for ``request`` with ``client`` (blocking)."""
    from mwtui.importers.accounting.sync import import_contacts, import_orders

    if request.what == "contacts":
        return import_contacts(workspace, client, progress=progress, cancel=cancel,
                               details=details)
    return import_orders(workspace, client, request.period, request.kind, progress=progress,
                         cancel=cancel, tz=tz, details=details, notice=orders_notice(client))


class ImportJob:
    """One import: a client from the factory, the engine, cancel between items, the outcome.

    ``details`` go into the batch record (``{"sandbox": True}`` for ``--sandbox``). A
    ``dry_run`` makes the same reads against a throw-away copy of the workspace: the result
    says what the import would do, nothing is written.
    """

    def __init__(self, request: ImportRequest, factory: ClientFactory, workspace: Any, *,
                 tz: Any = None, details: dict[str, Any] | None = None,
                 progress: Callable[[Any], None] | None = None, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.request = request
        self.factory = factory
        self.workspace = workspace
        self.tz = tz
        self.details = details
        self.progress = progress
        self.cancel_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._outcome: ImportOutcome | None = None
        self._error: BaseException | None = None

    def cancel(self) -> None:
        """Stop between items; what was committed is kept."""
        self.cancel_event.set()

    def run(self) -> ImportOutcome:
        """Run the import now (blocking); errors outside the engine are raised."""
        client = self.factory(self.request.integration)
        try:
            if self.dry_run:
                from mwtui.importers.accounting.sync_dry_run import fingerprints, scratch_copy

                with scratch_copy(self.workspace) as scratch:
                    result = run_import(scratch, client, self.request, progress=self.progress,
                                        cancel=self.cancel_event, tz=self.tz)
                    result.fingerprints = fingerprints(scratch.snapshot(),
                                                       self.request.integration)
                return ImportOutcome(result, [])  # the demo sandbox does not move on
            result = run_import(self.workspace, client, self.request, progress=self.progress,
                                cancel=self.cancel_event, tz=self.tz, details=self.details)
        finally:
            client.close()
        after = getattr(self.factory, "after_import", None)
        notes = list(after(self.request, result)) if after is not None else []
        return ImportOutcome(result, notes)

    def start(self) -> None:
        """Run the import in its own thread (see :meth:`wait`)."""

        def work() -> None:
            try:
                self._outcome = self.run()
            except BaseException as err:  # re-raised by wait() in the caller's thread
                self._error = err

        self._thread = threading.Thread(target=work, name="mwtui-import", daemon=True)
        self._thread.start()

    def wait(self, on_interrupt: Callable[[], None] | None = None) -> ImportOutcome:
        """Wait for the thread; Ctrl-C cancels (``on_interrupt`` says so) and waits on."""
        assert self._thread is not None, "start() first"
        try:
            while self._thread.is_alive():
                self._thread.join(0.2)
        except KeyboardInterrupt:
            self.cancel()
            if on_interrupt is not None:
                on_interrupt()
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome


def changed_since_preview(preview: Any, current: Any) -> list[str]:
    """The records (numbers) that differ between two dry runs (results): in their per-item
    report or in what would be stored. They changed at the source in between."""
    def keyed(items: list[Any]) -> dict[str, tuple[str, Any]]:
        return {f"item:{i.external_id}": (i.number or i.external_id, i.to_json())
                for i in items}

    before = {**keyed(preview.items), **preview.fingerprints}
    after = {**keyed(current.items), **current.fingerprints}
    return sorted({(before.get(k) or after[k])[0] for k in set(before) | set(after)
                   if before.get(k) != after.get(k)})


# -- text ------------------------------------------------------------------------------------
def check_connection(client: AccountingClient) -> str:
    """``client.account_info()``: a short text naming the account reached."""
    return str(client.account_info())


def count_line(counts: dict[str, int]) -> str:
    """``created 3, updated 1, unchanged 7, attachments 2, failed 0``."""
    c = {k: fmt.count(v) for k, v in counts.items()}
    parts = [_("created {n}").format(n=c.get("created", 0)),
             _("updated {n}").format(n=c.get("updated", 0)),
             _("unchanged {n}").format(n=c.get("unchanged", 0))]
    if "attachments_added" in counts:
        parts.append(_("attachments {n}").format(n=c.get("attachments_added", 0)))
    parts.append(_("failed {n}").format(n=c.get("failed", 0)))
    if counts.get("missing_at_source"):
        parts.append(_("missing at source {n}").format(n=c["missing_at_source"]))
    if counts.get("customers_created"):
        parts.append(_("new customers {n}").format(n=c["customers_created"]))
    return ", ".join(parts)


def summary_lines(request: ImportRequest, result: Any) -> list[str]:
    """The end-of-run summary: status, counts, batch, notice; then what happened per item
    (plain text, not yet made display-safe)."""
    from mwtui.importers.accounting.report import item_lines

    status = str(getattr(result, "status", "done"))
    counts = dict(result.counts()) if hasattr(result, "counts") else {}
    if request.what == "contacts":
        counts.pop("attachments_added", None)
    title = _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
    lines = [f"{title}: {request.describe()}", count_line(counts),
             _("Batch {batch}").format(batch=getattr(result, "batch_id", "-"))]
    if getattr(result, "notice", ""):
        lines.append(str(result.notice))
    if getattr(result, "error", ""):
        lines.append(_("Error: {error}").format(error=result.error))
    items = list(getattr(result, "items", []) or [])
    if items:
        lines.append(_("What happened, per item:"))
        lines.extend(item_lines(items))
    else:
        lines.append(_("Nothing changed."))
    return lines


def preview_lines(request: ImportRequest, result: Any, changed: list[str] | None = None
                  ) -> list[str]:
    """A preview (dry run) in words: what the import would do per item, and which items
    changed at the source since the previous preview (plain text, not yet display-safe)."""
    from mwtui.importers.accounting.report import item_lines

    counts = dict(result.counts())
    if request.what == "contacts":
        counts.pop("attachments_added", None)
    lines = [_("Preview: {what}, nothing written yet").format(what=request.describe()),
             count_line(counts)]
    if changed:
        lines.append(_("Changed at the source since the previous preview: {numbers}. This "
                       "is the new preview; nothing was imported.").format(
                           numbers=", ".join(changed)))
    if result.notice:
        lines.append(str(result.notice))
    if result.error:
        lines.append(_("Error: {error}").format(error=result.error))
    lines.append(_("What the import would do, per item:") if result.items
                 else _("Nothing would change."))
    lines.extend(item_lines(result.items))
    lines.append(_("s imports exactly this; Escape closes without importing."))
    return lines


# -- token state -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenState:
    """Where the token of an integration comes from, never the token itself.

    ``source`` is env | config | none | refused (an unsafe or unreadable config file;
    ``problem`` says why).
    """

    source: str
    problem: str = ""

    @property
    def is_set(self) -> bool:
        return self.source in ("env", "config")


def token_state(config: Config, name: str) -> TokenState:
    """The one reading of a token's state, for ``integrations list`` and the screen."""
    try:
        info = config.token(name)
    except ConfigError as err:
        return TokenState("refused", str(err))
    except OSError:  # the config file vanished meanwhile: report what it holds
        return TokenState("config" if config.integration(name).get("token") else "none")
    return TokenState(info.source if info.token else "none")
