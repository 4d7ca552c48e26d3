"""Reading a WEBFAKT file: encoding, physical lines, header (format 1-4), raw fields.

Shared by the service check (``check.py``) and the catalogue imports (``catalogue.py``).
Everything here works on whole columns (polars); Python loops only touch the few quoted
lines and the header.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl

from mwtui.i18n import _
from mwtui.workspace.config import max_file_mb
from mwtui.workspace.errors import MwtuiError

UTF8_BOM = b"\xef\xbb\xbf"
_ERRORS = "mwtui-cp1252"


class FileError(MwtuiError):
    """The file as a whole cannot be read as the expected list (one sentence why)."""


def max_file_bytes() -> int:
    """The largest file an import reads (``max_file_mb`` in the config, ``MWTUI_MAX_FILE_MB``)."""
    return max_file_mb() * 1024 * 1024


def too_large(path: Path | str, size: int, most: int) -> FileError:
    """The refusal of a file of ``size`` bytes or more when ``most`` is the limit."""
    mb = 1024 * 1024
    return FileError(_(
        "{path} is larger than {limit} MB ({size} MB or more); files are read only up to "
        "that size. Split the file, or raise the limit with max_file_mb in the config file "
        "or MWTUI_MAX_FILE_MB.").format(path=path, limit=most // mb, size=-(-size // mb)))


@contextmanager
def open_file(path: Path | str, max_bytes: int | None = None) -> Iterator[BinaryIO]:
    """``path`` opened for reading; a missing, unreadable or too large file (over
    ``max_bytes``, the configured limit by default) is a :class:`FileError`, also when
    reading fails later inside the ``with`` block."""
    most = max_file_bytes() if max_bytes is None else max_bytes
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > most:
                raise too_large(path, info.st_size, most)
            yield handle
    except FileNotFoundError:
        raise FileError(_("No such file: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise FileError(_("{path} is a folder, not a file.").format(path=path)) from None
    except OSError as err:
        raise FileError(_("Cannot read {path}: {error}.").format(
            path=path, error=err.strerror or err)) from None


def read_file(path: Path | str) -> bytes:
    """The bytes of ``path``; a missing, unreadable or too large file is a
    :class:`FileError`."""
    with open_file(path) as handle:
        data = handle.read(max_file_bytes() + 1)
    if len(data) > max_file_bytes():
        raise too_large(path, len(data), max_file_bytes())
    return data


def _cp1252_decode_gaps(err: UnicodeError) -> tuple[str, int]:
    """Bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to the C1
    character of the same number, as browsers do, so any byte string can be read."""
    if isinstance(err, UnicodeDecodeError):
        return err.object[err.start:err.end].decode("latin-1"), err.end
    raise err


codecs.register_error(_ERRORS, _cp1252_decode_gaps)


def encode_text(text: str, encoding: str) -> bytes:
    """``text`` in a file encoding as reported by :func:`decode` (lossless for read data)."""
    if encoding == "cp1252":
        out = bytearray()
        for part in re.split(r"([\x80-\x9f]+)", text):
            if part and "\x80" <= part[0] <= "\x9f":
                out += part.encode("latin-1")
            else:
                out += part.encode("cp1252", errors="replace")
        return bytes(out)
    if encoding == "utf-8-sig":
        return UTF8_BOM + text.encode("utf-8", errors="surrogatepass")
    return text.encode("utf-8", errors="surrogatepass")


def decode(data: bytes) -> tuple[bytes, str]:
    """``(utf-8 bytes without BOM, encoding name)``: "utf-8-sig" (BOM), "utf-8" (valid
    UTF-8), else "cp1252" (Windows-1252; every byte string decodes)."""
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM):]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise FileError(_(
                "The file starts with a UTF-8 marker (BOM) but byte {n} is not UTF-8; save "
                "it again as UTF-8 or Windows-1252.").format(n=err.start + 3)) from None
        return body, "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(_("The file is UTF-16; save it as UTF-8 or Windows-1252 (ANSI) CSV."))
    if data.isascii():
        return data, "utf-8"
    if _utf8_prefix_ok(data):
        try:
            data.decode("utf-8")
            return data, "utf-8"
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors=_ERRORS).encode("utf-8"), "cp1252"


_BLOCK = 1 << 22  # bytes per block when re-encoding Windows-1252 (about 4 MB)


def decode_blocks(data: bytes) -> tuple[Iterator[bytes], str]:
    """Like :func:`decode`, but Windows-1252 text comes back as UTF-8 blocks that each end
    at a line break (the last one may not), so the whole file is never held twice over.

    A block whose bytes decode the same in Latin-1 and Windows-1252 (no byte 0x80-0x9F;
    the usual German text with umlauts) takes the faster Latin-1 codec: the UTF-8 output
    then has no ``C2`` byte, which is checked, and only blocks that have one are decoded
    again as Windows-1252.
    """
    if data.startswith((UTF8_BOM, b"\xff\xfe", b"\xfe\xff")) or data.isascii():
        utf8, encoding = decode(data)
        return iter([utf8]), encoding
    if _utf8_prefix_ok(data):
        try:
            data.decode("utf-8")
            return iter([data]), "utf-8"
        except UnicodeDecodeError:
            pass
    return _cp1252_blocks(data), "cp1252"


def _cp1252_blocks(data: bytes) -> Iterator[bytes]:
    """Windows-1252 ``data`` as UTF-8 blocks, produced one at a time as they are read."""
    start, size = 0, len(data)
    while start < size:
        end = data.find(b"\n", start + _BLOCK)
        end = size if end < 0 else end + 1
        with memoryview(data)[start:end] as part:
            utf8 = str(part, "latin-1").encode("utf-8")
            if b"\xc2" in utf8:  # a byte 0x80-0xBF: 0x80-0x9F differ from Latin-1
                utf8 = str(part, "cp1252", _ERRORS).encode("utf-8")
        yield utf8
        start = end


def _utf8_prefix_ok(data: bytes, size: int = 1 << 16) -> bool:
    """Cheap first look: is the start of ``data`` UTF-8? (A failing full decode of a large
    Windows-1252 file costs as much as decoding it.)"""
    head = data[:size]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start >= len(head) - 3 and len(data) > size  # cut inside a character
    return True


# Single bytes used as a "never occurs" column separator to read whole lines with polars.
_LINE_SEPARATORS = "\x1f\x1e\x1d\x1c\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11"


def read_lines(utf8: bytes | Iterator[bytes]) -> pl.DataFrame:
    """Physical lines as a frame: ``line`` (UInt32, 1-based), ``raw`` (str, no line break).

    A line ends at LF; a CR before it is dropped. Polars reads the lines in parallel; when
    the file holds every candidate separator byte (hostile input) Python splits instead.
    ``utf8`` may be an iterator of blocks that each end with a line break (except the
    last), read one at a time, so only one block is held besides the frame.
    """
    if not isinstance(utf8, bytes):
        frames = [_read_block(block) for block in utf8]
        frame = pl.concat(frames) if len(frames) > 1 else (
            frames[0] if frames else pl.DataFrame({"raw": pl.Series([], dtype=pl.String)}))
        del frames
    else:
        frame = _read_block(utf8)
    raw = pl.col("raw").fill_null("")
    if frame.select(pl.col("raw").str.ends_with("\r").any()).item():
        raw = raw.str.strip_suffix("\r")  # polars keeps a CR only in odd cases
    return frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("line"), raw)


def _read_block(utf8: bytes) -> pl.DataFrame:
    """The lines of one block as a frame with one column, ``raw`` (CRs not yet cut)."""
    expected = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1) if utf8 else 0
    frame: pl.DataFrame | None = None
    sep = next((c for c in _LINE_SEPARATORS if c.encode() not in utf8), None)
    if sep is not None and expected:
        try:
            frame = pl.read_csv(
                utf8, separator=sep, quote_char=None, has_header=False, infer_schema=False,
                new_columns=["raw"], raise_if_empty=False, eol_char="\n",
            )
        except Exception:  # polars refused odd bytes: the slow path below is exact
            frame = None
        if frame is not None and (frame.width != 1 or frame.height != expected):
            frame = None
    if frame is None:
        parts = utf8.decode("utf-8", errors="replace").split("\n")
        if utf8.endswith(b"\n"):
            parts.pop()
        frame = pl.DataFrame({"raw": pl.Series(parts, dtype=pl.String)})
    return frame


def blank_expr(col: str = "raw") -> pl.Expr:
    """A line with nothing but spaces, tabs and separators counts as blank (ignored)."""
    return ~pl.col(col).str.contains(r"[^ \t;\r\x1a]")


def split_line(text: str) -> list[str]:
    """One line split at ``;`` with ``"`` quoting (used for the header and quoted lines)."""
    try:
        return next(csv.reader([text], delimiter=";", quotechar='"', strict=False), [""])
    except csv.Error:
        return text.split(";")


def header_key(field: str) -> str:
    """A header name reduced for comparison: case, spaces, dots and umlaut spelling ignored."""
    key = field.strip().strip('"').casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        key = key.replace(a, b)
    return re.sub(r"[\s.]", "", key)


@dataclass(frozen=True)
class Header:
    """Where the header is and what it says."""

    kind: int  # matched layout key
    lines: tuple[str, ...]  # the header as physical lines (text as in the file)
    last_line: int  # line number of the header's last physical line
    has_reason_column: bool  # a trailing "Grund" column from a rejects export


def _trim(fields: list[str]) -> list[str]:
    keys = [header_key(f) for f in fields]
    while keys and keys[-1] == "":
        keys.pop()
    return keys


def find_header(
    lines: pl.DataFrame,
    layouts: dict[int, Sequence[str]],
    *,
    reason_column: str,
    wrapped: Sequence[int] = (),
    what: str,
) -> Header:
    """Match the first non-blank line (or, for layouts in ``wrapped``, the first two) against
    ``layouts`` (header names). Raises :class:`FileError` naming every expected header."""
    head = lines.head(1000).filter(~blank_expr()).head(2)
    if head.height < 2 and lines.height > 1000:  # a long run of blank lines first
        head = lines.filter(~blank_expr()).head(2)
    if head.height == 0:
        raise FileError(_("The file is empty: no {what} header and no rows.").format(what=what))
    wanted = {k: [header_key(f) for f in v] for k, v in layouts.items()}
    reason_key = header_key(reason_column)
    first_line, first_raw = head.row(0)
    first = _trim(split_line(first_raw))
    candidates: list[tuple[list[str], tuple[str, ...], int]] = [
        (first, (first_raw,), first_line)
    ]
    if head.height > 1:
        second_line, second_raw = head.row(1)
        candidates.append((first + _trim(split_line(second_raw)),
                           (first_raw, second_raw), second_line))
    for keys, texts, last in candidates:
        has_reason = bool(keys) and keys[-1] == reason_key
        core = keys[:-1] if has_reason else keys
        for kind, names in wanted.items():
            if core == names and (len(texts) == 1 or kind in wrapped):
                return Header(kind, texts, last, has_reason)
    expected = "; ".join(_("format {n}: {columns}").format(n=k, columns=";".join(v))
                         for k, v in layouts.items())
    shown = first_raw[:120]
    raise FileError(_("The first line is not a known {what} header ({line}). Expected one "
                      "of: {expected}.").format(what=what, line=repr(shown), expected=expected))


def split_fields(
    rows: pl.DataFrame, count: int, *, allow_extra: bool, reason_last: bool = False
) -> pl.DataFrame:
    """Add ``f0..f{count-1}`` (raw fields; surrounding blanks and the formula-escape ``'``
    removed) and ``fields_ok`` to a frame with ``line`` and ``raw``; keeps ``raw``.

    A row is well-formed with exactly ``count`` fields, or one more when that one is empty
    (a trailing ``;``); with ``allow_extra`` (a trailing ``Grund`` column) one more of any
    content, plus again one empty. With ``reason_last`` (a rejects export with its ``Grund``
    column) the last field of every row is the reason and the rule applies to the fields
    before it: an exported row that lacked a field still lacks it. Quoted fields
    (``"a;b"``) are split by the csv module.
    """
    n = count
    names = [f"f{i}" for i in range(n + 3)]
    quoted = pl.col("raw").str.contains('"', literal=True)
    has_quotes, padded, escaped = _line_traits(rows)
    plain = rows.filter(~quoted) if has_quotes else rows
    parts = plain.select(
        "line", "raw",
        pl.col("raw").str.splitn(";", n + 3).struct.rename_fields(names).alias("_s"),
    ).unnest("_s")
    if has_quotes:
        quoted_rows = rows.filter(quoted)
        split = [split_line(r) for r in quoted_rows.get_column("raw").to_list()]
        cols: dict[str, list[str | None]] = {name: [] for name in names}
        for fields in split:
            for i, name in enumerate(names):
                if i < n + 2:
                    cols[name].append(fields[i] if i < len(fields) else None)
                else:
                    cols[name].append(";".join(fields[i:]) if len(fields) > i else None)
        extra = pl.DataFrame(
            {"line": quoted_rows.get_column("line"), "raw": quoted_rows.get_column("raw"),
             **{k: pl.Series(v, dtype=pl.String) for k, v in cols.items()}}
        )
        parts = pl.concat([parts, extra]).sort("line")
    last, beyond = pl.col(f"f{n}"), pl.col(f"f{n + 1}")
    enough = pl.col(f"f{n - 1}").is_not_null()
    ok = enough & (last.is_null() | ((last.str.strip_chars() == "") & beyond.is_null()))
    if reason_last:  # the last field is the Grund: n fields before it, or n and one empty
        ok = last.is_not_null() & (beyond.is_null() | (
            (last.str.strip_chars() == "") & pl.col(f"f{n + 2}").is_null()))
    elif allow_extra:
        ok = ok | (enough & last.is_not_null()
                   & (beyond.is_null() | (beyond.str.strip_chars() == "")))
    # Strip blanks and undo formula escaping only in columns that need it; one look at the
    # raw lines usually shows that none does.
    needs: dict[str, bool] = {}
    if padded or escaped:
        needs = parts.select(
            *[(pl.col(f"f{i}").str.starts_with(" ") | pl.col(f"f{i}").str.ends_with(" ")
               | pl.col(f"f{i}").str.starts_with("\t") | pl.col(f"f{i}").str.ends_with("\t")
               | pl.col(f"f{i}").str.ends_with("\r")).any().alias(f"s{i}")
              for i in range(n)],
            *[pl.col(f"f{i}").str.starts_with("'").any().alias(f"q{i}") for i in range(n)],
        ).row(0, named=True)
    cleaned = []
    for i in range(n):
        expr = pl.col(f"f{i}")
        if needs.get(f"s{i}"):
            expr = expr.str.strip_chars(" \t\r")
        if needs.get(f"q{i}"):
            expr = unescape_formula(expr)
        cleaned.append(expr.alias(f"f{i}"))
    return parts.select("line", "raw", ok.fill_null(False).alias("fields_ok"), *cleaned)


# Lines with any of these may be quoted, padded or formula-escaped (see _line_traits).
_SUSPECT = " ;|; |[\\t\\r'\"]"


def _line_traits(rows: pl.DataFrame) -> tuple[bool, bool, bool]:
    """Whether any line of ``rows`` has a ``"`` (quoted), blanks around a field (padded)
    or a ``'`` (escaped). One pass finds the few lines that may; only they are looked at
    closely."""
    raw = pl.col("raw")
    suspect = rows.filter(raw.str.contains(_SUSPECT) | raw.str.starts_with(" ")
                          | raw.str.ends_with(" "))
    quoted, padded, escaped = suspect.select(
        raw.str.contains('"', literal=True).any().alias("quoted"),
        (raw.str.contains(" ;", literal=True) | raw.str.contains("; ", literal=True)
         | raw.str.starts_with(" ") | raw.str.ends_with(" ")
         | raw.str.contains("\t", literal=True) | raw.str.contains("\r", literal=True)).any()
        .alias("padded"),
        raw.str.contains("'", literal=True).any().alias("escaped"),
    ).row(0)
    return bool(quoted), bool(padded), bool(escaped)


def unescape_formula(expr: pl.Expr) -> pl.Expr:
    """Undo the export's formula escaping: ``'`` followed by ``= + - @``, tab or CR loses
    exactly that one ``'``."""
    return pl.when(expr.str.starts_with("'")).then(
        expr.str.replace(r"^'([=+\-@\t\r])", "$1")).otherwise(expr)


_DECIMAL = r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$"
_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?"
# The same number with what german_decimal strips around it (a trailing "EUR", then
# spaces, no-break spaces and "€" on both sides): its validity in one pass, no copies.
_DECIMAL_AROUND = "^[ \u00a0€]*" + _NUMBER + "[ \u00a0€]*(?:EUR)?$"


def german_decimal_ok(expr: pl.Expr) -> pl.Expr:
    """The ``valid`` of :func:`german_decimal` (never null), read in one pass."""
    return expr.str.contains(_DECIMAL_AROUND).fill_null(False)


PLAIN_DECIMAL = r"^[0-9]+(?:,[0-9]+)?$"
"""Digits with an optional decimal comma: what most amounts look like."""


def plain_decimal(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """:func:`german_decimal` of a column whose values all match :data:`PLAIN_DECIMAL`
    (or are null): the same ``(valid, canonical)`` without the stripping and the regex."""
    return expr.is_not_null(), expr.str.replace(",", ".", literal=True)


def german_decimal(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(valid, canonical)`` for German decimals ("38,53", "1.234,56", "-5", "7,50 €"):
    ``canonical`` is the dot-decimal text ("1234.56", "7.50"), null if invalid."""
    text = expr.str.strip_suffix("EUR").str.strip_chars(" \u00a0€")
    valid = text.str.contains(_DECIMAL)
    canon = (
        text.str.replace_all(".", "", literal=True)
        .str.replace(",", ".", literal=True)
        .str.strip_prefix("+")
    )
    return valid.fill_null(False), pl.when(valid).then(canon).otherwise(None)
