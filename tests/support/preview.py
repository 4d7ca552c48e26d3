"""Shared helpers of the preview tests: an app over a demo workspace and a small sample file."""

from __future__ import annotations

from pathlib import Path

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
