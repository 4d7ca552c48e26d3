"""Ask less where the API allows it (issue 14, item 7; item 4's contactId narrowing).

An orders import lists every order (deleted ones are flagged) but asks for delivery notes
changed since the last successful import only: lexware ``updatedDateFrom`` (a German day),
sevDesk ``updateAfter`` (Unix seconds). The sandbox APIs honour both filters; payload shapes
are the documented ones (tests/fixtures/reference/ADDENDUM.md).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from support.clients import FakeClock, Server, berlin, json_response, load
from support.sync import NOW, activities, demo, workspace
from test_api_fidelity import built

from mwtui.importers.accounting import lexware
from mwtui.importers.accounting.sync import import_orders
from mwtui.importers.accounting.sync_dry_run import scratch_copy
from mwtui.importers.accounting.sync_marker import OVERLAP, changed_since, snapshot_since
from mwtui.workspace.batches import find_batch

NORDLICHT = "8a3e5c1f-2b7d-4e9a-b6c4-1d2f3a4b5c6d"
QUOTATION = "5b9d2c7e-1f4a-4e3b-a8d6-0c9e7f1a2b3c"  # AG0012, Nordlicht's quotation
AB0007 = "d3f8a6b2-9c1e-4b7d-8e5a-6f2c0b1d3e4a"
AB0008 = "9e4d7a1c-6b2f-4a8e-9c3d-1b5f7e0a2c6d"


def requests(state, path: str = "") -> list[dict[str, str]]:
    """The query of each logged request to ``path`` (all when empty), in order."""
    found = []
    for line in state.log:
        url = urlsplit(line.split(" ", 1)[1])
        if url.path.endswith(path):
            found.append({k: v[-1] for k, v in parse_qs(url.query).items()} | {
                "_path": url.path})
    return found


def base_of(ws, result) -> datetime:
    """Where a run's marker lies: its start, or the newest change it listed if earlier."""
    batch = find_batch(ws.snapshot().items, result.batch_id)[1]
    return min(datetime.fromisoformat(batch["created"]),
               datetime.fromisoformat(batch["details"]["newest_change"]))


# -- the marker -----------------------------------------------------------------------------
def _batch(status: str = "done", **changes) -> dict:
    doc = {"kind": "orders", "source": "lexware", "status": status,
           "created": "2026-03-11T10:00:00+00:00", "counts": {"failed": 0}, "errors": [],
           "details": {"period": "all", "kind": "orderconfirmation"}}
    for key, value in changes.items():
        if key in ("period", "kind_of_orders", "dry_run", "newest_change"):
            doc["details"][{"kind_of_orders": "kind"}.get(key, key)] = value
        else:
            doc[key] = value
    return doc


def test_marker_is_the_last_successful_runs_start_less_the_overlap():
    good = _batch(created="2026-03-10T10:00:00+00:00")
    later_but_not_successful = [
        _batch("cancelled"), _batch("failed"), _batch("interrupted"), _batch("undone"),
        _batch("running"), _batch(dry_run=True), _batch(errors=[{"external_id": "x"}]),
        _batch(counts={"failed": 1}), _batch(source="sevdesk"), _batch(kind="contacts"),
        _batch(kind_of_orders="quotation"), _batch(period="week")]
    since = changed_since([good, *later_but_not_successful], "lexware", "orderconfirmation",
                          "month")
    assert since == datetime(2026, 3, 10, 10, 0, tzinfo=UTC) - OVERLAP == \
        datetime(2026, 3, 10, 9, 55, tzinfo=UTC)
    # a run over the same period counts; one over all counts for any period
    assert changed_since([_batch(period="week")], "lexware", "orderconfirmation", "week")
    assert changed_since(later_but_not_successful, "lexware", "orderconfirmation",
                         "month") is None
    # the source's clock: the newest change listed, when earlier than our start
    behind = _batch(newest_change="2026-03-11T08:30:00+00:00")
    assert changed_since([behind], "lexware", "orderconfirmation", "all") == \
        datetime(2026, 3, 11, 8, 25, tzinfo=UTC)


# -- lexware: updatedDateFrom, details only for what changed ----------------------------------
def test_lexware_reimport_sends_updated_filter_and_lists_only(tmp_path: Path):
    ws = workspace(tmp_path)
    state, client = demo("lexware")
    # a delivery note made from Nordlicht's quotation: never an order confirmation's, so
    # every scan of Nordlicht's notes for the confirmation AB0007 would open it again
    state.add_note(QUOTATION, "LS0009", NOW - timedelta(days=5))
    first = import_orders(ws, client, "all", now=NOW)
    assert first.status == "done" and first.changed_since == ""

    state.reset_stats()
    again = import_orders(ws, client, "all", now=NOW)
    assert (again.created, again.updated, again.status) == (0, 0, "done")
    assert set(state.stats()["by_path"]) == {"list"}  # no detail, no PDF
    since = base_of(ws, first) - OVERLAP
    assert again.changed_since == since.isoformat()
    notes = [q for q in requests(state, "/v1/voucherlist") if q["voucherType"] == "deliverynote"]
    assert notes and {q["updatedDateFrom"] for q in notes} == {
        since.astimezone(lexware.BERLIN).date().isoformat()}
    orders = [q for q in requests(state, "/v1/voucherlist")
              if q["voucherType"] == "orderconfirmation"]
    assert orders and all("updatedDateFrom" not in q for q in orders)  # full list pass

    with state.lock:  # AB0008 changed at the source
        state.orders[AB0008].title = "Regal nach Maß, geändert"
        state.orders[AB0008].updated = NOW + timedelta(minutes=1)
    state.reset_stats()
    third = import_orders(ws, client, "all", now=NOW)
    details = [q["_path"] for q in requests(state) if "/v1/voucherlist" not in q["_path"]]
    assert details == [f"/v1/order-confirmations/{AB0008}"]
    assert (third.updated, activities(ws)["AB0008"]["title"]) == (1, "Regal nach Maß, geändert")


def test_lexware_overlap_reaches_back_over_midnight(tmp_path: Path):
    ws = workspace(tmp_path)
    state, client = demo("lexware")
    with state.lock:  # the newest change the first run lists: 00:03 German time
        state.orders[AB0008].created = state.orders[AB0008].updated = berlin(2026, 3, 11, 0, 3)
    import_orders(ws, client, "all", now=NOW)
    state.reset_stats()
    import_orders(ws, client, "all", now=NOW)
    notes = [q for q in requests(state, "/v1/voucherlist") if q["voucherType"] == "deliverynote"]
    assert notes and {q["updatedDateFrom"] for q in notes} == {"2026-03-10"}  # 23:58


def test_lexware_deleted_order_is_still_flagged_on_an_incremental_run(tmp_path: Path):
    ws = workspace(tmp_path)
    state, client = demo("lexware")
    import_orders(ws, client, "all", now=NOW)
    state.remove_order(AB0008)
    gone = import_orders(ws, client, "all", now=NOW)
    assert gone.changed_since  # incremental ...
    assert gone.missing_at_source == 1  # ... and still sees what disappeared
    assert activities(ws)["AB0008"]["missing_at_source"] is True
    assert activities(ws)["AB0007"]["missing_at_source"] is False


# -- sevDesk: updateAfter with the overlap ---------------------------------------------------
def test_sevdesk_update_filter_carries_the_overlap(tmp_path: Path):
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    first = import_orders(ws, client, "all", now=NOW)
    base = base_of(ws, first)
    # a delivery note stamped two minutes before the marker (the source's clock lags)
    state.add_note("24680012", "LI-1050", base - timedelta(minutes=2), note_id="24680050")
    state.reset_stats()
    again = import_orders(ws, client, "all", now=NOW)
    [notes] = [q for q in requests(state, "/api/v1/Order") if q.get("orderType") == "LI"]
    assert int(notes["updateAfter"]) == int((base - OVERLAP).timestamp()) - 1
    assert [i.attachments_added for i in again.items] == [["LI-1050"]]
    assert set(state.stats()["by_path"]) == {"list", "pdf"}


# -- what does not move the marker -----------------------------------------------------------
def test_cancelled_and_dry_runs_do_not_move_the_marker(tmp_path: Path):
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    import_orders(ws, client, "all", now=NOW)
    marker = snapshot_since(ws.snapshot(), "sevdesk", "orderconfirmation", "all")
    cancel = threading.Event()
    cancel.set()
    cancelled = import_orders(ws, client, "all", now=NOW, cancel=cancel)
    assert cancelled.status == "cancelled"
    with scratch_copy(ws) as scratch:
        dry = import_orders(scratch, client, "all", now=NOW)
    assert dry.status == "done"
    assert snapshot_since(ws.snapshot(), "sevdesk", "orderconfirmation", "all") == marker
    # so a note made after the last real import (by the source's clock) is still found
    state.add_note("24680012", "LI-1051", NOW + timedelta(minutes=1), note_id="24680051")
    after = import_orders(ws, client, "all", now=NOW)
    assert after.changed_since == marker.isoformat()
    assert [i.attachments_added for i in after.items] == [["LI-1051"]]


# -- lexware: the contact fallback is narrowed by contactId ----------------------------------
def test_lexware_fallback_lists_only_the_contacts_notes(monkeypatch):
    """The documented delivery-note page is the answer to a ``contactId`` query; a note made
    from a quotation (the addendum) is found through it too."""
    page = load("lexware-office/voucherlist-deliverynote-page.json")
    from_quotation = load("lexware-office/delivery-note-from-quotation.json")
    page["content"].append({**page["content"][0], "id": from_quotation["id"],
                            "voucherNumber": from_quotation["voucherNumber"]})

    def voucherlist(request: httpx.Request) -> httpx.Response:
        wanted = request.url.params.get("contactId")
        rows = [r for r in page["content"] if r["contactId"] == wanted]
        return json_response({**page, "content": rows, "totalElements": len(rows)})

    server = Server()
    server.add("/v1/voucherlist", voucherlist)
    detail = load("lexware-office/delivery-note.json")
    server.add(f"/v1/delivery-notes/{detail['id']}", json_response(detail))
    server.add(f"/v1/delivery-notes/{from_quotation['id']}", json_response(from_quotation))
    server.add(f"/v1/delivery-notes/{page['content'][0]['id']}", json_response(
        {**detail, "id": page["content"][0]["id"], "voucherNumber": "LS0005"}))
    client = built(monkeypatch, "lexware", server, FakeClock(),
                   now=lambda: berlin(2026, 3, 12, 9))
    confirmation = lexware.normalise_voucher(
        load("lexware-office/voucherlist-orderconfirmation-page.json")["content"][1])
    quotation = lexware.normalise_voucher(
        {**load("lexware-office/voucherlist-quotation-page.json")["content"][0],
         "id": from_quotation["relatedVouchers"][0]["id"], "contactId": NORDLICHT},
        "quotation")
    assert not confirmation.related_delivery_note_ids  # a summary: fallback
    found = client.delivery_notes([confirmation, quotation],
                                  updated_since=berlin(2026, 3, 9, 23, 58))
    assert sorted((n.number, n.order_external_id) for n in found) == sorted([
        ("LS0004", AB0007), ("LS0005", AB0007),
        (from_quotation["voucherNumber"], quotation.external_id)])
    [listed] = [r.url.params for r in server.requests if r.url.path == "/v1/voucherlist"]
    assert (listed["contactId"], listed["updatedDateFrom"]) == (NORDLICHT, "2026-03-09")
