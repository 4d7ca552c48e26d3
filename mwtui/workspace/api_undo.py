"""Undo of an API import (contacts, orders): the journal an import keeps, and the undo.

While an import writes, :class:`JournalTx` stands in for the transaction and records, per
customer and activity it touches, the record as it was before the batch (``None``: the
batch created it) and as the batch left it. The journal lives in the ``undo_journal``
table and is written in the same transaction as the change it describes.

Undo puts every such record back (removes what the batch created, restores what it
changed) unless the record is no longer as the batch left it: then a later batch or an
operator changed it, and that record is refused and listed, never overwritten.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mwtui.workspace.models import Batch, now_iso
from mwtui.workspace.problems import N_
from mwtui.workspace.store import Doc, Transaction, new_batch_id

JOURNAL = "undo_journal"
TRACKED: tuple[str, ...] = ("customers", "activities")
API_KINDS: tuple[str, ...] = ("contacts", "orders")
#: Why one record was not put back (English msgids, translated where shown).
LATER_BATCH = N_("changed later by batch {batch}; kept as it is")
LATER_EDIT = N_("changed later (edited in mwtui); kept as it is")
STILL_USED = N_("still used by activity {number}; kept")


class Journal:
    """The before/after images of the records one batch touched."""

    def __init__(self, batch_id: str) -> None:
        self.batch_id = batch_id
        self.entries: dict[tuple[str, int], int] = {}  # (table, record) -> journal doc id
        self.before: dict[tuple[str, int], Doc | None] = {}

    def note(self, tx: Transaction, table: str, record: int) -> None:
        """Remember ``record`` as it is now, unless this batch touched it already."""
        key = (table, record)
        if key in self.entries or key in self.before:
            return
        doc = tx.get(table, record)
        self.before[key] = copy.deepcopy(doc) if doc is not None else None

    def save(self, tx: Transaction) -> None:
        """Write the touched records' images into the journal (same transaction)."""
        for key, before in self.before.items():
            after = tx.get(*key)
            entry = {"batch": self.batch_id, "table": key[0], "record": key[1],
                     "before": before, "after": copy.deepcopy(after), "at": now_iso()}
            self.entries[key] = tx.insert(JOURNAL, entry)
        self.before = {}
        for key, entry_id in self.entries.items():
            current = tx.get(JOURNAL, entry_id)
            if current is not None:
                after = tx.get(*key)
                if current.get("after") != after:
                    tx.update(JOURNAL, entry_id, {"after": copy.deepcopy(after)})


class JournalTx:
    """A transaction whose writes to customers and activities are journalled."""

    def __init__(self, tx: Transaction, journal: Journal) -> None:
        self._tx = tx
        self._journal = journal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)

    def insert(self, table: str, doc: Doc) -> int:
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: Iterable[Doc]) -> list[int]:
        ids = self._tx.insert_many(table, docs)
        if table in TRACKED:
            for doc_id in ids:
                self._journal.before.setdefault((table, doc_id), None)
        return ids

    def update(self, table: str, doc_id: int, fields: Doc) -> None:
        if table in TRACKED:
            self._journal.note(self._tx, table, doc_id)
        self._tx.update(table, doc_id, fields)

    def replace(self, table: str, doc_id: int, doc: Doc) -> None:
        if table in TRACKED:
            self._journal.note(self._tx, table, doc_id)
        self._tx.replace(table, doc_id, doc)

    def remove(self, table: str, doc_ids: Iterable[int]) -> int:
        wanted = list(doc_ids)
        if table in TRACKED:
            for doc_id in wanted:
                self._journal.note(self._tx, table, doc_id)
        return self._tx.remove(table, wanted)


@dataclass
class ApiUndo:
    """What an undo did: records removed and restored per table, refusals, the new batch."""

    undo_batch: str
    removed: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


def _label(table: str, doc: Doc | None) -> tuple[str, str]:
    doc = doc or {}
    external = str(doc.get("external_id") or "")
    if table == "customers":
        links = doc.get("sources") or []
        external = str(links[0].get("external_id", "")) if links else ""
        return external, " ".join(str(p) for p in (doc.get("number"), doc.get("name")) if p)
    return external, str(doc.get("number") or "")


def _later_batch(tx: Transaction, batch_id: str, key: tuple[str, int]) -> str | None:
    """The newest other batch that journalled the record after ``batch_id`` did (journal
    ids only grow)."""
    mine = [i for i, d in tx.items(JOURNAL) if d.get("batch") == batch_id
            and (d.get("table"), d.get("record")) == key]
    later = [(i, str(d.get("batch"))) for i, d in tx.items(JOURNAL)
             if d.get("batch") != batch_id and (d.get("table"), d.get("record")) == key
             and i > min(mine, default=0)]
    return max(later)[1] if later else None


def _note_names(doc: Doc | None) -> set[str]:
    return {str(a.get("name")) for a in (doc or {}).get("attachments") or [] if a.get("name")}


def _refuse(tx: Transaction, outcome: ApiUndo, batch_id: str, entry: Doc, current: Doc | None,
            reason: str | None = None, **fields: str) -> None:
    key = (str(entry["table"]), int(entry["record"]))
    if reason is None:
        later = _later_batch(tx, batch_id, key)
        reason, fields = (LATER_BATCH, {"batch": later}) if later else (LATER_EDIT, {})
    external, number = _label(key[0], current or entry.get("after"))
    item = {"table": key[0], "record": key[1], "external_id": external, "number": number,
            "action": "refused", "reason": reason, "fields": fields}
    outcome.refused.append(item)
    outcome.items.append(item)


def _put_back(tx: Transaction, outcome: ApiUndo, entry: Doc) -> set[str]:
    """Restore or remove one record; returns the attachment names it no longer has."""
    table, record = str(entry["table"]), int(entry["record"])
    before, after = entry.get("before"), entry.get("after")
    external, number = _label(table, after or before)
    if before is None:
        tx.remove(table, [record])
        outcome.removed[table] = outcome.removed.get(table, 0) + 1
        action = "removed"
    else:
        tx.replace(table, record, copy.deepcopy(before))
        outcome.restored[table] = outcome.restored.get(table, 0) + 1
        action = "restored"
    outcome.items.append({"table": table, "record": record, "external_id": external,
                          "number": number, "action": action, "reason": "", "fields": {}})
    return _note_names(after) - _note_names(before)


def undo_api_in(tx: Transaction, batch_id: str) -> tuple[ApiUndo, set[str]]:
    """Put back the records of ``batch_id`` inside ``tx``; returns the outcome and the
    attachment files no record uses any more."""
    outcome = ApiUndo(undo_batch=new_batch_id())
    entries = [(i, d) for i, d in tx.items(JOURNAL) if d.get("batch") == batch_id]
    # activities first: a created customer stays while a kept activity still uses it
    entries.sort(key=lambda item: (item[1].get("table") != "activities", -item[0]))
    detached: set[str] = set()
    for _entry_id, entry in entries:
        table, record = str(entry["table"]), int(entry["record"])
        current = tx.get(table, record)
        if current != entry.get("after"):
            _refuse(tx, outcome, batch_id, entry, current)
            continue
        if table == "customers" and entry.get("before") is None:
            user = next((d for _, d in tx.items("activities")
                         if d.get("customer_id") == record), None)
            if user is not None:
                _refuse(tx, outcome, batch_id, entry, current, STILL_USED,
                        number=str(user.get("number") or ""))
                continue
        detached |= _put_back(tx, outcome, entry)
    tx.remove(JOURNAL, [i for i, _ in entries])
    in_use = set().union(*(_note_names(d) for _, d in tx.items("activities")))
    return outcome, detached - in_use


def record_undo(original: Doc, outcome: ApiUndo) -> Batch:
    """The undo's own batch record (kind ``undo``), visible in the history."""
    counts = {"removed": sum(outcome.removed.values()),
              "restored": sum(outcome.restored.values()), "refused": len(outcome.refused)}
    batch = Batch(batch_id=outcome.undo_batch, kind="undo", source=str(original.get("source")),
                  status="done", finished=now_iso(), counts=counts,
                  details={"undid": original.get("batch_id"),
                           "files_removed": len(outcome.files_removed)},
                  items=outcome.items[:5000])
    return batch


def api_refusal(batch: Doc) -> str | None:
    """Why an API import cannot be undone, or None."""
    if batch.get("status") == "running":
        return f"Batch {batch.get('batch_id')} is still running; undo it once it has ended."
    if not (batch.get("details") or {}).get("undo_journal"):
        return (f"Batch {batch.get('batch_id')} was imported before mwtui kept what an import "
                "changed; it cannot be undone.")
    return None


def undo_api_batch(tx: Transaction, doc_id: int, doc: Doc) -> tuple[Any, set[str]]:
    """Undo the API import ``doc`` inside ``tx``: the records, the original's status and
    the undo's own batch. Returns the ``UndoResult`` and the files to delete after commit."""
    from mwtui.workspace.batches import UndoResult, record_batch

    batch_id = str(doc.get("batch_id"))
    outcome, detached = undo_api_in(tx, batch_id)
    outcome.files_removed = sorted(detached)
    record_batch(tx, record_undo(doc, outcome))
    tx.update("batches", doc_id, {"status": "undone", "undone": now_iso(),
                                  "undone_by": outcome.undo_batch,
                                  "undo_refused": len(outcome.refused)})
    result = UndoResult(batch_id, outcome.removed, outcome.restored, outcome.refused,
                        outcome.undo_batch)
    return result, detached


def remove_files(folder: Path, names: Iterable[str]) -> list[str]:
    """Delete detached attachment files (mwtui's own ``<sha256>.pdf`` names only)."""
    removed: list[str] = []
    for name in sorted(names):
        if "/" in name or not name.endswith(".pdf") or name.startswith("."):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
            removed.append(name)
    return removed
