"""The already-imported check: keys computed in the check, the committed keys as a polars
Series, repeated lines, hash collisions and both kinds of key index on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.webfakt import HEADER1, HEADER2, HEADER3, HEADER4, seeded_workspace

from mwtui.importers.webfakt import check as check_module
from mwtui.importers.webfakt import check_file, commit
from mwtui.importers.webfakt import committed as committed_module
from mwtui.importers.webfakt.committed import CommittedRows
from mwtui.importers.webfakt.keys import (
    KEY_COLUMNS,
    known_by_line,
    known_keys,
    row_keys,
    sha256_hex,
)
from mwtui.workspace.batches import undo_batch
from mwtui.workspace.errors import WorkspaceCorrupt
from mwtui.workspace.models import Customer
from mwtui.workspace.partitions import OWNERS_KEY
from mwtui.workspace.store import Workspace
from mwtui.workspace.tables import KeyIndex

ROW = "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen"
OTHER = "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;"


@pytest.fixture
def ws(tmp_path: Path):
    return seeded_workspace(tmp_path / "ws.json")


def write(path: Path, rows: list[str]) -> Path:
    path.write_bytes((HEADER1 + "\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def outcome(result) -> list[tuple[int, str, str | None]]:
    frame = result.table.select("line", "status", "reason")
    return [(line, str(status), reason and str(reason)) for line, status, reason
            in frame.iter_rows()]


def keys_only(ws) -> Workspace:
    """``ws`` as a workspace of an earlier version has it: key indexes without key texts,
    so a check has to hash its rows and compare keys."""
    for index in (ws.path / "services").glob("*.keys"):
        pl.read_parquet(index).drop("text").write_parquet(index)
    return Workspace(ws.path)


INDEXES = {"texts": lambda ws: Workspace(ws.path), "keys only": keys_only}


@pytest.mark.parametrize("index", INDEXES)
def test_a_committed_line_repeated_in_the_file_is_rejected_once(ws, tmp_path, index) -> None:
    commit(ws, check_file(write(tmp_path / "one.csv", [ROW]), ws), tmp_path / "one.csv")
    result = check_file(write(tmp_path / "again.csv", [ROW, OTHER, ROW]), INDEXES[index](ws))
    assert outcome(result) == [(2, "rejected", "already_imported"), (3, "accepted", None),
                               (4, "accepted", None)]  # the repeat is new: one was committed
    assert "Gleiche Leistung wie Zeile 2" in str(result.table.get_column("warning")[2])


@pytest.mark.parametrize("index", INDEXES)
def test_lines_committed_twice_are_both_already_imported(ws, tmp_path, index) -> None:
    path = write(tmp_path / "two.csv", [ROW, ROW])
    assert commit(ws, check_file(path, ws), path).committed == 2
    ws = INDEXES[index](ws)
    result = check_file(write(tmp_path / "three.csv", [ROW, ROW, ROW]), ws)
    assert outcome(result) == [(2, "rejected", "already_imported"),
                               (3, "rejected", "already_imported"), (4, "accepted", None)]
    assert commit(ws, result, tmp_path / "three.csv").committed == 1
    assert check_file(tmp_path / "three.csv", ws).reasons == {"already_imported": 3}


def test_the_key_index_keeps_the_text_of_each_stored_key(ws, tmp_path) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER, ROW])
    commit(ws, check_file(path, ws), path)
    stored = {d["row_key"] for _i, d in ws.snapshot().items("services")}
    assert all("_key_text" not in d for _i, d in ws.snapshot().items("services"))
    index = pl.read_parquet(next((ws.path / "services").glob("*.keys")))
    assert set(index.get_column("key")) == stored
    for key, text in index.select("key", "text").iter_rows():
        assert hashlib.sha256(text.encode()).hexdigest() == key


def test_without_key_texts_the_check_keys_rows_as_the_commit_stores_them(ws, tmp_path
                                                                        ) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER, ROW])
    commit(ws, check_file(path, ws), path)
    stored = {d["source_line"]: d["row_key"] for _i, d in ws.snapshot().items("services")}
    checked = check_file(path, keys_only(ws)).table.select("line", "row_key").rows()
    assert dict(checked) == stored


def test_the_row_key_definition_is_unchanged() -> None:
    """Committed workspaces hold these keys: the same row must give the same key."""
    row = dict.fromkeys(KEY_COLUMNS, "")
    row.update(customer_number="001", service="Wartung für Büro", cycle="01", amount="38.53",
               quantity="2", discount="5", remarks="a\nb", next_invoice="2004-05-22")
    frame = pl.DataFrame([row]).with_columns(pl.lit(1, dtype=pl.UInt32).alias("occurrence"))
    text = "wf1\x1e" + "\x1f".join([*(row[c] for c in KEY_COLUMNS), "1"])
    assert row_keys(frame).to_list() == [hashlib.sha256(text.encode()).hexdigest()]


def test_only_equal_keys_are_known() -> None:
    committed = pl.Series(["aa", "bb", "cc"])
    keys = pl.Series(["bb", "new", None, "cc", "also new"])
    assert known_keys(keys, committed).to_list() == [True, False, False, True, False]


def test_key_indexes_are_parquet_and_old_text_ones_still_count(ws, tmp_path) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER])
    commit(ws, check_file(path, ws), path)
    index = next((ws.path / "services").glob("*.keys"))
    assert index.read_bytes()[:4] == b"PAR1"
    stored = pl.read_parquet(index)
    text = "".join(f"{k}\t{o}\n" for k, o in stored.select("key", "owner").iter_rows())
    index.write_text(text, encoding="utf-8")  # as a workspace of an older version has it
    keys, owners = Workspace(ws.path).snapshot().committed_keys()
    assert keys.dtype == pl.String and set(keys) == set(stored.get_column("key"))
    assert owners == {"001", "7104"}
    assert check_file(path, Workspace(ws.path)).reasons == {"already_imported": 2}


def test_old_and_new_key_indexes_side_by_side(ws, tmp_path) -> None:
    first = write(tmp_path / "first.csv", [ROW])
    commit(ws, check_file(first, ws), first)
    index = next((ws.path / "services").glob("*.keys"))
    old = pl.read_parquet(index).select("key", "owner")
    index.write_text("".join(f"{k}\t{o}\n" for k, o in old.iter_rows()), encoding="utf-8")
    both = write(tmp_path / "both.csv", [ROW, OTHER])
    commit(ws, check_file(both, Workspace(ws.path)), both)  # a new index, with texts
    snap = Workspace(ws.path).snapshot()
    assert not snap.key_index().texts  # one index has none: keys are compared
    assert len(snap.committed_keys()[0]) == 2
    assert check_file(both, Workspace(ws.path)).reasons == {"already_imported": 2}


FORMATS = {  # header, two rows, the first row changed in one field
    1: (HEADER1, [ROW, OTHER], ROW.replace(";2;", ";3;")),
    2: (HEADER2, ["001;Hosting;1 Monat;10,00;11,90", "7104;Domain;;5,00;"],
        "001;Hosting;2 Monate;10,00;11,90"),
    3: (HEADER3.replace("\n", "\r\n"), ["001;12101;;01;1;;;0;V-1;B-1;Notiz",
                                        "7104;17104;Wartung;12;2;43,36;01.06.2004;5;;;"],
        "001;12101;;01;1;;;0;V-1;B-2;Notiz"),
    4: (HEADER4, ["43135;2013-04-19 00:00:00;;Karl;Softwarewartung;Wartung;0,25;29,38",
                  "001;19.04.2013;;Eva;Homepagewartung;;1;"],
        "43135;2013-04-19 00:00:00;;Karla;Softwarewartung;Wartung;0,25;29,38"),
}


def write_format(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes((header + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


@pytest.mark.parametrize("index", INDEXES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_already_imported_after_its_commit(ws, tmp_path, fmt, index) -> None:
    header, rows, changed = FORMATS[fmt]
    path = write_format(tmp_path / f"f{fmt}.csv", header, rows)
    first = check_file(path, ws)
    assert (first.format, first.accepted) == (fmt, 2)
    commit(ws, first, path)
    ws = INDEXES[index](ws)
    assert check_file(path, ws).reasons == {"already_imported": 2}
    other = write_format(tmp_path / "changed.csv", header, [changed, rows[1]])
    assert outcome(check_file(other, ws))[0][1] == "accepted"  # one field differs: new
    assert check_file(other, ws).reasons == {"already_imported": 1}


def test_the_key_index_gives_owners_at_once_and_the_rest_as_asked(ws, tmp_path) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER])
    commit(ws, check_file(path, ws), path)
    index = Workspace(ws.path).snapshot().key_index()
    assert (index.owners, index.texts) == ({"001", "7104"}, True)
    keys = Workspace(ws.path).snapshot().committed_keys()[0]
    loaded = index.load()  # the keys' first 64 bits, their file and line, no text
    assert loaded.get_column("fp").to_list() == [int(k[:16], 16) for k in keys]
    assert loaded.get_column("line").to_list() == [2, 3]
    texts = index.read_part(0, ["text"]).get_column("text")
    assert sha256_hex(texts).to_list() == keys.to_list()
    old = keys_only(ws).snapshot().key_index()  # an index without texts: keys only
    assert (old.owners, old.texts) == ({"001", "7104"}, False)
    assert old.read_part(0, ["key"]).get_column("key").to_list() == keys.to_list()


def test_the_owners_come_from_the_footer_or_else_from_the_column(ws, tmp_path,
                                                                  monkeypatch) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER])
    commit(ws, check_file(path, ws), path)
    index = next((ws.path / "services").glob("*.keys"))
    assert json.loads(pl.read_parquet_metadata(index)[OWNERS_KEY]) == ["001", "7104"]
    scans = []
    monkeypatch.setattr(pl, "scan_parquet", lambda *a, **k: scans.append(a) or scan(*a, **k))
    assert Workspace(ws.path).snapshot().key_index().owners == {"001", "7104"}
    assert scans == []  # no column read for them
    pl.read_parquet(index).write_parquet(index)  # as an index written before: no list
    assert Workspace(ws.path).snapshot().key_index().owners == {"001", "7104"}
    assert len(scans) == 1


scan = pl.scan_parquet


@pytest.mark.parametrize(("where", "again"), [(-8, True), (400, True), (600, False)])
def test_a_damaged_key_index_stops_the_check_with_its_name_and_stays(ws, tmp_path, where,
                                                                     again) -> None:
    """Damaged where a check reads: the footer (first), the texts (a re-check of the same
    file) or the first 64 bits of the keys (a check of another file)."""
    path = write(tmp_path / "f.csv", [ROW, OTHER])
    commit(ws, check_file(path, ws), path)
    index = next((ws.path / "services").glob("*.keys"))
    raw = index.read_bytes()
    at = where % len(raw)
    damaged = raw[:at] + b"\0" * 50 + raw[at + 50:]
    index.write_bytes(damaged)
    checked = path if again else write(tmp_path / "g.csv", [OTHER, ROW])
    with pytest.raises(WorkspaceCorrupt, match=index.name):
        check_file(checked, Workspace(ws.path))
    assert index.read_bytes() == damaged


def _naive_by_line(lines, keys, committed) -> list[bool]:
    stored: dict[int, set[str]] = {}
    for line, key in committed.iter_rows():
        stored.setdefault(line, set()).add(key)
    return [key is not None and key in stored.get(line, set())
            for line, key in zip(lines, keys, strict=True)]


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["a", "b", None])), max_size=12),
       st.lists(st.tuples(st.integers(1, 14), st.sampled_from(["a", "b"])), max_size=12),
       st.booleans())
def test_pairing_by_line_equals_a_look_up_per_line(rows, extra, in_order) -> None:
    lines = pl.Series([i + 2 for i in range(len(rows))], dtype=pl.UInt32)
    keys = pl.Series([k for _c, k in rows], dtype=pl.String)
    committed = [(i + 2, k) for i, (c, k) in enumerate(rows) if c and k is not None]
    committed += [] if in_order else extra  # other lines, repeats, keys that differ
    frame = pl.DataFrame(committed or None, schema={"line": pl.UInt32, "key": pl.String},
                         orient="row")
    assert known_by_line(lines, keys, frame).to_list() == _naive_by_line(lines, keys, frame)


def _without_pairing(monkeypatch) -> None:
    monkeypatch.setattr(check_module, "known_by_line",
                        lambda lines, keys, committed: pl.repeat(False, len(keys), eager=True))


def test_a_recheck_pairs_by_line_exactly_as_the_look_up_decides(ws, tmp_path,
                                                                 monkeypatch) -> None:
    unknown = "9999;12101;Homepagewartung;01;2;38,53;22.05.2004;5;"
    path = write(tmp_path / "f.csv", [ROW, unknown, OTHER, ROW])
    commit(ws, check_file(path, ws), path)  # lines 2, 4 and 5; 3 is rejected
    with ws.transaction() as tx:  # the unknown customer is added now
        tx.insert("customers", Customer(name="Neu", number="9999").to_record())
    assert outcome(check_file(path, Workspace(ws.path)))[1] == (3, "accepted", None)
    other = write(tmp_path / "other.csv", [OTHER.replace(";0;", ";7;"), unknown])
    commit(ws, check_file(other, ws), other)  # line 3's row, from another file
    paired = check_file(path, Workspace(ws.path))
    assert paired.reasons == {"already_imported": 4}
    _without_pairing(monkeypatch)
    assert outcome(check_file(path, Workspace(ws.path))) == outcome(paired)


def test_after_an_undo_nothing_is_paired(ws, tmp_path) -> None:
    path = write(tmp_path / "f.csv", [ROW, OTHER])
    batch = commit(ws, check_file(path, ws), path).batch_id
    assert batch is not None
    undo_batch(ws, batch)
    assert check_file(path, Workspace(ws.path)).reasons == {}


def test_keys_sharing_their_first_64_bits_are_still_told_apart() -> None:
    stored = ["a" * 16 + "1" * 48, "b" * 16 + "2" * 48, "not-hex", "c" * 64]
    rows = CommittedRows(KeyIndex.of(pl.Series(stored), frozenset()), {})
    asked = pl.Series(["a" * 16 + "3" * 48, "b" * 16 + "2" * 48, "not-hex", "other", None])
    assert rows.known_keys(asked).to_list() == [False, True, True, False, False]
    assert rows.known_keys(pl.Series(["not-hex", "d" * 64])).to_list() == [True, False]


@pytest.mark.parametrize("hashed_rows", [0, 10_000])  # every text compared / all hashed
def test_looking_up_hashed_or_as_texts_decides_alike(ws, tmp_path, monkeypatch,
                                                      hashed_rows) -> None:
    monkeypatch.setattr(committed_module, "HASHED_ROWS", hashed_rows)
    first = write(tmp_path / "a.csv", [ROW, OTHER])
    commit(ws, check_file(first, ws), first)
    second = write(tmp_path / "b.csv", [ROW.replace(";2;", ";4;")])
    commit(ws, check_file(second, ws), second)
    mixed = write(tmp_path / "c.csv", [OTHER, ROW.replace(";2;", ";5;"), ROW.replace(";2;", ";4;")])
    assert outcome(check_file(mixed, Workspace(ws.path))) == [
        (2, "rejected", "already_imported"), (3, "accepted", None),
        (4, "rejected", "already_imported")]


def test_a_new_file_reads_the_keys_only_of_index_files_it_pairs_with(ws, tmp_path,
                                                                      monkeypatch) -> None:
    for name, row in (("a.csv", ROW), ("b.csv", OTHER)):
        path = write(tmp_path / name, [row])
        commit(ws, check_file(path, ws), path)
    read: list[tuple[str, list[str]]] = []
    snapshot_index = Workspace.snapshot

    def recording(self):
        snap = snapshot_index(self)
        index = snap.key_index()

        def read_part(part, columns):
            read.append((part, columns))
            return index.read_part(part, columns)
        snap.key_index = lambda: KeyIndex(index.owners, index.texts, index.load, read_part)
        return snap
    monkeypatch.setattr(Workspace, "snapshot", recording)
    fresh = write(tmp_path / "c.csv", [ROW.replace(";2;", ";9;"), OTHER.replace(";0;", ";3;")])
    assert check_file(fresh, Workspace(ws.path)).reasons == {}
    assert read == []  # no first 64 bits in common: no key read at all
    again = write(tmp_path / "d.csv", [OTHER, ROW.replace(";2;", ";9;")])
    assert check_file(again, Workspace(ws.path)).reasons == {"already_imported": 1}
    assert read == [(1, ["key"])]  # only b.csv's index
