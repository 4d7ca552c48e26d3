"""The terminal UI's start parses only the global options; the answer is the full
parser's, and anything else (a command, help, an error) goes to the full parser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mwtui.cli import build_parser, parse_args


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.json"],
        ["--db=x.json", "--theme", "ansi-dark", "--debug"],
        ["--demo", "--keep", "--lang", "de"],
        ["--db", "list"],
    ],
)
def test_a_tui_start_parses_like_the_full_parser(argv: list[str]) -> None:
    assert parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["list", "customers"], ["--db", "x", "list", "customers"]])
def test_a_command_is_parsed_by_the_full_parser(argv: list[str]) -> None:
    assert parse_args(argv).command == "list"


def test_errors_and_help_are_the_full_parsers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as bad:
        parse_args(["--lang", "fr"])
    assert bad.value.code == 2
    assert "COMMAND" in capsys.readouterr().err  # the full usage line
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    assert "webfakt" in capsys.readouterr().out


def test_the_tui_start_imports_no_command_module() -> None:
    code = (
        "import sys; from mwtui.cli import parse_args; parse_args(['--db', 'x']); "
        "print(sorted(m for m in sys.modules if m.startswith('mwtui.commands.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
