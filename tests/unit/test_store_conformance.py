"""The store's promises, held by both backends: the workspace folder and PostgreSQL.

Every test here runs twice (``store`` is parametrized). The PostgreSQL run uses the
session's throwaway server (tests/support/pg.py); without one it is skipped with the
reason, and fails under CI=true.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from support.webfakt import ARTICLES, CUSTOMERS, HEADER1
from tinydb import Query

from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace.backends import open_workspace
from mwtui.workspace.batches import undo_batch
from mwtui.workspace.models import Article, Customer
from mwtui.workspace.tables import KeyIndex

ROWS = [
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen",
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;",
]


@pytest.fixture(params=["folder", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty workspace lives: a folder path or a database URL."""
    if request.param == "folder":
        return str(tmp_path / "ws.json")
    return request.getfixturevalue("pg_url")


def content(target: str) -> dict[str, dict[int, dict]]:
    snap = open_workspace(target).snapshot()
    tables = ("customers", "activities", "activity_types", "services", "articles", "batches")
    return {t: dict(snap.items(t)) for t in tables}


def test_new_workspace_has_exactly_one_default_type(target: str) -> None:
    snap = open_workspace(target).snapshot()
    assert [d["is_default"] for _, d in snap.items("activity_types")] == [True]
    assert snap.count("customers") == snap.count("services") == 0


def test_a_commit_is_seen_by_a_second_handle_and_ids_continue(target: str) -> None:
    first, second = open_workspace(target), open_workspace(target)
    marker = second.change_marker()
    with first.transaction() as tx:
        ids = tx.insert_many("customers", [{"name": f"C{i}", "number": str(i)}
                                           for i in range(50)])
    assert ids == list(range(1, 51))
    assert second.change_marker() != marker
    assert second.snapshot().count("customers") == 50
    with second.transaction() as tx:
        assert tx.insert("customers", {"name": "late"}) == 51


def test_an_exception_inside_a_transaction_writes_nothing(target: str) -> None:
    ws = open_workspace(target)
    before = content(target)
    with pytest.raises(RuntimeError), ws.transaction() as tx:
        tx.insert("customers", {"name": "lost"})
        tx.insert_many("services", [{"batch": "b", "row_key": "k"}])
        raise RuntimeError("boom")
    assert content(target) == before


def test_upsert_by_natural_key_creates_updates_and_keeps(target: str) -> None:
    ws = open_workspace(target)
    key = lambda d: d.get("number")  # noqa: E731
    with ws.transaction() as tx:
        first = tx.upsert_by("customers", [{"number": "1", "name": "A"},
                                           {"number": "2", "name": "B"}], key)
    with ws.transaction() as tx:
        second = tx.upsert_by("customers", [{"number": "1", "name": "A"},
                                            {"number": "2", "name": "B2"},
                                            {"number": "3", "name": "C"}], key)
    assert first == [(1, "created"), (2, "created")]
    assert second == [(1, "unchanged"), (2, "updated"), (3, "created")]
    names = {d["number"]: d["name"] for _, d in ws.snapshot().items("customers")}
    assert names == {"1": "A", "2": "B2", "3": "C"}


def test_a_natural_key_can_move_to_another_record(target: str) -> None:
    ws = open_workspace(target)
    key = lambda d: d.get("number")  # noqa: E731
    with ws.transaction() as tx:
        tx.upsert_by("customers", [{"number": "1", "name": "A"}], key)
    with ws.transaction() as tx:
        tx.update("customers", 1, {"number": "9"})
        tx.upsert_by("customers", [{"number": "1", "name": "new"}], key)
    with ws.transaction() as tx:
        assert tx.upsert_by("customers", [{"number": "9", "name": "A"}], key) == [
            (1, "unchanged")]
    assert {d["number"] for _, d in ws.snapshot().items("customers")} == {"1", "9"}


def test_tinydb_views_raw_touch_update_replace_remove(target: str) -> None:
    ws = open_workspace(target)
    with ws.transaction() as tx:
        tx.db.table("customers").insert({"name": "A", "number": "1"})
        tx.insert_many("customers", [{"name": "B", "number": "2"}, {"name": "C"}])
    with ws.transaction() as tx:
        tx.raw("customers")["2"]["name"] = "B2"
        tx.touch()
        tx.replace("customers", 3, {"name": "C3"})
    with ws.transaction() as tx:
        assert tx.remove("customers", [1, 99]) == 1
    snap = ws.snapshot()
    assert snap.db.table("customers").search(Query().name == "B2")[0]["number"] == "2"
    assert dict(snap.items("customers")) == {2: {"name": "B2", "number": "2"},
                                             3: {"name": "C3"}}
    assert snap.get("customers", 1) is None


def seed(target: str):  # type: ignore[no-untyped-def]
    ws = open_workspace(target)
    with ws.transaction() as tx:
        for number in CUSTOMERS:
            tx.insert("customers", Customer(name=f"Kunde {number}", number=number).to_record())
        for art in ARTICLES.values():
            tx.insert("articles", Article(number=art.number, name=art.name, price=art.price,
                                          long_text=art.long_text).to_record())
    return ws


def webfakt_file(path: Path, rows: list[str]) -> Path:
    path.write_bytes((HEADER1 + "\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def test_webfakt_commit_and_undo_of_a_batch(target: str, tmp_path: Path) -> None:
    ws = seed(target)
    one, two = webfakt_file(tmp_path / "a.csv", ROWS[:1]), webfakt_file(tmp_path / "b.csv",
                                                                       ROWS[1:])
    keep = commit(ws, check_file(one, ws), one)
    gone = commit(ws, check_file(two, ws), two)
    stored = dict(ws.snapshot().items("services"))
    assert len(stored) == 2 and ws.snapshot().count("services") == 2
    first = next(d for d in stored.values() if d["batch"] == keep.batch_id)
    assert (first["customer_number"], first["customer_id"], first["amount"]) == ("001", 1,
                                                                                  "38.53")
    assert check_file(one, ws).reasons["already_imported"] == 1
    assert undo_batch(ws, gone.batch_id).removed == {"services": 1}
    assert [d["batch"] for _, d in ws.snapshot().items("services")] == [keep.batch_id]
    assert check_file(two, ws).accepted == 1  # undone rows can be committed again
    frame = ws.snapshot().services_frame(keep.batch_id)
    assert frame["customer_number"].to_list() == ["001"] and frame.height == 1


def test_the_same_file_committed_twice_at_once_is_stored_once(target: str,
                                                              tmp_path: Path) -> None:
    ws = seed(target)
    path = webfakt_file(tmp_path / "a.csv", ROWS)
    first, second = check_file(path, ws), check_file(path, open_workspace(target))
    assert commit(ws, first, path).committed == 2
    assert commit(ws, second, path).already_imported == 2
    assert ws.snapshot().count("services") == 2


def test_the_key_index_is_read_as_far_as_a_look_up_needs(target: str, tmp_path: Path,
                                                          monkeypatch) -> None:
    ws = seed(target)
    path = webfakt_file(tmp_path / "a.csv", ROWS)
    batch = commit(ws, check_file(path, ws), path).batch_id
    index = ws.snapshot().key_index()
    keys = sorted(ws.snapshot().committed_keys()[0])
    assert index.owners == {"001", "7104"}
    assert index.batches == ([batch] if "://" not in target else [])  # PostgreSQL: held
    assert sorted(index.load().get_column("fp")) == sorted(int(k[:16], 16) for k in keys)
    assert sorted(index.read_part(0, ["key"]).get_column("key")) == keys
    assert check_file(path, open_workspace(target)).reasons == {"already_imported": 2}
    read: list[int] = []
    later = open_workspace(target).snapshot().key_index()
    monkeypatch.setattr(type(open_workspace(target).snapshot()), "key_index", lambda self: KeyIndex(
        later.owners, later.texts, later.load,
        lambda part, columns: read.append(part) or later.read_part(part, columns),
        later.batches, later.columns))
    fresh = webfakt_file(tmp_path / "b.csv", [ROWS[0].replace(";2;", ";3;")])
    assert check_file(fresh, open_workspace(target)).reasons == {}
    assert read == []  # nothing paired by the first 64 bits: no key read
    other = webfakt_file(tmp_path / "c.csv", [ROWS[1], ROWS[0].replace(";2;", ";3;")])
    assert check_file(other, open_workspace(target)).reasons == {"already_imported": 1}
    assert read == [0]


def _writer(target: str, name: str, rounds: int) -> None:
    ws = open_workspace(target)
    key = lambda d: d.get("number")  # noqa: E731
    for n in range(rounds):
        with ws.transaction() as tx:
            tx.insert("activities", {"by": name, "n": n})
            tx.upsert_by("customers", [{"number": str(n), "name": f"shared {n}"}], key)
            tx.insert_many("services", [{"batch": name, "row_key": f"{name}-{n}"}])


def test_concurrent_writers_in_separate_processes_lose_and_double_nothing(
        target: str) -> None:
    open_workspace(target)
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_writer, args=(target, f"w{i}", 15)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    data = content(target)
    assert sorted((d["by"], d["n"]) for d in data["activities"].values()) == sorted(
        (f"w{i}", n) for i in range(3) for n in range(15))
    assert len(data["activities"]) == 45  # ids never collided
    assert sorted(d["number"] for d in data["customers"].values()) == sorted(
        str(n) for n in range(15))  # upserts never doubled a customer
    assert len({d["row_key"] for d in data["services"].values()}) == 45


def _killed_mid_transaction(target: str, ready) -> None:  # type: ignore[no-untyped-def]
    ws = open_workspace(target)
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "half"})
        tx.insert_many("services", [{"batch": "x", "row_key": "half"}])
        tx.raw("activities")
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_writer_killed_mid_transaction_leaves_nothing_and_frees_the_lock(
        target: str) -> None:
    open_workspace(target)
    before = content(target)
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    proc = spawn.Process(target=_killed_mid_transaction, args=(target, ready))
    proc.start()
    proc.join(60)
    assert ready.is_set() and proc.exitcode == -signal.SIGKILL
    assert content(target) == before
    with open_workspace(target).transaction() as tx:  # the lock is free again
        assert tx.insert("customers", {"name": "next"}) == 1
