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

The engine's modules: ``sync_run`` (result record, progress, cancel, chunked commits),
``sync_contacts`` (contacts -> customers), ``sync_activities`` (the activity upsert) and
``sync_orders`` (the steps of an orders import), ``sync_marker`` (since when delivery notes
can have changed: the last successful import). This module is their entry point.
"""

from __future__ import annotations

from mwtui.importers.accounting.sync_contacts import import_contacts
from mwtui.importers.accounting.sync_orders import import_orders
from mwtui.importers.accounting.sync_run import ItemError, SyncProgress, SyncResult

__all__ = ["ItemError", "SyncProgress", "SyncResult", "import_contacts", "import_orders"]
