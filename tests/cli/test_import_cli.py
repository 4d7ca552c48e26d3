"""``mwtui import`` on the command line, against the built-in sandbox."""

from __future__ import annotations

import json

import pytest

from mwtui.cli import main


def test_import_orders_json_keys_and_second_run_shows_update(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "orders", "--from", "sevdesk", "--period", "all", "--sandbox",
                 "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    for key in ("batch", "created", "updated", "unchanged", "attachments_added", "failed",
                "integration", "period", "kind", "delivery_notes_supported"):
        assert key in first
    assert (first["integration"], first["period"], first["kind"]) == ("sevdesk", "all",
                                                                      "orderconfirmation")
    assert first["created"] == 4 and first["attachments_added"] == 1 and first["sandbox"]

    assert main(["import", "orders", "--from", "sevdesk", "--period", "all", "--sandbox",
                 "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["created"] == 0 and second["updated"] >= 1
    assert second["attachments_added"] == 1 and second["batch"] != first["batch"]


def test_import_contacts_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "contacts", "--from", "bexio", "--sandbox"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("bexio (sandbox) contacts: 3 created, 0 updated, 0 unchanged")


def test_bexio_orders_say_no_delivery_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "orders", "--from", "bexio", "--period", "all", "--sandbox"]) == 0
    assert "no delivery notes" in capsys.readouterr().out


def test_quotations_only_for_lexware(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "orders", "--from", "sevdesk", "--period", "all", "--kind",
                 "quotation", "--sandbox"]) == 2
    assert "only available for lexware" in capsys.readouterr().err
    assert main(["import", "orders", "--from", "lexware", "--period", "all", "--kind",
                 "quotation", "--sandbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "quotation"


def test_missing_token_is_one_clear_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "contacts", "--from", "lexware"]) == 1
    assert "No token configured for lexware Office" in capsys.readouterr().err


def _second_run_with_a_deleted_order(monkeypatch) -> str:
    """Make the next sandbox run also miss one order (deleted at the source); its number."""
    import mwtui.demo.sandbox as sandbox

    real = sandbox.demo_state
    deleted: list[str] = []

    def state_without_one(name, previous=0, **kwargs):
        state = real(name, previous, **kwargs)
        # advance() changes the oldest, relinks the second, adds a note to the newest
        order = sorted((o for o in state.orders.values() if o.kind == "orderconfirmation"),
                       key=lambda o: (o.created, o.id))[2]
        deleted.append(order.number)
        state.remove_order(order.id)
        return state

    monkeypatch.setattr(sandbox, "demo_state", state_without_one)
    return deleted


def test_json_items_explain_every_change(capsys, monkeypatch) -> None:
    args = ["import", "orders", "--from", "sevdesk", "--period", "all", "--sandbox", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert [i["action"] for i in first["items"]] == ["created"] * first["created"]
    for item in first["items"]:
        assert set(item) == {"external_id", "number", "action", "changes",
                             "attachments_added", "error"}
    deleted = _second_run_with_a_deleted_order(monkeypatch)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    by_action = {}
    for item in second["items"]:
        by_action.setdefault(item["action"], []).append(item)
    updated = by_action["updated"][0]
    old, new = updated["changes"]["net_amount"]
    assert float(new) == float(old) + 100
    old_customer, new_customer = by_action["relinked"][0]["changes"]["customer"]
    assert old_customer and new_customer and old_customer != new_customer
    assert [i["number"] for i in by_action["gone"]] == deleted
    notes = [n for i in second["items"] for n in i["attachments_added"]]
    assert len(notes) == second["attachments_added"] == 1
    # today's counts are unchanged: the items are added next to them
    assert second["updated"] == sum(len(by_action.get(a, [])) for a in
                                    ("updated", "relinked", "notes_added"))
    assert second["missing_at_source"] == 1


def test_human_output_lists_the_items_in_german(capsys, monkeypatch) -> None:
    args = ["--lang", "de", "import", "orders", "--from", "sevdesk", "--period", "all",
            "--sandbox"]
    assert main(args) == 0
    capsys.readouterr()
    _second_run_with_a_deleted_order(monkeypatch)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "aktualisiert: Titel: " in out and "Netto: " in out
    assert "anderem Kunden zugeordnet: Kunde: " in out
    assert "Lieferscheine hinzugefügt: LI-" in out
    assert "in der Quelle gelöscht" in out


def test_second_import_says_since_when_delivery_notes_were_asked(capsys) -> None:
    args = ["import", "orders", "--from", "lexware", "--period", "all", "--sandbox"]
    assert main(args) == 0
    assert "Delivery notes: only those changed since" not in capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["changed_since"]  # the first run ended well: only changes are asked for
    assert second["attachments_added"] == 1  # the sandbox's new delivery note is found
    assert main(["--lang", "de", *args]) == 0
    out = capsys.readouterr().out
    assert "Lieferscheine: nur die seit " in out and "geänderten wurden abgefragt" in out
