"""The import dialog and the import runner, shared by the Integrations and Activities screens.

The dialog asks for the integration, the period and (where the client offers several) the
order kind with radio buttons; the runner runs one :class:`ImportJob` in a thread worker,
shows a progress bar with counts, cancels on Escape and ends with a summary that lists the
errors.
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
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, RadioButton, RadioSet, Static

from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.jobs import (
    KIND_LABELS,
    PERIOD_WORDS,
    ClientFactory,
    ImportJob,
    ImportRequest,
    capabilities,
    count_line,
    integration_choices,
    orders_note,
    summary_lines,
)
from mwtui.importers.accounting.protocol import ORDER_KINDS, PERIODS
from mwtui.workspace.text import safe_text

PHASE_WORDS = {
    "listing": "Listing",
    "contacts": "Contacts",
    "orders": "Orders",
    "delivery_notes": "Delivery notes",
    "saving": "Saving",
    "done": "Done",
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
    ImportRunner > #runner-summary { height: auto; max-height: 12; }
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
            safe_text(f"Importing {request.describe()} ...  (Escape cancels)"))
        self.query_one("#runner-counts", Label).update("Connecting ...")
        self._run(job)

    def on_unmount(self) -> None:
        self.cancel_event.set()  # quitting mid-run stops the engine at the next item

    def cancel(self) -> None:
        """Ask the engine to stop between items (committed work is kept)."""
        if self.running and not self.cancel_event.is_set():
            self.cancel_event.set()
            self.query_one("#runner-counts", Label).update(
                "Cancelling: finishing the current item ...")

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
        phase = PHASE_WORDS.get(getattr(report, "phase", ""), str(getattr(report, "phase", "")))
        where = f"{done}/{total}" if total else str(done)
        counts = dict(getattr(report, "counts", {}) or {})
        if self.request is not None and self.request.what == "contacts":
            counts.pop("attachments_added", None)
        text = f"{phase} {where}: {count_line(counts)}"
        if self.cancel_event.is_set():
            text = "Cancelling ... " + text
        self.query_one("#runner-counts", Label).update(safe_text(text, one_line=True))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.running = False
        self.result = message.result
        bar = self.query_one("#runner-bar", ProgressBar)
        if message.result is None:
            lines = [f"Import failed: {message.error}", "Nothing half-written was kept."]
        else:
            assert self.request is not None
            lines = summary_lines(self.request, message.result) + self.extra_lines
            total = bar.total or 1
            bar.update(total=total, progress=total)
        self.query_one("#runner-title", Label).update(safe_text(lines[0], one_line=True))
        self.query_one("#runner-counts", Label).update(
            safe_text(lines[1] if len(lines) > 1 else "", one_line=True))
        rest = "\n".join(lines[2:]) + "\n\nEnter or Escape closes."
        self.query_one("#runner-summary-text", Static).update(Text(safe_text(rest)))


class ImportDialog(ModalScreen[Any]):
    """Choose integration, period and kind with radio buttons, then run the import.

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
    ImportDialog RadioSet { margin: 0; }
    ImportDialog #import-integration { width: 24; }
    ImportDialog #import-period { width: 20; }
    ImportDialog #import-kind { width: 30; }
    ImportDialog .import-note { color: $text-muted; height: auto; }
    ImportDialog #import-runner { display: none; }
    ImportDialog.-running #import-form { display: none; }
    ImportDialog.-running #import-runner { display: block; }
    """

    BINDINGS = [
        Binding("s", "start", "Start", id="import.start",
                tooltip="Start the import with the options chosen"),
        Binding("escape", "escape", "Cancel/Close", id="import.cancel",
                tooltip="Close the dialog; while an import runs: cancel it"),
        Binding("enter", "close_done", "Close", show=False, id="import.close",
                tooltip="Close the summary after the run"),
    ]

    def __init__(self, what: str = "orders", integration: str = "sevdesk") -> None:
        super().__init__()
        self.what = what
        self.integration = integration
        self.started = False

    def compose(self) -> ComposeResult:
        title = "Import orders" if self.what == "orders" else "Import contacts"
        with Vertical(id="import-box"):
            yield Label(title, classes="screen-title")
            with Vertical(id="import-form"):
                with Horizontal(id="import-choices"):
                    with RadioSet(id="import-integration") as integrations:
                        integrations.border_title = "Integration"
                        for name, label in integration_choices():
                            yield RadioButton(label, value=name == self.integration,
                                              name=name)
                    if self.what == "orders":
                        with RadioSet(id="import-period") as periods:
                            periods.border_title = "Period"
                            for period in PERIODS:
                                yield RadioButton(PERIOD_WORDS[period], value=period == "month",
                                                  name=period)
                        with RadioSet(id="import-kind") as kinds:
                            kinds.border_title = f"{self._kind_choosers()}: kind"
                            for kind in ORDER_KINDS:
                                yield RadioButton(KIND_LABELS[kind],
                                                  value=kind == "orderconfirmation", name=kind)
                yield Static("", id="import-note", classes="import-note")
                yield Static("Arrows choose, Tab next group, s starts, Escape closes.",
                             classes="import-note")
            yield ImportRunner(id="import-runner")

    @staticmethod
    def _kind_choosers() -> str:
        """The integrations that offer a choice of order kinds (their clients say so)."""
        return ", ".join(label for name, label in integration_choices()
                         if len(capabilities(name).order_kinds) > 1)

    def on_mount(self) -> None:
        self._update_note()
        self.query_one("#import-integration", RadioSet).focus()

    # -- choices ---------------------------------------------------------------------------
    def _chosen(self, set_id: str, default: str) -> str:
        try:
            radio = self.query_one(f"#{set_id}", RadioSet)
        except Exception:
            return default
        button = radio.pressed_button
        return button.name if button is not None and button.name else default

    def request(self) -> ImportRequest:
        """The request the radio buttons describe now."""
        integration = self._chosen("import-integration", self.integration)
        if self.what == "contacts":
            return ImportRequest("contacts", integration)
        kinds = capabilities(integration).order_kinds
        kind = self._chosen("import-kind", kinds[0]) if len(kinds) > 1 else kinds[0]
        if kind not in kinds:
            kind = kinds[0]
        return ImportRequest("orders", integration, self._chosen("import-period", "month"),
                             kind)  # type: ignore[arg-type]

    @on(RadioSet.Changed)
    def _choice_changed(self) -> None:
        self._update_note()

    def _update_note(self) -> None:
        request = self.request()
        notes = []
        if self.what == "orders":
            kind_set = self.query_one("#import-kind", RadioSet)
            kind_set.display = len(capabilities(request.integration).order_kinds) > 1
            notes.append(orders_note(request.integration))
            notes.append("Orders land in the default activity type; the contact is imported "
                         "too.")
        else:
            notes.append("Contacts become customers; a re-import updates, never duplicates.")
        if getattr(self.app, "demo", False):
            notes.append("DEMO: the local sandbox answers, no account is needed.")
        self.query_one("#import-note", Static).update(Text(" ".join(notes)))

    # -- actions ---------------------------------------------------------------------------
    @property
    def runner(self) -> ImportRunner:
        return self.query_one(ImportRunner)

    def action_start(self) -> None:
        if self.started:
            return
        self.started = True
        self.add_class("-running")
        request = self.request()
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
            return not self.started
        if action == "close_done":
            return self.started and not self.runner.running
        return True

    @on(ImportRunner.Finished)
    def _runner_done(self, message: ImportRunner.Finished) -> None:
        self.refresh_bindings()
