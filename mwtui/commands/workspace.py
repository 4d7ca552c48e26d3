"""``mwtui workspace migrate``: convert a single-file workspace into the folder layout."""

from __future__ import annotations

import argparse

from mwtui.commands.common import write_json
from mwtui.i18n import _
from mwtui.workspace.migrate import backup_path
from mwtui.workspace.store import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace", help="workspace maintenance",
                       description="Maintenance of the workspace folder.")
    inner = p.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    m = inner.add_parser("migrate", help="convert a single-file workspace (kept as backup)",
                         description="Convert a workspace of the old single-file format into "
                         "the folder layout. The old file is kept as <name>.v1.bak. mwtui "
                         "also does this on first open.")
    m.add_argument("--json", action="store_true", help="JSON result")
    m.set_defaults(func=run_migrate)


def run_migrate(ctx) -> int:  # type: ignore[no-untyped-def]
    """Migrate (or finish an interrupted migration); say what happened."""
    from mwtui.workspace.config import workspace_path

    ws = Workspace(workspace_path(ctx.args.db))
    pending = ws.path.is_file() or (not ws.path.exists() and backup_path(ws.path).is_file())
    ws = Workspace.open(ws.path, create=False)  # migrates under the lock
    backup = backup_path(ws.path)
    if ctx.args.json:
        write_json({"workspace": str(ws.path), "migrated": pending,
                    "backup": str(backup) if backup.exists() else None})
    elif pending:
        ctx.out(_("Workspace {path} migrated to the folder layout; the old file is kept as "
                  "{backup}.").format(path=ws.path, backup=backup))
    else:
        ctx.out(_("Workspace {path} already uses the folder layout; nothing to do.")
                .format(path=ws.path))
    return 0
