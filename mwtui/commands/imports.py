"""``mwtui import contacts|orders --from sevdesk|bexio|lexware``: the sync engine headless."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from mwtui.importers.accounting.jobs import KIND_LABELS
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIOD_LABELS, PERIODS
from mwtui.workspace.errors import UsageError
from mwtui.workspace.models import INTEGRATION_LABELS, INTEGRATIONS
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
    c.set_defaults(func=run_import)
    o = what.add_parser("orders", help="import orders as activities")
    _common(o)
    o.add_argument("--period", required=True, choices=PERIODS,
                   help="orders created today, this week (Monday to today), this month, or all")
    o.add_argument("--kind", choices=ORDER_KINDS, default="orderconfirmation",
                   help="lexware Office only: order confirmations (default) or quotations")
    o.set_defaults(func=run_import)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="source", required=True, choices=INTEGRATIONS,
                   help="the accounting tool to read from")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--sandbox", action="store_true",
                   help="read from the built-in sandbox (fictional data, no account needed)")


def _previous_sandbox_imports(snapshot: Any, source: str) -> int:
    return sum(1 for _, d in snapshot.items("batches")
               if d.get("kind") == "orders" and d.get("source") == source
               and (d.get("details") or {}).get("sandbox") and d.get("status") == "done")


def _client(ctx, source: str, sandbox: bool):
    if sandbox:
        from mwtui.demo.sandbox import demo_state, sandbox_client

        previous = _previous_sandbox_imports(ctx.workspace.snapshot(), source)
        return sandbox_client(source, ctx.config, demo_state(source, previous))
    from mwtui.importers.accounting.clients import make_client

    return make_client(source, ctx.config)


def run_import(ctx) -> int:
    from mwtui.importers.accounting.sync import import_contacts, import_orders

    args = ctx.args
    kind = getattr(args, "kind", None)
    if args.what == "orders" and kind == "quotation" and args.source != "lexware":
        raise UsageError("--kind quotation is only available for lexware Office; "
                         "sevDesk and bexio import order confirmations.")
    workspace = ctx.workspace
    client = _client(ctx, args.source, args.sandbox)
    details = {"sandbox": True} if args.sandbox else None
    cancel = threading.Event()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            if args.what == "contacts":
                box["result"] = import_contacts(workspace, client, cancel=cancel,
                                                details=details)
            else:
                box["result"] = import_orders(workspace, client, args.period, kind,
                                              cancel=cancel, tz=ctx.config.timezone,
                                              details=details)
        except BaseException as err:  # re-raised in the main thread
            box["error"] = err

    worker = threading.Thread(target=work, name="mwtui-import", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        print("mwtui: cancelling after the current item ...", file=sys.stderr)
        worker.join()
    finally:
        client.close()
    if "error" in box:
        raise box["error"]
    result = box["result"]
    if args.json:
        data = result.to_json()
        if args.sandbox:
            data["sandbox"] = True
        ctx.out(json.dumps(data, ensure_ascii=False))
    else:
        _print_text(ctx, result, args.sandbox)
    return 0 if result.status == "done" and not result.failed else 1


def _print_text(ctx, result, sandbox: bool) -> None:
    label = INTEGRATION_LABELS.get(result.integration, result.integration)
    if sandbox:
        label += " (sandbox)"
    scope = "contacts"
    if result.what == "orders":
        scope = f"orders {PERIOD_LABELS.get(result.period or '', result.period)}"
        if result.integration == "lexware":
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
