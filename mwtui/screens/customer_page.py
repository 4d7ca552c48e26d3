"""A customer's page: contact data, their activities and their services.

Tab moves between the two lists; Enter opens the activity detail or the service detail;
Escape goes back. Everything is read in a thread worker.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.screens.customers_presenter import CustomerPage, customer_page
from mwtui.screens.services import fields_text, open_service_detail, translated_columns
from mwtui.screens.services_presenter import (
    ServiceIndex,
    ServiceView,
    customer_services,
    read_services,
)
from mwtui.widgets.translated import TranslatedBindings
from mwtui.widgets.virtual_table import Column, ListSource, VirtualTable
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text

ACTIVITY_COLUMNS = [
    Column("number", N_("No."), 10),
    Column("title", N_("Title")),
    Column("type", N_("Type"), 12),
    Column("created", N_("Created"), 10),
    Column("amount", N_("Amount"), 12, align_right=True),
]
# the customer column says nothing on the customer's own page
SERVICE_KEYS = ("service", "cycle", "next_invoice", "amount", "batch")


class CustomerPageScreen(TranslatedBindings, Screen[None]):
    """One customer: contact data, activities, services. Tab switches lists."""

    TITLE = N_("Customer")
    DEFAULT_CSS = """
    CustomerPageScreen #page-contact { height: auto; max-height: 6; padding: 0 1; }
    CustomerPageScreen .list-label { height: 1; padding: 0 1; background: $panel;
                                     text-style: bold; }
    CustomerPageScreen VirtualTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="page.back",
                tooltip=N_("Back to the customers")),
        Binding("tab", "app.focus_next", N_("Next list"), id="page.next",
                tooltip=N_("Between activities and services")),
        Binding("enter", "open", N_("Open"), id="page.open", priority=True,
                tooltip=N_("Details of the highlighted activity or service")),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.page: CustomerPage | None = None
        self.services: ServiceIndex | None = None
        self._snapshot: Snapshot | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Loading ..."), id="page-contact")
        yield Label(_("Activities"), id="page-activities-label", classes="list-label",
                    markup=False)
        yield VirtualTable([Column(c.key, _(c.label), c.width, c.align_right)
                            for c in ACTIVITY_COLUMNS], id="page-activities")
        yield Label(_("Services"), id="page-services-label", classes="list-label",
                    markup=False)
        yield VirtualTable([c for c in translated_columns() if c.key in SERVICE_KEYS],
                           id="page-services")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#page-activities", VirtualTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="customer-page")
    def _load(self) -> None:
        workspace = self.app.workspace
        try:
            snapshot = workspace.snapshot()
            page = customer_page(snapshot, self.customer_id)
            services = customer_services(read_services(workspace), self.customer_id)
            positions = services.query(sort="next_invoice", descending=False)
        except Exception as err:  # unreadable workspace: say so
            self.app.call_from_thread(self.notify, safe_text(str(err), one_line=True),
                                      title=_("Could not read the workspace"),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, snapshot, page, ServiceView(services,
                                                                            positions))

    def _loaded(self, snapshot: Snapshot, page: CustomerPage | None,
                services: ServiceView) -> None:
        self._snapshot = snapshot
        self.page = page
        contact = self.query_one("#page-contact", Static)
        if page is None:
            contact.update(_("This customer no longer exists."))
            return
        self.sub_title = safe_text(f"{page.name} ({page.number or '-'})", one_line=True)
        contact.update(fields_text(page.contact))
        self.services = services.index
        self.query_one("#page-activities", VirtualTable).set_source(
            ListSource([a.cells() for a in page.activities]))
        service_table = self.query_one("#page-services", VirtualTable)
        service_table.set_source(ServiceView(services.index, services.positions,
                                             first_column=1))
        if not page.activities and len(services):
            service_table.focus()  # start where there is something to open
        self.query_one("#page-activities-label", Label).update(
            _("Activities ({n})").format(n=fmt.count(len(page.activities))))
        self.query_one("#page-services-label", Label).update(
            _("Services ({n})").format(n=fmt.count(len(services))))

    def contact_text(self) -> str:
        """The contact block as plain text (for tests)."""
        return str(self.query_one("#page-contact", Static).content)

    # -- opening ---------------------------------------------------------------------------
    def action_open(self) -> None:
        table = self.focused
        if not isinstance(table, VirtualTable) or self.page is None:
            return
        row = table.cursor_row
        if table.id == "page-activities" and 0 <= row < len(self.page.activities):
            self.app.push_screen(ActivityDetailScreen(
                self.page.activities[row].id, self._snapshot, self.app.workspace.attachments_dir))
        elif table.id == "page-services" and isinstance(table.source, ServiceView):
            pos = table.source.position(row)
            if pos is not None:
                open_service_detail(self, table.source.index, pos)

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()
