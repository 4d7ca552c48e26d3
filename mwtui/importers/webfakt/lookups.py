"""What a WEBFAKT check needs from the workspace: customers, articles, committed rows."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import polars as pl


def name_key(name: str) -> str:
    """How article names are compared (format 4): stripped, case-folded."""
    return name.strip().casefold()


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
    - ``committed_keys``: ``row_key`` of every service already in the workspace (a polars
      String Series; any iterable of keys given is turned into one). Read them through
      :meth:`committed`: built with a ``loader``, they are still being read.
    - ``keys_are_texts``: ``committed_keys`` holds the texts the keys are the sha256 of
      (from the store's key indexes, when every index has them): a check compares its
      rows' key texts with them and needs no sha256.
    - ``committed_customers``: customer numbers that have committed services (only rows of
      those customers need their key computed during a check).
    - ``file_batches``: SHA-256 of a WEBFAKT file -> the batches committed from it; with
      :meth:`committed_lines` a check of the same file pairs its rows with theirs by line.
    """

    customers: dict[str, int | None] = field(default_factory=dict)
    articles_by_number: dict[str, ArticleInfo] = field(default_factory=dict)
    articles_by_name: dict[str, ArticleInfo] = field(default_factory=dict)
    committed_keys: pl.Series = field(default_factory=lambda: _keys(()))
    committed_customers: frozenset[str] = frozenset()
    keys_are_texts: bool = False
    file_batches: dict[str, frozenset[str]] = field(default_factory=dict)
    loading: Future[pl.DataFrame] | None = field(default=None, repr=False)
    _lines: pl.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.committed_keys = _keys(self.committed_keys)  # a set of keys is welcome too

    @classmethod
    def from_snapshot(cls, snapshot: Any, *, loader: Executor | None = None
                      ) -> CatalogueLookups:
        """Build the look-ups from a ``store.Snapshot``. The committed keys (the large
        part: the store's row-key index, no service is parsed) are read on ``loader``
        when one is given, while the caller goes on; their owners are read at once."""
        by_number, by_name = _articles(snapshot)
        index = snapshot.key_index()
        lookups = cls(_customers(snapshot), by_number, by_name,
                      committed_customers=index.owners, keys_are_texts=index.texts,
                      file_batches=_file_batches(snapshot))
        if loader is None:
            lookups._take(index.load())
        else:
            lookups.loading = loader.submit(index.load)
        return lookups

    def _take(self, index: pl.DataFrame) -> None:
        self.committed_keys = index.get_column("key")
        self._lines = index.filter(pl.col("line").is_not_null())

    def committed(self) -> pl.Series:
        """``committed_keys``, waiting for them if they are still being read (and raising
        what reading them raised)."""
        if self.loading is not None:
            loading, self.loading = self.loading, None
            self._take(loading.result())
        return self.committed_keys

    def committed_lines(self, sha256: str) -> pl.DataFrame:
        """``line`` and ``key`` of the committed rows of the batches committed from the
        file with this SHA-256 (empty when none, or their indexes keep no lines)."""
        self.committed()
        batches = self.file_batches.get(sha256)
        if not batches or self._lines is None:
            return pl.DataFrame(schema={"line": pl.UInt32, "key": pl.String})
        return self._lines.filter(pl.col("batch").is_in(list(batches))).select("line", "key")


def _keys(keys: pl.Series | Iterable[str]) -> pl.Series:
    if isinstance(keys, pl.Series):
        return keys.cast(pl.String)
    return pl.Series("row_key", list(keys), dtype=pl.String)


def _file_batches(snapshot: Any) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for _doc_id, doc in snapshot.items("batches"):
        sha256 = (doc.get("details") or {}).get("sha256")
        if doc.get("kind") == "webfakt" and sha256 and doc.get("batch_id"):
            found.setdefault(str(sha256), set()).add(str(doc["batch_id"]))
    return {sha256: frozenset(ids) for sha256, ids in found.items()}


def _customers(snapshot: Any) -> dict[str, int | None]:
    customers: dict[str, int | None] = {}
    for doc_id, doc in snapshot.items("customers"):
        number = str(doc.get("number") or "").strip()
        if number:
            customers[number] = None if number in customers else doc_id
    return customers


def _articles(snapshot: Any) -> tuple[dict[str, ArticleInfo], dict[str, ArticleInfo]]:
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
    return by_number, by_name
