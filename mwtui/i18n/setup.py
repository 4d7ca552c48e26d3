"""Apply the language choice at start-up (``mwtui.cli.main`` calls :func:`setup_language`)."""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Mapping, Sequence

from mwtui.i18n import catalog
from mwtui.i18n.language import choose_language, choose_region


def lang_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` (before argparse builds a translated
    ``--help``); the last one wins, like argparse."""
    found = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found if found in catalog.LANGUAGES else None


def _config_values() -> dict[str, str]:
    """``language``, ``locale`` and ``timezone`` from config.toml, read leniently: a broken
    file is reported by the command that loads it, not here."""
    from mwtui.workspace.config import config_path

    try:
        raw = tomllib.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return {key: raw[key] for key in ("language", "locale", "timezone")
            if isinstance(raw.get(key), str)}


def setup_language(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    config: Mapping[str, str] | None = None,
) -> str:
    """Choose and set language, format region and business timezone; returns the language.

    Language: ``--lang`` > config ``language`` > ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/
    ``LANG``. Formats, whatever the language: config ``locale`` > a Swiss locale
    (``de_CH``) > ``de_DE`` (:func:`~mwtui.i18n.language.choose_region`).
    """
    environ = os.environ if environ is None else environ
    values = _config_values() if config is None else dict(config)
    language = choose_language(lang_from_argv(argv or ()), values.get("language"), environ)
    region = choose_region(values.get("locale"), environ)
    catalog.set_language(language, region)
    zone = environ.get("MWTUI_TIMEZONE") or values.get("timezone")
    if zone:
        # A bad zone is named by Config.validate when the command loads the config.
        with contextlib.suppress(ValueError, KeyError, OSError):
            catalog.set_timezone(zone)
    return language
