"""Commit a checked WEBFAKT file: its accepted rows as one batch in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.importers.webfakt.check import Progress, Steps
from mwtui.importers.webfakt.keys import known_keys, row_keys_and_texts
from mwtui.importers.webfakt.read import FileError, read_file
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


_OPTIONAL_FIELDS = ("article_number", "quantity_text", "gross_amount", "next_invoice", "date",
                    "employee", "contract_number", "order_number")


def _service_frame(frame: pl.DataFrame, keys: pl.Series, texts: pl.Series,
                   result: CheckResult, batch_id: str) -> tuple[pl.DataFrame, set[str]]:
    """Accepted rows as ``models.Service`` records (stored form), one column per field,
    and the optional fields that some row has; the key texts ride along for the store's
    key index (``KEY_TEXT``, not stored in the documents)."""
    defaults = Service(customer_number="", service="", amount="0").to_record()
    present = {c for c in _OPTIONAL_FIELDS
               if frame.get_column(c).dtype != pl.Null
               and frame.get_column(c).null_count() < frame.height}
    text = [pl.col(c).cast(pl.String).fill_null(defaults[c]) for c in (
        "customer_number", "service", "amount", "cycle", "cycle_name", "quantity",
        "discount", "remarks")]
    optional = [pl.col(c).cast(pl.String).fill_null(defaults[c]) if isinstance(defaults[c], str)
                else pl.col(c).cast(pl.String) for c in _OPTIONAL_FIELDS]
    return frame.select(
        *text, *optional, pl.col("customer_id").cast(pl.Int64),
        pl.col("from_catalogue").alias("filled_from_catalogue"),
        keys.alias("row_key"),
        pl.lit(result.file_name).alias("source_file"),
        pl.col("line").cast(pl.Int64).alias("source_line"),
        pl.lit(result.format).alias("format"),
        pl.lit(batch_id).alias("batch"),
        texts.alias(KEY_TEXT),
    ), present


def _service_docs(result: CheckResult, batch_id: str) -> pl.DataFrame:
    """The accepted rows as service records, prepared a slice at a time (the full fields
    of a million rows at once cost several times the file in memory). Optional fields
    that no row of this file has are left out (``Service.from_record`` fills their
    defaults), which keeps the partition small."""
    accepted = result.accepted_rows()
    parts: list[pl.DataFrame] = []
    present: set[str] = set()
    for start in range(0, max(accepted.height, 1), _SLICE_ROWS):
        rows = result.with_fields(accepted.slice(start, _SLICE_ROWS))
        part, has = _service_frame(rows, *row_keys_and_texts(rows), result, batch_id)
        parts.append(part)
        present |= has
    docs = pl.concat(parts, how="vertical_relaxed")
    return docs.drop([c for c in _OPTIONAL_FIELDS if c not in present])


_SLICE_ROWS = 100_000


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
    if hashlib.sha256(read_file(path)).hexdigest() != result.sha256:
        raise FileError(
            f"{Path(path).name} changed since it was checked; nothing was written. "
            "Check the file again and review the new result before committing."
        )
    step("preparing records", 0.2)
    batch_id = new_batch_id()
    docs = _service_docs(result, batch_id)
    step("writing", 0.5)
    with workspace.transaction() as tx:
        stored, _owners = tx.committed_keys()  # the row-key index: no service is parsed
        new = docs.filter(~known_keys(docs.get_column("row_key"), stored)) if len(stored) \
            else docs
        skipped = docs.height - new.height
        if new.height:
            tx.insert_frame("services", new, batch_id)
            record_batch(tx, _batch(result, batch_id, new.height, skipped))
    step("done", 1.0)
    return CommitResult(batch_id if new.height else None, new.height, skipped, result.rejected)
