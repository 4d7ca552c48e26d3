"""Hostile data never reaches the terminal as control sequences or markup.

The real app runs in a pseudo-terminal on a workspace whose records carry escape sequences,
C1 controls, bidi overrides and markup; every screen is visited and the bytes written to the
terminal are inspected.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from mwtui.workspace.store import Workspace

MARKER = "SGFja2Vk"  # base64 of "Hacked": the payload of a forged OSC 52 clipboard write
EVIL = (
    f"Evil\x1b]52;c;{MARKER}\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ "
    "\x1b[2J \x9b31m [link=https://example.invalid]x[/link] [bold] [/] [/bold] \u202eabc \\"
)


def _seed(path: Path) -> None:
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        tx.insert("customers", {"name": EVIL, "number": "1", "city": EVIL, "sources": []})
        tx.insert("activities", {"number": "AB-1", "title": EVIL, "source": "sevdesk",
                                 "external_id": "1", "customer_id": 1, "type_id": 1,
                                 "created": "2026-11-01T10:00:00+01:00", "attachments": [],
                                 "local": {}})


def _evil_webfakt(folder: Path) -> Path:
    """A format-1 file whose name has markup and whose fields carry escape sequences."""
    path = folder / "evil[bold]x[red].csv"
    header = ("Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;"
              "nächste Rechnung;Rabatt;Bemerkungen")
    clean = EVIL.replace(";", ",")
    rows = [f"1;12101;{clean};01;2;38,53;22.05.2004;5;{clean}",
            f"9999;12101;{clean};01;2;38,53;22.05.2004;5;{clean}"]
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


def _run_in_pty(db: Path, keys: list[bytes]) -> bytes:
    pid, fd = pty.fork()
    if pid == 0:  # child: the real app
        os.environ["TERM"] = "xterm-256color"
        os.environ["TEXTUAL_ANIMATIONS"] = "none"
        os.execv(sys.executable, [sys.executable, "-m", "mwtui.cli", "--db", str(db)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = bytearray()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    return

    pump(4.0)
    for key in keys:
        os.write(fd, key)
        pump(1.5)
    os.write(fd, b"\x11")  # ctrl+q
    pump(2.0)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
    return bytes(out)


@pytest.mark.slow
def test_control_sequences_in_data_never_reach_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "ws.json"
    _seed(db)
    csv_path = _evil_webfakt(tmp_path)
    # activities (default), its detail (enter), customers, integrations, the preview with a
    # hostile file (next reject, its full detail), and back
    out = _run_in_pty(db, [b"\r", b"\x1b", b"4", b"1", b"3", str(csv_path).encode() + b"\r",
                           b"n", b"d", b"\x1b", b"2"])
    assert MARKER.encode() in out, "the data was not shown at all"
    assert b"\x1b]52" not in out, "forged clipboard write reached the terminal"
    assert b"\x1b]8;" not in out, "a hyperlink from data reached the terminal"
    assert b"\x1b[2J" not in out.replace(b"\x1b[?1049h", b""), "clear-screen from data"
    assert "\x9b".encode() not in out, "a C1 control reached the terminal"
    assert "\u202e".encode() not in out, "a bidi override reached the terminal"
    assert b"[bold]" in out, "markup was interpreted instead of shown"
    assert b"x[red].csv" in out, "the file name was not shown literally"
    assert b"Unknown customer" in out, "the hostile WEBFAKT file was not previewed"
