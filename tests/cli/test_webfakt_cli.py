"""``mwtui webfakt check|commit``, ``mwtui articles import``, ``mwtui customers import``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.importers.webfakt.catalogue import demo_file


@pytest.fixture
def loaded(capsys) -> None:
    assert main(["customers", "import", str(demo_file("customers.csv"))]) == 0
    assert main(["articles", "import", str(demo_file("articles.csv"))]) == 0
    capsys.readouterr()


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_check_json_keys_and_exit_zero_with_rejects(loaded, capsys) -> None:
    code, data = run_json(capsys, "webfakt", "check", str(demo_file("webfakt_format1.csv")))
    assert code == 0
    assert (data["format"], data["encoding"]) == (1, "cp1252")
    assert data["rows"] == data["accepted"] + data["rejected"]
    assert data["rejected"] > 0 and sum(data["reasons"].values()) == data["rejected"]
    assert set(data["rejects"][0]) == {"line", "column", "value", "reason", "message"}
    assert {"filled_from_catalogue", "warnings"} <= set(data)


def test_check_text_lists_rejects(loaded, capsys) -> None:
    assert main(["webfakt", "check", str(demo_file("webfakt_format1.csv"))]) == 0
    out = capsys.readouterr().out
    assert "format 1, encoding cp1252" in out
    assert "unknown_customer" in out and "'9999'" in out


def test_commit_then_commit_again(loaded, capsys, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    code, data = run_json(capsys, "webfakt", "commit", str(demo_file("webfakt_format4.csv")),
                          "--rejects-out", str(rejects))
    assert code == 0 and data["batch"] and data["committed"] == data["accepted"] > 0
    assert rejects.exists()
    code, again = run_json(capsys, "webfakt", "commit", str(demo_file("webfakt_format4.csv")))
    assert (code, again["batch"], again["committed"]) == (0, None, 0)
    assert again["reasons"]["already_imported"] == data["committed"]
    assert main(["webfakt", "commit", str(demo_file("webfakt_format4.csv"))]) == 0
    assert "already imported" in capsys.readouterr().out
    assert main(["undo", data["batch"]]) == 0


def test_file_level_error_exits_one(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Name;Betrag\nx;1\n")
    assert main(["webfakt", "check", str(bad)]) == 1
    assert "format 1" in capsys.readouterr().err


def test_missing_file_is_a_usage_error(capsys, tmp_path: Path) -> None:
    assert main(["webfakt", "check", str(tmp_path / "nope.csv")]) == 2


def test_catalogue_imports_json(capsys) -> None:
    code, data = run_json(capsys, "customers", "import", str(demo_file("customers.csv")))
    assert code == 0 and data["created"] >= 5 and data["batch"]
    assert {r["reason"] for r in data["rejects"]} == {"missing_number", "bad_email"}
    code, data = run_json(capsys, "customers", "import", str(demo_file("customers.csv")))
    assert (data["created"], data["updated"]) == (0, 0)
    code, data = run_json(capsys, "articles", "import", str(demo_file("articles.csv")))
    assert code == 0 and data["reasons"] == {"bad_price": 1}


@pytest.mark.parametrize("argv", [["webfakt"], ["webfakt", "check"], ["webfakt", "commit"],
                                  ["articles", "import"], ["customers", "import"]])
def test_help_everywhere(argv, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    assert "usage:" in capsys.readouterr().out


SAMPLES = ["webfakt_format1.csv", "webfakt_format2.csv", "webfakt_format3.csv",
           "webfakt_format4.csv"]


@pytest.mark.parametrize("name", SAMPLES)
def test_check_json_streams_the_same_bytes_in_every_language(loaded, capsys, tmp_path: Path,
                                                             name: str) -> None:
    from mwtui.importers.webfakt import check_file
    from mwtui.workspace.store import Workspace

    path = str(demo_file(name))
    out = tmp_path / "rejects.csv"
    outputs = []
    for lang in ("en", "de"):
        assert main(["--lang", lang, "webfakt", "check", path, "--json",
                     "--rejects-out", str(out)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    result = check_file(Path(path), Workspace.open(Path(os.environ["MWTUI_DB"])))
    expected = {**result.to_json(), "rejects_out": str(out), "exported": result.rejected}
    assert outputs[0] == json.dumps(expected, ensure_ascii=False) + "\n"
    assert result.rejected > 0


@pytest.mark.parametrize("chunk", [1, 2, 100_000])
def test_streamed_json_escapes_like_json_dumps(monkeypatch, chunk: int) -> None:
    from support.webfakt import HEADER1, check

    from mwtui.importers.webfakt import result as result_module

    monkeypatch.setattr(result_module, "_JSON_CHUNK", chunk)
    text = HEADER1 + '\n9999;1;"a;""b\\";01;1;1,00;;0;x\x01\x1f\u2028ä€😀\n1;2\n3\n'
    result = check(text)
    streamed = "".join(result.iter_json({"exported": 2}))
    assert streamed == json.dumps({**result.to_json(), "exported": 2}, ensure_ascii=False)
    assert json.loads(streamed)["rejects"][1]["reason"] == "field_count"


def test_check_text_and_help_in_german(loaded, capsys) -> None:
    assert main(["--lang", "de", "webfakt", "check", str(demo_file("webfakt_format1.csv"))]) == 0
    out = capsys.readouterr().out
    assert "Format 1, Zeichensatz cp1252" in out and "Abgelehnt nach Grund:" in out
    assert "Kunde unbekannt: Bei nicht vorhandener Kundennummer" in out
    with pytest.raises(SystemExit):
        main(["--lang", "de", "webfakt", "check", "--help"])
    text = capsys.readouterr().out
    assert "DATEI" in text and "Writes nothing" not in text and "Schreibt nichts" in text
    with pytest.raises(SystemExit):
        main(["--lang", "de", "customers", "import", "--help"])
    assert "Kunden aus DATEI nach Nummer anlegen" in capsys.readouterr().out
