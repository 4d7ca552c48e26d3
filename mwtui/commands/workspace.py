"""``mwtui workspace migrate`` (single file to folder) and ``mwtui workspace restore``
(the newest intact manifest backup back in place)."""

from __future__ import annotations

import argparse
import sys

from mwtui.commands.common import write_json
from mwtui.i18n import _, ngettext
from mwtui.i18n import formats as fmt
from mwtui.workspace.migrate import backup_path
from mwtui.workspace.problems import Problem
from mwtui.workspace.store import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace", help="workspace maintenance",
                       description="Maintenance of the workspace folder.")
    inner = p.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    m = inner.add_parser("migrate", help=_("convert a single-file workspace (kept as backup)"),
                         description=_("Convert a workspace of the old single-file format "
                                       "into the folder layout. The old file is kept as "
                                       "<name>.v1.bak. mwtui also does this on first open."))
    m.add_argument("--json", action="store_true", help=_("JSON result"))
    m.set_defaults(func=run_migrate)
    r = inner.add_parser("restore", help=_("put the newest intact backup of the workspace "
                                           "back in place"),
                         description=_("Restore a workspace whose manifest was deleted or "
                                       "damaged from its newest intact backup "
                                       "(MANIFEST.bak.1 to .3). An intact workspace is "
                                       "left alone."))
    r.add_argument("--json", action="store_true", help=_("JSON result"))
    r.set_defaults(func=run_restore)
    register_copy(inner)


def run_restore(ctx) -> int:  # type: ignore[no-untyped-def]
    """Restore the newest intact backup; say which one."""
    from mwtui.workspace.config import workspace_path

    ws = Workspace(workspace_path(ctx.args.db))
    try:
        used = ws.restore()
    except Problem as err:
        print(f"mwtui: {err.text(_)}", file=sys.stderr)
        return 1
    customers = ws.snapshot().count("customers")
    if ctx.args.json:
        write_json({"workspace": str(ws.path), "restored_from": str(used),
                    "customers": customers})
    else:
        held = ngettext("{n} customer", "{n} customers", customers).format(
            n=fmt.count(customers))
        ctx.out(_("Workspace {path} restored from {backup} ({held}).").format(
            path=ws.path, backup=used.name, held=held))
    return 0



def register_copy(inner: argparse._SubParsersAction) -> None:
    c = inner.add_parser("copy", help=_("copy a workspace into a new or empty one"),
                         description=_("Copy every table, batch and attachment from SOURCE "
                                       "into TARGET (a folder path or a postgresql:// URL), "
                                       "then verify counts and hashes. TARGET must be empty."))
    c.add_argument("--from", dest="source", required=True, metavar="SOURCE",
                   help=_("the workspace to copy (path or postgresql:// URL)"))
    c.add_argument("--to", dest="target", required=True, metavar="TARGET",
                   help=_("the new or empty workspace (path or postgresql:// URL)"))
    c.add_argument("--json", action="store_true", help=_("JSON result"))
    c.set_defaults(func=run_copy)


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


def run_copy(ctx) -> int:  # type: ignore[no-untyped-def]
    """Copy SOURCE into TARGET and say what was verified (URLs shown without password)."""
    from mwtui.workspace.backends import copy_workspace, open_workspace, workspace_target
    from mwtui.workspace.problems import Problem

    source = open_workspace(workspace_target(ctx.args.source), create=False)
    target = open_workspace(workspace_target(ctx.args.target))
    try:
        figures = copy_workspace(source, target)
    except Problem as err:
        print(f"mwtui: {err.text(_)}", file=sys.stderr)
        return 1
    counts = {name: count for name, (count, _digest) in figures.items()}
    if ctx.args.json:
        write_json({"from": str(source.path), "to": str(target.path), "counts": counts,
                    "verified": True})
        return 0
    ctx.out(_("Copied {source} to {target}; counts and hashes match.")
            .format(source=source.path, target=target.path))
    for name, count in counts.items():
        ctx.out(f"  {name}: {count}")
    return 0
