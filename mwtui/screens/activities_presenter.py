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

from mwtui.workspace.models import INTEGRATION_LABELS, SOURCE_BADGES
from mwtui.workspace.store import Snapshot

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

    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        return (self.badge, self.number, self.title, self.customer, self.type_name,
                self.created, str(self.attachments) if self.attachments else "")


class ActivityIndex:
    """All activities as columns (one list per field), plus lazily built haystacks and
    cached sort orders. :meth:`query` returns row positions; :meth:`row` one row."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._names = {key: str(doc.get("name", ""))
                       for key, doc in snapshot.raw("customers").items()}
        self._type_names = {key: str(doc.get("name", ""))
                            for key, doc in snapshot.raw("activity_types").items()}
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
        customer_id = doc.get("customer_id")
        return self._names.get(str(customer_id), "") if customer_id is not None else ""

    def _type_name(self, doc: dict[str, Any]) -> str:
        type_id = doc.get("type_id")
        return self._type_names.get(str(type_id), "") if type_id is not None else ""

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
        source = str(d.get("source") or "manual")
        return ActivityRow(self.ids[pos], source, SOURCE_BADGES.get(source, "[??]"),
                           str(d.get("number", "")), str(d.get("title", "")),
                           self._customer_name(d), self._type_name(d),
                           _created_display(d.get("created")),
                           len(d.get("attachments") or ()),
                           bool(d.get("missing_at_source", False)))

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
        if column in ("number", "title", "customer", "type"):
            return [x.lower() for x in values]
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
