"""Which batches the operator has already seen in the Verlauf, kept per workspace.

A small JSON file in the user cache folder, named by a hash of the workspace's place
(never by a string from a server): the newest batch time seen and the ids seen near it.
A batch counts as seen when its id is listed or it is older than that window, so the file
stays small however many batches a workspace collects.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

WINDOW = timedelta(days=2)
"""Batches this much older than the newest seen are taken as seen without their id."""


def seen_path(workspace_place: str) -> Path:
    digest = hashlib.sha256(workspace_place.encode("utf-8")).hexdigest()[:24]
    return Path(platformdirs.user_cache_dir("mwtui")) / "seen" / f"{digest}.json"


def _when(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()


def read_seen(path: Path) -> dict[str, Any] | None:
    """The stored mark, or None when the operator never looked (or the file is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("ids"), list) else None


def unseen(batches: list[tuple[str, str]], mark: dict[str, Any] | None) -> set[str]:
    """Ids of ``(batch_id, created)`` pairs that arrived since ``mark``; none on a first look."""
    if mark is None:
        return set()
    ids = set(map(str, mark["ids"]))
    newest = _when(mark.get("newest"))
    cutoff = newest - WINDOW if newest else None
    fresh = set()
    for batch_id, created in batches:
        when = _when(created)
        if batch_id in ids or (cutoff and when and when < cutoff):
            continue
        fresh.add(batch_id)
    return fresh


def mark_of(batches: list[tuple[str, str]]) -> dict[str, Any]:
    """The mark for having seen all of ``batches``: the newest time and the ids near it."""
    times = [t for t in (_when(created) for _id, created in batches) if t is not None]
    newest = max(times) if times else None
    cutoff = newest - WINDOW if newest else None
    ids = [b for b, created in batches
           if cutoff is None or (w := _when(created)) is None or w >= cutoff]
    return {"newest": newest.isoformat() if newest else None, "ids": ids}


def write_seen(path: Path, mark: dict[str, Any]) -> None:
    """Write the mark atomically; a cache folder that cannot be written is not an error."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(mark), encoding="utf-8")
        os.replace(tmp, path)


def look(workspace_place: str, batches: list[tuple[str, str]]) -> set[str]:
    """The operator looks now: the ids new since the last look; the mark moves to now."""
    path = seen_path(workspace_place)
    fresh = unseen(batches, read_seen(path))
    write_seen(path, mark_of(batches))
    return fresh
