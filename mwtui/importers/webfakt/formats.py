"""The four WEBFAKT service-list layouts: header names, field names, result columns."""

from __future__ import annotations

#: The four layouts as printed in the WEBFAKT manual (format 3's header is printed over two
#: lines there; both the wrapped and the one-line form are recognised).
FORMAT_HEADERS: dict[int, str] = {
    1: "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
    "Rabatt;Bemerkungen",
    2: "Kunden-Nr;Leistungsbezeichnung;Mengentext;Betrag-Netto;Betrag-Brutto",
    3: "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
    "Rabatt;Vertragsnummer;Bestellnummer;Bemerkungen",
    4: "Kunden-Nr.;Datum;nächste Rechnung;Mitarbeiter;Leistung;Bemerkungen-/Langtext;Menge;"
    "Betrag",
}

#: Header names of each format, in file order.
FORMAT_COLUMNS: dict[int, tuple[str, ...]] = {
    fmt: tuple(header.split(";")) for fmt, header in FORMAT_HEADERS.items()
}

#: Internal field name of every column of each format, in file order.
FORMAT_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("customer_number", "article_number", "service", "cycle", "quantity", "amount",
        "next_invoice", "discount", "remarks"),
    2: ("customer_number", "service", "quantity_text", "amount", "gross_amount"),
    3: ("customer_number", "article_number", "service", "cycle", "quantity", "amount",
        "next_invoice", "discount", "contract_number", "order_number", "remarks"),
    4: ("customer_number", "date", "next_invoice", "employee", "service", "remarks",
        "quantity", "amount"),
}

#: Normalised columns every ``CheckResult.rows`` frame has (null where the format lacks it).
NORMALISED_COLUMNS: tuple[str, ...] = (
    "customer_number", "customer_id", "article_number", "service", "cycle", "cycle_name",
    "quantity", "quantity_text", "amount", "gross_amount", "next_invoice", "date", "discount",
    "remarks", "employee", "contract_number", "order_number",
)

#: Normalised fields that are null throughout when the format has no column for them.
OPTIONAL_FIELDS: tuple[str, ...] = (
    "article_number", "quantity_text", "gross_amount", "next_invoice", "date", "employee",
    "contract_number", "order_number",
)

#: Columns of ``CheckResult.table`` (the check's outcome without the normalised fields).
OUTCOME_COLUMNS: tuple[str, ...] = (
    "line", "status", "reason", "column", "value", "message", "warning", "from_catalogue",
    "raw", "occurrence", "row_key",
)

#: Name of the extra column that ``export_rejects`` appends (and a re-import ignores).
REASON_COLUMN = "Grund"
