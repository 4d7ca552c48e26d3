"""The helper behind the "no untranslated text on screen" tests finds English leftovers."""

from __future__ import annotations

from support.i18n import german_entries, untranslated_on_screen

from mwtui.i18n.catalog import merged_catalog

ENTRIES = {
    "Customers": "Kunden",
    "Order": "Auftrag",
    "Quit": "Beenden",
    "Import": "Import",  # same in both languages: never evidence
    "OK": "OK",
    "Go to {title}": "Zu {title} wechseln",
    "Period: {period}": "Zeitraum: {period}",
    "WEBFAKT": "WEBFAKT",
    "Preview": "Vorschau",
    "2026": "2026",
}


def test_finds_english_msgids_on_a_german_screen() -> None:
    lines = [
        " Kunden                                 mwtui ",
        " Customers: 12   Period: today            ",
        " Import  OK  WEBFAKT  Vorschau             ",
        " Go to Aktivitäten                        ",
        " ^q Quit                                  ",
    ]
    assert untranslated_on_screen(lines, ENTRIES) == [
        "Customers", "Go to {title}", "Period: {period}", "Quit"]


def test_a_clean_german_screen_passes() -> None:
    lines = [" Kunden  Zeitraum: heute  Aufträge  ", " ^q Beenden  Orders2x  Border "]
    assert untranslated_on_screen(lines, ENTRIES) == []


def test_word_boundaries() -> None:
    assert untranslated_on_screen(["Orders"], ENTRIES) == []
    assert untranslated_on_screen(["(Order)"], ENTRIES) == ["Order"]


def test_works_on_the_merged_catalogue() -> None:
    catalog = merged_catalog("de")
    entries = german_entries(catalog)
    assert entries["Customers"] == "Kunden"
    assert entries["{n} orders"] == "{n} Aufträge"
    assert untranslated_on_screen(["Kunden", "Delivery notes: 3"], catalog) == [
        "Delivery notes"]
