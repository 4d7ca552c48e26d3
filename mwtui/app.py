"""The Textual app: modes for the four screens, global keys, command palette, themes,
and the watch that refreshes screens when another process changed the workspace."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from mwtui.i18n import N_, _
from mwtui.i18n.names import bilingual
from mwtui.screens.help import HelpScreen
from mwtui.widgets.translated import BilingualCommands, TranslatedBindings, translated_palette
from mwtui.widgets.workspace_watch import WorkspaceChanged
from mwtui.workspace.config import Config
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.models import set_origin
from mwtui.workspace.store import Workspace
from mwtui.workspace.watch import WorkspaceWatcher

# One line per screen; new screens add a line here, in SCREEN_CLASSES and in BINDINGS.
MODE_TITLES: dict[str, str] = {
    "integrations": N_("Integrations"),
    "activities": N_("Activities"),
    "preview": N_("WEBFAKT import"),
    "customers": N_("Customers"),
    "services": N_("Services"),
    "history": N_("History"),
}

SCREENS = Binding.Group(N_("Screens"), compact=True)
"""The screen keys share one footer entry ("123456 Ansichten"), so the footer fits 80 columns."""

SCREEN_CLASSES: dict[str, tuple[str, str]] = {
    "integrations": ("mwtui.screens.integrations", "IntegrationsScreen"),
    "activities": ("mwtui.screens.activities", "ActivitiesScreen"),
    "preview": ("mwtui.screens.preview", "PreviewScreen"),
    "customers": ("mwtui.screens.customers", "CustomersScreen"),
    "services": ("mwtui.screens.services", "ServicesScreen"),
    "history": ("mwtui.screens.history", "HistoryScreen"),
}

PRELOADED: tuple[str, ...] = (
    *(module for module, _name in SCREEN_CLASSES.values()),
    "mwtui.screens.activity_detail",
    "mwtui.screens.import_dialog",
    "mwtui.screens.activity_types",
)
"""Imported in a thread after the start (dialogs too), so that opening them is instant."""

WATCH_SECONDS = 1.0
"""How often the workspace file's change marker is read (one ``stat``)."""


def _screen_factory(mode: str) -> Callable[[], Screen]:
    """Import a screen's module only when its mode is first shown (fast start-up)."""

    def build() -> Screen:
        module, name = SCREEN_CLASSES[mode]
        return getattr(importlib.import_module(module), name)()

    return build


class MwtuiApp(TranslatedBindings, App[int]):
    """mwtui: one workspace, four screens, keyboard only."""

    TITLE = "mwtui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {BilingualCommands}
    MODES = {mode: _screen_factory(mode) for mode in SCREEN_CLASSES}
    DEFAULT_MODE = "activities"
    BINDINGS = [
        Binding("f1,question_mark", "help", N_("Help"), id="app.help", key_display="?",
                tooltip=N_("Every key of this screen")),
        *(
            Binding(str(number), f"switch_mode('{mode}')", title, id=f"mode.{mode}",
                    group=SCREENS, tooltip=N_("Switch to this screen"))
            for number, (mode, title) in enumerate(MODE_TITLES.items(), start=1)
        ),
        Binding("ctrl+t", "cycle_theme", N_("Theme"), id="app.theme", show=False,
                tooltip=N_("Next theme (ansi-dark uses the terminal's own colours)")),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True,
                key_display="^q"),
        Binding("ctrl+p", "command_palette", N_("Palette"), id="app.palette", show=False,
                tooltip=N_("Search every command (switch screens, themes, help)")),
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
        self._watcher = WorkspaceWatcher(workspace)
        self._requested_theme = theme or config.theme
        if self._requested_theme not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            raise ConfigError(_("Unknown theme {name}; use one of: {names}.").format(
                name=repr(self._requested_theme), names=names))

    def on_mount(self) -> None:
        set_origin("tui")  # batches of this process: run from the app (audit trail)
        self.theme = self._requested_theme
        place = str(self.workspace.path)
        self.sub_title = _("DEMO workspace - {path}").format(path=place) if self.demo else place
        self.set_interval(WATCH_SECONDS, self._watch_workspace, name="workspace-watch")
        # After the first screen has had time to load its data (they would share the GIL).
        self.set_timer(1.5, self._preload_screens)

    def _preload_screens(self) -> None:
        """Import the other screens (and polars) in a thread, so switching is instant."""

        def load() -> None:
            for module in PRELOADED:
                importlib.import_module(module)

        self.run_worker(load, thread=True, group="preload", exit_on_error=False)

    # -- following the workspace -----------------------------------------------------------
    def _watch_workspace(self) -> None:
        """One ``stat`` per tick; on a change every open screen is told to reload."""
        change = self._watcher.poll()
        if change == "vanished":
            self.notify(_("The workspace file {path} has gone; nothing is written until "
                          "it is back.").format(path=self.workspace.path),
                        severity="error", markup=False, timeout=30)
        elif change is not None:
            for screen in self._open_screens():
                screen.post_message(WorkspaceChanged())

    def _open_screens(self) -> list[Screen]:
        """The screens of every mode shown so far, and the dialogs above them."""
        stacks: dict[str, list[Screen]] = getattr(self, "_screen_stacks", {})
        return [screen for stack in stacks.values() for screen in stack]

    # -- commands --------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, title in MODE_TITLES.items():
            name = bilingual(N_("Go to {title}"), title=bilingual(title))
            yield SystemCommand(name, bilingual(N_("Switch to the {title} screen"),
                                                title=bilingual(title)),
                                lambda m=mode: self.switch_mode(m))
        yield SystemCommand(bilingual(N_("Settings: tokens and connection tests")),
                            bilingual(N_("The Integrations screen")),
                            lambda: self.switch_mode("integrations"))
        yield SystemCommand(bilingual(N_("Import orders")),
                            bilingual(N_("Orders from sevDesk, bexio or lexware Office")),
                            lambda: self._open_import("orders"))
        yield SystemCommand(bilingual(N_("Import contacts")),
                            bilingual(N_("Contacts from sevDesk, bexio or lexware Office")),
                            lambda: self._open_import("contacts"))
        yield SystemCommand(bilingual(N_("Help")), bilingual(N_("Show every key")),
                            self.action_help)

    def _open_import(self, what: str) -> None:
        module: Any = importlib.import_module("mwtui.screens.import_dialog")
        self.push_screen(module.ImportDialog(what))

    def action_command_palette(self) -> None:
        """Textual's palette with a translated placeholder."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(translated_palette())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_cycle_theme(self) -> None:
        names = self.THEME_CYCLE
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(_("Theme: {name}").format(name=self.theme), timeout=2)
