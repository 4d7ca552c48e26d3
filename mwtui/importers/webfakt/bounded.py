"""Bounded input: a file-size limit, overlong lines cut out while reading, field limits.

A file is read in chunks of a few MB. A physical line longer than :data:`LINE_LIMIT` bytes
is never held whole: only a short prefix of it is kept (to show where it was) and its line
number is noted, so the check rejects that row (``line_too_long``). Memory therefore
grows with the data that is kept, never with one hostile line.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mwtui.importers.webfakt.read import max_file_bytes, open_file, too_large

LINE_LIMIT = 64 * 1024  # bytes of one physical line, line break not counted
_CHUNK = 1 << 22  # bytes read at a time
_PREFIX = 60  # bytes kept of an overlong line

#: Characters a field of the service lists and the catalogue files may hold, by field name.
#: Numbers and codes are short; names, services and long texts longer.
FIELD_LIMITS: dict[str, int] = {
    "customer_number": 40, "number": 40, "article_number": 40, "cycle": 40,
    "quantity": 100, "amount": 100, "gross_amount": 100, "discount": 100, "price": 100,
    "date": 40, "next_invoice": 40, "zip": 20, "phone": 100, "email": 320,
    "contract_number": 100, "order_number": 100, "employee": 200, "city": 200,
    "name": 1000, "street": 1000, "service": 2000, "quantity_text": 2000,
    "remarks": 32_000, "long_text": 32_000,
}

NUL_SIGN = "\u2400"  # shown in place of a NUL byte in a rejected value


class _Hasher:
    """SHA-256 of the pieces of a file on a thread of its own (hashlib releases the GIL),
    so the digest is made while the file is read and decoded; at most a few pieces wait."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._digest: str | None = None

    def _run(self) -> None:
        while (piece := self._queue.get()) is not None:
            self._sha.update(piece)

    def update(self, piece: bytes) -> None:
        self._queue.put(piece)

    def close(self) -> None:
        self._queue.put(None)

    def hexdigest(self) -> str:
        if self._digest is None:
            self._thread.join()
            self._digest = self._sha.hexdigest()
        return self._digest


@dataclass
class Bounded:
    """A file as read: overlong lines cut to a prefix, and what was learnt on the way."""

    data: bytes  # the file's bytes with every overlong line cut to a short prefix
    size: int  # bytes of the file as read
    long_lines: tuple[int, ...]  # 1-based numbers of the cut lines
    hasher: _Hasher

    @property
    def sha256(self) -> str:
        """Of the file as read (not of ``data``); waits for the hashing thread."""
        return self.hasher.hexdigest()


def _prefix(line: bytes) -> bytes:
    """The start of an overlong line, not cut inside a UTF-8 character."""
    end = min(_PREFIX, len(line))
    while 0 < end < len(line) and 0x80 <= line[end] < 0xC0:
        end -= 1
    return line[:end]


class _Cutter:
    """Takes a file in pieces that end at a line break (or inside an overlong line) and
    keeps it with its overlong lines cut. Normal files are kept as they come, uncopied."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.counted = 0  # parts whose line breaks are in ``lines``
        self.lines = 0
        self.skipping = False  # inside an overlong line, waiting for its end
        self.long: list[int] = []
        self.sha = _Hasher()
        self.size = 0

    def feed(self, piece: bytes) -> None:
        self.sha.update(piece)
        self.size += len(piece)
        if self.skipping:
            end = piece.find(b"\n")
            if end < 0:
                return
            self.skipping = False
            piece = piece[end:]  # its break ends the cut line
        self._keep(piece)

    def _keep(self, body: bytes) -> None:
        """Keep ``body``, its overlong lines cut. Each look finds the last line break
        within ``limit + 1`` bytes, so a normal file is scanned in steps of ``limit``
        bytes at the speed of ``rfind``; lines are counted only to number a cut one."""
        pieces: list[bytes] = []
        start = pos = 0
        while len(body) - pos > self.limit:
            found = body.rfind(b"\n", pos, pos + self.limit + 1)
            if found >= 0:
                pos = found + 1
                continue
            end = body.find(b"\n", pos)  # the overlong line at ``pos`` ends here
            self.skipping = end < 0
            end = len(body) if end < 0 else end
            self._count()
            self.lines += body.count(b"\n", start, pos)
            self.long.append(self.lines + 1)
            pieces += [body[start:pos], _prefix(body[pos:pos + _PREFIX + 4])]
            start = pos = end
        if pieces:
            self.lines += body.count(b"\n", start)
            body = b"".join([*pieces, body[start:]])
            self.counted = len(self.parts) + 1
        self.parts.append(body)

    def _count(self) -> None:
        """Bring ``lines`` up to date with the parts kept so far."""
        self.lines += sum(part.count(b"\n") for part in self.parts[self.counted:])
        self.counted = len(self.parts)

    def finish(self) -> Bounded:
        data = self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)
        self.parts.clear()
        self.sha.close()
        return Bounded(data, self.size, tuple(self.long), self.sha)


def bound_bytes(data: bytes, *, limit: int = LINE_LIMIT) -> Bounded:
    """:class:`Bounded` of bytes already in memory (``check_bytes``); not copied unless a
    line is cut."""
    cutter = _Cutter(limit)
    cutter.feed(data)
    return cutter.finish()


def read_bounded(path: Path | str, *, max_bytes: int | None = None,
                 limit: int = LINE_LIMIT) -> Bounded:
    """Read ``path`` in chunks as :class:`Bounded`. A file larger than ``max_bytes`` (the
    configured limit by default), missing or unreadable is a :class:`FileError`."""
    most = max_file_bytes() if max_bytes is None else max_bytes
    cutter = _Cutter(limit)
    try:
        with open_file(path, most) as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                if not chunk.endswith(b"\n"):  # finish the line, or read enough to cut it
                    chunk += handle.readline(limit + 1)
                cutter.feed(chunk)
                if cutter.size > most:  # grew while read, or not a plain file
                    raise too_large(path, cutter.size, most)
    except BaseException:
        cutter.sha.close()  # ends the hashing thread
        raise
    return cutter.finish()


def field_checks(frame: pl.DataFrame, fields: Iterable[tuple[str, str]], *,
                 source: str | None = None) -> list[tuple[pl.Expr, str, str, pl.Expr]]:
    """The NUL and length checks ``(fails, reason, column, value)`` of ``fields`` (pairs of
    field name and header name) that can fail in ``frame``: columns without a NUL byte or
    no longer than their limit in bytes cost nothing. ``source`` names the column of the
    lines the fields were cut from: without a NUL byte there, no field is looked at for
    one."""
    fields = [(name, header) for name, header in fields if name in frame.columns]
    if not fields:
        return []
    lengths = [pl.col(n).str.len_bytes().max().alias(f"m{i}")
               for i, (n, _h) in enumerate(fields)]
    if source is None:
        nul_any = True
        most = frame.select(lengths).row(0)
    else:
        nul_any, *most = frame.select(
            pl.col(source).str.contains("\x00", literal=True).any(), *lengths).row(0)
    hits = _nul_hits(frame, [n for n, _h in fields]) if nul_any else [False] * len(fields)
    nul = [(pl.col(n).str.contains("\x00", literal=True), "nul_byte", h,
            pl.col(n).str.replace_all("\x00", NUL_SIGN, literal=True))
           for (n, h), hit in zip(fields, hits, strict=True) if hit]
    long = [(pl.col(n).str.len_chars() > FIELD_LIMITS[n], "field_too_long", h,
             pl.col(n).str.slice(0, _PREFIX))
            for (n, h), top in zip(fields, most, strict=True)
            if n in FIELD_LIMITS and (top or 0) > FIELD_LIMITS[n]]
    return nul + long


def _nul_hits(frame: pl.DataFrame, names: list[str]) -> list[bool]:
    """Whether each column ``names`` of ``frame`` holds a NUL byte somewhere."""
    return [bool(hit) for hit in frame.select(
        pl.col(n).str.contains("\x00", literal=True).any().alias(f"z{i}")
        for i, n in enumerate(names)).row(0)]
