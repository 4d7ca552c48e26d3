"""Two operators at once: WEBFAKT commits and order imports into one workspace, together."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from mwtui.cli import main
from mwtui.demo.workspace import demo_data_dir
from mwtui.workspace.store import Workspace

OPERATOR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mwtui.cli import main
    db, go, first, second = sys.argv[1:5]
    while not Path(go).exists():
        time.sleep(0.005)
    for step in (first, second):
        args = ["--db", db] + step.split("|")
        code = main(args)
        if code != 0:
            sys.exit(code)
    """
)


def _check_json(db: Path, name: str, capsys) -> dict:
    assert main(["--db", str(db), "webfakt", "check", str(demo_data_dir() / name), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_two_processes_commit_and_import_at_once_lose_and_double_nothing(
    tmp_path: Path, capsys
) -> None:
    db = tmp_path / "ws.json"
    data = demo_data_dir()
    assert main(["--db", str(db), "customers", "import", str(data / "customers.csv")]) == 0
    assert main(["--db", str(db), "articles", "import", str(data / "articles.csv")]) == 0
    capsys.readouterr()
    expected = {name: _check_json(db, name, capsys)["accepted"]
                for name in ("webfakt_format1.csv", "webfakt_format4.csv")}
    assert all(expected.values())

    go = tmp_path / "go"
    commit1 = f"webfakt|commit|{data / 'webfakt_format1.csv'}"
    commit4 = f"webfakt|commit|{data / 'webfakt_format4.csv'}"
    orders = "import|orders|--from|sevdesk|--period|all|--sandbox"
    procs = [
        subprocess.Popen([sys.executable, "-c", OPERATOR, str(db), str(go), commit1, orders],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([sys.executable, "-c", OPERATOR, str(db), str(go), orders, commit4],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    time.sleep(1.0)  # both interpreters are up and waiting
    go.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err

    snap = Workspace(db).snapshot()
    services = [d for _, d in snap.items("services")]
    assert len(services) == sum(expected.values()), "a committed service row was lost/doubled"
    keys = Counter((d["source"], d["external_id"]) for _, d in snap.items("activities")
                   if d.get("external_id"))
    assert keys and max(keys.values()) == 1, "an imported order was doubled"
    customers = Counter((s["integration"], s["external_id"])
                        for _, d in snap.items("customers") for s in d.get("sources", []))
    assert max(customers.values()) == 1, "an imported contact was doubled"
    batches = [d for _, d in snap.items("batches")]
    kinds = Counter(d["kind"] for d in batches if d["kind"] in ("webfakt", "orders"))
    assert kinds == {"webfakt": 2, "orders": 2}
    assert all(d["status"] == "done" for d in batches), [d["status"] for d in batches]
