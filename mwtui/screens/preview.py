"""WEBFAKT import preview: pick a file, see every row and every reject, commit, undo.

The screen is thin: checking, filtering, committing, exporting and undoing run in thread
workers calling the core (``importers.webfakt``, ``workspace.batches``); the check's results
come back as typed messages. Commit and export live in ``preview_commit.py``, the dialogs
in ``preview_dialogs.py``, the pure view logic in ``preview_presenter.py``. The table is a
VirtualTable over the check's polars frame, so only the visible window of a million rows is
ever turned into text.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label, ProgressBar, Static
from textual.worker import get_current_worker

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers import webfakt
from mwtui.screens.preview_commit import CommitExportScreen
from mwtui.screens.preview_dialogs import BatchesScreen, BrowseScreen, DetailScreen
from mwtui.screens.preview_frame_source import FrameSource
from mwtui.screens.preview_presenter import (
    VIEW_LABELS,
    PreviewView,
    Summary,
    build_view,
    detail_lines,
    find_reject,
    next_view,
    position_of_line,
    summarise,
    summary_text,
)
from mwtui.widgets.path_input import PathInput, complete_path, typed_path
from mwtui.widgets.translated import TranslatedBindings
from mwtui.widgets.virtual_table import Column, ListSource, VirtualTable
from mwtui.workspace.errors import ImportCancelled
from mwtui.workspace.text import safe_text

COLUMNS = [  # labels translated at display (columns())
    Column("line", N_("Line"), 7, align_right=True),
    Column("status", N_("St"), 4),
    Column("customer", N_("Customer"), 8),
    Column("service", N_("Service")),
    Column("amount", N_("Amount"), 10, align_right=True),
    Column("reason", N_("Reason"), 21),  # "Abrechnungsart falsch"
]

STATUS_KEY = N_("St: ok accepted, ok+ from catalogue, ok! warning, REJ rejected. ? all keys")
NO_FILE = N_("No file checked yet. Type a path and press Enter, or o to browse.")


def columns() -> list[Column]:
    """The table's columns with their headers in the current language."""
    return [Column(c.key, _(c.label), c.width, c.align_right) for c in COLUMNS]


class PreviewScreen(TranslatedBindings, CommitExportScreen):
    """Check a WEBFAKT service file, inspect accepted and rejected rows, commit, undo."""

    DEFAULT_CSS = """
    PreviewScreen #pv-file { height: 1; }
    PreviewScreen #pv-file Label { width: 6; padding-left: 1; }
    PreviewScreen #pv-path { width: 1fr; }
    PreviewScreen #pv-summary { height: 3; padding: 0 1; background: $panel; }
    PreviewScreen #pv-table { height: 1fr; }
    PreviewScreen #pv-detail { height: 5; border-top: solid $panel; padding: 0 1; }
    PreviewScreen #pv-statusbar { height: 1; }
    PreviewScreen #pv-status { width: 1fr; padding: 0 1; color: $text-muted; }
    PreviewScreen #pv-progress { width: 34; display: none; }
    PreviewScreen.-checking #pv-progress { display: block; }
    """

    TITLE = N_("WEBFAKT preview")
    # The footer at 80 columns holds n c b and the app's keys (also in German); v, e, o, r,
    # f, d, N and Escape are in the help (?, every key with its tooltip) and the status hints.
    BINDINGS = [
        Binding("n,right_square_bracket", "jump_reject(1)", N_("Next rej."),
                id="preview.next_reject", key_display="n",
                tooltip=N_("Cursor to the next rejected row (also ])")),
        Binding("N,left_square_bracket", "jump_reject(-1)", N_("Previous rejected row"),
                key_display="N", show=False, id="preview.prev_reject",
                tooltip=N_("Cursor to the previous rejected row (also [)")),
        Binding("v", "cycle_view", N_("View"), id="preview.view", show=False,
                tooltip=N_("Show all rows / accepted only / rejected only")),
        Binding("c", "commit", N_("Commit"), id="preview.commit",
                tooltip=N_("Import the accepted rows as one batch (asks first)")),
        Binding("c", "commit_refused", N_("Commit"), show=False, id="preview.commit_refused",
                tooltip=N_("Says why commit is not possible now")),
        Binding("e", "export", N_("Export"), id="preview.export", show=False,
                tooltip=N_("Write the rejected rows to a CSV to fix and re-import")),
        Binding("b", "batches", N_("History"), id="preview.batches",
                tooltip=N_("Import history; undo a WEBFAKT batch")),
        Binding("o", "browse", N_("Browse"), id="preview.browse", show=False,
                tooltip=N_("Pick the file from a folder tree")),
        Binding("r", "recheck", N_("Re-check"), id="preview.recheck", show=False,
                tooltip=N_("Check the file again (after fixing it or after a commit)")),
        Binding("f", "focus_file", N_("File path"), id="preview.file", show=False,
                tooltip=N_("Type the file path (Tab completes, Enter checks)")),
        Binding("d", "detail", N_("Row detail"), id="preview.detail", show=False,
                tooltip=N_("Every field of the highlighted row (Enter in the table too)")),
        Binding("escape", "cancel", N_("Cancel"), id="preview.cancel", show=False,
                tooltip=N_("Stop a running check; leave the path field")),
    ]

    # -- messages from workers -------------------------------------------------------
    class CheckMessage(Message):
        """Base of the check worker's messages; ``token`` tells which check sent it."""

        token: threading.Event | None = None

    class CheckProgress(CheckMessage):
        """How far the check is (``step`` is English; translated at display)."""

        def __init__(self, step: str, fraction: float) -> None:
            super().__init__()
            self.step = step
            self.fraction = fraction

    class CheckDone(CheckMessage):
        """The check finished with a result and its first view."""

        def __init__(self, path: Path, result: webfakt.CheckResult, view: PreviewView,
                     summary: Summary, seconds: float) -> None:
            super().__init__()
            self.path = path
            self.result = result
            self.view = view
            self.summary = summary
            self.seconds = seconds

    class CheckFailed(CheckMessage):
        """The file could not be checked (``text`` for the operator) or was cancelled."""

        def __init__(self, path: Path, text: str, cancelled: bool = False) -> None:
            super().__init__()
            self.path = path
            self.text = text
            self.cancelled = cancelled

    class ViewReady(Message):
        """A filtered view is ready to show."""

        def __init__(self, view: PreviewView, line: int | None) -> None:
            super().__init__()
            self.view = view
            self.line = line

    # -- state -----------------------------------------------------------------------
    def __init__(self) -> None:
        super().__init__()
        self.result: webfakt.CheckResult | None = None
        self.path: Path | None = None
        self.view: PreviewView | None = None
        self.summary: Summary | None = None
        self._cancel: threading.Event | None = None
        self._checking = False
        self._committing = False
        self._committed = False  # the shown result was committed: commit needs a re-check

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pv-file"):
            yield Label(_("File"), markup=False)
            yield PathInput(self._start_value(), id="pv-path", compact=True,
                            placeholder=_("Path of a WEBFAKT file (Tab completes, Enter "
                                          "checks)"))
        yield Static(Text(_(NO_FILE)), id="pv-summary")
        yield VirtualTable(columns(), id="pv-table")
        with VerticalScroll(id="pv-detail"):
            yield Static("", id="pv-detail-text")
        with Horizontal(id="pv-statusbar"):
            yield Static(Text(_(STATUS_KEY)), id="pv-status")
            yield ProgressBar(total=1.0, show_eta=False, id="pv-progress")
        yield Footer(compact=True, show_command_palette=False)

    def _start_folder(self) -> Path:
        workspace = getattr(self.app, "workspace", None)
        if getattr(self.app, "demo", False) and workspace is not None:
            samples = Path(workspace.path).parent / "samples"
            if samples.is_dir():
                return samples
        return Path.cwd()

    def _start_value(self) -> str:
        folder = str(self._start_folder())
        return folder if folder.endswith("/") else folder + "/"

    def on_mount(self) -> None:
        field = self.query_one("#pv-path", PathInput)
        field.focus()
        field.cursor_position = len(field.value)

    # -- helpers ---------------------------------------------------------------------
    @property
    def table(self) -> VirtualTable:
        return self.query_one("#pv-table", VirtualTable)

    def _status(self, text: str) -> None:
        self.query_one("#pv-status", Static).update(Text(safe_text(text, one_line=True)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim keys that need a checked file (None = shown but disabled)."""
        needs_result = ("jump_reject", "cycle_view", "commit", "export", "detail")
        if action in needs_result and (self.result is None or self._checking):
            return None
        if action == "recheck" and (self.path is None or self._checking):
            return None
        if action == "commit" and self._committed:
            return None
        if action == "commit_refused":
            return self._committed and not self._checking
        return True

    def action_commit_refused(self) -> None:
        """``c`` after a commit: say why nothing happens."""
        self.notify(_("This check was committed. r checks the file again; then c commits "
                      "what is new."), severity="warning", timeout=6)

    # -- checking --------------------------------------------------------------------
    @on(PathInput.Submitted, "#pv-path")
    def _path_submitted(self, event: PathInput.Submitted) -> None:
        value = typed_path(event.value)
        if not value:
            return
        self.start_check(Path(value).expanduser())

    def start_check(self, path: Path) -> None:
        """Check ``path`` in a worker (replacing any running check)."""
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = threading.Event()
        self._checking = True
        self.add_class("-checking")
        self.query_one("#pv-progress", ProgressBar).update(total=1.0, progress=0.0)
        self._status(_("Checking {file} ... (Escape cancels)").format(file=path.name))
        self.refresh_bindings()
        self._check(path, self._cancel)

    @work(thread=True, exclusive=True, group="webfakt-check")
    def _check(self, path: Path, cancel: threading.Event) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        last = [0.0]

        def post(message: PreviewScreen.CheckMessage) -> None:
            message.token = cancel
            self.post_message(message)

        def progress(step: str, fraction: float) -> None:
            if worker.is_cancelled:
                cancel.set()
            now = time.perf_counter()
            if now - last[0] >= 0.05 or fraction >= 1.0:
                last[0] = now
                post(self.CheckProgress(step, fraction))

        try:
            if not path.exists():  # Enter on a partly typed name: take its one completion
                completed = complete_path(str(path))
                if completed and Path(completed).is_file():
                    path = Path(completed)
                    self.app.call_from_thread(self._set_path_value, str(path))
            if path.is_dir():
                raise webfakt.FileError(_("{path} is a folder; pick a WEBFAKT CSV file in "
                                          "it.").format(path=path))
            result = webfakt.check_file(path, self.app.workspace,  # type: ignore[attr-defined]
                                        progress=progress, cancel=cancel)
            if cancel.is_set():
                raise ImportCancelled(_("Check cancelled."))
            view = build_view(result.table, "all", result.with_fields)
            summary = summarise(result.table)
        except webfakt.FileError as exc:
            post(self.CheckFailed(path, str(exc)))
            return
        except Exception as exc:  # reported to the operator, never a crash
            if cancel.is_set():
                post(self.CheckFailed(path, _("Check cancelled."), cancelled=True))
            else:
                post(self.CheckFailed(path, _("Could not check {file}: {error}").format(
                    file=path.name, error=f"{type(exc).__name__}: {exc}")))
            return
        post(self.CheckDone(path, result, view, summary, time.perf_counter() - started))

    def _set_path_value(self, value: str) -> None:
        self.query_one("#pv-path", PathInput).value = value

    def on_preview_screen_check_progress(self, message: CheckProgress) -> None:
        if not self._checking or message.token is not self._cancel:
            return
        self.query_one("#pv-progress", ProgressBar).update(progress=message.fraction)
        self._status(_("{step} ... (Escape cancels)").format(step=_(message.step)))

    def on_preview_screen_check_failed(self, message: CheckFailed) -> None:
        if message.token is not self._cancel or not self._checking:
            return
        self._checking = False
        self.remove_class("-checking")
        if not message.cancelled:
            self._clear_result(message.text)
        self.refresh_bindings()
        self._status(message.text)
        if not message.cancelled:
            self.notify(safe_text(message.text), severity="error", markup=False, timeout=8)

    def _clear_result(self, why: str) -> None:
        """Forget the shown preview (its file could not be checked now)."""
        self.result = self.view = self.summary = None
        self._committed = False
        self.table.set_source(ListSource([]))
        self.query_one("#pv-summary", Static).update(
            Text(safe_text(why), no_wrap=False, overflow="ellipsis"))
        self._detail("")

    def on_preview_screen_check_done(self, message: CheckDone) -> None:
        if message.token is not self._cancel or not self._checking:
            return
        self._checking = False
        self.remove_class("-checking")
        self.result = message.result
        self.path = message.path
        self.summary = message.summary
        self._committed = False
        self.show_result()
        self._show_view(message.view, None)
        self.table.focus()
        self._status(_("Checked in {seconds} s. n/N rejects, v view, Enter detail, c "
                       "commit.").format(seconds=fmt.decimal(message.seconds, 2)))
        self.refresh_bindings()

    def show_result(self) -> None:
        """Fill the summary header from the current result."""
        if self.result is None or self.summary is None:
            return
        name = self.path.name if self.path else ""
        shown = self.query_one("#pv-summary").size.width or self.app.size.width
        width = max(40, shown - 2)  # the summary's padding
        lines = summary_text(name, self.result.format, self.result.encoding, self.summary,
                             width)
        self.query_one("#pv-summary", Static).update(
            Text("\n".join(safe_text(line, one_line=True) for line in lines), no_wrap=True,
                 overflow="ellipsis")
        )

    def _show_view(self, view: PreviewView, line: int | None) -> None:
        self.view = view
        cursor = position_of_line(view, line)
        self.table.set_source(FrameSource(view), cursor=cursor)
        if len(view) == 0:
            self._detail(_("No rows in this view."))

    # -- table and detail ------------------------------------------------------------
    @on(VirtualTable.RowHighlighted, "#pv-table")
    def _highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self._detail("\n".join(self._detail_lines(event.index)))

    @on(VirtualTable.RowSelected, "#pv-table")
    def _selected(self, event: VirtualTable.RowSelected) -> None:
        self.action_detail()

    def _detail(self, text: str) -> None:
        self.query_one("#pv-detail-text", Static).update(Text(safe_text(text)))

    def _detail_lines(self, index: int) -> list[str]:
        if self.view is None or self.result is None or not 0 <= index < len(self.view):
            return []
        row = self.view.row(index)
        return detail_lines(row, self.result.fields, self.result.columns, webfakt.REASONS)

    def action_detail(self) -> None:
        if self.view is None or len(self.view) == 0:
            return
        lines = self._detail_lines(self.table.cursor_row)
        self.app.push_screen(DetailScreen("\n".join(lines)))

    def action_jump_reject(self, direction: int) -> None:
        if self.view is None:
            return
        target = find_reject(self.view, self.table.cursor_row, direction)
        if target is None:
            if self.view.rejects.len() == 0:
                self.notify(_("No rejected rows in this view."), timeout=3)
            elif direction > 0:
                self.notify(_("No next rejected row."), timeout=3)
            else:
                self.notify(_("No previous rejected row."), timeout=3)
            return
        self.table.move_cursor(target)
        self.table.focus()

    def action_cycle_view(self) -> None:
        if self.result is None or self.view is None:
            return
        line = self.view.line(self.table.cursor_row)
        self._status(_("Filtering: {view} ...").format(
            view=_(VIEW_LABELS[next_view(self.view.name)])))
        self._filter(self.result, next_view(self.view.name), line)

    @work(thread=True, exclusive=True, group="webfakt-view")
    def _filter(self, result: webfakt.CheckResult, name: str, line: int | None) -> None:
        self.post_message(self.ViewReady(build_view(result.table, name, result.with_fields),
                                         line))

    def on_preview_screen_view_ready(self, message: ViewReady) -> None:
        self._show_view(message.view, message.line)
        self._status(_("Showing {view}: {n} rows. v switches.").format(
            view=_(VIEW_LABELS[message.view.name]), n=fmt.count(len(message.view))))

    # -- other actions ---------------------------------------------------------------
    def action_cancel(self) -> None:
        if self._checking and self._cancel is not None:
            self._cancel.set()
            self.workers.cancel_group(self, "webfakt-check")
            self._checking = False
            self.remove_class("-checking")
            self._status(_("Check cancelled."))
            self.refresh_bindings()
            return
        if self.focused is self.query_one("#pv-path", PathInput):
            self.table.focus()

    def action_focus_file(self) -> None:
        field = self.query_one("#pv-path", PathInput)
        field.focus()
        field.cursor_position = len(field.value)

    def action_recheck(self) -> None:
        if self.path is not None:
            self.start_check(self.path)

    def action_browse(self) -> None:
        folder = self.path.parent if self.path else self._start_folder()
        self.app.push_screen(BrowseScreen(folder), self._browsed)

    def _browsed(self, path: Path | None) -> None:
        if path is None:
            return
        field = self.query_one("#pv-path", PathInput)
        field.value = str(path)
        self.start_check(path)

    def action_batches(self) -> None:
        self.app.push_screen(BatchesScreen())
