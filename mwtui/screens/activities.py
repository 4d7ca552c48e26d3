"""Activities: every job in one table with filter-as-you-type, source filter and sort.

Rows are built once per workspace version in a thread worker (the activities presenter);
filtering and sorting then work on precomputed haystacks and cached sort orders, so a
keystroke with 50,000 activities stays well under 100 ms.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from mwtui.i18n import N_, _, formats
from mwtui.screens.activities_presenter import (
    SORT_COLUMNS,
    SOURCE_FILTERS,
    ActivityIndex,
    ActivityPage,
    ActivityView,
    PageView,
    source_label,
    warm_formats,
)
from mwtui.widgets.translated import TranslatedBindings
from mwtui.widgets.virtual_table import Column, ListSource, VirtualTable
from mwtui.widgets.workspace_watch import WorkspaceChanged
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text

if TYPE_CHECKING:  # the dialogs are imported when first opened (a faster start)
    from mwtui.screens.activity_detail import ActivityDetailScreen

# Narrow terminals hide the type first, then the date, then the source badge: number,
# title and customer always keep room (80 columns: title 26, customer 20 cells).
COLUMNS = [
    Column("badge", N_("Src"), 4, priority=1),
    Column("number", N_("No."), 10),
    Column("title", N_("Title"), min_width=22, weight=4),
    Column("customer", N_("Customer"), min_width=16, weight=3),
    Column("type", N_("Type"), 10, priority=3),
    Column("created", N_("Created"), 10, priority=2),
    Column("attachments", N_("Att."), 4, align_right=True),
]
SORT_CYCLE: tuple[str, ...] = tuple(SORT_COLUMNS)
PAINT_WAIT = 0.5
"""Seconds the loader waits for the stored first page to be painted before it builds the
full index (which holds the interpreter while it parses every activity)."""
OUTPUT_WAIT = 0.03
"""Then seconds left to Textual's output thread to write that frame to the terminal."""


def _freeze_heap() -> None:
    """Move the loaded workspace out of the cyclic garbage collector's sight.

    A big workspace is millions of small objects; without this every full collection
    (triggered by ordinary allocations such as painting a frame) walks all of them and a
    keystroke stalls for a quarter of a second. The data is acyclic, so reference counting
    still frees an old snapshot after a reload.
    """
    gc.freeze()


def translated_columns() -> list[Column]:
    """The columns with their headers in the current language."""
    return [dataclasses.replace(c, label=_(c.label)) for c in COLUMNS]


class ActivitiesScreen(TranslatedBindings, Screen[None]):
    """Activities of the workspace. `/` filters, Enter opens, i imports, t edits types."""

    BINDINGS = [
        # priority: handled as soon as the app reads the key, so a burst like "/heiz"
        # (fast typing over SSH) lands in the filter and not on the table
        Binding("slash", "focus_filter", N_("Filter"), id="activities.filter", priority=True,
                tooltip=N_("Type words to filter by number, title and customer")),
        Binding("escape", "leave_filter", N_("Table"), show=False, id="activities.table",
                tooltip=N_("Back from the filter to the table")),
        Binding("s", "cycle_source", N_("Source"), id="activities.source",
                tooltip=N_("Show all, sevDesk, bexio, lexware, WEBFAKT or manual activities")),
        Binding("o", "cycle_sort", N_("Sort"), id="activities.sort",
                tooltip=N_("Sort by the next column")),
        Binding("r", "reverse", N_("Reverse"), show=False, id="activities.reverse",
                tooltip=N_("Reverse the sort order")),
        Binding("i", "import", N_("Import"), id="activities.import",
                tooltip=N_("Import orders from sevDesk, bexio or lexware Office")),
        Binding("t", "types", N_("Types"), show=False, id="activities.types",
                tooltip=N_("Activity types: add, rename, reorder (the default stays)")),
        Binding("enter", "open", N_("Open"), show=False, id="activities.open",
                tooltip=N_("Details of the highlighted activity")),
        Binding("f5", "reload", N_("Reload"), show=False, id="activities.reload",
                tooltip=N_("Read the workspace again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: ActivityIndex | None = None
        self.page: ActivityPage | None = None
        self.view: ActivityView | PageView | None = None
        self._view_data: object = None
        self.source_filter: str | None = None
        self.sort_column = "created"
        self.descending = True
        self._data_version: object = None
        self._detail_screen: ActivityDetailScreen | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Filter activities: words in number, title, customer (/)"),
                    id="activity-filter", classes="filter-input")
        yield VirtualTable(translated_columns(), id="activity-table")
        yield Static(_("Loading activities ..."), id="activity-status", classes="status-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.index is not None:
            self._load()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="activities-load")
    def _load(self) -> None:
        try:
            snapshot = self.app.workspace.snapshot()
        except Exception as err:  # unreadable workspace: say so, keep what is shown
            self.app.call_from_thread(self._load_failed, str(err))
            return
        if snapshot.data is self._data_version:
            return
        warm_formats()
        if self.index is None:
            self._show_page(snapshot)
        index = ActivityIndex(snapshot)
        index.order(self.sort_column)
        _ = index.haystacks  # so that the first query builds nothing on the UI thread
        _freeze_heap()
        self.app.call_from_thread(self._loaded, index, snapshot.data)
        index.warm()  # haystacks and the other sort orders, off the UI thread
        _freeze_heap()

    def _show_page(self, snapshot: Snapshot) -> None:
        """Worker: show the stored first page (if this state has one) and wait until it is
        painted, so that rows appear before every activity is parsed."""
        page = ActivityPage.load(snapshot)
        if page is None:
            return
        painted = threading.Event()
        self.app.call_from_thread(self._page_loaded, page, snapshot.data, painted)
        painted.wait(PAINT_WAIT)
        time.sleep(OUTPUT_WAIT)  # Textual's output thread writes the frame meanwhile

    def _page_loaded(self, page: ActivityPage, version: object,
                     painted: threading.Event) -> None:
        if self.index is None:
            self.page = page
            self._view_data = version
            self.refresh_rows(keep_cursor=True)
        self.call_after_refresh(painted.set)

    def _loaded(self, index: ActivityIndex, version: object) -> None:
        self.index = index
        self.page = None
        self._data_version = self._view_data = version
        self.refresh_rows(keep_cursor=True)

    def _load_failed(self, message: str) -> None:
        text = safe_text(_("Could not read the workspace: {message}").format(
            message=message), one_line=True)
        self.query_one("#activity-status", Static).update(Text(text))
        self.notify(text, severity="error", markup=False)

    def on_workspace_changed(self, _message: WorkspaceChanged) -> None:
        """Another process wrote the workspace: reload, keeping filter and cursor."""
        self.action_reload()

    def action_reload(self) -> None:
        self._data_version = None
        self._load()

    # -- filtering -------------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return self.query_one("#activity-filter", Input).value

    def refresh_rows(self, keep_cursor: bool = False) -> None:
        """Apply filter, source and sort to the table."""
        if self.index is None:
            self._refresh_page(keep_cursor)
            return
        positions = self.index.query(self.filter_text, self.source_filter, self.sort_column,
                                     self.descending)
        self.view = ActivityView(self.index, positions)
        self.query_one(VirtualTable).set_source(self.view, keep_cursor=keep_cursor)
        self._update_status()

    def _refresh_page(self, keep_cursor: bool) -> None:
        """Before the index is built: the stored page in the default view, else nothing."""
        if self.page is None:
            return
        table = self.query_one(VirtualTable)
        default = (not self.filter_text.strip() and self.source_filter is None
                   and self.sort_column == "created" and self.descending)
        if not default:  # the index applies this view as soon as it is built
            self.view = None
            table.set_source(ListSource([]))
            self.query_one("#activity-status", Static).update(_("Loading activities ..."))
            return
        self.view = PageView(self.page)
        table.set_source(self.view, keep_cursor=keep_cursor)
        self._update_status()

    def _update_status(self) -> None:
        total = self.index if self.index is not None else self.page
        if total is None or self.view is None:
            return
        order = _("desc") if self.descending else _("asc")
        text = _("{shown} of {total} activities | source: {source} | sort: {column} {order}"
                 ).format(shown=formats.count(len(self.view)),
                          total=formats.count(len(total)),
                          source=source_label(self.source_filter),
                          column=_(SORT_COLUMNS[self.sort_column]), order=order)
        self.query_one("#activity-status", Static).update(Text(text))

    @on(Input.Changed, "#activity-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#activity-filter")
    def _filter_submitted(self) -> None:
        self.set_focus(self.query_one(VirtualTable))

    def action_focus_filter(self) -> None:
        # set_focus now (not widget.focus(), which waits a tick): keys typed right after
        # `/` in one burst (fast typists, SSH) must land in the filter, not run commands
        self.set_focus(self.query_one("#activity-filter", Input))

    def action_leave_filter(self) -> None:
        self.set_focus(self.query_one(VirtualTable))

    def action_cycle_source(self) -> None:
        position = SOURCE_FILTERS.index(self.source_filter)
        self.source_filter = SOURCE_FILTERS[(position + 1) % len(SOURCE_FILTERS)]
        self.refresh_rows()

    def action_cycle_sort(self) -> None:
        position = SORT_CYCLE.index(self.sort_column)
        self.sort_column = SORT_CYCLE[(position + 1) % len(SORT_CYCLE)]
        self.descending = self.sort_column in ("created", "attachments")
        self.refresh_rows()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.refresh_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # letters (and "/") typed into the filter are text, not commands
        return not (action in ("focus_filter", "cycle_source", "cycle_sort", "reverse",
                               "import", "types", "open") and isinstance(self.focused, Input))

    # -- detail ----------------------------------------------------------------------------
    def highlighted_id(self) -> int | None:
        """The id of the activity under the cursor."""
        if self.view is None:
            return None
        row = self.view.row_at(self.query_one(VirtualTable).cursor_row)
        return row.id if row is not None else None

    def action_open(self) -> None:
        activity_id = self.highlighted_id()
        if activity_id is None or not isinstance(self._view_data, dict):
            return
        if self._detail_screen is None:  # composed once, then reused: opening stays cheap
            from mwtui.screens.activity_detail import ActivityDetailScreen

            self._detail_screen = ActivityDetailScreen()
            self.app.install_screen(self._detail_screen, name=f"activity-detail-{id(self)}")
        # the data the table was built from: no disk read on the UI thread
        self._detail_screen.set_activity(activity_id, Snapshot(self._view_data),
                                         self.app.workspace.attachments_dir)
        self.app.push_screen(self._detail_screen)

    @on(VirtualTable.RowSelected, "#activity-table")
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # -- dialogs ---------------------------------------------------------------------------
    def action_import(self) -> None:
        from mwtui.screens.import_dialog import ImportDialog

        self.app.push_screen(ImportDialog("orders"), self._after_dialog)

    def action_types(self) -> None:
        from mwtui.screens.activity_types import ActivityTypesScreen

        self.app.push_screen(ActivityTypesScreen(), self._after_dialog)

    def _after_dialog(self, _result: Any) -> None:
        self._load()

    def status_text(self) -> str:
        """The status line as plain text (for tests and the help)."""
        return safe_text(str(self.query_one("#activity-status", Static).content))
