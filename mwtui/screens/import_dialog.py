"""The import dialog and the import runner, shared by the Integrations and Activities screens.

The dialog asks for the integration, the period and (where the client offers several) the
order kind with radio groups where moving selects; the Start button names what will run.
The runner runs one :class:`ImportJob` in a thread worker, shows a progress bar with
counts, cancels on Escape and ends with a scrollable summary: what happened per item.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from mwtui.i18n import N_, _
from mwtui.importers.accounting.jobs import (
    ClientFactory,
    ImportRequest,
    capabilities,
    integration_choices,
    kind_label,
    orders_note,
    period_word,
    token_state,
)
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIODS
from mwtui.screens.import_runner import ImportRunner
from mwtui.widgets.translated import TranslatedBindings


def client_factory(app: Any) -> ClientFactory:
    """The app's client factory: ``app.client_factory`` if set (tests), else real clients
    or, in the demo, the sandboxes (created once per app run)."""
    factory = getattr(app, "client_factory", None)
    if factory is None:
        from mwtui.importers.accounting.jobs import default_factory

        factory = default_factory(app.config, bool(getattr(app, "demo", False)))
        app.client_factory = factory
    return factory


def business_timezone(app: Any) -> Any:
    """The configured timezone, or None (the engine's default) if the config is broken."""
    try:
        return app.config.timezone
    except Exception:
        return None


class ChoiceGroup(OptionList):
    """A radio group: the highlighted option is the chosen one, marked ``(•)``, the others
    ``( )`` (plain text, so it shows without colour). Disabled options cannot be chosen."""

    DEFAULT_CSS = "ChoiceGroup { height: auto; width: 1fr; }"

    class Chosen(Message):
        """The choice of ``group`` changed to ``value``."""

        def __init__(self, group: ChoiceGroup, value: str) -> None:
            super().__init__()
            self.group = group
            self.value = value

    def __init__(self, choices: list[tuple[str, str, bool]], value: str, *, title: str,
                 id: str) -> None:
        self.choices = choices  # (value, label, enabled)
        self.value = value
        super().__init__(*self._options(), id=id, markup=False)
        self.border_title = title

    def _options(self) -> list[Option]:
        return [Option(f"{'(•)' if name == self.value else '( )'} {label}", id=name,
                       disabled=not enabled) for name, label, enabled in self.choices]

    def on_mount(self) -> None:
        names = [name for name, _label, _enabled in self.choices]
        if self.value in names:
            self.highlighted = names.index(self.value)

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        name = event.option.id or ""
        if name == self.value or event.option.disabled:
            return
        self.value = name
        for option_name, label, _enabled in self.choices:
            marker = "(•)" if option_name == name else "( )"
            self.replace_option_prompt(option_name, f"{marker} {label}")
        self.post_message(self.Chosen(self, name))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on a group goes on to the next group (and the Start button)
        self.screen.focus_next()


def remembered(app: Any) -> dict[str, dict[str, str]]:
    """The last period and kind started per integration (and under ``""`` the last
    integration), for this app session."""
    memory = getattr(app, "import_choices", None)
    if memory is None:
        memory = {}
        app.import_choices = memory
    return memory


def token_available(app: Any, name: str) -> bool:
    """Whether an import from ``name`` can start: a token is set, or the clients need none
    (the demo's and the CLI's sandboxes, test fakes)."""
    if not getattr(client_factory(app), "needs_token", False):
        return True
    return token_state(app.config, name).is_set


class ImportDialog(TranslatedBindings, ModalScreen[Any]):
    """Choose integration, period and kind (arrows select), then Start runs what is shown.

    Dismisses with the engine's result (or None when closed without running).
    """

    DEFAULT_CSS = """
    ImportDialog { align: center middle; }
    ImportDialog > #import-box {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ImportDialog #import-form { height: auto; }
    ImportDialog #import-choices { height: auto; }
    ImportDialog ChoiceGroup { border: round $panel; }
    ImportDialog ChoiceGroup:focus { border: round $accent; }
    ImportDialog #import-integration { width: 26; }
    ImportDialog #import-period { width: 20; }
    ImportDialog #import-kind { width: 1fr; }
    ImportDialog .import-note { color: $text-muted; height: auto; }
    ImportDialog #import-start { margin: 1 0 0 0; width: 100%; }
    ImportDialog #import-runner { display: none; }
    ImportDialog.-running #import-form { display: none; }
    ImportDialog.-running #import-runner { display: block; }
    """

    BINDINGS = [
        Binding("s", "start", N_("Start"), id="import.start",
                tooltip=N_("Start the import shown on the Start button; after a preview: "
                           "import exactly what it showed")),
        Binding("v", "preview", N_("Preview"), id="import.preview",
                tooltip=N_("Show what the import would do, per item, without writing")),
        Binding("escape", "escape", N_("Cancel/Close"), id="import.cancel",
                tooltip=N_("Close the dialog; while an import runs: cancel it")),
        Binding("enter", "close_done", N_("Close"), show=False, id="import.close",
                tooltip=N_("Close the summary after the run")),
    ]

    def __init__(self, what: str = "orders", integration: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.integration = integration
        self.started = False

    def compose(self) -> ComposeResult:
        title = _("Import orders") if self.what == "orders" else _("Import contacts")
        enabled = {name: token_available(self.app, name) for name, _l in integration_choices()}
        first = next((n for n, ok in enabled.items() if ok), "sevdesk")
        wanted = self.integration or remembered(self.app).get("", {}).get("integration", "")
        chosen = wanted if enabled.get(wanted) else first
        memory = remembered(self.app).get(chosen, {})
        with Vertical(id="import-box"):
            yield Label(title, classes="screen-title")
            with Vertical(id="import-form"):
                with Horizontal(id="import-choices"):
                    yield ChoiceGroup(
                        [(n, label if enabled[n] else _("{label} (no token)").format(
                            label=label), enabled[n]) for n, label in integration_choices()],
                        chosen, title=_("Integration"), id="import-integration")
                    if self.what == "orders":
                        yield ChoiceGroup([(p, period_word(p), True) for p in PERIODS],
                                          memory.get("period", "month"), title=_("Period"),
                                          id="import-period")
                        yield ChoiceGroup([(k, kind_label(k), True) for k in ORDER_KINDS],
                                          memory.get("kind", "orderconfirmation"),
                                          title=_("Kind"), id="import-kind")
                yield Static("", id="import-note", classes="import-note")
                if not all(enabled.values()):
                    yield Static(_("t on the Integrations screen sets the token"),
                                 id="import-token-hint", classes="import-note")
                yield Button("", id="import-start", variant="primary")
                yield Static(_("Arrows choose, Tab next group, Enter on the button or s "
                               "starts, v previews, Escape closes."), classes="import-note")
            yield ImportRunner(id="import-runner")

    def on_mount(self) -> None:
        self._update()
        self.query_one("#import-integration", ChoiceGroup).focus()

    # -- choices ---------------------------------------------------------------------------
    def _chosen(self, set_id: str, default: str) -> str:
        try:
            return self.query_one(f"#{set_id}", ChoiceGroup).value or default
        except Exception:
            return default

    def request(self) -> ImportRequest:
        """The request the dialog shows now (what Start will run)."""
        integration = self._chosen("import-integration", self.integration or "sevdesk")
        if self.what == "contacts":
            return ImportRequest("contacts", integration)
        kinds = capabilities(integration).order_kinds
        kind = self._chosen("import-kind", kinds[0])
        if kind not in kinds:
            kind = kinds[0]
        return ImportRequest("orders", integration, self._chosen("import-period", "month"),
                             kind)  # type: ignore[arg-type]

    def can_start(self) -> bool:
        """Only an integration that can run (token or sandbox) starts, and only once; while
        a preview is shown, Start imports what it showed."""
        if self.runner.running or (self.started and self.runner.previewed is None):
            return False
        return token_available(self.app, self.request().integration)

    @on(ChoiceGroup.Chosen)
    def _choice_changed(self, message: ChoiceGroup.Chosen) -> None:
        if message.group.id == "import-integration" and self.what == "orders":
            memory = remembered(self.app).get(message.value, {})
            for set_id, key in (("import-period", "period"), ("import-kind", "kind")):
                if key in memory:
                    self._choose(set_id, memory[key])
        self._update()

    def _choose(self, set_id: str, value: str) -> None:
        group = self.query_one(f"#{set_id}", ChoiceGroup)
        names = [name for name, _l, _e in group.choices]
        if value in names:
            group.highlighted = names.index(value)

    def _update(self) -> None:
        request = self.request()
        notes = []
        if self.what == "orders":
            kind_set = self.query_one("#import-kind", ChoiceGroup)
            kind_set.display = len(capabilities(request.integration).order_kinds) > 1
            notes.append(orders_note(request.integration))
            notes.append(_("Orders land in the default activity type; the contact is imported "
                           "too."))
        else:
            notes.append(_("Contacts become customers; a re-import updates, never "
                           "duplicates."))
        if getattr(self.app, "demo", False):
            notes.append(_("DEMO: the local sandbox answers, no account is needed."))
        self.query_one("#import-note", Static).update(Text(" ".join(notes)))
        button = self.query_one("#import-start", Button)
        button.label = Content(request.start_label())
        button.disabled = not self.can_start()
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------
    @property
    def runner(self) -> ImportRunner:
        return self.query_one(ImportRunner)

    @on(Button.Pressed, "#import-start")
    def _start_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def action_preview(self) -> None:
        """A dry run of the request shown: the same reads, nothing written."""
        if self.started or not self.can_start():
            return
        self.started = True
        self.add_class("-running")
        self.runner.start(self.request(), self.app.workspace, client_factory(self.app),
                          business_timezone(self.app), mode="preview")
        self.runner.focus()

    def action_start(self) -> None:
        if not self.can_start():
            return
        if self.runner.previewed is not None:  # confirm: import exactly what was previewed
            self.runner.start(self.runner.request or self.request(), self.app.workspace,
                              client_factory(self.app), business_timezone(self.app),
                              mode="confirm")
            self.refresh_bindings()
            return
        self.started = True
        self.add_class("-running")
        request = self.request()
        memory = remembered(self.app)
        memory[""] = {"integration": request.integration}
        if request.what == "orders":
            memory[request.integration] = {"period": request.period, "kind": request.kind}
        self.runner.start(request, self.app.workspace, client_factory(self.app),
                          business_timezone(self.app))
        self.runner.focus()

    def action_escape(self) -> None:
        if self.runner.running:
            self.runner.cancel()
        else:
            self.dismiss(self.runner.result)

    def action_close_done(self) -> None:
        if self.started and not self.runner.running:
            self.dismiss(self.runner.result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return self.can_start()
        if action == "preview":
            return not self.started and self.can_start()
        if action == "close_done":
            return self.started and not self.runner.running
        return True

    @on(ImportRunner.Finished)
    def _runner_done(self, message: ImportRunner.Finished) -> None:
        self.refresh_bindings()
