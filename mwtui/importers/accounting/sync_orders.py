"""Orders -> activities with their delivery-note PDFs: ``import_orders`` and its steps.

:class:`OrderImport` runs one import in five steps: list the summaries (cheap), flag what
disappeared at the source, split unchanged from new/changed by change marker, fetch and
commit the new/changed ones window by window, then give the unchanged ones their new
delivery notes and heal a missing customer link. An activity is only ever committed
together with its attachments' metadata; the PDF files are on disk before that commit.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.importers.accounting.attachments import store_pdf
from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.protocol import (
    AccountingClient,
    OrderKind,
    Period,
    PeriodWindow,
    RemoteContact,
    RemoteDeliveryNote,
    RemoteOrder,
    period_window,
)
from mwtui.importers.accounting.sync_activities import (
    Existing,
    OrderWork,
    activity_index,
    apply_order,
    flag_missing,
    tx_state,
)
from mwtui.importers.accounting.sync_contacts import CustomerIndex
from mwtui.importers.accounting.sync_marker import newest_change, parse_moment, snapshot_since
from mwtui.importers.accounting.sync_run import ProgressFn, SyncResult, SyncRun
from mwtui.workspace.config import DEFAULT_TIMEZONE
from mwtui.workspace.errors import ImportCancelled
from mwtui.workspace.store import Doc, Transaction, Workspace

FETCH_WINDOW = 100  # new/changed orders fetched before their delivery notes are looked up


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


class OrderImport:
    """One orders import: one method per step, the run's pending work in between."""

    def __init__(self, run: SyncRun, period: Period, kind: OrderKind,
                 window: PeriodWindow) -> None:
        self.run = run
        self.client: AccountingClient = run.client
        self.period = period
        self.kind = kind
        self.window = window
        snapshot = run.workspace.snapshot()
        self.existing: dict[str, Existing] = activity_index(snapshot, self.client.integration)
        self.known_customers = CustomerIndex(snapshot, self.client.integration)
        self.fetched_contacts: dict[str, RemoteContact | None] = {}
        self.known_notes: set[str] = set()
        self.ready: list[OrderWork] = []
        #: notes changed before this were seen by the last successful run (None: ask all)
        self.since = snapshot_since(snapshot, self.client.integration, kind, period) \
            if self.with_notes else None
        if self.since is not None:
            run.batch.details["changed_since"] = self.since.isoformat()
            run.result.changed_since = self.since.isoformat()

    @property
    def with_notes(self) -> bool:
        return self.run.result.delivery_notes_supported

    def execute(self) -> SyncResult:
        self.run.start()
        return self.run.execute(self.steps, lambda: self.flush(force=True))

    def steps(self) -> None:
        summaries = self.list_summaries()
        self.flag_gone(summaries)
        changed, unchanged = self.split(summaries)
        self.import_changed(changed)
        self.touch_unchanged(unchanged)

    # 1. list (cheap): summaries with change markers
    def list_summaries(self) -> dict[str, RemoteOrder]:
        run = self.run
        run.report("listing")
        summaries: dict[str, RemoteOrder] = {}
        for order in run.iterate(self.client.list_orders(self.period, self.kind)):
            summaries.setdefault(order.external_id, order)
            run.result.listed = len(summaries)
            if len(summaries) % 50 == 0:
                run.report("listing")
        run.total = len(summaries)
        newest = newest_change(o.change_marker for o in summaries.values())
        if newest is not None:
            run.batch.details["newest_change"] = newest
        run.report("orders")
        return summaries

    # 2. flag what disappeared at the source (never delete)
    def flag_gone(self, summaries: dict[str, RemoteOrder]) -> None:
        listed = set(summaries)
        gone = [e for e, found in self.existing.items() if e not in listed and not found.missing]
        if gone:
            self.run.commit(lambda tx: flag_missing(tx, self.run, listed, self.kind,
                                                    self.in_window))

    def in_window(self, doc: Doc) -> bool:
        if getattr(self.client, "period_basis", "created") == "valid_from":
            return self.window.contains_day(_parse_day(doc.get("valid_from")))
        return self.window.contains(parse_moment(doc.get("created")))

    # 3. split: unchanged (no detail request) vs new/changed
    def split(self, summaries: dict[str, RemoteOrder]) -> tuple[list[OrderWork],
                                                                 list[OrderWork]]:
        changed: list[OrderWork] = []
        unchanged: list[OrderWork] = []
        for ext, order in summaries.items():
            found = self.existing.get(ext)
            work = OrderWork(order)
            if found is not None:
                self.known_notes.update(found.note_ids)
            if (found is not None and found.change_marker is not None
                    and found.change_marker == order.change_marker):
                work.heal_customer = found.customer_id is None
                unchanged.append(work)
            else:
                changed.append(work)
        return changed, unchanged

    # 4. new/changed orders: detail, contact, delivery notes, commit in chunks
    def import_changed(self, changed: list[OrderWork]) -> None:
        for start in range(0, len(changed), FETCH_WINDOW):
            fetched = [w for w in changed[start:start + FETCH_WINDOW] if self.fetch(w)]
            if self.with_notes:
                self.attach_notes(fetched)
                self.ready.extend(fetched)
                self.flush(force=True)

    def fetch(self, work: OrderWork) -> bool:
        """The full order and its contact; without delivery notes it is ready at once."""
        run = self.run
        run.check_cancel()
        try:
            work.full = self.client.get_order(work.summary)
        except ImportCancelled:
            raise
        except Exception as err:
            run.fail_item(work.summary.external_id, err, work.summary.number or "")
            run.done += 1
            return False
        self.contact_for(work)
        run.done += 1
        run.report("orders")
        if not self.with_notes:
            self.ready.append(work)
            self.flush()
        return True

    # 5. unchanged orders: only new delivery notes and healing a missing customer link
    def touch_unchanged(self, unchanged: list[OrderWork]) -> None:
        run = self.run
        for work in unchanged:
            run.check_cancel()
            if work.heal_customer:
                self.contact_for(work)
        self.attach_notes(unchanged)
        for work in unchanged:
            if self.needs_commit(work):
                self.ready.append(work)
            else:
                run.result.unchanged += 1
            run.done += 1
        run.report("orders")
        self.flush(force=True)

    def needs_commit(self, work: OrderWork) -> bool:
        found = self.existing[work.summary.external_id]
        return bool(work.attachments or work.contact is not None or found.missing or (
            work.heal_customer and self.known_customers.find(
                work.order.contact_external_id) is not None))

    # helpers of the steps
    def contact_for(self, work: OrderWork) -> None:
        """Fetch the order's contact if it is not a customer yet (once per run)."""
        ext = work.order.contact_external_id
        if not ext or self.known_customers.find(ext) is not None:
            return
        if ext not in self.fetched_contacts:
            try:
                self.fetched_contacts[ext] = self.client.get_contact(ext)
            except Exception as err:
                self.fetched_contacts[ext] = None
                self.run.fail_item(work.summary.external_id,
                                   f"its contact {ext} could not be loaded: "
                                   f"{error_sentence(err)}", work.summary.number or "")
        contact = self.fetched_contacts[ext]
        if contact is not None:
            work.contact = contact
            # pending: fetched once, created with the order's commit
            self.known_customers.by_source[(self.client.integration, ext)] = -1

    def notes_since(self, works: list[OrderWork]) -> datetime | None:
        """Since when these orders can have delivery notes not yet examined: the marker,
        or earlier for an order new to the workspace (its notes are younger than it)."""
        bound = self.since
        for work in works:
            if bound is None:
                return None
            if work.summary.external_id not in self.existing:
                created = work.order.created
                bound = None if created is None else min(bound, created - timedelta(days=1))
        return bound

    def attach_notes(self, works: list[OrderWork]) -> None:
        """Find and download the new delivery notes of these orders."""
        if not self.with_notes or not works:
            return
        self.run.report("delivery_notes")
        by_id = {w.summary.external_id: w for w in works}
        try:
            notes = self.client.delivery_notes([w.order for w in works],
                                               frozenset(self.known_notes),
                                               updated_since=self.notes_since(works))
        except ImportCancelled:
            raise
        except Exception as err:
            self.run.fail_item("delivery-notes", f"delivery notes could not be listed: "
                                                 f"{error_sentence(err)}")
            return
        for note in notes:
            self.run.check_cancel()
            owner = by_id.get(note.order_external_id)
            if owner is not None and note.external_id not in self.known_notes:
                self.download(owner, note)

    def download(self, owner: OrderWork, note: RemoteDeliveryNote) -> None:
        try:
            content = self.client.download_delivery_note(note)
            attachment = store_pdf(self.run.workspace.attachments_dir, content,
                                   remote_name=note.remote_file_name,
                                   external_id=note.external_id, number=note.number)
        except ImportCancelled:
            raise
        except Exception as err:
            self.run.fail_item(note.external_id, f"delivery note {note.number or ''} of order "
                                                 f"{owner.order.number}: {error_sentence(err)}",
                               note.number or "")
            return
        self.known_notes.add(note.external_id)
        owner.attachments.append(dataclasses.asdict(attachment))

    def flush(self, force: bool = False) -> None:
        """Commit the ready orders (each complete with its attachments) as one chunk."""
        if not self.ready or (not force and not self.run.chunk_due(len(self.ready))):
            return
        chunk, self.ready = self.ready, []
        self.run.commit(lambda tx: self._save(tx, chunk))
        self.run.report("saving")

    def _save(self, tx: Transaction, chunk: list[OrderWork]) -> None:
        state = tx_state(tx, self.client.integration)
        for item in chunk:
            try:
                apply_order(tx, state, item, self.run.result)
            except Exception as err:
                self.run.fail_item(item.summary.external_id, err, item.summary.number or "")


def import_orders(
    workspace: Workspace,
    client: AccountingClient,
    period: Period,
    kind: OrderKind = "orderconfirmation",
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    details: dict[str, Any] | None = None,
    notice: str = "",
) -> SyncResult:
    """Import the orders created in ``period`` as activities in the default type.

    Orders whose change marker is unchanged are not fetched again; only new delivery notes
    (ids not yet attached) are downloaded. ``notice`` (one sentence for the operator, e.g.
    that the integration has no delivery notes) is kept in the result and the batch record.
    Returns the run's :class:`SyncResult`.
    """
    run = SyncRun(workspace, client, "orders", progress, cancel, period=period, kind=kind,
                  details=details)
    run.result.notice = notice
    window = period_window(period, tz or ZoneInfo(DEFAULT_TIMEZONE), now)
    return OrderImport(run, period, kind, window).execute()
