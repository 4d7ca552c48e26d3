"""WEBFAKT service import ("Import Dienstleistungen"): bytes -> polars frame -> accept/reject.

Pure core (no Textual, no Rich). The flow an operator sees:

1. ``check_file(path, workspace)`` (or ``check_bytes(data, lookups)``) reads the file, detects
   encoding and layout (format 1-4) and returns a :class:`CheckResult`: one row per data row
   of the file, each ``accepted`` (normalised) or ``rejected`` (reason code, message, column,
   raw value). Nothing is written.
2. ``commit(workspace, result, path)`` writes exactly the accepted rows of that result as one
   batch in one store transaction, after checking the file did not change since the check.
3. ``export_rejects(result, out_path)`` writes the rejected rows in the file's own layout,
   encoding and separator plus a ``Grund`` column, ready to be fixed and imported again.

Only one exception leaves ``check_*``: :class:`FileError` (file-level problem such as an
unknown header or an empty file). Everything wrong with a single row is a row reject.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.errors import MwtuiError

# --- public constants ---------------------------------------------------------------------

#: Reason codes, in the order rows are checked (a row reports the first failing check), with
#: the message shown to the operator (German, the seed's sentences where it has one).
REASONS: dict[str, str] = {
    "field_count": "Falsche Anzahl Felder in der Zeile.",
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

#: Name of the extra column that :func:`export_rejects` appends (and a re-import ignores).
REASON_COLUMN = "Grund"

Progress = Callable[[str, float], None]
"""``progress(step, fraction)``: step is a short English label, fraction 0.0-1.0."""


class FileError(MwtuiError):
    """The file as a whole cannot be read as a WEBFAKT service list (one sentence why)."""


@dataclass(frozen=True)
class ArticleInfo:
    """One catalogue article as the checker needs it."""

    number: str
    name: str
    price: str  # decimal string with a dot, e.g. "38.53"
    long_text: str = ""


@dataclass
class CatalogueLookups:
    """What a check needs from the workspace, taken once from a snapshot.

    - ``customers``: customer number exactly as stored -> customer id; ``None`` when several
      customers share that exact number (a row naming it is ``ambiguous_customer``).
    - ``articles_by_number``: article number -> article.
    - ``articles_by_name``: article name, stripped and case-folded -> article; names that
      several articles share are left out (no guess).
    - ``committed_keys``: ``row_key`` of every service already in the workspace.
    - ``committed_customers``: customer numbers that have committed services (only rows of
      those customers need their key computed during a check).
    """

    customers: dict[str, int | None] = field(default_factory=dict)
    articles_by_number: dict[str, ArticleInfo] = field(default_factory=dict)
    articles_by_name: dict[str, ArticleInfo] = field(default_factory=dict)
    committed_keys: frozenset[str] = frozenset()
    committed_customers: frozenset[str] = frozenset()

    @classmethod
    def from_snapshot(cls, snapshot: Any) -> CatalogueLookups:
        """Build the look-ups from a ``store.Snapshot`` (or a ``Transaction``)."""
        raise NotImplementedError


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


@dataclass
class CheckResult:
    """The outcome of checking one file. Nothing has been written.

    ``rows`` is a polars DataFrame, one row per data row in file order, with columns:

    - ``line`` (UInt32): physical 1-based line number in the file;
    - ``status`` (str): ``"accepted"`` or ``"rejected"``;
    - ``reason`` / ``column`` / ``value`` / ``message`` (str, null when accepted): reason code
      (key of :data:`REASONS`), header name of the offending column, its raw text, message;
    - ``warning`` (str, null if none): a non-blocking note, e.g. gross does not fit net;
    - ``from_catalogue`` (bool): service, price or long text was filled from the article
      catalogue;
    - ``raw`` (str): the line's text as in the file (without the line break);
    - the normalised fields of :data:`NORMALISED_COLUMNS` (str, ``customer_id`` Int64):
      amounts/quantities/discount as dot-decimal strings ("1234.56"), dates ISO
      ("2004-05-22", or "2013-04-19T08:30:00" when a time other than midnight is given),
      ``cycle`` two digits and ``cycle_name`` (formats 2 and 4: "00"/"einmalig"), remarks with
      ``<br>`` turned into "\\n". For rejected rows the fields that could be parsed are filled,
      the others null;
    - ``row_key`` (str, null until needed): content hash stored on committed services.

    Other attributes: ``format`` (1-4), ``encoding`` ("utf-8-sig" when a UTF-8 BOM was
    found, "utf-8" when the bytes are valid UTF-8, else "cp1252" = Windows-1252), ``sha256``
    (hex of the file bytes), ``file_name``, ``size`` (bytes), ``header_lines`` (the header as
    physical lines, two for the wrapped format-3 header), ``header_line_count``,
    ``has_reason_column`` (the file carries a trailing ``Grund`` column from a rejects export,
    ignored), ``fields`` (internal field names) and ``columns`` (header names) of the format.
    """

    format: int
    encoding: str
    sha256: str
    file_name: str
    size: int
    header_lines: tuple[str, ...]
    has_reason_column: bool
    rows: pl.DataFrame
    line_ending: str = "\n"

    @property
    def header_line_count(self) -> int:
        return len(self.header_lines)

    @property
    def fields(self) -> tuple[str, ...]:
        return FORMAT_FIELDS[self.format]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(FORMAT_HEADERS[self.format].split(";"))

    # Counts and lists ---------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Number of data rows (blank lines and header not counted)."""
        raise NotImplementedError

    @property
    def accepted(self) -> int:
        raise NotImplementedError

    @property
    def rejected(self) -> int:
        raise NotImplementedError

    @property
    def reasons(self) -> dict[str, int]:
        """Rejected rows per reason code (only codes that occur)."""
        raise NotImplementedError

    @property
    def rejects(self) -> list[Reject]:
        """All rejected rows in file order."""
        raise NotImplementedError

    @property
    def warnings(self) -> list[RowWarning]:
        raise NotImplementedError

    @property
    def filled_from_catalogue(self) -> list[int]:
        """Line numbers of accepted rows that took values from the article catalogue."""
        raise NotImplementedError

    def accepted_rows(self) -> pl.DataFrame:
        raise NotImplementedError

    def rejected_rows(self) -> pl.DataFrame:
        raise NotImplementedError

    def summary_json(self) -> dict[str, Any]:
        """The JSON keys without the per-row lists (cheap for a header line)."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: format, encoding, file, sha256, rows, accepted, rejected, reasons,
        rejects, filled_from_catalogue, warnings."""
        raise NotImplementedError


@dataclass(frozen=True)
class CommitResult:
    """What a commit wrote. ``batch_id`` is None when nothing was new (no batch created)."""

    batch_id: str | None
    committed: int
    already_imported: int  # accepted at check time, but committed meanwhile (skipped)
    rejected: int  # rows rejected by the check (never written)

    def to_json(self) -> dict[str, Any]:
        return {"batch": self.batch_id, "committed": self.committed,
                "already_imported": self.already_imported, "rejected": self.rejected}


# --- public functions -------------------------------------------------------------------


def check_bytes(
    data: bytes,
    lookups: CatalogueLookups,
    *,
    file_name: str = "",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CheckResult:
    """Check a WEBFAKT service list given as bytes. Raises only :class:`FileError` (and
    ``ImportCancelled`` when ``cancel`` is set)."""
    raise NotImplementedError


def check_file(
    path: Path | str,
    workspace: Any,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CheckResult:
    """Read ``path`` and check it against a snapshot of ``workspace`` (a ``store.Workspace``).
    An unreadable file is a :class:`FileError`."""
    raise NotImplementedError


def commit(
    workspace: Any,
    result: CheckResult,
    path: Path | str,
    *,
    progress: Progress | None = None,
) -> CommitResult:
    """Write the accepted rows of ``result`` as one batch (kind ``webfakt``) in one
    transaction. Refuses with :class:`FileError` when the file's SHA-256 no longer matches
    the check; rows committed meanwhile by someone else are skipped and counted."""
    raise NotImplementedError


def export_rejects(result: CheckResult, out_path: Path | str) -> int:
    """Write the rejected rows to ``out_path`` in the file's layout, encoding and ``;`` plus
    a ``Grund`` column; cells that a spreadsheet would run as a formula get a leading ``'``
    (stripped again on import). Returns the number of rows written."""
    raise NotImplementedError
