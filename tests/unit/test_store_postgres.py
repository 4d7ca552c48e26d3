"""What only the PostgreSQL backend does: schema migrations, a lost connection, selecting
it by URL (``--db``, ``MWTUI_DB``, ``db =`` in the config), and never showing a password."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging

import psycopg
import pytest

from mwtui.cli import main
from mwtui.workspace.backends import open_workspace, workspace_target
from mwtui.workspace.errors import StoreError
from mwtui.workspace.postgres import schema
from mwtui.workspace.postgres.schema import redact_url
from mwtui.workspace.postgres.store import PgWorkspace


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM mwtui_schema ORDER BY 1")]


def test_schema_is_created_once_and_migrated_forward(pg_url: str, monkeypatch,
                                                     caplog) -> None:
    open_workspace(pg_url)
    open_workspace(pg_url)
    assert versions(pg_url) == [1]
    shipped = schema.migrations()
    extra = (2, "notes", "ALTER TABLE mwtui_records ADD COLUMN note text")
    monkeypatch.setattr(schema, "migrations", lambda: [*shipped, extra])
    with caplog.at_level(logging.WARNING):
        ws = open_workspace(pg_url)
    assert versions(pg_url) == [1, 2]
    assert "from version 1 to 2 (notes)" in caplog.text
    assert ws.snapshot().count("activity_types") == 1  # data kept, not seeded again


def test_a_newer_schema_is_refused_with_a_clear_message(pg_url: str) -> None:
    open_workspace(pg_url)
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO mwtui_schema (version, name) VALUES (99, 'future')")
    with pytest.raises(StoreError, match="schema version 99; this mwtui knows up to 1"):
        open_workspace(pg_url)


def test_a_lost_connection_mid_import_writes_nothing_and_says_so(pg_url: str) -> None:
    ws = open_workspace(pg_url)
    with pytest.raises(StoreError) as err, ws.transaction() as tx:
        tx.insert_many("services", [{"batch": "b", "row_key": f"k{i}"} for i in range(100)])
        tx.insert("customers", {"name": "half"})
        tx.raw("customers")
        with psycopg.connect(pg_url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (tx.conn.info.backend_pid,))
    assert "was lost; nothing of this change was saved" in str(err.value)
    snap = open_workspace(pg_url).snapshot()
    assert (snap.count("services"), snap.count("customers")) == (0, 0)


def test_passwords_are_redacted_everywhere() -> None:
    url = "postgresql://anna:s3cret@db.example:5432/mwtui?sslmode=require"
    assert redact_url(url) == "postgresql://anna:***@db.example:5432/mwtui?sslmode=require"
    assert "s3cret" not in redact_url("postgresql://db/x?user=a&password=s3cret")
    assert "s3cret" not in repr(PgWorkspace(url)) and "s3cret" not in str(PgWorkspace(url).path)


def test_a_failed_connection_names_the_database_without_the_password(pg_server) -> None:
    url = f"postgresql://nobody:s3cret@/no_such_db?host={pg_server.root}"
    with pytest.raises(StoreError) as err:
        open_workspace(url)
    assert "Cannot connect to the workspace database postgresql://nobody:***@" in str(err.value)
    assert "s3cret" not in str(err.value)


def test_target_precedence_url_or_path(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("MWTUI_DB")
    assert workspace_target(None, "postgresql://cfg/db") == "postgresql://cfg/db"
    assert workspace_target(None, str(tmp_path / "w.json")) == tmp_path / "w.json"
    monkeypatch.setenv("MWTUI_DB", "postgresql://env/db")
    assert workspace_target(None, "postgresql://cfg/db") == "postgresql://env/db"
    assert workspace_target("postgresql://cli/db", None) == "postgresql://cli/db"


def test_cli_works_on_the_database_by_flag_env_and_config(pg_url: str, monkeypatch,
                                                          tmp_path, capsys) -> None:
    ws = open_workspace(pg_url)
    with ws.transaction() as tx:
        tx.insert("customers", {"name": "Meier GmbH", "number": "7"})
    assert main(["--db", pg_url, "list", "customers", "--json"]) == 0
    assert [c["name"] for c in json.loads(capsys.readouterr().out)] == ["Meier GmbH"]
    monkeypatch.setenv("MWTUI_DB", pg_url)
    assert main(["list", "customers", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    monkeypatch.delenv("MWTUI_DB")
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'db = "{pg_url}"\n')
    config.chmod(0o600)
    assert main(["list", "customers", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_pdfs_are_in_the_database_and_reach_a_second_machine(pg_url: str, monkeypatch,
                                                             tmp_path, capsys) -> None:
    from mwtui.importers.accounting.attachments import store_pdf

    pdf = b"%PDF-1.4\n" + b"x" * 200 + b"\n%%EOF\n"
    office = open_workspace(pg_url)
    office.local_attachments.mkdir(parents=True)
    att = store_pdf(office.local_attachments, pdf, number="LI-1")
    for _ in range(2):  # the same PDF twice is stored once
        with office.transaction() as tx:
            tx.insert("activities", {"number": "AB-7", "customer_id": None, "type_id": 1,
                                     "attachments": [dataclasses.asdict(att)]})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "second-machine"))
    branch = open_workspace(pg_url)
    assert branch.local_attachments != office.local_attachments
    assert office.attachment_hashes() == [hashlib.sha256(pdf).hexdigest()]
    assert main(["--db", pg_url, "list", "activities", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["path"] for act in listed for a in act["attachments"]] == [None, None]
    out = tmp_path / "out"
    out.mkdir()
    assert main(["--db", pg_url, "attachments", "export", "AB-7", "--to", str(out)]) == 0
    assert [p.read_bytes() for p in out.iterdir()] == [pdf]


def test_two_imports_of_one_integration_do_not_interleave(pg_url: str) -> None:
    from mwtui.workspace.errors import WorkspaceLocked

    office, branch = open_workspace(pg_url), open_workspace(pg_url)
    with office.integration_lock("sevdesk"):
        with pytest.raises(WorkspaceLocked, match="Another import of sevdesk"), \
                branch.integration_lock("sevdesk", timeout=0.2):
            pass
        with branch.integration_lock("bexio", timeout=0.2):
            pass  # another integration is not held up
    with branch.integration_lock("sevdesk", timeout=0.2):
        pass  # released when the first import ended


def test_services_sent_with_copy_read_back_like_the_folder_store(pg_url: str,
                                                                tmp_path) -> None:
    from mwtui.importers.webfakt import check_file, commit
    from tests.unit.test_store_conformance import ROWS, seed, webfakt_file

    path = webfakt_file(tmp_path / "a.csv", ROWS)
    stored = []
    for target in (str(tmp_path / "ws.json"), pg_url):
        ws = seed(target)
        commit(ws, check_file(path, ws), path)
        stored.append([{k: v for k, v in d.items() if k != "batch"}
                       for _, d in ws.snapshot().items("services")])
    assert stored[0] == stored[1] and len(stored[1]) == 2
