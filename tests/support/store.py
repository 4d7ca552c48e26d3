"""Looking at a workspace folder from outside: its files, orphans and committed content."""

from __future__ import annotations

from pathlib import Path

from mwtui.workspace import layout
from mwtui.workspace.store import TABLES, Snapshot, Workspace


def folder_files(ws: Workspace) -> dict[str, bytes]:
    """Every file in the workspace folder (relative name -> bytes)."""
    return {str(p.relative_to(ws.path)): p.read_bytes()
            for p in sorted(ws.path.rglob("*")) if p.is_file()}


def orphans(ws: Workspace) -> set[str]:
    """Files that neither the manifest nor a backup manifest names."""
    named = layout.read_manifest(ws.path).files()
    for backup in layout.backup_paths(ws.path):
        if backup.exists():
            named |= layout.read_manifest(ws.path, backup.name).files()
    return {name for name in folder_files(ws)
            if not name.startswith(layout.MANIFEST) and name not in named}


def content(path: Path) -> dict[str, dict[int, dict]]:
    """The committed documents of every table, read by a fresh handle."""
    snap = Workspace(path).snapshot()
    return {table: dict(snap.items(table)) for table in TABLES}


def expected_page_ids(snap: Snapshot) -> list[int]:
    """Ids of the Activities list's first page, worked out from the table: ``created``
    newest first, ties newest stored first (a stable ascending sort, reversed)."""
    from mwtui.workspace.activity_page import PAGE_ROWS

    docs = list(snap.raw("activities").items())
    order = sorted(range(len(docs)), key=lambda i: str(docs[i][1].get("created") or ""))
    return [int(docs[i][0]) for i in reversed(order)][:PAGE_ROWS]
