"""Bounded input as a process (issue 13 item 2): a file with a 150 MB line and a file far
over the size limit are read in bounded memory, asserted on the child's peak RSS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MWTUI = str(Path(sys.executable).with_name("mwtui"))
HEADER = ("Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
          "Rabatt;Bemerkungen")
GOOD = "001;12101;Wartung;01;1;5,00;01.06.2026;0;Bemerkung"
CATALOGUE = "Artikelnummer;Bezeichnung;VK-Preis;Langtext"

# Runs the command given as arguments as its own child and reports that child's peak RSS
# (a fresh launcher, so no earlier child of the test process counts).
LAUNCHER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "out": done.stdout, "err": done.stderr,
                  "peak_mb": peak / 1024}))
"""

#: What reading may add to the memory of checking a tiny file: a few read chunks (4 MB).
SLACK_MB = 48


def _run(tmp_path: Path, *args: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "MWTUI_MAX_FILE_MB"}
    environ.update(MWTUI_CONFIG=str(tmp_path / "config.toml"), **env)
    if not (tmp_path / "ws").exists():  # a workspace that knows customer 001
        customers = tmp_path / "customers.csv"
        customers.write_text("Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon\n001;Kunde;;;;;\n",
                             encoding="utf-8")
        subprocess.run([MWTUI, "--db", str(tmp_path / "ws"), "customers", "import",
                        str(customers)], capture_output=True, env=environ, check=True)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, MWTUI, "--db", str(tmp_path / "ws"), *args],
        capture_output=True, text=True, env=environ, timeout=300, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Peak RSS (MB) of checking a three-row file."""
    folder = tmp_path_factory.mktemp("small")
    small = folder / "small.csv"
    small.write_bytes(f"{HEADER}\r\n{GOOD}\r\n{GOOD}\r\n{GOOD}\r\n".encode())
    report = _run(folder, "webfakt", "check", "--json", str(small))
    assert report["rc"] == 0, report["err"]
    return report["peak_mb"]


def _with_huge_line(path: Path, header: str, good: str, line_mb: int = 150) -> None:
    with path.open("wb") as handle:
        handle.write(f"{header}\r\n{good}\r\n".encode())
        handle.write(good.encode()[:20] + b"x" * (line_mb << 20) + b"\r\n")
        handle.write(f"{good}\r\n".encode())


def test_a_150_mb_line_is_one_reject_in_bounded_memory(tmp_path: Path,
                                                        baseline: float) -> None:
    path = tmp_path / "hostile.csv"
    _with_huge_line(path, HEADER, GOOD)
    report = _run(tmp_path, "webfakt", "check", "--json", str(path))
    assert report["rc"] == 0, report["err"]
    result = json.loads(report["out"])
    assert (result["accepted"], result["rejected"]) == (2, 1)
    assert [(r["line"], r["reason"]) for r in result["rejects"]] == [(3, "line_too_long")]
    assert report["peak_mb"] < baseline + SLACK_MB, (report["peak_mb"], baseline)


def test_a_huge_line_in_an_article_file_is_a_reject_in_bounded_memory(
        tmp_path: Path, baseline: float) -> None:
    path = tmp_path / "articles.csv"
    _with_huge_line(path, CATALOGUE, "A1;Artikel;1,00;Text")
    report = _run(tmp_path, "articles", "import", "--json", str(path))
    assert report["rc"] == 0, report["err"]
    result = json.loads(report["out"])
    assert result["created"] == 1  # the same number twice: the first counts
    assert {(r["line"], r["reason"]) for r in result["rejects"]} >= {(3, "line_too_long")}
    assert report["peak_mb"] < baseline + SLACK_MB, (report["peak_mb"], baseline)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path,
                                                      baseline: float) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # 3 GB, sparse: nothing is written to disk
        handle.write(f"{HEADER}\r\n".encode())
        handle.truncate(3 << 30)
    report = _run(tmp_path, "webfakt", "check", str(path))
    assert report["rc"] == 1
    assert "larger than 1024 MB" in report["err"] and "MWTUI_MAX_FILE_MB" in report["err"]
    assert report["peak_mb"] < baseline + SLACK_MB
    small = tmp_path / "two.csv"
    small.write_bytes(f"{HEADER}\r\n".encode() + f"{GOOD}\r\n".encode() * 40_000)
    lowered = _run(tmp_path, "webfakt", "check", str(small), MWTUI_MAX_FILE_MB="1")
    assert lowered["rc"] == 1 and "larger than 1 MB (2 MB or more)" in lowered["err"]
