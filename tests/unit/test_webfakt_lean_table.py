"""The check keeps a lean table; the normalised fields are computed again where needed (by
the same ``RowCheck`` query with every field). Both must agree exactly, or the preview would
show and the commit write something other than what the check decided."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from support.webfakt import fields_at

from mwtui.importers import webfakt
from mwtui.importers.webfakt.catalogue import demo_file, load_demo_catalogue
from mwtui.importers.webfakt.rules import RowCheck
from mwtui.workspace.store import Workspace


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.setenv("MWTUI_DB", str(tmp_path / "ws.json"))
    monkeypatch.setenv("MWTUI_CONFIG", str(tmp_path / "config.toml"))
    ws = Workspace.open(tmp_path / "ws.json")
    load_demo_catalogue(ws)
    return ws


@pytest.mark.parametrize("name", [f"webfakt_format{n}.csv" for n in (1, 2, 3, 4)])
def test_lean_table_matches_the_full_normalisation(workspace: Workspace, name: str) -> None:
    result = webfakt.check_file(demo_file(name), workspace)
    assert "amount" not in result.table.columns  # the check keeps no normalised fields
    full = RowCheck(result.format, result.lookups,
                    allow_extra=result.has_reason_column).run(result.table, full=True)
    outcome = ["line", "status", "reason", "column", "value", "message", "from_catalogue"]
    lean = result.table.select(outcome).with_columns(pl.col(c).cast(pl.String) for c in
                                                     ("status", "reason", "column", "value",
                                                      "message"))
    want = full.select(outcome).with_columns(pl.col(c).cast(pl.String) for c in
                                             ("status", "reason", "column", "value",
                                              "message"))
    assert_frame_equal(lean, want)


def test_fields_of_any_rows_equal_the_whole_file(workspace: Workspace) -> None:
    result = webfakt.check_file(demo_file("webfakt_format1.csv"), workspace)
    rows = result.rows
    assert rows.columns[:9] == list(webfakt.OUTCOME_COLUMNS[:9])
    for index in (0, rows.height // 2, rows.height - 1):
        assert fields_at(result, index) == rows.row(index, named=True)
    picked = result.table.gather([rows.height - 1, 0])  # any order, any subset
    assert_frame_equal(result.with_fields(picked),
                       rows.gather([rows.height - 1, 0]), categorical_as_str=True)


def test_commit_writes_the_fields_the_preview_shows(workspace: Workspace) -> None:
    path = demo_file("webfakt_format3.csv")
    result = webfakt.check_file(path, workspace)
    shown = result.with_fields(result.accepted_rows())
    webfakt.commit(workspace, result, path)
    stored = sorted(workspace.snapshot().raw("services").values(),
                    key=lambda d: d["source_line"])
    assert [d["source_line"] for d in stored] == shown.get_column("line").to_list()
    assert [d["amount"] for d in stored] == shown.get_column("amount").to_list()
    assert [d["service"] for d in stored] == shown.get_column("service").cast(str).to_list()
