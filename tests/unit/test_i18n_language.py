"""Which language (--lang > config > LANGUAGE/LC_ALL/LC_MESSAGES/LANG) and which format locale
(config locale > a Swiss locale > de_DE, whatever the language)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from mwtui.i18n import _, current_language, current_region, current_timezone, setup_language
from mwtui.i18n import formats as fmt
from mwtui.i18n.language import choose_language, choose_region, parse_locale
from mwtui.i18n.setup import lang_from_argv
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError


@pytest.mark.parametrize("value", ["de", "de_DE", "de_AT", "de_CH", "de_CH.UTF-8",
                                   "de_DE.utf8@euro", "de-LU", "DE_de"])
def test_any_german_locale_is_german(value: str) -> None:
    assert choose_language(None, None, {"LANG": value}) == "de"


@pytest.mark.parametrize("value", ["en_US.UTF-8", "en_GB", "fr_FR.UTF-8", "C", "POSIX",
                                   "C.UTF-8", "", "garbage!!"])
def test_other_locales_are_english(value: str) -> None:
    assert choose_language(None, None, {"LANG": value}) == "en"


def test_nothing_set_is_english() -> None:
    assert choose_language(None, None, {}) == "en"


def test_order_cli_then_config_then_environment() -> None:
    env = {"LANG": "de_DE.UTF-8"}
    assert choose_language("en", "de", env) == "en"
    assert choose_language(None, "en", env) == "en"
    assert choose_language(None, None, env) == "de"
    assert choose_language("de", None, {"LANG": "en_US.UTF-8"}) == "de"


def test_environment_order_first_non_empty_wins() -> None:
    env = {"LANGUAGE": "", "LC_ALL": "de_CH.UTF-8", "LC_MESSAGES": "en_US", "LANG": "en_GB"}
    assert choose_language(None, None, env) == "de"
    env = {"LC_ALL": "", "LC_MESSAGES": "en_US.UTF-8", "LANG": "de_DE.UTF-8"}
    assert choose_language(None, None, env) == "en"
    env = {"LANGUAGE": "de", "LC_ALL": "en_US.UTF-8"}
    assert choose_language(None, None, env) == "de"
    assert choose_language(None, None, {"LC_ALL": "C", "LANG": "de_DE"}) == "en"


def test_language_is_a_priority_list() -> None:
    assert choose_language(None, None, {"LANGUAGE": "fr:de_CH:en"}) == "de"
    assert choose_language(None, None, {"LANGUAGE": "en_GB:de"}) == "en"
    assert choose_language(None, None, {"LANGUAGE": "fr:it", "LANG": "de_DE"}) == "en"


def test_parse_locale() -> None:
    assert parse_locale("de_CH.UTF-8") == ("de", "CH")
    assert parse_locale("de") == ("de", None)
    assert parse_locale("POSIX") == ("en", None)
    assert parse_locale("?") is None


def test_region_for_formats() -> None:
    assert choose_region(None, {"LANG": "de_DE.UTF-8"}) == "de_DE"
    assert choose_region(None, {"LANG": "de_AT.UTF-8"}) == "de_DE"
    assert choose_region(None, {"LANG": "de_CH.UTF-8"}) == "de_CH"
    assert choose_region(None, {"LC_ALL": "de_CH.UTF-8", "LANG": "de_DE"}) == "de_CH"
    assert choose_region(None, {"LC_MONETARY": "de_CH.UTF-8", "LANG": "de_DE"}) == "de_CH"
    assert choose_region(None, {"LANGUAGE": "fr:de_LI"}) == "de_CH"
    assert choose_region(None, {}) == "de_DE"


@pytest.mark.parametrize("value", ["en_US.UTF-8", "en_GB.UTF-8", "C.UTF-8", "POSIX",
                                   "fr_FR.UTF-8"])
def test_english_and_other_locales_give_german_formats(value: str) -> None:
    assert choose_region(None, {"LANG": value}) == "de_DE"


@pytest.mark.parametrize("value", ["en_CH.UTF-8", "fr_CH.UTF-8", "it_CH", "en_LI"])
def test_any_swiss_locale_gives_swiss_formats(value: str) -> None:
    assert choose_region(None, {"LANG": value}) == "de_CH"


def test_region_from_config_wins() -> None:
    assert choose_region("de_CH", {"LANG": "de_DE.UTF-8"}) == "de_CH"
    assert choose_region("de_DE", {"LANG": "de_CH.UTF-8"}) == "de_DE"
    assert choose_region("en_US", {"LANG": "de_CH.UTF-8"}) == "en_US"
    assert choose_region("en_GB", {}) == "en_GB"
    assert choose_region("de", {}) == "de_DE"
    assert choose_region("de", {"LANG": "de_CH.UTF-8"}) == "de_CH"
    assert choose_region("en", {}) == "en_GB"
    assert choose_region("en", {"LANG": "de_CH.UTF-8"}) == "en_CH"


def test_lang_from_argv() -> None:
    assert lang_from_argv(["--lang", "de", "import"]) == "de"
    assert lang_from_argv(["--lang=en"]) == "en"
    assert lang_from_argv(["--lang", "fr"]) is None
    assert lang_from_argv(["--", "--lang", "de"]) is None
    assert lang_from_argv([]) is None


def test_setup_language_applies_choice() -> None:
    env = {"LANG": "de_CH.UTF-8"}
    assert setup_language([], env, {"timezone": "Europe/Zurich"}) == "de"
    assert (current_language(), current_region()) == ("de", "de_CH")
    assert current_timezone().key == "Europe/Zurich"
    assert setup_language(["--lang", "en"], env, {}) == "en"
    assert current_region() == "de_CH"
    assert setup_language([], {"LANG": "en_US.UTF-8"}, {"language": "de"}) == "de"
    assert current_region() == "de_DE"


def write_config(text: str) -> None:
    path = Config.load().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- formats follow the business, not the language of the text ----------------------------
def test_english_text_gets_german_formats_by_default() -> None:
    for env in ({"LANG": "en_US.UTF-8"}, {"LANG": "en_GB.UTF-8"}, {"LC_ALL": "C.UTF-8"}, {}):
        assert setup_language([], env, {}) == "en"
        assert current_region() == "de_DE"
        assert fmt.money("1234.56", "EUR") == "1.234,56\u00a0€"
        assert fmt.date("2026-12-01") == "01.12.2026"
        assert fmt.datetime_("2026-12-01T07:02:00+00:00") == "01.12.2026 08:02"
        assert fmt.count(1234) == "1.234"
        assert _("Rows: {rows}  accepted: {accepted}  rejected: {rejected}").format(
            rows=fmt.count(2000), accepted=fmt.count(1569), rejected=fmt.count(431)
        ) == "Rows: 2.000  accepted: 1.569  rejected: 431"
    assert setup_language(["--lang", "en"], {"LANG": "de_DE.UTF-8"}, {}) == "en"
    assert current_region() == "de_DE"


@pytest.mark.parametrize("env", [{"LANG": "en_CH.UTF-8"}, {"LANG": "fr_CH.UTF-8"},
                                 {"LANGUAGE": "en", "LC_ALL": "de_CH.UTF-8"},
                                 {"LC_MONETARY": "de_LI.UTF-8", "LANG": "en_GB.UTF-8"}])
def test_english_text_in_a_swiss_environment_gets_swiss_formats(env: dict[str, str]) -> None:
    assert setup_language([], env, {}) == "en"
    assert current_region() == "de_CH"
    assert fmt.money("1234.56", "CHF") == "CHF\u00a01'234.56"
    assert fmt.money("1234.56", "EUR") == "EUR\u00a01'234.56"
    assert fmt.date("2026-12-01") == "01.12.2026"
    assert fmt.count(1234) == "1'234"


def test_config_locale_still_wins_for_english_text() -> None:
    write_config('locale = "en_GB"\n')
    assert setup_language([], {"LANG": "de_CH.UTF-8", "LANGUAGE": "en"}) == "en"
    assert current_region() == "en_GB"
    assert fmt.money("1234.56", "EUR") == "€1,234.56"
    assert fmt.date("2026-12-01") == "01/12/2026"
    assert fmt.count(1234) == "1,234"
    write_config('locale = "en_US"\n')
    assert setup_language(["--lang", "en"], {"LANG": "de_DE.UTF-8"}) == "en"
    assert current_region() == "en_US"
    assert fmt.date("2026-12-01") == "12/1/2026"
    write_config('language = "de"\nlocale = "en_GB"\n')  # German text, British formats
    assert setup_language([], {}) == "de"
    assert (current_language(), current_region()) == ("de", "en_GB")


def test_setup_language_reads_the_config_file(tmp_path: Path) -> None:
    path = Config.load().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('language = "de"\nlocale = "de_CH"\n', encoding="utf-8")
    assert setup_language([], {"LANG": "en_US.UTF-8"}) == "de"
    assert current_region() == "de_CH"


def test_setup_language_ignores_a_broken_config(tmp_path: Path) -> None:
    path = Config.load().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("language = [", encoding="utf-8")
    assert setup_language([], {"LANG": "de_DE.UTF-8"}) == "de"


@pytest.mark.parametrize(("key", "value"), [("language", "fr"), ("language", 3),
                                            ("locale", "Swiss"), ("locale", 1)])
def test_config_rejects_bad_language_and_locale(key: str, value: object) -> None:
    write_config(f"{key} = {tomlkit.item(value).as_string()}")
    with pytest.raises(ConfigError, match=key):
        Config.load()


def test_config_language_and_locale() -> None:
    config = Config.load()
    assert (config.language, config.locale) == (None, None)
    write_config('language = "de"\nlocale = "de_CH"\n')
    loaded = Config.load()
    assert (loaded.language, loaded.locale) == ("de", "de_CH")


def test_cli_lang_option_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    from mwtui.cli import main

    with pytest.raises(SystemExit) as raised:
        main(["--lang", "de", "--version"])
    assert raised.value.code == 0
    assert current_language() == "de"
