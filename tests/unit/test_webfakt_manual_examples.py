"""Each example of the WEBFAKT manual (seed 002), byte for byte, reads as a person reads it."""

from __future__ import annotations

import pytest
from support.webfakt import SEED, check_bytes, lookups, row

FORMAT1 = (
    "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;Rabatt;"
    "Bemerkungen\n"
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen\n"
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;\n"
)
FORMAT2 = (
    "Kunden-Nr;Leistungsbezeichnung;Mengentext;Betrag-Netto;Betrag-Brutto\n"
    "80220;Registrierung;Domain marina-jenkner.de (am 01.04.2005);7,76;9,00;\n"
)
FORMAT3 = (
    "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;Rabatt;"
    "Vertragsnummer;\n"
    "Bestellnummer;Bemerkungen\n"
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;4711;4712;keine Bemerkungen\n"
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;;;\n"
)
FORMAT4 = (
    "Kunden-Nr.;Datum;nächste Rechnung;Mitarbeiter;Leistung;Bemerkungen-/Langtext;Menge;Betrag\n"
    "43135;2013-04-19 00:00:00;2013-04-21 00:00:00;Karl Mustermann;Softwarewartung;"
    "Wartung inkl. Prüfung;0,25;29,38\n"
    "43135;2013-04-18 00:00:00;2013-04-22 00:00:00;Karl Mustermann;Addons Updateservice;"
    "Updateservice, inkl. – Prüfung Form/ Captcha;1,50;\n"
)


@pytest.mark.parametrize("example", [FORMAT1, FORMAT2, FORMAT3, FORMAT4])
def test_examples_are_the_seed_text(example: str) -> None:
    if not SEED.exists():
        pytest.skip("seed document not available")
    assert example in SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_format1_seed_rows(encoding: str) -> None:
    result = check_bytes(FORMAT1.encode(encoding), lookups())
    assert (result.format, result.encoding) == (1, encoding)
    assert (result.total, result.accepted, result.rejected) == (2, 2, 0)
    first, second = row(result, 2), row(result, 3)
    assert first["customer_number"] == "001" and first["customer_id"] == 1
    assert first["article_number"] == "12101"
    assert first["service"] == "Homepagewartung"
    assert (first["cycle"], first["cycle_name"]) == ("01", "monatlich")
    assert first["quantity"] == "2"
    assert first["amount"] == "38.53"
    assert first["next_invoice"] == "2004-05-22"
    assert first["discount"] == "5"
    assert first["remarks"] == "keine Bemerkungen"
    assert (second["customer_number"], second["cycle"], second["cycle_name"]) == (
        "7104", "12", "jährlich")
    assert (second["amount"], second["next_invoice"], second["discount"]) == (
        "43.36", "2004-06-01", "0")
    assert second["remarks"] == ""  # the empty field the trailing ";" carries


def test_format2_seed_row_with_trailing_separator() -> None:
    result = check_bytes(FORMAT2.encode(), lookups())
    assert (result.format, result.total, result.accepted) == (2, 1, 1)
    only = row(result, 2)
    assert only["customer_number"] == "80220"
    assert only["service"] == "Registrierung"
    assert only["quantity_text"] == "Domain marina-jenkner.de (am 01.04.2005)"
    assert (only["amount"], only["gross_amount"]) == ("7.76", "9.00")
    assert (only["cycle"], only["cycle_name"]) == ("00", "einmalig")  # stored as one-time
    assert only["quantity"] == "1"
    # 7,76 net / 9,00 gross is 16 % VAT (2005): no warning
    assert result.warnings == []


def test_format3_seed_with_header_over_two_lines() -> None:
    result = check_bytes(FORMAT3.encode(), lookups())
    assert (result.format, result.header_line_count) == (3, 2)
    assert (result.total, result.accepted) == (2, 2)
    first, second = row(result, 3), row(result, 4)  # data starts on file line 3
    assert (first["contract_number"], first["order_number"]) == ("4711", "4712")
    assert first["remarks"] == "keine Bemerkungen"
    assert (first["amount"], first["next_invoice"], first["cycle_name"]) == (
        "38.53", "2004-05-22", "monatlich")
    assert (second["contract_number"], second["order_number"], second["remarks"]) == (
        "", "", "")
    assert second["cycle_name"] == "jährlich"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_format4_seed_rows_and_price_from_catalogue(encoding: str) -> None:
    result = check_bytes(FORMAT4.encode(encoding), lookups())
    assert (result.format, result.encoding, result.total, result.accepted) == (
        4, encoding, 2, 2)
    first, second = row(result, 2), row(result, 3)
    assert first["date"] == "2013-04-19" and first["next_invoice"] == "2013-04-21"
    assert first["employee"] == "Karl Mustermann"
    assert first["service"] == "Softwarewartung"
    assert first["remarks"] == "Wartung inkl. Prüfung"
    assert (first["quantity"], first["amount"]) == ("0.25", "29.38")
    assert (first["cycle"], first["cycle_name"]) == ("00", "einmalig")
    assert first["from_catalogue"] is False
    assert second["remarks"] == "Updateservice, inkl. – Prüfung Form/ Captcha"
    assert second["quantity"] == "1.50"
    # empty Betrag: the price of the article named "Addons Updateservice"
    assert second["amount"] == "19.90"
    assert second["from_catalogue"] is True
    assert result.filled_from_catalogue == [3]
