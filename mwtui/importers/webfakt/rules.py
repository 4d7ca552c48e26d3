"""WEBFAKT row rules: raw text fields -> normalised fields + one reason per rejected row.

Works on a polars frame with ``line``, ``raw``, ``nf``, ``fields_ok`` and one stripped text
column per field of the format (see ``webfakt.FORMAT_FIELDS``). All conversions are column
expressions; Python only builds the small look-up tables (distinct customer numbers and
article numbers/names of the file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from operator import methodcaller
from typing import Any

import polars as pl

from mwtui.importers.webfakt.lookups import name_key
from mwtui.importers.webfakt.read import (
    german_decimal,
    german_decimal_ok,
    german_decimal_series,
)
from mwtui.workspace.models import BILLING_CYCLES

#: VAT rates a format-2 gross amount may fit (DE 19/7/0, historic 16/5, CH 8.1/2.6/3.8 and
#: 7.7/2.5/3.7).
VAT_RATES: tuple[float, ...] = (0.19, 0.07, 0.0, 0.16, 0.05, 0.081, 0.026, 0.038, 0.077,
                                0.025, 0.037)

#: The normalised fields that make a row's content key (``row_key``), in this order.
KEY_COLUMNS: tuple[str, ...] = (
    "customer_number", "article_number", "service", "cycle", "quantity", "quantity_text",
    "amount", "gross_amount", "next_invoice", "date", "discount", "remarks", "employee",
    "contract_number", "order_number",
)
_KEY_VERSION = "wf1"

STATUS_DTYPE = pl.Enum(["accepted", "rejected"])
CYCLE_DTYPE = pl.Enum(list(BILLING_CYCLES))
CYCLE_NAME_DTYPE = pl.Enum(list(BILLING_CYCLES.values()))
CUSTOMER_STATE_DTYPE = pl.Enum(["ok", "unknown", "ambiguous"])


def _null() -> pl.Expr:
    return pl.lit(None, dtype=pl.String)


def _empty(name: str) -> pl.Expr:
    return pl.col(name).fill_null("") == ""


def _date(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(valid, iso)`` for "22.05.2004", "2013-04-19 00:00:00" or "2013-04-19"; midnight
    times give a date, other times an ISO date-time."""
    german = expr.str.strptime(pl.Date, "%d.%m.%Y", strict=False)
    stamp = expr.str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S", strict=False)
    iso_date = expr.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    midnight = stamp.dt.time() == pl.time(0, 0, 0)
    text = (
        pl.when(german.is_not_null()).then(german.dt.to_string("%Y-%m-%d"))
        .when(stamp.is_not_null() & midnight).then(stamp.dt.to_string("%Y-%m-%d"))
        .when(stamp.is_not_null()).then(stamp.dt.to_string("%Y-%m-%dT%H:%M:%S"))
        .when(iso_date.is_not_null()).then(iso_date.dt.to_string("%Y-%m-%d"))
        .otherwise(None)
    )
    return text.is_not_null(), text


def _is_empty(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("") == ""


def date_ok(expr: pl.Expr) -> pl.Expr:
    """A date field passes when empty or readable (the validity of :func:`_date` without
    building its text)."""
    formats = ((pl.Date, "%d.%m.%Y"), (pl.Datetime, "%Y-%m-%d %H:%M:%S"),
               (pl.Date, "%Y-%m-%d"))
    return _is_empty(expr) | pl.any_horizontal(
        [expr.str.strptime(dtype, fmt, strict=False).is_not_null() for dtype, fmt in formats])


def cycle_rule(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(ok, two-digit code)`` of a billing cycle ("1" is read as "01")."""
    cycle = expr.fill_null("").str.zfill(2)
    ok = cycle.is_in(list(BILLING_CYCLES)) & ~_is_empty(expr)
    return ok, pl.when(ok).then(cycle)


def quantity_rule(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(ok, dot-decimal text)``: a German decimal > 0; empty means 1."""
    ok, quantity = german_decimal(expr)
    ok = _is_empty(expr) | (ok & (quantity.cast(pl.Float64, strict=False) > 0))
    return ok, pl.when(_is_empty(expr)).then(pl.lit("1")).otherwise(quantity)


def discount_rule(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(ok, dot-decimal text)``: a percentage 0-100 (trailing "%" allowed); empty is 0."""
    ok, discount = german_decimal(expr.str.strip_suffix("%").str.strip_chars())
    value = discount.cast(pl.Float64, strict=False)
    ok = _is_empty(expr) | (ok & (value >= 0) & (value <= 100))
    return ok, pl.when(_is_empty(expr)).then(pl.lit("0")).otherwise(discount)


def per_distinct(name: str, check: Any) -> pl.Expr:
    """``check`` (a function of an expression, giving a boolean) evaluated once per distinct
    value of column ``name`` and looked up for every row, all inside one query. A value
    whose check is null fails, as in a filter."""
    passing = pl.col(name).unique().implode().list.eval(
        pl.element().filter(check(pl.element())))
    return pl.col(name).is_in(passing, nulls_equal=True)


def customer_table(values: Iterable[str], customers: Mapping[str, int | None]) -> pl.DataFrame:
    """Match distinct customer numbers of the file: exactly, else ignoring leading zeros when
    exactly one workspace customer fits. Columns: customer_key, customer_id, customer_number,
    customer_state ("ok" | "unknown" | "ambiguous")."""
    by_stripped: dict[str, list[str]] = {}
    for number in customers:
        by_stripped.setdefault(number.lstrip("0") or "0", []).append(number)
    keys, ids, numbers, states = [], [], [], []
    for value in values:
        state, cid, number = "unknown", None, None
        if value in customers:
            cid = customers[value]
            state, number = ("ok", value) if cid is not None else ("ambiguous", None)
        elif value:
            fits = by_stripped.get(value.lstrip("0") or "0", [])
            if len(fits) == 1 and customers[fits[0]] is not None:
                state, cid, number = "ok", customers[fits[0]], fits[0]
            elif fits:
                state = "ambiguous"
        keys.append(value)
        ids.append(cid)
        numbers.append(number)
        states.append(state)
    shown = [number if number is not None else key for key, number in zip(keys, numbers,
                                                                          strict=True)]
    return pl.DataFrame(
        {"customer_key": keys, "customer_id": ids, "customer_match": numbers,
         "customer_state": states, "customer_out": shown},
        schema={"customer_key": pl.String, "customer_id": pl.Int64,
                "customer_match": pl.String, "customer_state": pl.String,
                "customer_out": pl.Categorical},
    )


class CustomerMatcher:
    """Customer look-up for one check: the workspace's exact numbers are tabled once; only
    numbers that match no workspace number exactly go through :func:`customer_table`
    again (per chunk, distinct values only)."""

    def __init__(self, customers: Mapping[str, int | None]) -> None:
        self.customers = customers
        self.exact = customer_table(list(customers), customers)
        self._known = self.exact.get_column("customer_key")
        # Leading zeros ignored: stripped number -> how many fit, the one that fits, its id.
        by_stripped: dict[str, list[str]] = {}
        for number in customers:
            by_stripped.setdefault(number.lstrip("0") or "0", []).append(number)
        self._stripped = pl.DataFrame(
            {"_stripped": list(by_stripped),
             "_fits": [len(v) for v in by_stripped.values()],
             "_fit": [v[0] for v in by_stripped.values()],
             "_fit_id": [customers[v[0]] for v in by_stripped.values()]},
            schema={"_stripped": pl.String, "_fits": pl.UInt32, "_fit": pl.String,
                    "_fit_id": pl.Int64})

    def table(self, values: pl.Series) -> pl.DataFrame:
        """Rows of :func:`customer_table` for (at least) every distinct value of ``values``.
        Numbers no workspace number equals exactly are matched here in vectorised steps
        (the same rules as :func:`customer_table`)."""
        distinct = values.unique()
        misses = distinct.filter(~distinct.is_in(self._known.implode()))
        if misses.is_empty():
            return self.exact
        key = pl.col("customer_key")
        stripped = key.str.strip_chars_start("0")
        found = (
            pl.DataFrame({"customer_key": misses.cast(pl.String)})
            .with_columns(pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped)
                          .alias("_stripped"))
            .join(self._stripped, on="_stripped", how="left", maintain_order="left")
        )
        single = (pl.col("_fits") == 1) & pl.col("_fit_id").is_not_null() & (key != "")
        several = pl.col("_fits").is_not_null() & (key != "")
        match = pl.when(single).then(pl.col("_fit"))
        table = found.select(
            key,
            pl.when(single).then(pl.col("_fit_id")).alias("customer_id"),
            match.alias("customer_match"),
            pl.when(single).then(pl.lit("ok")).when(several).then(pl.lit("ambiguous"))
            .otherwise(pl.lit("unknown")).alias("customer_state"),
            pl.coalesce(match, key).cast(pl.Categorical).alias("customer_out"),
        )
        return pl.concat([self.exact, table])


def article_table(keys: Iterable[str], articles: Mapping[str, Any]) -> pl.DataFrame:
    """Distinct look-up keys -> art_name, art_price, art_text (null when unknown)."""
    rows: dict[str, list[Any]] = {"art_key": [], "art_name": [], "art_price": [],
                                  "art_text": []}
    for key in keys:
        art = articles.get(key)
        rows["art_key"].append(key)
        rows["art_name"].append(art.name if art else None)
        rows["art_price"].append(art.price if art else None)
        rows["art_text"].append(art.long_text if art else None)
    return pl.DataFrame(rows, schema={k: pl.String for k in rows})


def _by_distinct(frame: pl.DataFrame, name: str, exprs: dict[str, pl.Expr],
                 direct: bool = False, values: bool = True) -> pl.DataFrame:
    """Evaluate ``exprs`` (over column ``name`` only) once per distinct value and join back;
    ``direct`` evaluates them on every row (for columns with mostly distinct values).
    Without ``values`` only the boolean checks (names not starting with ``n_``) are
    computed, each row by one look-up in the set of values that pass; the ``n_`` outputs
    are null (a lean check does not keep them)."""
    if not values:
        checks = {k: e for k, e in exprs.items() if not k.startswith("n_")}
        table = frame.select(pl.col(name).unique()).with_columns(**checks)
        return frame.with_columns(
            *(pl.col(name).is_in(table.filter(pl.col(k)).get_column(name).implode(),
                                 nulls_equal=True).alias(k) for k in checks),
            *(pl.lit(None, dtype=pl.String).alias(k) for k in exprs if k.startswith("n_")),
        )
    if direct:
        return frame.with_columns(**exprs)
    table = frame.select(pl.col(name).unique()).with_columns(**exprs)
    # Outputs as categoricals: the join then gathers 4-byte codes, not strings.
    table = table.with_columns(pl.col(c).cast(pl.Categorical) for c in exprs
                               if c.startswith("n_") and table.schema[c] == pl.String)
    return _join_narrow(frame, table, on=name, nulls_equal=True)


def _join_narrow(frame: pl.DataFrame, table: pl.DataFrame, *, on: str,
                 right_on: str | None = None, nulls_equal: bool = False) -> pl.DataFrame:
    """``frame`` left-joined with ``table`` (order kept), joining only the key column and
    adding the table's other columns: the frame's own columns are not copied by the join."""
    right = right_on or on
    joined = frame.select(on).join(table, left_on=on, right_on=right, how="left",
                                   nulls_equal=nulls_equal, maintain_order="left")
    added = [c for c in table.columns if c != right and c not in frame.columns]
    return frame.hstack([joined.get_column(c) for c in added])


def _by_rule(
    frame: pl.DataFrame,
    column: str,
    rule: Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]],
    default: str,
    applies: bool,
    full: bool,
) -> tuple[pl.Expr, pl.Expr, pl.DataFrame]:
    """(ok, converted value, frame) for ``column``, computed once per distinct value; a
    column the format lacks is always ok and takes ``default``."""
    if not applies:
        return pl.lit(True), pl.lit(default), frame
    ok, value = rule(pl.col(column))
    frame = _by_distinct(frame, column, {f"_{column}_ok": ok, f"n_{column}": value},
                         values=full)
    return pl.col(f"_{column}_ok"), pl.col(f"n_{column}"), frame


def normalise(
    frame: pl.DataFrame,
    fmt: int,
    fields: tuple[str, ...],
    columns: tuple[str, ...],
    lookups: Any,
    reasons: Mapping[str, str],
    *,
    full: bool = True,
    customers: CustomerMatcher | None = None,
    owners: Iterable[str] = (),
) -> pl.DataFrame:
    """Convert and validate one chunk. Returns line, status, reason, column, value,
    message, warning, from_catalogue, raw and (``full``) the normalised fields; without
    ``full`` the same checks run but the normalised fields are not kept (the check result
    stays small; :func:`normalise` with ``full`` computes them for the rows that need them).
    ``customers`` reuses one customer matcher across the chunks of a file. With ``owners``
    (customer numbers that have committed services) a lean result also gets ``_owner``:
    the row's customer is one of them (only those rows can be already imported)."""
    header = dict(zip(fields, columns, strict=True))
    present = set(fields)

    def f(name: str) -> pl.Expr:
        return pl.col(name) if name in present else _null()

    # Customer numbers: match the distinct values (in Python), join back.
    frame = frame.with_columns(pl.col("customer_number").fill_null(""))
    matcher = customers or CustomerMatcher(lookups.customers)
    frame = _join_narrow(frame, matcher.table(frame.get_column("customer_number")),
                         on="customer_number", right_on="customer_key")

    # Catalogue look-ups (format 3 by article number when Leistung is empty, format 4 by
    # name when Betrag is empty).
    cat_key: pl.Expr | None = None
    catalogue: Mapping[str, Any] = {}
    if fmt == 3:
        cat_key = pl.when(_empty("service") & ~_empty("article_number")).then(
            pl.col("article_number"))
        catalogue = lookups.articles_by_number
    elif fmt == 4:
        cat_key = pl.when(_empty("amount") & ~_empty("service")).then(
            pl.col("service").str.to_lowercase())
        catalogue = lookups.articles_by_name
    if cat_key is not None:
        frame = frame.with_columns(cat_key.alias("art_key"))
        wanted = frame.get_column("art_key").drop_nulls().unique().to_list()
        if fmt == 4:
            catalogue = {k: catalogue.get(name_key(k)) for k in wanted}
        frame = _join_narrow(frame, article_table(wanted, catalogue), on="art_key")
        looked_up = pl.col("art_key").is_not_null()
        found = looked_up & pl.col("art_name").is_not_null()
    else:
        looked_up = found = pl.lit(False)

    # Field conversions, computed once per distinct value and joined back (files repeat
    # the same cycles, quantities, discounts and dates many times).
    amount_ok_values, amount_values = german_decimal_series(frame.get_column("amount"))
    frame = frame.with_columns(amount_ok_values.alias("_amount_ok"),
                               amount_values.alias("n_amount0"))
    amount = pl.col("n_amount0")
    cycle_ok, cycle, frame = _by_rule(frame, "cycle", cycle_rule, "00", fmt in (1, 3), full)
    q_ok, quantity, frame = _by_rule(frame, "quantity", quantity_rule, "1",
                                     "quantity" in present, full)
    d_ok, discount, frame = _by_rule(frame, "discount", discount_rule, "0",
                                     "discount" in present, full)
    if "gross_amount" in present:
        g_ok, gross = german_decimal(pl.col("gross_amount"))
        frame = _by_distinct(frame, "gross_amount", {"_g_ok": _empty("gross_amount") | g_ok,
                                                     "n_gross": gross}, direct=True)
        g_ok, gross = pl.col("_g_ok"), pl.col("n_gross")
    else:
        g_ok, gross = pl.lit(True), _null()
    date_checks: list[tuple[str, pl.Expr, pl.Expr]] = []
    for name in ("date", "next_invoice"):
        if name in present:
            ok, iso = _date(pl.col(name))
            frame = _by_distinct(frame, name, {f"_{name}_ok": _empty(name) | ok,
                                               f"n_{name}": iso}, values=full)
            date_checks.append((name, pl.col(f"_{name}_ok"), pl.col(f"n_{name}")))
    remarks = f("remarks")
    if full and "remarks" in present and frame.get_column("remarks").str.contains(
            "<", literal=True).any():
        remarks = remarks.str.replace_all(r"(?i)<br\s*/?>", "\n")

    service = pl.when(~_empty("service")).then(pl.col("service"))
    from_catalogue = pl.lit(False)
    if fmt == 3:
        from_catalogue = found
        service = pl.coalesce(service, pl.col("art_name"))
        amount = pl.when(found & _empty("amount")).then(pl.col("art_price")).otherwise(amount)
        remarks = pl.when(found & (remarks.fill_null("") == "")).then(
            pl.col("art_text")).otherwise(remarks)
    elif fmt == 4:
        from_catalogue = found
        amount = pl.when(found).then(pl.col("art_price")).otherwise(amount)

    lazy = frame.lazy().with_columns(
        amount.alias("n_amount"), quantity.alias("n_quantity"), discount.alias("n_discount"),
        gross.alias("n_gross"), cycle.alias("n_cycle"), service.alias("n_service"),
        remarks.alias("n_remarks"), from_catalogue.alias("from_catalogue"),
        q_ok.alias("_q_ok"), d_ok.alias("_d_ok"), g_ok.alias("_g_ok"),
        cycle_ok.alias("_cycle_ok"), looked_up.alias("_looked_up"),
    )

    checks = _checks(fmt, present, header, [name for name, _ok, _iso in date_checks])
    lazy = lazy.with_columns(_reason_code(checks))
    outcome = _outcome(checks, reasons, len(fields), fmt)
    absent = pl.lit(None)  # Null dtype: columns the format lacks cost no memory
    if not full:
        owners = list(owners)
        if owners:
            outcome.append(pl.col("customer_match").is_in(owners).fill_null(False)
                           .alias("_owner"))
        return lazy.select(outcome).collect()

    def field_or_absent(name: str, expr: pl.Expr) -> pl.Expr:
        return (expr if name in present else absent).alias(name)

    return lazy.select(
        *outcome,
        pl.col("customer_out").alias("customer_number"),
        "customer_id",
        field_or_absent("article_number",
                        pl.when(~_empty("article_number")).then(f("article_number"))
                        .cast(pl.Categorical)),
        pl.col("n_service").cast(pl.Categorical).alias("service"),
        pl.col("n_cycle").cast(CYCLE_DTYPE).alias("cycle"),
        pl.col("n_cycle").replace_strict(BILLING_CYCLES, default=None, return_dtype=pl.String)
        .cast(CYCLE_NAME_DTYPE).alias("cycle_name"),
        pl.col("n_quantity").alias("quantity"),
        field_or_absent("quantity_text", f("quantity_text")),
        pl.col("n_amount").alias("amount"),
        field_or_absent("gross_amount", pl.col("n_gross")),
        field_or_absent("next_invoice", pl.col("n_next_invoice")),
        field_or_absent("date", pl.col("n_date")),
        pl.col("n_discount").alias("discount"),
        pl.col("n_remarks").fill_null("").alias("remarks"),
        field_or_absent("employee", f("employee")),
        field_or_absent("contract_number", f("contract_number")),
        field_or_absent("order_number", f("order_number")),
    ).collect()


Check = tuple[pl.Expr, str, str, pl.Expr]
"""One row check: (fails, reason code, header name of the column, the value to report)."""


def _checks(fmt: int, present: set[str], header: Mapping[str, str],
            dates: Iterable[str], zero: pl.Expr | None = None) -> list[Check]:
    """The row checks in the order a row reports them (the first failing one counts), over
    the columns the check query computes (``customer_state``, ``_cycle_ok``, ``_q_ok``,
    ``_amount_ok``, ``_g_ok``, ``_d_ok``, ``_<date>_ok``, ``_looked_up``, ``n_service``,
    ``n_amount``, ``from_catalogue``). ``zero`` replaces the zero-amount test on
    ``n_amount``."""
    def f(name: str) -> pl.Expr:
        return pl.col(name) if name in present else _null()

    checks: list[Check] = [
        (~pl.col("fields_ok"), "field_count", "", pl.lit("")),
        (pl.col("customer_state") == "unknown", "unknown_customer",
         header["customer_number"], pl.col("customer_number")),
        (pl.col("customer_state") == "ambiguous", "ambiguous_customer",
         header["customer_number"], pl.col("customer_number")),
    ]
    if fmt in (1, 3):
        checks.append((~pl.col("_cycle_ok"), "bad_cycle", header["cycle"], pl.col("cycle")))
    if "quantity" in present:
        checks.append((~pl.col("_q_ok"), "bad_quantity", header["quantity"],
                       pl.col("quantity")))
    checks.append((~_empty("amount") & ~pl.col("_amount_ok"), "bad_amount", header["amount"],
                   pl.col("amount")))
    if "gross_amount" in present:
        checks.append((~pl.col("_g_ok"), "bad_amount", header["gross_amount"],
                       pl.col("gross_amount")))
    if "discount" in present:
        checks.append((~pl.col("_d_ok"), "bad_discount", header["discount"],
                       pl.col("discount")))
    for name in dates:
        checks.append((~pl.col(f"_{name}_ok"), "bad_date", header[name], pl.col(name)))
    if fmt == 3:
        checks.append((pl.col("_looked_up") & ~pl.col("from_catalogue"), "unknown_article",
                       header["article_number"], pl.col("article_number")))
    checks.append((pl.col("n_service").is_null(), "missing_service", header["service"],
                   f("service")))
    if zero is None:
        zero = (pl.col("n_amount").is_null()
                | (pl.col("n_amount").cast(pl.Float64, strict=False) == 0))
    checks.append((zero, "zero_amount", header["amount"], f("amount")))
    return checks


def _reason_code(checks: list[Check]) -> pl.Expr:
    """``_code``: index of the row's first failing check (a null check fails), null when
    the row passes all of them."""
    expr: Any = pl
    for index, check in enumerate(checks):
        expr = expr.when(check[0].fill_null(True)).then(pl.lit(index, dtype=pl.UInt8))
    return expr.otherwise(None).alias("_code")


def _outcome(checks: list[Check], reasons: Mapping[str, str], field_count: int,
             fmt: int) -> list[pl.Expr | str]:
    """The outcome columns (line, status, reason, column, value, message, warning,
    from_catalogue, raw), all derived from ``_code``."""
    texts = {**reasons, "field_count": f"{reasons['field_count']} Erwartet: {field_count}."}
    code = pl.col("_code")
    accepted = code.is_null()

    def by_code(values: list[str], dtype: Any) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=dtype)).gather(code)  # null code: null

    value: Any = pl
    for index, check in enumerate(checks):
        value = value.when(code == index).then(check[3])
    warning = _null()
    if fmt == 2:
        net = pl.col("n_amount").cast(pl.Float64, strict=False)
        grs = pl.col("n_gross").cast(pl.Float64, strict=False)
        fits = pl.any_horizontal(
            [((net * (1 + rate)).round(2) - grs).abs() <= 0.011 for rate in VAT_RATES])
        warning = pl.when(grs.is_not_null() & net.is_not_null() & ~fits).then(pl.format(
            "Brutto {} passt zu keinem üblichen Steuersatz auf Netto {}.",
            pl.col("gross_amount"), pl.col("amount")))
    return [
        "line",
        pl.lit(pl.Series(["accepted", "rejected"], dtype=STATUS_DTYPE))
        .gather(code.is_not_null().cast(pl.UInt8)).alias("status"),
        by_code([c[1] for c in checks], pl.Enum(list(reasons))).alias("reason"),
        by_code([c[2] for c in checks], pl.Categorical).alias("column"),
        pl.when(accepted).then(None).otherwise(value.otherwise(None).fill_null(""))
        .cast(pl.Categorical).alias("value"),
        by_code([texts[c[1]] for c in checks], pl.Categorical).alias("message"),
        pl.when(accepted).then(warning).otherwise(None).cast(pl.Categorical).alias("warning"),
        (pl.col("from_catalogue") & accepted).alias("from_catalogue"),
        "raw",
    ]


def customer_state(customers: Mapping[str, int | None], key: pl.Expr) -> pl.Expr:
    """The rules of :func:`customer_table` as one expression over the customer numbers
    ``key`` (text, no nulls): Enum "ok" / "unknown" / "ambiguous"."""
    exact = {number: "ok" if cid is not None else "ambiguous"
             for number, cid in customers.items()}
    by_stripped: dict[str, list[str]] = {}
    for number in customers:
        by_stripped.setdefault(number.lstrip("0") or "0", []).append(number)
    loose = {stripped: "ok" if len(fits) == 1 and customers[fits[0]] is not None
             else "ambiguous" for stripped, fits in by_stripped.items()}
    if not exact:
        return pl.repeat(pl.lit("unknown", dtype=CUSTOMER_STATE_DTYPE), pl.len())
    stripped = key.str.strip_chars_start("0")
    stripped = pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped)
    return pl.coalesce(
        key.replace_strict(exact, default=None, return_dtype=CUSTOMER_STATE_DTYPE),
        pl.when(key != "").then(stripped.replace_strict(
            loose, default="unknown", return_dtype=CUSTOMER_STATE_DTYPE)),
        pl.lit("unknown", dtype=CUSTOMER_STATE_DTYPE),
    )


def customer_owner(customers: Mapping[str, int | None], owners: Iterable[str],
                   key: pl.Expr) -> pl.Expr:
    """Whether the customer a number ``key`` matches (exactly, else ignoring leading zeros
    when one customer fits) is one of ``owners``."""
    owners = set(owners)
    exact = [n for n, cid in customers.items() if cid is not None and n in owners]
    by_stripped: dict[str, list[str]] = {}
    for number in customers:
        by_stripped.setdefault(number.lstrip("0") or "0", []).append(number)
    loose = [s for s, fits in by_stripped.items()
             if len(fits) == 1 and customers[fits[0]] is not None and fits[0] in owners]
    stripped = key.str.strip_chars_start("0")
    stripped = pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped)
    return (key.is_in(exact) | (~key.is_in(list(customers)) & (key != "")
                                & stripped.is_in(loose))).fill_null(False)


def lean_check(
    fmt: int,
    fields: tuple[str, ...],
    columns: tuple[str, ...],
    lookups: Any,
    reasons: Mapping[str, str],
    *,
    owners: Iterable[str] = (),
) -> Any:
    """The lean :func:`normalise` (``full=False``) of formats 1 and 2 as one polars query
    per chunk: the expressions are built once per file and a chunk costs one ``collect``.
    Returns ``run(chunk) -> DataFrame`` (the same frame as ``normalise(..., full=False)``),
    or None for formats with catalogue rules (3, 4), which take :func:`normalise`.

    Look-ups are expressions: customer numbers via ``replace_strict`` on the workspace's
    numbers, cycle/quantity/discount/date checks once per distinct value of the chunk
    (:func:`per_distinct`), and reason, column and message from one check index."""
    if fmt not in (1, 2):
        return None
    header = dict(zip(fields, columns, strict=True))
    present = set(fields)
    key = pl.col("customer_number").fill_null("")
    derived: list[pl.Expr] = [
        key.alias("customer_number"),
        customer_state(lookups.customers, key).alias("customer_state"),
    ]
    owners = list(owners)
    if owners:
        derived.append(customer_owner(lookups.customers, owners, key).alias("_owner"))
    if fmt == 2:  # the gross/net warning needs the amount's value
        amount_ok, amount = german_decimal(pl.col("amount"))
        derived += [amount_ok.alias("_amount_ok"), amount.alias("n_amount")]
        zero = None
    else:
        derived.append(german_decimal_ok(pl.col("amount")).alias("_amount_ok"))
        # A valid amount of at most _SHORT characters is 0 exactly when it has no digit
        # 1-9 (its float cannot underflow); longer ones take the exact query below.
        zero = ~pl.col("_amount_ok") | ~pl.col("amount").str.contains("[1-9]")
    if "cycle" in present:
        derived.append(per_distinct("cycle", lambda e: cycle_rule(e)[0]).alias("_cycle_ok"))
    if "quantity" in present:
        derived.append(per_distinct("quantity", lambda e: quantity_rule(e)[0])
                       .alias("_q_ok"))
    if "discount" in present:
        derived.append(per_distinct("discount", lambda e: discount_rule(e)[0])
                       .alias("_d_ok"))
    if "gross_amount" in present:
        g_ok, gross = german_decimal(pl.col("gross_amount"))
        derived += [(_empty("gross_amount") | g_ok).alias("_g_ok"), gross.alias("n_gross")]
    dates = [name for name in ("date", "next_invoice") if name in present]
    derived += [per_distinct(name, date_ok).alias(f"_{name}_ok") for name in dates]
    derived += [pl.when(~_empty("service")).then(pl.col("service")).alias("n_service"),
                pl.lit(False).alias("from_catalogue")]
    checks = _checks(fmt, present, header, dates, zero)
    outcome = _outcome(checks, reasons, len(fields), fmt)
    if owners:
        outcome.append("_owner")
    code = _reason_code(checks)
    exact: tuple[list[pl.Expr], pl.Expr] | None = None
    if zero is not None:
        exact_checks = _checks(fmt, present, header, dates)
        exact = ([*derived, german_decimal(pl.col("amount"))[1].alias("n_amount")],
                 _reason_code(exact_checks))

    def run(chunk: pl.DataFrame) -> pl.DataFrame:
        use, use_code = derived, code
        if exact is not None and (chunk.get_column("amount").str.len_bytes().max() or 0) > _SHORT:
            use, use_code = exact
        return chunk.lazy().with_columns(use).with_columns(use_code).select(outcome).collect()

    return run


_SHORT = 300  # characters: a decimal this long with a digit 1-9 is not 0.0 as a float


def add_occurrence(frame: pl.DataFrame) -> pl.DataFrame:
    """Number identical accepted lines within the file (0 for the first) and warn on the
    repeats; ``occurrence`` becomes part of the row key. Lines count as identical when their
    text is (after the line break is cut); only repeated lines are grouped, so the common
    case, no repeats, costs one hash of the line text."""
    accepted = pl.col("status") == "accepted"
    content = pl.col("raw").hash(seed=7)
    frame = frame.with_columns(pl.when(accepted).then(content).alias("_h"))
    ordered = frame.get_column("_h").drop_nulls().sort()
    twice = ordered.filter(ordered == ordered.shift(1))  # sorting beats a hash set here
    if twice.is_empty():
        return frame.drop("_h").with_columns(pl.lit(0, dtype=pl.UInt32).alias("occurrence"))
    # Only the repeated hashes form groups (the rest get null), and the new columns are
    # added in place: a join would copy every column of a million-row frame.
    grouped = pl.when(pl.col("_h").is_in(twice.unique().implode())).then(pl.col("_h"))
    frame = frame.with_columns(grouped.alias("_h")).with_columns(
        pl.when(pl.col("_h").is_not_null())
        .then(pl.int_range(pl.len(), dtype=pl.UInt32).over("_h")).alias("occurrence"),
        pl.when(pl.col("_h").is_not_null())
        .then(pl.col("line").first().over("_h")).alias("_first"),
    ).drop("_h")
    dup = pl.col("occurrence").fill_null(0) > 0
    note = pl.format("Gleiche Leistung wie Zeile {}; wird zusätzlich übernommen.",
                     pl.col("_first"))
    return frame.with_columns(
        pl.col("occurrence").fill_null(0),
        pl.when(dup & pl.col("warning").is_not_null())
        .then(pl.concat_str([pl.col("warning").cast(pl.String), note], separator=" "))
        .when(dup).then(note).otherwise(pl.col("warning").cast(pl.String))
        .cast(pl.Categorical).alias("warning"),
    ).drop("_first")


def row_keys(frame: pl.DataFrame) -> list[str]:
    """The stable content key of each row: sha256 over the normalised key fields and the
    occurrence number (identical rows in one file get distinct keys)."""
    prefix = pl.lit(_KEY_VERSION + "\x1e")
    text = frame.select(pl.concat_str([
        prefix,
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in KEY_COLUMNS]
                      + [pl.col("occurrence").cast(pl.String)], separator="\x1f"),
    ]).cast(pl.Binary)).to_series().to_list()  # polars text is UTF-8: the same bytes
    return list(map(methodcaller("hexdigest"), map(hashlib.sha256, text)))
