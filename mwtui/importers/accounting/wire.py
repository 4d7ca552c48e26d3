"""Tolerant readers for values on the wire of the accounting APIs.

Every reader accepts what the recorded responses show (numbers as strings or JSON numbers,
flags as ``"0"``/``"1"``/bools, ids as str or int, ``null`` and missing keys) and raises only
:class:`~mwtui.importers.accounting.errors.UnexpectedResponse` for a value of the wrong shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from mwtui.importers.accounting.errors import UnexpectedResponse

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MAX_TEXT = 100_000


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` as a JSON object, or UnexpectedResponse naming ``what``."""
    if isinstance(value, Mapping):
        return value
    raise UnexpectedResponse(f"expected {what} to be an object, got {_kind(value)}")


def opt_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """Like :func:`mapping` but ``None``/missing gives an empty mapping."""
    if value is None:
        return {}
    return mapping(value, what)


def items(value: Any, what: str) -> list[Any]:
    """A JSON array (``None`` -> empty list; a single object -> a list of one)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return [value]
    raise UnexpectedResponse(f"expected {what} to be a list, got {_kind(value)}")


def ident(value: Any, what: str) -> str:
    """A required id (str or int on the wire) as str."""
    result = opt_ident(value, what)
    if result is None:
        raise UnexpectedResponse(f"{what} has no id")
    return result


def opt_ident(value: Any, what: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UnexpectedResponse(f"{what} id is a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 200:
            raise UnexpectedResponse(f"{what} id is empty or too long")
        return text
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    raise UnexpectedResponse(f"{what} id has the wrong type ({_kind(value)})")


def ref_id(value: Any, what: str) -> str | None:
    """The id of a reference ``{"id": ..., "objectName": ...}`` (or a bare id)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return opt_ident(value.get("id"), what)
    return opt_ident(value, what)


def text(value: Any, what: str = "a text field") -> str:
    """A text field; ``None`` -> ``""``; numbers are accepted and printed plainly."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:_MAX_TEXT]
    if isinstance(value, bool):
        raise UnexpectedResponse(f"{what} is a boolean, expected text")
    if isinstance(value, int | Decimal | float):
        return str(value)
    raise UnexpectedResponse(f"{what} has the wrong type ({_kind(value)})")


def decimal(value: Any, what: str = "an amount") -> Decimal | None:
    """A money amount from a decimal string or a JSON number (never via float text)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UnexpectedResponse(f"{what} is a boolean, expected a number")
    if isinstance(value, Decimal | int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise UnexpectedResponse(f"{what} is not a number") from None
    else:
        raise UnexpectedResponse(f"{what} has the wrong type ({_kind(value)})")
    if not result.is_finite():
        raise UnexpectedResponse(f"{what} is not a finite number")
    return result


def flag(value: Any, what: str = "a flag") -> bool:
    """``true/false/1/0/"1"/"0"/""/null`` as bool."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    raise UnexpectedResponse(f"{what} is not a yes/no value")


def timestamp(value: Any, what: str, naive_zone: tzinfo) -> datetime | None:
    """An ISO timestamp (with offset, or without: then in ``naive_zone``), aware."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UnexpectedResponse(f"{what} is not a timestamp")
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=naive_zone)
        moment.astimezone(UTC)  # out-of-range moments fail here, not later
    except (ValueError, OverflowError):
        raise UnexpectedResponse(f"{what} is not a valid timestamp") from None
    return moment


def day(value: Any, what: str, zone: tzinfo) -> date | None:
    """A calendar day from ``YYYY-MM-DD`` or a timestamp (taken in ``zone``)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UnexpectedResponse(f"{what} is not a date")
    raw = value.strip()
    if len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise UnexpectedResponse(f"{what} is not a valid date") from None
    moment = timestamp(raw, what, zone)
    try:
        return moment.astimezone(zone).date() if moment else None
    except (ValueError, OverflowError):
        raise UnexpectedResponse(f"{what} is not a valid date") from None


def first_text(values: Any, what: str) -> str:
    """The first non-empty string of a list (or a bare string)."""
    for entry in items(values, what) if not isinstance(values, str) else [values]:
        if isinstance(entry, str) and entry.strip():
            return entry.strip()
        if entry is not None and not isinstance(entry, str):
            raise UnexpectedResponse(f"{what} holds a non-text entry")
    return ""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a number" if isinstance(value, int | float | Decimal) else type(value).__name__


_FRACTION = re.compile(r"(T\d{2}:\d{2}:\d{2})\.\d+")


def to_second(value: Any) -> str | None:
    """A timestamp text without its fraction of a second (``None`` when empty): lexware's
    voucherlist says ``.000`` where the voucher itself has real milliseconds, so list and
    detail markers only agree to the second."""
    raw = text(value, "updatedDate").strip()
    return _FRACTION.sub(r"\1", raw, count=1) or None
