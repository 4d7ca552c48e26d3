"""Service partitions: files of one batch each, written once, and their row-key index.

A partition holds documents of one batch in id order (a large batch has several): a
WEBFAKT commit writes Parquet, one partition per slice of its rows (straight from the
polars frame, no Python object per row); other inserts write JSON lines
(lossless for any JSON document). The index (``.keys``) holds
``row_key<TAB>customer_number`` per line, so the already-imported check reads about 80
bytes a row instead of the whole row.
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
    """Write a polars frame of documents (one column a field) as Parquet, and its index:
    no Python object per row."""
    import polars as pl

    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", compression_level=1, statistics=False)

    def keys() -> Iterator[bytes]:
        index = frame.select(pl.col("row_key"),
                             pl.col("customer_number").cast(pl.String).fill_null(""))
        for start in range(0, index.height, CHUNK_ROWS):
            yield index.slice(start, CHUNK_ROWS).write_csv(
                separator="\t", include_header=False, line_terminator="\n").encode("utf-8")

    write_new(path, [buffer.getbuffer()])  # type: ignore[list-item]
    del buffer
    write_new(keys_path, keys())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path} is missing: the workspace changed while it was read, or "
                         "a file was deleted. Reload and try again.") from None
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "read")) from err


def iter_docs(path: Path) -> Iterator[dict[str, Any]]:
    """The documents of a partition, a slice at a time: a million-row batch is never held
    as a million dicts."""
    raw = _read(path)
    try:
        if path.suffix == ".parquet":
            frame = read_frame(path, raw)
            del raw
            for start in range(0, frame.height, CHUNK_ROWS):
                with gc_paused():
                    chunk = frame.slice(start, CHUNK_ROWS).to_dicts()
                yield from chunk
            return
        for line in raw.splitlines():
            if line:
                yield load_bytes(line)
    except (ValueError, UnicodeDecodeError) as err:
        raise WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not a "
                               f"valid partition ({err}). It was left untouched.") from None


def read_frame(path: Path, raw: bytes | None = None) -> pl.DataFrame:
    """A partition as a polars frame (ValueError when damaged)."""
    import polars as pl

    raw = _read(path) if raw is None else raw
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(io.BytesIO(raw))
        return pl.read_ndjson(io.BytesIO(raw), infer_schema_length=None)
    except pl.exceptions.PolarsError as err:
        raise ValueError(str(err)) from None


def read_keys(path: Path) -> tuple[list[str], list[str]]:
    """Row keys and their customer numbers from an index file (parsed by polars)."""
    import polars as pl

    raw = _read(path)
    if not raw:
        return [], []
    try:
        frame = pl.read_csv(io.BytesIO(raw), separator="\t", has_header=False,
                            new_columns=["key", "owner"],
                            schema_overrides={"key": pl.String, "owner": pl.String})
    except pl.exceptions.PolarsError as err:
        raise WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not a key "
                               f"index ({err}). It was left untouched.") from None
    owners = frame.get_column("owner").fill_null("").unique().to_list()
    return frame.get_column("key").to_list(), owners
