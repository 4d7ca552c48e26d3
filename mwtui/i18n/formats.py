"""Numbers, money, dates and times as the operator reads them, formatted by Babel (CLDR).

Every function takes an optional ``locale`` (a Babel locale name such as ``"de_CH"``);
without it the current region of :mod:`mwtui.i18n.catalog` is used: ``de_DE``, or
``de_CH`` for Swiss operators, whatever the language of the text (the formats follow the
business); another region only when the config's ``locale`` asks for it (``en_GB``).
Date-times are shown in the business timezone (``catalog.set_timezone``; the config's
``timezone``), one zone for every screen.

Nothing here raises on bad input: a value that cannot be read is shown as its raw text,
cleaned of control characters (:func:`mwtui.workspace.text.safe_text`). ``None`` and
``""`` give ``""``. JSON output must not use these functions (ISO dates, decimal strings).

Babel's output is kept as is, including its no-break spaces (``1.234,56\\u00a0€``) that
keep an amount on one line.
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date as _date
from datetime import datetime as _datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING

from mwtui.i18n import catalog
from mwtui.workspace.text import safe_text

if TYPE_CHECKING:
    from babel import Locale

Number = Decimal | int | float | str | None

_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")
_DIGITS = re.compile(r"\d+")


# -- locale ------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def _parse_locale(name: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(name.replace("-", "_").split(".")[0])
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def babel_locale(locale: str | None = None) -> Locale:
    """The Babel locale to format with: ``locale``, else the current region, else the
    language's default region (an unknown name never raises)."""
    for name in (locale, catalog.current_region(),
                 catalog.DEFAULT_REGIONS[catalog.current_language()]):
        if name and (found := _parse_locale(name)) is not None:
            return found
    return _parse_locale(catalog.DEFAULT_REGIONS["de"])  # type: ignore[return-value]


def _group_symbol(loc: Locale) -> str:
    from babel.numbers import get_group_symbol

    return get_group_symbol(loc)


def _grouped(loc: Locale, func, value, **kwargs) -> str:
    """Call a Babel number formatter, working around a Babel 2.19 bug.

    CLDR 48 made the Swiss group separator an ASCII apostrophe; ``NumberPattern.apply``
    then strips the "quoted literal" between two apostrophes, so ``de_CH`` prints
    ``1234567.00`` for a million. For such locales the number is formatted without
    grouping and the apostrophes are put into the integer digits here (groups of three,
    which is what every apostrophe locale uses).

    Rounding is commercial (half up: ``0.005`` -> ``0,01``), not Python's half-even.
    """
    symbol = _group_symbol(loc)
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        if symbol != "'":
            return func(value, locale=loc, **kwargs)
        plain = func(value, locale=loc, group_separator=False, **kwargs)

    def group(match: re.Match[str]) -> str:
        digits = match.group(0)
        head = len(digits) % 3 or 3
        parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
        return symbol.join(parts)

    return _DIGITS.sub(group, plain, count=1)


# -- parsing -----------------------------------------------------------------------------
def _raw(value: object) -> str:
    return safe_text(value, one_line=True).strip()


def _to_decimal(value: Number) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    text = str(value).strip()
    if "_" in text:  # Decimal() accepts "1_000"; a source file does not mean that
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _to_datetime(value: object) -> _datetime | _date | None:
    """A ``datetime`` (aware or naive), a ``date``, or ``None`` for unreadable input."""
    if isinstance(value, _datetime | _date):
        return value
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return _date.fromisoformat(text)
        return _datetime.fromisoformat(text)
    except ValueError:
        return None


def _in_business_zone(moment: _datetime) -> _datetime:
    """Aware values are converted to the business timezone; naive ones are taken to be
    business-local already (files from WEBFAKT; everything mwtui stores has an offset)."""
    zone = catalog.current_timezone()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


# -- numbers -----------------------------------------------------------------------------
def money(amount: Number, currency: str | None = None, *, locale: str | None = None) -> str:
    """An amount with its currency: ``1.234,56 €`` (de_DE), ``CHF 1'234.56`` (de_CH),
    ``EUR 1'234.56`` (an EUR record under de_CH), ``€1,234.56`` (config locale en_GB).

    The record's currency code decides the symbol; the currency's CLDR precision is used
    (2 for EUR and CHF), so ``1200.000000`` shows as ``1.200,00``. Without a currency the
    number is shown with two decimals and no symbol.
    """
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return ""
    value = _to_decimal(amount)
    if value is None:
        return _raw(amount)
    loc = babel_locale(locale)
    from babel.numbers import format_currency, format_decimal

    code = (currency or "").strip()
    if not code:
        return _grouped(loc, format_decimal, value, format="#,##0.00")
    if not _CURRENCY_CODE.match(code):
        return f"{_grouped(loc, format_decimal, value, format='#,##0.00')} {_raw(code)}"
    return _grouped(loc, format_currency, value, currency=code.upper())


def count(n: Number, *, locale: str | None = None) -> str:
    """A whole number with thousands separators: ``1.234`` (de_DE) / ``1'234`` (de_CH) /
    ``1,234`` (config locale en_GB)."""
    if n is None or (isinstance(n, str) and not n.strip()):
        return ""
    value = _to_decimal(n)
    if value is None:
        return _raw(n)
    from babel.numbers import format_decimal

    return _grouped(babel_locale(locale), format_decimal, value, format="#,##0")


def decimal(value: Number, places: int | None = None, *, locale: str | None = None) -> str:
    """A quantity: ``1,5`` (de_DE) / ``1.5`` (de_CH, en_GB); trailing zeros dropped (up
    to 6 places) unless ``places`` fixes the number of decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    number = _to_decimal(value)
    if number is None:
        return _raw(value)
    from babel.numbers import format_decimal

    pattern = "#,##0." + ("0" * places if places is not None else "######")
    if places == 0:
        pattern = "#,##0"
    return _grouped(babel_locale(locale), format_decimal, number, format=pattern)


def percent(value: Number, *, locale: str | None = None) -> str:
    """A percentage given as a percent number (``12.5`` -> ``12,5 %`` under de_DE,
    ``12.5%`` under en_GB); the locale decides the spacing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    number = _to_decimal(value)
    if number is None:
        return _raw(value)
    from babel.numbers import format_percent

    return _grouped(babel_locale(locale), format_percent, number.normalize() / 100,
                    decimal_quantization=False)


# -- dates and times ---------------------------------------------------------------------
def _date_pattern(loc: Locale) -> str:
    """The locale's short date pattern with a four-digit year (``dd.MM.y``, ``dd/MM/y``)."""
    pattern = loc.date_formats["short"].pattern
    return re.sub(r"y+", "y", pattern)


def date(value: object, *, locale: str | None = None) -> str:
    """``01.12.2026`` (de_DE, de_CH), ``01/12/2026`` (config locale en_GB). A date-time
    (ISO text or ``datetime``) is first moved into the business timezone."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    parsed = _to_datetime(value)
    if parsed is None:
        return _raw(value)
    if isinstance(parsed, _datetime):
        parsed = _in_business_zone(parsed).date()
    from babel.dates import format_date

    loc = babel_locale(locale)
    return format_date(parsed, _date_pattern(loc), locale=loc)


def datetime_(value: object, *, locale: str | None = None, seconds: bool = False) -> str:
    """``01.12.2026 08:02`` for ``2026-12-01T07:02:00+00:00`` in Europe/Berlin: the
    business timezone's wall clock, the locale's short date (four-digit year) and short
    time, joined by a space. A bare date is shown as a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    parsed = _to_datetime(value)
    if parsed is None:
        return _raw(value)
    if not isinstance(parsed, _datetime):
        return date(parsed, locale=locale)
    from babel.dates import format_date, format_time

    loc = babel_locale(locale)
    local = _in_business_zone(parsed)
    clock = format_time(local, "medium" if seconds else "short", tzinfo=local.tzinfo,
                        locale=loc)
    return f"{format_date(local.date(), _date_pattern(loc), locale=loc)} {clock}"


def now_utc() -> _datetime:
    """The current moment (tests monkeypatch this)."""
    return _datetime.now(UTC)
