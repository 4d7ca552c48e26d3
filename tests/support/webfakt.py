"""Shared helpers for the WEBFAKT tests: a workspace with the seed's customers and articles."""

from __future__ import annotations

from pathlib import Path

from mwtui.importers.webfakt import ArticleInfo, CatalogueLookups, CheckResult, check_bytes
from mwtui.workspace.models import Article, Customer
from mwtui.workspace.store import Workspace

# A byte-exact copy of ../shared/seeds/002_44795dac45bc4eae.txt, so CI checks it too.
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "002_44795dac45bc4eae.txt"

CUSTOMERS = {"001": 1, "7104": 2, "80220": 3, "43135": 4, "1200": 5}
ARTICLES = {
    "12101": ArticleInfo("12101", "Homepagewartung", "38.53", "Pflege der Homepage"),
    "17104": ArticleInfo("17104", "Wartungsvertrag", "43.36", ""),
    "20001": ArticleInfo("20001", "Softwarewartung", "117.50", "Wartung"),
    "20002": ArticleInfo("20002", "Addons Updateservice", "19.90", "Updateservice"),
}

HEADER1 = "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;" \
    "Rabatt;Bemerkungen"
HEADER2 = "Kunden-Nr;Leistungsbezeichnung;Mengentext;Betrag-Netto;Betrag-Brutto"
HEADER3 = ("Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
           "Rabatt;Vertragsnummer;\nBestellnummer;Bemerkungen")
HEADER4 = "Kunden-Nr.;Datum;nächste Rechnung;Mitarbeiter;Leistung;Bemerkungen-/Langtext;Menge;" \
    "Betrag"


def lookups(**overrides) -> CatalogueLookups:
    by_name = {a.name.casefold(): a for a in ARTICLES.values()}
    values = {"customers": dict(CUSTOMERS), "articles_by_number": dict(ARTICLES),
              "articles_by_name": by_name}
    values.update(overrides)
    return CatalogueLookups(**values)


def check(text: str, encoding: str = "utf-8", **overrides) -> CheckResult:
    return check_bytes(text.encode(encoding), lookups(**overrides), file_name="t.csv")


def fields_at(result: CheckResult, index: int) -> dict:
    """All fields (outcome and normalised) of ``result.table`` row ``index``."""
    return result.with_fields(result.table.slice(index, 1)).row(0, named=True)


def row(result: CheckResult, line: int) -> dict:
    found = result.rows.filter(result.rows["line"] == line).to_dicts()
    assert found, f"no row for line {line}"
    return found[0]


def seeded_workspace(path: Path) -> Workspace:
    """A workspace holding the seed's customers and the catalogue above."""
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        for number in CUSTOMERS:
            tx.insert("customers", Customer(name=f"Kunde {number}", number=number).to_record())
        for art in ARTICLES.values():
            tx.insert("articles", Article(number=art.number, name=art.name, price=art.price,
                                          long_text=art.long_text).to_record())
    return ws
