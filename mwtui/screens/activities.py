"""Activities: every job in one table with filter-as-you-type, source filter and sort.

Rows are built once per workspace version in a thread worker (the activities presenter);
filtering and sorting then work on precomputed haystacks and cached sort orders, so a
keystroke with 50,000 activities stays well under 100 ms.
"""

from __future__ import annotations

import gc
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from mwtui.screens.activities_presenter import (
    SORT_COLUMNS,
    SOURCE_FILTERS,
    ActivityIndex,
    ActivityView,
    source_label,
)
from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.screens.activity_types import ActivityTypesScreen
from mwtui.screens.import_dialog import ImportDialog
from mwtui.widgets.virtual_table import Column, VirtualTable
from mwtui.widgets.workspace_watch import WorkspaceChanged
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text

COLUMNS = [
    Column("badge", "Src", 4),
    Column("number", "No.", 10),
    Column("title", "Title"),
    Column("customer", "Customer"),
    Column("type", "Type", 9),
    Column("created", "Created", 16),
    Column("attachments", "Att", 3, align_right=True),
]
SORT_CYCLE: tuple[str, ...] = tuple(SORT_COLUMNS)


def _freeze_heap() -> None:
    """Move the loaded workspace out of the cyclic garbage collector's sight.

    A big workspace is millions of small objects; without this every full collection
    (triggered by ordinary allocations such as painting a frame) walks all of them and a
    keystroke stalls for a quarter of a second. The data is acyclic, so reference counting
    still frees an old snapshot after a reload.
    """
    gc.freeze()


class ActivitiesScreen(Screen[None]):
    """Activities of the workspace. `/` filters, Enter opens, i imports, t edits types."""

    BINDINGS = [
        # priority: handled as soon as the app reads the key, so a burst like "/heiz"
        # (fast typing over SSH) lands in the filter and not on the table
        Binding("slash", "focus_filter", "Filter", id="activities.filter", priority=True,
                tooltip="Type words to filter by number, title and customer"),
        Binding("escape", "leave_filter", "Table", show=False, id="activities.table",
                tooltip="Back from the filter to the table"),
        Binding("s", "cycle_source", "Source", id="activities.source",
                tooltip="Show all, sevDesk, bexio, lexware, WEBFAKT or manual activities"),
        Binding("o", "cycle_sort", "Sort", id="activities.sort",
                tooltip="Sort by the next column"),
        Binding("r", "reverse", "Reverse", show=False, id="activities.reverse",
                tooltip="Reverse the sort order"),
        Binding("i", "import", "Import", id="activities.import",
                tooltip="Import orders from sevDesk, bexio or lexware Office"),
        Binding("t", "types", "Types", show=False, id="activities.types",
                tooltip="Activity types: add, rename, reorder (the default stays)"),
        Binding("enter", "open", "Open", show=False, id="activities.open",
                tooltip="Details of the highlighted activity"),
        Binding("f5", "reload", "Reload", show=False, id="activities.reload",
                tooltip="Read the workspace again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: ActivityIndex | None = None
        self.view: ActivityView | None = None
        self.source_filter: str | None = None
        self.sort_column = "created"
        self.descending = True
        self._data_version: object = None
        self._detail_screen: ActivityDetailScreen | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter activities: words in number, title, customer (/)",
                    id="activity-filter", classes="filter-input")
        yield VirtualTable(COLUMNS, id="activity-table")
        yield Static("Loading activities ...", id="activity-status", classes="status-line")
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
        index = ActivityIndex(snapshot)
        index.order(self.sort_column)
        _freeze_heap()
        self.app.call_from_thread(self._loaded, index, snapshot.data)
        index.warm()  # haystacks and the other sort orders, off the UI thread
        _freeze_heap()

    def _loaded(self, index: ActivityIndex, version: object) -> None:
        self.index = index
        self._data_version = version
        self.refresh_rows(keep_cursor=True)

    def _load_failed(self, message: str) -> None:
        text = safe_text(f"Could not read the workspace: {message}", one_line=True)
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
            return
        positions = self.index.query(self.filter_text, self.source_filter, self.sort_column,
                                     self.descending)
        self.view = ActivityView(self.index, positions)
        self.query_one(VirtualTable).set_source(self.view, keep_cursor=keep_cursor)
        self._update_status()

    def _update_status(self) -> None:
        if self.index is None or self.view is None:
            return
        order = "desc" if self.descending else "asc"
        text = (f"{len(self.view):,} of {len(self.index):,} activities | source: "
                f"{source_label(self.source_filter)} | sort: {self.sort_column} {order}")
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
        if activity_id is None or not isinstance(self._data_version, dict):
            return
        if self._detail_screen is None:  # composed once, then reused: opening stays cheap
            self._detail_screen = ActivityDetailScreen()
            self.app.install_screen(self._detail_screen, name=f"activity-detail-{id(self)}")
        # the data the table was built from: no disk read on the UI thread
        self._detail_screen.set_activity(activity_id, Snapshot(self._data_version),
                                         self.app.workspace.attachments_dir)
        self.app.push_screen(self._detail_screen)

    @on(VirtualTable.RowSelected, "#activity-table")
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # -- dialogs ---------------------------------------------------------------------------
    def action_import(self) -> None:
        self.app.push_screen(ImportDialog("orders"), self._after_dialog)

    def action_types(self) -> None:
        self.app.push_screen(ActivityTypesScreen(), self._after_dialog)

    def _after_dialog(self, _result: Any) -> None:
        self._load()

    def status_text(self) -> str:
        """The status line as plain text (for tests and the help)."""
        return safe_text(str(self.query_one("#activity-status", Static).content))
