"""The per-item import report in words: one line per item, for the dialog, the CLI and
the Verlauf screen (one piece of code for all three).

Values are shown the operator's way (amounts and dates through :mod:`mwtui.i18n.formats`);
the stored report keeps them ISO and English-keyed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.workspace.models import ItemReport

#: Field names of the report in words (activities and customers).
FIELD_WORDS: dict[str, str] = {
    "number": N_("number"),
    "title": N_("title"),
    "status": N_("status"),
    "kind": N_("kind"),
    "created": N_("created on"),
    "valid_from": N_("valid from"),
    "net_amount": N_("net amount"),
    "gross_amount": N_("gross amount"),
    "currency": N_("currency"),
    "missing_at_source": N_("gone at the source"),
    "customer": N_("customer"),
    "name": N_("name"),
    "street": N_("street"),
    "zip": N_("postcode"),
    "city": N_("city"),
    "country": N_("country"),
    "email": N_("email"),
    "phone": N_("phone"),
}
AMOUNT_FIELDS = frozenset({"net_amount", "gross_amount"})
DATE_FIELDS = frozenset({"created", "valid_from"})
#: One line per action; ``{number}`` is the record, ``{detail}`` what changed.
ACTION_LINES: dict[str, str] = {
    "created": N_("{number}: created"),
    "updated": N_("{number}: updated: {detail}"),
    "relinked": N_("{number}: relinked: {detail}"),
    "notes_added": N_("{number}: delivery notes added: {detail}"),
    "gone": N_("{number}: gone at the source (flagged, kept)"),
    "failed": N_("{number}: failed: {detail}"),
    "removed": N_("{number}: removed (undo)"),
    "restored": N_("{number}: restored to before the import (undo)"),
    "refused": N_("{number}: not undone: {detail}"),
}
ACTION_WORDS: dict[str, str] = {
    "created": N_("created"),
    "updated": N_("updated"),
    "relinked": N_("relinked"),
    "notes_added": N_("delivery notes added"),
    "gone": N_("gone at the source"),
    "failed": N_("failed"),
    "removed": N_("removed"),
    "restored": N_("restored"),
    "refused": N_("not undone"),
}


def value_text(name: str, value: Any) -> str:
    """One old or new value, formatted the operator's way (``–`` for none)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in AMOUNT_FIELDS:
        return fmt.decimal(value, 2)
    if name in DATE_FIELDS:
        return fmt.datetime_(value) if "T" in str(value) else fmt.date(value)
    return str(value)


def change_text(name: str, old: Any, new: Any) -> str:
    """``title: Heizung -> Heizung tauschen``."""
    return _("{field}: {old} -> {new}").format(
        field=_(FIELD_WORDS.get(name, name)), old=value_text(name, old),
        new=value_text(name, new))


def item_line(item: ItemReport) -> str:
    """What happened to one item, in one line (not yet display-safe)."""
    changes = [change_text(k, *[*list(v), None, None][:2]) for k, v in item.changes.items()
               if k != "missing_at_source" or item.action != "gone"]
    if item.action == "relinked":  # the customer first: that is the news
        changes.sort(key=lambda text: not text.startswith(_("customer")))
    detail = "; ".join(changes)
    if item.action == "notes_added":
        detail = ", ".join(item.attachments_added)
    elif item.action == "failed":
        detail = item.error
    elif item.attachments_added:
        notes = _("delivery notes {names}").format(names=", ".join(item.attachments_added))
        detail = f"{detail}; {notes}" if detail else notes
    template = ACTION_LINES.get(item.action, "{number}: {detail}")
    line = _(template).format(number=item.number or item.external_id, detail=detail)
    if item.action == "created" and detail:
        line = f"{line}; {detail}"
    return line


def undo_line(item: dict[str, Any]) -> str:
    """One record of an undo: removed, restored, or refused with the reason (its msgid and
    fields are stored, so it reads in the operator's language)."""
    detail = ""
    if item.get("reason"):
        fields = {k: str(v) for k, v in (item.get("fields") or {}).items()}
        try:
            detail = _(str(item["reason"])).format(**fields)
        except (KeyError, IndexError, ValueError):
            detail = str(item["reason"])
    template = ACTION_LINES.get(str(item.get("action")), "{number}: {detail}")
    number = item.get("number") or item.get("external_id") or item.get("record") or "-"
    return _(template).format(number=number, detail=detail)


def refusal_text(item: dict[str, Any]) -> str:
    """``AB-1101: not undone: changed later ...`` for a refused record."""
    return undo_line(item)


def item_lines(items: Iterable[ItemReport | dict[str, Any]], omitted: int = 0) -> list[str]:
    """The report's lines; ``omitted`` entries beyond the stored ones are counted."""
    lines = [undo_line(i) if isinstance(i, dict) and "reason" in i else
             item_line(i if isinstance(i, ItemReport) else ItemReport.from_json(i))
             for i in items]
    if omitted:
        lines.append(_("... and {n} more items (not stored)").format(n=fmt.count(omitted)))
    return lines
