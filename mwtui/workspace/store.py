"""Workspace store: a folder of TinyDB table files and service partitions, committed by
swapping one manifest under one exclusive lock.

``Workspace.transaction()`` takes the lock, reads the manifest fresh, loads only the
tables the caller touches, writes each changed table (and each new service partition) as
a new file (fsync), then replaces ``MANIFEST`` atomically: the commit point. A SIGKILL
before it leaves the old state and unreferenced files, which the next writer deletes.
Readers never lock: a snapshot reads the manifest once and each table file the first time
it is asked for. The layout is in docs/STORAGE.md; ``migrate`` converts the old
single-file format.
"""

from __future__ import annotations

import contextlib
import os  # noqa: F401  (tests patch ``store.os`` to inject disk faults)
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import Timeout as FileLockTimeout
from filelock import UnixFileLock
from tinydb import TinyDB

from mwtui.workspace import layout, recovery
from mwtui.workspace.activity_page import ACTIVITIES, PAGE_TABLE, current_page
from mwtui.workspace.errors import StoreError, WorkspaceLocked
from mwtui.workspace.files import describe_os_error, dump_bytes, load_bytes
from mwtui.workspace.layout import MANIFEST, partition_ids
from mwtui.workspace.models import ActivityType, now_iso
from mwtui.workspace.partitions import read_frame
from mwtui.workspace.tables import (
    SERVICES,
    Doc,
    KeyIndex,
    LazyTables,
    committed_keys,
    iter_partitions,
    key_index,
    keys_of_docs,
    read_only_db,
)
from mwtui.workspace.transaction import Transaction

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "TABLES",
    "Doc",
    "Snapshot",
    "Transaction",
    "Workspace",
    "dump_bytes",
    "initial_data",
    "load_bytes",
    "new_batch_id",
]

TABLES: tuple[str, ...] = (
    "customers",
    "activities",
    "activity_types",
    "services",
    "articles",
    "batches",
)
META = "_meta"
SCHEMA_VERSION = 1
LOCK_TIMEOUT = 30.0


def new_batch_id() -> str:
    """A sortable, unique batch id such as ``20261121-114012-3fa2``."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(2)}"


def initial_data() -> dict[str, Any]:
    """A new workspace: empty tables and the one default activity type."""
    data: dict[str, Any] = {name: {} for name in TABLES}
    default = ActivityType(name="Auftrag", position=0, is_default=True)
    data["activity_types"]["1"] = default.to_record()
    data[META] = {"1": {"schema": SCHEMA_VERSION, "created": now_iso(), "default_type_id": 1}}
    return data


class Snapshot:
    """A read-only view of one committed state. Tables are read when first asked for.
    ``Snapshot(data)`` also wraps plain ``{table: {"<id>": doc}}`` data. Do not mutate."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _lazy(self) -> LazyTables | None:
        return self.data if isinstance(self.data, LazyTables) else None

    def raw(self, table: str) -> dict[str, Doc]:
        try:
            return self.data[table]
        except KeyError:
            return {}

    def items(self, table: str) -> Iterator[tuple[int, Doc]]:
        lazy = self._lazy()
        if table == SERVICES and lazy is not None and not lazy.is_loaded(SERVICES):
            yield from iter_partitions(lazy.folder, lazy.manifest)  # one batch at a time
            return
        for key, doc in self.raw(table).items():
            yield int(key), doc

    def get(self, table: str, doc_id: int | None) -> Doc | None:
        if doc_id is None:
            return None
        lazy = self._lazy()
        if table == SERVICES and lazy is not None and not lazy.is_loaded(SERVICES):
            return next((d for i, d in self.items(table) if i == doc_id), None)
        return self.raw(table).get(str(doc_id))

    def count(self, table: str) -> int:
        lazy = self._lazy()
        if table == SERVICES and lazy is not None and not lazy.is_loaded(SERVICES):
            return sum(len(partition_ids(p)) for p in lazy.manifest.partitions)
        return len(self.raw(table))

    def committed_keys(self) -> tuple[pl.Series, frozenset[str]]:
        """Row keys of the committed services and the customer numbers that own them,
        from the compact index (no service is parsed)."""
        lazy = self._lazy()
        if lazy is not None and not lazy.is_loaded(SERVICES):
            return committed_keys(lazy.folder, lazy.manifest)
        return keys_of_docs(d for _, d in self.items(SERVICES))

    def key_index(self) -> KeyIndex:
        """The committed keys' owners now and the keys (or their texts) on ``load()``; see
        :class:`~mwtui.workspace.tables.KeyIndex`."""
        lazy = self._lazy()
        if lazy is not None and not lazy.is_loaded(SERVICES):
            return key_index(lazy.folder, lazy.manifest)
        keys, owners = self.committed_keys()
        return KeyIndex.of(keys, owners)

    def services_frame(self, batch: str | None = None) -> pl.DataFrame:
        """Services (of one batch, or all) as a polars frame with an ``id`` column,
        read by polars straight from the partition files."""
        import polars as pl

        lazy = self._lazy()
        if lazy is None:
            rows = [{"id": i, **d} for i, d in self.items(SERVICES)
                    if batch is None or str(d.get("batch")) == batch]
            return pl.DataFrame(rows, infer_schema_length=None)
        frames = [read_frame(lazy.folder / p["file"])
                  .with_columns(pl.Series("id", list(partition_ids(p)), dtype=pl.Int64))
                  for p in lazy.manifest.partitions if batch is None or p["batch"] == batch]
        return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()

    def activities_page(self) -> Doc | None:
        """The stored first page of the Activities list (``activity_page``), or None when
        this state has none: then read the whole activities table."""
        lazy = self._lazy()
        if lazy is None or PAGE_TABLE not in lazy.manifest.tables:
            return None
        return current_page(lazy[PAGE_TABLE], lazy.manifest.tables.get(ACTIVITIES))

    @property
    def db(self) -> TinyDB:
        """A TinyDB over this snapshot for Query-based look-ups; writing raises."""
        return read_only_db(self.data)


class Workspace:
    """One workspace: the folder ``path`` (the ``--db`` path), its sibling lock file and
    attachments folder. An old single-file workspace at ``path`` is migrated on open."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser().absolute()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.attachments_dir = self.path.with_name(self.path.stem + ".attachments")
        self.manifest_path = self.path / MANIFEST
        self._cache: tuple[tuple[int, int, int], LazyTables] | None = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, create: bool = True) -> Workspace:
        """Open (and by default create) a workspace; an old single-file workspace is
        migrated first; a corrupt one raises, untouched."""
        ws = cls(path)
        if ws._needs_layout():
            if not create and not ws.path.exists() and not _migration_pending(ws):
                raise StoreError(f"No workspace at {ws.path}. Start mwtui once to create it.")
            ws.create()
        ws.snapshot()  # validates now, with a clear message, before any screen opens
        ws._tidy()
        return ws

    def _tidy(self) -> None:
        """Delete what a killed writer left behind: its temp PDFs, and, if the lock is
        free right now, unnamed files (a busy or read-only workspace is left as it is)."""
        recovery.sweep_dead_temps(self.attachments_dir)  # PDFs of a killed import
        with contextlib.suppress(StoreError, OSError), self._locked(timeout=0):
            layout.collect_garbage(self.path, layout.read_manifest(self.path))

    def create(self) -> None:
        """Create the folder (or finish a migration); no-op if another process won."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(describe_os_error(err, self.path.parent, "create")) from err
        lock_existed = self.lock_path.exists()  # before taking it: taking creates it
        with self._locked():
            self._ensure_layout(lock_existed)

    def _needs_layout(self) -> bool:
        return not self.manifest_path.is_file()

    def _ensure_layout(self, lock_existed: bool = True) -> None:
        """Under the lock: migrate an old file, finish a crashed migration, or create a
        new workspace, but only where no trace of an earlier one is left."""
        from mwtui.workspace import migrate

        if self.manifest_path.is_file():
            return
        if self.path.is_file() or _migration_pending(self):
            migrate.migrate_locked(self.path)
            return
        recovery.refuse_if_traces(self, lock_existed)
        migrate.write_new_workspace(self.path, initial_data())

    def restore(self) -> Path:
        """Put the newest intact ``MANIFEST`` backup back as the current state (under the
        lock); returns the backup used. Refused when the current manifest is intact."""
        with self._locked():
            return recovery.restore_newest(self.path)

    # -- locking ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """The workspace's exclusive lock (``flock`` on the lock file, via filelock)."""
        lock = UnixFileLock(self.lock_path, timeout=timeout, mode=0o600, thread_local=False,
                            preserve_lock_file=True, fallback_to_soft=False,
                            poll_interval=0.02)
        try:
            lock.acquire()
        except FileLockTimeout:
            raise WorkspaceLocked(
                f"Another mwtui process has held {self.path} for over {timeout:.0f} s; "
                "wait for it to finish and try again."
            ) from None
        except OSError as err:
            raise StoreError(describe_os_error(err, self.lock_path, "lock")) from err
        try:
            yield
        finally:
            lock.release()

    # -- reading ---------------------------------------------------------------------------
    def change_marker(self) -> tuple[int, int, int] | None:
        """Cheap and hashable; changes with every committed write (one ``stat``)."""
        try:
            st = self.manifest_path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def snapshot(self) -> Snapshot:
        """The current committed state; table files are read when first used. The same
        data object is returned while nothing was committed."""
        key = self.change_marker()
        if key is None:
            if self._needs_layout() and (self.path.exists() or _migration_pending(self)):
                self.create()  # an old single-file workspace: migrate it now
                key = self.change_marker()
            if key is None:
                raise StoreError(f"No workspace at {self.path}.")
        if self._cache is None or self._cache[0] != key:
            manifest = layout.read_manifest(self.path)
            previous = self._cache[1] if self._cache else None
            self._cache = (key, LazyTables(self.path, manifest, previous))
        return Snapshot(self._cache[1])

    def backup_paths(self) -> list[Path]:
        """The previous manifests (newest first); each names the files of its state."""
        return layout.backup_paths(self.path)

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, read fresh, let the caller change data, write once. Exceptions roll back."""
        if self._needs_layout():
            self.create()
        with self._locked():
            self._ensure_layout()
            tx = Transaction(self.path, layout.read_manifest(self.path))
            try:
                yield tx
            except BaseException:
                tx.discard()  # files written ahead (service partitions) go again
                raise
            tx.commit()


def _migration_pending(ws: Workspace) -> bool:
    from mwtui.workspace.migrate import backup_path

    return backup_path(ws.path).exists() and not ws.path.exists()


