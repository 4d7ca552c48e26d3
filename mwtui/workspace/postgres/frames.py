"""Services as polars frames to and from PostgreSQL: ``COPY`` in CSV slices."""

from __future__ import annotations

from typing import Any

import polars as pl

CHUNK_ROWS = 100_000


def copy_frame(conn: Any, frame: pl.DataFrame, first_id: int, batch: str) -> None:
    """Send ``frame`` (one row per service) as ids ``first_id``.. of ``batch`` with one
    ``COPY``, a slice at a time (each row's document is its JSON, built by polars)."""
    columns = frame.columns
    sql = ("COPY mwtui_services (id, batch, row_key, customer_number, doc) "
           "FROM STDIN (FORMAT csv)")
    with conn.cursor().copy(sql) as copy:
        for start in range(0, frame.height, CHUNK_ROWS):
            part = frame.slice(start, CHUNK_ROWS)
            rows = part.select(
                pl.int_range(first_id + start, first_id + start + part.height,
                             dtype=pl.Int64).alias("id"),
                pl.lit(batch).alias("batch"),
                pl.col("row_key").cast(pl.String),
                pl.col("customer_number").cast(pl.String),
                pl.struct(columns).struct.json_encode().alias("doc"),
            )
            copy.write(rows.write_csv(include_header=False))


def read_services_frame(conn: Any, batch: str | None) -> pl.DataFrame:
    """Services (of one batch, or all) as a frame with an ``id`` column."""
    where, params = ("WHERE batch = %s", (batch,)) if batch is not None else ("", ())
    cur = conn.execute(f"SELECT id, doc::text FROM mwtui_services {where} ORDER BY id",
                       params)
    ids, docs = [], []
    for doc_id, text in cur:
        ids.append(doc_id)
        docs.append(text)
    if not docs:
        return pl.DataFrame()
    frame = pl.read_ndjson("\n".join(docs).encode(), infer_schema_length=None)
    return frame.with_columns(pl.Series("id", ids, dtype=pl.Int64))


def read_committed_keys(conn: Any) -> tuple[pl.Series, frozenset[str]]:
    """Row keys of the services (a String Series) and the customer numbers owning them,
    sent by one ``COPY`` as CSV and parsed by polars (no Python object per row)."""
    frame = _copy_out(conn, "SELECT row_key, coalesce(customer_number, '') FROM "
                      "mwtui_services WHERE row_key IS NOT NULL", (),
                      {"key": pl.String, "owner": pl.String})
    owners = frame.get_column("owner").fill_null("").unique().to_list()
    return frame.get_column("key"), frozenset(owners)


def _copy_out(conn: Any, query: str, params: tuple[Any, ...],
              schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``query`` sent by one ``COPY ... TO STDOUT`` as CSV, read by polars."""
    data = bytearray()
    with conn.cursor().copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", params) as copy:
        for block in copy:
            data += block
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(bytes(data), has_header=False, new_columns=list(schema),
                       schema_overrides=schema)
