"""Shared helpers of the preview tests: an app over a demo workspace, a small sample file and
a synthetic million-row result frame."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mwtui.app import MwtuiApp
from mwtui.demo.workspace import populate
from mwtui.workspace.config import Config
from mwtui.workspace.store import Workspace

# Demo customers are 001, 7104, 80220, 43135, 1200: line 3 has an unknown customer, line 6 an
# unknown billing cycle; line 4 is blank (counted in line numbers, not a row).
FORMAT1 = (
    "Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;Rabatt;"
    "Bemerkungen\r\n"
    "001;12101;Homepagewartung;01;2;38,53;22.05.2004;5;keine Bemerkungen\r\n"
    "999;12101;Homepagewartung;01;1;38,53;22.05.2004;0;\r\n"
    "\r\n"
    "7104;17104;Wartungsvertrag;12;1;43,36;01.06.2004;0;\r\n"
    "80220;20001;Softwarewartung;99;1;117,50;01.06.2004;0;\r\n"
    "43135;20002;Addons;01;1;19,90;01.06.2004;0;[red]Zeile1[/red]<br>Zeile2\r\n"
)


def make_app(tmp_path: Path) -> MwtuiApp:
    workspace = Workspace.open(tmp_path / "ws.json")
    populate(workspace)
    return MwtuiApp(workspace=workspace, config=Config(path=tmp_path / "config.toml"))


def sample(tmp_path: Path, text: str = FORMAT1) -> Path:
    path = tmp_path / "leistungen.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def synthetic_rows(n: int, reject_every: int = 5) -> pl.DataFrame:
    """A format-1 shaped ``CheckResult.rows`` frame of ``n`` rows (every ``reject_every``-th
    row rejected as ``unknown_customer``), built in vectorised steps. For tests and the
    preview benchmark; the real frames come from ``webfakt.check_file``."""
    idx = pl.int_range(0, n, dtype=pl.UInt32, eager=True)
    base = pl.DataFrame({"i": idx})
    rejected = (pl.col("i") % reject_every) == (reject_every - 1)
    customer = (pl.col("i") % 997 + 1).cast(pl.Utf8).str.zfill(3)
    amount = ((pl.col("i") % 5000) + 1).cast(pl.Utf8) + pl.lit(".53")
    frame = base.with_columns(
        line=(pl.col("i") + 2).cast(pl.UInt32),
        status=pl.when(rejected).then(pl.lit("rejected")).otherwise(pl.lit("accepted")),
        reason=pl.when(rejected).then(pl.lit("unknown_customer")),
        column=pl.when(rejected).then(pl.lit("Kunden-Nr.")),
        value=pl.when(rejected).then(customer),
        message=pl.when(rejected).then(pl.lit("Bei nicht vorhandener Kundennummer wird kein "
                                              "Import durchgeführt.")),
        warning=pl.lit(None, dtype=pl.Utf8),
        from_catalogue=pl.lit(False),
        raw=customer + pl.lit(";12101;Homepagewartung;01;2;") + amount.str.replace(".", ",",
                                                                                   literal=True)
        + pl.lit(";22.05.2004;5;keine Bemerkungen"),
        customer_number=customer,
        customer_id=pl.when(rejected).then(pl.lit(None, dtype=pl.Int64))
        .otherwise((pl.col("i") % 997 + 1).cast(pl.Int64)),
        article_number=pl.lit("12101"),
        service=pl.lit("Homepagewartung"),
        cycle=pl.lit("01"),
        cycle_name=pl.lit("monatlich"),
        quantity=pl.lit("2"),
        quantity_text=pl.lit(None, dtype=pl.Utf8),
        amount=amount,
        gross_amount=pl.lit(None, dtype=pl.Utf8),
        next_invoice=pl.lit("2004-05-22"),
        date=pl.lit(None, dtype=pl.Utf8),
        discount=pl.lit("5"),
        remarks=pl.lit("keine Bemerkungen"),
        employee=pl.lit(None, dtype=pl.Utf8),
        contract_number=pl.lit(None, dtype=pl.Utf8),
        order_number=pl.lit(None, dtype=pl.Utf8),
        row_key=pl.lit(None, dtype=pl.Utf8),
    )
    return frame.drop("i")
