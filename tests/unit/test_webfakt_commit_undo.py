"""Commit, undo, re-import and rejects export of WEBFAKT service lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.webfakt import HEADER1, HEADER3, HEADER4, seeded_workspace

from mwtui.importers.webfakt import FileError, check_file, commit, export_rejects
from mwtui.workspace.batches import can_undo, find_batch, list_batches, undo_batch
from mwtui.workspace.errors import MwtuiError

ROWS1 = [
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen",
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;",
    "9999;12101;Homepagewartung;01;1;38,53;01.06.2026;0;Kunde fehlt",
    "",
    "43135;20001;Softwarewartung;01;1;0,00;01.06.2026;0;ohne Wert",
]


@pytest.fixture
def ws(tmp_path: Path):
    return seeded_workspace(tmp_path / "ws.json")


def write(path: Path, header: str, rows: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes((header + "\r\n" + "\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def services(ws) -> list[dict]:
    return [doc for _i, doc in ws.snapshot().items("services")]


def test_commit_writes_accepted_rows_as_one_batch(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f1.csv", HEADER1, ROWS1)
    result = check_file(path, ws)
    assert (result.accepted, result.rejected) == (2, 2)
    done = commit(ws, result, path)
    assert (done.committed, done.already_imported) == (2, 0)
    stored = services(ws)
    assert len(stored) == 2
    assert {d["batch"] for d in stored} == {done.batch_id}
    first = next(d for d in stored if d["source_line"] == 2)
    assert (first["customer_number"], first["customer_id"], first["amount"]) == ("001", 1,
                                                                                  "38.53")
    assert (first["cycle"], first["cycle_name"], first["format"]) == ("01", "monatlich", 1)
    assert first["source_file"] == "f1.csv" and len(first["row_key"]) == 64
    batch = next(d for _i, d in list_batches(ws.snapshot()) if d["batch_id"] == done.batch_id)
    assert batch["kind"] == "webfakt" and batch["status"] == "done"
    assert batch["counts"]["committed"] == 2 and batch["counts"]["rejected"] == 2


def test_commit_twice_adds_nothing_and_says_so(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f1.csv", HEADER1, ROWS1)
    commit(ws, check_file(path, ws), path)
    again = check_file(path, ws)
    assert again.accepted == 0
    assert again.reasons["already_imported"] == 2
    done = commit(ws, again, path)
    assert (done.batch_id, done.committed) == (None, 0)
    assert len(services(ws)) == 2


def test_rows_committed_meanwhile_are_skipped_inside_the_transaction(ws, tmp_path) -> None:
    path = write(tmp_path / "f1.csv", HEADER1, ROWS1)
    first = check_file(path, ws)
    second = check_file(path, ws)  # a second operator previewed the same file
    commit(ws, first, path)
    done = commit(ws, second, path)
    assert (done.committed, done.already_imported, done.batch_id) == (0, 2, None)
    assert len(services(ws)) == 2


def test_undo_removes_exactly_the_batch(ws, tmp_path: Path) -> None:
    one = write(tmp_path / "a.csv", HEADER1, ROWS1[:1])
    two = write(tmp_path / "b.csv", HEADER1, ROWS1[1:2])
    keep = commit(ws, check_file(one, ws), one)
    gone = commit(ws, check_file(two, ws), two)
    assert len(services(ws)) == 2
    undo = undo_batch(ws, gone.batch_id)
    assert undo.removed == {"services": 1}
    assert [d["batch"] for d in services(ws)] == [keep.batch_id]
    # after undo the rows can be committed again
    assert check_file(two, ws).accepted == 1


def test_undo_rules_are_asked_of_the_core(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", HEADER1, ROWS1[:1])
    batch_id = commit(ws, check_file(path, ws), path).batch_id
    record = find_batch(ws.snapshot().items, batch_id)[1]
    assert can_undo(record) is None
    assert "only WEBFAKT batches" in can_undo({"batch_id": "x", "kind": "sevdesk"})
    undo_batch(ws, batch_id)
    record = find_batch(ws.snapshot().items, batch_id)[1]
    assert can_undo(record) == f"Batch {batch_id} was already undone; nothing to do."
    with pytest.raises(MwtuiError, match="already undone"):
        undo_batch(ws, batch_id)


def test_file_changed_after_check_is_refused(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f1.csv", HEADER1, ROWS1)
    result = check_file(path, ws)
    write(path, HEADER1, [*ROWS1, "001;12101;Neu;01;1;5,00;;0;"])
    with pytest.raises(FileError, match="changed since it was checked"):
        commit(ws, result, path)
    assert services(ws) == []


def test_identical_rows_in_one_file_commit_once_each(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f4.csv", HEADER4,
                 ["43135;2013-04-19 00:00:00;;Karl;Softwarewartung;Wartung;0,25;29,38"] * 2)
    done = commit(ws, check_file(path, ws), path)
    assert done.committed == 2
    assert len({d["row_key"] for d in services(ws)}) == 2
    assert commit(ws, check_file(path, ws), path).committed == 0
    assert len(services(ws)) == 2


def test_export_fix_reimport_round_trip(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f1.csv", HEADER1, ROWS1)
    result = check_file(path, ws)
    commit(ws, result, path)
    out = tmp_path / "rejects.csv"
    assert export_rejects(result, out) == 2
    text = out.read_bytes().decode("cp1252")  # the file's own encoding
    lines = text.split("\r\n")
    assert lines[0] == HEADER1 + ";Grund"
    assert lines[1].startswith("9999;12101;Homepagewartung;01;1;38,53;01.06.2026;0;Kunde fehlt;")
    assert "Bei nicht vorhandener Kundennummer" in lines[1]
    # the operator fixes both rows and imports just those
    fixed = text.replace("9999;", "7104;").replace(";0,00;", ";10,00;")
    out.write_bytes(fixed.encode("cp1252"))
    again = check_file(out, ws)
    assert (again.format, again.has_reason_column) == (1, True)
    assert (again.accepted, again.rejected) == (2, 0)
    assert commit(ws, again, out).committed == 2
    assert len(services(ws)) == 4


def test_export_keeps_wrapped_header_and_utf8(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f3.csv", HEADER3.replace("\n", "\r\n"),
                 ["9999;12101;Größe;01;1;1,00;;0;;;"], encoding="utf-8")
    result = check_file(path, ws)
    out = tmp_path / "r3.csv"
    export_rejects(result, out)
    text = out.read_bytes().decode("utf-8")
    assert text.startswith(HEADER3.split("\n")[0] + "\r\nBestellnummer;Bemerkungen;Grund\r\n")
    assert check_file(out, ws).rejects[0].line == 3


@pytest.mark.parametrize("value", ["=1+2", "+49 30 1234", "-5", "@SUMME(A1)", "\tTab",
                                   "=HYPERLINK(\"http://x.invalid\")"])
def test_formula_escaping_round_trips(ws, tmp_path: Path, value: str) -> None:
    cell = '"' + value.replace('"', '""') + '"' if '"' in value else value
    path = write(tmp_path / "f.csv", HEADER1,
                 [f"9999;12101;Wartung;01;1;5,00;;0;{cell}"])
    result = check_file(path, ws)
    out = tmp_path / "r.csv"
    export_rejects(result, out)
    exported = out.read_bytes().decode("cp1252").split("\r\n")[1]
    assert "'" + value.split('"')[0] in exported  # escaped for spreadsheets
    fixed = out.read_bytes().replace(b"9999;", b"001;")
    out.write_bytes(fixed)
    again = check_file(out, ws)
    assert again.accepted == 1
    assert again.rows["remarks"][0] == value  # the ' is stripped again on import


def test_negative_amount_survives_export_round_trip(ws, tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", HEADER1, ["9999;12101;Gutschrift;00;1;-5,00;;0;"])
    out = tmp_path / "r.csv"
    export_rejects(check_file(path, ws), out)
    assert b";'-5,00;" in out.read_bytes()
    out.write_bytes(out.read_bytes().replace(b"9999;", b"001;"))
    assert check_file(out, ws).rows["amount"][0] == "-5.00"


def test_check_file_errors_are_file_errors(ws, tmp_path: Path) -> None:
    with pytest.raises(FileError):
        check_file(tmp_path / "missing.csv", ws)
    with pytest.raises(FileError):
        check_file(tmp_path, ws)
