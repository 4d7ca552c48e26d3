"""View logic of the WEBFAKT preview, kept free of Textual so it is cheap to test.

A *view* is the check result's row frame filtered to all / accepted / rejected rows, plus the
positions of its rejected rows (for next/previous reject). Everything here works on polars
frames in vectorised steps, so a million rows cost milliseconds, not seconds.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mwtui.i18n import N_, _, ngettext
from mwtui.i18n import formats as fmt
from mwtui.importers.webfakt.reasons import reason_label

VIEWS: tuple[str, ...] = ("all", "accepted", "rejected")
VIEW_LABELS: dict[str, str] = {  # translate at display: _(VIEW_LABELS[name])
    "all": N_("all rows"),
    "accepted": N_("accepted only"),
    "rejected": N_("rejected only"),
}

#: Columns the table shows, taken from the frame for the visible window only.
TABLE_FIELDS: tuple[str, ...] = (
    "line", "status", "warning", "from_catalogue", "customer_number", "service", "amount",
    "reason",
)


@dataclass
class PreviewView:
    """The rows one view shows, in file order, and where its rejected rows are.

    ``positions`` are row numbers into ``frame`` (None: every row), so switching views never
    copies the million-row frame; ``rejects`` are positions *within the view*.

    ``expand`` (``CheckResult.with_fields``) adds the normalised fields to a few rows when
    ``frame`` is the check's lean ``table``: only the visible window or the one row of the
    detail pane is ever normalised.
    """

    name: str
    frame: pl.DataFrame
    positions: pl.Series | None = None
    rejects: pl.Series = field(default_factory=lambda: pl.Series("pos", [], dtype=pl.UInt32))
    expand: Callable[[pl.DataFrame], pl.DataFrame] | None = None

    def __post_init__(self) -> None:
        self._len = self.frame.height if self.positions is None else self.positions.len()

    def __len__(self) -> int:
        return self._len

    def frame_index(self, index: int) -> int:
        """Row number in ``frame`` of the view's row ``index``."""
        return index if self.positions is None else int(self.positions[index])

    def row(self, index: int) -> dict[str, Any]:
        """All fields of the view's row ``index`` (normalised fields included)."""
        one = self.frame.slice(self.frame_index(index), 1)
        if self.expand is not None:
            one = self.expand(one)
        return one.row(0, named=True)

    def line(self, index: int) -> int | None:
        """File line number of the view's row ``index`` (None when out of range)."""
        if not 0 <= index < len(self):
            return None
        return int(self.frame.get_column("line")[self.frame_index(index)])

    def window(self, start: int, stop: int, columns: Sequence[str]) -> pl.DataFrame:
        """``columns`` of rows ``start``..``stop`` of the view (a small slice or gather)."""
        have = self.frame.columns
        missing = self.expand is not None and any(c not in have for c in columns)
        wanted = have if missing else [c for c in columns if c in have]
        count = max(0, min(stop, len(self)) - start)
        if self.positions is None:
            part = self.frame.slice(start, count).select(wanted)
        else:
            picked = self.positions.slice(start, count)
            part = self.frame.select(pl.col(c).gather(picked) for c in wanted)
        if missing and self.expand is not None:
            part = self.expand(part)
        return part.select(c for c in columns if c in part.columns)

    def column(self, name: str) -> pl.Series:
        """One column over the whole view (for tests and small views)."""
        series = self.frame.get_column(name)
        return series if self.positions is None else series.gather(self.positions)


@dataclass(frozen=True)
class Summary:
    """Counts for the header line."""

    rows: int
    accepted: int
    rejected: int
    warnings: int
    from_catalogue: int
    reasons: dict[str, int]


def build_view(rows: pl.DataFrame, name: str,
               expand: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> PreviewView:
    """The view ``name`` ("all", "accepted", "rejected") of ``rows`` (``CheckResult.table``
    with ``expand=result.with_fields``, or any frame that has the normalised fields)."""
    rejected = rows.select(
        pl.arg_where(pl.col("status") == "rejected").cast(pl.UInt32).alias("pos")
    ).to_series()
    if name == "accepted":
        accepted = rows.select(
            pl.arg_where(pl.col("status") != "rejected").cast(pl.UInt32).alias("pos")
        ).to_series()
        return PreviewView(name, rows, accepted, pl.Series("pos", [], dtype=pl.UInt32),
                           expand)
    if name == "rejected":
        every = pl.int_range(0, rejected.len(), dtype=pl.UInt32, eager=True).alias("pos")
        return PreviewView(name, rows, rejected, every, expand)
    return PreviewView("all", rows, None, rejected, expand)


def next_view(name: str) -> str:
    return VIEWS[(VIEWS.index(name) + 1) % len(VIEWS)] if name in VIEWS else VIEWS[0]


def find_reject(view: PreviewView, cursor: int, direction: int) -> int | None:
    """Position of the next (direction 1) or previous (-1) rejected row from ``cursor``,
    or None when there is none that way."""
    positions = view.rejects
    if positions.len() == 0:
        return None
    if direction > 0:
        i = int(positions.search_sorted(cursor + 1, side="left"))
        return int(positions[i]) if i < positions.len() else None
    i = int(positions.search_sorted(max(cursor, 0), side="left")) - 1
    return int(positions[i]) if i >= 0 else None


def position_of_line(view: PreviewView, line: int | None) -> int:
    """The first row of ``view`` at or after file line ``line`` (0 when unknown)."""
    if line is None or len(view) == 0:
        return 0
    at = int(view.frame.get_column("line").search_sorted(line, side="left"))
    pos = at if view.positions is None else int(view.positions.search_sorted(at, side="left"))
    return min(pos, len(view) - 1)


def summarise(rows: pl.DataFrame) -> Summary:
    """Counts per status and reason, in one lazy pass over just the columns needed."""
    rejected = pl.col("status") == "rejected"
    has = set(rows.columns)
    counts = rows.lazy().select(
        pl.len().alias("rows"),
        rejected.sum().alias("rejected"),
        (pl.col("warning").is_not_null().sum() if "warning" in has else pl.lit(0))
        .alias("warnings"),
        ((~rejected & pl.col("from_catalogue")).sum() if "from_catalogue" in has
         else pl.lit(0)).alias("from_catalogue"),
    ).collect().row(0, named=True)
    by_reason = (
        rows.lazy().filter(rejected).select(pl.col("reason").cast(pl.String))
        .group_by("reason").len()
        .sort(["len", "reason"], descending=[True, False]).collect()
    )
    reasons = {str(code): int(n) for code, n in by_reason.iter_rows()}
    total, rejected_n = int(counts["rows"]), int(counts["rejected"] or 0)
    return Summary(total, total - rejected_n, rejected_n, int(counts["warnings"] or 0),
                   int(counts["from_catalogue"] or 0), reasons)


def amount_text(value: object) -> str:
    """An amount as the operator reads it (``1.234,50`` in German); text kept as is."""
    return fmt.money(value) if value is not None else ""


def status_mark(status: object, warning: object, from_catalogue: object) -> str:
    """Short status cell: ``REJ``, ``ok``, ``ok!`` (warning), ``ok+`` (from catalogue)."""
    if status == "rejected":
        return _("REJ")
    mark = "ok"
    if from_catalogue:
        mark += "+"
    if warning:
        mark += "!"
    return mark


def table_rows(view: PreviewView, start: int, stop: int) -> list[tuple[object, ...]]:
    """Display cells of the view's rows ``start``..``stop`` (one small window)."""
    out: list[tuple[object, ...]] = []
    for row in view.window(start, stop, TABLE_FIELDS).iter_rows(named=True):
        out.append((
            row.get("line"),
            status_mark(row.get("status"), row.get("warning"), row.get("from_catalogue")),
            row.get("customer_number") or "",
            row.get("service") or "",
            amount_text(row.get("amount")),
            reason_label(row.get("reason")) or (_("warning") if row.get("warning") else ""),
        ))
    return out


def row_kinds(view: PreviewView, start: int, stop: int) -> list[str | None]:
    """Row style names ("error" for rejected, "warning" for rows with a warning)."""
    part = view.window(start, stop, ("status", "warning"))
    status = part.get_column("status").to_list()
    warn = (part.get_column("warning").to_list() if "warning" in part.columns
            else [None] * len(status))
    return ["error" if s == "rejected" else ("warning" if w else None)
            for s, w in zip(status, warn, strict=True)]


def split_raw(raw: str) -> list[str]:
    """The fields of one raw line (quotes and ``;`` inside quotes respected)."""
    try:
        return next(csv.reader([raw], delimiter=";"), [])
    except csv.Error:
        return raw.split(";")


def detail_lines(row: dict[str, Any], fields: Sequence[str], headers: Sequence[str],
                 messages: dict[str, str] | None = None) -> list[str]:
    """Plain-text lines describing one row: status, reason, raw line, every field.

    ``fields``/``headers``: the format's internal field names and header names in file
    order. Each field shows the raw text and, where it differs, the parsed value; a field
    that was empty in the file and filled from the article catalogue is marked so.
    """
    lines = _status_lines(row, messages)
    catalogue = bool(row.get("from_catalogue"))
    if catalogue:
        lines.append(_("Filled from the article catalogue (marked * below)."))
    raw = row.get("raw") or ""
    lines.append(_("Raw: {line}").format(line=raw))
    raw_fields = split_raw(raw)
    for i, (name, header) in enumerate(zip(fields, headers, strict=False)):
        raw_value = raw_fields[i].strip() if i < len(raw_fields) else ""
        parsed = row.get(name)
        parsed_text = "" if parsed is None else str(parsed)
        mark = " *" if catalogue and not raw_value and parsed_text else ""
        if name == "cycle" and row.get("cycle_name"):
            parsed_text = f"{parsed_text} ({row['cycle_name']})"
        if name == "customer_number" and row.get("customer_id") is not None:
            parsed_text = _("{number} (customer #{id})").format(number=parsed_text,
                                                               id=row["customer_id"])
        if parsed_text and parsed_text != raw_value:
            lines.append(f"  {header}: {raw_value!r} -> {parsed_text}{mark}")
        else:
            lines.append(f"  {header}: {raw_value!r}{mark}")
    extra = raw_fields[len(fields):]
    if any(x.strip() for x in extra):
        lines.append("  " + _("(extra fields: {fields})").format(fields=";".join(extra)))
    return lines


def _status_lines(row: dict[str, Any], messages: dict[str, str] | None) -> list[str]:
    """The first lines of a row's detail: accepted or rejected (why), any warning."""
    line_no = row.get("line")
    if row.get("status") == "rejected":
        reason = row.get("reason") or ""
        column = row.get("column") or ""
        label = reason_label(reason)
        if column:
            first = _("Line {line}: REJECTED ({reason}) in {column} = {value}").format(
                line=line_no, reason=label, column=column, value=repr(row.get("value") or ""))
        else:
            first = _("Line {line}: REJECTED ({reason})").format(line=line_no, reason=label)
        lines = [first]
        message = row.get("message") or (messages or {}).get(reason, "")
        if message:
            lines.append(f"  {message}")
    else:
        lines = [_("Line {line}: accepted").format(line=line_no)]
    if row.get("warning"):
        lines.append(_("Warning: {text}").format(text=row["warning"]))
    return lines


def summary_text(name: str, fmt_no: int, encoding: str, summary: Summary,
                 width: int = 78) -> tuple[str, str, str]:
    """Three header lines: file/format/encoding, row counts, rejects per reason (short
    names, most frequent first; those that do not fit in ``width`` counted as "+n more")."""
    first = _("{file} · format {format} · {encoding}").format(
        file=name, format=fmt_no, encoding=encoding)
    if summary.warnings:
        first += " · " + ngettext("{n} warning", "{n} warnings", summary.warnings).format(
            n=fmt.count(summary.warnings))
    if summary.from_catalogue:
        first += " · " + _("{n} from catalogue").format(n=fmt.count(summary.from_catalogue))
    second = _("{rows} rows: {accepted} accepted, {rejected} rejected").format(
        rows=fmt.count(summary.rows), accepted=fmt.count(summary.accepted),
        rejected=fmt.count(summary.rejected))
    return first, second, _reasons_line(summary.reasons, width)


def _reasons_line(reasons: dict[str, int], width: int) -> str:
    """``Rejects: Unknown customer 2, Amount 0 1`` cut to ``width`` with "+n more"."""
    parts = [f"{reason_label(code)} {fmt.count(n)}" for code, n in reasons.items()]
    if not parts:
        return _("Rejects: {reasons}").format(reasons=_("none"))
    for shown in range(len(parts), 0, -1):
        text = ", ".join(parts[:shown])
        if shown < len(parts):
            text += ", " + _("+{n} more").format(n=len(parts) - shown)
        line = _("Rejects: {reasons}").format(reasons=text)
        if len(line) <= width:
            return line
    return line
