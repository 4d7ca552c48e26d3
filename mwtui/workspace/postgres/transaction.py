"""A PostgreSQL transaction: one database transaction behind the store's interface.

Tables other than services are loaded when first touched and written at commit (only the
documents that changed, ``INSERT ... ON CONFLICT``); services are written straight away
inside the database transaction (``COPY`` for a WEBFAKT frame), so nothing is visible to
anyone else until the commit, and a lost connection leaves nothing half written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from mwtui.workspace.errors import StoreError
from mwtui.workspace.partitions import KEY_TEXT
from mwtui.workspace.tables import SERVICES, Doc, KeyIndex, keys_of_docs
from mwtui.workspace.transaction import _TxStorage

if TYPE_CHECKING:
    import polars as pl

SERVICE_COLUMNS = "id, batch, row_key, customer_number, doc"


def dumps(doc: Doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str)


def service_row(doc_id: int, doc: Doc) -> tuple[Any, ...]:
    owner = doc.get("customer_number")
    return (doc_id, str(doc.get("batch")), doc.get("row_key"),
            None if owner is None else str(owner), dumps(doc))


class PgTransaction:
    """The workspace inside one database transaction (the write lock held)."""

    def __init__(self, conn: Any, attachments_dir: Path | None = None) -> None:
        self.conn = conn
        self.attachments_dir = attachments_dir
        self.changed = False
        self._loaded: dict[str, dict[str, Doc]] = {}
        self._original: dict[str, dict[str, str]] = {}
        self._dirty: set[str] = set()
        self._exposed: set[str] = set()
        self._nkeys: dict[str, dict[str, str]] = {}
        self._stored_nkeys: dict[str, dict[str, str]] = {}
        self._next_ids: dict[str, int] = {}

    # -- loading ---------------------------------------------------------------------------
    def _table(self, name: str) -> dict[str, Doc]:
        if name not in self._loaded:
            if name == SERVICES:
                rows = self.conn.execute("SELECT id, doc, NULL FROM mwtui_services ORDER BY id")
            else:
                rows = self.conn.execute("SELECT id, doc, nkey FROM mwtui_records "
                                         "WHERE tbl = %s ORDER BY id", (name,))
            table, nkeys = {}, {}
            for i, doc, nkey in rows:
                table[str(i)] = doc
                if nkey is not None:
                    nkeys[str(i)] = nkey
            self._stored_nkeys[name] = nkeys
            self._loaded[name] = table
            self._original[name] = {k: dumps(d) for k, d in table.items()}
        return self._loaded[name]

    def _view(self) -> dict[str, dict[str, Doc]]:
        tx = self

        class _View(dict):  # type: ignore[type-arg]
            def __missing__(self, name: str) -> dict[str, Doc]:
                self[name] = tx._table(name)
                return self[name]

        return _View(self._loaded)

    def _mark(self, name: str) -> None:
        self._dirty.add(name)
        self.changed = True

    @property
    def db(self) -> TinyDB:
        """TinyDB over this transaction: its tables and queries; writes are committed."""
        return TinyDB(storage=_TxStorage, tx=self)

    def _services_as_rows(self) -> bool:
        return SERVICES not in self._loaded

    # -- reading ---------------------------------------------------------------------------
    def raw(self, table: str) -> dict[str, Doc]:
        self._exposed.add(table)
        return self._table(table)

    def items(self, table: str) -> Iterator[tuple[int, Doc]]:
        if table == SERVICES and self._services_as_rows():
            yield from self.conn.execute("SELECT id, doc FROM mwtui_services ORDER BY id")
            return
        for key, doc in list(self._table(table).items()):
            yield int(key), doc

    def get(self, table: str, doc_id: int) -> Doc | None:
        if table == SERVICES and self._services_as_rows():
            row = self.conn.execute("SELECT doc FROM mwtui_services WHERE id = %s",
                                    (doc_id,)).fetchone()
            return row[0] if row else None
        return self._table(table).get(str(doc_id))

    def find(self, table: str, pred: Callable[[Doc], bool]) -> list[tuple[int, Doc]]:
        return [(i, d) for i, d in self.items(table) if pred(d)]

    def committed_keys(self) -> tuple[pl.Series, frozenset[str]]:
        if not self._services_as_rows():
            return keys_of_docs(d for _, d in self.items(SERVICES))
        from mwtui.workspace.postgres.frames import read_committed_keys

        return read_committed_keys(self.conn)


    def key_index(self) -> KeyIndex:
        """The committed keys (one ``COPY``, see ``committed_keys``) as a ``KeyIndex``
        held in memory: reading them by batch cost more here than it saved (the first
        64 bits computed by the database took longer to send than the keys)."""
        return KeyIndex.of(*self.committed_keys())

    # -- writing ---------------------------------------------------------------------------
    def touch(self) -> None:
        for name in self._exposed:
            self._mark(name)
        self.changed = True

    def _take_ids(self, table: str, count: int) -> list[int]:
        if table == SERVICES:
            first = self.conn.execute(
                "UPDATE mwtui_state SET next_service_id = next_service_id + %s "
                "RETURNING next_service_id - %s", (count, count)).fetchone()[0]
        else:
            if table not in self._next_ids:
                keys = self._table(table).keys()
                self._next_ids[table] = max((int(k) for k in keys), default=0) + 1
            first = self._next_ids[table]
            self._next_ids[table] = first + count
        return list(range(first, first + count))

    def insert(self, table: str, doc: Doc) -> int:
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: Iterable[Doc]) -> list[int]:
        docs = docs if isinstance(docs, list) else list(docs)
        if not docs:
            return []
        ids = self._take_ids(table, len(docs))
        if table == SERVICES and self._services_as_rows():
            self._copy_services(service_row(i, d) for i, d in zip(ids, docs, strict=True))
            self.changed = True
            return ids
        self._table(table).update(zip(map(str, ids), docs, strict=True))
        self._mark(table)
        return ids

    def _copy_services(self, rows: Iterable[tuple[Any, ...]]) -> None:
        with self.conn.cursor().copy(
                f"COPY mwtui_services ({SERVICE_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def insert_frame(self, table: str, frame: pl.DataFrame, batch: str) -> range:
        """A WEBFAKT frame as services of ``batch``, sent with ``COPY``."""
        if table != SERVICES:
            raise StoreError(f"insert_frame is for services, not {table}.")
        frame = frame.drop(KEY_TEXT, strict=False)  # no key index here: the keys do
        if not self._services_as_rows():
            ids = self.insert_many(table, frame.to_dicts())
            return range(ids[0], ids[-1] + 1) if ids else range(0)
        if frame.height == 0:
            return range(0)
        from mwtui.workspace.postgres.frames import copy_frame

        ids = self._take_ids(table, frame.height)
        copy_frame(self.conn, frame, ids[0], batch)
        self.changed = True
        return range(ids[0], ids[-1] + 1)

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
        wanted = sorted({int(i) for i in doc_ids})
        if table == SERVICES and self._services_as_rows():
            cur = self.conn.execute("DELETE FROM mwtui_services WHERE id = ANY(%s)", (wanted,))
            self.changed = self.changed or cur.rowcount > 0
            return cur.rowcount
        raw = self._table(table)
        removed = sum(raw.pop(str(i), None) is not None for i in wanted)
        if removed:
            self._mark(table)
        return removed

    def remove_batch(self, table: str, batch_id: str) -> int:
        if table == SERVICES and self._services_as_rows():
            cur = self.conn.execute("DELETE FROM mwtui_services WHERE batch = %s",
                                    (str(batch_id),))
            self.changed = self.changed or cur.rowcount > 0
            return cur.rowcount
        return self.remove(table, [i for i, d in self.items(table)
                                   if str(d.get("batch")) == str(batch_id)])

    def upsert_by(self, table: str, docs: Iterable[Doc], key: Callable[[Doc], Hashable],
                  merge: Callable[[Doc, Doc], Doc] | None = None) -> list[tuple[int, str]]:
        """Insert or update by a natural key (stored, unique per table, in ``nkey``)."""
        raw = self._table(table)
        index = {key(d): k for k, d in raw.items() if key(d) is not None}
        results: list[tuple[int, str]] = []
        for doc in docs:
            natural = key(doc)
            found = index.get(natural) if natural is not None else None
            if found is None:
                found = str(self._take_ids(table, 1)[0])
                raw[found] = doc
                results.append((int(found), "created"))
                self._mark(table)
            else:
                new = merge(raw[found], doc) if merge else {**raw[found], **doc}
                state = "unchanged" if new == raw[found] else "updated"
                if state == "updated":
                    raw[found] = new
                    self._mark(table)
                results.append((int(found), state))
            if natural is not None:
                index[natural] = found
        self._nkeys[table] = {k: dumps(natural) for natural, k in index.items()}
        self.changed = self.changed or table in self._dirty
        return results

    # -- commit ----------------------------------------------------------------------------
    def write_changes(self) -> None:
        """Send the changed documents; the caller commits the database transaction."""
        for name in sorted(self._dirty | set(self._nkeys)):
            if name == "activities":
                self._store_attachments()
            table, before = self._loaded[name], self._original.get(name, {})
            gone = [int(k) for k in before if k not in table]
            changed = [(k, dumps(d)) for k, d in table.items()]
            changed = [(k, text) for k, text in changed if before.get(k) != text]
            if name == SERVICES:
                self._write_services(gone, changed)
            else:
                self._write_records(name, gone, changed)
        if self.changed:
            self.conn.execute("UPDATE mwtui_state SET generation = generation + 1")

    def _store_attachments(self) -> None:
        """Activities keep no local ``path``; their PDFs go into the database."""
        from mwtui.workspace.postgres.attachments import upload, without_paths

        table, names = self._loaded["activities"], []
        for key, doc in table.items():
            cleaned, found = without_paths(doc)
            table[key] = cleaned
            names += found
        if self.attachments_dir is not None:
            upload(self.conn, self.attachments_dir, names)

    def _write_records(self, name: str, gone: list[int],
                       changed: list[tuple[str, str]]) -> None:
        if gone:
            self.conn.execute("DELETE FROM mwtui_records WHERE tbl = %s AND id = ANY(%s)",
                              (name, gone))
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO mwtui_records (tbl, id, doc) VALUES (%s, %s, %s) "
                "ON CONFLICT (tbl, id) DO UPDATE SET doc = EXCLUDED.doc",
                [(name, int(k), text) for k, text in changed])
        self._write_nkeys(name)

    def _write_nkeys(self, name: str) -> None:
        """Store the natural keys of the last upsert (unique per table): first clear the
        ones that change, then set them, so no row collides with a stale key."""
        if name not in self._nkeys:
            return
        wanted, stored = self._nkeys[name], self._stored_nkeys.get(name, {})
        moved = [k for k in self._loaded[name] if wanted.get(k) != stored.get(k)]
        if not moved:
            return
        self.conn.execute("UPDATE mwtui_records SET nkey = NULL WHERE tbl = %s "
                          "AND id = ANY(%s)", (name, [int(k) for k in moved]))
        with self.conn.cursor() as cur:
            cur.executemany("UPDATE mwtui_records SET nkey = %s WHERE tbl = %s AND id = %s",
                            [(wanted[k], name, int(k)) for k in moved if k in wanted])

    def _write_services(self, gone: list[int], changed: list[tuple[str, str]]) -> None:
        table = self._loaded[SERVICES]
        ids = gone + [int(k) for k, _ in changed]
        self.conn.execute("DELETE FROM mwtui_services WHERE id = ANY(%s)", (ids,))
        self._copy_services(service_row(int(k), table[k]) for k, _ in changed)
