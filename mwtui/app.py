"""The Textual app: modes for the four screens, global keys, command palette, themes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from mwtui.screens.help import HelpScreen
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.store import Workspace

MODE_TITLES: dict[str, str] = {
    "integrations": "Integrations",
    "activities": "Activities",
    "preview": "WEBFAKT import",
    "customers": "Customers",
    "history": "History",
}


SCREEN_CLASSES: dict[str, tuple[str, str]] = {
    "integrations": ("mwtui.screens.integrations", "IntegrationsScreen"),
    "activities": ("mwtui.screens.activities", "ActivitiesScreen"),
    "preview": ("mwtui.screens.preview", "PreviewScreen"),
    "customers": ("mwtui.screens.customers", "CustomersScreen"),
    "history": ("mwtui.screens.history", "HistoryScreen"),
}


def _screen_factory(mode: str) -> Callable[[], Screen]:
    """Import a screen's module only when its mode is first shown (fast start-up)."""

    def build() -> Screen:
        module, name = SCREEN_CLASSES[mode]
        return getattr(importlib.import_module(module), name)()

    return build


class MwtuiApp(App[int]):
    """mwtui: one workspace, four screens, keyboard only."""

    TITLE = "mwtui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    MODES = {mode: _screen_factory(mode) for mode in SCREEN_CLASSES}
    DEFAULT_MODE = "activities"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help", key_display="?",
                tooltip="Every key of this screen"),
        Binding("1", "switch_mode('integrations')", "Integr", id="mode.integrations",
                tooltip="Integrations: tokens, tests, imports"),
        Binding("2", "switch_mode('activities')", "Activ", id="mode.activities",
                tooltip="Activities (imported jobs)"),
        Binding("3", "switch_mode('preview')", "WEBFAKT", id="mode.preview",
                tooltip="Preview and commit a WEBFAKT service file"),
        Binding("4", "switch_mode('customers')", "Cust", id="mode.customers",
                tooltip="Customers"),
        Binding("5", "switch_mode('history')", "History", id="mode.history", show=False,
                tooltip="History: every import batch with its report"),
        Binding("ctrl+t", "cycle_theme", "Theme", id="app.theme", show=False,
                tooltip="Next theme (ansi-dark uses the terminal's own colours)"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, key_display="^q"),
        Binding("ctrl+p", "command_palette", "Palette", id="app.palette", show=False,
                tooltip="Search every command (switch screens, themes, help)"),
    ]
    THEME_CYCLE = ("textual-dark", "textual-light", "ansi-dark", "ansi-light")

    def __init__(
        self,
        workspace: Workspace,
        config: Config,
        theme: str | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.config = config
        self.demo = demo
        self._requested_theme = theme or config.theme
        if self._requested_theme not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            raise ConfigError(f"Unknown theme {self._requested_theme!r}; use one of: {names}.")

    def on_mount(self) -> None:
        self.theme = self._requested_theme
        self.sub_title = ("DEMO workspace (temporary) - " if self.demo else "") + str(
            self.workspace.path
        )
        # After the first screen has had time to load its data (they would share the GIL).
        self.set_timer(1.5, self._preload_screens)

    def _preload_screens(self) -> None:
        """Import the other screens (and polars) in a thread, so switching is instant."""

        def load() -> None:
            for module, _name in SCREEN_CLASSES.values():
                importlib.import_module(module)

        self.run_worker(load, thread=True, group="preload", exit_on_error=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, title in MODE_TITLES.items():
            yield SystemCommand(f"Go to {title}", f"Switch to the {title} screen",
                                lambda m=mode: self.switch_mode(m))
        yield SystemCommand("Help", "Show every key", self.action_help)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the key of the screen already shown (the footer has 80 columns)."""
        current = action == "switch_mode" and parameters and parameters[0] == self.current_mode
        return not current

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_cycle_theme(self) -> None:
        names = self.THEME_CYCLE
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)
