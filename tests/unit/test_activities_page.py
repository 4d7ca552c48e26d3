"""The stored first page of the Activities list stays equal to what the full index shows
first, through every kind of write, and a page of another state is never used."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from support.sync import NOW, demo, workspace

from mwtui.importers.accounting.sync import import_contacts, import_orders
from mwtui.screens.activities_presenter import ActivityIndex, ActivityPage
from mwtui.workspace import activity_page, layout
from mwtui.workspace.batches import undo_batch
from mwtui.workspace.postgres.store import PgWorkspace
from mwtui.workspace.store import Workspace
from tests.support.store import expected_page_ids


def assert_page_is_current(where: Path | PgWorkspace) -> None:
    """The page of a fresh snapshot: the count, and the same rows (customer and type names,
    titles, dates, badges) in the same order as the full index's default view."""
    snap = Workspace(where).snapshot() if isinstance(where, Path) else where.snapshot()
    page = ActivityPage.load(snap)
    assert page is not None
    index = ActivityIndex(snap)
    assert len(page) == len(index) == snap.count("activities")
    first = index.query()[: page.stored]
    assert [page.row(i) for i in range(page.stored)] == [index.row(p) for p in first]
    assert page.stored == min(len(index), activity_page.PAGE_ROWS)
    assert [page.row(i).id for i in range(page.stored)] == expected_page_ids(snap)


@pytest.fixture
def small_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five rows per page, so that a few activities already fall off it."""
    monkeypatch.setattr(activity_page, "PAGE_ROWS", 5)


def _doc(rng: random.Random, n: int) -> dict[str, object]:
    return {
        "number": f"AB-{n}",
        "title": f"Auftragsbestätigung AB-{n} - Bad {n}",
        "source": rng.choice(["sevdesk", "bexio", None]),
        "customer_id": rng.choice([1, 2, 99, None]),
        "type_id": rng.choice([1, 2, None]),
        "created": rng.choice(["2026-01-01T08:00:00+01:00", "2026-02-01", "", None]),
        "attachments": [{"name": "x.pdf"}] * rng.randint(0, 2),
        "missing_at_source": rng.random() < 0.2,
    }


@pytest.mark.usefixtures("small_page")
def test_page_follows_inserts_updates_deletes_and_renames(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    ws = Workspace.open(path)
    assert_page_is_current(path)  # a new workspace: no activity, count 0
    with ws.transaction() as tx:
        tx.insert_many("customers", [{"name": "Bäcker"}, {"name": "Holzwurm"}])
        tx.insert("activity_types", {"name": "Wartung", "position": 1})
    rng = random.Random(7)
    for step in range(40):
        with ws.transaction() as tx:
            ids = [int(k) for k in tx.raw("activities")]
            op = rng.choice(["insert", "insert", "update", "remove", "upsert", "tinydb"])
            if op == "insert" or not ids:
                tx.insert_many("activities", [_doc(rng, step * 10 + i) for i in range(3)])
            elif op == "update":
                tx.update(
                    "activities", rng.choice(ids), {"created": "2027-01-01", "title": f"neu {step}"}
                )
            elif op == "remove":
                tx.remove("activities", rng.sample(ids, min(2, len(ids))))
            elif op == "upsert":
                tx.upsert_by(
                    "activities", [{**_doc(rng, step), "number": "AB-1"}], lambda d: d.get("number")
                )
            else:  # a write through TinyDB reaches the page too
                tx.db.table("activities").update(
                    {"created": "2025-12-31"}, doc_ids=[rng.choice(ids)]
                )
        assert_page_is_current(path)
    with ws.transaction() as tx:
        tx.insert("activities", {"number": "NEU", "customer_id": 1, "created": "2099-01-01"})
    with ws.transaction() as tx:  # a customer renamed: the page shows the new name
        tx.update("customers", 1, {"name": "Bäckerei Sonnenschein"})
    assert_page_is_current(path)
    page = ActivityPage.load(ws.snapshot())
    assert page is not None
    names = {page.row(i).customer for i in range(page.stored)}
    assert "Bäckerei Sonnenschein" in names and "Bäcker" not in names


@pytest.mark.usefixtures("small_page")
def test_page_follows_an_order_import_and_its_undo(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    import_contacts(ws, client)
    import_orders(ws, client, "all", now=NOW)
    assert_page_is_current(ws.path)
    state.advance()
    second = import_orders(ws, client, "all", now=NOW)
    assert_page_is_current(ws.path)
    undo_batch(ws, second.batch_id)
    assert_page_is_current(ws.path)


def test_a_page_of_another_activities_file_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        tx.insert("activities", {"number": "A-1", "created": "2026-01-01"})
    old_page = layout.read_manifest(path).tables[activity_page.PAGE_TABLE]
    with ws.transaction() as tx:
        tx.insert("activities", {"number": "A-2", "created": "2026-01-02"})
    manifest = layout.read_manifest(path)
    manifest.tables[activity_page.PAGE_TABLE] = old_page  # a page that lags its table
    manifest.generation += 1
    layout.commit_manifest(path, manifest, 0o600)
    assert Workspace(path).snapshot().activities_page() is None
    assert ActivityPage.load(Workspace(path).snapshot()) is None  # the screen reads it all


def test_a_workspace_without_a_page_still_opens(tmp_path: Path) -> None:
    """Workspaces written before the page existed: no page until activities change."""
    path = tmp_path / "ws.json"
    ws = Workspace.open(path)
    manifest = layout.read_manifest(path)
    del manifest.tables[activity_page.PAGE_TABLE]
    manifest.generation += 1
    layout.commit_manifest(path, manifest, 0o600)
    assert Workspace(path).snapshot().activities_page() is None
    with ws.transaction() as tx:
        tx.insert("activities", {"number": "A-1"})
    assert_page_is_current(path)


@pytest.mark.usefixtures("small_page")
def test_postgres_answers_the_same_page_with_one_query(pg_url: str) -> None:
    ws = PgWorkspace.open(pg_url)
    assert_page_is_current(ws)
    rng = random.Random(11)
    with ws.transaction() as tx:
        tx.insert_many("customers", [{"name": "Bäcker"}, {"name": "Holzwurm"}])
        tx.insert_many("activities", [_doc(rng, n) for n in range(30)])
    assert_page_is_current(ws)
    with ws.transaction() as tx:
        tx.remove("activities", [3, 4, 29])
        tx.update("activities", 7, {"created": "2027-05-01"})
    assert_page_is_current(ws)
