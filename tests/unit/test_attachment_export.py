"""Delivery notes: text extraction (pypdf), saving under readable names, the CLI export."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfWriter

from mwtui.cli import main
from mwtui.demo.sandbox import make_pdf
from mwtui.i18n import using_language
from mwtui.workspace.attachment_export import (
    ExportError,
    export_activity,
    export_file,
    safe_file_name,
)
from mwtui.workspace.models import Activity
from mwtui.workspace.pdf_text import DAMAGED, MISSING, NO_TEXT, extract_text
from mwtui.workspace.store import Workspace


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def workspace_with_notes(tmp_path: Path, notes: dict[str, bytes]) -> Workspace:
    """Activity AB-1118 with one stored PDF per remote name in ``notes``."""
    ws = Workspace.open(tmp_path / "ws.json")
    ws.attachments_dir.mkdir(parents=True, exist_ok=True)
    attachments = []
    for remote, content in notes.items():
        digest = hashlib.sha256(content).hexdigest()
        (ws.attachments_dir / f"{digest}.pdf").write_bytes(content)
        attachments.append({"name": f"{digest}.pdf", "path": "", "size": len(content),
                            "sha256": digest, "remote_name": remote, "number": "LI-9"})
    with ws.transaction() as tx:
        tx.insert("activities", Activity(number="AB-1118", title="Auftragsbestätigung AB-1118",
                                         source="sevdesk", attachments=attachments).to_record())
        tx.insert("activities", Activity(number="AB-1119").to_record())
    return ws


# -- text ------------------------------------------------------------------------------------
def test_text_of_a_pdf_with_its_page_count(tmp_path: Path) -> None:
    path = tmp_path / "li.pdf"
    path.write_bytes(make_pdf(["Lieferschein LI-1042", "2 x Heizkoerper"]))
    result = extract_text(path)
    assert result.problem is None and result.pages == 1 and not result.truncated
    assert "Lieferschein LI-1042" in result.texts[0] and "2 x Heizkoerper" in result.texts[0]


def test_pdf_without_text_and_damaged_pdf_are_problems_not_crashes(tmp_path: Path) -> None:
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(blank_pdf(2))
    result = extract_text(blank)
    assert (result.problem, result.pages) == (NO_TEXT, 2)
    damaged = tmp_path / "broken.pdf"
    damaged.write_bytes(make_pdf(["x"])[:60])
    assert extract_text(damaged).problem == DAMAGED
    assert extract_text(tmp_path / "gone.pdf").problem == MISSING


def test_huge_pdfs_are_read_only_up_to_the_caps(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(5):
        writer.append(io.BytesIO(make_pdf(["Zeile " * 40])))
    path = tmp_path / "big.pdf"
    with path.open("wb") as out:
        writer.write(out)
    by_pages = extract_text(path, max_pages=2)
    assert (by_pages.pages, by_pages.pages_read, by_pages.truncated) == (5, 2, True)
    by_chars = extract_text(path, max_chars=100)
    assert sum(map(len, by_chars.texts)) <= 100 and by_chars.truncated


def test_control_characters_in_pdf_text_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "evil.pdf"
    path.write_bytes(make_pdf(["ok"]).replace(b"(ok)", b"(o\\033[2Jk)"))
    result = extract_text(path)
    assert result.problem is None
    assert "\x1b" not in result.texts[0] and "o\ufffd[2Jk" in result.texts[0]


# -- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("remote", "expected"), [
    ("LI-1042.pdf", "LI-1042.pdf"),
    ("LI-1042", "LI-1042.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("/etc/passwd", "passwd.pdf"),
    ("C:\\Windows\\system32\\x.PDF", "x.pdf"),
    ("..", "LI-9.pdf"),
    ("", "LI-9.pdf"),
    ("LI\x1b[2J-1\n042\u202e.pdf", "LI [2J-1 042.pdf"),
    ("...hidden.pdf", "hidden.pdf"),
    ('a<b>:"|?*.pdf', "a_b______.pdf"),
])
def test_remote_names_become_safe_base_names(remote: str, expected: str) -> None:
    assert safe_file_name(remote, "LI-9") == expected


def test_long_names_are_cut_and_keep_pdf() -> None:
    name = safe_file_name("x" * 500 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


# -- export ----------------------------------------------------------------------------------
def test_export_numbers_collisions_and_never_overwrites(tmp_path: Path) -> None:
    source = tmp_path / "stored.pdf"
    source.write_bytes(make_pdf(["new"]))
    target = tmp_path / "out"
    target.mkdir()
    (target / "LI-1042.pdf").write_bytes(b"keep me")
    first = export_file(source, "LI-1042.pdf", target)
    second = export_file(source, "LI-1042.pdf", target)
    assert (first.name, second.name) == ("LI-1042 (2).pdf", "LI-1042 (3).pdf")
    assert (target / "LI-1042.pdf").read_bytes() == b"keep me"
    assert Path(first.path).read_bytes() == source.read_bytes()
    assert first.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_hostile_remote_name_stays_inside_the_chosen_folder(tmp_path: Path) -> None:
    ws = workspace_with_notes(tmp_path, {"../../evil": make_pdf(["a"]),
                                         "/etc/passwd": make_pdf(["b"])})
    target = tmp_path / "out"
    target.mkdir()
    saved = export_activity(ws.snapshot(), ws.attachments_dir, "AB-1118", target)
    assert [f.name for f in saved] == ["evil.pdf", "passwd.pdf"]
    assert sorted(os.listdir(target)) == ["evil.pdf", "passwd.pdf"]
    assert not (tmp_path / "evil").exists()


def test_a_planted_symlink_is_not_followed(tmp_path: Path) -> None:
    source = tmp_path / "stored.pdf"
    source.write_bytes(make_pdf(["x"]))
    target = tmp_path / "out"
    target.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("secret")
    (target / "LI-1.pdf").symlink_to(victim)
    saved = export_file(source, "LI-1.pdf", target)
    assert saved.name == "LI-1 (2).pdf" and victim.read_text() == "secret"


def test_export_refusals_are_sentences(tmp_path: Path) -> None:
    ws = workspace_with_notes(tmp_path, {"LI-1.pdf": make_pdf(["x"])})
    with pytest.raises(ExportError, match="No activity with the number XX-1"):
        export_activity(ws.snapshot(), ws.attachments_dir, "XX-1", tmp_path)
    with pytest.raises(ExportError, match="has no attachments"):
        export_activity(ws.snapshot(), ws.attachments_dir, "AB-1119", tmp_path)
    with pytest.raises(ExportError, match="does not exist"):
        export_activity(ws.snapshot(), ws.attachments_dir, "AB-1118", tmp_path / "nope")


# -- CLI -------------------------------------------------------------------------------------
def test_cli_export_json_and_german_text(tmp_path: Path, capsys, monkeypatch) -> None:
    ws = workspace_with_notes(tmp_path, {"LI-1042.pdf": make_pdf(["a"]),
                                         "LI-1043.pdf": make_pdf(["b"])})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = ["--db", str(ws.path), "attachments", "export", "AB-1118", "--to", str(out_dir)]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [list(r) for r in rows] == [["name", "path", "size", "sha256"]] * 2
    assert [r["name"] for r in rows] == ["LI-1042.pdf", "LI-1043.pdf"]
    for row in rows:
        content = Path(row["path"]).read_bytes()
        assert row["size"] == len(content)
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
    with using_language("de"):
        assert main(["--lang", "de", *args]) == 0
        text = capsys.readouterr().out
        assert main(["--lang", "de", *args[:4], "XX-1"]) == 1
        error = capsys.readouterr().err
    assert text.startswith("2 Dateien gespeichert:")
    assert str(out_dir / "LI-1042 (2).pdf") in text
    assert "Keine Aktivität mit der Nummer XX-1." in error


def test_cli_export_defaults_to_the_current_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    ws = workspace_with_notes(tmp_path, {"LI-7.pdf": make_pdf(["a"])})
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["--db", str(ws.path), "attachments", "export", "AB-1118", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["path"] == str(here / "LI-7.pdf")
