"""Leistungen, service detail, Kunden and the customer's page in German: no English left."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.i18n import screen_lines, untranslated_on_screen
from support.screens import make_app
from support.services import make_services_workspace

from mwtui.app import MwtuiApp
from mwtui.i18n import using_language
from mwtui.i18n.catalog import merged_catalog
from mwtui.screens.customer_page import CustomerPageScreen
from mwtui.screens.services import ServiceDetailScreen, ServicesScreen

SIZES = [(80, 24), (120, 40)]


async def settle(app, pilot) -> None:
    for _round in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_german_screens_show_no_english(tmp_path: Path, size: tuple[int, int]) -> None:
    catalog = merged_catalog("de")
    with using_language("de"):
        app = make_app(tmp_path, make_services_workspace(tmp_path / "ws.json", 3000))
        async with app.run_test(size=size) as pilot:
            seen: dict[str, list[str]] = {}
            await pilot.press("5")
            await settle(app, pilot)
            assert isinstance(app.screen, ServicesScreen)
            seen["Leistungen"] = screen_lines(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ServiceDetailScreen)
            seen["Leistung"] = screen_lines(app)
            await pilot.press("escape", "4")
            await settle(app, pilot)
            seen["Kunden"] = screen_lines(app)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, CustomerPageScreen)
            seen["Kundenseite"] = screen_lines(app)
    text = {name: "\n".join(lines) for name, lines in seen.items()}
    assert "Leistungen" in text["Leistungen"] and "Abrechnungsart" in text["Leistungen"]
    assert "jährlich" in text["Leistungen"] and "€" in text["Leistungen"]
    assert "Rechnung am" in text["Leistungen"] and ".2027" in text["Leistungen"]
    assert "Importlauf" in text["Leistung"] and "Nächste Rechnung" in text["Leistung"]
    assert "Kunden filtern" in text["Kunden"]
    assert "Aktivitäten (0)" in text["Kundenseite"] and "Leistungen (300)" in text["Kundenseite"]
    for name, lines in seen.items():
        assert untranslated_on_screen(without_app_keys(lines), catalog) == [], name


def without_app_keys(lines: list[str]) -> list[str]:
    """The screen without the app's global keys at the end of the footer (from ``^q``):
    they belong to the app shell and its own i18n test."""
    quit_key = next(b for b in MwtuiApp.BINDINGS if b.action == "quit").key_display
    footer = lines[-1]
    cut = footer.find(f" {quit_key} ")
    return [*lines[:-1], footer[:cut] if cut >= 0 else footer]
