"""Service partitions: one NDJSON file per batch, written once, and its row-key index.

A partition holds the documents of one batch, one JSON object per line, in id order. Its
index (``.keys``) holds ``row_key<TAB>customer_number`` per line, so the already-imported
check reads about 80 bytes a row instead of the whole row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.files import describe_os_error, dump_bytes, gc_paused, load_bytes, write_new

if TYPE_CHECKING:
    import polars as pl

CHUNK_ROWS = 100_000


def write_docs(path: Path, docs: list[dict[str, Any]]) -> None:
    """Write documents as one partition file."""
    write_new(path, (dump_bytes(doc) + b"\n" for doc in docs))


def write_docs_keys(path: Path, docs: list[dict[str, Any]]) -> bool:
    """Write the row-key index of ``docs``; False (no file) when none has a key."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    rows = [(d["row_key"], str(d.get("customer_number") or "")) for d in docs
            if d.get("row_key")]
    if not rows:
        return False
    writer.writerows(rows)
    write_new(path, [out.getvalue().encode("utf-8")])
    return True


def write_frame(path: Path, keys_path: Path, frame: pl.DataFrame) -> None:
    """Write a polars frame of documents (one column a field) and its index, in chunks:
    no Python object per row."""
    import polars as pl

    def rows() -> Iterator[bytes]:
        for start in range(0, frame.height, CHUNK_ROWS):
            yield frame.slice(start, CHUNK_ROWS).write_ndjson().encode("utf-8")

    def keys() -> Iterator[bytes]:
        index = frame.select(pl.col("row_key"),
                             pl.col("customer_number").cast(pl.String).fill_null(""))
        for start in range(0, index.height, CHUNK_ROWS):
            yield index.slice(start, CHUNK_ROWS).write_csv(
                separator="\t", include_header=False, line_terminator="\n").encode("utf-8")

    write_new(path, rows())
    write_new(keys_path, keys())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path} is missing: the workspace changed while it was read, or "
                         "a file was deleted. Reload and try again.") from None
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "read")) from err


def read_docs(path: Path) -> list[dict[str, Any]]:
    """All documents of a partition; a damaged one raises ``WorkspaceCorrupt``."""
    raw = _read(path)
    try:
        with gc_paused():
            return [load_bytes(line) for line in raw.splitlines() if line]
    except (ValueError, UnicodeDecodeError) as err:
        raise WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not valid "
                               f"JSON lines ({err}). It was left untouched.") from None


def read_keys(path: Path) -> tuple[list[str], list[str]]:
    """Row keys and their customer numbers from an index file."""
    text = _read(path).decode("utf-8")
    keys: list[str] = []
    owners: list[str] = []
    if "\"" not in text:  # the common case: no quoting, split in C
        for line in text.splitlines():
            key, _tab, owner = line.partition("\t")
            keys.append(key)
            owners.append(owner)
        return keys, owners
    for row in csv.reader(io.StringIO(text), delimiter="\t"):
        if row:
            keys.append(row[0])
            owners.append(row[1] if len(row) > 1 else "")
    return keys, owners
