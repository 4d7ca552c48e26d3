"""The CLI in the operator's language: --help (argparse's own words too) and the human
output of list/batches/undo in German under a German locale; --json the same bytes in
every language. And the demo workspace: named (kept) or temporary (removed)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mwtui.cli import main
from mwtui.demo.workspace import demo_data_dir, populate
from mwtui.workspace.config import Config
from mwtui.workspace.store import Workspace


@pytest.fixture
def locale_env(monkeypatch: pytest.MonkeyPatch):
    def use(lang: str) -> None:
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", lang)
    return use


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    populate(Workspace.open(path))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", [(), ("list",), ("batches",), ("undo",)])
def test_help_is_german_under_a_german_locale(path, locale_env, capsys) -> None:
    locale_env("de_DE.UTF-8")
    code, out, _err = run(capsys, *path, "--help")
    assert code == 0
    assert out.startswith("Aufruf: mwtui")
    assert "Optionen:" in out and "diese Hilfe anzeigen und beenden" in out
    for english in ("usage:", "options:", "show this help message", "print workspace"):
        assert english not in out


def test_top_level_help_names_the_language_choice(locale_env, capsys) -> None:
    locale_env("de_CH.UTF-8")
    _code, out, _err = run(capsys, "--help")
    assert "Sprache der Oberfläche" in out and "Datensätze des Arbeitsbereichs" in out
    locale_env("de_DE.UTF-8")
    _code, out, _err = run(capsys, "--lang", "en", "--help")  # --lang beats the locale
    assert out.startswith("usage: mwtui") and "options:" in out


def test_usage_errors_are_german(locale_env, capsys) -> None:
    locale_env("de_AT.UTF-8")
    code, _out, err = run(capsys, "list", "nonsense")
    assert code == 2 and "ungültige Auswahl: 'nonsense'" in err and "Aufruf:" in err


def test_human_output_uses_german_words_and_formats(demo_db, locale_env, capsys) -> None:
    locale_env("de_DE.UTF-8")
    _code, out, _err = run(capsys, "--db", str(demo_db), "list", "articles")
    head, *rows = out.splitlines()
    assert head.split("\t") == ["Nummer", "Name", "Preis"]
    assert rows and all(re.fullmatch(r"-?[\d.]+,\d\d", row.split("\t")[2]) for row in rows)
    _code, out, _err = run(capsys, "--db", str(demo_db), "batches")
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", out) and "Zeilen" in out
    sample = demo_data_dir() / "webfakt_format1.csv"
    assert main(["--db", str(demo_db), "webfakt", "commit", str(sample), "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)["batch"]
    _code, out, _err = run(capsys, "--db", str(demo_db), "undo", batch)
    assert out.startswith(f"Importlauf {batch} rückgängig gemacht:")
    _code, out, _err = run(capsys, "--db", str(demo_db), "batches")
    assert "rückgängig gemacht" in out


def write_config(text: str) -> None:
    path = Config.load().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def english_prices_and_batches(capsys, demo_db: Path) -> tuple[dict[str, str], str]:
    """``list articles`` as {number: price} and ``batches`` as text, asserting English words."""
    _code, out, _err = run(capsys, "--db", str(demo_db), "list", "articles")
    head, *rows = out.splitlines()
    assert head.split("\t") == ["Number", "Name", "Price"]
    prices = {row.split("\t")[0]: row.split("\t")[2] for row in rows}
    _code, batches, _err = run(capsys, "--db", str(demo_db), "batches")
    assert "rows" in batches and "Zeilen" not in batches
    return prices, batches


def test_english_output_uses_german_formats(demo_db, locale_env, capsys) -> None:
    locale_env("en_US.UTF-8")
    prices, batches = english_prices_and_batches(capsys, demo_db)
    assert (prices["40001"], prices["12101"]) == ("1.250,00", "38,53")
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", batches)
    locale_env("en_CH.UTF-8")  # English text, Swiss formats
    prices, batches = english_prices_and_batches(capsys, demo_db)
    assert (prices["40001"], prices["12101"]) == ("1'250.00", "38.53")
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", batches)


def test_config_locale_gives_british_formats(demo_db, locale_env, capsys) -> None:
    write_config('locale = "en_GB"\n')
    locale_env("en_CH.UTF-8")
    prices, batches = english_prices_and_batches(capsys, demo_db)
    assert (prices["40001"], prices["12101"]) == ("1,250.00", "38.53")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", batches)


@pytest.mark.parametrize("kind", ["customers", "activities", "services", "articles",
                                  "batches"])
def test_json_is_the_same_bytes_in_german_and_english(kind, demo_db, locale_env,
                                                      capsys) -> None:
    outputs = []
    for lang in ("de_DE.UTF-8", "en_US.UTF-8", "de_CH.UTF-8", "en_CH.UTF-8"):
        locale_env(lang)
        code, out, _err = run(capsys, "--db", str(demo_db), "list", kind, "--json")
        assert code == 0
        outputs.append(out.encode())
    write_config('locale = "en_GB"\n')  # British formats
    code, out, _err = run(capsys, "--db", str(demo_db), "list", kind, "--json")
    outputs.append(out.encode())
    assert code == 0 and len(set(outputs)) == 1
    assert outputs[0].startswith(b"[")


# -- the demo workspace ------------------------------------------------------------------
@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Start the demo without a terminal: record the workspace the app was given and check
    it has the demo data while the app 'runs'."""
    from mwtui.app import MwtuiApp

    seen: list[Path] = []

    def run_app(self, **_kwargs) -> None:
        assert self.workspace.snapshot().count("customers") > 0
        seen.append(self.workspace.path)

    monkeypatch.setattr(MwtuiApp, "run", run_app)
    return seen


def test_named_demo_is_seeded_and_kept(tmp_path: Path, app_runs, capsys) -> None:
    path = tmp_path / "named" / "demo.json"
    assert main(["--demo", "--db", str(path)]) == 0
    assert app_runs == [path.absolute()]
    assert Workspace(path).snapshot().count("activities") == 2
    assert (path.parent / "samples").is_dir()
    assert str(path.absolute()) in capsys.readouterr().out


def test_named_demo_fills_an_empty_workspace(tmp_path: Path, app_runs) -> None:
    path = tmp_path / "empty.json"
    Workspace.open(path)  # created, no records
    assert main(["--demo", "--db", str(path)]) == 0
    assert Workspace(path).snapshot().count("customers") > 0


def test_named_demo_refuses_a_workspace_with_data(demo_db, app_runs, capsys) -> None:
    before = folder_digest(demo_db)
    assert main(["--demo", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds a workspace with data" in err
    assert folder_digest(demo_db) == before and app_runs == []


def folder_digest(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (the workspace is a folder)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_temporary_demo_is_removed_unless_kept(app_runs, capsys) -> None:
    assert main(["--demo"]) == 0
    assert not app_runs[0].parent.exists()
    assert main(["--demo", "--keep"]) == 0
    kept = app_runs[1]
    assert kept.exists() and str(kept) in capsys.readouterr().out
    shutil.rmtree(kept.parent)  # kept, as asked: the test's own to remove
