"""The check of formats 1 and 2 runs as one polars query per chunk (``lean_check``). It must
reject exactly the rows, with exactly the reasons, columns, values and messages, that the
step-by-step ``normalise`` gives, or an operator would see different rejects depending on
which path ran."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mwtui.importers.webfakt import FORMAT_FIELDS, FORMAT_HEADERS, REASONS, CatalogueLookups
from mwtui.importers.webfakt.read import german_decimal, german_decimal_ok, split_fields
from mwtui.importers.webfakt.rules import (
    CustomerMatcher,
    customer_owner,
    customer_state,
    customer_table,
    lean_check,
    normalise,
)

CUSTOMERS = {"001": 1, "0815": 2, "00815": 3, "7104": 4, "0": 5, "00": 6, "12": 7,
             "012": None, "5": None, "80220": 8}
NUMBERS = ["", "1", "01", "815", "0815", "7104", "07104", "99", "0", "000", "12", "0012", "5",
           "05", "x", "80220", " 7104", "012", "0012"]
CYCLES = ["", "00", "1", "01", "6", "06", "12", "24", "36", "03", "0", "001", "+1", "-1", "a",
          "99", "1 ", "١"]
NUMBERS_TEXT = ["", "0", "0,00", "-0", "38,53", "1.234,56", "38.53", "-5", "+7,50", "7,50 €",
                "12 EUR", "12EUR", "EUR", "12 EUR ", "€ 5", "\u00a05\u00a0", "1.23", "abc",
                "1.000.000,01", "0,0000001", "5EUREUR", "1,5", "2,", ",5", "+", "100",
                "101", "10%", "10 %", "50,5", "١٢", "0" * 320 + ",0", "0," + "0" * 330 + "1"]
DATES = ["", "22.05.2004", "1.6.2004", "31.02.2026", "2013-04-19 00:00:00",
         "2013-04-19 08:30:00", "2013-04-19", "2013-02-30", "x", "29.02.2024", "29.02.2023"]
SERVICES = ["", "Wartung", "=x", '"a;b"']

field_text = st.sampled_from(NUMBERS_TEXT) | st.text(
    alphabet="0123456789.,+- €EUR%\u00a0", max_size=8)


def _pick(draw: st.DrawFn, good: list[str], odd: st.SearchStrategy[str]) -> str:
    """Mostly a valid value (so that rows reach the later checks), sometimes an odd one."""
    return draw(st.sampled_from(good)) if draw(st.integers(0, 3)) else draw(odd)


def _row(draw: st.DrawFn, fmt: int) -> str:
    customer = _pick(draw, ["001", "7104", "0815"], st.sampled_from(NUMBERS))
    service = _pick(draw, ["Wartung"], st.sampled_from(SERVICES))
    amount = _pick(draw, ["38,53", "100", "1.000,00", "0," + "0" * 330 + "1"], field_text)
    if fmt == 1:
        fields = [customer, "12101", service, _pick(draw, ["01", "1"], st.sampled_from(CYCLES)),
                  _pick(draw, ["1", "1,5"], field_text), amount,
                  _pick(draw, ["22.05.2004", ""], st.sampled_from(DATES)),
                  _pick(draw, ["0", "10 %"], field_text), "x"]
    else:
        fields = [customer, service, "1 Std", amount,
                  _pick(draw, ["45,85", "7,76", ""], field_text)]
    cut = draw(st.integers(0, 12))
    if cut < len(fields):
        fields = fields[:cut]
    elif cut == 11:
        fields.append("")
    elif cut == 12:
        fields.append("x")
    return ";".join(fields)


@st.composite
def chunks(draw: st.DrawFn) -> tuple[int, list[str]]:
    fmt = draw(st.sampled_from([1, 2]))
    return fmt, [_row(draw, fmt) for _ in range(draw(st.integers(1, 40)))]


def _lookups(owners: frozenset[str]) -> CatalogueLookups:
    return CatalogueLookups(customers=CUSTOMERS, committed_keys=frozenset({"k"}),
                            committed_customers=owners)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks(), st.sampled_from([frozenset(), frozenset({"0815", "001", "12", "0"})]))
def test_one_query_rejects_what_the_step_by_step_check_rejects(
        case: tuple[int, list[str]], owners: frozenset[str]) -> None:
    fmt, rows = case
    fields = FORMAT_FIELDS[fmt]
    columns = tuple(FORMAT_HEADERS[fmt].split(";"))
    frame = pl.DataFrame({"line": pl.Series(range(2, len(rows) + 2), dtype=pl.UInt32),
                          "raw": rows})
    split = split_fields(frame, len(fields), allow_extra=False)
    split = split.rename({f"f{i}": name for i, name in enumerate(fields)})
    lookups = _lookups(owners)
    run = lean_check(fmt, fields, columns, lookups, REASONS, owners=owners)
    assert run is not None
    want = normalise(split, fmt, fields, columns, lookups, REASONS, full=False,
                     customers=CustomerMatcher(CUSTOMERS), owners=owners)
    assert_frame_equal(run(split), want, categorical_as_str=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(field_text | st.text(max_size=6), min_size=1, max_size=30))
def test_one_pass_decimal_check_agrees_with_the_stripping_one(values: list[str]) -> None:
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})
    got = frame.select(german_decimal_ok(pl.col("v"))).to_series()
    want = frame.select(german_decimal(pl.col("v"))[0]).to_series()
    assert got.to_list() == want.to_list()


def test_customer_expressions_follow_the_customer_rules() -> None:
    """Leading zeros, shared numbers, empty values: the expressions give the states and
    owners of the per-value rules."""
    owners = {"0815", "001", "0", "012"}
    table = customer_table(NUMBERS, CUSTOMERS)
    got = pl.DataFrame({"k": NUMBERS}).select(
        customer_state(CUSTOMERS, pl.col("k")).cast(pl.String).alias("state"),
        customer_owner(CUSTOMERS, owners, pl.col("k")).alias("owner"))
    assert got.get_column("state").to_list() == table.get_column("customer_state").to_list()
    want_owner = [m in owners for m in table.get_column("customer_match").to_list()]
    assert got.get_column("owner").to_list() == want_owner
    empty = pl.DataFrame({"k": ["", "1"]}).select(customer_state({}, pl.col("k")))
    assert empty.to_series().cast(pl.String).to_list() == ["unknown", "unknown"]


def test_catalogue_formats_keep_the_step_by_step_check() -> None:
    for fmt in (3, 4):
        fields = FORMAT_FIELDS[fmt]
        assert lean_check(fmt, fields, tuple(FORMAT_HEADERS[fmt].split(";")),
                          _lookups(frozenset()), REASONS) is None
