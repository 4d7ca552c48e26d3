"""Process-level safety: SIGKILL in the middle of multi-file transactions, and several
writers at once. Each transaction below writes several files (a service partition and its
key index, the batch table, customers, activities, a PDF) or drops a partition (undo)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from mwtui.workspace.batches import list_batches
from mwtui.workspace.store import Workspace
from tests.support.store import expected_page_ids, orphans

REPO = Path(__file__).resolve().parents[2]

# Prints one line per committed transaction: "<op> <batch>".
WRITER = textwrap.dedent(
    """
    import random, sys
    from dataclasses import asdict
    from mwtui.importers.accounting.attachments import store_pdf
    from mwtui.workspace.batches import record_batch, undo_batch
    from mwtui.workspace.models import Batch
    from mwtui.workspace.store import Workspace
    ws = Workspace.open(sys.argv[1])
    rng, start, size = random.Random(int(sys.argv[2])), int(sys.argv[2]), int(sys.argv[3])
    for i in range(start, start + 100000):
        op, batch = rng.choice(["commit", "commit", "undo", "orders", "customers", "import"]), \
            f"b{i}"
        if op == "import":  # an import's batch is "running" until its last write
            with ws.transaction() as tx:
                tx.upsert_by("customers", [{"key": "c" + batch, "name": batch}],
                             lambda d: d.get("key"))
                record_batch(tx, Batch(batch, "contacts", "x"))
            with ws.transaction() as tx:
                record_batch(tx, Batch(batch, "contacts", "x", status="done"))
        elif op == "undo":
            done = [d["batch_id"] for _, d in ws.snapshot().items("batches")
                    if d["kind"] == "webfakt" and d["status"] == "done"]
            if not done:
                continue
            batch = rng.choice(done)
            undo_batch(ws, batch)
        elif op == "orders":
            pdf = store_pdf(ws.attachments_dir, b"%PDF-1.4 " + batch.encode() * 50)
            with ws.transaction() as tx:
                tx.upsert_by("customers", [{"key": "c" + batch, "name": batch}],
                             lambda d: d.get("key"))
                tx.insert("activities", {"number": batch, "batch": batch, "source": "sevdesk",
                                         "attachments": [asdict(pdf)]})
                record_batch(tx, Batch(batch, "orders", "x", status="done",
                                       counts={"activities": 1}))
        else:
            with ws.transaction() as tx:
                if op == "commit":
                    tx.insert_many("services", [{"batch": batch, "row_key": f"{batch}-{n}",
                                                 "customer_number": "1", "pad": "x" * 200}
                                                for n in range(size)])
                tx.upsert_by("customers", [{"key": "c" + batch, "name": batch}],
                             lambda d: d.get("key"))
                record_batch(tx, Batch(batch, "webfakt" if op == "commit" else "customers",
                                       "x", status="done", counts={"committed": size}))
        # one write: with PYTHONUNBUFFERED print() writes each word on its own, and a kill
        # between them left a line of one word
        sys.stdout.write(f"{op} {batch}\\n")
        sys.stdout.flush()
    """
)


def _check_consistent(path: Path, printed: list[tuple[str, str]]) -> int:
    """The workspace equals a committed state: every batch with all its records or none."""
    ws = Workspace.open(path)
    snap = ws.snapshot()
    batches = {d["batch_id"]: d for _, d in snap.items("batches")}
    services: dict[str, int] = {}
    for _, doc in snap.items("services"):
        services[doc["batch"]] = services.get(doc["batch"], 0) + 1
    customers = {d["key"] for _, d in snap.items("customers")}
    activities = {d["number"]: d for _, d in snap.items("activities")}
    for batch_id, doc in batches.items():
        assert "c" + batch_id in customers, f"batch {batch_id} without its customer"
        want = (doc["counts"]["committed"] if doc["status"] == "done" else 0) \
            if doc["kind"] == "webfakt" else 0
        assert services.get(batch_id, 0) == want, f"batch {batch_id} half-written/undone"
        if doc["kind"] == "orders":
            pdf = activities[batch_id]["attachments"][0]["name"]
            assert (ws.attachments_dir / pdf).is_file(), "an activity's PDF is missing"
    assert set(services) <= set(batches), "services without their batch record"
    assert {k[1:] for k in customers} <= set(batches), "a customer without its batch"
    for op, batch in printed:  # everything acknowledged is there
        assert batch in batches, (op, batch)
        if op == "undo":
            assert batches[batch]["status"] == "undone"
    assert not orphans(ws), "files no manifest names were left behind"
    page = snap.activities_page()  # the Activities list's first page: of this very state
    assert page is not None and page["count"] == len(activities)
    assert [r["id"] for r in page["rows"]] == expected_page_ids(snap)
    temps = [p for p in [*ws.path.rglob("*"), *ws.attachments_dir.glob(".*")]
             if p.name.endswith(".tmp")]
    assert not temps, f"temp files of a killed write were left: {temps}"
    stuck = [d["batch_id"] for _, d in list_batches(snap) if d["status"] == "running"]
    assert not stuck, f"batches of a killed process still shown as running: {stuck}"
    return len(batches)


def test_sigkill_at_random_moments_in_multi_file_transactions(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    Workspace.open(path)
    rng = random.Random(1234)
    printed: list[tuple[str, str]] = []
    for round_ in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(round_ * 100000), "40"],
            stdout=subprocess.PIPE, text=True, cwd=REPO,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # at least one commit per round
        assert first.strip(), "writer failed to start"
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        printed += [tuple(line.split()) for line in (first + rest).splitlines()]
        _check_consistent(path, printed)
    assert len(printed) >= 50


MIXED = textwrap.dedent(
    """
    import sys
    from mwtui.workspace.batches import record_batch, undo_batch
    from mwtui.workspace.models import Batch
    from mwtui.workspace.store import Workspace
    ws = Workspace(sys.argv[1])
    proc = sys.argv[2]
    for step in range(200):
        key = f"k{(step * 7) % 50}"
        kind = step % 4
        if kind in (0, 1):  # upsert: read-modify-write of a shared record
            with ws.transaction() as tx:
                found = tx.find("customers", lambda d: d.get("key") == key)
                if found:
                    doc_id, doc = found[0]
                    tx.update("customers", doc_id, {"hits": doc["hits"] + [f"{proc}:{step}"]})
                else:
                    tx.insert("customers", {"key": key, "hits": [f"{proc}:{step}"]})
        elif kind == 2:  # a commit: partition, key index and batch record
            batch = f"{proc}-{step}"
            with ws.transaction() as tx:
                tx.insert_many("services", [{"batch": batch, "row_key": f"{batch}-{n}"}
                                            for n in range(5)])
                record_batch(tx, Batch(batch, "webfakt", "x", status="done"))
        elif step % 8 == 3:  # undo this process's previous commit
            undo_batch(ws, f"{proc}-{step - 1}")
    """
)


def test_four_processes_with_mixed_writes_lose_and_double_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    Workspace.open(path)
    procs = [subprocess.Popen([sys.executable, "-c", MIXED, str(path), f"p{n}"],
                              stderr=subprocess.PIPE, text=True, cwd=REPO) for n in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    snap = Workspace(path).snapshot()
    docs = [d for _, d in snap.items("customers")]
    keys = [d["key"] for d in docs]
    assert len(keys) == len(set(keys)) == 50
    hits = [h for d in docs for h in d["hits"]]
    assert len(hits) == len(set(hits)) == 4 * 100
    batches = {d["batch_id"]: d["status"] for _, d in snap.items("batches")}
    assert len(batches) == 4 * 50
    assert sum(s == "undone" for s in batches.values()) == 4 * 25
    per_batch: dict[str, int] = {}
    for _, doc in snap.items("services"):
        per_batch[doc["batch"]] = per_batch.get(doc["batch"], 0) + 1
    assert per_batch == {b: 5 for b, s in batches.items() if s == "done"}
    assert len(snap.committed_keys()[0]) == 5 * 4 * 25


SLICED_COMMIT = textwrap.dedent(
    """
    import importlib, sys, time
    from mwtui.importers.webfakt import check_file, commit
    from mwtui.workspace.store import Workspace
    from mwtui.workspace.transaction import Transaction
    importlib.import_module("mwtui.importers.webfakt.commit")._SLICE_ROWS = 1
    real = Transaction.insert_frame
    def announced(self, *args):
        done = real(self, *args)
        print("slice", flush=True)
        time.sleep(60)  # killed here, between two slices
        return done
    Transaction.insert_frame = announced
    ws = Workspace.open(sys.argv[1])
    commit(ws, check_file(sys.argv[2], ws), sys.argv[2])
    """
)


def test_sigkill_between_the_slices_of_a_webfakt_commit(tmp_path: Path) -> None:
    from tests.support.webfakt import HEADER1, seeded_workspace

    ws = seeded_workspace(tmp_path / "ws.json")
    path = tmp_path / "f.csv"
    path.write_bytes((HEADER1 + "\r\n001;12101;A;01;1;1,00;;0;\r\n7104;17104;B;12;1;2,00;;0;"
                      "\r\n").encode("cp1252"))
    proc = subprocess.Popen([sys.executable, "-c", SLICED_COMMIT, str(ws.path), str(path)],
                            stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "slice", "the commit did not start"
    written = orphans(Workspace(ws.path))
    assert {Path(name).suffix for name in written} == {".parquet", ".keys"}
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    reopened = Workspace.open(ws.path)  # the lock is free: unnamed files go
    assert not orphans(reopened)
    snap = reopened.snapshot()
    assert list(snap.items("services")) == []
    assert [d for _, d in snap.items("batches") if d["kind"] == "webfakt"] == []
