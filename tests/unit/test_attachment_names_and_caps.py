"""Attachments: remote names never become paths; only PDFs within the size cap are written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mwtui.importers.accounting.attachments import AttachmentRefused, store_pdf

PDF = b"%PDF-1.7\n% delivery note\n"
HOSTILE_NAMES = ["../x", "../../../../etc/x", "/etc/x", "li\x00.pdf", "L" * 300 + ".pdf",
                 "..", "", "C:\\Windows\\x.pdf", "a/../../b.pdf"]


@pytest.mark.parametrize("remote_name", HOSTILE_NAMES)
def test_hostile_remote_names_stay_metadata(tmp_path: Path, remote_name: str) -> None:
    folder = tmp_path / "ws.attachments"
    attachment = store_pdf(folder, PDF, remote_name=remote_name, external_id="../id")
    digest = hashlib.sha256(PDF).hexdigest()
    assert attachment.name == f"{digest}.pdf"
    assert Path(attachment.path) == (folder / attachment.name).resolve()
    assert attachment.remote_name == remote_name
    everything = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert everything == [Path("ws.attachments"), Path("ws.attachments") / attachment.name]


@pytest.mark.parametrize("content", [b"<html>error</html>", b"", b"%PD", b"\x00%PDF-1.4"])
def test_non_pdf_bytes_are_refused_and_nothing_is_written(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "ws.attachments"
    with pytest.raises(AttachmentRefused, match="not a PDF"):
        store_pdf(folder, content)
    assert not folder.exists() or not any(folder.iterdir())


def test_oversize_pdf_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ws.attachments"
    with pytest.raises(AttachmentRefused, match="over the limit"):
        store_pdf(folder, PDF + b"x" * 2048, max_bytes=1024)
    assert not folder.exists() or not any(folder.iterdir())


def test_planted_symlink_with_the_target_name_is_replaced_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "ws.attachments"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (folder / f"{hashlib.sha256(PDF).hexdigest()}.pdf").symlink_to(victim)
    attachment = store_pdf(folder, PDF)
    assert victim.read_text() == "precious"
    assert Path(attachment.path).read_bytes() == PDF and not Path(attachment.path).is_symlink()
