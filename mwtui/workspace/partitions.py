"""Service partitions: files of one batch each, written once, and their row-key index.

A partition holds documents of one batch in id order (a large batch has several): a
WEBFAKT commit writes Parquet, one partition per slice of its rows (straight from the
polars frame, no Python object per row); other inserts write JSON lines
(lossless for any JSON document). The index (``.keys``) holds ``row_key`` and
``customer_number`` of each row that has a key, and the key's first 64 bits (``fp``),
so the already-imported check reads a few bytes a row instead of the whole row; for a
WEBFAKT commit also the text each key is the sha256 of and the row's line in its file
(a re-check of that file compares texts by line and hashes nothing). New indexes are
Parquet (polars reads them about four times faster than text); older workspaces have
``row_key<TAB>customer_number`` text lines. The reader tells them apart by Parquet's
``PAR1`` magic, so both kinds can sit side by side.
"""

from __future__ import annotations

import io
import json
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
    import polars as pl

    rows = [(d["row_key"], str(d.get("customer_number") or "")) for d in docs
            if d.get("row_key")]
    if not rows:
        return False
    write_keys(path, pl.DataFrame(rows, schema=dict.fromkeys(_KEY_COLUMNS, pl.String),
                                  orient="row"))
    return True


def write_frame(path: Path, keys_path: Path, frame: pl.DataFrame) -> None:
    """Write a polars frame of documents (one column a field) as Parquet, and its index:
    no Python object per row. A :data:`KEY_TEXT` column goes to the index only."""
    import polars as pl

    buffer = io.BytesIO()
    frame.drop(KEY_TEXT, strict=False).write_parquet(buffer, compression="zstd",
                                                      compression_level=1, statistics=False)
    write_new(path, [buffer.getbuffer()])  # type: ignore[list-item]
    del buffer
    text = []
    if KEY_TEXT in frame.columns:  # a WEBFAKT commit: the key texts and their lines
        text = [pl.col(KEY_TEXT).alias("text"),
                pl.col("source_line").cast(pl.UInt32).alias("line")]
    write_keys(keys_path, frame.select(
        pl.col("row_key").alias("key"),
        pl.col("customer_number").cast(pl.String).fill_null("").alias("owner"), *text))


def fingerprint(keys: pl.Expr) -> pl.Expr:
    """A row key's first 64 bits (its first 16 hex digits) as UInt64: what look-ups of
    committed keys compare first, 8 bytes a key, stable across versions and machines as
    the sha256 it is taken from. Null for a key that is not hex (none in a workspace)."""
    import polars as pl

    return keys.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False)


def write_keys(path: Path, index: pl.DataFrame) -> None:
    """Write a row-key index (columns ``key``, ``owner``, optionally ``text`` and
    ``line``, the row's line in the WEBFAKT file it was committed from; ``fp``, the
    :func:`fingerprint` of ``key``, is added, and the distinct owners go to the footer
    under :data:`OWNERS_KEY`) as
    Parquet, lz4-compressed: polars reads it twice as fast as zstd level 1 (a check reads
    every committed key text) and writes it faster, at 1.75x the size (105 MB per 1M
    rows, ``bench/bench_store.py``)."""
    import polars as pl

    buffer = io.BytesIO()
    index = index.with_columns(fingerprint(pl.col("key")).alias("fp"))
    owners = index.get_column("owner").unique().sort().to_list()
    index.write_parquet(buffer, compression="lz4", statistics=False,
                        metadata={OWNERS_KEY: json.dumps(owners, ensure_ascii=False)})
    write_new(path, [buffer.getbuffer()])  # type: ignore[list-item]


#: The Parquet footer entry of a key index that lists its customer numbers (JSON), so a
#: check learns which rows need a key without reading a column.
OWNERS_KEY = "mwtui.owners"


_KEY_COLUMNS = ("key", "owner")

#: A column of a services frame that is not stored with the documents but in the key
#: index: the text each ``row_key`` is the sha256 of (see ``webfakt.keys.key_text``).
KEY_TEXT = "_key_text"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise _unreadable(path, err) from None


def _unreadable(path: Path, err: OSError) -> StoreError:
    if isinstance(err, FileNotFoundError):
        return StoreError(f"{path} is missing: the workspace changed while it was read, or "
                          "a file was deleted. Reload and try again.")
    return StoreError(describe_os_error(err, path, "read"))


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
    """A partition as a polars frame (ValueError when damaged); ``raw``: its bytes, when
    already read."""
    import polars as pl

    raw = _read(path) if raw is None else raw
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(io.BytesIO(raw))
        return pl.read_ndjson(io.BytesIO(raw), infer_schema_length=None)
    except pl.exceptions.PolarsError as err:
        raise ValueError(str(err)) from None


def read_keys(path: Path) -> pl.DataFrame:
    """Row keys and their customer numbers (columns ``key``, ``owner``) from an index file,
    Parquet or the older text lines."""
    found = read_index(path, ["key", "owner"])
    assert found is not None  # every index has them
    return found


def _owners(path: Path) -> pl.Series:
    """The customer numbers of an index file's rows (distinct), read from its column."""
    found = read_index(path, ["owner"])
    assert found is not None  # every index has its owners
    return found.get_column("owner").unique()


def read_all_owners(paths: list[Path]) -> tuple[pl.Series, list[frozenset[str]]]:
    """The customer numbers of all rows of these index files (distinct) and each file's
    columns. A Parquet index lists its owners in its footer;
    the owner columns of those that do not (written before) are read in one polars scan,
    and a file that cannot be read is read alone, for an error that names it."""
    import polars as pl

    footers = [_footer(path) if _is_parquet(path) else None for path in paths]
    owners = [_owners(path) for path, footer in zip(paths, footers, strict=True)
              if footer is None]
    owners += [pl.Series("owner", footer[1], dtype=pl.String) for footer in footers
               if footer is not None and footer[1] is not None]
    scanned = [path for path, footer in zip(paths, footers, strict=True)
               if footer is not None and footer[1] is None]
    try:
        if scanned:
            owners.append(pl.scan_parquet(scanned, extra_columns="ignore").select(
                pl.col("owner").cast(pl.String).fill_null("").unique()).collect().to_series())
    except (OSError, pl.exceptions.PolarsError):
        owners += [_owners(path) for path in scanned]  # raises, naming the file
    columns = [frozenset(_KEY_COLUMNS) if footer is None else footer[0] for footer in footers]
    return pl.concat(owners or [pl.Series("owner", [], dtype=pl.String)]).unique(), columns


def _footer(path: Path) -> tuple[frozenset[str], list[str] | None]:
    """A Parquet index's columns and the owners its footer lists (None: not listed)."""
    import polars as pl

    try:
        listed = pl.read_parquet_metadata(path).get(OWNERS_KEY)
        return _columns(path), None if listed is None else list(json.loads(listed))
    except OSError as err:
        raise _unreadable(path, err) from err
    except (pl.exceptions.PolarsError, ValueError) as err:
        raise _not_an_index(path, err) from None


def _columns(path: Path) -> frozenset[str]:
    import polars as pl

    try:
        return frozenset(pl.read_parquet_schema(path))
    except OSError as err:
        raise _unreadable(path, err) from err
    except pl.exceptions.PolarsError as err:
        raise _not_an_index(path, err) from None


def _is_parquet(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError as err:
        raise _unreadable(path, err) from err


def read_index(path: Path, wanted: list[str]) -> pl.DataFrame | None:
    """Columns ``wanted`` of an index file (``key``, ``owner``, ``text`` as text,
    ``line`` as UInt32, ``fp`` as UInt64); None when the index lacks one (the texts,
    lines and fingerprints of an index written before they were kept). Of a Parquet
    index polars reads only those columns."""
    import polars as pl

    if _is_parquet(path):
        if not set(wanted) <= _columns(path):
            return None
        try:
            frame = pl.read_parquet(path, columns=wanted)
        except OSError as err:
            raise _unreadable(path, err) from err
        except pl.exceptions.PolarsError as err:
            raise _not_an_index(path, err) from None
        return frame.select(_as_read(name) for name in wanted)
    if not set(wanted) <= set(_KEY_COLUMNS):
        return None
    return _read_text_index(path).select(_as_read(name) for name in wanted)


def _read_text_index(path: Path) -> pl.DataFrame:
    """An index of ``row_key<TAB>customer_number`` lines (written before Parquet)."""
    import polars as pl

    raw = _read(path)
    schema = dict.fromkeys(_KEY_COLUMNS, pl.String)
    if not raw:
        return pl.DataFrame(schema=schema)
    try:
        return pl.read_csv(io.BytesIO(raw), separator="\t", has_header=False,
                           new_columns=list(schema), schema_overrides=schema, quote_char='"')
    except pl.exceptions.PolarsError as err:
        raise _not_an_index(path, err) from None


def _as_read(name: str) -> pl.Expr:
    import polars as pl

    if name == "line":
        return pl.col(name).cast(pl.UInt32)
    if name == "fp":
        return pl.col(name).cast(pl.UInt64)
    text = pl.col(name).cast(pl.String)
    return text.fill_null("") if name == "owner" else text


def _not_an_index(path: Path, err: Exception) -> WorkspaceCorrupt:
    return WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not a key "
                            f"index ({err}). It was left untouched.")
