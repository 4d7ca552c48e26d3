"""Verlauf (history): every import batch of every kind, newest first, with its report.

Enter shows what the batch did per item (the report kept with the batch); ``u`` undoes a
batch where undo exists (WEBFAKT commits, contacts and orders imports) through the core's
``undo_batch``, after asking.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.screens.history_presenter import BatchRow, batch_rows, report_lines
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.batches import find_batch, undo_batch
from mwtui.workspace.text import safe_text


class BatchReportScreen(TranslatedBindings, ModalScreen[None]):
    """One batch's report, scrollable; Escape or Enter closes."""

    DEFAULT_CSS = """
    BatchReportScreen { align: center middle; }
    BatchReportScreen > Vertical {
        width: 100; max-width: 100%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    BatchReportScreen VerticalScroll { height: 1fr; }
    BatchReportScreen .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", N_("Close"), id="report.close",
                tooltip=N_("Back to the list of batches")),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Import report"), classes="screen-title")
            with VerticalScroll(id="report-scroll"):
                yield Static(Text(safe_text("\n".join(self.lines))), id="report-text")
            yield Label(_("Arrows scroll; Enter or Escape closes."), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#report-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class HistoryScreen(TranslatedBindings, Screen[None]):
    """All batches newest first; Enter shows a batch's report, u undoes where possible."""

    DEFAULT_CSS = "HistoryScreen #history-list { height: 1fr; max-height: 100%; }"

    TITLE = N_("History")
    BINDINGS = [
        Binding("enter", "report", N_("Report"), id="history.report", priority=True,
                tooltip=N_("Show what the batch did, per item")),
        Binding("u", "undo", N_("Undo"), id="history.undo",
                tooltip=N_("Undo the batch (WEBFAKT commits, contacts and orders; asks "
                           "first)")),
        Binding("f5", "reload", N_("Reload"), show=False, id="history.reload",
                tooltip=N_("Read the batches again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BatchRow] = []
        self.marked: frozenset[str] = frozenset()  # shown as new during this visit
        self._mark_lock = threading.Lock()  # two loads in flight must not both look

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="history-list", markup=False)
        yield Static(_("Arrows choose a batch; Enter report, u undo."), id="history-status",
                     classes="status-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_screen_suspend(self) -> None:
        if self not in self.app.screen_stack:  # left for another screen, not a dialog
            with self._mark_lock:  # next visit marks only what arrived after this one
                self.marked = frozenset()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="history-load")
    def _load(self) -> None:
        app: Any = self.app
        try:
            with self._mark_lock:
                rows = batch_rows(app.workspace.snapshot(), str(app.workspace.path),
                                  self.marked)
                self.marked = frozenset(r.batch_id for r in rows if r.new)
        except Exception as err:  # unreadable workspace: one message, screen stays usable
            self.app.call_from_thread(self._status, _("Could not read the workspace: {error}")
                                      .format(error=err))
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[BatchRow]) -> None:
        options = self.query_one(OptionList)
        keep = options.highlighted
        self.rows = rows
        options.clear_options()
        options.add_options([Option(Text(safe_text(r.line())), id=r.batch_id) for r in rows])
        self.refresh_bindings()
        if rows:
            options.highlighted = keep if keep is not None and keep < len(rows) else 0
            fresh = sum(r.new for r in rows)
            text = (_("{n} batches, {new} new since you last looked; Enter report, u undo.")
                    if fresh else _("{n} batches, newest first; Enter report, u undo."))
            self._status(text.format(n=fmt.count(len(rows)), new=fmt.count(fresh)))
        else:
            self._status(_("No batches yet: imports and WEBFAKT commits appear here."))

    @on(OptionList.OptionHighlighted, "#history-list")
    def _moved(self) -> None:
        self.refresh_bindings()  # u is offered only where undo exists

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            row = self.selected()
            return None if row is None or row.undo_refusal is not None else True
        return True

    def _status(self, text: str) -> None:
        self.query_one("#history-status", Static).update(Text(safe_text(text, one_line=True)))

    def selected(self) -> BatchRow | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    @on(OptionList.OptionSelected, "#history-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_report()

    def action_report(self) -> None:
        row = self.selected()
        if row is None:
            return
        found = find_batch(self.app.workspace.snapshot().items, row.batch_id)  # type: ignore[attr-defined]
        if found is not None:
            self.app.push_screen(BatchReportScreen(report_lines(found[1])))

    def action_undo(self) -> None:
        row = self.selected()
        if row is None or row.undo_refusal is not None:
            return
        if row.kind in ("contacts", "orders"):
            question = _("Undo batch {batch} ({what}, {when})? Records it created are removed, "
                         "records it changed get their earlier values back; records changed "
                         "since are kept and listed.").format(
                batch=row.batch_id, what=row.what, when=row.when)
        else:
            question = _("Undo batch {batch} ({what}, {when})? Its records are removed.").format(
                batch=row.batch_id, what=row.what, when=row.when)
        self.app.push_screen(ConfirmDialog(question, yes=_("Undo"), no=_("Cancel")),
                             lambda yes: self._undo(row.batch_id) if yes else None)

    @work(thread=True, exclusive=True, group="history-undo")
    def _undo(self, batch_id: str) -> None:
        app: Any = self.app
        try:
            result = undo_batch(app.workspace, batch_id)
        except Exception as err:  # the core says why (not undoable, already undone, ...)
            self.app.call_from_thread(self.notify, safe_text(str(err), one_line=True),
                                      severity="warning", markup=False)
            self.app.call_from_thread(self._status, str(err))
            return
        removed = sum(result.removed.values())
        message = _("Batch {batch} undone: {n} records removed.").format(
            batch=batch_id, n=fmt.count(removed))
        if result.undo_batch:
            message = _("Batch {batch} undone: {removed} removed, {restored} restored, "
                        "{refused} not undone (Enter on the undo shows which).").format(
                batch=batch_id, removed=fmt.count(removed),
                restored=fmt.count(sum(result.restored.values())),
                refused=fmt.count(len(result.refused)))
        severity = "warning" if result.refused else "information"
        self.app.call_from_thread(self.notify, message, markup=False, severity=severity)
        self.app.call_from_thread(self._status, message)
        self.app.call_from_thread(self.action_reload)
