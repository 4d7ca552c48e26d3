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
