"""A WEBFAKT commit larger than one slice: several partitions of one batch, one manifest
swap; undo drops them all; a failure between slices leaves nothing."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from support.store import folder_files, orphans
from support.webfakt import HEADER1, HEADER3, seeded_workspace

from mwtui.importers.webfakt import check_file, commit
from mwtui.workspace import layout
from mwtui.workspace.batches import find_batch, undo_batch
from mwtui.workspace.errors import StoreError
from mwtui.workspace.transaction import Transaction

commit_module = importlib.import_module("mwtui.importers.webfakt.commit")

ROWS1 = [
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;erste",
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;",
    "9999;12101;Homepagewartung;01;1;38,53;01.06.2026;0;Kunde fehlt",
    "80220;;Eigene Leistung;06;1,5;1.200,00;;10;mit <br> Umbruch",
    "43135;20001;Softwarewartung;01;1;0,00;01.06.2026;0;ohne Wert",
    "1200;20002;Addons;00;3;19,90;;0;",
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;erste",
]
ROWS3 = ["001;12101;;01;1;;01.06.2026;0;V-1;B-1;", "7104;;Frei;12;2;5,00;;0;;;text"]


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes((header + "\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def stored(ws) -> list[dict]:
    """The committed services in id order, without their batch id."""
    return [{k: v for k, v in doc.items() if k != "batch"}
            for _i, doc in ws.snapshot().items("services")]


@pytest.mark.parametrize(("header", "rows"), [(HEADER1, ROWS1), (HEADER3, ROWS3)])
def test_sliced_commit_stores_what_one_slice_stores(tmp_path: Path, monkeypatch,
                                                    header: str, rows: list[str]) -> None:
    path = write(tmp_path / "f.csv", header, rows)
    whole = seeded_workspace(tmp_path / "whole.json")
    commit(whole, check_file(path, whole), path)
    assert len(layout.read_manifest(whole.path).partitions) == 1
    monkeypatch.setattr(commit_module, "_SLICE_ROWS", 1)
    sliced = seeded_workspace(tmp_path / "sliced.json")
    done = commit(sliced, check_file(path, sliced), path)
    assert stored(sliced) == stored(whole) != []
    parts = layout.read_manifest(sliced.path).partitions
    assert len(parts) == done.committed > 1  # a partition per slice with an accepted row
    assert {p["batch"] for p in parts} == {done.batch_id}
    assert all(p.get("keys") for p in parts)
    frame = sliced.snapshot().services_frame(done.batch_id)
    assert frame.height == done.committed == len(stored(whole))
    assert sorted(sliced.snapshot().committed_keys()[0]) == sorted(
        whole.snapshot().committed_keys()[0])


def test_undo_of_a_sliced_batch_drops_every_partition(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(commit_module, "_SLICE_ROWS", 2)
    ws = seeded_workspace(tmp_path / "ws.json")
    keep_path = write(tmp_path / "keep.csv", HEADER3, ROWS3)
    keep = commit(ws, check_file(keep_path, ws), keep_path)
    path = write(tmp_path / "f.csv", HEADER1, ROWS1)
    done = commit(ws, check_file(path, ws), path)
    assert sum(p["batch"] == done.batch_id
               for p in layout.read_manifest(ws.path).partitions) == 4
    undo = undo_batch(ws, done.batch_id)
    assert undo.removed == {"services": done.committed}
    assert {p["batch"] for p in layout.read_manifest(ws.path).partitions} == {keep.batch_id}
    assert [d["batch"] for _i, d in ws.snapshot().items("services")] == [keep.batch_id] * 2
    assert check_file(path, ws).accepted == done.committed  # can be committed again


def test_rows_committed_meanwhile_are_skipped_in_every_slice(tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.setattr(commit_module, "_SLICE_ROWS", 2)
    ws = seeded_workspace(tmp_path / "ws.json")
    path = write(tmp_path / "f.csv", HEADER1, ROWS1)
    stale = check_file(path, ws)  # checked before the two rows below were committed
    part = write(tmp_path / "part.csv", HEADER1, [ROWS1[1], ROWS1[5]])  # slices 1 and 3
    assert commit(ws, check_file(part, ws), part).committed == 2
    done = commit(ws, stale, path)
    assert (done.committed, done.already_imported) == (stale.accepted - 2, 2)
    lines = sorted(d["source_line"] for d in stored(ws) if d["source_file"] == "f.csv")
    assert lines == [2, 5, 8]  # the three rows not committed meanwhile, each once
    assert len(stored(ws)) == stale.accepted


def test_a_failure_between_slices_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(commit_module, "_SLICE_ROWS", 2)
    ws = seeded_workspace(tmp_path / "ws.json")
    before = folder_files(ws)
    calls: list[int] = []
    real = Transaction.insert_frame

    def fail_on_third(self, table, frame, batch):
        calls.append(frame.height)
        if len(calls) == 3:
            raise StoreError("disk full")
        return real(self, table, frame, batch)

    monkeypatch.setattr(Transaction, "insert_frame", fail_on_third)
    path = write(tmp_path / "f.csv", HEADER1, ROWS1)
    result = check_file(path, ws)
    with pytest.raises(StoreError, match="disk full"):
        commit(ws, result, path)
    assert len(calls) == 3  # two partitions had been written
    assert folder_files(ws) == before  # and were deleted again; the manifest is unchanged
    assert stored(ws) == [] and not orphans(ws)
    monkeypatch.setattr(Transaction, "insert_frame", real)
    done = commit(ws, result, path)
    assert find_batch(ws.snapshot().items, done.batch_id) is not None
    assert len(stored(ws)) == done.committed == result.accepted
