"""Article catalogue and customers from semicolon files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mwtui.importers.webfakt import FileError, check_file
from mwtui.importers.webfakt.catalogue import (
    check_articles_bytes,
    check_customers_bytes,
    demo_file,
    import_articles,
    import_customers,
    load_demo_catalogue,
)
from mwtui.workspace.store import Workspace

ART = "Artikelnummer;Bezeichnung;VK-Preis;Langtext\n"
CUS = "Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon\n"


def test_articles_parse_prices_and_row_errors() -> None:
    text = ART + "1;Wartung;1.234,50;Zeile<br>zwei\n\n2;;5,00;\n;Ohne;1,00;\n" \
        "3;Preis;abc;\n1;Doppelt;2,00;\n4;Kurz\n5;Gratis;;für\n"
    check = check_articles_bytes(text.encode("cp1252"))
    assert check.encoding == "cp1252"
    assert check.records[0] == {"number": "1", "name": "Wartung", "price": "1234.50",
                                "long_text": "Zeile\nzwei"}
    assert check.records[1]["price"] == "0" and check.records[1]["long_text"] == "für"
    assert [(r.line, r.reason) for r in check.rejects] == [
        (4, "missing_name"), (5, "missing_number"), (6, "bad_price"),
        (7, "duplicate_number"), (8, "field_count")]


def test_customers_header_tolerance_and_errors() -> None:
    text = "Kunden-Nr;Name;Strasse;PLZ;Ort;E-Mail;Telefon;\n001;Meier;Weg 1;1;X;a@b.example;1\n" \
        "002;Huber;;;;keine-mail;\n"
    check = check_customers_bytes(text.encode())
    assert check.records[0]["number"] == "001"
    assert [(r.line, r.reason, r.column) for r in check.rejects] == [(3, "bad_email",
                                                                      "E-Mail")]


def test_unknown_catalogue_header_is_a_file_error() -> None:
    with pytest.raises(FileError, match="Artikelnummer"):
        check_articles_bytes(b"Nummer;Name\n1;x\n")


def test_upsert_by_number_keeps_values_for_empty_cells(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    first = tmp_path / "c1.csv"
    first.write_text(CUS + "001;Meier;Weg 1;10115;Berlin;m@x.example;030 1\n",
                     encoding="utf-8")
    result = import_customers(ws, first)
    assert (result.created, result.updated) == (1, 0)
    second = tmp_path / "c2.csv"
    second.write_text(CUS + "001;Meier GmbH;;;;;\n002;Huber;;;;;\n", encoding="utf-8")
    result = import_customers(ws, second)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    docs = {d["number"]: d for _i, d in ws.snapshot().items("customers")}
    assert docs["001"]["name"] == "Meier GmbH" and docs["001"]["city"] == "Berlin"
    assert docs["001"]["sources"][0]["integration"] == "webfakt"
    assert import_customers(ws, second).unchanged == 2
    kinds = {d["kind"] for _i, d in ws.snapshot().items("batches")}
    assert kinds == {"customers"}


def test_article_upsert(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    path = tmp_path / "a.csv"
    path.write_text(ART + "12101;Homepagewartung;38,53;\n", encoding="utf-8")
    assert import_articles(ws, path).created == 1
    path.write_text(ART + "12101;Homepagewartung;40,00;neu\n", encoding="utf-8")
    assert import_articles(ws, path).updated == 1
    (doc,) = [d for _i, d in ws.snapshot().items("articles")]
    assert (doc["price"], doc["long_text"]) == ("40.00", "neu")


def test_demo_catalogue_makes_the_sample_files_meaningful(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws.json")
    load_demo_catalogue(ws)
    one = check_file(demo_file("webfakt_format1.csv"), ws)
    assert one.encoding == "cp1252"
    assert set(one.reasons) >= {"unknown_customer", "ambiguous_customer", "zero_amount",
                                "bad_cycle", "bad_date", "bad_amount", "bad_discount",
                                "bad_quantity", "field_count"}
    three = check_file(demo_file("webfakt_format3.csv"), ws)
    assert three.filled_from_catalogue and "unknown_article" in three.reasons
    four = check_file(demo_file("webfakt_format4.csv"), ws)
    assert four.filled_from_catalogue == [3, 4]
    two = check_file(demo_file("webfakt_format2.csv"), ws)
    assert two.warnings
