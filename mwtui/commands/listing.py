"""``mwtui list``, ``mwtui batches`` and ``mwtui undo``: a table for people (in the
operator's language and formats) or ``--json`` (ISO, English keys, the same in every
language)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from mwtui.commands.record_output import LIST_KINDS, iter_records, write_json_array
from mwtui.i18n import N_, _, ngettext
from mwtui.i18n import formats as fmt
from mwtui.workspace.batches import list_batches, undo_batch
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help=_("print workspace records"), description=_(
        "Print customers, activities, services, articles or batches. With --json: a JSON "
        "array with the keys in the README."))
    p.add_argument("kind", choices=LIST_KINDS, help=_("what to print"))
    p.add_argument("--json", action="store_true", help=_("JSON array instead of a table"))
    p.set_defaults(func=run_list)

    p = sub.add_parser("batches", help=_("list import batches, newest first"), description=_(
        "List import batches (WEBFAKT commits and API imports)."))
    p.add_argument("--json", action="store_true", help=_("JSON array"))
    p.set_defaults(func=run_batches)

    p = sub.add_parser("undo", help=_("remove the records of one WEBFAKT batch"),
                       description=_("Remove exactly the records committed by one batch."))
    p.add_argument("batch", help=_("batch id, see `mwtui batches`"))
    p.add_argument("--json", action="store_true", help=_("JSON result"))
    p.set_defaults(func=run_undo)


HEADINGS: dict[str, str] = {
    "id": N_("ID"), "number": N_("Number"), "name": N_("Name"), "city": N_("City"),
    "source": N_("Source"), "title": N_("Title"), "customer_id": N_("Customer ID"),
    "customer_number": N_("Customer no."), "service": N_("Service"),
    "cycle": N_("Billing cycle"), "amount": N_("Amount"), "batch": N_("Batch"),
    "price": N_("Price"), "kind": N_("Kind"), "created": N_("Created"),
    "status": N_("Status"),
}
WORDS: dict[str, str] = {
    # batch kinds, states and count names as stored (shown translated, kept in --json)
    "done": N_("done"), "undone": N_("undone"), "failed": N_("failed"),
    "cancelled": N_("cancelled"), "rows": N_("rows"), "accepted": N_("accepted"),
    "rejected": N_("rejected"), "created": N_("created"), "updated": N_("updated"),
    "unchanged": N_("unchanged"),
}

_TEXT_COLUMNS = {
    "customers": ("id", "number", "name", "city"),
    "activities": ("id", "number", "source", "title", "customer_id"),
    "services": ("id", "customer_number", "service", "cycle", "amount", "batch"),
    "articles": ("number", "name", "price"),
    "batches": ("id", "kind", "source", "created", "status"),
}
_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "amount": lambda v: fmt.money(v),
    "price": lambda v: fmt.money(v),
    "created": lambda v: fmt.datetime_(v) if v else "",
    "status": lambda v: word(v),
}


def word(value: object) -> str:
    """A stored English word (status, count name) in the operator's language."""
    text = "" if value is None else str(value)
    return _(WORDS[text]) if text in WORDS else text


def cell(column: str, value: object) -> str:
    """One value as a person reads it: formatted, on one line, control characters gone."""
    shown = _FORMATTERS[column](value) if column in _FORMATTERS else (
        "" if value is None else str(value))
    return safe_text(shown, one_line=True)


def run_list(ctx) -> int:
    records = iter_records(ctx.workspace.snapshot(), ctx.args.kind)
    if ctx.args.json:
        write_json_array(records, sys.stdout)
        return 0
    columns = _TEXT_COLUMNS[ctx.args.kind]
    ctx.out("\t".join(_(HEADINGS[c]) for c in columns))
    for record in records:
        ctx.out("\t".join(cell(c, record.get(c, "")) for c in columns))
    return 0


def batch_line(b: dict[str, Any]) -> str:
    """One batch for people: id, kind, state, time, source and counts."""
    counts = ", ".join(f"{word(k)} {fmt.count(v) if isinstance(v, int) else v}"
                       for k, v in b["counts"].items())
    return safe_text(f"{b['id']}  {b['kind']!s:<9} {word(b['status']):<9} "
                     f"{cell('created', b['created'])}  {b['source']}  {counts}",
                     one_line=True)


def run_batches(ctx) -> int:
    from mwtui.commands.record_output import batch_json

    batches = [batch_json(i, d) for i, d in list_batches(ctx.workspace.snapshot())]
    if ctx.args.json:
        write_json_array(iter(batches), sys.stdout)
        return 0
    if not batches:
        ctx.out(_("No batches yet."))
    for b in batches:
        ctx.out(batch_line(b))
    return 0


def run_undo(ctx) -> int:
    from mwtui.importers.accounting.report import refusal_text

    result = undo_batch(ctx.workspace, ctx.args.batch)
    if ctx.args.json:
        ctx.out(json.dumps({"batch": result.batch_id, "removed": result.removed,
                            "restored": result.restored, "refused": result.refused,
                            "undo_batch": result.undo_batch or None}))
        return 0
    total = sum(result.removed.values())
    ctx.out(ngettext("Undid batch {batch}: removed {n} record.",
                     "Undid batch {batch}: removed {n} records.", total).format(
                         batch=result.batch_id, n=fmt.count(total)))
    if result.restored or result.refused:
        ctx.out(_("Restored {restored}, not undone {refused}.").format(
            restored=fmt.count(sum(result.restored.values())),
            refused=fmt.count(len(result.refused))))
    for item in result.refused:
        ctx.out(safe_text(refusal_text(item), one_line=True))
    return 0
