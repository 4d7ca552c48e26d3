"""Export the rejected rows of a WEBFAKT check in the file's own layout, to fix and re-import."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from mwtui.importers.webfakt.formats import REASON_COLUMN
from mwtui.importers.webfakt.read import FileError, encode_text, split_line
from mwtui.importers.webfakt.result import CheckResult

_FORMULA_START = frozenset("=+-@\t\r")


def _escape_cell(value: str) -> str:
    """Spreadsheet-formula escaping: a leading ``'`` before ``= + - @``, tab or CR."""
    return "'" + value if value[:1] in _FORMULA_START else value


def _header_lines(result: CheckResult) -> list[str]:
    """The file's header lines, the last one ending in the ``Grund`` column."""
    header = list(result.header_lines)
    last = split_line(header[-1])
    while last and not last[-1].strip():
        last.pop()
    if result.has_reason_column and last:
        last.pop()
    header[-1] = ";".join([*last, REASON_COLUMN])
    return header


def _cells(raw: str, width: int, has_reason_column: bool) -> list[str]:
    """The fields of a raw line, cut or padded to the format's ``width``."""
    cells = split_line(raw)
    surplus = cells[width:]
    if surplus and (has_reason_column or not any(c.strip() for c in surplus)):
        cells = cells[:width]
    return cells + [""] * (width - len(cells))


def export_rejects(result: CheckResult, out_path: Path | str) -> int:
    """Write the rejected rows to ``out_path`` in the file's layout, encoding and ``;`` plus
    a ``Grund`` column; cells that a spreadsheet would run as a formula get a leading ``'``
    (stripped again on import). Returns the number of rows written."""
    width = len(result.fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator=result.line_ending)
    for text in _header_lines(result):
        buffer.write(text + result.line_ending)
    rejected = result.rejected_rows().select("raw", "message")
    for raw, message in rejected.iter_rows():
        cells = _cells(raw, width, result.has_reason_column)
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
