"""The import dialog and the import runner, shared by the Integrations and Activities screens.

The dialog asks for the integration, the period and (where the client offers several) the
order kind with radio groups where moving selects; the Start button names what will run.
The runner runs one :class:`ImportJob` in a thread worker, shows a progress bar with
counts, cancels on Escape and ends with a scrollable summary: what happened per item.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.jobs import (
    ClientFactory,
    ImportJob,
    ImportRequest,
    capabilities,
    count_line,
    integration_choices,
    kind_label,
    orders_note,
    period_word,
    summary_lines,
    token_state,
)
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIODS
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.text import safe_text

PHASE_WORDS = {
    "listing": N_("Listing"),
    "contacts": N_("Contacts"),
    "orders": N_("Orders"),
    "delivery_notes": N_("Delivery notes"),
    "saving": N_("Saving"),
    "done": N_("Done"),
}
PROGRESS_INTERVAL = 0.1  # seconds between progress messages from the worker


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


class ImportRunner(Widget, can_focus=True):
    """Runs one import in a thread worker: progress bar, counts, Escape cancels, summary."""

    DEFAULT_CSS = """
    ImportRunner { height: auto; }
    ImportRunner > Label { width: 100%; }
    ImportRunner > #runner-bar { margin: 1 0 0 0; }
    ImportRunner > #runner-summary { height: auto; max-height: 14; }
    """

    class Finished(Message):
        """The run ended; ``result`` is the engine's SyncResult (None if it crashed)."""

        def __init__(self, runner: ImportRunner, result: Any, error: str) -> None:
            super().__init__()
            self.runner = runner
            self.result = result
            self.error = error

    class _Progress(Message):
        def __init__(self, progress: Any) -> None:
            super().__init__()
            self.progress = progress

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cancel_event = threading.Event()
        self.running = False
        self.request: ImportRequest | None = None
        self.result: Any = None
        self.extra_lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="runner-title", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="runner-bar")
        yield Label("", id="runner-counts", markup=False)
        with VerticalScroll(id="runner-summary"):
            yield Static("", id="runner-summary-text")

    def start(self, request: ImportRequest, workspace: Any, factory: ClientFactory,
              tz: Any = None) -> None:
        """Begin the run (returns at once; the work happens in a thread)."""
        self.request = request
        self.extra_lines = []
        self.running = True
        job = ImportJob(request, factory, workspace, tz=tz, progress=self._progress_sink())
        self.cancel_event = job.cancel_event
        self.query_one("#runner-title", Label).update(
            safe_text(_("Importing {what} ...  (Escape cancels)").format(
                what=request.describe())))
        self.query_one("#runner-counts", Label).update(_("Connecting ..."))
        self._run(job)

    def on_unmount(self) -> None:
        self.cancel_event.set()  # quitting mid-run stops the engine at the next item

    def cancel(self) -> None:
        """Ask the engine to stop between items (committed work is kept)."""
        if self.running and not self.cancel_event.is_set():
            self.cancel_event.set()
            self.query_one("#runner-counts", Label).update(
                _("Cancelling: finishing the current item ..."))

    def _progress_sink(self) -> Any:
        """A progress callback for the worker thread: at most one message per interval."""
        last = 0.0

        def progress(report: Any) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or getattr(report, "phase", "") == "done":
                last = now
                self.post_message(self._Progress(report))

        return progress

    @work(thread=True, exclusive=True, group="import-run")
    def _run(self, job: ImportJob) -> None:
        result: Any = None
        error = ""
        try:
            outcome = job.run()
            result, self.extra_lines = outcome.result, outcome.notes
        except Exception as err:  # shown once, as one sentence
            error = error_sentence(err)
        self.post_message(self.Finished(self, result, error))

    @on(_Progress)
    def _show_progress(self, message: _Progress) -> None:
        message.stop()
        report = message.progress
        bar = self.query_one("#runner-bar", ProgressBar)
        total = int(getattr(report, "total", 0) or 0)
        done = int(getattr(report, "done", 0) or 0)
        bar.update(total=total or None, progress=done)
        phase_key = str(getattr(report, "phase", ""))
        phase = _(PHASE_WORDS[phase_key]) if phase_key in PHASE_WORDS else phase_key
        where = f"{fmt.count(done)}/{fmt.count(total)}" if total else fmt.count(done)
        counts = dict(getattr(report, "counts", {}) or {})
        if self.request is not None and self.request.what == "contacts":
            counts.pop("attachments_added", None)
        text = f"{phase} {where}: {count_line(counts)}"
        if self.cancel_event.is_set():
            text = _("Cancelling ... {progress}").format(progress=text)
        self.query_one("#runner-counts", Label).update(safe_text(text, one_line=True))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.running = False
        self.result = message.result
        bar = self.query_one("#runner-bar", ProgressBar)
        if message.result is None:
            lines = [_("Import failed: {error}").format(error=message.error),
                     _("Nothing half-written was kept.")]
        else:
            assert self.request is not None
            lines = summary_lines(self.request, message.result) + self.extra_lines
            total = bar.total or 1
            bar.update(total=total, progress=total)
        self.query_one("#runner-title", Label).update(safe_text(lines[0], one_line=True))
        self.query_one("#runner-counts", Label).update(
            safe_text(lines[1] if len(lines) > 1 else "", one_line=True))
        rest = "\n".join(lines[2:]) + "\n\n" + _("Arrows scroll; Enter or Escape closes.")
        self.query_one("#runner-summary-text", Static).update(Text(safe_text(rest)))
        self.query_one("#runner-summary", VerticalScroll).focus()  # arrows scroll the report


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
                tooltip=N_("Start the import shown on the Start button")),
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
                               "starts, Escape closes."), classes="import-note")
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
        """Only an integration that can run (token or sandbox) starts, and only once."""
        return not self.started and token_available(self.app, self.request().integration)

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

    def action_start(self) -> None:
        if not self.can_start():
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
        if action == "close_done":
            return self.started and not self.runner.running
        return True

    @on(ImportRunner.Finished)
    def _runner_done(self, message: ImportRunner.Finished) -> None:
        self.refresh_bindings()
