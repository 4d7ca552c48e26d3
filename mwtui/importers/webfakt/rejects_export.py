"""Export the rejected rows of a WEBFAKT check in the file's own layout, to fix and re-import.

Each rejected line is written as it was in the file (same fields, encoding and line
ending), followed by one ``;`` and its ``Grund`` cell. Nothing is padded or cut: an
exported line that is not fixed is rejected again for the same reason, and a fixed one is
accepted (the re-check takes the last field of every row as the ``Grund``).

The round trip wins over the spreadsheet guard, and the guard is kept only because it
does not touch the round trip: a cell starting with ``= + - @``, tab or CR gets one
leading ``'`` (inside its quotes, if quoted), which the reader removes again
(``read.unescape_formula``), so the re-check sees the same values and the same number of
fields. Every other character of the line is kept byte for byte.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
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


def raw_fields(raw: str) -> list[str]:
    """The fields of ``raw`` as written (quotes kept), split at ``;`` outside quotes."""
    fields: list[str] = []
    quoted = False
    start = 0
    for i, char in enumerate(raw):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            fields.append(raw[start:i])
            start = i + 1
    fields.append(raw[start:])
    return fields


def _guard(field: str) -> str:
    """``field`` (as written) with the formula escape where a spreadsheet would run it."""
    if field[:1] == '"' and field[1:2] in _FORMULA_START:
        return '"\'' + field[1:]
    return _escape_cell(field) if field[:1] != '"' else field


def exported_line(raw: str, has_reason_column: bool) -> str:
    """The data part of an exported line: ``raw`` with its fields guarded; the old
    ``Grund`` (last field) dropped when the checked file was itself an export."""
    fields = raw_fields(raw)
    if has_reason_column and len(fields) > 1:
        fields.pop()
    return ";".join(_guard(field) for field in fields)


def _reason_cell(message: str) -> str:
    """The ``Grund`` cell as CSV text (quoted when it holds ``;`` or quotes)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="").writerow(
        [_escape_cell(message)])
    return buffer.getvalue()


def export_rejects(result: CheckResult, out_path: Path | str,
                   reserved: ReservedTarget | None = None) -> int:
    """Write the rejected rows to ``out_path``: the header plus ``Grund``, then every
    rejected line unchanged plus its reason, in the file's encoding and line ending.
    ``reserved`` is the target checked before a commit (:func:`reserve_target`).
    Returns the number of rows written."""
    end = result.line_ending
    buffer = io.StringIO()
    for text in _header_lines(result):
        buffer.write(text + end)
    rejected = result.rejected_rows().select("raw", "message")
    for raw, message in rejected.iter_rows():
        line = exported_line(raw, result.has_reason_column)
        reason = _reason_cell(message or "")
        buffer.write(f"{line};{reason}{end}")
    payload = encode_text(buffer.getvalue(), result.encoding)
    target = reserved or reserve_target(out_path)
    try:
        target.write(payload)
    finally:
        target.discard()
    return rejected.height


class ReservedTarget:
    """A rejects file to be written: a new temp file beside it, made exclusively under an
    unpredictable name (a planted symlink cannot redirect the write)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.tmp = target.with_name(f".{target.name}.{secrets.token_hex(16)}.tmp")
        try:
            fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except OSError as err:
            raise FileError(f"Cannot write {target}: {err.strerror or err}.") from None
        os.close(fd)

    def write(self, payload: bytes) -> None:
        """Fill the temp file and rename it over the target."""
        try:
            fd = os.open(self.tmp, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW)
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.tmp, self.target)
        except OSError as err:
            raise FileError(f"Cannot write {self.target}: {err.strerror or err}.") from None

    def discard(self) -> None:
        """Remove the temp file if it is still there (nothing was written)."""
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


def reserve_target(out_path: Path | str) -> ReservedTarget:
    """Check that ``out_path`` can be written, before anything is committed: it must be
    a regular file or new, in a folder we can write. Raises ``FileError``."""
    target = Path(out_path)
    if target.is_dir():
        raise FileError(f"Cannot write {target}: it is a folder; give a file name.")
    if target.exists() and not target.is_file():
        raise FileError(f"Cannot write {target}: it is not a regular file.")
    return ReservedTarget(target)
