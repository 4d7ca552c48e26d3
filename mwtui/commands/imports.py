"""``mwtui import contacts|orders --from sevdesk|bexio|lexware``: the import job headless."""

from __future__ import annotations

import argparse
import json
import sys

from mwtui.importers.accounting.jobs import KIND_LABELS, capabilities, label_of, period_label
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIODS
from mwtui.workspace.errors import UsageError
from mwtui.workspace.models import INTEGRATIONS
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import contacts or orders from sevDesk, bexio or lexware Office",
        description="Import contacts (as customers) or orders (as activities in the default "
        "type, with delivery notes as PDF attachments). Re-running is safe: records are "
        "matched by their ids at the source. Ctrl-C cancels cleanly.")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True,
                            parser_class=type(p))
    c = what.add_parser("contacts", help="import customer contacts as customers")
    _common(c)
    c.set_defaults(func=run_import_command)
    o = what.add_parser("orders", help="import orders as activities")
    _common(o)
    o.add_argument("--period", required=True, choices=PERIODS,
                   help="orders created today, this week (Monday to today), this month, or all")
    o.add_argument("--kind", choices=ORDER_KINDS, default="orderconfirmation",
                   help="lexware Office only: order confirmations (default) or quotations")
    o.set_defaults(func=run_import_command)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="source", required=True, choices=INTEGRATIONS,
                   help="the accounting tool to read from")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--sandbox", action="store_true",
                   help="read from the built-in sandbox (fictional data, no account needed)")


def run_import_command(ctx) -> int:
    from mwtui.importers.accounting.jobs import (
        ImportJob,
        ImportRequest,
        SandboxClients,
        capabilities,
        default_factory,
    )

    args = ctx.args
    if args.what == "orders" and args.kind not in capabilities(args.source).order_kinds:
        offering = [n for n in INTEGRATIONS if args.kind in capabilities(n).order_kinds]
        raise UsageError(
            f"--kind {args.kind} is only available for "
            f"{' and '.join(label_of(n) for n in offering)}; "
            f"{' and '.join(label_of(n) for n in INTEGRATIONS if n not in offering)} "
            f"import {KIND_LABELS['orderconfirmation']}.")
    if args.what == "orders":
        request = ImportRequest("orders", args.source, args.period, args.kind)
        tz = ctx.config.timezone
    else:
        request, tz = ImportRequest("contacts", args.source), None
    factory = (SandboxClients(ctx.config, ctx.workspace) if args.sandbox
               else default_factory(ctx.config, demo=False))
    job = ImportJob(request, factory, ctx.workspace, tz=tz,
                    details={"sandbox": True} if args.sandbox else None)
    job.start()
    result = job.wait(on_interrupt=lambda: print(
        "mwtui: cancelling after the current item ...", file=sys.stderr)).result
    if args.json:
        data = result.to_json()
        if args.sandbox:
            data["sandbox"] = True
        ctx.out(json.dumps(data, ensure_ascii=False))
    else:
        _print_text(ctx, result, args.sandbox)
    return 0 if result.status == "done" and not result.failed else 1


def _print_text(ctx, result, sandbox: bool) -> None:
    label = label_of(result.integration)
    if sandbox:
        label += " (sandbox)"
    scope = "contacts"
    if result.what == "orders":
        scope = f"orders {period_label(result.period)}"
        if len(capabilities(result.integration).order_kinds) > 1:
            scope += f", {KIND_LABELS.get(result.kind or '', result.kind)}"
    counts = (f"{result.created} created, {result.updated} updated, "
              f"{result.unchanged} unchanged")
    if result.what == "orders":
        counts += f", {result.attachments_added} attachments added"
        if result.missing_at_source:
            counts += f", {result.missing_at_source} flagged missing at the source"
        if result.customers_created:
            counts += f", {result.customers_created} customers created"
    counts += f", {len(result.failed)} failed"
    status = "" if result.status == "done" else f" [{result.status.upper()}]"
    ctx.out(safe_text(f"{label} {scope}: {counts}; batch {result.batch_id}{status}",
                      one_line=True))
    if result.notice:
        ctx.out(safe_text(result.notice, one_line=True))
    if result.error:
        ctx.out(safe_text(f"error: {result.error}", one_line=True))
    for item in result.failed:
        ctx.out(safe_text(f"  failed {item.external_id}: {item.error}", one_line=True))
