"""The layer contracts in ``pyproject.toml`` keep up with the code they describe."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_presenter_is_held_to_plain_python() -> None:
    presenters = {f"mwtui.screens.{p.stem}"
                  for p in (ROOT / "mwtui" / "screens").glob("*_presenter.py")}
    assert presenters
    listed = set(contracts()["presenters-without-textual"]["source_modules"])
    assert presenters <= listed, f"add {sorted(presenters - listed)} to the contract"


def test_every_presenter_is_protected() -> None:
    presenters = {f"mwtui.screens.{p.stem}"
                  for p in (ROOT / "mwtui" / "screens").glob("*_presenter.py")}
    protected = {module for c in contracts().values() if c["type"] == "protected"
                 for module in c["protected_modules"]}
    assert presenters <= protected, f"protect {sorted(presenters - protected)}"


def test_make_test_runs_the_contracts_before_pytest() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1]
    recipe = recipe.split("\n\n", 1)[0]
    assert "lint-imports" in recipe
    assert recipe.index("lint-imports") < recipe.index("pytest")
