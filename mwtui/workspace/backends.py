"""Which store a workspace target names: a ``postgresql://`` URL or a folder path.

``--db`` beats ``MWTUI_DB`` beats ``db = "..."`` in the config beats the default folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mwtui.workspace.postgres.schema import is_database_url, redact_url

__all__ = ["is_database_url", "open_workspace", "redact_url", "workspace_target"]


def workspace_target(cli_value: str | None = None, config_db: str | None = None) -> str | Path:
    """The workspace to open: a database URL (str) or a folder path."""
    from mwtui.workspace.config import default_workspace_path

    for value in (cli_value, os.environ.get("MWTUI_DB"), config_db):
        if value:
            return value if is_database_url(value) else Path(value).expanduser()
    return default_workspace_path()


def open_workspace(target: str | Path, create: bool = True) -> Any:
    """Open the workspace ``target`` names, on PostgreSQL or in a folder."""
    if is_database_url(str(target)):
        from mwtui.workspace.postgres.store import PgWorkspace

        return PgWorkspace.open(str(target), create=create)
    from mwtui.workspace.store import Workspace

    return Workspace.open(target, create=create)


# -- moving a workspace ----------------------------------------------------------------
COPIED_TABLES = ("customers", "activities", "activity_types", "articles", "batches", "_meta")
SERVICES = "services"
CHUNK = 50_000


def is_empty(ws: Any) -> bool:
    """Nothing but what a new workspace holds (the one default activity type)."""
    snap = ws.snapshot()
    if any(snap.count(t) for t in ("customers", "activities", "articles", "batches",
                                   SERVICES)):
        return False
    return [d.get("name") for _, d in snap.items("activity_types")] == ["Auftrag"]


def fingerprint(ws: Any) -> dict[str, tuple[int, str]]:
    """Per table: how many records and a SHA-256 over them (ids kept for every table but
    services, whose ids a target gives anew); attachments by their content."""
    import hashlib
    import json

    snap = ws.snapshot()
    result = {}
    for table in (*COPIED_TABLES, SERVICES):
        hashes = sorted(
            hashlib.sha256(("" if table == SERVICES else f"{doc_id}:").encode()
                           + json.dumps(doc, sort_keys=True, default=str).encode()).digest()
            for doc_id, doc in snap.items(table))
        result[table] = (len(hashes), hashlib.sha256(b"".join(hashes)).hexdigest())
    if hasattr(ws, "attachment_hashes"):  # PostgreSQL: checked when stored
        found = sorted(ws.attachment_hashes())
    else:
        folder = Path(ws.attachments_dir)
        found = sorted(hashlib.sha256(p.read_bytes()).hexdigest()
                       for p in folder.glob("[!.]*.pdf")) if folder.is_dir() else []
    result["attachments"] = (len(found), hashlib.sha256("".join(found).encode()).hexdigest())
    return result


def copy_workspace(source: Any, target: Any) -> dict[str, tuple[int, str]]:
    """Copy every table, batch and attachment of ``source`` into the empty ``target``
    in one transaction, then verify counts and hashes; returns the verified figures."""
    import shutil

    from mwtui.workspace.problems import N_, Problem

    if not is_empty(target):
        raise Problem(N_("{target} already holds data; copy only into a new or empty "
                         "workspace."), target=target.path)
    folder = Path(source.attachments_dir)  # PDFs first: the transaction references them
    if folder.is_dir():
        Path(target.attachments_dir).mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, Path(target.attachments_dir) / path.name)
        if hasattr(target, "store_attachments"):
            target.store_attachments()
    snap = source.snapshot()
    with target.transaction() as tx:
        for table in COPIED_TABLES:
            raw = tx.raw(table)
            raw.clear()
            raw.update({str(i): doc for i, doc in snap.items(table)})
        tx.touch()
        chunk: list[dict[str, Any]] = []
        for _i, doc in snap.items(SERVICES):
            chunk.append(doc)
            if len(chunk) >= CHUNK:
                tx.insert_many(SERVICES, chunk)
                chunk = []
        tx.insert_many(SERVICES, chunk)
    expected, found = fingerprint(source), fingerprint(target)
    for name, figures in expected.items():
        if found[name] != figures:
            raise Problem(N_("The copy of {table} differs from the source ({found} records "
                             "instead of {expected}, or other content); check {target}."),
                          table=name, found=found[name][0], expected=figures[0],
                          target=target.path)
    return found
