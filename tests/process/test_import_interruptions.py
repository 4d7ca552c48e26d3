"""Interruption, failures, concurrent imports and hostile attachment names."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from support.sync import NOW, activities, client_for, demo, workspace

from mwtui.demo.sandbox import SandboxState
from mwtui.importers.accounting import sync_orders
from mwtui.importers.accounting.sync import SyncProgress, import_orders

REPO = Path(__file__).resolve().parents[2]


def assert_consistent(ws, state: SandboxState) -> None:
    """Every activity carries exactly its order's delivery notes, each file on disk."""
    for number, activity in activities(ws).items():
        order = next(o for o in state.orders.values() if o.number == number)
        expected = {n.id for n in state.notes.values() if n.order_id == order.id}
        attached = [a["external_id"] for a in activity["attachments"]]
        assert len(attached) == len(set(attached)), number
        assert set(attached) == expected, number
        for item in activity["attachments"]:
            data = Path(item["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == item["sha256"]


def test_cancelled_import_keeps_whole_activities_and_next_run_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_orders, "FETCH_WINDOW", 10)
    ws = workspace(tmp_path)
    state = SandboxState.generated("sevdesk", orders=60, notes=30, contacts=6, now=NOW)
    client = client_for(state)
    cancel = threading.Event()

    def progress(p: SyncProgress) -> None:
        if p.phase == "orders" and p.done >= 25:
            cancel.set()

    first = import_orders(ws, client, "all", progress=progress, cancel=cancel, now=NOW)

    assert first.status == "cancelled"
    written = activities(ws)
    assert 0 < len(written) < 60
    assert_consistent(ws, state)
    batch = next(d for _, d in ws.snapshot().items("batches") if d["batch_id"] == first.batch_id)
    assert batch["status"] == "cancelled" and batch["counts"]["created"] == len(written)

    second = import_orders(ws, client, "all", now=NOW)

    assert second.status == "done"
    assert len(activities(ws)) == 60
    assert second.created == 60 - len(written)
    assert_consistent(ws, state)
    assert sum(len(a["attachments"]) for a in activities(ws).values()) == 30


def test_failing_items_do_not_stop_the_others_and_are_retried(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state = SandboxState.generated("lexware", orders=12, notes=6, contacts=3, now=NOW)
    broken_orders = list(state.orders)[7:9]
    broken_note = next(iter(state.notes))
    real = state.handle
    healthy = False

    def flaky(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not healthy:
            if any(path == f"/v1/order-confirmations/{i}" for i in broken_orders):
                return httpx.Response(500, json={"message": None})
            if path.startswith(f"/v1/delivery-notes/{broken_note}/"):
                return httpx.Response(200, content=b"<html>not a pdf</html>",
                                      headers={"Content-Type": "application/pdf"})
        return real(request)

    state.handle = flaky  # type: ignore[method-assign]
    client = client_for(state)

    first = import_orders(ws, client, "all", now=NOW)

    assert first.status == "done"
    failed = {e.external_id for e in first.failed}
    assert set(broken_orders) <= failed and broken_note in failed
    assert first.created == 10
    assert all(e.error for e in first.failed)
    healthy = True

    second = import_orders(ws, client, "all", now=NOW)

    assert (second.created, len(second.failed)) == (2, 0)
    assert second.attachments_added >= 1
    assert_consistent(ws, state)


def test_listing_failure_fails_the_run_without_touching_data(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    import_orders(ws, client, "all", now=NOW)
    before = activities(ws)

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"message": "Authentication required"}})

    state.handle = down  # type: ignore[method-assign]
    result = import_orders(ws, client_for(state), "all", now=NOW)

    assert result.status == "failed" and result.error
    assert activities(ws) == before  # nothing flagged missing, nothing changed


def test_remote_file_name_is_metadata_only(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("lexware")
    note = next(iter(state.notes.values()))
    note.number = note.remote_name = "../../etc/x"  # hostile voucher number and file name
    import_orders(ws, client, "all", now=NOW)

    item = next(a for a in activities(ws).values() if a["attachments"])["attachments"][0]
    assert item["remote_name"].startswith("../../etc/x")
    assert item["name"] == hashlib.sha256(note.content).hexdigest() + ".pdf"
    assert Path(item["path"]).parent == ws.attachments_dir.resolve()
    assert not (tmp_path / "etc").exists() and not (ws.path.parent.parent / "etc").exists()
    assert sorted(p.name for p in ws.attachments_dir.iterdir()) == [item["name"]]


def test_symlink_planted_in_attachments_folder_is_not_followed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state, client = demo("sevdesk")
    note = next(iter(state.notes.values()))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    ws.attachments_dir.mkdir(parents=True)
    planted = ws.attachments_dir / (hashlib.sha256(note.content).hexdigest() + ".pdf")
    planted.symlink_to(victim)

    result = import_orders(ws, client, "all", now=NOW)

    assert result.attachments_added == 1 and not result.failed
    assert victim.read_text() == "precious"
    assert not planted.is_symlink() and planted.read_bytes() == note.content


def test_attachments_folder_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ws.attachments_dir.symlink_to(elsewhere, target_is_directory=True)
    _, client = demo("sevdesk")

    result = import_orders(ws, client, "all", now=NOW)

    assert result.attachments_added == 0 and result.failed
    assert "symbolic link" in result.failed[0].error
    assert list(elsewhere.iterdir()) == []
    assert len(activities(ws)) == 4  # the activities themselves are imported


_WORKER = """
import sys
from support.sync import NOW, client_for
from mwtui.demo.sandbox import SandboxState
from mwtui.importers.accounting.sync import import_orders
from mwtui.workspace.store import Workspace
ws = Workspace.open(sys.argv[1])
state = SandboxState.generated("sevdesk", orders=80, notes=40, contacts=8, now=NOW)
result = import_orders(ws, client_for(state), "all", now=NOW)
print(result.status, result.created, result.updated, result.unchanged, len(result.failed))
"""


def test_two_processes_importing_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(ws.path)], cwd=REPO / "tests",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("done") and out.split()[-1] == "0", out
    state = SandboxState.generated("sevdesk", orders=80, notes=40, contacts=8, now=NOW)
    assert len(activities(ws)) == 80
    assert_consistent(ws, state)
    sources = [s["external_id"] for _, c in ws.snapshot().items("customers")
               for s in c["sources"]]
    assert len(sources) == len(set(sources)) == 8
