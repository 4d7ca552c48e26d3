"""From the single-file workspace (format 1) to the folder (format 2), crash-safe.

Under the workspace lock: the old file is read and checked, the new folder is built
complete under a hidden name (every file fsynced), the old file is moved to
``<name>.v1.bak`` (kept as the backup), and the folder is renamed to ``<name>``. Every
step is atomic; a crash leaves either the old file (start again) or the backup without
the folder (start again from the backup): ``migrate_locked`` does both.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from mwtui.workspace.activity_page import ACTIVITIES, PAGE_TABLE, build_page
from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.files import describe_os_error, dump_bytes, fsync_dir, load_bytes, write_new
from mwtui.workspace.layout import MANIFEST, PARTS, Manifest
from mwtui.workspace.partitions import write_docs, write_docs_keys

SERVICES = PARTS


def backup_path(path: Path) -> Path:
    """Where the single-file workspace is kept after its migration."""
    return path.with_name(path.name + ".v1.bak")


def _old_backups(path: Path) -> list[Path]:
    return [p for p in (path.with_name(f"{path.name}.bak.{n}") for n in (1, 2, 3)) if p.exists()]


def read_single_file(path: Path) -> dict[str, Any]:
    """The data of a format-1 workspace file; a damaged one raises, untouched."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "read")) from err
    try:
        data = load_bytes(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise WorkspaceCorrupt(_corrupt(path, f"it is not valid JSON ({err})")) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise WorkspaceCorrupt(_corrupt(path, "it is not a workspace"))
    return data


def _corrupt(path: Path, why: str) -> str:
    backups = _old_backups(path)
    hint = (f" The newest backup is {backups[0]}; copy it over the file to restore it."
            if backups else " No backup exists; restore the file from your own backup.")
    return f"Workspace file {path} cannot be opened: {why}. It was left untouched.{hint}"


def _service_parts(services: dict[str, Any]) -> list[tuple[str, list[int], list[Any]]]:
    groups: dict[str, tuple[list[int], list[Any]]] = {}
    for key, doc in sorted(services.items(), key=lambda kv: int(kv[0])):
        ids, docs = groups.setdefault(str(doc.get("batch")), ([], []))
        ids.append(int(key))
        docs.append(doc)
    return [(batch, ids, docs) for batch, (ids, docs) in groups.items()]


def _build(folder: Path, data: dict[str, Any]) -> None:
    """Write a complete format-2 workspace into the new folder ``folder``."""
    try:
        folder.mkdir(mode=0o700)
        (folder / PARTS).mkdir()
    except OSError as err:
        raise StoreError(describe_os_error(err, folder, "create")) from err
    manifest = Manifest(generation=1)
    tables = {name: table for name, table in data.items() if name != SERVICES}
    if ACTIVITIES in tables:  # the Activities screen's first page (activity_page)
        tables[PAGE_TABLE] = build_page(tables[ACTIVITIES], f"{ACTIVITIES}.1.json")
    for name, table in tables.items():
        file = f"{name}.1.json"
        write_new(folder / file, [dump_bytes({name: table})])
        manifest.tables[name] = file
    services = data.get(SERVICES, {})
    for n, (batch, ids, docs) in enumerate(_service_parts(services)):
        entry: dict[str, Any] = {"batch": batch, "file": f"{PARTS}/p1-{n}.ndjson"}
        if ids == list(range(ids[0], ids[0] + len(ids))):
            entry.update(first=ids[0], count=len(ids))
        else:
            entry["ids"] = ids
        write_docs(folder / entry["file"], docs)
        if write_docs_keys(folder / f"{PARTS}/p1-{n}.keys", docs):
            entry["keys"] = f"{PARTS}/p1-{n}.keys"
        manifest.partitions.append(entry)
    manifest.next_ids[SERVICES] = max(map(int, services), default=0) + 1
    write_new(folder / MANIFEST, [dump_bytes(manifest.to_json())])
    fsync_dir(folder / PARTS)
    fsync_dir(folder)


def _clear_staging(path: Path) -> None:
    """Remove half-built folders of an earlier, interrupted attempt."""
    for stale in path.parent.glob(f".{path.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _install(staging: Path, path: Path) -> None:
    try:
        if path.is_dir() and any(path.iterdir()):
            raise StoreError(f"{path} is a folder but not an mwtui workspace (no {MANIFEST}); "
                             "choose another path with --db.")
        os.rename(staging, path)
        fsync_dir(path.parent)
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "create")) from err


def through_link(path: Path) -> Path:
    """Where a symlinked workspace path points: the folder is built there, so that the
    link stays a link and keeps reaching the workspace."""
    return path.resolve() if path.is_symlink() else path


def write_new_workspace(path: Path, data: dict[str, Any]) -> None:
    """Create the workspace folder at ``path`` from ``data`` in one atomic rename."""
    path = through_link(path)
    _clear_staging(path)
    staging = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
    try:
        _build(staging, data)
        _install(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def migrate_locked(path: Path) -> bool:
    """Migrate the single-file workspace at ``path`` (or finish an interrupted migration
    from its backup). Call with the lock held. Returns False when there was nothing to do."""
    path = through_link(path)
    backup = backup_path(path)
    if path.is_file():
        source = path
    elif not path.exists() and backup.is_file():
        source = backup
    else:
        return False
    data = read_single_file(source)
    _clear_staging(path)
    staging = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
    try:
        _build(staging, data)
        if source == path:
            try:
                os.replace(path, backup)  # the old file stays, as the backup
                fsync_dir(path.parent)
            except OSError as err:
                raise StoreError(describe_os_error(err, path, "migrate")) from err
        _install(staging, path)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging, ignore_errors=True)
    return True
