"""The import runner: one import (or its preview) in a thread worker, with a progress bar,
counts, Escape to cancel and a scrollable summary of what happened (or would happen) per
item. Used by the import dialog.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.errors import error_sentence
from mwtui.importers.accounting.jobs import (
    ClientFactory,
    ImportJob,
    ImportRequest,
    changed_since_preview,
    count_line,
    preview_lines,
    summary_lines,
)
from mwtui.importers.accounting.pdf_cache import PdfCache, caching_factory
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


class ImportRunner(Widget, can_focus=True):
    """Runs one import in a thread worker: progress bar, counts, Escape cancels, summary."""

    DEFAULT_CSS = """
    ImportRunner { height: auto; }
    ImportRunner > Label { width: 100%; }
    ImportRunner > #runner-bar { margin: 1 0 0 0; }
    ImportRunner > #runner-summary { height: auto; max-height: 14; }
    """

    class Finished(Message):
        """The run ended; ``result`` is the engine's SyncResult (None if it crashed).
        ``preview``: it was a dry run (``changed``: items changed since the last preview)."""

        def __init__(self, runner: ImportRunner, result: Any, error: str,
                     preview: bool = False, changed: list[str] | None = None) -> None:
            super().__init__()
            self.runner = runner
            self.result = result
            self.error = error
            self.preview = preview
            self.changed = changed or []

    class _Progress(Message):
        def __init__(self, progress: Any) -> None:
            super().__init__()
            self.progress = progress

    @property
    def previewed(self) -> list[Any] | None:
        """The per-item report of the preview shown (None: no complete preview)."""
        return None if self.preview is None else list(self.preview.items)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cancel_event = threading.Event()
        self.running = False
        self.pdf_cache = PdfCache()  # PDFs of the preview, reused on confirm
        self.request: ImportRequest | None = None
        self.result: Any = None
        self.extra_lines: list[str] = []
        self.preview: Any = None  # the result of the last complete preview shown

    def compose(self) -> ComposeResult:
        yield Label("", id="runner-title", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="runner-bar")
        yield Label("", id="runner-counts", markup=False)
        with VerticalScroll(id="runner-summary"):
            yield Static("", id="runner-summary-text")

    def start(self, request: ImportRequest, workspace: Any, factory: ClientFactory,
              tz: Any = None, mode: str = "import") -> None:
        """Begin the run (returns at once; the work happens in a thread). ``mode``:
        ``import``; ``preview`` (a dry run); ``confirm`` (read again, and import only if
        every item is as in the last preview, else show the new preview)."""
        self.request = request
        self.extra_lines = []
        self.running = True
        progress = self._progress_sink()
        factory = caching_factory(factory, self.pdf_cache)
        job = ImportJob(request, factory, workspace, tz=tz, progress=progress)
        check = ImportJob(request, factory, workspace, tz=tz, progress=progress, dry_run=True)
        check.cancel_event = job.cancel_event  # one Escape stops whichever runs
        self.cancel_event = job.cancel_event
        title = (_("Preview of {what} ...  (Escape cancels)") if mode == "preview"
                 else _("Importing {what} ...  (Escape cancels)"))
        self.query_one("#runner-title", Label).update(
            safe_text(title.format(what=request.describe())))
        self.query_one("#runner-counts", Label).update(_("Connecting ..."))
        expected = self.preview if mode == "confirm" else None
        self._run(check if mode == "preview" else job, check if mode == "confirm" else None,
                  expected)

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
    def _run(self, job: ImportJob, check: ImportJob | None = None,
             expected: Any = None) -> None:
        result: Any = None
        error = ""
        try:
            if check is not None:  # confirm: the source must still be as previewed
                fresh = check.run().result
                changed = changed_since_preview(expected, fresh)
                if changed or fresh.status != "done":
                    self.post_message(self.Finished(self, fresh, "", True, changed))
                    return
            outcome = job.run()
            result, self.extra_lines = outcome.result, outcome.notes
        except Exception as err:  # shown once, as one sentence
            error = error_sentence(err)
        self.post_message(self.Finished(self, result, error, job.dry_run))

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
        self.result = None if message.preview else message.result  # a preview imported nothing
        bar = self.query_one("#runner-bar", ProgressBar)
        complete = message.result is not None and message.result.status == "done"
        self.preview = message.result if message.preview and complete else None
        if message.result is None:
            lines = [_("Import failed: {error}").format(error=message.error),
                     _("Nothing half-written was kept.")]
        elif message.preview:
            assert self.request is not None
            lines = preview_lines(self.request, message.result, message.changed)
            bar.update(total=bar.total or 1, progress=bar.total or 1)
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
