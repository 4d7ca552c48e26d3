"""Config: tokens from env or a private file, base-URL overrides, timezone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mwtui.workspace.config import Config, Secret, normalise_base_url, workspace_path
from mwtui.workspace.errors import ConfigError

CANARY = "canary-token-7f3a9c"


def test_token_from_env_wins_and_is_never_printed(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MWTUI_BEXIO_TOKEN", CANARY)
    info = Config(path=tmp_path / "c.toml").token("bexio")
    assert info.source == "env"
    assert info.token is not None and info.token.reveal() == CANARY
    assert CANARY not in repr(info) and CANARY not in str(info.token)


def test_set_token_writes_a_private_file_and_reads_it_back(tmp_path: Path) -> None:
    cfg = Config(path=tmp_path / "c.toml")
    cfg.set_token("lexware", CANARY)
    assert stat.S_IMODE(cfg.path.stat().st_mode) == 0o600
    loaded = Config.load(cfg.path)
    assert loaded.token("lexware").token == Secret(CANARY)
    assert loaded.token("lexware").source == "config"
    loaded.set_token("lexware", None)
    assert Config.load(cfg.path).token("lexware").source == "none"


def test_token_in_group_readable_file_is_refused_with_the_chmod_to_run(tmp_path: Path) -> None:
    cfg = Config(path=tmp_path / "c.toml")
    cfg.set_token("sevdesk", CANARY)
    cfg.path.chmod(0o644)
    with pytest.raises(ConfigError) as info:
        Config.load(cfg.path).token("sevdesk")
    assert f"chmod 600 {cfg.path}" in str(info.value)
    assert CANARY not in str(info.value)


def test_base_url_override_keeps_scheme_host_port_only(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MWTUI_LEXWARE_URL", "http://127.0.0.1:8765/some/path?x=1")
    cfg = Config(path=tmp_path / "c.toml")
    assert cfg.base_url("lexware") == "http://127.0.0.1:8765"
    assert cfg.base_url("bexio") == "https://api.bexio.com"
    assert normalise_base_url("https://[::1]:9000/", "x") == "https://[::1]:9000"
    with pytest.raises(ConfigError):
        normalise_base_url("ftp://host", "sevdesk")


def test_invalid_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("timezone = \n")
    with pytest.raises(ConfigError, match=str(path)):
        Config.load(path)
    path.write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(ConfigError, match="timezone"):
        Config.load(path)
    path.write_text("[integrations.datev]\ntoken = 'x'\n")
    with pytest.raises(ConfigError, match="datev"):
        Config.load(path)


def test_timezone_defaults_to_berlin(tmp_path: Path) -> None:
    assert Config(path=tmp_path / "c.toml").timezone.key == "Europe/Berlin"


def test_workspace_path_precedence(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MWTUI_DB", str(tmp_path / "env.json"))
    assert workspace_path(None) == tmp_path / "env.json"
    assert workspace_path(str(tmp_path / "cli.json")) == tmp_path / "cli.json"


def test_setting_a_token_keeps_the_operators_comments_and_other_settings(
        tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "# Buero Mueller: Zeitzone fuer die Schweizer Filiale\n"
        'timezone = "Europe/Zurich"  # nicht aendern\n\n'
        "[integrations.bexio]\n"
        "# Testkonto, ab Januar das echte\n"
        'base_url = "https://api.bexio.com"\n', encoding="utf-8")
    path.chmod(0o600)
    cfg = Config.load(path)
    path.write_text(path.read_text(encoding="utf-8") + "\n# spaeter ergaenzt\n",
                    encoding="utf-8")  # an edit made while the app runs is kept too
    cfg.set_token("bexio", CANARY)
    text = path.read_text(encoding="utf-8")
    for kept in ("# Buero Mueller: Zeitzone fuer die Schweizer Filiale",
                 'timezone = "Europe/Zurich"  # nicht aendern', "# Testkonto, ab Januar das echte",
                 'base_url = "https://api.bexio.com"', "# spaeter ergaenzt"):
        assert kept in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Config.load(path).token("bexio").token == Secret(CANARY)
    assert Config.load(path).timezone_name == "Europe/Zurich"
    cfg.set_token("bexio", None)
    assert "# Testkonto, ab Januar das echte" in path.read_text(encoding="utf-8")
    assert Config.load(path).token("bexio").source == "none"
