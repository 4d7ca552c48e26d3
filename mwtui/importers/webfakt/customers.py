"""Which workspace customer a WEBFAKT customer number means: the one customer matcher.

A number matches the customer stored with exactly that number; failing that, ignoring
leading zeros, the one customer whose number is the same without them ("815" finds "0815").
A number that several customers share (exactly, or without leading zeros) is ambiguous;
anything else, the empty number included, is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

CUSTOMER_STATE_DTYPE = pl.Enum(["ok", "unknown", "ambiguous"])


def _stripped(number: str) -> str:
    return number.lstrip("0") or "0"


def _mapping(entries: Mapping[str, int]) -> tuple[pl.Series, pl.Series]:
    """Numbers and entry indexes as two series, converted once, not for every chunk."""
    return (pl.Series(list(entries), dtype=pl.String),
            pl.Series(list(entries.values()), dtype=pl.UInt32))


class CustomerMatcher:
    """The matching rules over the workspace's customers (number -> id, None when several
    customers share the number), as polars expressions built once per check.

    Every possible match is one entry (state, id, matched number); a file's number finds
    its entry by one look-up of the exact number and one of the number without leading
    zeros, and every output column is gathered from that entry."""

    def __init__(self, customers: Mapping[str, int | None]) -> None:
        self.states: list[str] = []
        self.ids: list[int | None] = []
        self.numbers: list[str | None] = []
        self.exact: dict[str, int] = {}
        self.loose: dict[str, int] = {}
        by_stripped: dict[str, list[str]] = {}
        for number, cid in customers.items():
            self.exact[number] = self._entry(number if cid is not None else None, cid)
            by_stripped.setdefault(_stripped(number), []).append(number)
        for stripped, fits in by_stripped.items():
            one = len(fits) == 1 and customers[fits[0]] is not None
            self.loose[stripped] = self._entry(fits[0] if one else None,
                                               customers[fits[0]] if one else None)
        self._exact_map = _mapping(self.exact)
        self._loose_map = _mapping(self.loose)

    def _entry(self, number: str | None, cid: int | None) -> int:
        self.states.append("ok" if number is not None else "ambiguous")
        self.ids.append(cid)
        self.numbers.append(number)
        return len(self.states) - 1

    def entry(self, key: pl.Expr) -> pl.Expr:
        """Index of the entry that the numbers ``key`` (text, no nulls) match, null when
        none does (unknown)."""
        if not self.states:
            return pl.repeat(pl.lit(None, dtype=pl.UInt32), pl.len())
        stripped = key.str.strip_chars_start("0")
        stripped = pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped)
        return pl.coalesce(
            key.replace_strict(*self._exact_map, default=None, return_dtype=pl.UInt32),
            pl.when(key != "").then(stripped.replace_strict(
                *self._loose_map, default=None, return_dtype=pl.UInt32)),
        )

    def state(self, entry: pl.Expr) -> pl.Expr:
        """"ok" / "unknown" / "ambiguous" (Enum) of the entries ``entry``."""
        states = pl.Series(self.states or ["ok"], dtype=CUSTOMER_STATE_DTYPE)
        return pl.lit(states).gather(entry).fill_null(pl.lit("unknown",
                                                             dtype=CUSTOMER_STATE_DTYPE))

    def customer_id(self, entry: pl.Expr) -> pl.Expr:
        """The matched customer's id (Int64, null unless "ok")."""
        return pl.lit(pl.Series(self.ids or [None], dtype=pl.Int64)).gather(entry)

    def number(self, entry: pl.Expr) -> pl.Expr:
        """The matched customer's number as stored (null unless "ok")."""
        return pl.lit(pl.Series(self.numbers or [None], dtype=pl.String)).gather(entry)

    def owner(self, entry: pl.Expr, owners: Iterable[str]) -> pl.Expr:
        """Whether the matched customer's number is one of ``owners`` (never null)."""
        owners = set(owners)
        flags = [n is not None and n in owners for n in self.numbers] or [False]
        return pl.lit(pl.Series(flags, dtype=pl.Boolean)).gather(entry).fill_null(False)
