"""The rows already in the workspace, as a check looks them up: by line for a file that
was committed before, else by the first 64 bits of their keys, then exactly."""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import polars as pl

from mwtui.importers.webfakt.keys import known_keys, sha256_hex
from mwtui.workspace.partitions import fingerprint
from mwtui.workspace.tables import KeyIndex

#: At most this many rows (or a quarter of the committed ones, if more) are looked up by
#: their keys' sha256, computed for them; more are compared as texts with every committed
#: key text, which costs time and memory in proportion to the workspace instead.
HASHED_ROWS = 50_000
_READERS = 2


class CommittedRows:
    """The committed rows of one snapshot's key index (see ``tables.KeyIndex``).

    ``file_batches`` maps a WEBFAKT file's SHA-256 to the batches that were committed
    from it. What a look-up needs is read on first use, or ahead by :meth:`prefetch`."""

    def __init__(self, index: KeyIndex, file_batches: dict[str, frozenset[str]]) -> None:
        self.index = index
        self.file_batches = file_batches
        self._loading: Future[pl.DataFrame] | None = None
        self._frame: pl.DataFrame | None = None
        self._lock = threading.Lock()  # the frame is asked for from two threads
        self._of_file: dict[str, Future[pl.DataFrame]] = {}

    @property
    def texts(self) -> bool:
        """Rows are compared by their key texts (else by their keys)."""
        return self.index.texts

    def frame(self) -> pl.DataFrame:
        """``fp``, ``part`` and ``line`` of every committed key, waiting for
        them if they are still being read (and raising what reading them raised)."""
        with self._lock:
            if self._frame is None:
                loading, self._loading = self._loading, None
                self._frame = loading.result() if loading is not None else self.index.load()
            return self._frame

    def prefetch(self, sha256: str, executor: Executor) -> None:
        """Start reading on ``executor`` what checking the file with this SHA-256 will
        look up (a check does it as soon as it knows the SHA-256, and checks its rows
        meanwhile): the rows committed from that file if any (:meth:`of_file`; a
        re-check needs nothing else), else the first 64 bits of every key (:meth:`frame`)."""
        if self.file_batches.get(sha256):
            self._of_file[sha256] = executor.submit(self._rows_of_file, sha256)
        else:
            with self._lock:
                if self._frame is None and self._loading is None:
                    self._loading = executor.submit(self.index.load)

    def of_file(self, sha256: str) -> pl.DataFrame:
        """``line`` and ``key`` (the key text, when :attr:`texts`) of the rows committed
        from the file with this SHA-256, in the order committed; empty when none (or
        their indexes keep no lines)."""
        started = self._of_file.pop(sha256, None)
        return started.result() if started is not None else self._rows_of_file(sha256)

    def _rows_of_file(self, sha256: str) -> pl.DataFrame:
        batches = self.file_batches.get(sha256)
        column = "text" if self.texts else "key"
        empty = pl.DataFrame(schema={"line": pl.UInt32, "key": pl.String})
        if not batches:
            return empty
        ours = [n for n, batch in enumerate(self.index.batches) if batch in batches
                and {"line", column} <= self.index.columns[n]]
        found = self._read(ours, ["line", column])
        return empty if found is None else found.rename({column: "key"})

    def known(self, keys: pl.Series) -> pl.Series:
        """Whether each of ``keys`` (texts when :attr:`texts`; null is never known) is a
        committed row's. Few texts are hashed and looked up by :meth:`known_keys`; many
        are compared with every committed text."""
        if not self.texts:
            return self.known_keys(keys)
        if keys.len() - keys.null_count() > max(HASHED_ROWS, self.frame().height // 4):
            texts = self._read(_parts(self.frame()), ["text"])
            return known_keys(keys, _column(texts, "text"))
        return self.known_keys(sha256_hex(keys))

    def known_keys(self, keys: pl.Series) -> pl.Series:
        """Whether each of ``keys`` (row keys, sha256 hex) is a committed row's: paired by
        their first 64 bits with the committed ones, whose keys are then read only from
        the index files holding a pair and compared whole."""
        prints = pl.select(fingerprint(pl.lit(keys))).to_series()
        frame = self.frame()
        pairs = frame.filter(pl.col("fp").is_in(prints.drop_nulls().implode())
                             | pl.col("fp").is_null())  # a key that is no sha256: compare
        return known_keys(keys, _column(self._read(_parts(pairs), ["key"]), "key"))

    def _read(self, parts: list[int], columns: list[str]) -> pl.DataFrame | None:
        """``columns`` of the index files ``parts``, two read at a time."""
        if not parts:
            return None
        with ThreadPoolExecutor(max_workers=_READERS) as pool:  # polars frees the GIL
            frames = list(pool.map(lambda part: self.index.read_part(part, columns), parts))
        return pl.concat(frames, rechunk=False)


def _parts(frame: pl.DataFrame) -> list[int]:
    return frame.get_column("part").unique().sort().to_list()


def _column(frame: pl.DataFrame | None, name: str) -> pl.Series:
    return pl.Series(name, [], dtype=pl.String) if frame is None else frame.get_column(name)
