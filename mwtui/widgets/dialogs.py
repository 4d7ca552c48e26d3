"""Small modal dialogs: a masked token input and the one yes/no confirmation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from mwtui.i18n import N_, _
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.text import safe_text

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; max-width: 100%; height: auto;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} .hint {{ color: $text-muted; width: 100%; }}
"""


class TokenDialog(TranslatedBindings, ModalScreen[str | None]):
    """Ask for a token with a masked input. Dismisses with the token or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TokenDialog")
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="token.cancel",
                tooltip=N_("Close without changing the token")),
    ]

    def __init__(self, label: str, note: str = "") -> None:
        super().__init__()
        self.label = label
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(_("API token for {label}").format(label=self.label),
                                  one_line=True),
                        classes="screen-title", markup=False)
            yield Input(password=True, placeholder=_("paste the token, then Enter"),
                        id="token-input")
            if self.note:
                yield Label(safe_text(self.note), classes="hint", markup=False)
            yield Label(_("Enter saves (config file, mode 0600), Escape cancels. "
                          "The token is never shown."), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#token-input", Input).focus()

    @on(Input.Submitted, "#token-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify(_("Type or paste a token first (Escape cancels)."),
                        severity="warning", markup=False)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(TranslatedBindings, ModalScreen[bool]):
    """A yes/no question with the safe answer first in focus.

    Focus starts on the No button, so Enter alone never confirms: Enter presses the focused
    button, Tab and the arrow keys move between the two. ``y`` answers yes, ``n`` and
    Escape answer no. Dismisses with True for yes."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog") + """
    ConfirmDialog Label { width: 100%; }
    ConfirmDialog .dialog-buttons { height: auto; align-horizontal: right; }
    ConfirmDialog .dialog-buttons Button { margin-left: 1; min-width: 10; }
    """
    BINDINGS = [
        Binding("y,j", "answer(True)", N_("Yes"), id="confirm.yes", tooltip=N_("Confirm")),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no",
                tooltip=N_("Keep as it is")),
        Binding("left,right", "app.focus_previous", N_("Other button"), show=False),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        """``yes``/``no``: button labels already in the operator's language (default: the
        translated "Yes"/"No")."""
        super().__init__()
        self.question = question
        self.yes = yes if yes is not None else _("Yes")
        self.no = no if no is not None else _("No")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.question), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(safe_text(_("{label} (y)").format(label=self.yes), one_line=True),
                             id="confirm-yes", variant="primary")
                yield Button(safe_text(_("{label} (n)").format(label=self.no), one_line=True),
                             id="confirm-no")
            yield Label(_("y: yes    n / Escape: no    Enter: the highlighted button"),
                        classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
