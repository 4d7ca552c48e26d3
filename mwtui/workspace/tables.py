"""Reading the committed files of one manifest lazily, and TinyDB over loaded tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.storages import Storage

from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.files import describe_os_error, load_bytes
from mwtui.workspace.layout import PARTS, Manifest, partition_ids
from mwtui.workspace.partitions import (
    fingerprint,
    iter_docs,
    read_all_owners,
    read_index,
    read_keys,
)

if TYPE_CHECKING:
    import polars as pl

Doc = dict[str, Any]
SERVICES = PARTS


def load_table(folder: Path, name: str, file: str) -> dict[str, Doc]:
    """One table file (TinyDB's format ``{"<table>": {"<id>": doc}}``)."""
    path = folder / file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path} is missing: the workspace changed while it was read, or "
                         "a file was deleted. Reload and try again.") from None
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "read")) from err
    try:
        data = load_bytes(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not valid "
                               f"JSON ({err}). It was left untouched.") from None
    table = data.get(name) if isinstance(data, dict) else None
    if not isinstance(table, dict) or not _well_formed(table):
        raise WorkspaceCorrupt(f"Workspace file {path} cannot be opened: it is not a "
                               f"{name} table. It was left untouched.")
    return table


def _well_formed(table: dict[str, Any]) -> bool:
    """Every entry is ``"<id>": {record}`` (a damaged or hand-edited file is refused)."""
    return all(isinstance(doc, dict) and isinstance(key, str) and key.isdigit()
               for key, doc in table.items())


def iter_partitions(folder: Path, manifest: Manifest) -> Iterator[tuple[int, Doc]]:
    """Every service across the partitions, in id order, one partition in memory at once."""
    for part in sorted(manifest.partitions, key=lambda p: min(partition_ids(p), default=0)):
        yield from zip(partition_ids(part), iter_docs(folder / part["file"]), strict=False)


def committed_keys(folder: Path, manifest: Manifest) -> tuple[pl.Series, frozenset[str]]:
    """Row keys of every committed service (a polars String Series) and the customer
    numbers that own them, from the key indexes."""
    import polars as pl

    paths = [folder / part["keys"] for part in _keyed_parts(manifest)]
    with ThreadPoolExecutor(max_workers=_INDEX_READERS) as pool:  # polars frees the GIL
        frames = list(pool.map(read_keys, paths))
    if not frames:
        return pl.Series("key", [], dtype=pl.String), frozenset()
    index = pl.concat(frames, rechunk=False)
    return index.to_series(0), frozenset(index.get_column("owner").unique().to_list())


_INDEX_READERS = 2  # a large commit has one index per 40k-row slice: read two at a time


@dataclass(frozen=True)
class KeyIndex:
    """The committed row-key index of a snapshot, read as far as a look-up needs it.

    - ``owners``: the customer numbers that have committed services (read at once);
    - ``texts``: every index keeps the text each key is the sha256 of;
    - ``load()``: a frame of every committed key's ``fp`` (its first 64 bits, see
      ``partitions.fingerprint``; 8 bytes a key), ``part`` (which index file) and
      ``line`` (its line in the WEBFAKT file it came from, null if not kept);
    - ``read_part(part, columns)``: columns (``key``, ``text``, ``line``) of one index
      file, read only for the files a look-up needs;
    - ``batches`` and ``columns``: the batch and the columns of each index file (empty
      for an index held in memory).
    """

    owners: frozenset[str]
    texts: bool
    load: Callable[[], pl.DataFrame]
    read_part: Callable[[int, list[str]], pl.DataFrame]
    batches: list[str] = field(default_factory=list)  # the batch of each part
    columns: list[frozenset[str]] = field(default_factory=list)  # the columns of each

    @classmethod
    def of(cls, keys: pl.Series, owners: frozenset[str], *,
           texts: pl.Series | None = None) -> KeyIndex:
        """An index held in memory, as one part: ``keys`` (and their ``texts``)."""
        import polars as pl

        held = pl.DataFrame({"key": keys.cast(pl.String)}).with_columns(
            pl.lit(None, dtype=pl.UInt32).alias("line"))
        if texts is not None:
            held = held.with_columns(texts.cast(pl.String).alias("text"))
        frame = held.select(fingerprint(pl.col("key")).alias("fp"),
                            pl.lit(0, dtype=pl.UInt32).alias("part"), "line")
        return cls(owners, texts is not None, lambda: frame,
                   lambda _part, columns: held.select(columns))


def key_index(folder: Path, manifest: Manifest) -> KeyIndex:
    """The :class:`KeyIndex` of a manifest's services: reads the owners of every index
    file now (from its footer; an older index's owner column) and the rest when asked."""
    import polars as pl

    parts = _keyed_parts(manifest)
    owners, kept = read_all_owners([folder / part["keys"] for part in parts])

    def read_part(number: int, columns: list[str]) -> pl.DataFrame:
        frame = read_index(folder / parts[number]["keys"], columns)
        if frame is None:  # the files never change: only a damaged one lacks them now
            raise WorkspaceCorrupt(f"{folder / parts[number]['keys']} lacks {columns}.")
        return frame

    def fingerprints(number: int) -> pl.DataFrame:
        has = kept[number]
        frame = read_part(number, ["fp" if "fp" in has else "key",
                                   *(["line"] if "line" in has else [])])
        return frame.select(
            pl.col("fp") if "fp" in has else fingerprint(pl.col("key")).alias("fp"),
            pl.lit(number, dtype=pl.UInt32).alias("part"),
            pl.col("line") if "line" in has else pl.lit(None, dtype=pl.UInt32).alias("line"))

    def load() -> pl.DataFrame:
        with ThreadPoolExecutor(max_workers=_INDEX_READERS) as pool:
            frames = list(pool.map(fingerprints, range(len(parts))))
        if not frames:
            return KeyIndex.of(pl.Series([], dtype=pl.String), frozenset()).load()
        return pl.concat(frames, rechunk=False)

    return KeyIndex(frozenset(owners.to_list()), all("text" in c for c in kept),
                    load, read_part, [str(part["batch"]) for part in parts], kept)


def _keyed_parts(manifest: Manifest) -> list[Doc]:
    """The partitions that have a key index."""
    return [part for part in manifest.partitions if part.get("keys")]


def keys_of_docs(docs: Iterable[Doc]) -> tuple[pl.Series, frozenset[str]]:
    """:func:`committed_keys` of services given as documents."""
    import polars as pl

    pairs = [(d["row_key"], str(d.get("customer_number") or "")) for d in docs
             if d.get("row_key")]
    keys = pl.Series("key", [k for k, _ in pairs], dtype=pl.String)
    return keys, frozenset(o for _, o in pairs)


class LazyTables(dict):  # type: ignore[type-arg]
    """``{table: {"<id>": doc}}`` of one committed state; a table file is parsed the first
    time the table is looked up. Services are only materialised when asked for as a dict."""

    def __init__(self, folder: Path, manifest: Manifest,
                 reuse: LazyTables | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.manifest = manifest
        if reuse is not None:  # files never change: a table read before is still valid
            for name, file in manifest.tables.items():
                if reuse.manifest.tables.get(name) == file and dict.__contains__(reuse, name):
                    self[name] = dict.__getitem__(reuse, name)

    def __missing__(self, name: str) -> dict[str, Doc]:
        if name == SERVICES:
            table = {str(i): doc for i, doc in iter_partitions(self.folder, self.manifest)}
        elif name in self.manifest.tables:
            table = load_table(self.folder, name, self.manifest.tables[name])
        else:
            return {}
        self[name] = table
        return table

    def is_loaded(self, name: str) -> bool:
        return dict.__contains__(self, name)


class ReadOnlyStorage(Storage):
    """TinyDB storage over a snapshot: queries work, a write raises (never lost)."""

    def __init__(self, tables: Any) -> None:
        self.tables = tables

    def read(self) -> Any:
        return self.tables

    def write(self, data: Any) -> None:
        raise StoreError("A snapshot is read-only; write inside workspace.transaction().")


def read_only_db(tables: Any) -> TinyDB:
    return TinyDB(storage=ReadOnlyStorage, tables=tables)
