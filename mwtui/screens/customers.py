"""Customers: list and filter-as-you-type.

The workspace is read and the rows are built in a thread worker; the detail pane reads the
snapshot those rows came from, so nothing touches the disk on the UI thread.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from mwtui.screens.customers_presenter import (
    CustomerRow,
    customer_detail_lines,
    customer_rows,
    filter_rows,
)
from mwtui.widgets.virtual_table import Column, ListSource, VirtualTable
from mwtui.widgets.workspace_watch import WorkspaceChanged
from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text

COLUMNS = [
    Column("badges", "Src", 8),
    Column("number", "No.", 10),
    Column("name", "Name"),
    Column("city", "City", 16),
]


class CustomersScreen(Screen[None]):
    """All customers of the workspace; `/` filters, the highlighted one's details show below."""

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="customers.filter"),
        Binding("escape", "leave_filter", "Table", show=False, id="customers.table"),
        Binding("r", "reload", "Reload", id="customers.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CustomerRow] = []
        self._shown: list[CustomerRow] = []
        self._snapshot = Snapshot({})

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter customers (/)", id="customer-filter",
                    classes="filter-input")
        yield VirtualTable(COLUMNS, id="customer-table")
        yield Static(id="customer-detail", classes="detail-pane")
        yield Static("", id="customer-status", classes="status-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_workspace_changed(self, _message: WorkspaceChanged) -> None:
        """Another process wrote the workspace: reload, keeping filter and cursor."""
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="customers-load")
    def _load(self) -> None:
        """Read the workspace and build the rows off the UI thread."""
        try:
            snapshot = self.app.workspace.snapshot()
            rows = customer_rows(snapshot)
        except MwtuiError as err:
            self.app.call_from_thread(self.notify, safe_text(str(err), one_line=True),
                                      title="Could not read the workspace", severity="error",
                                      markup=False, timeout=15)
            return
        self.app.call_from_thread(self._loaded, rows, snapshot)

    def _loaded(self, rows: list[CustomerRow], snapshot: Snapshot) -> None:
        self._rows = rows
        self._snapshot = snapshot
        self._apply_filter(self.query_one("#customer-filter", Input).value, keep_cursor=True)

    @on(Input.Changed, "#customer-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#customer-filter")
    def _filter_submitted(self) -> None:
        self.query_one(VirtualTable).focus()

    def _apply_filter(self, query: str, keep_cursor: bool = False) -> None:
        self._shown = filter_rows(self._rows, query)
        table = self.query_one(VirtualTable)
        table.set_source(ListSource([(r.badges, r.number, r.name, r.city) for r in self._shown]),
                         keep_cursor=keep_cursor)
        self.query_one("#customer-status", Static).update(
            Text(f"{len(self._shown)} of {len(self._rows)} customers")
        )

    @on(VirtualTable.RowHighlighted, "#customer-table")
    def _show_detail(self, event: VirtualTable.RowHighlighted) -> None:
        detail = self.query_one("#customer-detail", Static)
        if not 0 <= event.index < len(self._shown):
            detail.update("")
            return
        # the snapshot the rows were built from: no disk read on the UI thread
        lines = customer_detail_lines(self._snapshot, self._shown[event.index].id)
        detail.update(Text(safe_text("\n".join(lines))))

    def action_focus_filter(self) -> None:
        self.query_one("#customer-filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.query_one(VirtualTable).focus()
