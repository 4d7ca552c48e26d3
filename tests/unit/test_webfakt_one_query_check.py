"""The check runs every chunk as one polars query (``RowCheck``). Lean (as the check runs it,
with short cuts such as "an amount is 0 when it has no digit 1-9") it must reject exactly the
rows, with exactly the reasons, columns, values and messages, that the same query gives with
every field computed (as the preview and the commit run it), or an operator would see one
thing and the commit do another. The customer look-up is checked against its rules."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mwtui.importers.webfakt import OUTCOME_COLUMNS, CatalogueLookups
from mwtui.importers.webfakt.customers import CustomerMatcher
from mwtui.importers.webfakt.keys import row_keys, sha256_hex
from mwtui.importers.webfakt.read import german_decimal, german_decimal_ok
from mwtui.importers.webfakt.rules import RowCheck

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


def _lookups(owners: frozenset[str], texts: bool = False) -> CatalogueLookups:
    return CatalogueLookups(customers=CUSTOMERS, committed_keys=frozenset({"k"}),
                            committed_customers=owners, keys_are_texts=texts)


def want_keys(keys: pl.Series, candidate: pl.Series) -> list[str | None]:
    return [key if is_candidate else None
            for key, is_candidate in zip(keys, candidate, strict=True)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks(), st.sampled_from([frozenset(), frozenset({"0815", "001", "12", "0"})]))
def test_lean_check_rejects_what_the_full_check_rejects(
        case: tuple[int, list[str]], owners: frozenset[str]) -> None:
    fmt, rows = case
    lines = pl.DataFrame({"line": pl.Series(range(2, len(rows) + 2), dtype=pl.UInt32),
                          "raw": rows})
    rules = RowCheck(fmt, _lookups(owners), owners=owners)
    lean = rules.run(lines)
    full = rules.run(lines, full=True)
    outcome = list(OUTCOME_COLUMNS[:9])
    assert_frame_equal(lean.select(outcome), full.select(outcome), categorical_as_str=True)
    if owners:  # only rows of customers with committed services can be already imported
        owned = full.get_column("customer_number").cast(pl.String).is_in(list(owners)) & \
            full.get_column("customer_id").is_not_null()
        assert lean.get_column("_owner").to_list() == owned.to_list()
        # ... and those rows get the key the commit stores (as first of their kind)
        want = row_keys(full.with_columns(pl.lit(0, dtype=pl.UInt32).alias("occurrence")))
        candidate = (lean.get_column("status") == "accepted") & lean.get_column("_owner")
        assert lean.get_column("_key").to_list() == want_keys(want, candidate)
        # with key texts from the workspace the check keeps the texts of those keys
        texts = RowCheck(fmt, _lookups(owners, texts=True), owners=owners).run(lines)
        assert sha256_hex(texts.get_column("_key")).to_list() == want_keys(want, candidate)
    else:
        assert "_owner" not in lean.columns


@settings(max_examples=200, deadline=None)
@given(st.lists(field_text | st.text(max_size=6), min_size=1, max_size=30))
def test_one_pass_decimal_check_agrees_with_the_stripping_one(values: list[str]) -> None:
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})
    got = frame.select(german_decimal_ok(pl.col("v"))).to_series()
    want = frame.select(german_decimal(pl.col("v"))[0]).to_series()
    assert got.to_list() == want.to_list()


#: What each number of NUMBERS matches in CUSTOMERS: (state, customer id, number as stored).
EXPECTED_CUSTOMERS = {
    "": ("unknown", None, None),
    "1": ("ok", 1, "001"),  # leading zeros ignored, one customer fits
    "01": ("ok", 1, "001"),
    "815": ("ambiguous", None, None),  # 0815 and 00815
    "0815": ("ok", 2, "0815"),  # exact beats the leading-zero rule
    "7104": ("ok", 4, "7104"),
    "07104": ("ok", 4, "7104"),
    "99": ("unknown", None, None),
    "0": ("ok", 5, "0"),
    "000": ("ambiguous", None, None),  # 0 and 00
    "12": ("ok", 7, "12"),
    "0012": ("ambiguous", None, None),  # 12 and 012
    "5": ("ambiguous", None, None),  # two customers share the number 5
    "05": ("ambiguous", None, None),
    "x": ("unknown", None, None),
    "80220": ("ok", 8, "80220"),
    " 7104": ("unknown", None, None),
    "012": ("ambiguous", None, None),
}


def test_customer_matcher_follows_the_customer_rules() -> None:
    """Leading zeros, shared numbers, empty values: state, id, stored number and owner."""
    owners = {"0815", "001", "0", "012"}
    matcher = CustomerMatcher(CUSTOMERS)
    entry = matcher.entry(pl.col("k"))
    got = pl.DataFrame({"k": NUMBERS}).with_columns(entry.alias("e")).select(
        "k", matcher.state(pl.col("e")).cast(pl.String).alias("state"),
        matcher.customer_id(pl.col("e")).alias("id"), matcher.number(pl.col("e")).alias("n"),
        matcher.owner(pl.col("e"), owners).alias("owner"))
    for key, state, cid, number, owner in got.iter_rows():
        assert (state, cid, number) == EXPECTED_CUSTOMERS[key], key
        assert owner == (number in owners), key
    empty = CustomerMatcher({})
    states = pl.DataFrame({"k": ["", "1"]}).select(empty.state(empty.entry(pl.col("k"))))
    assert states.to_series().cast(pl.String).to_list() == ["unknown", "unknown"]
