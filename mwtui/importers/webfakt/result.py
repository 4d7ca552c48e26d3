"""The outcome of checking one WEBFAKT file: a lean table, fields on demand, counts, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from mwtui.importers.webfakt.formats import (
    FORMAT_COLUMNS,
    FORMAT_FIELDS,
    NORMALISED_COLUMNS,
    OUTCOME_COLUMNS,
)
from mwtui.importers.webfakt.lookups import CatalogueLookups
from mwtui.importers.webfakt.reasons import REASONS, Reject, RowWarning
from mwtui.importers.webfakt.rules import RowCheck

_JSON_CHUNK = 100_000


def _json_text(name: str) -> pl.Expr:
    """The JSON literal of a text column, exactly as ``json.dumps(ensure_ascii=False)``
    writes it (polars escapes the same characters the same way), ``null`` for null."""
    encoded = pl.struct(pl.col(name).cast(pl.String)).struct.json_encode()
    return encoded.str.slice(len(name) + 4).str.strip_suffix("}")


#: One reject as JSON text, keys and spacing as ``json.dumps`` of ``Reject.to_json()``.
_REJECT_JSON = pl.concat_str([
    pl.lit('{"line": '), pl.col("line").cast(pl.String),
    pl.lit(', "column": '), _json_text("column"),
    pl.lit(', "value": '), _json_text("value"),
    pl.lit(', "reason": '), _json_text("reason"),
    pl.lit(', "message": '), _json_text("message"),
    pl.lit("}"),
])


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
        return FORMAT_COLUMNS[self.format]

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
        extra = self._rules.run(frame, full=True, columns=("line", *NORMALISED_COLUMNS))
        joined = frame.join(extra, on="line", how="left", maintain_order="left")
        order = [c for c in OUTCOME_COLUMNS[:9] if c in joined.columns]
        order += [*NORMALISED_COLUMNS]
        order += [c for c in joined.columns if c not in order]
        return joined.select(order)

    @cached_property
    def _rules(self) -> RowCheck:
        """The row rules with the look-ups of the check, built once per result."""
        assert self.lookups is not None
        return RowCheck(self.format, self.lookups, allow_extra=self.has_reason_column)

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

    def iter_json(self, extra: dict[str, Any] | None = None) -> Iterator[str]:
        """``json.dumps({**self.to_json(), **extra}, ensure_ascii=False)`` in pieces,
        without building the rejects as Python objects: polars writes each reject as JSON
        text, a chunk of rows at a time. ``extra`` keys must not be keys of ``to_json``."""
        head = json.dumps(self.summary_json(), ensure_ascii=False)
        yield head[:-1] + ', "rejects": ['
        rejected = self.rejected_rows()
        for start in range(0, rejected.height, _JSON_CHUNK):
            part = rejected.slice(start, _JSON_CHUNK).select(_REJECT_JSON.alias("j"))
            text = part.get_column("j").str.join(", ").item()
            yield text if start == 0 else ", " + text
        tail = {"filled_from_catalogue": self.filled_from_catalogue,
                "warnings": [w.to_json() for w in self.warnings], **(extra or {})}
        yield "], " + json.dumps(tail, ensure_ascii=False)[1:]

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: file, sha256, format, encoding, rows, accepted, rejected, reasons,
        rejects, filled_from_catalogue, warnings."""
        rejects = self.rejected_rows().select(
            "line", "column", "value", "reason", "message").to_dicts()
        return {**self.summary_json(), "rejects": rejects,
                "filled_from_catalogue": self.filled_from_catalogue,
                "warnings": [w.to_json() for w in self.warnings]}
