"""Every import explains itself: the per-item report of each kind of change, kept with the
batch (bounded) and readable in German and English."""

from __future__ import annotations

from pathlib import Path

from support.sync import NOW, demo, workspace

from mwtui.i18n import using_language
from mwtui.importers.accounting import sync_run
from mwtui.importers.accounting.report import item_lines
from mwtui.importers.accounting.sync import import_contacts, import_orders
from mwtui.workspace.batches import find_batch


def by_action(result) -> dict[str, list]:
    actions: dict[str, list] = {}
    for item in result.items:
        actions.setdefault(item.action, []).append(item)
    return actions


def test_each_kind_of_change_is_reported_per_item(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    first = import_orders(ws, client, "all", now=NOW)
    created = by_action(first)["created"]
    numbers = {d["number"] for _, d in ws.snapshot().items("activities")}
    assert len(created) == first.created and {i.number for i in created} == numbers
    # delivery notes are named on creation
    assert sum(len(i.attachments_added) for i in created) == first.attachments_added

    what = state.advance()  # one order changed, a delivery note added, one relinked
    mentioned = " ".join(what.values())
    gone = next(o for o in state.orders.values()
                if o.kind == "orderconfirmation" and o.number not in mentioned)
    state.remove_order(gone.id)
    second = import_orders(ws, client, "all", now=NOW)
    actions = by_action(second)

    updated = actions["updated"]
    assert [i.number for i in updated] == [what["changed_order"]]
    old_net, new_net = updated[0].changes["net_amount"]
    assert float(new_net) - float(old_net) == 100.0
    assert "geaendert" in updated[0].changes["title"][1]
    relinked = actions["relinked"][0]
    assert what["relinked_order"].startswith(relinked.number)
    old_customer, new_customer = relinked.changes["customer"]
    assert old_customer != new_customer
    assert new_customer.endswith(what["relinked_order"].split(" -> ")[1])
    note_number, owner = what["new_delivery_note"].split(" -> ")
    notes = [i for i in second.items if note_number in i.attachments_added]
    assert [i.number for i in notes] == [owner]
    assert [i.number for i in actions["gone"]] == [gone.number]
    assert second.counts()["updated"] == len(updated) + len(actions["relinked"]) + len(
        actions.get("notes_added", []))

    batch = find_batch(ws.snapshot().items, second.batch_id)[1]
    assert batch["items"] == [i.to_json() for i in second.items]
    assert batch["items_omitted"] == 0


def test_failed_items_say_why(tmp_path: Path) -> None:
    from support.screens import FakeClient

    ws = workspace(tmp_path)
    result = import_orders(ws, FakeClient("sevdesk", orders=3, fail_ids={"o1"}), "all")
    failed = by_action(result)["failed"]
    assert [(i.external_id, i.number) for i in failed] == [("o1", "AB-2001")]
    assert "could not be read" in failed[0].error
    assert "AB-2001: failed: order AB-2001 could not be read" in item_lines(result.items)[-1] \
        or any("AB-2001: failed" in line for line in item_lines(result.items))


def test_contact_updates_name_the_changed_fields(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("bexio")
    import_contacts(ws, client)
    contact = next(c for c in state.contacts.values() if not c.archived)
    old_city = contact.city
    contact.city = "Neustadt"
    contact.version += 1
    result = import_contacts(ws, client)
    updated = by_action(result)["updated"]
    assert len(updated) == 1 and updated[0].changes == {"city": [old_city, "Neustadt"]}


def test_the_batch_keeps_at_most_the_bound_and_counts_the_rest(tmp_path: Path,
                                                               monkeypatch) -> None:
    monkeypatch.setattr(sync_run, "MAX_STORED_ITEMS", 2)
    ws = workspace(tmp_path)
    _state, client = demo("sevdesk")
    result = import_orders(ws, client, "all", now=NOW)
    batch = find_batch(ws.snapshot().items, result.batch_id)[1]
    assert len(batch["items"]) == 2 and batch["items_omitted"] == len(result.items) - 2
    lines = item_lines(batch["items"], batch["items_omitted"])
    assert lines[-1] == f"... and {len(result.items) - 2} more items (not stored)"


def test_report_lines_in_german_use_german_formats() -> None:
    from mwtui.workspace.models import ItemReport

    item = ItemReport("7", "AB-1", "updated", {"net_amount": ["1200.00", "1300.5"],
                                               "title": ["Alt", "Neu"]}, ["LI-9"])
    with using_language("de"):
        line = item_lines([item])[0]
    assert line.startswith("AB-1: aktualisiert: ")
    assert "1.200,00 -> 1.300,50" in line and "Titel: Alt -> Neu" in line and "LI-9" in line
