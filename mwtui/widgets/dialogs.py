"""Small modal dialogs: a masked token input and a yes/no confirmation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

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


class ConfirmDialog(ModalScreen[bool]):
    """A question answered with y (or Enter) / n (or Escape)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes", tooltip="Confirm"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep as it is"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.question), markup=False)
            yield Label("y / Enter: yes    n / Escape: no", classes="hint", markup=False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
