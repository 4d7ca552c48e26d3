"""Leistungen (services): every committed WEBFAKT service, filter-as-you-type, sort, detail.

Loading, filtering and sorting run in thread workers (the services presenter, polars for
the filter); the UI thread only swaps in the answer and paints the visible rows.
"""

from __future__ import annotations

import gc

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.screens.services_presenter import (
    SORT_COLUMNS,
    ServiceIndex,
    ServiceView,
    load_services,
    service_fields,
)
from mwtui.widgets.translated import TranslatedBindings
from mwtui.widgets.virtual_table import Column, VirtualTable
from mwtui.workspace.text import safe_text

COLUMNS = [
    Column("customer", N_("Customer")),
    Column("service", N_("Service")),
    Column("cycle", N_("Billing type"), 14),
    Column("next_invoice", N_("Invoice on"), 11),
    Column("amount", N_("Amount"), 12, align_right=True),
    Column("batch", N_("Batch"), 10),
]
SORT_CYCLE: tuple[str, ...] = tuple(SORT_COLUMNS)


def translated_columns() -> list[Column]:
    """The service table's columns with headers in the current language."""
    return [Column(c.key, _(c.label), c.width, c.align_right) for c in COLUMNS]


def fields_text(fields: list[tuple[str, str]]) -> Text:
    """``label: value`` lines as plain (never markup) text, labels aligned."""
    width = max((len(label) for label, _value in fields), default=0) + 1
    text = Text()
    for label, value in fields:
        text.append(f"{label + ':':<{width}} ", style="bold")
        text.append(safe_text(value, one_line=True) + "\n")
    text.rstrip()
    return text


class ServiceDetailScreen(TranslatedBindings, ModalScreen[None]):
    """Every field of one service; Escape closes."""

    DEFAULT_CSS = """
    ServiceDetailScreen { align: center middle; }
    ServiceDetailScreen > #service-box {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ServiceDetailScreen #service-scroll { height: auto; }
    """

    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), id="service.close",
                tooltip=N_("Back to the list")),
    ]

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(id="service-box") as box:
            box.border_subtitle = _("Escape close")  # on the border: never scrolled away
            yield Label(safe_text(self._title, one_line=True), id="service-title",
                        classes="screen-title", markup=False)
            with VerticalScroll(id="service-scroll", can_focus=True):
                yield Static(fields_text(self.fields), id="service-body")

    def on_mount(self) -> None:
        self.query_one("#service-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def open_service_detail(screen: Screen, index: ServiceIndex, pos: int) -> None:
    """Push the detail of row ``pos`` of ``index`` (data already in memory)."""
    title = f"{index.service[pos]}  ·  {index.customer[pos]}"
    screen.app.push_screen(ServiceDetailScreen(title, service_fields(index, pos)))


class ServicesScreen(TranslatedBindings, Screen[None]):
    """Committed WEBFAKT services. `/` filters, o sorts, Enter opens."""

    TITLE = N_("Services")
    BINDINGS = [
        Binding("slash", "focus_filter", N_("Filter"), id="services.filter", priority=True,
                tooltip=N_("Type words to filter by customer, service, article or batch")),
        Binding("escape", "leave_filter", N_("Table"), show=False, id="services.table",
                tooltip=N_("Back from the filter to the table")),
        Binding("o", "cycle_sort", N_("Sort"), id="services.sort",
                tooltip=N_("Sort by the next column")),
        Binding("r", "reverse", N_("Reverse"), id="services.reverse",
                tooltip=N_("Reverse the sort order")),
        Binding("enter", "open", N_("Open"), id="services.open", priority=True,
                tooltip=N_("Every field of the highlighted service")),
        Binding("f5", "reload", N_("Reload"), show=False, id="services.reload",
                tooltip=N_("Read the workspace again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: ServiceIndex | None = None
        self.view: ServiceView | None = None
        self.sort_column = "imported"
        self.descending = True
        self._version: object = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Filter services: customer, service, article, batch (/)"),
                    id="service-filter", classes="filter-input")
        yield VirtualTable(translated_columns(), id="service-table")
        yield Static(_("Loading services ..."), id="service-status", classes="status-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.index is not None:
            self._load()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="services-load")
    def _load(self) -> None:
        try:
            index = load_services(self.app.workspace)
        except Exception as err:  # unreadable workspace: say so, keep what is shown
            self.app.call_from_thread(self._load_failed, str(err))
            return
        if index.data.version is self._version:
            return
        gc.freeze()  # millions of acyclic objects: keep the collector from walking them
        self.app.call_from_thread(self._loaded, index)
        index.warm()  # the other sort orders, off the UI thread

    def _loaded(self, index: ServiceIndex) -> None:
        self.index = index
        self._version = index.data.version
        self.refresh_rows(keep_cursor=True)

    def _load_failed(self, message: str) -> None:
        text = safe_text(_("Could not read the workspace: {error}").format(error=message),
                         one_line=True)
        self.query_one("#service-status", Static).update(Text(text))
        self.notify(text, severity="error", markup=False)

    def action_reload(self) -> None:
        self._version = None
        self._load()

    # -- filter and sort -------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return self.query_one("#service-filter", Input).value

    def refresh_rows(self, keep_cursor: bool = False) -> None:
        """Ask a worker for the rows matching the filter in the current sort order."""
        if self.index is not None:
            self._query(self.index, self.filter_text, self.sort_column, self.descending,
                        keep_cursor)

    @work(thread=True, exclusive=True, group="services-query")
    def _query(self, index: ServiceIndex, text: str, sort: str, descending: bool,
               keep_cursor: bool) -> None:
        positions = index.query(text, sort, descending)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, ServiceView(index, positions), keep_cursor)

    def _show(self, view: ServiceView, keep_cursor: bool) -> None:
        self.view = view
        self.query_one(VirtualTable).set_source(view, keep_cursor=keep_cursor)
        self._update_status()

    def _update_status(self) -> None:
        if self.index is None or self.view is None:
            return
        arrow = "↓" if self.descending else "↑"
        text = _("{shown} of {total} services | sort: {column} {arrow}").format(
            shown=fmt.count(len(self.view)), total=fmt.count(len(self.index)),
            column=_(SORT_COLUMNS[self.sort_column]), arrow=arrow)
        self.query_one("#service-status", Static).update(Text(text))

    @on(Input.Changed, "#service-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#service-filter")
    def _filter_submitted(self) -> None:
        self.set_focus(self.query_one(VirtualTable))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#service-filter", Input))

    def action_leave_filter(self) -> None:
        self.set_focus(self.query_one(VirtualTable))

    def action_cycle_sort(self) -> None:
        position = SORT_CYCLE.index(self.sort_column)
        self.sort_column = SORT_CYCLE[(position + 1) % len(SORT_CYCLE)]
        self.descending = self.sort_column in ("imported", "batch")
        self._update_status()
        self.refresh_rows()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self._update_status()
        self.refresh_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # letters (and "/") typed into the filter are text, not commands
        return not (action in ("focus_filter", "cycle_sort", "reverse", "open")
                    and isinstance(self.focused, Input))

    # -- detail ----------------------------------------------------------------------------
    def action_open(self) -> None:
        if self.view is None:
            return
        pos = self.view.position(self.query_one(VirtualTable).cursor_row)
        if pos is not None:
            open_service_detail(self, self.view.index, pos)

    @on(VirtualTable.RowSelected, "#service-table")
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def status_text(self) -> str:
        """The status line as plain text (for tests)."""
        return safe_text(str(self.query_one("#service-status", Static).content))
