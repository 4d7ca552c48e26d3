"""The message the app sends to its screens when another process changed the workspace.

A screen that shows workspace data handles it by reloading in its worker, keeping filter
and cursor: ``def on_workspace_changed(self, _message: WorkspaceChanged) -> None: ...``.
"""

from __future__ import annotations

from textual.message import Message


class WorkspaceChanged(Message):
    """The workspace file was written (by anyone); reload what you show."""

    bubble = False
