"""Since when the source can have changed: the start of the last successful orders import.

An orders import lists every order (so that orders deleted at the source are flagged) but
asks the source for delivery notes only where something can be new: notes changed since the
previous run that ended well began (or since the newest change that run listed, if earlier:
the source's clock), less :data:`OVERLAP`.
The marker is read from the workspace's batch records, never written separately, so a dry
run (which writes to a scratch copy) and a cancelled, failed or interrupted run do not move
it, and undoing a run takes its marker back with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from mwtui.workspace.store import Snapshot

#: How far before the previous run's start changes are asked for again.
OVERLAP = timedelta(minutes=5)


def parse_moment(value: Any) -> datetime | None:
    """An ISO timestamp with its offset (None for anything else)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def newest_change(markers: Iterable[str | None]) -> str | None:
    """The newest of the listed change markers, by the source's own clock (ISO)."""
    moments = [m for m in map(parse_moment, markers) if m is not None]
    return max(moments).isoformat() if moments else None


def _bound(doc: dict[str, Any]) -> datetime | None:
    """Where a run's marker lies: its start (our clock), or the newest change it listed
    (the source's clock) when that is earlier, so a computer clock running ahead of the
    source's cannot hide a change."""
    started = parse_moment(doc.get("created"))
    seen = parse_moment((doc.get("details") or {}).get("newest_change"))
    if started is None or seen is None:
        return started
    return min(started, seen)


def _succeeded(doc: dict[str, Any], integration: str, kind: str, period: str) -> bool:
    """A run whose notes lookup covered every order this run lists: an orders import of
    the same integration and kind, over the same period or all, done without a failed
    item (a failed note would otherwise never be asked for again)."""
    details = doc.get("details") or {}
    counts = doc.get("counts") or {}
    return (doc.get("kind") == "orders" and doc.get("source") == integration
            and doc.get("status") == "done" and not details.get("dry_run")
            and details.get("kind") == kind and details.get("period") in (period, "all")
            and not doc.get("errors") and not counts.get("failed"))


def changed_since(batches: Iterable[dict[str, Any]], integration: str, kind: str,
                  period: str) -> datetime | None:
    """The newest successful run's marker less :data:`OVERLAP` (None: there is none).
    ``batches`` come in record order: of runs started in the same second the later wins."""
    runs = [(started, order, doc) for order, doc in enumerate(batches)
            if _succeeded(doc, integration, kind, period)
            and (started := parse_moment(doc.get("created"))) is not None]
    if not runs:
        return None
    bound = _bound(max(runs, key=lambda run: run[:2])[2])
    return bound - OVERLAP if bound is not None else None


def snapshot_since(snapshot: Snapshot, integration: str, kind: str,
                   period: str) -> datetime | None:
    """:func:`changed_since` over the batch records of a workspace snapshot."""
    records = sorted(snapshot.items("batches"), key=lambda item: item[0])
    return changed_since((doc for _id, doc in records), integration, kind, period)
