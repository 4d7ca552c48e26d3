"""Saving delivery notes under their readable names (``LI-1042.pdf``) into a chosen folder.

The one function behind the activity detail (save) and ``mwtui attachments export``.
The remote name is reduced to a safe base name (no folders, no control characters, no
leading dots, ``.pdf`` at the end) before it becomes a path; an existing file is never
overwritten (``LI-1042 (2).pdf``), and the file is created with ``O_EXCL | O_NOFOLLOW``
so a planted symbolic link is not followed.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mwtui.workspace.problems import N_, Problem
from mwtui.workspace.store import Snapshot

MAX_NAME = 120
_UNSAFE_CHARS = re.compile(r'[<>:"|?*\\/]')



class ExportError(Problem):
    """Saving failed; ``template`` is an English msgid with ``fields`` to fill in."""


NO_ACTIVITY = N_("No activity with the number {number}.")
NO_ATTACHMENTS = N_("Activity {number} has no attachments.")
NO_FOLDER = N_("The folder {folder} does not exist or is not a folder.")
CANNOT_READ = N_("Cannot read the stored file {path}: {reason}.")
CANNOT_WRITE = N_("Cannot write into {folder}: {reason}.")


@dataclass(frozen=True)
class ExportedFile:
    """One saved file: its readable name, absolute path, size and SHA-256."""

    name: str
    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "path": self.path, "size": self.size,
                "sha256": self.sha256}


def safe_file_name(remote_name: object, fallback: str = "") -> str:
    """A base name that is safe to create in any folder: ``../../etc/passwd`` ->
    ``passwd.pdf``; empty or unusable names give ``fallback`` (or ``attachment.pdf``)."""
    text = unicodedata.normalize("NFC", "" if remote_name is None else str(remote_name))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch
                   for ch in text)
    text = _UNSAFE_CHARS.sub("_", " ".join(text.split())).lstrip(". ").rstrip(". ")
    stem = text[:-4] if text.lower().endswith(".pdf") else text
    stem = stem[: MAX_NAME - 4].rstrip(". ")
    if not stem:
        return safe_file_name(fallback) if fallback else "attachment.pdf"
    return stem + ".pdf"


def stored_file(att: dict[str, Any], attachments_dir: os.PathLike[str] | str | None) -> str:
    """The attachment's file: inside the attachments folder by mwtui's own name when that
    name is a plain base name, else the stored path (never a path built from a remote name)."""
    name = str(att.get("name") or "")
    if attachments_dir is not None and name and os.path.basename(name) == name \
            and name not in (".", ".."):
        return os.path.join(os.fspath(attachments_dir), name)
    return str(att.get("path") or "")


def readable_name(att: dict[str, Any]) -> str:
    """``LI-1042.pdf`` from the remote name, else the document number, else mwtui's name."""
    fallback = str(att.get("number") or "") or str(att.get("name") or "")
    return safe_file_name(att.get("remote_name"), fallback)


def _numbered(name: str, n: int) -> str:
    stem = name[:-4]
    return name if n == 1 else f"{stem} ({n}).pdf"


def _write_new(dir_fd: int, name: str, content: bytes, folder: Path) -> str:
    """Create ``name`` (or ``name (2)`` ...) inside the open folder; returns the name used."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    for n in range(1, 10_000):
        candidate = _numbered(name, n)
        try:
            fd = os.open(candidate, flags, 0o644, dir_fd=dir_fd)
        except FileExistsError:
            continue
        except OSError as err:
            raise ExportError(CANNOT_WRITE, folder=folder, reason=err.strerror) from err
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        except OSError as err:
            os.unlink(candidate, dir_fd=dir_fd)
            raise ExportError(CANNOT_WRITE, folder=folder, reason=err.strerror) from err
        return candidate
    raise ExportError(CANNOT_WRITE, folder=folder, reason="too many files with this name")


def export_file(source: os.PathLike[str] | str, name: str,
                folder: os.PathLike[str] | str) -> ExportedFile:
    """Copy ``source`` into ``folder`` as the safe form of ``name`` (numbered if taken)."""
    target = Path(folder).expanduser()
    try:
        content = Path(source).read_bytes()
    except OSError as err:
        raise ExportError(CANNOT_READ, path=source, reason=err.strerror or err) from err
    try:
        dir_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise ExportError(NO_FOLDER, folder=target) from err
    try:
        used = _write_new(dir_fd, safe_file_name(name), content, target)
    finally:
        os.close(dir_fd)
    return ExportedFile(used, str((target / used).absolute()), len(content),
                        hashlib.sha256(content).hexdigest())


def find_activity(snapshot: Snapshot, number: str) -> tuple[int, dict[str, Any]]:
    """The activity with this number (the first by id if several share it)."""
    for doc_id, doc in sorted(snapshot.items("activities"), key=lambda item: item[0]):
        if str(doc.get("number", "")) == number:
            return doc_id, doc
    raise ExportError(NO_ACTIVITY, number=number)


def export_activity(snapshot: Snapshot, attachments_dir: os.PathLike[str] | str | None,
                    number: str, folder: os.PathLike[str] | str) -> list[ExportedFile]:
    """Save every attachment of activity ``number`` into ``folder``."""
    _doc_id, doc = find_activity(snapshot, number)
    attachments = list(doc.get("attachments") or ())
    if not attachments:
        raise ExportError(NO_ATTACHMENTS, number=number)
    return [export_file(stored_file(att, attachments_dir), readable_name(att), folder)
            for att in attachments]
