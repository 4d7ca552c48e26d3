"""German sort order (DIN 5007-1, "dictionary" order) without PyICU.

``ä`` sorts as ``a``, ``ö`` as ``o``, ``ü`` as ``u``, ``ß`` as ``ss``; case is ignored.
Other accented letters (é, ç, ...) sort as their base letter. Ties are broken first by the
unaccented form (``Muller`` before ``Müller``), then by the original string (``ABC`` before
``abc``), so the order is total and does not depend on the input order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_SPECIAL = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"})


def _fold(text: str) -> str:
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def din5007_key(value: object) -> tuple[str, str, str]:
    """Sort key: ``sorted(names, key=din5007_key)`` puts "Bäckerei" before "Beispielbau".
    ``None`` sorts as the empty string."""
    text = "" if value is None else str(value)
    return (_fold(text), text.casefold(), text)


def sort_german(items: Iterable[T], key: Callable[[T], object] | None = None,
                reverse: bool = False) -> list[T]:
    """``items`` sorted by DIN 5007-1 (on ``key(item)`` when given)."""
    pick = key or (lambda item: item)
    return sorted(items, key=lambda item: din5007_key(pick(item)), reverse=reverse)
