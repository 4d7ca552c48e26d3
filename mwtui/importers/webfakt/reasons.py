"""Why a WEBFAKT row is rejected or noted: reason codes, rejects and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mwtui.i18n import N_, _

#: Reason codes, in the order rows are checked (a row reports the first failing check), with
#: the message shown to the operator (German, the seed's sentences where it has one).
REASONS: dict[str, str] = {
    "line_too_long": "Zeile ist länger als 64 KiB und wird nicht gelesen; bitte die Zeile "
    "kürzen oder teilen.",
    "field_count": "Falsche Anzahl Felder in der Zeile.",
    "nul_byte": "Feld enthält ein Nullzeichen (NUL); die Datei ist beschädigt oder keine "
    "Textdatei.",
    "field_too_long": "Feld ist länger als für diese Spalte erlaubt.",
    "unknown_customer": "Bei nicht vorhandener Kundennummer wird kein Import durchgeführt.",
    "ambiguous_customer": "Kundennummer passt ohne führende Nullen zu mehreren Kunden; "
    "bitte die Nummer exakt angeben.",
    "bad_cycle": "Unbekannte Abrechnungsart (erlaubt: 00, 01, 06, 12, 24, 36).",
    "bad_quantity": "Anzahl/Menge ist keine Zahl größer 0 (Format 1,5).",
    "bad_amount": "Betrag ist keine Zahl im Format 1.234,56.",
    "bad_discount": "Rabatt muss eine Zahl von 0 bis 100 (Prozent) sein.",
    "bad_date": "Datum nicht lesbar (erwartet TT.MM.JJJJ oder JJJJ-MM-TT hh:mm:ss).",
    "unknown_article": "Keine Leistung angegeben und Artikelnummer nicht in der "
    "Artikelverwaltung.",
    "missing_service": "Keine Leistung angegeben.",
    "zero_amount": "Leistungen ohne Wert werden nicht übernommen.",
    "already_imported": "Diese Leistung wurde bereits importiert.",
}


#: Short names of the reasons for tables and summaries (translated at display; the detail
#: keeps the full sentence of :data:`REASONS`).
REASON_LABELS: dict[str, str] = {
    "line_too_long": N_("Line too long"),
    "field_count": N_("Field count"),
    "nul_byte": N_("NUL character"),
    "field_too_long": N_("Field too long"),
    "unknown_customer": N_("Unknown customer"),
    "ambiguous_customer": N_("Customer ambiguous"),
    "bad_cycle": N_("Billing type wrong"),
    "bad_quantity": N_("Quantity wrong"),
    "bad_amount": N_("Amount wrong"),
    "bad_discount": N_("Discount wrong"),
    "bad_date": N_("Date wrong"),
    "unknown_article": N_("Article unknown"),
    "missing_service": N_("Service missing"),
    "zero_amount": N_("Amount 0"),
    "already_imported": N_("Already imported"),
}


def reason_label(code: object) -> str:
    """The short name of a reason code in the current language (the code if unknown)."""
    text = "" if code is None else str(code)
    label = REASON_LABELS.get(text)
    return _(label) if label else text


@dataclass(frozen=True)
class Reject:
    """One rejected row: where, which column, the raw value, why."""

    line: int  # 1-based physical line number in the file (blank lines counted)
    column: str  # the column's name as in the format's header, "" for whole-row reasons
    value: str  # the raw field text ("" when missing)
    reason: str  # a key of REASONS
    message: str  # operator sentence (German)

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value,
                "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class RowWarning:
    """A note on an accepted row that does not stop the import (e.g. gross/net mismatch)."""

    line: int
    column: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}
