"""Which process runs a batch, and whether it is still alive (for "interrupted")."""

from __future__ import annotations

import os
import socket
from typing import Any


def _proc_stat(pid: int) -> list[bytes]:
    """The fields of ``/proc/<pid>/stat`` after the name (Linux); empty where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _start_ticks(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot); tells a reused pid from the
    original process. None where unknown."""
    fields = _proc_stat(pid)
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def current() -> dict[str, Any]:
    """This process: host, pid and start time."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "start": _start_ticks(pid)}


def pid_gone(pid: int) -> bool:
    """Whether no process ``pid`` exists on this host (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: alive, another user's
        return False
    fields = _proc_stat(pid)
    return bool(fields) and fields[0] in (b"Z", b"X")


def is_dead(owner: Any) -> bool:
    """Whether the process ``owner`` (from :func:`current`) has certainly ended. A process
    on another host, or an unknown owner, is not declared dead."""
    if not isinstance(owner, dict) or owner.get("host") != socket.gethostname():
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid_gone(pid):
        return True
    started = owner.get("start")
    return started is not None and started != _start_ticks(pid)
