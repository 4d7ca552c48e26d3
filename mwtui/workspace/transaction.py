"""A transaction: the tables it touches, loaded fresh under the lock; written on commit.

Only the tables a transaction changes are written (one new file each); new services go
to new partitions; an undo drops whole partitions. A frame of services is written to its
partition at once (so a large commit holds one slice in memory, not all of them); still,
nothing is visible until the manifest is swapped (``layout.commit_manifest``), and a
transaction that fails or is discarded deletes what it wrote.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.storages import Storage

from mwtui.workspace.activity_page import ACTIVITIES, PAGE_TABLE, build_page
from mwtui.workspace.errors import StoreError
from mwtui.workspace.files import dump_bytes, write_new
from mwtui.workspace.layout import (
    PARTS,
    Manifest,
    collect_garbage,
    commit_manifest,
    writable_mode,
)
from mwtui.workspace.layout import partition_ids as _ids
from mwtui.workspace.partitions import (
    KEY_TEXT,
    iter_docs,
    write_docs,
    write_docs_keys,
    write_frame,
)
from mwtui.workspace.tables import (
    SERVICES,
    Doc,
    KeyIndex,
    committed_keys,
    iter_partitions,
    key_index,
    keys_of_docs,
    load_table,
)

if TYPE_CHECKING:
    import polars as pl


class _TxStorage(Storage):
    """TinyDB storage over a transaction: TinyDB's writes mark the table changed."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def read(self) -> Any:
        return self.tx._view()

    def write(self, data: Any) -> None:
        for name, table in data.items():
            if table is not self.tx._loaded.get(name):
                self.tx._loaded[name] = table
                self.tx._mark(name)


class _View(dict):  # type: ignore[type-arg]
    """What TinyDB reads: the transaction's tables, loaded on first look-up."""

    def __init__(self, tx: Transaction) -> None:
        super().__init__(tx._loaded)
        self.tx = tx

    def __missing__(self, name: str) -> dict[str, Doc]:
        table = self.tx._table(name)
        self[name] = table
        return table


class Transaction:
    """The workspace while the lock is held. Changes are written on exit."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.mode = writable_mode(folder)  # refuses a read-only workspace up front
        self.manifest = manifest.copy()
        self.changed = False
        self._loaded: dict[str, dict[str, Doc]] = {}
        self._dirty: set[str] = set()
        self._exposed: set[str] = set()
        self._next_ids: dict[str, int] = {}
        # Pending partitions: (entry, documents), or (entry, None) once written to its file.
        self._new_parts: list[tuple[dict[str, Any], list[Doc] | None]] = []
        self._tag = f"{manifest.generation + 1}.{secrets.token_hex(3)}"  # new files' names
        self._part_count = 0
        self._written: list[Path] = []  # files written before the commit

    # -- loading ---------------------------------------------------------------------------
    def _table(self, name: str) -> dict[str, Doc]:
        if name not in self._loaded:
            if name == SERVICES:
                table = {str(i): d for i, d in iter_partitions(self.folder, self.manifest)}
                for entry, docs in self._new_parts:
                    table.update(zip(map(str, _ids(entry)), self._docs(entry, docs),
                                     strict=True))
                if self._new_parts:  # pending inserts now live in the dict
                    self._new_parts.clear()
                    self._dirty.add(SERVICES)
            elif name in self.manifest.tables:
                table = load_table(self.folder, name, self.manifest.tables[name])
            else:
                table = {}
            self._loaded[name] = table
        return self._loaded[name]

    def _view(self) -> _View:
        return _View(self)

    def _mark(self, name: str) -> None:
        self._dirty.add(name)
        self.changed = True

    @property
    def db(self) -> TinyDB:
        """TinyDB over this transaction: its tables and queries; writes are committed."""
        return TinyDB(storage=_TxStorage, tx=self)

    # -- reading ---------------------------------------------------------------------------
    def raw(self, table: str) -> dict[str, Doc]:
        """The table as stored: ``{"<id>": doc}``. Mutating it requires ``touch()``."""
        self._exposed.add(table)
        return self._table(table)

    def items(self, table: str) -> Iterator[tuple[int, Doc]]:
        if table == SERVICES and SERVICES not in self._loaded:
            yield from iter_partitions(self.folder, self.manifest)
            for entry, docs in self._new_parts:
                yield from zip(_ids(entry), self._docs(entry, docs), strict=True)
            return
        for key, doc in self._table(table).items():
            yield int(key), doc

    def get(self, table: str, doc_id: int) -> Doc | None:
        return self._table(table).get(str(doc_id))

    def find(self, table: str, pred: Callable[[Doc], bool]) -> list[tuple[int, Doc]]:
        return [(i, d) for i, d in self.items(table) if pred(d)]

    def committed_keys(self) -> tuple[pl.Series, frozenset[str]]:
        """Row keys of the committed services and the customer numbers owning them."""
        if SERVICES in self._loaded or self._new_parts:
            return keys_of_docs(d for _, d in self.items(SERVICES))
        return committed_keys(self.folder, self.manifest)

    def key_index(self) -> KeyIndex:
        """Like ``Snapshot.key_index``: the committed keys as of this transaction."""
        if SERVICES in self._loaded or self._new_parts:
            return KeyIndex.of(*self.committed_keys())
        return key_index(self.folder, self.manifest)

    # -- writing ---------------------------------------------------------------------------
    def touch(self) -> None:
        """Mark the tables handed out by ``raw()`` as changed, to be written on commit."""
        for name in self._exposed:
            self._mark(name)
        self.changed = True

    def _next_id(self, table: str) -> int:
        if table not in self._next_ids:
            if table == SERVICES:
                self._next_ids[table] = self.manifest.next_ids.get(SERVICES, 1)
            else:
                keys = self._table(table).keys()
                self._next_ids[table] = max((int(k) for k in keys), default=0) + 1
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def _take_ids(self, table: str, count: int) -> list[int]:
        first = self._next_id(table)
        self._next_ids[table] = first + count
        if table == SERVICES:
            self.manifest.next_ids[SERVICES] = first + count
        return list(range(first, first + count))

    def insert(self, table: str, doc: Doc) -> int:
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: Iterable[Doc]) -> list[int]:
        """Insert documents; services become one new partition per batch."""
        docs = docs if isinstance(docs, list) else list(docs)
        if not docs:
            return []
        ids = self._take_ids(table, len(docs))
        if table == SERVICES and SERVICES not in self._loaded:
            groups: dict[str, list[tuple[int, Doc]]] = {}
            for doc_id, doc in zip(ids, docs, strict=True):
                groups.setdefault(str(doc.get("batch")), []).append((doc_id, doc))
            for batch, pairs in groups.items():
                entry = {"batch": batch, "ids": [i for i, _ in pairs]}
                self._new_parts.append((entry, [d for _, d in pairs]))
            self.changed = True
            return ids
        self._table(table).update(zip(map(str, ids), docs, strict=True))
        self._mark(table)
        return ids

    def insert_frame(self, table: str, frame: pl.DataFrame, batch: str) -> range:
        """Insert a polars frame of documents (a column per field, with ``row_key`` and
        ``customer_number``) as one partition of ``batch``, without a Python object per
        row. Only for services. A ``partitions.KEY_TEXT`` column (the text of each
        ``row_key``) is kept in the key index, not in the documents. The partition and its
        key index are written (and fsynced) now, so the caller can free the frame; they
        are named by the manifest only when the transaction commits. Call it once per
        slice of a large batch: each call is one partition of the batch."""
        if table != SERVICES:
            raise StoreError(f"insert_frame is for services, not {table}.")
        if SERVICES in self._loaded:  # services are held as a dict in this transaction
            ids = self.insert_many(table, _frame_docs(frame))
            return range(ids[0], ids[-1] + 1) if ids else range(0)
        if frame.height == 0:
            return range(0)
        ids = self._take_ids(table, frame.height)
        entry = {"batch": batch, "first": ids[0], "count": frame.height}
        file, keys = self._part_names("parquet")
        (self.folder / PARTS).mkdir(exist_ok=True)
        self._written += [self.folder / file, self.folder / keys]
        write_frame(self.folder / file, self.folder / keys, frame)
        entry.update(file=file, keys=keys)
        self._new_parts.append((entry, None))
        self.changed = True
        return range(ids[0], ids[-1] + 1)

    def _part_names(self, suffix: str) -> tuple[str, str]:
        """The next partition file of this transaction and its key index."""
        stem = f"{PARTS}/p{self._tag}-{self._part_count}"
        self._part_count += 1
        return f"{stem}.{suffix}", f"{stem}.keys"

    def _docs(self, entry: dict[str, Any], docs: list[Doc] | None) -> Iterable[Doc]:
        """A pending partition's documents (read back from its file once written)."""
        return docs if docs is not None else iter_docs(self.folder / entry["file"])

    def update(self, table: str, doc_id: int, fields: Doc) -> None:
        doc = self._table(table).get(str(doc_id))
        if doc is None:
            raise StoreError(f"Record {doc_id} in {table} no longer exists; reload and retry.")
        doc.update(fields)
        self._mark(table)

    def replace(self, table: str, doc_id: int, doc: Doc) -> None:
        self._table(table)[str(doc_id)] = doc
        self._mark(table)

    def remove(self, table: str, doc_ids: Iterable[int]) -> int:
        wanted = {int(i) for i in doc_ids}
        if table == SERVICES and SERVICES not in self._loaded:
            whole = [p for p in self.manifest.partitions if set(_ids(p)) <= wanted]
            if sum(len(_ids(p)) for p in whole) == len(wanted):
                return self._drop(whole)
        raw = self._table(table)
        removed = sum(raw.pop(str(i), None) is not None for i in wanted)
        if removed:
            self._mark(table)
        return removed

    def remove_batch(self, table: str, batch_id: str) -> int:
        """Remove every document of ``table`` whose ``batch`` is ``batch_id``."""
        if table == SERVICES and SERVICES not in self._loaded and not self._new_parts:
            return self._drop([p for p in self.manifest.partitions
                               if p.get("batch") == str(batch_id)])
        return self.remove(table, [i for i, d in self.items(table)
                                   if str(d.get("batch")) == str(batch_id)])

    def _drop(self, parts: list[dict[str, Any]]) -> int:
        if not parts:
            return 0
        gone = {id(p) for p in parts}
        self.manifest.partitions = [p for p in self.manifest.partitions if id(p) not in gone]
        self.changed = True
        return sum(len(_ids(p)) for p in parts)

    def upsert_by(
        self,
        table: str,
        docs: Iterable[Doc],
        key: Callable[[Doc], Hashable],
        merge: Callable[[Doc, Doc], Doc] | None = None,
    ) -> list[tuple[int, str]]:
        """Insert or update by a natural key; returns ``(id, "created"|"updated"|"unchanged")``.

        ``merge(old, new)`` builds the stored document from the old one and the incoming
        one (default: the old document updated with the new fields).
        """
        raw = self._table(table)
        index: dict[Hashable, str] = {}
        for doc_key, existing in raw.items():
            natural = key(existing)
            if natural is not None:
                index[natural] = doc_key
        results: list[tuple[int, str]] = []
        for doc in docs:
            natural = key(doc)
            found = index.get(natural) if natural is not None else None
            if found is None:
                doc_id = self._next_id(table)
                raw[str(doc_id)] = doc
                if natural is not None:
                    index[natural] = str(doc_id)
                results.append((doc_id, "created"))
                self._mark(table)
                continue
            old = raw[found]
            new = merge(old, doc) if merge else {**old, **doc}
            if new == old:
                results.append((int(found), "unchanged"))
            else:
                raw[found] = new
                results.append((int(found), "updated"))
                self._mark(table)
        return results

    # -- commit ----------------------------------------------------------------------------
    def discard(self) -> None:
        """Delete the files written so far (the transaction is abandoned)."""
        for path in self._written:
            with contextlib.suppress(OSError):
                path.unlink()
        self._written.clear()

    def commit(self) -> None:
        """Write the changed files under new names, then swap the manifest."""
        if not self.changed:
            self.discard()
            return
        manifest = self.manifest
        manifest.generation += 1
        written: list[Path] = self._written
        try:
            self._write_files(manifest, written)
            if self.mode != 0o600:  # keep a group-shared mode on every new file
                for path in written:
                    if path.exists():
                        path.chmod(self.mode)
            commit_manifest(self.folder, manifest, self.mode)
        except BaseException:
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
        with contextlib.suppress(StoreError, OSError):
            collect_garbage(self.folder, manifest)

    def _write_files(self, manifest: Manifest, written: list[Path]) -> None:
        tag = self._tag
        tables = {name: self._loaded[name] for name in sorted(self._dirty - {SERVICES})}
        if ACTIVITIES in tables:  # the Activities screen's first page, same swap
            tables[PAGE_TABLE] = build_page(tables[ACTIVITIES], f"{ACTIVITIES}.{tag}.json")
        for name, table in tables.items():
            file = f"{name}.{tag}.json"
            written.append(self.folder / file)
            write_new(self.folder / file, [dump_bytes({name: table})])
            manifest.tables[name] = file
        parts = list(self._new_parts)
        if SERVICES in self._dirty:  # services were changed as a dict: rewrite them
            groups: dict[str, list[tuple[int, Doc]]] = {}
            for key, doc in self._loaded[SERVICES].items():
                groups.setdefault(str(doc.get("batch")), []).append((int(key), doc))
            parts = [({"batch": b, "ids": [i for i, _ in p]}, [d for _, d in p])
                     for b, p in groups.items()]
            manifest.partitions = []
        if parts:
            (self.folder / PARTS).mkdir(exist_ok=True)
        for entry, docs in parts:
            if docs is not None:  # documents: written now, as JSON lines
                entry["file"], keys = self._part_names("ndjson")
                written += [self.folder / entry["file"], self.folder / keys]
                write_docs(self.folder / entry["file"], docs)
                if write_docs_keys(self.folder / keys, docs):
                    entry["keys"] = keys
            manifest.partitions.append(entry)


def _frame_docs(frame: pl.DataFrame) -> list[Doc]:
    """A frame of services as documents (only when services are held as a dict)."""
    return frame.drop(KEY_TEXT, strict=False).to_dicts()
