"""``mwtui import contacts|orders --from sevdesk|bexio|lexware``: the import job headless."""

from __future__ import annotations

import argparse
import json
import sys

from mwtui.i18n import _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.jobs import (
    capabilities,
    kind_label,
    label_of,
    period_label,
    status_word,
)
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIODS
from mwtui.importers.accounting.report import item_lines
from mwtui.workspace.errors import UsageError
from mwtui.workspace.models import INTEGRATIONS
from mwtui.workspace.text import safe_text

ITEMS_SHOWN = 200  # item lines printed by the human output (--json has them all)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help=_("import contacts or orders from sevDesk, bexio or lexware Office"),
        description=_("Import contacts (as customers) or orders (as activities in the default "
                      "type, with delivery notes as PDF attachments). Re-running is safe: "
                      "records are matched by their ids at the source. Ctrl-C cancels "
                      "cleanly."))
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True,
                            parser_class=type(p))
    c = what.add_parser("contacts", help=_("import customer contacts as customers"))
    _common(c)
    c.set_defaults(func=run_import_command)
    o = what.add_parser("orders", help=_("import orders as activities"))
    _common(o)
    o.add_argument("--period", required=True, choices=PERIODS,
                   help=_("orders created today, this week (Monday to today), this month, "
                          "or all"))
    o.add_argument("--kind", choices=ORDER_KINDS, default="orderconfirmation",
                   help=_("lexware Office only: order confirmations (default) or quotations"))
    o.set_defaults(func=run_import_command)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="source", required=True, choices=INTEGRATIONS,
                   help=_("the accounting tool to read from"))
    p.add_argument("--json", action="store_true",
                   help=_("print the result as one JSON object (with an items array)"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("read as a real import would and list what would happen per "
                          "item; nothing is written"))
    p.add_argument("--sandbox", action="store_true",
                   help=_("read from the built-in sandbox (fictional data, no account "
                          "needed)"))


def run_import_command(ctx) -> int:
    from mwtui.importers.accounting.jobs import (
        ImportJob,
        ImportRequest,
        SandboxClients,
        default_factory,
    )

    args = ctx.args
    if args.what == "orders" and args.kind not in capabilities(args.source).order_kinds:
        offering = [n for n in INTEGRATIONS if args.kind in capabilities(n).order_kinds]
        raise UsageError(_(
            "--kind {kind} is only available for {offering}; {others} import {default}."
        ).format(kind=args.kind, offering=" / ".join(label_of(n) for n in offering),
                 others=" / ".join(label_of(n) for n in INTEGRATIONS if n not in offering),
                 default=kind_label("orderconfirmation")))
    if args.what == "orders":
        request = ImportRequest("orders", args.source, args.period, args.kind)
        tz = ctx.config.timezone
    else:
        request, tz = ImportRequest("contacts", args.source), None
    factory = (SandboxClients(ctx.config, ctx.workspace) if args.sandbox
               else default_factory(ctx.config, demo=False))
    job = ImportJob(request, factory, ctx.workspace, tz=tz, dry_run=args.dry_run,
                    details={"sandbox": True} if args.sandbox else None)
    job.start()
    result = job.wait(on_interrupt=lambda: print(
        _("mwtui: cancelling after the current item ..."), file=sys.stderr)).result
    if args.json:
        data = result.to_json()
        if args.sandbox:
            data["sandbox"] = True
        if args.dry_run:
            data.update(batch=None, dry_run=True)
        ctx.out(json.dumps(data, ensure_ascii=False))
    else:
        if args.dry_run:
            ctx.out(_("Dry run: nothing was written. This is what the import would do:"))
        _print_text(ctx, result, args.sandbox, args.dry_run)
    return 0 if result.status == "done" and not result.failed else 1


def _print_text(ctx, result, sandbox: bool, dry_run: bool = False) -> None:
    label = label_of(result.integration)
    if sandbox:
        label = _("{label} (sandbox)").format(label=label)
    scope = _("contacts")
    if result.what == "orders":
        scope = _("orders {period}").format(period=period_label(result.period))
        if len(capabilities(result.integration).order_kinds) > 1:
            scope = f"{scope}, {kind_label(result.kind or '')}"
    counts = _("{created} created, {updated} updated, {unchanged} unchanged").format(
        created=fmt.count(result.created), updated=fmt.count(result.updated),
        unchanged=fmt.count(result.unchanged))
    if result.what == "orders":
        counts += _(", {n} attachments added").format(n=fmt.count(result.attachments_added))
        if result.missing_at_source:
            counts += _(", {n} flagged missing at the source").format(
                n=fmt.count(result.missing_at_source))
        if result.customers_created:
            counts += _(", {n} customers created").format(n=fmt.count(result.customers_created))
    counts += _(", {n} failed").format(n=fmt.count(len(result.failed)))
    status = "" if result.status == "done" else f" [{status_word(result.status).upper()}]"
    if dry_run:
        line = _("{label} {scope}: {counts} (dry run)").format(
            label=label, scope=scope, counts=counts)
    else:
        line = _("{label} {scope}: {counts}; batch {batch}").format(
            label=label, scope=scope, counts=counts, batch=result.batch_id)
    ctx.out(safe_text(line + status, one_line=True))
    if result.notice:
        ctx.out(safe_text(result.notice, one_line=True))
    if result.changed_since:
        ctx.out(safe_text(_("Delivery notes: only those changed since {moment} were asked for "
                            "(the last complete import, less 5 minutes).").format(
            moment=fmt.datetime_(result.changed_since)), one_line=True))
    if result.error:
        ctx.out(safe_text(_("error: {error}").format(error=result.error), one_line=True))
    lines = item_lines(result.items[:ITEMS_SHOWN])
    for line in lines:
        ctx.out("  " + safe_text(line, one_line=True))
    if len(result.items) > ITEMS_SHOWN:
        ctx.out("  " + _("... and {n} more items (see --json)").format(
            n=fmt.count(len(result.items) - ITEMS_SHOWN)))
