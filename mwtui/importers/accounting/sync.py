"""Idempotent sync: contacts -> customers, orders -> activities with delivery-note PDFs.

Works on any ``AccountingClient`` (protocol). Records are matched by unique
ids (integration + external id), never by text, so running an import twice creates nothing
new. Network work happens outside the store lock; results are committed in chunks, one
``workspace.transaction()`` per chunk, and every chunk re-reads the workspace and upserts
inside the transaction, so two operators importing at once neither lose nor double anything.

An activity is only ever written together with the metadata of its attachments, and the
attachment files are on disk before the transaction that references them. Cancelling
(``cancel.set()``) stops between items: what was committed stays, nothing half-written is
kept, and the next run picks up the rest (orders not yet committed still look new or
changed; delivery notes not yet attached are still unknown).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mwtui.importers.accounting.attachments import store_pdf
from mwtui.importers.accounting.protocol import (
    AccountingClient,
    OrderKind,
    Period,
    RemoteContact,
    RemoteDeliveryNote,
    RemoteOrder,
    period_window,
)
from mwtui.workspace.activity_types import ensure_default_type
from mwtui.workspace.batches import record_batch
from mwtui.workspace.config import DEFAULT_TIMEZONE
from mwtui.workspace.models import Batch, Customer, now_iso
from mwtui.workspace.store import Doc, Snapshot, Transaction, Workspace, new_batch_id

log = logging.getLogger(__name__)

CHUNK_ITEMS = 25  # commit at least every 25 records ...
CHUNK_SECONDS = 2.0  # ... or every 2 s (stretched when commits themselves are slow)
FETCH_WINDOW = 100  # new/changed orders fetched before their delivery notes are looked up
CUSTOMER_FIELDS = ("name", "number", "street", "zip", "city", "country", "email", "phone")
NO_DELIVERY_NOTES = "{label} has no delivery notes to import; orders are imported without PDFs."


# -- public records ------------------------------------------------------------------------
@dataclass(frozen=True)
class SyncProgress:
    """A progress report: ``phase`` is listing | contacts | orders | delivery_notes |
    saving | done; ``total`` is 0 while unknown (during listing)."""

    phase: str
    done: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemError:
    """One record that could not be imported, and why (one sentence)."""

    external_id: str
    error: str


@dataclass
class SyncResult:
    """The outcome of one run (= one batch record)."""

    batch_id: str
    what: str  # "contacts" | "orders"
    integration: str
    status: str = "running"  # done | failed | cancelled
    period: str | None = None
    kind: str | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    attachments_added: int = 0
    missing_at_source: int = 0
    customers_created: int = 0
    listed: int = 0
    failed: list[ItemError] = field(default_factory=list)
    delivery_notes_supported: bool = True
    notice: str = ""
    error: str = ""  # why the whole run failed (listing error, store error)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "attachments_added": self.attachments_added,
            "failed": len(self.failed),
            "missing_at_source": self.missing_at_source,
            "customers_created": self.customers_created,
        }

    def to_json(self) -> dict[str, Any]:
        """The documented ``--json`` shape of ``mwtui import``."""
        return {
            "batch": self.batch_id,
            "import": self.what,
            "integration": self.integration,
            "status": self.status,
            "period": self.period,
            "kind": self.kind,
            "delivery_notes_supported": self.delivery_notes_supported,
            "listed": self.listed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "attachments_added": self.attachments_added,
            "missing_at_source": self.missing_at_source,
            "customers_created": self.customers_created,
            "failed": [{"external_id": e.external_id, "error": e.error} for e in self.failed],
            "notice": self.notice,
            "error": self.error,
        }


ProgressFn = Callable[[SyncProgress], None]


class _Cancelled(Exception):
    pass


# -- shared helpers ------------------------------------------------------------------------
def _error_text(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:500]


def customer_fields(contact: RemoteContact) -> dict[str, str]:
    """The customer fields an import owns, from a remote contact."""
    return {
        "name": contact.name or contact.number or contact.external_id,
        "number": contact.number,
        "street": contact.street,
        "zip": contact.zip,
        "city": contact.city,
        "country": contact.country,
        "email": contact.email,
        "phone": contact.phone,
    }


class _CustomerIndex:
    """(integration, external id) -> customer id, built once per transaction."""

    def __init__(self, tx: Transaction | Snapshot, integration: str) -> None:
        self.integration = integration
        self.by_source: dict[tuple[str, str], int] = {}
        self.by_number_name: dict[tuple[str, str], int] = {}
        for doc_id, doc in tx.items("customers"):
            linked = False
            for link in doc.get("sources") or []:
                key = (str(link.get("integration")), str(link.get("external_id")))
                self.by_source.setdefault(key, doc_id)
                linked = linked or key[0] == integration
            if not linked and doc.get("number"):
                natural = (str(doc["number"]), str(doc.get("name", "")).casefold())
                self.by_number_name.setdefault(natural, doc_id)

    def find(self, external_id: str | None) -> int | None:
        if not external_id:
            return None
        return self.by_source.get((self.integration, external_id))


def _upsert_customer(
    tx: Transaction, index: _CustomerIndex, contact: RemoteContact, batch_id: str
) -> tuple[int, str]:
    """Create or update the customer linked to a remote contact; never duplicates."""
    fields = customer_fields(contact)
    link = {"integration": contact.integration, "external_id": contact.external_id,
            "change_marker": contact.change_marker}
    doc_id = index.find(contact.external_id)
    if doc_id is None and contact.number:
        # an unlinked customer with the same number and name is the same customer
        doc_id = index.by_number_name.pop((contact.number, fields["name"].casefold()), None)
    if doc_id is None:
        customer = Customer(**fields, sources=[link], batch=batch_id)
        new_id = tx.insert("customers", customer.to_record())
        index.by_source[(contact.integration, contact.external_id)] = new_id
        return new_id, "created"
    doc = tx.get("customers", doc_id) or {}
    sources = [dict(s) for s in doc.get("sources") or []]
    mine = [s for s in sources if s.get("integration") == contact.integration
            and str(s.get("external_id")) == contact.external_id]
    changed_fields = {k: v for k, v in fields.items() if doc.get(k, "") != v}
    if mine:
        marker_changed = mine[0].get("change_marker") != contact.change_marker
        mine[0]["change_marker"] = contact.change_marker
    else:
        sources.append(link)
        marker_changed = True
    index.by_source[(contact.integration, contact.external_id)] = doc_id
    if not changed_fields and not marker_changed:
        return doc_id, "unchanged"
    update: Doc = {"sources": sources}
    if changed_fields:
        update.update(changed_fields)
        update["updated"] = now_iso()
    tx.update("customers", doc_id, update)
    return doc_id, "updated" if changed_fields or not mine else "unchanged"


class _Run:
    """Shared run state: the batch record, counts, progress, cancel and chunked commits."""

    def __init__(
        self,
        workspace: Workspace,
        client: AccountingClient,
        what: str,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
        period: str | None = None,
        kind: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.workspace = workspace
        self.client = client
        self.progress_fn = progress
        self.cancel = cancel or threading.Event()
        self.result = SyncResult(
            batch_id=new_batch_id(), what=what, integration=client.integration,
            period=period, kind=kind,
            delivery_notes_supported=bool(getattr(client, "supports_delivery_notes", False)),
        )
        self.batch = Batch(batch_id=self.result.batch_id, kind=what, source=client.integration,
                           details={"period": period, "kind": kind, **(details or {})})
        self.commit_interval = CHUNK_SECONDS
        self.done = 0
        self.total = 0
        self.phase = "listing"

    # progress / cancel
    def report(self, phase: str | None = None) -> None:
        if phase:
            self.phase = phase
        if self.progress_fn is not None:
            try:
                self.progress_fn(SyncProgress(self.phase, self.done, self.total,
                                              self.result.counts()))
            except Exception:  # a broken progress sink must not break the import
                log.debug("progress callback failed", exc_info=True)

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise _Cancelled

    def fail_item(self, external_id: str, err: BaseException | str) -> None:
        text = err if isinstance(err, str) else _error_text(err)
        self.result.failed.append(ItemError(str(external_id), text))
        log.info("import item %s failed: %s", external_id, text)

    # batch record
    def _sync_batch(self, status: str | None = None) -> None:
        self.batch.counts = self.result.counts()
        self.batch.errors = [{"external_id": e.external_id, "error": e.error}
                             for e in self.result.failed[:500]]
        self.batch.details = {**self.batch.details, "listed": self.result.listed,
                              "delivery_notes_supported": self.result.delivery_notes_supported}
        if self.result.notice:
            self.batch.details["notice"] = self.result.notice
        if self.result.error:
            self.batch.details["error"] = self.result.error
        if status:
            self.batch.status = status
            self.batch.finished = now_iso()

    def start(self) -> None:
        with self.workspace.transaction() as tx:
            self._sync_batch()
            record_batch(tx, self.batch)

    def commit(self, work: Callable[[Transaction], None]) -> None:
        """One transaction: ``work(tx)`` then the batch counts; adapts the commit interval."""
        began = time.monotonic()
        with self.workspace.transaction() as tx:
            work(tx)
            self._sync_batch()
            record_batch(tx, self.batch)
        spent = time.monotonic() - began
        # on a big workspace a commit rewrites the file: keep commits at most ~20 % of the time
        self.commit_interval = max(CHUNK_SECONDS, spent * 4)

    def finish(self, status: str) -> SyncResult:
        self.result.status = status
        try:
            with self.workspace.transaction() as tx:
                self._sync_batch(status)
                record_batch(tx, self.batch)
        except Exception as err:  # the batch record is bookkeeping: report, do not mask
            log.warning("could not record the end of batch %s: %s", self.batch.batch_id, err)
        self.report("done")
        return self.result


def _iterate(run: _Run, items: Iterable[Any]) -> Iterator[Any]:
    """Iterate a (paging) client iterator, checking for cancel between items."""
    for item in items:
        run.check_cancel()
        yield item


# -- contacts ------------------------------------------------------------------------------
def import_contacts(
    workspace: Workspace,
    client: AccountingClient,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    details: dict[str, Any] | None = None,
) -> SyncResult:
    """Import all customer contacts of ``client`` as customers (create / update / unchanged).

    ``details`` is stored in the batch record (e.g. ``{"sandbox": True}``).
    """
    run = _Run(workspace, client, "contacts", progress, cancel, details=details)
    run.start()
    run.report("listing")
    pending: list[RemoteContact] = []
    last_commit = time.monotonic()
    seen: set[str] = set()

    def flush() -> None:
        nonlocal pending, last_commit
        if not pending:
            return
        batch, pending = pending, []

        def work(tx: Transaction) -> None:
            index = _CustomerIndex(tx, client.integration)
            for contact in batch:
                try:
                    _, status = _upsert_customer(tx, index, contact, run.result.batch_id)
                except Exception as err:  # one bad record does not stop the others
                    run.fail_item(contact.external_id, err)
                    continue
                setattr(run.result, status, getattr(run.result, status) + 1)

        run.commit(work)
        last_commit = time.monotonic()
        run.report("saving")

    try:
        for contact in _iterate(run, client.list_contacts()):
            run.result.listed += 1
            if contact.archived or contact.external_id in seen:
                continue
            seen.add(contact.external_id)
            pending.append(contact)
            run.done += 1
            run.report("contacts")
            if len(pending) >= CHUNK_ITEMS or time.monotonic() - last_commit >= run.commit_interval:
                flush()
        flush()
    except _Cancelled:
        flush()  # each pending contact is complete: keep them
        return run.finish("cancelled")
    except Exception as err:
        run.result.error = _error_text(err)
        try:
            flush()
        except Exception:
            log.debug("flush after failure failed", exc_info=True)
        return run.finish("failed")
    return run.finish("done")


# -- orders --------------------------------------------------------------------------------
@dataclass
class _OrderWork:
    """One listed order and what the run learned about it (not yet committed)."""

    summary: RemoteOrder
    full: RemoteOrder | None = None  # fetched: new or changed at the source
    contact: RemoteContact | None = None  # fetched because it was not imported yet
    attachments: list[dict[str, Any]] = field(default_factory=list)
    heal_customer: bool = False

    @property
    def order(self) -> RemoteOrder:
        return self.full or self.summary


@dataclass
class _Existing:
    doc_id: int
    change_marker: str | None
    customer_id: int | None
    missing: bool
    note_ids: frozenset[str]


def _activity_index(source: Transaction | Snapshot, integration: str) -> dict[str, _Existing]:
    index: dict[str, _Existing] = {}
    for doc_id, doc in source.items("activities"):
        if doc.get("source") != integration or not doc.get("external_id"):
            continue
        notes = frozenset(str(a.get("external_id")) for a in doc.get("attachments") or []
                          if a.get("external_id"))
        index.setdefault(str(doc["external_id"]), _Existing(
            doc_id, doc.get("change_marker"), doc.get("customer_id"),
            bool(doc.get("missing_at_source")), notes))
    return index


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _remote_fields(order: RemoteOrder, complete: bool) -> Doc:
    """The activity fields owned by the source (everything else belongs to the operator)."""
    fields: Doc = {
        "number": order.number,
        "source": order.integration,
        "external_id": order.external_id,
        # an incomplete record (summary only) keeps no marker, so the next run fetches it
        "change_marker": order.change_marker if complete else None,
        "kind": order.kind,
        "status": order.status,
        "created": _iso(order.created),
        "valid_from": _iso(order.valid_from),
        "net_amount": str(order.net_amount) if order.net_amount is not None else None,
        "gross_amount": str(order.gross_amount) if order.gross_amount is not None else None,
        "currency": order.currency or "EUR",
        "missing_at_source": False,
    }
    if complete or order.title:
        fields["title"] = order.title
    return fields


def _apply_order(tx: Transaction, state: _TxState, work: _OrderWork, run: _Run) -> None:
    """Upsert one order's activity (and its new contact and attachments) inside ``tx``."""
    result = run.result
    if work.contact is not None:
        _, status = _upsert_customer(tx, state.customers, work.contact, result.batch_id)
        if status == "created":
            result.customers_created += 1
    order = work.order
    customer_id = state.customers.find(order.contact_external_id)
    key = state.activities.get(order.external_id)
    doc = tx.get("activities", key) if key is not None else None
    if doc is None:
        fields = _remote_fields(order, work.full is not None)
        fields.update({
            "customer_id": customer_id,
            "type_id": state.default_type_id,  # only on creation: the operator may change it
            "attachments": list(work.attachments),
            "local": {},
            "imported": now_iso(),
            "updated": now_iso(),
            "batch": result.batch_id,
        })
        fields.setdefault("title", "")
        doc_id = tx.insert("activities", fields)
        state.activities[order.external_id] = doc_id
        result.created += 1
        result.attachments_added += len(work.attachments)
        return
    new: Doc = dict(doc)
    if work.full is not None:
        new.update(_remote_fields(work.full, True))
        new["customer_id"] = customer_id if order.contact_external_id else None
    else:
        if doc.get("missing_at_source"):
            new["missing_at_source"] = False
        if work.heal_customer and customer_id is not None and not doc.get("customer_id"):
            new["customer_id"] = customer_id
    known = {str(a.get("external_id")) for a in doc.get("attachments") or []}
    added = [a for a in work.attachments if a["external_id"] not in known]
    if added:
        new["attachments"] = [*list(doc.get("attachments") or []), *added]
    new.setdefault("type_id", state.default_type_id)
    if new == doc:
        result.unchanged += 1
        return
    new["updated"] = now_iso()
    tx.replace("activities", key, new)
    result.updated += 1
    result.attachments_added += len(added)


@dataclass
class _TxState:
    customers: _CustomerIndex
    activities: dict[str, int]
    default_type_id: int


def _tx_state(tx: Transaction, integration: str) -> _TxState:
    activities = {str(d["external_id"]): i for i, d in tx.items("activities")
                  if d.get("source") == integration and d.get("external_id")}
    return _TxState(_CustomerIndex(tx, integration), activities, ensure_default_type(tx))


def _flag_missing(
    tx: Transaction, run: _Run, listed: set[str], kind: str, window_check: Callable[[Doc], bool]
) -> None:
    """Flag (never delete) activities of this source/kind in the window no longer listed."""
    for doc_id, doc in tx.items("activities"):
        if (doc.get("source") != run.client.integration or not doc.get("external_id")
                or str(doc["external_id"]) in listed or (doc.get("kind") or kind) != kind
                or doc.get("missing_at_source") or not window_check(doc)):
            continue
        tx.update("activities", doc_id, {"missing_at_source": True, "updated": now_iso()})
        run.result.missing_at_source += 1


def _parse_dt(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


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
) -> SyncResult:
    """Import the orders created in ``period`` as activities in the default type.

    Orders whose change marker is unchanged are not fetched again; only new delivery notes
    (ids not yet attached) are downloaded. Returns the run's :class:`SyncResult`.
    """
    from mwtui.workspace.models import INTEGRATION_LABELS

    run = _Run(workspace, client, "orders", progress, cancel, period=period, kind=kind,
               details=details)
    if not run.result.delivery_notes_supported:
        label = INTEGRATION_LABELS.get(client.integration, client.integration)
        run.result.notice = NO_DELIVERY_NOTES.format(label=label)
    run.start()
    zone = tz or ZoneInfo(DEFAULT_TIMEZONE)
    window = period_window(period, zone, now)
    existing = _activity_index(workspace.snapshot(), client.integration)
    known_customers = _CustomerIndex(workspace.snapshot(), client.integration)
    fetched_contacts: dict[str, RemoteContact | None] = {}
    ready: list[_OrderWork] = []
    last_commit = time.monotonic()

    def flush(force: bool = False) -> None:
        nonlocal ready, last_commit
        if not ready:
            return
        if not force and len(ready) < CHUNK_ITEMS and \
                time.monotonic() - last_commit < run.commit_interval:
            return
        chunk, ready = ready, []

        def work(tx: Transaction) -> None:
            state = _tx_state(tx, client.integration)
            for item in chunk:
                try:
                    _apply_order(tx, state, item, run)
                except Exception as err:
                    run.fail_item(item.summary.external_id, err)

        run.commit(work)
        last_commit = time.monotonic()
        run.report("saving")

    def contact_for(work: _OrderWork) -> None:
        """Fetch the order's contact if it is not a customer yet (once per run)."""
        ext = work.order.contact_external_id
        if not ext or known_customers.find(ext) is not None:
            return
        if ext not in fetched_contacts:
            try:
                fetched_contacts[ext] = client.get_contact(ext)
            except Exception as err:
                fetched_contacts[ext] = None
                run.fail_item(work.summary.external_id,
                              f"its contact {ext} could not be loaded: {_error_text(err)}")
        contact = fetched_contacts[ext]
        if contact is not None:
            work.contact = contact
            known_customers.by_source[(client.integration, ext)] = -1  # pending, fetched once

    def attach_notes(works: list[_OrderWork], known: set[str]) -> None:
        """Find and download the new delivery notes of these orders."""
        if not run.result.delivery_notes_supported or not works:
            return
        run.report("delivery_notes")
        by_id = {w.summary.external_id: w for w in works}
        try:
            notes: list[RemoteDeliveryNote] = client.delivery_notes(
                [w.order for w in works], frozenset(known))
        except _Cancelled:
            raise
        except Exception as err:
            run.fail_item("delivery-notes", f"delivery notes could not be listed: "
                                            f"{_error_text(err)}")
            return
        for note in notes:
            run.check_cancel()
            owner = by_id.get(note.order_external_id)
            if owner is None or note.external_id in known:
                continue
            try:
                content = client.download_delivery_note(note)
                attachment = store_pdf(workspace.attachments_dir, content,
                                       remote_name=note.remote_file_name,
                                       external_id=note.external_id, number=note.number)
            except _Cancelled:
                raise
            except Exception as err:
                run.fail_item(note.external_id, f"delivery note {note.number or ''} of order "
                                                f"{owner.order.number}: {_error_text(err)}")
                continue
            known.add(note.external_id)
            owner.attachments.append(dataclasses.asdict(attachment))

    try:
        # 1. list (cheap): summaries with change markers
        run.report("listing")
        summaries: dict[str, RemoteOrder] = {}
        for order in _iterate(run, client.list_orders(period, kind)):
            summaries.setdefault(order.external_id, order)
            run.result.listed = len(summaries)
            if len(summaries) % 50 == 0:
                run.report("listing")
        run.total = len(summaries)
        run.report("orders")

        # 2. flag what disappeared at the source (never delete)
        basis = getattr(client, "period_basis", "created")

        def in_window(doc: Doc) -> bool:
            if basis == "valid_from":
                return window.contains_day(_parse_day(doc.get("valid_from")))
            return window.contains(_parse_dt(doc.get("created")))

        listed_ids = set(summaries)
        gone = [e for e, found in existing.items() if e not in listed_ids and not found.missing]
        if gone:
            run.commit(lambda tx: _flag_missing(tx, run, listed_ids, kind, in_window))

        # 3. split: unchanged (no detail request) vs new/changed
        changed: list[_OrderWork] = []
        unchanged: list[_OrderWork] = []
        known_notes: set[str] = set()
        for ext, order in summaries.items():
            found = existing.get(ext)
            work = _OrderWork(order)
            if found is not None:
                known_notes.update(found.note_ids)
            if (found is not None and found.change_marker is not None
                    and found.change_marker == order.change_marker):
                work.heal_customer = found.customer_id is None
                unchanged.append(work)
            else:
                changed.append(work)

        # 4. new/changed orders: detail, contact, delivery notes, commit in chunks
        for start in range(0, len(changed), FETCH_WINDOW):
            window_works = changed[start:start + FETCH_WINDOW]
            fetched: list[_OrderWork] = []
            for work in window_works:
                run.check_cancel()
                try:
                    work.full = client.get_order(work.summary)
                except _Cancelled:
                    raise
                except Exception as err:
                    run.fail_item(work.summary.external_id, err)
                    run.done += 1
                    continue
                contact_for(work)
                fetched.append(work)
                run.done += 1
                run.report("orders")
                if not run.result.delivery_notes_supported:
                    ready.append(work)
                    flush()
            if run.result.delivery_notes_supported:
                attach_notes(fetched, known_notes)
                ready.extend(fetched)
                flush(force=True)

        # 5. unchanged orders: only new delivery notes and healing a missing customer link
        touch: list[_OrderWork] = []
        for work in unchanged:
            run.check_cancel()
            if work.heal_customer:
                contact_for(work)
        attach_notes(unchanged, known_notes)
        for work in unchanged:
            found = existing[work.summary.external_id]
            needs = work.attachments or work.contact is not None or found.missing or (
                work.heal_customer and known_customers.find(
                    work.order.contact_external_id) is not None)
            if needs:
                touch.append(work)
            else:
                run.result.unchanged += 1
            run.done += 1
        run.report("orders")
        ready.extend(touch)
        flush(force=True)
    except _Cancelled:
        flush(force=True)  # only complete items (activity + its attachments) are in ``ready``
        return run.finish("cancelled")
    except Exception as err:
        run.result.error = _error_text(err)
        log.info("order import failed: %s", run.result.error)
        try:
            flush(force=True)
        except Exception:
            log.debug("flush after failure failed", exc_info=True)
        return run.finish("failed")
    return run.finish("done")


def last_batches(snapshot: Any, integration: str) -> dict[str, dict[str, Any]]:
    """The newest contacts and orders batch of an integration (for the Integrations screen)."""
    newest: dict[str, dict[str, Any]] = {}
    for _, doc in snapshot.items("batches"):
        if doc.get("source") != integration or doc.get("kind") not in ("contacts", "orders"):
            continue
        current = newest.get(doc["kind"])
        if current is None or str(doc.get("created", "")) > str(current.get("created", "")):
            newest[doc["kind"]] = doc
    return newest
