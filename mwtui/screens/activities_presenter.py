"""Activity rows for screens: built once from a snapshot, then filtered and sorted fast.

No Textual here. :class:`ActivityIndex` does the expensive part once (joins customer and
type names, precomputes lower-case haystacks and sort keys, see :meth:`ActivityIndex.warm`),
then answers "filter by these words and this source, sorted by that column" with list
comprehensions over a cached sort order, and :class:`ActivityView` hands the visible window
to a table widget. :func:`activity_detail` builds what the detail screen shows.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from mwtui.i18n import N_, _, formats
from mwtui.i18n.sorting import din5007_key
from mwtui.workspace.attachment_export import readable_name, stored_file
from mwtui.workspace.models import INTEGRATION_LABELS, SOURCE_BADGES
from mwtui.workspace.store import Snapshot

# Source filter cycle: None = all sources.
SOURCE_FILTERS: tuple[str | None, ...] = (None, "sevdesk", "bexio", "lexware", "webfakt",
                                          "manual")
# Sortable columns: key -> label (a msgid; translate where shown).
SORT_COLUMNS: dict[str, str] = {
    "created": N_("created"),
    "number": N_("number"),
    "title": N_("title"),
    "customer": N_("customer"),
    "type": N_("type"),
    "source": N_("source"),
    "attachments": N_("attachments"),
}
_TEXT_SORTS = ("number", "title", "customer", "type")
# What an order is (``kind``), as the operator says it.
KIND_LABELS: dict[str, str] = {
    "orderconfirmation": N_("Order confirmation"),
    "quotation": N_("Quote"),
    "order": N_("Order"),
    "delivery_note": N_("Delivery note"),
}
# Leading words of source titles that only repeat what the document is ("Auftragsbestätigung
# AB-1118"): dropped in the table, where the number has its own column.
_KIND_PREFIXES = ("auftragsbestätigung", "order confirmation", "angebot", "quotation",
                  "quote", "lieferschein", "delivery note")
_SEPARATORS = " -–:#/"


def source_label(source: str | None) -> str:
    """"all" or the integration's name, e.g. "sevDesk"."""
    if source is None:
        return _("all")
    return INTEGRATION_LABELS.get(source, source)


def kind_label(kind: str) -> str:
    """``orderconfirmation`` -> "Order confirmation" in the operator's language."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def display_title(title: str, number: str) -> str:
    """The part of a title that tells activities apart (the number has its own column):
    ``Auftragsbestätigung AB-1120 - Bad`` -> ``Bad``, ``Angebot AN-7: Dach`` -> ``Dach``,
    ``Auftragsbestätigung AB-1118`` -> ``Auftragsbestätigung``; other titles stay."""
    text = title.strip()
    lower = text.casefold()
    for prefix in _KIND_PREFIXES:
        if lower.startswith(prefix) and (len(text) == len(prefix)
                                         or text[len(prefix)] in _SEPARATORS):
            rest = text[len(prefix):].lstrip(_SEPARATORS)
            break
    else:
        return title
    if number and rest.casefold().startswith(number.casefold()):
        rest = rest[len(number):].lstrip(_SEPARATORS)
    return rest or text[:len(prefix)]


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

    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        return (self.badge, self.number, self.title, self.customer, self.type_name,
                self.created, str(self.attachments) if self.attachments else "")


def _names(snapshot: Snapshot, table: str) -> dict[str, str]:
    """``{"<id>": name}`` of customers or activity types."""
    return {key: str(doc.get("name", "")) for key, doc in snapshot.raw(table).items()}


def _lookup(names: dict[str, str], doc_id: object) -> str:
    return names.get(str(doc_id), "") if doc_id is not None else ""


def make_row(doc_id: int, doc: dict[str, Any], customer: str, type_name: str,
             attachments: int) -> ActivityRow:
    """The table row of one activity (the full index and the stored page share it)."""
    source = str(doc.get("source") or "manual")
    number = str(doc.get("number", ""))
    return ActivityRow(doc_id, source, SOURCE_BADGES.get(source, "[??]"), number,
                       display_title(str(doc.get("title", "")), number), customer, type_name,
                       formats.date(doc.get("created")), attachments,
                       bool(doc.get("missing_at_source", False)))


def warm_formats() -> None:
    """Load the locale data rows and the status line format with (Babel reads it from disk
    on first use): call from the worker, so the UI thread never waits for it."""
    formats.count(1000)
    formats.date("2026-01-01")


class ActivityPage:
    """The stored first page of the list (default sort: created, newest first) with the
    total count, shown until the :class:`ActivityIndex` is built. Its rows equal the
    index's first rows in that order; it cannot filter or sort."""

    def __init__(self, snapshot: Snapshot, page: dict[str, Any]) -> None:
        self._names = _names(snapshot, "customers")
        self._type_names = _names(snapshot, "activity_types")
        self.count: int = page["count"]
        self._rows = [self._make(d) for d in page["rows"]]  # a few hundred, in the worker

    @classmethod
    def load(cls, snapshot: Snapshot) -> ActivityPage | None:
        """The page of this state, or None when it has none (read the whole table)."""
        page = snapshot.activities_page()
        return cls(snapshot, page) if page is not None else None

    def __len__(self) -> int:
        return self.count

    @property
    def stored(self) -> int:
        """Rows held (the first ``stored`` rows of the list)."""
        return len(self._rows)

    def _make(self, d: dict[str, Any]) -> ActivityRow:
        return make_row(int(d["id"]), d, _lookup(self._names, d.get("customer_id")),
                        _lookup(self._type_names, d.get("type_id")),
                        int(d.get("attachments") or 0))

    def row(self, pos: int) -> ActivityRow:
        return self._rows[pos]

    def cells(self, pos: int) -> tuple[str, str, str, str, str, str, str]:
        return self.row(pos).cells()

    def missing(self, pos: int) -> bool:
        return self._rows[pos].missing


class PageView:
    """A table source over an :class:`ActivityPage`: ``count`` rows long (the scroll bar
    is right), rows past the stored page are blank until the full index replaces it."""

    def __init__(self, page: ActivityPage) -> None:
        self.page = page

    def __len__(self) -> int:
        return len(self.page)

    def row_at(self, visible: int) -> ActivityRow | None:
        return self.page.row(visible) if 0 <= visible < self.page.stored else None

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        return [self.page.cells(i) for i in range(start, min(stop, self.page.stored))]

    def row_style(self, visible: int) -> str | None:
        if 0 <= visible < self.page.stored:
            return "warning" if self.page.missing(visible) else None
        return None


class ActivityIndex:
    """All activities as columns (one list per field), plus lazily built haystacks and
    cached sort orders. :meth:`query` returns row positions; :meth:`row` one row."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._names = _names(snapshot, "customers")
        self._type_names = _names(snapshot, "activity_types")
        raw = snapshot.raw("activities")
        self._docs: list[dict[str, Any]] = list(raw.values())
        self.ids: list[int] = [int(key) for key in raw]
        self._columns: dict[str, list[Any]] = {}
        self._hay: list[str] | None = None
        self._orders: dict[str, list[int]] = {}
        self._bases: dict[tuple[str, bool, str | None], tuple[list[int], list[str]]] = {}
        self._last: tuple[tuple[str, ...], tuple[str, bool, str | None], list[int],
                          list[str]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # -- columns (built on first use, so the first screen only pays for its sort column) -
    def _customer_name(self, doc: dict[str, Any]) -> str:
        return _lookup(self._names, doc.get("customer_id"))

    def _type_name(self, doc: dict[str, Any]) -> str:
        return _lookup(self._type_names, doc.get("type_id"))

    def column(self, name: str) -> list[Any]:
        """One field of every row, in stored order."""
        found = self._columns.get(name)
        if found is None:
            docs = self._docs
            if name == "source":
                found = [str(d.get("source") or "manual") for d in docs]
            elif name in ("number", "title"):
                found = [str(d.get(name, "")) for d in docs]
            elif name == "customer":
                found = [self._customer_name(d) for d in docs]
            elif name == "type":
                found = [self._type_name(d) for d in docs]
            elif name == "created":
                found = [str(d.get("created") or "") for d in docs]
            elif name == "attachments":
                found = [len(d.get("attachments") or ()) for d in docs]
            else:
                raise ValueError(f"unknown column {name!r}")
            self._columns[name] = found
        return found

    @property
    def sources(self) -> list[str]:
        return self.column("source")

    # -- rows ------------------------------------------------------------------------------
    def row(self, pos: int) -> ActivityRow:
        d = self._docs[pos]
        return make_row(self.ids[pos], d, self._customer_name(d), self._type_name(d),
                        len(d.get("attachments") or ()))

    def cells(self, pos: int) -> tuple[str, str, str, str, str, str, str]:
        return self.row(pos).cells()

    def missing(self, pos: int) -> bool:
        return bool(self._docs[pos].get("missing_at_source", False))

    @property
    def haystacks(self) -> list[str]:
        """Lower-case ``number title customer`` per row (built on first use)."""
        if self._hay is None:
            self._hay = [f"{n}\n{t}\n{c}".lower()
                         for n, t, c in zip(self.column("number"), self.column("title"),
                                            self.column("customer"), strict=True)]
        return self._hay

    # -- sorting ---------------------------------------------------------------------------
    def _column_key(self, column: str) -> list[Any]:
        if column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {column!r}")
        values = self.column(column)
        if column in _TEXT_SORTS:
            return [din5007_key(x) for x in values]
        return values

    def order(self, column: str) -> list[int]:
        """Row positions sorted ascending by ``column``, ties in stored (id) order; computed
        once per column (a stable sort of positions by one key list)."""
        cached = self._orders.get(column)
        if cached is None:
            keys = self._column_key(column)
            cached = sorted(range(len(keys)), key=keys.__getitem__)
            self._orders[column] = cached
        return cached

    def warm(self) -> None:
        """Build haystacks and every sort order now (call from a worker thread)."""
        _ = self.haystacks
        for column in SORT_COLUMNS:
            self.order(column)

    # -- querying --------------------------------------------------------------------------
    def _base(self, sort: str, descending: bool, source: str | None
              ) -> tuple[list[int], list[str]]:
        key = (sort, descending, source)
        found = self._bases.get(key)
        if found is None:
            positions = self.order(sort)
            if descending:
                positions = positions[::-1]
            if source is not None:
                sources = self.sources
                positions = [i for i in positions if sources[i] == source]
            hay = self.haystacks
            found = (positions, [hay[i] for i in positions])
            if len(self._bases) > 16:
                self._bases.clear()
            self._bases[key] = found
        return found

    def query(self, text: str = "", source: str | None = None, sort: str = "created",
              descending: bool = True) -> list[int]:
        """Positions of rows matching every word of ``text`` (case-insensitive, in number,
        title and customer) and ``source``, in sort order.

        Typing one more character only re-checks the rows of the previous answer.
        """
        words = tuple(sorted(set(text.lower().split())))
        view = (sort, descending, source)
        if not words:
            return self._base(*view)[0]
        if self._last is not None and self._last[1] == view and _narrows(self._last[0], words):
            positions, hays = self._last[2], self._last[3]
        else:
            positions, hays = self._base(*view)
        for word in words:
            keep = [word in h for h in hays]
            positions = list(compress(positions, keep))
            hays = list(compress(hays, keep))
        self._last = (words, view, positions, hays)
        return positions


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
            return self.index.row(self.positions[visible])
        return None

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        cells = self.index.cells
        return [cells(i) for i in self.positions[start:stop]]

    def row_style(self, visible: int) -> str | None:
        if 0 <= visible < len(self.positions):
            return "warning" if self.index.missing(self.positions[visible]) else None
        return None


# -- detail ------------------------------------------------------------------------------
@dataclass
class AttachmentInfo:
    """An attachment with its file on disk and the name it is saved under."""

    name: str
    path: str
    size: int
    remote_name: str
    exists: bool
    readable: str = ""


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
    """``2048`` -> ``2.0 KB`` (``2,0 KB`` in German)."""
    if size < 1024:
        return f"{formats.count(size)} B"
    if size < 1024 * 1024:
        return f"{formats.decimal(size / 1024, 1)} KB"
    return f"{formats.decimal(size / (1024 * 1024), 1)} MB"


def _customer_lines(customer: dict[str, Any] | None) -> list[str]:
    if not customer:
        return [_("(no customer assigned)")]
    lines = [
        _("{name}  (No. {number})").format(name=customer.get("name", ""),
                                           number=customer.get("number", "") or "-"),
        ", ".join(x for x in (
            str(customer.get("street", "")),
            f"{customer.get('zip', '')} {customer.get('city', '')}".strip(),
        ) if x),
        "  ".join(x for x in (str(customer.get("email", "")),
                              str(customer.get("phone", ""))) if x),
    ]
    return [line for line in lines if line]


def _fields(snapshot: Snapshot, doc: dict[str, Any], source: str) -> list[tuple[str, str]]:
    type_doc = snapshot.get("activity_types", doc.get("type_id")) or {}
    origin = f"{SOURCE_BADGES.get(source, '[??]')} {INTEGRATION_LABELS.get(source, source)}"
    if doc.get("external_id"):
        origin += f" #{doc['external_id']}"
    currency = doc.get("currency")
    fields = [
        (_("Source"), origin),
        (_("Type"), str(type_doc.get("name", "-"))),
        (_("Kind"), kind_label(str(doc.get("kind") or "")) or "-"),
        (_("Status"), str(doc.get("status") or "-")),
        (_("Created"), formats.datetime_(doc.get("created")) or "-"),
        (_("Valid from"), formats.date(doc.get("valid_from")) or "-"),
        (_("Net"), formats.money(doc.get("net_amount"), currency) or "-"),
        (_("Gross"), formats.money(doc.get("gross_amount"), currency) or "-"),
        (_("Imported"), formats.datetime_(doc.get("imported")) or "-"),
        (_("Updated"), formats.datetime_(doc.get("updated")) or "-"),
        (_("Batch"), str(doc.get("batch") or "-")),
    ]
    if doc.get("missing_at_source"):
        fields.append((_("Warning"), _("no longer found at the source (kept, not deleted)")))
    return fields


def activity_detail(snapshot: Snapshot, activity_id: int,
                    attachments_dir: os.PathLike[str] | str | None = None) -> ActivityDetail | None:
    """Customer, fields, local fields and attachments of one activity (None if gone)."""
    doc = snapshot.get("activities", activity_id)
    if doc is None:
        return None
    source = str(doc.get("source") or "manual")
    attachments = []
    for att in doc.get("attachments") or ():
        path = stored_file(att, attachments_dir)
        attachments.append(AttachmentInfo(
            name=str(att.get("name", "")),
            path=path,
            size=int(att.get("size") or 0),
            remote_name=str(att.get("remote_name", "")),
            exists=bool(path) and os.path.isfile(path),
            readable=readable_name(att),
        ))
    return ActivityDetail(
        id=activity_id,
        number=str(doc.get("number", "")),
        title=str(doc.get("title", "")),
        source=source,
        customer_lines=_customer_lines(snapshot.get("customers", doc.get("customer_id"))),
        fields=_fields(snapshot, doc, source),
        local=[(str(k), str(v)) for k, v in (doc.get("local") or {}).items()],
        attachments=attachments,
    )
