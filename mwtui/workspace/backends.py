"""Which store a workspace target names: a ``postgresql://`` URL or a folder path.

``--db`` beats ``MWTUI_DB`` beats ``db = "..."`` in the config beats the default folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mwtui.workspace.postgres.schema import is_database_url, redact_url

__all__ = ["is_database_url", "open_workspace", "redact_url", "workspace_target"]


def workspace_target(cli_value: str | None = None, config_db: str | None = None) -> str | Path:
    """The workspace to open: a database URL (str) or a folder path."""
    from mwtui.workspace.config import default_workspace_path

    for value in (cli_value, os.environ.get("MWTUI_DB"), config_db):
        if value:
            return value if is_database_url(value) else Path(value).expanduser()
    return default_workspace_path()


def open_workspace(target: str | Path, create: bool = True) -> Any:
    """Open the workspace ``target`` names, on PostgreSQL or in a folder."""
    if is_database_url(str(target)):
        from mwtui.workspace.postgres.store import PgWorkspace

        return PgWorkspace.open(str(target), create=create)
    from mwtui.workspace.store import Workspace

    return Workspace.open(target, create=create)
