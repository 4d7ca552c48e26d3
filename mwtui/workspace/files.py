"""Safe file writes for the workspace: new files with O_EXCL + fsync, atomic replace, JSON.

Everything here raises ``StoreError`` with one sentence for the operator on an OS error.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

try:  # about 8x faster than the json module
    import orjson
except ImportError:  # pragma: no cover - a declared dependency; the json module still works
    orjson = None  # type: ignore[assignment]

from mwtui.workspace.errors import StoreError


def describe_os_error(err: OSError, path: Path, action: str) -> str:
    """One sentence for a failed file operation, with what to do."""
    if err.errno == errno.ENOSPC:
        return f"Could not {action} {path}: the disk is full. Free some space and try again."
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"Could not {action} {path}: the workspace is read-only (permission denied). "
            "Check the folder's permissions or open another workspace with --db."
        )
    return f"Could not {action} {path}: {err.strerror or err}. Check the disk and try again."


def dump_bytes(data: Any) -> bytes:
    """``data`` as compact UTF-8 JSON (orjson; what it refuses goes through json)."""
    if orjson is not None:
        try:
            return orjson.dumps(data)
        except TypeError:
            pass
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing: millions of new objects, none
    of them garbage, would make it walk them again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_bytes(raw: bytes) -> Any:
    """Parse JSON bytes. Raises ``json.JSONDecodeError`` or ``UnicodeDecodeError``."""
    with gc_paused():
        if orjson is not None:
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass
        return json.loads(raw)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, chunks: Iterable[bytes]) -> None:
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def temp_name(path: Path) -> Path:
    """An unpredictable hidden name next to ``path`` for a temp file (128 random bits)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(16)}.tmp")


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is a temp file made by :func:`temp_name` (left by a killed write)."""
    return name.startswith(".") and name.endswith(".tmp")


def write_new(path: Path, chunks: Iterable[bytes], mode: int = 0o600) -> None:
    """Create ``path`` (it must not exist; a symlink there is refused), give it ``mode``
    (umask aside), write ``chunks``, fsync. On failure the file is removed and
    ``StoreError`` raised."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "write")) from err
    try:
        try:
            if mode != 0o600:
                os.fchmod(fd, mode)
            _write_all(fd, chunks)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        with contextlib.suppress(OSError):
            path.unlink()
        raise StoreError(describe_os_error(err, path, "write")) from err


def synced_file(path: Path) -> None:
    """fsync a file written by someone else (e.g. polars)."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        raise StoreError(describe_os_error(err, path, "write")) from err


def file_mode(path: Path, default: int = 0o600) -> int:
    """The permission bits of ``path`` (``default`` when it is missing), so that a
    replacement keeps a group-shared mode such as 0660."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return default


def replace_atomically(path: Path, payload: bytes, shown: Path | None = None,
                       mode: int = 0o600) -> None:
    """Write ``payload`` to a temp file next to ``path``, fsync, ``os.replace``, fsync the
    folder: readers see the old or the new file, never a part."""
    tmp = temp_name(path)
    write_new(tmp, [payload], mode)
    try:
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(describe_os_error(err, shown or path, "write")) from err
