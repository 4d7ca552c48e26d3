"""``mwtui list``, ``mwtui batches`` and ``mwtui undo``."""

from __future__ import annotations

import argparse
import json
import sys

from mwtui.commands.record_output import LIST_KINDS, iter_records, write_json_array
from mwtui.workspace.batches import list_batches, undo_batch
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="print workspace records",
                       description="Print customers, activities, services, articles or "
                       "batches. With --json: a JSON array with the keys in the README.")
    p.add_argument("kind", choices=LIST_KINDS)
    p.add_argument("--json", action="store_true", help="JSON array instead of a table")
    p.set_defaults(func=run_list)

    p = sub.add_parser("batches", help="list import batches, newest first",
                       description="List import batches (WEBFAKT commits and API imports).")
    p.add_argument("--json", action="store_true", help="JSON array")
    p.set_defaults(func=run_batches)

    p = sub.add_parser("undo", help="remove the records of one WEBFAKT batch",
                       description="Remove exactly the records committed by one batch.")
    p.add_argument("batch", help="batch id, see `mwtui batches`")
    p.add_argument("--json", action="store_true", help="JSON result")
    p.set_defaults(func=run_undo)


_TEXT_COLUMNS = {
    "customers": ("id", "number", "name", "city"),
    "activities": ("id", "number", "source", "title", "customer_id"),
    "services": ("id", "customer_number", "service", "cycle", "amount", "batch"),
    "articles": ("number", "name", "price"),
    "batches": ("id", "kind", "source", "created", "status"),
}


def run_list(ctx) -> int:
    records = iter_records(ctx.workspace.snapshot(), ctx.args.kind)
    if ctx.args.json:
        write_json_array(records, sys.stdout)
        return 0
    columns = _TEXT_COLUMNS[ctx.args.kind]
    ctx.out("\t".join(columns))
    for record in records:
        ctx.out("\t".join(safe_text(record.get(c, ""), one_line=True) for c in columns))
    return 0


def run_batches(ctx) -> int:
    from mwtui.commands.record_output import batch_json

    batches = [batch_json(i, d) for i, d in list_batches(ctx.workspace.snapshot())]
    if ctx.args.json:
        write_json_array(iter(batches), sys.stdout)
        return 0
    if not batches:
        ctx.out("No batches yet.")
    for b in batches:
        counts = ", ".join(f"{k} {v}" for k, v in b["counts"].items())
        ctx.out(safe_text(f"{b['id']}  {b['kind']:<9} {b['status']:<9} {b['created']}  "
                          f"{b['source']}  {counts}", one_line=True))
    return 0


def run_undo(ctx) -> int:
    result = undo_batch(ctx.workspace, ctx.args.batch)
    if ctx.args.json:
        ctx.out(json.dumps({"batch": result.batch_id, "removed": result.removed}))
    else:
        total = sum(result.removed.values())
        ctx.out(f"Undid batch {result.batch_id}: removed {total} record(s).")
    return 0
