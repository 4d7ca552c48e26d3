"""Configuration: paths (platformdirs), config.toml, tokens, base-URL overrides, timezone.

Precedence: environment variables, then ``config.toml``, then defaults. Tokens are wrapped
in :class:`Secret` so that they never show up in a repr, a log line or an error text.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from mwtui.workspace.errors import ConfigError, StoreError
from mwtui.workspace.files import replace_atomically
from mwtui.workspace.models import INTEGRATIONS

APP_NAME = "mwtui"
DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_THEME = "textual-dark"
LANGUAGES = ("de", "en")
_LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")

DEFAULT_BASE_URLS: dict[str, str] = {
    "sevdesk": "https://my.sevdesk.de",
    "bexio": "https://api.bexio.com",
    "lexware": "https://api.lexware.io",
}
TOKEN_ENV = {name: f"MWTUI_{name.upper()}_TOKEN" for name in INTEGRATIONS}
URL_ENV = {name: f"MWTUI_{name.upper()}_URL" for name in INTEGRATIONS}


class Secret:
    """A token that refuses to print itself. Use ``reveal()`` only to build a request."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def default_workspace_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "workspace.json"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def workspace_path(cli_value: str | None = None) -> Path:
    """``--db`` beats ``MWTUI_DB`` beats the platformdirs default."""
    if cli_value:
        return Path(cli_value).expanduser()
    if env := os.environ.get("MWTUI_DB"):
        return Path(env).expanduser()
    return default_workspace_path()


def config_path() -> Path:
    if env := os.environ.get("MWTUI_CONFIG"):
        return Path(env).expanduser()
    return default_config_path()


def _is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: the only hosts a token may reach over http://."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(value: str, name: str) -> str:
    """Keep only scheme, host and port: request paths always stay the real API's."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"The base URL for {name} must look like https://host[:port], got {value!r}."
        )
    host = parts.hostname
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigError(
            f"The base URL for {name} uses http:// for {host}, which would send the token "
            "unencrypted; use https:// (plain http:// is allowed only for 127.0.0.1, "
            "localhost and ::1). No request was sent."
        )
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        number = parts.port
    except ValueError:  # "port out of range" or not a number
        number = 0
    if number == 0 and parts.netloc.rsplit("]", 1)[-1].count(":"):
        raise ConfigError(
            f"The port in the base URL for {name} must be a number from 1 to 65535, "
            f"got {value!r}."
        )
    port = f":{number}" if number else ""
    return f"{parts.scheme}://{host}{port}"


@dataclass
class TokenInfo:
    """A token and where it came from (``env``, ``config`` or ``none``)."""

    token: Secret | None
    source: str


@dataclass
class Config:
    """The loaded configuration. ``raw`` is the parsed TOML, kept for round-trips."""

    path: Path
    raw: dict[str, Any] = field(default_factory=dict)

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_path()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path=path)
        except OSError as err:
            raise ConfigError(f"Cannot read config file {path}: {err.strerror}.") from err
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"Config file {path} is not valid TOML: {err}. Fix it.") from None
        cfg = cls(path=path, raw=raw)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        """Reject unknown integrations and wrong types with a message naming the key."""
        integrations = self.raw.get("integrations", {})
        if not isinstance(integrations, dict):
            raise ConfigError(f"[integrations] in {self.path} must be a table.")
        for name, section in integrations.items():
            if name not in INTEGRATIONS:
                raise ConfigError(
                    f"Unknown integration [integrations.{name}] in {self.path}; "
                    f"use one of {', '.join(INTEGRATIONS)}."
                )
            if not isinstance(section, dict):
                raise ConfigError(f"[integrations.{name}] in {self.path} must be a table.")
            for key in ("token", "base_url"):
                if key in section and not isinstance(section[key], str):
                    raise ConfigError(f"integrations.{name}.{key} in {self.path} must be text.")
        self.timezone  # noqa: B018 - validates the zone name
        language = self.raw.get("language")
        if language is not None and language not in LANGUAGES:
            raise ConfigError(f'language in {self.path} must be "de" or "en", got {language!r}.')
        locale = self.raw.get("locale")
        if locale is not None and not (isinstance(locale, str) and _LOCALE_NAME.match(locale)):
            raise ConfigError(
                f'locale in {self.path} must look like "de_CH" or "de_DE", got {locale!r}.'
            )

    # -- settings ------------------------------------------------------------------------
    @property
    def timezone_name(self) -> str:
        return os.environ.get("MWTUI_TIMEZONE") or str(
            self.raw.get("timezone", DEFAULT_TIMEZONE)
        )

    @property
    def timezone(self) -> ZoneInfo:
        name = self.timezone_name
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"Unknown timezone {name!r} (config {self.path} or MWTUI_TIMEZONE); "
                "use a name such as Europe/Berlin."
            ) from None

    @property
    def language(self) -> str | None:
        """``"de"``/``"en"`` or ``None`` (then ``--lang`` or the locale decides)."""
        return self.raw.get("language")

    @property
    def locale(self) -> str | None:
        """The format locale, e.g. ``"de_CH"`` for Swiss amounts, or ``None``."""
        return self.raw.get("locale")

    @property
    def theme(self) -> str:
        return str(self.raw.get("theme", DEFAULT_THEME))

    def integration(self, name: str) -> dict[str, Any]:
        section = self.raw.get("integrations", {}).get(name, {})
        return section if isinstance(section, dict) else {}

    def base_url(self, name: str) -> str:
        value = os.environ.get(URL_ENV[name]) or self.integration(name).get("base_url")
        if not value:
            return DEFAULT_BASE_URLS[name]
        return normalise_base_url(value, name)

    # -- tokens --------------------------------------------------------------------------
    def _file_is_private(self) -> bool:
        mode = self.path.stat().st_mode
        return not (mode & (stat.S_IRWXG | stat.S_IRWXO))

    def token(self, name: str) -> TokenInfo:
        """The token for an integration; a token in a group/world-readable file is refused."""
        if env := os.environ.get(TOKEN_ENV[name]):
            return TokenInfo(Secret(env.strip()), "env")
        value = self.integration(name).get("token")
        if not value:
            return TokenInfo(None, "none")
        if not self._file_is_private():
            raise ConfigError(
                f"Config file {self.path} holds a token but others can read it; "
                f"run: chmod 600 {self.path}"
            )
        return TokenInfo(Secret(value), "config")

    def set_token(self, name: str, token: str | None) -> None:
        """Store (or with ``None`` remove) a token. The file is re-read and only that key
        changes, so the operator's comments, order and later edits stay; it is written
        atomically with mode 0600."""
        document = self._document()
        integrations = document.setdefault("integrations", _toml_table(super_table=True))
        section = integrations.setdefault(name, _toml_table())
        if token:
            section["token"] = token
        else:
            section.pop("token", None)
        self._write(document)
        self.raw = document.unwrap()

    def _document(self) -> Any:
        """The config file as a tomlkit document (comments kept), empty when missing."""
        import tomlkit

        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return tomlkit.document()
        except OSError as err:
            raise ConfigError(f"Cannot read config file {self.path}: {err.strerror}.") from err
        try:
            return tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as err:
            raise ConfigError(f"Config file {self.path} is not valid TOML: {err}. "
                              "Fix it.") from None

    def _write(self, document: Any) -> None:
        """Replace the file atomically (temp file, fsync, rename) with mode 0600: it may
        hold tokens."""
        import tomlkit

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"Cannot write config file {self.path}: {err.strerror}.") from err
        try:
            replace_atomically(self.path, tomlkit.dumps(document).encode("utf-8"))
        except StoreError as err:  # one sentence naming the file and what to do
            raise ConfigError(str(err)) from None


def _toml_table(super_table: bool = False) -> Any:
    import tomlkit

    return tomlkit.table(is_super_table=super_table)


DEFAULT_MAX_FILE_MB = 1024
MAX_FILE_ENV = "MWTUI_MAX_FILE_MB"


def max_file_mb(config: Config | None = None) -> int:
    """The largest file (MB) an import reads: ``MWTUI_MAX_FILE_MB``, then ``max_file_mb``
    in config.toml, then 1024."""
    value: Any = os.environ.get(MAX_FILE_ENV)
    where = MAX_FILE_ENV
    if not value:
        cfg = config or Config.load()
        value = cfg.raw.get("max_file_mb", DEFAULT_MAX_FILE_MB)
        where = f"max_file_mb in {cfg.path}"
    try:
        megabytes = int(value) if not isinstance(value, bool | float) else 0
    except (TypeError, ValueError):
        megabytes = 0
    if megabytes < 1:
        raise ConfigError(f"{where} must be a whole number of MB (at least 1), got {value!r}.")
    return megabytes
