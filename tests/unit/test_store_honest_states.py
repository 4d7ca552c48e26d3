"""Issue 13, items 5 and 6: honest batch states, rejects-out checked before a commit, and
messages an operator can act on (FILE that is no file, bad port, damaged workspace,
control characters in ``list --json``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.importers.webfakt.catalogue import demo_file
from mwtui.importers.webfakt.rejects_export import reserve_target
from mwtui.workspace.batches import list_batches, record_batch
from mwtui.workspace.config import normalise_base_url
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.models import Batch
from mwtui.workspace.store import Workspace

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def loaded(capsys) -> Workspace:
    assert main(["customers", "import", str(demo_file("customers.csv"))]) == 0
    assert main(["articles", "import", str(demo_file("articles.csv"))]) == 0
    capsys.readouterr()
    return Workspace.open(os.environ["MWTUI_DB"])


def test_batch_of_a_killed_process_is_shown_interrupted(loaded: Workspace, capsys) -> None:
    starter = textwrap.dedent("""
        import os, signal, sys
        from mwtui.workspace.batches import record_batch
        from mwtui.workspace.models import Batch
        from mwtui.workspace.store import Workspace
        with Workspace.open(sys.argv[1]).transaction() as tx:
            record_batch(tx, Batch("dead-1", "contacts", "sevdesk"))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", starter, str(loaded.path)], cwd=REPO)
    assert proc.returncode == -9
    with loaded.transaction() as tx:  # this process is alive: its batch runs
        record_batch(tx, Batch("alive-1", "contacts", "sevdesk"))
    shown = {d["batch_id"]: d["status"] for _, d in list_batches(loaded.snapshot())}
    assert shown["dead-1"] == "interrupted" and shown["alive-1"] == "running"
    assert main(["batches", "--json"]) == 0
    listed = {b["id"]: b["status"] for b in json.loads(capsys.readouterr().out)}
    assert listed["dead-1"] == "interrupted" and listed["alive-1"] == "running"


@pytest.mark.parametrize("make_bad", ["folder", "missing_parent"])
def test_rejects_out_that_cannot_be_written_commits_nothing(
        loaded: Workspace, tmp_path: Path, capsys, make_bad: str) -> None:
    bad = tmp_path / "rej"
    if make_bad == "folder":
        bad.mkdir()
    else:
        bad = tmp_path / "no" / "such" / "rej.csv"
    before = loaded.snapshot().count("services")
    code = main(["webfakt", "commit", str(demo_file("webfakt_format1.csv")),
                 "--rejects-out", str(bad)])
    assert code != 0
    assert str(bad) in capsys.readouterr().err
    assert Workspace.open(loaded.path).snapshot().count("services") == before
    assert not [d for _, d in loaded.snapshot().items("batches") if d["kind"] == "webfakt"]


def test_rejects_export_temp_file_ignores_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / ".rej.csv.tmp").symlink_to(victim)  # the old, predictable temp name
    first, second = reserve_target(tmp_path / "rej.csv"), reserve_target(tmp_path / "rej.csv")
    assert first.tmp != second.tmp and not first.tmp.is_symlink()
    first.write(b"line;reason\n")
    second.discard()
    assert victim.read_text() == "keep"
    assert (tmp_path / "rej.csv").read_bytes() == b"line;reason\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".rej.csv.tmp", "rej.csv", "victim"]


def test_file_argument_that_is_a_folder_pipe_or_device_is_named(tmp_path: Path,
                                                                   capsys) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    cases = {str(tmp_path): "is a folder", str(fifo): "not a regular file",
             "/dev/null": "not a regular file", str(tmp_path / "nope.csv"): "No such file"}
    for value, words in cases.items():
        assert main(["webfakt", "check", value]) == 2
        assert words in capsys.readouterr().err, value


@pytest.mark.parametrize("url", ["https://h.example:99999", "https://h.example:0",
                                 "https://h.example:http"])
def test_out_of_range_port_in_base_url_is_named(url: str) -> None:
    with pytest.raises(ConfigError, match="1 to 65535"):
        normalise_base_url(url, "sevdesk")


def test_workspace_file_of_the_wrong_shape_is_named(tmp_path: Path, capsys) -> None:
    ws = Workspace.open(os.environ["MWTUI_DB"])
    with ws.transaction() as tx:
        tx.insert("customers", {"number": "1", "name": "A"})
    table = ws.path / json.loads((ws.path / "MANIFEST").read_text())["tables"]["customers"]
    table.write_text('{"customers": {"1": 5}}')
    assert main(["list", "customers", "--json"]) == 1
    err = capsys.readouterr().err
    assert str(table) in err and "unexpected error" not in err
    (ws.path / "MANIFEST").write_text('{"format": 2, "tables": {}, "partitions": [7]}')
    assert main(["list", "customers"]) == 1
    err = capsys.readouterr().err
    assert "MANIFEST" in err and "unexpected error" not in err


def test_list_json_escapes_c1_and_bidi_controls(capsys) -> None:
    hostile = "Evil\x9b2J\u202eCorp\u2066\u2028end"
    ws = Workspace.open(os.environ["MWTUI_DB"])
    with ws.transaction() as tx:
        tx.insert("customers", {"number": "1", "name": hostile})
    assert main(["list", "customers", "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x9b\u202e\u2066\u2028")
    assert json.loads(out)[0]["name"] == hostile  # the value is exact for a JSON reader


def test_import_whose_last_bookkeeping_write_fails_exits_non_zero(
        monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from mwtui.importers.accounting import sync_run
    from mwtui.workspace.errors import StoreError

    real = sync_run.record_batch

    def failing_at_the_end(tx, batch):  # the disk fills up just before the last write
        if batch.status != "running":
            raise StoreError("Could not write: the disk is full.")
        return real(tx, batch)

    monkeypatch.setattr(sync_run, "record_batch", failing_at_the_end)
    code = main(["import", "contacts", "--from", "bexio", "--sandbox", "--json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["status"] == "failed"


def test_batches_of_the_same_second_list_in_the_order_they_were_recorded(
        tmp_path: Path) -> None:
    """An import and its undo often land in the same second: the undo must come first
    (newest first), whatever their random id suffixes say."""
    ws = Workspace(tmp_path / "ws.json")
    same = "2026-12-01T10:00:00+00:00"
    names = ["20261201-100000-ffff", "20261201-100000-0000", "20261201-100000-8888"]
    for name in names:
        with ws.transaction() as tx:
            record_batch(tx, Batch(name, "contacts", "sevdesk", created=same, status="done"))
    listed = [d["batch_id"] for _, d in list_batches(ws.snapshot())]
    assert listed == names[::-1]
