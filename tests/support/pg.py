"""A throwaway PostgreSQL server for the tests (initdb + pg_ctl into a temp folder).

The server refuses to run as root, so as root it runs as the ``postgres`` user. It
listens only on a Unix socket inside its folder and is stopped when the session ends,
whether the tests passed or not. Without a server the tests that need one are skipped
with the reason; with ``CI=true`` they fail instead (CI must run the real thing).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DATABASE = "mwtui_test"


def _bindir() -> Path | None:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _install_when_ci() -> None:
    """In CI as root, install the server with apt-get when it is missing."""
    if os.environ.get("CI") == "true" and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"],
                       check=False, capture_output=True, timeout=600)


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


class PgServer:
    """One running server: ``url`` of its test database; ``stop()`` ends it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="mwtui-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.url = f"postgresql://mwtui@/{DATABASE}?host={self.root}"

    def _run(self, *argv: str) -> None:
        subprocess.run(_as_server_user([str(self.bindir / argv[0]), *argv[1:]]), check=True,
                       capture_output=True, text=True, timeout=120, cwd=self.root)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "mwtui",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-k {self.root} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")
        self._run("createdb", "-h", str(self.root), "-U", "mwtui", DATABASE)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def reset(self) -> None:
        """An empty database for the next test."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no PostgreSQL server could be started: {reason}")
    pytest.skip(f"no PostgreSQL server could be started: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole session (started on first use)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    bindir = _bindir()
    if bindir is None:
        _install_when_ci()
        bindir = _bindir()
    if bindir is None:
        _unavailable("initdb/pg_ctl not found (install PostgreSQL or set PATH)")
    server = PgServer(bindir)
    try:
        server.start()
    except (OSError, subprocess.SubprocessError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        server.stop()
        _unavailable(f"{type(err).__name__}: {detail.strip()[:300]}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of an empty PostgreSQL database (its schema dropped before the test)."""
    pg_server.reset()
    return pg_server.url
