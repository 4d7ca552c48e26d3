"""A workspace that vanished is never silently replaced by an empty one.

A new workspace is created only where no trace of an earlier one is left (no manifest
backups, no data files, no attachments, no lock file). Otherwise the write is refused
with one sentence naming what is left; ``mwtui workspace restore`` puts the newest intact
manifest backup back.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mwtui.workspace import layout, owner
from mwtui.workspace.errors import StoreError
from mwtui.workspace.files import dump_bytes, file_mode, is_temp_name, replace_atomically
from mwtui.workspace.layout import MANIFEST
from mwtui.workspace.problems import N_, StoreProblem

if TYPE_CHECKING:
    from mwtui.workspace.store import Workspace

GONE_WITH_BACKUPS = N_(
    "The workspace {path} has lost its manifest; nothing was written. Its backups are "
    "still there ({backups}): run `mwtui workspace restore` to restore the newest.")
GONE_WITH_TRACES = N_(
    "The workspace {path} is gone but traces of it remain ({traces}); nothing was "
    "written, so that no empty workspace replaces it. Restore the folder from your own "
    "backup, or move those away to start a new workspace.")
NOTHING_TO_RESTORE = N_(
    "The workspace {path} is intact; there is nothing to restore.")
NO_BACKUP = N_(
    "The workspace {path} has no intact backup to restore; restore the folder from your "
    "own backup.")


def traces(ws: Workspace, lock_existed: bool) -> list[Path]:
    """What is left of an earlier workspace at ``ws.path`` (empty: none)."""
    from mwtui.workspace.migrate import _old_backups

    found: list[Path] = [p for p in layout.backup_paths(ws.path) if p.exists()]
    if not found and ws.path.is_dir():
        with contextlib.suppress(OSError):
            found += sorted(ws.path.iterdir())[:3]
    with contextlib.suppress(OSError):
        if ws.attachments_dir.is_dir() and any(ws.attachments_dir.iterdir()):
            found.append(ws.attachments_dir)
    found += _old_backups(ws.path)
    if lock_existed:
        found.append(ws.lock_path)
    return found


def refuse_if_traces(ws: Workspace, lock_existed: bool) -> None:
    """Raise ``StoreProblem`` if a workspace was at ``ws.path`` before (see module doc)."""
    backups = [p for p in layout.backup_paths(ws.path) if p.exists()]
    if backups:
        raise StoreProblem(GONE_WITH_BACKUPS, path=ws.path,
                           backups=", ".join(p.name for p in backups))
    left = traces(ws, lock_existed)
    if left:
        raise StoreProblem(GONE_WITH_TRACES, path=ws.path,
                           traces=", ".join(str(p) for p in left))


def _intact(folder: Path, name: str) -> layout.Manifest | None:
    """The manifest ``name`` if it parses and every file it names exists."""
    try:
        manifest = layout.read_manifest(folder, name)
    except StoreError:
        return None
    if all((folder / file).is_file() for file in manifest.files()):
        return manifest
    return None


def restore_newest(folder: Path) -> Path:
    """Under the lock: copy the newest intact backup over ``MANIFEST``; returns it."""
    current = folder / MANIFEST
    if current.exists() and _intact(folder, MANIFEST) is not None:
        raise StoreProblem(NOTHING_TO_RESTORE, path=folder)
    for backup in layout.backup_paths(folder):
        manifest = _intact(folder, backup.name) if backup.exists() else None
        if manifest is not None:
            replace_atomically(current, dump_bytes(manifest.to_json()), shown=folder,
                               mode=file_mode(backup))
            return backup
    raise StoreProblem(NO_BACKUP, path=folder)


def sweep_dead_temps(folder: Path) -> int:
    """Remove temp files (``.<name>.<pid>.<random>.tmp``) whose writing process on this
    host has ended, e.g. PDFs of a killed import. Returns how many were removed."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            parts = entry.name.split(".")
            if not (is_temp_name(entry.name) and len(parts) >= 5 and parts[-3].isdigit()):
                continue
            if owner.pid_gone(int(parts[-3])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
