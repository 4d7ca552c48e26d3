"""Amounts, numbers, dates and times as German, Swiss and English operators read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from mwtui.i18n import formats as fmt
from mwtui.i18n import set_timezone, using_language

NBSP = "\u00a0"


# -- money ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), [
    (Decimal("1234.56"), "EUR", "de_DE", f"1.234,56{NBSP}€"),
    ("1200.000000", "EUR", "de_DE", f"1.200,00{NBSP}€"),
    ("540.00", "CHF", "de_DE", f"540,00{NBSP}CHF"),
    ("-1234.5", "EUR", "de_DE", f"-1.234,50{NBSP}€"),
    ("1234.56", "CHF", "de_CH", f"CHF{NBSP}1'234.56"),
    ("1200.000000", "CHF", "de_CH", f"CHF{NBSP}1'200.00"),
    ("1234.56", "EUR", "de_CH", f"EUR{NBSP}1'234.56"),
    ("1234567.891", "CHF", "de_CH", f"CHF{NBSP}1'234'567.89"),  # Babel 2.19 workaround
    ("-5", "CHF", "de_CH", "CHF-5.00"),
    ("1234.56", "EUR", "en_GB", "€1,234.56"),
    ("1234.56", "CHF", "en_GB", "CHF1,234.56"),
    ("0.005", "EUR", "de_DE", f"0,01{NBSP}€"),
    ("-0.005", "EUR", "de_DE", f"-0,01{NBSP}€"),
    ("7", "eur", "de_DE", f"7,00{NBSP}€"),
])
def test_money(amount: object, currency: str, locale: str, expected: str) -> None:
    assert fmt.money(amount, currency, locale=locale) == expected


def test_money_follows_the_current_region() -> None:
    with using_language("de"):
        assert fmt.money("1234.5", "EUR") == f"1.234,50{NBSP}€"
    with using_language("de", region="de_CH"):
        assert fmt.money("1234.5", "CHF") == f"CHF{NBSP}1'234.50"
    assert fmt.money("1234.5", "EUR") == f"1.234,50{NBSP}€"  # tests start in English, de_DE
    with using_language("en", region="en_GB"):
        assert fmt.money("1234.5", "EUR") == "€1,234.50"


def test_money_without_or_with_odd_currency() -> None:
    assert fmt.money("1200.5", None, locale="de_DE") == "1.200,50"
    assert fmt.money("1200.5", "", locale="de_CH") == "1'200.50"
    assert fmt.money("3", "Euro", locale="de_DE") == "3,00 Euro"


@pytest.mark.parametrize("bad", ["abc", "1,5", "NaN", "inf", "1_000", "\x1b[2J9", True])
def test_money_never_raises_on_bad_input(bad: object) -> None:
    shown = fmt.money(bad, "EUR", locale="de_DE")
    assert "\x1b" not in shown
    assert shown == ("True" if bad is True else str(bad).replace("\x1b", "\ufffd"))


def test_empty_values_are_empty() -> None:
    for func in (fmt.money, fmt.count, fmt.decimal, fmt.percent, fmt.date, fmt.datetime_):
        assert func(None) == ""
        assert func("  ") == ""


def test_unknown_locale_falls_back() -> None:
    assert fmt.count(1234, locale="xx_YY") == "1.234"
    with using_language("de", region="nonsense"):
        assert fmt.count(1234) == "1.234"
    with using_language("en", region="nonsense"):
        assert fmt.count(1234) == "1.234"


# -- counts and quantities ---------------------------------------------------------------
@pytest.mark.parametrize(("locale", "small", "big"), [
    ("de_DE", "1.234", "1.234.567"),
    ("de_CH", "1'234", "1'234'567"),
    ("en_GB", "1,234", "1,234,567"),
])
def test_count(locale: str, small: str, big: str) -> None:
    assert fmt.count(1234, locale=locale) == small
    assert fmt.count("1234567", locale=locale) == big
    assert fmt.count(7, locale=locale) == "7"
    assert fmt.count(-1234, locale=locale) == "-" + small


def test_decimal_and_percent() -> None:
    assert fmt.decimal("1.50000", locale="de_DE") == "1,5"
    assert fmt.decimal("1234.5", locale="de_CH") == "1'234.5"
    assert fmt.decimal("2", places=2, locale="de_DE") == "2,00"
    assert fmt.decimal("2.6", places=0, locale="en_GB") == "3"
    assert fmt.percent("12.5", locale="de_DE") == f"12,5{NBSP}%"
    assert fmt.percent("10.00", locale="de_DE") == f"10{NBSP}%"
    assert fmt.percent(Decimal("12.5"), locale="en_GB") == "12.5%"
    assert fmt.percent("x", locale="de_DE") == "x"


# -- dates ---------------------------------------------------------------------------------
def test_date() -> None:
    with using_language("de"):
        assert fmt.date("2026-12-01") == "01.12.2026"
        assert fmt.date(date(2026, 3, 9)) == "09.03.2026"
    with using_language("de", region="de_CH"):
        assert fmt.date("2026-12-01") == "01.12.2026"
    assert fmt.date("2026-12-01") == "01.12.2026"  # English text, German dates
    assert fmt.date("2026-12-01", locale="en_GB") == "01/12/2026"
    assert fmt.date("2026-13-01") == "2026-13-01"
    assert fmt.date("01.12.2026", locale="de_DE") == "01.12.2026"  # shown raw, not parsed


def test_date_of_a_moment_is_the_business_day() -> None:
    with using_language("de", timezone="Europe/Berlin"):
        assert fmt.date("2026-12-31T23:30:00+00:00") == "01.01.2027"
        assert fmt.date(datetime(2026, 10, 24, 22, 30, tzinfo=UTC)) == "25.10.2026"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/Zurich"])
@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-12-01T07:02:00+00:00", "01.12.2026 08:02"),
    ("2026-12-01T07:02:00+01:00", "01.12.2026 07:02"),
    ("2026-12-01T07:02:00Z", "01.12.2026 08:02"),
    ("2026-07-01T07:02:00+00:00", "01.07.2026 09:02"),
    # spring forward: 02:00 CET becomes 03:00 CEST at 01:00 UTC on 29 March 2026
    ("2026-03-29T00:59:00+00:00", "29.03.2026 01:59"),
    ("2026-03-29T01:00:00+00:00", "29.03.2026 03:00"),
    # fall back: 03:00 CEST becomes 02:00 CET at 01:00 UTC on 25 October 2026
    ("2026-10-25T00:30:00+00:00", "25.10.2026 02:30"),
    ("2026-10-25T01:30:00+00:00", "25.10.2026 02:30"),
    ("2026-10-25T02:00:00+00:00", "25.10.2026 03:00"),
])
def test_datetime_in_the_business_timezone_across_dst(
    zone: str, moment: str, expected: str
) -> None:
    with using_language("de", timezone=zone):
        assert fmt.datetime_(moment) == expected
    with using_language("de", region="de_CH", timezone=zone):
        assert fmt.datetime_(moment) == expected


def test_datetime_english_and_seconds_and_naive() -> None:
    set_timezone("Europe/Berlin")
    assert fmt.datetime_("2026-12-01T07:02:00+00:00") == "01.12.2026 08:02"
    assert fmt.datetime_("2026-12-01T07:02:09+00:00", seconds=True) == "01.12.2026 08:02:09"
    assert fmt.datetime_("2026-12-01T07:02:00+00:00", locale="en_GB") == "01/12/2026 08:02"
    assert fmt.datetime_("2026-12-01T07:02:00", locale="de_DE") == "01.12.2026 07:02"
    assert fmt.datetime_("2026-12-01", locale="de_DE") == "01.12.2026"
    assert fmt.datetime_("yesterday\n", locale="de_DE") == "yesterday"


def test_one_zone_for_every_screen() -> None:
    set_timezone("Europe/Zurich")
    with using_language("de"):
        assert fmt.datetime_("2026-06-01T10:00:00+00:00") == "01.06.2026 12:00"
    set_timezone("UTC")
    with using_language("de"):
        assert fmt.datetime_("2026-06-01T10:00:00+00:00") == "01.06.2026 10:00"
    with pytest.raises(KeyError):
        set_timezone("Mars/Olympus")
