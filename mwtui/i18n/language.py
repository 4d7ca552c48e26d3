"""Which language (``--lang`` > config ``language`` > environment) and which format locale
(config ``locale`` > a Swiss environment > ``de_DE``; the formats follow the business, not
the language of the text).

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
ENGLISH_REGION = GERMAN_REGION
"""English text gets German formats (``1.234,56 €``, ``01.12.2026``, ``1.234``): the
formats follow the business (German and Swiss offices, their customers, invoices and
accounting), not the language of the text, so an English-speaking operator reads the same
amounts and dates as the paperwork. A Swiss locale gives :data:`SWISS_REGION` for English
text too. Other formats only through the config's ``locale`` (``"en_GB"``, ``"en_US"``)."""
BRITISH_REGION = "en_GB"
"""What the config's ``locale = "en"`` (a language without a territory) gives: British
English (day-first dates ``01/12/2026``, 24-hour times, ``1,234.56``), ``en_CH`` in a
Swiss environment. ``en_US`` (``12/1/2026``) only when the config says so."""
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


def choose_region(config_locale: str | None, environ: Mapping[str, str]) -> str:
    """The Babel locale for numbers, money and dates; the text language plays no part.

    * The config's ``locale`` wins whatever it says: ``"de_CH"``, ``"en_GB"``,
      ``"en_US"`` are used as they are. A language alone picks that language's formats:
      ``"de"`` as below, ``"en"`` (or any other) :data:`BRITISH_REGION` (``en_CH`` in a
      Swiss environment).
    * Otherwise the environment (``LC_ALL``, ``LC_MONETARY``, ``LC_NUMERIC``, ``LC_TIME``,
      ``LANG``, ``LANGUAGE``; first non-empty): a Swiss (or Liechtenstein) locale gives
      ``de_CH`` (``CHF 1'234.56``, ``01.12.2026``), for German as for English text.
    * Otherwise ``de_DE`` (``1.234,56 €``, ``01.12.2026``; ``de_AT`` and ``en_US`` too),
      for German as for English text (see :data:`ENGLISH_REGION`).
    """
    parsed_config = parse_locale(config_locale) if config_locale else None
    if parsed_config and parsed_config[1]:
        return f"{parsed_config[0]}_{parsed_config[1]}"
    swiss = any(
        (parsed := parse_locale(entry)) and parsed[1] in SWISS_TERRITORIES
        for entry in _env_locales(environ, FORMAT_ENV_ORDER)
    )
    if parsed_config and parsed_config[0] != "de":
        return "en_CH" if swiss else BRITISH_REGION
    return SWISS_REGION if swiss else GERMAN_REGION
