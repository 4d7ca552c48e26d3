"""The CLI: help everywhere, stable JSON, exit codes, one-sentence errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from mwtui.cli import build_parser, main
from mwtui.workspace.store import Workspace


def _subcommand_paths(parser: argparse.ArgumentParser, prefix=()) -> list[tuple[str, ...]]:
    paths = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.append((*prefix, name))
                paths.extend(_subcommand_paths(sub, (*prefix, name)))
    return paths


@pytest.mark.parametrize("path", [(), *_subcommand_paths(build_parser())])
def test_every_command_has_help(path: tuple[str, ...], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    assert "usage: mwtui" in capsys.readouterr().out


def test_usage_error_exits_2_with_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["list", "nonsense"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_list_json_keys_are_stable(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ws.json"
    ws = Workspace.open(db)
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "Meier [/bold] GmbH", "number": "7",
                                "sources": [{"integration": "bexio", "external_id": "4"}]})
        tx.insert("activities", {"number": "AB-1118", "title": "T", "source": "sevdesk",
                                 "external_id": "9", "customer_id": 1, "type_id": 1,
                                 "attachments": [{"name": "a.pdf", "path": "/x/a.pdf",
                                                  "size": 3, "sha256": "ab"}]})
    assert main(["--db", str(db), "list", "customers", "--json"]) == 0
    customers = json.loads(capsys.readouterr().out)
    assert customers == [{"id": 1, "number": "7", "name": "Meier [/bold] GmbH", "street": "",
                          "zip": "", "city": "", "country": "", "email": "", "phone": "",
                          "sources": [{"integration": "bexio", "external_id": "4"}]}]
    assert main(["--db", str(db), "list", "activities", "--json"]) == 0
    (activity,) = json.loads(capsys.readouterr().out)
    for key in ("id", "number", "title", "source", "external_id", "customer_id", "type_id"):
        assert key in activity
    assert activity["attachments"] == [{"name": "a.pdf", "path": "/x/a.pdf", "size": 3,
                                        "sha256": "ab", "remote_name": ""}]
    for kind in ("services", "articles", "batches"):
        assert main(["--db", str(db), "list", kind, "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []


def test_corrupt_workspace_is_one_sentence_exit_1(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ws.json"
    db.write_text("{broken")
    assert main(["--db", str(db), "list", "customers"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(db) in err and "Traceback" not in err


def test_undo_unknown_batch_fails_clearly(tmp_path: Path, capsys) -> None:
    assert main(["--db", str(tmp_path / "ws.json"), "undo", "nope"]) == 1
    assert "mwtui batches" in capsys.readouterr().err
