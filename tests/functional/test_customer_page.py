"""The customer's page: contact data, activities and services, each list navigable."""

from __future__ import annotations

from pathlib import Path

from support.screens import make_app
from support.services import make_services_workspace

from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.screens.customer_page import CustomerPageScreen
from mwtui.screens.customers import CustomersScreen
from mwtui.screens.services import ServiceDetailScreen
from mwtui.widgets.virtual_table import VirtualTable
from mwtui.workspace.models import Activity

N = 100_000


def workspace_with_activities(tmp_path: Path):
    ws = make_services_workspace(tmp_path / "ws.json", N)
    with ws.transaction() as tx:
        tx.insert_many("activities", [
            Activity(number="AB-2001", title="Heizung tauschen", customer_id=1, type_id=1,
                     created="2026-11-10T09:00:00+01:00", net_amount="1200.00").to_record(),
            Activity(number="AB-2002", title="Fenster einbauen", customer_id=2, type_id=1,
                     created="2026-11-11T09:00:00+01:00").to_record(),
            Activity(number="AB-2003", title="Dach prüfen", customer_id=1, type_id=1,
                     created="2026-11-12T09:00:00+01:00").to_record(),
        ])
    return ws


async def settle(app, pilot) -> None:
    for _round in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_page(app, pilot, name: str) -> CustomerPageScreen:
    await pilot.press("4")
    await settle(app, pilot)
    await pilot.press("slash", *name, "enter", "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CustomerPageScreen)
    return app.screen


async def test_page_lists_contact_activities_and_services(tmp_path: Path) -> None:
    app = make_app(tmp_path, workspace_with_activities(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot, "sonnenschein")
        assert "Hauptstraße 1, 10115 Berlin" in page.contact_text()
        assert "info0@example.com" in page.contact_text()
        activities = page.query_one("#page-activities", VirtualTable)
        services = page.query_one("#page-services", VirtualTable)
        assert [r[0] for r in activities.source.rows(0, 10)] == ["AB-2003", "AB-2001"]
        assert services.row_count == N // 10  # every tenth service is this customer's
        assert all(int(str(r[0]).split()[-1]) % 10 == 0 for r in services.source.rows(0, 50))

        # Enter on an activity opens the activity detail; Escape comes back
        assert page.focused is activities
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ActivityDetailScreen)
        assert app.screen.detail is not None and app.screen.detail.number == "AB-2001"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page

        # Tab goes to the services; Enter opens the highlighted service
        await pilot.press("tab")
        assert page.focused is services
        await pilot.press("down", "down")
        expected = services.source.rows(2, 3)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ServiceDetailScreen)
        assert dict(app.screen.fields)["Service"] == expected[0]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page

        # Escape leaves the page
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomersScreen)


async def test_customer_without_anything_shows_empty_lists(tmp_path: Path) -> None:
    ws = make_services_workspace(tmp_path / "ws.json", 0)
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot, "adler")
        assert "Activities (0)" in str(page.query_one("#page-activities-label").content)
        assert page.query_one("#page-services", VirtualTable).row_count == 0
        await pilot.press("enter", "tab", "enter")
        await pilot.pause()
        assert app.screen is page
