"""``mwtui sync`` as cron runs it: no terminal, no stdin, a clean environment; exit codes
0 (done) and 3 (another sync still running, refused at once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mwtui.importers.accounting.sync_unattended import sync_lock
from mwtui.workspace.store import Workspace


def cron_run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(db.parent), "MWTUI_DB": str(db),
           "XDG_CONFIG_HOME": str(db.parent / "config")}  # like cron: almost nothing set
    return subprocess.run([sys.executable, "-c", "import sys; from mwtui.cli import main; "
                           "sys.exit(main())", "sync", *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                          timeout=120, start_new_session=True, check=False)


def test_sync_twice_from_cron_then_refused_while_another_runs(tmp_path: Path) -> None:
    db = tmp_path / "workspace.json"
    first = cron_run(db, "--sandbox", "--integration", "lexware", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["status"] == "done"
    assert [(i["integration"], i["import"]) for i in report["imports"]] == [
        ("lexware", "contacts"), ("lexware", "orders")]
    assert report["imports"][1]["created"] >= 1
    second = cron_run(db, "--sandbox", "--integration", "lexware", "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["imports"][0]["created"] == 0

    with sync_lock(Workspace.open(db)):  # a sync is still running
        began = time.monotonic()
        busy = cron_run(db, "--sandbox", "--json")
        assert time.monotonic() - began < 30
    assert busy.returncode == 3
    assert "another sync" in busy.stderr and busy.stdout == ""
    assert os.path.exists(str(db) + ".sync.lock")
