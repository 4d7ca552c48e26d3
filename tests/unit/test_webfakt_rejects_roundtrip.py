"""Rejects export round trip: an exported line is the line as it was; unfixed rows are
rejected again for the same reason, fixed rows are accepted (issue 11 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.webfakt import HEADER1, HEADER3, lookups

from mwtui.importers.webfakt import REASONS, check_bytes, export_rejects
from mwtui.importers.webfakt.keys import row_keys

GOOD = "001;12101;Wartung;01;1;5,00;01.06.2026;0;Bemerkung"

# reason -> (rejected line, the same line fixed); format 1 has 9 fields
CASES: dict[str, tuple[str, str]] = {
    "field_count": ("001;12101;Wartung;01;1;5,00;01.06.2026;0", GOOD),
    "unknown_customer": (GOOD.replace("001;", "9999;"), GOOD),
    "ambiguous_customer": (GOOD.replace("001;", "1;"), GOOD),
    "bad_cycle": (GOOD.replace(";01;1;", ";99;1;"), GOOD),
    "bad_quantity": (GOOD.replace(";01;1;", ";01;0;"), GOOD),
    "bad_amount": (GOOD.replace(";5,00;", ";5,0x;"), GOOD),
    "bad_discount": (GOOD.replace("2026;0;", "2026;150;"), GOOD),
    "bad_date": (GOOD.replace("01.06.2026", "31.02.2026"), GOOD),
    "unknown_article": ("001;99999;;01;1;5,00;01.06.2026;0;;;x",  # format 3 only
                        "001;12101;;01;1;5,00;01.06.2026;0;;;x"),
    "missing_service": ("001;;;01;1;5,00;01.06.2026;0;x", "001;;Wartung;01;1;5,00;01.06.2026;0;x"),
    "zero_amount": (GOOD.replace(";5,00;", ";0,00;"), GOOD),
    "already_imported": (GOOD, GOOD.replace(";5,00;", ";6,00;")),
    "nul_byte": (GOOD.replace("Bemerkung", "Bem\x00erkung"), GOOD),
    "field_too_long": (GOOD.replace("12101", "1" * 41), GOOD),
}
# A line over 64 KiB is never read whole, so its export holds only its start.
NOT_ROUND_TRIP = {"line_too_long"}
EXTRA_FIELD = ("001;12101;Wartung;01;1;5,00;01.06.2026;0;a;b", GOOD)


def _lookups(reason: str):
    if reason == "ambiguous_customer":
        return lookups(customers={"001": 1, "01": 2, "7104": 3})
    if reason != "already_imported":
        return lookups()
    first = check_bytes(f"{HEADER1}\n{GOOD}\n".encode(), lookups(), file_name="t.csv")
    keys = row_keys(first.with_fields(first.table.select("line", "raw", "occurrence")))
    return lookups(committed_keys=frozenset(keys), committed_customers=frozenset({"001"}))


def _export(tmp_path: Path, line: str, reason: str, encoding: str = "cp1252") -> bytes:
    header, good = HEADER1, GOOD.replace("001;", "7104;")
    if reason == "unknown_article":
        header, good = HEADER3.replace("\n", "\r\n"), "7104;12101;;01;1;5,00;;0;;;"
    data = f"{header}\r\n{good}\r\n{line}\r\n".encode(encoding)
    result = check_bytes(data, _lookups(reason), file_name="t.csv")
    assert result.table.get_column("reason").drop_nulls().to_list() == [reason]
    out = tmp_path / "rejects.csv"
    assert export_rejects(result, out) == 1
    return out.read_bytes()


def test_every_reason_has_a_case() -> None:
    assert set(CASES) | NOT_ROUND_TRIP == set(REASONS)


@pytest.mark.parametrize("reason", sorted(CASES))
def test_unfixed_export_is_rejected_again_and_fixed_is_accepted(tmp_path: Path,
                                                                reason: str) -> None:
    bad, fixed = CASES[reason]
    exported = _export(tmp_path, bad, reason)
    lines = exported.decode("cp1252").split("\r\n")
    assert lines[-3].endswith(";Grund")
    assert lines[-2].startswith(bad + ";")  # the line as it was, then its reason
    again = check_bytes(exported, _lookups(reason), file_name="r.csv")
    assert again.has_reason_column
    assert (again.accepted, again.rejected) == (0, 1)
    assert again.table.get_column("reason").to_list() == [reason]
    repaired = exported.replace((bad + ";").encode("cp1252"), (fixed + ";").encode("cp1252"))
    done = check_bytes(repaired, _lookups(reason), file_name="r.csv")
    assert (done.accepted, done.rejected) == (1, 0)


def test_too_many_fields_are_kept_and_rejected_again(tmp_path: Path) -> None:
    bad, fixed = EXTRA_FIELD
    exported = _export(tmp_path, bad, "field_count")
    assert exported.decode("cp1252").split("\r\n")[1].startswith(bad + ";Falsche Anzahl")
    again = check_bytes(exported, lookups(), file_name="r.csv")
    assert again.table.get_column("reason").to_list() == ["field_count"]
    repaired = exported.replace(bad.encode(), fixed.encode())
    assert check_bytes(repaired, lookups(), file_name="r.csv").accepted == 1


def test_export_of_an_export_replaces_the_old_reason(tmp_path: Path) -> None:
    bad, _fixed = CASES["unknown_customer"]
    first = tmp_path / "first.csv"
    first.write_bytes(_export(tmp_path, bad, "unknown_customer"))
    again = check_bytes(first.read_bytes(), lookups(), file_name="first.csv")
    second = tmp_path / "second.csv"
    export_rejects(again, second)
    assert second.read_bytes() == first.read_bytes()


def test_a_reason_with_a_semicolon_is_quoted_and_read_back(tmp_path: Path) -> None:
    exported = _export(tmp_path, CASES["ambiguous_customer"][0], "ambiguous_customer")
    assert b'"Kundennummer passt' in exported
    again = check_bytes(exported, _lookups("ambiguous_customer"), file_name="r.csv")
    assert again.table.get_column("reason").to_list() == ["ambiguous_customer"]


def test_formula_guard_keeps_the_values(tmp_path: Path) -> None:
    bad = "9999;12101;Wartung;01;1;-5,00;01.06.2026;0;=1+2"
    exported = _export(tmp_path, bad, "unknown_customer")
    line = exported.split(b"\r\n")[1]
    assert line.startswith(b"9999;12101;Wartung;01;1;'-5,00;01.06.2026;0;'=1+2;")
    fixed = check_bytes(exported.replace(b"9999;", b"001;"), lookups(), file_name="r.csv")
    row = fixed.rows.row(0, named=True)
    assert (fixed.accepted, row["amount"], row["remarks"]) == (1, "-5.00", "=1+2")
