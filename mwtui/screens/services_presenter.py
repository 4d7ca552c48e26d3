"""Committed WEBFAKT services for screens: one index per workspace version, queried fast.

No Textual here. :func:`load_services` is the only place that reads services from the
store. :class:`ServiceIndex` keeps one Python list per field plus a polars frame of
lower-case haystacks; filtering runs in polars (``str.contains``, no Python per row, the
GIL released) on a cached sort order, and cells are formatted only for the visible rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mwtui.i18n import N_, _, current_language, current_region
from mwtui.i18n import formats as fmt
from mwtui.i18n.sorting import din5007_key
from mwtui.workspace.store import Doc

# WEBFAKT billing cycle code -> English msgid (German: einmalig, monatlich, ...).
CYCLE_NAMES: dict[str, str] = {
    "00": N_("one-time"),
    "01": N_("monthly"),
    "06": N_("half-yearly"),
    "12": N_("yearly"),
    "24": N_("every two years"),
    "36": N_("every three years"),
}
# Sortable columns, in the order the sort key cycles through them: key -> label msgid.
SORT_COLUMNS: dict[str, str] = {
    "imported": N_("imported"),
    "customer": N_("customer"),
    "service": N_("service"),
    "cycle": N_("billing type"),
    "next_invoice": N_("next invoice"),
    "amount": N_("amount"),
    "batch": N_("batch"),
}
TEXT_COLUMNS = ("customer", "service")
DEFAULT_CURRENCY = "EUR"


def cycle_label(code: object, name: object = "") -> str:
    """``"06"`` -> "halbjährlich" / "half-yearly"; an unknown code shows the file's name."""
    msgid = CYCLE_NAMES.get(str(code or ""))
    return _(msgid) if msgid else str(name or code or "")


def _german_ranks(values: list[str]) -> list[int]:
    """Each value's position in DIN 5007 order (one key per distinct value)."""
    ranks = {v: i for i, v in enumerate(sorted(set(values), key=din5007_key))}
    return [ranks[v] for v in values]


def _amount_key(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


@dataclass(frozen=True)
class ServiceData:
    """What the store holds for the services screens, as plain mappings."""

    services: dict[str, Doc]
    customers: dict[str, Doc]
    batches: dict[str, Doc]
    version: object


def read_services(workspace: Any) -> ServiceData:
    """The one place that reads services (and the customers and batches they refer to)."""
    snapshot = workspace.snapshot()
    batches = {str(d.get("batch_id")): d for d in snapshot.raw("batches").values()}
    return ServiceData(snapshot.raw("services"), snapshot.raw("customers"), batches,
                       snapshot.data)


class ServiceIndex:
    """All services as columns; :meth:`query` answers filter + sort as row positions."""

    def __init__(self, data: ServiceData, ids: Iterable[str] | None = None) -> None:
        raw = data.services
        keys = list(raw) if ids is None else list(ids)
        docs = [raw[k] for k in keys]
        self.data = data
        self.ids = [int(k) for k in keys]
        self.docs = docs
        by_id = {k: str(c.get("name", "")) for k, c in data.customers.items()}
        by_number = {str(c.get("number", "")): str(c.get("name", ""))
                     for c in data.customers.values() if c.get("number")}
        self.customer = [by_id.get(str(d.get("customer_id")))
                         or by_number.get(str(d.get("customer_number", "")))
                         or str(d.get("customer_number", "")) for d in docs]
        self.service = [str(d.get("service", "")) for d in docs]
        self.batch = [str(d.get("batch") or "") for d in docs]
        self._batch_dates = {b: fmt.date(doc.get("created")) for b, doc in data.batches.items()}
        hay = [f"{c}\n{d.get('customer_number', '')}\n{s}\n{d.get('article_number', '')}\n"
               f"{d.get('contract_number', '')}\n{b}\n{self._batch_dates.get(b, '')}"
               for c, s, b, d in zip(self.customer, self.service, self.batch, docs,
                                     strict=True)]
        self._hay = pl.DataFrame({
            "pos": pl.arange(0, len(docs), eager=True, dtype=pl.UInt32),
            "hay": pl.Series(hay, dtype=pl.String).str.to_lowercase(),
        })
        self._orders: dict[str, pl.Series] = {}
        self._format_cache: dict[tuple[Any, ...], str] = {}
        self._bases: dict[tuple[str, bool], pl.DataFrame] = {}
        self._last: tuple[tuple[str, ...], tuple[str, bool], pl.DataFrame] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # -- sorting ---------------------------------------------------------------------------
    def _sort_key(self, column: str) -> list[Any]:
        docs = self.docs
        if column == "imported":
            return self.ids
        if column in TEXT_COLUMNS:
            return _german_ranks(getattr(self, column))
        if column == "cycle":
            return [int(c) if str(c).isdigit() else 999
                    for c in (d.get("cycle") for d in docs)]
        if column == "next_invoice":
            return [str(d.get("next_invoice") or "") for d in docs]
        if column == "amount":
            return [_amount_key(d.get("amount")) for d in docs]
        if column == "batch":
            return self.batch
        raise ValueError(f"unknown sort column {column!r}")

    def order(self, column: str) -> pl.Series:
        """Row positions ascending by ``column``, ties in stored order (cached)."""
        found = self._orders.get(column)
        if found is None:
            frame = pl.DataFrame({"key": self._sort_key(column), "pos": self._hay["pos"]})
            found = frame.sort(["key", "pos"])["pos"]
            self._orders[column] = found
        return found

    def warm(self) -> None:
        """Every sort order now (call from a worker thread)."""
        for column in SORT_COLUMNS:
            self.order(column)

    # -- querying --------------------------------------------------------------------------
    def _base(self, sort: str, descending: bool) -> pl.DataFrame:
        key = (sort, descending)
        found = self._bases.get(key)
        if found is None:
            order = self.order(sort)
            found = self._hay.select(pl.all().gather(order.reverse() if descending else order))
            if len(self._bases) > 4:
                self._bases.clear()
            self._bases[key] = found
        return found

    def query(self, text: str = "", sort: str = "imported",
              descending: bool = True) -> pl.Series:
        """Positions of rows holding every word of ``text`` (case-insensitive, in customer,
        customer number, service, article, contract, batch), in sort order. Typing one more
        character only re-checks the rows of the previous answer."""
        words = tuple(sorted(set(text.lower().split())))
        view = (sort, descending)
        if not words:
            return self._base(*view)["pos"]
        last = self._last
        if last is not None and last[1] == view and all(
                any(o in n for n in words) for o in last[0]):
            frame = last[2]
        else:
            frame = self._base(*view)
        frame = frame.filter(*[pl.col("hay").str.contains(w, literal=True) for w in words])
        self._last = (words, view, frame)
        return frame["pos"]

    # -- rows ------------------------------------------------------------------------------
    def batch_date(self, pos: int) -> str:
        return self._batch_dates.get(self.batch[pos], "")

    def _formatted(self, kind: str, value: Any, currency: str = "") -> str:
        """A date or an amount formatted once per distinct value and language (Babel
        costs ~50 µs a call; the table asks for hundreds of rows at a time)."""
        key = (kind, value, currency, current_language(), current_region())
        found = self._format_cache.get(key)
        if found is None:
            found = fmt.date(value) if kind == "date" else fmt.money(value, currency)
            if len(self._format_cache) > 100_000:
                self._format_cache.clear()
            self._format_cache[key] = found
        return found

    def cells(self, pos: int) -> tuple[str, ...]:
        """Customer, service, billing type, next invoice, amount, batch date."""
        d = self.docs[pos]
        return (self.customer[pos], self.service[pos],
                cycle_label(d.get("cycle"), d.get("cycle_name")),
                self._formatted("date", d.get("next_invoice")),
                self._formatted("money", d.get("amount"), d.get("currency") or DEFAULT_CURRENCY),
                self.batch_date(pos))


class _LazyRows(Sequence[tuple[str, ...]]):
    """Rows formatted only when the table reads them (it fetches a window of hundreds)."""

    def __init__(self, positions: list[int], cells: Any) -> None:
        self._positions = positions
        self._cells = cells
        self._done: dict[int, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        found = self._done.get(i)
        if found is None:
            found = self._done[i] = self._cells(self._positions[i])
        return found


class ServiceView:
    """A table source (``__len__``, ``rows``, ``row_style``) over a query result;
    ``first_column`` leaves out leading cells (the customer, on the customer's page)."""

    def __init__(self, index: ServiceIndex, positions: pl.Series,
                 first_column: int = 0) -> None:
        self.index = index
        self.positions = positions
        self.first_column = first_column

    def __len__(self) -> int:
        return len(self.positions)

    def position(self, visible: int) -> int | None:
        if 0 <= visible < len(self.positions):
            return int(self.positions[visible])
        return None

    def service_id(self, visible: int) -> int | None:
        pos = self.position(visible)
        return self.index.ids[pos] if pos is not None else None

    def _cells(self, pos: int) -> tuple[str, ...]:
        return self.index.cells(pos)[self.first_column:]

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        positions = self.positions.slice(start, max(0, stop - start)).to_list()
        return _LazyRows(positions, self._cells)

    def row_style(self, visible: int) -> str | None:
        return None


def load_services(workspace: Any) -> ServiceIndex:
    """Every committed service of ``workspace``, ready to query (run in a worker)."""
    return ServiceIndex(read_services(workspace))


def customer_services(data: ServiceData, customer_id: int) -> ServiceIndex:
    """The services of one customer (by link, or by number when not linked)."""
    customer = data.customers.get(str(customer_id)) or {}
    number = str(customer.get("number") or "")
    ids = [k for k, d in data.services.items()
           if d.get("customer_id") == customer_id
           or (d.get("customer_id") is None and number
               and str(d.get("customer_number", "")) == number)]
    return ServiceIndex(data, ids)


# -- detail ------------------------------------------------------------------------------
def _yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def service_fields(index: ServiceIndex, pos: int) -> list[tuple[str, str]]:
    """Every field of one service as (label, value), labels translated, values formatted."""
    d = index.docs[pos]
    currency = d.get("currency") or DEFAULT_CURRENCY
    batch = index.batch[pos]
    batch_doc = index.data.batches.get(batch) or {}
    line = d.get("source_line")
    where = f"{d.get('source_file', '')}:{line}" if line else str(d.get("source_file", ""))
    rows = [
        (N_("Customer"), f"{index.customer[pos]} ({d.get('customer_number', '') or '-'})"),
        (N_("Service"), index.service[pos]),
        (N_("Article number"), d.get("article_number")),
        (N_("Quantity"), fmt.decimal(d.get("quantity"))),
        (N_("Quantity text"), d.get("quantity_text")),
        (N_("Amount"), fmt.money(d.get("amount"), currency)),
        (N_("Gross amount"), fmt.money(d.get("gross_amount"), currency)),
        (N_("Discount"), fmt.percent(d.get("discount"))),
        (N_("Billing type"), cycle_label(d.get("cycle"), d.get("cycle_name"))),
        (N_("Next invoice"), fmt.date(d.get("next_invoice"))),
        (N_("Date"), fmt.date(d.get("date"))),
        (N_("Contract number"), d.get("contract_number")),
        (N_("Order number"), d.get("order_number")),
        (N_("Employee"), d.get("employee")),
        (N_("Remarks"), d.get("remarks")),
        (N_("From the article catalogue"), _yes_no(d.get("filled_from_catalogue"))),
        (N_("Batch"), batch),
        (N_("Imported"), fmt.datetime_(batch_doc.get("created"))),
        (N_("File and line"), where),
        (N_("WEBFAKT format"), str(d.get("format") or "")),
    ]
    return [(_(label), str(value) if value not in (None, "") else "-")
            for label, value in rows]
