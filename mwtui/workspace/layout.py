"""The workspace folder: a manifest naming the files of the committed state.

``MANIFEST`` (JSON) names one file per table (``<table>.<generation>.json``, TinyDB's
format) and the service partitions (``services/p<generation>-<n>.ndjson`` with their
row-key index ``.keys``). Files are written once under a new name and never changed; a
transaction becomes visible when the new manifest replaces the old one (``os.replace``).
The previous manifests are kept as ``MANIFEST.bak.1..3`` with their files; anything no
manifest names (left by a crash) is deleted by the next writer. See docs/STORAGE.md.
"""

from __future__ import annotations

import contextlib
import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.files import (
    describe_os_error,
    file_mode,
    fsync_dir,
    is_temp_name,
    load_bytes,
    replace_atomically,
)
from mwtui.workspace.problems import N_, StoreProblem

MANIFEST = "MANIFEST"
FORMAT = 2
BACKUPS = 3
PARTS = "services"

READ_ONLY = N_("The workspace file {path} is read-only; nothing was written. Make it "
               "writable (chmod u+w) or open another workspace with --db.")


@dataclass
class Manifest:
    """The committed state: table files, service partitions, next ids."""

    generation: int = 0
    tables: dict[str, str] = field(default_factory=dict)
    partitions: list[dict[str, Any]] = field(default_factory=list)
    next_ids: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "generation": self.generation, "tables": self.tables,
                "partitions": self.partitions, "next_ids": self.next_ids}

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("it is not a workspace manifest")
        tables, parts = data.get("tables"), data.get("partitions")
        if not isinstance(tables, dict) or not isinstance(parts, list) \
                or not all(isinstance(f, str) for f in tables.values()) \
                or not all(_part_ok(p) for p in parts) \
                or not isinstance(data.get("next_ids") or {}, dict):
            raise ValueError("it is not a workspace manifest")
        return cls(int(data.get("generation", 0)), dict(tables), list(parts),
                   dict(data.get("next_ids") or {}))

    def copy(self) -> Manifest:
        return copy.deepcopy(self)

    def files(self) -> set[str]:
        """Every file (relative to the folder) this manifest needs."""
        names = set(self.tables.values())
        for part in self.partitions:
            names.add(part["file"])
            if part.get("keys"):
                names.add(part["keys"])
        return names


def _part_ok(part: Any) -> bool:
    """A partition entry has a batch, a file and either explicit ids or a range."""
    if not isinstance(part, dict) or not isinstance(part.get("file"), str):
        return False
    if "ids" in part:
        return isinstance(part["ids"], list) and all(isinstance(i, int) for i in part["ids"])
    return isinstance(part.get("first"), int) and isinstance(part.get("count"), int)


def partition_ids(part: dict[str, Any]) -> range | list[int]:
    """The document ids of one partition, in file order."""
    if "ids" in part:
        return list(part["ids"])
    return range(part["first"], part["first"] + part["count"])


def read_manifest(folder: Path, name: str = MANIFEST) -> Manifest:
    """The manifest; a damaged one raises ``WorkspaceCorrupt`` naming it."""
    path = folder / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"No workspace at {folder}.") from None
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "read")) from err
    try:
        return Manifest.from_json(load_bytes(raw))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as err:
        raise WorkspaceCorrupt(corrupt_message(folder, path, str(err))) from None


def corrupt_message(folder: Path, path: Path, why: str) -> str:
    backups = [p for p in backup_paths(folder) if p.exists()]
    hint = (f" The previous state is in {backups[0]}; run `mwtui workspace restore` to "
            "restore it." if backups else " Restore the workspace from your own backup.")
    return (f"Workspace file {path} cannot be opened: {why}. It was left untouched.{hint}")


def backup_paths(folder: Path) -> list[Path]:
    return [folder / f"{MANIFEST}.bak.{n}" for n in range(1, BACKUPS + 1)]


def _rotate_backups(folder: Path) -> None:
    """Keep the current manifest as ``MANIFEST.bak.1`` (a hard link), shift older ones."""
    current = folder / MANIFEST
    if not current.exists():
        return
    paths = backup_paths(folder)
    with contextlib.suppress(OSError):
        for older, newer in zip(reversed(paths[1:]), reversed(paths[:-1]), strict=True):
            if newer.exists():
                os.replace(newer, older)
        if paths[0].exists():
            paths[0].unlink()
        os.link(current, paths[0])


def writable_mode(folder: Path) -> int:
    """The permission bits every new file of the workspace gets: those of the current
    ``MANIFEST`` (a group-shared 0660 stays 0660). A read-only manifest is refused."""
    mode = file_mode(folder / MANIFEST)
    if not mode & 0o200:
        raise StoreProblem(READ_ONLY, path=folder / MANIFEST)
    return mode


def commit_manifest(folder: Path, manifest: Manifest, mode: int = 0o600) -> None:
    """The commit point: the new manifest replaces the old one atomically."""
    from mwtui.workspace.files import dump_bytes

    _rotate_backups(folder)
    replace_atomically(folder / MANIFEST, dump_bytes(manifest.to_json()), shown=folder,
                       mode=mode)


def collect_garbage(folder: Path, manifest: Manifest) -> None:
    """Delete files no manifest (current or backup) names: leftovers of a crash, undone
    batches and table versions older than the backups. Runs under the lock."""
    keep = manifest.files()
    for backup in backup_paths(folder):
        with contextlib.suppress(StoreError, OSError):
            if backup.exists():
                keep |= read_manifest(folder, backup.name).files()
    removed = False
    for sub in (folder, folder / PARTS):
        with contextlib.suppress(OSError):
            for entry in os.scandir(sub):
                rel = entry.name if sub == folder else f"{PARTS}/{entry.name}"
                if is_temp_name(entry.name) or (
                        entry.is_file() and not entry.name.startswith(MANIFEST)
                        and rel not in keep):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed = True
    if removed:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
