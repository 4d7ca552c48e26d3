"""Activity rows for screens: built once from a snapshot, then filtered and sorted fast.

No Textual here. :func:`activity_rows` does the expensive part once (joins customer and type
names, precomputes lower-case haystacks and sort keys); :class:`ActivityIndex` then answers
"filter by these words and this source, sorted by that column" with list comprehensions over
a cached sort order, and :class:`ActivityView` hands the visible window to a table widget.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mwtui.models import INTEGRATION_LABELS, SOURCE_BADGES
from mwtui.store import Snapshot

# Source filter cycle: None = all sources.
SOURCE_FILTERS: tuple[str | None, ...] = (None, "sevdesk", "bexio", "lexware", "webfakt",
                                          "manual")
# Sortable columns: key -> label.
SORT_COLUMNS: dict[str, str] = {
    "created": "created",
    "number": "number",
    "title": "title",
    "customer": "customer",
    "type": "type",
    "source": "source",
    "attachments": "attachments",
}


def source_label(source: str | None) -> str:
    """"all" or the integration's name, e.g. "sevDesk"."""
    if source is None:
        return "all"
    return INTEGRATION_LABELS.get(source, source)


def _created_display(value: Any) -> str:
    """``2026-11-02T09:00:00+01:00`` -> ``2026-11-02 09:00`` (local time as stored)."""
    text = str(value or "")
    if len(text) >= 16 and text[10] == "T":
        return text[:10] + " " + text[11:16]
    return text[:16]


@dataclass(slots=True)
class ActivityRow:
    """One activity as shown in the table."""

    id: int
    source: str
    badge: str
    number: str
    title: str
    customer: str
    type_name: str
    created: str
    attachments: int
    missing: bool
    haystack: str  # lower-case number, title and customer name

    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        return (self.badge, self.number, self.title, self.customer, self.type_name,
                self.created, str(self.attachments) if self.attachments else "")


def activity_rows(snapshot: Snapshot) -> list[ActivityRow]:
    """Every activity of the snapshot as a row (id order)."""
    customers = snapshot.raw("customers")
    names = {key: str(doc.get("name", "")) for key, doc in customers.items()}
    types = {key: str(doc.get("name", "")) for key, doc in snapshot.raw("activity_types").items()}
    rows: list[ActivityRow] = []
    append = rows.append
    for key, doc in snapshot.raw("activities").items():
        customer_id = doc.get("customer_id")
        customer = names.get(str(customer_id), "") if customer_id is not None else ""
        type_id = doc.get("type_id")
        type_name = types.get(str(type_id), "") if type_id is not None else ""
        source = str(doc.get("source") or "manual")
        number = str(doc.get("number", ""))
        title = str(doc.get("title", ""))
        append(ActivityRow(
            id=int(key),
            source=source,
            badge=SOURCE_BADGES.get(source, "[??]"),
            number=number,
            title=title,
            customer=customer,
            type_name=type_name,
            created=_created_display(doc.get("created")),
            attachments=len(doc.get("attachments") or ()),
            missing=bool(doc.get("missing_at_source", False)),
            haystack=f"{number}\n{title}\n{customer}".lower(),
        ))
    return rows


def _sort_key(column: str) -> Any:
    if column == "created":
        return lambda r: (r.created, r.id)
    if column == "number":
        return lambda r: (r.number.lower(), r.id)
    if column == "title":
        return lambda r: (r.title.lower(), r.id)
    if column == "customer":
        return lambda r: (r.customer.lower(), r.id)
    if column == "type":
        return lambda r: (r.type_name.lower(), r.id)
    if column == "source":
        return lambda r: (r.source, r.id)
    if column == "attachments":
        return lambda r: (r.attachments, r.id)
    raise ValueError(f"unknown sort column {column!r}")


class ActivityIndex:
    """All rows plus cached sort orders; :meth:`query` gives the visible rows."""

    def __init__(self, rows: list[ActivityRow]) -> None:
        self.rows = rows
        self._orders: dict[str, list[int]] = {}
        self._last: tuple[tuple[str, ...], str | None, str, bool, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def order(self, column: str) -> list[int]:
        """Row positions sorted ascending by ``column`` (computed once per column)."""
        cached = self._orders.get(column)
        if cached is None:
            key = _sort_key(column)
            rows = self.rows
            cached = sorted(range(len(rows)), key=lambda i: key(rows[i]))
            self._orders[column] = cached
        return cached

    def query(self, text: str = "", source: str | None = None, sort: str = "created",
              descending: bool = True) -> list[int]:
        """Positions of rows matching every word of ``text`` and ``source``, sorted.

        Typing one more character only re-checks the rows of the previous answer.
        """
        words = tuple(sorted(set(text.lower().split())))
        base: list[int] | None = None
        if self._last is not None:
            last_words, last_source, last_sort, last_desc, last_result = self._last
            if (last_source == source and last_sort == sort and last_desc == descending
                    and _narrows(last_words, words)):
                base = last_result
        if base is None:
            base = self.order(sort)
            if descending:
                base = base[::-1]
            if source is not None:
                rows = self.rows
                base = [i for i in base if rows[i].source == source]
        result = base
        if words:
            rows = self.rows
            if len(words) == 1:
                word = words[0]
                result = [i for i in base if word in rows[i].haystack]
            else:
                result = [i for i in base if all(w in rows[i].haystack for w in words)]
        self._last = (words, source, sort, descending, result)
        return result


def _narrows(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether every row matching ``new`` also matches ``old`` (each old word is inside a
    new word), so filtering the old answer is enough."""
    return all(any(o in n for n in new) for o in old)


class ActivityView:
    """A table source (``__len__``, ``rows``, ``row_style``) over a query result."""

    def __init__(self, index: ActivityIndex, positions: list[int]) -> None:
        self.index = index
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def row_at(self, visible: int) -> ActivityRow | None:
        if 0 <= visible < len(self.positions):
            return self.index.rows[self.positions[visible]]
        return None

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        rows = self.index.rows
        return [rows[i].cells() for i in self.positions[start:stop]]

    def row_style(self, visible: int) -> str | None:
        row = self.row_at(visible)
        return "warning" if row is not None and row.missing else None


# -- detail ------------------------------------------------------------------------------
@dataclass
class AttachmentInfo:
    """An attachment with its file on disk."""

    name: str
    path: str
    size: int
    remote_name: str
    exists: bool


@dataclass
class ActivityDetail:
    """What the detail view shows about one activity."""

    id: int
    number: str
    title: str
    source: str
    customer_lines: list[str]
    fields: list[tuple[str, str]]
    local: list[tuple[str, str]]
    attachments: list[AttachmentInfo] = field(default_factory=list)


def format_size(size: int) -> str:
    """``2048`` -> ``2.0 KB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _attachment_path(doc: dict[str, Any], attachments_dir: os.PathLike[str] | str | None) -> str:
    """The file's path: inside the attachments folder by mwtui's own name when known."""
    name = str(doc.get("name") or "")
    if attachments_dir is not None and name and os.path.basename(name) == name \
            and name not in (".", ".."):
        return os.path.join(os.fspath(attachments_dir), name)
    return str(doc.get("path") or "")


def activity_detail(snapshot: Snapshot, activity_id: int,
                    attachments_dir: os.PathLike[str] | str | None = None) -> ActivityDetail | None:
    """Customer, fields, local fields and attachments of one activity (None if gone)."""
    doc = snapshot.get("activities", activity_id)
    if doc is None:
        return None
    customer = snapshot.get("customers", doc.get("customer_id"))
    if customer:
        customer_lines = [
            f"{customer.get('name', '')}  (No. {customer.get('number', '') or '-'})",
            ", ".join(x for x in (
                str(customer.get("street", "")),
                f"{customer.get('zip', '')} {customer.get('city', '')}".strip(),
            ) if x),
            "  ".join(x for x in (str(customer.get("email", "")),
                                  str(customer.get("phone", ""))) if x),
        ]
        customer_lines = [line for line in customer_lines if line]
    else:
        customer_lines = ["(no customer assigned)"]
    type_doc = snapshot.get("activity_types", doc.get("type_id")) or {}
    source = str(doc.get("source") or "manual")
    fields: list[tuple[str, str]] = [
        ("Source", f"{SOURCE_BADGES.get(source, '[??]')} {INTEGRATION_LABELS.get(source, source)}"
                   + (f" #{doc['external_id']}" if doc.get("external_id") else "")),
        ("Type", str(type_doc.get("name", "-"))),
        ("Kind", str(doc.get("kind") or "-")),
        ("Status", str(doc.get("status") or "-")),
        ("Created", str(doc.get("created") or "-")),
        ("Valid from", str(doc.get("valid_from") or "-")),
        ("Net", _amount(doc.get("net_amount"), doc.get("currency"))),
        ("Gross", _amount(doc.get("gross_amount"), doc.get("currency"))),
        ("Imported", str(doc.get("imported") or "-")),
        ("Updated", str(doc.get("updated") or "-")),
        ("Batch", str(doc.get("batch") or "-")),
    ]
    if doc.get("missing_at_source"):
        fields.append(("Warning", "no longer found at the source (kept, not deleted)"))
    local = [(str(k), str(v)) for k, v in (doc.get("local") or {}).items()]
    attachments = []
    for att in doc.get("attachments") or ():
        path = _attachment_path(att, attachments_dir)
        attachments.append(AttachmentInfo(
            name=str(att.get("name", "")),
            path=path,
            size=int(att.get("size") or 0),
            remote_name=str(att.get("remote_name", "")),
            exists=bool(path) and os.path.isfile(path),
        ))
    return ActivityDetail(
        id=activity_id,
        number=str(doc.get("number", "")),
        title=str(doc.get("title", "")),
        source=source,
        customer_lines=customer_lines,
        fields=fields,
        local=local,
        attachments=attachments,
    )


def _amount(value: Any, currency: Any) -> str:
    if value in (None, ""):
        return "-"
    return f"{value} {currency or ''}".strip()
