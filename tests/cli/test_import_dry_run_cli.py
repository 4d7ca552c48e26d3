"""``mwtui import ... --dry-run``: the per-item report of a real import, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from mwtui.cli import main

ARGS = {"contacts": ("import", "contacts"), "orders": ("import", "orders", "--period", "all")}


def fingerprint() -> dict[str, str]:
    """Every file under the workspace folder and its attachments folder, by content."""
    path = Path(os.environ["MWTUI_DB"])
    found: dict[str, str] = {}
    for root in (path, path.with_name(path.stem + ".attachments")):
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            found[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0, data
    return data


def comparable(result: dict) -> list:
    return [dict(i) for i in result["items"]]


@pytest.mark.parametrize("integration", ["sevdesk", "bexio", "lexware"])
@pytest.mark.parametrize("what", ["contacts", "orders"])
def test_dry_run_writes_nothing_and_predicts_the_import(
        capsys: pytest.CaptureFixture[str], integration: str, what: str) -> None:
    args = (*ARGS[what], "--from", integration, "--sandbox")
    run(capsys, *args)  # a first real import, so the second has updates to preview
    before = fingerprint()

    preview = run(capsys, *args, "--dry-run")

    assert fingerprint() == before  # byte-identical: nothing written, not even a batch
    assert preview["dry_run"] is True and preview["batch"] is None
    real = run(capsys, *args)
    assert comparable(preview) == comparable(real)
    for key in ("created", "updated", "unchanged", "attachments_added", "listed"):
        assert preview[key] == real[key]
    if what == "orders" and integration != "bexio":
        assert real["updated"] >= 1  # the preview was not empty


def test_dry_run_text_says_nothing_was_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "contacts", "--from", "bexio", "--sandbox", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Dry run: nothing was written. This is what the import would do:"
    assert out[1].startswith("bexio (sandbox) contacts: 3 created") and "(dry run)" in out[1]
    assert main(["batches", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
