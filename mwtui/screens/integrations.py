"""Integrations: sevDesk, bexio and lexware Office with token state, tests and imports.

The token is never shown: only where it comes from (environment, config file or none). In
the demo every integration talks to its local sandbox, labelled as such.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from mwtui.i18n import N_, _
from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.jobs import check_connection, count_line, status_word
from mwtui.screens.import_dialog import ImportDialog, client_factory
from mwtui.screens.integrations_presenter import IntegrationState, integration_states
from mwtui.widgets.dialogs import ConfirmDialog, TokenDialog
from mwtui.widgets.translated import TranslatedBindings
from mwtui.widgets.workspace_watch import WorkspaceChanged
from mwtui.workspace.config import TOKEN_ENV
from mwtui.workspace.text import safe_text

LAST_TEXTS = {
    "contacts": N_("last contacts: {when} {status}; {counts}"),
    "orders": N_("last orders: {when} {status}; {counts}"),
    "sync": N_("last unattended sync: {when} {status}; {counts}"),
}


def state_text(state: IntegrationState) -> Text:
    """The lines of one integration in the list (plain text)."""
    text = Text()
    head = f"{state.badge} {state.label}"
    if state.sandbox:
        head += "   [SANDBOX]"
    text.append(safe_text(head, one_line=True), style="bold")
    text.append("\n    " + safe_text(state.token_text, one_line=True))
    text.append("\n    " + safe_text(state.endpoint, one_line=True))
    if not state.last:
        text.append("\n    " + _("no import yet"))
    for last in (*state.last, *([state.last_sync] if state.last_sync else [])):
        template = _(LAST_TEXTS[last.what]) if last.what in LAST_TEXTS else "{when}"
        text.append("\n    " + safe_text(template.format(
            when=last.when, status=status_word(last.status), counts=count_line(last.counts)),
            one_line=True))
    return text


class IntegrationsScreen(TranslatedBindings, Screen[None]):
    """The three accounting tools; arrows choose one, the keys act on it."""

    TITLE = N_("Integrations")

    BINDINGS = [
        Binding("t", "set_token", N_("Token"), id="integrations.token",
                tooltip=N_("Set the API token (masked input, stored with mode 0600)")),
        Binding("x", "remove_token", N_("Remove token"), show=False, id="integrations.remove",
                tooltip=N_("Remove the stored token (asks first)")),
        Binding("c", "test", N_("Test"), id="integrations.test",
                tooltip=N_("Test the connection with one cheap request")),
        Binding("k", "import_contacts", N_("Contacts"), id="integrations.contacts",
                tooltip=N_("Import contacts as customers")),
        Binding("o", "import_orders", N_("Orders"), id="integrations.orders",
                tooltip=N_("Import orders as activities (choose the period)")),
        Binding("f5", "reload", N_("Reload"), show=False, id="integrations.reload",
                tooltip=N_("Read the token state and the last imports again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.states: list[IntegrationState] = []
        self._config_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="integration-list", markup=False)
        yield Static(_("Arrows choose an integration; t token, c test, k contacts, "
                       "o orders."),
                     id="integration-status", classes="status-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    # -- state -----------------------------------------------------------------------------
    def on_workspace_changed(self, _message: WorkspaceChanged) -> None:
        """Another process wrote the workspace: reload, keeping filter and cursor."""
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="integrations-load")
    def _load(self) -> None:
        app: Any = self.app
        try:
            with self._config_lock:  # never read the config while a token is being written
                states = integration_states(app.config, app.workspace.snapshot(),
                                            bool(app.demo))
        except Exception as err:  # unreadable workspace: one message, screen stays usable
            self.app.call_from_thread(self._status, _("Could not read the workspace: {error}")
                                      .format(error=err))
            return
        self.app.call_from_thread(self._show, states)

    def _show(self, states: list[IntegrationState]) -> None:
        options = self.query_one(OptionList)
        keep = options.highlighted
        self.states = states
        options.clear_options()
        options.add_options([Option(state_text(s), id=s.name) for s in states])
        if states:
            options.highlighted = keep if keep is not None and keep < len(states) else 0

    def selected(self) -> IntegrationState | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.states):
            return None
        return self.states[index]

    def _status(self, text: str) -> None:
        self.query_one("#integration-status", Static).update(Text(safe_text(text,
                                                                           one_line=True)))

    # -- tokens ----------------------------------------------------------------------------
    def action_set_token(self) -> None:
        state = self.selected()
        if state is None:
            return
        notes = []
        if state.token_source == "env":
            notes.append(_("{env} is set in the environment; it wins over the config "
                           "file.").format(env=TOKEN_ENV[state.name]))
        if state.sandbox:
            notes.append(_("Demo: imports use the sandbox; a token typed here is stored in "
                           "your real config file."))
        self.app.push_screen(TokenDialog(state.label, " ".join(notes)),
                             lambda token: self._token_entered(state, token))

    def _token_entered(self, state: IntegrationState, token: str | None) -> None:
        if token:
            self._save_token(state.name, state.label, token)

    def action_remove_token(self) -> None:
        state = self.selected()
        if state is None:
            return
        if state.token_source == "env":
            self.notify(_("The token comes from {env}; unset it in the environment that "
                          "starts mwtui.").format(env=TOKEN_ENV[state.name]),
                        severity="warning", markup=False)
            return
        if state.token_source == "none":
            self.notify(_("No token is stored for {label}.").format(label=state.label),
                        markup=False)
            return
        self.app.push_screen(
            ConfirmDialog(_("Remove the stored token for {label}?").format(label=state.label)),
            lambda yes: self._save_token(state.name, state.label, None) if yes else None)

    @work(thread=True, exclusive=True, group="integrations-token")
    def _save_token(self, name: str, label: str, token: str | None) -> None:
        app: Any = self.app
        with self._config_lock:
            try:
                app.config.set_token(name, token)
                states = integration_states(app.config, app.workspace.snapshot(),
                                            bool(app.demo))
            except Exception as err:  # one sentence; the token is never in the message
                self.app.call_from_thread(self.notify, safe_text(str(err), one_line=True),
                                          severity="error", markup=False)
                return
        message = (_("Token for {label} saved.") if token
                   else _("Token for {label} removed.")).format(label=label)
        self.app.call_from_thread(self.notify, message, markup=False)
        self.app.call_from_thread(self._status, message)
        self.app.call_from_thread(self._show, states)

    # -- test ------------------------------------------------------------------------------
    def action_test(self) -> None:
        state = self.selected()
        if state is not None:
            self._status(_("Testing {label} ...").format(label=state.label))
            self._test(state.name, state.label)

    @work(thread=True, exclusive=True, group="integrations-test")
    def _test(self, name: str, label: str) -> None:
        factory = client_factory(self.app)
        try:
            client = factory(name)
            try:
                info = check_connection(client)
            finally:
                client.close()
        except Exception as err:
            message = _("{label}: connection failed: {error}").format(
                label=label, error=error_sentence(err))
            self.app.call_from_thread(self._status, message)
            self.app.call_from_thread(self.notify, safe_text(message, one_line=True),
                                      severity="error", markup=False)
            return
        message = _("{label}: connected: {info}").format(label=label, info=info)
        self.app.call_from_thread(self._status, message)
        self.app.call_from_thread(self.notify, safe_text(message, one_line=True), markup=False)

    # -- imports ---------------------------------------------------------------------------
    def action_import_contacts(self) -> None:
        self._open_import("contacts")

    def action_import_orders(self) -> None:
        self._open_import("orders")

    def _open_import(self, what: str) -> None:
        state = self.selected()
        if state is not None:
            self.app.push_screen(ImportDialog(what, state.name), self._after_import)

    def _after_import(self, _result: Any) -> None:
        self.action_reload()

    @on(OptionList.OptionSelected, "#integration-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_import_orders()
