"""The check's shortcuts decide exactly as the long way would: the cheap look at the raw
lines (which may be quoted, padded, escaped or hold a NUL) as a full scan of every line and
field, ``date_ok`` as the ``ok`` of ``date_rule``, ``plain_decimal`` as ``german_decimal``
on amounts that are digits with an optional decimal comma, and each rule's ``ok`` read off
its value (``OK_OF_VALUE``, used where the values are computed) as the rule's own."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from mwtui.importers.webfakt.bounded import field_checks
from mwtui.importers.webfakt.read import (
    PLAIN_DECIMAL,
    _line_traits,
    german_decimal,
    plain_decimal,
    split_fields,
)
from mwtui.importers.webfakt.rules import (
    OK_OF_VALUE,
    cycle_rule,
    date_ok,
    date_rule,
    discount_rule,
    quantity_rule,
)

PIECES = [";", '"', "'", " ", "\t", "\r", "\x00", "a", "12", "=", " ;", "; ", "x" * 50]
lines = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=8)


def _frame(raws: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"line": pl.Series(range(1, len(raws) + 1), dtype=pl.UInt32),
                         "raw": pl.Series(raws, dtype=pl.String)})


def _full_scan(raws: list[str]) -> tuple[bool, bool, bool]:
    padded = any(" ;" in r or "; " in r or r.startswith(" ") or r.endswith(" ")
                 or "\t" in r or "\r" in r for r in raws)
    return any('"' in r for r in raws), padded, any("'" in r for r in raws)


@given(lines)
def test_line_traits_match_a_full_scan(raws: list[str]) -> None:
    assert _line_traits(_frame(raws)) == _full_scan(raws)


@given(lines)
def test_field_checks_from_the_lines_match_every_field(raws: list[str]) -> None:
    frame = split_fields(_frame(raws), 3, allow_extra=False)
    fields = [("customer_number", "A"), ("cycle", "B"), ("amount", "C")]
    frame = frame.rename({f"f{i}": name for i, (name, _h) in enumerate(fields)})
    plain = field_checks(frame, fields)
    from_lines = field_checks(frame, fields, source="raw")
    assert [(c[1], c[2]) for c in plain] == [(c[1], c[2]) for c in from_lines]
    assert all(a[0].meta.eq(b[0]) for a, b in zip(plain, from_lines, strict=True))


DATE_PIECES = ["22.05.2004", "31.02.2026", "2013-04-19", "2013-04-19 00:00:00",
               "2013-04-19 12:30:00", "2013-02-30 00:00:00", "", " ", "1", ".", "-", ":", "00"]


@given(st.lists(st.lists(st.sampled_from(DATE_PIECES), max_size=3).map("".join)
                | st.none(), max_size=10))
def test_date_ok_is_the_ok_of_date_rule(values: list[str | None]) -> None:
    frame = pl.DataFrame({"d": pl.Series(values, dtype=pl.String)})
    ok, _text = date_rule(pl.col("d"))
    expected = frame.select(ok).to_series()
    assert frame.select(date_ok(pl.col("d"))).to_series().equals(expected)


amounts = st.one_of(st.none(), st.from_regex(r"\A[0-9]{1,12}(,[0-9]{1,4})?\Z"))


@given(st.lists(amounts, max_size=8))
def test_plain_amounts_read_as_german_decimals_do(values: list[str | None]) -> None:
    frame = pl.DataFrame({"amount": pl.Series(values, dtype=pl.String)})
    assert frame.select(pl.col("amount").str.contains(PLAIN_DECIMAL).all()).item()
    fast = frame.select(*(e.alias(f"e{i}") for i, e in enumerate(plain_decimal(pl.col("amount")))))
    slow = frame.select(*(e.alias(f"e{i}") for i, e in enumerate(german_decimal(pl.col("amount")))))
    assert fast.equals(slow)


RULE_PIECES = ["0", "1", "01", "12", "36", "99", "5", ",", ".", "-", "+", "%", " ", "€", "EUR",
               "100", "101", "0,5", "1.000", "a", "", "2004", "22.05.", "2013-04-19",
               " 00:00:00", "12:30:00"]
RULES = {"cycle": cycle_rule, "quantity": quantity_rule, "discount": discount_rule,
         "date": date_rule}


@given(st.sampled_from(sorted(RULES)),
       st.lists(st.lists(st.sampled_from(RULE_PIECES), max_size=4).map("".join) | st.none(),
                max_size=10))
def test_each_rules_ok_follows_from_its_value(rule: str, values: list[str | None]) -> None:
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})
    ok, value = RULES[rule](pl.col("v"))
    expected = frame.select(ok.fill_null(False)).to_series()
    read_off = frame.select(OK_OF_VALUE[rule](value, pl.col("v"))).to_series()
    assert read_off.equals(expected)
