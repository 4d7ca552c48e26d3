"""Committed WEBFAKT services for screens: one index per workspace version, queried fast.

No Textual here. :func:`read_services` is the only place that reads services from the
store, as one polars frame (``Snapshot.services_frame``). :class:`ServiceIndex` keeps that
frame with the customer's name joined in; filtering (``str.contains`` on a lower-case
haystack column) and sorting (``arg_sort_by``) run in polars with the GIL released, and
cells are formatted only for the rows the table shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mwtui.i18n import N_, _, current_language, current_region
from mwtui.i18n import formats as fmt
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
# Columns the index reads; missing ones (no service has them) are empty.
COLUMNS = ("customer_number", "service", "amount", "currency", "cycle", "cycle_name",
           "next_invoice", "article_number", "contract_number", "batch")
SEARCHED = ("customer", "customer_number", "service", "article_number", "contract_number",
            "batch", "batch_date")


def cycle_label(code: object, name: object = "") -> str:
    """``"06"`` -> "halbjährlich" / "half-yearly"; an unknown code shows the file's name."""
    msgid = CYCLE_NAMES.get(str(code or ""))
    return _(msgid) if msgid else str(name or code or "")


def german_keys(column: str) -> list[pl.Expr]:
    """DIN 5007-1 sort keys as polars expressions (see :mod:`mwtui.i18n.sorting`):
    folded (ä as a, ß as ss, case ignored), then lower-case, then the text itself."""
    text = pl.col(column).fill_null("")
    special = text.str.replace_all("[ßẞ]", "ss").str.replace_all("[æÆ]", "ae") \
        .str.replace_all("[œŒ]", "oe")
    folded = special.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
    return [folded, text.str.to_lowercase(), text]


@dataclass(frozen=True)
class ServiceData:
    """What the store holds for the services screens: services as a polars frame (a
    ``{"<id>": doc}`` mapping is turned into one), customers and batches as mappings."""

    services: pl.DataFrame | Mapping[str, Doc]
    customers: dict[str, Doc]
    batches: dict[str, Doc]
    version: object


def read_services(workspace: Any) -> ServiceData:
    """The one place that reads services (and the customers and batches they refer to)."""
    snapshot = workspace.snapshot()
    batches = {str(d.get("batch_id")): d for d in snapshot.raw("batches").values()}
    return ServiceData(snapshot.services_frame(), snapshot.raw("customers"), batches,
                       snapshot.data)


def services_frame(services: pl.DataFrame | Mapping[str, Doc]) -> pl.DataFrame:
    """Services with an Int64 ``id``, an Int64 ``customer_id`` and every column of
    :data:`COLUMNS` as text (missing ones empty)."""
    if not isinstance(services, pl.DataFrame):
        services = pl.DataFrame([{**d, "id": int(k)} for k, d in services.items()],
                                infer_schema_length=None)
    if "id" not in services.columns:
        services = pl.DataFrame(schema={"id": pl.Int64})
    text = [(pl.col(c).cast(pl.String) if c in services.columns
             else pl.lit(None, dtype=pl.String)).alias(c) for c in COLUMNS]
    cid = (pl.col("customer_id").cast(pl.Int64, strict=False)
           if "customer_id" in services.columns else pl.lit(None, dtype=pl.Int64))
    if "cycle" in services.columns and services.schema["cycle"].is_integer():
        text[COLUMNS.index("cycle")] = pl.col("cycle").cast(pl.String).str.zfill(2)
    return services.with_columns(pl.col("id").cast(pl.Int64), cid.alias("customer_id"),
                                 *text)


def _customer_names(customers: dict[str, Doc]) -> pl.Expr:
    """The customer's name: by link, else by customer number, else the number."""
    by_id = {int(k): str(c.get("name") or "") for k, c in customers.items()}
    by_number = {str(c.get("number")): str(c.get("name") or "")
                 for c in customers.values() if c.get("number")}
    linked = pl.col("customer_id").replace_strict(
        by_id or {0: ""}, default=None, return_dtype=pl.String)
    numbered = pl.col("customer_number").replace_strict(
        by_number or {"": ""}, default=None, return_dtype=pl.String)
    empty = pl.lit(None, dtype=pl.String)
    return pl.coalesce(pl.when(linked != "").then(linked).otherwise(empty),
                       pl.when(numbered != "").then(numbered).otherwise(empty),
                       pl.col("customer_number"), pl.lit(""))


class _Docs(Sequence[dict[str, Any]]):
    """One service's stored fields by row position, read from the frame when asked."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    def __len__(self) -> int:
        return self._frame.height

    def __getitem__(self, pos: Any) -> Any:
        if isinstance(pos, slice):
            return [self[i] for i in range(*pos.indices(len(self)))]
        return self._frame.row(pos, named=True)


class ServiceIndex:
    """All services as a polars frame; :meth:`query` answers filter + sort as row
    positions. ``frame`` (from :func:`services_frame`) narrows it to some services."""

    def __init__(self, data: ServiceData, frame: pl.DataFrame | None = None) -> None:
        frame = services_frame(data.services) if frame is None else frame
        self.data = data
        self._batch_dates = {b: fmt.date(doc.get("created")) for b, doc in data.batches.items()}
        self.frame = frame.with_columns(
            _customer_names(data.customers).alias("customer"),
            pl.col("batch").fill_null(""),
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("pos"))
        self.ids = self.frame["id"]
        self.customer = self.frame["customer"]
        self.service = self.frame["service"].fill_null("")
        self.batch = self.frame["batch"]
        self.docs = _Docs(frame)
        self._hay: pl.DataFrame | None = None
        self._orders: dict[str, pl.Series] = {}
        self._format_cache: dict[tuple[Any, ...], str] = {}
        self._bases: dict[tuple[str, bool], pl.DataFrame] = {}
        self._last: tuple[tuple[str, ...], tuple[str, bool], pl.DataFrame] | None = None

    def __len__(self) -> int:
        return self.frame.height

    def haystack(self) -> pl.DataFrame:
        """``pos`` and the lower-case text a filter searches (built once, on first use)."""
        if self._hay is None:
            dates = pl.col("batch").replace_strict(
                self._batch_dates or {"": ""}, default="", return_dtype=pl.String)
            hay = pl.concat_str([pl.col(c).fill_null("") for c in SEARCHED], separator="\n")
            self._hay = self.frame.with_columns(dates.alias("batch_date")).select(
                "pos", hay.str.to_lowercase().alias("hay"))
        return self._hay

    # -- sorting ---------------------------------------------------------------------------
    def _sort_keys(self, column: str) -> list[pl.Expr]:
        if column == "imported":
            return [pl.col("id")]
        if column in TEXT_COLUMNS:
            return german_keys(column)
        if column == "cycle":
            return [pl.col("cycle").cast(pl.Int64, strict=False).fill_null(999)]
        if column == "next_invoice":
            return [pl.col("next_invoice").fill_null("")]
        if column == "amount":
            return [pl.col("amount").cast(pl.Float64, strict=False).fill_null(float("-inf"))]
        if column == "batch":
            return [pl.col("batch")]
        raise ValueError(f"unknown sort column {column!r}")

    def order(self, column: str) -> pl.Series:
        """Row positions ascending by ``column``, ties in stored order (cached)."""
        found = self._orders.get(column)
        if found is None:
            keys = [*self._sort_keys(column), pl.col("pos")]
            found = self.frame.select(pl.col("pos").gather(pl.arg_sort_by(keys)))["pos"]
            self._orders[column] = found
        return found

    def warm(self) -> None:
        """The filter's haystack and every sort order now (call from a worker thread)."""
        self.haystack()
        for column in SORT_COLUMNS:
            self.order(column)

    # -- querying --------------------------------------------------------------------------
    def _base(self, sort: str, descending: bool) -> pl.DataFrame:
        key = (sort, descending)
        found = self._bases.get(key)
        if found is None:
            order = self.order(sort)
            found = self.haystack().select(
                pl.all().gather(order.reverse() if descending else order))
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
            order = self.order(sort)
            return order.reverse() if descending else order
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

    def cells_at(self, positions: list[int]) -> list[tuple[str, ...]]:
        """Customer, service, billing type, next invoice, amount, batch date of the rows
        at ``positions`` (one gather from the frame, then formatted)."""
        window = self.frame.select(
            pl.col("customer", "service", "cycle", "cycle_name", "next_invoice", "amount",
                   "currency", "batch").gather(positions))
        return [(customer, service or "", cycle_label(cycle, cycle_name),
                 self._formatted("date", next_invoice),
                 self._formatted("money", amount, currency or DEFAULT_CURRENCY),
                 self._batch_dates.get(batch, ""))
                for (customer, service, cycle, cycle_name, next_invoice, amount, currency,
                     batch) in window.iter_rows()]

    def cells(self, pos: int) -> tuple[str, ...]:
        """The cells of the row at ``pos`` (see :meth:`cells_at`)."""
        return self.cells_at([pos])[0]


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
        return int(self.index.ids[pos]) if pos is not None else None

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        positions = self.positions.slice(start, max(0, stop - start)).to_list()
        return [row[self.first_column:] for row in self.index.cells_at(positions)]

    def row_style(self, visible: int) -> str | None:
        return None


def load_services(workspace: Any) -> ServiceIndex:
    """Every committed service of ``workspace``, ready to query (run in a worker)."""
    return ServiceIndex(read_services(workspace))


def customer_services(data: ServiceData, customer_id: int) -> ServiceIndex:
    """The services of one customer (by link, or by number when not linked)."""
    customer = data.customers.get(str(customer_id)) or {}
    number = str(customer.get("number") or "")
    linked = pl.col("customer_id") == customer_id
    if number:
        linked = linked | (pl.col("customer_id").is_null()
                           & (pl.col("customer_number") == number))
    frame = services_frame(data.services)
    return ServiceIndex(data, frame.filter(linked.fill_null(False)))


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
