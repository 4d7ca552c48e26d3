"""Helpers for the "no untranslated text on screen" tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_LETTER = re.compile(r"[^\W\d_]")


def german_entries(catalog: Iterable[Any]) -> dict[str, str]:
    """``{english msgid: German text}`` of a Babel catalogue (singular forms; plural
    entries give both English forms; untranslated and fuzzy entries are left out)."""
    entries: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            strings = list(message.string) if message.string else []
            for index, english in enumerate(message.id):
                text = strings[min(index, len(strings) - 1)] if strings else ""
                if text:
                    entries[english] = text
        elif message.string:
            entries[message.id] = message.string
    return entries


def _needle(msgid: str) -> str:
    """The fixed text of a msgid: the longest part between ``{placeholders}``."""
    parts = re.split(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%[a-z]", msgid)
    return max((part.strip() for part in parts), key=len, default="")


def untranslated_on_screen(
    lines: Iterable[str], catalog: Iterable[Any] | Mapping[str, str]
) -> list[str]:
    """The English msgids that appear verbatim on a screen rendered in German.

    Only msgids longer than 3 characters that contain a letter and whose German text
    differs are checked ("OK", "CHF", "Import" = "Import" are not evidence of anything).
    A msgid with placeholders is looked for by its longest fixed part. A match must sit on
    word boundaries ("Order" does not match inside "Orders" or "Border").
    """
    entries = dict(catalog) if isinstance(catalog, Mapping) else german_entries(catalog)
    screen = "\n".join(lines)
    found = []
    for msgid, german in entries.items():
        needle = _needle(msgid)
        if len(needle) <= 3 or not _LETTER.search(needle) or german == msgid:
            continue
        if needle in german:  # "Vorschau" cannot contain English, but "Import" may
            continue
        # word boundaries, and never inside a file name or path ("customers.csv")
        pattern = r"(?<![\w./-])" + re.escape(needle) + r"(?!\w|\.\w)"
        if re.search(pattern, screen):
            found.append(msgid)
    return sorted(found)


def screen_lines(app: Any) -> list[str]:
    """The current screen of a running (headless) Textual app, one string per line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
