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

import csv
import hashlib
import io
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.importers.webfakt.read import (
    FileError,
    blank_expr,
    decode_blocks,
    encode_text,
    find_header,
    read_lines,
    split_fields,
    split_line,
)
from mwtui.importers.webfakt.rules import (
    STATUS_DTYPE,
    CustomerMatcher,
    add_occurrence,
    lean_check,
    name_key,
    normalise,
    row_keys,
)
from mwtui.workspace.batches import record_batch
from mwtui.workspace.errors import ImportCancelled
from mwtui.workspace.models import Batch, Service, now_iso
from mwtui.workspace.store import new_batch_id

__all__ = [
    "FORMAT_FIELDS", "FORMAT_HEADERS", "NORMALISED_COLUMNS", "REASONS", "REASON_COLUMN",
    "ArticleInfo", "CatalogueLookups", "CheckResult", "CommitResult", "FileError", "Progress",
    "Reject", "RowWarning", "check_bytes", "check_file", "commit", "export_rejects",
]

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
        customers: dict[str, int | None] = {}
        for doc_id, doc in snapshot.items("customers"):
            number = str(doc.get("number") or "").strip()
            if number:
                customers[number] = None if number in customers else doc_id
        by_number: dict[str, ArticleInfo] = {}
        by_name: dict[str, ArticleInfo] = {}
        shared: set[str] = set()
        for _doc_id, doc in snapshot.items("articles"):
            art = ArticleInfo(str(doc.get("number") or "").strip(), str(doc.get("name") or ""),
                              str(doc.get("price") or "0"), str(doc.get("long_text") or ""))
            if art.number:
                by_number[art.number] = art
            key = name_key(art.name)
            if key:
                if key in by_name and by_name[key] != art:
                    shared.add(key)
                by_name[key] = art
        for key in shared:
            del by_name[key]
        keys: set[str] = set()
        owners: set[str] = set()
        for _doc_id, doc in snapshot.items("services"):
            if doc.get("row_key"):
                keys.add(doc["row_key"])
                owners.add(str(doc.get("customer_number") or ""))
        return cls(customers, by_number, by_name, frozenset(keys), frozenset(owners))


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


#: Columns of ``CheckResult.table`` (the check's outcome without the normalised fields).
OUTCOME_COLUMNS: tuple[str, ...] = (
    "line", "status", "reason", "column", "value", "message", "warning", "from_catalogue",
    "raw", "occurrence", "row_key",
)


@dataclass
class CheckResult:
    """The outcome of checking one file. Nothing has been written.

    ``table`` is what the check keeps for every row (cheap even at a million rows): the
    columns of :data:`OUTCOME_COLUMNS` described below. The normalised fields are computed
    only where needed: :meth:`with_fields` adds them to any rows of ``table`` (a visible
    window, one row for a detail pane, the accepted rows at commit), and ``rows`` is the
    whole file with them (computed on first use; fine for small files and tests).

    ``rows`` is a polars DataFrame, one row per data row in file order, with columns:

    - ``line`` (UInt32): physical 1-based line number in the file;
    - ``status`` (Enum "accepted"/"rejected");
    - ``reason`` (Enum of the :data:`REASONS` codes) / ``column`` / ``value`` / ``message``
      (categorical text; null when accepted): reason code, header name of the offending
      column, its raw text, message;
    - ``warning`` (categorical text, null if none): a non-blocking note on an accepted row;
    - ``from_catalogue`` (bool): service, price or long text was filled from the article
      catalogue;
    - ``raw`` (str): the line's text as in the file (without the line break);
    - the normalised fields of :data:`NORMALISED_COLUMNS`: amounts/quantities/discount as
      dot-decimal text ("1234.56"), dates ISO ("2004-05-22", or "2013-04-19T08:30:00" when a
      time other than midnight is given), ``cycle`` two digits and ``cycle_name`` (formats 2
      and 4: "00"/"einmalig"), remarks with ``<br>`` turned into "\\n", ``customer_number``
      as spelled in the workspace when matched, ``customer_id`` (Int64). Text columns with
      few distinct values are categoricals (compare them with plain strings as usual);
      columns the format does not have are of polars' ``Null`` type. For rejected rows the
      fields that could be parsed are filled, the others null;
    - ``occurrence`` (UInt32): 0, or n for the n-th repeat of an identical line;
    - ``row_key``: null (Null type) unless computed for the already-imported check.

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
    table: pl.DataFrame
    line_ending: str = "\n"
    lookups: CatalogueLookups | None = None  # as of the check; needed by with_fields()

    @property
    def header_line_count(self) -> int:
        return len(self.header_lines)

    @property
    def fields(self) -> tuple[str, ...]:
        return FORMAT_FIELDS[self.format]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(FORMAT_HEADERS[self.format].split(";"))

    # Normalised fields ---------------------------------------------------------------------
    @cached_property
    def rows(self) -> pl.DataFrame:
        """``table`` with the normalised fields of every row (see the class docstring)."""
        return self.with_fields(self.table)

    def with_fields(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of ``table`` (any subset, any order; needs ``line`` and ``raw``) with the
        normalised fields added, in the column order of ``rows``. The fields are computed
        again from the raw lines with the look-ups of the check, by the same code as the
        check, so they are exactly what the check saw; status, reason and the other outcome
        columns are taken from ``frame`` as they are."""
        if all(c in frame.columns for c in NORMALISED_COLUMNS):
            return frame
        if self.lookups is None:
            raise ValueError("This check result has no look-ups; cannot add the fields.")
        fields = FORMAT_FIELDS[self.format]
        split = split_fields(frame.select("line", "raw"), len(fields),
                             allow_extra=self.has_reason_column)
        split = split.rename({f"f{i}": name for i, name in enumerate(fields)})
        full = normalise(split, self.format, fields, self.columns, self.lookups, REASONS,
                         customers=self._customers)
        extra = full.select("line", *NORMALISED_COLUMNS)
        joined = frame.join(extra, on="line", how="left", maintain_order="left")
        order = [c for c in OUTCOME_COLUMNS[:9] if c in joined.columns]
        order += [*NORMALISED_COLUMNS]
        order += [c for c in joined.columns if c not in order]
        return joined.select(order)

    @cached_property
    def _customers(self) -> CustomerMatcher | None:
        """The customer look-up, built once per result (a window costs milliseconds)."""
        return CustomerMatcher(self.lookups.customers) if self.lookups is not None else None

    def row(self, index: int) -> dict[str, Any]:
        """All fields (outcome and normalised) of ``table`` row ``index``."""
        return self.with_fields(self.table.slice(index, 1)).row(0, named=True)

    # Counts and lists ---------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Number of data rows (blank lines and header not counted)."""
        return self.table.height

    @cached_property
    def accepted(self) -> int:
        return int(self.table.get_column("status").eq("accepted").sum())

    @property
    def rejected(self) -> int:
        return self.total - self.accepted

    @cached_property
    def reasons(self) -> dict[str, int]:
        """Rejected rows per reason code (only codes that occur), in REASONS order."""
        counts = dict(self.table.get_column("reason").drop_nulls().value_counts().iter_rows())
        return {code: int(counts[code]) for code in REASONS if code in counts}

    @cached_property
    def rejects(self) -> list[Reject]:
        """All rejected rows in file order."""
        frame = self.rejected_rows().select("line", "column", "value", "reason", "message")
        return [Reject(*row) for row in frame.iter_rows()]

    @cached_property
    def warnings(self) -> list[RowWarning]:
        frame = self.table.filter(pl.col("warning").is_not_null())
        return [RowWarning(line, "Betrag-Brutto" if text.startswith("Brutto") else "", text)
                for line, text in frame.select("line", "warning").iter_rows()]

    @cached_property
    def filled_from_catalogue(self) -> list[int]:
        """Line numbers of accepted rows that took values from the article catalogue."""
        return self.table.filter(pl.col("from_catalogue")).get_column("line").to_list()

    def accepted_rows(self) -> pl.DataFrame:
        """The accepted rows of ``table`` (outcome columns only; see :meth:`with_fields`)."""
        return self.table.filter(pl.col("status") == "accepted")

    def rejected_rows(self) -> pl.DataFrame:
        """The rejected rows of ``table`` (outcome columns only)."""
        return self.table.filter(pl.col("status") == "rejected")

    def summary_json(self) -> dict[str, Any]:
        """The JSON keys without the per-row lists (cheap for a header line)."""
        return {"file": self.file_name, "sha256": self.sha256, "format": self.format,
                "encoding": self.encoding, "rows": self.total, "accepted": self.accepted,
                "rejected": self.rejected, "reasons": self.reasons}

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: file, sha256, format, encoding, rows, accepted, rejected, reasons,
        rejects, filled_from_catalogue, warnings."""
        rejects = self.rejected_rows().select(
            "line", "column", "value", "reason", "message").to_dicts()
        return {**self.summary_json(), "rejects": rejects,
                "filled_from_catalogue": self.filled_from_catalogue,
                "warnings": [w.to_json() for w in self.warnings]}


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

_CHECK_THREADS = 2
_CHUNK_ROWS = 40_000
_HEADER_NAMES = {k: v.split(";") for k, v in FORMAT_HEADERS.items()}


class _Steps:
    """Progress reporting and cancellation between the steps of a long run."""

    def __init__(self, progress: Progress | None, cancel: threading.Event | None) -> None:
        self.progress = progress
        self.cancel = cancel

    def __call__(self, step: str, fraction: float) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled("Check cancelled; nothing was written.")
        if self.progress is not None:
            self.progress(step, fraction)


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
    return _check_owned([data], lookups, file_name=file_name, progress=progress,
                        cancel=cancel)


def _check_owned(
    holder: list[bytes],
    lookups: CatalogueLookups,
    *,
    file_name: str,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> CheckResult:
    """:func:`check_bytes` on the bytes in ``holder``, which it takes out: when the caller
    keeps no other reference, the file's bytes are freed as soon as they are decoded."""
    data = holder.pop()
    step = _Steps(progress, cancel)
    step("reading", 0.0)
    size = len(data)
    line_ending = "\r\n" if b"\r\n" in data[:65536] else "\n"
    # hashlib releases the GIL on large inputs: the digest runs beside the decoding.
    digests: list[str] = []
    hasher = threading.Thread(target=_sha256_into, args=(data, digests), daemon=True)
    hasher.start()
    try:
        blocks, encoding = decode_blocks(data)
        step("splitting lines", 0.1)
        lines = read_lines(blocks)  # decodes block by block while polars reads them
    finally:
        hasher.join()
    digest = digests[0]
    del blocks, data  # the source bytes go now (unless the caller holds them)
    header = find_header(lines, _HEADER_NAMES, reason_column=REASON_COLUMN, wrapped=(3,),
                         what="WEBFAKT service list")
    fmt = header.kind
    body = lines.filter((pl.col("line") > header.last_line) & ~blank_expr())
    del lines
    fields = FORMAT_FIELDS[fmt]
    columns = tuple(FORMAT_HEADERS[fmt].split(";"))
    customers = CustomerMatcher(lookups.customers)
    fused = lean_check(fmt, fields, columns, lookups, REASONS,
                       owners=lookups.committed_customers)
    def check_chunk(part: pl.DataFrame) -> pl.DataFrame:
        split = split_fields(part, len(fields), allow_extra=header.has_reason_column)
        split = split.rename({f"f{i}": name for i, name in enumerate(fields)})
        if fused is not None:
            return fused(split)
        return normalise(split, fmt, fields, columns, lookups, REASONS, full=False,
                         customers=customers, owners=lookups.committed_customers)

    # Chunks run on two threads (polars releases the GIL, so both cores work); at most
    # two are in flight, which bounds memory and lets a cancel stop after them.
    chunks: list[pl.DataFrame] = []
    total = max(body.height, 1)
    with ThreadPoolExecutor(max_workers=_CHECK_THREADS) as pool:
        pending: deque[Future[pl.DataFrame]] = deque()
        for start in range(0, total, _CHUNK_ROWS):
            pending.append(pool.submit(check_chunk, body.slice(start, _CHUNK_ROWS)))
            if len(pending) >= _CHECK_THREADS:
                chunks.append(pending.popleft().result())
                step("checking rows", 0.2 + 0.6 * start / total)
        while pending:
            chunks.append(pending.popleft().result())
    del body
    step("finding duplicates", 0.85)
    table = pl.concat(chunks)
    del chunks
    table = add_occurrence(table).with_columns(pl.lit(None).alias("row_key"))
    result = CheckResult(format=fmt, encoding=encoding, sha256=digest, file_name=file_name,
                         size=size, header_lines=header.lines,
                         has_reason_column=header.has_reason_column, table=table,
                         line_ending=line_ending, lookups=lookups)
    result.table = _mark_already_imported(result, lookups)
    step("done", 1.0)
    return result


def _sha256_into(data: bytes, out: list[str]) -> None:
    out.append(hashlib.sha256(data).hexdigest())


def _mark_already_imported(result: CheckResult, lookups: CatalogueLookups) -> pl.DataFrame:
    """Reject accepted rows whose key is already in the workspace. Keys are only computed
    for customers that have committed services (hashing is the slow part)."""
    rows = result.table
    if not lookups.committed_keys:
        return rows
    candidates = rows.filter((pl.col("status") == "accepted") & pl.col("_owner"))
    rows = rows.drop("_owner")
    if candidates.height == 0:
        return rows
    keys = row_keys(result.with_fields(candidates.select("line", "raw", "occurrence")))
    known = [k in lookups.committed_keys for k in keys]
    found = pl.DataFrame({"line": candidates.get_column("line"),
                          "_key": pl.Series(keys, dtype=pl.String),
                          "_known": pl.Series(known, dtype=pl.Boolean)})
    rows = rows.join(found, on="line", how="left", maintain_order="left")
    hit = pl.col("_known").fill_null(False)
    return rows.with_columns(
        pl.when(hit).then(pl.lit("rejected")).otherwise(pl.col("status").cast(pl.String))
        .cast(STATUS_DTYPE).alias("status"),
        pl.when(hit).then(pl.lit("already_imported"))
        .otherwise(pl.col("reason").cast(pl.String)).cast(pl.Enum(list(REASONS)))
        .alias("reason"),
        pl.when(hit).then(pl.lit("")).otherwise(pl.col("column").cast(pl.String))
        .cast(pl.Categorical).alias("column"),
        pl.when(hit).then(pl.lit("")).otherwise(pl.col("value").cast(pl.String))
        .cast(pl.Categorical).alias("value"),
        pl.when(hit).then(pl.lit(REASONS["already_imported"]))
        .otherwise(pl.col("message").cast(pl.String)).cast(pl.Categorical).alias("message"),
        pl.when(hit).then(None).otherwise(pl.col("warning")).cast(pl.Categorical)
        .alias("warning"),
        (pl.col("from_catalogue") & ~hit).alias("from_catalogue"),
        pl.coalesce(pl.col("_key"), pl.col("row_key")).alias("row_key"),
    ).drop("_key", "_known")


def _read(path: Path | str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise FileError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise FileError(f"{path} is a folder, not a file.") from None
    except OSError as err:
        raise FileError(f"Cannot read {path}: {err.strerror or err}.") from None


def check_file(
    path: Path | str,
    workspace: Any,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CheckResult:
    """Read ``path`` and check it against a snapshot of ``workspace`` (a ``store.Workspace``).
    An unreadable file is a :class:`FileError`."""
    lookups = CatalogueLookups.from_snapshot(workspace.snapshot())
    return _check_owned([_read(path)], lookups, file_name=Path(path).name,
                        progress=progress, cancel=cancel)


_OPTIONAL_FIELDS = ("article_number", "quantity_text", "gross_amount", "next_invoice", "date",
                    "employee", "contract_number", "order_number")


def _service_docs(frame: pl.DataFrame, keys: list[str], result: CheckResult,
                  batch_id: str) -> list[dict[str, Any]]:
    """Accepted rows as ``models.Service`` records (stored form). Optional fields that no
    row of this file has are left out (``Service.from_record`` fills their defaults), which
    keeps the workspace file small."""
    defaults = Service(customer_number="", service="", amount="0").to_record()
    present = [c for c in _OPTIONAL_FIELDS
               if frame.get_column(c).dtype != pl.Null
               and frame.get_column(c).null_count() < frame.height]
    text = [pl.col(c).cast(pl.String).fill_null(defaults[c]) for c in (
        "customer_number", "service", "amount", "cycle", "cycle_name", "quantity",
        "discount", "remarks")]
    optional = [pl.col(c).cast(pl.String).fill_null(defaults[c]) if isinstance(defaults[c], str)
                else pl.col(c).cast(pl.String) for c in present]
    docs = frame.select(
        *text, *optional, "customer_id",
        pl.col("from_catalogue").alias("filled_from_catalogue"),
        pl.Series("row_key", keys, dtype=pl.String),
        pl.lit(result.file_name).alias("source_file"),
        pl.col("line").cast(pl.Int64).alias("source_line"),
        pl.lit(result.format).alias("format"),
        pl.lit(batch_id).alias("batch"),
    )
    names = docs.columns
    columns = [docs.get_column(name).to_list() for name in names]
    # map/zip/dict run in C: no Python bytecode per record.
    return list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))


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
    step = _Steps(progress, None)
    step("verifying file", 0.0)
    if hashlib.sha256(_read(path)).hexdigest() != result.sha256:
        raise FileError(
            f"{Path(path).name} changed since it was checked; nothing was written. "
            "Check the file again and review the new result before committing."
        )
    step("preparing records", 0.2)
    accepted = result.with_fields(result.accepted_rows())
    keys = row_keys(accepted)
    batch_id = new_batch_id()
    docs = _service_docs(accepted, keys, result, batch_id)
    step("writing", 0.5)
    with workspace.transaction() as tx:
        stored = {d.get("row_key") for d in tx.raw("services").values()}
        new = [doc for doc in docs if doc["row_key"] not in stored]
        skipped = len(docs) - len(new)
        if new:
            tx.insert_many("services", new)
            record_batch(tx, Batch(
                batch_id=batch_id, kind="webfakt", source=result.file_name,
                finished=now_iso(), status="done",
                counts={"rows": result.total, "accepted": result.accepted,
                        "committed": len(new), "rejected": result.rejected,
                        "already_imported": skipped},
                details={"format": result.format, "encoding": result.encoding,
                         "sha256": result.sha256, "reasons": result.reasons},
            ))
    step("done", 1.0)
    return CommitResult(batch_id if new else None, len(new), skipped, result.rejected)


def _escape_cell(value: str) -> str:
    """Spreadsheet-formula escaping: a leading ``'`` before ``= + - @``, tab or CR."""
    return "'" + value if value[:1] in _FORMULA_START else value


_FORMULA_START = frozenset("=+-@\t\r")


def export_rejects(result: CheckResult, out_path: Path | str) -> int:
    """Write the rejected rows to ``out_path`` in the file's layout, encoding and ``;`` plus
    a ``Grund`` column; cells that a spreadsheet would run as a formula get a leading ``'``
    (stripped again on import). Returns the number of rows written."""
    width = len(result.fields)
    header = list(result.header_lines)
    last = split_line(header[-1])
    while last and not last[-1].strip():
        last.pop()
    if result.has_reason_column and last:
        last.pop()
    header[-1] = ";".join([*last, REASON_COLUMN])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator=result.line_ending)
    for text in header[:-1]:
        buffer.write(text + result.line_ending)
    buffer.write(header[-1] + result.line_ending)
    rejected = result.rejected_rows().select("raw", "message")
    for raw, message in rejected.iter_rows():
        cells = split_line(raw)
        surplus = cells[width:]
        if surplus and (result.has_reason_column or not any(c.strip() for c in surplus)):
            cells = cells[:width]
        cells += [""] * (width - len(cells))
        writer.writerow([_escape_cell(c) for c in [*cells, message or ""]])
    payload = encode_text(buffer.getvalue(), result.encoding)
    target = Path(out_path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(payload)
        os.replace(tmp, target)
    except OSError as err:
        raise FileError(f"Cannot write {target}: {err.strerror or err}.") from None
    return rejected.height
