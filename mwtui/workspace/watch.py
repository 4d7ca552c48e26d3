"""Notice changes another process made to the workspace file (cheap: one ``stat``)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal, Protocol

Change = Literal["changed", "vanished", "back"]


class _Watched(Protocol):
    def change_marker(self) -> Hashable | None: ...


class WorkspaceWatcher:
    """Compares the workspace's change marker with the last one seen.

    ``poll()`` returns ``"changed"`` once per committed write, ``"vanished"`` once when the
    file disappears, ``"back"`` when it reappears, and ``None`` otherwise.
    """

    def __init__(self, workspace: _Watched) -> None:
        self._workspace = workspace
        self._last = self._marker()

    def _marker(self) -> Hashable | None:
        try:
            return self._workspace.change_marker()
        except OSError:  # unreadable folder: treated like a missing file
            return None

    def poll(self) -> Change | None:
        marker = self._marker()
        last, self._last = self._last, marker
        if marker == last:
            return None
        if marker is None:
            return "vanished"
        return "back" if last is None else "changed"
