"""Migration of a single-file workspace (today's format) into the folder layout."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.workspace import migrate as migrate_module
from mwtui.workspace.errors import WorkspaceCorrupt
from mwtui.workspace.migrate import backup_path
from mwtui.workspace.store import TABLES, Workspace
from tests.support.store import content, expected_page_ids, orphans

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workspace_v1" / "workspace.json"


def _expected() -> dict[str, dict[int, dict]]:
    data = json.loads(FIXTURE.read_text())
    return {t: {int(k): v for k, v in data.get(t, {}).items()} for t in TABLES}


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "workspace.json"
    shutil.copyfile(FIXTURE, path)
    return path


def test_first_open_migrates_keeps_the_old_file_and_every_record(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    ws = Workspace.open(path)
    assert ws.path == path and path.is_dir()
    assert backup_path(path).read_bytes() == FIXTURE.read_bytes()
    assert content(path) == _expected()
    assert set(ws.snapshot().committed_keys()[0]) == {
        d["row_key"] for d in _expected()["services"].values()}
    page = ws.snapshot().activities_page()  # the Activities list opens on its first page
    assert page is not None and page["count"] == len(_expected()["activities"]) > 0
    assert [r["id"] for r in page["rows"]] == expected_page_ids(ws.snapshot())
    assert not orphans(ws)


def test_the_same_db_path_keeps_working_on_the_command_line(tmp_path: Path, capsys) -> None:
    path = _copy(tmp_path)
    assert main(["--db", str(path), "list", "services", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in listed) == sorted(_expected()["services"])
    assert main(["--db", str(path), "workspace", "migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_workspace_migrate_command(tmp_path: Path, capsys) -> None:
    path = _copy(tmp_path)
    assert main(["--db", str(path), "workspace", "migrate", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"workspace": str(path), "migrated": True,
                      "backup": str(backup_path(path))}
    assert content(path) == _expected()


class Crash(BaseException):
    """Stands for a SIGKILL at one step of the migration."""


@pytest.mark.parametrize("step", ["build", "replace", "rename"])
def test_a_crash_in_the_middle_of_migrating_is_finished_on_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = _copy(tmp_path)
    real_replace, real_rename = os.replace, os.rename

    def crash(*_a, **_k):
        raise Crash

    if step == "build":
        monkeypatch.setattr(migrate_module, "write_new", crash)
    elif step == "replace":  # before the old file moved to the backup
        monkeypatch.setattr(migrate_module.os, "replace",
                            lambda s, d: crash() if Path(d) == backup_path(path)
                            else real_replace(s, d))
    else:  # the old file is the backup, the folder not yet in place
        monkeypatch.setattr(migrate_module.os, "rename",
                            lambda s, d: crash() if Path(d) == path else real_rename(s, d))
    with pytest.raises(Crash):
        Workspace.open(path)
    monkeypatch.undo()
    assert path.is_file() or backup_path(path).is_file(), "the old data must survive"
    assert content(path) == _expected()  # a fresh handle finishes the migration
    assert backup_path(path).read_bytes() == FIXTURE.read_bytes()
    assert not list(tmp_path.glob(".workspace.json.new-*")), "half-built folder left"
    assert not orphans(Workspace(path))


def test_a_damaged_old_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workspace.json"
    path.write_bytes(FIXTURE.read_bytes()[:-40])
    with pytest.raises(WorkspaceCorrupt, match="untouched") as info:
        Workspace.open(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == FIXTURE.read_bytes()[:-40]
    assert not backup_path(path).exists()
