"""Bindings, titles and palette commands follow the language (de and en in one process)."""

from __future__ import annotations

from collections.abc import Iterable

from support.i18n import screen_lines
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Footer, Label

from mwtui.i18n import N_, _, set_language, using_language
from mwtui.i18n.names import bilingual
from mwtui.widgets.translated import BilingualCommands, TranslatedBindings

RAN: list[str] = []


class TinyScreen(TranslatedBindings, Screen):
    TITLE = N_("Customers")
    BINDINGS = [
        Binding("q", "app.quit", N_("Quit"), tooltip=N_("Quit the application")),
        Binding("h", "app.bell", N_("Help")),
    ]

    def compose(self) -> ComposeResult:
        yield Label(_("Orders"))
        yield Footer()


class TinyApp(TranslatedBindings, App[None]):
    COMMANDS = {BilingualCommands}
    BINDINGS = [Binding("ctrl+t", "bell", N_("Theme"), show=False)]

    def on_mount(self) -> None:
        self.push_screen(TinyScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(bilingual(N_("Import orders")), N_("Show every key"),
                            lambda: RAN.append("import"))
        yield SystemCommand(bilingual(N_("Go to {title}"), title=bilingual(N_("Customers"))),
                            "", lambda: RAN.append("customers"))


async def _footer_text(language: str) -> tuple[str, str, str]:
    with using_language(language):
        app = TinyApp()
        async with app.run_test(size=(60, 8)) as pilot:
            await pilot.pause()
            footer = screen_lines(app)[-1]
            screen = app.screen
            tooltips = [b.tooltip for _k, b in screen._bindings if b.tooltip]
            return footer, screen.title or "", tooltips[0]


async def test_footer_shows_german_then_english_in_one_process() -> None:
    footer, title, tooltip = await _footer_text("de")
    assert "Beenden" in footer and "Hilfe" in footer and "Quit" not in footer
    assert title == "Kunden"
    assert tooltip == "Anwendung beenden"
    footer, title, tooltip = await _footer_text("en")
    assert "Quit" in footer and "Help" in footer and "Beenden" not in footer
    assert title == "Customers"
    assert tooltip == "Quit the application"
    # The class keeps its English message ids.
    assert [b.description for b in TinyScreen.BINDINGS] == ["Quit", "Help"]


async def test_retranslate_switches_a_running_screen() -> None:
    app = TinyApp()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        assert "Quit" in screen_lines(app)[-1]
        set_language("de")
        app.screen.retranslate()
        await pilot.pause()
        assert "Beenden" in screen_lines(app)[-1]
        assert app.screen.title == "Kunden"
        set_language("en")
        app.screen.retranslate()
        await pilot.pause()
        assert "Quit" in screen_lines(app)[-1]
        assert app.screen.title == "Customers"


async def _palette_options(app: App, pilot, query: str) -> list[str]:
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one("CommandInput").value = query
    for _attempt in range(20):
        await pilot.pause(0.05)
        options = palette.query_one(CommandList)
        if options.option_count:
            break
    return [str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)]


async def test_palette_finds_commands_by_german_and_english_name() -> None:
    RAN.clear()
    with using_language("de"):
        app = TinyApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            german = await _palette_options(app, pilot, "Aufträge importieren")
            assert any("Aufträge importieren" in option for option in german)
            english = await _palette_options(app, pilot, "import orders")
            assert any("Import orders" in option and "Aufträge importieren" in option
                       for option in english)
            kunden = await _palette_options(app, pilot, "Kunden")
            assert any("Zu Kunden wechseln" in option for option in kunden)
            # Textual's own "Quit" command is shown and found in German too.
            beenden = await _palette_options(app, pilot, "beenden")
            assert any("Beenden" in option for option in beenden)
            await pilot.press("enter")
            await pilot.pause()


def test_bilingual_hit_matches_either_name() -> None:
    from textual.fuzzy import Matcher

    from mwtui.widgets.translated import bilingual_hit

    with using_language("de"):
        title = bilingual(N_("Import orders"))
        assert str(title) == "Aufträge importieren" and title.english == "Import orders"
        german = bilingual_hit(Matcher("aufträge"), title)
        assert german is not None and german[1].plain == "Aufträge importieren"
        english = bilingual_hit(Matcher("import orders"), title)
        assert english is not None
        assert english[1].plain == "Import orders · Aufträge importieren"
        assert bilingual_hit(Matcher("kontakte"), title) is None
        # A plain msgid (Textual's own commands) is translated and found both ways.
        assert bilingual_hit(Matcher("quit"), "Quit") is not None
        assert bilingual_hit(Matcher("beenden"), "Quit")[1].plain == "Beenden"
    with using_language("en"):
        title = bilingual(N_("Import orders"))
        assert bilingual_hit(Matcher("aufträge"), title) is None
