"""The workspace store: atomic writes, locking, corrupt files, batches, upserts."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from mwtui.workspace import store as store_module
from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.store import TABLES, Workspace
from tests.support.store import folder_files, orphans


def test_new_workspace_has_tables_and_exactly_one_default_type(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    snap = ws.snapshot()
    for table in TABLES:
        assert snap.count(table) == (1 if table == "activity_types" else 0)
    types = list(snap.items("activity_types"))
    assert [d["is_default"] for _, d in types] == [True]
    assert ws.attachments_dir == tmp_path / "ws.attachments"


def test_transaction_writes_once_and_is_visible_to_a_second_handle(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    first, second = Workspace.open(path), Workspace(path)
    with first.transaction() as tx:
        ids = tx.insert_many("customers", [{"name": f"C{i}", "number": str(i)} for i in range(500)])
    assert ids == list(range(1, 501))
    assert second.snapshot().count("customers") == 500


def test_next_id_is_read_fresh_after_another_process_wrote(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    a, b = Workspace.open(path), Workspace(path)
    with a.transaction() as tx:
        tx.insert("customers", {"name": "A"})
    with b.transaction() as tx:
        tx.insert("customers", {"name": "B"})
    with a.transaction() as tx:
        new_id = tx.insert("customers", {"name": "C"})
    assert new_id == 3
    assert sorted(d["name"] for _, d in a.snapshot().items("customers")) == ["A", "B", "C"]


def test_exception_inside_transaction_writes_nothing(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    before = folder_files(ws)
    with pytest.raises(RuntimeError), ws.transaction() as tx:
        tx.insert("customers", {"name": "lost"})
        tx.insert_many("services", [{"batch": "b", "row_key": "k"}])
        raise RuntimeError("boom")
    assert folder_files(ws) == before


def test_upsert_by_natural_key_creates_updates_and_reports_unchanged(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")

    def key(doc: dict) -> tuple:
        return (doc.get("integration"), doc.get("external_id"))

    docs = [{"integration": "bexio", "external_id": "1", "name": "A"},
            {"integration": "bexio", "external_id": "2", "name": "B"}]
    with ws.transaction() as tx:
        first = tx.upsert_by("customers", docs, key)
    with ws.transaction() as tx:
        second = tx.upsert_by("customers", [
            {"integration": "bexio", "external_id": "1", "name": "A"},
            {"integration": "bexio", "external_id": "2", "name": "B2"},
            {"integration": "sevdesk", "external_id": "1", "name": "S"},
        ], key)
    assert [s for _, s in first] == ["created", "created"]
    assert [s for _, s in second] == ["unchanged", "updated", "created"]
    assert ws.snapshot().count("customers") == 3


def test_unchanged_transaction_does_not_rewrite_the_file(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    marker, before = ws.change_marker(), folder_files(ws)
    with ws.transaction() as tx:
        list(tx.items("customers"))
    assert ws.change_marker() == marker
    assert folder_files(ws) == before


def test_backups_rotate_and_keep_previous_versions(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    for i in range(5):
        with ws.transaction() as tx:
            tx.insert("customers", {"name": f"C{i}"})
    backups = ws.backup_paths()
    assert all(p.exists() for p in backups)
    newest = json.loads(backups[0].read_text())
    customers = json.loads((ws.path / newest["tables"]["customers"]).read_text())
    assert len(customers["customers"]) == 4  # the state before the last write
    assert not orphans(ws)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2, 3]", b"\xff\xfe\x00garbage", b""])
def test_corrupt_file_is_refused_with_its_name_and_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(content)
    with pytest.raises(WorkspaceCorrupt) as info:
        Workspace.open(path)
    assert str(path) in str(info.value)
    assert "untouched" in str(info.value)
    ws = Workspace(path)
    with pytest.raises(WorkspaceCorrupt), ws.transaction() as tx:
        tx.insert("customers", {"name": "x"})
    assert path.read_bytes() == content


def _failing_write(err_no: int):
    def fail(fd: int, data) -> int:
        raise OSError(err_no, os.strerror(err_no))
    return fail


@pytest.mark.parametrize(
    ("err_no", "phrase"),
    [(errno.ENOSPC, "disk is full"), (errno.EACCES, "read-only"), (errno.EROFS, "read-only")],
)
def test_failed_write_gives_clear_error_and_leaves_file_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err_no: int, phrase: str
) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "kept"})
    before = folder_files(ws)
    monkeypatch.setattr(store_module.os, "write", _failing_write(err_no))
    with pytest.raises(StoreError) as info, ws.transaction() as tx:
        tx.insert("customers", {"name": "new"})
    assert phrase in str(info.value)
    assert str(ws.path) in str(info.value)
    monkeypatch.undo()
    assert folder_files(ws) == before, "a file was changed or left behind"
    assert [d["name"] for _, d in Workspace(ws.path).snapshot().items("customers")] == ["kept"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_gives_clear_error(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    before = folder_files(ws)
    ws.path.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="read-only"), ws.transaction() as tx:
            tx.insert("customers", {"name": "new"})
    finally:
        ws.path.chmod(0o700)
    assert folder_files(ws) == before


def test_read_only_workspace_can_still_be_read(tmp_path: Path, monkeypatch) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "kept"})
    monkeypatch.setattr(store_module.os, "write", _failing_write(errno.EROFS))
    assert Workspace(ws.path).snapshot().count("customers") == 1


def test_a_lock_held_too_long_gives_a_clear_error(tmp_path: Path) -> None:
    from mwtui.workspace.errors import WorkspaceLocked

    ws, other = Workspace.open(tmp_path / "ws.json"), Workspace(tmp_path / "ws.json")
    with ws._locked(), pytest.raises(WorkspaceLocked, match="Another mwtui process"), \
            other._locked(0.2):
        pass
    with other._locked(0.2):  # released again
        pass
