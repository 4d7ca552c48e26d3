"""Connecting, redacting, and the schema: plain SQL migrations applied forward.

``migrations/NNN_name.sql`` are applied in order, each in the transaction that records
its number in ``mwtui_schema``, under an advisory lock so two first users do not race.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mwtui.workspace.errors import StoreError

log = logging.getLogger(__name__)

SCHEMA_LOCK = 0x6D77_7475_6901  # advisory lock key: schema migration
WRITE_LOCK = 0x6D77_7475_6902  # advisory lock key: one writer at a time
URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact_url(url: str) -> str:
    """The URL without its password (``postgresql://anna:***@host/db``)."""
    parts = urlsplit(url)
    if parts.password is None:
        query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
        return urlunsplit(parts._replace(query=query))
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{parts.username or ''}:***@{host}"
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def connect(url: str, *, autocommit: bool = False) -> Any:
    """A psycopg connection; failures name the redacted URL, never the password."""
    try:
        import psycopg
    except ImportError:
        raise StoreError("A PostgreSQL workspace needs psycopg: "
                         "pip install 'mwtui[postgres]'.") from None
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as err:
        detail = _first_line(err).replace(url, redact_url(url))
        raise StoreError(f"Cannot connect to the workspace database {redact_url(url)}: "
                         f"{detail}") from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` of every migration shipped in the package, in order."""
    folder = resources.files(__package__).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version(conn: Any) -> int:
    row = conn.execute("SELECT to_regclass('mwtui_schema') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM mwtui_schema").fetchone()[0]


def ensure_schema(conn: Any, *, create: bool = True,
                  seed: Callable[[Any], None] | None = None) -> bool:
    """Create or migrate the schema forward; a new schema gets ``seed(conn)``'s records
    in the same transaction. True when it was created just now."""
    shipped = migrations()
    latest = shipped[-1][0]
    if schema_version(conn) == latest:
        return False  # the everyday case: no lock, one query
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        current = schema_version(conn)
        if current > latest:
            raise StoreError(f"The workspace database has schema version {current}; this "
                             f"mwtui knows up to {latest}. Update mwtui.")
        if current == 0 and not create:
            raise StoreError("The database holds no mwtui workspace yet.")
        if current == 0:
            conn.execute("CREATE TABLE mwtui_schema (version integer PRIMARY KEY, "
                         "name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())")
        for version, name, sql in shipped:
            if version > current:
                if current:
                    log.warning("Migrating the workspace database schema from version "
                                "%s to %s (%s).", current, version, name)
                conn.execute(sql)
                conn.execute("INSERT INTO mwtui_schema (version, name) VALUES (%s, %s)",
                             (version, name))
        if current == 0 and seed is not None:
            seed(conn)
    return current == 0
