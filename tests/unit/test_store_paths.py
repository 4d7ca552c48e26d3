"""Every public write path reaches the disk; reads load only what they need; a full or
read-only disk during each kind of write changes nothing."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from tinydb import Query

from mwtui.workspace import store as store_module
from mwtui.workspace.batches import record_batch, undo_batch
from mwtui.workspace.errors import StoreError, WorkspaceCorrupt
from mwtui.workspace.models import Batch
from mwtui.workspace.store import Transaction, Workspace
from tests.support.store import folder_files, orphans

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workspace_v1" / "workspace.json"


def _seeded(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws.json")
    with ws.transaction() as tx:
        tx.insert_many("customers", [{"number": str(n), "name": f"C{n}"} for n in range(3)])
        tx.insert_many("services", [{"batch": "b1", "row_key": f"k{n}", "customer_number": "1"}
                                    for n in range(4)])
        record_batch(tx, Batch("b1", "webfakt", "f.csv", status="done"))
    return ws


def _names(path: Path, table: str) -> dict[int, dict]:
    return dict(Workspace(path).snapshot().items(table))  # a fresh handle: from disk


WRITES: dict[str, tuple[Callable[[Transaction], object], Callable[[dict], bool]]] = {
    "insert": (lambda tx: tx.insert("customers", {"name": "new"}),
               lambda c: any(d["name"] == "new" for d in c.values())),
    "update": (lambda tx: tx.update("customers", 1, {"name": "upd"}),
               lambda c: c[1]["name"] == "upd"),
    "replace": (lambda tx: tx.replace("customers", 2, {"name": "rep"}),
                lambda c: c[2] == {"name": "rep"}),
    "remove": (lambda tx: tx.remove("customers", [3]), lambda c: 3 not in c),
    "upsert_by": (lambda tx: tx.upsert_by("customers", [{"number": "1", "name": "up"}],
                                          lambda d: d.get("number")),
                  lambda c: c[2]["name"] == "up"),
    "raw+touch": (lambda tx: (tx.raw("customers")["1"].update(name="raw"), tx.touch()),
                  lambda c: c[1]["name"] == "raw"),
    "tinydb insert": (lambda tx: tx.db.table("customers").insert({"name": "tiny"}),
                      lambda c: any(d["name"] == "tiny" for d in c.values())),
    "tinydb update": (lambda tx: tx.db.table("customers").update(
        {"name": "tq"}, Query().number == "0"), lambda c: c[1]["name"] == "tq"),
    "tinydb remove": (lambda tx: tx.db.table("customers").remove(Query().number == "2"),
                      lambda c: 3 not in c),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_path_reaches_the_disk(tmp_path: Path, name: str) -> None:
    ws = _seeded(tmp_path)
    write, check = WRITES[name]
    with ws.transaction() as tx:
        write(tx)
    assert check(_names(ws.path, "customers")), name
    assert len(_names(ws.path, "services")) == 4  # untouched partitions stay


def test_service_writes_reach_the_disk(tmp_path: Path) -> None:
    ws = _seeded(tmp_path)
    frame = pl.DataFrame({"batch": ["b2"] * 3, "row_key": ["x", "y", "z"],
                          "customer_number": ["9"] * 3})
    with ws.transaction() as tx:
        ids = tx.insert_frame("services", frame, "b2")
    assert list(ids) == [5, 6, 7]
    assert {d["row_key"] for d in _names(ws.path, "services").values()} >= {"x", "y", "z"}
    with ws.transaction() as tx:
        tx.update("services", 5, {"note": "edited"})
        tx.remove("services", [1])
    services = _names(ws.path, "services")
    assert services[5]["note"] == "edited" and 1 not in services and len(services) == 6
    keys = Workspace(ws.path).snapshot().committed_keys()[0]
    assert set(keys) == {"k1", "k2", "k3", "x", "y", "z"}
    assert undo_batch(ws, "b1").removed == {"services": 3}
    assert sorted(_names(ws.path, "services")) == [5, 6, 7]
    assert not orphans(ws)


def test_a_snapshot_is_read_only_even_through_tinydb(tmp_path: Path) -> None:
    ws = _seeded(tmp_path)
    with pytest.raises(StoreError, match="read-only"):
        ws.snapshot().db.table("customers").insert({"name": "lost"})
    assert ws.snapshot().db.table("customers").search(Query().number == "1")[0]["name"] == "C1"


def test_a_reader_loads_only_the_tables_it_asks_for(tmp_path: Path) -> None:
    ws = _seeded(tmp_path)
    part = next((ws.path / "services").glob("*.ndjson"))
    part.write_text("{ damaged")  # only a services reader may notice
    snap = Workspace(ws.path).snapshot()
    assert len(list(snap.items("customers"))) == 3
    assert snap.count("services") == 4  # from the manifest, nothing parsed
    assert set(snap.committed_keys()[0]) == {"k0", "k1", "k2", "k3"}  # from the key index
    with pytest.raises(WorkspaceCorrupt, match=str(part)):
        list(snap.items("services"))


def test_change_marker_changes_with_every_commit_only(tmp_path: Path) -> None:
    ws = _seeded(tmp_path)
    first = ws.change_marker()
    with ws.transaction() as tx:
        list(tx.items("customers"))
    assert ws.change_marker() == first
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "x"})
    assert ws.change_marker() != first
    assert hash(ws.change_marker()) is not None


def _commit(ws: Workspace) -> None:
    with ws.transaction() as tx:
        tx.insert_many("services", [{"batch": "b9", "row_key": "q"}])
        record_batch(tx, Batch("b9", "webfakt", "g.csv", status="done"))


def _orders(ws: Workspace) -> None:
    with ws.transaction() as tx:
        tx.upsert_by("customers", [{"number": "7", "name": "New"}], lambda d: d.get("number"))
        tx.insert("activities", {"number": "AB-1", "attachments": []})
        record_batch(tx, Batch("o1", "orders", "sevdesk", status="done"))


def _customers(ws: Workspace) -> None:
    with ws.transaction() as tx:
        tx.upsert_by("customers", [{"number": "1", "name": "Renamed"}], lambda d: d.get("number"))
        record_batch(tx, Batch("c1", "customers", "customers.csv", status="done"))


KINDS: dict[str, Callable[[Workspace], object]] = {
    "webfakt commit": _commit,
    "undo": lambda ws: undo_batch(ws, "b1"),
    "order import": _orders,
    "customer upsert": lambda ws: _customers(ws),
}


def _fail_with(err_no: int) -> Callable[..., object]:
    def fail(*_a: object, **_k: object) -> object:
        raise OSError(err_no, os.strerror(err_no))
    return fail


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(("call", "err_no", "phrase"), [
    ("write", errno.ENOSPC, "disk is full"), ("replace", errno.EROFS, "read-only"),
    ("open", errno.EACCES, "read-only")])
def test_full_or_read_only_disk_during_each_write_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, call: str, err_no: int,
    phrase: str,
) -> None:
    ws = _seeded(tmp_path)
    before = folder_files(ws)
    real_open = os.open
    if call == "open":  # creating any file is refused: a read-only folder
        monkeypatch.setattr(store_module.os, "open", lambda p, flags, *a: _fail_with(err_no)()
                            if flags & os.O_CREAT else real_open(p, flags, *a))
    else:
        monkeypatch.setattr(store_module.os, call, _fail_with(err_no))
    with pytest.raises(StoreError, match=phrase) as info:
        KINDS[kind](ws)
    monkeypatch.undo()
    assert str(ws.path) in str(info.value)
    assert folder_files(ws) == before, "a file was changed or left behind"
    assert _names(ws.path, "services").keys() == {1, 2, 3, 4}


def test_full_disk_during_migration_keeps_the_old_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "workspace.json"
    shutil.copyfile(FIXTURE, path)
    monkeypatch.setattr(store_module.os, "write", _fail_with(errno.ENOSPC))
    with pytest.raises(StoreError, match="disk is full"):
        Workspace.open(path)
    monkeypatch.undo()
    assert path.read_bytes() == FIXTURE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workspace.json", "workspace.json.lock"]
