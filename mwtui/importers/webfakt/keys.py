"""Row identity: identical lines within a file and the content key of a committed row."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from operator import methodcaller

import polars as pl

#: The normalised fields that make a row's content key (``row_key``), in this order.
KEY_COLUMNS: tuple[str, ...] = (
    "customer_number", "article_number", "service", "cycle", "quantity", "quantity_text",
    "amount", "gross_amount", "next_invoice", "date", "discount", "remarks", "employee",
    "contract_number", "order_number",
)
_KEY_VERSION = "wf1"


def add_occurrence(frame: pl.DataFrame) -> pl.DataFrame:
    """Number identical accepted lines within the file (0 for the first) and warn on the
    repeats; ``occurrence`` becomes part of the row key. Lines count as identical when their
    text is (after the line break is cut); only repeated lines are grouped, so the common
    case, no repeats, costs one hash of the line text."""
    accepted = pl.col("status") == "accepted"
    content = pl.col("raw").hash(seed=7)
    frame = frame.with_columns(pl.when(accepted).then(content).alias("_h"))
    ordered = frame.get_column("_h").drop_nulls().sort()
    twice = ordered.filter(ordered == ordered.shift(1))  # sorting beats a hash set here
    if twice.is_empty():
        return frame.drop("_h").with_columns(pl.lit(0, dtype=pl.UInt32).alias("occurrence"))
    # Only the repeated hashes form groups (the rest get null), and the new columns are
    # added in place: a join would copy every column of a million-row frame.
    grouped = pl.when(pl.col("_h").is_in(twice.unique().implode())).then(pl.col("_h"))
    frame = frame.with_columns(grouped.alias("_h")).with_columns(
        pl.when(pl.col("_h").is_not_null())
        .then(pl.int_range(pl.len(), dtype=pl.UInt32).over("_h")).alias("occurrence"),
        pl.when(pl.col("_h").is_not_null())
        .then(pl.col("line").first().over("_h")).alias("_first"),
    ).drop("_h")
    dup = pl.col("occurrence").fill_null(0) > 0
    note = pl.format("Gleiche Leistung wie Zeile {}; wird zusätzlich übernommen.",
                     pl.col("_first"))
    return frame.with_columns(
        pl.col("occurrence").fill_null(0),
        pl.when(dup & pl.col("warning").is_not_null())
        .then(pl.concat_str([pl.col("warning").cast(pl.String), note], separator=" "))
        .when(dup).then(note).otherwise(pl.col("warning").cast(pl.String))
        .cast(pl.Categorical).alias("warning"),
    ).drop("_first")


def key_text(occurrence: pl.Expr, absent: Iterable[str] = ()) -> pl.Expr:
    """The text a row key hashes: the key version, then the normalised key fields (as
    text, null as empty) and ``occurrence``, separated by unit separators. Reads the
    columns of :data:`KEY_COLUMNS` as ``CheckResult.with_fields`` gives them; columns
    named in ``absent`` (null throughout: the format lacks them) are not read."""
    gone = set(absent)
    fields = [pl.lit("") if c in gone else pl.col(c).cast(pl.String).fill_null("")
              for c in KEY_COLUMNS]
    fields[0] = pl.concat_str([pl.lit(_KEY_VERSION + "\x1e"), fields[0]])
    return pl.concat_str([*fields, occurrence.cast(pl.String)], separator="\x1f")


def row_keys(frame: pl.DataFrame) -> pl.Series:
    """The stable content key of each row: sha256 over :func:`key_text` with the row's
    ``occurrence`` number (identical rows in one file get distinct keys)."""
    return row_keys_and_texts(frame)[0]


def row_keys_and_texts(frame: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """:func:`row_keys` and the texts they are the sha256 of."""
    texts = frame.select(key_text(pl.col("occurrence"))).to_series()
    return sha256_hex(texts), texts


def sha256_hex(texts: pl.Series) -> pl.Series:
    """The sha256 hex digests of the text ``texts`` (null stays null), hashed a slice at
    a time, so a million rows never exist as a million Python strings at once."""
    parts = [_hex_slice(texts.slice(start, _SLICE)) for start in range(0, len(texts), _SLICE)]
    return pl.concat(parts) if parts else pl.Series("row_key", [], dtype=pl.String)


def _hex_slice(texts: pl.Series) -> pl.Series:
    data = texts.drop_nulls().cast(pl.Binary).to_list()  # polars text is UTF-8: same bytes
    digests = pl.Series("row_key", list(map(_HEX, map(hashlib.sha256, data))),
                        dtype=pl.String)
    if len(digests) == len(texts):
        return digests
    out = pl.Series("row_key", [None] * len(texts), dtype=pl.String)
    return out.scatter(texts.is_not_null().arg_true(), digests)


_SLICE = 100_000
_HEX = methodcaller("hexdigest")


def known_keys(keys: pl.Series, committed: pl.Series) -> pl.Series:
    """Whether each of ``keys`` (text, null is never known) is one of ``committed``: one
    semi-join on the texts themselves (polars compares the text of every hash match, so a
    hash collision never makes a new key known)."""
    rows = pl.DataFrame({"_k": keys}).with_row_index("_i")
    hits = rows.join(pl.DataFrame({"_k": committed}), on="_k", how="semi").get_column("_i")
    return _flags(len(keys), hits)


def known_by_line(lines: pl.Series, keys: pl.Series, committed: pl.DataFrame) -> pl.Series:
    """Whether each row (its ``lines`` and ``keys``) equals the committed row of the same
    line in ``committed`` (columns ``line`` and ``key``: rows committed from the same
    file). Pairs by line number, then compares the keys: no text is hashed. A row it
    leaves False may still be known (see :func:`known_keys`)."""
    stored_lines, stored = committed.get_column("line"), committed.get_column("key")
    if committed.is_empty():
        return _flags(len(keys), pl.Series([], dtype=pl.UInt32))
    if stored_lines.equals(lines, check_names=False):  # every row was committed, in order
        return (keys == stored).fill_null(False)
    paired = lines.is_in(stored_lines.implode())
    if (paired.sum() != len(stored) or not stored_lines.is_sorted()
            or not lines.is_sorted()):  # lines repeated or out of order: pair by join
        return _paired_by_join(lines, keys, committed)
    same = (keys.filter(paired) == stored).fill_null(False)  # both in line order
    return _flags(len(keys), paired.arg_true().filter(same))


def _paired_by_join(lines: pl.Series, keys: pl.Series, committed: pl.DataFrame
                    ) -> pl.Series:
    rows = pl.DataFrame({"line": lines}).with_row_index("_i")
    stored = committed.select("line").with_row_index("_j")
    pairs = rows.join(stored, on="line")  # integers only; the keys are gathered after
    same = (keys.gather(pairs.get_column("_i"))
            == committed.get_column("key").gather(pairs.get_column("_j")))
    return _flags(len(keys), pairs.get_column("_i").filter(same.fill_null(False)))


def _flags(count: int, hits: pl.Series) -> pl.Series:
    """``count`` booleans, True at the positions ``hits``."""
    return pl.repeat(False, count, dtype=pl.Boolean, eager=True).scatter(hits, True)
