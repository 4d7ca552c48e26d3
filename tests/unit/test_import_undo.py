"""Undo of an API import: the workspace as it was before the batch, refusals where a later
change would be overwritten, attachments detached, and the undo itself a batch."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from support.sync import NOW, demo, workspace

from mwtui.importers.accounting.sync import import_contacts, import_orders
from mwtui.workspace.api_undo import LATER_BATCH, LATER_EDIT
from mwtui.workspace.batches import can_undo, find_batch, list_batches, undo_batch
from mwtui.workspace.store import Workspace


def records(ws: Workspace) -> dict[str, dict[int, Any]]:
    snap = ws.snapshot()
    return {t: dict(snap.items(t)) for t in ("customers", "activities")}


def pdfs(ws: Workspace) -> set[str]:
    folder = ws.attachments_dir
    return {p.name for p in folder.glob("*.pdf")} if folder.exists() else set()


@pytest.mark.parametrize("integration", ["sevdesk", "bexio", "lexware"])
def test_undo_of_the_second_import_restores_the_workspace(tmp_path: Path,
                                                          integration: str) -> None:
    ws = workspace(tmp_path)
    state, client = demo(integration)
    import_contacts(ws, client)
    import_orders(ws, client, "all", now=NOW)
    before, files_before = records(ws), pdfs(ws)

    what = state.advance()  # an update, a relink and (not bexio) a new delivery note
    second = import_orders(ws, client, "all", now=NOW)
    assert records(ws) != before
    assert second.updated >= 2
    if "new_delivery_note" in what:
        assert len(pdfs(ws)) == len(files_before) + 1

    result = undo_batch(ws, second.batch_id)

    assert records(ws) == before
    assert pdfs(ws) == files_before
    assert result.refused == []
    assert sum(result.restored.values()) == second.updated
    undone = find_batch(ws.snapshot().items, second.batch_id)[1]
    assert undone["status"] == "undone" and undone["undone_by"] == result.undo_batch
    undo_doc = find_batch(ws.snapshot().items, result.undo_batch)[1]
    assert undo_doc["kind"] == "undo" and undo_doc["details"]["undid"] == second.batch_id
    assert undo_doc["counts"]["restored"] == second.updated
    assert result.undo_batch in {d["batch_id"] for _, d in list_batches(ws.snapshot())}
    assert "already undone" in can_undo(undone)


def test_undo_of_a_first_import_removes_what_it_created(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    _state, client = demo("sevdesk")
    first = import_orders(ws, client, "all", now=NOW)  # creates customers on the way
    assert first.created and pdfs(ws)

    result = undo_batch(ws, first.batch_id)

    assert records(ws) == {"customers": {}, "activities": {}}
    assert pdfs(ws) == set()
    assert result.removed["activities"] == first.created
    assert result.removed["customers"] == first.customers_created


def test_undo_refuses_records_changed_later_and_says_why(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    import_orders(ws, client, "all", now=NOW)
    before_second = records(ws)
    what = state.advance()
    second = import_orders(ws, client, "all", now=NOW)
    by_number = {d["number"]: (i, d) for i, d in ws.snapshot().items("activities")}
    edited_id, _ = by_number[what["changed_order"]]
    with ws.transaction() as tx:  # the operator edits the updated activity
        tx.update("activities", edited_id, {"local": {"note": "angerufen"}})
    relinked_number = what["relinked_order"].split(" -> ")[0]
    order = next(o for o in state.orders.values() if o.number == relinked_number)
    order.title, order.version = f"{order.title} neu", order.version + 1  # changed again
    order.updated = order.updated + timedelta(minutes=5)
    third = import_orders(ws, client, "all", now=NOW)  # ... and a third import takes it
    kept_before = records(ws)

    result = undo_batch(ws, second.batch_id)

    reasons = {r["number"]: (r["reason"], r["fields"]) for r in result.refused}
    assert reasons[what["changed_order"]] == (LATER_EDIT, {})
    assert reasons[relinked_number] == (LATER_BATCH, {"batch": third.batch_id})
    after = records(ws)
    for number in (what["changed_order"], relinked_number):
        doc_id = by_number[number][0]
        assert after["activities"][doc_id] == kept_before["activities"][doc_id]
    assert after["activities"][edited_id]["local"] == {"note": "angerufen"}
    undo_doc = find_batch(ws.snapshot().items, result.undo_batch)[1]
    assert undo_doc["counts"]["refused"] == len(result.refused) == 2
    note_owner = what["new_delivery_note"].split(" -> ")[1]  # untouched since: put back
    assert after["activities"][by_number[note_owner][0]]["attachments"] == before_second[
        "activities"][by_number[note_owner][0]]["attachments"]


def test_batches_record_who_and_from_where(tmp_path: Path) -> None:
    from mwtui.workspace.models import os_user, set_origin

    ws = workspace(tmp_path)
    _state, client = demo("bexio")
    set_origin("sync")
    try:
        result = import_contacts(ws, client)
    finally:
        set_origin("cli")
    doc = find_batch(ws.snapshot().items, result.batch_id)[1]
    assert doc["origin"] == "sync" and doc["user"] == os_user() != ""
