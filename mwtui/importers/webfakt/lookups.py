"""What a WEBFAKT check needs from the workspace: customers, articles, committed rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mwtui.importers.webfakt.committed import CommittedRows
from mwtui.importers.webfakt.keys import sha256_hex
from mwtui.workspace.tables import KeyIndex


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
    - ``committed_customers``: customer numbers that have committed services (only rows of
      those customers need their key computed during a check).
    - ``keys_are_texts``: the workspace keeps the text each committed key is the sha256 of
      (every key index has them): a check keys its rows by those texts.
    - ``committed``: the committed rows to look the check's rows up in
      (:class:`~mwtui.importers.webfakt.committed.CommittedRows`). Built by hand, give
      ``committed_keys`` instead: the committed keys (their texts with
      ``keys_are_texts``), a polars String Series or any iterable of them.
    """

    customers: dict[str, int | None] = field(default_factory=dict)
    articles_by_number: dict[str, ArticleInfo] = field(default_factory=dict)
    articles_by_name: dict[str, ArticleInfo] = field(default_factory=dict)
    committed_keys: pl.Series | Iterable[str] = ()
    committed_customers: frozenset[str] = frozenset()
    keys_are_texts: bool = False
    committed: CommittedRows | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.committed is None:
            self.committed = CommittedRows(self._held_index(), {})

    def _held_index(self) -> KeyIndex:
        keys = _keys(self.committed_keys)
        if not self.keys_are_texts:
            return KeyIndex.of(keys, self.committed_customers)
        return KeyIndex.of(sha256_hex(keys), self.committed_customers, texts=keys)

    @classmethod
    def from_snapshot(cls, snapshot: Any) -> CatalogueLookups:
        """Build the look-ups from a ``store.Snapshot``. Of the key index (no service is
        parsed) only the owners are read now; the rest when a look-up needs it."""
        by_number, by_name = _articles(snapshot)
        index = snapshot.key_index()
        return cls(_customers(snapshot), by_number, by_name,
                   committed_customers=index.owners, keys_are_texts=index.texts,
                   committed=CommittedRows(index, _file_batches(snapshot)))


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
