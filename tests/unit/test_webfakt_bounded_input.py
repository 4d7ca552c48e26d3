"""Bounded input (issue 13 item 2): overlong lines and fields, NUL bytes and too large files
are rejects or refusals with a line number, never stored data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support.webfakt import HEADER1, lookups, row, seeded_workspace

from mwtui.importers.webfakt import FileError, check_bytes, check_file
from mwtui.importers.webfakt.bounded import LINE_LIMIT, bound_bytes, read_bounded
from mwtui.importers.webfakt.catalogue import check_articles_bytes, check_customers_bytes
from mwtui.importers.webfakt.reasons import REASON_LABELS, REASONS
from mwtui.importers.webfakt.result import CheckResult
from mwtui.workspace.config import MAX_FILE_ENV, max_file_mb
from mwtui.workspace.errors import ConfigError

GOOD = "001;12101;Wartung;01;1;5,00;01.06.2026;0;Bemerkung"


def _check(body: str, encoding: str = "utf-8") -> CheckResult:
    return check_bytes(f"{HEADER1}\r\n{body}".encode(encoding), lookups(), file_name="t.csv")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_an_overlong_line_is_a_reject_with_its_line_number(encoding: str) -> None:
    long = GOOD + "ä" * LINE_LIMIT
    result = _check(f"{GOOD}\r\n{long}\r\n\r\n{GOOD}\r\n", encoding)
    assert result.encoding == ("utf-8" if encoding == "utf-8" else "cp1252")
    assert (result.accepted, result.rejected) == (2, 1)
    bad = row(result, 3)
    assert bad["status"] == "rejected" and bad["reason"] == "line_too_long"
    assert REASONS["line_too_long"] in bad["message"]
    assert bad["raw"].startswith("001;12101;") and len(bad["raw"]) < 100
    assert row(result, 5)["status"] == "accepted"  # numbering goes on after the cut line


def test_a_line_just_under_the_limit_is_read() -> None:
    line = GOOD + "x" * (LINE_LIMIT - len(GOOD) - 2)  # 64 KiB with the CR
    result = _check(f"{line}\r\n")
    assert row(result, 2)["reason"] == "field_too_long"  # read whole, then its field


def test_an_overlong_last_line_without_a_break_is_rejected() -> None:
    result = _check(f"{GOOD}\r\n{'9' * (3 * LINE_LIMIT)}")
    assert (result.accepted, result.rejected) == (1, 1)
    assert row(result, 3)["reason"] == "line_too_long"


@pytest.mark.parametrize("filler", [0, (4 << 20) - 100, (4 << 20) - LINE_LIMIT - 1])
def test_overlong_lines_across_read_chunks_keep_their_numbers(tmp_path: Path,
                                                               filler: int) -> None:
    short = ("z" * 99 + "\n").encode()
    data = (HEADER1 + "\n").encode() + short * (filler // 100) + b"\n".join([
        GOOD.encode(), b"x" * (9 << 20), GOOD.encode(), b"y" * (LINE_LIMIT + 1),
        b"w" * LINE_LIMIT, GOOD.encode(), b"v" * (LINE_LIMIT + 7)])
    lines = data.split(b"\n")
    expected = tuple(i + 1 for i, line in enumerate(lines) if len(line) > LINE_LIMIT)
    path = tmp_path / "long.csv"
    path.write_bytes(data)
    for read in (bound_bytes(data), read_bounded(path)):
        assert read.long_lines == expected and len(expected) == 3
        assert read.size == len(data) and len(read.data) < len(data) - (9 << 20)
        assert read.data.count(b"\n") == data.count(b"\n")
        assert read.sha256 == hashlib.sha256(data).hexdigest()
    assert bound_bytes(data).data == read_bounded(path).data


@pytest.mark.parametrize(("field", "value", "column"), [
    ("12101", "1" * 41, "Artikelnummer"),
    ("001", "0" * 41, "Kunden-Nr."),
    ("Wartung", "W" * 2001, "Leistung"),
    ("Bemerkung", "B" * 32_001, "Bemerkungen"),
])
def test_a_field_over_its_column_limit_is_rejected(field: str, value: str, column: str) -> None:
    result = _check(GOOD.replace(field, value, 1) + "\r\n" + GOOD + "\r\n")
    bad = row(result, 2)
    assert (bad["reason"], bad["column"]) == ("field_too_long", column)
    assert "Höchstens" in bad["message"] and len(bad["value"]) <= 60
    assert row(result, 3)["status"] == "accepted"


def test_long_service_and_remarks_within_their_limits_are_accepted() -> None:
    line = GOOD.replace("Wartung", "W" * 2000).replace("Bemerkung", "B" * 32_000)
    result = _check(line + "\r\n")
    assert result.accepted == 1 and len(result.rows.row(0, named=True)["remarks"]) == 32_000


@pytest.mark.parametrize(("field", "column"), [("12101", "Artikelnummer"),
                                               ("Bemerkung", "Bemerkungen")])
def test_a_nul_byte_in_a_field_is_a_reject_not_data(field: str, column: str) -> None:
    result = _check(GOOD.replace(field, field[:2] + "\x00" + field[2:]) + "\r\n")
    bad = row(result, 2)
    assert (result.accepted, bad["reason"], bad["column"]) == (0, "nul_byte", column)
    assert "\x00" not in bad["value"] and "\u2400" in bad["value"]


def test_the_new_reasons_have_labels_and_sentences() -> None:
    for code in ("line_too_long", "nul_byte", "field_too_long"):
        assert REASON_LABELS[code] and REASONS[code].endswith(".")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER1 + "\n" + (GOOD + "\n") * 30_000).encode())
    monkeypatch.setenv(MAX_FILE_ENV, "1")
    with pytest.raises(FileError, match=r"larger than 1 MB \(2 MB or more\).*MWTUI_MAX_FILE_MB"):
        check_file(path, seeded_workspace(tmp_path / "ws"))
    assert read_bounded(path, max_bytes=2 << 20).size == path.stat().st_size


def test_the_size_limit_comes_from_env_then_config_then_default(tmp_path: Path,
                                                                 monkeypatch) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MWTUI_CONFIG", str(config))
    monkeypatch.delenv(MAX_FILE_ENV, raising=False)
    assert max_file_mb() == 1024
    config.write_text("max_file_mb = 50\n", encoding="utf-8")
    assert max_file_mb() == 50
    monkeypatch.setenv(MAX_FILE_ENV, "7")
    assert max_file_mb() == 7
    monkeypatch.setenv(MAX_FILE_ENV, "lots")
    with pytest.raises(ConfigError, match="MWTUI_MAX_FILE_MB must be a whole number"):
        max_file_mb()


def test_catalogue_files_are_bounded_too() -> None:
    header = "Artikelnummer;Bezeichnung;VK-Preis;Langtext\n"
    rows = ["A1;Gut;1,00;x", "A" * 41 + ";Zu lang;1,00;x", "A3;N\x00ull;1,00;x",
            "A4;" + "z" * (LINE_LIMIT + 5) + ";1,00;x", "A5;Gut;2,00;" + "L" * 32_000]
    check = check_articles_bytes((header + "\n".join(rows)).encode())
    assert [r["number"] for r in check.records] == ["A1", "A5"]
    got = {r.line: (r.reason, r.column) for r in check.rejects}
    assert got == {3: ("field_too_long", "Artikelnummer"), 4: ("nul_byte", "Bezeichnung"),
                   5: ("line_too_long", "")}
    customer_file = "Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon\n1;A;S;" + "2" * 21 + ";O;;\n"
    customers = check_customers_bytes(customer_file.encode())
    assert [(r.reason, r.column) for r in customers.rejects] == [("field_too_long", "PLZ")]

