"""One run of the sync engine: its result record, progress, cancel and chunked commits.

:class:`SyncRun` is shared by the contacts and the orders import. It owns the batch record
(written at the start, after every chunk and at the end), reports progress, raises
:class:`~mwtui.workspace.errors.ImportCancelled` between items once ``cancel`` is set, and
commits one ``workspace.transaction()`` per chunk.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.protocol import AccountingClient
from mwtui.workspace.api_undo import Journal, JournalTx
from mwtui.workspace.batches import record_batch
from mwtui.workspace.errors import ImportCancelled
from mwtui.workspace.models import Batch, ItemReport, now_iso
from mwtui.workspace.store import Transaction, Workspace, new_batch_id

log = logging.getLogger(__name__)

CHUNK_ITEMS = 25  # commit at least every 25 records ...
CHUNK_SECONDS = 2.0  # ... or every 2 s (stretched when commits themselves are slow)
MAX_STORED_ITEMS = 5000  # per-item report entries kept in the batch record


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
    status: str = "running"  # done | failed | cancelled | interrupted
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
    items: list[ItemReport] = field(default_factory=list)  # what happened, per item
    delivery_notes_supported: bool = True
    notice: str = ""
    error: str = ""  # why the whole run failed (listing error, store error)
    rate_limited: int = 0  # 429 answers met (each slowed the pace for the rest of the run)
    #: delivery notes were asked for only if changed since then (ISO; "" = all were asked)
    changed_since: str = ""
    #: a dry run's records as they would be (``sync_dry_run.fingerprints``); not in --json
    fingerprints: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

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
            "items": [item.to_json() for item in self.items],
            "rate_limited": self.rate_limited,
            "changed_since": self.changed_since or None,
        }


ProgressFn = Callable[[SyncProgress], None]


class SyncRun:
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
                           details={"period": period, "kind": kind, "undo_journal": True,
                                    **(details or {})})
        self.journal = Journal(self.result.batch_id)  # before/after images, for undo
        self.commit_interval = CHUNK_SECONDS
        self.last_commit = time.monotonic()
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
            raise ImportCancelled("The import was cancelled; committed work is kept.")

    def iterate(self, items: Iterable[Any]) -> Iterator[Any]:
        """Iterate a (paging) client iterator, checking for cancel between items."""
        for item in items:
            self.check_cancel()
            yield item

    def fail_item(self, external_id: str, err: BaseException | str, number: str = "") -> None:
        text = err if isinstance(err, str) else error_sentence(err)
        self.result.failed.append(ItemError(str(external_id), text))
        self.result.items.append(ItemReport(str(external_id), number, "failed", error=text))
        log.info("import item %s failed: %s", external_id, text)

    def chunk_due(self, pending: int) -> bool:
        """Whether ``pending`` items make a chunk (by count or by time)."""
        return pending >= CHUNK_ITEMS or \
            time.monotonic() - self.last_commit >= self.commit_interval

    # batch record
    def _sync_batch(self, status: str | None = None) -> None:
        self.batch.counts = self.result.counts()
        self.batch.errors = [{"external_id": e.external_id, "error": e.error}
                             for e in self.result.failed[:500]]
        items = self.result.items
        stored = len(self.batch.items)  # items are only appended: convert the new ones
        self.batch.items.extend(item.to_json() for item in items[stored:MAX_STORED_ITEMS])
        self.batch.items_omitted = max(0, len(items) - MAX_STORED_ITEMS)
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
        """One transaction: ``work(tx)`` (journalled for undo) then the batch counts; adapts
        the commit interval."""
        began = time.monotonic()
        entries = dict(self.journal.entries)
        try:
            with self.workspace.transaction() as tx:
                work(JournalTx(tx, self.journal))  # type: ignore[arg-type]
                self.journal.save(tx)
                self._sync_batch()
                record_batch(tx, self.batch)
        except BaseException:  # nothing of this chunk was written: forget its journal too
            self.journal.entries, self.journal.before = entries, {}
            raise
        self.last_commit = time.monotonic()
        spent = self.last_commit - began
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
            self.result.status = "failed"  # its record still says running: not "done"
            self.result.error = self.result.error or error_sentence(err)
        self.report("done")
        return self.result

    def execute(self, body: Callable[[], None], flush: Callable[[], None]) -> SyncResult:
        """Run ``body``; on cancel keep what is complete (``flush``), on failure record why.

        Returns the result with status done, cancelled, interrupted (the server or the
        network gave up mid-run: what is complete stays) or failed.
        """
        try:
            body()
        except ImportCancelled:
            flush()  # only complete items are pending: keep them
            return self.finish("cancelled")
        except Exception as err:
            self.result.error = error_sentence(err)
            log.info("%s import failed: %s", self.result.what, self.result.error)
            try:
                flush()
            except Exception:
                log.debug("flush after failure failed", exc_info=True)
            self._count_rate_limits()
            return self.finish("interrupted" if getattr(err, "interrupts_import", False)
                               else "failed")
        self._count_rate_limits()
        return self.finish("done")

    def _count_rate_limits(self) -> None:
        count = getattr(self.client, "rate_limited", 0)
        self.result.rate_limited = count if isinstance(count, int) else 0
