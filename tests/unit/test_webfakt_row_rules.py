"""Row rules of the WEBFAKT check: every reason code, catalogue rule and parsing detail."""

from __future__ import annotations

import pytest
from support.webfakt import HEADER1, HEADER2, HEADER3, HEADER4, check, lookups, row

from mwtui.importers.webfakt import REASONS, FileError, check_bytes

GOOD1 = "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen"


def f1(*rows: str) -> str:
    return HEADER1 + "\n" + "\n".join(rows) + "\n"


def only_reject(result, line: int):
    rejects = [r for r in result.rejects if r.line == line]
    assert len(rejects) == 1, result.rejects
    return rejects[0]


# --- reasons -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data_row", "reason", "column", "value"),
    [
        ("9999;12101;Homepagewartung;01;1;38,53;22.05.2004;0;", "unknown_customer",
         "Kunden-Nr.", "9999"),
        (";12101;Homepagewartung;01;1;38,53;22.05.2004;0;", "unknown_customer",
         "Kunden-Nr.", ""),
        ("001;12101;Homepagewartung;01;1;0,00;22.05.2004;0;", "zero_amount", "Betrag", "0,00"),
        ("001;12101;Homepagewartung;01;1;;22.05.2004;0;", "zero_amount", "Betrag", ""),
        ("001;12101;Homepagewartung;01;1;38.53;22.05.2004;0;", "bad_amount", "Betrag",
         "38.53"),
        ("001;12101;Homepagewartung;01;1;1.23,4;22.05.2004;0;", "bad_amount", "Betrag",
         "1.23,4"),
        ("001;12101;Homepagewartung;01;zwei;38,53;22.05.2004;0;", "bad_quantity", "Anzahl",
         "zwei"),
        ("001;12101;Homepagewartung;01;-1;38,53;22.05.2004;0;", "bad_quantity", "Anzahl",
         "-1"),
        ("001;12101;Homepagewartung;01;1;38,53;22.05.2004;101;", "bad_discount", "Rabatt",
         "101"),
        ("001;12101;Homepagewartung;01;1;38,53;22.05.2004;-5;", "bad_discount", "Rabatt",
         "-5"),
        ("001;12101;Homepagewartung;01;1;38,53;22.05.2004;viel;", "bad_discount", "Rabatt",
         "viel"),
        ("001;12101;Homepagewartung;01;1;38,53;30.02.2004;0;", "bad_date", "nächste Rechnung",
         "30.02.2004"),
        ("001;12101;Homepagewartung;01;1;38,53;morgen;0;", "bad_date", "nächste Rechnung",
         "morgen"),
        ("001;12101;Homepagewartung;02;1;38,53;22.05.2004;0;", "bad_cycle", "Abrechnungsart",
         "02"),
        ("001;12101;Homepagewartung;;1;38,53;22.05.2004;0;", "bad_cycle", "Abrechnungsart",
         ""),
        ("001;12101;Homepagewartung;01;1;38,53", "field_count", "", ""),
        ("001;12101;Homepagewartung;01;1;38,53;22.05.2004;0;x;y", "field_count", "", ""),
        ("001;12101;;01;1;38,53;22.05.2004;0;", "missing_service", "Leistung", ""),
    ],
)
def test_each_reason_with_line_column_and_value(data_row, reason, column, value) -> None:
    result = check(f1(GOOD1, data_row))
    assert result.accepted == 1
    reject = only_reject(result, 3)
    assert (reject.reason, reject.column, reject.value) == (reason, column, value)
    assert reject.message.startswith(REASONS[reason])
    assert result.reasons == {reason: 1}


def test_seed_sentences_are_the_messages() -> None:
    assert REASONS["unknown_customer"].startswith(
        "Bei nicht vorhandener Kundennummer wird kein Import durchgeführt")
    assert REASONS["zero_amount"].startswith("Leistungen ohne Wert werden nicht übernommen")


def test_customer_number_ignoring_leading_zeros_when_unambiguous() -> None:
    result = check(f1("1;12101;Homepagewartung;01;1;38,53;22.05.2004;0;",
                      "0043135;12101;Homepagewartung;01;1;38,53;22.05.2004;0;"))
    assert result.accepted == 2
    assert row(result, 2)["customer_id"] == 1
    assert row(result, 2)["customer_number"] == "001"  # the workspace's spelling
    assert row(result, 3)["customer_id"] == 4


def test_ambiguous_customer_is_its_own_reason() -> None:
    customers = {"0815": 1, "00815": 2, "7": 3, "7 ": 4}
    result = check(f1("815;12101;Homepagewartung;01;1;38,53;22.05.2004;0;",
                      "0815;12101;Homepagewartung;01;1;38,53;22.05.2004;0;"),
                   customers=customers)
    assert only_reject(result, 2).reason == "ambiguous_customer"
    assert row(result, 3)["status"] == "accepted"  # the exact match wins
    assert row(result, 3)["customer_id"] == 1


def test_two_customers_with_the_same_exact_number_are_ambiguous() -> None:
    result = check(f1(GOOD1), customers={"001": None})
    assert only_reject(result, 2).reason == "ambiguous_customer"


def test_first_failing_check_is_reported() -> None:
    result = check(f1("9999;12101;Homepagewartung;99;x;abc;nie;500;"))
    assert only_reject(result, 2).reason == "unknown_customer"


# --- catalogue rules -----------------------------------------------------------------------

def test_format3_empty_service_takes_name_price_and_long_text_from_article() -> None:
    text = HEADER3 + "\n43135;20001;;06;1;;01.07.2026;0;V-1;B-1;\n"
    result = check(text)
    filled = row(result, 3)
    assert filled["status"] == "accepted"
    assert (filled["service"], filled["amount"], filled["remarks"]) == (
        "Softwarewartung", "117.50", "Wartung")
    assert filled["from_catalogue"] is True
    assert result.filled_from_catalogue == [3]


def test_format3_given_amount_and_remarks_win_over_catalogue() -> None:
    text = HEADER3 + "\n43135;20001;;06;1;99,00;01.07.2026;0;;;eigener Text\n"
    filled = row(check(text), 3)
    assert (filled["service"], filled["amount"], filled["remarks"]) == (
        "Softwarewartung", "99.00", "eigener Text")


def test_format3_unknown_article_number() -> None:
    text = HEADER3 + "\n43135;99999;;06;1;;01.07.2026;0;;;\n"
    reject = only_reject(check(text), 3)
    assert (reject.reason, reject.column, reject.value) == (
        "unknown_article", "Artikelnummer", "99999")


def test_format3_no_service_no_article_is_missing_service() -> None:
    text = HEADER3 + "\n43135;;;06;1;10,00;01.07.2026;0;;;\n"
    assert only_reject(check(text), 3).reason == "missing_service"


def test_format4_empty_amount_takes_price_of_article_with_that_name() -> None:
    text = HEADER4 + "\n43135;2013-04-19 00:00:00;;Karl;softwarewartung;;1;\n"
    filled = row(check(text), 2)
    assert (filled["status"], filled["amount"], filled["from_catalogue"]) == (
        "accepted", "117.50", True)


def test_format4_empty_amount_without_matching_article_is_zero_amount() -> None:
    text = HEADER4 + "\n43135;2013-04-19 00:00:00;;Karl;Fahrtkosten;;1;\n"
    reject = only_reject(check(text), 2)
    assert (reject.reason, reject.column) == ("zero_amount", "Betrag")


def test_format4_article_price_zero_is_zero_amount() -> None:
    from mwtui.importers.webfakt import ArticleInfo

    free = ArticleInfo("1", "Gratis", "0", "")
    text = HEADER4 + "\n43135;2013-04-19 00:00:00;;Karl;Gratis;;1;\n"
    result = check(text, articles_by_name={"gratis": free})
    assert only_reject(result, 2).reason == "zero_amount"


def test_format2_gross_not_fitting_a_vat_rate_is_a_warning() -> None:
    text = HEADER2 + "\n80220;Schulung;Halber Tag;200,00;250,00;\n" \
        "80220;Hosting;Webspace;10,00;11,90;\n80220;Buch;1 Stück;20,00;21,40\n" \
        "80220;Schweiz;1;100,00;108,10\n"
    result = check(text)
    assert result.accepted == 4
    assert [w.line for w in result.warnings] == [2]
    assert result.warnings[0].column == "Betrag-Brutto"


# --- parsing -----------------------------------------------------------------------------

def test_line_numbers_count_blank_lines_and_the_wrapped_header() -> None:
    text = HEADER3 + "\n\n001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;1;2;x\n" \
        "   \n;;;\n9999;12101;Homepagewartung;01;2;38,53;22.05.2004;5;1;2;x\n"
    result = check(text)
    assert result.total == 2
    assert result.rows["line"].to_list() == [4, 7]
    assert only_reject(result, 7).reason == "unknown_customer"


def test_crlf_and_blank_lines_before_the_header() -> None:
    text = "\r\n" + f1(GOOD1, "", GOOD1.replace("001", "7104")).replace("\n", "\r\n")
    result = check(text)
    assert result.rows["line"].to_list() == [3, 5]
    assert row(result, 3)["remarks"] == "keine Bemerkungen"  # no stray CR


@pytest.mark.parametrize("header", [
    HEADER1.replace("Kunden-Nr.", "Kunden-Nr"),
    HEADER1 + ";",
    "  " + HEADER1.upper().replace(";", " ; ") + "  ",
    HEADER1.replace("nächste", "naechste"),
])
def test_header_tolerance(header: str) -> None:
    result = check(header + "\n" + GOOD1 + "\n")
    assert (result.format, result.accepted) == (1, 1)


def test_format3_header_on_one_line_also_works() -> None:
    result = check(HEADER3.replace(";\n", ";") + "\n001;12101;H;01;1;1,00;;0;1;2;x\n")
    assert (result.format, result.header_line_count, result.accepted) == (3, 1, 1)


def test_unknown_header_is_one_file_error_naming_the_four_layouts() -> None:
    with pytest.raises(FileError) as err:
        check("Name;Betrag\nx;1\n")
    text = str(err.value)
    for number in ("format 1", "format 2", "format 3", "format 4"):
        assert number in text
    assert "Leistungsbezeichnung" in text and "Mitarbeiter" in text


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_a_file_error(data: bytes) -> None:
    with pytest.raises(FileError, match="empty"):
        check_bytes(data, lookups())


def test_header_only_gives_zero_rows() -> None:
    result = check(HEADER1 + "\n")
    assert (result.total, result.accepted, result.rejected) == (0, 0, 0)


def test_encodings_bom_utf8_and_windows_1252() -> None:
    text = f1("001;12101;Größe;01;1;38,53;22.05.2004;0;Über")
    bom = check_bytes(b"\xef\xbb\xbf" + text.encode(), lookups())
    plain = check_bytes(text.encode(), lookups())
    ansi = check_bytes(text.encode("cp1252"), lookups())
    assert (bom.encoding, plain.encoding, ansi.encoding) == ("utf-8-sig", "utf-8", "cp1252")
    for result in (bom, plain, ansi):
        assert row(result, 2)["service"] == "Größe"
        assert row(result, 2)["remarks"] == "Über"


def test_german_decimals_dates_and_discount_percent() -> None:
    result = check(f1("001;12101;H;1;1,5;1.234,56;1.6.2004;12,5 %;"))
    got = row(result, 2)
    assert (got["status"], got["cycle"], got["quantity"], got["amount"]) == (
        "accepted", "01", "1.5", "1234.56")
    assert (got["next_invoice"], got["discount"]) == ("2004-06-01", "12.5")


def test_empty_quantity_discount_and_date_take_defaults() -> None:
    got = row(check(f1("001;12101;H;00;;5,00;;;")), 2)
    assert (got["quantity"], got["discount"], got["next_invoice"]) == ("1", "0", None)


def test_time_other_than_midnight_is_kept() -> None:
    text = HEADER4 + "\n43135;2026-11-02 08:30:00;2026-12-01 00:00:00;E;S;;1;5,00\n"
    got = row(check(text), 2)
    assert (got["date"], got["next_invoice"]) == ("2026-11-02T08:30:00", "2026-12-01")


def test_br_in_remarks_becomes_a_line_break() -> None:
    got = row(check(f1("001;12101;H;01;1;5,00;;0;Zeile 1<br>Zeile 2<BR />Zeile 3")), 2)
    assert got["remarks"] == "Zeile 1\nZeile 2\nZeile 3"


def test_quoted_fields_may_contain_separator_and_quotes() -> None:
    result = check(f1('001;12101;"Wartung; Sonder";01;1;5,00;;0;"sagt ""hallo"""',
                      '7104;17104;Buch 19" Rack;01;1;5,00;;0;'))
    assert row(result, 2)["service"] == "Wartung; Sonder"
    assert row(result, 2)["remarks"] == 'sagt "hallo"'
    assert row(result, 3)["service"] == 'Buch 19" Rack'
    assert result.accepted == 2


def test_identical_rows_in_one_file_are_both_kept_and_flagged() -> None:
    result = check(f1(GOOD1, GOOD1))
    assert result.accepted == 2
    assert result.rows["occurrence"].to_list() == [0, 1]
    assert [w.line for w in result.warnings] == [3]
    assert "Zeile 2" in result.warnings[0].message


def test_to_json_has_the_documented_keys() -> None:
    data = check(f1(GOOD1, "9999;1;x;01;1;1,00;;0;")).to_json()
    for key in ("format", "encoding", "rows", "accepted", "rejected", "reasons", "rejects",
                "filled_from_catalogue", "warnings", "sha256", "file"):
        assert key in data
    assert data["rejects"] == [{"line": 3, "column": "Kunden-Nr.", "value": "9999",
                                "reason": "unknown_customer",
                                "message": REASONS["unknown_customer"]}]
    assert data["reasons"] == {"unknown_customer": 1}


def test_progress_is_reported_and_cancel_stops() -> None:
    import threading

    from mwtui.workspace.errors import ImportCancelled

    seen: list[tuple[str, float]] = []
    check_bytes(f1(GOOD1).encode(), lookups(), progress=lambda s, f: seen.append((s, f)))
    assert seen[0][1] == 0.0 and seen[-1] == ("done", 1.0)
    stop = threading.Event()
    stop.set()
    with pytest.raises(ImportCancelled):
        check_bytes(f1(GOOD1).encode(), lookups(), cancel=stop)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("offset", [65534, 65535, 65536, 70000])
def test_encoding_detected_when_first_umlaut_comes_late(encoding: str, offset: int) -> None:
    head = HEADER1.replace("nächste", "naechste") + "\n" + "001;12101;Wartung;01;1;1,00;;0;"
    umlaut_row = "001;12101;Gr"
    padding = offset - len(head) - 1 - len(umlaut_row)
    text = head + "x" * padding + "\n" + umlaut_row + "öße;01;1;1,00;;0;\n"
    data = text.encode(encoding)
    assert data.index("ö".encode(encoding)) == offset
    result = check_bytes(data, lookups())
    assert result.encoding == encoding
    assert result.rows["service"].cast(str).to_list() == ["Wartung", "Größe"]
