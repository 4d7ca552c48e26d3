"""The one import job of the CLI and the dialog: capabilities, labels, thread, cancel."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from support.screens import FakeClient
from support.sync import workspace

from mwtui.importers.accounting.jobs import (
    ImportJob,
    ImportRequest,
    capabilities,
    orders_note,
    period_label,
    token_state,
)
from mwtui.importers.accounting.protocol import RemoteContact
from mwtui.importers.accounting.sync_contacts import customer_fields
from mwtui.workspace.config import Config
from mwtui.workspace.models import CONTACT_FIELDS


def test_the_clients_say_what_they_offer() -> None:
    assert capabilities("lexware").order_kinds == ("orderconfirmation", "quotation")
    assert capabilities("sevdesk").order_kinds == ("orderconfirmation",)
    bexio = capabilities("bexio")
    assert not bexio.delivery_notes and bexio.period_basis == "valid_from"
    assert "no delivery notes" in orders_note("bexio") and "valid-from" in orders_note("bexio")
    assert "quotations" in ImportRequest("orders", "lexware", "week", "quotation").describe()
    assert "quotations" not in orders_note("sevdesk")


def test_period_labels_come_from_one_table() -> None:
    assert period_label("week") == "created this week" and period_label("all") == "all"


def test_job_runs_in_its_thread_and_cancel_keeps_what_was_saved(tmp_path: Path) -> None:
    gate = threading.Event()
    client = FakeClient("sevdesk", orders=5, gate=gate)
    job = ImportJob(ImportRequest("orders", "sevdesk", "all"), lambda name: client,
                    workspace(tmp_path))
    job.start()
    assert client.listing.wait(10)
    job.cancel()
    gate.set()
    outcome = job.wait()
    assert outcome.result.status == "cancelled" and outcome.result.created < 5
    assert client.closed == 1


def test_job_errors_reach_the_caller(tmp_path: Path) -> None:
    def refuse(name: str):
        raise RuntimeError("no client today")

    job = ImportJob(ImportRequest("contacts", "bexio"), refuse, workspace(tmp_path))
    job.start()
    try:
        job.wait()
    except RuntimeError as err:
        assert "no client today" in str(err)
    else:
        raise AssertionError("the error was swallowed")


def test_contact_fields_are_declared_once(tmp_path: Path) -> None:
    remote = {f.name for f in dataclasses.fields(RemoteContact)}
    assert set(CONTACT_FIELDS) <= remote
    contact = RemoteContact("bexio", "7", "", number="K-7", zip="8000")
    assert customer_fields(contact) == {**dict.fromkeys(CONTACT_FIELDS, ""), "name": "K-7",
                                        "number": "K-7", "zip": "8000"}


def test_token_state_never_holds_the_token(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MWTUI_BEXIO_TOKEN", "secret-123")
    config = Config(path=tmp_path / "config.toml")
    assert token_state(config, "bexio").source == "env"
    assert token_state(config, "sevdesk").source == "none"
    assert "secret-123" not in repr(token_state(config, "bexio"))
