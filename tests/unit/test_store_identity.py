"""Issue 13, items 1 and 4: a vanished workspace is never replaced by an empty one, and the
workspace keeps its identity on disk (symlink, group mode, read-only, temp files)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.workspace.errors import StoreError
from mwtui.workspace.files import temp_name, write_new
from mwtui.workspace.store import Workspace
from mwtui.workspace.watch import WorkspaceWatcher
from tests.support.store import folder_files


def _with_customers(path: Path, n: int) -> Workspace:
    ws = Workspace.open(path)
    for i in range(n):
        with ws.transaction() as tx:
            tx.insert("customers", {"number": str(i), "name": f"C{i}"})
    return ws


def _numbers(ws: Workspace) -> set[str]:
    return {d["number"] for d in ws.snapshot().raw("customers").values()}


def test_deleted_manifest_refuses_writes_and_restore_brings_the_data_back(
        tmp_path: Path, capsys) -> None:
    ws = _with_customers(tmp_path / "ws.json", 4)
    (ws.path / "MANIFEST").unlink()
    for _ in range(4):  # each write is refused; no backup is rotated away
        with pytest.raises(StoreError, match="mwtui workspace restore"), \
                ws.transaction() as tx:
            tx.insert("customers", {"number": "new"})
    assert not (ws.path / "MANIFEST").exists()
    assert [p.name for p in ws.backup_paths() if p.exists()] == \
        ["MANIFEST.bak.1", "MANIFEST.bak.2", "MANIFEST.bak.3"]
    assert main(["--db", str(ws.path), "list", "customers"]) == 1
    assert "mwtui workspace restore" in capsys.readouterr().err

    assert main(["--db", str(ws.path), "workspace", "restore", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["restored_from"].endswith("MANIFEST.bak.1") and out["customers"] == 3
    assert _numbers(Workspace.open(ws.path)) == {"0", "1", "2"}
    assert main(["--db", str(ws.path), "workspace", "restore"]) == 1  # intact: refused
    assert "nothing to restore" in capsys.readouterr().err


def test_folder_deleted_while_open_is_noticed_and_not_recreated(tmp_path: Path) -> None:
    ws = _with_customers(tmp_path / "ws.json", 2)
    watcher = WorkspaceWatcher(ws)
    shutil.rmtree(ws.path)
    assert watcher.poll() == "vanished"
    with pytest.raises(StoreError, match="traces of it remain"), ws.transaction() as tx:
        tx.insert("customers", {"number": "x"})
    with pytest.raises(StoreError, match="traces of it remain"):
        Workspace.open(ws.path)  # what the next start of the app does
    assert not ws.path.exists()


def test_a_path_without_any_trace_still_gets_a_new_workspace(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "fresh" / "ws.json")
    assert ws.snapshot().count("customers") == 0
    (tmp_path / "empty.json").mkdir()  # an empty folder is no trace either
    assert Workspace.open(tmp_path / "empty.json").snapshot().count("customers") == 0


def test_symlinked_workspace_stays_a_link_and_writes_reach_the_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "ws.json"
    _with_customers(target, 1)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    ws = _with_customers(link, 0)
    with ws.transaction() as tx:
        tx.insert("customers", {"number": "via-link"})
    assert link.is_symlink()
    assert "via-link" in _numbers(Workspace.open(target))
    # a link to an empty folder: the new workspace is built in the target
    (tmp_path / "empty").mkdir()
    new_link = tmp_path / "new.json"
    new_link.symlink_to(tmp_path / "empty")
    Workspace.open(new_link)
    assert new_link.is_symlink() and (tmp_path / "empty" / "MANIFEST").is_file()


def test_group_shared_mode_is_kept_on_every_file(tmp_path: Path) -> None:
    ws = _with_customers(tmp_path / "ws.json", 1)
    for path in ws.path.rglob("*"):
        if path.is_file():
            path.chmod(0o660)
    with ws.transaction() as tx:
        tx.insert("customers", {"number": "2"})
        tx.insert_many("services", [{"batch": "b", "row_key": "k", "customer_number": "1"}])
    modes = {str(p.relative_to(ws.path)): p.stat().st_mode & 0o777
             for p in ws.path.rglob("*") if p.is_file()}
    assert set(modes.values()) == {0o660}, modes


def test_read_only_workspace_is_refused_not_overwritten(tmp_path: Path) -> None:
    ws = _with_customers(tmp_path / "ws.json", 1)
    (ws.path / "MANIFEST").chmod(0o444)
    before = folder_files(ws)
    with pytest.raises(StoreError, match="read-only"), ws.transaction() as tx:
        tx.insert("customers", {"number": "2"})
    assert folder_files(ws) == before
    assert (ws.path / "MANIFEST").stat().st_mode & 0o777 == 0o444


def test_temp_names_are_unpredictable_and_a_planted_symlink_is_not_followed(
        tmp_path: Path) -> None:
    target = tmp_path / "MANIFEST"
    names = {temp_name(target).name for _ in range(50)}
    assert len(names) == 50 and all(len(n) > 40 for n in names)
    victim = tmp_path / "victim"
    victim.write_text("keep")
    planted = temp_name(target)
    planted.symlink_to(victim)
    with pytest.raises(StoreError):
        write_new(planted, [b"evil"])
    assert victim.read_text() == "keep" and planted.is_symlink()


def test_leftover_temp_files_are_removed_on_the_next_open(tmp_path: Path) -> None:
    ws = _with_customers(tmp_path / "ws.json", 1)
    killed = temp_name(ws.path / "MANIFEST")
    killed.write_bytes(b"x" * 4096)
    (ws.path / "services").mkdir(exist_ok=True)
    part_tmp = ws.path / "services" / "p9.ab-0.parquet"
    part_tmp.write_bytes(b"half")
    ws.attachments_dir.mkdir()
    dead_pid = _dead_pid()
    dead_pdf = ws.attachments_dir / f".0123456789abcdef.{dead_pid}.{'a' * 32}.tmp"
    dead_pdf.write_bytes(b"%PDF-1.4 half")
    live_pdf = ws.attachments_dir / f".0123456789abcdef.{os.getpid()}.{'b' * 32}.tmp"
    live_pdf.write_bytes(b"%PDF-1.4 being written")
    Workspace.open(ws.path)
    assert not killed.exists() and not part_tmp.exists() and not dead_pdf.exists()
    assert live_pdf.exists()  # a running import's PDF is left alone


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid
