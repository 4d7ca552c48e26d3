"""``mwtui undo`` of an API import and the audit trail in ``mwtui batches --json``."""

from __future__ import annotations

import json
import os

import pytest

from mwtui.cli import main
from mwtui.workspace.models import os_user
from mwtui.workspace.store import Workspace


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_undo_of_the_second_orders_import_and_the_audit_trail(
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ("import", "orders", "--from", "sevdesk", "--period", "all", "--sandbox")
    run_json(capsys, *args)
    records_before = run_json(capsys, "list", "activities")
    second = run_json(capsys, *args)  # the sandbox changed an order, added a note
    assert second["updated"] >= 1

    undo = run_json(capsys, "undo", second["batch"])

    assert undo["refused"] == [] and sum(undo["restored"].values()) == second["updated"]
    assert run_json(capsys, "list", "activities") == records_before
    batches = {b["id"]: b for b in run_json(capsys, "batches")}
    assert batches[second["batch"]]["status"] == "undone"
    assert batches[undo["undo_batch"]]["kind"] == "undo"
    assert batches[undo["undo_batch"]]["details"]["undid"] == second["batch"]
    for batch in batches.values():
        assert (batch["user"], batch["origin"]) == (os_user(), "cli")
    assert batches[second["batch"]]["items"]  # the per-item report is in the JSON


def test_undo_text_lists_refused_records(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("import", "orders", "--from", "sevdesk", "--period", "all", "--sandbox")
    run_json(capsys, *args)
    second = run_json(capsys, *args)
    changed = [i for i in second["items"] if i["action"] != "created"]
    ws = Workspace.open(os.environ["MWTUI_DB"])
    target = next(i for i, d in ws.snapshot().items("activities")
                  if d["number"] == changed[0]["number"])
    with ws.transaction() as tx:  # the operator edits it after the import
        tx.update("activities", target, {"local": {"note": "x"}})
    assert main(["undo", second["batch"]]) == 0
    out = capsys.readouterr().out
    assert f"{changed[0]['number']}: not undone: changed later (edited in mwtui)" in out
