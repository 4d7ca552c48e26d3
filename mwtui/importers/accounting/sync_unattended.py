"""Unattended sync (``mwtui sync``, for cron): contacts then orders for each integration.

One integration after another, each import a batch of its own (origin ``sync``). A second
sync while one is still running does not wait: :func:`sync_lock` refuses at once, so cron
runs never pile up. Every write still goes through the workspace lock, and requests
through the clients' shared rate limits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mwtui.importers.accounting.jobs import ImportRequest, run_import
from mwtui.importers.accounting.protocol import AccountingClient
from mwtui.importers.accounting.sync_run import SyncResult
from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.models import set_origin
from mwtui.workspace.store import Workspace

EXIT_DONE, EXIT_FAILED, EXIT_BUSY = 0, 1, 3


class SyncBusy(MwtuiError):
    """Another sync of this workspace is still running."""


@contextlib.contextmanager
def sync_lock(workspace: Workspace) -> Iterator[None]:
    """Hold the sync lock (``<workspace>.sync.lock``) or raise :class:`SyncBusy` at once."""
    path = workspace.path.with_name(workspace.path.name + ".sync.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy("Another mwtui sync of this workspace is still running; this "
                           "one stops without importing.") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class SyncRunReport:
    """What one unattended sync did: one import result per integration and kind."""

    results: list[SyncResult] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # integration-level failures

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status == "done" and not r.failed
                                       for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {"status": "done" if self.ok else "failed",
                "imports": [r.to_json() for r in self.results], "errors": self.errors}


def run_sync(workspace: Workspace, factory: Callable[[str], AccountingClient],
             integrations: list[str], period: str = "all", *, tz: Any = None,
             details: dict[str, Any] | None = None) -> SyncRunReport:
    """Contacts then orders for each integration in turn, under the sync lock (raises
    :class:`SyncBusy` when another sync runs). Batches are recorded with origin ``sync``."""
    report = SyncRunReport()
    with sync_lock(workspace):
        set_origin("sync")
        for name in integrations:
            try:
                client = factory(name)
            except Exception as err:  # no token, bad config: this integration only
                report.errors.append({"integration": name, "error": str(err)})
                continue
            for request in (ImportRequest("contacts", name),
                            ImportRequest("orders", name, period)):  # type: ignore[arg-type]
                result = run_import(workspace, client, request, tz=tz, details=details)
                report.results.append(result)
    return report
