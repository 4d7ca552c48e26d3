"""Check a WEBFAKT service list ("Import Dienstleistungen"): bytes -> accepted/rejected rows.

Pure core (no Textual, no Rich). ``check_file(path, workspace)`` (or ``check_bytes(data,
lookups)``) reads the file, detects encoding and layout (format 1-4) and returns a
:class:`~mwtui.importers.webfakt.result.CheckResult`: one row per data row of the file, each
accepted or rejected (reason code, message, column, raw value). Nothing is written; see
``commit.py`` and ``rejects_export.py`` for what follows a check.

Only one exception leaves ``check_*``: :class:`FileError` (file-level problem such as an
unknown header or an empty file) and ``ImportCancelled`` when cancelled. Everything wrong
with a single row is a row reject.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.i18n import N_, _
from mwtui.importers.webfakt.bounded import Bounded, bound_bytes, read_bounded
from mwtui.importers.webfakt.formats import FORMAT_COLUMNS, REASON_COLUMN
from mwtui.importers.webfakt.keys import add_occurrence, known_by_line, row_keys_and_texts
from mwtui.importers.webfakt.lookups import CatalogueLookups
from mwtui.importers.webfakt.read import (
    Header,
    blank_expr,
    decode_blocks,
    find_header,
    read_lines,
)
from mwtui.importers.webfakt.reasons import REASONS
from mwtui.importers.webfakt.result import CheckResult
from mwtui.importers.webfakt.rules import REASON_DTYPE, STATUS_DTYPE, RowCheck
from mwtui.workspace.errors import ImportCancelled

Progress = Callable[[str, float], None]
"""``progress(step, fraction)``: step is a short English label, fraction 0.0-1.0."""

_CHECK_THREADS = 2
_CHUNK_ROWS = 80_000


class Steps:
    """Progress reporting and cancellation between the steps of a long run."""

    def __init__(self, progress: Progress | None, cancel: threading.Event | None) -> None:
        self.progress = progress
        self.cancel = cancel

    def __call__(self, step: str, fraction: float) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled(_("Check cancelled; nothing was written."))
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
    return _check_owned([bound_bytes(data)], lookups, file_name=file_name,
                        step=Steps(progress, cancel))


def check_file(
    path: Path | str,
    workspace: Any,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CheckResult:
    """Read ``path`` and check it against a snapshot of ``workspace`` (a ``store.Workspace``).
    An unreadable file is a :class:`FileError`."""
    with ThreadPoolExecutor(max_workers=2) as pool:  # the workspace is read meanwhile
        looked_up = pool.submit(lambda: CatalogueLookups.from_snapshot(workspace.snapshot()))
        read = read_bounded(path)  # a file too large is refused, whatever the workspace
        lookups = looked_up.result()
        if lookups.committed is not None:  # the committed keys are read while rows are checked
            lookups.committed.prefetch(read.sha256, pool)
        return _check_owned([read], lookups, file_name=Path(path).name,
                            step=Steps(progress, cancel))


@dataclass
class _Body:
    """The file after reading: its data lines and what was learnt on the way."""

    lines: pl.DataFrame  # line, raw: the data lines (no header, no blank lines)
    header: Header
    encoding: str
    sha256: str
    size: int
    line_ending: str
    long_lines: tuple[int, ...]  # lines over the line limit, cut while reading


def _check_owned(holder: list[Bounded], lookups: CatalogueLookups, *, file_name: str,
                 step: Steps) -> CheckResult:
    """:func:`check_bytes` on the file read into ``holder``, which it takes out, so the
    file's bytes are freed as soon as they are decoded."""
    body = _read_body(holder, step)
    fmt = body.header.kind
    table = _check_rows(body, lookups, step)
    step(N_("finding duplicates"), 0.85)
    table = add_occurrence(table).with_columns(pl.lit(None).alias("row_key"))
    result = CheckResult(format=fmt, encoding=body.encoding, sha256=body.sha256,
                         file_name=file_name, size=body.size, header_lines=body.header.lines,
                         has_reason_column=body.header.has_reason_column, table=table,
                         line_ending=body.line_ending, lookups=lookups)
    result.table = _mark_already_imported(result, lookups)
    step(N_("done"), 1.0)
    return result


def _read_body(holder: list[Bounded], step: Steps) -> _Body:
    """Decode the bytes, find the header and keep the non-blank data lines (and the cut
    overlong ones)."""
    read = holder.pop()
    data, read.data = read.data, b""
    step(N_("reading"), 0.0)
    line_ending = "\r\n" if b"\r\n" in data[:65536] else "\n"
    blocks, encoding = decode_blocks(data)
    step(N_("splitting lines"), 0.1)
    lines = read_lines(blocks)  # decodes block by block while polars reads them
    del blocks, data  # the source bytes go now
    header = find_header(lines, _HEADER_NAMES, reason_column=REASON_COLUMN, wrapped=(3,),
                         what=_("WEBFAKT service list"))
    kept = ~blank_expr()
    if read.long_lines:
        kept = kept | pl.col("line").is_in(read.long_lines)
    body = lines.filter((pl.col("line") > header.last_line) & kept)
    return _Body(body, header, encoding, read.sha256, read.size, line_ending,
                 read.long_lines)


_HEADER_NAMES = {fmt: list(columns) for fmt, columns in FORMAT_COLUMNS.items()}


def _check_rows(body: _Body, lookups: CatalogueLookups, step: Steps) -> pl.DataFrame:
    """The outcome of every data line, checked in chunks on two threads (polars releases
    the GIL, so both cores work); at most two chunks are in flight, which bounds memory
    and lets a cancel stop after them."""
    rules = RowCheck(body.header.kind, lookups, allow_extra=body.header.has_reason_column,
                     owners=lookups.committed_customers, long_lines=body.long_lines)
    lines = body.lines
    body.lines = lines.clear()  # the chunks below are the only copies kept
    chunks: list[pl.DataFrame] = []
    total = max(lines.height, 1)
    with ThreadPoolExecutor(max_workers=_CHECK_THREADS) as pool:
        pending: deque[Future[pl.DataFrame]] = deque()
        for start in range(0, total, _CHUNK_ROWS):
            pending.append(pool.submit(rules.run, lines.slice(start, _CHUNK_ROWS)))
            if len(pending) >= _CHECK_THREADS:
                chunks.append(pending.popleft().result())
                step(N_("checking rows"), 0.2 + 0.6 * start / total)
        while pending:
            chunks.append(pending.popleft().result())
    del lines
    return pl.concat(chunks, rechunk=False)  # no copy of every line's text


def _mark_already_imported(result: CheckResult, lookups: CatalogueLookups) -> pl.DataFrame:
    """Reject accepted rows whose key is already in the workspace. The check keyed the
    accepted rows of customers that have committed services (``_key``, as first of their
    kind: the key, or its text when the workspace gave key texts); a repeated line is
    keyed again here with its occurrence number."""
    rows = result.table
    if "_key" not in rows.columns:
        return rows.drop("_owner", strict=False)
    rows = rows.drop("_owner")
    again = rows.filter((pl.col("occurrence") > 0) & pl.col("_key").is_not_null())
    if again.height:
        keyed = row_keys_and_texts(result.with_fields(again.select("line", "raw",
                                                                   "occurrence")))
        where = rows.get_column("line").is_in(again.get_column("line").implode()).arg_true()
        rows = rows.with_columns(rows.get_column("_key").scatter(
            where, keyed[1] if lookups.keys_are_texts else keyed[0]))
    known = _known(rows.get_column("line"), rows.get_column("_key"), lookups, result.sha256)
    key = pl.lit(None) if lookups.keys_are_texts else pl.col("_key")
    return rows.with_columns(_already_imported(pl.lit(known), key)).drop("_key")


def _known(lines: pl.Series, keys: pl.Series, lookups: CatalogueLookups, sha256: str
           ) -> pl.Series:
    """Whether each of ``keys`` is committed: first paired by line with the rows
    committed from this very file (a re-check), then the rest looked up among all."""
    committed = lookups.committed
    assert committed is not None  # the look-ups always have it
    known = known_by_line(lines, keys, committed.of_file(sha256))
    rest = (known.not_() & keys.is_not_null()).arg_true()
    if rest.len() == 0:
        return known  # every keyed row was paired: no look-up among all
    return known.scatter(rest.filter(committed.known(keys.gather(rest))), True)


def _already_imported(hit: pl.Expr, key: pl.Expr) -> list[pl.Expr]:
    """The outcome columns with the rows where ``hit`` turned into ``already_imported``
    rejects (each column keeps its type: nothing is cast), and ``row_key`` from ``key``."""
    def unless_hit(name: str, then: str | None, dtype: Any) -> pl.Expr:
        return pl.when(hit).then(pl.lit(then, dtype=dtype)).otherwise(pl.col(name)).alias(
            name)

    return [
        unless_hit("status", "rejected", STATUS_DTYPE),
        unless_hit("reason", "already_imported", REASON_DTYPE),
        unless_hit("column", "", pl.Categorical),
        unless_hit("value", "", pl.Categorical),
        unless_hit("message", REASONS["already_imported"], pl.Categorical),
        unless_hit("warning", None, pl.Categorical),
        (pl.col("from_catalogue") & ~hit).alias("from_catalogue"),
        key.alias("row_key"),
    ]
