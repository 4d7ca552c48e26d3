"""Which language and which format locale: ``--lang`` > config ``language`` > environment.

Pure functions (no state, no I/O) so they are easy to test; :mod:`mwtui.i18n.setup`
applies the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ENV_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Looked at in this order; the first non-empty one decides (as GNU gettext does)."""
FORMAT_ENV_ORDER = ("LC_ALL", "LC_MONETARY", "LC_NUMERIC", "LC_TIME", "LANG", "LANGUAGE")
"""For number and date formats the locale categories come first."""

GERMAN_REGION = "de_DE"
SWISS_REGION = "de_CH"
ENGLISH_REGION = "en_GB"
"""English formats: British English (day-first dates ``01/12/2026``, 24-hour times,
``1,234.56``). Day-first avoids the US ``12/01/2026`` ambiguity in German and Swiss
offices, and ``en_US`` is often just a server default, so it is not honoured as a region;
set ``locale = "en_US"`` in the config to have it."""
SWISS_TERRITORIES = frozenset({"CH", "LI"})  # Liechtenstein writes CHF 1'234.50 as well

_LOCALE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[_-]([A-Za-z]{2}|\d{3}))?(?:[.@].*)?$")


def parse_locale(value: str | None) -> tuple[str, str | None] | None:
    """``"de_CH.UTF-8"`` -> ``("de", "CH")``; ``"C"``/``"POSIX"`` -> ``("en", None)``;
    anything unreadable -> ``None``."""
    if not value:
        return None
    value = value.strip()
    if value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
        return ("en", None)
    match = _LOCALE_RE.match(value)
    if not match:
        return None
    territory = match.group(2)
    return (match.group(1).lower(), territory.upper() if territory else None)


def language_of(value: str | None) -> str | None:
    """``de`` for any German locale, ``en`` for any other readable one, else ``None``."""
    parsed = parse_locale(value)
    if parsed is None:
        return None
    return "de" if parsed[0] == "de" else "en"


def _env_locales(environ: Mapping[str, str], order: tuple[str, ...]) -> list[str]:
    """The locale names of the first non-empty variable (``LANGUAGE`` is a colon list)."""
    for name in order:
        value = (environ.get(name) or "").strip()
        if value:
            return [part for part in value.split(":") if part] if name == "LANGUAGE" else [
                value
            ]
    return []


def choose_language(
    cli_value: str | None, config_value: str | None, environ: Mapping[str, str]
) -> str:
    """``"de"`` or ``"en"``: ``--lang`` beats the config's ``language`` beats the locale.

    From the environment the first non-empty of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` decides. ``LANGUAGE`` is a priority list (``fr:de:en``): its first German or
    English entry wins (``fr`` alone means English). ``C``/``POSIX`` and unset mean English.
    """
    for explicit in (cli_value, config_value):
        if chosen := language_of(explicit):
            return chosen
    for entry in _env_locales(environ, ENV_ORDER):
        parsed = parse_locale(entry)
        if parsed and parsed[0] in ("de", "en"):
            return parsed[0]
    return "en"


def choose_region(
    language: str, config_locale: str | None, environ: Mapping[str, str]
) -> str:
    """The Babel locale for numbers, money and dates.

    * The config's ``locale`` (e.g. ``"de_CH"``) wins whatever it says (``en_US`` too).
    * Otherwise the environment (``LC_ALL``, ``LC_MONETARY``, ``LC_NUMERIC``, ``LC_TIME``,
      ``LANG``, ``LANGUAGE``; first non-empty): a Swiss (or Liechtenstein) locale gives
      ``de_CH`` (``CHF 1'234.56``), for German as for English text.
    * Otherwise ``de_DE`` for German (``de_AT`` too: ``1.234,56 €``) and ``en_GB`` for
      English (see :data:`ENGLISH_REGION`).
    """
    if config_locale and (parsed := parse_locale(config_locale)) and parsed[1]:
        return f"{parsed[0]}_{parsed[1]}"
    if config_locale and (parsed := parse_locale(config_locale)):
        language = "de" if parsed[0] == "de" else "en"
    for entry in _env_locales(environ, FORMAT_ENV_ORDER):
        parsed = parse_locale(entry)
        if parsed and parsed[1] in SWISS_TERRITORIES:
            return SWISS_REGION if language == "de" else "en_CH"
    return GERMAN_REGION if language == "de" else ENGLISH_REGION
