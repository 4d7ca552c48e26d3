"""Shared fixtures: every test runs isolated from the machine (tmp workspace and config)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mwtui.i18n import reset as i18n_reset
from tests.support.pg import pg_server, pg_url  # noqa: F401  (a throwaway PostgreSQL)

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config, workspace, tokens or base URLs."""
    for name in list(os.environ):
        if name.startswith("MWTUI_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MWTUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("MWTUI_DB", str(tmp_path / "data" / "workspace.json"))
    monkeypatch.setenv("MWTUI_RATE_DIR", str(tmp_path / "rate"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # English unless a test asks for German (the machine's locale must not matter).
    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    i18n_reset()
