"""The workspace in a PostgreSQL database, behind the same interface as the folder store.

``PgWorkspace.open(url)`` creates or migrates the schema; ``transaction()`` is one
database transaction holding the write lock (a transaction-scoped advisory lock, so two
imports never interleave); ``snapshot()`` reads tables when first asked for;
``change_marker()`` is the commit counter. The schema is in ``migrations/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mwtui.workspace import activity_page
from mwtui.workspace.errors import StoreError, WorkspaceLocked
from mwtui.workspace.postgres import schema
from mwtui.workspace.postgres.transaction import PgTransaction, dumps
from mwtui.workspace.store import Snapshot, initial_data
from mwtui.workspace.tables import SERVICES, Doc

if TYPE_CHECKING:
    import polars as pl

LOCK_TIMEOUT = 30.0
LOST = ("The connection to the workspace database {url} was lost; nothing of this change "
        "was saved. Check the network and try again.")


class _Tables(dict):  # type: ignore[type-arg]
    """``{table: {"<id>": doc}}``, each table read from the database when first used."""

    def __init__(self, ws: PgWorkspace) -> None:
        super().__init__()
        self.ws = ws

    def __missing__(self, name: str) -> dict[str, Doc]:
        if name == SERVICES:
            sql, params = "SELECT id, doc FROM mwtui_services ORDER BY id", ()
        else:
            sql, params = "SELECT id, doc FROM mwtui_records WHERE tbl = %s ORDER BY id", (name,)
        table = {str(i): d for i, d in self.ws.query(sql, params)}
        self[name] = table
        return table


class PgSnapshot(Snapshot):
    """A read-only view; services are queried, never all held unless asked as a dict."""

    def __init__(self, ws: PgWorkspace, data: _Tables) -> None:
        super().__init__(data)
        self.ws = ws

    def _rows(self) -> bool:
        return not dict.__contains__(self.data, SERVICES)

    def items(self, table: str) -> Iterator[tuple[int, Doc]]:
        if table == SERVICES and self._rows():
            yield from self.ws.query("SELECT id, doc FROM mwtui_services ORDER BY id")
            return
        yield from super().items(table)

    def get(self, table: str, doc_id: int | None) -> Doc | None:
        if doc_id is not None and table == SERVICES and self._rows():
            rows = self.ws.query("SELECT doc FROM mwtui_services WHERE id = %s", (doc_id,))
            return rows[0][0] if rows else None
        return super().get(table, doc_id)

    def count(self, table: str) -> int:
        if table == SERVICES and self._rows():
            return self.ws.query("SELECT count(*) FROM mwtui_services")[0][0]
        return super().count(table)

    def activities_page(self) -> Doc | None:
        """The Activities list's first page by one ORDER BY ... LIMIT query, in the order
        of ``activity_page``: ``created`` newest first (code point order), ties by id."""
        rows = self.ws.query(
            "SELECT id, doc, count(*) OVER () FROM mwtui_records WHERE tbl = 'activities' "
            "ORDER BY coalesce(doc->>'created', '') COLLATE \"C\" DESC, id DESC LIMIT %s",
            (activity_page.PAGE_ROWS,))
        return {"count": rows[0][2] if rows else 0,
                "rows": [activity_page.compact_row(i, doc) for i, doc, _count in rows]}

    def committed_keys(self) -> tuple[pl.Series, frozenset[str]]:
        from mwtui.workspace.postgres.frames import read_committed_keys

        with self.ws.reader() as conn:
            return read_committed_keys(conn)


    def services_frame(self, batch: str | None = None) -> pl.DataFrame:
        from mwtui.workspace.postgres.frames import read_services_frame

        with self.ws.reader() as conn:
            return read_services_frame(conn, batch)


class PgWorkspace:
    """A workspace in the PostgreSQL database at ``url`` (shown only redacted)."""

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = schema.redact_url(url)  # what screens and messages show
        self.local_attachments = _attachment_cache(url)
        self._conn: Any = None
        self._guard = threading.RLock()
        self._cache: tuple[int, _Tables] | None = None

    def __repr__(self) -> str:
        return f"PgWorkspace({self.path!r})"

    @classmethod
    def open(cls, url: str, create: bool = True) -> PgWorkspace:
        """Connect, create or migrate the schema (and the default data on first use)."""
        ws = cls(url)
        with ws.reader() as conn:
            schema.ensure_schema(conn, create=create, seed=_seed)
        return ws

    # -- reading ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def reader(self) -> Iterator[Any]:
        """The shared autocommit connection (reconnected once when it was lost)."""
        import psycopg

        with self._guard:
            if self._conn is None or self._conn.closed:
                self._conn = schema.connect(self.url, autocommit=True)
            try:
                yield self._conn
            except psycopg.OperationalError as err:
                self._conn.close()
                raise StoreError(LOST.format(url=self.path)) from err

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.reader() as conn:
            return conn.execute(sql, params).fetchall()

    @property
    def attachments_dir(self) -> Path:
        """The local mirror of the workspace's PDFs, brought up to date on each use."""
        from mwtui.workspace.postgres.attachments import download

        with self.reader() as conn:
            download(conn, self.local_attachments)
        return self.local_attachments

    def attachment_hashes(self) -> list[str]:
        """The SHA-256 of every PDF the database holds (verified when stored)."""
        return [r[0] for r in self.query("SELECT sha256 FROM mwtui_attachments")]

    def store_attachments(self) -> None:
        """Store every PDF of the local folder in the database (for a copy)."""
        from mwtui.workspace.postgres.attachments import upload

        folder = self.local_attachments
        names = [p.name for p in folder.glob("*.pdf")] if folder.is_dir() else []
        conn = schema.connect(self.url)
        try:
            with conn.transaction():
                upload(conn, folder, names)
        finally:
            conn.close()

    def change_marker(self) -> int | None:
        """The commit counter: changes with every committed write."""
        try:
            return self.query("SELECT generation FROM mwtui_state")[0][0]
        except StoreError:
            return None

    def snapshot(self) -> PgSnapshot:
        key = self.change_marker()
        if key is None:
            raise StoreError(f"The workspace database {self.path} cannot be read.")
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, _Tables(self))
        return PgSnapshot(self, self._cache[1])

    def backup_paths(self) -> list[Path]:
        """None: the database server's own backups (pg_dump) cover a PostgreSQL workspace."""
        return []

    def close(self) -> None:
        with self._guard:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def integration_lock(self, integration: str, timeout: float = LOCK_TIMEOUT
                         ) -> Iterator[None]:
        """Held for a whole import of ``integration`` (many transactions): a second import
        of the same integration, from any machine, waits for it instead of interleaving."""
        import psycopg

        key = int.from_bytes(hashlib.sha256(f"import:{integration}".encode()).digest()[:8],
                             "big", signed=True)
        conn = schema.connect(self.url, autocommit=True)
        try:
            conn.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            except psycopg.errors.LockNotAvailable:
                raise WorkspaceLocked(f"Another import of {integration} into {self.path} "
                                      f"has been running for over {timeout:.0f} s; wait for "
                                      "it to finish and try again.") from None
            yield  # the lock ends with the session, also when this process dies
        finally:
            conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgTransaction]:
        """One database transaction under the write lock. Exceptions roll it back."""
        import psycopg

        conn = schema.connect(self.url)
        try:
            with conn.transaction():
                _lock(conn, self.path)
                tx = PgTransaction(conn, self.local_attachments)
                yield tx
                tx.write_changes()
        except psycopg.errors.UniqueViolation as err:
            raise StoreError("Another operator saved the same records at the same time; "
                             "nothing of this change was saved. Reload and try again."
                             ) from err
        except psycopg.OperationalError as err:
            raise StoreError(LOST.format(url=self.path)) from err
        finally:
            with contextlib.suppress(Exception):
                conn.close()


def _seed(conn: Any) -> None:
    """A new workspace's first records (the default activity type)."""
    for table, docs in initial_data().items():
        for key, doc in docs.items():
            conn.execute("INSERT INTO mwtui_records (tbl, id, doc) VALUES (%s, %s, %s)",
                         (table, int(key), dumps(doc)))


def _lock(conn: Any, shown: str) -> None:
    import psycopg

    conn.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT * 1000)}ms'")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.WRITE_LOCK,))
    except psycopg.errors.LockNotAvailable:
        raise WorkspaceLocked(f"Another mwtui process has held {shown} for over "
                              f"{LOCK_TIMEOUT:.0f} s; wait for it to finish and try again."
                              ) from None
    conn.execute("SET LOCAL lock_timeout = 0")


def _attachment_cache(url: str) -> Path:
    """A local folder for PDFs of this database (its name hashes the redacted URL)."""
    from platformdirs import user_cache_dir

    tag = hashlib.sha256(schema.redact_url(url).encode()).hexdigest()[:16]
    return Path(user_cache_dir("mwtui")) / "pg-attachments" / tag
