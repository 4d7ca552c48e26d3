"""Article catalogue and customers from semicolon files (WEBFAKT exports and the like).

``Artikelnummer;Bezeichnung;VK-Preis;Langtext`` and
``Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon``: same encoding and header rules as the
service check (``read.py``), upsert by number in one transaction, one batch record
per import (kind ``articles`` / ``customers``). Rows with problems are reported, not
written. Empty cells never erase a stored value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from mwtui.i18n import _
from mwtui.importers.webfakt.bounded import (
    FIELD_LIMITS,
    Bounded,
    bound_bytes,
    field_checks,
    read_bounded,
)
from mwtui.importers.webfakt.read import (
    blank_expr,
    decode,
    find_header,
    german_decimal,
    read_lines,
    split_fields,
)
from mwtui.importers.webfakt.reasons import REASONS
from mwtui.workspace.batches import record_batch
from mwtui.workspace.models import Article, Batch, Customer, now_iso
from mwtui.workspace.store import Transaction, new_batch_id

ARTICLE_HEADER: tuple[str, ...] = ("Artikelnummer", "Bezeichnung", "VK-Preis", "Langtext")
ARTICLE_FIELDS: tuple[str, ...] = ("number", "name", "price", "long_text")
CUSTOMER_HEADER: tuple[str, ...] = ("Kunden-Nr.", "Name", "Straße", "PLZ", "Ort", "E-Mail",
                                    "Telefon")
CUSTOMER_FIELDS: tuple[str, ...] = ("number", "name", "street", "zip", "city", "email", "phone")

#: Row reasons of the catalogue imports, with the operator message.
CATALOGUE_REASONS: dict[str, str] = {
    "line_too_long": REASONS["line_too_long"],
    "field_count": "Falsche Anzahl Felder in der Zeile.",
    "nul_byte": REASONS["nul_byte"],
    "field_too_long": REASONS["field_too_long"],
    "missing_number": "Nummer fehlt.",
    "missing_name": "Name/Bezeichnung fehlt.",
    "bad_price": "VK-Preis ist keine Zahl im Format 1.234,56.",
    "bad_email": "E-Mail-Adresse ohne @.",
    "duplicate_number": "Nummer kommt in der Datei mehrfach vor; nur die erste Zeile zählt.",
}


@dataclass(frozen=True)
class CatalogueReject:
    line: int
    column: str
    value: str
    reason: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value,
                "reason": self.reason, "message": self.message}


@dataclass
class CatalogueCheck:
    """Parsed catalogue file: ``records`` to upsert (stored form) and ``rejects``."""

    kind: str  # "articles" | "customers"
    encoding: str
    file_name: str
    rows: int
    records: list[dict[str, Any]]
    lines: list[int]
    rejects: list[CatalogueReject] = field(default_factory=list)


@dataclass
class CatalogueResult:
    """What an import wrote."""

    kind: str
    file_name: str
    encoding: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejects: list[CatalogueReject]
    batch_id: str | None

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def to_json(self) -> dict[str, Any]:
        reasons: dict[str, int] = {}
        for r in self.rejects:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
        return {"kind": self.kind, "file": self.file_name, "encoding": self.encoding,
                "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "reasons": reasons,
                "rejects": [r.to_json() for r in self.rejects], "batch": self.batch_id}


def _parse(data: bytes | Bounded, kind: str, header: tuple[str, ...],
           fields: tuple[str, ...]) -> tuple[pl.DataFrame, str, list[Check]]:
    """The data rows of a catalogue file, its encoding and the input-bound checks (a line
    cut while reading, a NUL byte, a field over its limit)."""
    read = data if isinstance(data, Bounded) else bound_bytes(data)
    utf8, encoding = decode(read.data)
    lines = read_lines(utf8)
    what = _("article list") if kind == "article" else _("customer list")
    found = find_header(lines, {1: header}, reason_column="Grund", what=what)
    kept = ~blank_expr() | pl.col("line").is_in(read.long_lines)
    body = lines.filter((pl.col("line") > found.last_line) & kept)
    split = split_fields(body, len(fields), allow_extra=found.has_reason_column)
    frame = split.rename({f"f{i}": name for i, name in enumerate(fields)})
    bounds = [(pl.col("line").is_in(read.long_lines), "line_too_long", "", "raw"),
              (~pl.col("fields_ok"), "field_count", "", "")]
    for fails, code, column, value in field_checks(frame, zip(fields, header, strict=True)):
        frame = frame.with_columns(value.alias(f"_v{len(bounds)}"))
        bounds.append((fails, code, column, f"_v{len(bounds)}"))
    return frame, encoding, bounds


Check = tuple[pl.Expr, str, str, str]
"""One row check: (fails, reason code, header name, name of the column to report)."""


def _reasons(frame: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """Add ``reason``/``column``/``value`` (first failing check) to ``frame``."""
    reason: Any = pl
    column: Any = pl
    value: Any = pl
    for cond, code, col_name, field_name in checks:
        reason = reason.when(cond.fill_null(True)).then(pl.lit(code))
        column = column.when(cond.fill_null(True)).then(pl.lit(col_name))
        value = value.when(cond.fill_null(True)).then(
            pl.col(field_name).fill_null("") if field_name else pl.lit(""))
    return frame.with_columns(reason.otherwise(None).alias("reason"),
                              column.otherwise(None).alias("column"),
                              value.otherwise(None).alias("value"))


def _message(reason: str, column: str | None, limits: dict[str, int]) -> str:
    text = CATALOGUE_REASONS[reason]
    if reason == "field_too_long" and column in limits:
        return f"{text} Höchstens {limits[column]} Zeichen."
    return text


def _finish(frame: pl.DataFrame, kind: str, encoding: str, file_name: str,
            fields: tuple[str, ...], header: tuple[str, ...]) -> CatalogueCheck:
    number_column = header[0]
    key = pl.when(pl.col("reason").is_null()).then(pl.col("number"))
    dup = key.is_not_null() & ~key.is_first_distinct()
    frame = frame.with_columns(
        pl.when(dup).then(pl.lit("duplicate_number")).otherwise(pl.col("reason"))
        .alias("reason"),
        pl.when(dup).then(pl.lit(number_column)).otherwise(pl.col("column")).alias("column"),
        pl.when(dup).then(pl.col("number")).otherwise(pl.col("value")).alias("value"),
    )
    bad = frame.filter(pl.col("reason").is_not_null())
    limits = {h: FIELD_LIMITS[f] for f, h in zip(fields, header, strict=True)}
    rejects = [CatalogueReject(line, column or "", value or "", reason,
                               _message(reason, column, limits))
               for line, column, value, reason in
               bad.select("line", "column", "value", "reason").iter_rows()]
    good = frame.filter(pl.col("reason").is_null())
    return CatalogueCheck(kind, encoding, file_name, frame.height,
                          good.select(*fields).to_dicts(), good.get_column("line").to_list(),
                          rejects)


def check_articles_bytes(data: bytes | Bounded, *, file_name: str = "") -> CatalogueCheck:
    """Parse an article file; raises only :class:`FileError`."""
    frame, encoding, bounds = _parse(data, "article", ARTICLE_HEADER, ARTICLE_FIELDS)
    price_ok, price = german_decimal(pl.col("price"))
    empty = pl.col("price").fill_null("") == ""
    frame = frame.with_columns(
        pl.when(empty).then(pl.lit("0")).otherwise(price).alias("price_n"),
        (empty | price_ok).alias("_price_ok"),
        pl.col("long_text").fill_null("").str.replace_all(r"(?i)<br\s*/?>", "\n"),
    )
    col = dict(zip(ARTICLE_FIELDS, ARTICLE_HEADER, strict=True))
    frame = _reasons(frame, [
        *bounds,
        (pl.col("number").fill_null("") == "", "missing_number", col["number"], "number"),
        (pl.col("name").fill_null("") == "", "missing_name", col["name"], "name"),
        (~pl.col("_price_ok"), "bad_price", col["price"], "price"),
    ])
    frame = frame.with_columns(pl.col("price_n").alias("price"))
    return _finish(frame, "articles", encoding, file_name, ARTICLE_FIELDS, ARTICLE_HEADER)


def check_customers_bytes(data: bytes | Bounded, *, file_name: str = "") -> CatalogueCheck:
    """Parse a customer file; raises only :class:`FileError`."""
    frame, encoding, bounds = _parse(data, "customer", CUSTOMER_HEADER, CUSTOMER_FIELDS)
    col = dict(zip(CUSTOMER_FIELDS, CUSTOMER_HEADER, strict=True))
    email = pl.col("email").fill_null("")
    frame = _reasons(frame, [
        *bounds,
        (pl.col("number").fill_null("") == "", "missing_number", col["number"], "number"),
        (pl.col("name").fill_null("") == "", "missing_name", col["name"], "name"),
        ((email != "") & ~email.str.contains("@", literal=True), "bad_email", col["email"],
         "email"),
    ])
    frame = frame.with_columns(pl.col(c).fill_null("") for c in CUSTOMER_FIELDS)
    return _finish(frame, "customers", encoding, file_name, CUSTOMER_FIELDS, CUSTOMER_HEADER)


def _merge_article(batch_id: str):
    def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        merged = {**old, **{k: v for k, v in new.items()
                            if k in ARTICLE_FIELDS and v not in ("", None)}}
        if merged == old:
            return old
        return {**merged, "batch": batch_id}
    return merge


def _merge_customer(batch_id: str):
    def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        merged = {**old, **{k: v for k, v in new.items()
                            if k in CUSTOMER_FIELDS and v not in ("", None)}}
        sources = list(old.get("sources") or [])
        link = {"integration": "webfakt", "external_id": new["number"],
                "change_marker": None}
        if not any(s.get("integration") == "webfakt" for s in sources):
            sources.append(link)
        merged["sources"] = sources
        if merged == old:
            return old
        return {**merged, "updated": now_iso(), "batch": batch_id}
    return merge


def _write(tx: Transaction, check: CatalogueCheck, batch_id: str) -> tuple[int, int, int]:
    if check.kind == "articles":
        docs = [Article(**{**rec, "batch": batch_id}).to_record() for rec in check.records]
        results = tx.upsert_by("articles", docs, key=lambda d: d.get("number") or None,
                               merge=_merge_article(batch_id))
    else:
        docs = []
        for rec in check.records:
            customer = Customer(**{**rec, "batch": batch_id})
            customer.sources = [{"integration": "webfakt", "external_id": rec["number"],
                                 "change_marker": None}]
            docs.append(customer.to_record())
        results = tx.upsert_by("customers", docs,
                               key=lambda d: str(d.get("number") or "").strip() or None,
                               merge=_merge_customer(batch_id))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _doc_id, outcome in results:
        counts[outcome] += 1
    return counts["created"], counts["updated"], counts["unchanged"]


def import_check(workspace: Any, check: CatalogueCheck) -> CatalogueResult:
    """Upsert a checked catalogue file in one transaction with a batch record."""
    batch_id = new_batch_id()
    with workspace.transaction() as tx:
        created, updated, unchanged = _write(tx, check, batch_id)
        record_batch(tx, Batch(
            batch_id=batch_id, kind=check.kind, source=check.file_name, finished=now_iso(),
            status="done",
            counts={"rows": check.rows, "created": created, "updated": updated,
                    "unchanged": unchanged, "rejected": len(check.rejects)},
            errors=[r.to_json() for r in check.rejects[:100]],
            details={"encoding": check.encoding},
        ))
    return CatalogueResult(check.kind, check.file_name, check.encoding, check.rows, created,
                           updated, unchanged, check.rejects, batch_id)


def import_articles(workspace: Any, path: Path | str) -> CatalogueResult:
    """``mwtui articles import FILE``: upsert articles by Artikelnummer."""
    check = check_articles_bytes(read_bounded(path), file_name=Path(path).name)
    return import_check(workspace, check)


def import_customers(workspace: Any, path: Path | str) -> CatalogueResult:
    """``mwtui customers import FILE``: upsert customers by Kunden-Nr."""
    check = check_customers_bytes(read_bounded(path), file_name=Path(path).name)
    return import_check(workspace, check)


def demo_file(name: str) -> Path:
    """Path of a file shipped in ``mwtui/demo/data`` (e.g. "webfakt_format1.csv")."""
    return Path(str(resources.files("mwtui.demo").joinpath("data", name)))


def load_demo_catalogue(workspace: Any) -> tuple[CatalogueResult, CatalogueResult]:
    """Load the shipped ``customers.csv`` and ``articles.csv`` into ``workspace`` (for the
    demo workspace builder)."""
    customers = import_customers(workspace, demo_file("customers.csv"))
    articles = import_articles(workspace, demo_file("articles.csv"))
    return customers, articles
