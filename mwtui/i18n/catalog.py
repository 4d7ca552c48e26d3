"""Message catalogue: stdlib ``gettext`` over the ``.po`` files shipped in ``mwtui/locale``.

* English needs no catalogue: the message ids in the code ARE the English text, so ``en``
  is a :class:`gettext.NullTranslations` (``_("Quit")`` returns ``"Quit"``).
* German: every ``mwtui/locale/de/LC_MESSAGES/*.po`` is read and merged into one catalogue
  (one ``.po`` per area, so engineers do not edit the same file). The merged catalogue is
  compiled in memory with Babel (``read_po`` -> ``write_mo`` -> ``GNUTranslations``) the
  first time a German text is asked for, then cached: no binary ``.mo`` in git, no build
  step. ``bench/bench_i18n.py`` measures the cost.
* ``_()`` looks up the *current* language at call time, so a test can render ``de`` and
  ``en`` in one process (``with using_language("de"): ...``).

The language, the format region (a Babel locale such as ``de_CH``) and the business
timezone are process-wide state (one operator, one language per process).
"""

from __future__ import annotations

import contextlib
import gettext
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mwtui.i18n.language import ENGLISH_REGION, GERMAN_REGION

if TYPE_CHECKING:  # Babel is imported only when a German catalogue is first needed
    from babel.messages.catalog import Catalog

LANGUAGES = ("de", "en")
SOURCE_LANGUAGE = "en"
DEFAULT_REGIONS = {"de": GERMAN_REGION, "en": ENGLISH_REGION}
"""Formats when no region is given: German for both languages (formats follow the business,
not the text; ``choose_region`` gives ``de_CH`` to Swiss operators)."""
DEFAULT_TIMEZONE = "Europe/Berlin"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "mwtui"

_lock = threading.Lock()
_cache: dict[str, gettext.NullTranslations] = {}
_state: dict[str, str] = {
    "language": SOURCE_LANGUAGE,
    "region": DEFAULT_REGIONS[SOURCE_LANGUAGE],
    "timezone": DEFAULT_TIMEZONE,
}


# -- the catalogue files ---------------------------------------------------------------
def po_files(language: str = "de", locale_dir: Path | None = None) -> list[Path]:
    """Every ``.po`` file of a language, in a stable (sorted) order."""
    folder = (locale_dir or LOCALE_DIR) / language / "LC_MESSAGES"
    return sorted(folder.glob("*.po"))


def merged_catalog(language: str = "de", locale_dir: Path | None = None) -> Catalog:
    """All ``.po`` files of a language as one Babel catalogue (the first file wins a clash;
    :func:`catalogue_conflicts` lists clashes for the tests)."""
    catalog, _conflicts = _merge(language, locale_dir)
    return catalog


def catalogue_conflicts(language: str = "de", locale_dir: Path | None = None) -> list[str]:
    """Message ids that two ``.po`` files translate differently (should be empty)."""
    return _merge(language, locale_dir)[1]


def _merge(language: str, locale_dir: Path | None) -> tuple[Catalog, list[str]]:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN, fuzzy=False)
    conflicts: list[str] = []
    for path in po_files(language, locale_dir):
        with path.open("rb") as handle:
            part = read_po(handle, locale=language, domain=DOMAIN, ignore_obsolete=True)
        for message in part:
            if not message.id:
                continue  # the header
            existing = merged.get(message.id, context=message.context)
            if existing is None:
                merged[message.id] = message
            elif existing.string != message.string:
                conflicts.append(f"{path.name}: {message.id!r}")
    return merged, conflicts


def compile_catalog(catalog: Catalog) -> gettext.GNUTranslations:
    """A Babel catalogue as stdlib translations, compiled in memory (fuzzy entries skipped)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translations(language: str) -> gettext.NullTranslations:
    """The (cached) translations of a language; English is the identity."""
    if language == SOURCE_LANGUAGE:
        return _NULL
    found = _cache.get(language)
    if found is None:
        with _lock:
            found = _cache.get(language)
            if found is None:
                found = compile_catalog(merged_catalog(language))
                _cache[language] = found
    return found


def clear_cache() -> None:
    """Forget compiled catalogues (after editing a ``.po`` file in a running process)."""
    with _lock:
        _cache.clear()


_NULL = gettext.NullTranslations()


# -- the current language ---------------------------------------------------------------
def set_language(language: str, region: str | None = None) -> None:
    """Switch the process to ``de`` or ``en``; ``region`` is the Babel locale for formats
    (default ``de_DE`` for both languages: formats follow the business, not the text;
    :func:`mwtui.i18n.language.choose_region` picks ``de_CH`` or the config's locale)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    _state["language"] = language
    _state["region"] = region or DEFAULT_REGIONS[language]


def set_region(region: str) -> None:
    """Set the Babel locale used by :mod:`mwtui.i18n.formats` (e.g. ``de_CH``)."""
    _state["region"] = region


def set_timezone(name: str) -> None:
    """Set the business timezone (one zone for every screen); raises on an unknown name."""
    ZoneInfo(name)
    _state["timezone"] = name


def current_language() -> str:
    return _state["language"]


def current_region() -> str:
    return _state["region"]


def current_timezone() -> ZoneInfo:
    return ZoneInfo(_state["timezone"])


def reset() -> None:
    """English text, ``de_DE`` formats, Europe/Berlin: what the test-suite starts from, and
    what ``mwtui`` picks for English without a Swiss locale or a config ``locale``."""
    _state.update(language=SOURCE_LANGUAGE, region=DEFAULT_REGIONS[SOURCE_LANGUAGE],
                  timezone=DEFAULT_TIMEZONE)


@contextlib.contextmanager
def using_language(
    language: str, region: str | None = None, timezone: str | None = None
) -> Iterator[None]:
    """Temporarily switch language (and optionally region and timezone), for tests."""
    saved = dict(_state)
    try:
        set_language(language, region)
        if timezone:
            set_timezone(timezone)
        yield
    finally:
        _state.update(saved)


# -- lookups (at call time) -------------------------------------------------------------
def _(message: str) -> str:
    """Translate ``message`` (an English msgid) into the current language."""
    if not message or _state["language"] == SOURCE_LANGUAGE:
        return message
    return translations(_state["language"]).gettext(message)



def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware lookup: ``ngettext("{n} order", "{n} orders", n).format(n=n)``."""
    return translations(_state["language"]).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Lookup with a context for short ambiguous words (``pgettext("verb", "Import")``)."""
    if not message or _state["language"] == SOURCE_LANGUAGE:
        return message
    return translations(_state["language"]).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (for import-time constants,
    class attributes, ``BINDINGS``); translate it with ``_()`` where it is shown."""
    return message


def _install_problem_translator() -> None:
    """Core refusals (``mwtui.workspace.problems``) print in the current language."""
    from mwtui.workspace import problems

    problems.install_translator(_)


_install_problem_translator()
