"""One test per promise of the import seed, end to end: real clients against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from support.sync import BERLIN, NOW, activities, client_for, customers, demo, workspace

from mwtui.demo.sandbox import SandboxState
from mwtui.importers.accounting.jobs import ImportRequest, run_import
from mwtui.importers.accounting.sync import import_contacts, import_orders
from mwtui.workspace.activity_types import add_type, move_type, rename_type
from mwtui.workspace.models import SOURCE_BADGES

ALL = ("sevdesk", "bexio", "lexware")


def run_orders(ws, client, period="all", kind="orderconfirmation"):
    return import_orders(ws, client, period, kind, now=NOW)


@pytest.mark.parametrize("name", ALL)
def test_same_import_twice_creates_nothing_and_only_lists(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    first_contacts = import_contacts(ws, client)
    first = run_orders(ws, client)
    assert first.status == "done" and not first.failed
    assert first.created == first.listed > 0
    before = (activities(ws), len(customers(ws)))
    state.reset_stats()

    again_contacts = import_contacts(ws, client)
    again = run_orders(ws, client)

    assert again_contacts.created == 0
    assert again_contacts.unchanged == first_contacts.created
    assert (again.created, again.updated, again.attachments_added) == (0, 0, 0)
    assert again.unchanged == first.created
    after = (activities(ws), len(customers(ws)))
    assert {k: v["id"] for k, v in after[0].items()} == {k: v["id"] for k, v in before[0].items()}
    assert after[1] == before[1]
    # incremental: no detail requests and no PDFs for unchanged orders, only list requests
    assert set(state.stats()["by_path"]) == {"list"}


@pytest.mark.parametrize("name", ALL)
def test_order_changed_at_source_updates_its_activity(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    run_orders(ws, client)
    before = activities(ws)
    what = state.advance()
    number = what["changed_order"]

    result = run_orders(ws, client)

    after = activities(ws)
    assert result.created == 0 and result.updated >= 1
    assert after[number]["id"] == before[number]["id"]
    assert "geaendert" in after[number]["title"]
    assert Decimal(after[number]["net_amount"]) == Decimal(before[number]["net_amount"]) + 100
    assert after[number]["change_marker"] != before[number]["change_marker"]


@pytest.mark.parametrize("name", ["sevdesk", "lexware"])
def test_delivery_note_created_later_is_added_on_next_import(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    run_orders(ws, client)
    note_number, order_number = state.advance()["new_delivery_note"].split(" -> ")
    before = activities(ws)[order_number]

    result = run_orders(ws, client)

    after = activities(ws)[order_number]
    assert result.attachments_added == 1
    assert len(after["attachments"]) == len(before["attachments"]) + 1
    added = after["attachments"][-1]
    assert added["number"] == note_number
    path = Path(added["path"])
    assert path.parent == ws.attachments_dir.resolve()
    assert path.read_bytes().startswith(b"%PDF-")
    assert path.name == f"{added['sha256']}.pdf"


def test_bexio_imports_no_delivery_notes_and_says_so(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    _state, client = demo("bexio")
    result = run_import(ws, client, ImportRequest("orders", "bexio", "all"), tz=BERLIN)
    assert run_orders(workspace(tmp_path / "engine"), demo("bexio")[1]).notice == ""
    assert result.delivery_notes_supported is False
    assert "no delivery notes" in result.notice
    assert all(not a["attachments"] for a in activities(ws).values())
    assert result.to_json()["delivery_notes_supported"] is False


@pytest.mark.parametrize("name", ALL)
def test_order_given_another_customer_relinks_its_activity(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    run_orders(ws, client)
    number, _ = state.advance()["relinked_order"].split(" -> ", 1)
    order = next(o for o in state.orders.values() if o.number == number)

    run_orders(ws, client)

    activity = activities(ws)[number]
    customer = next(c for c in customers(ws) if c["id"] == activity["customer_id"])
    assert {"integration": name, "external_id": order.contact_id} in [
        {k: s[k] for k in ("integration", "external_id")} for s in customer["sources"]]


@pytest.mark.parametrize("name", ALL)
def test_order_contact_imported_first_and_assigned(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    result = run_orders(ws, client)  # no contacts imported before
    assert result.customers_created > 0
    for number, activity in activities(ws).items():
        order = next(o for o in state.orders.values() if o.number == number)
        customer = next(c for c in customers(ws) if c["id"] == activity["customer_id"])
        assert customer["sources"][0]["external_id"] == order.contact_id
        assert activity["source"] == name and SOURCE_BADGES[name].isascii()


@pytest.mark.parametrize("name", ALL)
def test_contacts_reimported_update_instead_of_duplicating(tmp_path: Path, name: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(name)
    first = import_contacts(ws, client)
    contact = next(c for c in state.contacts.values() if not c.archived)
    contact.city, contact.email = "Neustadt", "neu@sandbox.example"
    contact.version += 1
    contact.updated = NOW + timedelta(minutes=5)

    result = import_contacts(ws, client)

    assert (result.created, result.updated) == (0, 1)
    assert result.unchanged == first.created - 1
    linked = [c for c in customers(ws) if any(s["external_id"] == contact.id
                                             for s in c["sources"])]
    assert len(linked) == 1 and len(customers(ws)) == first.created
    assert (linked[0]["city"], linked[0]["email"]) == ("Neustadt", "neu@sandbox.example")


def test_default_type_stays_fixed_after_renames_and_reorders(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    default_id = next(i for i, d in ws.snapshot().items("activity_types") if d["is_default"])
    other = add_type(ws, "Wartung")
    add_type(ws, "Reparatur")
    rename_type(ws, default_id, "Montage")
    move_type(ws, default_id, +5)  # to the end
    move_type(ws, other, -5)  # to the top
    rename_type(ws, other, "Auftrag")  # even the old default's name on another type
    _state, client = demo("sevdesk")

    run_orders(ws, client)

    types = dict(ws.snapshot().items("activity_types"))
    assert [i for i, d in types.items() if d["is_default"]] == [default_id]
    assert {a["type_id"] for a in activities(ws).values()} == {default_id}


def test_operator_changes_survive_a_reimport_of_a_changed_order(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    run_orders(ws, client)
    other = add_type(ws, "Wartung")
    number = state.advance()["changed_order"]
    doc_id = activities(ws)[number]["id"]
    with ws.transaction() as tx:
        tx.update("activities", doc_id, {"type_id": other, "local": {"note": "Tor 3"}})

    run_orders(ws, client)

    activity = activities(ws)[number]
    assert "geaendert" in activity["title"]
    assert activity["type_id"] == other and activity["local"] == {"note": "Tor 3"}


@pytest.mark.parametrize(("name", "expected"), [
    ("sevdesk", {"today": {"AB-1119"}, "week": {"AB-1118", "AB-1119"},
                 "month": {"AB-1112", "AB-1118", "AB-1119"},
                 "all": {"AB-1101", "AB-1112", "AB-1118", "AB-1119"}}),
    ("bexio", {"today": {"AU-00059"}, "week": {"AU-00058", "AU-00059"},
               "month": {"AU-00058", "AU-00059"}, "all": {"AU-00057", "AU-00058", "AU-00059"}}),
    ("lexware", {"today": {"AB0008"}, "week": {"AB0008"}, "month": {"AB0007", "AB0008"},
                 "all": {"AB0007", "AB0008"}}),
])
def test_period_filters_pick_the_right_orders(tmp_path: Path, name: str,
                                              expected: dict[str, set[str]]) -> None:
    for period, numbers in expected.items():
        ws = workspace(tmp_path / period)
        _, client = demo(name)
        result = run_orders(ws, client, period)
        assert set(activities(ws)) == numbers, period
        assert result.listed == len(numbers)


def test_lexware_quotations_and_order_confirmations_are_separate(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    _, client = demo("lexware")
    quotes = run_orders(ws, client, "all", "quotation")
    assert set(activities(ws)) == {"AG0012", "AG0013"}
    assert {a["kind"] for a in activities(ws).values()} == {"quotation"}
    confirmations = run_orders(ws, client, "all", "orderconfirmation")
    assert set(activities(ws)) == {"AG0012", "AG0013", "AB0007", "AB0008"}
    assert confirmations.missing_at_source == 0 and quotes.kind == "quotation"
    kinds = {n: a["kind"] for n, a in activities(ws).items()}
    assert kinds["AB0007"] == "orderconfirmation" and kinds["AG0012"] == "quotation"
    # the order confirmation import does not flag quotations as missing, and vice versa
    assert not any(a["missing_at_source"] for a in activities(ws).values())


def test_order_gone_at_source_is_flagged_not_deleted(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    run_orders(ws, client)
    gone = next(o for o in state.orders.values() if o.number == "AB-1118")
    del state.orders[gone.id]

    week = run_orders(ws, client, "week")
    assert week.missing_at_source == 1
    assert activities(ws)["AB-1118"]["missing_at_source"] is True
    assert activities(ws)["AB-1101"]["missing_at_source"] is False  # outside the week
    assert len(activities(ws)) == 4

    state.orders[gone.id] = gone  # back again: the flag is cleared
    run_orders(ws, client)
    assert activities(ws)["AB-1118"]["missing_at_source"] is False


def test_batch_record_per_run_with_counts(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    _, client = demo("lexware")
    result = run_orders(ws, client)
    batches = [d for _, d in ws.snapshot().items("batches")]
    assert len(batches) == 1
    batch = batches[0]
    assert (batch["batch_id"], batch["kind"], batch["source"], batch["status"]) == (
        result.batch_id, "orders", "lexware", "done")
    assert batch["counts"]["created"] == 2 and batch["counts"]["attachments_added"] == 1


def test_generated_state_is_importable(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state = SandboxState.generated("lexware", orders=30, notes=12, contacts=5, now=NOW)
    result = run_orders(ws, client_for(state))
    assert (result.created, result.attachments_added, len(result.failed)) == (30, 12, 0)
