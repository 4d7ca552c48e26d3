"""Reading the committed files of one manifest lazily, and TinyDB over loaded tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.storages import Storage

from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.files import describe_os_error, load_bytes
from mwtui.workspace.layout import PARTS, Manifest, partition_ids
from mwtui.workspace.partitions import iter_docs, read_index, read_keys, read_owners

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
    found = _read_indexes(folder, manifest, text=False)
    assert found is not None  # every index has its keys
    return found


def committed_key_texts(folder: Path, manifest: Manifest
                        ) -> tuple[pl.Series, frozenset[str]] | None:
    """Like :func:`committed_keys`, with the text each key is the sha256 of instead of
    the key; None when an index holds no texts (written before they were kept)."""
    return _read_indexes(folder, manifest, text=True)


_INDEX_READERS = 2  # a large commit has one index per 40k-row slice: read two at a time


def _read_indexes(folder: Path, manifest: Manifest, *, text: bool
                  ) -> tuple[pl.Series, frozenset[str]] | None:
    import polars as pl

    paths = _index_paths(folder, manifest)
    with ThreadPoolExecutor(max_workers=_INDEX_READERS) as pool:  # polars frees the GIL
        frames = list(pool.map(lambda path: read_keys(path, text=text), paths))
    if any(frame is None for frame in frames):
        return None
    if not frames:
        return pl.Series("key", [], dtype=pl.String), frozenset()
    index = pl.concat(frames, rechunk=False)
    owners = frozenset(index.get_column("owner").unique().to_list())
    return index.to_series(0), owners


@dataclass(frozen=True)
class KeyIndex:
    """The committed row-key index of a snapshot in two steps. At once: ``owners`` (the
    customer numbers that have committed services) and ``texts`` (the index keeps the
    text each key is the sha256 of). On ``load()``, the large part (a check loads it while
    it checks its rows): a frame of every committed key, as its text when ``texts``
    (column ``key``), with ``batch`` and, for a WEBFAKT commit that kept it, ``line``
    (the row's line in the file it came from; else null)."""

    owners: frozenset[str]
    texts: bool
    load: Callable[[], pl.DataFrame]

    @classmethod
    def of(cls, keys: pl.Series, owners: frozenset[str]) -> KeyIndex:
        """An index of keys already read (no texts, no lines)."""
        import polars as pl

        frame = pl.DataFrame({"key": keys.cast(pl.String)}).with_columns(
            pl.lit(None, dtype=pl.String).alias("batch"),
            pl.lit(None, dtype=pl.UInt32).alias("line"))
        return cls(owners, False, lambda: frame)


def key_index(folder: Path, manifest: Manifest) -> KeyIndex:
    """The :class:`KeyIndex` of a manifest's services: reads the owners of every index
    file now (a few bytes a row) and the rest when ``load`` is called."""
    import polars as pl

    parts = [p for p in manifest.partitions if p.get("keys")]
    with ThreadPoolExecutor(max_workers=_INDEX_READERS) as pool:
        found = list(pool.map(lambda part: read_owners(folder / part["keys"]), parts))
    owners = pl.concat([o for o, _c in found] or [pl.Series([], dtype=pl.String)])
    texts = all("text" in columns for _o, columns in found)

    def read(item: tuple[Doc, frozenset[str]]) -> pl.DataFrame:
        part, columns = item
        wanted = ["text" if texts else "key", *(["line"] if "line" in columns else [])]
        frame = read_index(folder / part["keys"], wanted)
        if frame is None:  # the files never change: only a damaged one lacks them now
            raise WorkspaceCorrupt(f"{folder / part['keys']} changed while it was read.")
        return frame.select(pl.col(wanted[0]).alias("key"),
                            pl.lit(part["batch"], dtype=pl.String).alias("batch"),
                            pl.col("line") if "line" in columns
                            else pl.lit(None, dtype=pl.UInt32).alias("line"))

    def load() -> pl.DataFrame:
        with ThreadPoolExecutor(max_workers=_INDEX_READERS) as pool:
            frames = list(pool.map(read, zip(parts, (c for _o, c in found), strict=True)))
        if not frames:
            return KeyIndex.of(pl.Series([], dtype=pl.String), frozenset()).load()
        return pl.concat(frames, rechunk=False)

    return KeyIndex(frozenset(owners.unique().to_list()), texts, load)


def _index_paths(folder: Path, manifest: Manifest) -> list[Path]:
    return [folder / part["keys"] for part in manifest.partitions if part.get("keys")]


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
