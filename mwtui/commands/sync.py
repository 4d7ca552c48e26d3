"""``mwtui sync``: contacts then orders for every configured integration, for cron.

Exit codes: 0 everything imported, 1 something failed, 3 another sync is still running.
"""

from __future__ import annotations

import argparse
import json
import sys

from mwtui.i18n import _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.protocol import PERIODS
from mwtui.workspace.models import INTEGRATIONS
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help=_("import contacts and orders unattended (for cron)"),
                       description=_(
        "Import contacts, then orders, for every integration with a token (or the named "
        "ones), one after another. Exit 0: all done; 1: something failed; 3: another sync "
        "is still running."))
    p.add_argument("--integration", action="append", choices=INTEGRATIONS, default=None,
                   help=_("only this integration (may be repeated)"))
    p.add_argument("--period", choices=PERIODS, default="all",
                   help=_("which orders, by creation date (default: all)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object"))
    p.add_argument("--sandbox", action="store_true",
                   help=_("read from the built-in sandbox (fictional data, no account "
                          "needed)"))
    p.set_defaults(func=run_sync_command)


def run_sync_command(ctx) -> int:
    from mwtui.importers.accounting.jobs import (
        SandboxClients,
        default_factory,
        label_of,
        token_state,
    )
    from mwtui.importers.accounting.sync_unattended import (
        EXIT_BUSY,
        EXIT_DONE,
        EXIT_FAILED,
        SyncBusy,
        run_sync,
    )

    args = ctx.args
    names = args.integration or [n for n in INTEGRATIONS
                                 if args.sandbox or token_state(ctx.config, n).is_set]
    factory = (SandboxClients(ctx.config, ctx.workspace) if args.sandbox
               else default_factory(ctx.config, demo=False))
    try:
        report = run_sync(ctx.workspace, factory, names, args.period, tz=ctx.config.timezone,
                          details={"sandbox": True} if args.sandbox else None)
    except SyncBusy:
        print(_("mwtui: another sync of this workspace is still running; this one stops "
                "without importing."), file=sys.stderr)
        return EXIT_BUSY
    if args.json:
        ctx.out(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        if not names:
            ctx.out(_("No integration has a token; nothing to sync."))
        for result in report.results:
            ctx.out(safe_text(_("{label} {what}: {created} created, {updated} updated, "
                                "{failed} failed ({status})").format(
                label=label_of(result.integration), what=_(result.what),
                created=fmt.count(result.created), updated=fmt.count(result.updated),
                failed=fmt.count(len(result.failed)), status=_(result.status)), one_line=True))
        for error in report.errors:
            ctx.out(safe_text(f"{label_of(error['integration'])}: {error['error']}",
                              one_line=True))
    return EXIT_DONE if report.ok else EXIT_FAILED
