"""Batches: one record per import run, and undo of a committed WEBFAKT batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mwtui.workspace import owner
from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.models import Batch, now_iso
from mwtui.workspace.store import Snapshot, Transaction, Workspace

# Kinds whose records are only ever created by their batch, so removing them is exact.
UNDOABLE: dict[str, tuple[str, ...]] = {"webfakt": ("services",)}


def find_batch(items: Any, batch_id: str) -> tuple[int, dict[str, Any]] | None:
    for doc_id, doc in items("batches"):
        if doc.get("batch_id") == batch_id:
            return doc_id, doc
    return None


def record_batch(tx: Transaction, batch: Batch) -> int:
    """Insert or replace the batch record (by ``batch_id``) inside a transaction. A
    running batch names its process (``owner``), so a dead one shows as interrupted."""
    record = batch.to_record()
    if record.get("status") == "running":
        record["owner"] = owner.current()
    found = find_batch(tx.items, batch.batch_id)
    if found:
        tx.replace("batches", found[0], record)
        return found[0]
    return tx.insert("batches", record)


def shown_batch(doc: dict[str, Any]) -> dict[str, Any]:
    """The batch as the operator should see it: "running" whose process died is
    "interrupted" (the record itself is not changed)."""
    if doc.get("status") == "running" and owner.is_dead(doc.get("owner")):
        return {**doc, "status": "interrupted"}
    return doc


def list_batches(snapshot: Snapshot) -> list[tuple[int, dict[str, Any]]]:
    """All batches, newest first (a dead "running" one as "interrupted"). Batches created
    in the same second keep the order they were recorded in: record ids only grow."""
    return sorted(((i, shown_batch(d)) for i, d in snapshot.items("batches")),
                  key=lambda item: (str(item[1].get("created", "")), item[0]), reverse=True)


@dataclass
class UndoResult:
    batch_id: str
    removed: dict[str, int]
    restored: dict[str, int] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)  # records kept, and why
    undo_batch: str = ""  # the undo's own batch (API imports)


def can_undo(batch: dict[str, Any]) -> str | None:
    """Why the batch record ``batch`` cannot be undone (one sentence for the operator), or
    None when it can."""
    batch_id = batch.get("batch_id", "")
    if batch.get("status") == "undone":
        return f"Batch {batch_id} was already undone; nothing to do."
    kind = batch.get("kind", "")
    if kind in ("contacts", "orders"):
        from mwtui.workspace.api_undo import api_refusal

        return api_refusal(batch)
    if kind not in UNDOABLE:
        return (f"Batch {batch_id} is a {kind} import; only WEBFAKT batches can be undone "
                "(imports from accounting tools update records in place and are re-run "
                "instead).")
    return None


def undo_batch(workspace: Workspace, batch_id: str) -> UndoResult:
    """Undo one batch in one transaction: a WEBFAKT batch loses exactly the records it
    created; an API import is put back record by record (``api_undo``)."""
    detached: set[str] = set()
    with workspace.transaction() as tx:
        found = find_batch(tx.items, batch_id)
        if found is None:
            raise MwtuiError(f"No batch {batch_id!r}; run `mwtui batches` to list them.")
        doc_id, doc = found
        refusal = can_undo(doc)
        if refusal is not None:
            raise MwtuiError(refusal)
        if doc.get("kind") in ("contacts", "orders"):
            from mwtui.workspace.api_undo import undo_api_batch

            result, detached = undo_api_batch(tx, doc_id, doc)
        else:
            removed: dict[str, int] = {}
            for table in UNDOABLE[doc.get("kind", "")]:
                removed[table] = tx.remove_batch(table, batch_id)  # drops its partition files
            tx.update("batches", doc_id, {"status": "undone", "undone": now_iso()})
            result = UndoResult(batch_id, removed)
    if detached:  # files only go once the records no longer name them
        from mwtui.workspace.api_undo import remove_files

        remove_files(workspace.attachments_dir, detached)
    return result
