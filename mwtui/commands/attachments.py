"""``mwtui attachments export``: save an activity's delivery notes under readable names."""

from __future__ import annotations

import argparse
import sys

from mwtui.commands.record_output import write_json_array
from mwtui.i18n import _, formats, ngettext
from mwtui.workspace.attachment_export import ExportError, export_activity
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("attachments", help=_("delivery notes of activities"),
                       description=_("Work with the PDF attachments of activities."))
    actions = p.add_subparsers(dest="attachments_command", metavar="ACTION", required=True)
    e = actions.add_parser(
        "export", help=_("save an activity's PDFs under their readable names"),
        description=_("Save every PDF of one activity under its readable name (LI-1042.pdf; "
                      "an existing file is kept and the new one is numbered). With --json: "
                      "an array of name, path, size, sha256."))
    e.add_argument("number", metavar="ACTIVITY_NUMBER", help=_("the activity's number"))
    e.add_argument("--to", metavar="DIR", default=".",
                   help=_("folder to save into (default: the current folder)"))
    e.add_argument("--json", action="store_true", help=_("JSON array instead of text"))
    e.set_defaults(func=run_export)


def run_export(ctx) -> int:
    workspace = ctx.workspace
    try:
        saved = export_activity(workspace.snapshot(), workspace.attachments_dir,
                                ctx.args.number, ctx.args.to)
    except ExportError as err:
        print(f"mwtui: {err.text(_)}", file=sys.stderr)
        return 1
    if ctx.args.json:
        write_json_array((f.to_json() for f in saved), sys.stdout)
        return 0
    ctx.out(ngettext("Saved {n} file:", "Saved {n} files:", len(saved))
            .format(n=formats.count(len(saved))))
    for f in saved:
        ctx.out(safe_text(f"  {f.path}  ({formats.count(f.size)} B)", one_line=True))
    return 0
