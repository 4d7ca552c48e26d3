"""WEBFAKT row rules: raw text fields -> one reason per rejected row (+ normalised fields).

:class:`RowCheck` is the one check path: built once per file (format, look-ups), it turns a
chunk of raw lines into the outcome of every row as one polars query. The check runs it
lean (outcome only, the validity of cycles, quantities, discounts and dates computed once
per distinct value); ``CheckResult.with_fields`` runs the same query with ``full=True``,
which also keeps the normalised fields, so both decide alike by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from mwtui.importers.webfakt.bounded import FIELD_LIMITS, field_checks
from mwtui.importers.webfakt.customers import CustomerMatcher
from mwtui.importers.webfakt.formats import (
    FORMAT_COLUMNS,
    FORMAT_FIELDS,
    OPTIONAL_FIELDS,
    OUTCOME_COLUMNS,
)
from mwtui.importers.webfakt.keys import KEY_COLUMNS, key_text, sha256_hex
from mwtui.importers.webfakt.lookups import ArticleInfo, CatalogueLookups, name_key
from mwtui.importers.webfakt.read import (
    PLAIN_DECIMAL,
    german_decimal,
    german_decimal_ok,
    plain_decimal,
    split_fields,
)
from mwtui.importers.webfakt.reasons import REASONS
from mwtui.workspace.models import BILLING_CYCLES

#: VAT rates a format-2 gross amount may fit (DE 19/7/0, historic 16/5, CH 8.1/2.6/3.8 and
#: 7.7/2.5/3.7).
VAT_RATES: tuple[float, ...] = (0.19, 0.07, 0.0, 0.16, 0.05, 0.081, 0.026, 0.038, 0.077,
                                0.025, 0.037)

STATUS_DTYPE = pl.Enum(["accepted", "rejected"])
REASON_DTYPE = pl.Enum(list(REASONS))
CYCLE_DTYPE = pl.Enum(list(BILLING_CYCLES))
CYCLE_NAME_DTYPE = pl.Enum(list(BILLING_CYCLES.values()))

_SHORT = 300  # characters: a decimal this long with a digit 1-9 is not 0.0 as a float
_DATES = ("date", "next_invoice")


def _null() -> pl.Expr:
    return pl.lit(None, dtype=pl.String)


def _is_empty(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("") == ""


def _empty(name: str) -> pl.Expr:
    return _is_empty(pl.col(name))


# --- field rules: (ok, normalised value) of one column ----------------------------------

def _date_parts(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``expr`` read as a German date, an ISO date-time and an ISO date (null if not)."""
    return (expr.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
            expr.str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S", strict=False),
            expr.str.strptime(pl.Date, "%Y-%m-%d", strict=False))


def date_ok(expr: pl.Expr) -> pl.Expr:
    """The ``ok`` of :func:`date_rule` without building the ISO text: empty, or one of
    the three forms reads."""
    german, stamp, iso_date = _date_parts(expr)
    return _is_empty(expr) | german.is_not_null() | stamp.is_not_null() | iso_date.is_not_null()


def date_rule(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(ok, iso)`` for "22.05.2004", "2013-04-19 00:00:00" or "2013-04-19" (empty is
    ok); midnight times give a date, other times an ISO date-time."""
    german, stamp, iso_date = _date_parts(expr)
    midnight = stamp.dt.time() == pl.time(0, 0, 0)
    text = (
        pl.when(german.is_not_null()).then(german.dt.to_string("%Y-%m-%d"))
        .when(stamp.is_not_null() & midnight).then(stamp.dt.to_string("%Y-%m-%d"))
        .when(stamp.is_not_null()).then(stamp.dt.to_string("%Y-%m-%dT%H:%M:%S"))
        .when(iso_date.is_not_null()).then(iso_date.dt.to_string("%Y-%m-%d"))
        .otherwise(None)
    )
    return _is_empty(expr) | text.is_not_null(), text


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


Rule = Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]]

#: Columns checked by a rule: (rule, name of its ok column, value where the format lacks it).
_RULES: dict[str, tuple[Rule, str, str]] = {
    "cycle": (cycle_rule, "_cycle_ok", "00"),
    "quantity": (quantity_rule, "_q_ok", "1"),
    "discount": (discount_rule, "_d_ok", "0"),
}


def _number(value: pl.Expr) -> pl.Expr:
    return value.cast(pl.Float64, strict=False)


#: The ``ok`` of each rule read off its normalised value (and for dates the raw one), the
#: same as the rule's own: where the value is computed anyway, the rule's values need not
#: be looked at twice.
OK_OF_VALUE: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "cycle": lambda value, _raw: value.is_not_null(),
    "quantity": lambda value, _raw: (_number(value) > 0).fill_null(False),
    "discount": lambda value, _raw: _number(value).is_between(0, 100).fill_null(False),
    "date": lambda value, raw: _is_empty(raw) | value.is_not_null(),
}


def per_distinct(name: str, check: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``check`` (a function of an expression, giving a boolean) evaluated once per distinct
    value of column ``name`` and looked up for every row, all inside one query. A value
    whose check is null fails, as in a filter."""
    passing = pl.col(name).unique().implode().list.eval(
        pl.element().filter(check(pl.element())))
    return pl.col(name).is_in(passing, nulls_equal=True)


def value_per_distinct(name: str, value: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``value`` (a function of an expression) evaluated once per distinct value of column
    ``name`` and looked up for every row, inside one query."""
    distinct = pl.col(name).unique(maintain_order=True)
    return pl.col(name).replace_strict(distinct, value(distinct), default=None)


def article_table(keys: Iterable[str], articles: Mapping[str, ArticleInfo | None]
                  ) -> pl.DataFrame:
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


# --- the checks and the outcome columns -------------------------------------------------

Check = tuple[pl.Expr, str, str, pl.Expr]
"""One row check: (fails, reason code, header name of the column, the value to report)."""


def _checks(fmt: int, header: Mapping[str, str], zero: pl.Expr | None = None) -> list[Check]:
    """The row checks in the order a row reports them (the first failing one counts), over
    the columns the check query computes (``customer_state``, ``_cycle_ok``, ``_q_ok``,
    ``_amount_ok``, ``_g_ok``, ``_d_ok``, ``_<date>_ok``, ``_looked_up``, ``n_service``,
    ``n_amount``, ``from_catalogue``). ``zero`` replaces the zero-amount test on
    ``n_amount``."""
    def f(name: str) -> pl.Expr:
        return pl.col(name) if name in header else _null()

    customer = header["customer_number"]
    checks: list[Check] = [
        (~pl.col("fields_ok"), "field_count", "", pl.lit("")),
        (pl.col("customer_state") == "unknown", "unknown_customer", customer, f(
            "customer_number")),
        (pl.col("customer_state") == "ambiguous", "ambiguous_customer", customer, f(
            "customer_number")),
    ]
    if "cycle" in header:
        checks.append((~pl.col("_cycle_ok"), "bad_cycle", header["cycle"], f("cycle")))
    if "quantity" in header:
        checks.append((~pl.col("_q_ok"), "bad_quantity", header["quantity"], f("quantity")))
    checks.append((~_empty("amount") & ~pl.col("_amount_ok"), "bad_amount", header["amount"],
                   f("amount")))
    if "gross_amount" in header:
        checks.append((~pl.col("_g_ok"), "bad_amount", header["gross_amount"],
                       f("gross_amount")))
    if "discount" in header:
        checks.append((~pl.col("_d_ok"), "bad_discount", header["discount"], f("discount")))
    for name in (n for n in _DATES if n in header):
        checks.append((~pl.col(f"_{name}_ok"), "bad_date", header[name], f(name)))
    if fmt == 3:
        checks.append((pl.col("_looked_up") & ~pl.col("from_catalogue"), "unknown_article",
                       header["article_number"], f("article_number")))
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


def _gross_warning() -> pl.Expr:
    """Format 2: a gross amount that fits no usual VAT rate on the net amount."""
    net = pl.col("n_amount").cast(pl.Float64, strict=False)
    grs = pl.col("n_gross").cast(pl.Float64, strict=False)
    fits = pl.any_horizontal(
        [((net * (1 + rate)).round(2) - grs).abs() <= 0.011 for rate in VAT_RATES])
    return pl.when(grs.is_not_null() & net.is_not_null() & ~fits).then(pl.format(
        "Brutto {} passt zu keinem üblichen Steuersatz auf Netto {}.",
        pl.col("gross_amount"), pl.col("amount")))


def _message(check: Check, field_count: int, limits: Mapping[str, int]) -> str:
    """The operator sentence of ``check``, with the expected count or the column's limit."""
    text = REASONS[check[1]]
    if check[1] == "field_count":
        return f"{text} Erwartet: {field_count}."
    if check[1] == "field_too_long":
        return f"{text} Höchstens {limits[check[2]]} Zeichen."
    return text


def _outcome(checks: list[Check], field_count: int, fmt: int,
             limits: Mapping[str, int]) -> list[pl.Expr | str]:
    """The outcome columns (line, status, reason, column, value, message, warning,
    from_catalogue, raw), all derived from ``_code``."""
    code = pl.col("_code")
    accepted = code.is_null()

    def by_code(values: list[str], dtype: Any) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=dtype)).gather(code)  # null code: null

    value: Any = pl
    for index, check in enumerate(checks):
        value = value.when(code == index).then(check[3])
    warning = _gross_warning() if fmt == 2 else _null()
    return [
        "line",
        pl.lit(pl.Series(["accepted", "rejected"], dtype=STATUS_DTYPE))
        .gather(code.is_not_null().cast(pl.UInt8)).alias("status"),
        by_code([c[1] for c in checks], REASON_DTYPE).alias("reason"),
        by_code([c[2] for c in checks], pl.Categorical).alias("column"),
        pl.when(accepted).then(None).otherwise(value.otherwise(None).fill_null(""))
        .cast(pl.Categorical).alias("value"),
        by_code([_message(c, field_count, limits) for c in checks], pl.Categorical)
        .alias("message"),
        pl.when(accepted).then(warning).otherwise(None).cast(pl.Categorical).alias("warning"),
        (pl.col("from_catalogue") & accepted).alias("from_catalogue"),
        "raw",
    ]


# --- the one check path -----------------------------------------------------------------

class RowCheck:
    """The row rules of one format with the look-ups of one check, built once per file.

    :meth:`run` turns raw lines into the outcome of every row (line, status, reason, column,
    value, message, warning, from_catalogue, raw); with ``full`` it also keeps the
    normalised fields. Without ``full`` and with ``owners`` (customer numbers that have
    committed services) it adds ``_owner``: the row's customer is one of them (only those
    rows can be already imported), and ``_key``: the row key of each accepted row of an
    owner, as if it were the first of its kind (or the key's text, when the look-ups hold
    key texts), computed in the same query. Rows whose line is in ``long_lines`` (cut
    while reading) are rejected as too long."""

    def __init__(self, fmt: int, lookups: CatalogueLookups, *, allow_extra: bool = False,
                 owners: Iterable[str] = (), long_lines: Iterable[int] = ()) -> None:
        self.fmt = fmt
        self.fields = FORMAT_FIELDS[fmt]
        self.header = dict(zip(self.fields, FORMAT_COLUMNS[fmt], strict=True))
        self.lookups = lookups
        self.allow_extra = allow_extra
        self.owners = frozenset(owners)
        self.long_lines = sorted(long_lines)
        self.limits = {self.header[f]: FIELD_LIMITS[f] for f in self.fields if f in FIELD_LIMITS}
        self.customers = CustomerMatcher(lookups.customers)

    def run(self, lines: pl.DataFrame, *, full: bool = False,
            columns: tuple[str, ...] = ()) -> pl.DataFrame:
        """Check ``lines`` (columns ``line`` and ``raw``, any order) in one query. With
        ``full`` and ``columns``, only those output columns (polars then skips the work
        only the others need)."""
        split = split_fields(lines.select("line", "raw"), len(self.fields),
                             allow_extra=False, reason_last=self.allow_extra)
        frame = split.rename({f"f{i}": name for i, name in enumerate(self.fields)})
        frame = self._with_articles(frame.with_columns(pl.col("customer_number").fill_null("")))
        keyed = not full and bool(self.owners)  # the row keys of the owners' rows
        # A valid amount of at most _SHORT characters is 0 exactly when it has no digit 1-9
        # (its float cannot underflow): format 1 needs no amount values for its check.
        exact = (full or keyed or self.fmt != 1
                 or (frame.get_column("amount").str.len_bytes().max() or 0) > _SHORT)
        zero = None if exact else ~pl.col("_amount_ok") | ~pl.col("amount").str.contains("[1-9]")
        checks = self._bounds(frame, _checks(self.fmt, self.header, zero))
        lazy = frame.lazy()
        plain, breaks = self._traits(frame, exact=exact, full=full or keyed)
        for stage in self._derived(full=full or keyed, exact=exact, owner=keyed,
                                   plain_amounts=plain, breaks=breaks):
            lazy = lazy.with_columns(stage)
        outcome = _outcome(checks, len(self.fields), self.fmt, self.limits)
        lazy = lazy.with_columns(_reason_code(checks))
        if full:
            lazy = lazy.select(*outcome, *self._fields())
            return (lazy.select(columns) if columns else lazy).collect()
        if not keyed:
            return lazy.select(outcome).collect()
        absent = [c for c in KEY_COLUMNS if c in OPTIONAL_FIELDS and c not in self.header]
        return _with_keys(lazy.select(*outcome, "_owner", *self._fields(text=True)),
                          hashed=not self.lookups.keys_are_texts, absent=absent)

    def _bounds(self, frame: pl.DataFrame, checks: list[Check]) -> list[Check]:
        """``checks`` with the input bounds: a cut line first, then after the field count
        a NUL byte or an overlong value in a field (added only where ``frame`` has one)."""
        first: list[Check] = []
        if self.long_lines:
            first.append((pl.col("line").is_in(self.long_lines), "line_too_long", "",
                          pl.col("raw")))
        bounds = field_checks(frame, self.header.items(), source="raw")
        return [*first, checks[0], *bounds, *checks[1:]]

    def _with_articles(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Formats 3 and 4: the catalogue article of each row (format 3 by article number
        when Leistung is empty, format 4 by name when Betrag is empty) as ``art_key``,
        ``art_name``, ``art_price``, ``art_text``."""
        if self.fmt == 3:
            key = pl.when(_empty("service") & ~_empty("article_number")).then(
                pl.col("article_number"))
        elif self.fmt == 4:
            key = pl.when(_empty("amount") & ~_empty("service")).then(
                pl.col("service").str.to_lowercase())
        else:
            return frame
        frame = frame.with_columns(key.alias("art_key"))
        wanted = frame.get_column("art_key").drop_nulls().unique().to_list()
        articles: Mapping[str, ArticleInfo | None] = self.lookups.articles_by_number
        if self.fmt == 4:
            articles = {k: self.lookups.articles_by_name.get(name_key(k)) for k in wanted}
        return frame.join(article_table(wanted, articles), on="art_key", how="left",
                          maintain_order="left")

    def _traits(self, frame: pl.DataFrame, *, exact: bool, full: bool) -> tuple[bool, bool]:
        """One look at the chunk: do all amounts match ``PLAIN_DECIMAL`` (when their
        values are needed), may a remark hold a ``<br>`` (when the fields are needed)?"""
        has_remarks = full and "remarks" in self.header
        if not (exact or has_remarks):
            return False, False
        plain, breaks = frame.select(
            pl.col("amount").str.contains(PLAIN_DECIMAL).all() if exact else pl.lit(False),
            pl.col("remarks").str.contains("<", literal=True).any() if has_remarks
            else pl.lit(False),
        ).row(0)
        return bool(plain), bool(breaks)

    def _derived(self, *, full: bool, exact: bool, owner: bool, plain_amounts: bool = False,
                 breaks: bool = True) -> list[list[pl.Expr]]:
        """The columns the checks (and ``full`` fields, and with ``owner`` the ``_owner``
        flag) read, in two stages: the second reads the first. With ``exact`` the amounts'
        values too (cheaper with ``plain_amounts``: all match ``PLAIN_DECIMAL``); without
        ``breaks`` no remark holds a ``<``, so none has a ``<br>`` to replace."""
        first = [self.customers.entry(pl.col("customer_number")).alias("_entry")]
        first += self._rule_columns(full)
        if exact:
            decimal = plain_decimal if plain_amounts else german_decimal
            ok, amount = decimal(pl.col("amount"))
            first += [ok.alias("_amount_ok"), amount.alias("n_amount0")]
        else:
            first.append(german_decimal_ok(pl.col("amount")).alias("_amount_ok"))
        if "gross_amount" in self.header:
            g_ok, gross = german_decimal(pl.col("gross_amount"))
            first += [(_empty("gross_amount") | g_ok).alias("_g_ok"), gross.alias("n_gross")]
        else:
            first += [pl.lit(True).alias("_g_ok"), _null().alias("n_gross")]
        first += self._catalogue_columns(full, breaks)
        second = self._customer_columns(full, owner) + self._oks_of_values(full)
        if exact:
            second.append(self._amount().alias("n_amount"))
        return [first, second]

    def _rule_columns(self, full: bool) -> list[pl.Expr]:
        """Cycle, quantity, discount and the dates: their ``ok`` columns, with ``full``
        their values instead (the ``ok`` then follows from them, see
        :meth:`_oks_of_values`)."""
        columns = []
        for name, (rule, ok_name, default) in _RULES.items():
            if name not in self.header:
                columns.append(pl.lit(True).alias(ok_name))
                if full:
                    columns.append(pl.lit(default).alias(f"n_{name}"))
            elif full:
                columns.append(value_per_distinct(name, lambda e, r=rule: r(e)[1])
                               .alias(f"n_{name}"))
            else:
                columns.append(per_distinct(name, lambda e, r=rule: r(e)[0]).alias(ok_name))
        for name in (n for n in _DATES if n in self.header):
            columns.append(value_per_distinct(name, lambda e: date_rule(e)[1])
                           .alias(f"n_{name}") if full
                           else per_distinct(name, date_ok).alias(f"_{name}_ok"))
        return columns

    def _oks_of_values(self, full: bool) -> list[pl.Expr]:
        """With ``full``, the ``ok`` columns of the rules and dates the file has, read off
        the values of :meth:`_rule_columns` and the dates."""
        if not full:
            return []
        oks = [OK_OF_VALUE[name](pl.col(f"n_{name}"), pl.col(name)).alias(ok_name)
               for name, (_rule, ok_name, _default) in _RULES.items() if name in self.header]
        return oks + [OK_OF_VALUE["date"](pl.col(f"n_{name}"), pl.col(name)).alias(
            f"_{name}_ok") for name in _DATES if name in self.header]

    def _catalogue_columns(self, full: bool, breaks: bool = True) -> list[pl.Expr]:
        """Service, remarks (``full``) and the catalogue flags, filled from the article
        where the format says so."""
        service = pl.when(~_empty("service")).then(pl.col("service"))
        remarks = _null() if "remarks" not in self.header else (
            pl.col("remarks").str.replace_all(r"(?i)<br\s*/?>", "\n") if breaks
            else pl.col("remarks"))
        looked_up = found = pl.lit(False)
        if self.fmt in (3, 4):
            looked_up = pl.col("art_key").is_not_null()
            found = looked_up & pl.col("art_name").is_not_null()
        if self.fmt == 3:
            service = pl.coalesce(service, pl.col("art_name"))
            remarks = pl.when(found & (remarks.fill_null("") == "")).then(
                pl.col("art_text")).otherwise(remarks)
        columns = [service.alias("n_service"), found.alias("from_catalogue"),
                   looked_up.alias("_looked_up")]
        return [*columns, remarks.alias("n_remarks")] if full else columns

    def _amount(self) -> pl.Expr:
        """The amount as dot-decimal text, the article's price where the catalogue fills
        it (format 3 when Betrag is empty, format 4 whenever the article was found)."""
        amount = pl.col("n_amount0")
        if self.fmt == 3:
            return pl.when(pl.col("from_catalogue") & _empty("amount")).then(
                pl.col("art_price")).otherwise(amount)
        if self.fmt == 4:
            return pl.when(pl.col("from_catalogue")).then(pl.col("art_price")).otherwise(amount)
        return amount

    def _customer_columns(self, full: bool, owner: bool) -> list[pl.Expr]:
        entry = pl.col("_entry")
        columns = [self.customers.state(entry).alias("customer_state")]
        if full:
            number = self.customers.number(entry)
            columns += [
                self.customers.customer_id(entry).alias("customer_id"),
                pl.coalesce(number, pl.col("customer_number")).alias("customer_out"),
            ]
        if owner:
            columns.append(self.customers.owner(entry, self.owners).alias("_owner"))
        return columns

    def _fields(self, *, text: bool = False) -> list[pl.Expr]:
        """The normalised fields (see ``CheckResult``); columns the format lacks are of
        polars' Null type and cost no memory. With ``text`` the categorical and enum
        columns are plain text (the same values, cheaper when only read as text)."""
        category = pl.String if text else pl.Categorical

        def field(name: str, expr: pl.Expr, dtype: Any = None) -> pl.Expr:
            if name not in self.header:
                return pl.lit(None).alias(name)
            return (expr if dtype is None else expr.cast(dtype)).alias(name)

        def known(name: str, expr: pl.Expr) -> pl.Expr:  # categorical where the file has it
            return expr.cast(category if name in self.header else pl.String).alias(name)

        return [
            pl.col("customer_out").cast(category).alias("customer_number"),
            "customer_id",
            field("article_number", pl.when(~_empty("article_number"))
                  .then(pl.col("article_number")), category),
            pl.col("n_service").cast(category).alias("service"),
            pl.col("n_cycle").cast(pl.String if text else CYCLE_DTYPE).alias("cycle"),
            pl.col("n_cycle").replace_strict(BILLING_CYCLES, default=None,
                                             return_dtype=pl.String)
            .cast(CYCLE_NAME_DTYPE).alias("cycle_name"),
            known("quantity", pl.col("n_quantity")),
            field("quantity_text", pl.col("quantity_text")),
            pl.col("n_amount").alias("amount"),
            field("gross_amount", pl.col("n_gross")),
            field("next_invoice", pl.col("n_next_invoice"), category),
            field("date", pl.col("n_date"), category),
            known("discount", pl.col("n_discount")),
            pl.col("n_remarks").fill_null("").alias("remarks"),
            field("employee", pl.col("employee")),
            field("contract_number", pl.col("contract_number")),
            field("order_number", pl.col("order_number")),
        ]


def _with_keys(rows: pl.LazyFrame, *, hashed: bool, absent: list[str]) -> pl.DataFrame:
    """The outcome columns, ``_owner`` and ``_key``: the row key of each accepted row of an
    owner as if it were the first of its kind in the file (``occurrence`` 0; the check
    keys the repeats again), null for the other rows; unless ``hashed``, the key's text
    instead of its sha256. Reads the normalised fields (but the ``absent`` ones), which
    it drops."""
    candidate = (pl.col("status") == "accepted") & pl.col("_owner")
    text = pl.when(candidate).then(key_text(pl.lit(0, dtype=pl.UInt32), absent)).alias(
        "_key")
    frame = rows.with_columns(text).select(*OUTCOME_COLUMNS[:9], "_owner", "_key").collect()
    if not hashed:
        return frame
    return frame.with_columns(sha256_hex(frame.get_column("_key")).alias("_key"))
