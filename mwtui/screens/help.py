"""Help: every key of the screen underneath and of the app, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from mwtui.i18n import N_, _
from mwtui.widgets.translated import TranslatedBindings

GENERAL_HELP = N_(
    "Keyboard only. Tab / shift+tab move between fields, arrows and page keys move in "
    "tables, Enter opens or confirms, Escape closes a dialog, leaves a filter or cancels a "
    "running job. ctrl+p opens the command palette."
)
LANGUAGE_HELP = N_(
    "Language: start with --lang de or --lang en, or put language = \"de\" (or \"en\") in "
    "config.toml; otherwise the locale decides (LANG=de_DE.UTF-8 gives German)."
)

SECTIONS = (N_("This screen"), N_("Everywhere"), N_("In tables and fields"))
# Keys every Textual screen has (focus next/previous, copy): listed under "Everywhere".
_GENERIC_ACTIONS = {b.action if isinstance(b, Binding) else b[1] for b in Screen.BINDINGS}


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, section) for every binding active on ``screen``, deduplicated,
    in the current language; the screen's own keys first, then the app's, then those of
    the focused widget."""
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[int, str, str]] = []
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        label = _(binding.description) if binding.description else binding.action
        display = screen.app.get_key_display(binding)
        marker = (display, label)
        if marker in seen:
            continue
        seen.add(marker)
        if active.node is screen and binding.action not in _GENERIC_ACTIONS:
            section = 0
        elif active.node in (screen, screen.app):
            section = 1
        else:
            section = 2
        text = label + (f" - {_(active.tooltip)}" if active.tooltip else "")
        rows.append((section, display or key, text))
    rows.sort(key=lambda row: row[0])  # stable: keeps each section's own order
    return [(keys, text, _(SECTIONS[section])) for section, keys, text in rows]


def screen_name(screen: Screen) -> str:
    """The screen's title in the current language, else its class name without "Screen"
    (which is the English title of the mode screens)."""
    title = getattr(screen, "title", None) or type(screen).__name__.removesuffix("Screen")
    return _(str(title))


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """A scrollable list of keys. Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", N_("Close"), id="help.close"),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self._target = target

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(_("Keys: {screen}").format(screen=screen_name(self._target)) + "\n\n",
                    style="bold")
        current = ""
        for keys, description, section in binding_rows(self._target):
            if section != current:
                text.append(("\n" if current else "") + section + "\n", style="underline")
                current = section
            text.append(f"{keys:>12}  ", style="bold")
            text.append(f"{description}\n")
        text.append("\n" + _(GENERAL_HELP) + "\n\n" + _(LANGUAGE_HELP) + "\n")
        with VerticalScroll(id="help-box"):
            yield Static(text)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
