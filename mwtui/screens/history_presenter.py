"""What the Verlauf (history) screen shows, worked out without Textual.

One :class:`BatchRow` per batch of every kind (WEBFAKT commits, customer and article
imports, contacts and orders from the accounting tools), newest first, and the lines of a
batch's report: its counts, errors and what happened per item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.jobs import count_line, status_word
from mwtui.importers.accounting.report import item_lines
from mwtui.screens.history_seen import look
from mwtui.workspace.batches import can_undo, list_batches
from mwtui.workspace.models import INTEGRATION_LABELS

KIND_WORDS: dict[str, str] = {
    "webfakt": N_("WEBFAKT services"),
    "contacts": N_("Contacts"),
    "orders": N_("Orders"),
    "articles": N_("Articles"),
    "customers": N_("Customers"),
    "undo": N_("Undo"),
}


#: Counts of WEBFAKT and catalogue batches in words (``{n}`` is the formatted count).
COUNT_WORDS: dict[str, str] = {
    "rows": N_("rows {n}"),
    "accepted": N_("accepted {n}"),
    "committed": N_("committed {n}"),
    "rejected": N_("rejected {n}"),
    "already_imported": N_("already imported {n}"),
    "created": N_("created {n}"),
    "updated": N_("updated {n}"),
    "unchanged": N_("unchanged {n}"),
    "removed": N_("removed {n}"),
    "restored": N_("restored {n}"),
    "refused": N_("not undone {n}"),
}


#: Where a batch was run from (the audit trail's ``origin``).
ORIGIN_WORDS: dict[str, str] = {
    "tui": N_("in the app"), "cli": N_("command line"), "sync": N_("unattended sync")}


@dataclass(frozen=True)
class BatchRow:
    """One batch in the list: id, what, from where, when, how it ended, the counts."""

    batch_id: str
    kind: str
    what: str
    source: str
    when: str
    status: str
    counts: str
    undo_refusal: str | None = None  # why undo is not possible (the core's sentence)
    new: bool = False  # arrived since the operator last looked at the Verlauf

    def line(self) -> str:
        """``01.12.2026 08:02  Aufträge  lexware Office  abgeschlossen``, then the counts;
        a batch that arrived since the last look starts with ``● new`` (a word, not a colour)."""
        mark = _("● new") + "  " if self.new else ""
        return (f"{mark}{self.when}  {self.what} · {self.source} · {self.status}\n"
                f"    {self.counts}")


def _counts_text(doc: dict[str, Any]) -> str:
    counts = {k: v for k, v in (doc.get("counts") or {}).items() if isinstance(v, int)}
    if doc.get("kind") in ("contacts", "orders"):
        if doc.get("kind") == "contacts":
            counts.pop("attachments_added", None)
        return count_line(counts)
    return ", ".join(
        (_(COUNT_WORDS[key]) if key in COUNT_WORDS else key + " {n}").format(
            n=fmt.count(value)) for key, value in counts.items())


def batch_row(doc: dict[str, Any], new: bool = False) -> BatchRow:
    kind = str(doc.get("kind", ""))
    source = str(doc.get("source", ""))
    return BatchRow(
        str(doc.get("batch_id", "")), kind,
        _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind,
        INTEGRATION_LABELS.get(source, source),
        fmt.datetime_(doc.get("created")) if doc.get("created") else "-",
        status_word(str(doc.get("status", ""))), _counts_text(doc), can_undo(doc), new)


def batch_rows(snapshot: Any, place: str | None = None,
               keep: frozenset[str] = frozenset()) -> list[BatchRow]:
    """All batches of all kinds, newest first. With ``place`` (the workspace's) the
    operator looks now: batches new since the last look, and those in ``keep``, are marked."""
    docs = [doc for _doc_id, doc in list_batches(snapshot)]
    new = set(keep)
    if place is not None:
        new |= look(place, [(str(d.get("batch_id", "")), str(d.get("created", "")))
                            for d in docs])
    return [batch_row(doc, str(doc.get("batch_id", "")) in new) for doc in docs]


def report_lines(doc: dict[str, Any]) -> list[str]:
    """A batch's report: header, counts, errors and what happened per item."""
    row = batch_row(doc)
    lines = [_("Batch {batch}").format(batch=row.batch_id),
             f"{row.when}  {row.what} · {row.source} · {row.status}", row.counts]
    details = doc.get("details") or {}
    if doc.get("user") or doc.get("origin"):
        lines.append(_("Run by {user} ({origin})").format(
            user=doc.get("user") or "-", origin=_(ORIGIN_WORDS.get(
                str(doc.get("origin")), str(doc.get("origin") or "-")))))
    if details.get("undid"):
        lines.append(_("Undoes batch {batch}").format(batch=details["undid"]))
    if doc.get("undone_by"):
        lines.append(_("Undone by batch {batch}").format(batch=doc["undone_by"]))
    if details.get("error"):
        lines.append(_("Error: {error}").format(error=details["error"]))
    items = list(doc.get("items") or [])
    if items:
        lines.append("")
        lines.append(_("What happened, per item:"))
        lines.extend(item_lines(items, int(doc.get("items_omitted") or 0)))
    else:
        errors = list(doc.get("errors") or [])
        for error in errors:
            lines.append(_("{number}: failed: {detail}").format(
                number=error.get("external_id") or error.get("line") or "-",
                detail=error.get("error") or error.get("reason") or ""))
        if not errors:
            lines.append(_("No per-item report was kept for this batch."))
    return lines
