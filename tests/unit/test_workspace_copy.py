"""``mwtui workspace copy``: every table, batch and attachment moves between backends,
verified; a target holding data is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.backends import fingerprint, open_workspace
from tests.unit.test_store_conformance import ROWS, seed, webfakt_file


@pytest.fixture(params=["folder-to-postgresql", "postgresql-to-folder"])
def ends(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    url = request.getfixturevalue("pg_url")
    folder = str(tmp_path / "other.json")
    return (folder, url) if request.param.startswith("folder") else (url, folder)


def test_copy_moves_everything_and_verifies_it(ends, tmp_path: Path, capsys) -> None:
    source, target = ends
    ws = seed(source)
    path = webfakt_file(tmp_path / "a.csv", ROWS)
    batch = commit(ws, check_file(path, ws), path).batch_id
    pdf = b"%PDF-1.4 test"
    name = hashlib.sha256(pdf).hexdigest() + ".pdf"
    Path(ws.attachments_dir).mkdir(parents=True, exist_ok=True)
    (Path(ws.attachments_dir) / name).write_bytes(pdf)
    with ws.transaction() as tx:
        tx.insert("activities", {"number": "AB-1", "customer_id": 1, "type_id": 1,
                                 "attachments": [{"name": name, "sha256": name[:64],
                                                  "size": len(pdf)}]})
    assert main(["workspace", "copy", "--from", source, "--to", target, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verified"] and report["counts"]["services"] == 2
    assert report["counts"]["activities"] == 1 and report["counts"]["attachments"] == 1
    copied = open_workspace(target)
    assert fingerprint(copied) == fingerprint(open_workspace(source))
    assert {d["batch"] for _, d in copied.snapshot().items("services")} == {batch}
    # the copy is a working workspace: the same file is already imported there
    assert check_file(path, copied).reasons["already_imported"] == 2
    assert (Path(copied.attachments_dir) / name).read_bytes() == pdf


def test_copy_refuses_a_target_that_holds_data(ends, capsys) -> None:
    source, target = ends
    seed(source)
    with open_workspace(target).transaction() as tx:
        tx.insert("customers", {"name": "already here"})
    before = fingerprint(open_workspace(target))
    assert main(["workspace", "copy", "--from", source, "--to", target]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert fingerprint(open_workspace(target)) == before

