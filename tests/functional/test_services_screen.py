"""Leistungen: 100,000 committed services listed, filtered, sorted and opened by keys."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.screens import make_app
from support.services import make_services_workspace

from mwtui.i18n import using_language
from mwtui.i18n.sorting import sort_german
from mwtui.screens import services as services_screen
from mwtui.screens.services import ServiceDetailScreen, ServicesScreen
from mwtui.screens.services_presenter import ServiceIndex, ServiceView, load_services
from mwtui.widgets.virtual_table import VirtualTable
from mwtui.workspace.store import Workspace

N = 100_000


@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("services") / "ws.json"
    make_services_workspace(path, N)
    return path


def shown_rows(screen: ServicesScreen, count: int = 5) -> list[tuple[object, ...]]:
    assert screen.view is not None
    return [tuple(row) for row in screen.view.rows(0, count)]


async def open_services(app, pilot) -> ServicesScreen:
    await pilot.press("5")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ServicesScreen)
    return screen


# -- core ----------------------------------------------------------------------------------
def test_index_filters_every_word_and_sorts_text_by_german_rules(big_workspace: Path) -> None:
    index = load_services(Workspace.open(big_workspace))
    assert len(index) == N
    hits = index.query("wartung bäckerei")
    assert 0 < len(hits) < N
    for pos in hits.to_list():
        assert "Wartung" in index.service[pos] and index.customer[pos] == "Bäckerei Sonnenschein"
    by_customer = [index.customer[p] for p in index.query(sort="customer", descending=False)]
    distinct = list(dict.fromkeys(by_customer))
    assert distinct[:3] == ["Autohaus Müller", "Bäckerei Sonnenschein", "Beispielbau GmbH"]
    assert distinct[-1] == "Zahnarzt Dr. Weiß"
    amounts = [float(index.docs[p]["amount"]) for p in index.query(sort="amount")[:50]]
    assert amounts == sorted(amounts, reverse=True)


def test_cells_are_german_words_dates_and_money() -> None:
    docs = {"1": {"customer_number": "7", "service": "Hosting", "amount": "1234.56",
                  "cycle": "06", "next_invoice": "2026-12-01", "batch": "b1"}}
    with using_language("de"):
        from mwtui.screens.services_presenter import ServiceData

        index = ServiceIndex(ServiceData(docs, {}, {"b1": {"created": "2026-11-30T09:00:00"}},
                                         None))
        row = ServiceView(index, index.query()).rows(0, 1)[0]
    assert row == ("7", "Hosting", "halbjährlich", "01.12.2026", "1.234,56\xa0€", "30.11.2026")


# -- the screen ----------------------------------------------------------------------------
async def test_first_rows_filter_sort_and_detail(tmp_path: Path, big_workspace: Path) -> None:
    app = make_app(tmp_path, Workspace.open(big_workspace))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_services(app, pilot)
        assert screen.view is not None and len(screen.view) == N
        assert shown_rows(screen, 1)[0][1] == f"Miete {N - 1:07d}"  # newest first
        assert "100.000 of 100.000 services" in screen.status_text()  # German formats

        await pilot.press("slash", *"wartung 00000")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = shown_rows(screen, 50)
        assert 0 < len(screen.view) < N
        assert all("Wartung" in str(r[1]) and "00000" in str(r[1]) for r in rows)

        await pilot.press("escape", "o")  # sort: customer
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "sort: customer" in screen.status_text()
        customers = [str(r[0]) for r in shown_rows(screen, len(screen.view))]
        assert customers == sort_german(customers)
        assert list(dict.fromkeys(customers)) == [
            "Autohaus Müller", "Bäckerei Sonnenschein", "Getränke Meyer", "Öko Garten",
            "Schreinerei Holzwurm"]

        table = screen.query_one(VirtualTable)
        table.move_cursor(2)
        expected = shown_rows(screen, 3)[2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ServiceDetailScreen)
        fields = dict(app.screen.fields)
        assert fields["Service"] == expected[1]
        assert fields["Billing type"] == expected[2]
        assert "Batch" in fields and "File and line" in fields
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_keys_work_while_the_services_load(tmp_path: Path, big_workspace: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The load runs in a worker: the filter takes keys before any row exists."""
    release, started = threading.Event(), threading.Event()
    real = services_screen.load_services

    def slow_load(workspace: Workspace) -> ServiceIndex:
        started.set()
        release.wait(30)
        return real(workspace)

    monkeypatch.setattr(services_screen, "load_services", slow_load)
    app = make_app(tmp_path, Workspace.open(big_workspace))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert started.wait(10)
        screen = app.screen
        assert isinstance(screen, ServicesScreen) and screen.view is None
        await pilot.press("slash", *"hosting")
        await pilot.pause()
        assert screen.filter_text == "hosting"  # handled while the load is blocked
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.view is not None and 0 < len(screen.view) < N
        assert all("Hosting" in str(r[1]) for r in shown_rows(screen, 20))
