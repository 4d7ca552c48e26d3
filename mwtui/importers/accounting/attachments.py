"""Writing delivery-note PDFs into the workspace's attachments folder, safely.

File names are made by mwtui (``<sha256>.pdf``); remote names are metadata only. Writes go
through a directory file descriptor opened with ``O_NOFOLLOW``: the file is created under a
random temporary name with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and renamed into place inside the
same folder, so a symbolic link planted in the folder is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.models import Attachment, now_iso

MAX_PDF_BYTES = 25 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class AttachmentRefused(MwtuiError):
    """The bytes are not a PDF, too large, or the folder is unsafe."""


def pdf_problem(content: object, max_bytes: int = MAX_PDF_BYTES) -> str | None:
    """Why ``content`` is not an acceptable PDF ("not_bytes", "too_large", "not_pdf"), or None.

    The one check used by the API clients (on download) and by ``store_pdf`` (on write).
    """
    if not isinstance(content, bytes | bytearray):
        return "not_bytes"
    if len(content) > max_bytes:
        return "too_large"
    if not bytes(content[: len(PDF_MAGIC)]).startswith(PDF_MAGIC):
        return "not_pdf"
    return None


def check_pdf(content: bytes, max_bytes: int = MAX_PDF_BYTES) -> None:
    """Refuse anything that is not a PDF or exceeds the size cap."""
    problem = pdf_problem(content, max_bytes)
    if problem == "not_bytes":
        raise AttachmentRefused("The delivery note download was not a file; it was skipped.")
    if problem == "too_large":
        raise AttachmentRefused(
            f"The delivery note is {len(content) // 1024} KiB, over the limit of "
            f"{max_bytes // 1024} KiB; it was not stored."
        )
    if problem == "not_pdf":
        raise AttachmentRefused("The delivery note download is not a PDF; it was not stored.")


def _open_dir(folder: Path) -> int:
    """Create the folder if needed and open it without following a symlink."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as err:
        raise AttachmentRefused(f"Cannot create the attachments folder {folder}: "
                                f"{err.strerror}.") from err
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as err:
        raise AttachmentRefused(
            f"The attachments folder {folder} is a symbolic link or not a folder; "
            "refusing to write there. Replace it with a real folder."
        ) from err


def store_pdf(
    folder: Path,
    content: bytes,
    *,
    remote_name: str = "",
    external_id: str = "",
    number: str = "",
    max_bytes: int = MAX_PDF_BYTES,
) -> Attachment:
    """Write ``content`` as ``<sha256>.pdf`` inside ``folder`` and return its metadata."""
    check_pdf(content, max_bytes)
    digest = hashlib.sha256(content).hexdigest()
    name = f"{digest}.pdf"  # only hex digits and ".pdf": nothing from the remote side
    dir_fd = _open_dir(folder)
    # the pid lets the next open remove it if this process is killed (recovery.py)
    tmp = f".{digest[:16]}.{os.getpid()}.{secrets.token_hex(16)}.tmp"
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                         dir_fd=dir_fd)
        except OSError as err:
            raise AttachmentRefused(f"Cannot write into {folder}: {err.strerror}.") from err
        try:
            view = memoryview(bytes(content))
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as err:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dir_fd)
            raise AttachmentRefused(f"Cannot write into {folder}: {err.strerror}.") from err
        os.close(fd)
        # rename() replaces a planted symlink named like the target instead of following it
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    path = folder / name
    real_folder = folder.resolve()
    if path.resolve().parent != real_folder or path.is_symlink():
        raise AttachmentRefused(f"Refusing an attachment path outside {folder}.")
    return Attachment(
        name=name,
        path=str(real_folder / name),
        size=len(content),
        sha256=digest,
        remote_name=str(remote_name)[:500],
        external_id=str(external_id),
        number=str(number)[:200],
        added=now_iso(),
    )
