"""Commit a checked WEBFAKT file: its accepted rows as one batch in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.importers.webfakt.check import Progress, Steps
from mwtui.importers.webfakt.committed import CommittedRows
from mwtui.importers.webfakt.formats import OPTIONAL_FIELDS
from mwtui.importers.webfakt.keys import KEY_COLUMNS, row_keys_and_texts
from mwtui.importers.webfakt.read import FileError, open_file
from mwtui.importers.webfakt.result import CheckResult
from mwtui.workspace.batches import record_batch
from mwtui.workspace.models import Batch, Service, now_iso
from mwtui.workspace.partitions import KEY_TEXT
from mwtui.workspace.store import new_batch_id


@dataclass(frozen=True)
class CommitResult:
    """What a commit wrote. ``batch_id`` is None when nothing was new (no batch created)."""

    batch_id: str | None
    committed: int
    already_imported: int  # accepted at check time, but committed meanwhile (skipped)
    rejected: int  # rows rejected by the check (never written)

    def to_json(self) -> dict[str, Any]:
        return {"batch": self.batch_id, "committed": self.committed,
                "already_imported": self.already_imported, "rejected": self.rejected}


_TEXT_FIELDS = ("customer_number", "service", "amount", "cycle", "cycle_name", "quantity",
                "discount", "remarks")


def _service_frame(frame: pl.DataFrame, result: CheckResult, batch_id: str) -> pl.DataFrame:
    """Accepted rows with their fields (``with_fields``), ``row_key`` and its text as
    ``models.Service`` records (stored form), one column per field; the key texts ride
    along for the store's key index (``KEY_TEXT``, not stored in the documents). Optional
    fields the format has no column for are left out (``Service.from_record`` fills their
    defaults), the same for every slice of a file, which keeps the partitions small."""
    defaults = Service(customer_number="", service="", amount="0").to_record()
    text = [pl.col(c).cast(pl.String).fill_null(defaults[c]) for c in _TEXT_FIELDS]
    optional = [pl.col(c).cast(pl.String).fill_null(defaults[c]) if isinstance(defaults[c], str)
                else pl.col(c).cast(pl.String) for c in OPTIONAL_FIELDS if c in result.fields]
    return frame.select(
        *text, *optional, pl.col("customer_id").cast(pl.Int64),
        pl.col("from_catalogue").alias("filled_from_catalogue"),
        pl.col("row_key"),
        pl.lit(result.file_name).alias("source_file"),
        pl.col("line").cast(pl.Int64).alias("source_line"),
        pl.lit(result.format).alias("format"),
        pl.lit(batch_id).alias("batch"),
        pl.col(KEY_TEXT),
    )


def _accepted_slices(result: CheckResult) -> Iterator[pl.DataFrame]:
    """The accepted rows of the check (the columns ``with_fields`` and the records
    need), from a slice of the table at a time: no copy of the whole table."""
    table = result.table
    for start in range(0, table.height, _SLICE_ROWS):
        rows = table.slice(start, _SLICE_ROWS).filter(pl.col("status") == "accepted")
        if rows.height:
            yield rows.select("line", "raw", "occurrence", "from_catalogue")


_SLICE_ROWS = 40_000  # rows of the table a slice: more costs memory, fewer costs time


def _not_known(records: pl.DataFrame, known: CommittedRows) -> pl.DataFrame:
    """``records`` without the rows whose key is in ``known`` (committed meanwhile)."""
    return records.filter(~known.known_keys(records.get_column("row_key")))


def _batch(result: CheckResult, batch_id: str, committed: int, skipped: int) -> Batch:
    return Batch(
        batch_id=batch_id, kind="webfakt", source=result.file_name,
        finished=now_iso(), status="done",
        counts={"rows": result.total, "accepted": result.accepted,
                "committed": committed, "rejected": result.rejected,
                "already_imported": skipped},
        details={"format": result.format, "encoding": result.encoding,
                 "sha256": result.sha256, "reasons": result.reasons},
    )


def commit(
    workspace: Any,
    result: CheckResult,
    path: Path | str,
    *,
    progress: Progress | None = None,
) -> CommitResult:
    """Write the accepted rows of ``result`` as one batch (kind ``webfakt``) in one
    transaction. Refuses with :class:`FileError` when the file's SHA-256 no longer matches
    the check; rows committed meanwhile by someone else are skipped and counted."""
    step = Steps(progress, None)
    step("verifying file", 0.0)
    if _file_sha256(path) != result.sha256:
        raise FileError(
            f"{Path(path).name} changed since it was checked; nothing was written. "
            "Check the file again and review the new result before committing."
        )
    batch_id = new_batch_id()
    with workspace.transaction() as tx:
        known = CommittedRows(tx.key_index(), {})  # the row-key index: no service is parsed
        done, committed = _write_slices(tx, result, batch_id, known, step)
        skipped = done - committed
        if committed:
            record_batch(tx, _batch(result, batch_id, committed, skipped))
    step("done", 1.0)
    return CommitResult(batch_id if committed else None, committed, skipped, result.rejected)


def _write_slices(tx: Any, result: CheckResult, batch_id: str, known: CommittedRows,
                  step: Steps) -> tuple[int, int]:
    """Write the accepted rows not in ``known``, one partition per slice, a slice at a
    time (the full fields of a million rows at once cost several times the file in
    memory). This thread computes a slice's fields again from the raw lines
    (``with_fields``), reusing the memory the check freed; one writer thread hashes the
    row keys (Python, holding the GIL) and writes the partition meanwhile (polars releases
    the GIL). At most two slices are in flight. Returns the rows ``(accepted, written)``."""
    done = committed = 0
    total = max(result.accepted, 1)
    with ThreadPoolExecutor(max_workers=1) as writer:
        writing: Future[int] | None = None
        for rows in _accepted_slices(result):
            rows = result.with_fields(rows)
            step("writing", 0.1 + 0.9 * done / total)
            done += rows.height
            if writing is not None:
                committed += writing.result()
            writing = writer.submit(_store_slice, tx, result, rows, batch_id, known)
            del rows
        if writing is not None:
            committed += writing.result()
    return done, committed


def _store_slice(tx: Any, result: CheckResult, rows: pl.DataFrame, batch_id: str,
                 known: CommittedRows) -> int:
    """Hash the row keys of one slice (with its fields), and write its records not in
    ``known`` as a partition; how many."""
    keys, texts = row_keys_and_texts(rows.select(*KEY_COLUMNS, "occurrence"))
    rows = rows.with_columns(keys.alias("row_key"), texts.alias(KEY_TEXT))
    new = _not_known(_service_frame(rows, result, batch_id), known)
    tx.insert_frame("services", new, batch_id)
    return new.height


def _file_sha256(path: Path | str) -> str:
    """SHA-256 of the file, read a block at a time (never the whole file in memory)."""
    with open_file(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
